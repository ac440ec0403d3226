//! Calendar arithmetic: durations, monthly cycles that keep their
//! anchor day (31 Jan → 28/29 Feb → 31 Mar), and "day" in a declared time
//! zone, daylight-saving changes included.
//!
//! Instants are UTC; a time zone only decides where local days and months
//! begin. Nothing here reads the wall clock.

use chrono::{DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use schemars::JsonSchema;
use serde::Serialize;
use std::fmt;

/// A point in simulated time.
pub type Instant = DateTime<Utc>;

/// A calendar unit of a [`Period`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    Hour,
    Day,
    Week,
    Month,
    Year,
}

/// A length of calendar time such as "7 days" or "2 months".
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Period {
    pub count: u32,
    pub unit: Unit,
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let word = match self.unit {
            Unit::Hour => "hour",
            Unit::Day => "day",
            Unit::Week => "week",
            Unit::Month => "month",
            Unit::Year => "year",
        };
        let s = if self.count == 1 { "" } else { "s" };
        write!(f, "{} {}{}", self.count, word, s)
    }
}

/// Canonical form: the same words the plan files use, e.g. `"7 days"`.
impl Serialize for Period {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

/// In catalog JSON: a count and a unit, e.g. "7 days", "1 month".
impl JsonSchema for Period {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Period".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "string", "pattern": "^[0-9]+ (hour|day|week|month|year)s?$" })
    }
}

impl<'de> serde::Deserialize<'de> for Period {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Period::parse(&text).map_err(serde::de::Error::custom)
    }
}

impl Period {
    pub const fn months(count: u32) -> Self {
        Period { count, unit: Unit::Month }
    }

    /// Parses `"7 days"`, `"1 month"`, `"24 hours"`, `"2 weeks"`, `"1 year"`.
    pub fn parse(text: &str) -> Result<Period, String> {
        let hint = "write a count and a unit, e.g. \"7 days\", \"1 month\", \"24 hours\", \"2 weeks\", \"1 year\"";
        let mut words = text.split_whitespace();
        let (Some(count), Some(unit), None) = (words.next(), words.next(), words.next()) else {
            return Err(format!("`{text}` is not a duration; {hint}"));
        };
        let count: u32 = count.parse().map_err(|_| format!("`{count}` is not a whole number; {hint}"))?;
        if count == 0 {
            return Err(format!("`{text}` is zero long; {hint}"));
        }
        if count > 1200 {
            return Err(format!("`{text}` is longer than a century; use a smaller count"));
        }
        let unit = match unit.to_ascii_lowercase().trim_end_matches('s') {
            "hour" => Unit::Hour,
            "day" => Unit::Day,
            "week" => Unit::Week,
            "month" => Unit::Month,
            "year" => Unit::Year,
            other => return Err(format!("`{other}` is not a unit; {hint}")),
        };
        Ok(Period { count, unit })
    }

    /// Months this period spans when it is a whole number of months.
    pub fn whole_months(self) -> Option<u32> {
        match self.unit {
            Unit::Month => Some(self.count),
            Unit::Year => Some(self.count * 12),
            _ => None,
        }
    }

    /// An upper bound of its length in days, for comparing periods.
    pub fn max_days(self) -> u64 {
        let per = match self.unit {
            Unit::Hour => return u64::from(self.count).div_ceil(24),
            Unit::Day => 1,
            Unit::Week => 7,
            Unit::Month => 31,
            Unit::Year => 366,
        };
        u64::from(self.count) * per
    }

    /// A lower bound of its length in days.
    pub fn min_days(self) -> u64 {
        let per = match self.unit {
            Unit::Hour => return u64::from(self.count) / 24,
            Unit::Day => 1,
            Unit::Week => 7,
            Unit::Month => 28,
            Unit::Year => 365,
        };
        u64::from(self.count) * per
    }

