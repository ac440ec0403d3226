//! Which rulebook rules (PRODUCT.md) a change touches.
//!
//! The rulebook is written per seed product, so the mapping is per catalog
//! id: a change to the `daily_activity` source of `eigent` touches E6, the
//! same change elsewhere touches no rule. The table is deliberately flat and
//! explicit: a reviewer can check every row against the rulebook, and a
//! catalog not listed here simply gets no ids (only the `*` rows).

use pricebook_lang::model::plan::SourceKind;

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
}

use SourceKind::{Adjustment, Allowance, DailyActivity, Purchase, Referral, Signup};
use Topic::*;

/// `(catalog id or "*", topic, rule id)`.
const TABLE: &[(&str, Topic, &str)] = &[
    ("eigent", Plan, "E1"),
    ("eigent", MonthlyCredits, "E1"),
    ("eigent", Source(Allowance), "E2"),
    ("eigent", Source(Purchase), "E3"),
    ("eigent", Pack, "E3"),
    ("eigent", Pack, "E4"),
    ("eigent", Source(Signup), "E5"),
    ("eigent", Source(DailyActivity), "E6"),
    ("eigent", ConsumptionOrder, "E7"),
    ("eigent", Source(Referral), "E8"),
    ("eigent", Trial, "E9"),
    ("eigent", CycleAnchor, "E10"),
    ("eigent", Exhaustion, "E11"),
    ("eigent", Refunds, "E12"),
    ("codeassist", Rate, "C1"),
    ("codeassist", MonthlyCredits, "C2"),
    ("codeassist", Pack, "C3"),
    ("codeassist", AutoRecharge, "C4"),
    ("codeassist", Exhaustion, "C5"),
    ("codeassist", Transfer, "C6"),
    ("codeassist", Source(Adjustment), "C7"),
    ("codeassist", Decline, "C8"),
    ("enrichment", ConsumptionOrder, "T1"),
    ("enrichment", Source(Purchase), "T2"),
    ("enrichment", PackPlans, "T3"),
    ("enrichment", Pack, "T4"),
    ("enrichment", AutoRecharge, "T5"),
    ("enrichment", FailedOperations, "T6"),
    ("cleverai", Plan, "V1"),
    ("cleverai", PlanPrice, "V1"),
    ("cleverai", MonthlyCredits, "V1"),
    ("cleverai", Rate, "V2"),
    ("cleverai", Source(Allowance), "V3"),
    ("cleverai", Pack, "V4"),
    ("cleverai", Source(Purchase), "V4"),
    ("cleverai", Warnings, "V5"),
    ("cleverai", Refunds, "V6"),
    ("cleverai", Limits, "V7"),
    ("voiceagent", MonthlyCredits, "A1"),
    ("voiceagent", Addon, "A2"),
    ("voiceagent", YearlyPrice, "A3"),
    ("voiceagent", AutoRecharge, "A4"),
    ("voiceagent", Source(Allowance), "A5"),
    ("voiceagent", Source(Purchase), "A5"),
    ("voiceagent", ConsumptionOrder, "A5"),
    ("voiceagent", Settlement, "A6"),
    ("*", Numbers, "X1"),
    ("*", Calendar, "X2"),
    ("*", PlanChanges, "X5"),
];

/// Rule ids a change of `topic` in catalog `catalog` touches, in table order.
pub fn rules_for(catalog: &str, topic: Topic) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for &(cat, t, rule) in TABLE {
        if (cat == catalog || cat == "*") && t == topic && !out.contains(&rule) {
            out.push(rule);
        }
    }
    out
}

/// The rule a lint on pack value refers to (T8 is written as a lint).
pub const PACK_VALUE_RULE: &str = "T8";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_in_the_table_exists() {
        for (_, _, rule) in TABLE {
            assert!(pricebook_lang::rulebook::is_rule(rule), "{rule} is not in the rulebook");
        }
        assert!(pricebook_lang::rulebook::is_rule(PACK_VALUE_RULE));
    }

    #[test]
    fn mapping_is_per_catalog() {
        assert_eq!(rules_for("eigent", Source(DailyActivity)), ["E6"]);
        assert_eq!(rules_for("codeassist", Source(DailyActivity)), Vec::<&str>::new());
        assert_eq!(rules_for("eigent", Pack), ["E3", "E4"]);
        assert_eq!(rules_for("anything", PlanChanges), ["X5"]);
    }
}
