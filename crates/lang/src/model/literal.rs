//! Literals that TOML has no type for: decimals, money, durations, shares.
//!
//! Each accepts a string (and, where it makes sense, an integer) and refuses
//! TOML floats, which would silently lose precision. Parse errors are
//! [`LiteralError`]s, which `load` turns into diagnostics with the
//! deserializer's span.

use super::literal_error::{Literal, LiteralError};
use pricebook_core::calendar::Period;
use pricebook_core::money::{self, Currency};
use rust_decimal::Decimal;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};
use std::borrow::Cow;
use std::fmt;

fn float_error<E: de::Error>(value: f64, what: &'static str) -> E {
    LiteralError::Float { value, what }.raise()
}

/// TOML integers are 64-bit; the toml crate hands larger ones over as
/// i128. The TOML spec says they must be rejected, and taking them would
/// make a file mean different things to different TOML readers.
fn wide_integer_error<E: de::Error>(v: impl fmt::Display) -> E {
    LiteralError::WideInteger { written: v.to_string() }.raise()
}

/// [`money::parse_decimal`] with a hint on every error, and the right
/// words for a number that has too many digits (it says "not a number").
fn decimal(text: &str) -> Result<Decimal, String> {
    money::parse_decimal(text).map_err(|m| {
        if let Some(digits) = too_many_digits(text, &m) {
            return digits;
        }
        if m.contains("; ") {
            m
        } else if m.contains("decimal places") {
            format!("{m}; round it to fewer decimal places")
        } else if m.contains("misplaced `_`") {
            format!("{m}; `_` may only go between digits, as in \"15_000_000\"")
        } else {
            format!("{m}; write a number such as 500 or \"0.05\"")
        }
    })
}

/// The message for a well-formed number too long for a decimal (28 digits),
/// if that is why `message` was produced.
fn too_many_digits(text: &str, message: &str) -> Option<String> {
    if !(message.contains("not a number") || message.contains("too large")) {
        return None;
    }
    let t = text.trim();
    let digits = t.trim_start_matches('-').replace('_', "");
    let numeric = !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
        && digits.matches('.').count() <= 1;
    numeric.then(|| {
        let n = digits.chars().filter(char::is_ascii_digit).count();
        format!("`{t}` has {n} digits, more than a decimal holds (28); round it, or count in a larger unit")
    })
}

/// [`money::parse_money`] with the digit-count wording of [`decimal`].
fn money_text(text: &str) -> Result<(Decimal, Option<&'static Currency>), String> {
    money::parse_money(text).map_err(|m| {
        let number = text
            .trim()
            .trim_start_matches('-')
            .trim_start_matches(|c: char| !c.is_ascii_digit() && c != '-' && c != '.');
        let number = number.split_whitespace().next().unwrap_or(number);
        match too_many_digits(number, &m) {
            Some(d) => {
                format!("{}; write money as \"5\", \"€5\", \"$20.00\" or \"5 EUR\"", d.split("; ").next().unwrap_or(&d))
            }
            None => m,
        }
    })
}

/// [`Period::parse`] with a suggestion: the unit a typo was probably meant
/// to be, digits for a spelt-out count, a space where one is missing.
pub(super) fn period(text: &str) -> Result<Period, String> {
    Period::parse(text).map_err(|m| {
        let t = text.trim();
        let words: Vec<&str> = t.split_whitespace().collect();
        let (count, unit) = match words.as_slice() {
            [count, unit] => (*count, *unit),
            [one] => {
                let split = one.find(|c: char| !c.is_ascii_digit()).unwrap_or(one.len());
                one.split_at(split)
            }
            _ => return m,
        };
        let count = match count.parse::<u32>() {
            Ok(n) => n,
            Err(_) => match number_word(count) {
                Some(n) => {
                    return format!("`{t}` spells out its count; write the count in digits, as in \"{n} {unit}\"");
                }
                None => return m,
            },
        };
        if count == 0 {
            return format!(
                "`{t}` is zero long; a duration is at least 1, e.g. \"1 day\"; to have none, leave the key out"
            );
        }
        if unit.is_empty() {
            return format!("`{t}` has no unit; add one, as in \"{count} days\" or \"{count} months\"");
        }
        let singular = ["hour", "day", "week", "month", "year"];
        let lower = unit.to_ascii_lowercase();
        if singular.contains(&lower.trim_end_matches('s')) {
            // A real unit: the count is the problem (too long), or a space is missing.
            return if words.len() == 1 {
                format!("`{t}` needs a space between the count and the unit; write \"{count} {unit}\"")
            } else {
                m
            };
        }
        let plural = ["hours", "days", "weeks", "months", "years"];
        let units = if count == 1 { singular } else { plural };
        match crate::suggest::did_you_mean(&lower, units) {
            Some(best) => {
                format!("`{unit}` is not a unit of time; did you mean \"{count} {best}\"?")
            }
            None => m,
        }
    })
}