    /// `start + self`, where days, weeks, months and years are local calendar
    /// units in `tz` (a day across a DST change is 23 or 25 hours) and months
    /// clamp to the last day of shorter months.
    pub fn add_to(self, start: Instant, tz: Tz) -> Instant {
        match self.unit {
            Unit::Hour => start + Duration::hours(i64::from(self.count)),
            Unit::Day | Unit::Week => {
                let days = i64::from(self.count) * if self.unit == Unit::Week { 7 } else { 1 };
                let local = start.with_timezone(&tz).naive_local();
                from_local(local + Duration::days(days), tz)
            }
            Unit::Month | Unit::Year => {
                let months = self.whole_months().unwrap_or(0);
                let local = start.with_timezone(&tz).naive_local();
                from_local(add_months(local, months), tz)
            }
        }
    }
}

/// Adds months to a local date-time keeping the day of month where it exists
/// and clamping it where it does not: 31 Jan + 1 = 28/29 Feb.
pub fn add_months(local: NaiveDateTime, months: u32) -> NaiveDateTime {
    shift_months(local, i64::from(months))
}

/// [`add_months`] in either direction: the one month-end rule that plan
/// cycles and recurring grants share.
pub fn shift_months(local: NaiveDateTime, months: i64) -> NaiveDateTime {
    let total = i64::from(local.year()) * 12 + i64::from(local.month0()) + months;
    let Ok(year) = i32::try_from(total.div_euclid(12)) else { return local };
    let month0 = total.rem_euclid(12) as u32;
    let day = local.day().min(days_in_month(year, month0 + 1));
    NaiveDate::from_ymd_opt(year, month0 + 1, day).map(|d| d.and_time(local.time())).unwrap_or(local)
}

pub fn days_in_month(year: i32, month: u32) -> u32 {
    let next =
        if month == 12 { NaiveDate::from_ymd_opt(year + 1, 1, 1) } else { NaiveDate::from_ymd_opt(year, month + 1, 1) };
    next.and_then(|n| n.pred_opt()).map_or(28, |d| d.day())
}

/// Converts a local time to an instant. A time skipped by a spring-forward
/// change moves forward by the gap; a time repeated by a fall-back change
/// takes its first occurrence. Both are what people mean by "midnight".
pub fn from_local(local: NaiveDateTime, tz: Tz) -> Instant {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => t.with_timezone(&Utc),
        LocalResult::Ambiguous(first, _) => first.with_timezone(&Utc),
        LocalResult::None => {
            // In a spring-forward gap: apply the offset in force just before
            // the gap, which moves the time forward by the gap's length
            // (02:30 in a 02:00-03:00 gap becomes 03:30), as java.time does.
            for hours in 1..=48 {
                if let LocalResult::Single(t) | LocalResult::Ambiguous(t, _) =
                    tz.from_local_datetime(&(local - Duration::hours(hours)))
                {
                    let offset = chrono::Offset::fix(t.offset());
                    return Utc.from_utc_datetime(&(local - Duration::seconds(i64::from(offset.local_minus_utc()))));
                }
            }
            Utc.from_utc_datetime(&local)
        }
    }
}

/// The local calendar date of an instant.
pub fn local_date(t: Instant, tz: Tz) -> NaiveDate {
    t.with_timezone(&tz).date_naive()
}

/// The first instant of the next local day: when "today's" credits expire.
pub fn end_of_day(t: Instant, tz: Tz) -> Instant {
    let next = local_date(t, tz).succ_opt().unwrap_or(NaiveDate::MAX);
    from_local(next.and_time(NaiveTime::MIN), tz)
}

/// The first instant of the local calendar month containing `t`.
pub fn month_start(t: Instant, tz: Tz) -> Instant {
    let d = local_date(t, tz);
    let first = d.with_day(1).unwrap_or(d);
    from_local(first.and_time(NaiveTime::MIN), tz)
}

/// `(year, month)` of the local calendar month containing `t`.
pub fn month_key(t: Instant, tz: Tz) -> (i32, u32) {
    let d = local_date(t, tz);
    (d.year(), d.month())
}

