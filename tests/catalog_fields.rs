//! The catalog never says what the engine does not do (issue 9), field by
//! field: every field of the compiled catalog (every path of its canonical
//! JSON, the document `pricebook build` publishes, as its JSON Schema
//! allows them, optional fields included) either changes some scenario's
//! ledger when it changes (a bundled scenario, or failing that one of the
//! peers' fixtures), or is listed as display-only with the reason. A field
//! added to the catalog fails this test until it is classified.

mod common;

use pricebook::project::Project;
use pricebook_core::calendar::Period;
use pricebook_core::catalog::{
    Allowance, Catalog, Discount, ExhaustionRule, Expiry, IntroOffer, Limit, OverageRate, PackOffer, PackRef, PlanRef,
    Rate, RechargeRule, SourceRef, UsagePeriod,
};
use pricebook_core::money::{Credits, Money, Rounding};
use pricebook_core::policy::{ExpiryPrecision, Overage};
use pricebook_lang::compile::Workspace;
use pricebook_lang::model::plan::{
    CycleAnchor, Funding, OnDecline, OrderKey, ReferralTo, Refundable, SourceKind, Timing, UpgradeCharge,
    UpgradeCredits, UsedCredits, WindowStart,
};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Fields the engine does not read, and why that is right.
const DISPLAY_ONLY: &[(&str, &str)] = &[
    ("id", "the plan file's name"),
    ("name", "shown on pages"),
    ("summary", "shown on pages"),
    ("credits.unit", "the word for a credit"),
    ("credits.plural", "the word for credits"),
    ("credits.price_per", "how pages quote unit prices (per 1,000 credits)"),
    (
        "credits.rounding",
        "the default of features.rounding: compile copies it into each feature, which the engine reads",
    ),
    ("plans.id", "an id: scenarios and billing refer to it; the engine uses indices"),
    ("plans.name", "shown on pages"),
    ("plans.tagline", "shown on pages"),
    ("plans.highlights", "shown on pages"),
    ("plans.highlight", "shown on pages: which plan the pricing page sets apart"),
    ("plans.cta", "shown on pages: the plan card's call-to-action link"),
    ("packs.id", "an id"),
    ("packs.name", "shown on pages"),
    ("packs.tagline", "shown on pages"),
    ("sources.id", "an id"),
    ("entitlements.id", "an id"),
    ("entitlements.name", "shown on pages"),
    ("entitlements.kind", "decides at compile time whether plans give it as a flag or a limit"),
    ("features.id", "an id"),
    ("features.name", "shown on pages"),
    ("features.rates.model", "an id: scenarios name the model"),
    ("features.rates.display_name", "shown on pages instead of the model id"),
    ("features.unit", "the word for the feature's meter, shown on pages"),
    ("features.multipliers.variant", "an id: scenarios name the variant"),
    ("features.multipliers.display_name", "shown on pages instead of the variant id"),
    (
        "features.rates.cost",
        "the provider's cost of serving a usage: margins in `backtest` and `check` warnings; customers never pay it",
    ),
    (
        "features.multipliers.cost",
        "the provider's cost of serving a variant's usage, in place of the rate's: margins in `backtest` and `check` \
         warnings; customers never pay it",
    ),
    ("addons.id", "an id"),
    ("addons.name", "shown on pages"),
];

/// Settings a field needs before it can matter, applied to both sides:
/// funding only orders spending under `promotional_first` / `paid_first`,
/// which no bundled plan uses.
const CONTEXT: &[(&str, Mutation)] = &[
    ("sources.funding", |c| {
        c.credits.consumption_order = vec![OrderKey::PromotionalFirst, OrderKey::Oldest];
        true
    }),
    ("credits.usage_period.overage", |c| {
        c.credits.usage_period.get_or_insert(UsagePeriod { every: day(), overage: Overage::Forgive });
        true
    }),
];

