//! A sink that adds lines up instead of keeping them.
//!
//! A backtest over millions of accounts needs per-account figures (money
//! charged and refunded, credits granted, consumed, expired and voided by
//! source, refusals and the first of them, notices), not the lines: memory
//! stays flat however long an account runs. The same sums prove
//! conservation (rule X4) for a full ledger in one pass.

use crate::command::AccountId;
use crate::labels::LabelId;
use crate::ledger::{Bucket, Detail, Entry, EntryKind, Paid, Sink};
use pricebook_core::calendar::Instant;
use pricebook_core::money::{Credits, Money};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Credits of one label by what happened to them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flows {
    pub granted: Credits,
    pub consumed: Credits,
    pub expired: Credits,
    pub voided: Credits,
}

/// One of the four [`Flows`].
#[derive(Clone, Copy)]
enum Flow {
    Granted,
    Consumed,
    Expired,
    Voided,
}

impl Flows {
    fn get_mut(&mut self, flow: Flow) -> &mut Credits {
        match flow {
            Flow::Granted => &mut self.granted,
            Flow::Consumed => &mut self.consumed,
            Flow::Expired => &mut self.expired,
            Flow::Voided => &mut self.voided,
        }
    }
}

/// One account's running sums.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    /// All labels together.
    pub credits: Flows,
    /// Overdraft taken minus overdraft repaid.
    pub overdraft: Credits,
    /// By label id; labels never seen are zero.
    pub by_label: Vec<Flows>,
    /// Money charged (successful payments).
    pub charged: Money,
    /// Money paid back.
    pub refunded: Money,
    /// Credits of usage past the balance metered for overage billed in money.
    #[serde(default)]
    pub metered: Credits,
    /// Of `charged`, the money charged for metered overage.
    #[serde(default)]
    pub overage: Money,
    pub refusals: u64,
    pub first_refusal: Option<Instant>,
    pub notices: u64,
    pub lines: u64,
    /// The balance after the last line.
    pub balance: Credits,
}

impl Totals {
    #[inline]
    fn label(&mut self, bucket: Bucket) -> Option<&mut Flows> {
        let Bucket::Label(l) = bucket else { return None };
        let ix = usize::from(l);
        if self.by_label.len() <= ix {
            self.by_label.resize(ix + 1, Flows::default());
        }
        self.by_label.get_mut(ix)
    }

    /// Flows of one label.
    pub fn of_label(&self, label: LabelId) -> Flows {
        self.by_label.get(usize::from(label)).copied().unwrap_or_default()
    }

    /// What the credits granted and never spent, expired or voided come to.
    pub fn remaining(&self) -> Credits {
        let c = &self.credits;
        c.granted - c.consumed - c.expired - c.voided
    }

    #[inline]
    fn add(&mut self, e: &Entry) {
        self.add_with(e, &e.detail);
    }

    /// Adds a line whose detail is `detail` (its own, or one it shares).
    // Always inline: once per line of a backtest, and inlined the entry's
    // fields need not be stored nor its empty detail dropped.
    #[inline(always)]
    fn add_with(&mut self, e: &Entry, detail: &Detail) {
        self.lines += 1;
        self.balance = e.balance;
        let amount = e.credits;
        // Which flow this line moves, and how it changes the overdraft. Only
        // the one flow that moves is added to (adding a zero to a Decimal
        // changes nothing, so the sums are the same values and scales):
        // this runs once per ledger line, the hot path of a backtest.
        let (flow, moved, overdraft) = match (e.kind, e.bucket) {
            (EntryKind::Grant | EntryKind::TransferIn, Bucket::Label(_)) => (Flow::Granted, amount, None),
            (EntryKind::Refund | EntryKind::Consume | EntryKind::TransferOut, Bucket::Label(_)) => {
                (Flow::Consumed, -amount, None)
            }
            // Overdraft taken or repaid; a void there is overage forgiven at
            // a usage reset: the overdraft shrinks, no credits move.
            (EntryKind::Refund | EntryKind::Consume | EntryKind::TransferOut | EntryKind::Void, Bucket::Overdraft) => {
                self.overdraft += -amount;
                return;
            }
            (EntryKind::Settle, Bucket::Label(_)) => (Flow::Consumed, amount, Some(-amount)),
            (EntryKind::Expire, _) => (Flow::Expired, -amount, None),
            (EntryKind::Void, _) => (Flow::Voided, -amount, None),
            (EntryKind::Charge, _) => {
                let money = e.money.unwrap_or(Money::ZERO);
                self.charged += money;
                if matches!(detail, Detail::Paid(Paid::Overage { .. }, _)) {
                    self.overage += money;
                }
                return;
            }
            (EntryKind::Metered, _) => {
                self.metered -= amount;
                return;
            }
            (EntryKind::PaymentRefund, _) => {
                self.refunded += e.money.unwrap_or(Money::ZERO).abs();
                return;
            }
            (EntryKind::Refused, _) => {
                self.refusals += 1;
                self.first_refusal.get_or_insert(e.at);
                return;
            }
            (EntryKind::Notice, _) => {
                self.notices += 1;
                return;
            }
            _ => return,
        };
        if let Some(o) = overdraft {
            self.overdraft += o;
        }
        *self.credits.get_mut(flow) += moved;
        if let Some(f) = self.label(e.bucket) {
            *f.get_mut(flow) += moved;
        }
    }
}

impl Sink for Totals {
    // Inline: the line's fields then need not be copied into a whole entry,
    // once per line of a backtest.
    #[inline]
    fn record(&mut self, entry: Entry) {
        self.add(&entry);
    }

    #[inline]
    fn record_shared(&mut self, entry: Entry, detail: &Detail) {
        self.add_with(&entry, detail);
    }
}

/// Sums a ledger's lines per account, in one pass.
pub fn by_account(entries: &[Entry]) -> BTreeMap<AccountId, Totals> {
    let mut out: BTreeMap<AccountId, Totals> = BTreeMap::new();
    for e in entries {
        out.entry(e.account).or_default().add(e);
    }
    out
}

#[cfg(test)]
#[path = "totals_tests.rs"]
mod tests;
