//! Refunds: the window, the share of a purchase already used, and
//! rebooking what was used onto the account's other credits.

mod common;

use chrono::Duration;
use common::*;
use pricebook_engine::Command;
use pricebook_engine::EntryKind::{Consume, PaymentRefund, Refused, Void};
use pricebook_engine::ledger::Reason;
use serde_json::json;

const REFUND_FIRST: Command = Command::Refund { purchase: Some(1) };

/// An account that bought `small` (purchase 1) one day after signing up.
fn bought(cat: &pricebook_core::catalog::Catalog) -> Account<'_> {
    let mut acct = Account::new(cat);
    let (out, _) = acct.step(t0() + days(1), &buy_small(None));
    assert_eq!(out.purchase, Some(1));
    acct
}

#[test]
fn the_window_closes_at_its_instant() {
    let cat = base();
    let paid = t0() + days(1);
    // The window is 7 days from the payment: open until paid + 7 days, exclusive.
    let mut acct = bought(&cat);
    let (out, got) = acct.step(paid + days(7), &REFUND_FIRST);
    assert_eq!(out.refused, Some(Reason::RefundWindowClosed));
    // 600 + 1,000 = 1,600, unchanged.
    assert_eq!(got, [line(Refused, None, 0, 1600)]);

    let mut acct = bought(&cat);
    let (out, got) = acct.step(paid + days(7) - Duration::seconds(1), &REFUND_FIRST);
    assert_eq!(out.refused, None);
    // $10 back (no credits move: 1,600); the pack's 1,000 are voided → 600.
    assert_eq!(got, [line(PaymentRefund, None, 0, 1600), line(Void, Some(TOPUP), -1000, 600)]);
    assert_eq!((acct.state.charged, acct.state.refunded), (money(10), money(10)));
    let refund = acct.ledger.iter().find(|e| e.kind == PaymentRefund).and_then(|e| e.money);
    assert_eq!(refund, Some(money(-10)));
}

#[test]
fn more_than_the_allowed_share_used_is_not_refunded_and_what_was_used_is_rebooked() {
    // Paid credits first, so the usage comes out of the pack.
    let cat = variant(|c| c["credits"]["consumption_order"] = json!(["paid_first", "oldest"]));
    let used = t0() + days(1) + Duration::hours(1);
    let refund_at = t0() + days(2);

    // 501 of 1,000 used: 501 > 0.5 × 1,000, refused. Balance 1,600 − 501 = 1,099.
    let mut acct = bought(&cat);
    acct.step(used, &use_credits(501));
    let (out, got) = acct.step(refund_at, &REFUND_FIRST);
    assert_eq!(out.refused, Some(Reason::RefundTooMuchUsed));
    assert_eq!(got, [line(Refused, None, 0, 1099)]);

    // 500 used: exactly half, refunded. 1,600 − 500 = 1,100; the pack's
    // remaining 500 are voided (→ 600); the 500 used are charged again to
    // the other credits, both promotional and granted at t0, the lower
    // lot id first: monthly (lot 1) 500 → 100.
    let mut acct = bought(&cat);
    let (_, got) = acct.step(used, &use_credits(500));
    assert_eq!(got, [line(Consume, Some(TOPUP), -500, 1100)]);
    let (out, got) = acct.step(refund_at, &REFUND_FIRST);
    assert_eq!(out.refused, None);
    assert_eq!(
        got,
        [
            line(PaymentRefund, None, 0, 1100),
            line(Void, Some(TOPUP), -500, 600),
            line(Consume, Some(MONTHLY), -500, 100)
        ]
    );
    // A second refund of the same purchase is refused.
    let (out, _) = acct.step(refund_at, &REFUND_FIRST);
    assert_eq!(out.refused, Some(Reason::AlreadyRefunded));
}

#[test]
fn rebooking_more_than_is_left_overdraws() {
    // Paid credits first, and a refund allowed however much was used.
    let cat = variant(|c| {
        c["credits"]["consumption_order"] = json!(["paid_first", "oldest"]);
        c["refunds"]["max_used_share"] = json!("1");
    });
    let mut acct = bought(&cat);
    acct.step(t0() + days(2), &use_credits(1300));
    // 1,600 − 1,000 (topup) − 300 (monthly, lot 1) = 300 left: monthly 200, signup 100.
    assert_eq!(acct.balance(), credits(300));
    // Refund: $10 back, nothing of the pack left to void; the 1,000 used are
    // rebooked: monthly 200 (→ 100), signup 100 (→ 0), 700 overdrawn (→ −700).
    let (_, got) = acct.step(t0() + days(3), &REFUND_FIRST);
    assert_eq!(
        got,
        [
            line(PaymentRefund, None, 0, 300),
            line(Consume, Some(MONTHLY), -200, 100),
            line(Consume, Some(SIGNUP), -100, 0),
            line(Consume, Some(OVERDRAFT), -700, -700)
        ]
    );
}
