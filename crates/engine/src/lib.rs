//! pricebook-engine: one account's billing as a state machine.
//!
//! [`engine::sign_up`], [`engine::step`] and [`engine::advance`] are
//! functions from an [`AccountState`] (plus a catalog, an instant and a
//! command) to the next state, writing ledger lines to a [`Sink`]: a full
//! [`Ledger`] for scenarios and snapshots, or [`Totals`] that keep running
//! sums without storing lines (backtests). Independent of any file format:
//! a scenario, a usage export or a property test can drive it.
//! [`Simulation`] is a thin driver that runs several accounts side by
//! side in time order, as scenario files need.

pub mod account;
mod agenda;
pub mod command;
pub mod conservation;
pub mod driver;
pub mod engine;
pub mod labels;
pub mod ledger;
pub mod totals;
pub mod wallet;

pub use account::{AccountState, AccountView};
pub use command::{AccountId, Command};
pub use driver::{Budgeted, RunBudget, Simulation};
pub use engine::{EngineError, Outcome, advance, sign_up, step};
pub use ledger::{Entry, EntryKind, Ledger, Sink};
pub use totals::Totals;
