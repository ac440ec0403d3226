//! A whole backtest: read the export, partition it by account, replay
//! every account under each catalog in parallel, keep per-account figures.
//!
//! Results are indexed by account number (name order) and each account is
//! replayed on its own, so they are the same bytes whatever the thread
//! count, the bucket count or the order of the export's rows.

use crate::accounts::{self, Accounts};
use crate::error::{InputError, InputErrorKind};
use crate::events::{self, Event, Names, Table};
use crate::group::Groups;
use crate::input::Source;
use crate::partition::{Partitioner, Partitions};
use crate::replay::{self, Catalogued, Figures, SharedPrices, WhenOut};
use crate::skip::OnBad;
use pricebook_core::calendar::Instant;
use pricebook_core::catalog::Catalog;
use pricebook_engine::Ledger;
use rayon::prelude::*;
use std::fmt;
use std::path::Path;
use std::time::Duration;

/// A file and how errors name it.
#[derive(Clone, Copy, Debug)]
pub struct FileArg<'a> {
    pub path: &'a Path,
    pub shown: &'a str,
}

/// What a backtest reads.
#[derive(Clone, Copy, Debug)]
pub struct Inputs<'a> {
    pub usage: FileArg<'a>,
    pub accounts: FileArg<'a>,
    pub purchases: Option<FileArg<'a>>,
}

/// A table, wherever it is, and how errors name it.
#[derive(Clone, Copy, Debug)]
pub struct TableArg<'a> {
    pub source: Source<'a>,
    pub shown: &'a str,
}

impl<'a> From<FileArg<'a>> for TableArg<'a> {
    fn from(f: FileArg<'a>) -> Self {
        TableArg { source: Source::File(f.path), shown: f.shown }
    }
}

/// What a backtest reads, from files or memory.
#[derive(Clone, Copy, Debug)]
pub struct Tables<'a> {
    pub usage: TableArg<'a>,
    pub accounts: TableArg<'a>,
    pub purchases: Option<TableArg<'a>>,
}

impl<'a> From<&Inputs<'a>> for Tables<'a> {
    fn from(i: &Inputs<'a>) -> Self {
        Tables { usage: i.usage.into(), accounts: i.accounts.into(), purchases: i.purchases.map(TableArg::from) }
    }
}

/// How a backtest runs.
pub struct Options<'a> {
    pub when_out: WhenOut,
    /// Events kept in memory before spilling to temporary files.
    pub spill_threshold: usize,
    /// Called with (accounts replayed, accounts) as buckets finish.
    pub progress: &'a (dyn Fn(u64, u64) + Sync),
    /// Skip rows that cannot be read (listed in [`Backtest::skipped`]) instead of stopping.
    pub skip_invalid: bool,
}

/// Why a backtest stopped.
#[derive(Debug)]
pub enum BacktestError {
    Input(InputError),
    /// Temporary files could not be written or read.
    Spill(String),
    /// The engine was driven wrongly: a bug in pricebook.
    Engine {
        account: String,
        why: String,
    },
}

impl fmt::Display for BacktestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BacktestError::Input(e) => e.fmt(f),
            BacktestError::Spill(why) => write!(f, "error: temporary files: {why}"),
            BacktestError::Engine { account, why } => {
                write!(f, "error: internal: replaying account `{account}`: {why} (please report this)")
            }
        }
    }
}

impl From<InputError> for BacktestError {
    fn from(e: InputError) -> Self {
        BacktestError::Input(e)
    }
}

/// One account's result under each catalog.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AccountResult {
    pub events: u64,
    pub before: Option<Figures>,
    pub after: Figures,
}

/// Seconds spent in each stage.
#[derive(Clone, Copy, Debug, Default)]
pub struct Timings {
    pub read: Duration,
    pub replay: Duration,
}

/// A finished backtest.
pub struct Backtest {
    pub accounts: Accounts,
    pub names: Names,
    /// By account number.
    pub results: Vec<AccountResult>,
    pub events: u64,
    /// First and last event (or sign-up, when there are no events).
    pub start: Instant,
    pub end: Instant,
    pub when_out: WhenOut,
    pub timings: Timings,
    /// With `skip_invalid`: every row skipped, in reading order (accounts,
    /// purchases, usage); `None` when the run stops at the first bad row.
    pub skipped: Option<Vec<InputError>>,
    /// The events, kept (in memory or in temporary files) for [`ledgers`].
    parts: Partitions,
}

