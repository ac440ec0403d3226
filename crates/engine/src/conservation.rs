//! Rule X4: every credit granted ends consumed, expired, voided, or still
//! there. Checked from an account's running [`Totals`] against its wallet,
//! so a bookkeeping slip in the engine shows up as a violation, not a
//! number. Linear: one pass over a ledger, or no pass at all with a
//! summarising sink.

use crate::account::AccountState;
use crate::totals::Totals;

/// A broken identity, with both sides.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    pub what: String,
}

/// Checks one account; empty when its books balance.
pub fn check(account: &AccountState, t: &Totals) -> Vec<Violation> {
    let mut out = Vec::new();
    let lots = account.wallet.total();
    let deficit = account.wallet.deficit;
    let c = &t.credits;
    if c.granted != c.consumed + c.expired + c.voided + lots {
        out.push(Violation {
            what: format!(
                "granted {} ≠ consumed {} + expired {} + voided {} + remaining {}",
                c.granted, c.consumed, c.expired, c.voided, lots
            ),
        });
    }
    if t.overdraft != deficit {
        out.push(Violation { what: format!("overdraft in ledger {} ≠ deficit {}", t.overdraft, deficit) });
    }
    if t.balance != lots - deficit {
        out.push(Violation {
            what: format!("last balance {} ≠ grants {} − overdraft {}", t.balance, lots, deficit)
        });
    }
    out
}
