//! pricebook's own minijinja filters: money and numbers for people, in the
//! catalog's currency and unit.
//!
//! | filter     | input            | output                      |
//! |------------|------------------|-----------------------------|
//! | `money`    | `"5"`            | `€5`                        |
//! | `amount`   | `"15000000"`     | `15,000,000 tokens`         |
//! | `number`   | `"2500"`         | `2,500`                     |
//! | `per_unit` | `"0.04"`         | `$0.04 per request`         |
//! | `percent`  | `"0.2"`          | `20%`                       |
//! | `md_link`  | `plan.cta`       | `[Start free trial](<https://…>)` |
//!
//! Inputs are the view model's exact decimal strings (integers are taken
//! too). A float is refused: it could not carry an exact price.

use minijinja::value::Value;
use minijinja::{Environment, Error, ErrorKind};
use pricebook_core::format;
use pricebook_core::money::{Currency, parse_decimal};
use rust_decimal::Decimal;

/// What the filters need to know about a catalog.
#[derive(Clone, Debug)]
pub struct Formats {
    pub currency: &'static Currency,
    pub singular: String,
    pub plural: String,
    /// Unit prices are quoted per this many credits.
    pub price_per: Decimal,
}

impl Formats {
    /// The formats of one catalog: its currency, unit names and quoting unit.
    pub fn of(cat: &pricebook_lang::compile::Catalog) -> Self {
        Formats {
            currency: cat.currency,
            singular: cat.credits.unit.clone(),
            plural: cat.credits.plural.clone(),
            price_per: cat.credits.price_per.get(),
        }
    }
}

/// A filter's input as an exact decimal.
fn decimal(value: &Value, filter: &str) -> Result<Decimal, Error> {
    if value.is_undefined() {
        // Strict mode lets an undefined value reach a filter; name it as
        // what it is, so the diagnostic's hint lists the variables.
        return Err(Error::new(ErrorKind::UndefinedError, format!("`{filter}` was given an undefined value")));
    }
    if let Some(text) = value.as_str() {
        return parse_decimal(text)
            .map_err(|e| Error::new(ErrorKind::InvalidOperation, format!("`{filter}` expects a decimal string: {e}")));
    }
    if value.is_integer()
        && let Some(i) = value.as_i64()
    {
        return Ok(Decimal::from(i));
    }
    Err(Error::new(
        ErrorKind::InvalidOperation,
        format!("`{filter}` expects a decimal string such as \"20\" or \"0.04\", got {}", value.kind()),
    ))
}

/// Registers the filters on an environment for one catalog's formats.
pub fn register(env: &mut Environment<'_>, f: &Formats) {
    let currency = f.currency;
    env.add_filter("money", move |v: Value| -> Result<String, Error> {
        Ok(format::price(currency, decimal(&v, "money")?))
    });
    let (one, many) = (f.singular.clone(), f.plural.clone());
    env.add_filter("amount", move |v: Value| -> Result<String, Error> {
        Ok(format::quantity(decimal(&v, "amount")?, &one, &many))
    });
    env.add_filter("number", |v: Value| -> Result<String, Error> { Ok(format::group(decimal(&v, "number")?)) });
    let (one, many, per) = (f.singular.clone(), f.plural.clone(), f.price_per);
    env.add_filter("per_unit", move |v: Value| -> Result<String, Error> {
        Ok(format::unit_price(currency, decimal(&v, "per_unit")?, per, &one, &many))
    });
    env.add_filter("percent", |v: Value| -> Result<String, Error> { Ok(format::percent(decimal(&v, "percent")?)) });
    env.add_filter("md_link", super::md_link::md_link);
}