/// The two catalogs compared; `before` is absent for a one-sided run.
#[derive(Clone, Copy)]
pub struct Catalogs<'c> {
    pub before: Option<&'c Catalog>,
    pub after: &'c Catalog,
}

impl<'c> Catalogs<'c> {
    /// In the order names are resolved: before (if any), then after.
    pub fn list(&self) -> Vec<&'c Catalog> {
        self.before.into_iter().chain(std::iter::once(self.after)).collect()
    }
}

/// Runs a backtest of files.
pub fn run(inputs: &Inputs<'_>, cats: Catalogs<'_>, opts: &Options<'_>) -> Result<Backtest, BacktestError> {
    run_tables(&Tables::from(inputs), cats, opts, None)
}

/// Runs a backtest of tables from files or memory: [`read_tables`], then
/// [`replay_accounts`].
pub fn run_tables(
    inputs: &Tables<'_>,
    cats: Catalogs<'_>,
    opts: &Options<'_>,
    end: Option<Instant>,
) -> Result<Backtest, BacktestError> {
    replay_accounts(read_tables(inputs, cats, opts, end)?, opts)
}

/// A backtest's read phase done: the export read into events, names
/// resolved in the catalogs it holds, partitioned by account.
pub struct Read<'c> {
    /// The catalogs names were resolved in: the replay's own, so their
    /// indices cannot be mixed up with another pair's.
    cats: Catalogs<'c>,
    accounts: Accounts,
    names: Names,
    parts: Partitions,
    start: Instant,
    end: Instant,
    skipped: Option<Vec<InputError>>,
    /// How long reading took.
    pub took: Duration,
}

/// Reads a backtest's tables: the accounts, then the purchases and usage
/// into events, partitioned by account. `end` is when the export ends,
/// for tables that are one part of a larger export (one group of accounts
/// on a cluster): every account is then replayed up to the same time as in
/// the whole export. `None`, or a time before the tables' last event: as
/// for a whole export.
pub fn read_tables<'c>(
    inputs: &Tables<'_>,
    cats: Catalogs<'c>,
    opts: &Options<'_>,
    end: Option<Instant>,
) -> Result<Read<'c>, BacktestError> {
    let clock = std::time::Instant::now();
    let list = cats.list();
    let mut skipped = Vec::new();
    let mut on_bad = if opts.skip_invalid { OnBad::Skip(&mut skipped) } else { OnBad::Stop };
    let accounts = accounts::read(inputs.accounts.source, inputs.accounts.shown, &list, &mut on_bad)?;
    let mut names = Names::new(list.len());
    let mut part = Partitioner::new(opts.spill_threshold);
    if let Some(p) = inputs.purchases {
        events::read(Table::Purchases, (p.source, p.shown), (&accounts, &mut on_bad), &mut names, &list, &mut part)?;
    }
    let u = inputs.usage;
    events::read(Table::Usage, (u.source, u.shown), (&accounts, &mut on_bad), &mut names, &list, &mut part)?;
    let parts = part.finish().map_err(|e| BacktestError::Spill(e.to_string()))?;
    let bounds = parts.bounds;
    let (start, end_of_tables) = match bounds {
        Some(b) => b,
        None => {
            let first = accounts.list.iter().map(|a| a.signed_up).min();
            let last = accounts.list.iter().map(|a| a.since).max();
            match (first, last) {
                (Some(f), Some(l)) => (f, l),
                _ => return Err(InputError::file(inputs.accounts.shown, InputErrorKind::Empty).into()),
            }
        }
    };
    // The tables' own end when they have no events is their accounts' last
    // plan start: the whole export's end stands instead, as it would there.
    let end = match (end, bounds) {
        (Some(e), Some((_, last))) => e.max(last),
        (Some(e), None) => e,
        (None, _) => end_of_tables,
    };
    let skipped = opts.skip_invalid.then_some(skipped);
    Ok(Read { cats, accounts, names, parts, start, end, skipped, took: clock.elapsed() })
}

