//! A thin driver that runs several accounts of one catalog side by side,
//! as scenario files need.
//!
//! Each account is its own state machine ([`crate::engine`]); the driver
//! only keeps them in a table, merges what falls due for them into one
//! time order (time, then phase, then account number), and delivers the
//! [`Effect`]s one account's command has on another (a transfer's
//! recipient, an inviter's bonus) at the same instant. Sharding accounts
//! across threads or machines means routing those effects between shards;
//! accounts that never transfer or invite need nothing from each other.

use crate::account::{AccountState, AccountView};
use crate::command::{AccountId, Command};
use crate::engine::{self, Effect, EngineError, Outcome};
use crate::labels::Labels;
use crate::ledger::{Ledger, Reason, Sink};
use pricebook_core::calendar::Instant;
use pricebook_core::catalog::Catalog;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Accounts of one catalog, run in time order.
pub struct Simulation<'c, S: Sink = Ledger> {
    cat: &'c Catalog,
    accounts: Vec<Option<AccountState>>,
    /// Each account's next due moment (time, phase, account); entries an
    /// account has since moved past are skipped when they surface.
    due: BinaryHeap<Reverse<(Instant, u8, AccountId)>>,
    now: Instant,
    labels: Labels,
    sink: Counted<S>,
    /// Scheduled moments run so far.
    moments: u64,
    budget: RunBudget,
}

/// How much work one simulation may do before it stops with
/// [`EngineError::BudgetExceeded`]. Both are needed: a moment can write
/// many lines (a usage reset writes one per grant), and moments that write
/// nothing still take time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RunBudget {
    /// Scheduled moments (expiries, renewals, recurrences, resets).
    pub moments: u64,
    /// Ledger lines written, which is what a run's memory grows with.
    pub lines: u64,
}

impl RunBudget {
    /// Scheduled moments by default: 300,000 moments that write nothing
    /// take 0.15 s (README, limits section); real journeys need far fewer.
    pub const DEFAULT_MOMENTS: u64 = 300_000;
    /// Ledger lines by default: `diff` holds two runs' lines and their
    /// rendering, which at 150,000 lines came to 180 MB; at 100,000 a run
    /// stays near 100 MB and 1 s, `diff` near 125 MB (README, limits section).
    pub const DEFAULT_LINES: u64 = 100_000;
}

impl Default for RunBudget {
    fn default() -> Self {
        RunBudget { moments: Self::DEFAULT_MOMENTS, lines: Self::DEFAULT_LINES }
    }
}

/// Which of a [`RunBudget`]'s figures a run went past.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Budgeted {
    Moments,
    Lines,
}

/// A sink that counts the lines passed on, for the line budget.
struct Counted<S> {
    sink: S,
    lines: u64,
}

impl<S: Sink> Sink for Counted<S> {
    fn record(&mut self, entry: crate::ledger::Entry) {
        self.lines += 1;
        self.sink.record(entry);
    }

    fn record_shared(&mut self, entry: crate::ledger::Entry, detail: &crate::ledger::Detail) {
        self.lines += 1;
        self.sink.record_shared(entry, detail);
    }
}

impl<'c> Simulation<'c, Ledger> {
    /// A simulation that keeps every ledger line.
    pub fn new(cat: &'c Catalog, start: Instant) -> Self {
        Simulation::with_sink(cat, start, Ledger::new())
    }
}

impl<'c, S: Sink> Simulation<'c, S> {
    pub fn with_sink(cat: &'c Catalog, start: Instant, sink: S) -> Self {
        Simulation {
            cat,
            accounts: Vec::new(),
            due: BinaryHeap::new(),
            now: start,
            labels: Labels::new(cat),
            sink: Counted { sink, lines: 0 },
            moments: 0,
            budget: RunBudget::default(),
        }
    }

    /// How much work this simulation may do in all.
    pub fn with_budget(mut self, budget: RunBudget) -> Self {
        self.budget = budget;
        self
    }

    /// Label names; callers add their own before running (direct grants).
    pub fn with_labels(mut self, labels: Labels) -> Self {
        self.labels = labels;
        self
    }