/// Monthly cycles that start on an anchor's local day and time of day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Cycles {
    anchor: NaiveDateTime,
    tz: Tz,
}

impl Cycles {
    pub fn new(anchor: Instant, tz: Tz) -> Self {
        Cycles { anchor: anchor.with_timezone(&tz).naive_local(), tz }
    }

    /// Start of cycle `n` (cycle 0 starts at the anchor).
    pub fn start(&self, n: u32) -> Instant {
        from_local(add_months(self.anchor, n), self.tz)
    }

    /// Index of the cycle containing `t` (0 for times before the anchor).
    pub fn index_at(&self, t: Instant) -> u32 {
        let local = t.with_timezone(&self.tz).naive_local();
        let months = (local.year() - self.anchor.year()) * 12 + local.month() as i32 - self.anchor.month() as i32;
        // The estimate is off by at most one in either direction.
        let mut n = months.max(0) as u32;
        while n > 0 && self.start(n) > t {
            n -= 1;
        }
        while self.start(n + 1) <= t {
            n += 1;
        }
        n
    }

    /// `[start, end)` of the cycle containing `t`.
    pub fn bounds_at(&self, t: Instant) -> (Instant, Instant) {
        let n = self.index_at(t);
        (self.start(n), self.start(n + 1))
    }
}

/// The moments `anchor + k × period` for every whole `k` (before the anchor
/// too). Each is stepped from the anchor, never from the moment before, and
/// months clamp as plan cycles do ([`shift_months`]): a monthly recurrence
/// anchored on 31 Jan falls on 28/29 Feb, 31 Mar, 30 Apr (Stripe's and
/// OpenMeter's rule), not on 28 Feb, 28 Mar, 28 Apr.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Recurrence {
    anchor: Instant,
    period: Period,
    tz: Tz,
}

impl Recurrence {
    pub fn new(anchor: Instant, period: Period, tz: Tz) -> Self {
        Recurrence { anchor, period, tz }
    }

    /// The `k`-th moment (the anchor is moment 0).
    pub fn at(&self, k: i64) -> Instant {
        let n = i64::from(self.period.count).saturating_mul(k);
        let local = || self.anchor.with_timezone(&self.tz).naive_local();
        match self.period.unit {
            Unit::Hour => self.anchor + Duration::hours(n),
            Unit::Day => from_local(local() + Duration::days(n), self.tz),
            Unit::Week => from_local(local() + Duration::days(n.saturating_mul(7)), self.tz),
            Unit::Month => from_local(shift_months(local(), n), self.tz),
            Unit::Year => from_local(shift_months(local(), n.saturating_mul(12)), self.tz),
        }
    }

