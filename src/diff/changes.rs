//! The semantic change list: two sets of compiled catalogs compared field
//! by field, in words a reviewer reads ("Plus plan: monthly credits 2,000 →
//! 2,500 (+25%)"), not as a text diff.
//!
//! Catalogs are matched by id (the plan file's stem); within one, the walk
//! ([`super::walk`]) compares every path of the canonical JSON, items by
//! their ids (plans, packs, sources, entitlements, features and rates by
//! model, add-ons). Comments, formatting and key order never show up: only
//! what the compiler kept. Values are rendered with each side's own
//! catalog (its currency, its unit names); numbers keep their exact
//! decimals next to the text, and numeric changes carry a percentage.

use super::walk::Walk;
use pricebook_lang::compile::Catalog;
use pricebook_lang::rulebook::Topic;
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::BTreeMap;

/// Whether an item appeared, disappeared or a field of it changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// An item (plan, pack, rate, rule…) exists only on the new side.
    Added,
    /// An item exists only on the old side.
    Removed,
    /// A field of an item on both sides differs.
    Changed,
}

/// One difference between the two sides.
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    /// Catalog id (plan-file stem).
    pub catalog: String,
    /// Added, removed or changed.
    pub kind: ChangeKind,
    /// Stable address of what changed, by ids: `plans.plus.monthly_credits`.
    pub path: String,
    /// What a reviewer calls the item: "Plus plan", "Starter pack", "daily credits".
    pub subject: String,
    /// The field in words ("monthly credits"); empty for added/removed items.
    pub field: String,
    /// The old value in words (or, for a removed item, what it was).
    pub old: Option<String>,
    /// The new value in words (or, for an added item, what it is).
    pub new: Option<String>,
    /// Exact numbers behind `old`/`new`, when the field is a number.
    pub old_value: Option<Decimal>,
    /// See `old_value`.
    pub new_value: Option<Decimal>,
    /// `(new − old) / old`, in percent, rounded to 0.1.
    pub percent: Option<Decimal>,
    /// A consequence worth a second clause, e.g. the unit price of a pack.
    pub note: Option<String>,
    /// Rulebook ids the change touches: the project's rules whose
    /// `topics` hold this change's topic (filled in by [`super::review`]).
    pub rules: Vec<String>,
    /// What part of the catalog it is about (decides `rules`).
    pub topic: Topic,
}

impl Change {
    /// The change as one line: "Plus plan: monthly credits 2,000 → 2,500 (+25%)".
    pub fn text(&self) -> String {
        let mut s = format!("{}: ", self.subject);
        match self.kind {
            ChangeKind::Added => {
                s.push_str("added");
                if let Some(n) = &self.new {
                    s.push_str(&format!(" ({n})"));
                }
            }
            ChangeKind::Removed => {
                s.push_str("removed");
                if let Some(o) = &self.old {
                    s.push_str(&format!(" (was {o})"));
                }
            }
            ChangeKind::Changed => {
                let (o, n) = (self.old.as_deref().unwrap_or(""), self.new.as_deref().unwrap_or(""));
                s.push_str(&format!("{} {o} → {n}", self.field));
                if let Some(p) = self.percent {
                    s.push_str(&format!(" ({})", show_percent(p)));
                }
            }
        }
        if let Some(note) = &self.note {
            s.push_str("; ");
            s.push_str(note);
        }
        s
    }

    /// A number that went up.
    pub fn is_increase(&self) -> bool {
        matches!((self.old_value, self.new_value), (Some(o), Some(n)) if n > o)
    }
}

/// `+25%`, `-10%`, `+33.3%`.
pub fn show_percent(p: Decimal) -> String {
    if p.is_zero() {
        "±0%".into()
    } else if p.is_sign_positive() {
        format!("+{p}%")
    } else {
        format!("{p}%")
    }
}

/// `(new − old) / old × 100`, to one decimal; none from zero.
pub fn percent(old: Decimal, new: Decimal) -> Option<Decimal> {
    if old.is_zero() || old == new {
        return None;
    }
    let p = new.checked_sub(old)?.checked_div(old)?.checked_mul(Decimal::ONE_HUNDRED)?;
    let rounded = p.round_dp(1).normalize();
    // A tiny change must not read as "±0%": keep one significant digit.
    if rounded.is_zero() { p.round_sf(1).map(|d| d.normalize()) } else { Some(rounded) }
}

/// Compares two sets of catalogs: catalogs in id order, and within one
/// catalog in the order of its sections, items in the new side's order.
pub fn compare(old: &BTreeMap<String, Catalog>, new: &BTreeMap<String, Catalog>) -> Vec<Change> {
    let mut ids: Vec<&String> = old.keys().chain(new.keys()).collect();
    ids.sort();
    ids.dedup();
    let mut out = Vec::new();
    for id in ids {
        match (old.get(id), new.get(id)) {
            (Some(o), Some(n)) => {
                let mut walk = Walk { id, old: o, new: n, out: Vec::new() };
                walk.run();
                out.extend(walk.out);
            }
            (None, Some(n)) => out.push(whole(id, n, ChangeKind::Added)),
            (Some(o), None) => out.push(whole(id, o, ChangeKind::Removed)),
            (None, None) => {}
        }
    }
    out
}

/// A whole catalog added or removed.
fn whole(id: &str, cat: &Catalog, kind: ChangeKind) -> Change {
    let what = format!(
        "{}: {} plan{}, {} pack{}",
        cat.name,
        cat.plans.len(),
        if cat.plans.len() == 1 { "" } else { "s" },
        cat.packs.len(),
        if cat.packs.len() == 1 { "" } else { "s" }
    );
    let (old, new) = if kind == ChangeKind::Added { (None, Some(what)) } else { (Some(what), None) };
    Change {
        catalog: id.to_string(),
        kind,
        path: String::new(),
        subject: format!("plans/{id}.toml"),
        field: String::new(),
        old,
        new,
        old_value: None,
        new_value: None,
        percent: None,
        note: None,
        // A whole product arriving or leaving is not one rule's business.
        rules: Vec::new(),
        topic: Topic::Plan,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::dec;

    #[test]
    fn percentages() {
        assert_eq!(percent(dec!(2000), dec!(2500)), Some(dec!(25)));
        assert_eq!(percent(dec!(3), dec!(4)), Some(dec!(33.3)));
        assert_eq!(percent(dec!(20), dec!(18)), Some(dec!(-10)));
        assert_eq!(percent(dec!(0), dec!(5)), None);
        assert_eq!(percent(dec!(1000000), dec!(1000001)), Some(dec!(0.0001)));
        assert_eq!(show_percent(dec!(25)), "+25%");
        assert_eq!(show_percent(dec!(-10)), "-10%");
    }
}
