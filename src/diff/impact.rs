//! Impact: every scenario replayed under both sides, and what moved.
//!
//! The scenarios are the working tree's (`scenarios/**/*.toml`); each side
//! brings only its catalogs. Per account the end state is compared (plan,
//! balance, balance by source, overdraft, money charged and refunded,
//! credits expired, refusals, notifications), and the first ledger line
//! that differs is kept to show old against new. A scenario's own `expect` lines are
//! counted, not enforced: a pricing change is expected to break some, and
//! the count tells the reviewer which journeys' stated numbers moved.

use crate::project::Project;
use pricebook_core::format;
use pricebook_core::money::{Credits, Currency, Money};
use pricebook_engine::ledger::{Bucket, Detail, EntryKind, Paid};
use pricebook_engine::totals;
use pricebook_lang::compile::{Catalog, Workspace};
use pricebook_lang::diag::{Code, Diagnostics, Severity};
use pricebook_lang::replay;
use pricebook_report::ledger_table::{self, Names};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

/// What the scenarios say about a change.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Impact {
    /// Scenarios replayed (under at least one side).
    pub replayed: usize,
    /// Scenarios whose outcome differs between the sides, or that run
    /// under one side only, in path order.
    pub moved: Vec<ScenarioImpact>,
    /// Scenarios that run under neither side, with the reason (new side's).
    pub broken: Vec<(String, String)>,
    /// What the scenarios charge money for under the new side:
    /// `(catalog, "plan" | "pack", id)`. The uncovered-price lint reads it.
    pub charged: BTreeSet<(String, &'static str, String)>,
}

/// How one scenario moved.
#[derive(Clone, Debug, PartialEq)]
pub struct ScenarioImpact {
    /// Path as users see it: `scenarios/acme/x.toml`.
    pub path: String,
    /// The scenario's title.
    pub title: String,
    /// The catalog it runs on.
    pub catalog: String,
    /// Whether it runs under both sides.
    pub runs: Runs,
    /// Accounts whose end state differs.
    pub accounts: Vec<AccountImpact>,
    /// The first ledger line that differs.
    pub first_difference: Option<LineDiff>,
    /// The scenario's `expect` checks that fail, under old and new.
    pub failed_expectations: (usize, usize),
}

/// Under which sides a scenario runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Runs {
    /// It runs under both sides.
    Both,
    /// It no longer compiles under the new side (the reason).
    OldOnly(String),
    /// It did not compile under the old side (the reason), e.g. it uses a new pack.
    NewOnly(String),
}

/// One account's end state, old against new.
#[derive(Clone, Debug, PartialEq)]
pub struct AccountImpact {
    /// The scenario's name for the account.
    pub account: String,
    /// The figures that differ, in a fixed order.
    pub metrics: Vec<Metric>,
}

/// One figure that differs.
#[derive(Clone, Debug, PartialEq)]
pub struct Metric {
    /// "balance", "monthly credits", "charged", "expired", "refusals", "plan".
    pub what: String,
    /// The figure under the old side, as the ledger table prints it.
    pub old: String,
    /// The figure under the new side.
    pub new: String,
    /// `+100`, `+$5.00`; none for words.
    pub change: Option<String>,
    /// The exact number behind `old`, when it is one.
    pub old_value: Option<Decimal>,
    /// The exact number behind `new`, when it is one.
    pub new_value: Option<Decimal>,
}

/// The first ledger line that differs, as the ledger table's cells.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineDiff {
    /// 1-based position in the ledger.
    pub line: usize,
    /// `None` when that ledger is shorter.
    pub old: Option<Vec<String>>,
    /// The same line of the new ledger.
    pub new: Option<Vec<String>>,
}

