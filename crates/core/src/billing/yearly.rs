//! What paying yearly saves: twelve monthly payments less the yearly price.
//! The pricing page states it; the figure lives here so that the page does
//! no arithmetic of its own.

use crate::money::Money;
use rust_decimal::Decimal;

/// Twelve monthly prices less the yearly price, when that is positive.
pub fn saving(monthly: Money, yearly: Money) -> Option<Money> {
    let twelve = monthly.get().checked_mul(Decimal::from(12))?;
    let saving = twelve.checked_sub(yearly.get())?;
    (saving > Decimal::ZERO).then(|| Money::new(saving))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(n: i64) -> Money {
        Money::new(Decimal::from(n))
    }

    #[test]
    fn a_saving_is_only_stated_when_there_is_one() {
        assert_eq!(saving(m(29), m(290)), Some(m(58)));
        assert_eq!(saving(m(10), m(120)), None);
        assert_eq!(saving(m(10), m(130)), None);
    }
}
