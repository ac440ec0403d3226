//! `pricebook backtest` against figures computed independently: a small
//! export checked by hand (every number worked out in the comments), and
//! generated exports whose accounts are also written as scenario files and
//! run through the scenario engine. Plus: results do not depend on row
//! order, thread count or spilling, and bad input stops the run with the
//! file, line and column before anything is written.

mod common;

use common::pricebook;
use pricebook::project::Project;
use pricebook_engine::{EntryKind, totals};
use pricebook_lang::compile::Workspace;
use pricebook_lang::diag::Diagnostics;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A folder of its own under the system temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("pricebook-backtest-test-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        TempDir(dir)
    }

    fn join(&self, p: &str) -> PathBuf {
        self.0.join(p)
    }

    fn write(&self, name: &str, text: &str) -> String {
        let p = self.join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text).unwrap();
        p.to_str().unwrap().to_string()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn run(args: &[&str]) -> (i32, String, String) {
    let out = pricebook(&repo(), args);
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

// ---------------------------------------------------------------------------
// A hand-checked export.
//
// "after" is plans/codeassist.toml: Pro $20 a month or $192 a year, 500
// monthly requests. "before" is the same file with Pro at $25 / $240 and
// 400 monthly requests. Nothing is refundable; the monthly allowance
// expires at the cycle end; `small` is 500 requests for $20.

const ACCOUNTS: &str = "\
account,plan,billing,signed_up,since,extra
dave,free,,2026-03-01T00:00:00Z,,ignored
alice,pro,monthly,2026-03-01T00:00:00Z,2026-03-01T00:00:00Z,
carol,pro,yearly,2026-01-10T00:00:00Z,2026-02-01T00:00:00Z,
bob,free,monthly,2026-03-05T00:00:00Z,,
";

const USAGE: &str = "\
time,account,feature,model,requests,input_tokens,output_tokens
2026-04-02T10:00:00Z,alice,codegen,large,50,,
2026-03-02T10:00:00Z,alice,agent,premium,100,,
2026-03-06T10:00:00Z,bob,chat,fast,,,
2026-03-03T10:00:00Z,alice,agent,standard,,,
2026-03-10T10:00:00Z,carol,chat,long-context,,10000,2000
2026-03-15T08:00:00Z,dave,agent,,,,
";

const PURCHASES: &str = "\
account,time,pack
bob,2026-03-06T09:00:00Z,small
";

// alice (Pro monthly from 03-01; the export ends 04-02, so 03-01 and the
//   04-01 renewal are charged):
//   before: 2 x $25 = $50. 03-02 agent premium x100 = 400 of 400; 03-03
//     agent standard (1) finds 0 left: refused (auto-refill off under
//     `refuse`). 04-01 a new 400; 04-02 codegen large x50 = 250.
//     Used 400 + 250 = 650, refused 1, first at 2026-03-03T10:00:00Z.
//   after: 2 x $20 = $40. 400, then 1 (99 left), then 250: used 651.
// bob (Free): buys `small` ($20, 500) on 03-06, chat fast costs 1: $20, 1 used.
// carol (Pro yearly from 02-01; next renewal 2027): before $240, after $192;
//   chat long-context 10,000 in + 2,000 out = 0.2 x 10 + 1 x 2 = 4.
// dave (Free, no credits): agent/standard is refused in both (nothing to
//   spend): charged 0, refused 1. (The raw USAGE leaves dave's model empty,
//   which `agent` with two models and no `default` rejects: see the bad-input test.)
const EXPECTED: &str = "\
account,plan,events,charged_before,charged_after,charged_delta,credits_used_before,credits_used_after,refused_before,refused_after,first_refusal_before,first_refusal_after,packs_bought_before,packs_bought_after
alice,pro,3,50.00,40.00,-10.00,650,651,1,0,2026-03-03T10:00:00Z,,0,0
bob,free,2,20.00,20.00,0.00,1,1,0,0,,,0,0
carol,pro,1,240.00,192.00,-48.00,4,4,0,0,,,0,0
dave,free,1,0.00,0.00,0.00,0,0,1,1,2026-03-15T08:00:00Z,2026-03-15T08:00:00Z,0,0
";

fn before_plans(t: &TempDir) -> String {
    let text = std::fs::read_to_string(repo().join("plans/codeassist.toml")).unwrap();
    let changed = text
        .replace("monthly_price = \"$20\"", "monthly_price = \"$25\"")
        .replace("yearly_price = \"$192\"", "yearly_price = \"$240\"")
        .replace("monthly_credits = 500", "monthly_credits = 400");
    assert_ne!(text, changed);
    t.write("before/codeassist.toml", &changed);
    t.join("before").to_str().unwrap().to_string()
}

struct Export {
    usage: String,
    accounts: String,
    purchases: String,
}

fn hand_export(t: &TempDir, usage: &str) -> Export {
    Export {
        usage: t.write("usage.csv", usage),
        accounts: t.write("accounts.csv", ACCOUNTS),
        purchases: t.write("purchases.csv", PURCHASES),
    }
}

/// `skipped.csv` of the run written to `out`, with paths relative to `t`.
fn skipped_csv(t: &TempDir, out: &Path) -> String {
    std::fs::read_to_string(out.join("skipped.csv")).unwrap().replace(&format!("{}/", t.0.display()), "")
}

fn backtest(e: &Export, before: Option<&str>, out: &Path, extra: &[&str]) -> (i32, String, String) {
    let out = out.to_str().unwrap();
    let mut args = vec!["backtest", "--usage", &e.usage, "--accounts", &e.accounts, "--purchases", &e.purchases];
    args.extend(["--plans", "codeassist", "-o", out]);
    if let Some(b) = before {
        args.extend(["--against", b]);
    }
    args.extend(extra);
    run(&args)
}

#[test]
fn hand_checked_export_gives_the_worked_figures() {
    let t = TempDir::new("hand");
    let usage = USAGE.replace("dave,agent,,", "dave,agent,standard,");
    let e = hand_export(&t, &usage);
    let before = before_plans(&t);
    let (code, stdout, stderr) = backtest(&e, Some(&before), &t.join("out"), &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("4 accounts, 7 events"), "{stdout}");
    let csv = std::fs::read_to_string(t.join("out/accounts.csv")).unwrap();
    assert_eq!(csv, EXPECTED);

    let md = std::fs::read_to_string(t.join("out/summary.md")).unwrap();
    // $50 + $20 + $240 = $310 before; $40 + $20 + $192 = $252 after.
    assert!(md.contains(r"| revenue | \$310.00 | \$252.00 | -\$58.00 (-18.7%) |"), "{md}");
    assert!(md.contains("0 pay more, 2 pay less, 2 pay the same"), "{md}");
    assert!(md.contains("refuse: usage that does not fit is refused"), "{md}");
    assert!(md.contains(r"| `carol` | pro | \$240.00 | \$192.00 | -\$48.00 (-20%) |"), "{md}");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(t.join("out/summary.json")).unwrap()).unwrap();
    assert_eq!(json["revenue"]["delta"], "-58");
    assert_eq!(json["when_out"], "refuse");
    assert_eq!(json["ran_out_before"], 2);
    assert_eq!(json["ran_out_after"], 1);

    // The pictures: revenue by plan, the change per customer, the balances
    // of the top movers (alice and carol moved; both sides of each drawn).
    for f in ["revenue_by_plan.svg", "change.svg", "balances.svg"] {
        let svg = std::fs::read_to_string(t.join("out").join(f)).unwrap();
        assert!(svg.starts_with("<svg ") && svg.ends_with("</svg>\n"), "{f}");
    }
    let balances = std::fs::read_to_string(t.join("out/balances.svg")).unwrap();
    for name in ["carol (before)", "carol (after)", "alice (before)", "alice (after)"] {
        assert!(balances.contains(name), "{name} in balances.svg");
    }
    assert!(!balances.contains("bob ("), "bob did not move");

    // smallest-pack: alice buys `small` ($20, 500) when the 03-03 usage does
    // not fit under "before": charged $50 + $20 = $70, used 651, nothing
    // refused. dave on Free buys `small` too ($20) and uses 1.
    let (code, _, stderr) = backtest(&e, Some(&before), &t.join("out2"), &["--when-out", "smallest-pack"]);
    assert_eq!(code, 0, "{stderr}");
    let csv = std::fs::read_to_string(t.join("out2/accounts.csv")).unwrap();
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(rows[1], "alice,pro,3,70.00,40.00,-30.00,651,651,0,0,,,1,0");
    assert_eq!(rows[4], "dave,free,1,20.00,20.00,0.00,1,1,0,0,,,1,1");
}

