//! Backtest throughput on a generated export (figures go in the closing
//! notes, never in tests). Targets, on the 2-core machine: 10,000,000 usage
//! events for 100,000 accounts replayed under two catalogs in ≤ 15 s wall
//! and ≤ 1 GiB peak memory, the replay costing at most 2× merely reading
//! the file. The full-size run is the documented command in README
//! ("Backtest at scale"); this bench measures the same pipeline on a
//! smaller export so it finishes in seconds (5,000 accounts, 20 days, 5
//! usage events a day on average), or on the README's export with
//! `PRICEBOOK_BENCH_EXPORT=100000,21,7` (accounts, days, events a day):
//! - `read`: the csv crate splitting the usage file into fields, one
//!   thread (the yardstick since the first release);
//! - `read/as the backtest reads, one core` and `read/as the backtest
//!   reads, every core`: the file split into rows exactly as the backtest
//!   splits it (blocks cut into pieces, a quote-free piece split by hand),
//!   nothing more: merely reading, with the backtest's own reader;
//! - `read/into events, every core`: the backtest's whole read phase and
//!   nothing more: the accounts, purchases and usage files read into
//!   typed events, names resolved in both catalogs, partitioned by account
//!   (what `--timings` reports as `read`);
//! - `replay, every core`: the replay phase alone, from events already
//!   read (what `--timings` reports as `replay`): every account sorted and
//!   replayed under both catalogs. The target is this case at most twice
//!   the one above;
//! - `backtest/2 catalogs`: reading, partitioning and replaying under two
//!   catalogs, as the command does;
//! - `backtest/spilled`: the same with every event spilled to temporary files.

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use pricebook_backtest::sample::{self, Sample, Style, Writers};
use pricebook_backtest::{
    Catalogs, FileArg, Inputs, Options, Tables, WhenOut, input, read_tables, replay_accounts, run,
};
use pricebook_lang::compile::{Catalog, compile_plan_text};
use pricebook_lang::diag::{Diagnostics, SourceFile, SourceMap};
use std::hint::black_box;
use std::path::{Path, PathBuf};

fn catalog(text: &str) -> Catalog {
    let mut sources = SourceMap::new();
    let mut diags = Diagnostics::new();
    let file = sources.add(SourceFile::new("plans/codeassist.toml", text.to_string()));
    compile_plan_text("codeassist", file, &sources, &mut diags).expect("the plan compiles")
}

struct Export {
    dir: PathBuf,
    events: u64,
}

impl Drop for Export {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn export(cat: &Catalog) -> Export {
    let dir = std::env::temp_dir().join(format!("pricebook-bench-backtest-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = |n: &str| std::io::BufWriter::new(std::fs::File::create(dir.join(n)).unwrap());
    let (mut u, mut a, mut p) = (file("usage.csv"), file("accounts.csv"), file("purchases.csv"));
    let s = size();
    let mut w = Writers { accounts: &mut a, purchases: &mut p, usage: &mut u };
    let n = sample::generate(cat, &s, Style::Csv, &mut w).unwrap();
    for f in [u, a, p] {
        f.into_inner().unwrap();
    }
    Export { dir, events: n.usage + n.purchases }
}

/// The export's size: `PRICEBOOK_BENCH_EXPORT=ACCOUNTS,DAYS,EVENTS_PER_DAY`,
/// or the quick default.
fn size() -> Sample {
    let Ok(given) = std::env::var("PRICEBOOK_BENCH_EXPORT") else {
        return Sample { accounts: 5_000, days: 20, seed: 1, events_per_day: 5 };
    };
    let n: Vec<u32> = given.split(',').map(|n| n.trim().parse().expect("a whole number")).collect();
    let [accounts, days, events_per_day] = n[..] else {
        panic!("PRICEBOOK_BENCH_EXPORT is ACCOUNTS,DAYS,EVENTS_PER_DAY, e.g. 100000,21,7; got {given:?}")
    };
    Sample { accounts, days, seed: 1, events_per_day }
}

fn inputs(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    (dir.join("usage.csv"), dir.join("accounts.csv"), dir.join("purchases.csv"))
}

fn bench(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("plans/codeassist.toml")).unwrap();
    let after = catalog(&text);
    let before = catalog(&text.replace("monthly_credits = 500", "monthly_credits = 400"));
    let ex = export(&after);
    let (usage, accounts, purchases) = inputs(&ex.dir);
    let mut g = c.benchmark_group("backtest");
    g.sample_size(10);
    g.throughput(Throughput::Elements(ex.events));
    let columns = ["account", "time", "feature", "model"];
    g.bench_function("read", |b| {
        b.iter(|| {
            let mut rows = 0u64;
            input::read_rows(&usage, "usage.csv", &columns, 4, &mut |r| {
                rows += u64::from(!r.get(0).is_empty());
                Ok(())
            })
            .unwrap();
            black_box(rows)
        })
    });
    let one = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    for (name, pool) in
        [("read/as the backtest reads, one core", Some(&one)), ("read/as the backtest reads, every core", None)]
    {
        let count = || input::count_csv_rows(&usage, "usage.csv", &columns, 4).unwrap();
        g.bench_function(name, |b| b.iter(|| black_box(pool.map_or_else(count, |p| p.install(count)))));
    }
    let files = Inputs {
        usage: FileArg { path: &usage, shown: "usage.csv" },
        accounts: FileArg { path: &accounts, shown: "accounts.csv" },
        purchases: Some(FileArg { path: &purchases, shown: "purchases.csv" }),
    };
    let tables = Tables::from(&files);
    let cats = Catalogs { before: Some(&before), after: &after };
    let quiet = |_: u64, _: u64| {};
    let opts =
        |spill_threshold| Options { when_out: WhenOut::Refuse, spill_threshold, progress: &quiet, skip_invalid: false };
    let in_memory = opts(2_000_000);
    let read = || read_tables(&tables, cats, &in_memory, None).unwrap();
    // Both phases leave their output to be dropped untimed: freeing the
    // events is neither reading nor replaying.
    g.bench_function("read/into events, every core", |b| b.iter_batched(|| (), |()| read(), BatchSize::PerIteration));
    g.bench_function("replay, every core", |b| {
        b.iter_batched(read, |r| replay_accounts(r, &in_memory).unwrap(), BatchSize::PerIteration)
    });
    for (name, spill_threshold) in [("2 catalogs", 2_000_000), ("spilled", 0)] {
        let opts = opts(spill_threshold);
        g.bench_function(name, |b| b.iter(|| black_box(run(&files, cats, &opts).unwrap().events)));
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