/// A change to one field: applied to the first item that has it; `false`
/// when this catalog has no such item.
type Mutation = fn(&mut Catalog) -> bool;

fn d(n: i64) -> Decimal {
    Decimal::from(n)
}

fn first<T>(items: &mut [T], has: impl Fn(&T) -> bool) -> Option<&mut T> {
    items.iter_mut().find(|x| has(x))
}

fn other_plan(cat: &Catalog, ix: usize) -> PlanRef {
    let to = (ix + 1) % cat.plans.len();
    PlanRef::new(to, cat.plans[to].id.clone())
}

fn day() -> Period {
    Period::parse("1 day").expect("a period")
}

fn flip_rounding(r: &mut Rounding) {
    *r = if *r == Rounding::Up { Rounding::Down } else { Rounding::Up };
}

const MUTATIONS: &[(&str, Mutation)] = &[
    ("currency", |c| {
        c.currency =
            pricebook_core::money::currency(if c.currency.code == "JPY" { "USD" } else { "JPY" }).expect("known");
        true
    }),
    ("money_rounding", |c| {
        flip_rounding(&mut c.money_rounding);
        true
    }),
    ("time_zone", |c| {
        c.time_zone = chrono_tz::Pacific::Kiritimati;
        true
    }),
    ("default_plan", |c| {
        c.default_plan = other_plan(c, c.default_plan.ix);
        true
    }),
    ("credits.scale", |c| {
        c.credits.scale += 3;
        true
    }),
    ("credits.consumption_order", |c| {
        c.credits.consumption_order = vec![OrderKey::Newest];
        true
    }),
    ("credits.on_exhaustion", |c| {
        c.credits.on_exhaustion = match c.credits.on_exhaustion {
            ExhaustionRule::Refuse => ExhaustionRule::Overdraft { limit: None },
            _ => ExhaustionRule::Refuse,
        };
        true
    }),
    ("credits.transferable", |c| {
        c.credits.transferable = !c.credits.transferable;
        true
    }),
    ("credits.refund_failed_operations", |c| {
        c.credits.refund_failed_operations = !c.credits.refund_failed_operations;
        true
    }),
    ("credits.expiry_precision", |c| {
        c.credits.expiry_precision =
            if c.credits.expiry_precision.is_exact() { ExpiryPrecision::Second } else { ExpiryPrecision::Exact };
        true
    }),
    ("credits.usage_period", |c| {
        c.credits.usage_period = match c.credits.usage_period {
            Some(_) => None,
            None => Some(UsagePeriod { every: day(), overage: Overage::Forgive }),
        };
        true
    }),
    ("credits.usage_period.overage", |c| {
        c.credits
            .usage_period
            .as_mut()
            .map(|p| p.overage = if p.overage == Overage::Forgive { Overage::Carry } else { Overage::Forgive })
            .is_some()
    }),
    ("sources.kind", |c| {
        c.sources[0].kind =
            if c.sources[0].kind == SourceKind::Adjustment { SourceKind::Signup } else { SourceKind::Adjustment };
        true
    }),
    ("sources.label", |c| {
        c.sources[0].label.push('x');
        true
    }),
    ("sources.funding", |c| {
        for s in &mut c.sources {
            s.funding = if s.funding == Funding::Paid { Funding::Promotional } else { Funding::Paid };
        }
        true
    }),
    ("sources.priority", |c| {
        for (i, s) in c.sources.iter_mut().enumerate() {
            s.priority = -(i as i32);
        }
        true
    }),
    ("sources.amount", |c| {
        first(&mut c.sources, |s| s.amount.is_some()).map(|s| s.amount = s.amount.map(|a| a * d(2))).is_some()
    }),
    ("sources.referral_to", |c| {
        first(&mut c.sources, |s| s.referral_to.is_some())
            .map(|s| {
                s.referral_to = Some(if s.referral_to == Some(ReferralTo::Inviter) {
                    ReferralTo::Invitee
                } else {
                    ReferralTo::Inviter
                })
            })
            .is_some()
    }),
    ("sources.expires", |c| {
        for s in &mut c.sources {
            s.expires = if s.expires == Expiry::Never { Expiry::After(day()) } else { Expiry::Never };
        }
        true
    }),
    ("sources.rollover.cycles", |c| {
        first(&mut c.sources, |s| s.rollover.is_some()).map(|s| s.rollover = None).is_some()
    }),
    ("sources.rollover.max_amount", |c| {
        first(&mut c.sources, |s| s.rollover.is_some())
            .and_then(|s| s.rollover.as_mut())
            .map(|r| r.max_amount = Some(Credits::from(1)))
            .is_some()
    }),
    ("sources.rollover.max_share", |c| {
        first(&mut c.sources, |s| s.rollover.is_some())
            .and_then(|s| s.rollover.as_mut())
            .map(|r| r.max_share = Some(Decimal::new(1, 2)))
            .is_some()
    }),
    ("sources.rollover.min_kept", |c| {
        first(&mut c.sources, |s| s.rollover.is_some())
            .and_then(|s| s.rollover.as_mut())
            .map(|r| r.min_kept = Some(Credits::from(1_000_000)))
            .is_some()
    }),
    ("sources.plans", |c| {
        for s in &mut c.sources {
            s.plans = Some(Vec::new());
        }
        true
    }),
    ("plans.monthly_price", |c| {
        for p in &mut c.plans {
            p.monthly_price = p.monthly_price.filter(|m| m.is_positive()).map(|m| m * d(2));
        }
        true
    }),
    ("plans.yearly_price", |c| {
        first(&mut c.plans, |p| p.yearly_price.is_some())
            .map(|p| p.yearly_price = p.yearly_price.map(|m| m * d(2)))
            .is_some()
    }),
    ("plans.monthly_credits", |c| {
        first(&mut c.plans, |p| matches!(p.monthly_credits, Allowance::Monthly(_)))
            .map(|p| p.monthly_credits = Allowance::Monthly(p.monthly_credits() * d(2)))
            .is_some()
    }),
    ("plans.cycle_anchor", |c| {
        for p in &mut c.plans {
            p.cycle_anchor = if p.cycle_anchor == CycleAnchor::CalendarMonth {
                CycleAnchor::Registration
            } else {
                CycleAnchor::CalendarMonth
            };
        }
        true
    }),
    ("plans.trial", |c| {
        for p in &mut c.plans {
            p.trial = if p.trial.is_some() { None } else { Some(day()) };
        }
        true
    }),
    ("plans.intro_offer.off.kind", |c| intro(c, |o| o.off = Discount::Amount(Money::from(1)))),
    ("plans.intro_offer.off.value", |c| intro(c, |o| o.off = Discount::Share(Decimal::new(25, 2)))),
    ("plans.intro_offer.cycles", |c| intro(c, |o| o.cycles += 1)),
    ("plans.overage.price", |c| overage(c, |o| o.price = o.price * d(2))),
    ("plans.overage.per", |c| overage(c, |o| o.per = o.per * d(2))),
    ("plans.overage.charge_at", |c| overage(c, |o| o.charge_at = None)),
    ("plans.limits.entitlement", |c| first(&mut c.plans, |p| !p.limits.is_empty()).map(|p| p.limits.clear()).is_some()),
    ("plans.limits.limit", |c| {
        for p in &mut c.plans {
            for l in &mut p.limits {
                l.limit = if l.limit == Limit::Unlimited { Limit::Count(0) } else { Limit::Unlimited };
            }
        }
        true
    }),
    ("plans.flags", |c| {
        for p in &mut c.plans {
            p.flags.clear();
        }
        true
    }),
    ("packs.offer.kind", |c| {
        first(&mut c.packs, |p| matches!(p.offer, PackOffer::Fixed { .. }))
            .map(|p| {
                let unit = pricebook_core::billing::quote::unit_price(&p.offer).unwrap_or_default();
                p.offer = PackOffer::Custom { unit_price: Money::new(unit), min_credits: None, max_credits: None };
            })
            .is_some()
    }),
    ("packs.offer.credits", |c| {
        for p in &mut c.packs {
            if let PackOffer::Fixed { credits, .. } = &mut p.offer {
                *credits = *credits * d(2);
            }
        }
        true
    }),
    ("packs.offer.price", |c| {
        for p in &mut c.packs {
            if let PackOffer::Fixed { price, .. } = &mut p.offer {
                *price = *price * d(2);
            }
        }
        true
    }),
    ("packs.offer.unit_price", |c| {
        for p in &mut c.packs {
            if let PackOffer::Custom { unit_price, .. } = &mut p.offer {
                *unit_price = *unit_price * d(2);
            }
        }
        true
    }),
    ("packs.offer.min_credits", |c| {
        for p in &mut c.packs {
            if let PackOffer::Custom { min_credits, .. } = &mut p.offer {
                *min_credits = Some(Credits::from(1_000_000));
            }
        }
        true
    }),
    ("packs.offer.max_credits", |c| {
        for p in &mut c.packs {
            if let PackOffer::Custom { max_credits, .. } = &mut p.offer {
                *max_credits = Some(Credits::from(1));
            }
        }
        true
    }),
    ("packs.plans", |c| {
        for p in &mut c.packs {
            p.plans = Some(Vec::new());
        }
        true
    }),
    ("packs.source", |c| {
        let Some(other) = c.sources.iter().position(|s| s.kind != SourceKind::Purchase) else { return false };
        let id = c.sources[other].id.clone();
        for p in &mut c.packs {
            p.source = SourceRef::new(other, id.clone());
        }
        true
    }),
    ("features.requires", |c| {
        for f in &mut c.features {
            f.requires = None;
        }
        true
    }),
    ("features.rounding", |c| {
        for f in &mut c.features {
            flip_rounding(&mut f.rounding);
        }
        true
    }),
    ("features.rates.per_request", |c| rates(c, |r| &mut r.per_request)),
    ("features.rates.per_1k_input_tokens", |c| rates(c, |r| &mut r.per_1k_input_tokens)),
    ("features.rates.per_1k_output_tokens", |c| rates(c, |r| &mut r.per_1k_output_tokens)),
    ("features.rates.per_1k_tokens", |c| rates(c, |r| &mut r.per_1k_tokens)),
    ("features.rates.per_minute", |c| rates(c, |r| &mut r.per_minute)),
    ("features.rates.per_unit", |c| rates(c, |r| &mut r.per_unit)),
    ("features.max_per_use", |c| {
        first(&mut c.features, |f| f.max_per_use.is_some()).map(|f| f.max_per_use = None).is_some()
    }),
    ("features.multipliers.factor", |c| {
        first(&mut c.features, |f| !f.multipliers.is_empty()).map(|f| f.multipliers[0].factor = d(3)).is_some()
    }),
    ("addons.monthly_credits", |c| {
        first(&mut c.addons, |a| a.monthly_credits.is_some())
            .map(|a| a.monthly_credits = a.monthly_credits.map(|m| m * d(2)))
            .is_some()
    }),
    ("addons.monthly_price", |c| {
        for a in &mut c.addons {
            a.monthly_price = Some(a.monthly_price.map_or(Money::from(3), |m| m * d(2)));
        }
        true
    }),
    ("addons.plans", |c| {
        for a in &mut c.addons {
            a.plans = Some(Vec::new());
        }
        true
    }),
    ("auto_recharge.enabled_by_default", |c| {
        c.auto_recharge.as_mut().map(|a| a.enabled_by_default = !a.enabled_by_default).is_some()
    }),
    ("auto_recharge.threshold", |c| {
        c.auto_recharge.as_mut().map(|a| a.threshold = a.threshold * d(2) + Credits::from(1000)).is_some()
    }),
    ("auto_recharge.buys", |c| {
        c.auto_recharge
            .as_mut()
            .map(|a| {
                a.buys = match a.buys {
                    RechargeRule::Amount(m) => RechargeRule::Amount(m * d(2)),
                    RechargeRule::RefillToTarget(t) => RechargeRule::RefillToTarget(t * d(2)),
                    RechargeRule::Pack => RechargeRule::RefillToTarget(Credits::from(1)),
                }
            })
            .is_some()
    }),
    ("auto_recharge.pack", |c| {
        let n = c.packs.len();
        let Some(a) = c.auto_recharge.as_mut().filter(|_| n > 1) else { return false };
        let to = (a.pack.ix + 1) % n;
        a.pack = PackRef::new(to, "other");
        true
    }),
    ("auto_recharge.monthly_cap", |c| {
        c.auto_recharge
            .as_mut()
            .map(|a| a.monthly_cap = Some(a.monthly_cap.map_or(Money::from(1), |m| m * d(3))))
            .is_some()
    }),
    ("auto_recharge.on_decline", |c| {
        c.auto_recharge
            .as_mut()
            .map(|a| {
                a.on_decline = if a.on_decline == OnDecline::Retry { OnDecline::Disable } else { OnDecline::Retry }
            })
            .is_some()
    }),
    ("auto_recharge.settles_after", |c| {
        c.auto_recharge
            .as_mut()
            .map(|a| a.settles_after = if a.settles_after.is_some() { None } else { Some(day()) })
            .is_some()
    }),
    ("auto_recharge.plans", |c| c.auto_recharge.as_mut().map(|a| a.plans = Some(Vec::new())).is_some()),
    ("refunds.applies_to", |c| {
        c.refunds.applies_to = if c.refunds.applies_to.is_empty() { vec![Refundable::Pack] } else { Vec::new() };
        c.refunds.window.get_or_insert(day());
        true
    }),
    ("refunds.window", |c| {
        c.refunds.window = Some(Period::parse("1 hour").expect("a period"));
        true
    }),
    ("refunds.window_starts", |c| {
        c.refunds.window_starts = if c.refunds.window_starts == WindowStart::Payment {
            WindowStart::SubscriptionStart
        } else {
            WindowStart::Payment
        };
        true
    }),
    ("refunds.max_used_share", |c| {
        c.refunds.max_used_share = Some(Decimal::ZERO);
        true
    }),
    ("refunds.used_credits", |c| {
        c.refunds.used_credits =
            if c.refunds.used_credits == UsedCredits::Rebook { UsedCredits::Forgive } else { UsedCredits::Rebook };
        true
    }),
    ("refunds.reset_anchor", |c| {
        c.refunds.reset_anchor = !c.refunds.reset_anchor;
        true
    }),
    ("refunds.void_bonuses", |c| {
        c.refunds.void_bonuses = !c.refunds.void_bonuses;
        true
    }),
    ("plan_changes.upgrade_credits", |c| {
        c.plan_changes.upgrade_credits = if c.plan_changes.upgrade_credits == UpgradeCredits::Replace {
            UpgradeCredits::AddDifference
        } else {
            UpgradeCredits::Replace
        };
        true
    }),
    ("plan_changes.upgrade_charge", |c| {
        c.plan_changes.upgrade_charge = if c.plan_changes.upgrade_charge == UpgradeCharge::None {
            UpgradeCharge::Prorated
        } else {
            UpgradeCharge::None
        };
        true
    }),
    ("plan_changes.downgrade", |c| {
        c.plan_changes.downgrade = flip_timing(c.plan_changes.downgrade);
        true
    }),
    ("plan_changes.cancel", |c| {
        c.plan_changes.cancel = flip_timing(c.plan_changes.cancel);
        true
    }),
    ("low_balance_warnings", |c| {
        c.low_balance_warnings = if c.low_balance_warnings.is_empty() { vec![Decimal::new(99, 2)] } else { Vec::new() };
        true
    }),
];

