//! pricebook: pricing as code for credit-based products.
//!
//! How data flows (each stage is a crate; dependencies point one way):
//!
//! ```text
//! plans/*.toml ──lang::model──▶ PlanFile (spanned) ──lang::compile──▶ core::Catalog ──┬─▶ core::catalog_json (build)
//!                                                                                     ├─▶ report::docs (docs)
//! scenarios/**/*.toml ──lang::model──▶ ScenarioFile ──lang::compile──▶ Script ──lang::replay──▶ engine ──▶ Ledger ──▶ report::{table, json}
//! ```
//!
//! `pricebook-core` holds money, the calendar and the validated catalog;
//! `pricebook-engine` runs commands against it; `pricebook-lang` reads plan
//! and scenario files; `pricebook-report` renders. This crate is the command
//! line and the application around them: project folders, `check`, `test`,
//! `diff`, snapshots.

pub mod check;
pub mod cli;
#[warn(missing_docs)]
pub mod diff;
pub mod init;
pub mod project;
pub mod snapshot;
