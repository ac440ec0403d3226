//! The engine: one account's state machine over a catalog.
//!
//! [`sign_up`] creates an account's state; [`step`] applies one command to
//! it at an instant, after running whatever fell due before ([`advance`]).
//! Nothing here is shared between accounts: each keeps its own clock,
//! agenda and ids, and writes its lines to the sink it is given, so
//! accounts can run on any thread, in any order, stop and resume. Time
//! jumps from command to command and to scheduled moments; it never steps
//! day by day, so ten simulated years cost what their events cost.
//!
//! The flows live in sibling files: `usage` (spending, warnings, transfers,
//! returns), `purchases` (payments, packs, auto-recharge, refunds),
//! `subscriptions` (plans, trials, cycles, changes), `resets` (usage
//! resets and what grants keep at them).

mod overage;
mod purchases;
mod resets;
mod subscriptions;
mod usage;

use crate::account::{AccountState, AccountView, AutoState, Horizons, Status};
use crate::agenda::{Agenda, Scheduled};
use crate::command::{AccountId, Command, LotId, PurchaseId};
use crate::ledger::{Bucket, Detail, Entry, EntryKind, Notice, Reason, Setting, Sink};
use crate::wallet::{Boundary, Cadence, Lot, Take};
use pricebook_core::calendar::{self, Cycles, Instant};
use pricebook_core::catalog::{Allowance, Catalog, Expiry};
use pricebook_core::money::{Credits, Money};
use pricebook_core::policy::{Billing, PaymentState};
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// Errors in how the engine is driven (not in what accounts do).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EngineError {
    /// A command is earlier than the account's clock.
    TimeWentBackwards { now: Instant, at: Instant },
    /// A command for an account that has not signed up.
    UnknownAccount(AccountId),
    /// A second sign-up for an account that exists.
    AlreadyRegistered(AccountId),
    /// The account is on another catalog than the one given.
    WrongCatalog { account: String, given: String },
    /// A driver went past its [`crate::driver::RunBudget`]: `limit` is the figure of the `budget` that stopped it.
    BudgetExceeded { budget: crate::driver::Budgeted, limit: u64, at: Instant },
}

impl std::fmt::Display for EngineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EngineError::TimeWentBackwards { now, at } => {
                write!(f, "a command at {at} is earlier than the clock ({now})")
            }
            EngineError::UnknownAccount(id) => write!(f, "account #{id} has not signed up"),
            EngineError::AlreadyRegistered(id) => write!(f, "account #{id} has already signed up"),
            EngineError::WrongCatalog { account, given } => {
                write!(f, "the account is on catalog `{account}`, not `{given}`")
            }
            EngineError::BudgetExceeded { budget, limit, at } => {
                let what = match budget {
                    crate::driver::Budgeted::Moments => "scheduled moments (expiries, renewals, recurrences, resets)",
                    crate::driver::Budgeted::Lines => "ledger lines",
                };
                write!(f, "stopped at {at}: it needs more than {limit} {what}, the most one run may take")
            }
        }
    }
}

/// Something a command does to another account. The engine never touches
/// two accounts; the caller delivers these (at the same instant) to the
/// account named, as the command given. A sharded run routes them between
/// shards like any other command.
#[derive(Clone, Debug, PartialEq)]
pub struct Effect {
    pub to: AccountId,
    pub command: Command,
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
    /// Commands for other accounts (a transfer's recipient, an inviter).
    pub effects: Vec<Effect>,
}

