//! The semantic change list: two sets of compiled catalogs compared field
//! by field, in words a reviewer reads ("Plus plan: monthly credits 2,000 →
//! 2,500 (+25%)"), not as a text diff.
//!
//! Catalogs are matched by id (the plan file's stem); items inside them by
//! their ids (plans, packs, sources, entitlements, features and rates by
//! model, add-ons). Comments, formatting and key order never show up: only
//! what the compiler kept. Values are rendered with each side's own
//! catalog (its currency, its unit names); numbers keep their exact
//! decimals next to the text, and numeric changes carry a percentage.

use super::words::*;
use pricebook_core::catalog::{Allowance, Limit, PackOffer, Plan, PlanRef, Rate, RechargeRule, RolloverRule};
use pricebook_core::format;
use pricebook_core::money::{Credits, Money};
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
                let mut cx = Cx { id, old: o, new: n, out: Vec::new() };
                cx.catalog();
                if cx.out.is_empty() {
                    cx.backstop();
                }
                out.extend(cx.out);
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

/// Compares one catalog present on both sides.
struct Cx<'a> {
    id: &'a str,
    old: &'a Catalog,
    new: &'a Catalog,
    out: Vec<Change>,
}

impl<'a> Cx<'a> {
    fn base(&self, topic: Topic, kind: ChangeKind, path: String, subject: &str, field: &str) -> Change {
        Change {
            catalog: self.id.to_string(),
            kind,
            path,
            subject: subject.to_string(),
            field: field.to_string(),
            old: None,
            new: None,
            old_value: None,
            new_value: None,
            percent: None,
            note: None,
            rules: Vec::new(),
            topic,
        }
    }

    fn added(&mut self, topic: Topic, path: String, subject: &str, what: String) {
        let mut c = self.base(topic, ChangeKind::Added, path, subject, "");
        c.new = Some(what);
        self.out.push(c);
    }

    fn removed(&mut self, topic: Topic, path: String, subject: &str, what: String) {
        let mut c = self.base(topic, ChangeKind::Removed, path, subject, "");
        c.old = Some(what);
        self.out.push(c);
    }

    /// A field compared by value and shown in words.
    fn field<T: PartialEq>(
        &mut self,
        topic: Topic,
        path: String,
        subject: &str,
        field: &str,
        (o, n): (&T, &T),
        show: impl Fn(&T) -> String,
    ) -> Option<&mut Change> {
        if o == n {
            return None;
        }
        let mut c = self.base(topic, ChangeKind::Changed, path, subject, field);
        c.old = Some(show(o));
        c.new = Some(show(n));
        self.out.push(c);
        self.out.last_mut()
    }

    /// A number: shown in words, kept exact, with a percentage.
    #[allow(clippy::too_many_arguments)]
    fn number(
        &mut self,
        topic: Topic,
        path: String,
        subject: &str,
        field: &str,
        (o, n): (Option<Decimal>, Option<Decimal>),
        old_text: String,
        new_text: String,
    ) -> Option<&mut Change> {
        // Equal numbers are equal however they print (a custom pack's unit
        // price prints its quote unit on one side only); without numbers
        // (unlimited, none) the words decide.
        let same = match (o, n) {
            (Some(a), Some(b)) => a == b,
            _ => o == n && old_text == new_text,
        };
        if same {
            return None;
        }
        let mut c = self.base(topic, ChangeKind::Changed, path, subject, field);
        c.old = Some(old_text);
        c.new = Some(new_text);
        c.old_value = o;
        c.new_value = n;
        c.percent = match (o, n) {
            (Some(o), Some(n)) => percent(o, n),
            _ => None,
        };
        self.out.push(c);
        self.out.last_mut()
    }