/// Changes the first plan's intro offer; `false` when no plan has one.
fn intro(c: &mut Catalog, change: fn(&mut IntroOffer)) -> bool {
    first(&mut c.plans, |p| p.intro_offer.is_some()).and_then(|p| p.intro_offer.as_mut()).map(change).is_some()
}

/// Changes the first plan's overage rate; `false` when no plan has one.
fn overage(c: &mut Catalog, change: fn(&mut OverageRate)) -> bool {
    first(&mut c.plans, |p| p.overage.is_some()).and_then(|p| p.overage.as_mut()).map(change).is_some()
}

fn flip_timing(t: Timing) -> Timing {
    if t == Timing::Immediately { Timing::EndOfCycle } else { Timing::Immediately }
}

/// Doubles one kind of rate wherever it is set (or sets it where none is).
fn rates(c: &mut Catalog, field: fn(&mut Rate) -> &mut Option<Credits>) -> bool {
    for f in &mut c.features {
        for r in &mut f.rates {
            let v = field(r);
            *v = Some(v.map_or(Credits::from(1), |x| x * d(2) + Credits::from(1)));
        }
    }
    true
}

/// Every leaf path of a JSON value, arrays flattened: `plans.monthly_price`.
fn paths(v: &serde_json::Value, at: &str, out: &mut BTreeSet<String>) {
    let join = |k: &str| if at.is_empty() { k.to_string() } else { format!("{at}.{k}") };
    match v {
        serde_json::Value::Object(m) => m.iter().for_each(|(k, x)| paths(x, &join(k), out)),
        serde_json::Value::Array(xs) if !xs.is_empty() => xs.iter().for_each(|x| paths(x, at, out)),
        _ => {
            out.insert(at.to_string());
        }
    }
}

