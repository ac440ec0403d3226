//! Rollover carry: what a grant keeps at a cycle end.

use crate::catalog::RolloverRule;
use crate::money::Credits;

/// What a grant of `original` credits keeps at a cycle end when `remaining`
/// are left: `min(max_amount, max_share × original, max(min_kept, remaining))`.
pub fn carry(rule: &RolloverRule, remaining: Credits, original: Credits) -> Credits {
    let mut kept = remaining;
    if let Some(min) = rule.min_kept {
        kept = kept.max(min);
    }
    if let Some(max) = rule.max_amount {
        kept = kept.min(max);
    }
    if let Some(share) = rule.max_share {
        kept = kept.min(original * share);
    }
    kept
}