    /// The order of a list of items with the same ids on both sides (the
    /// pricing page's order; sources' order also breaks ties in spending).
    /// Additions and removals are reported per item instead.
    fn order<'i>(&mut self, what: &str, o: impl Iterator<Item = &'i str>, n: impl Iterator<Item = &'i str>) {
        let (o, n): (Vec<&str>, Vec<&str>) = (o.collect(), n.collect());
        let same_set = o.len() == n.len() && o.iter().all(|id| n.contains(id));
        if same_set {
            let topic = if what == "sources" { Topic::ConsumptionOrder } else { Topic::Wording };
            self.field(topic, what.into(), what, "order", (&o, &n), |v| v.join(", "));
        }
    }

    /// Which plans something applies to, by id; `None` is every plan.
    fn plans_field(
        &mut self,
        topic: Topic,
        path: String,
        subject: &str,
        field: &str,
        (o, n): (&Option<Vec<PlanRef>>, &Option<Vec<PlanRef>>),
    ) {
        if ref_ids(o) != ref_ids(n) {
            let mut c = self.base(topic, ChangeKind::Changed, path, subject, field);
            c.old = Some(refs(o));
            c.new = Some(refs(n));
            self.out.push(c);
        }
    }

    fn credits_field(
        &mut self,
        topic: Topic,
        path: String,
        subject: &str,
        field: &str,
        (o, n): (Option<Credits>, Option<Credits>),
        none: &str,
    ) -> Option<&mut Change> {
        let show = |c: Option<Credits>| c.map_or_else(|| none.to_string(), format::credits);
        self.number(topic, path, subject, field, (o.map(Credits::get), n.map(Credits::get)), show(o), show(n))
    }

    fn money_field(
        &mut self,
        topic: Topic,
        path: String,
        subject: &str,
        field: &str,
        (o, n): (Option<Money>, Option<Money>),
        none: &str,
    ) -> Option<&mut Change> {
        let (oc, nc) = (self.old, self.new);
        let old_text = o.map_or_else(|| none.to_string(), |m| format::money(oc, m));
        let new_text = n.map_or_else(|| none.to_string(), |m| format::money(nc, m));
        self.number(topic, path, subject, field, (o.map(Money::get), n.map(Money::get)), old_text, new_text)
    }

    /// A safety net: when no field above differs but the canonical
    /// catalogs (what `pricebook build` hands to billing) do, report the
    /// first differing place by its JSON path rather than say "no change".
    /// A field added to the catalog and not yet itemised here then still
    /// fails CI (exit 1) instead of passing unseen.
    fn backstop(&mut self) {
        let (Ok(o), Ok(n)) = (serde_json::to_value(self.old), serde_json::to_value(self.new)) else {
            return;
        };
        if let Some((path, ov, nv)) = first_difference(&o, &n, String::new()) {
            let mut c = self.base(Topic::Wording, ChangeKind::Changed, path.clone(), "catalog", &path);
            c.old = Some(ov);
            c.new = Some(nv);
            self.out.push(c);
        }
    }

    fn catalog(&mut self) {
        let (o, n) = (self.old, self.new);
        self.field(Topic::Wording, "catalog.name".into(), "catalog", "name", (&o.name, &n.name), Clone::clone);
        self.field(Topic::Wording, "catalog.summary".into(), "catalog", "summary", (&o.summary, &n.summary), |s| {
            s.clone().unwrap_or_else(|| "none".into())
        });
        self.field(Topic::Numbers, "catalog.currency".into(), "catalog", "currency", (&o.currency, &n.currency), |c| {
            c.code.to_string()
        });
        self.field(
            Topic::Numbers,
            "catalog.money_rounding".into(),
            "catalog",
            "money rounding",
            (&o.money_rounding, &n.money_rounding),
            word,
        );
        self.field(
            Topic::Calendar,
            "catalog.time_zone".into(),
            "catalog",
            "time zone",
            (&o.time_zone, &n.time_zone),
            |t| t.name().to_string(),
        );
        self.field(
            Topic::DefaultPlan,
            "catalog.default_plan".into(),
            "catalog",
            "default plan",
            (&o.default_plan.id, &n.default_plan.id),
            Clone::clone,
        );
        self.credits();
        self.sources();
        self.plans();
        self.packs();
        self.entitlements();
        self.features();
        self.addons();
        self.auto_recharge();
        self.refunds();
        self.plan_changes();
        self.field(
            Topic::Warnings,
            "notifications.low_balance".into(),
            "low-balance warnings",
            "thresholds",
            (&o.low_balance_warnings, &n.low_balance_warnings),
            |v| if v.is_empty() { "none".into() } else { v.iter().map(|d| share(*d)).collect::<Vec<_>>().join(", ") },
        );
    }

    fn credits(&mut self) {
        let (o, n) = (&self.old.credits, &self.new.credits);
        let s = "credits";
        self.field(Topic::Wording, "credits.unit".into(), s, "unit", (&o.unit, &n.unit), Clone::clone);
        self.field(Topic::Wording, "credits.plural".into(), s, "plural", (&o.plural, &n.plural), Clone::clone);
        self.field(Topic::Numbers, "credits.scale".into(), s, "decimal places", (&o.scale, &n.scale), u32::to_string);
        self.field(Topic::Numbers, "credits.rounding".into(), s, "rounding", (&o.rounding, &n.rounding), word);
        self.credits_field(
            Topic::Wording,
            "credits.price_per".into(),
            s,
            "prices quoted per",
            (Some(o.price_per), Some(n.price_per)),
            "",
        );
        self.field(
            Topic::ConsumptionOrder,
            "credits.consumption_order".into(),
            s,
            "consumption order",
            (&o.consumption_order, &n.consumption_order),
            |v| v.iter().map(word).collect::<Vec<_>>().join(", "),
        );
        self.field(
            Topic::Exhaustion,
            "credits.on_exhaustion".into(),
            s,
            "when the balance runs out",
            (&o.on_exhaustion, &n.on_exhaustion),
            exhaustion,
        );
        self.field(
            Topic::Transfer,
            "credits.transferable".into(),
            s,
            "transferable",
            (&o.transferable, &n.transferable),
            yes_no,
        );
        self.field(
            Topic::FailedOperations,
            "credits.refund_failed_operations".into(),
            s,
            "failed operations given back",
            (&o.refund_failed_operations, &n.refund_failed_operations),
            yes_no,
        );
    }

    fn sources(&mut self) {
        let (oc, nc) = (self.old, self.new);
        self.order("sources", oc.sources.iter().map(|x| x.id.as_str()), nc.sources.iter().map(|x| x.id.as_str()));
        for ns in &nc.sources {
            let subject = format!("{} {}", ns.label, nc.credits.plural);
            let Some(os) = oc.sources.iter().find(|s| s.id == ns.id) else {
                self.added(Topic::Source(ns.kind), format!("sources.{}", ns.id), &subject, source_words(nc, ns));
                continue;
            };
            let t = Topic::Source(ns.kind);
            let p = |f: &str| format!("sources.{}.{f}", ns.id);
            self.field(t, p("kind"), &subject, "kind", (&os.kind, &ns.kind), word);
            self.field(Topic::Wording, p("label"), &subject, "history label", (&os.label, &ns.label), Clone::clone);
            self.field(t, p("funding"), &subject, "funding", (&os.funding, &ns.funding), word);
            self.field(
                Topic::ConsumptionOrder,
                p("priority"),
                &subject,
                "spending priority",
                (&os.priority, &ns.priority),
                |p| p.to_string(),
            );
            self.credits_field(t, p("amount"), &subject, "amount per grant", (os.amount, ns.amount), "none");
            self.field(t, p("referral_to"), &subject, "referral bonus to", (&os.referral_to, &ns.referral_to), |r| {
                r.as_ref().map_or_else(|| "none".into(), word)
            });
            self.field(t, p("expires"), &subject, "expiry", (&os.expires, &ns.expires), expiry);
            self.rollover(t, &ns.id, &subject, os.rollover.as_ref(), ns.rollover.as_ref());
            self.plans_field(t, p("plans"), &subject, "granted to", (&os.plans, &ns.plans));
        }
        for os in &oc.sources {
            if !nc.sources.iter().any(|s| s.id == os.id) {
                let subject = format!("{} {}", os.label, oc.credits.plural);
                self.removed(Topic::Source(os.kind), format!("sources.{}", os.id), &subject, source_words(oc, os));
            }
        }
    }

    fn rollover(&mut self, t: Topic, id: &str, subject: &str, o: Option<&RolloverRule>, n: Option<&RolloverRule>) {
        let p = |f: &str| format!("sources.{id}.rollover.{f}");
        let cycles = (o.map_or(0, |r| r.cycles), n.map_or(0, |r| r.cycles));
        self.field(t, p("cycles"), subject, "rollover", (&cycles.0, &cycles.1), |c| months(*c));
        let get = |r: Option<&RolloverRule>, f: fn(&RolloverRule) -> Option<Credits>| r.and_then(f);
        self.credits_field(
            t,
            p("max_amount"),
            subject,
            "rollover cap",
            (get(o, |r| r.max_amount), get(n, |r| r.max_amount)),
            "none",
        );
        self.credits_field(
            t,
            p("min_kept"),
            subject,
            "rollover minimum",
            (get(o, |r| r.min_kept), get(n, |r| r.min_kept)),
            "none",
        );
        let (os, ns) = (o.and_then(|r| r.max_share), n.and_then(|r| r.max_share));
        let show = |s: Option<Decimal>| s.map_or_else(|| "none".into(), share);
        self.number(t, p("max_share"), subject, "rollover share cap", (os, ns), show(os), show(ns));
    }

    fn plans(&mut self) {
        let (oc, nc) = (self.old, self.new);
        self.order("plans", oc.plans.iter().map(|p| p.id.as_str()), nc.plans.iter().map(|p| p.id.as_str()));
        for np in &nc.plans {
            let subject = format!("{} plan", np.name);
            let Some(op) = oc.plans.iter().find(|p| p.id == np.id) else {
                self.added(Topic::Plan, format!("plans.{}", np.id), &subject, plan_words(nc, np));
                continue;
            };
            let p = |f: &str| format!("plans.{}.{f}", np.id);
            self.field(Topic::Wording, p("name"), &subject, "name", (&op.name, &np.name), Clone::clone);
            self.field(Topic::Wording, p("tagline"), &subject, "tagline", (&op.tagline, &np.tagline), |t| {
                t.clone().unwrap_or_else(|| "none".into())
            });
            let (om, nm) = (op.monthly_price, np.monthly_price);
            self.number(
                Topic::PlanPrice,
                p("monthly_price"),
                &subject,
                "monthly price",
                (om.map(Money::get), nm.map(Money::get)),
                price_words(oc, om),
                price_words(nc, nm),
            );
            self.money_field(
                Topic::YearlyPrice,
                p("yearly_price"),
                &subject,
                "yearly price",
                (op.yearly_price, np.yearly_price),
                "none",
            );
            let value = |a: &Allowance| match a {
                Allowance::Monthly(c) => Some(c.get()),
                Allowance::None => Some(Decimal::ZERO),
                Allowance::Unlimited => None,
            };
            self.number(
                Topic::MonthlyCredits,
                p("monthly_credits"),
                &subject,
                &format!("monthly {}", nc.credits.plural),
                (value(&op.monthly_credits), value(&np.monthly_credits)),
                allowance(&op.monthly_credits),
                allowance(&np.monthly_credits),
            );
            self.field(
                Topic::CycleAnchor,
                p("cycle_anchor"),
                &subject,
                "cycle anchor",
                (&op.cycle_anchor, &np.cycle_anchor),
                word,
            );
            self.field(Topic::Trial, p("trial"), &subject, "free trial", (&op.trial, &np.trial), |t| period(t, "none"));
            self.limits(op, np, &subject);
            self.field(
                Topic::Wording,
                p("highlights"),
                &subject,
                "highlights",
                (&op.highlights, &np.highlights),
                |h| {
                    if h.is_empty() { "none".into() } else { h.join("; ") }
                },
            );
        }
        for op in &oc.plans {
            if !nc.plans.iter().any(|p| p.id == op.id) {
                self.removed(Topic::Plan, format!("plans.{}", op.id), &format!("{} plan", op.name), plan_words(oc, op));
            }
        }
    }

    /// Limits and flags of one plan, by entitlement id.
    fn limits(&mut self, op: &Plan, np: &Plan, subject: &str) {
        let (oc, nc) = (self.old, self.new);
        let mut ids: Vec<&str> = nc.entitlements.iter().map(|e| e.id.as_str()).collect();
        for e in &oc.entitlements {
            if !ids.contains(&e.id.as_str()) {
                ids.push(&e.id);
            }
        }
        for id in ids {
            let name = nc.entitlements.iter().chain(&oc.entitlements).find(|e| e.id == id).map_or(id, |e| &e.name);
            let limit = |c: &Catalog, p: &Plan| c.entitlement_ix(id).and_then(|ix| p.limit(ix));
            let flag = |c: &Catalog, p: &Plan| c.entitlement_ix(id).is_some_and(|ix| p.has_flag(ix));
            let (ol, nl) = (limit(oc, op), limit(nc, np));
            let show = |l: Option<Limit>| match l {
                None => "none".to_string(),
                Some(Limit::Count(n)) => format::group(Decimal::from(n)),
                Some(Limit::Unlimited) => "unlimited".into(),
            };
            let value = |l: Option<Limit>| match l {
                None => Some(Decimal::ZERO),
                Some(Limit::Count(n)) => Some(Decimal::from(n)),
                Some(Limit::Unlimited) => None,
            };
            if ol != nl {
                self.number(
                    Topic::Limits,
                    format!("plans.{}.limits.{id}", np.id),
                    subject,
                    &format!("{name} limit"),
                    (value(ol), value(nl)),
                    show(ol),
                    show(nl),
                );
            }
            let on_off = |b: &bool| if *b { "on".to_string() } else { "off".to_string() };
            self.field(
                Topic::Limits,
                format!("plans.{}.flags.{id}", np.id),
                subject,
                name,
                (&flag(oc, op), &flag(nc, np)),
                on_off,
            );
        }
    }

    fn packs(&mut self) {
        let (oc, nc) = (self.old, self.new);
        self.order("packs", oc.packs.iter().map(|x| x.id.as_str()), nc.packs.iter().map(|x| x.id.as_str()));
        for np in &nc.packs {
            let subject = pack_subject(np);
            let Some(op) = oc.packs.iter().find(|p| p.id == np.id) else {
                self.added(Topic::Pack, format!("packs.{}", np.id), &subject, offer_words(nc, &np.offer));
                continue;
            };
            let p = |f: &str| format!("packs.{}.{f}", np.id);
            self.field(Topic::Wording, p("name"), &subject, "name", (&op.name, &np.name), Clone::clone);
            self.field(Topic::Wording, p("tagline"), &subject, "tagline", (&op.tagline, &np.tagline), |t| {
                t.clone().unwrap_or_else(|| "none".into())
            });
            self.offer(&subject, &np.id, &op.offer, &np.offer);
            self.plans_field(Topic::PackPlans, p("plans"), &subject, "available to", (&op.plans, &np.plans));
            self.field(
                Topic::Pack,
                p("source"),
                &subject,
                "credits go to",
                (&op.source.id, &np.source.id),
                Clone::clone,
            );
        }
        for op in &oc.packs {
            if !nc.packs.iter().any(|p| p.id == op.id) {
                self.removed(Topic::Pack, format!("packs.{}", op.id), &pack_subject(op), offer_words(oc, &op.offer));
            }
        }
    }

    fn offer(&mut self, subject: &str, id: &str, o: &PackOffer, n: &PackOffer) {
        let (oc, nc) = (self.old, self.new);
        let p = |f: &str| format!("packs.{id}.{f}");
        // The unit price is what customers compare; its percentage is shown
        // only when it differs from the line's own (both size and price moved).
        let unit_note = |oc: &Catalog, nc: &Catalog, line_percent: Option<Decimal>| match (unit_price(o), unit_price(n))
        {
            (Some(ou), Some(nu)) if ou != nu => {
                let pct = percent(ou, nu)
                    .filter(|p| Some(*p) != line_percent)
                    .map(|p| format!(" ({})", show_percent(p)))
                    .unwrap_or_default();
                Some(format!("unit price {}{pct}", unit_change(oc, ou, nc, nu)))
            }
            _ => None,
        };
        match (*o, *n) {
            (PackOffer::Fixed { credits: occ, price: op }, PackOffer::Fixed { credits: ncc, price: np }) => {
                let plural = nc.credits.plural.clone();
                let price_changed = op != np;
                if let Some(c) =
                    self.credits_field(Topic::Pack, p("credits"), subject, &plural, (Some(occ), Some(ncc)), "")
                    && !price_changed
                {
                    c.note = unit_note(oc, nc, None);
                }
                if let Some(c) = self.money_field(Topic::Pack, p("price"), subject, "price", (Some(op), Some(np)), "") {
                    c.note = unit_note(oc, nc, if occ == ncc { c.percent } else { None });
                }
            }
            (
                PackOffer::Custom { unit_price: ou, min_credits: omin, max_credits: omax },
                PackOffer::Custom { unit_price: nu, min_credits: nmin, max_credits: nmax },
            ) => {
                self.number(
                    Topic::Pack,
                    p("unit_price"),
                    subject,
                    "unit price",
                    (Some(ou.get()), Some(nu.get())),
                    if per_label(oc) == per_label(nc) { quote_money(oc, ou.get()) } else { quote(oc, ou.get()) },
                    quote(nc, nu.get()),
                );
                self.credits_field(Topic::Pack, p("min_credits"), subject, "minimum amount", (omin, nmin), "none");
                self.credits_field(Topic::Pack, p("max_credits"), subject, "maximum amount", (omax, nmax), "none");
            }
            _ => {
                let mut c = self.base(Topic::Pack, ChangeKind::Changed, p("offer"), subject, "offer");
                c.old = Some(offer_words(oc, o));
                c.new = Some(offer_words(nc, n));
                c.old_value = unit_price(o);
                c.new_value = unit_price(n);
                self.out.push(c);
            }
        }
    }

    fn entitlements(&mut self) {
        let (oc, nc) = (self.old, self.new);
        self.order(
            "entitlements",
            oc.entitlements.iter().map(|x| x.id.as_str()),
            nc.entitlements.iter().map(|x| x.id.as_str()),
        );
        for ne in &nc.entitlements {
            let subject = format!("{} entitlement", ne.name);
            let Some(oe) = oc.entitlements.iter().find(|e| e.id == ne.id) else {
                self.added(Topic::Limits, format!("entitlements.{}", ne.id), &subject, word(&ne.kind));
                continue;
            };
            let p = |f: &str| format!("entitlements.{}.{f}", ne.id);
            self.field(Topic::Wording, p("name"), &subject, "name", (&oe.name, &ne.name), Clone::clone);
            self.field(Topic::Limits, p("kind"), &subject, "kind", (&oe.kind, &ne.kind), word);
        }
        for oe in &oc.entitlements {
            if !nc.entitlements.iter().any(|e| e.id == oe.id) {
                let subject = format!("{} entitlement", oe.name);
                self.removed(Topic::Limits, format!("entitlements.{}", oe.id), &subject, word(&oe.kind));
            }
        }
    }

    fn features(&mut self) {
        let (oc, nc) = (self.old, self.new);
        self.order("features", oc.features.iter().map(|x| x.id.as_str()), nc.features.iter().map(|x| x.id.as_str()));
        let rate_words = |c: &Catalog, r: &Rate| {
            rate_parts(r)
                .iter()
                .filter_map(|(_, what, v)| v.map(|v| format!("{} {} {what}", format::credits(v), c.credits.plural)))
                .collect::<Vec<_>>()
                .join(" + ")
        };
        for nf in &nc.features {
            let Some(of) = oc.features.iter().find(|f| f.id == nf.id) else {
                let rates = nf.rates.iter().map(|r| format!("{}: {}", r.model, rate_words(nc, r))).collect::<Vec<_>>();
                self.added(Topic::Rate, format!("features.{}", nf.id), &nf.name, rates.join("; "));
                continue;
            };
            let p = |f: &str| format!("features.{}.{f}", nf.id);
            self.field(Topic::Wording, p("name"), &nf.name, "name", (&of.name, &nf.name), Clone::clone);
            let req = |r: &Option<pricebook_core::catalog::EntitlementRef>| r.as_ref().map(|r| r.id.clone());
            self.field(
                Topic::Limits,
                p("requires"),
                &nf.name,
                "requires",
                (&req(&of.requires), &req(&nf.requires)),
                |r| r.clone().unwrap_or_else(|| "nothing".into()),
            );
            self.field(Topic::Numbers, p("rounding"), &nf.name, "rounding", (&of.rounding, &nf.rounding), word);
            for nr in &nf.rates {
                let subject = rate_subject(&nf.name, &nr.model);
                let Some(or) = of.rates.iter().find(|r| r.model == nr.model) else {
                    self.added(Topic::Rate, p(&format!("rates.{}", nr.model)), &subject, rate_words(nc, nr));
                    continue;
                };
                for ((key, what, ov), (_, _, nv)) in rate_parts(or).into_iter().zip(rate_parts(nr)) {
                    let field = format!("{} {what}", nc.credits.plural);
                    self.credits_field(
                        Topic::Rate,
                        p(&format!("rates.{}.{key}", nr.model)),
                        &subject,
                        &field,
                        (ov, nv),
                        "none",
                    );
                }
            }
            for or in &of.rates {
                if !nf.rates.iter().any(|r| r.model == or.model) {
                    let subject = rate_subject(&of.name, &or.model);
                    self.removed(Topic::Rate, p(&format!("rates.{}", or.model)), &subject, rate_words(oc, or));
                }
            }
        }
        for of in &oc.features {
            if !nc.features.iter().any(|f| f.id == of.id) {
                self.removed(
                    Topic::Rate,
                    format!("features.{}", of.id),
                    &of.name,
                    format!("{} rate(s)", of.rates.len()),
                );
            }
        }
    }

    fn addons(&mut self) {
        let (oc, nc) = (self.old, self.new);
        self.order("addons", oc.addons.iter().map(|x| x.id.as_str()), nc.addons.iter().map(|x| x.id.as_str()));
        let words = |c: &Catalog, a: &pricebook_core::catalog::Addon| {
            let mut parts = Vec::new();
            if let Some(cr) = a.monthly_credits {
                parts.push(format!("{} {}/month", format::credits(cr), c.credits.plural));
            }
            if let Some(m) = a.monthly_price {
                parts.push(format!("{}/month", format::money(c, m)));
            }
            parts.join(" + ")
        };
        for na in &nc.addons {
            let subject = format!("{} add-on", na.name);
            let Some(oa) = oc.addons.iter().find(|a| a.id == na.id) else {
                self.added(Topic::Addon, format!("addons.{}", na.id), &subject, words(nc, na));
                continue;
            };
            let p = |f: &str| format!("addons.{}.{f}", na.id);
            self.field(Topic::Wording, p("name"), &subject, "name", (&oa.name, &na.name), Clone::clone);
            let field = format!("monthly {}", nc.credits.plural);
            self.credits_field(
                Topic::Addon,
                p("monthly_credits"),
                &subject,
                &field,
                (oa.monthly_credits, na.monthly_credits),
                "none",
            );
            self.money_field(
                Topic::Addon,
                p("monthly_price"),
                &subject,
                "monthly price",
                (oa.monthly_price, na.monthly_price),
                "none",
            );
            self.plans_field(Topic::Addon, p("plans"), &subject, "available to", (&oa.plans, &na.plans));
        }
        for oa in &oc.addons {
            if !nc.addons.iter().any(|a| a.id == oa.id) {
                self.removed(Topic::Addon, format!("addons.{}", oa.id), &format!("{} add-on", oa.name), words(oc, oa));
            }
        }
    }

    fn auto_recharge(&mut self) {
        let (oc, nc) = (self.old, self.new);
        let s = "auto-recharge";
        let (o, n) = match (&oc.auto_recharge, &nc.auto_recharge) {
            (None, None) => return,
            (None, Some(n)) => {
                return self.added(Topic::AutoRecharge, "auto_recharge".into(), s, recharge_words(nc, n));
            }
            (Some(o), None) => {
                return self.removed(Topic::AutoRecharge, "auto_recharge".into(), s, recharge_words(oc, o));
            }
            (Some(o), Some(n)) => (o, n),
        };
        let t = Topic::AutoRecharge;
        let p = |f: &str| format!("auto_recharge.{f}");
        self.field(
            t,
            p("enabled_by_default"),
            s,
            "on for new accounts",
            (&o.enabled_by_default, &n.enabled_by_default),
            yes_no,
        );
        self.credits_field(t, p("threshold"), s, "threshold", (Some(o.threshold), Some(n.threshold)), "");
        match (o.buys, n.buys) {
            (RechargeRule::Amount(om), RechargeRule::Amount(nm)) => {
                self.money_field(t, p("amount"), s, "amount per recharge", (Some(om), Some(nm)), "");
            }
            (RechargeRule::RefillToTarget(ot), RechargeRule::RefillToTarget(nt)) => {
                self.credits_field(t, p("target"), s, "refill target", (Some(ot), Some(nt)), "");
            }
            (ob, nb) => {
                let show = |c: &Catalog, b: &RechargeRule| match b {
                    RechargeRule::Pack => "one pack".to_string(),
                    RechargeRule::Amount(m) => format!("an amount of {}", format::money(c, *m)),
                    RechargeRule::RefillToTarget(t) => format!("a refill to {}", format::credits(*t)),
                };
                if ob != nb {
                    let mut c = self.base(t, ChangeKind::Changed, p("buys"), s, "buys");
                    c.old = Some(show(oc, &ob));
                    c.new = Some(show(nc, &nb));
                    self.out.push(c);
                }
            }
        }
        self.field(t, p("pack"), s, "pack", (&o.pack.id, &n.pack.id), Clone::clone);
        self.money_field(t, p("monthly_cap"), s, "monthly spending cap", (o.monthly_cap, n.monthly_cap), "no cap");
        self.field(Topic::Decline, p("on_decline"), s, "on a declined payment", (&o.on_decline, &n.on_decline), word);
        self.field(
            Topic::Settlement,
            p("settles_after"),
            s,
            "credits arrive",
            (&o.settles_after, &n.settles_after),
            |p| p.map_or_else(|| "immediately".into(), |p| format!("after {p}")),
        );
        self.plans_field(t, p("plans"), s, "available to", (&o.plans, &n.plans));
    }

    fn refunds(&mut self) {
        let (o, n) = (&self.old.refunds, &self.new.refunds);
        let (s, t) = ("refunds", Topic::Refunds);
        let p = |f: &str| format!("refunds.{f}");
        self.field(t, p("applies_to"), s, "refundable", (&o.applies_to, &n.applies_to), |v| {
            if v.is_empty() { "nothing".into() } else { v.iter().map(word).collect::<Vec<_>>().join(", ") }
        });
        self.field(t, p("window"), s, "window", (&o.window, &n.window), |w| period(w, "none"));
        self.field(t, p("window_starts"), s, "window starts at", (&o.window_starts, &n.window_starts), word);
        let show = |d: Option<Decimal>| d.map_or_else(|| "no limit".into(), share);
        self.number(
            t,
            p("max_used_share"),
            s,
            "most of a purchase used",
            (o.max_used_share, n.max_used_share),
            show(o.max_used_share),
            show(n.max_used_share),
        );
        self.field(t, p("used_credits"), s, "credits already used", (&o.used_credits, &n.used_credits), word);
        self.field(t, p("reset_anchor"), s, "cycle anchor reset", (&o.reset_anchor, &n.reset_anchor), yes_no);
        self.field(t, p("bonuses"), s, "bonuses on a refund", (&o.void_bonuses, &n.void_bonuses), |v| {
            if *v { "voided".into() } else { "kept".into() }
        });
    }

    fn plan_changes(&mut self) {
        let (o, n) = (&self.old.plan_changes, &self.new.plan_changes);
        let (s, t) = ("plan changes", Topic::PlanChanges);
        let p = |f: &str| format!("plan_changes.{f}");
        self.field(t, p("upgrade.credits"), s, "credits on upgrade", (&o.upgrade_credits, &n.upgrade_credits), word);
        self.field(t, p("upgrade.charge"), s, "charge on upgrade", (&o.upgrade_charge, &n.upgrade_charge), word);
        self.field(t, p("downgrade"), s, "downgrade takes effect", (&o.downgrade, &n.downgrade), word);
        self.field(t, p("cancel"), s, "cancel takes effect", (&o.cancel, &n.cancel), word);
    }
}

