//! CSV tables: a header row names the columns.

use super::{Record, Row, clip};
use crate::error::{InputError, InputErrorKind};
use std::path::Path;

fn not_utf8() -> InputErrorKind {
    InputErrorKind::NotTheFormat("the file is not UTF-8 text, so it is not a CSV file".to_string())
}

fn csv_error(shown: &str, e: &csv::Error) -> InputError {
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

/// Reads every record of `path` as [`rows`] hands them.
pub(super) fn read(
    path: &Path,
    shown: &str,
    wanted: &[&str],
    required: usize,
    each: &mut dyn FnMut(Record<'_, '_>) -> Result<(), InputError>,
) -> Result<(), InputError> {
    let file = std::fs::File::open(path).map_err(|e| InputError::file(shown, InputErrorKind::Io(e.to_string())))?;
    let mut reader = csv::ReaderBuilder::new().has_headers(true).flexible(true).from_reader(file);
    let layout = header(&mut reader, shown, wanted, required)?;
    rows(&mut reader, &layout, each)
}

/// Where the wanted columns are in every record.
pub(super) struct Layout<'a> {
    pub(super) shown: &'a str,
    pub(super) wanted: &'a [&'a str],
    pub(super) positions: Vec<Option<usize>>,
    pub(super) columns: Vec<usize>,
    /// Fields in the header: every record must have as many.
    pub(super) fields: usize,
}

/// Reads the header: where each `wanted` column is (see [`super::locate`]).
pub(super) fn header<'a, R: std::io::Read>(
    reader: &mut csv::Reader<R>,
    shown: &'a str,
    wanted: &'a [&'a str],
    required: usize,
) -> Result<Layout<'a>, InputError> {
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| csv_error(shown, &e))?
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_string())
        .collect();
    let (positions, columns) = super::locate(shown, &header, wanted, required, 1)?;
    Ok(Layout { shown, wanted, positions, columns, fields: header.len() })
}

/// Hands each record after the header to `each` in order: as a row, or as
/// the error of a record whose field count differs from the header's (a
/// row error, which the caller may skip). Stops at the first error `each`
/// returns, or at a record that is not UTF-8 (the file is then not a CSV
/// file). The reader must be flexible: the count is checked here.
pub(super) fn rows<R: std::io::Read>(
    reader: &mut csv::Reader<R>,
    layout: &Layout<'_>,
    each: &mut dyn FnMut(Record<'_, '_>) -> Result<(), InputError>,
) -> Result<(), InputError> {
    let l = layout;
    let mut bytes = csv::ByteRecord::new();
    let mut cells: Vec<&str> = Vec::with_capacity(l.wanted.len());
    loop {
        match reader.read_byte_record(&mut bytes) {
            Ok(false) => return Ok(()),
            Ok(true) => {}
            Err(e) => return Err(csv_error(l.shown, &e)),
        }
        let line = bytes.position().map_or(0, |p| p.line());
        let at_line = |kind| {
            let mut err = InputError::file(l.shown, kind);
            err.place.line = line;
            err
        };
        // The count before the text, as the csv crate checks them.
        if bytes.len() != l.fields {
            each(Err(at_line(InputErrorKind::FieldCount { header: l.fields as u64, row: bytes.len() as u64 })))?;
            continue;
        }
        let record =
            csv::StringRecord::from_byte_record(std::mem::take(&mut bytes)).map_err(|_| at_line(not_utf8()))?;
        cells.extend(l.positions.iter().map(|p| p.and_then(|p| record.get(p)).unwrap_or("")));
        let text = || clip(record.iter().collect::<Vec<_>>().join(","));
        let row = Row { file: l.shown, line, cells: &cells, columns: &l.columns, names: l.wanted, text: &text };
        let done = each(Ok(&row));
        cells = recycle(cells);
        bytes = record.into_byte_record();
        done?;
    }
}

/// The same buffer, emptied, for cells borrowed from another row: one
/// allocation serves every row (collecting a `Vec` into one of the same
/// layout reuses its memory).
fn recycle<'b>(mut cells: Vec<&str>) -> Vec<&'b str> {
    cells.clear();
    cells.into_iter().map(|_| "").collect()
}
