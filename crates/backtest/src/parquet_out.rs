//! `accounts.parquet` (the `parquet` feature): the same columns and values
//! as `accounts.csv`. Counts are unsigned integers; everything else is text,
//! so money and credits stay exact decimal strings (rule X1) and times stay
//! RFC 3339. An empty CSV cell is a null.

use crate::render::{COUNTS, account_cells, account_header};
use crate::run::Backtest;
use arrow_array::{ArrayRef, RecordBatch, StringArray, UInt64Array};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::errors::ParquetError;
use parquet::file::properties::WriterProperties;
use pricebook_core::money::Currency;
use std::sync::Arc;

/// `accounts.parquet` as bytes, one row per account in account-name order.
pub fn accounts_parquet(bt: &Backtest, currency: &Currency) -> Result<Vec<u8>, ParquetError> {
    let header = account_header(bt);
    let rows: Vec<Vec<String>> = account_cells(bt, currency).collect();
    let mut columns: Vec<(&str, ArrayRef)> = Vec::with_capacity(header.len());
    for (i, name) in header.iter().enumerate() {
        let cells = rows.iter().map(|r| r.get(i).map(String::as_str).filter(|c| !c.is_empty()));
        let array: ArrayRef = if COUNTS.contains(name) {
            // A count cell is always a number written by `account_cells`.
            Arc::new(cells.map(|c| c.and_then(|c| c.parse::<u64>().ok())).collect::<UInt64Array>())
        } else {
            Arc::new(cells.collect::<StringArray>())
        };
        columns.push((name, array));
    }
    let batch = RecordBatch::try_from_iter(columns)?;
    let props = WriterProperties::builder().set_compression(Compression::SNAPPY).build();
    let mut w = ArrowWriter::try_new(Vec::new(), batch.schema(), Some(props))?;
    w.write(&batch)?;
    w.into_inner()
}
