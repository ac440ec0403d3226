//! pricebook-backtest: what a pricing change does to real customers, on a
//! real usage export.
//!
//! ```text
//! accounts + purchases + usage (CSV / JSON Lines / Parquet / Arrow in memory)
//!   ──input──▶ rows ──accounts, events──▶ compact events ──partition──▶ buckets by account
//!   ──replay (engine, one account at a time, in parallel)──▶ per-account figures, before and after
//!   ──summary──▶ accounts.csv, summary.md, summary.json, SVG plots
//! ```
//!
//! Every account is replayed on its own with the engine's summarising sink
//! ([`pricebook_engine::Totals`]), so memory holds one bucket of events and
//! one small state per thread, and results do not depend on thread count or
//! row order. Nothing here writes files: callers get bytes to write.

pub mod accounts;
mod cells;
pub mod error;
pub mod events;
mod fast_hash;
mod group;
pub mod input;
#[cfg(feature = "arrow")]
pub mod memory;
#[cfg(feature = "parquet")]
pub mod parquet_out;
pub mod partition;
pub mod plot;
pub mod render;
pub mod replay;
mod rng;
pub mod run;
pub mod sample;
pub mod skip;
pub mod summary;

pub use error::{InputError, InputErrorKind};
pub use replay::{Figures, WhenOut};
pub use run::{
    AccountResult, Backtest, BacktestError, Catalogs, FileArg, Inputs, Options, Read, TableArg, Tables, ledgers,
    read_tables, replay_accounts, run, run_tables,
};
