//! A line handed over with a shared detail adds up exactly as the same
//! line handed over whole.

use super::*;
use crate::ledger::{Notice, Reason};
use chrono::TimeZone;

#[test]
fn a_shared_detail_adds_up_as_the_line_with_its_own() {
    let at = chrono::Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    let c = |v: i64| Credits::from(v);
    let usage = Detail::Usage { rate: None, variant: None, project: None, session: None, operation: None, cost: c(5) };
    let overage = Detail::Paid(Paid::Overage { credits: c(7) }, 1);
    let lines = [
        (EntryKind::Grant, Bucket::Label(2), c(100), None, Detail::Bonus),
        (EntryKind::Consume, Bucket::Label(2), c(-5), None, usage.clone()),
        (EntryKind::Consume, Bucket::Overdraft, c(-3), None, usage),
        (EntryKind::Settle, Bucket::Label(2), c(3), None, Detail::None),
        (EntryKind::Charge, Bucket::None, c(0), Some(Money::from(4)), overage),
        (EntryKind::Charge, Bucket::None, c(0), Some(Money::from(9)), Detail::Paid(Paid::Addon(0), 2)),
        (EntryKind::PaymentRefund, Bucket::None, c(0), Some(Money::from(-9)), Detail::None),
        (EntryKind::Refused, Bucket::None, c(0), None, Detail::Refusal(Reason::InsufficientCredits)),
        (EntryKind::Notice, Bucket::None, c(0), None, Detail::Notice(Notice::AutoRechargeCapReached)),
        (EntryKind::Expire, Bucket::Label(1), c(-2), None, Detail::None),
    ];
    let (mut whole, mut shared) = (Totals::default(), Totals::default());
    for (i, (kind, bucket, credits, money, detail)) in lines.into_iter().enumerate() {
        let entry = Entry { at, account: 0, kind, bucket, credits, balance: c(i as i64), money, detail: Detail::None };
        shared.record_shared(entry.clone(), &detail);
        whole.record(Entry { detail, ..entry });
        assert_eq!(shared, whole, "after line {i}");
    }
    // The lines reached every kind of sum the test means to compare.
    assert!(whole.overage.is_positive() && whole.refunded.is_positive() && whole.overdraft.is_zero());
    assert_eq!((whole.refusals, whole.notices, whole.lines), (1, 1, 10));
}
