//! Rule X4: every credit granted ends consumed, expired, voided, or still
//! there. Recomputed from the ledger alone and compared with the wallet, so
//! a bookkeeping slip in the engine shows up as a violation, not a number.

use super::command::AccountId;
use super::engine::Engine;
use super::ledger::{Bucket, EntryKind, Sink};
use pricebook_core::money::Credits;

/// The ledger's totals for one account.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    pub granted: Credits,
    pub consumed: Credits,
    pub expired: Credits,
    pub voided: Credits,
    pub remaining: Credits,
    pub overdraft: Credits,
}

/// A broken identity, with both sides.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    pub account: AccountId,
    pub what: String,
}

/// Checks every account; empty when the books balance.
pub fn check<S: Sink>(engine: &Engine<'_, S>) -> Vec<Violation> {
    let entries = engine.ledger().since(0);
    let mut out = Vec::new();
    for id in engine.account_ids() {
        let Some(account) = engine.account(id) else {
            continue;
        };
        let t = totals(entries.iter().filter(|e| e.account == id));
        let lots = account.wallet.total();
        let deficit = account.wallet.deficit;
        if t.granted != t.consumed + t.expired + t.voided + lots {
            out.push(Violation {
                account: id,
                what: format!(
                    "granted {} ≠ consumed {} + expired {} + voided {} + remaining {}",
                    t.granted, t.consumed, t.expired, t.voided, lots
                ),
            });
        }
        if t.overdraft != deficit {
            out.push(Violation {
                account: id,
                what: format!("overdraft in ledger {} ≠ deficit {}", t.overdraft, deficit),
            });
        }
        let balance = entries.iter().rev().find(|e| e.account == id).map_or(Credits::ZERO, |e| e.balance);
        if balance != lots - deficit {
            out.push(Violation {
                account: id,
                what: format!("last balance {} ≠ grants {} − overdraft {}", balance, lots, deficit),
            });
        }
    }
    out
}

/// Sums a ledger's credit lines by what they did.
pub fn totals<'a>(entries: impl Iterator<Item = &'a super::Entry>) -> Totals {
    let mut t = Totals::default();
    for e in entries {
        let amount = e.credits;
        match (e.kind, e.bucket) {
            (EntryKind::Grant | EntryKind::TransferIn, Bucket::Label(_)) => t.granted += amount,
            (EntryKind::Refund, Bucket::Label(_)) => t.consumed -= amount,
            (EntryKind::Refund, Bucket::Overdraft) => t.overdraft -= amount,
            (EntryKind::Consume | EntryKind::TransferOut, Bucket::Label(_)) => t.consumed -= amount,
            (EntryKind::Consume | EntryKind::TransferOut, Bucket::Overdraft) => t.overdraft -= amount,
            (EntryKind::Settle, Bucket::Label(_)) => {
                t.consumed += amount;
                t.overdraft -= amount;
            }
            (EntryKind::Expire, _) => t.expired -= amount,
            (EntryKind::Void, _) => t.voided -= amount,
            (EntryKind::Rollover, _) if amount.is_negative() => t.expired -= amount,
            (EntryKind::Rollover, _) => t.granted += amount,
            _ => {}
        }
    }
    t.remaining = t.granted - t.consumed - t.expired - t.voided;
    t
}
