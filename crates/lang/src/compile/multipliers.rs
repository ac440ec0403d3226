//! A feature's `multipliers`: variants whose usage costs a multiple of the
//! rate (a premium voice ×2). Checks ids and factors; the arithmetic lives in
//! `pricebook_core::billing::cost`.

use super::check::{Checker, Sign};
use crate::model::Sp;
use crate::model::plan as raw;
use pricebook_core::catalog::Multiplier;

/// The compiled multipliers, in the order written.
pub(super) fn multipliers(ms: &[Sp<raw::Multiplier>], ck: &mut Checker) -> Vec<Multiplier> {
    ck.ids(ms.iter().map(|m| &m.value.variant), "variant");
    ms.iter()
        .map(|m| {
            let m = &m.value;
            let factor = m.multiplier.value.0;
            ck.sign(factor, Sign::Positive, &m.multiplier.span, "multiplier");
            let cost = m.cost.as_ref().map(|c| super::costs::provider_cost(&c.value, ck));
            Multiplier { variant: m.variant.value.clone(), display_name: m.display_name.clone(), factor, cost }
        })
        .collect()
}
