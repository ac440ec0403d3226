//! Small checks shared by every section: amounts, money, ids, references.

use crate::diag::{Code, Diagnostic, Diagnostics, FileId};
use crate::model::{DecimalLit, MoneyLit, Sp};
use crate::suggest;
use pricebook_core::money::{Credits, Currency, Money};
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::ops::Range;

/// The largest amount a plan or scenario may state (10^15). Decimals hold
/// 28 digits; this bound leaves room for sums and products over millions of
/// events without overflow.
pub(crate) const MAX_AMOUNT: Decimal = Decimal::from_parts(2_764_472_320, 232_830, 0, false, 0);

/// Which amounts are meaningful.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sign {
    /// Above zero.
    Positive,
    /// Zero or above.
    NonNegative,
    /// Anything (adjustments).
    Any,
}

/// The diagnostics sink of one file plus what amounts are checked against.
pub(crate) struct Checker<'a> {
    pub(crate) file: FileId,
    pub(crate) diags: &'a mut Diagnostics,
    pub(crate) currency: Option<&'static Currency>,
    pub(crate) credit_scale: u32,
    pub(crate) credit_unit: String,
    errors: usize,
}

impl<'a> Checker<'a> {
    pub(crate) fn new(file: FileId, diags: &'a mut Diagnostics) -> Self {
        Checker { file, diags, currency: None, credit_scale: 0, credit_unit: "credits".into(), errors: 0 }
    }

    pub(crate) fn error(&mut self, code: Code, span: Range<usize>, message: impl Into<String>) -> &mut Diagnostic {
        if code.severity() == crate::diag::Severity::Error {
            self.errors += 1;
        }
        self.diags.report(code, self.file, span, message)
    }

    pub(crate) fn has_errors(&self) -> bool {
        self.errors > 0
    }

    pub(crate) fn sign(&mut self, value: Decimal, sign: Sign, span: &Range<usize>, what: &str) -> bool {
        match sign {
            Sign::Positive if value <= Decimal::ZERO => {
                self.error(
                    Code::NonPositiveAmount,
                    span.clone(),
                    format!("{what} must be above zero, not {}", value.normalize()),
                )
                .with_help(format!("give {what} a value above zero"));
                false
            }
            Sign::NonNegative if value < Decimal::ZERO => {
                self.error(
                    Code::NegativeAmount,
                    span.clone(),
                    format!("{what} cannot be negative ({})", value.normalize()),
                )
                .with_help("use zero or a positive value");
                false
            }
            _ if value.abs() > MAX_AMOUNT => {
                self.error(
                    Code::InvalidRange,
                    span.clone(),
                    format!("{what} ({}) is larger than pricebook accepts", value.normalize()),
                )
                .with_help(
                    "amounts are limited to 1,000,000,000,000,000 so that sums over millions of events stay exact",
                );
                false
            }
            _ => true,
        }
    }

    /// A credit amount within the catalog's scale.
    pub(crate) fn credits(&mut self, lit: &Sp<DecimalLit>, what: &str, sign: Sign) -> Credits {
        let value = lit.value.0;
        self.sign(value, sign, &lit.span, what);
        if value.normalize().scale() > self.credit_scale {
            let scale = self.credit_scale;
            let unit = self.credit_unit.clone();
            let (message, help) = if scale == 0 {
                (
                    format!("{what} is not a whole number, and {unit} are kept whole (scale 0)"),
                    format!("round it to a whole number of {unit}, or raise `credits.scale`"),
                )
            } else {
                (
                    format!("{what} has more decimal places than {unit} are kept to ({scale})"),
                    format!("round it to {scale} decimal places, or raise `credits.scale`"),
                )
            };
            self.error(Code::TooPrecise, lit.span.clone(), message).with_help(help);
        }
        Credits::new(value)
    }

    /// Money as the plan file writes it ("$5", "€12.50"), so a message
    /// quotes amounts the way the user typed them.
    pub(crate) fn show_money(&self, m: Money) -> String {
        show_money(self.currency, m)
    }

