//! Introductory prices: what a subscription payment costs while a plan's
//! intro offer lasts (first month 50 % off; $5 off for three months).

use super::quote::Precision;
use crate::catalog::{Discount, IntroOffer};
use crate::money::Money;

/// The price of one subscription payment at `list` price under `offer`:
/// a share off rounded by the catalog's money rounding to coins, or an
/// amount off; never below zero.
pub fn discounted(list: Money, off: Discount, at: Precision) -> Money {
    let price = match off {
        Discount::Share(share) => {
            let raw = list.get() - list.get() * share;
            Money::new(at.money_rounding.round(raw, at.minor_units))
        }
        Discount::Amount(amount) => list - amount,
    };
    price.max(Money::ZERO)
}

/// The price of the `n`-th payment (0 for the first) of a subscription at
/// `list` price: discounted during the offer's cycles, the list price after.
pub fn payment(list: Money, offer: Option<&IntroOffer>, n: u32, at: Precision) -> Money {
    match offer {
        Some(o) if n < o.cycles => discounted(list, o.off, at),
        _ => list,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Rounding;
    use rust_decimal::Decimal;

    const CENTS: Precision = Precision { credit_scale: 0, money_rounding: Rounding::HalfUp, minor_units: 2 };

    #[test]
    fn half_off_the_first_month_only() {
        // $22 × 50 % = $11 for payment 0; $22 from payment 1.
        let o = IntroOffer { off: Discount::Share(Decimal::new(5, 1)), cycles: 1 };
        assert_eq!(payment(Money::from(22), Some(&o), 0, CENTS), Money::from(11));
        assert_eq!(payment(Money::from(22), Some(&o), 1, CENTS), Money::from(22));
    }

    #[test]
    fn an_amount_off_never_goes_below_zero() {
        assert_eq!(discounted(Money::from(3), Discount::Amount(Money::from(5)), CENTS), Money::ZERO);
    }

    #[test]
    fn a_share_off_is_rounded_to_coins() {
        // $9.99 × (1 − 33 %) = $6.6933 → $6.69.
        let price = discounted(Money::new(Decimal::new(999, 2)), Discount::Share(Decimal::new(33, 2)), CENTS);
        assert_eq!(price, Money::new(Decimal::new(669, 2)));
    }
}
