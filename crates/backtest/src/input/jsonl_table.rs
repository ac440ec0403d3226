//! JSON Lines tables: one object per line, keys name the columns.
//!
//! Numbers with a fraction are floats in JSON and would lose digits on the
//! way in (rule X1), so they are refused: write decimals as strings.

use super::{Row, clip};
use crate::error::{InputError, InputErrorKind};
use serde_json::Value;
use std::io::BufRead;
use std::path::Path;

pub(super) fn read(
    path: &Path,
    shown: &str,
    wanted: &[&str],
    each: &mut dyn FnMut(&Row<'_>) -> Result<(), InputError>,
) -> Result<(), InputError> {
    let file = std::fs::File::open(path).map_err(|e| InputError::file(shown, InputErrorKind::Io(e.to_string())))?;
    let reader = std::io::BufReader::new(file);
    let columns = vec![0; wanted.len()];
    let mut values: Vec<String> = vec![String::new(); wanted.len()];
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
        let not_json = |why: String| {
            let mut err = InputError::file(shown, InputErrorKind::NotTheFormat(why));
            err.place.line = number;
            err.place.text = text();
            err
        };
        let object = match serde_json::from_str::<Value>(&line) {
            Ok(Value::Object(o)) => o,
            Ok(_) => return Err(not_json("each line of a JSON Lines file is one JSON object".into())),
            Err(e) => return Err(not_json(format!("not JSON: {e}"))),
        };
        let mut bad = None;
        for (i, w) in wanted.iter().enumerate() {
            values[i] = match object.get(*w) {
                None | Some(Value::Null) => String::new(),
                Some(Value::String(s)) => s.clone(),
                Some(Value::Bool(b)) => b.to_string(),
                Some(Value::Number(x)) if x.is_i64() || x.is_u64() => x.to_string(),
                Some(other) => {
                    bad.get_or_insert((i, other.to_string()));
                    String::new()
                }
            };
        }
        let cells: Vec<&str> = values.iter().map(String::as_str).collect();
        let row = Row { file: shown, line: number, cells: &cells, columns: &columns, names: wanted, text: &text };
        if let Some((i, value)) = bad {
            let expected = "a decimal written as a string (\"0.5\"): JSON numbers with a fraction are floats";
            return Err(row.error(i, InputErrorKind::Malformed { value, expected }));
        }
        each(&row)?;
    }
    Ok(())
}
