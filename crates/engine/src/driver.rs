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
    sink: S,
    /// Scheduled moments run so far, and how many a run may take.
    moments: u64,
    budget: u64,
}

/// Scheduled moments one simulation may run by default: far beyond any
/// real journey (a thousand accounts over ten years fire about 200,000),
/// small enough that a few bytes of scenario cannot ask for gigabytes.
pub const DEFAULT_MOMENT_BUDGET: u64 = 2_000_000;

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
            sink,
            moments: 0,
            budget: DEFAULT_MOMENT_BUDGET,
        }
    }

    /// How many scheduled moments this simulation may run in all.
    pub fn with_budget(mut self, moments: u64) -> Self {
        self.budget = moments;
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
        &self.sink
    }

    pub fn into_ledger(self) -> S {
        self.sink
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
            if self.moments >= self.budget {
                return Err(EngineError::BudgetExceeded { moments: self.moments, at });
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
        }
        self.now = self.now.max(t);
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
