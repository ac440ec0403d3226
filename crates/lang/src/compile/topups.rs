//! Top-ups that would arrive expired: a pack whose credits expire a fixed
//! time after the purchase, bought by an auto-recharge whose credits arrive
//! `settles_after` the charge, must outlive the wait. Known from the plan
//! file alone, so `check` refuses it instead of the engine granting credits
//! that are dead on arrival.

use super::check::Checker;
use crate::diag::Code;
use crate::model::plan::PlanFile;
use pricebook_core::catalog::{Catalog, Expiry};

/// Reports an auto-recharge whose credits could expire at or before they arrive.
pub(crate) fn check_lifetimes(raw: &PlanFile, cat: &Catalog, ck: &mut Checker) {
    let (Some(ar), Some(raw_ar)) = (&cat.auto_recharge, &raw.auto_recharge) else { return };
    let (Some(wait), Some(wait_lit)) = (ar.settles_after, &raw_ar.settles_after) else { return };
    let source = &cat.sources[cat.packs[ar.pack.ix].source.ix];
    let Expiry::After(life) = source.expires else { return };
    // Months and years vary in length: compare the shortest life with the longest wait.
    if life.min_days() <= wait.max_days() {
        ck.error(
            Code::ExpiresBeforeStart,
            wait_lit.span.clone(),
            format!(
                "auto-recharge credits arrive {wait} after the charge, but `{}` credits expire {life} after it: they could arrive expired",
                source.id
            ),
        )
        .with_help(format!(
            "shorten settles_after to under {} days (the shortest {life}), or let `{}` credits last longer",
            life.min_days(),
            source.id
        ));
    }
}
