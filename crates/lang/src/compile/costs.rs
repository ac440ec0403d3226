//! Provider costs: a rate's `cost` (money per request, per 1,000 tokens,
//! per minute, per unit, as the rate card meters) compiled into the
//! catalog, and the margin lints. Costs never change what customers pay;
//! the backtest reports margins from them and `check` warns when a price
//! cannot cover them. Both use [`cost_per_credit`] (a feature's variants
//! included), so the arithmetic is
//! `pricebook_core::billing::cost`'s.

use super::catalog::{Catalog, ProviderCost};
use super::check::{Checker, Sign, show_money};
use crate::diag::Code;
use crate::model::plan::{PlanFile, RateCost};
use crate::model::{MoneyLit, Sp};
use pricebook_core::billing::cost::cost_per_credit;
use pricebook_core::billing::quote::unit_price;
use pricebook_core::money::Money;
use rust_decimal::Decimal;

/// A rate's `cost`, each part money in the catalog's currency (finer than
/// its coins allowed: a token costs fractions of a cent).
pub(super) fn provider_cost(c: &RateCost, ck: &mut Checker) -> ProviderCost {
    let mut part =
        |lit: &Option<Sp<MoneyLit>>, what: &str| lit.as_ref().map(|l| ck.fine_money(l, what, Sign::NonNegative));
    ProviderCost {
        per_request: part(&c.per_request, "cost.per_request"),
        per_1k_input_tokens: part(&c.per_1k_input_tokens, "cost.per_1k_input_tokens"),
        per_1k_output_tokens: part(&c.per_1k_output_tokens, "cost.per_1k_output_tokens"),
        per_1k_tokens: part(&c.per_1k_tokens, "cost.per_1k_tokens"),
        per_minute: part(&c.per_minute, "cost.per_minute"),
        per_unit: part(&c.per_unit, "cost.per_unit"),
    }
}

/// Where a credit costs the provider most: a rate, and the variant of the
/// feature it is used in (`None`: plain usage).
struct Dearest {
    per_credit: Decimal,
    f: usize,
    r: usize,
    variant: Option<usize>,
}

impl Dearest {
    /// Whose `cost` the figure comes from, for the help: the variant's
    /// own, or the rate's (also for a variant without one, dearest by its
    /// factor below 1).
    fn whose(&self, cat: &Catalog) -> &'static str {
        let multipliers = &cat.features[self.f].multipliers;
        match self.variant.and_then(|v| multipliers.get(v)) {
            Some(m) if m.cost.is_some() => "variant's",
            _ => "rate's",
        }
    }
}

/// The rate (and variant) whose credits cost the provider most, among the
/// features `usable` allows.
fn dearest(cat: &Catalog, usable: impl Fn(usize) -> bool) -> Option<Dearest> {
    cat.features
        .iter()
        .enumerate()
        .filter(|(f, _)| usable(*f))
        .flat_map(|(f, feature)| feature.rates.iter().enumerate().map(move |(r, rate)| (f, feature, r, rate)))
        .filter_map(|(f, feature, r, rate)| {
            cost_per_credit(feature, rate).map(|(per_credit, variant)| Dearest { per_credit, f, r, variant })
        })
        // The highest cost; the first declared among equals.
        .min_by(|a, b| b.per_credit.cmp(&a.per_credit).then((a.f, a.r).cmp(&(b.f, b.r))))
}

fn model(cat: &Catalog, d: &Dearest) -> String {
    let feature = &cat.features[d.f];
    let model = &feature.rates[d.r].model;
    match d.variant.and_then(|v| feature.multipliers.get(v)) {
        Some(m) => format!("`{}` (`{model}`, variant `{}`)", feature.id, m.variant),
        None => format!("`{}` (`{model}`)", feature.id),
    }
}

pub(super) fn lint(file: &PlanFile, cat: &Catalog, ck: &mut Checker) {
    if !cat.has_costs() {
        return;
    }
    let money = |m: Decimal| show_money(Some(cat.currency), Money::new(m.round_dp(4).normalize()));
    for (plan, raw) in cat.plans.iter().zip(&file.plans) {
        let (Some(price), Some(lit)) = (plan.monthly_price, &raw.monthly_price) else { continue };
        let credits = plan.monthly_credits().get();
        // A free plan's cost is a choice; an unlimited one has no allowance to spend.
        if !price.is_positive() || plan.is_unlimited() || credits.is_zero() {
            continue;
        }
        let usable = |f: usize| cat.features[f].requires.as_ref().is_none_or(|e| plan.has_flag(e.ix));
        let Some(d) = dearest(cat, usable) else { continue };
        let Some(cost) = credits.checked_mul(d.per_credit) else { continue };
        if cost > price.get() {
            ck.error(
                Code::AllowanceAboveCost,
                lit.span.clone(),
                format!(
                    "plan `{}`'s {} monthly {}, all spent on {}, cost {} to serve: more than its price ({})",
                    plan.id,
                    pricebook_core::format::group(credits),
                    cat.credits.plural,
                    model(cat, &d),
                    money(cost),
                    show_money(Some(cat.currency), price)
                ),
            )
            .with_help(format!(
                "raise the price, lower the allowance or charge more {} for that model; or, if the loss is \
                 intended, check the {} `cost`",
                cat.credits.plural,
                d.whose(cat)
            ));
        }
    }
    for (pack, raw) in cat.packs.iter().zip(&file.packs) {
        let Some(unit) = unit_price(&pack.offer) else { continue };
        let usable = |f: usize| {
            cat.features[f].requires.as_ref().is_none_or(|e| {
                cat.plans.iter().enumerate().any(|(p, plan)| pack.available_on(p) && plan.has_flag(e.ix))
            })
        };
        let Some(d) = dearest(cat, usable) else { continue };
        if unit < d.per_credit {
            let span = raw.price.as_ref().or(raw.unit_price.as_ref()).map_or(raw.id.span.clone(), |l| l.span.clone());
            let per = cat.credits.price_per.get();
            // "per credit", or "per 1000 tokens" when prices are quoted per many.
            let per_what = if per == Decimal::ONE {
                cat.credits.unit.clone()
            } else {
                format!("{} {}", cat.credits.price_per, cat.credits.plural)
            };
            ck.error(
                Code::PackBelowCost,
                span,
                format!(
                    "pack `{}` sells {} at {} per {per_what}, below what serving them on {} costs ({} per {per_what})",
                    pack.id,
                    cat.credits.plural,
                    money(unit * per),
                    model(cat, &d),
                    money(d.per_credit * per)
                ),
            )
            .with_help(format!("raise the pack's price, or check the {} `cost`", d.whose(cat)));
        }
    }
}
