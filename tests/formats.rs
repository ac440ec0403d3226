//! The machine-readable outputs, exactly as tools read them (reviewed
//! snapshots): `check --message-format json|github` on a broken plan file,
//! `test --format json|junit --coverage` on a fixture project whose
//! scenarios match, differ, fail, are new and do not compile
//! (`tests/fixtures/formats/README.md`).

mod common;

use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn fixture() -> PathBuf {
    root().join("tests/fixtures/formats")
}

fn run(project: &Path, args: &[&str]) -> (i32, String, String) {
    let out = common::pricebook(project, args);
    let code = out.status.code().expect("exited normally");
    (code, String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

const BROKEN_PLAN: &str = "tests/broken_plans/47_several_semantic_errors.toml";

#[test]
fn check_json_is_one_object_per_line() {
    let (code, stdout, stderr) = run(root(), &["check", "--message-format", "json", BROKEN_PLAN]);
    assert_eq!(code, 1, "{stderr}");
    for line in stdout.lines() {
        let v: serde_json::Value = serde_json::from_str(line).expect("each line is JSON");
        for key in ["code", "severity", "file", "line", "column", "end_line", "end_column", "message", "help"] {
            assert!(v.get(key).is_some(), "{key} missing in {line}");
        }
    }
    assert!(stderr.is_empty(), "machine formats leave stderr for the summary only: {stderr}");
    insta::assert_snapshot!("check_json", stdout);
}

#[test]
fn check_github_is_workflow_commands() {
    let (code, stdout, _) = run(root(), &["check", "--message-format", "github", BROKEN_PLAN]);
    assert_eq!(code, 1);
    assert!(stdout.lines().all(|l| l.starts_with("::error file=") || l.starts_with("::warning file=")), "{stdout}");
    insta::assert_snapshot!("check_github", stdout);
}

#[test]
fn test_json_reports_every_status() {
    let (code, stdout, _) = run(&fixture(), &["test", "--format", "json", "--coverage"]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&stdout).expect("one JSON document");
    let statuses: Vec<&str> =
        v["scenarios"].as_array().expect("scenarios").iter().filter_map(|s| s["status"].as_str()).collect();
    assert_eq!(statuses, ["failed", "changed", "failed", "match", "new"]);
    assert_eq!(v["summary"]["ok"], false);
    insta::assert_snapshot!("test_json", stdout);
}

#[test]
fn test_junit_has_a_case_per_scenario_and_rule() {
    let (code, stdout, _) = run(&fixture(), &["test", "--format", "junit", "--coverage"]);
    assert_eq!(code, 1);
    assert!(stdout.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites"), "{stdout}");
    assert_eq!(stdout.matches("<testcase ").count(), 10);
    insta::assert_snapshot!("test_junit", stdout);
}

#[test]
fn test_human_output_is_unchanged_by_the_formats() {
    let (code, stdout, _) = run(&fixture(), &["test", "scenarios/example/matches.toml"]);
    assert_eq!(code, 0);
    assert_eq!(stdout, "ok    scenarios/example/matches.toml\n1 scenarios: 1 match, 0 changed, 0 new, 0 failed\n");
}
