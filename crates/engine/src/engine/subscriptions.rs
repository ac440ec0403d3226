//! Plans over time: cycles, allowances, bonuses, trials, renewals, changes.

use super::{Effect, Step};
use crate::account::{AccountState, PendingChange, Status};
use crate::agenda::Scheduled;
use crate::command::Command;
use crate::command::{AccountId, LotId, PurchaseId};
use crate::ledger::{Detail, EntryKind, Notice, Paid, PlanWhy, Reason, Sink, VoidWhy};
use crate::wallet::{Boundary, Cadence, Lot, Origin};
use pricebook_core::calendar::{self, Cycles};
use pricebook_core::catalog::Expiry;
use pricebook_core::money::{Credits, Money};
use pricebook_core::policy::Billing;
use pricebook_core::policy::{CycleAnchor, ReferralTo, SourceKind, Timing, UpgradeCharge, UpgradeCredits};
use rust_decimal::Decimal;

/// Cycles between two charges.
fn months(billing: Billing) -> u32 {
    match billing {
        Billing::Monthly => 1,
        Billing::Yearly => 12,
    }
}

impl<S: Sink> Step<'_, S> {
    /// The plan's price for a billing period; `None` when priced on request.
    pub(super) fn price_for(&self, plan: usize, billing: Billing) -> Option<Money> {
        let p = &self.cat.plans[plan];
        match billing {
            Billing::Monthly => p.monthly_price,
            Billing::Yearly => p.yearly_price,
        }
    }

    /// Re-anchors the account's cycles by its plan's anchor rule (rule E10)
    /// and schedules the next cycle start. Grants nothing.
    pub(super) fn start_cycles(&mut self, a: &mut AccountState, id: AccountId, now: pricebook_core::calendar::Instant) {
        let tz = self.cat.time_zone;
        let anchor = match self.cat.plans[a.plan].cycle_anchor {
            CycleAnchor::Registration => a.registered_at,
            CycleAnchor::Subscription => now,
            CycleAnchor::CalendarMonth => calendar::month_start(now, tz),
        };
        a.generation += 1;
        a.cycles = Cycles::new(anchor, tz);
        let n = a.cycles.index_at(now);
        a.cycle_start = a.cycles.start(n);
        a.cycle_end = a.cycles.start(n + 1);
        a.next_charge_cycle = n + months(a.billing);
        a.warned = 0;
        self.schedule_cycle(a, id);
    }

    /// Grants the plan's monthly credits for the current cycle (or trial).
    pub(super) fn grant_allowance(
        &mut self,
        a: &mut AccountState,
        id: AccountId,
        purchase: Option<PurchaseId>,
    ) -> Option<LotId> {
        let amount = self.cat.plans[a.plan].monthly_credits();
        self.grant_allowance_amount(a, id, amount, purchase, Detail::Allowance { plan: a.plan })
    }

    pub(super) fn grant_allowance_amount(
        &mut self,
        a: &mut AccountState,
        id: AccountId,
        amount: Credits,
        purchase: Option<PurchaseId>,
        detail: Detail,
    ) -> Option<LotId> {
        if !amount.is_positive() {
            return None;
        }
        let src_ix = self.cat.allowance_source_for(a.plan)?;
        let src = &self.cat.sources[src_ix];
        let trialing = matches!(a.status, Status::Trialing { .. });
        let (expires, boundary) = match (src.expires, &src.rollover) {
            (Expiry::EndOfCycle, Some(rule)) if !trialing => {
                let n = a.cycles.index_at(self.now);
                let boundary = Boundary {
                    at: a.cycle_end,
                    step: Cadence::Cycle,
                    rule: Some(rule.clone()),
                    left: Some(rule.cycles.saturating_sub(1)),
                };
                (Some(a.cycles.start(n + 1 + rule.cycles)), Some(boundary))
            }
            (_, _) if trialing => (Some(a.cycle_end), None),
            (expiry, _) => (self.expiry_of(a, expiry), None),
        };
        let origin = match purchase {
            Some(p) => Origin::Purchase(src_ix, p),
            None => Origin::Source(src_ix),
        };
        let spec = Lot {
            allowance_of: Some(a.plan),
            expires,
            boundary,
            ..Lot::new(src_ix as u16, origin, src.funding, src.priority, self.now, amount)
        };
        let lot = self.grant_lot(a, id, spec, detail);
        if let Some(p) = purchase.and_then(|p| a.purchases.get_mut(&p)) {
            p.lots.push(lot);
            p.credits += amount;
        }
        Some(lot)
    }

    /// Grants a bonus from a catalog source.
    pub(super) fn grant_source(&mut self, a: &mut AccountState, id: AccountId, src_ix: usize, detail: Detail) {
        let src = &self.cat.sources[src_ix];
        let Some(amount) = src.amount else { return };
        let spec = Lot {
            expires: self.expiry_of(a, src.expires),
            ..Lot::new(src_ix as u16, Origin::Source(src_ix), src.funding, src.priority, self.now, amount)
        };
        self.grant_lot(a, id, spec, detail);
    }

    /// Sign-up and referral bonuses (rules E5, E8).
    pub(super) fn bonuses_on_signup(&mut self, a: &mut AccountState, id: AccountId, invited_by: Option<AccountId>) {
        let cat = self.cat;
        for (ix, src) in cat.sources.iter().enumerate() {
            match src.kind {
                SourceKind::Signup if src.applies_to(a.plan) => self.grant_source(a, id, ix, Detail::Bonus),
                SourceKind::Referral => {
                    let Some(inviter) = invited_by else { continue };
                    let to = src.referral_to.unwrap_or(ReferralTo::Both);
                    if matches!(to, ReferralTo::Both | ReferralTo::Invitee) && src.applies_to(a.plan) {
                        self.grant_source(a, id, ix, Detail::Bonus);
                    }
                    let effect = Effect { to: inviter, command: Command::InviteeJoined };
                    if matches!(to, ReferralTo::Both | ReferralTo::Inviter) && !self.effects.contains(&effect) {
                        self.effects.push(effect);
                    }
                }
                _ => {}
            }
        }
    }

    /// The inviter's side of referral bonuses (rule E8), when an invitee registers.
    pub(super) fn inviter_bonus(&mut self, a: &mut AccountState, id: AccountId) {
        let cat = self.cat;
        for (ix, src) in cat.sources.iter().enumerate() {
            let to = src.referral_to.unwrap_or(ReferralTo::Both);
            if src.kind == SourceKind::Referral
                && matches!(to, ReferralTo::Both | ReferralTo::Inviter)
                && src.applies_to(a.plan)
            {
                self.grant_source(a, id, ix, Detail::Bonus);
            }
        }
    }

    /// The daily-activity bonus, once per local day (rule E6).
    pub(super) fn daily_bonus(&mut self, a: &mut AccountState, id: AccountId) {
        // Most catalogs have no daily bonus: skip the time-zone arithmetic.
        if !self.cat.sources.iter().any(|s| s.kind == SourceKind::DailyActivity) {
            return;
        }
        let today = calendar::local_date(self.now, self.cat.time_zone);
        if a.daily_granted_on == Some(today) {
            return;
        }
        a.daily_granted_on = Some(today);
        let cat = self.cat;
        for (ix, src) in cat.sources.iter().enumerate() {
            if src.kind == SourceKind::DailyActivity && src.applies_to(a.plan) {
                self.grant_source(a, id, ix, Detail::Bonus);
            }
        }
    }

    /// A cycle starts: scheduled changes, renewal charge, allowance, add-ons.
    pub(super) fn cycle_start(&mut self, a: &mut AccountState, id: AccountId) {
        // The ending cycle's overage, on the plan it was metered under.
        self.settle_overage(a, id);
        match a.pending_change.take() {
            Some(PendingChange::Cancel) => {
                self.revert_to_default(a, id, PlanWhy::Cancelled, true);
                return;
            }
            Some(PendingChange::Downgrade(plan, agreed)) => {
                self.line(a, id, EntryKind::Plan, Detail::Plan { from: a.plan, to: plan, why: PlanWhy::Downgraded });
                a.plan = plan;
                a.agreed_price = agreed;
            }
            None => {}
        }
        let n = a.cycles.index_at(self.now);
        a.cycle_start = a.cycles.start(n);
        a.cycle_end = a.cycles.start(n + 1);
        a.warned = 0;
        let mut purchase = None;
        let price = self.payment_price(a, a.plan, a.billing, a.agreed_price).unwrap_or(Money::ZERO);
        if price.is_positive() && a.plan != self.cat.default_plan.ix && n >= a.next_charge_cycle {
            match self.pay(a, id, price, Paid::Subscription { plan: a.plan, billing: a.billing }) {
                Ok(p) => {
                    purchase = Some(p);
                    a.subscription = Some(p);
                    a.next_charge_cycle = n + months(a.billing);
                }
                Err(_) => {
                    self.revert_to_default(a, id, PlanWhy::RenewalUnpaid, true);
                    return;
                }
            }
        }
        self.schedule_cycle(a, id);
        self.grant_allowance(a, id, purchase);
        for addon in a.addons.clone() {
            if let Err(reason) = self.charge_addon(a, id, addon) {
                a.addons.remove(&addon);
                self.line(a, id, EntryKind::Refused, Detail::Refusal(reason));
                self.line(a, id, EntryKind::Notice, Detail::Notice(Notice::AddonDisabled(addon)));
            }
        }
    }

    /// Voids the allowance of the plan being left; the default plan's is
    /// remembered so a return within the same cycle can give it back.
    fn leave_plan(&mut self, a: &mut AccountState, id: AccountId) {
        self.settle_overage(a, id);
        let plan = a.plan;
        let lots = a.wallet.ids_where(|l| l.allowance_of == Some(plan));
        let voided = self.void_lots(a, id, &lots, VoidWhy::PlanChange);
        if plan == self.cat.default_plan.ix {
            a.parked_allowance = Some((a.cycle_end, voided));
        }
    }

    pub(super) fn subscribe(
        &mut self,
        a: &mut AccountState,
        id: AccountId,
        plan: usize,
        billing: Billing,
        trial: Option<bool>,
        agreed: Option<Money>,
    ) -> Result<Option<PurchaseId>, Reason> {
        let default = self.cat.default_plan.ix;
        if plan == default {
            return Err(Reason::NotAPaidPlan);
        }
        if a.plan != default {
            self.change_plan(a, id, plan, agreed)?;
            return Ok(None);
        }
        let price = self.payment_price(a, plan, billing, agreed).ok_or(Reason::PriceOnRequest)?;
        let trial_length = self.cat.plans[plan].trial.filter(|_| !a.had_trial && trial.unwrap_or(true));
        let from = a.plan;
        if let Some(length) = trial_length {
            self.leave_plan(a, id);
            self.line(a, id, EntryKind::Plan, Detail::Plan { from, to: plan, why: PlanWhy::Trial });
            let ends = length.add_to(self.now, self.cat.time_zone);
            a.plan = plan;
            a.billing = billing;
            a.agreed_price = agreed;
            a.had_trial = true;
            a.subscribed_at = Some(self.now);
            a.status = Status::Trialing { ends };
            a.generation += 1;
            a.idle_cycles = false;
            a.cycle_start = self.now;
            a.cycle_end = ends;
            a.warned = 0;
            self.schedule(a, ends, Scheduled::TrialEnd(a.generation));
            self.grant_allowance(a, id, None);
            // The first payment, at the trial's end, will carry this id.
            let reserved = a.new_purchase_id();
            a.trial_purchase = Some(reserved);
            return Ok(Some(reserved));
        }
        let purchase = self.pay(a, id, price, Paid::Subscription { plan, billing })?;
        self.leave_plan(a, id);
        self.line(a, id, EntryKind::Plan, Detail::Plan { from, to: plan, why: PlanWhy::Subscribed });
        a.plan = plan;
        a.billing = billing;
        a.agreed_price = agreed;
        a.subscribed_at = Some(self.now);
        self.begin_paid_cycles(a, id, purchase);
        Ok(Some(purchase))
    }

    /// The first paid cycle: anchor, allowance tied to the payment.
    fn begin_paid_cycles(&mut self, a: &mut AccountState, id: AccountId, purchase: PurchaseId) {
        a.status = Status::Active;
        a.subscription = Some(purchase);
        if let Some(p) = a.purchases.get_mut(&purchase) {
            p.started_at = a.subscribed_at.unwrap_or(p.paid_at);
        }
        self.start_cycles(a, id, self.now);
        self.grant_allowance(a, id, Some(purchase));
    }

    /// A trial ends: the first payment, or back to the default plan.
    pub(super) fn trial_end(&mut self, a: &mut AccountState, id: AccountId) {
        let price = self.payment_price(a, a.plan, a.billing, a.agreed_price).unwrap_or(Money::ZERO);
        let reserved = a.trial_purchase.take();
        match self.pay_as(a, id, price, Paid::Subscription { plan: a.plan, billing: a.billing }, reserved) {
            Ok(purchase) => {
                self.line(a, id, EntryKind::Plan, Detail::Plan { from: a.plan, to: a.plan, why: PlanWhy::Subscribed });
                self.begin_paid_cycles(a, id, purchase);
            }
            Err(_) => self.revert_to_default(a, id, PlanWhy::TrialUnpaid, true),
        }
    }

    /// Back to the default plan: its anchor (if `reset_anchor`) and its
    /// allowance for the current cycle, less what was already spent of it.
    pub(super) fn revert_to_default(&mut self, a: &mut AccountState, id: AccountId, why: PlanWhy, reset_anchor: bool) {
        let default = self.cat.default_plan.ix;
        let from = a.plan;
        self.settle_overage(a, id);
        if from != default {
            let lots = a.wallet.ids_where(|l| l.allowance_of == Some(from));
            self.void_lots(a, id, &lots, VoidWhy::PlanChange);
        }
        self.line(a, id, EntryKind::Plan, Detail::Plan { from, to: default, why });
        a.plan = default;
        a.billing = Billing::Monthly;
        a.status = Status::Active;
        a.subscription = None;
        a.subscribed_at = None;
        a.agreed_price = None;
        a.pending_change = None;
        a.trial_purchase = None;
        let parked = a.parked_allowance.take();
        if reset_anchor {
            self.start_cycles(a, id, self.now);
        }
        match parked {
            Some((expiry, left)) if expiry == a.cycle_end => {
                self.grant_allowance_amount(a, id, left, None, Detail::Reinstated { plan: default });
            }
            _ => {
                self.grant_allowance(a, id, None);
            }
        }
    }

    pub(super) fn cancel(&mut self, a: &mut AccountState, id: AccountId) -> Result<(), Reason> {
        let default = self.cat.default_plan.ix;
        if a.plan == default {
            return Err(Reason::NothingToCancel);
        }
        if matches!(a.status, Status::Trialing { .. }) {
            self.revert_to_default(a, id, PlanWhy::TrialCancelled, true);
            return Ok(());
        }
        match self.cat.plan_changes.cancel {
            Timing::Immediately => self.revert_to_default(a, id, PlanWhy::Cancelled, true),
            Timing::EndOfCycle => {
                a.pending_change = Some(PendingChange::Cancel);
                self.line(
                    a,
                    id,
                    EntryKind::Plan,
                    Detail::Plan { from: a.plan, to: default, why: PlanWhy::CancelScheduled },
                );
            }
        }
        Ok(())
    }

    /// Share of the paid period still ahead, for prorations.
    fn remaining_share(&self, a: &AccountState) -> Decimal {
        let (start, end) = match a.billing {
            Billing::Monthly => (a.cycle_start, a.cycle_end),
            Billing::Yearly => {
                let next = a.next_charge_cycle;
                (a.cycles.start(next.saturating_sub(12)), a.cycles.start(next))
            }
        };
        let total = (end - start).num_seconds();
        let left = (end - self.now).num_seconds().clamp(0, total.max(0));
        if total <= 0 { Decimal::ZERO } else { Decimal::from(left) / Decimal::from(total) }
    }

    pub(super) fn change_plan(
        &mut self,
        a: &mut AccountState,
        id: AccountId,
        plan: usize,
        agreed: Option<Money>,
    ) -> Result<(), Reason> {
        let default = self.cat.default_plan.ix;
        if plan == a.plan {
            // Choosing the current plan again withdraws a scheduled downgrade or cancel.
            if a.pending_change.take().is_none() {
                return Err(Reason::AlreadyOnPlan);
            }
            self.line(a, id, EntryKind::Plan, Detail::Plan { from: plan, to: plan, why: PlanWhy::ChangeWithdrawn });
            return Ok(());
        }
        if a.plan == default {
            return self.subscribe(a, id, plan, Billing::Monthly, None, agreed).map(|_| ());
        }
        if plan == default {
            return self.cancel(a, id);
        }
        let old = a.plan;
        let old_price = a.agreed_price.or(self.price_for(old, a.billing)).ok_or(Reason::PriceOnRequest)?;
        let new_price = agreed.or(self.price_for(plan, a.billing)).ok_or(Reason::PriceOnRequest)?;
        if matches!(a.status, Status::Trialing { .. }) {
            self.leave_plan(a, id);
            let why = if new_price > old_price { PlanWhy::Upgraded } else { PlanWhy::Downgraded };
            self.line(a, id, EntryKind::Plan, Detail::Plan { from: old, to: plan, why });
            a.plan = plan;
            a.agreed_price = agreed;
            self.grant_allowance(a, id, None);
            return Ok(());
        }
        if new_price <= old_price {
            return match self.cat.plan_changes.downgrade {
                Timing::Immediately => {
                    self.settle_overage(a, id);
                    self.line(a, id, EntryKind::Plan, Detail::Plan { from: old, to: plan, why: PlanWhy::Downgraded });
                    a.plan = plan;
                    a.agreed_price = agreed;
                    Ok(())
                }
                Timing::EndOfCycle => {
                    a.pending_change = Some(PendingChange::Downgrade(plan, agreed));
                    self.line(
                        a,
                        id,
                        EntryKind::Plan,
                        Detail::Plan { from: old, to: plan, why: PlanWhy::DowngradeScheduled },
                    );
                    Ok(())
                }
            };
        }
        let policy = &self.cat.plan_changes;
        let share = self.remaining_share(a);
        let purchase = match policy.upgrade_charge {
            UpgradeCharge::Prorated => {
                let amount = self.round_money((new_price - old_price).get() * share);
                if amount.is_positive() { Some(self.pay(a, id, amount, Paid::Proration { plan })?) } else { None }
            }
            UpgradeCharge::Full => Some(self.pay(a, id, new_price, Paid::Subscription { plan, billing: a.billing })?),
            UpgradeCharge::None => None,
        };
        let old_credits = self.cat.plans[old].monthly_credits();
        let new_credits = self.cat.plans[plan].monthly_credits();
        self.settle_overage(a, id);
        self.line(a, id, EntryKind::Plan, Detail::Plan { from: old, to: plan, why: PlanWhy::Upgraded });
        a.agreed_price = agreed;
        // An upgrade supersedes a scheduled downgrade or cancel.
        a.pending_change = None;
        if policy.upgrade_charge == UpgradeCharge::Full {
            self.leave_plan(a, id);
            a.plan = plan;
            a.subscribed_at = Some(self.now);
            if let Some(p) = purchase {
                self.begin_paid_cycles(a, id, p);
            }
            return Ok(());
        }
        match policy.upgrade_credits {
            UpgradeCredits::Replace => {
                self.leave_plan(a, id);
                a.plan = plan;
                self.grant_allowance(a, id, purchase);
            }
            UpgradeCredits::AddDifference => {
                a.plan = plan;
                self.grant_allowance_amount(a, id, new_credits - old_credits, purchase, Detail::Allowance { plan });
            }
            UpgradeCredits::Prorate => {
                a.plan = plan;
                let scale = self.cat.credits.scale;
                let extra = Credits::new(
                    pricebook_core::money::Rounding::Down.round((new_credits - old_credits).get() * share, scale),
                );
                self.grant_allowance_amount(a, id, extra, purchase, Detail::Allowance { plan });
            }
        }
        Ok(())
    }

    /// What the account's next subscription payment for `plan` costs: an
    /// agreed price, else the list price less the plan's intro offer while
    /// the account's first payments last.
    fn payment_price(&self, a: &AccountState, plan: usize, billing: Billing, agreed: Option<Money>) -> Option<Money> {
        agreed.or_else(|| {
            let list = self.price_for(plan, billing)?;
            let offer = self.cat.plans[plan].intro_offer.as_ref();
            let at = pricebook_core::billing::quote::Precision::of(self.cat);
            Some(pricebook_core::billing::discount::payment(list, offer, a.subscription_payments, at))
        })
    }

    /// Rounds money to the currency's minor unit by the catalog's rule.
    pub(super) fn round_money(&self, value: Decimal) -> Money {
        Money::new(self.cat.money_rounding.round(value, self.cat.currency.minor_units))
    }
}
