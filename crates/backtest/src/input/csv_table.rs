//! CSV tables: a header row names the columns.

use super::{Row, clip};
use crate::error::{InputError, InputErrorKind};
use std::path::Path;

pub(super) fn not_utf8() -> InputErrorKind {
    InputErrorKind::NotTheFormat("the file is not UTF-8 text, so it is not a CSV file".to_string())
}

pub(super) fn csv_error(shown: &str, e: &csv::Error) -> InputError {
    let line = e.position().map_or(0, |p| p.line());
    let kind = match e.kind() {
        csv::ErrorKind::Utf8 { .. } => not_utf8(),
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
            InputErrorKind::FieldCount { header: *expected_len, row: *len }
        }
        csv::ErrorKind::Io(io) => InputErrorKind::Io(io.to_string()),
        other => InputErrorKind::NotTheFormat(format!("not a readable CSV row ({other:?})")),
    };
    let mut err = InputError::file(shown, kind);
    err.place.line = line;
    err
}

pub(super) fn read(
    path: &Path,
    shown: &str,
    wanted: &[&str],
    required: usize,
    each: &mut dyn FnMut(&Row<'_>) -> Result<(), InputError>,
) -> Result<(), InputError> {
    let file = std::fs::File::open(path).map_err(|e| InputError::file(shown, InputErrorKind::Io(e.to_string())))?;
    let mut reader = csv::ReaderBuilder::new().has_headers(true).flexible(false).from_reader(file);
    let (positions, columns) = header(&mut reader, shown, wanted, required)?;
    let mut record = csv::StringRecord::new();
    let mut spare: Vec<&str> = Vec::with_capacity(wanted.len());
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => return Ok(()),
            Ok(true) => {}
            Err(e) => return Err(csv_error(shown, &e)),
        }
        let line = record.position().map_or(0, |p| p.line());
        let mut cells = recycle(std::mem::take(&mut spare));
        cells.extend(positions.iter().map(|p| p.and_then(|p| record.get(p)).unwrap_or("")));
        let text = || clip(record.iter().collect::<Vec<_>>().join(","));
        let row = Row { file: shown, line, cells: &cells, columns: &columns, names: wanted, text: &text };
        each(&row)?;
        spare = recycle(cells);
    }
}

/// Where each `wanted` column is in the header (see [`super::locate`]).
pub(super) fn header<R: std::io::Read>(
    reader: &mut csv::Reader<R>,
    shown: &str,
    wanted: &[&str],
    required: usize,
) -> Result<(Vec<Option<usize>>, Vec<usize>), InputError> {
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| csv_error(shown, &e))?
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_string())
        .collect();
    super::locate(shown, &header, wanted, required, 1)
}

/// The same buffer, emptied, for cells borrowed from another row: one
/// allocation serves every row (collecting a `Vec` into one of the same
/// layout reuses its memory).
pub(super) fn recycle<'b>(mut cells: Vec<&str>) -> Vec<&'b str> {
    cells.clear();
    cells.into_iter().map(|_| "").collect()
}