/// A new account, registered at `at` on `cat`'s default plan, with its
/// sign-up lines written to `sink`. An invitation's bonus for the inviter
/// comes back as an [`Effect`].
pub fn sign_up<S: Sink>(
    cat: &Catalog,
    id: AccountId,
    at: Instant,
    invited_by: Option<AccountId>,
    sink: &mut S,
) -> (AccountState, Outcome) {
    let plan = cat.default_plan.ix;
    let mut a = AccountState {
        id,
        catalog: cat.id.clone(),
        clock: at,
        agenda: Agenda::default(),
        next_lot: 1,
        next_purchase: 1,
        registered_at: at,
        plan,
        billing: Billing::Monthly,
        status: Status::Active,
        cycles: Cycles::new(at, cat.time_zone),
        cycle_start: at,
        cycle_end: at,
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
        auto: cat.auto_recharge.as_ref().map(|ar| AutoState {
            enabled: ar.enabled_by_default && ar.available_on(plan),
            threshold: ar.threshold,
            pack: ar.pack.ix,
            rule: ar.buys,
            cap: ar.monthly_cap,
            month: calendar::month_key(at, cat.time_zone),
            spent: Money::ZERO,
            cap_noticed: false,
        }),
        addons: BTreeSet::new(),
        allocated: BTreeMap::new(),
        warned: 0,
        daily_granted_on: None,
        purchases: BTreeMap::new(),
        idempotency_keys: VecDeque::new(),
        ops: VecDeque::new(),
        pending_topups: Vec::new(),
        parked_allowance: None,
        charged: Money::ZERO,
        refunded: Money::ZERO,
        usage_period: None,
        metered: Credits::ZERO,
        metered_billed: Credits::ZERO,
        overage_cap: None,
        subscription_payments: 0,
    };
    let mut run = Step::new(cat, at, sink);
    run.with_account(&mut a, |e, a| {
        let why = crate::ledger::PlanWhy::Registered;
        e.line(a, id, EntryKind::Plan, Detail::Plan { from: plan, to: plan, why });
        e.start_cycles(a, id, at);
        if let Some(p) = cat.credits.usage_period {
            // The plan file's usage period counts from sign-up, as a
            // `usage_period` action at sign-up would.
            let every = pricebook_core::calendar::Recurrence::new(at, p.every, cat.time_zone);
            e.set_usage_period(a, every, p.overage);
        }
        e.grant_allowance(a, id, None);
        e.bonuses_on_signup(a, id, invited_by);
    });
    let out = run.finish();
    (a, out)
}

/// Applies one command to an account at `at`, after running what fell due
/// up to then. A refusal is a ledger line and [`Outcome::refused`], not an
/// error; errors are about how the engine is driven.
pub fn step<S: Sink>(
    cat: &Catalog,
    a: &mut AccountState,
    at: Instant,
    cmd: &Command,
    sink: &mut S,
) -> Result<Outcome, EngineError> {
    run_step(cat, a, (at, cmd), sink, |run, purchase, lot| Outcome { purchase, lot, ..run.finish() })
}

/// [`step`] for a caller that reads only whether, and why, the command was
/// refused (a backtest, once per usage): no [`Outcome`] is built or copied.
/// For commands that have no effect on another account (all but transfers
/// and sign-ups with an inviter), whose effects it would drop.
pub fn step_refusal<S: Sink>(
    cat: &Catalog,
    a: &mut AccountState,
    at: Instant,
    cmd: &Command,
    sink: &mut S,
) -> Result<Option<Reason>, EngineError> {
    run_step(cat, a, (at, cmd), sink, |run, _, _| {
        debug_assert!(run.effects.is_empty(), "step_refusal would drop an effect of {cmd:?}");
        run.refused
    })
}

/// The work of [`step`]; `finish` makes the answer from the finished step
/// and the purchase and lot it made.
// Always inline: each caller then builds only what its `finish` reads.
#[inline(always)]
fn run_step<'s, S: Sink, R>(
    cat: &'s Catalog,
    a: &mut AccountState,
    (at, cmd): (Instant, &Command),
    sink: &'s mut S,
    finish: impl FnOnce(Step<'s, S>, Option<PurchaseId>, Option<LotId>) -> R,
) -> Result<R, EngineError> {
    if a.catalog != cat.id {
        return Err(EngineError::WrongCatalog { account: a.catalog.clone(), given: cat.id.clone() });
    }
    if at < a.clock {
        return Err(EngineError::TimeWentBackwards { now: a.clock, at });
    }
    if let Command::SignUp { .. } = cmd {
        return Err(EngineError::AlreadyRegistered(a.id));
    }
    advance(cat, a, at, sink);
    forget_old_records(a, at);
    let id = a.id;
    let mut run = Step::new(cat, at, sink);
    let mut purchase = None;
    let mut lot = None;
    let result = run.with_account(a, |e, a| e.dispatch(a, id, cmd, &mut purchase, &mut lot));
    if let Err(reason) = result {
        // The cycle bounds were brought up to now just above, and a refusal
        // changes nothing a cycle start depends on: a plain line.
        run.line(a, id, EntryKind::Refused, Detail::Refusal(reason));
        run.refused = Some(reason);
    }
    Ok(finish(run, purchase, lot))
}