#[test]
fn results_do_not_depend_on_row_order_threads_or_spilling() {
    let t = TempDir::new("order");
    let e = hand_export(&t, &USAGE.replace("dave,agent,,", "dave,agent,standard,"));
    let before = before_plans(&t);
    let (code, _, stderr) = backtest(&e, Some(&before), &t.join("a"), &[]);
    assert_eq!(code, 0, "{stderr}");
    let mut lines: Vec<&str> = USAGE.lines().skip(1).collect();
    lines.reverse();
    let reversed = format!("{}\n{}\n", USAGE.lines().next().unwrap(), lines.join("\n"))
        .replace("dave,agent,,", "dave,agent,standard,");
    let e2 = Export { usage: t.write("usage2.csv", &reversed), ..hand_export(&t, &reversed) };
    let (code, _, stderr) = backtest(&e2, Some(&before), &t.join("b"), &["--spill-threshold", "1"]);
    assert_eq!(code, 0, "{stderr}");
    for f in ["accounts.csv", "summary.md", "summary.json", "balances.svg", "change.svg", "revenue_by_plan.svg"] {
        let a = std::fs::read(t.join("a").join(f)).unwrap();
        let b = std::fs::read(t.join("b").join(f)).unwrap();
        assert!(a == b, "{f} differs between row orders / spilling");
    }
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_pricebook"))
        .args(["--root", repo().to_str().unwrap(), "backtest", "--usage", &e.usage, "--accounts", &e.accounts])
        .args(["--purchases", &e.purchases, "--plans", "codeassist", "--against", &before, "-o"])
        .arg(t.join("c"))
        .env("RAYON_NUM_THREADS", "1")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(std::fs::read(t.join("a/accounts.csv")).unwrap(), std::fs::read(t.join("c/accounts.csv")).unwrap());
}

