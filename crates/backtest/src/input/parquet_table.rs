//! Parquet tables (the `parquet` feature): the file's row groups, each read
//! as any Arrow table is ([`super::arrow_table`]). A backtest's usage and
//! purchases files are read one row group per core at a time
//! ([`read_groups`]); other files group after group ([`read`]). A file
//! written as one row group is read on one core.

use super::{Part, Record};
use crate::error::{InputError, InputErrorKind};
use parquet::arrow::arrow_reader::{ArrowReaderMetadata, ParquetRecordBatchReaderBuilder};
use rayon::prelude::*;
use std::path::Path;

/// Rows decoded at a time within a row group.
const BATCH: usize = 1 << 16;

fn not_parquet(shown: &str, why: impl std::fmt::Display) -> InputError {
    InputError::file(shown, InputErrorKind::NotTheFormat(format!("not a readable Parquet file ({why})")))
}

/// One row group of a Parquet file, read on its own.
pub(crate) struct Group<'a> {
    path: &'a Path,
    shown: &'a str,
    meta: &'a ArrowReaderMetadata,
    columns: (&'a [&'a str], usize),
    index: usize,
    /// Rows of the file before this group: rows are numbered in the file.
    first_row: u64,
    rows: usize,
}

impl Part for Group<'_> {
    fn rows(&self, each: &mut dyn FnMut(Record<'_, '_>) -> Result<(), InputError>) -> Result<(), InputError> {
        let file = open(self.path, self.shown)?;
        let reader = ParquetRecordBatchReaderBuilder::new_with_metadata(file, self.meta.clone())
            .with_row_groups(vec![self.index])
            .with_batch_size(BATCH)
            .build()
            .map_err(|e| not_parquet(self.shown, e))?;
        let mut batches = reader.map(|b| b.map_err(|e| not_parquet(self.shown, e)));
        let unreadable = |why: String| not_parquet(self.shown, why);
        let (wanted, required) = self.columns;
        let schema = (self.shown, self.meta.schema().as_ref());
        super::arrow_table::read(schema, &mut batches, &unreadable, (wanted, required, self.first_row), &mut |row| {
            each(Ok(row))
        })
    }

    /// The footer's count, which a broken or hostile file may overstate:
    /// no more than one batch is reserved on its word.
    fn rows_hint(&self) -> usize {
        self.rows.min(BATCH)
    }
}

fn open(path: &Path, shown: &str) -> Result<std::fs::File, InputError> {
    std::fs::File::open(path).map_err(|e| InputError::file(shown, InputErrorKind::Io(e.to_string())))
}

/// The file's footer, checked for the `required` columns (even a file
/// without rows must have them), and its row groups.
fn groups<'a>(
    path: &'a Path,
    shown: &'a str,
    columns: (&'a [&'a str], usize),
    meta: &'a ArrowReaderMetadata,
) -> Result<Vec<Group<'a>>, InputError> {
    let names: Vec<String> = meta.schema().fields().iter().map(|f| f.name().clone()).collect();
    super::locate(shown, &names, columns.0, columns.1, 0)?;
    let mut first_row = 0u64;
    let mut out = Vec::new();
    for (index, g) in meta.metadata().row_groups().iter().enumerate() {
        let rows = usize::try_from(g.num_rows()).unwrap_or(0);
        out.push(Group { path, shown, meta, columns, index, first_row, rows });
        first_row = first_row.saturating_add(rows as u64);
    }
    Ok(out)
}

fn metadata(path: &Path, shown: &str) -> Result<ArrowReaderMetadata, InputError> {
    ArrowReaderMetadata::load(&open(path, shown)?, Default::default()).map_err(|e| not_parquet(shown, e))
}

/// Reads every row in order, row group after row group.
pub(super) fn read(
    path: &Path,
    shown: &str,
    wanted: &[&str],
    required: usize,
    each: &mut dyn FnMut(Record<'_, '_>) -> Result<(), InputError>,
) -> Result<(), InputError> {
    let meta = metadata(path, shown)?;
    for group in groups(path, shown, (wanted, required), &meta)? {
        group.rows(each)?;
    }
    Ok(())
}

/// Rows a row group may have to be parsed on its own core: its events are
/// held until merged, so a window of such groups holds at most this many
/// events per core (pyarrow writes groups of up to 1,048,576 rows).
pub(crate) const PARALLEL_ROWS: usize = 1 << 20;

/// A row group ready for the caller, in file order.
pub(crate) enum Ready<'g, 'a, P> {
    /// Parsed on some core.
    Parsed(P),
    /// Larger than the caller holds at once ([`PARALLEL_ROWS`]; some
    /// writers put a whole file in one group): for the caller to read row
    /// by row, in bounded memory.
    Large(&'g Group<'a>),
}

/// Parses the row groups on every core of the current rayon pool, one per
/// core at a time, and hands each to `take` in file order, parsed or (with
/// more than `large` rows) to be read row by row. Stops at `take`'s first
/// error.
pub(crate) fn read_groups<P: Send>(
    (path, shown): (&Path, &str),
    (columns, large): ((&[&str], usize), usize),
    parse: &(dyn Fn(&Group<'_>) -> P + Sync),
    take: &mut dyn FnMut(Ready<'_, '_, P>) -> Result<(), InputError>,
) -> Result<(), InputError> {
    let meta = metadata(path, shown)?;
    let groups = groups(path, shown, columns, &meta)?;
    let mut rest = groups.as_slice();
    while let Some(first) = rest.first() {
        if first.rows > large {
            take(Ready::Large(first))?;
            rest = &rest[1..];
            continue;
        }
        let fit = rest.iter().take(rayon::current_num_threads()).take_while(|g| g.rows <= large).count();
        let (window, after) = rest.split_at(fit);
        let parsed: Vec<P> = window.par_iter().map(parse).collect();
        for p in parsed {
            take(Ready::Parsed(p))?;
        }
        rest = after;
    }
    Ok(())
}
