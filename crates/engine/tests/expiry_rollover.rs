//! Time: a grant is active on `[effective, expiry)`, and rollover at a
//! cycle end keeps what its rule allows.

mod common;

use chrono::Duration;
use common::*;
use pricebook_core::policy::Funding;
use pricebook_engine::Command;
use pricebook_engine::EntryKind::{Consume, Expire, Grant};
use pricebook_engine::command::{DirectGrant, GrantExpiry};
use serde_json::json;

/// A promotional direct grant of `n` credits, spent before everything
/// else (priority −1), label `grant`.
fn direct(n: i64, effective: Option<chrono::DateTime<chrono::Utc>>, expires: GrantExpiry) -> Command {
    Command::Grant(DirectGrant {
        credits: credits(n),
        label: None,
        funding: Funding::Promotional,
        priority: -1,
        effective,
        created: None,
        expires,
        cost_basis: None,
        every: None,
        anchor: None,
        rollover: None,
    })
}

#[test]
fn a_grant_is_gone_at_its_expiry_instant() {
    let cat = base();
    let mut acct = Account::new(&cat);
    let ends = t0() + days(10);
    // Sign-up left 500 + 100 = 600; the grant adds 30 → 630.
    let (_, got) = acct.step(t0() + days(1), &direct(30, None, GrantExpiry::At(ends)));
    assert_eq!(got, [line(Grant, Some(GRANT), 30, 630)]);
    // One second before the expiry the grant is active and spent first: 630 − 10 = 620.
    let (_, got) = acct.step(ends - Duration::seconds(1), &use_credits(10));
    assert_eq!(got, [line(Consume, Some(GRANT), -10, 620)]);
    // At the expiry instant its 20 left expire before the usage runs
    // (620 − 20 = 600); the usage then takes signup (priority 0): 590.
    let (_, got) = acct.step(ends, &use_credits(10));
    assert_eq!(got, [line(Expire, Some(GRANT), -20, 600), line(Consume, Some(SIGNUP), -10, 590)]);
}

#[test]
fn a_grant_is_active_from_its_effective_instant() {
    let cat = base();
    let mut acct = Account::new(&cat);
    let from = t0() + days(5);
    // Scheduled, not granted: no line yet.
    let (out, got) = acct.step(t0() + days(1), &direct(30, Some(from), GrantExpiry::Never));
    assert_eq!(got, []);
    assert_eq!(out.lot, Some(3), "lots 1 and 2 are sign-up's monthly and signup grants");
    assert_eq!(acct.advance(from - Duration::seconds(1)), []);
    // At the instant it arrives: 600 + 30 = 630.
    assert_eq!(acct.advance(from), [line(Grant, Some(GRANT), 30, 630)]);
}

#[test]
fn monthly_credits_expire_at_the_cycle_end_and_the_next_cycle_grants_anew() {
    let cat = base();
    let mut acct = Account::new(&cat);
    // Cycles are anchored at registration, 2030-01-15 00:00: the first ends 2030-02-15 00:00.
    let end = at("2030-02-15T00:00:00Z");
    // 600 − 100 (signup) = 500, − 300 (monthly) = 200.
    let (_, got) = acct.step(end - Duration::seconds(1), &use_credits(400));
    assert_eq!(got, [line(Consume, Some(SIGNUP), -100, 500), line(Consume, Some(MONTHLY), -300, 200)]);
    assert_eq!(acct.advance(end - Duration::seconds(1)), []);
    // At the instant: the 200 left expire (→ 0) before the new cycle's 500 arrive (→ 500).
    assert_eq!(acct.advance(end), [line(Expire, Some(MONTHLY), -200, 0), line(Grant, Some(MONTHLY), 500, 500)]);
}

#[test]
fn rollover_keeps_at_most_its_maximum_for_one_cycle() {
    // Monthly credits roll over once, at most 300 of them.
    let cat = variant(|c| {
        c["sources"][0]["rollover"] = json!({ "cycles": 1, "max_amount": "300", "max_share": null, "min_kept": null })
    });
    let mut acct = Account::new(&cat);
    // 600 − 100 (signup) = 500, − 50 (monthly) = 450; monthly keeps 450 of 500.
    let (_, got) = acct.step(t0() + days(1), &use_credits(150));
    assert_eq!(got, [line(Consume, Some(SIGNUP), -100, 500), line(Consume, Some(MONTHLY), -50, 450)]);
    // 2030-02-15: the first grant keeps min(450, 300) = 300 until
    // 2030-03-15: the 150 it drops expire (an `expire` line, so the ledger's
    // word and the conservation category agree); then the new cycle's 500 → 800.
    let got = acct.advance(at("2030-02-15T00:00:00Z"));
    assert_eq!(got, [line(Expire, Some(MONTHLY), -150, 300), line(Grant, Some(MONTHLY), 500, 800)]);
    // Both monthly grants have priority 1; the rolled-over one expires
    // sooner (03-15 vs 04-15), so it is spent first: 800 − 300 = 500, then
    // the new one 50 → 450.
    let (_, got) = acct.step(at("2030-02-20T00:00:00Z"), &use_credits(350));
    assert_eq!(got, [line(Consume, Some(MONTHLY), -300, 500), line(Consume, Some(MONTHLY), -50, 450)]);
    // 2030-03-15: the old grant is empty (nothing expires); the second
    // keeps min(450, 300) = 300 (150 expire → 300); the next cycle's 500 → 800.
    let got = acct.advance(at("2030-03-15T00:00:00Z"));
    assert_eq!(got, [line(Expire, Some(MONTHLY), -150, 300), line(Grant, Some(MONTHLY), 500, 800)]);
    // 2030-04-15: the 300 carried from February expire at their end (→
    // 500); the March grant, untouched, keeps 300 of 500 (200 expire → 300); a new 500 → 800.
    let got = acct.advance(at("2030-04-15T00:00:00Z"));
    assert_eq!(
        got,
        [
            line(Expire, Some(MONTHLY), -300, 500),
            line(Expire, Some(MONTHLY), -200, 300),
            line(Grant, Some(MONTHLY), 500, 800)
        ]
    );
}
