//! Usage resets (OpenMeter's entitlement resets) and what a grant keeps at
//! a rollover or reset.
//!
//! At a reset every direct grant keeps `min(max_amount, max(min_kept,
//! remainder))` of its `rollover` (nothing, without one); credits from the
//! catalog (allowances, packs, bonuses) follow their own source's rules
//! and are left alone. Usage the balance did not cover is then forgiven
//! (written off) or carried and paid first from what the grants kept.

use super::Step;
use crate::account::{AccountState, UsagePeriod};
use crate::agenda::Scheduled;
use crate::command::{AccountId, LotId};
use crate::ledger::{Bucket, Detail, EntryKind, Sink, VoidWhy};
use pricebook_core::calendar::{Instant, Recurrence};
use pricebook_core::money::Credits;
use pricebook_core::policy::{ExpiryPrecision, Overage};

impl<S: Sink> Step<'_, S> {
    /// Sets what a lot keeps, with one line whose word is the category the
    /// totals count it in: `expire` for credits dropped, `grant` for
    /// credits added, `rollover` when the lot keeps exactly what it had.
    pub(super) fn set_kept(&mut self, a: &mut AccountState, id: AccountId, lot: LotId, kept: Credits, detail: Detail) {
        let Some(l) = a.wallet.get(lot) else { return };
        let (remaining, label) = (l.remaining, l.label);
        a.wallet.set_remaining(lot, kept);
        let delta = kept - remaining;
        let kind = if delta.is_negative() {
            EntryKind::Expire
        } else if delta.is_positive() {
            EntryKind::Grant
        } else {
            EntryKind::Rollover
        };
        self.record(a, id, kind, Bucket::Label(label), delta, None, detail);
    }

    /// A usage reset now.
    pub(super) fn usage_reset(&mut self, a: &mut AccountState, id: AccountId, overage: Overage) {
        for lot in a.wallet.ids_where(|l| l.reset.is_some()) {
            let Some(l) = a.wallet.get(lot) else { continue };
            let Some(rule) = &l.reset else { continue };
            let kept = pricebook_core::billing::rollover::carry(rule, l.remaining, l.original);
            let recurring = l.boundary.is_some();
            self.set_kept(a, id, lot, kept, Detail::Reset { kept });
            if kept.is_zero() && !recurring {
                a.wallet.remove(lot);
            }
        }
        let deficit = a.wallet.deficit;
        if !deficit.is_positive() {
            return;
        }
        match overage {
            Overage::Forgive => {
                a.wallet.deficit = Credits::ZERO;
                self.record(a, id, EntryKind::Void, Bucket::Overdraft, deficit, None, Detail::Void(VoidWhy::Overage));
            }
            Overage::Carry => {
                for lot in a.wallet.ids_where(|l| l.reset.is_some() && l.remaining.is_positive()) {
                    self.settle_deficit(a, id, lot);
                }
            }
        }
    }

    /// Resets usage from now on at each moment of `every`.
    pub(super) fn set_usage_period(&mut self, a: &mut AccountState, every: Recurrence, overage: Overage) {
        let next = every.next_after(self.now);
        a.usage_period = Some(UsagePeriod { every, overage, next });
        self.schedule(a, next, Scheduled::Reset);
    }

    /// A usage period's reset falls due: reset, and schedule the next one.
    pub(super) fn periodic_reset(&mut self, a: &mut AccountState, id: AccountId) {
        let Some(period) = a.usage_period.filter(|p| p.next == self.now) else { return };
        self.usage_reset(a, id, period.overage);
        let next = period.every.next_after(self.now);
        a.usage_period = Some(UsagePeriod { next, ..period });
        self.schedule(a, next, Scheduled::Reset);
    }

    /// An expiry as the catalog compares them.
    pub(super) fn precise(&self, t: Instant) -> Instant {
        match self.cat.credits.expiry_precision {
            ExpiryPrecision::Exact => t,
            ExpiryPrecision::Second => t - chrono::Duration::nanoseconds(i64::from(t.timestamp_subsec_nanos())),
        }
    }
}
