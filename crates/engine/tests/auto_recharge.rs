//! Auto-recharge: a pack bought when the balance falls to the threshold,
//! never more than the monthly cap.

mod common;

use common::*;
use pricebook_engine::Command;
use pricebook_engine::EntryKind::{Charge, Consume, Grant, Notice, Refused, Setting};
use pricebook_engine::command::RechargeSettings;
use pricebook_engine::ledger::Reason;

#[test]
fn recharges_stop_at_the_monthly_cap_and_resume_next_month() {
    let cat = base();
    let mut acct = Account::new(&cat);
    let on = Command::AutoRecharge(RechargeSettings { enabled: Some(true), ..RechargeSettings::default() });
    let (_, got) = acct.step(t0(), &on);
    assert_eq!(got, [line(Setting, None, 0, 600)]);

    // 600 − 100 (signup) = 500, − 450 (monthly) = 50 ≤ threshold 100: a
    // pack is bought ($10; month's spend 10 ≤ 25) and its 1,000 arrive → 1,050.
    let (_, got) = acct.step(at("2030-01-16T00:00:00Z"), &use_credits(550));
    assert_eq!(
        got,
        [
            line(Consume, Some(SIGNUP), -100, 500),
            line(Consume, Some(MONTHLY), -450, 50),
            line(Charge, None, 0, 50),
            line(Grant, Some(TOPUP), 1000, 1050)
        ]
    );
    // monthly's last 50 (→ 1,000), 950 of the first pack (→ 50): another
    // pack, spend 10 + 10 = 20 ≤ 25 → 1,050.
    let (_, got) = acct.step(at("2030-01-17T00:00:00Z"), &use_credits(1000));
    assert_eq!(
        got,
        [
            line(Consume, Some(MONTHLY), -50, 1000),
            line(Consume, Some(TOPUP), -950, 50),
            line(Charge, None, 0, 50),
            line(Grant, Some(TOPUP), 1000, 1050)
        ]
    );
    // The first pack's 50 (older, → 1,000), 950 of the second (→ 50): a
    // third pack would make 20 + 10 = 30 > 25: a notice, no charge.
    let (out, got) = acct.step(at("2030-01-18T00:00:00Z"), &use_credits(1000));
    assert_eq!(
        got,
        [line(Consume, Some(TOPUP), -50, 1000), line(Consume, Some(TOPUP), -950, 50), line(Notice, None, 0, 50)]
    );
    assert_eq!(out.notices.len(), 1);
    // 100 > 50 left, the cap still holds: refused, and the notice is not repeated.
    let (out, got) = acct.step(at("2030-01-19T00:00:00Z"), &use_credits(100));
    assert_eq!(out.refused, Some(Reason::InsufficientCredits));
    assert_eq!(got, [line(Refused, None, 0, 50)]);
    // A new calendar month starts the spend at 0 again: 50 − 10 = 40 ≤ 100,
    // a pack for $10 → 1,040.
    let (_, got) = acct.step(at("2030-02-01T00:00:00Z"), &use_credits(10));
    assert_eq!(
        got,
        [line(Consume, Some(TOPUP), -10, 40), line(Charge, None, 0, 40), line(Grant, Some(TOPUP), 1000, 1040)]
    );
    // Three packs charged in all: $30.
    assert_eq!(acct.state.charged, money(30));
}
