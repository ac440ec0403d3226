//! Arrow record batches as a table (the `arrow` feature): columns by name;
//! every cell is turned into text and parsed as a CSV cell would be. Rows
//! are numbered from 1 in batch order (where a CSV error gives a line, this
//! gives a row). Parquet files and tables handed over in memory (the
//! Python package) are both read here.
//!
//! Float columns (pandas writes `float64` for a whole-number column with
//! gaps) are read as text, each value as the shortest decimal that reads
//! back as the same float, then parsed as a CSV cell: `0.1` is 0.1, `3.0`
//! is `3`, never a float in arithmetic (rule X1). NaN is an empty cell, as
//! pandas means it; an infinity is written `inf`, which no cell accepts (a
//! row error). Timestamps are instants from the UTC epoch, with a zone or
//! without (then read as UTC), and are read in UTC.

use super::{Row, clip};
use crate::error::InputError;
use arrow_array::cast::AsArray;
use arrow_array::types::{Float32Type, Float64Type};
use arrow_array::{Array, ArrayRef, RecordBatch, StringArray};
use arrow_schema::{ArrowError, DataType, Schema};

/// A float as the text a CSV cell would hold: `{}` writes the shortest
/// decimal that parses back to the same float, without an exponent.
fn float_text<F: std::fmt::Display + Into<f64> + Copy>(v: F) -> Option<String> {
    let wide: f64 = v.into();
    if wide.is_nan() {
        None
    } else if wide == 0.0 {
        // -0.0 is no negative quantity.
        Some("0".into())
    } else {
        Some(v.to_string())
    }
}

/// A float column as text, one cell per row.
fn float_column(col: &ArrayRef) -> Result<StringArray, ArrowError> {
    Ok(match col.data_type() {
        DataType::Float64 => col.as_primitive::<Float64Type>().iter().map(|v| v.and_then(float_text)).collect(),
        DataType::Float32 => col.as_primitive::<Float32Type>().iter().map(|v| v.and_then(float_text)).collect(),
        // Half floats widen to single exactly, and are written as those.
        _ => float_column(&arrow_cast::cast(col, &DataType::Float32)?)?,
    })
}

/// A column as text, one cell per row.
fn text_column(col: &ArrayRef) -> Result<StringArray, ArrowError> {
    if matches!(col.data_type(), DataType::Float16 | DataType::Float32 | DataType::Float64) {
        return float_column(col);
    }
    if let DataType::Timestamp(unit, _) = col.data_type() {
        // Arrow timestamps count from the UTC epoch whatever their zone (the
        // zone only says how to show them), so they are written in UTC: a
        // named zone (Spark's `UTC`, `Europe/Paris`) needs no zone database.
        // Through the counts: a cast between zones would look the zone up.
        let counts = arrow_cast::cast(col, &DataType::Int64)?;
        let utc = arrow_cast::cast(&counts, &DataType::Timestamp(*unit, None))?;
        let cast = arrow_cast::cast(&utc, &DataType::Utf8)?;
        return Ok(strings(&cast)?.iter().map(|v| v.map(|v| format!("{v}Z"))).collect());
    }
    strings(&arrow_cast::cast(col, &DataType::Utf8)?).cloned()
}

fn strings(col: &ArrayRef) -> Result<&StringArray, ArrowError> {
    col.as_string_opt::<i32>().ok_or_else(|| ArrowError::CastError(format!("{} is not text", col.data_type())))
}

/// Reads every row of `batches` (all of `schema`, named `shown` in errors),
/// the first numbered `after + 1`; `unreadable` words a batch or column
/// that cannot be read.
pub(super) fn read(
    (shown, schema): (&str, &Schema),
    batches: &mut dyn Iterator<Item = Result<RecordBatch, InputError>>,
    unreadable: &dyn Fn(String) -> InputError,
    (wanted, required, after): (&[&str], usize, u64),
    each: &mut dyn FnMut(&Row<'_>) -> Result<(), InputError>,
) -> Result<(), InputError> {
    let names: Vec<String> = schema.fields().iter().map(|f| f.name().clone()).collect();
    let (positions, columns) = super::locate(shown, &names, wanted, required, 0)?;
    let mut row_number = after;
    for batch in batches {
        let batch = batch?;
        let mut texts: Vec<Option<StringArray>> = Vec::with_capacity(wanted.len());
        for p in &positions {
            texts.push(match p {
                Some(p) => Some(text_column(batch.column(*p)).map_err(|e| unreadable(e.to_string()))?),
                None => None,
            });
        }
        for r in 0..batch.num_rows() {
            row_number += 1;
            let cells: Vec<&str> =
                texts.iter().map(|t| t.as_ref().filter(|t| !t.is_null(r)).map_or("", |t| t.value(r))).collect();
            let text = || clip(cells.join(","));
            let row =
                Row { file: shown, line: row_number, cells: &cells, columns: &columns, names: wanted, text: &text };
            each(&row)?;
        }
    }
    Ok(())
}