/// Whether a table entry names this path, a part of it, or a value it holds.
fn classifies(entry: &str, path: &str) -> bool {
    let under = |a: &str, b: &str| a == b || b.starts_with(&format!("{a}."));
    under(entry, path) || under(path, entry)
}

fn catalogs(root: &Path) -> BTreeMap<String, Catalog> {
    let project = Project::open(Workspace::new(root));
    assert!(project.plans_ok(), "{}: the plans compile", root.display());
    project.catalogs
}

/// The projects whose scenarios show fields at work: the bundled one, then
/// the peers' fixtures (plans that behave as OpenMeter, Orb, Lago or Stigg
/// do), which state what no bundled plan needs, such as whole-second expiries.
fn projects() -> [PathBuf; 2] {
    [root().to_path_buf(), root().join("tests/fixtures/peers")]
}

/// Every leaf path the catalog's JSON Schema allows: fields no bundled plan
/// sets (optional ones, variants' own fields) are fields a catalog can state.
fn schema_paths(out: &mut BTreeSet<String>) {
    let text = pricebook_core::catalog_json::schema().expect("the schema renders");
    let schema: serde_json::Value = serde_json::from_str(&text).expect("the schema is JSON");
    let defs = &schema["$defs"];
    schema_leaves(&defs["Catalog"], defs, "", &mut Vec::new(), out);
}

