//! A backtest of tables already in memory (the `arrow` feature), for
//! callers that hold the export as Arrow record batches: the Python
//! package, and through it Spark's grouped Arrow functions. The reading,
//! the checks and the replay are those of files; only where rows come
//! from differs. Errors name the tables `usage`, `accounts` and
//! `purchases`, with the row (from 1, across batches) and the column.

use crate::input::{ArrowTable, Source};
use crate::replay::WhenOut;
use crate::run::{Backtest, BacktestError, Catalogs, Options, TableArg, Tables, run_tables};
use pricebook_core::calendar::Instant;

/// The export as Arrow tables.
#[derive(Clone, Copy, Debug)]
pub struct ArrowInputs<'a> {
    pub usage: &'a ArrowTable,
    pub accounts: &'a ArrowTable,
    pub purchases: Option<&'a ArrowTable>,
}

fn table<'a>(t: &'a ArrowTable, shown: &'a str) -> TableArg<'a> {
    TableArg { source: Source::Arrow(t), shown }
}

/// Runs a backtest of tables in memory, up to `end` as
/// [`run_tables`] says. Events stay in memory (they are smaller than the
/// tables they come from), and nobody watches progress.
pub fn run_arrow(
    inputs: ArrowInputs<'_>,
    cats: Catalogs<'_>,
    when_out: WhenOut,
    end: Option<Instant>,
) -> Result<Backtest, BacktestError> {
    let tables = Tables {
        usage: table(inputs.usage, "usage"),
        accounts: table(inputs.accounts, "accounts"),
        purchases: inputs.purchases.map(|p| table(p, "purchases")),
    };
    let opts = Options { when_out, spill_threshold: usize::MAX, progress: &|_, _| {}, skip_invalid: false };
    run_tables(&tables, cats, &opts, end)
}
