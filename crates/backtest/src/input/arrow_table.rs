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
use arrow_array::builder::StringBuilder;
use arrow_array::cast::AsArray;
use arrow_array::types::{Float32Type, Float64Type, Int64Type};
use arrow_array::{Array, ArrayRef, RecordBatch, StringArray};
use arrow_schema::{ArrowError, DataType, Schema, TimeUnit};
use chrono::{DateTime, Datelike, SecondsFormat, Timelike, Utc};

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
        return timestamp_column(col, *unit);
    }
    strings(&arrow_cast::cast(col, &DataType::Utf8)?).cloned()
}

/// A timestamp column as UTC text, one cell per row. Arrow timestamps
/// count from the UTC epoch whatever their zone (the zone only says how to
/// show them), so they are written in UTC from the counts: a named zone
/// (Spark's `UTC`, `Europe/Paris`) needs no zone database.
fn timestamp_column(col: &ArrayRef, unit: TimeUnit) -> Result<StringArray, ArrowError> {
    let counts = arrow_cast::cast(col, &DataType::Int64)?;
    let counts = counts.as_primitive::<Int64Type>();
    let per_second: i64 = match unit {
        TimeUnit::Second => 1,
        TimeUnit::Millisecond => 1_000,
        TimeUnit::Microsecond => 1_000_000,
        TimeUnit::Nanosecond => 1_000_000_000,
    };
    let mut out = StringBuilder::with_capacity(counts.len(), counts.len() * 20);
    for count in counts.iter() {
        let Some(count) = count else {
            out.append_null();
            continue;
        };
        // Below a second: non-negative, so times before 1970 count back.
        let nanos = count.rem_euclid(per_second) * (1_000_000_000 / per_second);
        let at = u32::try_from(nanos)
            .ok()
            .and_then(|nanos| DateTime::from_timestamp(count.div_euclid(per_second), nanos))
            .ok_or_else(|| ArrowError::CastError(format!("timestamp {count} ({unit:?}) is out of range")))?;
        append_utc(at, &mut out);
    }
    Ok(out.finish())
}

/// Appends `YYYY-MM-DDTHH:MM:SSZ` (the form a time cell is read fastest
/// in), written digit by digit for a whole second of a year 0 to 9999,
/// what exports hold: chrono's formatter costs more than reading the rest
/// of the row. Anything else as chrono writes RFC 3339, which a time cell
/// reads as the same instant (or, past year 9999, refuses as CSV would).
fn append_utc(at: DateTime<Utc>, out: &mut StringBuilder) {
    let year = at.year();
    if at.nanosecond() != 0 || !(0..=9999).contains(&year) {
        out.append_value(at.to_rfc3339_opts(SecondsFormat::AutoSi, true));
        return;
    }
    let mut text = *b"0000-00-00T00:00:00Z";
    let fields = [
        (0, year.unsigned_abs(), 4),
        (5, at.month(), 2),
        (8, at.day(), 2),
        (11, at.hour(), 2),
        (14, at.minute(), 2),
        (17, at.second(), 2),
    ];
    for (from, mut value, digits) in fields {
        for place in text[from..from + digits].iter_mut().rev() {
            *place = b'0' + (value % 10) as u8;
            value /= 10;
        }
    }
    // ASCII throughout: borrowed as it is, never replaced.
    out.append_value(String::from_utf8_lossy(&text));
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
        // One buffer of cells for the batch, not one per row.
        let mut cells: Vec<&str> = Vec::with_capacity(texts.len());
        for r in 0..batch.num_rows() {
            row_number += 1;
            cells.clear();
            cells.extend(texts.iter().map(|t| t.as_ref().filter(|t| !t.is_null(r)).map_or("", |t| t.value(r))));
            let text = || clip(cells.join(","));
            let row =
                Row { file: shown, line: row_number, cells: &cells, columns: &columns, names: wanted, text: &text };
            each(&row)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::{TimestampMillisecondArray, TimestampNanosecondArray, TimestampSecondArray};
    use std::sync::Arc;

    fn texts(col: ArrayRef) -> Vec<Option<String>> {
        text_column(&col).unwrap().iter().map(|v| v.map(str::to_string)).collect()
    }

    #[test]
    fn timestamps_are_written_in_utc_whatever_their_unit_and_zone() {
        let text = |v: &str| Some(v.to_string());
        // 1,767,225,600 s is 2026-01-01T00:00:00Z; a zone changes nothing.
        let seconds =
            TimestampSecondArray::from(vec![Some(1_767_225_600), Some(0), Some(-1), None, Some(253_402_300_800)])
                .with_timezone("Europe/Paris");
        let want = [
            text("2026-01-01T00:00:00Z"),
            text("1970-01-01T00:00:00Z"),
            text("1969-12-31T23:59:59Z"),
            None,
            // Year 10000: as chrono writes it, which no time cell accepts.
            text("+10000-01-01T00:00:00Z"),
        ];
        assert_eq!(texts(Arc::new(seconds)), want);
        // 45,296 s is 12:34:56 on the first day.
        let millis = TimestampMillisecondArray::from(vec![45_296_000, 1_500, -1_200, 45_296_007]);
        let want = [
            text("1970-01-01T12:34:56Z"),
            text("1970-01-01T00:00:01.500Z"),
            text("1969-12-31T23:59:58.800Z"),
            text("1970-01-01T12:34:56.007Z"),
        ];
        assert_eq!(texts(Arc::new(millis)), want);
        let nanos = TimestampNanosecondArray::from(vec![1_767_225_600_000_000_001]).with_timezone("UTC");
        assert_eq!(texts(Arc::new(nanos)), [text("2026-01-01T00:00:00.000000001Z")]);
    }

    #[test]
    fn a_timestamp_past_any_calendar_makes_the_column_unreadable() {
        let far = TimestampSecondArray::from(vec![i64::MAX]);
        let e = text_column(&(Arc::new(far) as ArrayRef)).unwrap_err();
        assert!(e.to_string().contains("out of range"), "{e}");
    }
}
