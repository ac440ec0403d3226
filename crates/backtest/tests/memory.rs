//! The in-memory entry point against files (`--features arrow`): the same
//! sample export as CSV files and as Arrow tables gives the same
//! `accounts.csv` bytes; the export cut into groups of accounts, each
//! replayed up to the whole export's end (as Spark groups are), gives the
//! whole run's rows; bad cells are named by table, row and column.
#![cfg(feature = "arrow")]

use arrow_array::{ArrayRef, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema};
use pricebook_backtest::input::ArrowTable;
use pricebook_backtest::memory::{ArrowInputs, run_arrow};
use pricebook_backtest::sample::{self, Sample, Style, Writers};
use pricebook_backtest::{Backtest, Catalogs, FileArg, Inputs, Options, WhenOut, render, run};
use pricebook_core::catalog::Catalog;
use pricebook_lang::compile::compile_plan_text;
use pricebook_lang::diag::{Diagnostics, SourceFile, SourceMap};
use std::path::PathBuf;
use std::sync::Arc;

/// `plans/codeassist.toml`, with `edit` applied to its text.
fn catalog(edit: impl Fn(String) -> String) -> Catalog {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../plans/codeassist.toml");
    let mut sources = SourceMap::new();
    let file = sources.add(SourceFile::new("codeassist.toml", edit(std::fs::read_to_string(path).unwrap())));
    let mut diags = Diagnostics::new();
    compile_plan_text("codeassist", file, &sources, &mut diags).expect("the bundled plan compiles")
}

/// Today's plans (after) and older ones with a cheaper, smaller Pro (before).
fn catalogs() -> (Catalog, Catalog) {
    let older = |t: String| {
        t.replacen(r#"monthly_price = "$20""#, r#"monthly_price = "$16""#, 1).replacen(
            "monthly_credits = 500",
            "monthly_credits = 400",
            1,
        )
    };
    (catalog(older), catalog(|t| t))
}

/// A sample export as CSV text: (accounts, purchases, usage).
fn export(cat: &Catalog) -> [String; 3] {
    let (mut a, mut p, mut u) = (Vec::new(), Vec::new(), Vec::new());
    let s = Sample { accounts: 40, days: 20, seed: 5, events_per_day: 3 };
    sample::generate(cat, &s, Style::Csv, &mut Writers { accounts: &mut a, purchases: &mut p, usage: &mut u }).unwrap();
    [a, p, u].map(|b| String::from_utf8(b).unwrap())
}

/// CSV text (no quoting: the sample has none) as one Arrow batch of text
/// columns, keeping the header and the rows `keep` says.
fn arrow(csv: &str, keep: impl Fn(&[&str]) -> bool) -> ArrowTable {
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect::<Vec<_>>()).filter(|r| keep(r)).collect();
    let schema = Arc::new(Schema::new(header.iter().map(|h| Field::new(*h, DataType::Utf8, true)).collect::<Vec<_>>()));
    let columns: Vec<ArrayRef> = (0..header.len())
        .map(|i| Arc::new(rows.iter().map(|r| Some(r[i])).collect::<StringArray>()) as ArrayRef)
        .collect();
    let batch = RecordBatch::try_new(schema.clone(), columns).unwrap();
    ArrowTable { schema, batches: vec![batch] }
}

fn rows(bt: &Backtest, cat: &Catalog) -> String {
    String::from_utf8(render::accounts_csv(bt, cat.currency).unwrap()).unwrap()
}

fn from_files(texts: &[String; 3], cats: Catalogs<'_>) -> Backtest {
    // One folder per call: tests run at the same time, and each removes its own.
    static CALLS: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("pricebook-memory-test-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let paths = ["accounts.csv", "purchases.csv", "usage.csv"].map(|n| dir.join(n));
    for (p, t) in paths.iter().zip(texts) {
        std::fs::write(p, t).unwrap();
    }
    let arg = |i: usize| FileArg { path: &paths[i], shown: "file" };
    let inputs = Inputs { accounts: arg(0), purchases: Some(arg(1)), usage: arg(2) };
    let opts = Options {
        when_out: WhenOut::SmallestPack,
        spill_threshold: usize::MAX,
        progress: &|_, _| {},
        skip_invalid: false,
    };
    let bt = run(&inputs, cats, &opts).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    bt
}

#[test]
fn arrow_tables_give_the_rows_of_files() {
    let (before, after) = catalogs();
    let cats = Catalogs { before: Some(&before), after: &after };
    let texts = export(&after);
    let files = from_files(&texts, cats);
    let [a, p, u] = texts.each_ref().map(|t| arrow(t, |_| true));
    let inputs = ArrowInputs { accounts: &a, purchases: Some(&p), usage: &u };
    let memory = run_arrow(inputs, cats, WhenOut::SmallestPack, None).unwrap();
    assert_eq!(memory.events, files.events);
    assert!(memory.events > 1000, "a real export: {}", memory.events);
    let expected = rows(&files, &after);
    assert_eq!(rows(&memory, &after), expected);
    // The catalogs differ on this export: a difference would show.
    assert!(expected.lines().skip(1).any(|l| !l.contains(",0.00,")), "{expected}");
}

#[test]
fn groups_replayed_to_the_export_end_give_the_whole_runs_rows() {
    let (before, after) = catalogs();
    let cats = Catalogs { before: Some(&before), after: &after };
    let texts = export(&after);
    let whole = from_files(&texts, cats);
    let expected: Vec<String> = rows(&whole, &after).lines().map(String::from).collect();
    let mut grouped = vec![expected[0].clone()];
    for group in 0..4u32 {
        // Accounts by the last digit of their number, as a shuffle would split them.
        let mine = |r: &[&str]| r[0].bytes().last().is_some_and(|d| u32::from(d) % 4 == group);
        let [a, p, u] = texts.each_ref().map(|t| arrow(t, mine));
        let inputs = ArrowInputs { accounts: &a, purchases: Some(&p), usage: &u };
        let bt = run_arrow(inputs, cats, WhenOut::SmallestPack, Some(whole.end)).unwrap();
        assert_eq!(bt.end, whole.end);
        grouped.extend(rows(&bt, &after).lines().skip(1).map(String::from));
    }
    grouped[1..].sort();
    assert_eq!(grouped, expected);
}

#[test]
fn bad_cells_are_named_by_table_row_and_column() {
    let (_, after) = catalogs();
    let [accounts, _, usage] = export(&after);
    let first_row = usage.lines().nth(1).unwrap().to_string();
    let broken = usage.replacen(&first_row, &first_row.replacen("acct-", "nobody-", 1), 1);
    let (a, u) = (arrow(&accounts, |_| true), arrow(&broken, |_| true));
    let inputs = ArrowInputs { accounts: &a, purchases: None, usage: &u };
    let Err(err) = run_arrow(inputs, Catalogs { before: None, after: &after }, WhenOut::Refuse, None) else {
        panic!("an unknown account was accepted")
    };
    let text = err.to_string();
    assert!(text.starts_with("usage:1:1: error: column `account`: account `nobody-"), "{text}");
    assert!(text.contains("is not in the accounts file"), "{text}");
}
