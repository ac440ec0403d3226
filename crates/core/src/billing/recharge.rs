//! Auto-recharge: what one recharge buys and costs, and whether it fits the
//! monthly cap.

use super::quote::{self, Ask, Quote, QuoteError};
use crate::catalog::{AutoRecharge, Catalog, RechargeRule};
use crate::money::{Credits, Money};

/// What a recharge under `rule` asks of its pack, given the balance now and
/// the cost of a usage that did not fit (if that triggered it). `None` when
/// a refill finds the balance already at its target.
pub fn ask(rule: RechargeRule, balance: Credits, shortfall: Option<Credits>) -> Option<Ask> {
    match rule {
        RechargeRule::Pack => Some(Ask::Pack),
        RechargeRule::Amount(m) => Some(Ask::Amount(m)),
        RechargeRule::RefillToTarget(target) => {
            // Enough for the target, and at least enough for the usage.
            let need = (target - balance).max(shortfall.map_or(Credits::ZERO, |s| s - balance));
            need.is_positive().then_some(Ask::Credits(need))
        }
    }
}

/// One recharge from pack `pack`: `Ok(None)` when nothing is needed.
pub fn buys(
    cat: &Catalog,
    pack: usize,
    rule: RechargeRule,
    balance: Credits,
    shortfall: Option<Credits>,
) -> Result<Option<Quote>, QuoteError> {
    ask(rule, balance, shortfall).map(|ask| quote::quote(cat, pack, ask)).transpose()
}

/// The cheapest recharge the catalog's default settings make: the one at
/// the threshold (any lower balance buys more), or, when a refill needs
/// nothing there, the pack's smallest top-up.
pub fn smallest(cat: &Catalog, ar: &AutoRecharge) -> Result<Quote, QuoteError> {
    match buys(cat, ar.pack.ix, ar.buys, ar.threshold, None)? {
        Some(q) => Ok(q),
        None => quote::smallest(&cat.packs[ar.pack.ix].offer, quote::Precision::of(cat)),
    }
}

/// Whether a recharge costing `price` fits a monthly cap when `spent` was
/// already spent this month.
pub fn fits_cap(cap: Option<Money>, spent: Money, price: Money) -> bool {
    cap.is_none_or(|cap| spent + price <= cap)
}