/// The leaves under one schema node; `seen`: the definitions being walked
/// (a type that contains itself is a leaf the second time).
fn schema_leaves(
    node: &serde_json::Value,
    defs: &serde_json::Value,
    at: &str,
    seen: &mut Vec<String>,
    out: &mut BTreeSet<String>,
) {
    if let Some(name) = node.get("$ref").and_then(|r| r.as_str()).and_then(|r| r.rsplit('/').next()) {
        if seen.iter().any(|s| s == name) {
            out.insert(at.to_string());
            return;
        }
        seen.push(name.to_string());
        schema_leaves(&defs[name], defs, at, seen, out);
        seen.pop();
        return;
    }
    let join = |k: &str| if at.is_empty() { k.to_string() } else { format!("{at}.{k}") };
    let mut inner = false;
    for key in ["anyOf", "oneOf", "allOf"] {
        for branch in node.get(key).and_then(|b| b.as_array()).into_iter().flatten() {
            schema_leaves(branch, defs, at, seen, out);
            inner = true;
        }
    }
    for (key, field) in node.get("properties").and_then(|p| p.as_object()).into_iter().flatten() {
        schema_leaves(field, defs, &join(key), seen, out);
        inner = true;
    }
    if let Some(items) = node.get("items").filter(|i| i.is_object()) {
        schema_leaves(items, defs, at, seen, out);
        inner = true;
    }
    if !inner {
        out.insert(at.to_string());
    }
}

