//! `pricebook backtest`: replays a usage export under the project's plans
//! ("after") and older ones ("before": a folder or a git revision), and
//! writes per-account results and a summary. Thin: arguments to catalogs
//! and files, the backtest library, atomic writes, an exit code (0 done,
//! 1 the export or the plans have problems, 2 pricebook could not run).

use super::Output;
use crate::diff::side::{self, Side, Spec};
use pricebook_backtest::{self as bt, Catalogs, FileArg, Inputs, Options, WhenOut};
use pricebook_core::catalog::Catalog;
use pricebook_core::money::Currency;
use pricebook_lang::compile::Workspace;
use pricebook_lang::fsutil::write_atomic;
use rust_decimal::Decimal;
use std::path::{Path, PathBuf};

/// The export and how to replay it (shared with `diff --usage`).
pub struct Export<'a> {
    pub usage: &'a Path,
    pub accounts: &'a Path,
    pub purchases: Option<&'a Path>,
    pub when_out: WhenOut,
    pub spill_threshold: usize,
    /// Skip unreadable rows (listed in `skipped.csv`) instead of stopping.
    pub skip_invalid: bool,
    /// Also write `accounts.parquet`.
    pub parquet: bool,
}

/// What the user typed.
pub struct Args<'a> {
    pub export: Export<'a>,
    pub plans: &'a str,
    pub against: Option<&'a Path>,
    pub base: Option<&'a str>,
    pub output: &'a Path,
    pub timings: bool,
}

/// A compiled side and the catalog named by `--plans`, or why not (exit code).
fn side_catalog(ws: &Workspace, spec: &Spec, label: &str, name: &str, out: &mut Output) -> Result<Side, u8> {
    let loaded = side::read(ws, spec, label).map_err(|e| {
        out.eprint(&format!("error: {e}\n"));
        2
    })?;
    let side = loaded.compile();
    if !side.compiled() {
        out.diagnostics(&side.diags, &side.sources, super::MessageFormat::Human);
        out.eprint(&format!("error: the {label} plans do not compile; nothing to replay\n"));
        return Err(1);
    }
    if !side.catalogs.contains_key(name) {
        let known: Vec<&str> = side.catalogs.keys().map(String::as_str).collect();
        out.eprint(&format!(
            "error: the {label} plans have no plan file `{name}`\n  = help: {}\n",
            pricebook_lang::suggest::help_for(name, "plan files", known.iter().copied())
        ));
        return Err(1);
    }
    Ok(side)
}

fn shown(root: &Path, p: &Path) -> String {
    p.strip_prefix(root).unwrap_or(p).display().to_string()
}

/// A compiled side and how outputs name it.
pub(crate) type Named = (Side, String);

/// The named sides: before (absent for a one-sided run) and after.
pub(crate) struct Sides {
    pub before: Option<Named>,
    pub after: Named,
}

