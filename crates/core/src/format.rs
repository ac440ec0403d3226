//! Numbers for people: thousands separators, signs, currency symbols.
//!
//! Two registers: ledgers print money with all minor units (`$20.00`) so
//! columns line up; customer docs print it as a price list does (`$20`,
//! `€5`, `$0.04`). Nothing here is a float.

use crate::catalog::Catalog;
use crate::money::{Credits, Currency, Money};
use rust_decimal::Decimal;

/// `1234567.5` → `"1,234,567.5"`; trailing zeros dropped.
pub fn group(value: Decimal) -> String {
    let text = value.normalize().abs().to_string();
    let (int, frac) = match text.split_once('.') {
        Some((i, f)) => (i.to_string(), Some(f.to_string())),
        None => (text, None),
    };
    let mut out = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(&f);
    }
    if value.is_sign_negative() && !value.is_zero() {
        out.insert(0, '-');
    }
    out
}

pub fn credits(c: Credits) -> String {
    group(c.get())
}

/// `+500`, `-200`, `0`.
pub fn signed(c: Credits) -> String {
    if c.is_positive() { format!("+{}", group(c.get())) } else { group(c.get()) }
}

/// `$20.00`, `€5.00`, `-$3.50`: always the currency's minor units.
pub fn money(cat: &Catalog, m: Money) -> String {
    money_in(cat.currency, m)
}

/// [`money`] for a currency rather than a catalog's.
pub fn money_in(c: &Currency, m: Money) -> String {
    let v = m.get().abs().round_dp(c.minor_units.max(m.get().normalize().scale()));
    let mut digits = group(v);
    if c.minor_units > 0 {
        let frac_len = digits.split_once('.').map_or(0, |(_, f)| f.len());
        if frac_len == 0 {
            digits.push('.');
        }
        for _ in frac_len..c.minor_units as usize {
            digits.push('0');
        }
    }
    let sign = if m.is_negative() { "-" } else { "" };
    format!("{sign}{}{digits}", c.symbol)
}

/// Money as a price list prints it: `$20`, `€5`, `$1,000`, `$20.50`,
/// `$0.04`, `$0.009`, `-$3.50`. Whole amounts drop the minor units; other
/// amounts show at least the currency's minor units and every further digit
/// the value has (the value is exact, never rounded here).
pub fn price(currency: &Currency, amount: Decimal) -> String {
    let v = amount.normalize();
    let mut digits = group(v.abs());
    let scale = v.scale();
    if scale > 0 && scale < currency.minor_units {
        for _ in scale..currency.minor_units {
            digits.push('0');
        }
    }
    let sign = if v.is_sign_negative() && !v.is_zero() { "-" } else { "" };
    format!("{sign}{}{digits}", currency.symbol)
}

/// A price that may be an inexact quotient (a pack's price per credit):
/// exact values print as [`price`]; values with more than two digits past
/// the currency's minor units are rounded (half up) to three significant
/// digits, or to the minor units when at least one, and start with "about ".
pub fn approx_price(currency: &Currency, amount: Decimal) -> String {
    let v = amount.normalize();
    if v.scale() <= currency.minor_units + 2 {
        return price(currency, v);
    }
    let dp = if v.abs() >= Decimal::ONE {
        currency.minor_units
    } else {
        // Position of the first significant digit after the point, then two more.
        let mut first = 0u32;
        let mut probe = v.abs();
        while probe < Decimal::ONE && first < 28 {
            probe *= Decimal::TEN;
            first += 1;
        }
        (first + 2).max(currency.minor_units)
    };
    let rounded = v.round_dp_with_strategy(dp, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    format!("about {}", price(currency, rounded))
}

/// `1 credit`, `1,000 credits`, `0.5 credits`, `15,000,000 tokens`.
pub fn quantity(value: Decimal, singular: &str, plural: &str) -> String {
    let unit = if value.normalize() == Decimal::ONE { singular } else { plural };
    format!("{} {unit}", group(value))
}

/// A price per credit quoted per `per` credits: `$0.04 per request`,
/// `about €3.57 per 1,000,000 tokens`.
pub fn unit_price(currency: &Currency, per_credit: Decimal, per: Decimal, singular: &str, plural: &str) -> String {
    let quoted = per_credit.checked_mul(per);
    let money = approx_price(currency, quoted.unwrap_or(per_credit));
    if per.normalize() == Decimal::ONE || quoted.is_none() {
        format!("{money} per {singular}")
    } else {
        format!("{money} per {}", quantity(per, singular, plural))
    }
}

/// A share as a percentage: `0.2` → `20%`, `0.125` → `12.5%`.
pub fn percent(share: Decimal) -> String {
    format!("{}%", share.saturating_mul(Decimal::ONE_HUNDRED).normalize())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::dec;

    fn usd() -> &'static Currency {
        crate::money::currency("USD").expect("USD is known")
    }

    fn eur() -> &'static Currency {
        crate::money::currency("EUR").expect("EUR is known")
    }

    #[test]
    fn prices_read_like_a_price_list() {
        assert_eq!(price(eur(), dec!(5)), "€5");
        assert_eq!(price(usd(), dec!(1000.00)), "$1,000");
        assert_eq!(price(usd(), dec!(20.5)), "$20.50");
        assert_eq!(price(usd(), dec!(0.04)), "$0.04");
        assert_eq!(price(usd(), dec!(0.009)), "$0.009");
        assert_eq!(price(usd(), dec!(-3.5)), "-$3.50");
        assert_eq!(price(usd(), dec!(0)), "$0");
    }

    #[test]
    fn inexact_prices_say_about() {
        assert_eq!(approx_price(eur(), dec!(50) / dec!(15)), "about €3.33");
        assert_eq!(approx_price(eur(), dec!(4)), "€4");
        assert_eq!(approx_price(usd(), dec!(0.009)), "$0.009");
        assert_eq!(approx_price(usd(), dec!(1) / dec!(300)), "about $0.00333");
    }

    #[test]
    fn quantities_and_percentages() {
        assert_eq!(quantity(dec!(15000000), "token", "tokens"), "15,000,000 tokens");
        assert_eq!(quantity(dec!(1), "credit", "credits"), "1 credit");
        assert_eq!(quantity(dec!(1.0), "credit", "credits"), "1 credit");
        assert_eq!(quantity(dec!(0.5), "credit", "credits"), "0.5 credits");
        assert_eq!(percent(dec!(0.2)), "20%");
        assert_eq!(percent(dec!(0.05)), "5%");
    }

    #[test]
    fn groups_thousands() {
        assert_eq!(group(dec!(15000000)), "15,000,000");
        assert_eq!(group(dec!(999)), "999");
        assert_eq!(group(dec!(-1234.50)), "-1,234.5");
        assert_eq!(group(dec!(0)), "0");
        assert_eq!(signed(Credits::new(dec!(500))), "+500");
        assert_eq!(signed(Credits::new(dec!(-1200))), "-1,200");
    }
}
