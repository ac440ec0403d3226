//! Money: payments, packs, auto-recharge (with its monthly cap), refunds.

use super::Step;
use crate::account::{AccountState, PendingTopUp, Purchase};
use crate::agenda::Scheduled;
use crate::command::{AccountId, PurchaseId, RechargeSettings, Sym};
use crate::ledger::{Bucket, Detail, EntryKind, Notice, Paid, PlanWhy, Reason, Setting, Sink, VoidWhy};
use crate::wallet::{Lot, Origin};
use pricebook_core::billing;
use pricebook_core::calendar;
use pricebook_core::catalog::{Expiry, RechargeRule};
use pricebook_core::money::{Credits, Money};
use pricebook_core::policy::PaymentState;
use pricebook_core::policy::SourceKind;
use pricebook_core::policy::{OnDecline, Refundable, UsedCredits, WindowStart};

impl<S: Sink> Step<'_, S> {
    /// Charges the saved payment method. A purchase record is created for
    /// every successful payment; a declined one leaves a `declined` line.
    pub(super) fn pay(
        &mut self,
        a: &mut AccountState,
        id: AccountId,
        amount: Money,
        paid: Paid,
    ) -> Result<PurchaseId, Reason> {
        self.pay_as(a, id, amount, paid, None)
    }

    /// [`Self::pay`] under a purchase id handed out earlier (a trial's first payment).
    pub(super) fn pay_as(
        &mut self,
        a: &mut AccountState,
        id: AccountId,
        amount: Money,
        paid: Paid,
        reserved: Option<PurchaseId>,
    ) -> Result<PurchaseId, Reason> {
        if amount.is_positive() {
            match a.payment {
                PaymentState::None => return Err(Reason::NoPaymentMethod),
                PaymentState::Declining => {
                    self.record(
                        a,
                        id,
                        EntryKind::Declined,
                        Bucket::None,
                        Credits::ZERO,
                        Some(amount),
                        Detail::Paid(paid, 0),
                    );
                    return Err(Reason::PaymentDeclined);
                }
                PaymentState::Valid => {}
            }
        }
        let purchase = reserved.unwrap_or_else(|| a.new_purchase_id());
        if matches!(paid, Paid::Subscription { .. }) {
            a.subscription_payments += 1;
        }
        a.purchases.insert(
            purchase,
            Purchase {
                paid,
                paid_at: self.now,
                started_at: self.now,
                money: amount,
                credits: Credits::ZERO,
                used: Credits::ZERO,
                lots: Vec::new(),
                refunded: false,
            },
        );
        if amount.is_positive() {
            a.charged += amount;
            self.record(
                a,
                id,
                EntryKind::Charge,
                Bucket::None,
                Credits::ZERO,
                Some(amount),
                Detail::Paid(paid, purchase),
            );
        }
        Ok(purchase)
    }

    /// Credits and price of one purchase of a pack.
    fn quote(&self, pack: usize, credits: Option<Credits>, amount: Option<Money>) -> Result<(Credits, Money), Reason> {
        let ask = billing::quote::Ask::from_options(credits, amount);
        let q = billing::quote::quote(self.cat, pack, ask).map_err(|_| Reason::AmountOutOfRange)?;
        Ok((q.credits, q.price))
    }

    /// Grants a paid purchase's credits into its pack's source.
    fn grant_pack(
        &mut self,
        a: &mut AccountState,
        id: AccountId,
        pack: usize,
        purchase: PurchaseId,
        credits: Credits,
        price: Money,
    ) {
        let src_ix = self.cat.packs[pack].source.ix;
        let src = &self.cat.sources[src_ix];
        let spec = Lot {
            // A lifetime counts from the purchase, not from when a pending
            // top-up's credits arrive.
            expires: match src.expires {
                Expiry::After(p) => {
                    Some(p.add_to(a.purchases.get(&purchase).map_or(self.now, |p| p.paid_at), self.cat.time_zone))
                }
                other => self.expiry_of(a, other),
            },
            cost_basis: if credits.is_positive() { price.get() / credits.get() } else { Default::default() },
            ..Lot::new(src_ix as u16, Origin::Purchase(src_ix, purchase), src.funding, src.priority, self.now, credits)
        };
        let lot = self.grant_lot(a, id, spec, Detail::Purchase(purchase));
        if let Some(p) = a.purchases.get_mut(&purchase) {
            p.lots.push(lot);
            p.credits += credits;
        }
    }

    pub(super) fn buy(
        &mut self,
        a: &mut AccountState,
        id: AccountId,
        pack: usize,
        credits: Option<Credits>,
        amount: Option<Money>,
        key: Option<Sym>,
    ) -> Result<PurchaseId, Reason> {
        if key.is_some_and(|k| a.idempotency_keys.iter().any(|(_, seen)| *seen == k)) {
            return Err(Reason::DuplicatePurchase);
        }
        if !self.cat.packs[pack].available_on(a.plan) {
            return Err(Reason::UpgradeRequired);
        }
        let (credits, price) = self.quote(pack, credits, amount)?;
        let purchase = self.pay(a, id, price, Paid::Pack { pack, auto: false })?;
        if let Some(k) = key {
            a.idempotency_keys.push_back((self.now, k));
        }
        self.grant_pack(a, id, pack, purchase, credits, price);
        Ok(purchase)
    }

    pub(super) fn set_auto_recharge(
        &mut self,
        a: &mut AccountState,
        id: AccountId,
        s: &RechargeSettings,
    ) -> Result<(), Reason> {
        let Some(ar) = &self.cat.auto_recharge else {
            return Err(Reason::AutoRechargeUnavailable);
        };
        if !ar.available_on(a.plan) && s.enabled != Some(false) {
            return Err(Reason::AutoRechargeUnavailable);
        }
        let Some(state) = a.auto.as_mut() else {
            return Err(Reason::AutoRechargeUnavailable);
        };
        if let Some(e) = s.enabled {
            state.enabled = e;
        }
        if let Some(t) = s.threshold {
            state.threshold = t;
        }
        if let Some(p) = s.pack {
            state.pack = p;
        }
        if let Some(m) = s.amount {
            state.rule = RechargeRule::Amount(m);
        }
        if let Some(t) = s.target {
            state.rule = RechargeRule::RefillToTarget(t);
        }
        if let Some(c) = s.monthly_cap {
            state.cap = Some(c);
        }
        let shown = Setting::AutoRecharge {
            on: state.enabled,
            threshold: state.threshold,
            pack: state.pack,
            rule: state.rule,
            cap: state.cap,
        };
        self.line(a, id, EntryKind::Setting, Detail::Setting(shown));
        Ok(())
    }

    /// Tries one automatic purchase. `shortfall` is the usage that did not
    /// fit, if that is what triggered it. Returns whether credits arrived.
    // Inline: asked after every spend, where most accounts have it off and
    // the test is cheaper than the call.
    #[inline]
    pub(super) fn recharge(&mut self, a: &mut AccountState, id: AccountId, shortfall: Option<Credits>) -> bool {
        a.auto.as_ref().is_some_and(|s| s.enabled) && self.recharge_on(a, id, shortfall)
    }

    /// [`Self::recharge`] for an account with auto-recharge on.
    fn recharge_on(&mut self, a: &mut AccountState, id: AccountId, shortfall: Option<Credits>) -> bool {
        let Some(state) = a.auto.clone() else {
            return false;
        };
        let below = a.wallet.balance() <= state.threshold;
        if !a.pending_topups.is_empty() || !(below || shortfall.is_some()) {
            return false;
        }
        if !self.cat.auto_recharge.as_ref().is_some_and(|ar| ar.available_on(a.plan))
            || !self.cat.packs[state.pack].available_on(a.plan)
        {
            return false;
        }
        let balance = a.wallet.balance();
        let Ok(Some(q)) = billing::recharge::buys(self.cat, state.pack, state.rule, balance, shortfall) else {
            return false;
        };
        let (credits, price) = (q.credits, q.price);
        let month = calendar::month_key(self.now, self.cat.time_zone);
        if let Some(s) = a.auto.as_mut()
            && s.month != month
        {
            s.month = month;
            s.spent = Money::ZERO;
            s.cap_noticed = false;
        }
        let spent = a.auto.as_ref().map_or(Money::ZERO, |s| s.spent);
        if !billing::recharge::fits_cap(state.cap, spent, price) {
            if a.auto.as_ref().is_some_and(|s| !s.cap_noticed) {
                if let Some(s) = a.auto.as_mut() {
                    s.cap_noticed = true;
                }
                self.line(a, id, EntryKind::Notice, Detail::Notice(Notice::AutoRechargeCapReached));
            }
            return false;
        }
        let pack = state.pack;
        let purchase = match self.pay(a, id, price, Paid::Pack { pack, auto: true }) {
            Ok(p) => p,
            Err(_) => {
                let decline = self.cat.auto_recharge.as_ref().map_or(OnDecline::Disable, |ar| ar.on_decline);
                if decline == OnDecline::Disable {
                    if let Some(s) = a.auto.as_mut() {
                        s.enabled = false;
                    }
                    self.line(a, id, EntryKind::Notice, Detail::Notice(Notice::AutoRechargeDisabled));
                }
                return false;
            }
        };
        if let Some(s) = a.auto.as_mut() {
            s.spent += price;
        }
        match self.cat.auto_recharge.as_ref().and_then(|ar| ar.settles_after) {
            Some(delay) => {
                let settles_at = delay.add_to(self.now, self.cat.time_zone);
                a.pending_topups.push(PendingTopUp { purchase, pack, credits, settles_at });
                self.record(a, id, EntryKind::Pending, Bucket::None, credits, None, Detail::Settles(settles_at));
                self.schedule(a, settles_at, Scheduled::Settle(purchase));
                false
            }
            None => {
                self.grant_pack(a, id, pack, purchase, credits, price);
                true
            }
        }
    }

    /// A pending top-up's credits arrive.
    pub(super) fn settle_topup(&mut self, a: &mut AccountState, id: AccountId, purchase: PurchaseId) {
        let Some(at) = a.pending_topups.iter().position(|p| p.purchase == purchase) else {
            return;
        };
        let pending = a.pending_topups.remove(at);
        let price = a.purchases.get(&purchase).map_or(Money::ZERO, |p| p.money);
        if a.purchases.get(&purchase).is_some_and(|p| p.refunded) {
            return;
        }
        self.grant_pack(a, id, pending.pack, purchase, pending.credits, price);
        self.after_decrease(a, id);
    }

    /// Refunds a purchase by the catalog's refund policy (rules E12, V6).
    pub(super) fn refund(
        &mut self,
        a: &mut AccountState,
        id: AccountId,
        purchase: Option<PurchaseId>,
    ) -> Result<(), Reason> {
        let p = purchase.and_then(|p| a.purchases.get(&p)).ok_or(Reason::NothingToRefund)?.clone();
        let purchase = purchase.unwrap_or_default();
        if p.refunded {
            return Err(Reason::AlreadyRefunded);
        }
        let policy = &self.cat.refunds;
        let kind = match p.paid {
            Paid::Pack { .. } => Refundable::Pack,
            Paid::Subscription { .. } | Paid::Proration { .. } => Refundable::Subscription,
            Paid::Addon(_) => Refundable::Addon,
            // Usage already delivered: a support adjustment, not a refund, takes it back.
            Paid::Overage { .. } => return Err(Reason::NotRefundable),
        };
        if !policy.applies_to.contains(&kind) {
            return Err(Reason::NotRefundable);
        }
        let start = match policy.window_starts {
            WindowStart::Payment => p.paid_at,
            WindowStart::SubscriptionStart => p.started_at,
        };
        if policy.window.is_none_or(|w| self.now >= w.add_to(start, self.cat.time_zone)) {
            return Err(Reason::RefundWindowClosed);
        }
        if let Some(share) = policy.max_used_share
            && p.used.get() > p.credits.get() * share
        {
            return Err(Reason::RefundTooMuchUsed);
        }
        // A full refund of a subscription payment also undoes the payments
        // that followed it (an upgrade's proration): nothing of it stays paid.
        let mut targets = vec![purchase];
        if kind == Refundable::Subscription {
            targets.extend(
                a.purchases
                    .iter()
                    .filter(|(pid, q)| {
                        **pid != purchase
                            && !q.refunded
                            && q.paid_at >= p.paid_at
                            && matches!(q.paid, Paid::Subscription { .. } | Paid::Proration { .. })
                    })
                    .map(|(pid, _)| *pid),
            );
        }
        let current = kind == Refundable::Subscription && a.subscription.is_some_and(|s| targets.contains(&s));
        let mut used = Credits::ZERO;
        for target in &targets {
            let Some(rec) = a.purchases.get_mut(target) else { continue };
            rec.refunded = true;
            let (money, paid, lots) = (rec.money, rec.paid, rec.lots.clone());
            used += rec.used;
            a.refunded += money;
            self.record(
                a,
                id,
                EntryKind::PaymentRefund,
                Bucket::None,
                Credits::ZERO,
                Some(-money),
                Detail::Paid(paid, *target),
            );
            self.void_lots(a, id, &lots, VoidWhy::Refund(*target));
            a.pending_topups.retain(|t| t.purchase != *target);
        }
        if current {
            if policy.void_bonuses {
                let cat = self.cat;
                let bonus = a.wallet.ids_where(|l| {
                    matches!(l.origin, Origin::Source(s) if matches!(cat.sources[s].kind, SourceKind::Signup | SourceKind::Referral | SourceKind::DailyActivity))
                });
                self.void_lots(a, id, &bonus, VoidWhy::Bonus);
            }
            let reset = policy.reset_anchor;
            self.revert_to_default(a, id, PlanWhy::Refunded, reset);
        }
        if policy.used_credits == UsedCredits::Rebook && used.is_positive() {
            self.spend_forced(a, id, used, Detail::Rebook(purchase));
        }
        Ok(())
    }
}
