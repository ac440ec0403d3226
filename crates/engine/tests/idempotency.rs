//! Idempotency keys: a repeated key is refused, and forgotten after the
//! horizon the account keeps them for (`Horizons::IDEMPOTENCY_DAYS`).

mod common;

use chrono::Duration;
use common::*;
use pricebook_engine::EntryKind::Refused;
use pricebook_engine::account::Horizons;
use pricebook_engine::ledger::Reason;

#[test]
fn a_repeated_key_is_refused_until_the_horizon_has_passed() {
    assert_eq!(Horizons::IDEMPOTENCY_DAYS, 30, "the expectations below count 30 days");
    let cat = base();
    let mut acct = Account::new(&cat);
    let first = t0() + days(1);
    let (out, _) = acct.step(first, &buy_small(Some(7)));
    assert_eq!((out.purchase, out.refused), (Some(1), None));

    // The same key a day later: refused, nothing charged; 600 + 1,000 = 1,600.
    let (out, got) = acct.step(first + days(1), &buy_small(Some(7)));
    assert_eq!((out.purchase, out.refused), (None, Some(Reason::DuplicatePurchase)));
    assert_eq!(got, [line(Refused, None, 0, 1600)]);
    // Another key is another purchase (2).
    let (out, _) = acct.step(first + days(1), &buy_small(Some(8)));
    assert_eq!(out.purchase, Some(2));
    // Thirty days after its use the key is still known (kept while used ≥ now − 30 days) ...
    let (out, _) = acct.step(first + days(30), &buy_small(Some(7)));
    assert_eq!(out.refused, Some(Reason::DuplicatePurchase));
    // ... and one second later it is forgotten: purchase 3 (refusals take no id).
    let (out, _) = acct.step(first + days(30) + Duration::seconds(1), &buy_small(Some(7)));
    assert_eq!((out.purchase, out.refused), (Some(3), None));
    // Three packs: $30.
    assert_eq!(acct.state.charged, money(30));
    assert_eq!(acct.state.idempotency_keys.len(), 2, "key 7's first use is dropped; 8 and 7 again are kept");
}
