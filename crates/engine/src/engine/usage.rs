//! Spending: usage, add-on months, transfers, adjustments, returns, direct
//! grants, low-balance warnings, entitlements.

use super::{Effect, Step};
use crate::account::{AccountState, OpRecord};
use crate::command::Command;
use crate::command::{AccountId, DirectGrant, GrantExpiry, LotId, OpId, Sym, Usage};
use crate::labels::Builtin;
use crate::ledger::{Bucket, Detail, EntryKind, Notice, Reason, Setting, Sink, VoidWhy};
use crate::wallet::{Boundary, Cadence, Lot, Origin, Take};
use pricebook_core::billing;
use pricebook_core::calendar::Recurrence;
use pricebook_core::catalog::{ExhaustionRule, Limit, RolloverRule};
use pricebook_core::money::Credits;
use pricebook_core::policy::{Funding, SourceKind};
use rust_decimal::Decimal;

/// The largest cost one usage may have (10^18 credits).
const MAX_COST: Credits = Credits::new_const(Decimal::from_parts(2_808_348_672, 232_830_643, 0, false, 0));

/// What a spend took: from which grants, which grants it emptied, and what
/// became an overdraft.
struct Spent {
    takes: Vec<Take>,
    emptied: Vec<Lot>,
    overdraft: Credits,
}

/// How a spend treats a balance that does not cover it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// By the catalog's exhaustion rule, with auto-recharge first.
    Usage,
    /// Always; what the balance lacks becomes an overdraft.
    Forced,
    /// Only from credits actually there (transfers).
    Covered,
}

