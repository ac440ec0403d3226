//! Decimal value types: credits, money, currencies and rounding.
//!
//! Nothing here is a float. Values keep `rust_decimal` precision; output
//! always goes through [`Credits::normalized`] / [`Money::normalized`] so the
//! same amount prints the same way whatever scale it was written with.

use rust_decimal::{Decimal, RoundingStrategy};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize, Serializer};
use std::cmp::Ordering;
use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Mul, Neg, Sub, SubAssign};
use std::str::FromStr;

/// Sums and differences of two decimals with the same sign and scale that
/// both fit in 32 bits (nearly every sum the engine does: credits of one
/// catalog share its scale), computed inline with the very bits
/// `rust_decimal` gives (its own fast path, without the call and the
/// checks around it); `None`: anything else, for `rust_decimal` to do.
#[inline(always)]
fn small_add_sub(a: Decimal, b: Decimal, subtract: bool) -> Option<Decimal> {
    let (x, y) = (a.serialize(), b.serialize());
    let word = |v: &[u8; 16], i: usize| u32::from_le_bytes([v[i], v[i + 1], v[i + 2], v[i + 3]]);
    let (flags, lo1, lo2) = (word(&x, 0), word(&x, 4), word(&y, 4));
    if flags != word(&y, 0) || word(&x, 8) | word(&x, 12) | word(&y, 8) | word(&y, 12) != 0 {
        return None;
    }
    let (negative, scale) = (a.is_sign_negative(), a.scale());
    let value = match (subtract, lo1.checked_sub(lo2)) {
        (false, _) => {
            let sum = u64::from(lo1) + u64::from(lo2);
            Decimal::from_parts(sum as u32, (sum >> 32) as u32, 0, negative, scale)
        }
        (true, Some(d)) => Decimal::from_parts(d, 0, 0, negative, scale),
        (true, None) => Decimal::from_parts(lo2 - lo1, 0, 0, !negative, scale),
    };
    Some(value)
}

/// `a.cmp(b)` for two decimals with the same sign and scale (their
/// mantissas compare as the values do), inline; `None`: anything else.
#[inline(always)]
fn same_scale_cmp(a: &Decimal, b: &Decimal) -> Option<Ordering> {
    let (x, y) = (a.serialize(), b.serialize());
    let (fx, fy) = (u32::from_le_bytes([x[0], x[1], x[2], x[3]]), u32::from_le_bytes([y[0], y[1], y[2], y[3]]));
    if fx != fy {
        return None;
    }
    // Bytes 4..16 are the 96-bit mantissa, little-endian.
    let mantissa = |v: &[u8; 16]| {
        let mut m = [0u8; 16];
        m[..12].copy_from_slice(&v[4..]);
        u128::from_le_bytes(m)
    };
    let o = mantissa(&x).cmp(&mantissa(&y));
    Some(if a.is_sign_negative() { o.reverse() } else { o })
}