/// One scenario's end state under one side.
struct Run {
    title: String,
    catalog: String,
    /// In account order.
    accounts: Vec<(String, End)>,
    rows: Vec<Vec<String>>,
    failed_expectations: usize,
    charged: BTreeSet<(&'static str, String)>,
}

struct End {
    plan: String,
    balance: Credits,
    deficit: Credits,
    by_source: BTreeMap<String, Credits>,
    charged: (Money, String),
    refunded: (Money, String),
    expired: Credits,
    refusals: usize,
    notifications: usize,
    /// The side's currency, to show differences of money.
    currency: &'static Currency,
}

/// Replays `scenarios` (default: every scenario of the workspace) under
/// both sides' catalogs and reports what moved.
pub fn replay_all(
    ws: &Workspace,
    old: BTreeMap<String, Catalog>,
    new: BTreeMap<String, Catalog>,
    scenarios: Option<&[PathBuf]>,
) -> (Impact, BTreeMap<String, Catalog>, BTreeMap<String, Catalog>) {
    let files = scenarios.map_or_else(|| ws.scenario_files(), <[PathBuf]>::to_vec);
    let mut old_p = Project::with_catalogs(ws.clone(), old);
    let mut new_p = Project::with_catalogs(ws.clone(), new);
    let mut impact = Impact::default();
    for path in &files {
        let shown = ws.display(path);
        let (o, n) = (run(&mut old_p, path), run(&mut new_p, path));
        if let Ok(n) = &n {
            impact.charged.extend(n.charged.iter().map(|(k, id)| (n.catalog.clone(), *k, id.clone())));
        }
        match (o, n) {
            (Ok(o), Ok(n)) => {
                impact.replayed += 1;
                if let Some(moved) = compare(&shown, &o, &n) {
                    impact.moved.push(moved);
                }
            }
            (Ok(o), Err(why)) => {
                impact.replayed += 1;
                impact.moved.push(one_side(&shown, &o, Runs::OldOnly(why)));
            }
            (Err(why), Ok(n)) => {
                impact.replayed += 1;
                impact.moved.push(one_side(&shown, &n, Runs::NewOnly(why)));
            }
            (Err(_), Err(why)) => impact.broken.push((shown, why)),
        }
    }
    (impact, old_p.catalogs, new_p.catalogs)
}

fn one_side(path: &str, r: &Run, runs: Runs) -> ScenarioImpact {
    ScenarioImpact {
        path: path.to_string(),
        title: r.title.clone(),
        catalog: r.catalog.clone(),
        runs,
        accounts: Vec::new(),
        first_difference: None,
        failed_expectations: (r.failed_expectations, r.failed_expectations),
    }
}

/// Compiles and replays one scenario under a project's catalogs.
fn run(project: &mut Project, path: &std::path::Path) -> Result<Run, String> {
    let before = project.diags.iter().count();
    let first_error = |diags: &Diagnostics| {
        diags
            .iter()
            .skip(before)
            .find(|d| d.severity() == Severity::Error)
            .map_or_else(|| "it does not compile".to_string(), |d| d.message.clone())
    };
    let Some(script) = project.script(path) else {
        return Err(first_error(&project.diags));
    };
    let Some(cat) = project.catalogs.get(&script.plans) else {
        return Err(format!("there is no plan file `plans/{}.toml`", script.plans));
    };
    let mut diags = Diagnostics::new();
    let engine = replay::replay(&script, cat, &mut diags);
    // A run cut short at its budget has no ending to compare: say so rather
    // than show the partial ledgers' differences as the change's impact.
    if let Some(d) = diags.iter().find(|d| d.code == Code::RunBudgetExceeded) {
        return Err(d.message.clone());
    }
    let failed_expectations = diags.iter().filter(|d| d.code == Code::ExpectationFailed).count();
    let names = Names { cat, script: &script, labels: engine.labels() };
    let entries = engine.ledger();
    let rows = entries.iter().enumerate().map(|(i, e)| ledger_table::row(&names, i + 1, e).to_vec()).collect();
    let mut charged = BTreeSet::new();
    for e in entries.iter().filter(|e| e.kind == EntryKind::Charge) {
        match e.detail {
            Detail::Paid(Paid::Subscription { plan, .. } | Paid::Proration { plan }, _) => {
                charged.insert(("plan", cat.plans[plan].id.clone()));
            }
            Detail::Paid(Paid::Pack { pack, .. }, _) => {
                charged.insert(("pack", cat.packs[pack].id.clone()));
            }
            _ => {}
        }
    }
    let sums = totals::by_account(entries);
    let mut accounts = Vec::new();
    for id in engine.account_ids() {
        let (Some(a), Some(v)) = (engine.account(id), engine.view(id)) else {
            continue;
        };
        let mut by_source: BTreeMap<String, Credits> = BTreeMap::new();
        for l in a.wallet.lots() {
            *by_source.entry(names.bucket(Bucket::Label(l.label)).to_string()).or_default() += l.remaining;
        }
        let t = sums.get(&id).cloned().unwrap_or_default();
        accounts.push((
            names.account(id).to_string(),
            End {
                plan: cat.plans[v.plan].id.clone(),
                balance: v.balance,
                deficit: v.deficit,
                by_source,
                charged: (v.charged, format::money(cat, v.charged)),
                refunded: (v.refunded, format::money(cat, v.refunded)),
                expired: t.credits.expired,
                refusals: usize::try_from(t.refusals).unwrap_or(usize::MAX),
                notifications: usize::try_from(t.notices).unwrap_or(usize::MAX),
                currency: cat.currency,
            },
        ));
    }
    Ok(Run { title: script.title.clone(), catalog: script.plans.clone(), accounts, rows, failed_expectations, charged })
}

fn credits_metric(what: &str, o: Credits, n: Credits) -> Option<Metric> {
    (o != n).then(|| Metric {
        what: what.to_string(),
        old: format::credits(o),
        new: format::credits(n),
        change: Some(signed(n - o)),
        old_value: Some(o.get()),
        new_value: Some(n.get()),
    })
}

fn signed(c: Credits) -> String {
    format::signed(c)
}

fn compare(path: &str, o: &Run, n: &Run) -> Option<ScenarioImpact> {
    let mut accounts = Vec::new();
    let mut names: Vec<&str> = o.accounts.iter().map(|(a, _)| a.as_str()).collect();
    for (a, _) in &n.accounts {
        if !names.contains(&a.as_str()) {
            names.push(a);
        }
    }
    for name in names {
        let oe = o.accounts.iter().find(|(a, _)| a == name).map(|(_, e)| e);
        let ne = n.accounts.iter().find(|(a, _)| a == name).map(|(_, e)| e);
        let metrics = match (oe, ne) {
            (Some(oe), Some(ne)) => metrics(oe, ne),
            (Some(_), None) | (None, Some(_)) => vec![Metric {
                what: "account".into(),
                old: if oe.is_some() { "exists" } else { "none" }.into(),
                new: if ne.is_some() { "exists" } else { "none" }.into(),
                change: None,
                old_value: None,
                new_value: None,
            }],
            (None, None) => Vec::new(),
        };
        if !metrics.is_empty() {
            accounts.push(AccountImpact { account: name.to_string(), metrics });
        }
    }
    let first_difference = (0..o.rows.len().max(n.rows.len()))
        .find(|&i| o.rows.get(i) != n.rows.get(i))
        .map(|i| LineDiff { line: i + 1, old: o.rows.get(i).cloned(), new: n.rows.get(i).cloned() });
    if accounts.is_empty() && first_difference.is_none() {
        return None;
    }
    Some(ScenarioImpact {
        path: path.to_string(),
        title: n.title.clone(),
        catalog: n.catalog.clone(),
        runs: Runs::Both,
        accounts,
        first_difference,
        failed_expectations: (o.failed_expectations, n.failed_expectations),
    })
}

fn metrics(o: &End, n: &End) -> Vec<Metric> {
    let mut out = Vec::new();
    if o.plan != n.plan {
        out.push(Metric {
            what: "plan".into(),
            old: o.plan.clone(),
            new: n.plan.clone(),
            change: None,
            old_value: None,
            new_value: None,
        });
    }
    out.extend(credits_metric("balance", o.balance, n.balance));
    let mut labels: Vec<&String> = o.by_source.keys().chain(n.by_source.keys()).collect();
    labels.sort();
    labels.dedup();
    for l in labels {
        let get = |e: &End| e.by_source.get(l).copied().unwrap_or_default();
        out.extend(credits_metric(&format!("{l} credits"), get(o), get(n)));
    }
    out.extend(credits_metric("overdraft", o.deficit, n.deficit));
    for (what, (om, ot), (nm, nt)) in [("charged", &o.charged, &n.charged), ("refunded", &o.refunded, &n.refunded)] {
        if om != nm || ot != nt {
            let diff = *nm - *om;
            let shown = format::money_in(n.currency, diff);
            let change = if diff.is_positive() { format!("+{shown}") } else { shown };
            out.push(Metric {
                what: what.into(),
                old: ot.clone(),
                new: nt.clone(),
                change: Some(change),
                old_value: Some(om.get()),
                new_value: Some(nm.get()),
            });
        }
    }
    out.extend(credits_metric("expired", o.expired, n.expired));
    for (what, a, b) in [("refusals", o.refusals, n.refusals), ("notifications", o.notifications, n.notifications)] {
        if a != b {
            let d = b as i64 - a as i64;
            out.push(Metric {
                what: what.into(),
                old: a.to_string(),
                new: b.to_string(),
                change: Some(if d > 0 { format!("+{d}") } else { d.to_string() }),
                old_value: Some(Decimal::from(a)),
                new_value: Some(Decimal::from(b)),
            });
        }
    }
    out
}
