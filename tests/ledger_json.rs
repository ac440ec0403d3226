//! The JSON ledger's metered lines (issue 10): usage past the balance that
//! is billed in money leaves the balance alone, so its line carries amount 0
//! and the quantity in `metered`; summing `amount` gives the balance. Usage
//! that named a multiplier's variant says which.

mod common;

use pricebook::project::Project;
use rust_decimal::Decimal;
use serde_json::Value;
use std::path::Path;
use std::str::FromStr;

fn dec(v: &Value) -> Decimal {
    Decimal::from_str(v.as_str().expect("amounts are strings")).expect("amounts are decimals")
}

#[test]
fn metered_lines_do_not_move_the_balance() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut project = Project::new(common::workspace(root));
    let path = root.join("scenarios/voicestudio/overage_threshold_and_cycle_end.toml");
    let replayed = project.replay(&path).expect("the scenario compiles");
    let doc: Value = serde_json::from_str(&replayed.json).expect("the ledger is JSON");
    let account = &doc["accounts"][0];
    let lines = account["transactions"].as_array().expect("transactions");
    let metered: Vec<&Value> = lines.iter().filter(|t| t["type"] == "metered").collect();
    // The table's lines 8, 9 and 11: 20,000, 15,000 and 5,000 credits metered.
    let quantities: Vec<Decimal> = metered.iter().map(|t| dec(&t["metered"])).collect();
    assert_eq!(quantities, [Decimal::from(20_000), Decimal::from(15_000), Decimal::from(5_000)]);
    assert!(metered.iter().all(|t| dec(&t["amount"]).is_zero()), "{metered:#?}");
    assert!(lines.iter().filter(|t| t["type"] != "metered").all(|t| t.get("metered").is_none()));
    // A metered line's balance is the line before's: nothing moved.
    for pair in lines.windows(2).filter(|w| w[1]["type"] == "metered") {
        assert_eq!(dec(&pair[0]["balance_after"]), dec(&pair[1]["balance_after"]), "{:#}", pair[1]);
    }
}

#[test]
fn usage_lines_name_the_variant_that_multiplied_them() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut project = Project::new(common::workspace(root));
    let path = root.join("scenarios/voicestudio/premium_voices_cost_double.toml");
    let replayed = project.replay(&path).expect("the scenario compiles");
    let doc: Value = serde_json::from_str(&replayed.json).expect("the ledger is JSON");
    let lines = doc["accounts"][0]["transactions"].as_array().expect("transactions");
    // The scenario's three premium uses (2,400, 1,201, 5,000 credits), then a plain one (1,000).
    let uses: Vec<(Decimal, Option<&str>)> = lines
        .iter()
        .filter(|t| t.get("resource").is_some())
        .map(|t| (-dec(&t["amount"]), t.get("variant").map(|v| v.as_str().expect("a name"))))
        .collect();
    let premium = Some("premium");
    let want = [(2400, premium), (1201, premium), (5000, premium), (1000, None)].map(|(c, v)| (Decimal::from(c), v));
    assert_eq!(uses, want);
}
