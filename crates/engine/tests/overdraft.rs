//! Overdraft: usage beyond the balance within a limit, repaid first by
//! the next credits that arrive.

mod common;

use common::*;
use pricebook_engine::EntryKind::{Charge, Consume, Grant, Refused, Settle};
use pricebook_engine::ledger::Reason;
use pricebook_engine::{conservation, totals};
use serde_json::json;

#[test]
fn an_overdraft_is_repaid_by_the_next_grant_and_stops_at_its_limit() {
    let cat = variant(|c| c["credits"]["on_exhaustion"] = json!({ "mode": "overdraft", "limit": "1000" }));
    let mut acct = Account::new(&cat);
    let h = chrono::Duration::hours;
    // 600 − 100 (signup) = 500, − 500 (monthly) = 0, and 200 more overdrawn → −200.
    let (out, got) = acct.step(t0() + h(1), &use_credits(800));
    assert_eq!(out.refused, None);
    assert_eq!(
        got,
        [
            line(Consume, Some(SIGNUP), -100, 500),
            line(Consume, Some(MONTHLY), -500, 0),
            line(Consume, Some(OVERDRAFT), -200, -200)
        ]
    );
    // A pack: $10 charged (balance still −200); its 1,000 arrive (1,000 −
    // 200 = 800) and pay the 200 overdrawn at once (a settle line moves
    // 200 from topup to the overdraft; the balance stays 800).
    let (_, got) = acct.step(t0() + h(2), &buy_small(None));
    assert_eq!(
        got,
        [line(Charge, None, 0, -200), line(Grant, Some(TOPUP), 1000, 800), line(Settle, Some(TOPUP), 200, 800)]
    );
    assert_eq!(acct.state.wallet.deficit, credits(0));
    // 800 − 1,800 = −1,000 − 100: past the limit of 1,000, refused; nothing moves.
    let (out, got) = acct.step(t0() + h(3), &use_credits(1900));
    assert_eq!(out.refused, Some(Reason::OverdraftLimit));
    assert_eq!(got, [line(Refused, None, 0, 800)]);
    // 800 − 1,800 = −1,000: exactly at the limit, allowed: topup's 800 (→ 0), 1,000 overdrawn.
    let (out, got) = acct.step(t0() + h(4), &use_credits(1800));
    assert_eq!(out.refused, None);
    assert_eq!(got, [line(Consume, Some(TOPUP), -800, 0), line(Consume, Some(OVERDRAFT), -1000, -1000)]);
    // The next cycle (2030-02-15) grants 500 (−1,000 + 500 = −500), all of
    // which pays the overdraft: deficit 1,000 − 500 = 500, balance −500.
    let got = acct.advance(at("2030-02-15T00:00:00Z"));
    assert_eq!(got, [line(Grant, Some(MONTHLY), 500, -500), line(Settle, Some(MONTHLY), 500, -500)]);
    assert_eq!(acct.state.wallet.deficit, credits(500));
    // Rule X4 from the running sums: granted 600 + 1,000 + 500 = 2,100 =
    // consumed 100 + 500 + 200 (settled) + 800 + 500 (settled), nothing left.
    let sums = totals::by_account(&acct.ledger);
    assert_eq!(sums[&1].credits.granted, credits(2100));
    assert_eq!(sums[&1].overdraft, credits(500));
    assert_eq!(conservation::check(&acct.state, &sums[&1]), []);
}
