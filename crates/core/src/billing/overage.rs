//! Metered overage billed in money: what usage past the balance costs,
//! what of it is still owed, whether it is due now, and whether more of it
//! fits a customer's cap.
//!
//! Money is always priced from the credits metered in the whole period, so
//! charging in several parts (at a threshold, then at the cycle end) adds
//! up to exactly the price of all of it: no rounding drift between parts.

use super::quote::Precision;
use crate::catalog::OverageRate;
use crate::money::{Credits, Money};

/// The price of `metered` credits at `rate`: `metered ÷ per × price`,
/// rounded by the catalog's money rounding to the currency's coins.
pub fn price(rate: &OverageRate, metered: Credits, at: Precision) -> Option<Money> {
    let raw = metered.get().checked_mul(rate.price.get())?.checked_div(rate.per.get())?;
    Some(Money::new(at.money_rounding.round(raw, at.minor_units)))
}

/// What the period's `metered` credits cost and was not yet charged, when
/// the credits up to `billed` were.
pub fn owed(rate: &OverageRate, metered: Credits, billed: Credits, at: Precision) -> Option<Money> {
    Some(price(rate, metered, at)? - price(rate, billed, at)?)
}

/// Whether what is owed is charged now rather than at the cycle end.
pub fn due_now(rate: &OverageRate, owed: Money) -> bool {
    owed.is_positive() && rate.charge_at.is_some_and(|t| owed >= t)
}

/// Whether metering `more` credits keeps the period's overage within the
/// customer's `cap` (`None`: no cap). `None` past exact arithmetic.
pub fn fits_cap(
    rate: &OverageRate,
    cap: Option<Money>,
    metered: Credits,
    more: Credits,
    at: Precision,
) -> Option<bool> {
    match cap {
        None => Some(true),
        Some(cap) => Some(price(rate, metered.checked_add(more)?, at)? <= cap),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Rounding;
    use rust_decimal::Decimal;
    use std::str::FromStr;

    const CENTS: Precision = Precision { credit_scale: 0, money_rounding: Rounding::HalfUp, minor_units: 2 };

    fn rate(price: &str, charge_at: Option<i64>) -> OverageRate {
        OverageRate {
            price: Money::new(Decimal::from_str(price).unwrap()),
            per: Credits::from(1000),
            charge_at: charge_at.map(Money::from),
        }
    }

    #[test]
    fn thirty_cents_per_thousand_credits() {
        // 1,500 credits × $0.30 / 1,000 = $0.45.
        assert_eq!(price(&rate("0.30", None), Credits::from(1500), CENTS), Some(Money::new(Decimal::new(45, 2))));
    }

    #[test]
    fn parts_add_up_to_the_whole_without_drift() {
        // 1,001 credits at $0.24 / 1,000 = $0.24024 → $0.24; 1 more → still $0.24.
        let r = rate("0.24", None);
        let first = owed(&r, Credits::from(1001), Credits::ZERO, CENTS).unwrap();
        let second = owed(&r, Credits::from(1002), Credits::from(1001), CENTS).unwrap();
        assert_eq!((first + second), price(&r, Credits::from(1002), CENTS).unwrap());
    }

    #[test]
    fn due_at_the_threshold_not_before() {
        let r = rate("0.30", Some(5));
        assert!(!due_now(&r, Money::new(Decimal::new(499, 2))));
        assert!(due_now(&r, Money::from(5)));
        assert!(!due_now(&rate("0.30", None), Money::from(500)));
    }

    #[test]
    fn the_cap_bounds_the_period_price() {
        // 10,000 credits = $3.00 fits a $3 cap; 10,017 = $3.01 does not.
        let r = rate("0.30", None);
        let cap = Some(Money::from(3));
        assert_eq!(fits_cap(&r, cap, Credits::from(9000), Credits::from(1000), CENTS), Some(true));
        assert_eq!(fits_cap(&r, cap, Credits::from(9000), Credits::from(1017), CENTS), Some(false));
    }
}
