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
use pricebook_core::calendar::{Instant, Period, Unit};
use std::ops::Range;

/// The longest a scenario may simulate, from its start to its end. A named
/// constant until the project file makes it configurable.
pub const MAX_HORIZON_YEARS: u32 = 100;

/// How many times all of a scenario's recurring grants may fire together
/// within its horizon (daily for a century is 36,525).
pub const MAX_RECURRENCES: u64 = 100_000;

/// A grant with `every`, as the budget sees it.
pub(crate) struct Recurring {
    /// When it is given first.
    pub from: Instant,
    pub every: Period,
    /// Where `every` is written.
    pub span: Range<usize>,
}

/// Checks the horizon `start..end` (`end_span`: where the end is written,
/// or the last event) and the recurrences of `grants` within it.
pub(crate) fn check(ck: &mut Checker, start: Instant, end: Instant, end_span: Range<usize>, grants: &[Recurring]) {
    let limit = start.checked_add_months(chrono::Months::new(MAX_HORIZON_YEARS * 12));
    if limit.is_none_or(|limit| end > limit) {
        let years = (end - start).num_days() / 365;
        let until = limit.map_or_else(|| "the limit".to_string(), |l| l.format("%Y-%m-%d").to_string());
        ck.error(
            Code::HorizonTooLong,
            end_span,
            format!("this scenario simulates about {years} years; pricebook simulates at most {MAX_HORIZON_YEARS}"),
        )
        .with_help(format!(
            "end it by {until} ({MAX_HORIZON_YEARS} years after its start, {})",
            start.format("%Y-%m-%d")
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
        if total > MAX_RECURRENCES {
            let needed = hours.div_ceil(MAX_RECURRENCES).max(1);
            let others = if total == times { String::new() } else { format!(" ({total} with the grants before it)") };
            let help = format!(
                "every {} from {} to {} is {hours} hours / {each} = {times} recurrences{others}; a scenario may have \
                 {MAX_RECURRENCES}: recur every {needed} hours or more, or end the scenario sooner",
                g.every,
                g.from.format("%Y-%m-%d %H:%M"),
                end.format("%Y-%m-%d %H:%M"),
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
