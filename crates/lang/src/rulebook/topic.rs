//! What part of a catalog a change is about, at the grain a rulebook
//! speaks of.
//!
//! Which rules a topic touches is project data: each rule in the project's
//! `rules.toml` lists the topics it is about (`topics = ["packs"]`) and the
//! plan file it belongs to, so `pricebook diff` tags a change to `packs` in
//! that plan file with that rule's id (see [`crate::rulebook`]). Here are
//! only the topics and their names.

use crate::model::plan::SourceKind;

/// What part of a catalog a change is about, at the grain the rulebook
/// speaks of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Topic {
    /// Names, taglines, summaries, highlights: wording only.
    Wording,
    /// Currency, scale and rounding of money and credits.
    Numbers,
    /// Time zone: when a "day" and a "month" begin.
    Calendar,
    /// The plan new accounts start on.
    DefaultPlan,
    /// A plan added or removed.
    Plan,
    /// A plan's monthly price.
    PlanPrice,
    /// A plan's yearly price.
    YearlyPrice,
    /// A plan's monthly credits.
    MonthlyCredits,
    /// A plan's free trial.
    Trial,
    /// When a plan's cycles start.
    CycleAnchor,
    /// Non-credit limits and flags, and the entitlements themselves.
    Limits,
    /// A pack's size, price or source; packs added or removed.
    Pack,
    /// Which plans may buy a pack.
    PackPlans,
    /// Any field of a source of this kind other than its priority.
    Source(SourceKind),
    /// `credits.consumption_order` and sources' priorities.
    ConsumptionOrder,
    /// `credits.on_exhaustion`.
    Exhaustion,
    /// `credits.transferable`.
    Transfer,
    /// `credits.refund_failed_operations`.
    FailedOperations,
    /// The rate card.
    Rate,
    /// Add-ons.
    Addon,
    /// Auto-recharge, except what `Decline` and `Settlement` cover.
    AutoRecharge,
    /// A declined auto-recharge payment.
    Decline,
    /// Auto-recharge settlement delay (pending top-ups).
    Settlement,
    /// The refund policy.
    Refunds,
    /// Upgrades, downgrades and cancelling mid-cycle.
    PlanChanges,
    /// Low-balance warnings.
    Warnings,
    /// Whether larger packs stay better value per credit (the
    /// `pack-worse-value` lint).
    PackValue,
    /// A plan's metered overage billed in money.
    Overage,
}

use SourceKind::{Adjustment, Allowance, DailyActivity, Purchase, Referral, Signup};
use Topic::*;

/// Every topic with the name `rules.toml` uses for it (plan-file words).
const NAMES: &[(Topic, &str)] = &[
    (Wording, "wording"),
    (Numbers, "numbers"),
    (Calendar, "time_zone"),
    (DefaultPlan, "default_plan"),
    (Plan, "plans"),
    (PlanPrice, "monthly_price"),
    (YearlyPrice, "yearly_price"),
    (MonthlyCredits, "monthly_credits"),
    (Trial, "trial"),
    (CycleAnchor, "cycle_anchor"),
    (Limits, "limits"),
    (Pack, "packs"),
    (PackPlans, "packs.plans"),
    (Source(Allowance), "sources.allowance"),
    (Source(DailyActivity), "sources.daily_activity"),
    (Source(Signup), "sources.signup"),
    (Source(Referral), "sources.referral"),
    (Source(Purchase), "sources.purchase"),
    (Source(Adjustment), "sources.adjustment"),
    (ConsumptionOrder, "consumption_order"),
    (Exhaustion, "on_exhaustion"),
    (Transfer, "transferable"),
    (FailedOperations, "refund_failed_operations"),
    (Rate, "rates"),
    (Addon, "addons"),
    (AutoRecharge, "auto_recharge"),
    (Decline, "auto_recharge.on_decline"),
    (Settlement, "auto_recharge.settlement"),
    (Refunds, "refunds"),
    (PlanChanges, "plan_changes"),
    (Warnings, "notifications"),
    (PackValue, "pack_value"),
    (Overage, "overage"),
];

impl Topic {
    /// The topic a `rules.toml` name stands for.
    pub fn parse(name: &str) -> Option<Topic> {
        NAMES.iter().find(|(_, n)| *n == name).map(|(t, _)| *t)
    }

    /// Every name `rules.toml` accepts, in declaration order.
    pub fn names() -> impl Iterator<Item = &'static str> + Clone {
        NAMES.iter().map(|(_, n)| *n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_parse_back() {
        for (topic, name) in NAMES {
            assert_eq!(Topic::parse(name), Some(*topic), "{name}");
        }
        assert_eq!(Topic::parse("sources"), None);
    }
}
