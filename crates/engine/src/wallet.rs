//! An account's credits: grants (lots) kept in spending order, plus any
//! unpaid overdraft.

use super::command::{LotId, PurchaseId};
use super::ledger::LabelId;
use pricebook_core::calendar::{Instant, Recurrence};
use pricebook_core::catalog::RolloverRule;
use pricebook_core::money::Credits;
use pricebook_core::policy::{Funding, OrderKey};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;

/// What a lot's next boundary does.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Cadence {
    /// Boundaries fall on the account's cycle starts.
    Cycle,
    /// Boundaries fall on a recurrence's moments (direct recurring grants).
    Every(Recurrence),
}

/// A rollover or reset at a moment, and how many more follow.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Boundary {
    pub at: Instant,
    pub step: Cadence,
    /// What the lot keeps; `None`: it is refilled to the amount granted.
    pub rule: Option<RolloverRule>,
    /// Boundaries left after this one; `None`: unlimited.
    pub left: Option<u32>,
}

/// Where a lot came from, for refunds and reinstatements.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Origin {
    /// A catalog source (allowance, bonus, adjustment).
    Source(usize),
    /// A purchase (pack, top-up, subscription allowance).
    Purchase(usize, PurchaseId),
    /// A direct grant.
    Direct,
    /// A transfer from another account.
    Transfer,
}

/// One grant of credits.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Lot {
    pub id: LotId,
    pub label: LabelId,
    pub origin: Origin,
    /// The plan whose allowance this is, if it is one.
    pub allowance_of: Option<usize>,
    pub funding: Funding,
    pub priority: i32,
    pub effective: Instant,
    /// When the grant was made; differs from `effective` for grants made
    /// ahead of time (the `oldest_created` order key).
    pub created: Instant,
    pub expires: Option<Instant>,
    pub boundary: Option<Boundary>,
    /// What the lot keeps at an account's usage reset; `None`: a reset
    /// leaves it alone (catalog credits follow their own source's rules).
    pub reset: Option<RolloverRule>,
    pub original: Credits,
    pub remaining: Credits,
    /// Money paid per credit (0 for promotional credits).
    pub cost_basis: Decimal,
}

impl Lot {
    /// A lot of `amount` credits that never expires, cost nothing and is no
    /// plan's allowance; other fields are set by struct update. The engine
    /// gives it its id when it is granted.
    pub fn new(
        label: LabelId,
        origin: Origin,
        funding: Funding,
        priority: i32,
        effective: Instant,
        amount: Credits,
    ) -> Lot {
        Lot {
            id: 0,
            label,
            origin,
            allowance_of: None,
            funding,
            priority,
            effective,
            created: effective,
            expires: None,
            boundary: None,
            reset: None,
            original: amount,
            remaining: amount,
            cost_basis: Decimal::ZERO,
        }
    }

    pub fn purchase(&self) -> Option<PurchaseId> {
        match self.origin {
            Origin::Purchase(_, p) => Some(p),
            _ => None,
        }
    }
}

/// Compares two lots under a consumption order; the lot id breaks ties so
/// the order is total and deterministic.
pub fn spending_order(order: &[OrderKey], a: &Lot, b: &Lot) -> Ordering {
    for key in order {
        let o = match key {
            OrderKey::Priority => a.priority.cmp(&b.priority),
            OrderKey::SoonestExpiry => match (a.expires, b.expires) {
                (Some(x), Some(y)) => x.cmp(&y),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            },
            OrderKey::PromotionalFirst => a.funding.cmp(&b.funding),
            OrderKey::PaidFirst => b.funding.cmp(&a.funding),
            OrderKey::Oldest => a.effective.cmp(&b.effective),
            OrderKey::Newest => b.effective.cmp(&a.effective),
            OrderKey::LowestCostBasis => a.cost_basis.cmp(&b.cost_basis),
            OrderKey::OldestCreated => a.created.cmp(&b.created),
            OrderKey::LargestAmount => b.original.cmp(&a.original),
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    a.id.cmp(&b.id)
}

/// Credits taken from one lot.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Take {
    pub lot: LotId,
    pub label: LabelId,
    pub purchase: Option<PurchaseId>,
    pub amount: Credits,
}

/// The live lots of an account in spending order, and its overdraft.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Wallet {
    lots: Vec<Lot>,
    total: Credits,
    pub deficit: Credits,
}

