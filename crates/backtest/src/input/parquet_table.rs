//! Parquet tables (the `parquet` feature): columns by name; every cell is
//! turned into text and parsed as a CSV cell would be. Rows are numbered
//! from 1 in file order (where a CSV error gives a line, this gives a row).
//!
//! Float columns are refused: they cannot hold money or quantities exactly
//! (rule X1). Timestamp columns of any unit (s, ms, us, ns) are read as
//! the instants they hold: Arrow stores a timestamp as a count since the
//! epoch in UTC whatever the column's zone (a named zone such as
//! `Europe/Paris` or an offset only says how to show it), and one without
//! a zone is read as UTC. String columns are parsed as RFC 3339, offsets
//! included.

use super::{Row, clip};
use crate::error::{InputError, InputErrorKind};
use arrow_array::{Array, ArrayRef, Int64Array, StringArray};
use arrow_schema::{DataType, TimeUnit};
use chrono::{DateTime, SecondsFormat};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use std::path::Path;

fn not_parquet(shown: &str, why: impl std::fmt::Display) -> InputError {
    InputError::file(shown, InputErrorKind::NotTheFormat(format!("not a readable Parquet file ({why})")))
}

/// A timestamp column as RFC 3339 text in UTC. A value past chrono's
/// range is left as its number, which the time parser then rejects.
fn timestamp_text(col: &ArrayRef, unit: TimeUnit) -> Result<Option<StringArray>, arrow_schema::ArrowError> {
    let per_second: i64 = match unit {
        TimeUnit::Second => 1,
        TimeUnit::Millisecond => 1_000,
        TimeUnit::Microsecond => 1_000_000,
        TimeUnit::Nanosecond => 1_000_000_000,
    };
    let raw = arrow_cast::cast(col, &DataType::Int64)?;
    let Some(raw) = raw.as_any().downcast_ref::<Int64Array>() else { return Ok(None) };
    let text = |v: i64| {
        let nanos = v.rem_euclid(per_second) * (1_000_000_000 / per_second);
        DateTime::from_timestamp(v.div_euclid(per_second), nanos as u32)
            .map_or_else(|| v.to_string(), |t| t.to_rfc3339_opts(SecondsFormat::AutoSi, true))
    };
    Ok(Some(raw.iter().map(|v| v.map(text)).collect()))
}

/// A column as text, one cell per row; `None` for a float column.
fn text_column(col: &ArrayRef) -> Result<Option<StringArray>, arrow_schema::ArrowError> {
    match col.data_type() {
        DataType::Float16 | DataType::Float32 | DataType::Float64 => Ok(None),
        DataType::Timestamp(unit, _) => timestamp_text(col, *unit),
        _ => {
            let cast = arrow_cast::cast(col, &DataType::Utf8)?;
            Ok(cast.as_any().downcast_ref::<StringArray>().cloned())
        }
    }
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
