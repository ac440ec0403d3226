//! Parquet tables (the `parquet` feature): the file's record batches, read
//! as any Arrow table is ([`super::arrow_table`]).

use crate::error::{InputError, InputErrorKind};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use std::path::Path;

fn not_parquet(shown: &str, why: impl std::fmt::Display) -> InputError {
    InputError::file(shown, InputErrorKind::NotTheFormat(format!("not a readable Parquet file ({why})")))
}

pub(super) fn read(
    path: &Path,
    shown: &str,
    wanted: &[&str],
    required: usize,
    each: &mut dyn FnMut(&super::Row<'_>) -> Result<(), InputError>,
) -> Result<(), InputError> {
    let file = std::fs::File::open(path).map_err(|e| InputError::file(shown, InputErrorKind::Io(e.to_string())))?;
    let builder = ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| not_parquet(shown, e))?;
    let schema = builder.schema().clone();
    let reader = builder.with_batch_size(1 << 16).build().map_err(|e| not_parquet(shown, e))?;
    let mut batches = reader.map(|b| b.map_err(|e| not_parquet(shown, e)));
    let unreadable = |why: String| not_parquet(shown, why);
    super::arrow_table::read((shown, &schema), &mut batches, &unreadable, wanted, required, each)
}
