//! A few bytes of scenario must not ask for unbounded work: the horizon
//! and the recurrences of `every` grants are checked before anything runs,
//! with the arithmetic in the hint. "Before anything runs" is shown without
//! a clock: the projects allow a run only a handful of moments, so a run
//! that had started would stop with `run-budget-exceeded` instead.

mod common;

use common::temp::TempProject;

/// A scenario on the bundled eigent plan: `sign_up`, then `grant` recurring
/// `every`, until `end`.
fn scenario(every: &str, end: &str) -> String {
    format!(
        "title = \"budget\"\nplans = \"eigent\"\naccount = \"a\"\nend = {end}\n\n\
         [[events]]\nat = 2026-01-01T00:00:00Z\nsign_up = {{}}\n\n\
         [[events]]\nat = 2026-01-01T01:00:00Z\ngrant = {{ credits = 1, every = \"{every}\" }}\n"
    )
}

/// Runs `args` and returns (exit code, all output).
fn pricebook(p: &TempProject, args: &[&str]) -> (Option<i32>, String) {
    let out = common::pricebook(&p.root(), args);
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.code(), text)
}

/// A project whose runs may take only `moments` scheduled moments.
fn project(name: &str, moments: u32) -> TempProject {
    let p = TempProject::new(name);
    p.write("pricebook.toml", &format!("[project]\nname = \"temp\"\n[limits]\nrun_moments = {moments}\n"));
    p
}

/// Refused by the check before the run: not stopped by the run's budget.
fn refused_before_running(text: &str) {
    assert!(!text.contains("run-budget-exceeded"), "the scenario started running: {text}");
}

#[test]
fn a_scenario_ending_in_year_9999_is_refused_before_it_runs() {
    let p = project("horizon", 5);
    let file = p.write("scenarios/eigent/forever.toml", &scenario("1 hour", "9999-12-31T00:00:00Z"));
    assert!(std::fs::metadata(&file).expect("written").len() < 300);
    for args in [vec!["check"], vec!["run", file.to_str().expect("UTF-8")], vec!["test"]] {
        let (code, text) = pricebook(&p, &args);
        assert_eq!(code, Some(1), "{args:?}: {text}");
        assert!(text.contains("error[horizon-too-long]"), "{args:?}: {text}");
        assert!(text.contains("end it by 2126-01-01"), "{args:?}: {text}");
        refused_before_running(&text);
    }
}

#[test]
fn an_hourly_grant_over_decades_is_refused_with_the_arithmetic() {
    let p = project("recurrences", 5);
    let file = p.write("scenarios/eigent/hourly.toml", &scenario("1 hour", "2100-01-01T00:00:00Z"));
    for args in [vec!["check"], vec!["run", file.to_str().expect("UTF-8")]] {
        let (code, text) = pricebook(&p, &args);
        assert_eq!(code, Some(1), "{args:?}: {text}");
        assert!(text.contains("error[too-many-recurrences]"), "{args:?}: {text}");
        let arithmetic =
            "every 1 hour from 2026-01-01 01:00 to 2100-01-01 00:00 is 648671 hours / 1 = 648671 recurrences";
        assert!(text.contains(arithmetic), "{args:?}: {text}");
        refused_before_running(&text);
    }
}

#[test]
fn recurring_grants_within_the_budget_still_run() {
    let p = TempProject::new("within-budget");
    let file = p.write("scenarios/eigent/weekly.toml", &scenario("1 week", "2028-01-01T00:00:00Z"));
    let (code, text) = pricebook(&p, &["run", file.to_str().expect("UTF-8")]);
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("scenario: budget"), "{text}");
}

#[test]
fn a_budget_spent_after_the_last_event_points_at_end() {
    // A weekly grant from 2026 to 2028 is about 104 moments; a project
    // allowing 50 stops in the stretch after the last event, which only
    // `end` (line 4) asks for.
    let p = project("budget-at-end", 50);
    let file = p.write("scenarios/eigent/weekly.toml", &scenario("1 week", "2028-01-01T00:00:00Z"));
    let (code, text) = pricebook(&p, &["run", file.to_str().expect("UTF-8")]);
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("error[run-budget-exceeded]"), "{text}");
    assert!(text.contains("weekly.toml:4:7"), "the error points at `end`'s value: {text}");
}