impl<S: Sink> Step<'_, S> {
    /// Credits a usage costs under the rate card, rounded by the feature's rule.
    pub fn cost(&self, usage: &Usage) -> Option<Credits> {
        let cost = match (usage.credits, usage.rate) {
            (Some(c), _) => c,
            (None, None) => Credits::ZERO,
            (None, Some((f, r))) => {
                let feature = &self.cat.features[f];
                billing::cost::rate_cost(feature, &feature.rates[r], &usage.quantity, self.cat.credits.scale)?
            }
        };
        // Far beyond any real usage; keeps every sum over the ledger exact.
        (cost.abs() <= MAX_COST).then_some(cost)
    }

    pub(super) fn use_feature(&mut self, a: &mut AccountState, id: AccountId, usage: &Usage) -> Result<(), Reason> {
        self.daily_bonus(a, id);
        if let Some((f, _)) = usage.rate
            && let Some(flag) = &self.cat.features[f].requires
            && !self.cat.plans[a.plan].has_flag(flag.ix)
        {
            return Err(Reason::FeatureNotInPlan);
        }
        let cost = self.cost(usage).ok_or(Reason::AmountOutOfRange)?;
        let detail = Detail::Usage {
            rate: usage.rate,
            variant: usage.quantity.variant,
            project: usage.project,
            session: usage.session,
            operation: usage.operation,
            cost,
        };
        if self.cat.plans[a.plan].is_unlimited() {
            // Rule V8: never refused, still recorded.
            self.record(a, id, EntryKind::Consume, Bucket::None, Credits::ZERO, None, detail);
            return Ok(());
        }
        let spent = self.spend(a, id, cost, &detail, Mode::Usage)?;
        if let Some(op) = usage.operation {
            let taken = spent.takes.iter().map(|t| (t.lot, t.amount)).collect();
            let record =
                OpRecord { taken, emptied: spent.emptied, overdraft: spent.overdraft, returned: false, usage: detail };
            a.ops.push_back((self.now, op, record));
        }
        Ok(())
    }

    /// Spends credits, forced: refunds' rebooking and negative adjustments.
    pub(super) fn spend_forced(&mut self, a: &mut AccountState, id: AccountId, amount: Credits, detail: Detail) {
        let _ = self.spend(a, id, amount, &detail, Mode::Forced);
    }

    /// Takes `cost` in spending order, one `consume` line per grant touched;
    /// what the grants lack becomes an overdraft where the mode allows.
    /// `detail` is borrowed: lines share it (a sink that keeps them copies
    /// it), and a usage keeps the original for its operation record.
    fn spend(
        &mut self,
        a: &mut AccountState,
        id: AccountId,
        cost: Credits,
        detail: &Detail,
        mode: Mode,
    ) -> Result<Spent, Reason> {
        if mode != Mode::Forced {
            self.check_covered(a, id, cost, mode)?;
        }
        let kind = if matches!(detail, Detail::Transfer(_)) { EntryKind::TransferOut } else { EntryKind::Consume };
        // Only an operation that may fail later needs to know where its
        // credits came from; everything else spends without allocating.
        let remember = matches!(detail, Detail::Usage { operation: Some(_), .. });
        let mut need = cost;
        let mut takes = Vec::new();
        let mut emptied = Vec::new();
        let mut touched = false;
        while need.is_positive() {
            let Some(t) = a.wallet.take_one(need, remember.then_some(&mut emptied)) else { break };
            touched = true;
            need -= t.amount;
            self.note_taken(a, &[t]);
            self.record_shared(a, id, kind, Bucket::Label(t.label), -t.amount, detail);
            if remember {
                takes.push(t);
            }
        }
        // Most spends are covered: the plan's overage is looked at only when not.
        let metered = (mode == Mode::Usage && need.is_positive()).then(|| self.overage_rate(a)).flatten();
        if let Some(rate) = metered {
            // Billed in money, not owed in credits: nothing for a failed operation to return.
            self.meter(a, id, &rate, need);
            need = Credits::ZERO;
        } else if need.is_positive() {
            a.wallet.deficit += need;
            self.record_shared(a, id, kind, Bucket::Overdraft, -need, detail);
        } else if !touched {
            self.record_shared(a, id, kind, Bucket::None, Credits::ZERO, detail);
        }
        self.after_decrease(a, id);
        Ok(Spent { takes, emptied, overdraft: need })
    }

    /// Whether a spend may go ahead; auto-recharge gets one chance first.
    fn check_covered(&mut self, a: &mut AccountState, id: AccountId, cost: Credits, mode: Mode) -> Result<(), Reason> {
        // A plan with overage meters what the balance lacks rather than overdraw.
        let metering = mode == Mode::Usage && self.cat.plans[a.plan].overage.is_some();
        let rule =
            if mode == Mode::Covered || metering { ExhaustionRule::Refuse } else { self.cat.credits.on_exhaustion };
        let fits = |a: &AccountState| covers(rule, cost, a.wallet.balance());
        if fits(a) {
            return Ok(());
        }
        if mode == Mode::Usage {
            self.recharge(a, id, Some(cost));
            if fits(a) {
                return Ok(());
            }
            // Past the balance a plan with overage meters instead of refusing.
            if let Some(rate) = self.overage_rate(a) {
                let past = cost - a.wallet.balance().max(Credits::ZERO);
                return self.overage_fits(a, &rate, past);
            }
        }
        Err(match rule {
            ExhaustionRule::Refuse => Reason::InsufficientCredits,
            ExhaustionRule::OverdrawOnce => Reason::BalanceExhausted,
            ExhaustionRule::Overdraft { .. } => Reason::OverdraftLimit,
        })
    }
}

/// Whether `balance` may pay `cost` under an exhaustion rule.
// Always inline: asked once or twice per usage, from code compiled in the
// caller's crate.
#[inline(always)]
fn covers(rule: ExhaustionRule, cost: Credits, balance: Credits) -> bool {
    match rule {
        ExhaustionRule::Refuse => cost <= balance,
        ExhaustionRule::OverdrawOnce => balance.is_positive() || !cost.is_positive(),
        ExhaustionRule::Overdraft { limit } => limit.is_none_or(|l| balance - cost >= -l),
    }
}

