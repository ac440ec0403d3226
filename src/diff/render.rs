//! A [`Review`] for people (terminal text, colour optional), for a pull
//! request comment (GitHub-flavoured Markdown) and for machines (JSON with
//! sorted keys, decimals as strings). All three are deterministic: the
//! same review gives the same bytes.

use super::Review;
use super::changes::{ChangeKind, show_percent};
use super::impact::{LineDiff, Runs, ScenarioImpact};
use pricebook_report::escape::markdown as md;
use pricebook_report::escape::terminal::visible as vis;
use pricebook_report::ledger_table::{HEADER, RIGHT};
use rust_decimal::Decimal;
use serde_json::{Map, Value, json};
use std::fmt::Write;

/// Version of the JSON shape; bump on an incompatible change.
pub const FORMAT: &str = "pricebook-diff/1";

const BOLD: &str = "\x1b[1m";
const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
const YELLOW: &str = "\x1b[33m";
const DIM: &str = "\x1b[2m";
const RESET: &str = "\x1b[0m";

fn paint(text: &str, code: &str, color: bool) -> String {
    if color { format!("{code}{text}{RESET}") } else { text.to_string() }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// "3 changes in 2 catalogs; 1 of 4 scenarios moved; 1 warning".
pub fn summary(r: &Review) -> String {
    if !r.changed() {
        return format!(
            "no changes: both sides compile to the same catalogs and none of {} moves",
            plural(r.impact.replayed, "scenario", "scenarios")
        );
    }
    let mut catalogs: Vec<&str> = r.changes.iter().map(|c| c.catalog.as_str()).collect();
    catalogs.dedup();
    let mut s = format!(
        "{} in {}; {} of {} moved",
        plural(r.changes.len(), "change", "changes"),
        plural(catalogs.len(), "catalog", "catalogs"),
        r.impact.moved.len(),
        plural(r.impact.replayed, "scenario", "scenarios"),
    );
    if !r.lints.is_empty() {
        s.push_str(&format!("; {}", plural(r.lints.len(), "warning", "warnings")));
    }
    s
}

/// Catalog ids with changes, in order, with their changes' indices.
fn by_catalog(r: &Review) -> Vec<(&str, Vec<usize>)> {
    let mut out: Vec<(&str, Vec<usize>)> = Vec::new();
    for (i, c) in r.changes.iter().enumerate() {
        match out.last_mut() {
            Some((id, v)) if *id == c.catalog => v.push(i),
            _ => out.push((&c.catalog, vec![i])),
        }
    }
    out
}

/// Pads cells into columns (right-aligned where asked); lines end trimmed.
fn align(rows: &[Vec<String>], right: &[bool]) -> Vec<String> {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths = vec![0; cols];
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            widths[i] = widths[i].max(c.chars().count());
        }
    }
    rows.iter()
        .map(|r| {
            let mut s = String::new();
            for (i, c) in r.iter().enumerate() {
                if i > 0 {
                    s.push_str("  ");
                }
                let pad = " ".repeat(widths[i].saturating_sub(c.chars().count()));
                if right.get(i).copied().unwrap_or(false) {
                    s.push_str(&pad);
                    s.push_str(c);
                } else {
                    s.push_str(c);
                    s.push_str(&pad);
                }
            }
            s.trim_end().to_string()
        })
        .collect()
}

/// The first differing line as a three-row table: header, old, new.
fn line_table(d: &LineDiff) -> Vec<String> {
    let missing = || {
        let mut v = vec!["(no line)".to_string()];
        v.resize(HEADER.len(), String::new());
        v
    };
    let mut rows = vec![std::iter::once(String::new()).chain(HEADER.iter().map(|h| h.to_string())).collect::<Vec<_>>()];
    rows.push(std::iter::once("old".to_string()).chain(d.old.clone().unwrap_or_else(missing)).collect());
    rows.push(std::iter::once("new".to_string()).chain(d.new.clone().unwrap_or_else(missing)).collect());
    let right: Vec<bool> = std::iter::once(false).chain(RIGHT).collect();
    align(&rows, &right)
}

fn runs_note(s: &ScenarioImpact) -> Option<String> {
    match &s.runs {
        Runs::Both => None,
        Runs::OldOnly(why) => Some(format!("no longer runs under the new plans: {why}")),
        Runs::NewOnly(why) => Some(format!("did not run under the old plans: {why}")),
    }
}

fn expectations_note(s: &ScenarioImpact) -> Option<String> {
    let (o, n) = s.failed_expectations;
    (o != n && s.runs == Runs::Both)
        .then(|| format!("`expect` checks that fail: {n} (before: {o}); update them once the new figures are right"))
}

