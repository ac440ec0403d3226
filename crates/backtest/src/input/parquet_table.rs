//! Parquet tables (the `parquet` feature): columns by name; every cell is
//! turned into text and parsed as a CSV cell would be. Rows are numbered
//! from 1 in file order (where a CSV error gives a line, this gives a row).
//!
//! Float columns are refused: they cannot hold money or quantities exactly
//! (rule X1). Timestamps without a time zone are read as UTC; those with
//! one need it as an offset (Parquet's UTC-adjusted timestamps read as
//! `+00:00`): a named zone such as `Europe/Paris` is reported as unreadable.

use super::{Row, clip};
use crate::error::{InputError, InputErrorKind};
use arrow_array::{Array, ArrayRef, StringArray};
use arrow_schema::DataType;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use std::path::Path;

fn not_parquet(shown: &str, why: impl std::fmt::Display) -> InputError {
    InputError::file(shown, InputErrorKind::NotTheFormat(format!("not a readable Parquet file ({why})")))
}

/// A column as text, one cell per row; `None` for a float column.
fn text_column(col: &ArrayRef) -> Result<Option<StringArray>, arrow_schema::ArrowError> {
    let naive_time = matches!(col.data_type(), DataType::Timestamp(_, None));
    if matches!(col.data_type(), DataType::Float16 | DataType::Float32 | DataType::Float64) {
        return Ok(None);
    }
    let cast = arrow_cast::cast(col, &DataType::Utf8)?;
    let Some(strings) = cast.as_any().downcast_ref::<StringArray>() else { return Ok(None) };
    if naive_time {
        let with_zone: StringArray = strings.iter().map(|v| v.map(|v| format!("{v}Z"))).collect();
        return Ok(Some(with_zone));
    }
    Ok(Some(strings.clone()))
}

pub(super) fn read(
    path: &Path,
    shown: &str,
    wanted: &[&str],
    required: usize,
    each: &mut dyn FnMut(&Row<'_>) -> Result<(), InputError>,
) -> Result<(), InputError> {
    let file = std::fs::File::open(path).map_err(|e| InputError::file(shown, InputErrorKind::Io(e.to_string())))?;
    let builder = ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| not_parquet(shown, e))?;
    let names: Vec<String> = builder.schema().fields().iter().map(|f| f.name().clone()).collect();
    let (positions, columns) = super::locate(shown, &names, wanted, required, 0)?;
    let reader = builder.with_batch_size(1 << 16).build().map_err(|e| not_parquet(shown, e))?;
    let mut row_number = 0u64;
    for batch in reader {
        let batch = batch.map_err(|e| not_parquet(shown, e))?;
        let mut texts: Vec<Option<StringArray>> = Vec::with_capacity(wanted.len());
        let mut float = None;
        for (i, p) in positions.iter().enumerate() {
            let text = match p {
                Some(p) => text_column(batch.column(*p)).map_err(|e| not_parquet(shown, e))?,
                None => None,
            };
            if p.is_some() && text.is_none() {
                float.get_or_insert(i);
            }
            texts.push(text);
        }
        for r in 0..batch.num_rows() {
            row_number += 1;
            let cells: Vec<&str> =
                texts.iter().map(|t| t.as_ref().filter(|t| !t.is_null(r)).map_or("", |t| t.value(r))).collect();
            let text = || clip(cells.join(","));
            let row =
                Row { file: shown, line: row_number, cells: &cells, columns: &columns, names: wanted, text: &text };
            if let Some(i) = float {
                let expected = "a decimal or string column: floats cannot hold money or quantities exactly";
                return Err(row.error(i, InputErrorKind::Malformed { value: "a float".into(), expected }));
            }
            each(&row)?;
        }
    }
    Ok(())
}
