//! The `pricebook` binary end to end: exit codes, the one-line message
//! format, and `build` output that is byte-for-byte reproducible.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

fn root() -> &'static str {
    env!("CARGO_MANIFEST_DIR")
}

fn pricebook(args: &[&str]) -> Output {
    common::pricebook(std::path::Path::new(root()), args)
}

fn code(out: &Output) -> i32 {
    out.status.code().expect("exited normally, not by a signal")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The example project's plan-file names, however many there are.
fn plan_names() -> Vec<String> {
    pricebook_lang::compile::Workspace::new(root()).plan_names()
}

#[test]
fn check_passes_on_the_bundled_plans() {
    let out = pricebook(&["check"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let expected = format!("checked {} plan files", plan_names().len());
    assert!(stderr(&out).contains(&expected), "{}", stderr(&out));
}

#[test]
fn check_fails_on_a_broken_file_and_points_at_it() {
    let out = pricebook(&["check", "--message-format", "short", "tests/broken_plans/16_float_price.toml"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        "tests/broken_plans/16_float_price.toml:32:17: error[float-not-allowed]: 19.99 is a TOML float\n"
    );
}

#[test]
fn check_reports_every_error_of_a_file_in_order() {
    let out = pricebook(&["check", "--message-format", "short", "tests/broken_plans/46_several_shape_errors.toml"]);
    assert_eq!(code(&out), 1);
    let lines: Vec<String> = stderr(&out).lines().map(str::to_string).collect();
    let places: Vec<&str> = lines.iter().map(|l| l.splitn(4, ':').take(3).last().unwrap_or("")).collect();
    assert_eq!(lines.len(), 4, "{lines:#?}");
    assert!(lines.iter().all(|l| l.starts_with("tests/broken_plans/46_several_shape_errors.toml:")));
    assert_eq!(places, ["17", "1", "9", "11"], "{lines:#?}");
}

#[test]
fn warnings_fail_only_with_deny_warnings() {
    let file = "tests/broken_plans/60_lint_worse_value_pack.toml";
    let out = pricebook(&["check", file]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stderr(&out).contains("warning[worse-value-pack]"), "{}", stderr(&out));
    let out = pricebook(&["check", "--deny-warnings", file]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
}

#[test]
fn a_missing_path_is_a_usage_error() {
    let out = pricebook(&["check", "tests/broken_plans/does_not_exist.toml"]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
}

/// Every object's keys in pretty JSON appear in sorted order. (Parsing
/// would sort them anyway, so this reads the text.)
fn assert_sorted_keys(json: &str) {
    let mut stack: Vec<Vec<String>> = vec![Vec::new()];
    let mut keys_checked = 0;
    for (n, line) in json.lines().enumerate() {
        let t = line.trim();
        if t.starts_with('}') || t.starts_with(']') {
            stack.pop();
            continue;
        }
        if let Some(rest) = t.strip_prefix('"')
            && let Some((key, _)) = rest.split_once("\": ")
        {
            let frame = stack.last_mut().expect("inside an object");
            if let Some(prev) = frame.last() {
                assert!(prev.as_str() < key, "line {}: key {key:?} comes after {prev:?}", n + 1);
            }
            frame.push(key.to_string());
            keys_checked += 1;
        }
        if t.ends_with('{') || t.ends_with('[') {
            stack.push(Vec::new());
        }
    }
    assert!(keys_checked > 100, "only {keys_checked} keys seen");
}

#[test]
fn build_is_reproducible_and_canonical() {
    let first = pricebook(&["build"]);
    assert_eq!(code(&first), 0, "{}", stderr(&first));
    let second = pricebook(&["build"]);
    assert_eq!(code(&second), 0);
    assert!(first.stdout == second.stdout, "two builds differ");
    let text = stdout(&first);
    assert!(text.contains("\"content_hash\": \"sha256:"), "{}", &text[..text.len().min(500)]);
    assert!(text.contains("\"format\": \"pricebook-catalog/1\""));
    let names = plan_names();
    for id in &names {
        assert!(text.contains(&format!("\n    \"{id}\": {{")), "catalog `{id}` missing");
    }
    assert_sorted_keys(&text);
    let parsed: serde_json::Value = serde_json::from_str(&text).expect("build prints JSON");
    assert!(parsed["catalogs"].as_object().is_some_and(|c| c.len() == names.len()));
}

/// A folder of its own under the system temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("pricebook-cli-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        TempDir(dir)
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn build_to_a_file_writes_the_same_bytes() {
    let dir = TempDir::new("build");
    let target = dir.path().join("out").join("catalog.json");
    let target_str = target.to_str().expect("temp path is UTF-8");
    let to_file = pricebook(&["build", "-o", target_str]);
    assert_eq!(code(&to_file), 0, "{}", stderr(&to_file));
    assert!(to_file.stdout.is_empty(), "with -o nothing goes to stdout");
    let written = std::fs::read(&target).expect("build -o wrote the file");
    let printed = pricebook(&["build"]).stdout;
    assert!(written == printed, "build -o and build differ");
    // Nothing but the catalog is left beside it (no temp file).
    let names: Vec<_> = std::fs::read_dir(target.parent().expect("parent"))
        .expect("out dir")
        .filter_map(|e| e.ok().map(|e| e.file_name()))
        .collect();
    assert_eq!(names, ["catalog.json"]);
}
