//! `pricebook test`: replay scenarios, compare with snapshots, show diffs.

use super::Output;
use crate::compile::Workspace;
use crate::diag::Style;
use crate::escape::terminal::visible;
use crate::project::Project;
use crate::rulebook;
use crate::snapshot::{self, Comparison};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

pub fn run(root: &Path, selected: &[PathBuf], accept: bool, coverage: bool, out: &mut Output) -> u8 {
    let ws = Workspace::new(root);
    let mut project = Project::open(ws.clone());
    let scenarios =
        if selected.is_empty() { ws.scenario_files() } else { selected.iter().map(|p| ws.locate(p)).collect() };
    if scenarios.is_empty() {
        out.eprint(&format!("error: no scenarios in {}\n", ws.scenarios_dir().display()));
        return 2;
    }
    let color = out.stdout_style() == Style::Color;
    let (mut passed, mut changed, mut new, mut failed, mut written) = (0, 0, 0, 0, 0);
    let mut covered = BTreeSet::new();
    let mut report = String::new();
    for path in &scenarios {
        // A file name is user-written: shown, not obeyed, on the terminal.
        let shown = visible(&ws.display(path)).into_owned();
        let Some(r) = project.replay(path) else {
            failed += 1;
            report.push_str(&format!("FAIL  {shown}: does not compile (see errors)\n"));
            continue;
        };
        covered.extend(r.script.covers.iter().cloned());
        let Some(snap) = snapshot::path_for(&ws, path) else {
            failed += 1;
            report.push_str(&format!(
                "FAIL  {shown}: outside the project, so it has no place under snapshots/ (move it into scenarios/)\n"
            ));
            continue;
        };
        let old = match snapshot::read(&ws.root, &snap) {
            Ok(old) => old,
            Err(e) => {
                failed += 1;
                report.push_str(&format!("FAIL  {shown}: snapshot {}: {e}\n", visible(&ws.display(&snap))));
                continue;
            }
        };
        let comparison = snapshot::compare(old.as_deref(), &r.table);
        let status = match &comparison {
            Comparison::Match => "ok   ",
            Comparison::Missing => "NEW  ",
            Comparison::Changed(_) => "DIFF ",
        };
        let status = if r.failed { "FAIL " } else { status };
        report.push_str(&format!("{status} {shown}\n"));
        if let Comparison::Changed(diff) = &comparison {
            report.push_str(&paint_diff(diff, color));
        }
        // A scenario whose expectations fail is never accepted: its ledger is suspect.
        if comparison != Comparison::Match && accept && !r.failed {
            match snapshot::write(&snap, &shown, &r.table) {
                Ok(()) => {
                    written += 1;
                    report.push_str(&format!("      wrote {}\n", visible(&ws.display(&snap))));
                }
                Err(e) => {
                    out.eprint(&format!("error: cannot write {}: {e}\n", snap.display()));
                    return 2;
                }
            }
        }
        match (r.failed, comparison) {
            (true, _) => failed += 1,
            (false, Comparison::Match) => passed += 1,
            (false, Comparison::Missing) => new += 1,
            (false, Comparison::Changed(_)) => changed += 1,
        }
    }
    out.diagnostics(&project.diags, &project.sources, false);
    out.print(&report);
    if coverage {
        out.print(&coverage_report(&covered));
    }
    let plan_errors = project.catalogs.len() < project.plan_names.len();
    let total = scenarios.len();
    let mut summary = format!("{total} scenarios: {passed} match, {changed} changed, {new} new, {failed} failed");
    if written > 0 {
        summary.push_str(&format!("; {written} snapshot(s) written"));
    } else if changed + new > 0 {
        summary.push_str(
            "\nreview the diffs; if every changed number is right by its rule, run `pricebook test --accept`",
        );
    }
    out.print(&format!("{summary}\n"));
    let uncovered = coverage && rulebook::RULES.iter().any(|(r, _)| !covered.contains(*r));
    let ok = failed == 0 && !plan_errors && !uncovered && (accept || changed + new == 0);
    u8::from(!ok)
}

fn coverage_report(covered: &BTreeSet<String>) -> String {
    let mut s = String::from("\nrule coverage:\n");
    let missing: Vec<&str> = rulebook::RULES.iter().filter(|(r, _)| !covered.contains(*r)).map(|(r, _)| *r).collect();
    for (rule, title) in rulebook::RULES {
        let mark = if covered.contains(*rule) { "covered" } else { "MISSING" };
        s.push_str(&format!("  {rule:<4} {mark:<8} {title}\n"));
    }
    if missing.is_empty() {
        s.push_str("every rule is covered by at least one scenario\n");
    } else {
        s.push_str(&format!("not covered: {}\n", missing.join(" ")));
    }
    s.push('\n');
    s
}

fn paint_diff(diff: &str, color: bool) -> String {
    diff.lines()
        .map(|l| {
            let painted = if !color {
                l.to_string()
            } else if l.starts_with('+') && !l.starts_with("+++") {
                format!("\x1b[32m{l}\x1b[0m")
            } else if l.starts_with('-') && !l.starts_with("---") {
                format!("\x1b[31m{l}\x1b[0m")
            } else {
                l.to_string()
            };
            format!("      {painted}\n")
        })
        .collect()
}
