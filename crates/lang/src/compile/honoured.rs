//! Option combinations the engine would ignore or cannot honour: each is an
//! error, so a published catalog never states a rule that billing does not
//! follow. Figures come from [`pricebook_core::billing`], the functions the engine
//! itself calls.

use super::catalog::{AutoRecharge, Catalog, RechargeRule};
use super::check::Checker;
use crate::diag::Code;
use crate::model::Sp;
use crate::model::plan::{AutoRecharge as RawRecharge, PlanFile, SourceKind, UpgradeCharge, UpgradeCredits};
use pricebook_core::billing::quote::QuoteError;
use pricebook_core::billing::recharge;
use pricebook_core::money::{Credits, Money};

pub fn check(file: &PlanFile, cat: &Catalog, ck: &mut Checker) {
    upgrade_credits_ignored(file, cat, ck);
    default_plan_billed(file, cat, ck);
    rollover_ignored(file, cat, ck);
    refund_rules_unused(file, cat, ck);
    if let (Some(ar), Some(raw)) = (&cat.auto_recharge, &file.auto_recharge) {
        recharge_pack_unavailable(ar, raw, cat, ck);
        recharge_never_on_by_default(ar, raw, cat, ck);
        recharge_out_of_range(ar, raw, cat, ck);
        recharge_cap_below_smallest(ar, raw, cat, ck);
    }
}

/// A full upgrade charge starts a new cycle with the new plan's credits, so
/// any other credit rule would be published and never applied.
fn upgrade_credits_ignored(file: &PlanFile, cat: &Catalog, ck: &mut Checker) {
    let policy = &cat.plan_changes;
    if policy.upgrade_charge != UpgradeCharge::Full || policy.upgrade_credits == UpgradeCredits::Replace {
        return;
    }
    let Some(rule) = file.plan_changes.as_ref().and_then(|p| p.upgrade.as_ref()) else { return };
    let credits = match policy.upgrade_credits {
        UpgradeCredits::AddDifference => "add_difference",
        UpgradeCredits::Prorate | UpgradeCredits::Replace => "prorate",
    };
    ck.error(
        Code::UpgradeCreditsIgnored,
        rule.span.clone(),
        format!(
            "upgrade credits = \"{credits}\" is never applied: charge = \"full\" starts a new cycle with the new plan's full monthly credits"
        ),
    )
    .with_help("write credits = \"replace\" with charge = \"full\", or charge = \"prorated\" to keep this credit rule");
}

/// Accounts start on the default plan without subscribing, and leaving a
/// paid plan returns them there: its price or trial would never apply.
fn default_plan_billed(file: &PlanFile, cat: &Catalog, ck: &mut Checker) {
    let ix = cat.default_plan.ix;
    let (plan, Some(raw)) = (&cat.plans[ix], file.plans.get(ix)) else { return };
    let priced = [(plan.monthly_price, &raw.monthly_price), (plan.yearly_price, &raw.yearly_price)]
        .into_iter()
        .find_map(|(price, lit)| {
            price.filter(|m| m.is_positive()).zip(lit.as_ref()).map(|(_, l)| ("a price", l.span.clone()))
        });
    let trial = raw.trial.as_ref().map(|t| ("a trial", t.span.clone()));
    for (what, span) in priced.into_iter().chain(trial) {
        ck.error(
            Code::DefaultPlanBilled,
            span,
            format!("the default plan `{}` has {what}, but accounts are placed on it without subscribing, so it never applies", plan.id),
        )
        .with_help("make the default plan free with no trial, or make a free plan the default");
    }
}

/// Only monthly allowances reach a cycle end with a rollover rule; other
/// kinds of credits expire by their `expires` alone.
fn rollover_ignored(file: &PlanFile, cat: &Catalog, ck: &mut Checker) {
    for (source, raw) in cat.sources.iter().zip(&file.sources) {
        let Some(rollover) = raw.value.rollover.as_ref().filter(|_| source.kind != SourceKind::Allowance) else {
            continue;
        };
        ck.error(
            Code::RolloverIgnored,
            rollover.span.clone(),
            format!("source `{}` is not an allowance, and only monthly allowances roll over", source.id),
        )
        .with_help("remove rollover, or say how long these credits live with `expires`");
    }
}

/// Refund rules with nothing refundable are published and never used.
fn refund_rules_unused(file: &PlanFile, cat: &Catalog, ck: &mut Checker) {
    let Some(raw) = file.refunds.as_ref().filter(|_| cat.refunds.applies_to.is_empty()) else { return };
    let raw = &raw.value;
    let stated = [
        ("window", raw.window.as_ref().map(|w| w.span.clone())),
        ("max_used_share", raw.max_used_share.as_ref().map(|m| m.span.clone())),
    ];
    for (key, span) in stated.into_iter().filter_map(|(k, s)| s.map(|s| (k, s))) {
        ck.error(
            Code::RefundRulesUnused,
            span,
            format!("refunds.{key} is set, but applies_to is empty, so nothing is ever refunded"),
        )
        .with_help("list what can be refunded in applies_to, or remove the refund rules");
    }
}