impl Wallet {
    /// Credits in lots minus the overdraft.
    // Always inline: asked for every line and every spend, and the engine's
    // generic code is compiled in the caller's crate.
    #[inline(always)]
    pub fn balance(&self) -> Credits {
        // Asked several times per usage; most accounts owe nothing, and a
        // decimal subtraction costs more than the test.
        if self.deficit.is_zero() { self.total } else { self.total - self.deficit }
    }

    /// Credits in lots.
    pub fn total(&self) -> Credits {
        self.total
    }

    pub fn lots(&self) -> &[Lot] {
        &self.lots
    }

    pub fn get(&self, id: LotId) -> Option<&Lot> {
        self.lots.iter().find(|l| l.id == id)
    }

    pub fn insert(&mut self, lot: Lot, order: &[OrderKey]) {
        self.total += lot.remaining;
        let at = self.lots.partition_point(|l| spending_order(order, l, &lot) == Ordering::Less);
        self.lots.insert(at, lot);
    }

    /// Takes up to `amount` from the first lot in spending order that has
    /// credits. An emptied lot is dropped unless a reset can refill it; the
    /// dropped lot goes to `dropped`, when given, so a failed operation can
    /// restore it (handing it out by value on every take would copy a whole
    /// lot per usage).
    pub fn take_one(&mut self, amount: Credits, dropped: Option<&mut Vec<Lot>>) -> Option<Take> {
        let at = self.lots.iter().position(|l| l.remaining.is_positive())?;
        let lot = &mut self.lots[at];
        let t = lot.remaining.min(amount);
        lot.remaining -= t;
        self.total -= t;
        let take = Take { lot: lot.id, label: lot.label, purchase: lot.purchase(), amount: t };
        let tops_up = |rule: &RolloverRule| rule.min_kept.is_some_and(Credits::is_positive);
        let refillable = |lot: &Lot| {
            lot.boundary.as_ref().is_some_and(|b| b.rule.as_ref().is_none_or(tops_up))
                || lot.reset.as_ref().is_some_and(tops_up)
        };
        if !lot.remaining.is_positive() && !refillable(lot) {
            let lot = self.lots.remove(at);
            if let Some(d) = dropped {
                d.push(lot);
            }
        }
        Some(take)
    }

    /// Puts back a lot dropped when it was emptied, holding `amount`.
    pub fn restore(&mut self, mut lot: Lot, amount: Credits, order: &[OrderKey]) {
        lot.remaining = amount;
        self.insert(lot, order);
    }

    /// Takes up to `amount` from one lot.
    pub fn take_from(&mut self, id: LotId, amount: Credits) -> Credits {
        let Some(lot) = self.lots.iter_mut().find(|l| l.id == id) else {
            return Credits::ZERO;
        };
        let t = lot.remaining.min(amount).max(Credits::ZERO);
        lot.remaining -= t;
        self.total -= t;
        t
    }

    /// Adds credits back to a lot that still exists.
    pub fn give_back(&mut self, id: LotId, amount: Credits) -> bool {
        match self.lots.iter_mut().find(|l| l.id == id) {
            Some(lot) => {
                lot.remaining += amount;
                self.total += amount;
                true
            }
            None => false,
        }
    }

    /// Removes a lot, returning it with what it had left.
    pub fn remove(&mut self, id: LotId) -> Option<Lot> {
        let at = self.lots.iter().position(|l| l.id == id)?;
        let lot = self.lots.remove(at);
        self.total -= lot.remaining;
        Some(lot)
    }

    /// Re-sorts after a lot's ordering attributes changed.
    pub fn resort(&mut self, order: &[OrderKey]) {
        self.lots.sort_by(|a, b| spending_order(order, a, b));
    }

    pub fn lot_mut(&mut self, id: LotId) -> Option<&mut Lot> {
        self.lots.iter_mut().find(|l| l.id == id)
    }

    /// Sets a lot's remaining credits (rollover), keeping the total right.
    pub fn set_remaining(&mut self, id: LotId, value: Credits) {
        if let Some(lot) = self.lots.iter_mut().find(|l| l.id == id) {
            self.total += value - lot.remaining;
            lot.remaining = value;
        }
    }

    /// Remaining credits of lots with a label.
    pub fn by_label(&self, label: LabelId) -> Credits {
        self.lots.iter().filter(|l| l.label == label).map(|l| l.remaining).sum()
    }

    /// Ids of lots matching a predicate, in spending order.
    pub fn ids_where(&self, mut f: impl FnMut(&Lot) -> bool) -> Vec<LotId> {
        self.lots.iter().filter(|l| f(l)).map(|l| l.id).collect()
    }
}
