//! Literals that TOML has no type for: decimals, money, durations, shares.
//!
//! Each accepts a string (and, where it makes sense, an integer) and refuses
//! TOML floats, which would silently lose precision (rule X1). Parse errors
//! start with a `[code]` tag that `compile::load` turns into the diagnostic
//! code, so the message and its span come straight from the deserializer.

use crate::calendar::Period;
use crate::money::{self, Currency};
use rust_decimal::Decimal;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};
use std::borrow::Cow;
use std::fmt;

fn float_error<E: de::Error>(v: f64, what: &str) -> E {
    E::custom(format!(
        "[float-not-allowed] {v} is a TOML float; write {what} as a string, e.g. \"{v}\", so no precision is lost"
    ))
}

/// Shared visitor: integers and strings become text for `parse`, floats fail.
struct TextVisitor<T> {
    expecting: &'static str,
    what: &'static str,
    parse: fn(&str) -> Result<T, String>,
    code: &'static str,
    integers: bool,
}

impl<T> Visitor<'_> for TextVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.expecting)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
        if !self.integers {
            return Err(E::invalid_type(de::Unexpected::Signed(v), &self));
        }
        (self.parse)(&v.to_string()).map_err(|m| E::custom(format!("[{}] {m}", self.code)))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
        if !self.integers {
            return Err(E::invalid_type(de::Unexpected::Unsigned(v), &self));
        }
        (self.parse)(&v.to_string()).map_err(|m| E::custom(format!("[{}] {m}", self.code)))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<T, E> {
        Err(float_error(v, self.what))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        (self.parse)(v).map_err(|m| E::custom(format!("[{}] {m}", self.code)))
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
pub struct DecimalLit(pub Decimal);

impl<'de> Deserialize<'de> for DecimalLit {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(TextVisitor {
            expecting: "a decimal as an integer or a string such as \"0.05\"",
            what: "decimals",
            parse: |s| money::parse_decimal(s).map(DecimalLit),
            code: "invalid-decimal",
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
pub struct MoneyLit {
    pub amount: Decimal,
    pub currency: Option<&'static Currency>,
}

impl<'de> Deserialize<'de> for MoneyLit {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(TextVisitor {
            expecting: "money as an integer or a string such as \"€5\", \"$20.00\" or \"5 EUR\"",
            what: "money",
            parse: |s| money::parse_money(s).map(|(amount, currency)| MoneyLit { amount, currency }),
            code: "invalid-money",
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
pub struct PeriodLit(pub Period);

impl<'de> Deserialize<'de> for PeriodLit {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(TextVisitor {
            expecting: "a duration such as \"7 days\" or \"1 month\"",
            what: "durations",
            parse: |s| Period::parse(s).map(PeriodLit),
            code: "invalid-duration",
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
pub struct ShareLit(pub Decimal);

fn parse_share(s: &str) -> Result<ShareLit, String> {
    let t = s.trim();
    let value = match t.strip_suffix('%') {
        Some(p) => money::parse_decimal(p)? / Decimal::ONE_HUNDRED,
        None => money::parse_decimal(t)?,
    };
    if value < Decimal::ZERO || value > Decimal::ONE {
        return Err(format!("`{t}` is outside 0%..100%"));
    }
    Ok(ShareLit(value))
}

impl<'de> Deserialize<'de> for ShareLit {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(TextVisitor {
            expecting: "a share such as \"20%\" or \"0.2\"",
            what: "shares",
            parse: parse_share,
            code: "invalid-decimal",
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
pub enum AmountLit {
    Amount(Decimal),
    Unlimited,
}

fn parse_amount(s: &str) -> Result<AmountLit, String> {
    if s.trim() == "unlimited" {
        Ok(AmountLit::Unlimited)
    } else {
        money::parse_decimal(s).map(AmountLit::Amount).map_err(|e| format!("{e}; or write \"unlimited\""))
    }
}

impl<'de> Deserialize<'de> for AmountLit {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(TextVisitor {
            expecting: "an amount (integer or decimal string) or \"unlimited\"",
            what: "amounts",
            parse: parse_amount,
            code: "invalid-decimal",
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
        assert!(err.starts_with("[float-not-allowed]"), "{err}");
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
    fn durations_must_be_strings() {
        assert!(probe("p = 7").is_err());
        assert!(probe("s = \"120%\"").err().unwrap().contains("outside"));
    }
}