/// The first place two JSON values differ: `(path, old, new)`, paths like
/// `packs.1.offer.price`.
fn first_difference(o: &serde_json::Value, n: &serde_json::Value, path: String) -> Option<(String, String, String)> {
    use serde_json::Value;
    let join = |k: &str| if path.is_empty() { k.to_string() } else { format!("{path}.{k}") };
    match (o, n) {
        (Value::Object(a), Value::Object(b)) => {
            let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
            keys.sort();
            keys.dedup();
            keys.into_iter().find_map(|k| match (a.get(k), b.get(k)) {
                (Some(x), Some(y)) => first_difference(x, y, join(k)),
                (x, y) => {
                    let show = |v: Option<&Value>| v.map_or_else(|| "none".to_string(), Value::to_string);
                    Some((join(k), show(x), show(y)))
                }
            })
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            a.iter().zip(b).enumerate().find_map(|(i, (x, y))| first_difference(x, y, join(&i.to_string())))
        }
        _ if o == n => None,
        _ => Some((path, o.to_string(), n.to_string())),
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

    #[test]
    fn backstop_finds_the_first_differing_json_path() {
        let a = serde_json::json!({ "packs": [{ "id": "a", "price": "5" }, { "id": "b" }], "z": 1 });
        let b = serde_json::json!({ "packs": [{ "id": "a", "price": "6" }, { "id": "b" }], "z": 2 });
        assert_eq!(
            first_difference(&a, &b, String::new()),
            Some(("packs.0.price".into(), "\"5\"".into(), "\"6\"".into()))
        );
        assert_eq!(first_difference(&a, &a, String::new()), None);
    }
}