/// Replays every account of a read export under each of its catalogs, on
/// every core.
pub fn replay_accounts(read: Read<'_>, opts: &Options<'_>) -> Result<Backtest, BacktestError> {
    let clock = std::time::Instant::now();
    let Read { cats, accounts, names, mut parts, start, end, skipped, took } = read;
    let list = cats.list();
    let sides = Catalogued::each(&names, &list);
    let shared = SharedPrices::of(&sides);
    let mut results: Vec<Option<AccountResult>> = vec![None; accounts.len()];
    let buckets = parts.buckets();
    let total = accounts.len() as u64;
    let mut done = 0u64;
    let spill = |e: std::io::Error| BacktestError::Spill(e.to_string());
    let mut next = parts.take(0).map_err(spill)?;
    for b in 0..buckets {
        let events = std::mem::take(&mut next);
        let ids: Vec<u32> = (b..accounts.len() as u32).step_by(buckets as usize).collect();
        let replay_bucket = || -> Vec<Result<(u32, AccountResult), BacktestError>> {
            let groups = Groups::new(&events, buckets, ids.len());
            ids.par_iter()
                .enumerate()
                .map_init(<(Vec<Event>, Vec<_>)>::default, |(evs, costs), (k, id)| {
                    groups.sorted(k, &events, evs);
                    if let Some(shared) = &shared {
                        shared.costs(evs, costs);
                    }
                    let account = accounts.get(*id);
                    let engine = |e: pricebook_engine::EngineError| BacktestError::Engine {
                        account: account.name.clone(),
                        why: e.to_string(),
                    };
                    let mut figures = sides
                        .iter()
                        .map(|side| replay::figures(side, (*id, account), (evs, costs), (end, opts.when_out)))
                        .collect::<Result<Vec<_>, _>>()
                        .map_err(engine)?;
                    let after = figures.pop().unwrap_or_default();
                    let before = figures.pop();
                    Ok((*id, AccountResult { events: groups.len(k) as u64, before, after }))
                })
                .collect()
        };
        // Spilled buckets: the next one is read from disk while this one is replayed.
        let ahead = || if b + 1 < buckets { parts.spilled(b + 1) } else { None };
        let (fetched, replayed) = rayon::join(ahead, replay_bucket);
        for r in replayed {
            let (id, result) = r?;
            results[id as usize] = Some(result);
        }
        parts.give_back(events);
        if let Some(fetched) = fetched {
            next = fetched.map_err(spill)?;
        }
        done += ids.len() as u64;
        (opts.progress)(done, total);
    }
    let results = results.into_iter().map(Option::unwrap_or_default).collect();
    let timings = Timings { read: took, replay: clock.elapsed() };
    Ok(Backtest {
        accounts,
        names,
        results,
        events: parts.count,
        start,
        end,
        when_out: opts.when_out,
        timings,
        skipped,
        parts,
    })
}

/// Every ledger line of a few accounts under each catalog (before, then
/// after), for pictures of their balance. Their events come from the
/// backtest's partitions: the export is not read again.
pub fn ledgers(cats: Catalogs<'_>, bt: &Backtest, ids: &[u32]) -> Result<Vec<(u32, Vec<Ledger>)>, BacktestError> {
    let list = cats.list();
    let names = &bt.names;
    let kept = bt.parts.events_of(ids).map_err(|e| BacktestError::Spill(e.to_string()))?;
    let sides = Catalogued::each(names, &list);
    let mut out = Vec::new();
    for (id, evs) in ids.iter().zip(kept) {
        let account = bt.accounts.get(*id);
        let mut per_side = Vec::new();
        for side in &sides {
            let mut ledger = Ledger::new();
            replay::replay(side, (*id, account), (&evs, &[]), (bt.end, bt.when_out), &mut ledger)
                .map_err(|e| BacktestError::Engine { account: account.name.clone(), why: e.to_string() })?;
            per_side.push(ledger);
        }
        out.push((*id, per_side));
    }
    Ok(out)
}
