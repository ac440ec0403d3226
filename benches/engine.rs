//! Performance targets (figures go in the closing notes, never in tests):
//! - one account, 1,000,000 usage events over a year with daily, monthly and
//!   pack grants and auto-recharge: under 1 s;
//! - a ten-year scenario with a handful of events costs about what a
//!   one-month one does (the clock jumps; it never steps day by day);
//! - replaying every bundled scenario (what `pricebook test` does): well
//!   under 1 s.

use chrono::{DateTime, Duration, Utc};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use pricebook::project::Project;
use pricebook_core::money::Credits;
use pricebook_engine::command::{Quantity, Usage};
use pricebook_engine::{Command, Simulation};
use pricebook_lang::compile::{Catalog, Workspace, compile_plan_text};
use pricebook_lang::diag::{Diagnostics, SourceFile, SourceMap};
use pricebook_lang::model::scenario::Billing;
use rust_decimal::Decimal;
use std::hint::black_box;
use std::path::Path;

/// A plan with every grant kind the target names: daily, monthly, packs,
/// auto-recharge.
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

/// One account, `n` usage events spread evenly over a year.
fn year_of_usage(cat: &Catalog, n: u32) -> (usize, Credits) {
    let t0 = start();
    let step = Duration::milliseconds(365 * 24 * 3600 * 1000 / i64::from(n));
    let mut engine = Simulation::new(cat, t0);
    let _ = engine.apply(t0, 0, &Command::SignUp { invited_by: None });
    let cmd = usage();
    let mut t = t0;
    for _ in 0..n {
        t += step;
        let _ = engine.apply(t, 0, &cmd);
    }
    let balance = engine.view(0).map(|v| v.balance).unwrap_or_default();
    (engine.ledger().len(), balance)
}

fn million_events(c: &mut Criterion) {
    let cat = bench_catalog();
    let mut group = c.benchmark_group("one_account_year");
    group.sample_size(10);
    for n in [100_000u32, 1_000_000] {
        group.throughput(Throughput::Elements(u64::from(n)));
        group
            .bench_with_input(BenchmarkId::from_parameter(n), &n, |b, &n| b.iter(|| black_box(year_of_usage(&cat, n))));
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
    engine.advance_to(t0 + Duration::days(months * 31));
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

criterion_group!(benches, million_events, ten_years_vs_one_month, bundled_suite);
criterion_main!(benches);
