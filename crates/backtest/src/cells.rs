//! Parsing one cell into a value, with the error naming the cell.

use crate::error::{InputError, InputErrorKind};
use crate::input::Row;
use chrono::{DateTime, Utc};
use pricebook_core::calendar::Instant;
use pricebook_core::money::parse_decimal;
use rust_decimal::Decimal;

/// The largest quantity one row may carry, as scenario files allow.
const MAX_QUANTITY: u64 = 1_000_000_000_000;

pub(crate) fn required<'r>(row: &'r Row<'_>, i: usize) -> Result<&'r str, InputError> {
    match row.get(i) {
        "" => Err(row.error(i, InputErrorKind::Empty)),
        v => Ok(v),
    }
}

pub(crate) fn time(row: &Row<'_>, i: usize) -> Result<Instant, InputError> {
    let v = required(row, i)?;
    DateTime::parse_from_rfc3339(v).map(|t| t.with_timezone(&Utc)).map_err(|_| {
        row.error(
            i,
            InputErrorKind::Malformed { value: v.to_string(), expected: "an RFC 3339 time (2026-03-02T09:00:00Z)" },
        )
    })
}

pub(crate) fn optional_time(row: &Row<'_>, i: usize) -> Result<Option<Instant>, InputError> {
    if row.get(i).is_empty() { Ok(None) } else { time(row, i).map(Some) }
}

/// A decimal of zero or more; `None` when the cell is empty.
pub(crate) fn quantity(row: &Row<'_>, i: usize) -> Result<Option<Decimal>, InputError> {
    let v = row.get(i);
    if v.is_empty() {
        return Ok(None);
    }
    let d = parse_decimal(v)
        .map_err(|_| row.error(i, InputErrorKind::Malformed { value: v.to_string(), expected: "a decimal number" }))?;
    if d.is_sign_negative() && !d.is_zero() {
        return Err(row.error(i, InputErrorKind::Negative { value: v.to_string() }));
    }
    if d > Decimal::from(MAX_QUANTITY) {
        let expected = "a quantity up to 1,000,000,000,000 (split larger usage into rows)";
        return Err(row.error(i, InputErrorKind::Malformed { value: v.to_string(), expected }));
    }
    Ok(Some(d))
}

/// A whole count of zero or more; `None` when the cell is empty.
pub(crate) fn count(row: &Row<'_>, i: usize) -> Result<Option<u64>, InputError> {
    let v = row.get(i);
    if v.is_empty() {
        return Ok(None);
    }
    if v.starts_with('-') {
        return Err(row.error(i, InputErrorKind::Negative { value: v.to_string() }));
    }
    match v.parse::<u64>() {
        Ok(n) if n <= MAX_QUANTITY => Ok(Some(n)),
        _ => Err(row.error(
            i,
            InputErrorKind::Malformed { value: v.to_string(), expected: "a whole number up to 1,000,000,000,000" },
        )),
    }
}

pub(crate) fn flag(row: &Row<'_>, i: usize) -> Result<Option<bool>, InputError> {
    match row.get(i).to_ascii_lowercase().as_str() {
        "" => Ok(None),
        "true" | "yes" | "on" | "1" => Ok(Some(true)),
        "false" | "no" | "off" | "0" => Ok(Some(false)),
        v => Err(row.error(i, InputErrorKind::Malformed { value: v.to_string(), expected: "true or false" })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row_of<'a>(cells: &'a [&'a str], text: &'a dyn Fn() -> String) -> Row<'a> {
        Row { file: "usage.csv", line: 2, cells, columns: &[1], names: &["time"], text }
    }

    #[test]
    fn times_with_an_offset_are_the_same_instant_in_utc() {
        let text = String::new;
        let utc = time(&row_of(&["2026-03-02T10:00:00Z"], &text), 0).unwrap();
        for with_offset in ["2026-03-02T11:00:00+01:00", "2026-03-02T05:30:00-04:30", "2026-03-02T10:00:00+00:00"] {
            assert_eq!(time(&row_of(&[with_offset], &text), 0).unwrap(), utc, "{with_offset}");
        }
        let err = time(&row_of(&["2026-03-02T10:00:00"], &text), 0).unwrap_err().to_string();
        assert!(err.starts_with("usage.csv:2:1: error: column `time`:"), "a time needs its offset: {err}");
    }
}
