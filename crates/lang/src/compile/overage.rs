//! A plan's metered overage: its price, the credits the price is for and
//! the threshold at which it is charged at once, each checked; and the
//! plans where it could never be billed.

use super::catalog::{Allowance, OverageRate};
use super::check::{Checker, Sign};
use crate::diag::Code;
use crate::model::Sp;
use crate::model::plan::OverageBilling;
use pricebook_core::money::Credits;

/// The validated overage rate of plan `plan`.
pub(super) fn rate(o: &Sp<OverageBilling>, plan: &str, credits: Allowance, ck: &mut Checker) -> OverageRate {
    let b = &o.value;
    if credits == Allowance::Unlimited {
        ck.error(
            Code::OverageNeverBilled,
            o.span.clone(),
            format!(
                "plan `{plan}` has unlimited credits, so its usage never passes the balance to be billed as overage"
            ),
        )
        .with_help("remove `overage`, or give the plan a number of `monthly_credits`");
    }
    OverageRate {
        price: ck.unit_price(&b.price, "overage.price"),
        per: b.per.as_ref().map_or(Credits::from(1), |p| ck.credits(p, "overage.per", Sign::Positive)),
        charge_at: b.charge_at.as_ref().map(|m| ck.money(m, "overage.charge_at", Sign::Positive)),
    }
}
