//! The shape of `rules.toml`, read with spans; [`super::load`] validates it.
//! Every `///` comment becomes a description in `pricebook schema rules`.

use crate::model::Sp;
use schemars::JsonSchema;
use serde::Deserialize;

/// A project's rulebook: the pricing rules its scenarios demonstrate.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RulesFile {
    /// The rules, in the order `pricebook test --coverage` lists them.
    #[serde(default)]
    pub rules: Vec<RuleEntry>,
}

/// One rule.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleEntry {
    /// Short, stable id that scenarios name in `covers`, e.g. "R1".
    pub id: Sp<String>,
    /// The rule in a few words, for `--coverage` and diffs.
    pub title: String,
    /// The rule in full, as the product's own documents state it.
    pub text: Option<String>,
    /// The plan file the rule belongs to, by name ("acme" is plans/acme.toml). Default: every plan file.
    pub plans: Option<Sp<String>>,
    /// Parts of the plan file the rule is about; `pricebook diff` tags a change to one of them with this rule's id. Names: wording, numbers, time_zone, default_plan, plans, monthly_price, yearly_price, monthly_credits, trial, cycle_anchor, limits, packs, packs.plans, sources.<kind> (allowance, daily_activity, signup, referral, purchase, adjustment), consumption_order, on_exhaustion, transferable, refund_failed_operations, rates, addons, auto_recharge, auto_recharge.on_decline, auto_recharge.settlement, refunds, plan_changes, notifications, pack_value.
    #[serde(default)]
    pub topics: Vec<Sp<String>>,
}
