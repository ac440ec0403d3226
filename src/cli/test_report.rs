//! How `pricebook test` prints its results: for people (a line per
//! scenario, a diff per mismatch), as one JSON document, or as JUnit XML
//! for CI test views. The JSON and JUnit shapes are documented in the
//! README and snapshotted (`tests/formats.rs`).

use pricebook_lang::diag::{Diagnostic, Diagnostics, SourceMap, json_value, render_short};
use pricebook_report::escape::terminal::visible;
use serde_json::json;

/// What one scenario came to.
pub(crate) struct Outcome {
    /// The scenario, as users see it.
    pub path: String,
    /// Its snapshot, as users see it.
    pub snapshot: String,
    pub status: Status,
    /// Snapshot → now, when the ledger changed.
    pub diff: Option<String>,
    /// Whether `--accept` wrote its snapshot.
    pub written: bool,
    /// Why a broken scenario could not be compared; `None`: it does not compile.
    pub broken: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Status {
    Match,
    Changed,
    New,
    /// Expectations or the conservation check failed.
    Failed,
    /// The scenario does not compile.
    Broken,
}

impl Status {
    /// The word JSON and JUnit use; a scenario that does not compile has failed too.
    fn word(self) -> &'static str {
        match self {
            Status::Match => "match",
            Status::Changed => "changed",
            Status::New => "new",
            Status::Failed | Status::Broken => "failed",
        }
    }
}

/// One rulebook rule and whether a scenario covers it.
pub(crate) struct RuleCoverage {
    pub id: String,
    pub title: String,
    pub covered: bool,
}

/// Counts, and whether the run passes.
pub(crate) struct Summary {
    total: usize,
    matched: usize,
    changed: usize,
    new: usize,
    failed: usize,
    written: usize,
    pub ok: bool,
}

impl Summary {
    pub fn of(outcomes: &[Outcome], accept: bool, plans_ok: bool, coverage: Option<&[RuleCoverage]>) -> Summary {
        let count = |s: &[Status]| outcomes.iter().filter(|o| s.contains(&o.status)).count();
        let (matched, changed, new) = (count(&[Status::Match]), count(&[Status::Changed]), count(&[Status::New]));
        let failed = count(&[Status::Failed, Status::Broken]);
        let uncovered = coverage.is_some_and(|c| c.iter().any(|r| !r.covered));
        Summary {
            total: outcomes.len(),
            matched,
            changed,
            new,
            failed,
            written: outcomes.iter().filter(|o| o.written).count(),
            ok: failed == 0 && plans_ok && !uncovered && (accept || changed + new == 0),
        }
    }
}

/// The text for people, as `pricebook test` has always printed it.
pub(crate) fn human(outcomes: &[Outcome], coverage: Option<&[RuleCoverage]>, s: &Summary, color: bool) -> String {
    let mut out = String::new();
    for o in outcomes {
        let status = match o.status {
            Status::Broken => {
                let why = o.broken.as_deref().unwrap_or("does not compile (see errors)");
                out.push_str(&format!("FAIL  {}: {why}\n", visible(&o.path)));
                continue;
            }
            Status::Match => "ok   ",
            Status::New => "NEW  ",
            Status::Changed => "DIFF ",
            Status::Failed => "FAIL ",
        };
        // A file name is user-written: shown, not obeyed, on the terminal.
        out.push_str(&format!("{status} {}\n", visible(&o.path)));
        if let Some(diff) = &o.diff {
            out.push_str(&paint_diff(diff, color));
        }
        if o.written {
            out.push_str(&format!("      wrote {}\n", visible(&o.snapshot)));
        }
    }
    if let Some(rules) = coverage {
        out.push_str(&coverage_text(rules));
    }
    out.push_str(&format!(
        "{} scenarios: {} match, {} changed, {} new, {} failed",
        s.total, s.matched, s.changed, s.new, s.failed
    ));
    if s.written > 0 {
        out.push_str(&format!("; {} snapshot(s) written", s.written));
    } else if s.changed + s.new > 0 {
        out.push_str("\nreview the diffs; if every changed number is right by its rule, run `pricebook test --accept`");
    }
    out.push('\n');
    out
}

fn coverage_text(rules: &[RuleCoverage]) -> String {
    let mut s = String::from("\nrule coverage:\n");
    for r in rules {
        let mark = if r.covered { "covered" } else { "MISSING" };
        s.push_str(&format!("  {:<4} {mark:<8} {}\n", r.id, r.title));
    }
    let missing: Vec<&str> = rules.iter().filter(|r| !r.covered).map(|r| r.id.as_str()).collect();
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

/// Diagnostics in `file` (a scenario's own problems), in stable order.
fn problems_in<'a>(file: &str, diags: &'a Diagnostics, sources: &SourceMap) -> Vec<&'a Diagnostic> {
    diags.sorted().into_iter().filter(|d| sources.get(d.file).path == file).collect()
}