impl<S: Sink> Step<'_, S> {
    /// After the balance went down: low-balance warnings (rule V5), then
    /// auto-recharge at the threshold (rules C4, T5, A4).
    // Inline: after every spend, where most catalogs warn at no share and
    // most accounts recharge nothing; the tests cost less than the call.
    #[inline(always)]
    pub(super) fn after_decrease(&mut self, a: &mut AccountState, id: AccountId) {
        if !self.cat.low_balance_warnings.is_empty() {
            self.warn_low_balance(a, id);
        }
        self.recharge(a, id, None);
    }

    /// Low-balance warnings not yet sent this cycle for shares of the
    /// plan's monthly credits the balance is now below.
    fn warn_low_balance(&mut self, a: &mut AccountState, id: AccountId) {
        let allocation = self.cat.plans[a.plan].monthly_credits();
        if allocation.is_positive() {
            let balance = a.wallet.balance();
            for (i, share) in self.cat.low_balance_warnings.iter().enumerate() {
                let bit = 1u32 << i.min(31);
                if a.warned & bit == 0 && balance < allocation * *share {
                    a.warned |= bit;
                    self.line(a, id, EntryKind::Notice, Detail::Notice(Notice::LowBalance(*share)));
                }
            }
        }
    }

    pub(super) fn transfer(
        &mut self,
        a: &mut AccountState,
        id: AccountId,
        to: AccountId,
        credits: Credits,
    ) -> Result<(), Reason> {
        if !self.cat.credits.transferable {
            return Err(Reason::TransferNotAllowed);
        }
        if to == id {
            return Err(Reason::TransferNotAllowed);
        }
        self.spend(a, id, credits, &Detail::Transfer(to), Mode::Covered)?;
        self.effects.push(Effect { to, command: Command::ReceiveTransfer { from: id, credits } });
        Ok(())
    }

    /// Credits another account sent arrive as a grant of their own.
    pub(super) fn receive_transfer(&mut self, a: &mut AccountState, id: AccountId, from: AccountId, credits: Credits) {
        let label = Builtin::Transfer.id(self.cat);
        let spec = Lot::new(label, Origin::Transfer, Funding::Paid, 0, self.now, credits);
        self.grant_lot(a, id, spec, Detail::Transfer(from));
    }

    /// A support correction (rule C7): the only way spent credits come back.
    pub(super) fn adjust(
        &mut self,
        a: &mut AccountState,
        id: AccountId,
        credits: Credits,
        reason: Sym,
    ) -> Result<(), Reason> {
        if credits.is_negative() {
            self.spend_forced(a, id, -credits, Detail::Adjustment(reason));
            return Ok(());
        }
        let (label, src) = match self.cat.source_of_kind(SourceKind::Adjustment) {
            Some(ix) => (ix as u16, Some(ix)),
            None => (Builtin::Adjustment.id(self.cat), None),
        };
        let source = src.map(|ix| &self.cat.sources[ix]);
        let spec = Lot {
            expires: source.and_then(|s| self.expiry_of(a, s.expires)),
            ..Lot::new(
                label,
                src.map_or(Origin::Direct, Origin::Source),
                source.map_or(Funding::Promotional, |s| s.funding),
                source.map_or(0, |s| s.priority),
                self.now,
                credits,
            )
        };
        self.grant_lot(a, id, spec, Detail::Adjustment(reason));
        Ok(())
    }

    /// An operation failed: its credits go back to the grants they came
    /// from (rule T6). Grants that have expired since take them back as
    /// they arrive, so nothing outlives its expiry.
    pub(super) fn operation_failed(&mut self, a: &mut AccountState, id: AccountId, op: OpId) -> Result<(), Reason> {
        if !self.cat.credits.refund_failed_operations {
            return Err(Reason::NotRefundable);
        }
        let record = a.op_mut(op).map(|r| r.clone()).ok_or(Reason::NothingToRefund)?;
        if record.returned {
            return Err(Reason::AlreadyRefunded);
        }
        if let Some(r) = a.op_mut(op) {
            r.returned = true;
        }
        let detail = Detail::Returned { op, usage: Box::new(record.usage.clone()) };
        for (lot, amount) in &record.taken {
            if !a.wallet.give_back(*lot, *amount) {
                // The operation emptied this grant and the wallet dropped it.
                let Some(l) = record.emptied.iter().find(|l| l.id == *lot) else { continue };
                a.wallet.restore(l.clone(), *amount, &self.cat.credits.consumption_order);
            }
            let (label, expires) = a.wallet.get(*lot).map_or((0, None), |l| (l.label, l.expires));
            self.record(a, id, EntryKind::Refund, Bucket::Label(label), *amount, None, detail.clone());
            if expires.is_some_and(|t| t <= self.now) {
                // The grant expired meanwhile: what comes back expires with it.
                a.wallet.remove(*lot);
                self.record(a, id, EntryKind::Expire, Bucket::Label(label), -*amount, None, Detail::None);
                continue;
            }
            self.settle_deficit(a, id, *lot);
        }
        if record.overdraft.is_positive() {
            let back = record.overdraft.min(a.wallet.deficit);
            a.wallet.deficit -= back;
            self.record(a, id, EntryKind::Refund, Bucket::Overdraft, back, None, detail);
        }
        Ok(())
    }

    /// A grant made directly. Refused when it would expire at or before it
    /// starts (peers refuse such grants rather than expire them at once).
    pub(super) fn direct_grant(
        &mut self,
        a: &mut AccountState,
        id: AccountId,
        g: &DirectGrant,
    ) -> Result<LotId, Reason> {
        let label = g.label.unwrap_or_else(|| Builtin::Grant.id(self.cat));
        let effective = g.effective.unwrap_or(self.now).max(self.now);
        let tz = self.cat.time_zone;
        let expires = match g.expires {
            GrantExpiry::Never => None,
            GrantExpiry::At(t) => Some(t),
            GrantExpiry::After(p) => Some(p.add_to(effective, tz)),
        }
        .map(|t| self.precise(t));
        if expires.is_some_and(|t| t <= effective) {
            return Err(Reason::ExpiresBeforeStart);
        }
        let boundary = g.every.map(|period| {
            let every = Recurrence::new(g.anchor.unwrap_or(effective), period, tz);
            Boundary {
                at: every.next_after(effective),
                step: Cadence::Every(every),
                rule: g.rollover.clone(),
                left: None,
            }
        });
        // Without `rollover` a usage reset keeps nothing (OpenMeter's default maximum of 0).
        let nothing =
            RolloverRule { cycles: u32::MAX, max_amount: Some(Credits::ZERO), max_share: None, min_kept: None };
        let spec = Lot {
            created: g.created.unwrap_or(self.now),
            expires,
            boundary,
            reset: Some(g.rollover.clone().unwrap_or(nothing)),
            cost_basis: g.cost_basis.unwrap_or_default(),
            ..Lot::new(label, Origin::Direct, g.funding, g.priority, effective, g.credits)
        };
        let lot = a.next_lot;
        Ok(self.grant_lot(a, id, spec, Detail::Direct(lot)))
    }

    pub(super) fn void_direct(
        &mut self,
        a: &mut AccountState,
        id: AccountId,
        lot: Option<LotId>,
    ) -> Result<(), Reason> {
        let lot = lot.ok_or(Reason::NothingToVoid)?;
        if let Some(at) = a.future.iter().position(|l: &Lot| l.id == lot) {
            a.future.remove(at);
            return Ok(());
        }
        if self.void_lots(a, id, &[lot], VoidWhy::Operator).is_positive() { Ok(()) } else { Err(Reason::NothingToVoid) }
    }

    /// Uses one unit of a countable entitlement (rule V7).
    pub(super) fn allocate(&mut self, a: &mut AccountState, id: AccountId, entitlement: usize) -> Result<(), Reason> {
        let used = a.allocated.get(&entitlement).copied().unwrap_or(0);
        let allowed = match self.cat.plans[a.plan].limit(entitlement) {
            Some(Limit::Unlimited) => true,
            Some(Limit::Count(n)) => used < n,
            None => false,
        };
        if !allowed {
            return Err(Reason::LimitReached);
        }
        a.allocated.insert(entitlement, used + 1);
        self.line(a, id, EntryKind::Setting, Detail::Setting(Setting::InUse(entitlement, used + 1)));
        Ok(())
    }

    pub(super) fn enable_addon(&mut self, a: &mut AccountState, id: AccountId, addon: usize) -> Result<(), Reason> {
        if !self.cat.addons[addon].available_on(a.plan) {
            return Err(Reason::AddonNotAvailable);
        }
        if a.addons.contains(&addon) {
            return Err(Reason::AddonAlreadyOn);
        }
        self.charge_addon(a, id, addon)?;
        a.addons.insert(addon);
        self.line(a, id, EntryKind::Setting, Detail::Setting(Setting::Addon(addon, true)));
        Ok(())
    }

    /// One month of an add-on (rule A2): credits, money, or both.
    pub(super) fn charge_addon(&mut self, a: &mut AccountState, id: AccountId, addon: usize) -> Result<(), Reason> {
        let ad = &self.cat.addons[addon];
        if let Some(credits) = ad.monthly_credits {
            self.spend(a, id, credits, &Detail::Addon(addon), Mode::Usage)?;
        }
        if let Some(price) = ad.monthly_price {
            self.pay(a, id, price, crate::ledger::Paid::Addon(addon))?;
        }
        Ok(())
    }
}