    /// The first moment strictly after `t`.
    pub fn next_after(&self, t: Instant) -> Instant {
        // An estimate from the period's mean length, then exact steps: it is
        // off by at most one or two, however far `t` is from the anchor.
        let mean_seconds: i64 = match self.period.unit {
            Unit::Hour => 3_600,
            Unit::Day => 86_400,
            Unit::Week => 604_800,
            Unit::Month => 2_629_746,
            Unit::Year => 31_556_952,
        } * i64::from(self.period.count.max(1));
        let mut k = (t - self.anchor).num_seconds().div_euclid(mean_seconds);
        while self.at(k) > t {
            k -= 1;
        }
        while self.at(k + 1) <= t {
            k += 1;
        }
        self.at(k + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> Instant {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn anchors_clamp_and_recover_at_month_end() {
        let c = Cycles::new(utc("2024-01-31T10:00:00Z"), Tz::UTC);
        assert_eq!(c.start(1), utc("2024-02-29T10:00:00Z")); // leap year
        assert_eq!(c.start(2), utc("2024-03-31T10:00:00Z")); // anchor day kept
        assert_eq!(c.start(3), utc("2024-04-30T10:00:00Z"));
        assert_eq!(c.start(13), utc("2025-02-28T10:00:00Z")); // not a leap year
    }

    #[test]
    fn recurrences_step_from_the_anchor_and_clamp() {
        let monthly = Recurrence::new(utc("2024-01-31T10:00:00Z"), Period::months(1), Tz::UTC);
        let after = |t: &str| monthly.next_after(utc(t));
        assert_eq!(after("2024-01-31T10:00:00Z"), utc("2024-02-29T10:00:00Z")); // leap year
        assert_eq!(after("2024-02-29T10:00:00Z"), utc("2024-03-31T10:00:00Z")); // not chained to the 29th
        assert_eq!(after("2024-03-31T10:00:00Z"), utc("2024-04-30T10:00:00Z"));
        assert_eq!(after("2025-01-31T10:00:00Z"), utc("2025-02-28T10:00:00Z"));
        // Before the anchor the same moments continue backwards.
        assert_eq!(after("2023-11-15T00:00:00Z"), utc("2023-11-30T10:00:00Z"));
        assert_eq!(monthly.at(-1), utc("2023-12-31T10:00:00Z"));
        let weekly = Recurrence::new(utc("2026-01-01T00:00:00Z"), Period::parse("2 weeks").unwrap(), Tz::UTC);
        assert_eq!(weekly.next_after(utc("2026-01-20T00:00:00Z")), utc("2026-01-29T00:00:00Z"));
    }

    #[test]
    fn cycle_index_is_found_without_stepping() {
        let c = Cycles::new(utc("2024-01-31T10:00:00Z"), Tz::UTC);
        assert_eq!(c.index_at(utc("2024-02-29T09:59:59Z")), 0);
        assert_eq!(c.index_at(utc("2024-02-29T10:00:00Z")), 1);
        assert_eq!(c.index_at(utc("2034-01-31T10:00:00Z")), 120);
        assert_eq!(
            c.bounds_at(utc("2024-03-15T00:00:00Z")),
            (utc("2024-02-29T10:00:00Z"), utc("2024-03-31T10:00:00Z"))
        );
    }

    #[test]
    fn days_follow_the_time_zone_across_dst() {
        let ny: Tz = "America/New_York".parse().unwrap();
        // 2026-03-08 is the spring-forward day in New York: 23 hours long.
        let morning = utc("2026-03-08T15:00:00Z");
        assert_eq!(end_of_day(morning, ny), utc("2026-03-09T04:00:00Z"));
        let before = utc("2026-03-07T15:00:00Z");
        assert_eq!(end_of_day(before, ny), utc("2026-03-08T05:00:00Z"));
        assert_eq!(Period::parse("1 day").unwrap().add_to(before, ny), utc("2026-03-08T14:00:00Z"));
    }

    #[test]
    fn a_time_in_the_spring_gap_moves_forward_by_the_gap() {
        let paris: Tz = "Europe/Paris".parse().unwrap();
        // 2026-03-29 02:30 does not exist in Paris (02:00 → 03:00): 03:30 CEST.
        let local = NaiveDate::from_ymd_opt(2026, 3, 29).unwrap().and_hms_opt(2, 30, 0).unwrap();
        assert_eq!(from_local(local, paris), utc("2026-03-29T01:30:00Z"));
        // The repeated hour in October takes its first occurrence (CEST).
        let local = NaiveDate::from_ymd_opt(2026, 10, 25).unwrap().and_hms_opt(2, 30, 0).unwrap();
        assert_eq!(from_local(local, paris), utc("2026-10-25T00:30:00Z"));
    }

    #[test]
    fn periods_parse_or_explain() {
        assert_eq!(Period::parse("7 days"), Ok(Period { count: 7, unit: Unit::Day }));
        assert_eq!(Period::parse("1 Month"), Ok(Period::months(1)));
        assert!(Period::parse("seven days").unwrap_err().contains("whole number"));
        assert!(Period::parse("7 fortnights").unwrap_err().contains("not a unit"));
        assert!(Period::parse("7").is_err());
        assert!(Period::parse("0 days").is_err());
    }
}