macro_rules! decimal_newtype {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
        pub struct $name(Decimal);

        impl $name {
            pub const ZERO: Self = Self(Decimal::ZERO);

            pub fn new(value: Decimal) -> Self {
                Self(value)
            }

            pub const fn new_const(value: Decimal) -> Self {
                Self(value)
            }

            pub fn get(self) -> Decimal {
                self.0
            }

            pub fn is_zero(self) -> bool {
                self.0.is_zero()
            }

            pub fn is_negative(self) -> bool {
                self.0.is_sign_negative() && !self.0.is_zero()
            }

            pub fn is_positive(self) -> bool {
                self.0.is_sign_positive() && !self.0.is_zero()
            }

            /// The same value with trailing zeros removed ("30.50" → "30.5").
            pub fn normalized(self) -> Decimal {
                self.0.normalize()
            }

            pub fn abs(self) -> Self {
                Self(self.0.abs())
            }

            pub fn checked_add(self, other: Self) -> Option<Self> {
                self.0.checked_add(other.0).map(Self)
            }

            pub fn checked_sub(self, other: Self) -> Option<Self> {
                self.0.checked_sub(other.0).map(Self)
            }
        }

        impl From<i64> for $name {
            fn from(v: i64) -> Self {
                Self(Decimal::from(v))
            }
        }

        impl Add for $name {
            type Output = Self;
            #[inline]
            fn add(self, o: Self) -> Self {
                Self(small_add_sub(self.0, o.0, false).unwrap_or_else(|| self.0 + o.0))
            }
        }

        impl Sub for $name {
            type Output = Self;
            #[inline]
            fn sub(self, o: Self) -> Self {
                Self(small_add_sub(self.0, o.0, true).unwrap_or_else(|| self.0 - o.0))
            }
        }

        impl PartialOrd for $name {
            #[inline]
            fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
                Some(self.cmp(o))
            }
        }

        impl Ord for $name {
            #[inline]
            fn cmp(&self, o: &Self) -> Ordering {
                same_scale_cmp(&self.0, &o.0).unwrap_or_else(|| self.0.cmp(&o.0))
            }
        }

        impl Neg for $name {
            type Output = Self;
            fn neg(self) -> Self {
                Self(-self.0)
            }
        }

        impl AddAssign for $name {
            #[inline]
            fn add_assign(&mut self, o: Self) {
                *self = *self + o;
            }
        }

        impl SubAssign for $name {
            #[inline]
            fn sub_assign(&mut self, o: Self) {
                *self = *self - o;
            }
        }

        impl Mul<Decimal> for $name {
            type Output = Self;
            fn mul(self, o: Decimal) -> Self {
                Self(self.0 * o)
            }
        }

        impl Sum for $name {
            fn sum<I: Iterator<Item = Self>>(iter: I) -> Self {
                iter.fold(Self::ZERO, |a, b| a + b)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.normalized())
            }
        }

        /// Canonical output: a normalized decimal string, never a JSON number.
        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.normalized().to_string())
            }
        }

        /// In catalog JSON: a decimal string such as "4.99" or "-500".
        impl JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }
            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({ "type": "string", "pattern": "^-?[0-9]+(\\.[0-9]+)?$" })
            }
        }

        /// Read back from the canonical string; numbers are refused so a
        /// float can never round an amount on the way in.
        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = String::deserialize(d)?;
                Decimal::from_str(&text).map(Self).map_err(|e| serde::de::Error::custom(format!("`{text}`: {e}")))
            }
        }
    };
}

decimal_newtype!(
    /// An amount of credits (or tokens, requests: whatever the catalog calls them).
    Credits
);
decimal_newtype!(
    /// An amount of money in the catalog's currency.
    Money
);

/// How an exact result is brought to a fixed number of decimal places.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Rounding {
    /// Away from zero: any fraction of a credit costs a whole one.
    Up,
    /// Towards zero: fractions are dropped.
    Down,
    /// To nearest, halves away from zero.
    HalfUp,
    /// To nearest, halves to the even neighbour (banker's rounding).
    HalfEven,
}

impl Rounding {
    #[inline]
    pub fn round(self, value: Decimal, scale: u32) -> Decimal {
        // Nothing to round (rust_decimal returns the value itself then too);
        // most usage costs are already at the credit scale.
        if value.scale() <= scale {
            return value;
        }
        let strategy = match self {
            Rounding::Up => RoundingStrategy::AwayFromZero,
            Rounding::Down => RoundingStrategy::ToZero,
            Rounding::HalfUp => RoundingStrategy::MidpointAwayFromZero,
            Rounding::HalfEven => RoundingStrategy::MidpointNearestEven,
        };
        value.round_dp_with_strategy(scale, strategy)
    }

    pub fn describe(self) -> &'static str {
        match self {
            Rounding::Up => "rounded up",
            Rounding::Down => "rounded down",
            Rounding::HalfUp => "rounded to the nearest (halves up)",
            Rounding::HalfEven => "rounded to the nearest (halves to even)",
        }
    }
}

