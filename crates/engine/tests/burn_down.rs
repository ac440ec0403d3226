//! Burn-down order: which grants a usage takes from, under each
//! consumption-order key.

mod common;

use common::*;
use pricebook_engine::EntryKind::Consume;
use serde_json::json;

/// The same journey under a consumption order: sign up at t0 (`monthly`
/// 500, lot 1, expires 2030-02-15; `signup` 100, lot 2, never expires;
/// both promotional, cost 0, effective t0), buy `small` at t0+1h (`topup`
/// 1,000, lot 3, paid, cost $0.01 a credit, never expires), use 550 at
/// t0+2h. Returns the usage's lines.
fn spend_550(order: serde_json::Value) -> Vec<Line> {
    let cat = variant(|c| c["credits"]["consumption_order"] = order);
    let mut acct = Account::new(&cat);
    acct.step(t0() + chrono::Duration::hours(1), &buy_small(None));
    // Balance before the usage: 500 + 100 + 1,000 = 1,600.
    acct.step(t0() + chrono::Duration::hours(2), &use_credits(550)).1
}

#[test]
fn priority_first_takes_the_lowest_priority_number() {
    // signup (priority 0) 100, then monthly (1) the other 450: 1,600 − 100 = 1,500, − 450 = 1,050.
    let got = spend_550(json!(["priority", "soonest_expiry", "oldest"]));
    assert_eq!(got, [line(Consume, Some(SIGNUP), -100, 1500), line(Consume, Some(MONTHLY), -450, 1050)]);
}

#[test]
fn soonest_expiry_first_takes_the_expiring_grant() {
    // monthly is the only grant that expires: all 500 of it (1,600 → 1,100),
    // then signup (priority 0, before topup's 3) the other 50 → 1,050.
    let got = spend_550(json!(["soonest_expiry", "priority"]));
    assert_eq!(got, [line(Consume, Some(MONTHLY), -500, 1100), line(Consume, Some(SIGNUP), -50, 1050)]);
}

#[test]
fn paid_first_takes_the_purchase() {
    // topup is the only paid grant and holds 1,000 ≥ 550: 1,600 − 550 = 1,050.
    let got = spend_550(json!(["paid_first", "oldest"]));
    assert_eq!(got, [line(Consume, Some(TOPUP), -550, 1050)]);
}

#[test]
fn promotional_first_takes_granted_credits_and_ties_go_to_the_lower_lot_id() {
    // monthly and signup are promotional, same cost 0, same effective time
    // t0: the lot id breaks the tie, monthly (lot 1) 500 → 1,100, then
    // signup (lot 2) 50 → 1,050.
    let got = spend_550(json!(["promotional_first", "lowest_cost_basis", "newest"]));
    assert_eq!(got, [line(Consume, Some(MONTHLY), -500, 1100), line(Consume, Some(SIGNUP), -50, 1050)]);
}

#[test]
fn newest_first_takes_the_latest_grant() {
    // topup is effective at t0+1h, the others at t0: 1,600 − 550 = 1,050.
    let got = spend_550(json!(["newest"]));
    assert_eq!(got, [line(Consume, Some(TOPUP), -550, 1050)]);
}

#[test]
fn lowest_cost_basis_puts_bought_credits_last() {
    // monthly and signup cost 0 < topup's 0.01; between them priority:
    // signup (0) 100 → 1,500, monthly (1) 450 → 1,050.
    let got = spend_550(json!(["lowest_cost_basis", "priority"]));
    assert_eq!(got, [line(Consume, Some(SIGNUP), -100, 1500), line(Consume, Some(MONTHLY), -450, 1050)]);
}

#[test]
fn a_usage_larger_than_a_grant_walks_on_to_the_next() {
    // Base order: signup 100 (1,600 → 1,500), monthly 500 (→ 1,000), topup
    // 600 (→ 400): one consume line per grant touched.
    let got = spend_550_then(json!(["priority", "soonest_expiry", "oldest"]), 650);
    assert_eq!(
        got,
        [
            line(Consume, Some(SIGNUP), -100, 1500),
            line(Consume, Some(MONTHLY), -500, 1000),
            line(Consume, Some(TOPUP), -600, 400)
        ]
    );
}

/// [`spend_550`] with `extra` more: one usage of 550 + `extra`.
fn spend_550_then(order: serde_json::Value, extra: i64) -> Vec<Line> {
    let cat = variant(|c| c["credits"]["consumption_order"] = order);
    let mut acct = Account::new(&cat);
    acct.step(t0() + chrono::Duration::hours(1), &buy_small(None));
    acct.step(t0() + chrono::Duration::hours(2), &use_credits(550 + extra)).1
}