/// Plans offered auto-recharge whose accounts could not buy its pack: the
/// engine never recharges them.
fn recharge_pack_unavailable(ar: &AutoRecharge, raw: &Sp<RawRecharge>, cat: &Catalog, ck: &mut Checker) {
    let pack = &cat.packs[ar.pack.ix];
    let stranded: Vec<&str> = (0..cat.plans.len())
        .filter(|&p| ar.available_on(p) && !pack.available_on(p))
        .map(|p| cat.plans[p].id.as_str())
        .collect();
    if stranded.is_empty() {
        return;
    }
    let span =
        raw.value.plans.as_ref().and_then(|ps| ps.first()).map_or(raw.value.pack.span.clone(), |p| p.span.clone());
    let list = stranded.iter().map(|p| format!("`{p}`")).collect::<Vec<_>>().join(", ");
    ck.error(
        Code::RechargePackUnavailable,
        span,
        format!("auto-recharge is offered on {list}, which cannot buy its pack `{}`", pack.id),
    )
    .with_help(format!(
        "list only plans that can buy `{}` in auto_recharge.plans, or add those plans to the pack's plans",
        pack.id
    ));
}

/// New accounts start on the default plan, and auto-recharge switched off
/// there stays off when they change plan: "on by default" would hold for
/// nobody.
fn recharge_never_on_by_default(ar: &AutoRecharge, raw: &Sp<RawRecharge>, cat: &Catalog, ck: &mut Checker) {
    let default = &cat.plans[cat.default_plan.ix];
    if !ar.enabled_by_default || ar.available_on(cat.default_plan.ix) {
        return;
    }
    let span = raw.value.plans.as_ref().and_then(|ps| ps.first()).map_or(raw.span.clone(), |p| p.span.clone());
    ck.error(
        Code::RechargeNeverOnByDefault,
        span,
        format!(
            "auto-recharge is on by default, but new accounts start on `{}`, which is not offered it, and it stays off when they change plan",
            default.id
        ),
    )
    .with_help(format!(
        "set enabled_by_default = false (customers switch it on), or offer auto-recharge on `{}`",
        default.id
    ));
}

/// A recharge whose amount the pack refuses (below its minimum, above its
/// maximum, or less than one credit) at the threshold or from empty.
fn recharge_out_of_range(ar: &AutoRecharge, raw: &Sp<RawRecharge>, cat: &Catalog, ck: &mut Checker) {
    let raw = &raw.value;
    let refused = [ar.threshold, Credits::ZERO]
        .into_iter()
        .find_map(|balance| recharge::buys(cat, ar.pack.ix, ar.buys, balance, None).err());
    let Some(e) = refused else { return };
    let (what, span) = match ar.buys {
        RechargeRule::Pack => (format!("pack `{}`", ar.pack.id), Some(raw.pack.span.clone())),
        RechargeRule::Amount(m) => {
            (format!("amount = {}", ck.show_money(m)), raw.amount.as_ref().map(|a| a.span.clone()))
        }
        RechargeRule::RefillToTarget(t) => (format!("refilling to {t}"), raw.target.as_ref().map(|t| t.span.clone())),
    };
    let span = span.unwrap_or_else(|| raw.buys.span.clone());
    ck.error(
        Code::RechargeOutOfRange,
        span,
        format!("{what} buys {}, so pack `{}` refuses the recharge and it never happens", bought(e, ck), ar.pack.id),
    )
    .with_help("change the recharge amount or target to fit the pack's min_credits and max_credits");
}

/// Why a quote failed, as "333 credits, fewer than the pack's minimum of 500".
fn bought(e: QuoteError, ck: &Checker) -> String {
    let unit = &ck.credit_unit;
    match e {
        QuoteError::BelowMinimum { credits, min } => {
            format!("{credits} {unit}, fewer than the pack's minimum of {min}")
        }
        QuoteError::AboveMaximum { credits, max } => format!("{credits} {unit}, more than the pack's maximum of {max}"),
        QuoteError::NothingBought | QuoteError::NoAmount => format!("no {unit}"),
        QuoteError::Overflow => "more than pricebook can count".to_string(),
    }
}

/// A monthly cap below the cheapest recharge: auto-recharge could never run.
fn recharge_cap_below_smallest(ar: &AutoRecharge, raw: &Sp<RawRecharge>, cat: &Catalog, ck: &mut Checker) {
    let (Some(cap), Some(cap_lit)) = (ar.monthly_cap, &raw.value.monthly_cap) else { return };
    let Ok(smallest) = recharge::smallest(cat, ar) else { return };
    if recharge::fits_cap(Some(cap), Money::ZERO, smallest.price) {
        return;
    }
    let (cap, cheapest) = (ck.show_money(cap), ck.show_money(smallest.price));
    ck.error(
        Code::RechargeCapBelowPack,
        cap_lit.span.clone(),
        format!(
            "monthly_cap ({cap}) is below the price of one recharge ({cheapest}), so auto-recharge could never run"
        ),
    )
    .with_help(format!("raise monthly_cap to at least {cheapest}, or recharge a smaller amount"));
}