/// An ISO 4217 currency pricebook knows how to print.
#[derive(Debug, PartialEq, Eq)]
pub struct Currency {
    pub code: &'static str,
    pub symbol: &'static str,
    /// Decimal places of the smallest coin (2 for cents).
    pub minor_units: u32,
}

impl Serialize for &'static Currency {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code)
    }
}

/// Read back from its ISO code.
impl<'de> Deserialize<'de> for &'static Currency {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let code = String::deserialize(d)?;
        currency(&code).ok_or_else(|| serde::de::Error::custom(format!("unknown currency `{code}`")))
    }
}

pub const CURRENCIES: &[Currency] = &[
    Currency { code: "AUD", symbol: "A$", minor_units: 2 },
    Currency { code: "CAD", symbol: "CA$", minor_units: 2 },
    Currency { code: "CHF", symbol: "CHF ", minor_units: 2 },
    Currency { code: "EUR", symbol: "€", minor_units: 2 },
    Currency { code: "GBP", symbol: "£", minor_units: 2 },
    Currency { code: "INR", symbol: "₹", minor_units: 2 },
    Currency { code: "JPY", symbol: "¥", minor_units: 0 },
    Currency { code: "USD", symbol: "$", minor_units: 2 },
];

pub fn currency(code: &str) -> Option<&'static Currency> {
    CURRENCIES.iter().find(|c| c.code == code)
}

/// Parses a decimal written by a person: `"1500"`, `"0.05"`, `"-3"`,
/// `"15_000_000"`. Exact: a value that does not fit is an error, never a
/// silently rounded number.
pub fn parse_decimal(text: &str) -> Result<Decimal, String> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err("empty string where a number is expected".into());
    }
    if trimmed.contains(',') {
        return Err(format!(
            "`{trimmed}` contains a comma; write thousands with `_` (\"15_000_000\") and decimals with `.`"
        ));
    }
    let digits_only = trimmed.replace('_', "");
    if trimmed.starts_with('_') || trimmed.ends_with('_') || trimmed.contains("__") {
        return Err(format!("`{trimmed}` has a misplaced `_`"));
    }
    if digits_only.contains(['e', 'E']) {
        return Err(format!("`{trimmed}` uses an exponent; write the number out in full"));
    }
    Decimal::from_str_exact(&digits_only).map_err(|e| match e {
        rust_decimal::Error::Underflow => format!("`{trimmed}` has more than 28 decimal places"),
        rust_decimal::Error::ExceedsMaximumPossibleValue | rust_decimal::Error::LessThanMinimumPossibleValue => {
            format!("`{trimmed}` is too large: decimals hold at most 28 digits")
        }
        _ => format!("`{trimmed}` is not a number"),
    })
}

/// Parses money: `"5"`, `"€5"`, `"5 EUR"`, `"$20.00"`, `"-$3"`.
/// Returns the amount and the currency if one was written.
pub fn parse_money(text: &str) -> Result<(Decimal, Option<&'static Currency>), String> {
    let trimmed = text.trim();
    let (negative, rest) = match trimmed.strip_prefix('-') {
        Some(r) => (true, r.trim_start()),
        None => (false, trimmed),
    };
    let mut found = None;
    let mut number = rest;
    for c in CURRENCIES {
        let symbol = c.symbol.trim_end();
        if let Some(r) = rest.strip_prefix(symbol) {
            found = Some(c);
            number = r.trim_start();
            break;
        }
    }
    if found.is_none()
        && let Some((amount, code)) = rest.rsplit_once(' ')
    {
        let code = code.trim();
        if code.chars().all(|ch| ch.is_ascii_alphabetic()) {
            match currency(&code.to_ascii_uppercase()) {
                Some(c) => {
                    found = Some(c);
                    number = amount.trim_end();
                }
                None => {
                    return Err(format!(
                        "unknown currency `{code}`; known: {}",
                        CURRENCIES.iter().map(|c| c.code).collect::<Vec<_>>().join(", ")
                    ));
                }
            }
        }
    }
    if number.starts_with('-') {
        return Err(format!("`{trimmed}`: put the minus sign first, as in \"-$3\""));
    }
    let amount =
        parse_decimal(number).map_err(|e| format!("{e}; write money as \"5\", \"€5\", \"$20.00\" or \"5 EUR\""))?;
    Ok((if negative { -amount } else { amount }, found))
}

