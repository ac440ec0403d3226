//! Shared by the scenario tests: replay every scenario of a project folder
//! and compare each ledger with its snapshot through insta.

pub mod temp;

use pricebook::project::Project;
use pricebook::snapshot;
use pricebook_lang::compile::Workspace;
use pricebook_lang::diag::{Diagnostics, SourceMap, Style, render_all};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::process::Command;

/// The project at `root` (its pricebook.toml and rulebook), or a panic
/// showing why it does not open.
#[allow(dead_code)]
pub fn workspace(root: &Path) -> Workspace {
    let (mut sources, mut diags) = (SourceMap::new(), Diagnostics::new());
    let ws = pricebook_lang::manifest::open(root, &mut sources, &mut diags);
    ws.unwrap_or_else(|| panic!("{}: {}", root.display(), render_all(&diags.sorted(), &sources, Style::Plain)))
}

/// Panics with every failing scenario listed (not only the first).
#[allow(dead_code)]
pub fn assert_snapshots(root: &Path) {
    let ws = workspace(root);
    let mut project = Project::open(ws.clone());
    let files = ws.scenario_files();
    assert!(!files.is_empty(), "no scenarios found under {}", ws.scenarios_dir().display());
    let mut failures = Vec::new();
    for path in &files {
        let shown = ws.display(path);
        let Some(replayed) = project.replay(path) else {
            failures.push(format!("{shown}: does not compile"));
            continue;
        };
        if replayed.failed {
            failures.push(format!("{shown}: an expectation or the conservation check failed"));
        }
        let snap = snapshot::path_for(&ws, path).expect("scenarios are inside the project");
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path(snap.parent().unwrap_or(root));
        settings.set_prepend_module_to_snapshot(false);
        settings.set_input_file(path);
        let name = snapshot::name_for(path);
        let ledger = replayed.table;
        let compared = catch_unwind(AssertUnwindSafe(|| {
            settings.bind(|| insta::assert_snapshot!(name, ledger));
        }));
        if compared.is_err() {
            failures.push(format!("{shown}: ledger differs from {}", ws.display(&snap)));
        }
    }
    let problems = render_all(&project.diags.sorted(), &project.sources, Style::Plain);
    let failed: std::collections::BTreeSet<&str> = failures.iter().filter_map(|f| f.split(':').next()).collect();
    assert!(
        failures.is_empty() && !project.diags.has_errors(),
        "{} of {} scenarios failed:\n{}\n{problems}",
        failed.len(),
        files.len(),
        failures.join("\n")
    );
}

/// Every scenario's table and JSON, rendered once.
// Each test binary compiles this module; not every one calls every helper.
#[allow(dead_code)]
pub fn render_all_scenarios(root: &Path) -> Vec<(String, String, String)> {
    let ws = workspace(root);
    let mut project = Project::open(ws.clone());
    ws.scenario_files().iter().filter_map(|p| project.replay(p)).map(|r| (r.path, r.table, r.json)).collect()
}

/// Runs the built `pricebook` binary on a project folder, colour off.
#[allow(dead_code)]
pub fn pricebook(root: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_pricebook"))
        .arg("--root")
        .arg(root)
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs")
}

/// Runs git in `dir` as a throw-away identity, failing the test on error.
#[allow(dead_code)]
pub fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "user.name=pricebook test", "-c", "user.email=test@example.invalid", "-c", "commit.gpgsign=false"])
        .args(args)
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}
