//! Numbers for people: thousands separators, signs, currency symbols.

use crate::compile::Catalog;
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

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::dec;

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
