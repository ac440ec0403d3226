//! Reading export tables: CSV, JSON Lines and (with the `parquet` feature)
//! Parquet, chosen by the file's extension, or (with the `arrow` feature)
//! Arrow record batches already in memory, as rows of named cells.
//!
//! A reader is given the column names it wants; each row then answers
//! [`Row::get`] by position in that list, whatever order or extra columns
//! the file has. Parsing cells into values is the caller's business; this
//! module only knows where each cell came from, so that every error names
//! the file, the line and the column.
//!
//! A backtest's usage and purchases files are parsed on every core, CSV
//! and JSON Lines in pieces ([`blocks`]) and Parquet by row groups
//! ([`parquet_table`]); every accounts file is read row by row.

#[cfg(feature = "arrow")]
mod arrow_table;
mod blocks;
mod csv_pieces;
mod csv_table;
mod jsonl_table;
#[cfg(feature = "parquet")]
mod parquet_table;
mod plain_csv;

pub(crate) use blocks::{BLOCK, Lines};
pub(crate) use csv_pieces::{Piece, read as read_csv_pieces};
pub(crate) use jsonl_table::{Piece as JsonPiece, read_pieces as read_jsonl_pieces};
#[cfg(feature = "parquet")]
pub(crate) use parquet_table::{
    Group as ParquetGroup, PARALLEL_ROWS, Ready as ParquetReady, read_groups as read_parquet_groups,
};

use crate::error::{InputError, InputErrorKind, Place};
#[cfg(feature = "arrow")]
use arrow_array::RecordBatch;
#[cfg(feature = "arrow")]
use arrow_schema::SchemaRef;
use std::path::Path;

/// Where a table's rows come from.
#[derive(Clone, Copy, Debug)]
pub enum Source<'a> {
    /// A file, read in the format its extension names.
    File(&'a Path),
    /// Record batches already in memory (the `arrow` feature).
    #[cfg(feature = "arrow")]
    Arrow(&'a ArrowTable),
}

/// A table in memory: its schema (which names the columns even when there
/// are no rows) and its record batches.
#[cfg(feature = "arrow")]
#[derive(Clone, Debug)]
pub struct ArrowTable {
    pub schema: SchemaRef,
    pub batches: Vec<RecordBatch>,
}

/// How a table file is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Csv,
    JsonLines,
    Parquet,
}

impl Format {
    /// The format a path's extension names.
    pub fn of(path: &Path, shown: &str) -> Result<Format, InputError> {
        let ext = path.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
        match ext.as_str() {
            "csv" => Ok(Format::Csv),
            "jsonl" | "ndjson" => Ok(Format::JsonLines),
            "parquet" => Ok(Format::Parquet),
            _ => Err(InputError::file(shown, InputErrorKind::UnknownFormat)),
        }
    }
}

/// One row: its cells for the wanted columns, and where it came from.
pub struct Row<'a> {
    pub(crate) file: &'a str,
    pub(crate) line: u64,
    /// Cell text by wanted column; empty when absent.
    pub(crate) cells: &'a [&'a str],
    /// 1-based column number in the file by wanted column (0: none).
    pub(crate) columns: &'a [usize],
    pub(crate) names: &'a [&'a str],
    /// The row as read, for error messages.
    pub(crate) text: &'a dyn Fn() -> String,
}

impl Row<'_> {
    /// The cell of wanted column `i`, trimmed; empty when absent.
    #[inline]
    pub fn get(&self, i: usize) -> &str {
        self.cells.get(i).map_or("", |c| trim(c))
    }

    /// An error about wanted column `i` of this row.
    pub fn error(&self, i: usize, kind: InputErrorKind) -> InputError {
        InputError {
            place: Box::new(Place {
                file: self.file.to_string(),
                line: self.line,
                column: self.columns.get(i).copied().unwrap_or(0),
                name: self.names.get(i).map_or(String::new(), |n| n.to_string()),
                text: (self.text)(),
            }),
            kind: Box::new(kind),
        }
    }

    pub fn line(&self) -> u64 {
        self.line
    }
}

/// `cell.trim()`, without its cost for the cells nearly every export has:
/// an empty cell, or one that begins and ends with a visible ASCII
/// character, has nothing to trim (whitespace is ASCII space or control,
/// or a multi-byte character).
#[inline]
fn trim(cell: &str) -> &str {
    let b = cell.as_bytes();
    match (b.first(), b.last()) {
        (Some(first), Some(last)) if first.is_ascii_graphic() && last.is_ascii_graphic() => cell,
        (None, _) => cell,
        _ => cell.trim(),
    }
}

/// A part of a table read on its own, on any core: a piece of a CSV file,
/// a row group of a Parquet file.
pub(crate) trait Part {
    /// Hands each record to `each` in order.
    fn rows(&self, each: &mut dyn FnMut(Record<'_, '_>) -> Result<(), InputError>) -> Result<(), InputError>;
    /// About how many rows it has (room to reserve).
    fn rows_hint(&self) -> usize;
}

