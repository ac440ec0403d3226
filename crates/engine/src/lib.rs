//! pricebook-engine: commands in, ledger lines out.
//!
//! Independent of scenario files: anything that can produce [`Command`]s
//! at instants (a scenario, a usage export, a property test) can drive the
//! [`Engine`]. Per-account state is small: live grants and a few counters.

pub mod account;
pub mod command;
pub mod conservation;
mod engine;
pub mod ledger;
pub mod wallet;

pub use command::{AccountId, Command};
pub use engine::{Engine, EngineError, Outcome};
pub use ledger::{Entry, EntryKind, Sink};
