//! JSON Lines tables: one object per line, keys name the columns.
//!
//! Numbers with a fraction are floats in JSON and would lose digits on the
//! way in (rule X1), so they are refused: write decimals as strings. A line
//! that is not a JSON object is a bad row (skippable with `--skip-invalid`),
//! except before the first object: a file that does not start with one is
//! not JSON Lines, and skipping all of it would hide that.
//!
//! A backtest's usage and purchases files are read on every core
//! ([`read_pieces`]): the lines up to the first object one by one (where
//! the file is judged), the rest in blocks cut at line ends
//! ([`super::blocks`]), each piece's lines parsed on their own.

use super::blocks::{self, Lines};
use super::{Part, Record, Row, clip};
use crate::error::{InputError, InputErrorKind};
use serde_json::Value;
use std::io::{BufRead, Seek, SeekFrom};
use std::path::Path;

/// What a line that is not a JSON object is, in words.
fn not_an_object(line: &str) -> String {
    match serde_json::from_str::<Value>(line) {
        Ok(_) => "each line of a JSON Lines file is one JSON object".into(),
        Err(e) => format!("not JSON: {e}"),
    }
}

/// What a line held.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Line {
    Blank,
    Object,
    /// Not a JSON object: a bad row.
    Other,
}

/// Turns lines into rows of the `wanted` columns.
struct LineReader<'a> {
    shown: &'a str,
    wanted: &'a [&'a str],
    columns: Vec<usize>,
    values: Vec<String>,
}

impl<'a> LineReader<'a> {
    fn new(shown: &'a str, wanted: &'a [&'a str]) -> Self {
        LineReader { shown, wanted, columns: vec![0; wanted.len()], values: vec![String::new(); wanted.len()] }
    }

    /// Hands line `number` (its bytes, with or without its line end) to
    /// `each` as a row or a bad row. `first`: no object came before it in
    /// the file, so a line that is not one is the whole file's error.
    fn line(
        &mut self,
        bytes: &[u8],
        number: u64,
        first: bool,
        each: &mut dyn FnMut(Record<'_, '_>) -> Result<(), InputError>,
    ) -> Result<Line, InputError> {
        // The WHOLE_ROW column an error about the whole line names: none.
        const WHOLE_ROW: usize = usize::MAX;
        let bytes = bytes.strip_suffix(b"\n").unwrap_or(bytes);
        let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
        let line = std::str::from_utf8(bytes).map_err(|_| {
            let kind = InputErrorKind::NotTheFormat("not UTF-8 text, so not JSON Lines".into());
            let mut err = InputError::file(self.shown, kind);
            err.place.line = number;
            err
        })?;
        if line.trim().is_empty() {
            return Ok(Line::Blank);
        }
        let text = || clip(line.to_string());
        let mut flaw = None;
        let kind = match serde_json::from_str::<Value>(line) {
            Ok(Value::Object(object)) => {
                for (i, w) in self.wanted.iter().enumerate() {
                    self.values[i] = match object.get(*w) {
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
                Line::Object
            }
            _ if first => {
                let mut err = InputError::file(self.shown, InputErrorKind::NotTheFormat(not_an_object(line)));
                err.place.line = number;
                err.place.text = text();
                return Err(err);
            }
            _ => {
                self.values.iter_mut().for_each(String::clear);
                flaw = Some((WHOLE_ROW, InputErrorKind::NotAnObject(not_an_object(line))));
                Line::Other
            }
        };
        let cells: Vec<&str> = self.values.iter().map(String::as_str).collect();
        let row = Row {
            file: self.shown,
            line: number,
            cells: &cells,
            columns: &self.columns,
            names: self.wanted,
            text: &text,
        };
        match flaw {
            Some((i, kind)) => each(Err(row.error(i, kind)))?,
            None => each(Ok(&row))?,
        }
        Ok(kind)
    }
}

fn io(shown: &str) -> impl Fn(std::io::Error) -> InputError + '_ {
    move |e| InputError::file(shown, InputErrorKind::Io(e.to_string()))
}

/// Reads every line in order.
pub(super) fn read(
    path: &Path,
    shown: &str,
    wanted: &[&str],
    each: &mut dyn FnMut(Record<'_, '_>) -> Result<(), InputError>,
) -> Result<(), InputError> {
    let file = std::fs::File::open(path).map_err(io(shown))?;
    let mut reader = std::io::BufReader::new(file);
    let mut rows = LineReader::new(shown, wanted);
    let (mut number, mut first) = (0u64, true);
    let mut bytes = Vec::new();
    loop {
        bytes.clear();
        if reader.read_until(b'\n', &mut bytes).map_err(io(shown))? == 0 {
            return Ok(());
        }
        number += 1;
        first &= rows.line(&bytes, number, first, each)? != Line::Object;
    }
}

/// Lines of the file after its first object, parsed on their own; lines
/// are counted from 1 at the piece's start ([`Lines::fix`] makes them the
/// file's).
pub(crate) struct Piece<'a> {
    shown: &'a str,
    wanted: &'a [&'a str],
    bytes: &'a [u8],
}

impl Part for Piece<'_> {
    fn rows(&self, each: &mut dyn FnMut(Record<'_, '_>) -> Result<(), InputError>) -> Result<(), InputError> {
        let mut rows = LineReader::new(self.shown, self.wanted);
        for (n, line) in self.bytes.split_inclusive(|b| *b == b'\n').enumerate() {
            rows.line(line, n as u64 + 1, false, each)?;
        }
        Ok(())
    }

    fn rows_hint(&self) -> usize {
        memchr::memchr_iter(b'\n', self.bytes).count() + 1
    }
}

/// A piece ends after the first line end at or after `target`.
fn cut_line(buf: &[u8], _start: usize, target: usize) -> Option<usize> {
    memchr::memchr(b'\n', buf.get(target..)?).map(|k| target + k + 1)
}

/// Reads a JSON Lines file on every core of the current rayon pool: the
/// lines before the first object one by one (blank ones, or the line that
/// shows the file is not JSON Lines), then the rest in blocks of `block`
/// bytes cut at line ends. Each piece is turned into a `P` by `parse`, on
/// any core; `merge` receives them in file order with the lines before
/// each. Reading stops at the first error `merge` returns.
pub(crate) fn read_pieces<P: Send>(
    (path, shown): (&Path, &str),
    wanted: &[&str],
    block: usize,
    parse: &(dyn Fn(&Piece<'_>) -> P + Sync),
    merge: &mut dyn FnMut(P, Lines) -> Result<(), InputError>,
) -> Result<(), InputError> {
    let file = std::fs::File::open(path).map_err(io(shown))?;
    let mut reader = std::io::BufReader::new(file);
    let mut rows = LineReader::new(shown, wanted);
    let (mut lines, mut offset) = (0u64, 0u64);
    let mut bytes = Vec::new();
    loop {
        bytes.clear();
        let n = reader.read_until(b'\n', &mut bytes).map_err(io(shown))?;
        if n == 0 {
            return Ok(());
        }
        // An object is left for the first piece: it is read again there.
        if rows.line(&bytes, lines + 1, true, &mut |_| Ok(()))? == Line::Object {
            break;
        }
        lines += 1;
        offset += n as u64;
    }
    let mut file = reader.into_inner();
    file.seek(SeekFrom::Start(offset)).map_err(io(shown))?;
    let parse = |bytes: &[u8]| parse(&Piece { shown, wanted, bytes });
    blocks::read(file, (lines, block), (&cut_line, &io(shown)), &parse, merge)
}