impl FromStr for Credits {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        parse_decimal(s).map(Credits)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::dec;

    #[test]
    fn small_sums_and_comparisons_give_rust_decimals_bits() {
        // Values around every edge of the inline path (zero, 32-bit carry
        // and borrow, 64 and 96 bits, signs, scales), each pair both ways.
        let mut values = Vec::new();
        for lo in [0u32, 1, 2, 7, 0x7fff_ffff, u32::MAX - 1, u32::MAX] {
            for (mid, hi) in [(0u32, 0u32), (1, 0), (0, 1)] {
                for negative in [false, true] {
                    for scale in [0u32, 2, 28] {
                        values.push(Decimal::from_parts(lo, mid, hi, negative, scale));
                    }
                }
            }
        }
        let same = |a: Decimal, b: Decimal| a.serialize() == b.serialize();
        for a in &values {
            for b in &values {
                let (x, y) = (Credits::new(*a), Credits::new(*b));
                assert!(same((x + y).get(), a + b), "{a:?} + {b:?}");
                assert!(same((x - y).get(), a - b), "{a:?} - {b:?}");
                let (mut s, mut d) = (x, x);
                s += y;
                d -= y;
                assert!(same(s.get(), a + b) && same(d.get(), a - b), "{a:?} += -= {b:?}");
                assert_eq!(x.cmp(&y), a.cmp(b), "{a:?} cmp {b:?}");
                assert_eq!(x.partial_cmp(&y), a.partial_cmp(b), "{a:?} partial_cmp {b:?}");
            }
        }
    }

    #[test]
    fn decimals_parse_exactly() {
        assert_eq!(parse_decimal("15_000_000"), Ok(dec!(15000000)));
        assert_eq!(parse_decimal(" 0.05 "), Ok(dec!(0.05)));
        assert!(parse_decimal("1,000").unwrap_err().contains("comma"));
        assert!(parse_decimal("1e5").unwrap_err().contains("exponent"));
        assert!(parse_decimal("99999999999999999999999999999999").is_err());
        assert!(parse_decimal("0.00000000000000000000000000001").is_err());
        assert!(parse_decimal("abc").is_err());
        assert!(parse_decimal("").is_err());
    }

    #[test]
    fn money_accepts_symbols_and_codes() {
        let eur = currency("EUR").unwrap();
        assert_eq!(parse_money("€5"), Ok((dec!(5), Some(eur))));
        assert_eq!(parse_money("5 EUR"), Ok((dec!(5), Some(eur))));
        assert_eq!(parse_money("-$3.50").map(|m| m.0), Ok(dec!(-3.50)));
        assert_eq!(parse_money("20"), Ok((dec!(20), None)));
        assert!(parse_money("5 XYZ").unwrap_err().contains("unknown currency"));
    }

    #[test]
    fn rounding_modes_differ_on_halves() {
        assert_eq!(Rounding::Up.round(dec!(1.01), 0), dec!(2));
        assert_eq!(Rounding::Down.round(dec!(1.99), 0), dec!(1));
        assert_eq!(Rounding::HalfUp.round(dec!(2.5), 0), dec!(3));
        assert_eq!(Rounding::HalfEven.round(dec!(2.5), 0), dec!(2));
    }

    #[test]
    fn output_is_normalized() {
        assert_eq!(Credits::new(dec!(30.50)).to_string(), "30.5");
        assert_eq!(serde_json::to_string(&Money::new(dec!(5.00))).unwrap(), "\"5\"");
    }
}