/// A finished backtest, its summary for a pull request, and its files (name, bytes).
pub(crate) struct Rendered {
    pub backtest: bt::Backtest,
    pub summary_md: String,
    pub files: Vec<(&'static str, Vec<u8>)>,
}

/// The named sides' catalogs.
pub(crate) fn load_sides(
    ws: &Workspace,
    plans: &str,
    against: Option<&Path>,
    base: Option<&str>,
    out: &mut Output,
) -> Result<Sides, u8> {
    let root = ws.root.as_path();
    let after_label = "working tree".to_string();
    let after = side_catalog(ws, &Spec::Path(ws.plans_dir()), &after_label, plans, out)?;
    let before = match (against, base) {
        (Some(_), Some(_)) => {
            out.eprint("error: give --against DIR or --base REV, not both\n");
            return Err(2);
        }
        (Some(dir), None) => {
            let label = dir.display().to_string();
            Some((side_catalog(ws, &Spec::Path(ws.locate(dir)), &label, plans, out)?, label))
        }
        (None, Some(rev)) => {
            if let Err(e) = side::verify_revision(root, rev) {
                out.eprint(&format!("error: {e}\n"));
                return Err(2);
            }
            Some((side_catalog(ws, &Spec::Git(rev.to_string()), rev, plans, out)?, rev.to_string()))
        }
        (None, None) => None,
    };
    Ok(Sides { before, after: (after, after_label) })
}

/// Runs the backtest and renders its summary and, with `files`, its files.
pub(crate) fn backtest_files(
    ws: &Workspace,
    args: &Export<'_>,
    (before, after): (Option<&Catalog>, &Catalog),
    labels: (Option<&str>, &str),
    files: bool,
    out: &mut Output,
) -> Result<Rendered, u8> {
    if args.parquet && !cfg!(feature = "parquet") {
        out.eprint(
            "error: this pricebook was built without Parquet support, so it cannot write accounts.parquet\n  \
             = help: install it with `cargo install --path . --features parquet`, or leave out --parquet\n",
        );
        return Err(2);
    }
    let root = ws.root.as_path();
    let file = |p: &Path| (ws.locate(p), shown(root, &ws.locate(p)));
    let (usage, accounts) = (file(args.usage), file(args.accounts));
    let purchases = args.purchases.map(file);
    let inputs = Inputs {
        usage: FileArg { path: &usage.0, shown: &usage.1 },
        accounts: FileArg { path: &accounts.0, shown: &accounts.1 },
        purchases: purchases.as_ref().map(|p| FileArg { path: &p.0, shown: &p.1 }),
    };
    let progress = super::progress::Bar::new();
    let report = |done: u64, total: u64| progress.set(done, total);
    let opts = Options {
        when_out: args.when_out,
        spill_threshold: args.spill_threshold,
        progress: &report,
        skip_invalid: args.skip_invalid,
    };
    let result = bt::run(&inputs, Catalogs { before, after }, &opts);
    progress.finish();
    let backtest = match result {
        Ok(b) => b,
        Err(e @ bt::BacktestError::Input(_)) => {
            out.eprint(&format!("{e}\n"));
            return Err(1);
        }
        Err(e) => {
            out.eprint(&format!("{e}\n"));
            return Err(2);
        }
    };
    let currency = after.currency;
    let summary = bt::summary::summarise(&backtest, &after.id, currency.code, labels);
    let csv = bt::render::accounts_csv(&backtest, currency);
    let json = bt::render::summary_json(&summary);
    let skipped = backtest.skipped.as_deref().map(bt::render::skipped_csv).transpose();
    let (Ok(csv), Ok(json), Ok(skipped)) = (csv, json, skipped) else {
        out.eprint("error: internal: cannot render the results\n");
        return Err(2);
    };
    let summary_md = bt::render::summary_md(&summary, currency);
    if !files {
        return Ok(Rendered { backtest, summary_md, files: Vec::new() });
    }
    let md = summary_md.clone().into_bytes();
    let mut written = vec![("accounts.csv", csv), ("summary.md", md), ("summary.json", json.into_bytes())];
    written.extend(skipped.map(|s| ("skipped.csv", s)));
    if args.parquet {
        written.push(("accounts.parquet", accounts_parquet(&backtest, currency, out)?));
    }
    let plots = plots((before, after), &backtest, &summary).map_err(|e| {
        out.eprint(&format!("{e}\n"));
        2
    })?;
    written.extend(plots);
    Ok(Rendered { backtest, summary_md, files: written })
}

pub fn run(ws: &Workspace, args: &Args<'_>, out: &mut Output) -> u8 {
    let root = ws.root.as_path();
    let Sides { before, after } = match load_sides(ws, args.plans, args.against, args.base, out) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let before_cat = before.as_ref().and_then(|(s, _)| s.catalogs.get(args.plans));
    let Some(after_cat) = after.0.catalogs.get(args.plans) else { return 1 };
    let labels = (before.as_ref().map(|(_, l)| l.as_str()), after.1.as_str());
    let rendered = backtest_files(ws, &args.export, (before_cat, after_cat), labels, true, out);
    let Rendered { backtest, files, .. } = match rendered {
        Ok(x) => x,
        Err(code) => return code,
    };
    let write_clock = std::time::Instant::now();
    let dir: PathBuf = if args.output.is_absolute() { args.output.to_path_buf() } else { root.join(args.output) };
    for (name, bytes) in &files {
        if let Err(e) = write_atomic(&dir.join(name), bytes) {
            out.eprint(&format!("error: cannot write {}: {e}\n", dir.join(name).display()));
            return 2;
        }
    }
    let shown_dir = shown(root, &dir);
    out.print(&format!(
        "backtest: {} accounts, {} events replayed under {} catalog(s); wrote {} in {shown_dir}/\n",
        backtest.accounts.len(),
        backtest.events,
        1 + usize::from(before_cat.is_some()),
        files.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
    ));
    if let Some(skipped) = &backtest.skipped {
        out.eprint(&format!(
            "skipped {} input row(s) that could not be read; each is listed in {shown_dir}/skipped.csv\n",
            skipped.len()
        ));
    }
    if args.timings {
        let t = backtest.timings;
        let secs = |d: std::time::Duration| d.as_secs_f64();
        let total = secs(t.read) + secs(t.replay);
        // Timings are for people watching a run; they never reach a file.
        let rate = if total > 0.0 { backtest.events as f64 / total } else { 0.0 };
        out.eprint(&format!(
            "timings: read {:.2} s, replay {:.2} s, write {:.2} s; {:.0} events/s\n",
            secs(t.read),
            secs(t.replay),
            secs(write_clock.elapsed()),
            rate
        ));
    }
    0
}

#[cfg(feature = "parquet")]
fn accounts_parquet(backtest: &bt::Backtest, currency: &Currency, out: &mut Output) -> Result<Vec<u8>, u8> {
    bt::parquet_out::accounts_parquet(backtest, currency).map_err(|e| {
        out.eprint(&format!("error: internal: cannot write accounts.parquet: {e}\n"));
        2
    })
}

/// Without the `parquet` feature `--parquet` stops before the run.
#[cfg(not(feature = "parquet"))]
fn accounts_parquet(_: &bt::Backtest, _: &Currency, _: &mut Output) -> Result<Vec<u8>, u8> {
    Err(2)
}

/// Accounts whose balance is drawn: the top movers, or with one catalog
/// the accounts charged most.
const DRAWN: usize = 4;

fn plots(
    (before, after): (Option<&Catalog>, &Catalog),
    backtest: &bt::Backtest,
    summary: &bt::summary::Summary,
) -> Result<Vec<(&'static str, Vec<u8>)>, bt::BacktestError> {
    let currency = after.currency.code;
    let mut files = Vec::new();
    let rows: Vec<(String, Option<Decimal>, Decimal)> = summary
        .by_plan
        .iter()
        .map(|p| (p.plan.clone(), p.revenue.before.map(|m| m.get()), p.revenue.after.get()))
        .collect();
    let bars = bt::plot::paired_bars(&format!("Revenue by plan ({})", summary.catalog), currency, &rows);
    files.push(("revenue_by_plan.svg", bars.into_bytes()));
    let ids: Vec<u32> = if before.is_some() {
        let deltas: Vec<Decimal> = backtest
            .results
            .iter()
            .filter_map(|r| r.before.as_ref().map(|b| (r.after.charged - b.charged).get()))
            .collect();
        let title = format!("Change per customer ({}, {} accounts)", summary.catalog, deltas.len());
        files.push(("change.svg", bt::plot::histogram(&title, currency, &deltas, 20).into_bytes()));
        summary.top_movers.iter().filter_map(|m| backtest.accounts.id(&m.account)).take(DRAWN).collect()
    } else {
        let mut by_charge: Vec<(std::cmp::Reverse<_>, u32)> =
            backtest.results.iter().enumerate().map(|(i, r)| (std::cmp::Reverse(r.after.charged), i as u32)).collect();
        by_charge.sort();
        by_charge.into_iter().take(DRAWN).map(|(_, i)| i).collect()
    };
    let ledgers = bt::ledgers(Catalogs { before, after }, backtest, &ids)?;
    let mut series = Vec::new();
    for (color, (id, sides)) in ledgers.iter().enumerate() {
        let name = &backtest.accounts.get(*id).name;
        let two = sides.len() == 2;
        for (k, ledger) in sides.iter().enumerate() {
            let (label, dashed) = match (two, k) {
                (true, 0) => (format!("{name} (before)"), true),
                (true, _) => (format!("{name} (after)"), false),
                _ => (name.clone(), false),
            };
            series.push(bt::plot::Series::of_ledger(label, (color, dashed), ledger, *id));
        }
    }
    let title = format!(
        "Balance over time, {} ({})",
        if before.is_some() { "top movers" } else { "top accounts" },
        summary.catalog
    );
    let chart = bt::plot::balances(&title, &after.credits.plural, &series, Some(backtest.start));
    files.push(("balances.svg", chart.into_bytes()));
    Ok(files)
}
