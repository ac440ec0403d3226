//! A team's own project: `pricebook init` in an empty folder gives a
//! project where `check`, `test` and `docs` pass at once, also from a
//! sub-folder; `init` never overwrites; outside a project every command
//! exits 2 and says why; completions and the man page are generated.

mod common;

use common::git;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs the binary in `dir` without `--root`, as a user types it.
fn pricebook_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pricebook"))
        .current_dir(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs")
}

/// A fresh folder under the system's temporary folder: outside this
/// repository, which is a project itself and would be found by walking up.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pricebook-init-{}", std::process::id())).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch folder");
    dir
}

fn ok(out: &Output) -> String {
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "{text}");
    text
}

#[test]
fn init_then_check_test_docs_from_the_root_and_a_subfolder() {
    let dir = scratch("demo");
    let text = ok(&pricebook_in(&dir, &["init", "demo"]));
    assert!(text.contains("created demo/pricebook.toml"), "{text}");
    let demo = dir.join("demo");
    for here in [demo.clone(), demo.join("scenarios/example")] {
        let text = ok(&pricebook_in(&here, &["check"]));
        assert!(text.contains("checked 1 plan file and 1 scenario: no problems"), "{text}");
        let text = ok(&pricebook_in(&here, &["test", "--coverage"]));
        assert!(text.contains("every rule is covered"), "{text}");
        assert!(text.contains("1 scenarios: 1 match, 0 changed, 0 new, 0 failed"), "{text}");
        ok(&pricebook_in(&here, &["docs"]));
        assert!(demo.join("docs/example/pricing.html").is_file());
    }
    // The project's own rule ids are what `covers` accepts.
    let scenario = demo.join("scenarios/example/first_months.toml");
    let text = std::fs::read_to_string(&scenario).expect("scenario");
    std::fs::write(&scenario, text.replace(r#"covers = ["R1","#, r#"covers = ["E1", "R1","#)).expect("edit");
    let out = pricebook_in(&demo, &["check"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("`E1` is not a rulebook id"));
}

#[test]
fn init_never_overwrites_a_file() {
    let dir = scratch("keep");
    std::fs::write(dir.join(".gitignore"), "mine\n").expect("write");
    let text = ok(&pricebook_in(&dir, &["init"]));
    assert!(text.contains("kept    ./.gitignore"), "{text}");
    assert_eq!(std::fs::read_to_string(dir.join(".gitignore")).expect("read"), "mine\n");
    let before = std::fs::read_to_string(dir.join("plans/example.toml")).expect("plan");
    std::fs::write(dir.join("plans/example.toml"), "# mine\n").expect("write");
    let out = pricebook_in(&dir, &["init"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("already exists"));
    assert_eq!(std::fs::read_to_string(dir.join("plans/example.toml")).expect("read"), "# mine\n");
    assert!(before.contains("[catalog]"));
}

#[test]
fn every_project_command_exits_2_outside_a_project() {
    let dir = scratch("nothing");
    for args in [
        &["check"][..],
        &["test"],
        &["build"],
        &["docs"],
        &["run", "x.toml"],
        &["diff", "a", "b"],
        &["--root", ".", "check"],
    ] {
        let out = pricebook_in(&dir, args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains("pricebook.toml") && stderr.contains("pricebook init"), "{args:?}: {stderr}");
    }
}

#[test]
fn a_broken_project_file_is_a_diagnostic() {
    let dir = scratch("broken");
    std::fs::write(dir.join("pricebook.toml"), "[project]\nname = \"x\"\n[folders]\nplan = \"p\"\n").expect("write");
    let out = pricebook_in(&dir, &["check", "--message-format", "short"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.starts_with("pricebook.toml:4:1: error[unknown-key]: unknown key `plan`"), "{stderr}");
}

#[test]
fn completions_and_man_page() {
    let dir = scratch("extras");
    for (shell, marker) in [("bash", "_pricebook()"), ("zsh", "#compdef pricebook"), ("fish", "complete -c pricebook")]
    {
        let text = ok(&pricebook_in(&dir, &["completions", shell]));
        assert!(text.contains(marker), "{shell}: {text}");
        assert!(text.contains("message-format"), "{shell}");
    }
    let man = ok(&pricebook_in(&dir, &["man"]));
    assert!(man.starts_with(".ie \\n(.g .ds Aq") || man.contains(".TH pricebook"), "{man}");
}

/// The documented flow: `pricebook docs` writes the folder `pricebook diff`
/// checks, so a pricing change without regenerated docs is flagged, and
/// regenerating them satisfies the lint.
#[test]
fn docs_and_diff_share_one_docs_folder() {
    let dir = scratch("docs_flow");
    ok(&pricebook_in(&dir, &["init"]));
    ok(&pricebook_in(&dir, &["docs"]));
    git(&dir, &["init", "-q", "-b", "main"]);
    git(&dir, &["add", "."]);
    git(&dir, &["commit", "-q", "-m", "a project with its docs"]);
    let plan = dir.join("plans/example.toml");
    let text = std::fs::read_to_string(&plan).expect("plan");
    std::fs::write(&plan, text.replace("monthly_credits = 2000", "monthly_credits = 2500")).expect("edit");

    let lints = |out: &Output| -> Vec<String> {
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
        v["lints"].as_array().expect("lints").iter().filter_map(|l| l["code"].as_str().map(String::from)).collect()
    };
    let out = pricebook_in(&dir, &["diff", "--base", "HEAD", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(lints(&out), ["docs-not-regenerated"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(v["changes"][0]["rules"], serde_json::json!(["R1"]), "the project's rule tags the change");

    ok(&pricebook_in(&dir, &["docs"]));
    let out = pricebook_in(&dir, &["diff", "--base", "HEAD", "--format", "json"]);
    assert_eq!(lints(&out), Vec::<String>::new());
}
