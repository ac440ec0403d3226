//! User-written strings (catalog, plan and pack names, scenario titles,
//! account names) are data in every output: they cannot add Markdown
//! structure to the pull-request comment or the docs, and cannot send
//! control sequences to a terminal.

mod common;

use common::temp::TempProject;
use std::process::Output;

/// A catalog name that tries everything a pull-request comment allows.
const HOSTILE_NAME: &str = r#"Eigent\n## Approved by security\n<img src=x onerror=alert(1)> ![p](https://e.vil/x.png) [ok](https://e.vil) @octocat | extra"#;

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn path(p: &std::path::Path) -> &str {
    p.to_str().expect("a UTF-8 temp path")
}

/// Table cells in a Markdown table row (escaped pipes do not count).
fn cells(row: &str) -> usize {
    row.split('|').count() - row.matches("\\|").count()
}

/// `plans/<plan>.toml` with `find` replaced, written into the project.
fn edit(p: &TempProject, plan: &str, find: &str, replace: &str) {
    let file = p.root().join(format!("plans/{plan}.toml"));
    let text = std::fs::read_to_string(&file).expect("plan");
    assert!(text.contains(find), "{find}");
    std::fs::write(&file, text.replacen(find, replace, 1)).expect("write plan");
}

/// Nothing in `md` (outside code) that GitHub would turn into structure.
fn assert_inert_markdown(md: &str) {
    for line in md.lines() {
        assert!(!line.starts_with("## Approved"), "a heading was injected:\n{md}");
    }
    for bad in ["<img", "<script", "![p]", "[ok](", "@octocat", "https://e.vil"] {
        assert!(!md.contains(bad), "`{bad}` reached the Markdown:\n{md}");
    }
}

#[test]
fn the_pull_request_comment_keeps_names_as_text() {
    let p = TempProject::new("md-diff");
    let old = p.outside().join("old");
    std::fs::create_dir_all(&old).expect("old side");
    std::fs::copy(p.root().join("plans/eigent.toml"), old.join("eigent.toml")).expect("copy");
    edit(&p, "eigent", r#"name = "Eigent Cloud""#, &format!(r#"name = "{HOSTILE_NAME}""#));
    let new = p.root().join("plans");
    let out = common::pricebook(&p.root(), &["diff", path(&old), path(&new), "--format", "markdown"]);
    let md = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{md}{}", String::from_utf8_lossy(&out.stderr));
    assert_inert_markdown(&md);
    let heading = md.lines().find(|l| l.starts_with("#### `eigent`")).expect("the catalog's heading");
    assert!(heading.contains("\\#\\# Approved by security") || heading.contains("## Approved by security"), "{md}");
    // The name's `|` does not add a column to the change table.
    let row = md.lines().find(|l| l.starts_with("| changed")).expect("a change row");
    assert_eq!(cells(row), cells("| | change | rules |"), "{row}");
}

#[test]
fn markdown_docs_keep_names_as_text() {
    let p = TempProject::new("md-docs");
    edit(&p, "eigent", r#"name = "Eigent Cloud""#, &format!(r#"name = "{HOSTILE_NAME}""#));
    p.add_plan("cleverai");
    edit(&p, "cleverai", r#"name = "1,000 credits""#, r#"name = "<script>alert(1)</script> | x | y""#);
    let out_dir = p.root().join("out");
    let out = common::pricebook(&p.root(), &["docs", "--format", "md", "-o", path(&out_dir)]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let md = std::fs::read_to_string(out_dir.join("eigent/pricing.md")).expect("pricing.md");
    assert_inert_markdown(&md);
    let md = std::fs::read_to_string(out_dir.join("cleverai/pricing.md")).expect("pricing.md");
    assert!(!md.contains("<script"), "{md}");
    let header = md.lines().find(|l| l.starts_with("| Pack |")).expect("the pack table");
    let row = md.lines().find(|l| l.contains("alert(1)") && l.starts_with('|')).expect("the pack row");
    assert_eq!(cells(row), cells(header), "the pack name added columns:\n{row}");
}

#[test]
fn terminal_output_shows_control_characters_instead_of_obeying_them() {
    let p = TempProject::new("tty");
    let scenario = p.root().join("scenarios/eigent/daily_bonus_first.toml");
    let text = std::fs::read_to_string(&scenario).expect("scenario");
    let hostile = text
        .replacen(
            "title = \"Daily credits go first, then monthly, then bonuses, then top-ups\"",
            "title = \"Daily \\u001b[2J\\u001b]8;;https://e.vil\\u0007click\\u001b]8;;\\u0007\\rforged\"",
            1,
        )
        .replace("\"alice\"", "\"al\\u001b[31mice\"");
    assert_ne!(hostile, text);
    std::fs::write(&scenario, hostile).expect("write");
    let old = p.outside().join("old");
    std::fs::create_dir_all(&old).expect("old side");
    std::fs::copy(p.root().join("plans/eigent.toml"), old.join("eigent.toml")).expect("copy");
    edit(&p, "eigent", r#"name = "Eigent Cloud""#, r#"name = "Eigent \u001b[2J Cloud""#);
    edit(&p, "eigent", "monthly_price = \"$20\"", "monthly_price = \"$25\"");
    let new = p.root().join("plans");
    let runs = [vec!["run", path(&scenario)], vec!["test"], vec!["diff", path(&old), path(&new)]];
    for args in runs {
        let out = common::pricebook(&p.root(), &args);
        let all = format!("{}{}", stdout(&out), String::from_utf8_lossy(&out.stderr));
        assert!(!all.contains('\u{1b}') && !all.contains('\u{7}') && !all.contains('\r'), "{args:?}:\n{all:?}");
        assert!(all.contains("\\u{1b}"), "{args:?} shows the escape:\n{all}");
    }
}