/// Terminal text; ANSI colour when `color`.
pub fn text(r: &Review, color: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", paint(&format!("pricing review: {} → {}", vis(&r.old), vis(&r.new)), BOLD, color));
    for (id, ixs) in by_catalog(r) {
        let name = r.names.get(id).map_or(String::new(), |n| format!(" ({})", vis(n)));
        let id = vis(id);
        let _ = writeln!(
            out,
            "\n{}",
            paint(&format!("{id}{name}: {}", plural(ixs.len(), "change", "changes")), BOLD, color)
        );
        for i in ixs {
            let c = &r.changes[i];
            let (mark, code) = match c.kind {
                ChangeKind::Added => ("+", GREEN),
                ChangeKind::Removed => ("-", RED),
                ChangeKind::Changed => ("~", YELLOW),
            };
            let rules = if c.rules.is_empty() { String::new() } else { format!("  [{}]", c.rules.join(" ")) };
            let _ = writeln!(out, "  {} {}{}", paint(mark, code, color), vis(&c.text()), paint(&rules, DIM, color));
        }
    }
    let moved = &r.impact.moved;
    let _ = writeln!(
        out,
        "\n{}",
        paint(
            &format!("impact: {} of {} moved", moved.len(), plural(r.impact.replayed, "scenario", "scenarios")),
            BOLD,
            color
        )
    );
    for s in moved {
        let _ = writeln!(out, "  {} — {}", vis(&s.path), vis(&s.title));
        if let Some(note) = runs_note(s) {
            let _ = writeln!(out, "    {}", vis(&note));
        }
        for a in &s.accounts {
            let _ = writeln!(out, "    {}:", vis(&a.account));
            let rows: Vec<Vec<String>> = a
                .metrics
                .iter()
                .map(|m| {
                    let cells = [&m.what, &m.old, "→", &m.new, m.change.as_deref().unwrap_or_default()];
                    cells.iter().map(|c| vis(c).into_owned()).collect()
                })
                .collect();
            for line in align(&rows, &[false, true, false, true, true]) {
                let _ = writeln!(out, "      {line}");
            }
        }
        if let Some(note) = expectations_note(s) {
            let _ = writeln!(out, "    {note}");
        }
        if let Some(d) = &s.first_difference {
            let _ = writeln!(out, "    first difference, ledger line {}:", d.line);
            for (i, line) in line_table(d).iter().enumerate() {
                let line = match i {
                    1 => paint(line, RED, color),
                    2 => paint(line, GREEN, color),
                    _ => line.clone(),
                };
                let _ = writeln!(out, "      {line}");
            }
        }
    }
    for (path, why) in &r.impact.broken {
        let _ = writeln!(out, "  {}: runs under neither side: {}", vis(path), vis(why));
    }
    if !r.lints.is_empty() {
        let _ = writeln!(out, "\n{}", paint("lints:", BOLD, color));
        for l in &r.lints {
            let rules = if l.rules.is_empty() { String::new() } else { format!(" [{}]", l.rules.join(" ")) };
            let _ = writeln!(
                out,
                "  {} {}: {}{rules}",
                paint(&format!("warning[{}]", l.code), YELLOW, color),
                vis(&l.catalog),
                vis(&l.message)
            );
            let _ = writeln!(out, "    help: {}", vis(&l.help));
        }
    }
    let _ = writeln!(out, "\n{}", summary(r));
    out
}

/// GitHub-flavoured Markdown for a pull-request comment.
pub fn markdown(r: &Review) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "### Pricing review: {} → {}\n", md::code(&r.old), md::code(&r.new));
    let _ = writeln!(out, "{}\n", summary(r));
    for (id, ixs) in by_catalog(r) {
        let name = r.names.get(id).map_or(String::new(), |n| format!(" — {}", md::text(n)));
        let _ = writeln!(out, "#### {}{name}\n", md::code(id));
        let _ = writeln!(out, "| | change | rules |");
        let _ = writeln!(out, "|:-:|---|---|");
        for i in ixs {
            let c = &r.changes[i];
            let mark = match c.kind {
                ChangeKind::Added => "added",
                ChangeKind::Removed => "removed",
                ChangeKind::Changed => "changed",
            };
            let _ = writeln!(out, "| {mark} | {} | {} |", md::text(&c.text()), c.rules.join(" "));
        }
        out.push('\n');
    }
    let moved = &r.impact.moved;
    let _ = writeln!(
        out,
        "#### Scenarios: {} of {} moved\n",
        moved.len(),
        plural(r.impact.replayed, "scenario", "scenarios")
    );
    for s in moved {
        let _ = writeln!(out, "**{}** — {}\n", md::code(&s.path), md::text(&s.title));
        if let Some(note) = runs_note(s) {
            let _ = writeln!(out, "{note}\n");
        }
        if !s.accounts.is_empty() {
            let _ = writeln!(out, "| account | figure | old | new | change |");
            let _ = writeln!(out, "|---|---|--:|--:|--:|");
            for a in &s.accounts {
                for m in &a.metrics {
                    let _ = writeln!(
                        out,
                        "| {} | {} | {} | {} | {} |",
                        md::text(&a.account),
                        md::text(&m.what),
                        md::text(&m.old),
                        md::text(&m.new),
                        md::text(m.change.as_deref().unwrap_or(""))
                    );
                }
            }
            out.push('\n');
        }
        if let Some(note) = expectations_note(s) {
            let _ = writeln!(out, "{note}\n");
        }
        if let Some(d) = &s.first_difference {
            let _ = writeln!(out, "First differing ledger line ({}):\n", d.line);
            let _ = writeln!(out, "{}", md::fence("text", &line_table(d).join("\n")));
        }
    }
    for (path, why) in &r.impact.broken {
        let _ = writeln!(out, "- {} runs under neither side: {}\n", md::code(path), md::text(why));
    }
    if !r.lints.is_empty() {
        let _ = writeln!(out, "#### Lints\n");
        for l in &r.lints {
            let rules = if l.rules.is_empty() { String::new() } else { format!(" ({})", l.rules.join(" ")) };
            let _ = writeln!(
                out,
                "- **warning** `{}` in {}{rules}: {} — {}",
                l.code,
                md::code(&l.catalog),
                md::text(&l.message),
                md::text(&l.help)
            );
        }
        out.push('\n');
    }
    out.trim_end().to_string() + "\n"
}

