//! The engine: a virtual clock, accounts, and the rules of one catalog.
//!
//! Time jumps from command to command and to scheduled moments (cycle
//! starts, expiries, rollovers, trial ends, top-up settlements) kept in a
//! priority queue; it never steps day by day, so ten simulated years cost
//! what their events cost. At one instant, expiries run before settlements,
//! activations, trial ends and cycle starts, and all of them before the
//! command at that instant: a grant is active on `[effective, expiry)`.
//!
//! The flows live in sibling files: `usage` (spending, warnings, transfers,
//! returns), `purchases` (payments, packs, auto-recharge, refunds),
//! `subscriptions` (plans, trials, cycles, changes).

mod purchases;
mod subscriptions;
mod usage;

use super::account::{Account, AccountView, AutoState, Status};
use super::command::{AccountId, Command, LotId, PurchaseId};
use super::ledger::{Bucket, Detail, Entry, EntryKind, LabelId, Notice, Reason, Setting, Sink};
use super::wallet::{Boundary, Lot, Step, Take};
use crate::calendar::{self, Cycles, Instant};
use crate::compile::catalog::{Catalog, Expiry};
use crate::model::scenario::{Billing, PaymentState};
use crate::money::{Credits, Money};
use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap};

/// Errors in how the engine is driven (not in what accounts do).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EngineError {
    /// A command is earlier than the engine's clock.
    TimeWentBackwards { now: Instant, at: Instant },
    /// A command for an account that has not signed up.
    UnknownAccount(AccountId),
}

impl std::fmt::Display for EngineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EngineError::TimeWentBackwards { now, at } => {
                write!(f, "a command at {at} is earlier than the clock ({now})")
            }
            EngineError::UnknownAccount(id) => write!(f, "account #{id} has not signed up"),
        }
    }
}

/// What one command did, for expectations and callers.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Outcome {
    pub refused: Option<Reason>,
    pub notices: Vec<Notice>,
    /// The purchase a `buy` or `subscribe` made.
    pub purchase: Option<PurchaseId>,
    /// The lot a direct `grant` made.
    pub lot: Option<LotId>,
}

/// Scheduled work, ordered by time, then phase, then scheduling order.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Timer {
    at: Instant,
    phase: u8,
    seq: u64,
    account: AccountId,
    what: Scheduled,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Scheduled {
    Expire(LotId),
    Boundary(LotId),
    Settle(PurchaseId),
    Activate(LotId),
    TrialEnd(u32),
    Cycle(u32),
}

impl Scheduled {
    fn phase(self) -> u8 {
        match self {
            Scheduled::Expire(_) | Scheduled::Boundary(_) => 0,
            Scheduled::Settle(_) => 1,
            Scheduled::Activate(_) => 2,
            Scheduled::TrialEnd(_) => 3,
            Scheduled::Cycle(_) => 4,
        }
    }
}

/// Replays commands against one catalog.
pub struct Engine<'c, S: Sink = Vec<Entry>> {
    cat: &'c Catalog,
    accounts: Vec<Option<Account>>,
    timers: BinaryHeap<Reverse<Timer>>,
    timer_seq: u64,
    now: Instant,
    seq: u64,
    next_lot: LotId,
    next_purchase: PurchaseId,
    labels: Vec<String>,
    sink: S,
}

impl<'c> Engine<'c, Vec<Entry>> {
    /// An engine that keeps every ledger line.
    pub fn new(cat: &'c Catalog, start: Instant) -> Self {
        Engine::with_sink(cat, start, Vec::new())
    }
}

impl<'c, S: Sink> Engine<'c, S> {
    pub fn with_sink(cat: &'c Catalog, start: Instant, sink: S) -> Self {
        Engine {
            cat,
            accounts: Vec::new(),
            timers: BinaryHeap::new(),
            timer_seq: 0,
            now: start,
            seq: 0,
            next_lot: 1,
            next_purchase: 1,
            labels: cat.sources.iter().map(|s| s.label.clone()).collect(),
            sink,
        }
    }