/// One JSON document (pretty, sorted keys, trailing newline).
pub(crate) fn json(
    outcomes: &[Outcome],
    coverage: Option<&[RuleCoverage]>,
    s: &Summary,
    diags: &Diagnostics,
    sources: &SourceMap,
) -> String {
    let scenarios: Vec<serde_json::Value> = outcomes
        .iter()
        .map(|o| {
            let problems: Vec<_> =
                problems_in(&o.path, diags, sources).iter().map(|d| json_value(d, sources)).collect();
            json!({
                "path": o.path,
                "snapshot": o.snapshot,
                "status": o.status.word(),
                "diff": o.diff,
                "written": o.written,
                "problems": problems,
            })
        })
        .collect();
    // Problems outside the scenarios listed (plan files, mostly).
    let elsewhere: Vec<_> = diags
        .sorted()
        .into_iter()
        .filter(|d| !outcomes.iter().any(|o| o.path == sources.get(d.file).path))
        .map(|d| json_value(d, sources))
        .collect();
    let coverage = coverage.map(|rules| {
        rules.iter().map(|r| json!({ "id": r.id, "title": r.title, "covered": r.covered })).collect::<Vec<_>>()
    });
    let doc = json!({
        "scenarios": scenarios,
        "problems": elsewhere,
        "coverage": coverage,
        "summary": {
            "total": s.total,
            "match": s.matched,
            "changed": s.changed,
            "new": s.new,
            "failed": s.failed,
            "written": s.written,
            "ok": s.ok,
        },
    });
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}

/// A JUnit XML report: a test suite `scenarios` with a test case per
/// scenario and, with `--coverage`, a suite `rules` with one per rule. No
/// times: the same run gives the same bytes.
pub(crate) fn junit(
    outcomes: &[Outcome],
    coverage: Option<&[RuleCoverage]>,
    diags: &Diagnostics,
    sources: &SourceMap,
) -> String {
    let mut suites = Vec::new();
    let mut cases = Vec::new();
    for o in outcomes {
        let (dir, name) = o.path.rsplit_once('/').unwrap_or(("", o.path.as_str()));
        let name = name.strip_suffix(".toml").unwrap_or(name);
        let open = format!(
            "    <testcase classname=\"{}\" name=\"{}\" file=\"{}\"",
            xml(&dir.replace('/', ".")),
            xml(name),
            xml(&o.path)
        );
        let failure = match o.status {
            Status::Match => None,
            _ if o.written => None,
            Status::Changed => Some(("changed", format!("ledger differs from {}", o.snapshot), o.diff.clone())),
            Status::New => Some((
                "new",
                format!("no snapshot {} yet: review the ledger (`pricebook run {}`) and accept it", o.snapshot, o.path),
                None,
            )),
            Status::Failed | Status::Broken => {
                let lines: Vec<String> =
                    problems_in(&o.path, diags, sources).iter().map(|d| render_short(d, sources)).collect();
                let what = if o.status == Status::Broken { "does not compile" } else { "expectations failed" };
                Some(("failed", format!("{}: {what}", o.path), Some(lines.join("\n"))))
            }
        };
        cases.push(match failure {
            None => format!("{open}/>\n"),
            Some((kind, message, body)) => format!(
                "{open}>\n      <failure type=\"{kind}\" message=\"{}\">{}</failure>\n    </testcase>\n",
                xml(&message),
                xml(body.as_deref().unwrap_or(""))
            ),
        });
    }
    suites.push(("scenarios", cases));
    if let Some(rules) = coverage {
        let cases = rules
            .iter()
            .map(|r| {
                let open = format!("    <testcase classname=\"rules\" name=\"{}\"", xml(&r.id));
                if r.covered {
                    format!("{open}/>\n")
                } else {
                    format!(
                        "{open}>\n      <failure type=\"uncovered\" message=\"no scenario covers {}: {}\"/>\n    </testcase>\n",
                        xml(&r.id),
                        xml(&r.title)
                    )
                }
            })
            .collect();
        suites.push(("rules", cases));
    }
    let failures = |cases: &[String]| cases.iter().filter(|c| c.contains("<failure")).count();
    let (tests, failed): (usize, usize) =
        suites.iter().map(|(_, c)| (c.len(), failures(c))).fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!("<testsuites name=\"pricebook\" tests=\"{tests}\" failures=\"{failed}\">\n"));
    for (name, cases) in &suites {
        out.push_str(&format!(
            "  <testsuite name=\"{name}\" tests=\"{}\" failures=\"{}\">\n",
            cases.len(),
            failures(cases)
        ));
        out.extend(cases.iter().map(String::as_str));
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

/// Text for an XML attribute or element.
fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' | '\t' => out.push(c),
            // XML 1.0 has no escape for other control characters.
            c if c.is_control() => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}