    /// Money in the catalog's currency, within its minor units.
    pub(crate) fn money(&mut self, lit: &Sp<MoneyLit>, what: &str, sign: Sign) -> Money {
        let value = self.money_in_currency(lit, what, sign);
        if let Some(c) = self.currency
            && value.get().normalize().scale() > c.minor_units
        {
            self.error(
                Code::TooPrecise,
                lit.span.clone(),
                format!("{what} has more decimal places than {} has ({})", c.code, c.minor_units),
            )
            .with_help(format!("round it to {} decimal places", c.minor_units));
        }
        value
    }

    /// A price per credit: positive, and may be finer than the currency's
    /// coins (€0.000005 per token).
    pub(crate) fn unit_price(&mut self, lit: &Sp<MoneyLit>, what: &str) -> Money {
        self.money_in_currency(lit, what, Sign::Positive)
    }

    /// Money that may be finer than the currency's coins (a provider's cost per token).
    pub fn fine_money(&mut self, lit: &Sp<MoneyLit>, what: &str, sign: Sign) -> Money {
        self.money_in_currency(lit, what, sign)
    }

    fn money_in_currency(&mut self, lit: &Sp<MoneyLit>, what: &str, sign: Sign) -> Money {
        let value = lit.value.amount;
        self.sign(value, sign, &lit.span, what);
        if let (Some(written), Some(catalog)) = (lit.value.currency, self.currency)
            && written != catalog
        {
            self.error(
                Code::CurrencyMismatch,
                lit.span.clone(),
                format!("{what} is in {} but the catalog's currency is {}", written.code, catalog.code),
            )
            .with_help(format!("write it in {} or change `catalog.currency`", catalog.code));
        }
        Money::new(value)
    }

    /// Ids of a list of items: reports malformed and duplicate ids. Returns
    /// them in order (duplicates included, so indices line up).
    pub(crate) fn ids<'t>(&mut self, ids: impl Iterator<Item = &'t Sp<String>>, what: &str) -> Vec<String> {
        let mut seen: BTreeMap<&str, Range<usize>> = BTreeMap::new();
        let mut out = Vec::new();
        for id in ids {
            self.id_format(id, what);
            if let Some(first) = seen.get(id.value.as_str()) {
                let first = first.clone();
                self.error(Code::DuplicateId, id.span.clone(), format!("{what} id `{}` is used twice", id.value))
                    .with_label("second use")
                    .with_related(first, "first use")
                    .with_help(format!("ids must be unique among {what}s; rename one"));
            } else {
                seen.insert(id.value.as_str(), id.span.clone());
            }
            out.push(id.value.clone());
        }
        out
    }

    pub(crate) fn id_format(&mut self, id: &Sp<String>, what: &str) {
        let ok = !id.value.is_empty()
            && id.value.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
            && id.value.chars().next().is_some_and(|c| c.is_ascii_lowercase());
        if !ok {
            self.error(Code::InvalidValue, id.span.clone(), format!("`{}` is not a valid {what} id", id.value))
                .with_help("ids start with a lowercase letter and use only a-z, 0-9, `_` and `-`");
        }
    }

    /// Resolves a reference against known ids, with "did you mean".
    pub(crate) fn resolve(&mut self, name: &Sp<String>, ids: &[String], what: &str) -> Option<usize> {
        match ids.iter().position(|i| *i == name.value) {
            Some(ix) => Some(ix),
            None => {
                let help = suggest::help_for(&name.value, &format!("{what}s"), ids.iter().map(String::as_str));
                self.error(Code::UnknownReference, name.span.clone(), format!("there is no {what} `{}`", name.value))
                    .with_help(help);
                None
            }
        }
    }
}

/// Money with its currency's symbol, or bare when the currency is unknown.
pub(crate) fn show_money(currency: Option<&Currency>, m: Money) -> String {
    match currency {
        Some(c) => format!("{}{m}", c.symbol),
        None => m.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_amount_bound_is_ten_to_the_fifteenth() {
        assert_eq!(super::MAX_AMOUNT, rust_decimal::Decimal::from(1_000_000_000_000_000_i64));
    }
}
