//! `pricebook diff`: the semantic change list (one test per kind of
//! change), the impact on a bundled scenario (numbers checked by hand), the
//! lints, the renderings (insta snapshots), exit codes of the binary, and
//! `--base` against a throwaway git repository.
//!
//! Plans come from `tests/fixtures/diff/base/` (copies of the seed plans)
//! edited in memory, so pricing edits in `plans/` do not break these tests.

mod common;

use common::git;

use pricebook::diff::{self, ChangeKind, Loaded, Options, Review, side::PlanText};
use pricebook_lang::compile::Workspace;
use std::path::{Path, PathBuf};
use std::process::Output;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn fixture(name: &str) -> String {
    let path = root().join("tests/fixtures/diff/base").join(format!("{name}.toml"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The base copy of a plan file with exact-text edits applied.
fn edited(name: &str, edits: &[(&str, &str)]) -> String {
    let mut text = fixture(name);
    for (from, to) in edits {
        assert!(text.contains(from), "{name}.toml does not contain {from:?}");
        text = text.replacen(from, to, 1);
    }
    text
}

fn side(label: &str, files: &[(&str, String)]) -> Loaded {
    let texts = files
        .iter()
        .map(|(id, text)| PlanText {
            id: id.to_string(),
            shown: format!("{label}/{id}.toml"),
            text: text.clone(),
            disk: None,
        })
        .collect();
    Loaded::from_texts(label, texts)
}

/// Reviews `old` against `new` with the given scenarios (none: no impact).
fn review_with(old: &[(&str, String)], new: &[(&str, String)], scenarios: Vec<PathBuf>) -> Review {
    let (o, n) = (side("old", old).compile(), side("new", new).compile());
    assert!(o.compiled() && n.compiled(), "a side does not compile");
    // The example project's rulebook names the rules changes touch.
    let ws = common::workspace(root());
    // A docs folder that does not exist: the docs lint is tested on its own.
    let opts = Options { docs: Some(root().join("tests/fixtures/diff/no-docs")), scenarios: Some(scenarios) };
    diff::review(&ws, o, n, &opts)
}

/// The change lines of one edited plan file, without replaying anything.
fn changes(name: &str, edits: &[(&str, &str)]) -> Vec<String> {
    let r = review_with(&[(name, fixture(name))], &[(name, edited(name, edits))], Vec::new());
    r.changes.iter().map(|c| c.text()).collect()
}

/// Change lines with their rule ids: "text [E1 E2]".
fn changes_with_rules(name: &str, edits: &[(&str, &str)]) -> Vec<String> {
    let r = review_with(&[(name, fixture(name))], &[(name, edited(name, edits))], Vec::new());
    r.changes.iter().map(|c| format!("{} [{}]", c.text(), c.rules.join(" "))).collect()
}

fn bundled_scenario() -> PathBuf {
    root().join("scenarios/eigent/daily_bonus_first.toml")
}

// ---------------------------------------------------------------- changes

#[test]
fn no_change_when_only_comments_and_layout_change() {
    let r = review_with(
        &[("eigent", fixture("eigent"))],
        &[(
            "eigent",
            edited(
                "eigent",
                &[("# E1/E2: monthly plan credits, no rollover.", "# reworded"), ("priority = 1", "priority   =   1")],
            ),
        )],
        vec![bundled_scenario()],
    );
    assert!(r.changes.is_empty(), "{:#?}", r.changes);
    assert!(r.impact.moved.is_empty());
    assert_eq!(r.impact.replayed, 1);
    assert!(!r.changed());
}

#[test]
fn price_up() {
    let r = review_with(
        &[("eigent", fixture("eigent"))],
        &[("eigent", edited("eigent", &[(r#"monthly_price = "$20""#, r#"monthly_price = "$25""#)]))],
        Vec::new(),
    );
    assert_eq!(r.changes.len(), 1);
    let c = &r.changes[0];
    assert_eq!(c.text(), "Plus plan: monthly price $20.00 → $25.00 (+25%)");
    assert_eq!(c.path, "plans.plus.monthly_price");
    assert_eq!(c.kind, ChangeKind::Changed);
    assert!(c.is_increase());
}

#[test]
fn price_down() {
    assert_eq!(
        changes("codeassist", &[(r#"monthly_price = "$20""#, r#"monthly_price = "$15""#)]),
        ["Pro plan: monthly price $20.00 → $15.00 (-25%)"]
    );
    assert_eq!(
        changes("voiceagent", &[(r#"yearly_price = "$290""#, r#"yearly_price = "$261""#)]),
        ["Starter plan: yearly price $290.00 → $261.00 (-10%)"]
    );
}

#[test]
fn monthly_credits() {
    assert_eq!(
        changes_with_rules("eigent", &[("monthly_credits = 2000", "monthly_credits = 2500")]),
        ["Plus plan: monthly credits 2,000 → 2,500 (+25%) [E1]"]
    );
    // The unit's own name, and an allowance that becomes unlimited.
    assert_eq!(
        changes("enrichment", &[("monthly_credits = 2_000_000", "monthly_credits = \"unlimited\"")]),
        ["Team plan: monthly tokens 2,000,000 → unlimited"]
    );
}

#[test]
fn pack_price_and_unit_price() {
    assert_eq!(
        changes_with_rules("enrichment", &[(r#"price = "€5""#, r#"price = "€6""#)]),
        ["Starter pack: price €5.00 → €6.00 (+20%); unit price €5.00 → €6.00 per 1M tokens [T4]"]
    );
    // Size only: €10 for 3M instead of 2.5M is €3.3333 per 1M (10 / 3 to four places).
    assert_eq!(
        changes("enrichment", &[("credits = 2_500_000", "credits = 3_000_000")]),
        ["Standard pack: tokens 2,500,000 → 3,000,000 (+20%); unit price €4.00 → €3.3333 per 1M tokens (-16.7%)"]
    );
    // A custom-amount pack: its unit price itself.
    assert_eq!(
        changes_with_rules("eigent", &[(r#"unit_price = "0.01""#, r#"unit_price = "0.0125""#)]),
        ["Add-On Pack: unit price $0.01 → $0.0125 per credit (+25%) [E3 E4]"]
    );
}

#[test]
fn added_and_removed_plans() {
    let added = "[[plans]]\nid = \"max\"\nname = \"Max\"\nmonthly_price = \"$200\"\nmonthly_credits = 25000\ntrial = \"7 days\"\n\n# E3/E4";
    assert_eq!(
        changes_with_rules("eigent", &[("# E3/E4", added)]),
        ["Max plan: added ($200.00/month, 25,000 credits/month, 7 days trial) [E1]"]
    );
    let pro = "[[plans]]\nid = \"pro\"\nname = \"Pro\"\ntagline = \"For power users who need advanced capabilities.\"\nmonthly_price = \"$100\"               # illustrative\nmonthly_credits = 10000              # E1\ncycle_anchor = \"subscription\"        # E10\ntrial = \"7 days\"                     # E9\n";
    assert_eq!(
        changes_with_rules("eigent", &[(pro, "")]),
        ["Pro plan: removed (was $100.00/month, 10,000 credits/month, 7 days trial) [E1]"]
    );
}

#[test]
fn added_and_removed_packs() {
    let mega = "[[packs]]\nid = \"mega\"\nname = \"Mega\"\ncredits = 40_000_000\nprice = \"€120\"\nplans = [\"team\", \"business\"]\n\n# Tokens consumed";
    assert_eq!(
        changes_with_rules("enrichment", &[("# Tokens consumed", mega)]),
        ["Mega pack: added (40,000,000 tokens for €120.00, €3.00 per 1M tokens) [T4]"]
    );
    let pro = "[[packs]]\nid = \"pro\"\nname = \"Pro\"\ntagline = \"Team-wide usage\"\ncredits = 15_000_000\nprice = \"€50\"\nplans = [\"team\", \"business\"]\n";
    assert_eq!(
        changes_with_rules("enrichment", &[(pro, "")]),
        ["Pro pack: removed (was 15,000,000 tokens for €50.00, €3.3333 per 1M tokens) [T4]"]
    );
}

#[test]
fn whole_plan_files_added_and_removed() {
    let r = review_with(
        &[("eigent", fixture("eigent"))],
        &[("eigent", fixture("eigent")), ("cleverai", fixture("cleverai"))],
        Vec::new(),
    );
    let texts: Vec<String> = r.changes.iter().map(|c| c.text()).collect();
    assert_eq!(texts, ["plans/cleverai.toml: added (CleverAI: 3 plans, 2 packs)"]);
    let r = review_with(
        &[("eigent", fixture("eigent")), ("cleverai", fixture("cleverai"))],
        &[("cleverai", fixture("cleverai"))],
        Vec::new(),
    );
    let texts: Vec<String> = r.changes.iter().map(|c| c.text()).collect();
    assert_eq!(texts, ["plans/eigent.toml: removed (was Eigent Cloud: 3 plans, 1 pack)"]);
}

#[test]
fn rollover_change() {
    assert_eq!(
        changes_with_rules(
            "voiceagent",
            &[("rollover = { cycles = 1 }", "rollover = { cycles = 2, max_amount = 5000 }")]
        ),
        ["monthly credits: rollover 1 month → 2 months [A5]", "monthly credits: rollover cap none → 5,000 [A5]",]
    );
    // Going the other way reads as the issue puts it.
    let two = edited("voiceagent", &[("rollover = { cycles = 1 }", "rollover = { cycles = 2 }")]);
    let r = review_with(&[("voiceagent", two)], &[("voiceagent", fixture("voiceagent"))], Vec::new());
    assert_eq!(r.changes[0].text(), "monthly credits: rollover 2 months → 1 month");
}

#[test]
fn consumption_order_change() {
    assert_eq!(
        changes_with_rules(
            "codeassist",
            &[(r#"consumption_order = ["soonest_expiry", "oldest"]"#, r#"consumption_order = ["oldest"]"#)]
        ),
        ["credits: consumption order soonest expiry, oldest → oldest []"]
    );
    // A priority is part of the order: E7 on eigent, T1 on the enrichment product.
    assert_eq!(
        changes_with_rules("eigent", &[("priority = 3", "priority = 0")]),
        ["topup credits: spending priority 3 → 0 [E7]"]
    );
    assert_eq!(
        changes_with_rules("enrichment", &[("priority = 1", "priority = -1")]),
        ["purchase tokens: spending priority 1 → -1 [T1]"]
    );
}

#[test]
fn expiry_change() {
    assert_eq!(
        changes_with_rules(
            "eigent",
            &[(
                "id = \"topup\"\nkind = \"purchase\"\nexpires = \"never\"",
                "id = \"topup\"\nkind = \"purchase\"\nexpires = \"1 year\""
            )]
        ),
        ["topup credits: expiry never → after 1 year [E3]"]
    );
    assert_eq!(
        changes_with_rules("eigent", &[("expires = \"end_of_day\"", "expires = \"end_of_cycle\"")]),
        ["daily credits: expiry end of day → end of cycle [E6]"]
    );
}

/// Rounding expiries to the second (issue 10) reads as a named row, not a
/// raw key, both ways.
#[test]
fn expiry_precision_change() {
    assert_eq!(
        changes_with_rules(
            "codeassist",
            &[("transferable = false ", "transferable = false\nexpiry_precision = \"second\"")]
        ),
        ["credits: expiry precision exact → second []"]
    );
    let second =
        edited("codeassist", &[("transferable = false ", "transferable = false\nexpiry_precision = \"second\"")]);
    let r = review_with(&[("codeassist", second)], &[("codeassist", fixture("codeassist"))], Vec::new());
    let back: Vec<String> = r.changes.iter().map(|c| c.text()).collect();
    assert_eq!(back, ["credits: expiry precision second → exact"]);
}

/// A usage period declared in the plan file (issue 10): its two parts are
/// named rows.
#[test]
fn usage_period_change() {
    assert_eq!(
        changes(
            "codeassist",
            &[(
                "transferable = false ",
                "transferable = false\nusage_period = { every = \"1 month\", overage = \"carry\" }"
            )]
        ),
        ["credits: usage resets every never → 1 month", "credits: overage at a usage reset none → carry"]
    );
}

/// An allowance source limited to some plans (issue 10): the row names the
/// plans it is granted to, and the new source for the other plan is added.
#[test]
fn allowance_plans_change() {
    assert_eq!(
        changes_with_rules(
            "codeassist",
            &[(
                "kind = \"allowance\"                       # C2\nexpires = \"end_of_cycle\"\n",
                "kind = \"allowance\"\nexpires = \"end_of_cycle\"\nplans = [\"pro\"]\n\n[[sources]]\nid = \"free_monthly\"\nkind = \"allowance\"\nexpires = \"end_of_cycle\"\nplans = [\"free\"]\n"
            )]
        ),
        [
            "monthly requests: granted to every plan → pro []",
            "free_monthly requests: added (allowance, expires end of cycle) []"
        ]
    );
}

#[test]
fn auto_recharge_cap_change() {
    assert_eq!(
        changes_with_rules("enrichment", &[(r#"monthly_cap = "€50""#, r#"monthly_cap = "€100""#)]),
        ["auto-recharge: monthly spending cap €50.00 → €100.00 (+100%) [T5]"]
    );
    assert_eq!(
        changes_with_rules("enrichment", &[("monthly_cap = \"€50\"\n", "")]),
        ["auto-recharge: monthly spending cap €50.00 → no cap [T5]"]
    );
    assert_eq!(
        changes_with_rules("codeassist", &[(r#"on_decline = "disable""#, r#"on_decline = "retry""#)]),
        ["auto-recharge: on a declined payment disable → retry [C8]"]
    );
}

#[test]
fn refund_window_change() {
    assert_eq!(
        changes_with_rules("eigent", &[(r#"window = "7 days""#, r#"window = "14 days""#)]),
        ["refunds: window 7 days → 14 days [E12]"]
    );
    // A rule added where there was none: codeassist refunds nothing.
    assert_eq!(
        changes(
            "codeassist",
            &[("[plan_changes]", "[refunds]\napplies_to = [\"pack\"]\nwindow = \"14 days\"\n\n[plan_changes]")]
        ),
        ["refunds: refundable nothing → pack", "refunds: window none → 14 days"]
    );
}

#[test]
fn rate_change() {
    assert_eq!(
        changes_with_rules(
            "cleverai",
            &[(r#"{ model = "gpt-4o", per_1k_tokens = "5" }"#, r#"{ model = "gpt-4o", per_1k_tokens = "6" }"#)]
        ),
        ["Chatbot message (gpt-4o): credits per 1K tokens 5 → 6 (+20%) [V2]"]
    );
    assert_eq!(
        changes_with_rules(
            "codeassist",
            &[(
                r#"  { model = "premium", per_request = 4 },"#,
                r#"  { model = "premium", per_request = 4 },
  { model = "ultra", per_request = 10 },"#
            )]
        ),
        ["Agent task (ultra): added (10 requests per request) [C1]"]
    );
}

#[test]
fn limit_and_flag_change() {
    assert_eq!(
        changes_with_rules("cleverai", &[("limits = { chatbots = 5 }", "limits = { chatbots = 10 }")]),
        ["Pro plan: chatbots limit 5 → 10 (+100%) [V7]"]
    );
    assert_eq!(
        changes_with_rules(
            "cleverai",
            &[("limits = { chatbots = 1 }\n", "limits = { chatbots = 1 }\nflags = [\"api_access\"]\n")]
        ),
        ["Free plan: API access off → on [V7]"]
    );
}

#[test]
fn bonus_sources_map_to_their_rules() {
    assert_eq!(
        changes_with_rules("eigent", &[("amount = 200", "amount = 250")]),
        ["daily credits: amount per grant 200 → 250 (+25%) [E6]"]
    );
    assert_eq!(
        changes_with_rules("eigent", &[("amount = 1000", "amount = 1500")]),
        ["register credits: amount per grant 1,000 → 1,500 (+50%) [E5]"]
    );
}

#[test]
fn other_rules_add_ons_warnings_plan_changes() {
    assert_eq!(
        changes_with_rules("voiceagent", &[("monthly_credits = 300\n", "monthly_credits = 400\n")]),
        ["Knowledge base add-on: monthly credits 300 → 400 (+33.3%) [A2]"]
    );
    assert_eq!(
        changes_with_rules("cleverai", &[(r#"low_balance = ["20%", "5%"]"#, r#"low_balance = ["25%", "5%"]"#)]),
        ["low-balance warnings: thresholds 20%, 5% → 25%, 5% [V5]"]
    );
    assert_eq!(
        changes_with_rules("eigent", &[("downgrade = \"end_of_cycle\"", "downgrade = \"immediately\"")]),
        ["plan changes: downgrade takes effect end of cycle → immediately [X5]"]
    );
    assert_eq!(
        changes_with_rules("eigent", &[("on_exhaustion = \"overdraw_once\"", "on_exhaustion = \"refuse\"")]),
        ["credits: when the balance runs out overdraw once → refuse [E11]"]
    );
}

#[test]
fn wording_and_order_changes() {
    let starter = "[[packs]]\nid = \"starter\"\nname = \"Starter\"\ntagline = \"Occasional overflow\"\ncredits = 1_000_000\nprice = \"€5\"\nplans = [\"team\", \"business\"]\n\n";
    let standard = "[[packs]]\nid = \"standard\"\nname = \"Standard\"\ntagline = \"Regular use (most popular)\"\ncredits = 2_500_000\nprice = \"€10\"\nplans = [\"team\", \"business\"]\n\n";
    let swapped = format!("{standard}{starter}");
    assert_eq!(
        changes(
            "enrichment",
            &[(&format!("{starter}{standard}"), &swapped), ("Heavy enrichment", "For heavy enrichment")]
        ),
        [
            "packs: order starter, standard, plus, pro → standard, starter, plus, pro",
            "Plus pack: tagline Heavy enrichment → For heavy enrichment"
        ]
    );
}

// ----------------------------------------------------------------- impact

#[test]
fn raising_free_credits_moves_the_bundled_scenario_by_hand_checked_numbers() {
    // Free 500 → 600. By hand: sign-up 600 monthly + 1,000 register; +1,000
    // top-up; day 1 spends 200 daily + 100 monthly, then 500 monthly +
    // 1,000 register + 0 top-up (the extra 100 monthly absorbs what top-up
    // paid before); day 2 as before. End: top-up 1,000 left, not 900.
    let r = review_with(
        &[("eigent", fixture("eigent"))],
        &[("eigent", edited("eigent", &[("monthly_credits = 500 ", "monthly_credits = 600 ")]))],
        vec![bundled_scenario()],
    );
    assert_eq!(r.impact.replayed, 1);
    assert_eq!(r.impact.moved.len(), 1);
    let s = &r.impact.moved[0];
    assert_eq!(s.path, "scenarios/eigent/daily_bonus_first.toml");
    assert_eq!(s.accounts.len(), 1);
    assert_eq!(s.accounts[0].account, "alice");
    let figures: Vec<(String, String, String, Option<String>)> = s.accounts[0]
        .metrics
        .iter()
        .map(|m| (m.what.clone(), m.old.clone(), m.new.clone(), m.change.clone()))
        .collect();
    assert_eq!(
        figures,
        [
            ("balance".into(), "900".into(), "1,000".into(), Some("+100".into())),
            ("topup credits".into(), "900".into(), "1,000".into(), Some("+100".into())),
        ]
    );
    let d = s.first_difference.as_ref().expect("a differing line");
    assert_eq!(d.line, 2);
    let cells = |v: &Option<Vec<String>>| v.as_ref().map(|c| (c[3].clone(), c[5].clone(), c[6].clone()));
    assert_eq!(cells(&d.old), Some(("grant".into(), "+500".into(), "500".into())));
    assert_eq!(cells(&d.new), Some(("grant".into(), "+600".into(), "600".into())));
    // Nine `expect` checks state figures that move (balances and the
    // monthly/top-up sources after each event).
    assert_eq!(s.failed_expectations, (0, 9));
}

#[test]
fn a_change_no_scenario_exercises_moves_nothing() {
    // The bundled scenario stays on Free: Plus's credits do not touch it.
    let r = review_with(
        &[("eigent", fixture("eigent"))],
        &[("eigent", edited("eigent", &[("monthly_credits = 2000", "monthly_credits = 2500")]))],
        vec![bundled_scenario()],
    );
    assert_eq!(r.changes.len(), 1);
    assert!(r.impact.moved.is_empty());
    assert!(r.changed(), "a change is a change even when no ledger moves");
}

#[test]
fn a_pricier_add_on_charges_more_in_the_bundled_scenario() {
    // 1,000 credits at $0.012 = $12.00 instead of $10.00; credits unchanged.
    let r = review_with(
        &[("eigent", fixture("eigent"))],
        &[("eigent", edited("eigent", &[(r#"unit_price = "0.01""#, r#"unit_price = "0.012""#)]))],
        vec![bundled_scenario()],
    );
    let s = &r.impact.moved[0];
    let m = &s.accounts[0].metrics;
    assert_eq!(m.len(), 1, "{m:#?}");
    assert_eq!((m[0].what.as_str(), m[0].old.as_str(), m[0].new.as_str()), ("charged", "$10.00", "$12.00"));
    assert_eq!(m[0].change.as_deref(), Some("+$2.00"));
    let d = s.first_difference.as_ref().expect("a differing line");
    assert_eq!(d.line, 4);
    assert_eq!(d.new.as_ref().map(|c| c[7].as_str()), Some("$12.00"));
    // The scenario buys the pack, so the price rise is covered: no lint
    // (but the docs one, which has no docs folder to look at here).
    assert!(r.lints.iter().all(|l| l.code == "docs-not-checked"), "{:#?}", r.lints);
}

#[test]
fn a_scenario_that_no_longer_compiles_is_reported() {
    let r = review_with(
        &[("eigent", fixture("eigent"))],
        &[("eigent", edited("eigent", &[("id = \"addon\"", "id = \"topup_pack\"")]))],
        vec![bundled_scenario()],
    );
    let s = &r.impact.moved[0];
    match &s.runs {
        diff::impact::Runs::OldOnly(why) => assert!(why.contains("addon"), "{why}"),
        other => panic!("expected old-only, got {other:?}"),
    }
}

// ------------------------------------------------------------------ lints

#[test]
fn lint_price_raised_without_a_scenario() {
    let r = review_with(
        &[("eigent", fixture("eigent"))],
        &[("eigent", edited("eigent", &[(r#"monthly_price = "$20""#, r#"monthly_price = "$25""#)]))],
        vec![bundled_scenario()],
    );
    // The docs lint has no docs folder to look at here (tested on its own).
    let lints: Vec<(&str, &str)> =
        r.lints.iter().filter(|l| l.code != "docs-not-checked").map(|l| (l.code, l.message.as_str())).collect();
    assert_eq!(
        lints,
        [("price-raised-uncovered", "Plus plan: monthly price $20.00 → $25.00 but no scenario charges this plan")]
    );
    // A price cut needs no scenario.
    let r = review_with(
        &[("eigent", fixture("eigent"))],
        &[("eigent", edited("eigent", &[(r#"monthly_price = "$20""#, r#"monthly_price = "$15""#)]))],
        Vec::new(),
    );
    assert!(r.lints.iter().all(|l| l.code == "docs-not-checked"), "{:#?}", r.lints);
}

#[test]
fn lint_pack_becomes_worse_value() {
    // Pro: 15M for €60 is €4.00 per 1M; the smaller Plus pack is €25 / 7M = €3.5714.
    let r = review_with(
        &[("enrichment", fixture("enrichment"))],
        &[("enrichment", edited("enrichment", &[(r#"price = "€50""#, r#"price = "€60""#)]))],
        Vec::new(),
    );
    let lints: Vec<(&str, &str, Vec<String>)> = r
        .lints
        .iter()
        .filter(|l| l.code == "pack-worse-value")
        .map(|l| (l.code, l.message.as_str(), l.rules.clone()))
        .collect();
    assert_eq!(
        lints,
        [(
            "pack-worse-value",
            "Pro pack becomes worse value than the smaller Plus pack: €4.00 per 1M tokens vs €3.5714 per 1M tokens",
            vec!["T8".to_string()]
        )]
    );
    // A pair that was already worse value is not news.
    let worse = edited("enrichment", &[(r#"price = "€50""#, r#"price = "€60""#)]);
    let worse_still = edited("enrichment", &[(r#"price = "€50""#, r#"price = "€61""#)]);
    let r = review_with(&[("enrichment", worse)], &[("enrichment", worse_still)], Vec::new());
    assert!(r.lints.iter().all(|l| l.code != "pack-worse-value"), "{:#?}", r.lints);
}

/// A scratch folder under cargo's per-test temporary directory, fresh.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("diff").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch folder");
    dir
}

fn write(path: &Path, text: &str) {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).expect("folder");
    }
    std::fs::write(path, text).expect("write");
}

fn set_age(path: &Path, seconds_ago: u64) {
    let t = std::time::SystemTime::now() - std::time::Duration::from_secs(seconds_ago);
    let f = std::fs::File::options().write(true).open(path).expect("open");
    f.set_modified(t).expect("set mtime");
}

#[test]
fn lint_docs_not_regenerated_by_modification_time() {
    let dir = scratch("docs_mtime");
    write(&dir.join("old/eigent.toml"), &fixture("eigent"));
    write(&dir.join("plans/eigent.toml"), &edited("eigent", &[("monthly_credits = 2000", "monthly_credits = 2500")]));
    write(&dir.join("docs/eigent.md"), "# Eigent pricing\n");
    write(&dir.join("docs/cleverai.md"), "# unrelated\n");
    let ws = Workspace::new(&dir);
    let run = |ws: &Workspace| {
        let (o, n) = diff::load(
            ws,
            (&diff::Spec::Path(dir.join("old")), "old"),
            (&diff::Spec::Path(dir.join("plans")), "plans"),
        )
        .expect("sides");
        let r = diff::review(ws, o, n, &Options::default());
        r.lints.iter().map(|l| (l.code, l.message.clone())).collect::<Vec<_>>()
    };
    // Docs written before the plan changed: stale.
    set_age(&dir.join("docs/eigent.md"), 3600);
    assert_eq!(
        run(&ws),
        [(
            "docs-not-regenerated",
            "plans/eigent.toml changed but its generated docs were not regenerated (docs/eigent.md)".to_string()
        )]
    );
    // Regenerated after the change: nothing to say.
    set_age(&dir.join("plans/eigent.toml"), 7200);
    assert!(run(&ws).is_empty());
    // No docs for this catalog, or no docs folder: it says why it could not check.
    set_age(&dir.join("docs/eigent.md"), 10_000);
    std::fs::remove_file(dir.join("docs/eigent.md")).expect("remove the page");
    assert_eq!(
        run(&ws),
        [("docs-not-checked", "generated docs of `eigent` not checked: docs/ holds no files for it".to_string())]
    );
    std::fs::remove_dir_all(dir.join("docs")).expect("remove docs");
    assert_eq!(
        run(&ws),
        [("docs-not-checked", "generated docs of `eigent` not checked: there is no docs folder docs/".to_string())]
    );
}

// ------------------------------------------------------------- renderings

/// A realistic pull request: Plus goes to $25 with 2,500 credits, add-on
/// credits cost a quarter more, and the enrichment Starter pack goes to €6.
fn realistic() -> Review {
    let eigent_new = edited(
        "eigent",
        &[
            (r#"monthly_price = "$20""#, r#"monthly_price = "$25""#),
            ("monthly_credits = 2000", "monthly_credits = 2500"),
            (r#"unit_price = "0.01""#, r#"unit_price = "0.0125""#),
        ],
    );
    let enrichment_new = edited("enrichment", &[(r#"price = "€5""#, r#"price = "€6""#)]);
    let mut r = review_with(
        &[("eigent", fixture("eigent")), ("enrichment", fixture("enrichment"))],
        &[("eigent", eigent_new), ("enrichment", enrichment_new)],
        vec![bundled_scenario()],
    );
    r.old = "origin/main".into();
    r.new = "working tree".into();
    r
}

#[test]
fn text_rendering() {
    let r = realistic();
    insta::assert_snapshot!("diff_text", diff::render::text(&r, false));
}

#[test]
fn markdown_rendering() {
    let r = realistic();
    insta::assert_snapshot!("diff_markdown", diff::render::markdown(&r));
}

#[test]
fn colour_only_when_asked() {
    let r = realistic();
    assert!(!diff::render::text(&r, false).contains('\x1b'));
    assert!(diff::render::text(&r, true).contains("\x1b[32m"));
}

#[test]
fn json_is_sorted_stable_and_exact() {
    let r = realistic();
    let a = diff::render::json(&r).expect("json");
    assert_eq!(a, diff::render::json(&realistic()).expect("json"), "same review, same bytes");
    let v: serde_json::Value = serde_json::from_str(&a).expect("valid JSON");
    assert_eq!(v["format"], "pricebook-diff/1");
    assert_eq!(v["changed"], true);
    let plus = v["changes"].as_array().and_then(|cs| cs.iter().find(|c| c["path"] == "plans.plus.monthly_credits"));
    let plus = plus.expect("the Plus credits change");
    assert_eq!(plus["old_value"], "2000");
    assert_eq!(plus["new_value"], "2500");
    assert_eq!(plus["percent"], "+25%");
    assert_eq!(plus["rules"], serde_json::json!(["E1"]));
    assert_eq!(v["impact"]["moved"][0]["first_difference"]["new"]["money"], "$12.50");
    // Keys of every object appear sorted in the text itself.
    let mut last: Vec<Option<String>> = vec![None];
    for line in a.lines() {
        let t = line.trim_start();
        if t.starts_with('}') || t.starts_with(']') {
            last.pop();
        }
        if let Some(rest) = t.strip_prefix('"')
            && let Some((key, _)) = rest.split_once("\":")
        {
            let depth = last.len() - 1;
            if let Some(prev) = &last[depth] {
                assert!(prev.as_str() < key, "{prev} before {key}");
            }
            last[depth] = Some(key.to_string());
        }
        if t.ends_with('{') || t.ends_with('[') {
            last.push(None);
        }
    }
}

// ------------------------------------------------------------- the binary

use common::pricebook;

fn code(out: &Output) -> i32 {
    out.status.code().expect("exited normally")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn exit_codes() {
    let dir = scratch("exit_codes");
    let base = root().join("tests/fixtures/diff/base");
    for name in ["cleverai", "codeassist", "eigent", "enrichment", "voiceagent"] {
        write(&dir.join("same").join(format!("{name}.toml")), &fixture(name));
    }
    write(&dir.join("changed/eigent.toml"), &edited("eigent", &[("monthly_credits = 2000", "monthly_credits = 2500")]));
    write(&dir.join("broken/eigent.toml"), &edited("eigent", &[(r#"monthly_price = "$20""#, "monthly_price = 19.99")]));
    let b = base.to_string_lossy().into_owned();
    let path = |p: &str| dir.join(p).to_string_lossy().into_owned();

    // 0: the same plans in another folder.
    let out = pricebook(root(), &["diff", &b, &path("same")]);
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    assert!(stdout(&out).contains("no changes"), "{}", stdout(&out));

    // 1: a change; a single file is compared with the same catalog only.
    let out = pricebook(root(), &["diff", &format!("{b}/eigent.toml"), &path("changed/eigent.toml")]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(stdout(&out).contains("Plus plan: monthly credits 2,000 → 2,500 (+25%)  [E1]"), "{}", stdout(&out));
    let out = pricebook(root(), &["diff", &b, &path("changed/eigent.toml"), "--format", "markdown"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(stdout(&out).starts_with("### Pricing review"), "{}", stdout(&out));
    assert!(!stdout(&out).contains("removed"), "only eigent is compared: {}", stdout(&out));

    // 2: a side that does not compile, with its diagnostics.
    let out = pricebook(root(), &["diff", &format!("{b}/eigent.toml"), &path("broken/eigent.toml")]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("error[float-not-allowed]"), "{}", stderr(&out));
    assert!(stdout(&out).is_empty());

    // 2: usage and unreadable sides.
    assert_eq!(code(&pricebook(root(), &["diff"])), 2);
    assert_eq!(code(&pricebook(root(), &["diff", &b])), 2);
    let out = pricebook(root(), &["diff", &b, "no/such/thing-or-revision"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("neither a plan file, a folder nor a git revision"), "{}", stderr(&out));
    let empty = dir.join("empty");
    std::fs::create_dir_all(&empty).expect("folder");
    assert_eq!(code(&pricebook(root(), &["diff", &b, &path("empty")])), 2);
}

#[test]
fn base_revision_from_git() {
    let dir = scratch("git_base");
    git(&dir, &["init", "-q", "-b", "main"]);
    write(&dir.join("pricebook.toml"), "[project]\nname = \"git base\"\n");
    write(&dir.join("plans/eigent.toml"), &fixture("eigent"));
    write(&dir.join("plans/enrichment.toml"), &fixture("enrichment"));
    write(&dir.join("docs/eigent.md"), "# Eigent pricing\n\nPlus: 2,000 credits\n");
    git(&dir, &["add", "."]);
    git(&dir, &["commit", "-q", "-m", "seed plans"]);
    write(&dir.join("plans/eigent.toml"), &edited("eigent", &[("monthly_credits = 2000", "monthly_credits = 2500")]));
    git(&dir, &["commit", "-q", "-am", "Plus: 2,500 credits"]);

    // The working tree against the previous commit, as CI on a pull request.
    let out = pricebook(&dir, &["diff", "--base", "HEAD~1", "--format", "json"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    assert_eq!(v["old"], "HEAD~1");
    assert_eq!(v["changes"].as_array().map(Vec::len), Some(1), "{v:#}");
    assert_eq!(v["changes"][0]["text"], "Plus plan: monthly credits 2,000 → 2,500 (+25%)");
    // docs/eigent.md is the same as at the base: not regenerated.
    assert_eq!(v["lints"][0]["code"], "docs-not-regenerated", "{v:#}");

    // Two revisions by name.
    let out = pricebook(&dir, &["diff", "HEAD~1", "HEAD"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(stdout(&out).contains("Plus plan: monthly credits 2,000 → 2,500"), "{}", stdout(&out));

    // Docs regenerated in the working tree: the lint is satisfied.
    write(&dir.join("docs/eigent.md"), "# Eigent pricing\n\nPlus: 2,500 credits\n");
    let out = pricebook(&dir, &["diff", "--base", "HEAD~1", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    assert_eq!(v["lints"], serde_json::json!([]), "{v:#}");

    // No change against HEAD; a bad revision is an error.
    assert_eq!(code(&pricebook(&dir, &["diff", "--base", "HEAD"])), 0);
    let out = pricebook(&dir, &["diff", "--base", "no-such-branch"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("no-such-branch"), "{}", stderr(&out));
    let out = pricebook(&dir, &["diff", "--base", "--upload-pack=evil"]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));

    // A base without plans/ (the pull request that adds them): all added.
    let fresh = scratch("git_fresh");
    git(&fresh, &["init", "-q", "-b", "main"]);
    write(&fresh.join("README"), "empty\n");
    write(&fresh.join("pricebook.toml"), "[project]\nname = \"fresh\"\n");
    git(&fresh, &["add", "."]);
    git(&fresh, &["commit", "-q", "-m", "empty"]);
    write(&fresh.join("plans/eigent.toml"), &fixture("eigent"));
    let out = pricebook(&fresh, &["diff", "--base", "HEAD"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(stdout(&out).contains("plans/eigent.toml: added"), "{}", stdout(&out));
}