#[test]
fn bad_input_names_file_line_and_column_and_writes_nothing() {
    let t = TempDir::new("bad");
    let cases: &[(&str, &str, &str)] = &[
        ("chat,fast", "chat,fats", "usage.csv:4:4: error: column `model`: plans `codeassist` have no model `fats`"),
        (
            "carol,chat",
            "carl,chat",
            "usage.csv:6:2: error: column `account`: account `carl` is not in the accounts file",
        ),
        (
            "alice,codegen,large,50",
            "alice,codegen,large,-50",
            "usage.csv:2:5: error: column `requests`: `-50` is negative",
        ),
        (
            "2026-03-02T10:00:00Z",
            "2026-03-02 10:00",
            "usage.csv:3:1: error: column `time`: `2026-03-02 10:00` is not an RFC 3339 time",
        ),
        (
            "2026-03-15T08:00:00Z,dave",
            "2026-02-15T08:00:00Z,dave",
            "usage.csv:7:1: error: column `time`: 2026-02-15T08:00:00Z is before the account signed up",
        ),
        (
            "dave,agent,,",
            "dave,agent,,",
            "usage.csv:7:4: error: column `model`: plans `codeassist` have no model `default`",
        ),
    ];
    for (from, to, want) in cases {
        let e = hand_export(&t, &USAGE.replace(from, to));
        let out = t.join("never");
        let (code, _, stderr) = backtest(&e, None, &out, &[]);
        assert_eq!(code, 1, "{want}: {stderr}");
        assert!(stderr.contains(want), "want {want:?} in:\n{stderr}");
        assert!(stderr.contains("= help:"), "{stderr}");
        assert!(!out.exists(), "nothing is written when the input is bad");
    }
    // An unknown plan in the accounts file, and a file that is not CSV.
    let e = hand_export(&t, &USAGE.replace("dave,agent,,", "dave,agent,standard,"));
    std::fs::write(&e.accounts, ACCOUNTS.replace("bob,free", "bob,team")).unwrap();
    let (code, _, stderr) = backtest(&e, None, &t.join("never"), &[]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("accounts.csv:5:2: error: column `plan`: plans `codeassist` have no plan `team`"),
        "{stderr}"
    );
    std::fs::write(&e.accounts, [0xffu8, 0xfe, 0x00, 0x01, b'\n', 0x80]).unwrap();
    let (code, _, stderr) = backtest(&e, None, &t.join("never"), &[]);
    assert_eq!(code, 1);
    assert!(stderr.contains("not UTF-8 text, so it is not a CSV file"), "{stderr}");
    let (code, _, stderr) =
        run(&["backtest", "--usage", "x.parquet", "--accounts", &e.accounts, "--plans", "codeassist"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("error"), "{stderr}");
}

// ---------------------------------------------------------------------------
// Generated exports, replayed a second time as scenario files.

fn read_csv(path: &Path) -> Vec<BTreeMap<String, String>> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header: Vec<String> = lines.next().unwrap().split(',').map(str::to_string).collect();
    lines.map(|l| header.iter().cloned().zip(l.split(',').map(str::to_string)).collect()).collect()
}

/// One export row as a scenario event: (time, sort rank, TOML).
fn usage_event(row: &BTreeMap<String, String>) -> (String, u8, String) {
    let mut fields = vec![format!("feature = \"{}\"", row["feature"]), format!("model = \"{}\"", row["model"])];
    for k in ["requests", "minutes", "units", "variant"] {
        // `units` is written only for a catalog with a metered feature,
        // `variant` for one with multipliers.
        if row.get(k).is_some_and(|v| !v.is_empty()) {
            fields.push(format!("{k} = \"{}\"", row[k]));
        }
    }
    for k in ["input_tokens", "output_tokens"] {
        if !row[k].is_empty() {
            fields.push(format!("{k} = {}", row[k]));
        }
    }
    (row["time"].clone(), 1, format!("use = {{ {} }}", fields.join(", ")))
}

