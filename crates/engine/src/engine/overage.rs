//! Metered overage billed in money (a plan's `overage`): usage past the
//! balance is metered instead of refused or overdrawn, charged in arrears
//! at the cycle end and at a plan change, and at once when what is owed
//! reaches the plan's `charge_at`; a customer's cap refuses usage that
//! would pass it. The figures come from `pricebook_core::billing::overage`.

use super::Step;
use crate::account::AccountState;
use crate::command::AccountId;
use crate::ledger::{Detail, EntryKind, Paid, Reason, Setting, Sink};
use pricebook_core::billing::{self, quote::Precision};
use pricebook_core::catalog::OverageRate;
use pricebook_core::money::{Credits, Money};

impl<S: Sink> Step<'_, S> {
    /// The overage rate of the account's plan, if it has one.
    pub(super) fn overage_rate(&self, a: &AccountState) -> Option<OverageRate> {
        self.cat.plans[a.plan].overage
    }

    /// Whether `more` credits may be metered under the customer's cap.
    pub(super) fn overage_fits(&self, a: &AccountState, rate: &OverageRate, more: Credits) -> Result<(), Reason> {
        let at = Precision::of(self.cat);
        match billing::overage::fits_cap(rate, a.overage_cap, a.metered, more, at) {
            Some(true) => Ok(()),
            Some(false) => Err(Reason::OverageCapReached),
            None => Err(Reason::AmountOutOfRange),
        }
    }

    /// Meters `credits` of usage past the balance: a `metered` line naming
    /// what is owed so far, then a charge if that reached the threshold.
    pub(super) fn meter(&mut self, a: &mut AccountState, id: AccountId, rate: &OverageRate, credits: Credits) {
        a.metered += credits;
        let owed = self.owed(a, rate);
        self.record(
            a,
            id,
            EntryKind::Metered,
            crate::ledger::Bucket::None,
            -credits,
            None,
            Detail::Metered { credits, owed },
        );
        if billing::overage::due_now(rate, owed) {
            self.bill_overage(a, id);
        }
    }

    /// Money owed for credits metered and not yet charged.
    fn owed(&self, a: &AccountState, rate: &OverageRate) -> Money {
        billing::overage::owed(rate, a.metered, a.metered_billed, Precision::of(self.cat)).unwrap_or(Money::ZERO)
    }

    /// Charges what is owed. A declined payment leaves it owed, to be
    /// charged at the next threshold, plan change or cycle end.
    pub(super) fn bill_overage(&mut self, a: &mut AccountState, id: AccountId) {
        let Some(rate) = self.overage_rate(a) else { return };
        let credits = a.metered - a.metered_billed;
        if !credits.is_positive() {
            return;
        }
        let owed = self.owed(a, &rate);
        if self.pay(a, id, owed, Paid::Overage { credits }).is_ok() {
            a.metered_billed = a.metered;
        }
    }

    /// Settles the period at a cycle end or plan change: charges what is
    /// owed and, once paid, starts a new period with nothing metered.
    pub(super) fn settle_overage(&mut self, a: &mut AccountState, id: AccountId) {
        self.bill_overage(a, id);
        if a.metered == a.metered_billed {
            a.metered = Credits::ZERO;
            a.metered_billed = Credits::ZERO;
        }
    }

    /// The customer sets (or with `None` lifts) the most overage money a period may cost.
    pub(super) fn set_overage_cap(&mut self, a: &mut AccountState, id: AccountId, cap: Option<Money>) {
        a.overage_cap = cap;
        self.line(a, id, EntryKind::Setting, Detail::Setting(Setting::OverageCap(cap)));
    }
}
