//! Words for catalog things: what a source's credits are called, lists of
//! plan names, amounts with the catalog's unit, money in its currency.
//!
//! Every sentence of the docs is built from these, so a plan named
//! differently, a unit called "token" or a price in euros reads right
//! everywhere at once.

use pricebook_core::catalog::PackOffer;
use pricebook_core::format;
use pricebook_lang::compile::Catalog;
use pricebook_lang::model::plan::SourceKind;
use rust_decimal::Decimal;

/// "A", "A and B", "A, B and C".
pub fn join_and(items: &[String]) -> String {
    join(items, "and")
}

/// "A", "A or B", "A, B or C".
pub fn join_or(items: &[String]) -> String {
    join(items, "or")
}

fn join(items: &[String], word: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} {word} {last}", init.join(", ")),
    }
}

/// First letter upper-case: sentences start with a source or plan name.
pub fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The catalog's unit and currency, for amounts in sentences.
#[derive(Clone, Copy, Debug)]
pub struct Words<'c> {
    /// The catalog whose unit and currency amounts are written in.
    pub cat: &'c Catalog,
}

impl<'c> Words<'c> {
    /// Words for one catalog.
    pub fn new(cat: &'c Catalog) -> Self {
        Words { cat }
    }

    /// `1,000 credits`, `1 request`.
    pub fn amount(&self, value: Decimal) -> String {
        format::quantity(value, &self.cat.credits.unit, &self.cat.credits.plural)
    }

    /// `€5`, `$0.04`.
    pub fn money(&self, value: Decimal) -> String {
        format::price(self.cat.currency, value)
    }

    /// The plural unit: `credits`, `tokens`, `requests`.
    pub fn plural(&self) -> &'c str {
        &self.cat.credits.plural
    }

    /// The singular unit: `credit`, `token`, `request`.
    pub fn singular(&self) -> &'c str {
        &self.cat.credits.unit
    }

    /// A price per credit quoted per `price_per` credits:
    /// `$0.04 per request`, `about €3.57 per 1,000,000 tokens`.
    pub fn unit_price(&self, per_credit: Decimal) -> String {
        let c = &self.cat.credits;
        format::unit_price(self.cat.currency, per_credit, c.price_per.get(), &c.unit, &c.plural)
    }

    /// What the credits of a source are called: "monthly credits",
    /// "daily credits", "top-up credits".
    pub fn source(&self, ix: usize) -> String {
        self.source_named(ix, self.plural())
    }

    /// An amount of a source's credits: "500 monthly credits", "1 top-up credit".
    pub fn source_amount(&self, ix: usize, value: Decimal) -> String {
        let unit = if value.normalize() == Decimal::ONE { self.singular() } else { self.plural() };
        format!("{} {}", format::group(value), self.source_named(ix, unit))
    }

    fn source_named(&self, ix: usize, plural: &str) -> String {
        let Some(src) = self.cat.sources.get(ix) else {
            return plural.to_string();
        };
        match src.kind {
            SourceKind::Allowance => {
                // Per-plan policies name the plans; a lone allowance source needs no qualifier.
                let several = self.cat.sources.iter().filter(|s| s.kind == SourceKind::Allowance).count() > 1;
                let served: Vec<String> = (0..self.cat.plans.len())
                    .filter(|p| self.cat.allowance_source_for(*p) == Some(ix))
                    .map(|p| self.cat.plans[p].name.clone())
                    .collect();
                if several && !served.is_empty() {
                    format!("monthly {plural} on {}", join_and(&served))
                } else {
                    format!("monthly {plural}")
                }
            }
            SourceKind::DailyActivity => format!("daily {plural}"),
            SourceKind::Signup => format!("sign-up bonus {plural}"),
            SourceKind::Referral => format!("invitation bonus {plural}"),
            SourceKind::Adjustment => format!("{plural} from support adjustments"),
            SourceKind::Purchase => {
                // Custom-amount packs are top-ups ("1 USD = 100 credits");
                // fixed packs are bought. The seeds use these two words.
                let packs: Vec<_> = self.cat.packs.iter().filter(|p| p.source.ix == ix).collect();
                let all_custom = !packs.is_empty() && packs.iter().all(|p| matches!(p.offer, PackOffer::Custom { .. }));
                if all_custom { format!("top-up {plural}") } else { format!("purchased {plural}") }
            }
        }
    }

    /// Plan names: "Plus and Pro".
    pub fn plans(&self, ixs: &[usize]) -> String {
        let names: Vec<String> = ixs.iter().filter_map(|&i| self.cat.plans.get(i)).map(|p| p.name.clone()).collect();
        join_and(&names)
    }

    /// "the Free plan" / "the Plus and Pro plans".
    pub fn plans_phrase(&self, ixs: &[usize]) -> String {
        let s = if ixs.len() == 1 { "" } else { "s" };
        format!("the {} plan{s}", self.plans(ixs))
    }

    /// "(UTC)" / "(Europe/Paris time)": whose day or month a rule counts.
    pub fn zone(&self) -> String {
        let name = self.cat.time_zone.name();
        if name == "UTC" { "UTC".to_string() } else { format!("{name} time") }
    }
}

/// A count of a named thing: "1 chatbot", "5 chatbots". Entitlement names
/// are written in the plural in plan files; the singular drops a final "s".
pub fn count_of(n: u64, plural_name: &str) -> String {
    if n == 1 {
        let singular = plural_name.strip_suffix('s').unwrap_or(plural_name);
        format!("1 {singular}")
    } else {
        format!("{} {plural_name}", format::group(Decimal::from(n)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_read_as_english() {
        let v = |xs: &[&str]| xs.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(join_and(&v(&[])), "");
        assert_eq!(join_and(&v(&["Pro"])), "Pro");
        assert_eq!(join_and(&v(&["Plus", "Pro"])), "Plus and Pro");
        assert_eq!(join_or(&v(&["a", "b", "c"])), "a, b or c");
        assert_eq!(capitalize("monthly credits"), "Monthly credits");
        assert_eq!(count_of(1, "chatbots"), "1 chatbot");
        assert_eq!(count_of(5, "chatbots"), "5 chatbots");
    }
}
