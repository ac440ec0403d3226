//! Plan, scenario, template and snapshot files come from pull requests: a
//! file may be a link to a secret, a FIFO, or a loop. pricebook reads only
//! regular files inside the project, never quotes a refused file, and
//! writes only where it was asked to, without following links.

mod common;

use common::git;

use common::temp::TempProject;
use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// What a secret looks like in these tests; it must never be printed.
const SECRET: &str = "SECRET_TOKEN_4f9a";

/// A file outside the project that looks like a plan with a syntax error
/// on the secret's line (so a diagnostic would quote that line).
fn plant_secret(p: &TempProject, name: &str) -> std::path::PathBuf {
    let path = p.outside().join(name);
    std::fs::write(&path, format!("[catalog]\nname = \"x\"\n{SECRET} = = 1\n")).expect("write secret");
    path
}

fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

fn path(p: &Path) -> &str {
    p.to_str().expect("a UTF-8 temp path")
}

fn run(root: &Path, args: &[&str]) -> Output {
    common::pricebook(root, args)
}

#[test]
fn a_plan_linked_outside_the_project_is_refused_and_not_quoted() {
    let p = TempProject::new("leak-plan");
    let secret = plant_secret(&p, "secret.toml");
    p.link("plans/leak.toml", &secret);
    let out = run(&p.root(), &["check"]);
    let all = text(&out);
    assert_eq!(out.status.code(), Some(1), "{all}");
    assert!(!all.contains(SECRET), "the target's content was shown:\n{all}");
    assert!(all.contains("error[outside-project]"), "{all}");
    assert!(all.contains("plans/leak.toml"), "the link is named:\n{all}");
}

#[test]
fn a_link_to_the_process_environment_is_refused() {
    let p = TempProject::new("leak-environ");
    p.link("plans/leak.toml", Path::new("/proc/self/environ"));
    let out = Command::new(env!("CARGO_BIN_EXE_pricebook"))
        .arg("--root")
        .arg(p.root())
        .arg("check")
        .env("NO_COLOR", "1")
        .env("PRICEBOOK_TEST_TOKEN", SECRET)
        .output()
        .expect("the binary runs");
    let all = text(&out);
    assert_eq!(out.status.code(), Some(1), "{all}");
    assert!(!all.contains(SECRET), "the environment was shown:\n{all}");
    assert!(all.contains("error[outside-project]"), "{all}");
}

#[test]
fn scenarios_templates_and_snapshots_linked_outside_are_refused() {
    let p = TempProject::new("leak-others");
    let secret = plant_secret(&p, "secret.toml");
    p.link("scenarios/eigent/leak.toml", &secret);
    let out = run(&p.root(), &["check"]);
    let all = text(&out);
    assert!(!all.contains(SECRET) && all.contains("error[outside-project]"), "{all}");
    assert!(all.contains("scenarios/eigent/leak.toml"), "{all}");

    let templates = p.root().join("templates");
    std::fs::create_dir_all(&templates).expect("templates folder");
    p.link("templates/pricing.md.j2", &plant_secret(&p, "secret.j2"));
    let out_dir = p.root().join("out");
    let args = ["docs", "--templates", path(&templates), "--format", "md", "-o", path(&out_dir)];
    let out = run(&p.root(), &args);
    let all = text(&out);
    assert_ne!(out.status.code(), Some(0), "{all}");
    assert!(!all.contains(SECRET) && all.contains("error[outside-project]"), "{all}");
    assert!(!p.root().join("out/eigent/pricing.md").exists(), "{all}");

    std::fs::remove_file(p.root().join("scenarios/eigent/leak.toml")).expect("remove link");
    std::fs::remove_file(p.root().join("snapshots/eigent/daily_bonus_first.snap")).expect("remove snapshot");
    p.link("snapshots/eigent/daily_bonus_first.snap", &plant_secret(&p, "secret.snap"));
    let out = run(&p.root(), &["test"]);
    let all = text(&out);
    assert_eq!(out.status.code(), Some(1), "{all}");
    assert!(!all.contains(SECRET), "the snapshot's target was diffed:\n{all}");
    assert!(all.contains("FAIL  scenarios/eigent/daily_bonus_first.toml: snapshot"), "{all}");
}

/// Runs `args`, killing the process if it has not finished in 20 s (a
/// read that waits on a FIFO never would).
fn run_bounded(root: &Path, args: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_pricebook"))
        .arg("--root")
        .arg(root)
        .args(args)
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let started = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if started.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            panic!("`pricebook {args:?}` blocked on a FIFO");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().expect("output")
}