    pub fn catalog(&self) -> &'c Catalog {
        self.cat
    }

    pub fn now(&self) -> Instant {
        self.now
    }

    pub fn ledger(&self) -> &S {
        &self.sink.sink
    }

    pub fn into_ledger(self) -> S {
        self.sink.sink
    }

    pub fn labels(&self) -> &Labels {
        &self.labels
    }

    pub fn account(&self, id: AccountId) -> Option<&AccountState> {
        self.accounts.get(id as usize).and_then(Option::as_ref)
    }

    /// Ids of accounts that exist, ascending.
    pub fn account_ids(&self) -> impl Iterator<Item = AccountId> + '_ {
        self.accounts.iter().filter_map(|a| a.as_ref().map(|a| a.id))
    }

    pub fn view(&self, id: AccountId) -> Option<AccountView> {
        self.account(id).map(|a| engine::view(a, self.now))
    }

    /// Runs what falls due for any account up to and including `t`, one
    /// moment at a time in time order; stops with an error past the budget.
    pub fn advance_to(&mut self, t: Instant) -> Result<(), EngineError> {
        while let Some(Reverse((at, phase, id))) = self.due.peek().copied() {
            if at > t {
                break;
            }
            if self.moments >= self.budget.moments {
                return Err(EngineError::BudgetExceeded { budget: Budgeted::Moments, limit: self.budget.moments, at });
            }
            self.due.pop();
            let Some(a) = self.accounts.get_mut(id as usize).and_then(Option::as_mut) else { continue };
            if a.agenda.next() != Some((at, phase)) {
                continue;
            }
            engine::fire_next(self.cat, a, t, &mut self.sink);
            self.moments += 1;
            self.now = self.now.max(at);
            self.note_due(id);
            self.within_lines(at)?;
        }
        self.now = self.now.max(t);
        Ok(())
    }

    /// Lines are counted after they are written (one moment or command
    /// writes a bounded few), so a run stops just past the budget.
    fn within_lines(&self, at: Instant) -> Result<(), EngineError> {
        if self.sink.lines > self.budget.lines {
            return Err(EngineError::BudgetExceeded { budget: Budgeted::Lines, limit: self.budget.lines, at });
        }
        Ok(())
    }

    /// Applies one command at `at` (after what falls due up to then) and
    /// delivers its effects on other accounts.
    pub fn apply(&mut self, at: Instant, id: AccountId, cmd: &Command) -> Result<Outcome, EngineError> {
        if at < self.now {
            return Err(EngineError::TimeWentBackwards { now: self.now, at });
        }
        self.advance_to(at)?;
        let exists = |s: &Self, id: AccountId| s.account(id).is_some();
        let out = match cmd {
            Command::SignUp { invited_by } if !exists(self, id) => {
                let (state, out) = engine::sign_up(self.cat, id, at, *invited_by, &mut self.sink);
                if self.accounts.len() <= id as usize {
                    self.accounts.resize_with(id as usize + 1, || None);
                }
                self.accounts[id as usize] = Some(state);
                out
            }
            Command::SignUp { .. } => self.refuse(id, Reason::AlreadyRegistered)?,
            // The engine sees one account: whether the recipient exists is the driver's to say.
            Command::Transfer { to, .. } if !exists(self, *to) => self.refuse(id, Reason::TransferNotAllowed)?,
            _ => self.step(id, cmd)?,
        };
        self.note_due(id);
        for Effect { to, command } in &out.effects {
            if exists(self, *to) {
                self.step(*to, command)?;
                self.note_due(*to);
            }
        }
        self.within_lines(at)?;
        Ok(out)
    }

    fn step(&mut self, id: AccountId, cmd: &Command) -> Result<Outcome, EngineError> {
        let a = self.accounts.get_mut(id as usize).and_then(Option::as_mut).ok_or(EngineError::UnknownAccount(id))?;
        engine::step(self.cat, a, self.now, cmd, &mut self.sink)
    }

    fn refuse(&mut self, id: AccountId, reason: Reason) -> Result<Outcome, EngineError> {
        let a = self.accounts.get_mut(id as usize).and_then(Option::as_mut).ok_or(EngineError::UnknownAccount(id))?;
        Ok(engine::refuse(self.cat, a, self.now, reason, &mut self.sink))
    }

    fn note_due(&mut self, id: AccountId) {
        if let Some((at, phase)) = self.account(id).and_then(|a| a.agenda.next()) {
            self.due.push(Reverse((at, phase, id)));
        }
    }
}