fn number_word(word: &str) -> Option<u32> {
    const WORDS: [&str; 12] =
        ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"];
    let lower = word.to_ascii_lowercase();
    WORDS.iter().position(|w| *w == lower).and_then(|i| u32::try_from(i + 1).ok())
}

/// Shared visitor: integers and strings become text for `parse`, floats fail.
struct TextVisitor<T> {
    expecting: &'static str,
    what: &'static str,
    parse: fn(&str) -> Result<T, String>,
    literal: Literal,
    integers: bool,
}

impl<T> TextVisitor<T> {
    /// A number where only text with a unit makes sense ("7" for "7 days").
    fn bare_integer<E: de::Error>(&self, v: impl fmt::Display) -> E {
        LiteralError::BareNumber { written: v.to_string(), what: self.what }.raise()
    }

    fn parse<E: de::Error>(&self, text: &str) -> Result<T, E> {
        (self.parse)(text).map_err(|m| LiteralError::invalid(self.literal, &m).raise())
    }
}

impl<T> Visitor<'_> for TextVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.expecting)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
        if !self.integers {
            return Err(self.bare_integer(v));
        }
        self.parse(&v.to_string())
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
        if !self.integers {
            return Err(self.bare_integer(v));
        }
        self.parse(&v.to_string())
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<T, E> {
        Err(wide_integer_error(v))
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<T, E> {
        Err(wide_integer_error(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<T, E> {
        Err(float_error(v, self.what))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        self.parse(v)
    }
}

fn decimal_or_integer_schema(description: &str, pattern: &str) -> Schema {
    json_schema!({
        "description": description,
        "anyOf": [
            { "type": "integer" },
            { "type": "string", "pattern": pattern }
        ]
    })
}

const DECIMAL_PATTERN: &str = r"^\s*-?[0-9][0-9_]*(\.[0-9]+)?\s*$";

/// A decimal number: an integer (`500`) or a string (`"0.05"`, `"15_000_000"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct DecimalLit(pub Decimal);

impl<'de> Deserialize<'de> for DecimalLit {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(TextVisitor {
            expecting: "a decimal as an integer or a string such as \"0.05\"",
            what: "decimals",
            parse: |s| decimal(s).map(DecimalLit),
            literal: Literal::Decimal,
            integers: true,
        })
    }
}

impl JsonSchema for DecimalLit {
    fn schema_name() -> Cow<'static, str> {
        "Decimal".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        decimal_or_integer_schema(
            "A decimal number: an integer, or a string such as \"0.05\" (never a TOML float).",
            DECIMAL_PATTERN,
        )
    }
}

/// Money in the catalog's currency: `5`, `"4.99"`, `"€5"`, `"$20"`, `"5 EUR"`.
/// A written currency must match the catalog's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct MoneyLit {
    pub(crate) amount: Decimal,
    pub(crate) currency: Option<&'static Currency>,
}

impl<'de> Deserialize<'de> for MoneyLit {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(TextVisitor {
            expecting: "money as an integer or a string such as \"€5\", \"$20.00\" or \"5 EUR\"",
            what: "money",
            parse: |s| money_text(s).map(|(amount, currency)| MoneyLit { amount, currency }),
            literal: Literal::Money,
            integers: true,
        })
    }
}

impl JsonSchema for MoneyLit {
    fn schema_name() -> Cow<'static, str> {
        "Money".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "Money: an integer, or a string such as \"4.99\", \"€5\", \"$20.00\" or \"5 EUR\".",
            "anyOf": [ { "type": "integer" }, { "type": "string", "minLength": 1 } ]
        })
    }
}

/// A calendar duration: `"7 days"`, `"1 month"`, `"24 hours"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct PeriodLit(pub Period);

impl<'de> Deserialize<'de> for PeriodLit {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(TextVisitor {
            expecting: "a duration such as \"7 days\" or \"1 month\"",
            what: "durations",
            parse: |s| period(s).map(PeriodLit),
            literal: Literal::Duration,
            integers: false,
        })
    }
}

impl JsonSchema for PeriodLit {
    fn schema_name() -> Cow<'static, str> {
        "Duration".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A duration: a whole count and a unit, e.g. \"7 days\", \"2 weeks\", \"1 month\", \"1 year\", \"24 hours\".",
            "type": "string",
            "pattern": r"^\s*[0-9]+\s+(?i:(hour|day|week|month|year)s?)\s*$"
        })
    }
}

/// A share between 0 and 1: `"20%"` or `"0.2"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ShareLit(pub Decimal);