fn mkfifo(path: &Path) {
    let made = Command::new("mkfifo").arg(path).status().expect("mkfifo runs");
    assert!(made.success());
}

#[test]
fn a_fifo_is_refused_without_waiting_for_a_writer() {
    let p = TempProject::new("fifo");
    mkfifo(&p.root().join("plans/pipe.toml"));
    let out = run_bounded(&p.root(), &["check"]);
    let all = text(&out);
    assert_eq!(out.status.code(), Some(1), "{all}");
    assert!(all.contains("error[not-a-file]") && all.contains("plans/pipe.toml"), "{all}");
}

/// The docs lint of `diff --base` compares docs files with the base
/// revision; a FIFO among them must not stall the review.
#[test]
fn a_fifo_among_the_docs_does_not_stall_the_review() {
    let p = TempProject::new("fifo-docs");
    let root = p.root();
    p.write("docs/eigent.md", "# Eigent pricing\n");
    git(&root, &["init", "-q", "-b", "main"]);
    git(&root, &["add", "."]);
    git(&root, &["commit", "-q", "-m", "seed"]);
    let plan = root.join("plans/eigent.toml");
    let edited =
        std::fs::read_to_string(&plan).expect("plan").replacen("monthly_credits = 2000", "monthly_credits = 2500", 1);
    std::fs::write(&plan, edited).expect("edit plan");
    std::fs::remove_file(root.join("docs/eigent.md")).expect("remove docs");
    mkfifo(&root.join("docs/eigent.md"));
    let out = run_bounded(&root, &["diff", "--base", "HEAD"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
}

#[test]
fn folder_links_that_loop_or_leave_the_project_are_not_walked() {
    let p = TempProject::new("loops");
    p.link("scenarios/eigent/again", &p.root().join("scenarios"));
    p.link("scenarios/everything", Path::new("/"));
    let started = Instant::now();
    let out = run(&p.root(), &["check"]);
    let all = text(&out);
    assert_eq!(out.status.code(), Some(0), "{all}");
    assert!(started.elapsed() < Duration::from_secs(20), "{all}");
    assert!(all.contains("1 plan file and 1 scenario"), "{all}");
}

/// The old helper wrote through `.<name>.pricebook-tmp`, so a link planted
/// there let `build -o` and `docs` overwrite any file the user can write.
#[test]
fn atomic_writes_never_write_through_a_planted_link() {
    let p = TempProject::new("tmp-link");
    let victim = p.outside().join("victim.txt");
    std::fs::write(&victim, "untouched").expect("victim");
    p.link("out/.catalog.json.pricebook-tmp", &victim);
    p.link("out/eigent/.pricing.md.pricebook-tmp", &victim);
    let out = run(&p.root(), &["build", "-o", path(&p.root().join("out/catalog.json"))]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let out = run(&p.root(), &["docs", "-o", path(&p.root().join("out"))]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(std::fs::read_to_string(&victim).expect("victim"), "untouched");
    assert!(p.root().join("out/catalog.json").is_file());
    assert!(p.root().join("out/eigent/pricing.md").is_file());
}

#[test]
fn a_link_at_the_destination_is_replaced_not_written_through() {
    let p = TempProject::new("dest-link");
    let victim = p.outside().join("victim.json");
    std::fs::write(&victim, "untouched").expect("victim");
    let dest = p.link("out/catalog.json", &victim);
    let out = run(&p.root(), &["build", "-o", path(&dest)]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(std::fs::read_to_string(&victim).expect("victim"), "untouched");
    assert!(!dest.symlink_metadata().expect("dest").file_type().is_symlink());
}

#[test]
fn accept_writes_only_under_snapshots() {
    let p = TempProject::new("accept-outside");
    let ext = p.outside().join("ext.toml");
    let scenario = std::fs::read_to_string(p.root().join("scenarios/eigent/daily_bonus_first.toml")).expect("read");
    std::fs::write(&ext, scenario).expect("write ext");
    let out = run(&p.root(), &["test", "--accept", path(&p.root().join("../outside/ext.toml"))]);
    let all = text(&out);
    assert_eq!(out.status.code(), Some(1), "{all}");
    assert!(all.contains("no place under snapshots/"), "{all}");
    let written: Vec<_> = std::fs::read_dir(p.outside()).expect("list").flatten().map(|e| e.file_name()).collect();
    assert_eq!(written.len(), 1, "only ext.toml: {written:?}");
}
