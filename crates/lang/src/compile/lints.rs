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
    super::costs::lint(file, cat, ck);
}

/// Who a pack is sold to: its source and the plans that may buy it.
type Market = (usize, Option<Vec<usize>>);

/// `(larger, smaller)` pack indices where the larger pack costs more per
/// credit: fixed packs sold to the same plans from the same
/// source; for each larger pack, the best-value smaller one (the lowest
/// unit price, then the first declared). Shared with `pricebook diff`,
/// which warns when a change creates such a pair. Sorted by larger pack.
///
/// Linear after a sort: packs are grouped by source and plans, walked by
/// size, and each is compared with the best value among the strictly
/// smaller packs walked before it (a plan file may hold many packs).
pub fn worse_value_pairs(cat: &Catalog) -> Vec<(usize, usize)> {
    // (market, credits, unit price, index) per fixed pack, then sorted.
    let mut fixed: Vec<(Market, Decimal, Decimal, usize)> = cat
        .packs
        .iter()
        .enumerate()
        .filter_map(|(i, p)| match p.offer {
            PackOffer::Fixed { credits, .. } => unit_price(&p.offer).map(|u| {
                let plans = p.plans.as_ref().map(|v| v.iter().map(|r| r.ix).collect());
                ((p.source.ix, plans), credits.get(), u, i)
            }),
            PackOffer::Custom { .. } => None,
        })
        .collect();
    fixed.sort_by(|a, b| (&a.0, a.1, a.3).cmp(&(&b.0, b.1, b.3)));
    let mut out = Vec::new();
    let mut group_start = 0;
    while group_start < fixed.len() {
        let group_end = fixed[group_start..]
            .iter()
            .position(|p| p.0 != fixed[group_start].0)
            .map_or(fixed.len(), |n| group_start + n);
        // Best (unit price, index) among packs smaller than the current size.
        let mut best: Option<(Decimal, usize)> = None;
        let mut size_start = group_start;
        while size_start < group_end {
            let credits = fixed[size_start].1;
            let size_end =
                fixed[size_start..group_end].iter().position(|p| p.1 != credits).map_or(group_end, |n| size_start + n);
            for &(_, _, unit, big) in &fixed[size_start..size_end] {
                if let Some((best_unit, small)) = best
                    && best_unit < unit
                {
                    out.push((big, small));
                }
            }
            for &(_, _, unit, ix) in &fixed[size_start..size_end] {
                if best.is_none_or(|b| (unit, ix) < b) {
                    best = Some((unit, ix));
                }
            }
            size_start = size_end;
        }
        group_start = group_end;
    }
    out.sort_unstable();
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
