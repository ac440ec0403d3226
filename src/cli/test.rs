//! `pricebook test`: replay scenarios, compare with snapshots, show diffs.
//! What each scenario came to is collected as [`Outcome`]s and printed by
//! [`test_report`](super::test_report) for people, as JSON or as JUnit XML.

use super::test_report::{self, Outcome, RuleCoverage, Status, Summary};
use super::{MessageFormat, Output, TestFormat};
use crate::project::{Project, Rendering};
use crate::snapshot::{self, Comparison};
use pricebook_lang::compile::Workspace;
use pricebook_lang::diag::Style;
use std::collections::BTreeSet;
use std::path::PathBuf;

/// What was asked besides the scenarios.
pub struct Options {
    pub accept: bool,
    pub coverage: bool,
    pub format: TestFormat,
}

pub fn run(ws: &Workspace, selected: &[PathBuf], opts: Options, out: &mut Output) -> u8 {
    let mut project = Project::open(ws.clone());
    let scenarios =
        if selected.is_empty() { ws.scenario_files() } else { selected.iter().map(|p| ws.locate(p)).collect() };
    if scenarios.is_empty() {
        out.eprint(&format!("error: no scenarios in {}\n", ws.scenarios_dir().display()));
        return 2;
    }
    let mut covered = BTreeSet::new();
    let mut outcomes = Vec::new();
    for path in &scenarios {
        let shown = ws.display(path);
        let Some(snap) = snapshot::path_for(ws, path) else {
            // Outside the project: it has no place under snapshots/.
            let broken =
                Some("outside the project, so it has no place under snapshots/ (move it into scenarios/)".into());
            let snapshot = String::new();
            outcomes.push(Outcome {
                path: shown,
                snapshot,
                status: Status::Broken,
                diff: None,
                written: false,
                broken,
            });
            continue;
        };
        let mut outcome = Outcome {
            path: shown.clone(),
            snapshot: ws.display(&snap),
            status: Status::Broken,
            diff: None,
            written: false,
            broken: None,
        };
        let Some(r) = project.replay_as(path, Rendering::Table) else {
            outcomes.push(outcome);
            continue;
        };
        covered.extend(r.script.covers.iter().cloned());
        let old = match snapshot::read(&ws.root, &snap) {
            Ok(old) => old,
            Err(e) => {
                outcome.broken = Some(format!("snapshot {}: {e}", ws.display(&snap)));
                outcomes.push(outcome);
                continue;
            }
        };
        let comparison = snapshot::compare(old.as_deref(), &r.table);
        outcome.status = match (&comparison, r.failed) {
            (_, true) => Status::Failed,
            (Comparison::Match, false) => Status::Match,
            (Comparison::Missing, false) => Status::New,
            (Comparison::Changed(_), false) => Status::Changed,
        };
        // A scenario whose expectations fail is never accepted: its ledger is suspect.
        if comparison != Comparison::Match && opts.accept && !r.failed {
            if let Err(e) = snapshot::write(&snap, &shown, &r.table) {
                out.eprint(&format!("error: cannot write {}: {e}\n", snap.display()));
                return 2;
            }
            outcome.written = true;
        }
        if let Comparison::Changed(diff) = comparison {
            outcome.diff = Some(diff);
        }
        outcomes.push(outcome);
    }
    let coverage = opts.coverage.then(|| {
        ws.rules
            .rules
            .iter()
            .map(|r| RuleCoverage { id: r.id.clone(), title: r.title.clone(), covered: covered.contains(&r.id) })
            .collect::<Vec<_>>()
    });
    let summary = Summary::of(&outcomes, opts.accept, project.plans_ok(), coverage.as_deref());
    out.diagnostics(&project.diags, &project.sources, MessageFormat::Human);
    let text = match opts.format {
        TestFormat::Human => {
            test_report::human(&outcomes, coverage.as_deref(), &summary, out.stdout_style() == Style::Color)
        }
        TestFormat::Json => {
            test_report::json(&outcomes, coverage.as_deref(), &summary, &project.diags, &project.sources)
        }
        TestFormat::Junit => test_report::junit(&outcomes, coverage.as_deref(), &project.diags, &project.sources),
    };
    out.print(&text);
    u8::from(!summary.ok)
}
