//! Performance targets (figures go in the closing notes, never in tests).
//! Read them as ratios measured side by side in one run:
//! - one account, 1,000,000 usage events over a year with daily, monthly
//!   and pack grants and auto-recharge, through the per-account engine:
//!   at least 10 M events/s with the summarising sink (`Totals`), 5 M/s with
//!   the full ledger; no heap allocation per usage event (counted by the
//!   allocator below and printed before the timings);
//! - 100,000 accounts x 5 events: linear in accounts, <= 1 KB of state per
//!   quiet account after the run (printed);
//! - a ten-year horizon costs about what a month does for a quiet account
//!   (the clock jumps; it never steps day by day);
//! - replaying every bundled scenario (what `pricebook test` does).
//!
//! Run: `cargo bench --bench engine` (add `-- one_account` to pick a group).

use chrono::{DateTime, Duration, Utc};
use criterion::{BenchmarkId, Criterion, Throughput};
use pricebook::project::Project;
use pricebook_core::catalog::Catalog;
use pricebook_core::money::Credits;
use pricebook_engine::command::{Quantity, Usage};
use pricebook_engine::engine;
use pricebook_engine::ledger::{Entry, Sink};
use pricebook_engine::{AccountState, Command, Ledger, Simulation, Totals};
use pricebook_lang::compile::{Workspace, compile_plan_text};
use pricebook_lang::diag::{Diagnostics, SourceFile, SourceMap};
use pricebook_lang::model::scenario::Billing;
use rust_decimal::Decimal;
use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::path::Path;
use std::sync::atomic::{AtomicIsize, AtomicUsize, Ordering::Relaxed};

