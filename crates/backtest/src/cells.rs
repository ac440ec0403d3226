//! Parsing one cell into a value, with the error naming the cell.

use crate::error::{InputError, InputErrorKind};
use crate::input::Row;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
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

/// A UTC time written `YYYY-MM-DDTHH:MM:SS` then `Z` or `+00:00`, the form
/// exports nearly always use, read without chrono's general parser (this
/// runs once per row). `None` for anything else, which chrono then reads
/// or refuses: whatever this accepts, chrono reads as the same instant.
fn plain_utc(v: &str) -> Option<Instant> {
    let b = v.as_bytes();
    let zone = b.get(19..)?;
    if !(zone == b"Z" || zone == b"+00:00") || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' {
        return None;
    }
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    let num = |from: usize, to: usize| {
        b[from..to].iter().try_fold(0u32, |n, c| c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0')))
    };
    let date = NaiveDate::from_ymd_opt(i32::try_from(num(0, 4)?).ok()?, num(5, 7)?, num(8, 10)?)?;
    // A leap second (:60) is chrono's business.
    let time = NaiveTime::from_hms_opt(num(11, 13)?, num(14, 16)?, num(17, 19).filter(|s| *s < 60)?)?;
    Some(date.and_time(time).and_utc())
}

pub(crate) fn time(row: &Row<'_>, i: usize) -> Result<Instant, InputError> {
    let v = required(row, i)?;
    if let Some(t) = plain_utc(v) {
        return Ok(t);
    }
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

/// `parse_decimal` of the cells nearly every export has (digits, perhaps
/// with one `.` between them, short enough for an `i64`) without its
/// allocations: the same value and the same scale. `None` for anything
/// else, which `parse_decimal` then reads or refuses.
fn plain_decimal(v: &str) -> Option<Decimal> {
    let b = v.as_bytes();
    if b.is_empty() || b.len() > 18 {
        return None;
    }
    let mut n = 0i64;
    let mut scale = 0u32;
    for (i, c) in b.iter().enumerate() {
        match c {
            b'0'..=b'9' => n = n * 10 + i64::from(c - b'0'),
            b'.' if scale == 0 && i > 0 && i + 1 < b.len() => scale = (b.len() - i - 1) as u32,
            _ => return None,
        }
    }
    Some(Decimal::new(n, scale))
}

/// A decimal of zero or more; `None` when the cell is empty. Inlined: most
/// quantity cells of a row are empty, and a call cost more than the test.
#[inline]
pub(crate) fn quantity(row: &Row<'_>, i: usize) -> Result<Option<Decimal>, InputError> {
    let v = row.get(i);
    if v.is_empty() {
        return Ok(None);
    }
    filled_quantity(row, i, v).map(Some)
}

fn filled_quantity(row: &Row<'_>, i: usize, v: &str) -> Result<Decimal, InputError> {
    let d = match plain_decimal(v) {
        Some(d) => d,
        None => parse_decimal(v).map_err(|_| {
            row.error(i, InputErrorKind::Malformed { value: v.to_string(), expected: "a decimal number" })
        })?,
    };
    if d.is_sign_negative() && !d.is_zero() {
        return Err(row.error(i, InputErrorKind::Negative { value: v.to_string() }));
    }
    if d > Decimal::from(MAX_QUANTITY) {
        let expected = "a quantity up to 1,000,000,000,000 (split larger usage into rows)";
        return Err(row.error(i, InputErrorKind::Malformed { value: v.to_string(), expected }));
    }
    Ok(d)
}

/// A whole count of zero or more; `None` when the cell is empty (inlined,
/// as [`quantity`]).
#[inline]
pub(crate) fn count(row: &Row<'_>, i: usize) -> Result<Option<u64>, InputError> {
    let v = row.get(i);
    if v.is_empty() {
        return Ok(None);
    }
    filled_count(row, i, v).map(Some)
}

fn filled_count(row: &Row<'_>, i: usize, v: &str) -> Result<u64, InputError> {
    if v.starts_with('-') {
        return Err(row.error(i, InputErrorKind::Negative { value: v.to_string() }));
    }
    match v.parse::<u64>() {
        Ok(n) if n <= MAX_QUANTITY => Ok(n),
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

    #[test]
    fn plain_decimals_read_as_parse_decimal_reads_them() {
        let mut cases: Vec<String> = [
            "0",
            "7",
            "007",
            "10",
            "1.5",
            "1.50",
            "0.000",
            "00.10",
            "12.",
            ".5",
            "1..2",
            "1.2.3",
            "-1",
            "+1",
            "1_000",
            "1e3",
            "1 ",
            " 1",
            "",
            ".",
            "999999999999999999",
            "99999999999999999.9",
            "9999999999999999999",
            "1000000000000.0001",
            "0.000000000000000001",
            "١٢",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        for n in [0u64, 1, 9, 10, 99, 100, 12_345, 1_000_000_000_000, u64::from(u32::MAX)] {
            for scale in 0..6 {
                let digits = format!("{n:0>width$}", width = scale + 1);
                let (int, frac) = digits.split_at(digits.len() - scale);
                cases.push(if scale == 0 { int.to_string() } else { format!("{int}.{frac}") });
            }
        }
        let mut fast = 0;
        for v in &cases {
            if let Some(d) = plain_decimal(v) {
                fast += 1;
                let exact = parse_decimal(v).unwrap();
                assert_eq!((d, d.scale()), (exact, exact.scale()), "{v}");
                assert_eq!(d.to_string(), exact.to_string(), "{v}");
            }
        }
        assert!(fast > 50, "the fast path takes the plain cases ({fast})");
        for v in ["12.", ".5", "1..2", "-1", "1_000", "1e3", " 1", "9999999999999999999", "١٢"] {
            assert_eq!(plain_decimal(v), None, "{v} is parse_decimal's business");
        }
    }

    #[test]
    fn plain_utc_times_read_as_chrono_reads_them() {
        let cases = [
            "2026-03-02T09:00:00Z",
            "2026-03-02T09:00:00+00:00",
            "2024-02-29T23:59:59Z",
            "0001-01-01T00:00:00Z",
            "9999-12-31T23:59:59Z",
            "2026-03-02T09:00:00.5Z",
            "2026-03-02t09:00:00z",
            "2026-03-02T09:00:00+01:00",
            "2026-03-02T09:00:00-00:00",
            "2016-12-31T23:59:60Z",
            "2025-02-29T00:00:00Z",
            "2026-13-01T00:00:00Z",
            "2026-03-02T24:00:00Z",
            "2026-03-02T09:60:00Z",
            "2026-03-02 09:00:00Z",
            "2026-03-0209:00:00Z",
            "+026-03-02T09:00:00Z",
            "2026-03-02T09:00:0Z",
            "2026-03-02T09:00:00",
            "2026-03-02T09:00:00Z ",
            "２026-03-02T09:00:00Z",
        ];
        for v in cases {
            let chrono = DateTime::parse_from_rfc3339(v).ok().map(|t| t.with_timezone(&Utc));
            if let Some(fast) = plain_utc(v) {
                assert_eq!(Some(fast), chrono, "{v}");
            }
        }
        assert!(plain_utc("2026-03-02T09:00:00Z").is_some() && plain_utc("2026-03-02T09:00:00+00:00").is_some());
        assert!(plain_utc("2025-02-29T00:00:00Z").is_none() && plain_utc("2016-12-31T23:59:60Z").is_none());
    }
}
