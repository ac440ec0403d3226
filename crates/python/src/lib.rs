//! The `pricebook` Python module: open a project (plans compiled and
//! checked), read a compiled catalog back from its canonical JSON, replay
//! a scenario into a ledger handed to Python as a `pyarrow.Table` through
//! the Arrow PyCapsule interface (no row-by-row Python objects), and
//! backtest a usage export handed over the same way.
//!
//! Everything here is a thin wrapper: the work is done by the same crates
//! the command line uses, so a ledger from Python is the ledger
//! `pricebook run` prints. Problems in user files raise `PricebookError`
//! whose message is the rendered diagnostics, exactly as the CLI shows them.

mod backtest;
mod catalog;
mod error;
mod ledger;
mod project;

use pyo3::prelude::*;

/// pricebook: pricing as code for credit-based products.
///
/// `Project(path)` opens and checks a project; `Catalog.from_json(text)`
/// reads `pricebook build` output; `run(scenario_path)` replays a scenario
/// and returns its ledger as a `pyarrow.Table`; `backtest(usage, accounts,
/// after=catalog)` replays a usage export given as Arrow tables and returns
/// one row per account, as `pricebook backtest` writes `accounts.csv`.
#[pymodule]
#[pyo3(name = "pricebook")]
fn pricebook_module(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("PricebookError", m.py().get_type::<error::PricebookError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<project::Project>()?;
    m.add_class::<catalog::Catalog>()?;
    m.add_function(wrap_pyfunction!(project::run, m)?)?;
    m.add_function(wrap_pyfunction!(backtest::backtest, m)?)?;
    Ok(())
}