fn dec(d: Option<Decimal>) -> Value {
    d.map_or(Value::Null, |d| Value::String(d.normalize().to_string()))
}

fn opt(s: &Option<String>) -> Value {
    s.as_ref().map_or(Value::Null, |s| Value::String(s.clone()))
}

fn line(cells: &Option<Vec<String>>) -> Value {
    match cells {
        None => Value::Null,
        Some(cells) => {
            let mut m = Map::new();
            for (h, c) in HEADER.iter().zip(cells) {
                m.insert((*h).to_string(), Value::String(c.clone()));
            }
            Value::Object(m)
        }
    }
}

/// The review as JSON: sorted keys, decimals as strings, a trailing newline.
pub fn json(r: &Review) -> Result<String, serde_json::Error> {
    let changes: Vec<Value> = r
        .changes
        .iter()
        .map(|c| {
            json!({
                "catalog": c.catalog,
                "kind": c.kind,
                "path": c.path,
                "subject": c.subject,
                "field": c.field,
                "old": opt(&c.old),
                "new": opt(&c.new),
                "old_value": dec(c.old_value),
                "new_value": dec(c.new_value),
                "percent": c.percent.map_or(Value::Null, |p| Value::String(show_percent(p))),
                "note": opt(&c.note),
                "rules": c.rules,
                "text": c.text(),
            })
        })
        .collect();
    let moved: Vec<Value> = r
        .impact
        .moved
        .iter()
        .map(|s| {
            let (runs, reason) = match &s.runs {
                Runs::Both => ("both", None),
                Runs::OldOnly(w) => ("old_only", Some(w.clone())),
                Runs::NewOnly(w) => ("new_only", Some(w.clone())),
            };
            let accounts: Vec<Value> = s
                .accounts
                .iter()
                .map(|a| {
                    let metrics: Vec<Value> = a
                        .metrics
                        .iter()
                        .map(|m| {
                            json!({
                                "what": m.what,
                                "old": m.old,
                                "new": m.new,
                                "change": opt(&m.change),
                                "old_value": dec(m.old_value),
                                "new_value": dec(m.new_value),
                            })
                        })
                        .collect();
                    json!({ "account": a.account, "metrics": metrics })
                })
                .collect();
            json!({
                "path": s.path,
                "title": s.title,
                "catalog": s.catalog,
                "runs": runs,
                "reason": reason,
                "accounts": accounts,
                "failed_expectations": { "old": s.failed_expectations.0, "new": s.failed_expectations.1 },
                "first_difference": s.first_difference.as_ref().map_or(Value::Null, |d| json!({
                    "line": d.line,
                    "old": line(&d.old),
                    "new": line(&d.new),
                })),
            })
        })
        .collect();
    let broken: Vec<Value> = r.impact.broken.iter().map(|(p, w)| json!({ "path": p, "reason": w })).collect();
    let lints: Vec<Value> = r
        .lints
        .iter()
        .map(
            |l| json!({ "code": l.code, "catalog": l.catalog, "message": l.message, "help": l.help, "rules": l.rules }),
        )
        .collect();
    // serde_json's Map is a BTreeMap here (no preserve_order): keys sort.
    let root = json!({
        "format": FORMAT,
        "old": r.old,
        "new": r.new,
        "changed": r.changed(),
        "summary": summary(r),
        "changes": changes,
        "impact": { "replayed": r.impact.replayed, "moved": moved, "broken": broken },
        "lints": lints,
    });
    let mut out = serde_json::to_string_pretty(&root)?;
    out.push('\n');
    Ok(out)
}
