//! The view model: what templates see. Plain serde structs built from a
//! [`Catalog`]; sequences are `Vec`s in page order (minijinja iterates maps
//! sorted, which is not the order a pricing page lists plans in).
//!
//! Amounts are passed as exact decimal strings (`"2500000"`, `"0.04"`) for
//! the templates' filters (`money`, `amount`, `number`, `per_unit`) to
//! format; sentences arrive already written, with their numbers formatted
//! the same way. Templates therefore never need a number of their own.

use super::names::{Words, count_of};
use super::sentences;
use pricebook_core::billing::{quote, yearly};
use pricebook_core::catalog::{Allowance, CallToAction, Limit, PackOffer, PlanRef};
use pricebook_lang::compile::Catalog;
use rust_decimal::Decimal;
use serde::Serialize;

/// Everything a docs template can use, for one catalog.
#[derive(Debug, Serialize)]
pub struct DocView {
    pub product: ProductView,
    pub unit: UnitView,
    pub plans: Vec<PlanView>,
    /// How many plan cards share a row, so that rows stay even.
    pub plan_grid: PlanGrid,
    /// Fixed-size packs, in plan-file order.
    pub packs: Vec<PackView>,
    /// Custom-amount packs (top-ups).
    pub top_ups: Vec<TopUpView>,
    /// The rate card.
    pub features: Vec<FeatureView>,
    /// Whether some rate names a model (else the rate card has no Model column).
    pub rate_models: bool,
    pub addons: Vec<AddonView>,
    /// Sentences by topic, generated from the rules.
    pub rules: Rules,
    /// Worked examples computed by the simulator.
    pub examples: Vec<Example>,
}

#[derive(Debug, Serialize)]
pub struct ProductView {
    /// The plan file's stem, e.g. `acme`.
    pub id: String,
    pub name: String,
    pub summary: Option<String>,
    /// ISO code, e.g. `EUR`.
    pub currency: String,
    /// IANA name of the zone that decides days and months.
    pub time_zone: String,
}

#[derive(Debug, Serialize)]
pub struct UnitView {
    pub singular: String,
    pub plural: String,
}

#[derive(Debug, Serialize)]
pub struct PlanView {
    pub id: String,
    pub name: String,
    pub tagline: Option<String>,
    /// The plan accounts start on.
    pub is_default: bool,
    /// Decimal string; `None` when priced on request.
    pub monthly_price: Option<String>,
    pub yearly_price: Option<String>,
    /// What paying yearly saves against twelve monthly payments, when positive.
    pub yearly_saving: Option<String>,
    pub price_on_request: bool,
    /// Monthly credits as a decimal string; `None` for none or unlimited.
    pub monthly_credits: Option<String>,
    pub unlimited: bool,
    /// "7-day" when the plan has a free trial.
    pub trial: Option<String>,
    /// Limits, flags and highlights, as bullet points.
    pub includes: Vec<String>,
    /// Whether the page sets this plan apart (at most one plan is).
    pub highlight: bool,
    /// The plan card's call-to-action link (an http(s) url).
    pub cta: Option<CallToAction>,
}

/// Plan cards per row: `medium` on tablet-width screens, `wide` on wider
/// ones (phones show one). Rows stay even: 4 plans are 2 + 2 or one row,
/// 5 are 3 + 2 or one row, 6 are 3 + 3 (never 4 + 2).
#[derive(Debug, Serialize)]
pub struct PlanGrid {
    pub medium: usize,
    pub wide: usize,
}

impl PlanGrid {
    /// The grid for `plans` cards (at least one column).
    pub fn for_plans(plans: usize) -> PlanGrid {
        let wide = match plans {
            0 | 1 => 1,
            6 => 3,
            n if n > 6 => 4,
            n => n,
        };
        let medium = match wide {
            1 => 1,
            2 | 4 => 2,
            _ => 3,
        };
        PlanGrid { medium, wide }
    }
}

