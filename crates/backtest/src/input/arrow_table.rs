//! Arrow record batches as a table (the `arrow` feature): columns by name;
//! every cell is turned into text and parsed as a CSV cell would be. Rows
//! are numbered from 1 in batch order (where a CSV error gives a line, this
//! gives a row). Parquet files and tables handed over in memory (the
//! Python package) are both read here.
//!
//! Float columns are refused: they cannot hold money or quantities exactly
//! (rule X1). Timestamps are instants from the UTC epoch, with a zone or
//! without (then read as UTC), and are read in UTC.

use super::{Row, clip};
use crate::error::{InputError, InputErrorKind};
use arrow_array::{Array, ArrayRef, RecordBatch, StringArray};
use arrow_schema::{DataType, Schema};

/// A column as text, one cell per row; `None` for a float column.
fn text_column(col: &ArrayRef) -> Result<Option<StringArray>, arrow_schema::ArrowError> {
    if matches!(col.data_type(), DataType::Float16 | DataType::Float32 | DataType::Float64) {
        return Ok(None);
    }
    if let DataType::Timestamp(unit, _) = col.data_type() {
        // Arrow timestamps count from the UTC epoch whatever their zone (the
        // zone only says how to show them), so they are written in UTC: a
        // named zone (Spark's `UTC`, `Europe/Paris`) needs no zone database.
        // Through the counts: a cast between zones would look the zone up.
        let counts = arrow_cast::cast(col, &DataType::Int64)?;
        let utc = arrow_cast::cast(&counts, &DataType::Timestamp(*unit, None))?;
        let cast = arrow_cast::cast(&utc, &DataType::Utf8)?;
        let Some(strings) = cast.as_any().downcast_ref::<StringArray>() else { return Ok(None) };
        return Ok(Some(strings.iter().map(|v| v.map(|v| format!("{v}Z"))).collect()));
    }
    let cast = arrow_cast::cast(col, &DataType::Utf8)?;
    Ok(cast.as_any().downcast_ref::<StringArray>().cloned())
}

/// Reads every row of `batches` (all of `schema`, named `shown` in errors);
/// `unreadable` words a batch or column that cannot be read.
pub(super) fn read(
    (shown, schema): (&str, &Schema),
    batches: &mut dyn Iterator<Item = Result<RecordBatch, InputError>>,
    unreadable: &dyn Fn(String) -> InputError,
    wanted: &[&str],
    required: usize,
    each: &mut dyn FnMut(&Row<'_>) -> Result<(), InputError>,
) -> Result<(), InputError> {
    let names: Vec<String> = schema.fields().iter().map(|f| f.name().clone()).collect();
    let (positions, columns) = super::locate(shown, &names, wanted, required, 0)?;
    let mut row_number = 0u64;
    for batch in batches {
        let batch = batch?;
        let mut texts: Vec<Option<StringArray>> = Vec::with_capacity(wanted.len());
        let mut float = None;
        for (i, p) in positions.iter().enumerate() {
            let text = match p {
                Some(p) => text_column(batch.column(*p)).map_err(|e| unreadable(e.to_string()))?,
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
