//! What one account's command does to another (returned as effects for
//! the caller to deliver), and the errors in how the engine is driven.

mod common;

use chrono::Duration;
use common::*;
use pricebook_engine::EntryKind::{Grant, Plan, Refused, TransferOut};
use pricebook_engine::engine::{self, Effect, EngineError};
use pricebook_engine::ledger::Reason;
use pricebook_engine::{Command, Ledger};
use serde_json::json;

#[test]
fn a_transfer_returns_the_recipients_receive_transfer() {
    let cat = base();
    let mut from = Account::new(&cat);
    let (mut to, _) = Account::sign_up(&cat, 2, t0(), None);
    let send = Command::Transfer { to: 2, credits: credits(150) };
    // 600 − 100 (signup) = 500, − 50 (monthly) = 450.
    let (out, got) = from.step(t0() + Duration::hours(1), &send);
    assert_eq!(got, [line(TransferOut, Some(SIGNUP), -100, 500), line(TransferOut, Some(MONTHLY), -50, 450)]);
    let receive = Command::ReceiveTransfer { from: 1, credits: credits(150) };
    assert_eq!(out.effects, [Effect { to: 2, command: receive.clone() }]);
    // Delivered: the recipient's 600 + 150 = 750, under the built-in `transfer` label.
    let (_, got) = to.step(t0() + Duration::hours(1), &receive);
    assert_eq!(got, [line(Grant, Some(TRANSFER), 150, 750)]);

    // More than the 450 left: refused, no effect.
    let (out, got) = from.step(t0() + Duration::hours(2), &Command::Transfer { to: 2, credits: credits(451) });
    assert_eq!((out.refused, out.effects), (Some(Reason::InsufficientCredits), vec![]));
    assert_eq!(got, [line(Refused, None, 0, 450)]);
}

#[test]
fn a_catalog_without_transfers_refuses_them() {
    let cat = variant(|c| c["credits"]["transferable"] = json!(false));
    let mut acct = Account::new(&cat);
    let (out, got) = acct.step(t0(), &Command::Transfer { to: 2, credits: credits(1) });
    assert_eq!((out.refused, out.effects), (Some(Reason::TransferNotAllowed), vec![]));
    assert_eq!(got, [line(Refused, None, 0, 600)]);
}

#[test]
fn an_invitees_sign_up_returns_the_inviters_bonus() {
    let cat = base();
    let mut inviter = Account::new(&cat);
    let (invitee, out) = Account::sign_up(&cat, 2, t0() + Duration::hours(1), Some(1));
    // The invitee: plan line, monthly 500, signup 100 (→ 600), invite 50 (→ 650).
    assert_eq!(
        lines(&invitee.ledger),
        [
            line(Plan, None, 0, 0),
            line(Grant, Some(MONTHLY), 500, 500),
            line(Grant, Some(SIGNUP), 100, 600),
            line(Grant, Some(INVITE), 50, 650)
        ]
    );
    assert_eq!(out.effects, [Effect { to: 1, command: Command::InviteeJoined }]);
    // Delivered to the inviter: 600 + 50 = 650.
    let (_, got) = inviter.step(t0() + Duration::hours(1), &Command::InviteeJoined);
    assert_eq!(got, [line(Grant, Some(INVITE), 50, 650)]);
}

#[test]
fn driving_errors_leave_the_account_untouched() {
    let cat = base();
    let mut acct = Account::new(&cat);
    acct.step(t0() + days(1), &Command::Active);
    let (before, lines_before) = (acct.state.clone(), acct.ledger.len());
    let mut sink = Ledger::new();

    // Earlier than the account's clock (t0 + 1 day).
    let err = engine::step(&cat, &mut acct.state, t0(), &Command::Active, &mut sink);
    assert_eq!(err, Err(EngineError::TimeWentBackwards { now: t0() + days(1), at: t0() }));
    // A catalog with another id than the account's.
    let other = variant(|c| c["id"] = json!("other"));
    let err = engine::step(&other, &mut acct.state, t0() + days(2), &Command::Active, &mut sink);
    assert_eq!(err, Err(EngineError::WrongCatalog { account: "base".into(), given: "other".into() }));
    // A second sign-up.
    let err = engine::step(&cat, &mut acct.state, t0() + days(2), &Command::SignUp { invited_by: None }, &mut sink);
    assert_eq!(err, Err(EngineError::AlreadyRegistered(1)));

    assert_eq!(acct.state, before);
    assert_eq!((acct.ledger.len(), sink.len()), (lines_before, 0));
}