#[test]
fn every_catalog_field_is_classified() {
    let mut all = BTreeSet::new();
    for cat in catalogs(root()).values() {
        paths(&serde_json::to_value(cat).expect("serialises"), "", &mut all);
    }
    let bundled = all.len();
    schema_paths(&mut all);
    assert!(all.len() > bundled, "the schema names fields no bundled plan sets (usage_period, for one)");
    let entries: Vec<&str> = MUTATIONS.iter().map(|m| m.0).chain(DISPLAY_ONLY.iter().map(|d| d.0)).collect();
    let missing: Vec<&String> = all.iter().filter(|p| !entries.iter().any(|e| classifies(e, p))).collect();
    assert!(missing.is_empty(), "catalog fields neither exercised by a scenario nor display-only: {missing:?}");
    let stale: Vec<&&str> = entries.iter().filter(|e| !all.iter().any(|p| classifies(e, p))).collect();
    assert!(stale.is_empty(), "table entries that name no catalog field: {stale:?}");
}

/// The ledgers of one of a project's plans' scenarios, replayed under `cat`.
fn ledgers(root: &Path, name: &str, cat: Catalog) -> Vec<Option<String>> {
    let ws = common::workspace(root);
    // A plan's scenarios are in its own folder; a project that keeps them
    // together (the peers') replays them all: those of other plans fail
    // alike under either catalog.
    let own = ws.scenarios_dir().join(name);
    let files: Vec<_> = ws.scenario_files().into_iter().filter(|p| !own.is_dir() || p.starts_with(&own)).collect();
    let mut project = Project::with_catalogs(ws, BTreeMap::from([(name.to_string(), cat)]));
    // Setting lines echo what a scenario set (a cap, a threshold): a field
    // that shows only there changes what the ledger says, not what it does.
    let behaviour = |table: String| table.lines().filter(|l| !l.contains(" setting ")).collect::<Vec<_>>().join("\n");
    files.iter().map(|p| project.replay(p).map(|r| behaviour(r.table))).collect()
}

#[test]
fn every_engine_field_changes_some_ledger() {
    let mut unused = Vec::new();
    for (field, mutate) in MUTATIONS {
        let context = CONTEXT.iter().find(|c| c.0 == *field).map_or((|_| true) as Mutation, |c| c.1);
        let moved = projects().iter().any(|root| {
            let (mut before, mut after) = (catalogs(root), catalogs(root));
            let names: Vec<String> = before.keys().cloned().collect();
            names.iter().any(|n| {
                let (Some(mut old), Some(mut new)) = (before.remove(n), after.remove(n)) else { return false };
                context(&mut old);
                context(&mut new);
                mutate(&mut new) && ledgers(root, n, old) != ledgers(root, n, new)
            })
        });
        if !moved {
            unused.push(*field);
        }
    }
    assert!(unused.is_empty(), "changing these fields changes no scenario's ledger, bundled or peers': {unused:?}");
}
