//! Lints: warnings about smells in a plan file that compiles.

use super::catalog::{Catalog, PackOffer};
use super::check::{Checker, show_money};
use crate::diag::Code;
use crate::model::plan::{PlanFile, SourceKind};
use pricebook_core::billing::quote::unit_price;
use pricebook_core::money::Money;
use rust_decimal::Decimal;

pub(crate) fn lint(file: &PlanFile, cat: &Catalog, ck: &mut Checker) {
    worse_value_packs(file, cat, ck);
    yearly_not_cheaper(file, cat, ck);
    unused_sources(file, cat, ck);
}

/// `(larger, smaller)` pack indices where the larger pack costs more per
/// credit: fixed packs sold to the same plans from the same
/// source; for each larger pack, the best-value smaller one. Shared with
/// `pricebook diff`, which warns when a change creates such a pair.
pub fn worse_value_pairs(cat: &Catalog) -> Vec<(usize, usize)> {
    let fixed: Vec<(usize, Decimal, Decimal)> = cat
        .packs
        .iter()
        .enumerate()
        .filter_map(|(i, p)| match p.offer {
            PackOffer::Fixed { credits, .. } => unit_price(&p.offer).map(|u| (i, credits.get(), u)),
            PackOffer::Custom { .. } => None,
        })
        .collect();
    let plans = |ix: usize| cat.packs[ix].plans.as_ref().map(|v| v.iter().map(|r| r.ix).collect::<Vec<_>>());
    let mut out = Vec::new();
    for &(big, big_credits, big_unit) in &fixed {
        let best = fixed
            .iter()
            .filter(|&&(small, small_credits, small_unit)| {
                small != big
                    && small_credits < big_credits
                    && small_unit < big_unit
                    && cat.packs[small].source == cat.packs[big].source
                    && plans(small) == plans(big)
            })
            .min_by(|a, b| a.2.cmp(&b.2));
        if let Some(&(small, _, _)) = best {
            out.push((big, small));
        }
    }
    out
}

fn worse_value_packs(file: &PlanFile, cat: &Catalog, ck: &mut Checker) {
    let per = cat.credits.price_per.get();
    let unit = |ix: usize| unit_price(&cat.packs[ix].offer).unwrap_or_default();
    for (big, small) in worse_value_pairs(cat) {
        let raw = &file.packs[big].value;
        let span = raw.price.as_ref().map_or(raw.id.span.clone(), |p| p.span.clone());
        let fmt = |u: Decimal| show_money(Some(cat.currency), Money::new((u * per).round_dp(4).normalize()));
        // "per credit", or "per 1000000 tokens" when prices are quoted per many.
        let per_what = if per == Decimal::ONE {
            cat.credits.unit.clone()
        } else {
            format!("{} {}", cat.credits.price_per, cat.credits.plural)
        };
        ck.error(
            Code::WorseValuePack,
            span,
            format!(
                "pack `{}` is larger than `{}` but costs more per {per_what} ({} vs {})",
                cat.packs[big].id,
                cat.packs[small].id,
                fmt(unit(big)),
                fmt(unit(small))
            ),
        )
        .with_help(
            "customers expect larger packs to be better value; lower its price or shrink the smaller pack's discount",
        );
    }
}

fn yearly_not_cheaper(file: &PlanFile, cat: &Catalog, ck: &mut Checker) {
    for (plan, raw) in cat.plans.iter().zip(&file.plans) {
        if let (Some(m), Some(y), Some(lit)) = (plan.monthly_price, plan.yearly_price, &raw.yearly_price)
            && m.is_positive()
            && y.get() >= m.get() * Decimal::from(12)
        {
            ck.error(
                Code::YearlyNotCheaper,
                lit.span.clone(),
                format!(
                    "paying `{}` yearly ({}) costs no less than twelve monthly payments ({})",
                    plan.id,
                    show_money(Some(cat.currency), y),
                    show_money(Some(cat.currency), m * Decimal::from(12))
                ),
            )
            .with_help("yearly billing usually carries a discount; check the price");
        }
    }
}

fn unused_sources(file: &PlanFile, cat: &Catalog, ck: &mut Checker) {
    for (ix, (source, raw)) in cat.sources.iter().zip(&file.sources).enumerate() {
        let used = match source.kind {
            SourceKind::Allowance => cat
                .plans
                .iter()
                .enumerate()
                .any(|(p, plan)| plan.monthly_credits().is_positive() && cat.allowance_source_for(p) == Some(ix)),
            SourceKind::Purchase => cat.packs.iter().any(|p| p.source.ix == ix),
            _ => true,
        };
        if !used {
            ck.error(
                Code::UnusedSource,
                raw.id.span.clone(),
                format!("nothing grants credits from source `{}`", source.id),
            )
            .with_help("remove it, or reference it from a plan's monthly_credits or a pack");
        }
    }
}
