//! The figures a reviewer reads: revenue before and after, who pays more
//! or less (with quantiles), top movers, who newly runs out, by plan.
//! `summary.json` is this struct; `summary.md` renders it.

use crate::run::Backtest;
use chrono::SecondsFormat;
use pricebook_core::calendar::Instant;
use pricebook_core::money::Money;
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::BTreeMap;

/// How many accounts the top-movers and newly-run-out lists show.
pub const LISTED: usize = 10;

/// Money before, after, and the change (absent for a one-sided run).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Compared {
    pub before: Option<Money>,
    pub after: Money,
    pub delta: Option<Money>,
}

/// One account in a list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Listed {
    pub account: String,
    pub plan: String,
    pub charged: Compared,
    /// The first refused usage after the change.
    pub first_refusal_after: Option<String>,
}

/// Per-customer change in money, as quantiles (nearest rank).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Spread {
    pub pay_more: u64,
    pub pay_less: u64,
    pub same: u64,
    /// (name, value): min, p10, p25, median, p75, p90, max.
    pub quantiles: Vec<(String, Money)>,
}

/// One plan's line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PlanLine {
    pub plan: String,
    pub accounts: u64,
    pub revenue: Compared,
    /// What serving the plan's usage cost, and revenue less it, when the
    /// "after" catalog declares costs ("before" only if it does too).
    pub cost: Option<Compared>,
    pub margin: Option<Compared>,
    pub pay_more: u64,
    pub pay_less: u64,
    pub newly_out: u64,
}

/// Every figure of a backtest's summary.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub catalog: String,
    pub currency: String,
    /// How the sides are named (a git revision, a folder, "working tree").
    pub before_label: Option<String>,
    pub after_label: String,
    pub when_out: String,
    pub assumption: String,
    pub start: String,
    pub end: String,
    pub accounts: u64,
    pub events: u64,
    pub revenue: Compared,
    /// Provider cost of the usage served and gross margin (revenue less
    /// cost), when the "after" catalog declares costs.
    pub cost: Option<Compared>,
    pub margin: Option<Compared>,
    /// Accounts with at least one refused usage row.
    pub ran_out_before: Option<u64>,
    pub ran_out_after: u64,
    pub spread: Option<Spread>,
    pub by_plan: Vec<PlanLine>,
    pub top_movers: Vec<Listed>,
    /// Accounts that ran out after the change and not before.
    pub newly_out: u64,
    pub newly_out_accounts: Vec<Listed>,
    /// Accounts whose plan could not start under a catalog, by side.
    pub plan_refused_before: Option<u64>,
    pub plan_refused_after: u64,
    /// With `--skip-invalid`: input rows skipped (listed in `skipped.csv`);
    /// absent when a bad row stops the run.
    pub skipped_rows: Option<u64>,
}

pub fn rfc3339(t: Instant) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

fn quantiles(mut deltas: Vec<Money>) -> Vec<(String, Money)> {
    deltas.sort();
    let n = deltas.len();
    if n == 0 {
        return Vec::new();
    }
    let at = |p: u32| {
        // Nearest rank: the smallest value with at least p% at or below it.
        let rank = (u64::from(p) * n as u64).div_ceil(100).max(1) as usize;
        deltas[rank.min(n) - 1]
    };
    [("min", 0), ("p10", 10), ("p25", 25), ("median", 50), ("p75", 75), ("p90", 90), ("max", 100)]
        .into_iter()
        .map(|(name, p)| (name.to_string(), if p == 0 { deltas[0] } else { at(p) }))
        .collect()
}

fn compared(before: Option<Money>, after: Money) -> Compared {
    Compared { before, after, delta: before.map(|b| after - b) }
}

/// Revenue less cost, side by side.
fn margin(revenue: &Compared, cost: &Compared) -> Compared {
    let before = revenue.before.zip(cost.before).map(|(r, c)| r - c);
    compared(before, revenue.after - cost.after)
}

/// The sum of the plan lines' costs, when they have them.
fn total_cost(lines: &[PlanLine]) -> Option<Compared> {
    let mut sum: Option<Compared> = None;
    for c in lines.iter().filter_map(|l| l.cost.as_ref()) {
        let s = sum.get_or_insert(Compared { before: c.before.map(|_| Money::ZERO), ..Compared::default() });
        s.after += c.after;
        s.before = s.before.zip(c.before).map(|(a, b)| a + b);
    }
    sum.map(|s| compared(s.before, s.after))
}