/// Refuses something on the account's behalf that only its caller could
/// judge (a transfer to an account that does not exist): a `refused` line.
pub fn refuse<S: Sink>(cat: &Catalog, a: &mut AccountState, at: Instant, reason: Reason, sink: &mut S) -> Outcome {
    advance(cat, a, at, sink);
    let id = a.id;
    let mut run = Step::new(cat, a.clock, sink);
    run.with_account(a, |e, a| e.line(a, id, EntryKind::Refused, Detail::Refusal(reason)));
    run.refused = Some(reason);
    run.finish()
}

/// Runs everything that falls due for the account up to and including
/// `until`, and moves its clock there.
#[inline]
pub fn advance<S: Sink>(cat: &Catalog, a: &mut AccountState, until: Instant, sink: &mut S) {
    // Most steps find nothing due: one comparison here, no call.
    while a.agenda.due_by(until) {
        fire_next(cat, a, until, sink);
    }
    a.clock = a.clock.max(until);
}

/// Runs the account's next due moment if it is at or before `until`;
/// `false` when nothing was due. A driver that interleaves several
/// accounts' moments in time order calls this one moment at a time.
pub fn fire_next<S: Sink>(cat: &Catalog, a: &mut AccountState, until: Instant, sink: &mut S) -> bool {
    let Some((at, what)) = a.agenda.pop_due(until) else {
        return false;
    };
    a.clock = a.clock.max(at);
    let id = a.id;
    let mut run = Step::new(cat, a.clock, sink);
    run.with_account(a, |e, a| e.fire(a, id, what));
    true
}

/// What can be checked about an account at `now` (its clock or later).
pub fn view(a: &AccountState, now: Instant) -> AccountView {
    AccountView {
        balance: a.wallet.balance(),
        deficit: a.wallet.deficit,
        plan: a.plan,
        trialing: matches!(a.status, Status::Trialing { .. }),
        charged: a.charged,
        refunded: a.refunded,
        cycle_start: if a.idle_cycles && now >= a.cycle_end { a.cycles.bounds_at(now).0 } else { a.cycle_start },
        pending_topups: a.pending_topups.len(),
        auto_recharge: a.auto.as_ref().is_some_and(|s| s.enabled),
    }
}

/// Drops records no later command can use any more (see [`Horizons`]).
#[inline]
fn forget_old_records(a: &mut AccountState, now: Instant) {
    // Most steps have nothing to forget: the test is inline, the date
    // arithmetic a call.
    if !(a.idempotency_keys.is_empty() && a.ops.is_empty()) {
        forget_records_before(a, now);
    }
}

fn forget_records_before(a: &mut AccountState, now: Instant) {
    let keys_from = now - chrono::Duration::days(Horizons::IDEMPOTENCY_DAYS);
    while a.idempotency_keys.front().is_some_and(|(t, _)| *t < keys_from) {
        a.idempotency_keys.pop_front();
    }
    let ops_from = now - chrono::Duration::days(Horizons::OPERATION_DAYS);
    while a.ops.front().is_some_and(|(t, _, _)| *t < ops_from) {
        a.ops.pop_front();
    }
}