/// Figures of one scenario account: (charged, consumed, refused usage, first refused usage).
fn scenario_figures(project: &mut Project, path: &Path, plans: &str, uses: &BTreeSet<String>) -> [String; 4] {
    let script = project.script(path).unwrap_or_else(|| panic!("{} compiles: {:?}", path.display(), project.diags));
    let cat = &project.catalogs[plans];
    let mut diags = Diagnostics::new();
    let sim = pricebook_lang::replay::replay(&script, cat, &mut diags);
    assert!(!diags.has_errors(), "{}: {diags:?}", path.display());
    let ledger = sim.ledger();
    let t = totals::by_account(ledger).remove(&0).unwrap();
    let refused: Vec<String> = ledger
        .iter()
        .filter(|e| e.kind == EntryKind::Refused)
        .map(|e| e.at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
        .filter(|at| uses.contains(at))
        .collect();
    let mut charged = (t.charged - t.refunded).get();
    charged.rescale(2);
    [
        charged.to_string(),
        t.credits.consumed.normalized().to_string(),
        refused.len().to_string(),
        refused.first().cloned().unwrap_or_default(),
    ]
}

fn cross_check(plans: &str, seed: &str) {
    let t = TempDir::new(&format!("cross-{plans}"));
    let usage = t.join("export/usage.csv");
    let (code, _, stderr) = run(&[
        "sample-usage",
        "--plans",
        plans,
        "--accounts",
        "25",
        "--days",
        "20",
        "--seed",
        seed,
        "-o",
        usage.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let accounts = t.join("export/accounts.csv");
    let purchases = t.join("export/purchases.csv");
    let out = t.join("out");
    let (code, _, stderr) = run(&[
        "backtest",
        "--usage",
        usage.to_str().unwrap(),
        "--accounts",
        accounts.to_str().unwrap(),
        "--purchases",
        purchases.to_str().unwrap(),
        "--plans",
        plans,
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");

    // The same export as one scenario file per account.
    let plan_text = std::fs::read_to_string(repo().join(format!("plans/{plans}.toml"))).unwrap();
    let plan_toml: toml::Table = toml::from_str(&plan_text).unwrap();
    let default_plan = plan_toml["catalog"]["default_plan"].as_str().unwrap().to_string();
    let has_auto = plan_toml.contains_key("auto_recharge");
    t.write(&format!("project/plans/{plans}.toml"), &plan_text);
    let usage_rows = read_csv(&usage);
    let purchase_rows = read_csv(&purchases);
    let end = usage_rows.iter().chain(&purchase_rows).map(|r| r["time"].clone()).max().unwrap();
    let results = read_csv(&out.join("accounts.csv"));
    let mut project = Project::new(Workspace::new(t.join("project")));
    let mut compared = 0;
    let (mut charged_accounts, mut refused_accounts) = (0, 0);
    for (a, result) in read_csv(&accounts).iter().zip(&results) {
        let name = &a["account"];
        assert_eq!(&result["account"], name);
        let mut events: Vec<(String, u8, String)> =
            usage_rows.iter().filter(|r| &r["account"] == name).map(usage_event).collect();
        events.extend(
            purchase_rows
                .iter()
                .filter(|r| &r["account"] == name)
                .map(|r| (r["time"].clone(), 0, format!("buy = {{ pack = \"{}\" }}", r["pack"]))),
        );
        let uses: BTreeSet<String> = events.iter().filter(|e| e.1 == 1).map(|e| e.0.clone()).collect();
        let buys: BTreeSet<String> = events.iter().filter(|e| e.1 == 0).map(|e| e.0.clone()).collect();
        // A refusal is matched to its usage by time: skip the rare account
        // where a purchase and a usage share a second.
        if !uses.is_disjoint(&buys) {
            continue;
        }
        let off = if has_auto { "auto_recharge = { enabled = false }" } else { "" };
        if a["plan"] != default_plan {
            events.push((
                a["since"].clone(),
                // Before any event at the same instant (the backtest starts the plan first).
                0,
                format!("subscribe = {{ plan = \"{}\", billing = \"{}\", trial = false }}", a["plan"], a["billing"]),
            ));
            if has_auto {
                events.push((a["since"].clone(), 0, off.to_string()));
            }
        }
        // A stable sort keeps the subscription before its auto-recharge setting.
        events.sort_by(|x, y| (&x.0, x.1).cmp(&(&y.0, y.1)));
        let mut toml = format!(
            "title = \"{name}\"\nplans = \"{plans}\"\naccount = \"{name}\"\nend = {end}\n\n[[events]]\nat = {}\nsign_up = {{}}\n",
            a["signed_up"]
        );
        if has_auto {
            toml.push_str(&format!("\n[[events]]\nat = {}\n{off}\n", a["signed_up"]));
        }
        for (at, _, body) in &events {
            toml.push_str(&format!("\n[[events]]\nat = {at}\n{body}\n"));
        }
        let path = t.join(&format!("project/scenarios/{name}.toml"));
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &toml).unwrap();
        let [charged, used, refused, first] = scenario_figures(&mut project, &path, plans, &uses);
        assert_eq!(
            [
                &result["charged_after"],
                &result["credits_used_after"],
                &result["refused_after"],
                &result["first_refusal_after"]
            ],
            [&charged, &used, &refused, &first],
            "{plans} {name}: backtest vs scenario engine\n{toml}"
        );
        compared += 1;
        charged_accounts += usize::from(charged != "0.00");
        refused_accounts += usize::from(refused != "0");
    }
    // The comparison means something only if money moved and some usage was refused.
    assert!(compared >= 20, "only {compared} accounts compared");
    assert!(
        charged_accounts >= 3 && refused_accounts >= 1,
        "{plans}: {charged_accounts} charged, {refused_accounts} refused"
    );
}

#[test]
fn generated_exports_match_the_scenario_engine_codeassist() {
    cross_check("codeassist", "11");
}

#[test]
fn generated_exports_match_the_scenario_engine_cleverai() {
    cross_check("cleverai", "12");
}

#[test]
fn generated_exports_match_the_scenario_engine_voiceagent() {
    cross_check("voiceagent", "13");
}

#[test]
fn generated_exports_match_the_scenario_engine_enrichment() {
    cross_check("enrichment", "14");
}

#[test]
fn generated_exports_match_the_scenario_engine_voicestudio() {
    // Per-character and per-second meters: the `units` column.
    cross_check("voicestudio", "15");
}

#[test]
fn sample_usage_is_deterministic_and_does_not_overwrite() {
    let t = TempDir::new("sample");
    let a = t.join("a/usage.jsonl");
    let b = t.join("b/usage.jsonl");
    for p in [&a, &b] {
        let (code, _, stderr) =
            run(&["sample-usage", "--plans", "cleverai", "--accounts", "30", "--seed", "5", "-o", p.to_str().unwrap()]);
        assert_eq!(code, 0, "{stderr}");
    }
    for f in ["usage.jsonl", "accounts.jsonl", "purchases.jsonl"] {
        assert_eq!(std::fs::read(t.join("a").join(f)).unwrap(), std::fs::read(t.join("b").join(f)).unwrap(), "{f}");
    }
    let (code, _, stderr) = run(&["sample-usage", "--plans", "cleverai", "--accounts", "3", "-o", a.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(stderr.contains("does not overwrite"), "{stderr}");
    // JSON Lines read back the same as CSV would.
    let out = t.join("out");
    let (code, _, stderr) = run(&[
        "backtest",
        "--usage",
        a.to_str().unwrap(),
        "--accounts",
        t.join("a/accounts.jsonl").to_str().unwrap(),
        "--purchases",
        t.join("a/purchases.jsonl").to_str().unwrap(),
        "--plans",
        "cleverai",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn run_plot_draws_each_account_of_a_scenario() {
    let t = TempDir::new("plot");
    let svg = t.join("invite.svg");
    let (code, _, stderr) = run(&["run", "scenarios/eigent/invite_both_sides.toml", "--plot", svg.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(text.starts_with("<svg ") && text.contains("An invitation gives 500 credits"), "{text}");
    // One line per account, each named in the legend.
    assert_eq!(text.matches("<path ").count(), 3);
    for name in [">ann<", ">bob<", ">cal<"] {
        assert!(text.contains(name), "{name}");
    }
}

#[test]
fn diff_with_usage_adds_the_impact_on_customers() {
    let t = TempDir::new("diff");
    let e = hand_export(&t, &USAGE.replace("dave,agent,,", "dave,agent,standard,"));
    let before = before_plans(&t);
    let (code, stdout, stderr) = run(&[
        "diff",
        &before,
        "plans/codeassist.toml",
        "--format",
        "markdown",
        "--usage",
        &e.usage,
        "--accounts",
        &e.accounts,
        "--purchases",
        &e.purchases,
        "--plans",
        "codeassist",
    ]);
    assert_eq!(code, 1, "changes found: {stderr}");
    let section = stdout.split("#### Impact on customers").nth(1).unwrap_or_else(|| panic!("{stdout}"));
    assert!(section.contains(r"| revenue | \$310.00 | \$252.00 | -\$58.00 (-18.7%) |"), "{section}");
    assert!(section.contains("##### Top movers"), "{section}");
    let (code, _, stderr) = run(&["diff", &before, "plans", "--usage", &e.usage, "--accounts", &e.accounts]);
    assert_eq!(code, 2, "--usage needs --plans: {stderr}");
}

// ---------------------------------------------------------------------------
// --skip-invalid, meters, accounts.parquet.

#[test]
fn skip_invalid_lists_every_skipped_row_and_replays_the_rest() {
    let t = TempDir::new("skip");
    let usage = USAGE.replace("alice,codegen,large,50", "alice,codegen,large,-50").replace("carol,chat", "carl,chat");
    let e = hand_export(&t, &usage);
    let accounts = format!("{ACCOUNTS}alice,pro,monthly,2026-03-01T00:00:00Z,,\nerin,team,,2026-03-01T00:00:00Z,,\n");
    std::fs::write(&e.accounts, accounts).unwrap();
    let before = before_plans(&t);

    // Without the flag: the first bad row stops the run, nothing is written.
    let (code, _, stderr) = backtest(&e, Some(&before), &t.join("never"), &[]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("accounts.csv:6:1: error: column `account`: account `alice` is listed twice"), "{stderr}");
    assert!(!t.join("never").exists());

    let (code, stdout, stderr) = backtest(&e, Some(&before), &t.join("out"), &["--skip-invalid"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("skipped 5 input row(s) that could not be read"), "{stderr}");
    assert!(stdout.contains("skipped.csv"), "{stdout}");
    let skipped = skipped_csv(&t, &t.join("out"));
    assert_eq!(
        skipped,
        "\
file,row,column,reason
accounts.csv,6,account,account `alice` is listed twice (first on line 3)
accounts.csv,7,plan,plans `codeassist` have no plan `team`
usage.csv,2,requests,`-50` is negative
usage.csv,6,account,account `carl` is not in the accounts file
usage.csv,7,model,plans `codeassist` have no model `default`
"
    );
    // What is left: alice's two agent rows, bob's chat and purchase, carol
    // gone with `carl`, dave's row skipped. The export now ends at bob's
    // 03-06 chat, so alice's 04-01 renewal is outside it: before $25, used
    // 400 and the 03-03 row refused; after $20, 400 + 1 = 401 used.
    // carol (yearly from 02-01) still pays once; dave has no events.
    let csv = std::fs::read_to_string(t.join("out/accounts.csv")).unwrap();
    assert_eq!(
        csv.lines().skip(1).collect::<Vec<_>>(),
        [
            "alice,pro,2,25.00,20.00,-5.00,400,401,1,0,2026-03-03T10:00:00Z,,0,0",
            "bob,free,2,20.00,20.00,0.00,1,1,0,0,,,0,0",
            "carol,pro,0,240.00,192.00,-48.00,0,0,0,0,,,0,0",
            "dave,free,0,0.00,0.00,0.00,0,0,0,0,,,0,0",
        ]
    );
    let md = std::fs::read_to_string(t.join("out/summary.md")).unwrap();
    assert!(md.contains("**Skipped rows:** ⚠ 5 input row(s) could not be read"), "{md}");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(t.join("out/summary.json")).unwrap()).unwrap();
    assert_eq!(json["skipped_rows"], 5);
    // Without the flag there is no count and no skipped.csv.
    let e = hand_export(&t, &USAGE.replace("dave,agent,,", "dave,agent,standard,"));
    let (code, _, stderr) = backtest(&e, None, &t.join("clean"), &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(!t.join("clean/skipped.csv").exists());
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(t.join("clean/summary.json")).unwrap()).unwrap();
    assert_eq!(json["skipped_rows"], serde_json::Value::Null);
}

#[test]
fn a_row_with_the_wrong_number_of_fields_stops_the_run_or_is_skipped() {
    let t = TempDir::new("fields");
    let usage = USAGE.replace("dave,agent,,", "dave,agent,standard,").replace("bob,chat,fast,,,", "bob,chat,fast,,,,x");
    let e = hand_export(&t, &usage);
    let before = before_plans(&t);
    let (code, _, stderr) = backtest(&e, Some(&before), &t.join("never"), &[]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("usage.csv:4: error: this row has 8 fields where the header has 7"), "{stderr}");
    assert!(!t.join("never").exists());

    let (code, _, stderr) = backtest(&e, Some(&before), &t.join("out"), &["--skip-invalid"]);
    assert_eq!(code, 0, "{stderr}");
    let skipped = skipped_csv(&t, &t.join("out"));
    assert_eq!(skipped, "file,row,column,reason\nusage.csv,4,,this row has 8 fields where the header has 7\n");
    // bob's chat is gone; his purchase stays.
    let csv = std::fs::read_to_string(t.join("out/accounts.csv")).unwrap();
    assert!(csv.contains("\nbob,free,1,20.00,20.00,0.00,0,0,0,0,,,0,0\n"), "{csv}");

    // The same in the accounts file, read first.
    std::fs::write(&e.accounts, format!("{ACCOUNTS}erin,free,,2026-03-01T00:00:00Z,,,x\n")).unwrap();
    let (code, _, stderr) = backtest(&e, Some(&before), &t.join("never"), &[]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("accounts.csv:6: error: this row has 7 fields where the header has 6"), "{stderr}");
    let (code, _, stderr) = backtest(&e, Some(&before), &t.join("out2"), &["--skip-invalid"]);
    assert_eq!(code, 0, "{stderr}");
    let skipped = skipped_csv(&t, &t.join("out2"));
    assert_eq!(
        skipped,
        "file,row,column,reason\n\
         accounts.csv,6,,this row has 7 fields where the header has 6\n\
         usage.csv,4,,this row has 8 fields where the header has 7\n"
    );
}

#[test]
fn metered_usage_reads_the_units_column_and_costs_give_margins() {
    let t = TempDir::new("units");
    let accounts = t.write(
        "accounts.csv",
        "account,plan,signed_up,since\n\
         ann,free,2026-03-01T00:00:00Z,\n\
         bo,creator,2026-03-01T00:00:00Z,2026-03-01T00:00:00Z\n",
    );
    // plans/voicestudio.toml: Free has 10,000 credits; tts costs 1 credit a
    // character (multilingual) or 0.5 (flash, rounded up), at most 5,000 a
    // use; transcribe 5.5 a second.
    // ann: 1,200 chars multilingual = 1,200; 3,001 flash = 1,500.5 -> 1,501;
    //   7,000 multilingual = 7,000 capped at 5,000; 10 s = 55.
    //   Used 1,200 + 1,501 + 5,000 + 55 = 7,756; 2,244 left, so 3,000 s
    //   (16,500) is refused.
    //   Provider cost ($0.00003 a multilingual character, $0.000012 a flash
    //   one, $0.0001 a second; the cap limits credits, not cost; refused
    //   usage is not served): 0.036 + 0.036012 + 0.21 + 0.001 = 0.283012.
    //   Charged nothing: margin -0.283012.
    // bo: Creator from 03-01, first payment half price ($11, S7); 50,000
    //   multilingual characters are charged the 5,000-credit cap, but cost
    //   the provider all 50,000 x $0.00003 = $1.50: margin $9.50.
    let usage = t.write(
        "usage.csv",
        "account,time,feature,model,units\n\
         ann,2026-03-02T10:00:00Z,tts,multilingual_v2,1200\n\
         ann,2026-03-02T11:00:00Z,tts,flash_v2_5,3001\n\
         ann,2026-03-02T12:00:00Z,tts,multilingual_v2,7000\n\
         ann,2026-03-02T13:00:00Z,transcribe,,10\n\
         ann,2026-03-02T14:00:00Z,transcribe,scribe_v1,3000\n\
         bo,2026-03-02T09:00:00Z,tts,multilingual_v2,50000\n",
    );
    let out = t.join("out");
    let (code, _, stderr) = run(&[
        "backtest",
        "--usage",
        &usage,
        "--accounts",
        &accounts,
        "--plans",
        "voicestudio",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let rows = read_csv(&out.join("accounts.csv"));
    let figures = |r: &BTreeMap<String, String>| {
        ["credits_used_after", "refused_after", "first_refusal_after", "charged_after", "cost_after", "margin_after"]
            .map(|k| r[k].clone())
    };
    assert_eq!(figures(&rows[0]), ["7756", "1", "2026-03-02T14:00:00Z", "0.00", "0.283012", "-0.283012"]);
    assert_eq!(figures(&rows[1]), ["5000", "0", "", "11.00", "1.50", "9.50"]);
    // One catalog: no "before" cost or margin.
    assert_eq!([&rows[0]["cost_before"], &rows[0]["margin_before"]], ["", ""]);
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    // 0.283012 + 1.5 = 1.783012; revenue $11, margin 9.216988.
    assert_eq!(json["cost"]["after"], "1.783012");
    assert_eq!(json["margin"]["after"], "9.216988");
    let creator = json["by_plan"].as_array().unwrap().iter().find(|p| p["plan"] == "creator").unwrap();
    assert_eq!([&creator["cost"]["after"], &creator["margin"]["after"]], ["1.5", "9.5"]);
    let md = std::fs::read_to_string(out.join("summary.md")).unwrap();
    assert!(md.contains("| gross margin |") && md.contains("### Margins by plan"), "{md}");

    // Without costs (the codeassist hand export) there are no margin columns.
    let e = hand_export(&t, &USAGE.replace("dave,agent,,", "dave,agent,standard,"));
    let (code, _, stderr) = backtest(&e, None, &t.join("plain"), &[]);
    assert_eq!(code, 0, "{stderr}");
    let csv = std::fs::read_to_string(t.join("plain/accounts.csv")).unwrap();
    assert!(!csv.contains("cost_") && !csv.contains("margin_"), "{csv}");
    let md = std::fs::read_to_string(t.join("plain/summary.md")).unwrap();
    assert!(!md.contains("margin"), "{md}");
}

#[test]
fn variants_multiply_credits_in_each_catalog_and_cost_their_own() {
    let t = TempDir::new("variants");
    let accounts = t.write("accounts.csv", "account,plan,signed_up,since\nann,free,2026-03-01T00:00:00Z,\n");
    // after: plans/voicestudio.toml, `premium` x2 at its own $0.00005 a
    // character. before: `premium` x3 with no cost of its own, listed second
    // (after a `studio` variant): the variant index is per catalog.
    let text = std::fs::read_to_string(repo().join("plans/voicestudio.toml")).unwrap();
    let older = text.replace(
        r#"{ variant = "premium", display_name = "premium voices", multiplier = 2, cost = { per_unit = "$0.00005" } },"#,
        r#"{ variant = "studio", multiplier = 5 }, { variant = "premium", multiplier = 3 },"#,
    );
    assert_ne!(text, older);
    t.write("before/voicestudio.toml", &older);
    // ann, Free (10,000 credits); tts 1 credit a multilingual character, 0.5
    // a flash one, rounded up after the multiplier:
    //   1,200 multilingual premium: after 1,200 x 2 = 2,400; before x3 = 3,600.
    //   1,001 flash premium: 500.5 x 2 = 1,001 after (not 501 x 2); before
    //     500.5 x 3 = 1,501.5 -> 1,502.
    //   1,000 multilingual, no variant: 1,000 on both sides.
    //   Used: after 4,401; before 6,102.
    // Provider cost: after, premium's own $0.00005 a character:
    //   1,200 x 0.00005 + 1,001 x 0.00005 + 1,000 x 0.00003
    //   = 0.06 + 0.05005 + 0.03 = 0.14005.
    //   before, the rates' (premium has no cost of its own there):
    //   1,200 x 0.00003 + 1,001 x 0.000012 + 1,000 x 0.00003
    //   = 0.036 + 0.012012 + 0.03 = 0.078012.
    // Charged nothing: margin = -cost.
    let rows = "account,time,feature,model,units,variant\n\
         ann,2026-03-02T10:00:00Z,tts,multilingual_v2,1200,premium\n\
         ann,2026-03-02T11:00:00Z,tts,flash_v2_5,1001,premium\n\
         ann,2026-03-02T12:00:00Z,tts,multilingual_v2,1000,\n";
    let out = t.join("out");
    let args = |usage: &str, out: &Path, skip: bool| {
        let mut a: Vec<String> = ["backtest", "--usage", usage, "--accounts", &accounts, "--plans", "voicestudio"]
            .map(String::from)
            .to_vec();
        a.extend(["--against".into(), t.join("before").display().to_string()]);
        a.extend(["-o".into(), out.display().to_string()]);
        if skip {
            a.push("--skip-invalid".into());
        }
        a
    };
    let run_args = |a: Vec<String>| run(&a.iter().map(String::as_str).collect::<Vec<_>>());
    let usage = t.write("usage.csv", rows);
    let (code, _, stderr) = run_args(args(&usage, &out, false));
    assert_eq!(code, 0, "{stderr}");
    let got = read_csv(&out.join("accounts.csv"));
    let figures =
        ["credits_used_before", "credits_used_after", "cost_before", "cost_after", "margin_before", "margin_after"]
            .map(|k| got[0][k].clone());
    assert_eq!(figures, ["6102", "4401", "0.078012", "0.14005", "-0.078012", "-0.14005"]);

    // A variant one catalog does not list is a row error naming the
    // feature's variants there; skippable.
    let bad = t.write("bad.csv", &format!("{rows}ann,2026-03-02T13:00:00Z,tts,multilingual_v2,10,studio\n"));
    let (code, _, stderr) = run_args(args(&bad, &t.join("never"), false));
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains(
            "bad.csv:5:6: error: column `variant`: feature `tts` in plans `voicestudio` has no variant `studio`"
        ) && stderr.contains("= help: known variants of `tts`: `premium`; leave `variant` empty for none"),
        "{stderr}"
    );
    let (code, _, stderr) = run_args(args(&bad, &t.join("skip"), true));
    assert_eq!(code, 0, "{stderr}");
    let skipped = std::fs::read_to_string(t.join("skip/skipped.csv")).unwrap();
    assert!(
        skipped.ends_with(",5,variant,feature `tts` in plans `voicestudio` has no variant `studio`\n"),
        "{skipped}"
    );
    assert_eq!(
        std::fs::read_to_string(t.join("skip/accounts.csv")).unwrap(),
        std::fs::read_to_string(out.join("accounts.csv")).unwrap()
    );
}

#[test]
fn json_lines_that_are_not_objects_are_bad_rows() {
    let t = TempDir::new("jsonl-skip");
    let accounts = t.write("accounts.csv", "account,plan,signed_up,since\nann,free,2026-03-01T00:00:00Z,\n");
    let good =
        r#"{"account":"ann","time":"2026-03-02T10:00:00Z","feature":"tts","model":"multilingual_v2","units":"1200"}"#;
    let usage = t.write(
        "usage.jsonl",
        &format!("{good}\n[1,2]\n{{\"account\": \"ann\", \"time\n{good}\n{}\n", good.replace("\"1200\"", "0.5")),
    );
    let base = ["backtest", "--usage", &usage, "--accounts", &accounts, "--plans", "voicestudio", "-o"];
    // Without the flag the first one stops the run.
    let never = t.join("never");
    let (code, _, stderr) = run(&[&base[..], &[never.to_str().unwrap()]].concat());
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("usage.jsonl:2: error: each line of a JSON Lines file is one JSON object\n  | [1,2]"),
        "{stderr}"
    );
    assert!(!never.exists());
    let out = t.join("out");
    let (code, _, stderr) = run(&[&base[..], &[out.to_str().unwrap(), "--skip-invalid"]].concat());
    assert_eq!(code, 0, "{stderr}");
    let skipped = skipped_csv(&t, &out);
    let lines: Vec<&str> = skipped.lines().collect();
    assert_eq!(lines.len(), 4, "{skipped}");
    assert_eq!(lines[1], "usage.jsonl,2,,each line of a JSON Lines file is one JSON object");
    assert!(lines[2].starts_with("usage.jsonl,3,,not JSON: EOF while parsing a string"), "{skipped}");
    // A fraction is still refused (rule X1), now as a skippable row.
    assert!(lines[3].starts_with("usage.jsonl,5,units,\"`0.5` is not a decimal written as a string"), "{skipped}");
    // The two good rows: 1,200 + 1,200 characters.
    assert_eq!(read_csv(&out.join("accounts.csv"))[0]["credits_used_after"], "2400");
    // A file whose first line is no object is not JSON Lines: it stops the run even with the flag.
    let csv = t.write("usage2.jsonl", "account,time\nann,2026-03-02T10:00:00Z\n");
    let (code, _, stderr) = run(&[
        "backtest",
        "--usage",
        &csv,
        "--accounts",
        &accounts,
        "--plans",
        "voicestudio",
        "--skip-invalid",
        "-o",
        never.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("usage2.jsonl:1: error: not JSON"), "{stderr}");
}

#[test]
fn accounts_parquet_holds_what_accounts_csv_holds() {
    let t = TempDir::new("parquet-out");
    let e = hand_export(&t, &USAGE.replace("dave,agent,,", "dave,agent,standard,"));
    let before = before_plans(&t);
    let (code, _, stderr) = backtest(&e, Some(&before), &t.join("out"), &["--parquet"]);
    if !cfg!(feature = "parquet") {
        assert_eq!(code, 2, "{stderr}");
        assert!(stderr.contains("built without Parquet support"), "{stderr}");
        assert!(!t.join("out").exists());
        return;
    }
    assert_eq!(code, 0, "{stderr}");
    let csv = read_csv(&t.join("out/accounts.csv"));
    let header: Vec<String> = csv[0].keys().cloned().collect();
    let wanted: Vec<&str> = header.iter().map(String::as_str).collect();
    let mut back: Vec<BTreeMap<String, String>> = Vec::new();
    let pq = t.join("out/accounts.parquet");
    pricebook_backtest::input::read_rows(&pq, "accounts.parquet", &wanted, wanted.len(), &mut |r| {
        back.push(wanted.iter().enumerate().map(|(i, w)| (w.to_string(), r.get(i).to_string())).collect());
        Ok(())
    })
    .unwrap();
    assert_eq!(back, csv);
    assert_eq!(back.len(), 4);
}