/// A record read as a row, or the error of a record the reader could not
/// make cells of: a CSV record with the wrong number of fields, a JSON
/// Lines line that is not an object or holds a float (a row error:
/// `--skip-invalid` skips it).
pub(crate) type Record<'r, 'a> = Result<&'r Row<'a>, InputError>;

/// Reads every row of `path` (named `shown` in errors), handing each to
/// `each` with cells for the `wanted` columns; the first `required` of
/// them must be in a CSV header. A CSV row with the wrong number of
/// fields stops the reading.
pub fn read_rows(
    path: &Path,
    shown: &str,
    wanted: &[&str],
    required: usize,
    each: &mut dyn FnMut(&Row<'_>) -> Result<(), InputError>,
) -> Result<(), InputError> {
    read_records(path, shown, (wanted, required), &mut |r| each(r?))
}

/// Counts the rows of a CSV file read as a backtest reads it (in blocks
/// cut into pieces parsed on every core of the current rayon pool, a
/// quote-free piece split by hand), doing nothing with them: what merely
/// reading the file costs, the yardstick `benches/backtest.rs` sets the
/// replay against. A row with the wrong number of fields counts too.
pub fn count_csv_rows(path: &Path, shown: &str, wanted: &[&str], required: usize) -> Result<u64, InputError> {
    let parse = |piece: &Piece<'_>| {
        let mut rows = 0u64;
        piece
            .rows(&mut |_| {
                rows += 1;
                Ok(())
            })
            .map(|()| rows)
    };
    let mut total = 0;
    read_csv_pieces((path, shown), (wanted, required), BLOCK, &parse, &mut |rows, _| {
        total += rows?;
        Ok(())
    })?;
    Ok(total)
}

/// [`read_rows`], handing `each` the error of a CSV row with the wrong
/// number of fields instead of stopping.
fn read_records(
    path: &Path,
    shown: &str,
    (wanted, required): (&[&str], usize),
    each: &mut dyn FnMut(Record<'_, '_>) -> Result<(), InputError>,
) -> Result<(), InputError> {
    match Format::of(path, shown)? {
        Format::Csv => csv_table::read(path, shown, wanted, required, each),
        Format::JsonLines => jsonl_table::read(path, shown, wanted, each),
        #[cfg(feature = "parquet")]
        Format::Parquet => parquet_table::read(path, shown, wanted, required, each),
        #[cfg(not(feature = "parquet"))]
        Format::Parquet => Err(InputError::file(shown, InputErrorKind::ParquetNotBuilt)),
    }
}

/// Reads every row of `source` as [`read_rows`] reads a file's.
pub fn read_source(
    source: Source<'_>,
    shown: &str,
    wanted: &[&str],
    required: usize,
    each: &mut dyn FnMut(&Row<'_>) -> Result<(), InputError>,
) -> Result<(), InputError> {
    read_source_records(source, shown, (wanted, required), &mut |r| each(r?))
}

/// [`read_source`], handing `each` the error of a CSV row with the wrong
/// number of fields instead of stopping.
pub(crate) fn read_source_records(
    source: Source<'_>,
    shown: &str,
    (wanted, required): (&[&str], usize),
    each: &mut dyn FnMut(Record<'_, '_>) -> Result<(), InputError>,
) -> Result<(), InputError> {
    match source {
        Source::File(path) => read_records(path, shown, (wanted, required), each),
        #[cfg(feature = "arrow")]
        Source::Arrow(table) => {
            let unreadable = |why: String| {
                InputError::file(shown, InputErrorKind::NotTheFormat(format!("an unreadable column ({why})")))
            };
            let mut batches = table.batches.iter().map(|b| Ok(b.clone()));
            arrow_table::read((shown, &table.schema), &mut batches, &unreadable, (wanted, required, 0), &mut |row| {
                each(Ok(row))
            })
        }
    }
}

/// Where each `wanted` column is in a header: its index, and the 1-based
/// column number errors name (0 when absent). An error naming the first
/// missing one of the `required` columns, on `line` (the header's line, 0
/// for formats without lines).
fn locate(
    shown: &str,
    header: &[String],
    wanted: &[&str],
    required: usize,
    line: u64,
) -> Result<(Vec<Option<usize>>, Vec<usize>), InputError> {
    let positions: Vec<Option<usize>> = wanted.iter().map(|w| header.iter().position(|h| h == w)).collect();
    let columns: Vec<usize> = positions.iter().map(|p| p.map_or(0, |p| p + 1)).collect();
    if let Some(missing) = (0..required.min(wanted.len())).find(|i| positions[*i].is_none()) {
        return Err(InputError {
            place: Box::new(Place {
                file: shown.to_string(),
                line,
                column: 0,
                name: wanted[missing].to_string(),
                text: clip(header.join(",")),
            }),
            kind: Box::new(InputErrorKind::MissingColumn { known: header.to_vec() }),
        });
    }
    Ok((positions, columns))
}

/// Shortens a row shown under an error.
pub(crate) fn clip(mut text: String) -> String {
    const MAX: usize = 200;
    if text.len() > MAX {
        let mut cut = MAX;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
        text.push('…');
    }
    text
}