/// Books `amount` against purchase `p`'s credits used, if it is still kept.
fn note_used(a: &mut AccountState, p: PurchaseId, amount: Credits) {
    if let Some(p) = a.purchases.get_mut(&p) {
        p.used += amount;
    }
}

/// One command's or one due moment's work on one account: the catalog, the
/// instant, and where lines go. Flows are methods on it.
pub(crate) struct Step<'a, S: Sink> {
    cat: &'a Catalog,
    now: Instant,
    sink: &'a mut S,
    notices: Vec<Notice>,
    refused: Option<Reason>,
    effects: Vec<Effect>,
}

impl<'a, S: Sink> Step<'a, S> {
    fn new(cat: &'a Catalog, now: Instant, sink: &'a mut S) -> Self {
        Step { cat, now, sink, notices: Vec::new(), refused: None, effects: Vec::new() }
    }

    fn finish(self) -> Outcome {
        Outcome { refused: self.refused, notices: self.notices, effects: self.effects, ..Outcome::default() }
    }

    fn dispatch(
        &mut self,
        a: &mut AccountState,
        id: AccountId,
        cmd: &Command,
        purchase: &mut Option<PurchaseId>,
        lot: &mut Option<LotId>,
    ) -> Result<(), Reason> {
        match cmd {
            Command::SignUp { .. } => Err(Reason::AlreadyRegistered),
            Command::Active => {
                self.daily_bonus(a, id);
                Ok(())
            }
            Command::Subscribe { plan, billing, trial, price } => {
                *purchase = self.subscribe(a, id, *plan, *billing, *trial, *price)?;
                Ok(())
            }
            Command::ChangePlan { plan, price } => self.change_plan(a, id, *plan, *price),
            Command::Cancel => self.cancel(a, id),
            Command::Refund { purchase } => self.refund(a, id, *purchase),
            Command::Use(usage) => self.use_feature(a, id, usage),
            Command::Buy { pack, credits, amount, idempotency_key } => {
                *purchase = Some(self.buy(a, id, *pack, *credits, *amount, *idempotency_key)?);
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
            Command::ReceiveTransfer { from, credits } => {
                self.receive_transfer(a, id, *from, *credits);
                Ok(())
            }
            Command::InviteeJoined => {
                self.inviter_bonus(a, id);
                Ok(())
            }
            Command::Adjust { credits, reason } => self.adjust(a, id, *credits, *reason),
            Command::OperationFailed(op) => self.operation_failed(a, id, *op),
            Command::Grant(g) => {
                *lot = Some(self.direct_grant(a, id, g)?);
                Ok(())
            }
            Command::Reset(overage) => {
                self.usage_reset(a, id, *overage);
                Ok(())
            }
            Command::UsagePeriod(every, overage) => {
                self.set_usage_period(a, *every, *overage);
                Ok(())
            }
            Command::OverageCap(cap) => {
                self.set_overage_cap(a, id, *cap);
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

    /// Runs `f` on the account with its cycle bounds brought up to now
    /// before, and its cycle timer woken after if it has become needed.
    fn with_account<R>(&mut self, a: &mut AccountState, f: impl FnOnce(&mut Self, &mut AccountState) -> R) -> R {
        self.catch_up_cycles(a);
        let r = f(self, a);
        self.wake_cycles(a);
        r
    }

    /// Whether the next cycle start has work to do: a renewal, monthly
    /// credits, add-on charges or a scheduled change. If not, no timer is
    /// kept, so a quiet account costs nothing however long time runs.
    // Inline: asked at every step of an idle account, where the call cost
    // more than the tests.
    #[inline]
    fn cycle_matters(&self, a: &AccountState) -> bool {
        // The plain tests first; the plan's allowance read from its field
        // (`Plan::monthly_credits` is a call into another crate).
        a.plan != self.cat.default_plan.ix
            || !a.addons.is_empty()
            || a.pending_change.is_some()
            || matches!(self.cat.plans[a.plan].monthly_credits, Allowance::Monthly(c) if c.is_positive())
            || a.metered > a.metered_billed
    }

    /// Schedules the next cycle start, or lets the cycles idle.
    fn schedule_cycle(&mut self, a: &mut AccountState, _id: AccountId) {
        a.idle_cycles = !self.cycle_matters(a);
        if !a.idle_cycles {
            a.agenda.schedule(a.cycle_end, Scheduled::Cycle(a.generation));
        }
    }

    /// Brings an idle account's cycle bounds up to now.
    fn catch_up_cycles(&self, a: &mut AccountState) {
        if a.idle_cycles && self.now >= a.cycle_end {
            let (start, end) = a.cycles.bounds_at(self.now);
            a.cycle_start = start;
            a.cycle_end = end;
            a.warned = 0;
        }
    }

    /// Starts keeping a cycle timer again once a cycle start matters.
    fn wake_cycles(&mut self, a: &mut AccountState) {
        if a.idle_cycles && self.cycle_matters(a) {
            self.catch_up_cycles(a);
            a.idle_cycles = false;
            a.agenda.schedule(a.cycle_end, Scheduled::Cycle(a.generation));
        }
    }

    fn fire(&mut self, a: &mut AccountState, id: AccountId, what: Scheduled) {
        match what {
            Scheduled::Expire(lot) => self.expire(a, id, lot),
            Scheduled::Boundary(lot) => self.boundary(a, id, lot),
            Scheduled::Reset => self.periodic_reset(a, id),
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

    fn schedule(&mut self, a: &mut AccountState, at: Instant, what: Scheduled) {
        a.agenda.schedule(at, what);
    }

    /// Appends a ledger line with the account's balance after it. A notice
    /// is written by [`Self::line`], which books it for the outcome.
    #[allow(clippy::too_many_arguments)]
    fn record(
        &mut self,
        a: &AccountState,
        id: AccountId,
        kind: EntryKind,
        bucket: Bucket,
        credits: Credits,
        money: Option<Money>,
        detail: Detail,
    ) {
        debug_assert!(!matches!(detail, Detail::Notice(_)), "a notice is written by Step::line");
        let entry = Entry { money, detail, ..self.entry(a, id, kind, bucket, credits) };
        self.sink.record(entry);
    }

    /// Appends a line without money whose `detail` stays with the caller: a
    /// spend's lines share one, and a sink that only adds lines up neither
    /// copies nor drops it.
    fn record_shared(
        &mut self,
        a: &AccountState,
        id: AccountId,
        kind: EntryKind,
        bucket: Bucket,
        credits: Credits,
        detail: &Detail,
    ) {
        let entry = self.entry(a, id, kind, bucket, credits);
        self.sink.record_shared(entry, detail);
    }

    /// A line without money or detail, with the account's balance after it.
    #[inline(always)]
    fn entry(&self, a: &AccountState, id: AccountId, kind: EntryKind, bucket: Bucket, credits: Credits) -> Entry {
        let balance = a.wallet.balance();
        Entry { at: self.now, account: id, kind, bucket, credits, balance, money: None, detail: Detail::None }
    }

    /// A line that moves no credits or money: plan changes, notices, refusals.
    fn line(&mut self, a: &AccountState, id: AccountId, kind: EntryKind, detail: Detail) {
        if let Detail::Notice(n) = detail {
            self.notices.push(n);
        }
        // Lent, not moved: a refusal's line comes with every usage refused.
        self.record_shared(a, id, kind, Bucket::None, Credits::ZERO, &detail);
    }

    /// When credits of a catalog source granted now expire.
    fn expiry_of(&self, a: &AccountState, expires: Expiry) -> Option<Instant> {
        match expires {
            Expiry::Never => None,
            Expiry::EndOfDay => Some(calendar::end_of_day(self.now, self.cat.time_zone)),
            Expiry::EndOfCycle => Some(a.cycle_end),
            Expiry::After(p) => Some(p.add_to(self.now, self.cat.time_zone)),
        }
    }

    /// Creates a lot: active now (with a `grant` line and overdraft
    /// settlement) or scheduled for its effective time.
    fn grant_lot(&mut self, a: &mut AccountState, id: AccountId, mut lot: Lot, detail: Detail) -> LotId {
        lot.id = a.new_lot_id();
        lot.expires = lot.expires.map(|t| self.precise(t));
        let lot_id = lot.id;
        if lot.effective > self.now {
            self.schedule(a, lot.effective, Scheduled::Activate(lot_id));
            a.future.push(lot);
        } else {
            self.activate(a, id, lot, detail);
        }
        lot_id
    }

    fn activate(&mut self, a: &mut AccountState, id: AccountId, lot: Lot, detail: Detail) {
        let (lot_id, label, amount) = (lot.id, lot.label, lot.remaining);
        if let Some(at) = lot.expires {
            self.schedule(a, at, Scheduled::Expire(lot_id));
        }
        if let Some(b) = &lot.boundary {
            self.schedule(a, b.at, Scheduled::Boundary(lot_id));
        }
        a.wallet.insert(lot, &self.cat.credits.consumption_order);
        self.record(a, id, EntryKind::Grant, Bucket::Label(label), amount, None, detail);
        self.settle_deficit(a, id, lot_id);
    }

    /// New credits pay an overdraft first.
    fn settle_deficit(&mut self, a: &mut AccountState, id: AccountId, lot: LotId) {
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
    // Inline: once per take, and most takes come from no purchase.
    #[inline]
    fn note_taken(&mut self, a: &mut AccountState, takes: &[Take]) {
        for t in takes {
            if let Some(p) = t.purchase {
                note_used(a, p, t.amount);
            }
        }
    }

    fn expire(&mut self, a: &mut AccountState, id: AccountId, lot: LotId) {
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

    /// A rollover, or a recurring grant's refill, at a lot's boundary.
    fn boundary(&mut self, a: &mut AccountState, id: AccountId, lot: LotId) {
        let Some(l) = a.wallet.get(lot) else { return };
        let Some(b) = l.boundary.clone() else { return };
        if b.at != self.now {
            return;
        }
        let (remaining, original) = (l.remaining, l.original);
        let kept =
            b.rule.as_ref().map_or(original, |r| pricebook_core::billing::rollover::carry(r, remaining, original));
        // An empty grant whose rules can never put credits back would only
        // write zero lines at every recurrence from now on: it ends here.
        let tops_up = |r: &pricebook_core::catalog::RolloverRule| r.min_kept.is_some_and(Credits::is_positive);
        let never_again = kept.is_zero()
            && remaining.is_zero()
            && b.rule.as_ref().is_some_and(|r| !tops_up(r))
            && l.reset.as_ref().is_none_or(|r| !tops_up(r));
        if never_again {
            a.wallet.remove(lot);
            return;
        }
        let left = b.left.map(|n| n.saturating_sub(1));
        let next = match (&b.step, left) {
            (_, Some(0)) => None,
            (Cadence::Cycle, _) => Some(a.cycles.bounds_at(self.now).1),
            (Cadence::Every(r), _) => Some(r.next_after(self.now)),
        };
        if let Some(l) = a.wallet.lot_mut(lot) {
            l.boundary = next.map(|at| Boundary { at, left, ..b.clone() });
        }
        let until = a.wallet.get(lot).and_then(|l| l.expires);
        let detail = match b.rule {
            Some(_) => Detail::Rollover { kept, until },
            None => Detail::Refill { to: kept },
        };
        self.set_kept(a, id, lot, kept, detail);
        if let Some(at) = next {
            self.schedule(a, at, Scheduled::Boundary(lot));
        }
        if kept > remaining {
            self.settle_deficit(a, id, lot);
        }
        if kept.is_zero() && next.is_none() {
            a.wallet.remove(lot);
        }
    }

    /// Voids what is left of lots, with one `void` line each.
    fn void_lots(
        &mut self,
        a: &mut AccountState,
        id: AccountId,
        lots: &[LotId],
        why: super::ledger::VoidWhy,
    ) -> Credits {
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
}
