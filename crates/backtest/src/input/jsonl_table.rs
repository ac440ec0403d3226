//! JSON Lines tables: one object per line, keys name the columns.
//!
//! Numbers with a fraction are floats in JSON and would lose digits on the
//! way in (rule X1), so they are refused: write decimals as strings. A line
//! that is not a JSON object is a bad row (skippable with `--skip-invalid`),
//! except before the first object: a file that does not start with one is
//! not JSON Lines, and skipping all of it would hide that.

use super::{Record, Row, clip};
use crate::error::{InputError, InputErrorKind};
use serde_json::Value;
use std::io::BufRead;
use std::path::Path;

/// What a line that is not a JSON object is, in words.
fn not_an_object(line: &str) -> String {
    match serde_json::from_str::<Value>(line) {
        Ok(_) => "each line of a JSON Lines file is one JSON object".into(),
        Err(e) => format!("not JSON: {e}"),
    }
}

pub(super) fn read(
    path: &Path,
    shown: &str,
    wanted: &[&str],
    each: &mut dyn FnMut(Record<'_, '_>) -> Result<(), InputError>,
) -> Result<(), InputError> {
    // The wanted column an error about the whole line names: none.
    const WHOLE_ROW: usize = usize::MAX;
    let file = std::fs::File::open(path).map_err(|e| InputError::file(shown, InputErrorKind::Io(e.to_string())))?;
    let reader = std::io::BufReader::new(file);
    let columns = vec![0; wanted.len()];
    let mut values: Vec<String> = vec![String::new(); wanted.len()];
    let mut objects = 0u64;
    for (n, line) in reader.lines().enumerate() {
        let number = n as u64 + 1;
        let line = line.map_err(|e| {
            let mut err = InputError::file(
                shown,
                InputErrorKind::NotTheFormat(format!("not UTF-8 text, so not JSON Lines ({e})")),
            );
            err.place.line = number;
            err
        })?;
        if line.trim().is_empty() {
            continue;
        }
        let text = || clip(line.clone());
        let mut flaw = None;
        match serde_json::from_str::<Value>(&line) {
            Ok(Value::Object(object)) => {
                objects += 1;
                for (i, w) in wanted.iter().enumerate() {
                    values[i] = match object.get(*w) {
                        None | Some(Value::Null) => String::new(),
                        Some(Value::String(s)) => s.clone(),
                        Some(Value::Bool(b)) => b.to_string(),
                        Some(Value::Number(x)) if x.is_i64() || x.is_u64() => x.to_string(),
                        Some(other) => {
                            let expected =
                                "a decimal written as a string (\"0.5\"): JSON numbers with a fraction are floats";
                            flaw.get_or_insert((i, InputErrorKind::Malformed { value: other.to_string(), expected }));
                            String::new()
                        }
                    };
                }
            }
            _ if objects == 0 => {
                let mut err = InputError::file(shown, InputErrorKind::NotTheFormat(not_an_object(&line)));
                err.place.line = number;
                err.place.text = text();
                return Err(err);
            }
            _ => {
                values.iter_mut().for_each(String::clear);
                flaw = Some((WHOLE_ROW, InputErrorKind::NotAnObject(not_an_object(&line))));
            }
        }
        let cells: Vec<&str> = values.iter().map(String::as_str).collect();
        let row = Row { file: shown, line: number, cells: &cells, columns: &columns, names: wanted, text: &text };
        match flaw {
            Some((i, kind)) => each(Err(row.error(i, kind)))?,
            None => each(Ok(&row))?,
        }
    }
    Ok(())
}
