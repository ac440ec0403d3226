//! Quotes for one purchase of a pack: the credits it grants and its price.
//!
//! A fixed pack is its own quote. A custom-amount pack converts money to
//! credits at its unit price, rounded down to the credit scale (a customer
//! never gets credits they did not pay for), and credits to money at the
//! unit price, rounded by the catalog's money rounding to the currency's
//! minor units; the result must lie within the pack's minimum and maximum.

use crate::catalog::{Catalog, PackOffer};
use crate::money::{Credits, Money, Rounding};
use rust_decimal::Decimal;

/// What a purchase asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ask {
    /// The pack as offered (a fixed pack's size).
    Pack,
    /// This many credits of a custom-amount pack.
    Credits(Credits),
    /// What this much money buys of a custom-amount pack.
    Amount(Money),
}

impl Ask {
    /// Credits win over an amount when a request names both.
    pub fn from_options(credits: Option<Credits>, amount: Option<Money>) -> Ask {
        match (credits, amount) {
            (Some(c), _) => Ask::Credits(c),
            (None, Some(m)) => Ask::Amount(m),
            (None, None) => Ask::Pack,
        }
    }
}

/// The credits and price of one purchase.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Quote {
    pub credits: Credits,
    pub price: Money,
}

/// Why a pack cannot be bought as asked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QuoteError {
    /// A custom-amount pack asked for without credits or an amount.
    NoAmount,
    /// The amount buys no credits at all.
    NothingBought,
    /// Fewer credits than the pack's `min_credits`.
    BelowMinimum { credits: Credits, min: Credits },
    /// More credits than the pack's `max_credits`.
    AboveMaximum { credits: Credits, max: Credits },
    /// Beyond what exact decimal arithmetic holds.
    Overflow,
}

/// How a catalog rounds: credits to its scale, money to its coins.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Precision {
    pub credit_scale: u32,
    pub money_rounding: Rounding,
    pub minor_units: u32,
}

impl Precision {
    pub fn of(cat: &Catalog) -> Precision {
        Precision {
            credit_scale: cat.credits.scale,
            money_rounding: cat.money_rounding,
            minor_units: cat.currency.minor_units,
        }
    }
}

/// Money per credit: a custom pack's unit price, a fixed pack's price over
/// its credits. `None` for a pack of no credits (which cannot compile).
pub fn unit_price(offer: &PackOffer) -> Option<Decimal> {
    match *offer {
        PackOffer::Fixed { credits, price } => price.get().checked_div(credits.get()),
        PackOffer::Custom { unit_price, .. } => Some(unit_price.get()),
    }
}

/// Credits `amount` buys at `unit_price`, rounded down to the credit scale.
pub fn credits_for(unit_price: Money, amount: Money, at: Precision) -> Option<Credits> {
    let raw = amount.get().checked_div(unit_price.get())?;
    Some(Credits::new(Rounding::Down.round(raw, at.credit_scale)))
}

/// The price of `credits` at `unit_price`, rounded to the currency's coins.
pub fn price_for(unit_price: Money, credits: Credits, at: Precision) -> Option<Money> {
    let raw = credits.get().checked_mul(unit_price.get())?;
    Some(Money::new(at.money_rounding.round(raw, at.minor_units)))
}

/// One purchase of a pack with this offer.
pub fn quote_offer(offer: &PackOffer, ask: Ask, at: Precision) -> Result<Quote, QuoteError> {
    let (unit_price, min_credits, max_credits) = match *offer {
        PackOffer::Fixed { credits, price } => return Ok(Quote { credits, price }),
        PackOffer::Custom { unit_price, min_credits, max_credits } => (unit_price, min_credits, max_credits),
    };
    let credits = match ask {
        Ask::Credits(c) => c,
        Ask::Amount(m) => credits_for(unit_price, m, at).ok_or(QuoteError::Overflow)?,
        Ask::Pack => return Err(QuoteError::NoAmount),
    };
    if !credits.is_positive() {
        return Err(QuoteError::NothingBought);
    }
    if let Some(min) = min_credits.filter(|m| credits < *m) {
        return Err(QuoteError::BelowMinimum { credits, min });
    }
    if let Some(max) = max_credits.filter(|m| credits > *m) {
        return Err(QuoteError::AboveMaximum { credits, max });
    }
    let price = price_for(unit_price, credits, at).ok_or(QuoteError::Overflow)?;
    Ok(Quote { credits, price })
}

/// One purchase of pack `pack` of the catalog.
pub fn quote(cat: &Catalog, pack: usize, ask: Ask) -> Result<Quote, QuoteError> {
    quote_offer(&cat.packs[pack].offer, ask, Precision::of(cat))
}

/// The smallest purchase a pack allows: a fixed pack, or a custom pack's
/// minimum (else one smallest unit of credit).
pub fn smallest(offer: &PackOffer, at: Precision) -> Result<Quote, QuoteError> {
    let ask = match *offer {
        PackOffer::Fixed { .. } => Ask::Pack,
        PackOffer::Custom { min_credits, .. } => {
            Ask::Credits(min_credits.unwrap_or_else(|| Credits::new(Decimal::new(1, at.credit_scale))))
        }
    };
    quote_offer(offer, ask, at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn custom(unit: &str, min: Option<i64>) -> PackOffer {
        PackOffer::Custom { unit_price: Money::new(d(unit)), min_credits: min.map(Credits::from), max_credits: None }
    }

    const CENTS: Precision = Precision { credit_scale: 0, money_rounding: Rounding::HalfUp, minor_units: 2 };

    #[test]
    fn an_amount_buys_credits_rounded_down_to_the_scale() {
        let at = Precision { credit_scale: 2, ..CENTS };
        let q = quote_offer(&custom("0.015", None), Ask::Amount(Money::from(10)), at).unwrap();
        assert_eq!((q.credits.get(), q.price.get()), (d("666.66"), d("10")));
    }

    #[test]
    fn below_the_minimum_is_refused() {
        let q = quote_offer(&custom("0.03", Some(500)), Ask::Amount(Money::from(10)), CENTS);
        assert_eq!(q, Err(QuoteError::BelowMinimum { credits: Credits::from(333), min: Credits::from(500) }));
    }

    #[test]
    fn the_smallest_custom_purchase_is_its_minimum() {
        let q = smallest(&custom("0.01", Some(500)), CENTS).unwrap();
        assert_eq!((q.credits, q.price), (Credits::from(500), Money::from(5)));
    }
}
