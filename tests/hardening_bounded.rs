//! A scenario or plan of at most 10 KB never makes `check`, `run`, `test`,
//! `docs` or `diff` take more than 200 MB: each command finishes or stops
//! with a budget error. The worst small inputs found (an hourly grant kept
//! alive, hourly usage resets over many grants or over nothing, as many
//! accounts as fit living a century, a plan of many packs) run through the
//! built binary, and the peak resident memory of each child is read with
//! `getrusage(RUSAGE_CHILDREN)`.
//!
//! Time is not asserted here (a debug build on a shared machine says
//! nothing about it); the release timings are in the README's limits
//! section, measured with `/usr/bin/time -v`.

mod common;

use common::temp::TempProject;
use std::path::Path;

/// The property's input size and memory bound.
const MAX_INPUT_BYTES: usize = 10_000;
const MAX_PEAK_KB: i64 = 200 * 1024;

const T0: &str = "2026-01-01T00:00:00Z";
const CENTURY_LATER: &str = "2125-12-31T00:00:00Z";

/// A scenario on the eigent plan with `events` (inline tables) until `end`.
fn scenario(end: &str, events: &[String]) -> String {
    format!("title = \"w\"\nplans = \"eigent\"\naccount = \"a\"\nend = {end}\nevents = [\n{}\n]\n", events.join(",\n"))
}

fn sign_up() -> String {
    format!("{{at={T0},sign_up={{}}}}")
}

/// A worst case: its name, its scenario, and the budget error it must stop
/// with (`None`: it must finish).
struct Case {
    name: &'static str,
    text: String,
    stops_at: Option<&'static str>,
}

fn cases() -> Vec<Case> {
    // Just under the static cap of 100,000 recurrences: one line an hour.
    let hourly_grant =
        [sign_up(), format!("{{at={T0},grant={{credits=1,every=\"1 hour\",rollover={{max_amount=1}}}}}}")];
    // Each hourly reset writes a line per grant: lines grow 140 times
    // faster than moments.
    let mut many_grants = vec![sign_up()];
    many_grants.extend(std::iter::repeat_n(format!("{{at={T0},grant={{credits=1,rollover={{max_amount=1}}}}}}"), 140));
    many_grants.push(format!("{{at={T0},usage_period={{every=\"1 hour\"}}}}"));
    // Resets that write nothing: only the moment budget stops them.
    let resets_alone = [sign_up(), format!("{{at={T0},usage_period={{every=\"1 hour\"}}}}")];
    // As many accounts as fit, each living a century of monthly cycles.
    let mut accounts = Vec::new();
    while scenario(CENTURY_LATER, &accounts).len() + 60 < MAX_INPUT_BYTES {
        accounts.push(format!("{{at={T0},account=\"{:x}\",sign_up={{}}}}", accounts.len()));
    }
    // A pack of each kind bought once, each a grant every monthly cycle
    // end looks at, for a century.
    let mut packs = vec![sign_up()];
    packs.extend((0..PACKS).map(|i| format!("{{at={T0},buy={{pack=\"p{i}\"}}}}")));
    vec![
        Case { name: "hourly-grant", text: scenario("2037-05-01T00:00:00Z", &hourly_grant), stops_at: None },
        Case { name: "hourly-resets", text: scenario(CENTURY_LATER, &many_grants), stops_at: Some("run_lines") },
        Case { name: "resets-alone", text: scenario(CENTURY_LATER, &resets_alone), stops_at: Some("run_moments") },
        Case { name: "many-accounts", text: scenario(CENTURY_LATER, &accounts), stops_at: Some("run_lines") },
        Case { name: "many-packs", text: scenario(CENTURY_LATER, &packs), stops_at: None },
    ]
}

/// Packs added to the eigent plan, as many as keep it under 10 KB.
const PACKS: usize = 80;

/// eigent.toml plus [`PACKS`] packs of its own.
fn big_plan() -> String {
    let mut text = include_str!("../plans/eigent.toml").to_string();
    for i in 0..PACKS {
        text.push_str(&format!(
            "\n[[packs]]\nid = \"p{i}\"\nname = \"P{i}\"\ncredits = {}\nprice = \"${}\"\n",
            1000 + i,
            10 + i
        ));
    }
    text
}

/// The largest resident set of any child this process has waited for, in KB.
fn children_peak_kb() -> i64 {
    // SAFETY: getrusage only writes the struct it is given, which is plain data.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let rc = unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    assert_eq!(rc, 0, "getrusage");
    usage.ru_maxrss
}

/// Runs `args`, asserts it ended by itself (0 or 1, no panic) within the
/// memory bound, and returns its output.
fn bounded(root: &Path, case: &str, args: &[&str]) -> String {
    let out = common::pricebook(root, args);
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    let tail = &text[text.len().saturating_sub(1_500)..];
    assert!(matches!(out.status.code(), Some(0 | 1)), "{case}: {args:?} ended {:?}: {tail}", out.status);
    assert!(!text.contains("panicked"), "{case}: {args:?}: {tail}");
    // A maximum over every child so far: the first command past the bound fails here.
    let peak = children_peak_kb();
    assert!(peak <= MAX_PEAK_KB, "{case}: {args:?} peaked at {peak} KB, more than {MAX_PEAK_KB} KB");
    text
}

#[test]
fn the_worst_small_inputs_finish_or_stop_at_a_budget_within_200_mb() {
    let plan = big_plan();
    assert!(plan.len() <= MAX_INPUT_BYTES, "the plan is {} bytes", plan.len());
    for case in cases() {
        assert!(case.text.len() <= MAX_INPUT_BYTES, "{} is {} bytes", case.name, case.text.len());
        let p = TempProject::new(&format!("bounded-{}", case.name));
        p.write("plans/eigent.toml", &plan);
        let rel = format!("scenarios/eigent/{}.toml", case.name);
        let file = p.write(&rel, &case.text);
        let file = file.to_str().expect("UTF-8 path");
        common::git(&p.root(), &["init", "-q"]);
        common::git(&p.root(), &["add", "."]);
        common::git(&p.root(), &["commit", "-q", "-m", "base"]);
        // A change that moves every ledger line, so `diff` holds two different runs.
        p.write("plans/eigent.toml", &plan.replacen("monthly_credits = 500 ", "monthly_credits = 600 ", 1));

        bounded(&p.root(), case.name, &["check"]);
        let run = bounded(&p.root(), case.name, &["run", file]);
        match case.stops_at {
            Some(key) => {
                assert!(run.contains("error[run-budget-exceeded]"), "{}: {run}", case.name);
                assert!(run.contains(&format!("raise `{key}` under `[limits]`")), "{}: {run}", case.name);
            }
            None => assert!(!run.contains("error["), "{}: {}", case.name, &run[run.len().saturating_sub(1_500)..]),
        }
        bounded(&p.root(), case.name, &["test", file]);
        bounded(&p.root(), case.name, &["docs"]);
        let diff = bounded(&p.root(), case.name, &["diff", "--base", "HEAD", "--format", "markdown"]);
        // A run cut short has no ending to compare: the PR comment says so.
        if case.stops_at.is_some() {
            assert!(diff.contains("the simulation stopped at"), "{}: {diff}", case.name);
        }
    }
}
