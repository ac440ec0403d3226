//! The one table of catalog fields for `pricebook diff`: for each path of
//! the canonical catalog JSON (`plans[].monthly_price`), the words a
//! reviewer reads, the rulebook topic, and how a value is shown. The walk
//! ([`super::walk`]) visits every path of the JSON, so a field missing
//! here is still reported, named by its key.

use super::words::{months, share};
use pricebook_core::format;
use pricebook_core::money::{Credits, Money};
use pricebook_lang::compile::Catalog;
use pricebook_lang::rulebook::Topic;
use rust_decimal::Decimal;
use serde_json::Value;
use std::str::FromStr;

/// How a value is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Show {
    /// As written; null is the given word.
    Text(&'static str),
    /// A snake_case word in words; null is the given word.
    Word(&'static str),
    /// A list of words, comma-separated; empty is the given word.
    Words(&'static str),
    /// A list of texts, `; `-separated; empty is the given word.
    Texts(&'static str),
    YesNo,
    /// `true` is "voided", `false` "kept".
    Voided,
    /// Money in the side's currency; null is the given word.
    Money(&'static str),
    /// A plan price: null is "on request".
    PlanPrice,
    /// Credits; null is the given word.
    Credits(&'static str),
    /// A share as a percentage; null is the given word.
    Share(&'static str),
    /// Shares as percentages; empty is the given word.
    Shares(&'static str),
    /// Rollover cycles as months; null is none.
    Months,
    /// A whole number.
    Int,
    /// A delay: "after 1 hour"; null is the given word.
    After(&'static str),
    /// `{kind, after}` as "never", "end of day", "after 1 year".
    Expiry,
    /// `{mode, limit}` as "refuse", "overdraft up to 500".
    Exhaustion,
    /// `{kind, credits}` as "2,000", "unlimited", "none".
    Allowance,
    /// Plan ids; null is every plan.
    Plans,
    /// `{kind, value}` as "50% off", "$5.00 off"; null is "none".
    Discount,
    /// A feature's variants as "premium voices ×2"; empty is "none".
    Multipliers,
    /// JSON as it is (a field this table does not know).
    Raw,
}

/// Which rulebook topic a field belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum TopicOf {
    Fixed(Topic),
    /// The source's own kind (`Topic::Source`).
    SourceKind,
}

/// One row: a path of the canonical JSON and how a change to it reads.
#[derive(Clone, Copy, Debug)]
pub(super) struct Field {
    /// `plans[].monthly_price`.
    pub json: &'static str,
    /// The field in words; `{plural}` is the catalog's word for credits.
    pub words: &'static str,
    pub topic: TopicOf,
    pub show: Show,
    /// The change's path when it differs from the JSON key (`upgrade.credits`).
    pub path: Option<&'static str>,
}

const fn f(json: &'static str, words: &'static str, topic: Topic, show: Show) -> Field {
    Field { json, words, topic: TopicOf::Fixed(topic), show, path: None }
}

const fn src(json: &'static str, words: &'static str, show: Show) -> Field {
    Field { json, words, topic: TopicOf::SourceKind, show, path: None }
}

const fn at(field: Field, path: &'static str) -> Field {
    Field { path: Some(path), ..field }
}

use Show as S;
use Topic as T;

/// Every known field, in the order a review lists them. Items of
/// collections (`sources[]`) are keyed by id, `features[].rates[]` by
/// model; ids themselves are not fields.
pub(super) const FIELDS: &[Field] = &[
    f("name", "name", T::Wording, S::Text("none")),
    f("summary", "summary", T::Wording, S::Text("none")),
    f("currency", "currency", T::Numbers, S::Text("none")),
    f("money_rounding", "money rounding", T::Numbers, S::Word("none")),
    f("time_zone", "time zone", T::Calendar, S::Text("none")),
    f("default_plan", "default plan", T::DefaultPlan, S::Text("none")),
    f("credits.unit", "unit", T::Wording, S::Text("none")),
    f("credits.plural", "plural", T::Wording, S::Text("none")),
    f("credits.scale", "decimal places", T::Numbers, S::Int),
    f("credits.rounding", "rounding", T::Numbers, S::Word("none")),
    f("credits.price_per", "prices quoted per", T::Wording, S::Credits("")),
    f("credits.consumption_order", "consumption order", T::ConsumptionOrder, S::Words("none")),
    // Absent from the JSON when exact; it decides ties among expiries, so
    // it is part of the consumption order.
    f("credits.expiry_precision", "expiry precision", T::ConsumptionOrder, S::Word("exact")),
    f("credits.usage_period.every", "usage resets every", T::Calendar, S::Text("never")),
    f("credits.usage_period.overage", "overage at a usage reset", T::Calendar, S::Word("none")),
    f("credits.on_exhaustion", "when the balance runs out", T::Exhaustion, S::Exhaustion),
    f("credits.transferable", "transferable", T::Transfer, S::YesNo),
    f("credits.refund_failed_operations", "failed operations given back", T::FailedOperations, S::YesNo),
    src("sources[].kind", "kind", S::Word("none")),
    f("sources[].label", "history label", T::Wording, S::Text("none")),
    src("sources[].funding", "funding", S::Word("none")),
    f("sources[].priority", "spending priority", T::ConsumptionOrder, S::Int),
    src("sources[].amount", "amount per grant", S::Credits("none")),
    src("sources[].referral_to", "referral bonus to", S::Word("none")),
    src("sources[].expires", "expiry", S::Expiry),
    src("sources[].rollover.cycles", "rollover", S::Months),
    src("sources[].rollover.max_amount", "rollover cap", S::Credits("none")),
    src("sources[].rollover.min_kept", "rollover minimum", S::Credits("none")),
    src("sources[].rollover.max_share", "rollover share cap", S::Share("none")),
    src("sources[].plans", "granted to", S::Plans),
    f("plans[].name", "name", T::Wording, S::Text("none")),
    f("plans[].tagline", "tagline", T::Wording, S::Text("none")),
    f("plans[].monthly_price", "monthly price", T::PlanPrice, S::PlanPrice),
    f("plans[].yearly_price", "yearly price", T::YearlyPrice, S::Money("none")),
    f("plans[].monthly_credits", "monthly {plural}", T::MonthlyCredits, S::Allowance),
    f("plans[].cycle_anchor", "cycle anchor", T::CycleAnchor, S::Word("none")),
    f("plans[].trial", "free trial", T::Trial, S::Text("none")),
    // Limits and flags are compared per entitlement (see the walk).
    f("plans[].limits", "limits", T::Limits, S::Raw),
    f("plans[].flags", "flags", T::Limits, S::Raw),
    f("plans[].highlights", "highlights", T::Wording, S::Texts("none")),
    f("plans[].highlight", "highlighted on the pricing page", T::Wording, S::YesNo),
    f("plans[].cta.label", "call-to-action label", T::Wording, S::Text("none")),
    f("plans[].cta.url", "call-to-action link", T::Wording, S::Text("none")),
    f("plans[].overage.price", "overage price", T::Overage, S::Money("none")),
    f("plans[].overage.per", "overage price per", T::Overage, S::Credits("none")),
    f("plans[].intro_offer.off", "intro discount", T::PlanPrice, S::Discount),
    f("plans[].intro_offer.cycles", "intro discount payments", T::PlanPrice, S::Int),
    f("features[].unit", "meter unit", T::Rate, S::Text("none")),
    f("features[].max_per_use", "most {plural} per use", T::Rate, S::Credits("no limit")),
    f("features[].multipliers", "multipliers", T::Rate, S::Multipliers),
    f("features[].rates[].per_unit", "{plural} per unit", T::Rate, S::Credits("none")),
    f("plans[].overage.charge_at", "overage charged at once from", T::Overage, S::Money("the cycle end only")),
    f("packs[].name", "name", T::Wording, S::Text("none")),
    f("packs[].tagline", "tagline", T::Wording, S::Text("none")),
    // Size, price and unit price together (see the walk).
    f("packs[].offer", "offer", T::Pack, S::Raw),
    f("packs[].plans", "available to", T::PackPlans, S::Plans),
    f("packs[].source", "credits go to", T::Pack, S::Text("none")),
    f("entitlements[].name", "name", T::Wording, S::Text("none")),
    f("entitlements[].kind", "kind", T::Limits, S::Word("none")),
    f("features[].name", "name", T::Wording, S::Text("none")),
    f("features[].requires", "requires", T::Limits, S::Text("nothing")),
    f("features[].rounding", "rounding", T::Numbers, S::Word("none")),
    f("features[].rates[].display_name", "display name", T::Wording, S::Text("the model id")),
    f("features[].rates[].per_request", "{plural} per request", T::Rate, S::Credits("none")),
    f("features[].rates[].per_1k_input_tokens", "{plural} per 1K input tokens", T::Rate, S::Credits("none")),
    f("features[].rates[].per_1k_output_tokens", "{plural} per 1K output tokens", T::Rate, S::Credits("none")),
    f("features[].rates[].per_1k_tokens", "{plural} per 1K tokens", T::Rate, S::Credits("none")),
    f("features[].rates[].per_minute", "{plural} per minute", T::Rate, S::Credits("none")),
    f("features[].rates[].cost.per_request", "provider cost per request", T::Rate, S::Money("none")),
    f("features[].rates[].cost.per_1k_input_tokens", "provider cost per 1K input tokens", T::Rate, S::Money("none")),
    f("features[].rates[].cost.per_1k_output_tokens", "provider cost per 1K output tokens", T::Rate, S::Money("none")),
    f("features[].rates[].cost.per_1k_tokens", "provider cost per 1K tokens", T::Rate, S::Money("none")),
    f("features[].rates[].cost.per_minute", "provider cost per minute", T::Rate, S::Money("none")),
    f("features[].rates[].cost.per_unit", "provider cost per unit", T::Rate, S::Money("none")),
    f("addons[].name", "name", T::Wording, S::Text("none")),
    f("addons[].monthly_credits", "monthly {plural}", T::Addon, S::Credits("none")),
    f("addons[].monthly_price", "monthly price", T::Addon, S::Money("none")),
    f("addons[].plans", "available to", T::Addon, S::Plans),
    f("auto_recharge.enabled_by_default", "on for new accounts", T::AutoRecharge, S::YesNo),
    f("auto_recharge.threshold", "threshold", T::AutoRecharge, S::Credits("")),
    // One pack, an amount or a refill target (see the walk).
    f("auto_recharge.buys", "buys", T::AutoRecharge, S::Raw),
    f("auto_recharge.pack", "pack", T::AutoRecharge, S::Text("none")),
    f("auto_recharge.monthly_cap", "monthly spending cap", T::AutoRecharge, S::Money("no cap")),
    f("auto_recharge.on_decline", "on a declined payment", T::Decline, S::Word("none")),
    f("auto_recharge.settles_after", "credits arrive", T::Settlement, S::After("immediately")),
    f("auto_recharge.plans", "available to", T::AutoRecharge, S::Plans),
    f("refunds.applies_to", "refundable", T::Refunds, S::Words("nothing")),
    f("refunds.window", "window", T::Refunds, S::Text("none")),
    f("refunds.window_starts", "window starts at", T::Refunds, S::Word("none")),
    f("refunds.max_used_share", "most of a purchase used", T::Refunds, S::Share("no limit")),
    f("refunds.used_credits", "credits already used", T::Refunds, S::Word("none")),
    f("refunds.reset_anchor", "cycle anchor reset", T::Refunds, S::YesNo),
    at(f("refunds.void_bonuses", "bonuses on a refund", T::Refunds, S::Voided), "bonuses"),
    at(f("plan_changes.upgrade_credits", "credits on upgrade", T::PlanChanges, S::Word("none")), "upgrade.credits"),
    at(f("plan_changes.upgrade_charge", "charge on upgrade", T::PlanChanges, S::Word("none")), "upgrade.charge"),
    f("plan_changes.downgrade", "downgrade takes effect", T::PlanChanges, S::Word("none")),
    f("plan_changes.cancel", "cancel takes effect", T::PlanChanges, S::Word("none")),
    f("low_balance_warnings", "thresholds", T::Warnings, S::Shares("none")),
];

/// Sections of the catalog: how a change inside one is addressed.
/// `(json key, subject, path prefix)`; top-level fields are "catalog".
pub(super) const SECTIONS: &[(&str, &str, &str)] = &[
    ("credits", "credits", "credits"),
    ("auto_recharge", "auto-recharge", "auto_recharge"),
    ("refunds", "refunds", "refunds"),
    ("plan_changes", "plan changes", "plan_changes"),
    ("low_balance_warnings", "low-balance warnings", "notifications.low_balance"),
];

/// Collections whose items are matched by a key rather than by position.
/// `(json path, key, whether their order is reported)`.
pub(super) const COLLECTIONS: &[(&str, &str, bool)] = &[
    ("sources", "id", true),
    ("plans", "id", true),
    ("packs", "id", true),
    ("entitlements", "id", true),
    ("features", "id", true),
    ("features[].rates", "model", false),
    ("addons", "id", true),
];

pub(super) fn field(json: &str) -> Option<&'static Field> {
    FIELDS.iter().find(|f| f.json == json)
}

/// Where a path sorts among its siblings: the table's order, then unknown
/// keys (alphabetically, after every known one).
pub(super) fn rank(json: &str) -> usize {
    FIELDS
        .iter()
        .position(|f| {
            f.json == json || f.json.starts_with(&format!("{json}.")) || f.json.starts_with(&format!("{json}[]"))
        })
        .unwrap_or(usize::MAX)
}

fn decimal(v: &Value) -> Option<Decimal> {
    match v {
        Value::String(s) => Decimal::from_str(s).ok(),
        Value::Number(n) => Decimal::from_str(&n.to_string()).ok(),
        _ => None,
    }
}

fn text(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

fn word_of(v: &Value) -> Option<String> {
    text(v).map(|s| s.replace('_', " "))
}

fn list(v: &Value, each: impl Fn(&Value) -> Option<String>, sep: &str, empty: &str) -> String {
    let items: Vec<String> = v.as_array().map(|xs| xs.iter().filter_map(each).collect()).unwrap_or_default();
    if items.is_empty() { empty.to_string() } else { items.join(sep) }
}

/// A value in words, with the exact number behind it when it is one.
pub(super) fn show(how: Show, cat: &Catalog, v: &Value) -> (String, Option<Decimal>) {
    let or = |s: Option<String>, none: &str| s.unwrap_or_else(|| none.to_string());
    match how {
        S::Text(none) => (or(text(v), none), None),
        S::Word(none) => (or(word_of(v), none), None),
        S::Words(empty) => (list(v, word_of, ", ", empty), None),
        S::Texts(empty) => (list(v, text, "; ", empty), None),
        S::YesNo => ((if v.as_bool() == Some(true) { "yes" } else { "no" }).into(), None),
        S::Voided => ((if v.as_bool() == Some(true) { "voided" } else { "kept" }).into(), None),
        S::Money(none) => {
            let d = decimal(v);
            (d.map_or_else(|| none.to_string(), |d| format::money(cat, Money::new(d))), d)
        }
        S::PlanPrice => show(S::Money("on request"), cat, v),
        S::Credits(none) => {
            let d = decimal(v);
            (d.map_or_else(|| none.to_string(), |d| format::credits(Credits::new(d))), d)
        }
        S::Share(none) => {
            let d = decimal(v);
            (d.map_or_else(|| none.to_string(), share), d)
        }
        S::Shares(empty) => (list(v, |x| decimal(x).map(share), ", ", empty), None),
        S::Months => (months(v.as_u64().and_then(|n| u32::try_from(n).ok()).unwrap_or(0)), None),
        S::Int => (or(text(v), "none"), None),
        S::After(none) => (text(v).map_or_else(|| none.to_string(), |p| format!("after {p}")), None),
        S::Expiry => {
            let kind = v.get("kind").and_then(word_of).unwrap_or_default();
            match v.get("after").and_then(text) {
                Some(p) => (format!("after {p}"), None),
                None => (kind, None),
            }
        }
        S::Exhaustion => {
            let mode = v.get("mode").and_then(Value::as_str).unwrap_or_default();
            let limit = v.get("limit").and_then(decimal);
            let words = match (mode, limit) {
                ("overdraft", None) => "overdraft (no limit)".to_string(),
                ("overdraft", Some(l)) => format!("overdraft up to {}", format::credits(Credits::new(l))),
                (other, _) => other.replace('_', " "),
            };
            (words, None)
        }
        S::Allowance => match v.get("kind").and_then(Value::as_str) {
            Some("monthly") => {
                let d = v.get("credits").and_then(decimal);
                (d.map(|d| format::credits(Credits::new(d))).unwrap_or_default(), d)
            }
            Some("unlimited") => ("unlimited".into(), None),
            _ => ("none".into(), Some(Decimal::ZERO)),
        },
        S::Plans => match v {
            Value::Null => ("every plan".into(), None),
            other => (list(other, text, ", ", "no plan"), None),
        },
        S::Discount => {
            let d = v.get("value").and_then(decimal);
            let words = match (v.get("kind").and_then(Value::as_str), d) {
                (Some("share"), Some(d)) => format!("{} off", share(d)),
                (Some("amount"), Some(d)) => format!("{} off", format::money(cat, Money::new(d))),
                _ => "none".into(),
            };
            (words, None)
        }
        S::Multipliers => {
            let each = |m: &Value| {
                let name = m.get("display_name").and_then(text).or_else(|| m.get("variant").and_then(text))?;
                Some(format!("{name} ×{}", decimal(m.get("factor")?)?.normalize()))
            };
            (list(v, each, ", ", "none"), None)
        }
        S::Raw => (or(text(v), "none"), None),
    }
}