/// Counts allocations and live bytes, to check the hot path allocates
/// nothing per event and to weigh an account's state.
struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);
static LIVE_BYTES: AtomicIsize = AtomicIsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Relaxed);
        LIVE_BYTES.fetch_add(layout.size() as isize, Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE_BYTES.fetch_sub(layout.size() as isize, Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Relaxed);
        LIVE_BYTES.fetch_add(new_size as isize - layout.size() as isize, Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

const BENCH_PLAN: &str = r#"
[catalog]
name = "Bench"
currency = "USD"
default_plan = "pro"

[credits]
unit = "credit"
consumption_order = ["priority", "soonest_expiry", "oldest"]
on_exhaustion = "refuse"

[[sources]]
id = "daily"
kind = "daily_activity"
amount = 500
expires = "end_of_day"

[[sources]]
id = "monthly"
kind = "allowance"
expires = "end_of_cycle"
priority = 1

[[sources]]
id = "topup"
kind = "purchase"
expires = "never"
priority = 2

[[plans]]
id = "pro"
name = "Pro"
monthly_price = 0
monthly_credits = 20000

[[packs]]
id = "pack"
name = "Pack"
credits = 10000
price = "$10"

[[features]]
id = "task"
name = "Task"
rates = [{ model = "default", per_request = 1 }]

[auto_recharge]
enabled_by_default = true
threshold = 100
buys = "pack"
pack = "pack"
"#;

fn bench_catalog() -> Catalog {
    let mut sources = SourceMap::new();
    let file = sources.add(SourceFile::new("bench.toml", BENCH_PLAN));
    let mut diags = Diagnostics::new();
    compile_plan_text("bench", file, &sources, &mut diags).expect("the bench plan compiles")
}

fn start() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z").map(|t| t.with_timezone(&Utc)).unwrap_or_default()
}

fn usage() -> Command {
    Command::Use(Usage {
        rate: Some((0, 0)),
        quantity: Quantity::default(),
        credits: None,
        project: None,
        session: None,
        operation: None,
    })
}

/// One account, `n` usage events spread evenly over a year, through the
/// per-account engine into `sink`.
fn year_of_usage<S: Sink>(cat: &Catalog, n: u32, mut sink: S) -> (S, Credits) {
    let t0 = start();
    let step = Duration::milliseconds(365 * 24 * 3600 * 1000 / i64::from(n));
    let (mut account, _) = engine::sign_up(cat, 0, t0, None, &mut sink);
    let cmd = usage();
    let mut t = t0;
    for _ in 0..n {
        t += step;
        let _ = engine::step(cat, &mut account, t, &cmd, &mut sink);
    }
    let balance = account.wallet.balance();
    (sink, balance)
}

fn million_events(c: &mut Criterion) {
    let cat = bench_catalog();
    let mut group = c.benchmark_group("one_account_year");
    group.sample_size(10);
    let n = 1_000_000u32;
    group.throughput(Throughput::Elements(u64::from(n)));
    group.bench_with_input(BenchmarkId::new("totals", n), &n, |b, &n| {
        b.iter(|| black_box(year_of_usage(&cat, n, Totals::default()).1))
    });
    group.bench_with_input(BenchmarkId::new("ledger", n), &n, |b, &n| {
        b.iter(|| black_box(year_of_usage(&cat, n, Ledger::new()).0.len()))
    });
    group.finish();
}

/// A sink that drops lines: what the engine itself costs.
struct Discard;

impl Sink for Discard {
    fn record(&mut self, entry: Entry) {
        black_box(entry);
    }
}

/// Allocations per usage event on the hot path, and bytes per quiet
/// account's state, printed (not timed).
fn report_counts(cat: &Catalog) {
    let t0 = start();
    let mut sink = Discard;
    let (mut account, _) = engine::sign_up(cat, 0, t0, None, &mut sink);
    let cmd = usage();
    // Warm up past the first grants and recharges, then count.
    let mut t = t0;
    for _ in 0..1_000 {
        t += Duration::seconds(30);
        let _ = engine::step(cat, &mut account, t, &cmd, &mut sink);
    }
    let before = ALLOCATIONS.load(Relaxed);
    let events = 100_000u32;
    for _ in 0..events {
        t += Duration::seconds(30);
        let _ = engine::step(cat, &mut account, t, &cmd, &mut sink);
    }
    let allocations = ALLOCATIONS.load(Relaxed) - before;
    eprintln!(
        "allocations per usage event: {:.4} ({allocations} in {events} events, recharges and cycle starts included)",
        allocations as f64 / f64::from(events)
    );
    eprintln!("ledger line (Entry): {} bytes", std::mem::size_of::<Entry>());

    let accounts = 100_000u32;
    let live = LIVE_BYTES.load(Relaxed);
    let states = accounts_five_events(cat, accounts);
    let per_account = (LIVE_BYTES.load(Relaxed) - live) as f64 / f64::from(accounts);
    eprintln!(
        "state per quiet account after 5 events: {per_account:.0} bytes on the heap and in the table \
         (AccountState itself is {} bytes)",
        std::mem::size_of::<AccountState>()
    );
    drop(states);
}

/// `n` accounts, each signing up, buying a pack and using credits four
/// times, with a summarising sink each; returns the states.
fn accounts_five_events(cat: &Catalog, n: u32) -> Vec<(AccountState, Totals)> {
    let t0 = start();
    let buy = Command::Buy { pack: 0, credits: None, amount: None, idempotency_key: None };
    let cmd = usage();
    (0..n)
        .map(|id| {
            let mut totals = Totals::default();
            let at = t0 + Duration::seconds(i64::from(id));
            let (mut a, _) = engine::sign_up(cat, id, at, None, &mut totals);
            let _ = engine::step(cat, &mut a, at + Duration::hours(1), &buy, &mut totals);
            for k in 0..3 {
                let _ = engine::step(cat, &mut a, at + Duration::hours(2 + k), &cmd, &mut totals);
            }
            (a, totals)
        })
        .collect()
}

fn many_accounts(c: &mut Criterion) {
    let cat = bench_catalog();
    let mut group = c.benchmark_group("accounts_x5_events");
    group.sample_size(10);
    for n in [10_000u32, 100_000] {
        group.throughput(Throughput::Elements(u64::from(n) * 5));
        group.bench_with_input(BenchmarkId::from_parameter(n), &n, |b, &n| {
            b.iter(|| black_box(accounts_five_events(&cat, n).len()))
        });
    }
    group.finish();
}

/// A handful of events, then the clock runs `months` ahead. `subscribe`:
/// a yearly subscriber whose plan grants, rolls over and expires credits
/// every month (work proportional to cycles, never to days); otherwise a
/// pay-as-you-go account with nothing scheduled after its top-up expires.
fn horizon(cat: &Catalog, months: i64, subscribe: bool) -> usize {
    let t0 = start();
    let mut engine = Simulation::new(cat, t0);
    let _ = engine.apply(t0, 0, &Command::SignUp { invited_by: None });
    let day = Duration::days(1);
    if subscribe {
        let _ = engine.apply(
            t0 + day,
            0,
            &Command::Subscribe { plan: 1, billing: Billing::Yearly, trial: None, price: None },
        );
    } else {
        let buy = Command::Buy {
            pack: 0,
            credits: Some(Credits::new(Decimal::from(1000))),
            amount: None,
            idempotency_key: None,
        };
        let _ = engine.apply(t0 + day, 0, &buy);
    }
    let usage = Command::Use(Usage {
        rate: None,
        quantity: Quantity::default(),
        credits: Some(Credits::new(Decimal::from(100))),
        project: None,
        session: None,
        operation: None,
    });
    let _ = engine.apply(t0 + day * 2, 0, &usage);
    let _ = engine.advance_to(t0 + Duration::days(months * 31));
    engine.ledger().len()
}

fn ten_years_vs_one_month(c: &mut Criterion) {
    let project = Project::open(Workspace::new(Path::new(env!("CARGO_MANIFEST_DIR"))));
    let Some(voice) = project.catalogs.get("voiceagent") else { return };
    let mut group = c.benchmark_group("horizon");
    for (name, subscribe) in [("yearly_subscriber", true), ("pay_as_you_go", false)] {
        for months in [1i64, 12, 120] {
            group.bench_with_input(BenchmarkId::new(name, months), &months, |b, &m| {
                b.iter(|| black_box(horizon(voice, m, subscribe)))
            });
        }
    }
    group.finish();
}

fn bundled_suite(c: &mut Criterion) {
    let (mut sources, mut diags) = (SourceMap::new(), Diagnostics::new());
    let Some(ws) = pricebook_lang::manifest::open(Path::new(env!("CARGO_MANIFEST_DIR")), &mut sources, &mut diags)
    else {
        return;
    };
    let files = ws.scenario_files();
    c.bench_function("replay_all_bundled_scenarios", |b| {
        b.iter(|| {
            let mut project = Project::open(ws.clone());
            let rendered: usize = files
                .iter()
                .filter_map(|f| project.replay_as(f, pricebook::project::Rendering::Table))
                .map(|r| r.table.len())
                .sum();
            black_box(rendered)
        })
    });
}

fn main() {
    report_counts(&bench_catalog());
    let mut c = Criterion::default().configure_from_args();
    million_events(&mut c);
    many_accounts(&mut c);
    ten_years_vs_one_month(&mut c);
    bundled_suite(&mut c);
    c.final_summary();
}