    pub fn catalog(&self) -> &'c Catalog {
        self.cat
    }

    pub fn now(&self) -> Instant {
        self.now
    }

    pub fn ledger(&self) -> &S {
        &self.sink
    }

    pub fn into_ledger(self) -> S {
        self.sink
    }

    /// Names of credit labels, by [`LabelId`].
    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    pub fn label_id(&self, name: &str) -> Option<LabelId> {
        self.labels.iter().position(|l| l == name).and_then(|i| LabelId::try_from(i).ok())
    }

    pub fn account(&self, id: AccountId) -> Option<&Account> {
        self.accounts.get(id as usize).and_then(Option::as_ref)
    }

    /// Ids of accounts that exist, ascending.
    pub fn account_ids(&self) -> impl Iterator<Item = AccountId> + '_ {
        self.accounts.iter().enumerate().filter(|(_, a)| a.is_some()).filter_map(|(i, _)| AccountId::try_from(i).ok())
    }

    pub fn view(&self, id: AccountId) -> Option<AccountView> {
        let a = self.account(id)?;
        Some(AccountView {
            balance: a.wallet.balance(),
            deficit: a.wallet.deficit,
            plan: a.plan,
            trialing: matches!(a.status, Status::Trialing { .. }),
            charged: a.charged,
            refunded: a.refunded,
            cycle_start: if a.idle_cycles && self.now >= a.cycle_end {
                a.cycles.bounds_at(self.now).0
            } else {
                a.cycle_start
            },
            pending_topups: a.pending_topups.len(),
            auto_recharge: a.auto.as_ref().is_some_and(|s| s.enabled),
        })
    }

    /// Runs scheduled work up to and including `t`.
    pub fn advance_to(&mut self, t: Instant) {
        while let Some(Reverse(timer)) = self.timers.peek() {
            if timer.at > t {
                break;
            }
            let Some(Reverse(timer)) = self.timers.pop() else {
                break;
            };
            self.now = self.now.max(timer.at);
            self.with_account(timer.account, |e, a| e.fire(a, timer.account, timer.what));
        }
        self.now = self.now.max(t);
    }

    /// Applies one command at `at` (after any scheduled work up to then).
    pub fn apply(&mut self, at: Instant, account: AccountId, cmd: &Command) -> Result<Outcome, EngineError> {
        if at < self.now {
            return Err(EngineError::TimeWentBackwards { now: self.now, at });
        }
        self.advance_to(at);
        let start = self.sink.len();
        let mut out = Outcome::default();
        let result = if let Command::SignUp { invited_by } = cmd {
            self.sign_up(account, *invited_by)
        } else {
            if self.account(account).is_none() {
                return Err(EngineError::UnknownAccount(account));
            }
            self.with_account(account, |e, a| e.dispatch(a, account, cmd, &mut out)).unwrap_or(Ok(()))
        };
        if let Err(reason) = result {
            self.with_account(account, |e, a| {
                e.record(a, account, EntryKind::Refused, Bucket::None, Credits::ZERO, None, Detail::Refusal(reason))
            });
            out.refused = Some(reason);
        }
        out.notices = self
            .sink
            .since(start)
            .iter()
            .filter(|e| e.account == account)
            .filter_map(|e| match e.detail {
                Detail::Notice(n) => Some(n),
                _ => None,
            })
            .collect();
        Ok(out)
    }

    fn dispatch(&mut self, a: &mut Account, id: AccountId, cmd: &Command, out: &mut Outcome) -> Result<(), Reason> {
        match cmd {
            Command::SignUp { .. } => Err(Reason::AlreadyRegistered),
            Command::Active => {
                self.daily_bonus(a, id);
                Ok(())
            }
            Command::Subscribe { plan, billing, trial, price } => {
                out.purchase = self.subscribe(a, id, *plan, *billing, *trial, *price)?;
                Ok(())
            }
            Command::ChangePlan { plan, price } => self.change_plan(a, id, *plan, *price),
            Command::Cancel => self.cancel(a, id),
            Command::Refund { purchase } => self.refund(a, id, *purchase),
            Command::Use(usage) => self.use_feature(a, id, usage),
            Command::Buy { pack, credits, amount, idempotency_key } => {
                out.purchase = Some(self.buy(a, id, *pack, *credits, *amount, *idempotency_key)?);
                Ok(())
            }
            Command::AutoRecharge(settings) => self.set_auto_recharge(a, id, settings),
            Command::PaymentMethod(state) => {
                a.payment = *state;
                self.line(a, id, EntryKind::Setting, Detail::Setting(Setting::PaymentMethod(*state)));
                Ok(())
            }
            Command::EnableAddon(addon) => self.enable_addon(a, id, *addon),
            Command::DisableAddon(addon) => {
                if !a.addons.remove(addon) {
                    return Err(Reason::AddonNotOn);
                }
                self.line(a, id, EntryKind::Setting, Detail::Setting(Setting::Addon(*addon, false)));
                Ok(())
            }
            Command::Transfer { to, credits } => self.transfer(a, id, *to, *credits),
            Command::Adjust { credits, reason } => self.adjust(a, id, *credits, *reason),
            Command::OperationFailed(op) => self.operation_failed(a, id, *op),
            Command::Grant(g) => {
                out.lot = Some(self.direct_grant(a, id, g));
                Ok(())
            }
            Command::Void { lot } => self.void_direct(a, id, *lot),
            Command::Allocate(ent) => self.allocate(a, id, *ent),
            Command::Release(ent) => {
                let n = a.allocated.get_mut(ent).filter(|n| **n > 0).ok_or(Reason::NothingAllocated)?;
                *n -= 1;
                let in_use = *n;
                self.line(a, id, EntryKind::Setting, Detail::Setting(Setting::InUse(*ent, in_use)));
                Ok(())
            }
        }
    }

    /// Takes an account out of the table for the duration of `f`, so flows
    /// can hold it and the engine mutably at once.
    fn with_account<R>(&mut self, id: AccountId, f: impl FnOnce(&mut Self, &mut Account) -> R) -> Option<R> {
        let mut a = self.accounts.get_mut(id as usize)?.take()?;
        self.catch_up_cycles(&mut a);
        let r = f(self, &mut a);
        self.wake_cycles(&mut a, id);
        self.accounts[id as usize] = Some(a);
        Some(r)
    }

    /// Whether the next cycle start has work to do: a renewal, monthly
    /// credits, add-on charges or a scheduled change. If not, no timer is
    /// kept, so a quiet account costs nothing however long time runs.
    fn cycle_matters(&self, a: &Account) -> bool {
        a.plan != self.cat.default_plan.ix
            || self.cat.plans[a.plan].monthly_credits().is_positive()
            || !a.addons.is_empty()
            || a.pending_change.is_some()
    }

    /// Schedules the next cycle start, or lets the cycles idle.
    fn schedule_cycle(&mut self, a: &mut Account, id: AccountId) {
        a.idle_cycles = !self.cycle_matters(a);
        if !a.idle_cycles {
            self.schedule(a.cycle_end, id, Scheduled::Cycle(a.generation));
        }
    }

    /// Brings an idle account's cycle bounds up to now.
    fn catch_up_cycles(&self, a: &mut Account) {
        if a.idle_cycles && self.now >= a.cycle_end {
            let (start, end) = a.cycles.bounds_at(self.now);
            a.cycle_start = start;
            a.cycle_end = end;
            a.warned = 0;
        }
    }

    /// Starts keeping a cycle timer again once a cycle start matters.
    fn wake_cycles(&mut self, a: &mut Account, id: AccountId) {
        if a.idle_cycles && self.cycle_matters(a) {
            self.catch_up_cycles(a);
            a.idle_cycles = false;
            self.schedule(a.cycle_end, id, Scheduled::Cycle(a.generation));
        }
    }

    fn fire(&mut self, a: &mut Account, id: AccountId, what: Scheduled) {
        match what {
            Scheduled::Expire(lot) => self.expire(a, id, lot),
            Scheduled::Boundary(lot) => self.boundary(a, id, lot),
            Scheduled::Settle(purchase) => self.settle_topup(a, id, purchase),
            Scheduled::Activate(lot) => {
                if let Some(at) = a.future.iter().position(|l| l.id == lot) {
                    let lot = a.future.remove(at);
                    let lot_id = lot.id;
                    self.activate(a, id, lot, Detail::Direct(lot_id));
                }
            }
            Scheduled::TrialEnd(generation) if generation == a.generation => self.trial_end(a, id),
            Scheduled::Cycle(generation) if generation == a.generation => self.cycle_start(a, id),
            Scheduled::TrialEnd(_) | Scheduled::Cycle(_) => {}
        }
    }

    fn schedule(&mut self, at: Instant, account: AccountId, what: Scheduled) {
        self.timer_seq += 1;
        self.timers.push(Reverse(Timer { at, phase: what.phase(), seq: self.timer_seq, account, what }));
    }

    /// Appends a ledger line with the account's balance after it.
    #[allow(clippy::too_many_arguments)]
    fn record(
        &mut self,
        a: &Account,
        id: AccountId,
        kind: EntryKind,
        bucket: Bucket,
        credits: Credits,
        money: Option<Money>,
        detail: Detail,
    ) {
        self.seq += 1;
        self.sink.record(Entry {
            seq: self.seq,
            at: self.now,
            account: id,
            kind,
            bucket,
            credits,
            balance: a.wallet.balance(),
            money,
            detail,
        });
    }

    /// A line that moves no credits or money: plan changes, notices, refusals.
    fn line(&mut self, a: &Account, id: AccountId, kind: EntryKind, detail: Detail) {
        self.record(a, id, kind, Bucket::None, Credits::ZERO, None, detail);
    }

    fn intern_label(&mut self, name: &str) -> LabelId {
        match self.label_id(name) {
            Some(id) => id,
            None => {
                self.labels.push(name.to_string());
                LabelId::try_from(self.labels.len() - 1).unwrap_or(LabelId::MAX)
            }
        }
    }

    fn new_lot_id(&mut self) -> LotId {
        self.next_lot += 1;
        self.next_lot - 1
    }

    fn new_purchase_id(&mut self) -> PurchaseId {
        self.next_purchase += 1;
        self.next_purchase - 1
    }

    /// When credits of a catalog source granted now expire.
    fn expiry_of(&self, a: &Account, expires: Expiry) -> Option<Instant> {
        match expires {
            Expiry::Never => None,
            Expiry::EndOfDay => Some(calendar::end_of_day(self.now, self.cat.time_zone)),
            Expiry::EndOfCycle => Some(a.cycle_end),
            Expiry::After(p) => Some(p.add_to(self.now, self.cat.time_zone)),
        }
    }

    /// Creates a lot: active now (with a `grant` line and overdraft
    /// settlement) or scheduled for its effective time.
    fn grant_lot(&mut self, a: &mut Account, id: AccountId, mut lot: Lot, detail: Detail) -> LotId {
        lot.id = self.new_lot_id();
        let lot_id = lot.id;
        if lot.effective > self.now {
            self.schedule(lot.effective, id, Scheduled::Activate(lot_id));
            a.future.push(lot);
        } else {
            self.activate(a, id, lot, detail);
        }
        lot_id
    }

    fn activate(&mut self, a: &mut Account, id: AccountId, lot: Lot, detail: Detail) {
        let (lot_id, label, amount) = (lot.id, lot.label, lot.remaining);
        if let Some(at) = lot.expires {
            self.schedule(at, id, Scheduled::Expire(lot_id));
        }
        if let Some(b) = &lot.boundary {
            self.schedule(b.at, id, Scheduled::Boundary(lot_id));
        }
        a.wallet.insert(lot, &self.cat.credits.consumption_order);
        self.record(a, id, EntryKind::Grant, Bucket::Label(label), amount, None, detail);
        self.settle_deficit(a, id, lot_id);
    }

    /// New credits pay an overdraft first.
    fn settle_deficit(&mut self, a: &mut Account, id: AccountId, lot: LotId) {
        if !a.wallet.deficit.is_positive() {
            return;
        }
        let taken = a.wallet.take_from(lot, a.wallet.deficit);
        if taken.is_positive() {
            a.wallet.deficit -= taken;
            let (label, purchase) = a.wallet.get(lot).map_or((0, None), |l| (l.label, l.purchase()));
            self.note_taken(a, &[Take { lot, label, purchase, amount: taken }]);
            self.record(a, id, EntryKind::Settle, Bucket::Label(label), taken, None, Detail::None);
        }
    }

    /// Books credits taken from purchase lots against their purchase.
    fn note_taken(&mut self, a: &mut Account, takes: &[Take]) {
        for t in takes {
            if let Some(p) = t.purchase.and_then(|p| a.purchases.get_mut(&p)) {
                p.used += t.amount;
            }
        }
    }

    fn expire(&mut self, a: &mut Account, id: AccountId, lot: LotId) {
        let due = a.wallet.get(lot).is_some_and(|l| l.expires.is_some_and(|t| t <= self.now));
        if !due {
            return;
        }
        if let Some(l) = a.wallet.remove(lot)
            && l.remaining.is_positive()
        {
            self.record(a, id, EntryKind::Expire, Bucket::Label(l.label), -l.remaining, None, Detail::None);
        }
    }

    /// A rollover (or an OpenMeter-style reset) at a lot's boundary.
    fn boundary(&mut self, a: &mut Account, id: AccountId, lot: LotId) {
        let Some(l) = a.wallet.get(lot) else { return };
        let Some(b) = l.boundary.clone() else { return };
        if b.at != self.now {
            return;
        }
        let (remaining, original, label) = (l.remaining, l.original, l.label);
        let kept = crate::billing::rollover::carry(&b.rule, remaining, original);
        let left = b.left.map(|n| n.saturating_sub(1));
        let next = match (&b.step, left) {
            (_, Some(0)) => None,
            (Step::Cycle, _) => Some(a.cycles.bounds_at(self.now).1),
            (Step::Every(p), _) => Some(p.add_to(self.now, self.cat.time_zone)),
        };
        a.wallet.set_remaining(lot, kept);
        if let Some(l) = a.wallet.lot_mut(lot) {
            l.boundary = next.map(|at| Boundary { at, left, ..b.clone() });
        }
        let until = a.wallet.get(lot).and_then(|l| l.expires);
        self.record(
            a,
            id,
            EntryKind::Rollover,
            Bucket::Label(label),
            kept - remaining,
            None,
            Detail::Rollover { kept, until },
        );
        if let Some(at) = next {
            self.schedule(at, id, Scheduled::Boundary(lot));
        }
        if kept > remaining {
            self.settle_deficit(a, id, lot);
        }
        if kept.is_zero() && next.is_none() {
            a.wallet.remove(lot);
        }
    }

    /// Voids what is left of lots, with one `void` line each.
    fn void_lots(&mut self, a: &mut Account, id: AccountId, lots: &[LotId], why: super::ledger::VoidWhy) -> Credits {
        let mut total = Credits::ZERO;
        for lot in lots {
            if let Some(l) = a.wallet.remove(*lot)
                && l.remaining.is_positive()
            {
                total += l.remaining;
                self.record(a, id, EntryKind::Void, Bucket::Label(l.label), -l.remaining, None, Detail::Void(why));
            }
        }
        total
    }

    fn sign_up(&mut self, id: AccountId, invited_by: Option<AccountId>) -> Result<(), Reason> {
        let slot = id as usize;
        if self.accounts.get(slot).is_some_and(Option::is_some) {
            return Err(Reason::AlreadyRegistered);
        }
        if self.accounts.len() <= slot {
            self.accounts.resize_with(slot + 1, || None);
        }
        let cat = self.cat;
        let plan = cat.default_plan.ix;
        let cycles = Cycles::new(self.now, cat.time_zone);
        let auto = cat.auto_recharge.as_ref().map(|ar| AutoState {
            enabled: ar.enabled_by_default && ar.available_on(plan),
            threshold: ar.threshold,
            pack: ar.pack.ix,
            rule: ar.buys,
            cap: ar.monthly_cap,
            month: calendar::month_key(self.now, cat.time_zone),
            spent: Money::ZERO,
            cap_noticed: false,
        });
        let account = Account {
            registered_at: self.now,
            plan,
            billing: Billing::Monthly,
            status: Status::Active,
            cycles,
            cycle_start: self.now,
            cycle_end: self.now,
            next_charge_cycle: 0,
            generation: 0,
            idle_cycles: false,
            subscription: None,
            subscribed_at: None,
            trial_purchase: None,
            agreed_price: None,
            pending_change: None,
            had_trial: false,
            wallet: Default::default(),
            future: Vec::new(),
            payment: PaymentState::Valid,
            auto,
            addons: BTreeSet::new(),
            allocated: BTreeMap::new(),
            warned: 0,
            daily_granted_on: None,
            purchases: BTreeMap::new(),
            idempotency_keys: BTreeSet::new(),
            ops: BTreeMap::new(),
            pending_topups: Vec::new(),
            parked_allowance: None,
            charged: Money::ZERO,
            refunded: Money::ZERO,
        };
        self.accounts[slot] = Some(account);
        self.with_account(id, |e, a| {
            e.record(
                a,
                id,
                EntryKind::Plan,
                Bucket::None,
                Credits::ZERO,
                None,
                Detail::Plan { from: plan, to: plan, why: super::ledger::PlanWhy::Registered },
            );
            e.start_cycles(a, id, e.now);
            e.grant_allowance(a, id, None);
            e.bonuses_on_signup(a, id, invited_by);
        });
        Ok(())
    }
}