#[derive(Debug, Serialize)]
pub struct PackView {
    pub id: String,
    pub name: String,
    pub tagline: Option<String>,
    pub credits: String,
    pub price: String,
    /// Exact money per credit, for the `per_unit` filter.
    pub unit_price: String,
    /// "the Team and Business plans" when not every plan may buy it.
    pub only_on: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct TopUpView {
    pub id: String,
    pub name: String,
    pub tagline: Option<String>,
    /// Exact money per credit, for the `per_unit` filter.
    pub unit_price: String,
    /// "$1 = 100 credits" when a currency unit buys a whole number of credits.
    pub rate: String,
    pub min_credits: Option<String>,
    /// What the smallest amount costs.
    pub min_price: Option<String>,
    pub max_credits: Option<String>,
    pub only_on: Option<String>,
    /// Whether the unit price is the fixed packs' unit price (all of them).
    pub same_as_packs: bool,
}

#[derive(Debug, Serialize)]
pub struct FeatureView {
    pub id: String,
    pub name: String,
    /// Name of the flag a plan needs, e.g. "API access".
    pub requires: Option<String>,
    pub rates: Vec<RateView>,
}

#[derive(Debug, Serialize)]
pub struct RateView {
    /// Model, size or quality as pages name it (its display name, else its
    /// id); `None` for a feature with one price.
    pub model: Option<String>,
    /// The model's id, as scenarios and usage exports name it.
    pub model_id: String,
    /// "5 credits per 1,000 tokens (input + output)".
    pub cost: String,
}

#[derive(Debug, Serialize)]
pub struct AddonView {
    pub id: String,
    pub name: String,
    pub monthly_credits: Option<String>,
    pub monthly_price: Option<String>,
    pub only_on: Option<String>,
}

/// Sentences by topic. An empty list: the catalog has nothing to say.
#[derive(Debug, Serialize)]
pub struct Rules {
    pub intro: Vec<String>,
    pub allowances: Vec<String>,
    pub bonuses: Vec<String>,
    pub consumption: Vec<String>,
    pub expiry: Vec<String>,
    pub cycles: Vec<String>,
    pub yearly: Vec<String>,
    pub buying: Vec<String>,
    pub auto_recharge: Vec<String>,
    pub exhaustion: Vec<String>,
    pub warnings: Vec<String>,
    pub trials: Vec<String>,
    pub refunds: Vec<String>,
    pub addons: Vec<String>,
    pub plan_changes: Vec<String>,
    pub limits: Vec<String>,
    pub rounding: Vec<String>,
    pub transfers: Vec<String>,
    pub corrections: Vec<String>,
    pub history: Vec<String>,
}

/// A worked example: steps the customer takes and what billing does.
#[derive(Debug, Serialize)]
pub struct Example {
    /// Stable id, usable as an HTML anchor.
    pub id: String,
    pub title: String,
    /// Shown on the pricing page as well as in the FAQ.
    pub on_pricing: bool,
    pub steps: Vec<ExampleStep>,
}

#[derive(Debug, Serialize)]
pub struct ExampleStep {
    /// What the customer does, e.g. "You buy the Standard pack."
    pub action: String,
    /// What billing then does, read from the simulator's ledger.
    pub result: String,
}

/// An exact decimal as templates receive it: normalised, never a float.
fn dec(d: Decimal) -> String {
    d.normalize().to_string()
}

fn only_on(w: &Words, cat: &Catalog, refs: Option<&Vec<PlanRef>>) -> Option<String> {
    let ixs: Vec<usize> = refs?.iter().map(|r| r.ix).collect();
    (ixs.len() < cat.plans.len()).then(|| w.plans_phrase(&ixs))
}

impl DocView {
    /// Builds the view of one catalog, worked examples included.
    pub fn build(cat: &Catalog) -> DocView {
        let w = Words::new(cat);
        DocView {
            product: ProductView {
                id: cat.id.clone(),
                name: cat.name.clone(),
                summary: cat.summary.clone(),
                currency: cat.currency.code.to_string(),
                time_zone: cat.time_zone.name().to_string(),
            },
            unit: UnitView { singular: cat.credits.unit.clone(), plural: cat.credits.plural.clone() },
            plans: cat.plans.iter().enumerate().map(|(ix, _)| plan(cat, ix)).collect(),
            plan_grid: PlanGrid::for_plans(cat.plans.len()),
            packs: cat
                .packs
                .iter()
                .filter_map(|p| match p.offer {
                    PackOffer::Fixed { credits, price } => Some(PackView {
                        id: p.id.clone(),
                        name: p.name.clone(),
                        tagline: p.tagline.clone(),
                        credits: dec(credits.get()),
                        price: dec(price.get()),
                        unit_price: dec(quote::unit_price(&p.offer).unwrap_or_default()),
                        only_on: pack_only_on(&w, cat, p),
                    }),
                    PackOffer::Custom { .. } => None,
                })
                .collect(),
            top_ups: cat
                .packs
                .iter()
                .filter_map(|p| match p.offer {
                    PackOffer::Custom { unit_price, min_credits, max_credits } => Some(TopUpView {
                        id: p.id.clone(),
                        name: p.name.clone(),
                        tagline: p.tagline.clone(),
                        unit_price: dec(unit_price.get()),
                        rate: sentences::rate_phrase(&w, unit_price.get()),
                        min_credits: min_credits.map(|c| dec(c.get())),
                        min_price: min_credits
                            .and_then(|c| quote::price_for(unit_price, c, quote::Precision::of(cat)))
                            .map(|m| dec(m.get())),
                        max_credits: max_credits.map(|c| dec(c.get())),
                        only_on: pack_only_on(&w, cat, p),
                        same_as_packs: same_unit_price(cat, unit_price.get()),
                    }),
                    PackOffer::Fixed { .. } => None,
                })
                .collect(),
            features: cat
                .features
                .iter()
                .map(|f| FeatureView {
                    id: f.id.clone(),
                    name: f.name.clone(),
                    requires: f.requires.as_ref().and_then(|r| cat.entitlements.get(r.ix)).map(|e| e.name.clone()),
                    rates: f
                        .rates
                        .iter()
                        .map(|r| RateView {
                            model: (f.rates.len() > 1 || r.model != "default")
                                .then(|| r.display_name.clone().unwrap_or_else(|| r.model.clone())),
                            model_id: r.model.clone(),
                            cost: sentences::rate_cost(&w, f, r),
                        })
                        .collect(),
                })
                .collect(),
            rate_models: cat.features.iter().any(|f| f.rates.len() > 1 || f.rates.iter().any(|r| r.model != "default")),
            addons: cat
                .addons
                .iter()
                .map(|a| AddonView {
                    id: a.id.clone(),
                    name: a.name.clone(),
                    monthly_credits: a.monthly_credits.map(|c| dec(c.get())),
                    monthly_price: a.monthly_price.map(|m| dec(m.get())),
                    only_on: only_on(&w, cat, a.plans.as_ref()),
                })
                .collect(),
            rules: Rules {
                intro: sentences::what_credits_are(cat),
                allowances: sentences::allowances(cat),
                bonuses: sentences::bonuses(cat),
                consumption: sentences::consumption(cat),
                expiry: sentences::expiry(cat),
                cycles: sentences::cycles(cat),
                yearly: sentences::yearly(cat),
                buying: sentences::buying(cat),
                auto_recharge: sentences::auto_recharge(cat),
                exhaustion: sentences::exhaustion(cat),
                warnings: sentences::warnings(cat),
                trials: sentences::trials(cat),
                refunds: sentences::refunds(cat),
                addons: sentences::addons(cat),
                plan_changes: sentences::plan_changes(cat),
                limits: sentences::limits(cat),
                rounding: sentences::rounding(cat),
                transfers: sentences::transfers(cat),
                corrections: sentences::corrections(cat),
                history: sentences::history(cat),
            },
            examples: super::examples::build(cat),
        }
    }
}

/// Which plans may buy a pack, when that differs between packs (when all
/// packs share one restriction, a sentence in `rules.buying` says it once).
fn pack_only_on(w: &Words, cat: &Catalog, p: &pricebook_core::catalog::Pack) -> Option<String> {
    let same = cat.packs.iter().all(|q| (0..cat.plans.len()).all(|i| q.available_on(i) == p.available_on(i)));
    if same { None } else { only_on(w, cat, p.plans.as_ref()) }
}

/// Whether every fixed pack (at least one) costs `unit_price` per credit.
fn same_unit_price(cat: &Catalog, unit_price: Decimal) -> bool {
    let fixed: Vec<Decimal> = cat
        .packs
        .iter()
        .filter(|p| matches!(p.offer, PackOffer::Fixed { .. }))
        .filter_map(|p| quote::unit_price(&p.offer))
        .collect();
    !fixed.is_empty() && fixed.iter().all(|u| *u == unit_price)
}

fn plan(cat: &Catalog, ix: usize) -> PlanView {
    let p = &cat.plans[ix];
    let mut includes = Vec::new();
    for l in &p.limits {
        let name = cat.entitlements.get(l.entitlement.ix).map_or(l.entitlement.id.as_str(), |e| e.name.as_str());
        includes.push(match l.limit {
            Limit::Count(n) => count_of(n, name),
            Limit::Unlimited => format!("Unlimited {name}"),
        });
    }
    for f in &p.flags {
        if let Some(e) = cat.entitlements.get(f.ix) {
            includes.push(e.name.clone());
        }
    }
    includes.extend(p.highlights.iter().cloned());
    let yearly_saving = match (p.monthly_price, p.yearly_price) {
        (Some(m), Some(y)) => yearly::saving(m, y).map(|s| dec(s.get())),
        _ => None,
    };
    PlanView {
        id: p.id.clone(),
        name: p.name.clone(),
        tagline: p.tagline.clone(),
        is_default: ix == cat.default_plan.ix,
        monthly_price: p.monthly_price.map(|m| dec(m.get())),
        yearly_price: p.yearly_price.map(|m| dec(m.get())),
        yearly_saving,
        price_on_request: p.monthly_price.is_none() && p.yearly_price.is_none(),
        monthly_credits: match p.monthly_credits {
            Allowance::Monthly(c) => Some(dec(c.get())),
            Allowance::None | Allowance::Unlimited => None,
        },
        unlimited: p.is_unlimited(),
        trial: p.trial.map(sentences::period_adjective),
        includes,
        highlight: p.highlight,
        cta: p.cta.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::PlanGrid;

    #[test]
    fn plan_rows_stay_even() {
        let grid = |n| {
            let g = PlanGrid::for_plans(n);
            (g.medium, g.wide)
        };
        assert_eq!(grid(1), (1, 1));
        assert_eq!(grid(2), (2, 2));
        assert_eq!(grid(3), (3, 3));
        assert_eq!(grid(4), (2, 4));
        assert_eq!(grid(5), (3, 5));
        assert_eq!(grid(6), (3, 3));
        assert_eq!(grid(8), (2, 4));
    }
}
