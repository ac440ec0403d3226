//! pricebook: pricing as code for credit-based products.
//!
//! How data flows:
//!
//! ```text
//! plans/*.toml ──model──▶ PlanFile (spanned) ──compile──▶ Catalog ──┬─▶ report::catalog_json (build)
//!                                                                   ├─▶ report::docs (docs)
//! scenarios/**/*.toml ──model──▶ ScenarioFile ──compile──▶ Script ──┴─▶ simulate::Engine ──▶ Ledger ──▶ report::{table, json, snapshot}
//! ```
//!
//! Every stage reports problems into [`diag::Diagnostics`] rather than
//! stopping at the first. The engine is independent of the scenario format:
//! it takes [`simulate::Command`]s at instants.

pub mod calendar;
pub mod check;
pub mod cli;
pub mod compile;
pub mod diag;
#[warn(missing_docs)]
pub mod diff;
pub mod escape;
pub mod fsutil;
pub mod model;
pub mod money;
pub mod project;
pub mod report;
pub mod rulebook;
pub mod schema;
pub mod simulate;
pub mod snapshot;
pub mod suggest;
