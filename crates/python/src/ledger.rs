//! A replayed scenario's ledger as one Arrow record batch: one row per
//! ledger line, in ledger order, with the columns of `pricebook run`'s
//! table. Credits and money are decimal strings (exact, any scale, as in
//! `pricebook run --format json`), never floats.

use arrow_array::builder::{StringBuilder, TimestampSecondBuilder, UInt64Builder};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{ArrowError, DataType, Field, Schema, TimeUnit};
use pricebook_engine::Simulation;
use pricebook_engine::ledger::Bucket;
use pricebook_lang::compile::scenario::Script;
use pricebook_report::ledger_table::Names;
use std::sync::Arc;

/// The ledger table's schema; the same for every scenario.
pub(crate) fn schema() -> Schema {
    let text = |name: &str, nullable: bool| Field::new(name, DataType::Utf8, nullable);
    Schema::new(vec![
        Field::new("seq", DataType::UInt64, false),
        Field::new("time", DataType::Timestamp(TimeUnit::Second, Some("UTC".into())), false),
        text("account", false),
        text("event", false),
        text("source", true),
        text("credits", false),
        text("balance", false),
        text("money", true),
        text("currency", true),
        text("details", false),
    ])
}

/// Every ledger line of `engine`, numbered from 1 as `pricebook run` numbers them.
pub(crate) fn batch(script: &Script, engine: &Simulation<'_>) -> Result<RecordBatch, ArrowError> {
    let cat = engine.catalog();
    let names = Names { cat, script, labels: engine.labels() };
    let entries = engine.ledger();
    let n = entries.len();
    let mut seq = UInt64Builder::with_capacity(n);
    let mut time = TimestampSecondBuilder::with_capacity(n).with_timezone("UTC");
    let strings = || StringBuilder::with_capacity(n, n * 8);
    let (mut account, mut event, mut source, mut credits) = (strings(), strings(), strings(), strings());
    let (mut balance, mut money, mut currency, mut details) = (strings(), strings(), strings(), strings());
    for (i, e) in entries.iter().enumerate() {
        seq.append_value(i as u64 + 1);
        time.append_value(e.at.timestamp());
        account.append_value(names.account(e.account));
        event.append_value(e.kind.word());
        match e.bucket {
            Bucket::None => source.append_null(),
            b => source.append_value(names.bucket(b)),
        }
        credits.append_value(e.credits.to_string());
        balance.append_value(e.balance.to_string());
        money.append_option(e.money.map(|m| m.to_string()));
        currency.append_option(e.money.map(|_| cat.currency.code));
        details.append_value(names.detail(&e.detail));
    }
    let columns: Vec<ArrayRef> = vec![
        Arc::new(seq.finish()),
        Arc::new(time.finish()),
        Arc::new(account.finish()),
        Arc::new(event.finish()),
        Arc::new(source.finish()),
        Arc::new(credits.finish()),
        Arc::new(balance.finish()),
        Arc::new(money.finish()),
        Arc::new(currency.finish()),
        Arc::new(details.finish()),
    ];
    RecordBatch::try_new(Arc::new(schema()), columns)
}