/// Sums a backtest up.
pub fn summarise(bt: &Backtest, catalog: &str, currency: &str, labels: (Option<&str>, &str)) -> Summary {
    let two = bt.results.first().is_some_and(|r| r.before.is_some());
    // Costs are compared when the "after" catalog declares them; "before" is
    // shown beside only if its catalog declares them too.
    let costs_after = bt.results.first().is_some_and(|r| r.after.cost.is_some());
    let costs_before = bt.results.first().and_then(|r| r.before.as_ref()).is_some_and(|b| b.cost.is_some());
    let mut revenue_before = Money::ZERO;
    let mut revenue_after = Money::ZERO;
    let mut deltas = Vec::new();
    let mut plans: BTreeMap<&str, PlanLine> = BTreeMap::new();
    let mut movers = Vec::new();
    let mut newly = Vec::new();
    let (mut out_before, mut out_after) = (0, 0);
    let (mut refused_before, mut refused_after) = (0, 0);
    for (account, r) in bt.accounts.list.iter().zip(&bt.results) {
        let after = r.after.charged;
        revenue_after += after;
        out_after += u64::from(r.after.refused > 0);
        refused_after += u64::from(r.after.plan_refused.is_some());
        let line = plans.entry(&account.plan).or_insert_with(|| PlanLine {
            plan: account.plan.clone(),
            accounts: 0,
            revenue: Compared { before: two.then_some(Money::ZERO), ..Compared::default() },
            cost: costs_after.then(|| Compared { before: costs_before.then_some(Money::ZERO), ..Compared::default() }),
            margin: None,
            pay_more: 0,
            pay_less: 0,
            newly_out: 0,
        });
        line.accounts += 1;
        line.revenue.after += after;
        if let Some(c) = line.cost.as_mut() {
            c.after += r.after.cost.unwrap_or_default();
            let before = r.before.as_ref().and_then(|b| b.cost).unwrap_or_default();
            c.before = c.before.map(|x| x + before);
        }
        let Some(b) = &r.before else { continue };
        revenue_before += b.charged;
        out_before += u64::from(b.refused > 0);
        refused_before += u64::from(b.plan_refused.is_some());
        let delta = after - b.charged;
        deltas.push(delta);
        line.revenue.before = line.revenue.before.map(|x| x + b.charged);
        line.pay_more += u64::from(delta.is_positive());
        line.pay_less += u64::from(delta.is_negative());
        let listed = || Listed {
            account: account.name.clone(),
            plan: account.plan.clone(),
            charged: compared(Some(b.charged), after),
            first_refusal_after: r.after.first_refusal.map(rfc3339),
        };
        if !delta.is_zero() {
            movers.push((delta.abs(), listed()));
        }
        if b.refused == 0 && r.after.refused > 0 {
            line.newly_out += 1;
            newly.push(listed());
        }
    }
    for line in plans.values_mut() {
        line.revenue.delta = line.revenue.before.map(|b| line.revenue.after - b);
        line.cost = line.cost.as_ref().map(|c| compared(c.before, c.after));
        line.margin = line.cost.as_ref().map(|c| margin(&line.revenue, c));
    }
    let by_plan: Vec<PlanLine> = plans.into_values().collect();
    let revenue = compared(two.then_some(revenue_before), revenue_after);
    let cost = total_cost(&by_plan);
    let margin = cost.as_ref().map(|c| margin(&revenue, c));
    // Largest change first; ties by account name (the list is in name order).
    movers.sort_by_key(|m| std::cmp::Reverse(m.0));
    let spread = two.then(|| Spread {
        pay_more: deltas.iter().filter(|d| d.is_positive()).count() as u64,
        pay_less: deltas.iter().filter(|d| d.is_negative()).count() as u64,
        same: deltas.iter().filter(|d| d.is_zero()).count() as u64,
        quantiles: quantiles(deltas),
    });
    Summary {
        catalog: catalog.to_string(),
        currency: currency.to_string(),
        before_label: labels.0.map(str::to_string),
        after_label: labels.1.to_string(),
        when_out: bt.when_out.name().to_string(),
        assumption: bt.when_out.describe().to_string(),
        start: rfc3339(bt.start),
        end: rfc3339(bt.end),
        accounts: bt.accounts.len() as u64,
        events: bt.events,
        revenue,
        cost,
        margin,
        ran_out_before: two.then_some(out_before),
        ran_out_after: out_after,
        spread,
        by_plan,
        top_movers: movers.into_iter().take(LISTED).map(|(_, l)| l).collect(),
        newly_out: newly.len() as u64,
        newly_out_accounts: newly.into_iter().take(LISTED).collect(),
        plan_refused_before: two.then_some(refused_before),
        plan_refused_after: refused_after,
        skipped_rows: bt.skipped.as_ref().map(|s| s.len() as u64),
    }
}

/// `delta / before` as a percentage with one decimal, when `before` is not zero.
pub fn percent(delta: Money, before: Money) -> Option<Decimal> {
    (!before.is_zero()).then(|| (delta.get() * Decimal::from(100) / before.get()).round_dp(1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::dec;

    #[test]
    fn quantiles_use_nearest_rank() {
        let v: Vec<Money> = (1..=10).map(|i| Money::new(Decimal::from(i))).collect();
        let q = quantiles(v);
        let get = |n: &str| q.iter().find(|(k, _)| k == n).map(|(_, m)| m.get()).unwrap();
        assert_eq!(get("min"), dec!(1));
        assert_eq!(get("p10"), dec!(1));
        assert_eq!(get("p25"), dec!(3));
        assert_eq!(get("median"), dec!(5));
        assert_eq!(get("p90"), dec!(9));
        assert_eq!(get("max"), dec!(10));
        assert!(quantiles(Vec::new()).is_empty());
    }
}
