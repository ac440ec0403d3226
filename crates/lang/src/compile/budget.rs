//! Static budgets on scenarios: how far a scenario may simulate and how
//! often a recurring grant may fire, checked before anything runs.
//!
//! Scenarios arrive in pull requests; a few bytes (`end = 9999-12-31`, a
//! grant `every = "1 hour"`) would otherwise ask the engine for tens of
//! millions of ledger lines. What can be known from the file is refused
//! here with the arithmetic in the hint; the engine's run-time budget
//! covers what cannot.

use super::check::Checker;
use crate::diag::Code;
use crate::limits::{self, Limits};
use pricebook_core::calendar::{Instant, Period, Unit};
use std::ops::Range;

/// A grant with `every`, as the budget sees it.
pub(crate) struct Recurring {
    /// When it is given first.
    pub from: Instant,
    pub every: Period,
    /// Where `every` is written.
    pub span: Range<usize>,
}

/// Checks the horizon `start..end` (`end_span`: where the end is written,
/// or the last event) and the recurrences of `grants` within it, against
/// the project's `limits`.
pub(crate) fn check(
    ck: &mut Checker,
    limits: &Limits,
    start: Instant,
    end: Instant,
    end_span: Range<usize>,
    grants: &[Recurring],
) {
    let max_years = limits.horizon_years;
    let limit = start.checked_add_months(chrono::Months::new(max_years * 12));
    if limit.is_none_or(|limit| end > limit) {
        let years = (end - start).num_days() / 365;
        let until = limit.map_or_else(|| "the limit".to_string(), |l| l.format("%Y-%m-%d").to_string());
        ck.error(
            Code::HorizonTooLong,
            end_span,
            format!("this scenario simulates about {years} years; pricebook simulates at most {max_years}"),
        )
        .with_help(format!(
            "end it by {until} ({max_years} years after its start, {}){}",
            start.format("%Y-%m-%d"),
            limits::HORIZON_YEARS.raise_hint(u64::from(max_years))
        ));
        // Recurrences over an impossible horizon would only repeat this.
        return;
    }
    let mut total: u64 = 0;
    for g in grants {
        let hours = u64::try_from((end - g.from).num_hours()).unwrap_or(0);
        let each = min_hours(g.every);
        let times = hours.checked_div(each).unwrap_or(u64::MAX);
        total = total.saturating_add(times);
        let max = limits.recurrences;
        if total > max {
            let needed = hours.div_ceil(max).max(1);
            let others = if total == times { String::new() } else { format!(" ({total} with the grants before it)") };
            let help = format!(
                "every {} from {} to {} is {hours} hours / {each} = {times} recurrences{others}; a scenario may have \
                 {max}: recur every {needed} hours or more, or end the scenario sooner{}",
                g.every,
                g.from.format("%Y-%m-%d %H:%M"),
                end.format("%Y-%m-%d %H:%M"),
                limits::RECURRENCES.raise_hint(max),
            );
            let message = format!("this grant would recur about {times} times before the scenario ends");
            ck.error(Code::TooManyRecurrences, g.span.clone(), message).with_help(help);
            return;
        }
    }
}

/// The shortest a period can be, in hours (a day across a daylight-saving
/// change is 23 hours; February has 28 days), so counts are upper bounds.
fn min_hours(p: Period) -> u64 {
    let per = match p.unit {
        Unit::Hour => 1,
        Unit::Day => 23,
        Unit::Week => 7 * 24 - 1,
        Unit::Month => 28 * 24 - 1,
        Unit::Year => 365 * 24 - 1,
    };
    u64::from(p.count) * per
}