fn parse_share(s: &str) -> Result<ShareLit, String> {
    let t = s.trim();
    let value = match t.strip_suffix('%') {
        Some(p) => decimal(p)? / Decimal::ONE_HUNDRED,
        None => decimal(t)?,
    };
    if value < Decimal::ZERO || value > Decimal::ONE {
        return Err(format!("`{t}` is outside 0%..100%; write a share such as \"20%\" or \"0.2\""));
    }
    Ok(ShareLit(value))
}

impl<'de> Deserialize<'de> for ShareLit {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(TextVisitor {
            expecting: "a share such as \"20%\" or \"0.2\"",
            what: "shares",
            parse: parse_share,
            literal: Literal::Decimal,
            integers: true,
        })
    }
}

impl JsonSchema for ShareLit {
    fn schema_name() -> Cow<'static, str> {
        "Share".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        decimal_or_integer_schema(
            "A share between 0 and 1: a percentage string such as \"20%\" or a decimal string such as \"0.2\".",
            r"^\s*[0-9][0-9_]*(\.[0-9]+)?\s*%?\s*$",
        )
    }
}

/// A credit amount or the word `"unlimited"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AmountLit {
    Amount(Decimal),
    Unlimited,
}

fn parse_amount(s: &str) -> Result<AmountLit, String> {
    if s.trim() == "unlimited" {
        Ok(AmountLit::Unlimited)
    } else {
        decimal(s).map(AmountLit::Amount).map_err(|e| format!("{e} (or write \"unlimited\")"))
    }
}

impl<'de> Deserialize<'de> for AmountLit {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(TextVisitor {
            expecting: "an amount (integer or decimal string) or \"unlimited\"",
            what: "amounts",
            parse: parse_amount,
            literal: Literal::Decimal,
            integers: true,
        })
    }
}

impl JsonSchema for AmountLit {
    fn schema_name() -> Cow<'static, str> {
        "AmountOrUnlimited".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "An amount (an integer or a decimal string) or the word \"unlimited\".",
            "anyOf": [
                { "type": "integer" },
                { "type": "string", "pattern": DECIMAL_PATTERN },
                { "const": "unlimited" }
            ]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::dec;

    #[derive(Deserialize)]
    struct Probe {
        d: Option<DecimalLit>,
        m: Option<MoneyLit>,
        p: Option<PeriodLit>,
        s: Option<ShareLit>,
        a: Option<AmountLit>,
    }

    fn probe(text: &str) -> Result<Probe, String> {
        toml::from_str(text).map_err(|e| e.message().to_string())
    }

    #[test]
    fn floats_are_refused_with_a_hint() {
        let err = probe("d = 0.1").err().unwrap();
        assert!(err.starts_with("0.1 is a TOML float"), "{err}");
        assert!(err.contains("\"0.1\""), "{err}");
        assert!(probe("m = 4.99").is_err());
    }

    #[test]
    fn strings_and_integers_are_exact() {
        let p = probe("d = \"1234567890.123456789\"\nm = \"€5\"\np = \"2 months\"\ns = \"20%\"\na = \"unlimited\"")
            .unwrap();
        assert_eq!(p.d, Some(DecimalLit(dec!(1234567890.123456789))));
        assert_eq!(p.m.map(|m| m.amount), Some(dec!(5)));
        assert_eq!(p.p, Some(PeriodLit(Period::months(2))));
        assert_eq!(p.s, Some(ShareLit(dec!(0.2))));
        assert_eq!(p.a, Some(AmountLit::Unlimited));
        assert_eq!(probe("d = 15_000_000").unwrap().d, Some(DecimalLit(dec!(15000000))));
    }

    #[test]
    fn errors_explain_and_suggest() {
        let err = |text: &str| probe(text).err().unwrap();
        assert!(err("p = \"7 dayz\"").contains("did you mean \"7 days\"?"));
        assert!(err("p = \"1 mnth\"").contains("did you mean \"1 month\"?"));
        assert!(err("p = \"seven days\"").contains("\"7 days\""));
        assert!(err("p = \"7days\"").contains("needs a space"));
        assert!(err("p = \"0 days\"").contains("zero long"));
        assert!(err("p = \"5000 years\"").contains("century"));
        assert!(err("d = 99999999999999999999").contains("larger than a TOML integer"));
        assert!(err("d = \"1234567890123456789012345678901234567890\"").contains("40 digits"));
        assert!(err("m = \"$1234567890123456789012345678901234567890\"").contains("40 digits"));
        assert!(err("d = \"abc\"").contains("; write a number"));
        assert!(err("a = \"abc\"").contains("unlimited"));
        assert!(err("d = 500.0").contains("500.0 is a TOML float"));
    }

    #[test]
    fn durations_must_be_strings() {
        assert!(probe("p = 7").is_err());
        assert!(probe("s = \"120%\"").err().unwrap().contains("outside"));
    }
}
