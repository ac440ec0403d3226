//! `backtest(usage, accounts, ...)`: the backtest of Arrow tables handed
//! over from Python (a `pyarrow.Table`, a `RecordBatchReader`, or anything
//! with `__arrow_c_stream__`), without a Python object per row. The
//! reading, checks and replay are the backtest crate's, so the rows are
//! `accounts.csv`'s rows of `pricebook backtest`, cell for cell.

use crate::catalog::Catalog;
use crate::error::PricebookError;
use arrow_array::builder::{StringBuilder, UInt64Builder};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_pyarrow::{PyArrowType, Table};
use arrow_schema::{DataType, Field, Schema};
use chrono::{DateTime, Utc};
use pricebook_backtest::input::ArrowTable;
use pricebook_backtest::memory::{ArrowInputs, run_arrow};
use pricebook_backtest::render::{COUNTS, account_cells, account_header};
use pricebook_backtest::{Backtest, BacktestError, Catalogs, WhenOut};
use pricebook_core::calendar::Instant;
use pricebook_core::money::Currency;
use pyo3::prelude::*;
use std::sync::Arc;

/// The result table's schema: `accounts.csv`'s columns (with the margin
/// columns when a catalog declares provider costs), counts as `uint64`, the
/// rest (money and credits as exact decimals, times as RFC 3339) as strings;
/// null where `accounts.csv` has an empty cell.
fn schema(header: &[&str]) -> Schema {
    let field = |name: &str| {
        let kind = if COUNTS.contains(&name) { DataType::UInt64 } else { DataType::Utf8 };
        Field::new(name, kind, true)
    };
    Schema::new(header.iter().map(|h| field(h)).collect::<Vec<_>>())
}

/// One record batch of every account's row, in account-name order.
fn batch(bt: &Backtest, currency: &Currency) -> Result<RecordBatch, arrow_schema::ArrowError> {
    let header = account_header(bt);
    let rows: Vec<Vec<String>> = account_cells(bt, currency).collect();
    let columns: Vec<ArrayRef> = header
        .iter()
        .enumerate()
        .map(|(i, name)| -> ArrayRef {
            let cells = rows.iter().map(|r| r[i].as_str()).map(|c| (!c.is_empty()).then_some(c));
            if COUNTS.contains(name) {
                // The cells were written from whole numbers: they read back.
                let mut b = UInt64Builder::with_capacity(rows.len());
                cells.for_each(|c| b.append_option(c.and_then(|c| c.parse().ok())));
                Arc::new(b.finish())
            } else {
                let mut b = StringBuilder::with_capacity(rows.len(), rows.len() * 8);
                cells.for_each(|c| b.append_option(c));
                Arc::new(b.finish())
            }
        })
        .collect();
    RecordBatch::try_new(Arc::new(schema(&header)), columns)
}

fn when_out(word: &str) -> PyResult<WhenOut> {
    [WhenOut::Refuse, WhenOut::Recharge, WhenOut::SmallestPack].into_iter().find(|w| w.name() == word).ok_or_else(
        || {
            pyo3::exceptions::PyValueError::new_err(format!(
                "when_out = {word:?} is not an assumption pricebook knows; give \"refuse\", \"recharge\" or \"smallest-pack\""
            ))
        },
    )
}

/// `end` as an instant: RFC 3339 text, or a `datetime` with a time zone.
fn end(value: &Bound<'_, PyAny>) -> PyResult<Instant> {
    let text: String = match value.extract::<String>() {
        Ok(text) => text,
        Err(_) => value.call_method0("isoformat")?.extract()?,
    };
    DateTime::parse_from_rfc3339(&text).map(|t| t.with_timezone(&Utc)).map_err(|_| {
        pyo3::exceptions::PyValueError::new_err(format!(
            "end = {text:?} is not a time with a zone; give RFC 3339 text (\"2026-03-31T00:00:00Z\") or an aware datetime"
        ))
    })
}

fn arrow_table(t: PyArrowType<Table>) -> ArrowTable {
    let (batches, schema) = t.0.into_inner();
    ArrowTable { schema, batches }
}

/// Replays a usage export, account by account, under a catalog (`after`)
/// and optionally an older one (`before`), and returns one row per
/// account: the rows of `accounts.csv` from `pricebook backtest`.
///
/// `usage`, `accounts` and `purchases` are Arrow data (a `pyarrow.Table`,
/// a `pyarrow.RecordBatchReader`, or any object with `__arrow_c_stream__`)
/// with the columns of the command's files; cells are read as their
/// text, so strings, integers, decimals and timestamps all work (a float
/// is read as its shortest text, `0.5` as "0.5", never used in arithmetic;
/// NaN is an empty cell; an infinity is a bad row). A `variant` column
/// names a feature's multiplier, as in the command's usage file. `before` and `after` are
/// `Catalog`s (`Catalog.from_json(...)` or `Project(path).catalog()`);
/// `plans` names the plan file to replay under, and may be left out when
/// `after` holds one. `when_out` is what a customer does when a usage does
/// not fit: `"refuse"`, `"recharge"` or `"smallest-pack"`. `end` (an RFC
/// 3339 string or an aware `datetime`) is when the whole export ends, when
/// these tables are one part of it (one Spark group): every account is
/// replayed up to it, as in a run over the whole export; by default the
/// tables' last event.
///
/// Returns a `pyarrow.Table` in account-name order with the columns of
/// `accounts.csv`: counts as `uint64`, money and credits as exact decimal
/// strings, times as RFC 3339 strings, null where the file's cell is
/// empty. Raises `PricebookError` for bad input, naming the table, the
/// row (from 1) and the column: `usage:3:2: error: column `time`: ...`.
#[pyfunction]
#[pyo3(signature = (usage, accounts, purchases=None, *, before=None, after, plans=None, when_out="refuse", end=None))]
#[allow(clippy::too_many_arguments)] // the keywords are the Python signature
pub(crate) fn backtest(
    py: Python<'_>,
    usage: PyArrowType<Table>,
    accounts: PyArrowType<Table>,
    purchases: Option<PyArrowType<Table>>,
    before: Option<Bound<'_, Catalog>>,
    after: Bound<'_, Catalog>,
    plans: Option<&str>,
    when_out: &str,
    end: Option<Bound<'_, PyAny>>,
) -> PyResult<PyArrowType<Table>> {
    let when_out = self::when_out(when_out)?;
    let end = end.map(|e| self::end(&e)).transpose()?;
    let after = after.get();
    let id = match plans {
        Some(id) => id.to_string(),
        None => after.only_id()?,
    };
    let after_cat = after.find(&id)?;
    let before_cat = before.as_ref().map(|b| b.get().find(&id)).transpose()?;
    let (usage, accounts, purchases) = (arrow_table(usage), arrow_table(accounts), purchases.map(arrow_table));
    let inputs = ArrowInputs { usage: &usage, accounts: &accounts, purchases: purchases.as_ref() };
    let cats = Catalogs { before: before_cat, after: after_cat };
    let result = py.detach(|| run_arrow(inputs, cats, when_out, end));
    let bt = result.map_err(|e| match e {
        BacktestError::Input(_) => PricebookError::new_err(e.to_string()),
        other => pyo3::exceptions::PyRuntimeError::new_err(other.to_string()),
    })?;
    let batch = batch(&bt, after_cat.currency).map_err(|e| PricebookError::new_err(e.to_string()))?;
    let schema = batch.schema();
    let table = Table::try_new(vec![batch], schema).map_err(|e| PricebookError::new_err(e.to_string()))?;
    Ok(PyArrowType(table))
}
