//! A plan's introductory price: a share or an amount off its first
//! subscription payments, checked to say exactly one of them, on a plan
//! that charges something.

use super::catalog::{Discount, IntroOffer};
use super::check::{Checker, Sign};
use crate::diag::Code;
use crate::model::Sp;
use crate::model::plan::IntroOfferLit;

/// The validated intro offer of plan `plan`; `None` when it says no discount.
pub(super) fn offer(o: &Sp<IntroOfferLit>, plan: &str, paid: bool, ck: &mut Checker) -> Option<IntroOffer> {
    let lit = &o.value;
    if !paid {
        ck.error(
            Code::DiscountOnFreePlan,
            o.span.clone(),
            format!("plan `{plan}` is free, so an intro offer has nothing to discount"),
        )
        .with_help("remove `intro_offer`, or give the plan a price");
    }
    let off = match (&lit.percent_off, &lit.amount_off) {
        (Some(p), None) => {
            if !p.value.0.is_sign_positive() || p.value.0.is_zero() {
                ck.error(Code::NonPositiveAmount, p.span.clone(), "percent_off must be above 0%")
                    .with_help("write a share such as \"50%\", or remove `intro_offer`");
            }
            Discount::Share(p.value.0.normalize())
        }
        (None, Some(m)) => Discount::Amount(ck.money(m, "amount_off", Sign::Positive)),
        (Some(p), Some(_)) => {
            ck.error(Code::ConflictingKeys, p.span.clone(), "an intro offer takes a share or an amount off, not both")
                .with_help("keep `percent_off` or `amount_off`");
            return None;
        }
        (None, None) => {
            ck.error(Code::IncompleteItem, o.span.clone(), "this intro offer says nothing about what it takes off")
                .with_help("add percent_off = \"50%\" or amount_off = \"$5\"");
            return None;
        }
    };
    let cycles = match &lit.cycles {
        Some(c) if c.value == 0 => {
            ck.error(Code::NonPositiveAmount, c.span.clone(), "an intro offer must discount at least one payment")
                .with_help("write cycles = 1 or more, or remove `intro_offer`");
            0
        }
        Some(c) => c.value,
        None => 1,
    };
    Some(IntroOffer { off, cycles })
}
