//! How much work one scenario may ask for: the project's `[limits]` in
//! `pricebook.toml`, each with a default and a ceiling.
//!
//! Scenarios and plans arrive in pull requests, and so can the project
//! file: a project may raise a limit, but only up to its ceiling, so no
//! file can make the work unbounded. The static limits are checked in
//! `compile::budget`, the run budget by the engine's driver.

use pricebook_engine::{Budgeted, RunBudget};

/// One settable limit: its key under `[limits]`, its default and the most
/// a project may set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit {
    pub key: &'static str,
    pub default: u64,
    pub max: u64,
}

impl Limit {
    /// How to raise this limit from `now`, to end a hint; nothing when it
    /// is at its ceiling.
    pub(crate) fn raise_hint(self, now: u64) -> String {
        if now >= self.max {
            return String::new();
        }
        format!("; a project may raise `{}` under `[limits]` in pricebook.toml, up to {}", self.key, self.max)
    }
}

/// The longest a scenario may simulate, from its start to its end.
pub const HORIZON_YEARS: Limit = Limit { key: "horizon_years", default: 100, max: 1_000 };

/// How many times all of a scenario's recurring grants may fire together
/// within its horizon (daily for a century is 36,525).
pub const RECURRENCES: Limit = Limit { key: "recurrences", default: 100_000, max: 1_000_000 };

/// Scheduled moments one run may take. The ceilings of the run budgets are
/// ten times their defaults: about 2 GB and 20 s at worst.
pub const RUN_MOMENTS: Limit =
    Limit { key: "run_moments", default: RunBudget::DEFAULT_MOMENTS, max: 10 * RunBudget::DEFAULT_MOMENTS };

/// Ledger lines one run may write.
pub const RUN_LINES: Limit =
    Limit { key: "run_lines", default: RunBudget::DEFAULT_LINES, max: 10 * RunBudget::DEFAULT_LINES };

/// The limits a project runs under.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    pub horizon_years: u32,
    pub recurrences: u64,
    pub run: RunBudget,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            // The ceiling (1,000) fits in u32.
            horizon_years: HORIZON_YEARS.default as u32,
            recurrences: RECURRENCES.default,
            run: RunBudget::default(),
        }
    }
}

/// The limit behind a run budget's figure, to name its key in a hint.
pub fn for_budget(b: Budgeted) -> Limit {
    match b {
        Budgeted::Moments => RUN_MOMENTS,
        Budgeted::Lines => RUN_LINES,
    }
}
