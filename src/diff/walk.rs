//! The change list's one walk over two catalogs: their canonical JSON (what
//! `pricebook build` hands to billing), path by path. Items of collections
//! are matched by id (rates by model); every differing path becomes a
//! change, worded from the table in [`super::fields`]. A field the table
//! does not know is still reported, named by its key, so a field added to
//! the catalog cannot slip through a review.
//!
//! Three values read better as one sentence than as JSON parts and have a
//! handler each: a pack's offer (size, price and the unit price they
//! imply), a plan's limits and flags (per entitlement), and what
//! auto-recharge buys.

use super::changes::{Change, ChangeKind, percent, show_percent};
use super::fields::{self, COLLECTIONS, SECTIONS, Show, TopicOf};
use super::words::*;
use pricebook_core::catalog::{Limit, PackOffer, Plan, Rate, RechargeRule};
use pricebook_core::format;
use pricebook_core::money::Credits;
use pricebook_lang::compile::Catalog;
use pricebook_lang::model::plan::SourceKind;
use pricebook_lang::rulebook::Topic;
use rust_decimal::Decimal;
use serde_json::{Map, Value};

/// Where in the catalog the walk is.
#[derive(Clone)]
struct Scope {
    /// The table's path: `plans[]`, `features[].rates[]`; empty at the top.
    json: String,
    /// The change's path prefix: `plans.plus`; empty at the top.
    path: String,
    /// What a reviewer calls the item or section.
    subject: String,
    /// A source's kind, for its topic.
    kind: Option<SourceKind>,
    /// The item's id, for the handlers that read typed values.
    id: String,
}

fn join(a: &str, b: &str) -> String {
    if a.is_empty() { b.to_string() } else { format!("{a}.{b}") }
}

/// Compares one catalog present on both sides.
pub(super) struct Walk<'a> {
    pub id: &'a str,
    pub old: &'a Catalog,
    pub new: &'a Catalog,
    pub out: Vec<Change>,
}

impl Walk<'_> {
    pub fn run(&mut self) {
        let (Ok(o), Ok(n)) = (serde_json::to_value(self.old), serde_json::to_value(self.new)) else { return };
        self.values(&o, &n);
    }

    /// Compares the two catalogs' JSON (the typed catalogs give currency,
    /// unit names and the values the handlers read).
    fn values(&mut self, o: &Value, n: &Value) {
        let top = Scope {
            json: String::new(),
            path: String::new(),
            subject: "catalog".into(),
            kind: None,
            id: String::new(),
        };
        self.object(&top, o, n);
    }

    fn change(&self, topic: Topic, kind: ChangeKind, path: String, subject: &str, field: &str) -> Change {
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

    /// A changed value: words, exact numbers and a percentage.
    #[allow(clippy::too_many_arguments)]
    fn changed(
        &mut self,
        topic: Topic,
        path: String,
        subject: &str,
        field: &str,
        (old, new): (String, String),
        (o, n): (Option<Decimal>, Option<Decimal>),
    ) -> Option<&mut Change> {
        // Equal numbers are equal however they print; without numbers the words decide.
        let same = match (o, n) {
            (Some(a), Some(b)) => a == b,
            _ => o == n && old == new,
        };
        if same {
            return None;
        }
        let mut c = self.change(topic, ChangeKind::Changed, path, subject, field);
        c.old = Some(old);
        c.new = Some(new);
        c.old_value = o;
        c.new_value = n;
        c.percent = o.zip(n).and_then(|(o, n)| percent(o, n));
        self.out.push(c);
        self.out.last_mut()
    }

    fn whole(&mut self, topic: Topic, kind: ChangeKind, path: String, subject: &str, what: String) {
        let mut c = self.change(topic, kind, path, subject, "");
        if kind == ChangeKind::Added {
            c.new = Some(what);
        } else {
            c.old = Some(what);
        }
        self.out.push(c);
    }

    /// Two objects (a missing one reads as empty), keys in the table's order.
    fn object(&mut self, scope: &Scope, o: &Value, n: &Value) {
        let empty = Map::new();
        let (om, nm) = (o.as_object().unwrap_or(&empty), n.as_object().unwrap_or(&empty));
        let mut keys: Vec<&String> = om.keys().chain(nm.keys()).collect();
        keys.sort_by_key(|k| (fields::rank(&join(&scope.json, k)), k.as_str()));
        keys.dedup();
        for key in keys {
            let (ov, nv) = (om.get(key).unwrap_or(&Value::Null), nm.get(key).unwrap_or(&Value::Null));
            if ov != nv {
                self.pair(scope, key, ov, nv);
            }
        }
    }

    /// One differing key of an object.
    fn pair(&mut self, scope: &Scope, key: &str, o: &Value, n: &Value) {
        let json = join(&scope.json, key);
        let is_item = scope.json.ends_with("[]");
        if (scope.json.is_empty() || is_item) && (key == "id" || (scope.json == "features[].rates[]" && key == "model"))
        {
            return;
        }
        if let Some(&(_, subject, prefix)) = SECTIONS.iter().find(|s| s.0 == json) {
            let inner = Scope {
                json: json.clone(),
                path: prefix.into(),
                subject: subject.into(),
                kind: None,
                id: String::new(),
            };
            return match (o, n) {
                (Value::Object(_), Value::Object(_)) => self.object(&inner, o, n),
                (Value::Null, _) | (_, Value::Null) if json == "auto_recharge" => self.auto_recharge_whole(o.is_null()),
                _ => self.leaf(&inner, &json, prefix.to_string(), o, n),
            };
        }
        if let Some(&(_, id_key, order)) = COLLECTIONS.iter().find(|c| c.0 == json) {
            return self.collection(scope, key, id_key, order, o, n);
        }
        let path = if scope.path.is_empty() { format!("catalog.{key}") } else { join(&scope.path, key) };
        match json.as_str() {
            "plans[].limits" | "plans[].flags" => self.limits(scope, key),
            "packs[].offer" => self.offer(scope),
            "auto_recharge.buys" => self.buys(),
            _ if fields::field(&json).is_none() && (o.is_object() || n.is_object()) => {
                let inner = Scope { json, path, ..scope.clone() };
                self.object(&inner, o, n);
            }
            _ => self.leaf(scope, &json, path, o, n),
        }
    }

    /// A value compared whole, worded by its row (or by its key).
    fn leaf(&mut self, scope: &Scope, json: &str, path: String, o: &Value, n: &Value) {
        let row = fields::field(json);
        let key = json.rsplit('.').next().unwrap_or(json);
        let words =
            row.map_or_else(|| key.replace('_', " "), |r| r.words.replace("{plural}", &self.new.credits.plural));
        let topic = match row.map(|r| r.topic) {
            Some(TopicOf::Fixed(t)) => t,
            Some(TopicOf::SourceKind) => scope.kind.map_or(Topic::Wording, Topic::Source),
            None => Topic::Wording,
        };
        let path = match row.and_then(|r| r.path) {
            Some(p) => join(&scope.path, p),
            None => path,
        };
        let show = row.map_or(Show::Raw, |r| r.show);
        let (old, ov) = fields::show(show, self.old, o);
        let (new, nv) = fields::show(show, self.new, n);
        self.changed(topic, path, &scope.subject, &words, (old, new), (ov, nv));
    }

    /// Items matched by their key; their order; added and removed ones.
    fn collection(&mut self, scope: &Scope, key: &str, id_key: &str, order: bool, o: &Value, n: &Value) {
        let json = join(&scope.json, key);
        let items = |v: &Value| -> Vec<(String, Value)> {
            v.as_array()
                .map(|xs| {
                    xs.iter()
                        .map(|x| (x.get(id_key).and_then(Value::as_str).unwrap_or_default().to_string(), x.clone()))
                        .collect()
                })
                .unwrap_or_default()
        };
        let (oi, ni) = (items(o), items(n));
        let ids = |v: &[(String, Value)]| v.iter().map(|(id, _)| id.clone()).collect::<Vec<_>>();
        let (oids, nids) = (ids(&oi), ids(&ni));
        let same_set = oids.len() == nids.len() && oids.iter().all(|id| nids.contains(id));
        if order && same_set && oids != nids {
            let topic = if key == "sources" { Topic::ConsumptionOrder } else { Topic::Wording };
            self.changed(topic, key.into(), key, "order", (oids.join(", "), nids.join(", ")), (None, None));
        }
        let base = join(&scope.path, key);
        for (id, nv) in &ni {
            let path = format!("{base}.{id}");
            let subject = self.subject(&json, scope, self.new, nv, id);
            let kind = nv.get("kind").and_then(|k| serde_json::from_value::<SourceKind>(k.clone()).ok());
            match oi.iter().find(|(oid, _)| oid == id) {
                None => {
                    let (topic, what) = self.item_words(&json, scope, self.new, id, true, kind);
                    self.whole(topic, ChangeKind::Added, path, &subject, what);
                }
                Some((_, ov)) => {
                    let inner = Scope { json: format!("{json}[]"), path, subject, kind, id: id.clone() };
                    self.object(&inner, ov, nv);
                }
            }
        }
        for (id, ov) in &oi {
            if !nids.contains(id) {
                let subject = self.subject(&json, scope, self.old, ov, id);
                let kind = ov.get("kind").and_then(|k| serde_json::from_value::<SourceKind>(k.clone()).ok());
                let (topic, what) = self.item_words(&json, scope, self.old, id, false, kind);
                self.whole(topic, ChangeKind::Removed, format!("{base}.{id}"), &subject, what);
            }
        }
    }

    /// What a reviewer calls an item: "Plus plan", "topup credits".
    fn subject(&self, json: &str, scope: &Scope, cat: &Catalog, item: &Value, id: &str) -> String {
        let name = |k: &str| item.get(k).and_then(Value::as_str).unwrap_or(id).to_string();
        match json {
            "sources" => format!("{} {}", name("label"), cat.credits.plural),
            "plans" => format!("{} plan", name("name")),
            "packs" if name("name").to_lowercase().ends_with("pack") => name("name"),
            "packs" => format!("{} pack", name("name")),
            "entitlements" => format!("{} entitlement", name("name")),
            "addons" => format!("{} add-on", name("name")),
            "features[].rates" => rate_subject(&scope.subject, id),
            "features" => name("name"),
            _ => id.to_string(),
        }
    }

    /// An added or removed item in words, and its topic.
    fn item_words(
        &self,
        json: &str,
        scope: &Scope,
        cat: &Catalog,
        id: &str,
        added: bool,
        kind: Option<SourceKind>,
    ) -> (Topic, String) {
        let rate_words = |r: &Rate| {
            rate_parts(r)
                .iter()
                .filter_map(|(_, what, v)| v.map(|v| format!("{} {} {what}", format::credits(v), cat.credits.plural)))
                .collect::<Vec<_>>()
                .join(" + ")
        };
        match json {
            "sources" => (
                kind.map_or(Topic::Wording, Topic::Source),
                cat.sources.iter().find(|s| s.id == id).map(|s| source_words(cat, s)).unwrap_or_default(),
            ),
            "plans" => {
                (Topic::Plan, cat.plans.iter().find(|p| p.id == id).map(|p| plan_words(cat, p)).unwrap_or_default())
            }
            "packs" => (
                Topic::Pack,
                cat.packs.iter().find(|p| p.id == id).map(|p| offer_words(cat, &p.offer)).unwrap_or_default(),
            ),
            "entitlements" => {
                (Topic::Limits, cat.entitlements.iter().find(|e| e.id == id).map(|e| word(&e.kind)).unwrap_or_default())
            }
            "features" => {
                let f = cat.features.iter().find(|f| f.id == id);
                let what = match f {
                    Some(f) if added => {
                        f.rates.iter().map(|r| format!("{}: {}", r.model, rate_words(r))).collect::<Vec<_>>().join("; ")
                    }
                    Some(f) => format!("{} rate(s)", f.rates.len()),
                    None => String::new(),
                };
                (Topic::Rate, what)
            }
            "features[].rates" => {
                let r =
                    cat.features.iter().find(|f| f.id == scope.id).and_then(|f| f.rates.iter().find(|r| r.model == id));
                (Topic::Rate, r.map(rate_words).unwrap_or_default())
            }
            "addons" => {
                let words = cat.addons.iter().find(|a| a.id == id).map(|a| {
                    let mut parts = Vec::new();
                    if let Some(cr) = a.monthly_credits {
                        parts.push(format!("{} {}/month", format::credits(cr), cat.credits.plural));
                    }
                    if let Some(m) = a.monthly_price {
                        parts.push(format!("{}/month", format::money(cat, m)));
                    }
                    parts.join(" + ")
                });
                (Topic::Addon, words.unwrap_or_default())
            }
            _ => (Topic::Wording, id.to_string()),
        }
    }

    fn auto_recharge_whole(&mut self, added: bool) {
        let (kind, cat) = if added { (ChangeKind::Added, self.new) } else { (ChangeKind::Removed, self.old) };
        if let Some(a) = &cat.auto_recharge {
            let what = recharge_words(cat, a);
            self.whole(Topic::AutoRecharge, kind, "auto_recharge".into(), "auto-recharge", what);
        }
    }

    /// Limits and flags of one plan, per entitlement of either side. Both
    /// keys lead here; they are compared together once, at the first that differs.
    fn limits(&mut self, scope: &Scope, key: &str) {
        let (oc, nc) = (self.old, self.new);
        let (Some(op), Some(np)) =
            (oc.plans.iter().find(|p| p.id == scope.id), nc.plans.iter().find(|p| p.id == scope.id))
        else {
            return;
        };
        let limits_differ = serde_json::to_value(&op.limits).ok() != serde_json::to_value(&np.limits).ok();
        if key == "flags" && limits_differ {
            return;
        }
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
                let field = format!("{name} limit");
                let path = format!("{}.limits.{id}", scope.path);
                self.changed(Topic::Limits, path, &scope.subject, &field, (show(ol), show(nl)), (value(ol), value(nl)));
            }
            let on_off = |b: bool| if b { "on".to_string() } else { "off".to_string() };
            let path = format!("{}.flags.{id}", scope.path);
            let flags = (on_off(flag(oc, op)), on_off(flag(nc, np)));
            self.changed(Topic::Limits, path, &scope.subject, name, flags, (None, None));
        }
    }

    /// A pack's offer: size and price with the unit price they imply, or a
    /// custom amount's unit price, minimum and maximum.
    fn offer(&mut self, scope: &Scope) {
        let (oc, nc) = (self.old, self.new);
        let (Some(opk), Some(npk)) =
            (oc.packs.iter().find(|p| p.id == scope.id), nc.packs.iter().find(|p| p.id == scope.id))
        else {
            return;
        };
        let (o, n) = (opk.offer, npk.offer);
        let subject = scope.subject.as_str();
        let p = |f: &str| format!("{}.{f}", scope.path);
        // The unit price is what customers compare; its percentage is shown
        // only when it differs from the line's own (both size and price moved).
        let unit_note = |line_percent: Option<Decimal>| match (unit_price(&o), unit_price(&n)) {
            (Some(ou), Some(nu)) if ou != nu => {
                let pct = percent(ou, nu)
                    .filter(|p| Some(*p) != line_percent)
                    .map(|p| format!(" ({})", show_percent(p)))
                    .unwrap_or_default();
                Some(format!("unit price {}{pct}", unit_change(oc, ou, nc, nu)))
            }
            _ => None,
        };
        let credits = |c: Option<Credits>| c.map_or_else(|| "none".to_string(), format::credits);
        let value = |c: Option<Credits>| c.map(Credits::get);
        match (o, n) {
            (PackOffer::Fixed { credits: occ, price: op }, PackOffer::Fixed { credits: ncc, price: np }) => {
                let plural = nc.credits.plural.clone();
                let price_changed = op != np;
                let sizes = (format::credits(occ), format::credits(ncc));
                if let Some(c) =
                    self.changed(Topic::Pack, p("credits"), subject, &plural, sizes, (Some(occ.get()), Some(ncc.get())))
                    && !price_changed
                {
                    c.note = unit_note(None);
                }
                let prices = (format::money(oc, op), format::money(nc, np));
                if let Some(c) =
                    self.changed(Topic::Pack, p("price"), subject, "price", prices, (Some(op.get()), Some(np.get())))
                {
                    c.note = unit_note(if occ == ncc { c.percent } else { None });
                }
            }
            (
                PackOffer::Custom { unit_price: ou, min_credits: omin, max_credits: omax },
                PackOffer::Custom { unit_price: nu, min_credits: nmin, max_credits: nmax },
            ) => {
                let old = if per_label(oc) == per_label(nc) { quote_money(oc, ou.get()) } else { quote(oc, ou.get()) };
                let units = (Some(ou.get()), Some(nu.get()));
                self.changed(Topic::Pack, p("unit_price"), subject, "unit price", (old, quote(nc, nu.get())), units);
                let mins = (credits(omin), credits(nmin));
                self.changed(
                    Topic::Pack,
                    p("min_credits"),
                    subject,
                    "minimum amount",
                    mins,
                    (value(omin), value(nmin)),
                );
                let maxs = (credits(omax), credits(nmax));
                self.changed(
                    Topic::Pack,
                    p("max_credits"),
                    subject,
                    "maximum amount",
                    maxs,
                    (value(omax), value(nmax)),
                );
            }
            _ => {
                let mut c = self.change(Topic::Pack, ChangeKind::Changed, p("offer"), subject, "offer");
                c.old = Some(offer_words(oc, &o));
                c.new = Some(offer_words(nc, &n));
                c.old_value = unit_price(&o);
                c.new_value = unit_price(&n);
                self.out.push(c);
            }
        }
    }

    /// What auto-recharge buys: the amount or target when the rule stays,
    /// else the rule itself.
    fn buys(&mut self) {
        let (oc, nc) = (self.old, self.new);
        let (Some(o), Some(n)) = (&oc.auto_recharge, &nc.auto_recharge) else { return };
        let (t, s) = (Topic::AutoRecharge, "auto-recharge");
        match (o.buys, n.buys) {
            (RechargeRule::Amount(om), RechargeRule::Amount(nm)) => {
                let words = (format::money(oc, om), format::money(nc, nm));
                self.changed(
                    t,
                    "auto_recharge.amount".into(),
                    s,
                    "amount per recharge",
                    words,
                    (Some(om.get()), Some(nm.get())),
                );
            }
            (RechargeRule::RefillToTarget(ot), RechargeRule::RefillToTarget(nt)) => {
                let words = (format::credits(ot), format::credits(nt));
                self.changed(
                    t,
                    "auto_recharge.target".into(),
                    s,
                    "refill target",
                    words,
                    (Some(ot.get()), Some(nt.get())),
                );
            }
            (ob, nb) => {
                let show = |c: &Catalog, b: &RechargeRule| match b {
                    RechargeRule::Pack => "one pack".to_string(),
                    RechargeRule::Amount(m) => format!("an amount of {}", format::money(c, *m)),
                    RechargeRule::RefillToTarget(t) => format!("a refill to {}", format::credits(*t)),
                };
                self.changed(t, "auto_recharge.buys".into(), s, "buys", (show(oc, &ob), show(nc, &nb)), (None, None));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pricebook_lang::compile::compile_plan_text;
    use pricebook_lang::diag::{Diagnostics, SourceFile, SourceMap};
    use serde_json::json;

    fn compile(text: &str) -> Catalog {
        let mut sources = SourceMap::new();
        let file = sources.add(SourceFile::new("p.toml", text));
        compile_plan_text("p", file, &sources, &mut Diagnostics::new()).expect("the bundled plan compiles")
    }

    fn eigent() -> Catalog {
        compile(include_str!("../../plans/eigent.toml"))
    }

    fn texts(o: &Value, n: &Value) -> Vec<String> {
        let (oc, nc) = (eigent(), eigent());
        let mut walk = Walk { id: "eigent", old: &oc, new: &nc, out: Vec::new() };
        walk.values(o, n);
        walk.out.iter().map(|c| format!("{} [{}]", c.text(), c.path)).collect()
    }

    /// Fields the catalog does not have yet: the walk names them by key,
    /// at their address, with no code written for them (after the known
    /// fields of the same object).
    #[test]
    fn a_new_field_is_named_without_code_for_it() {
        let o = serde_json::to_value(eigent()).expect("serialises");
        let mut n = o.clone();
        n["tax_rate"] = json!("0.2");
        n["credits"]["grace_period"] = json!("3 days");
        n["plans"][1]["max_seats"] = json!(5);
        n["sources"][0]["rollover"] = json!({ "cycles": 1, "carry_overdraft": true });
        assert_eq!(
            texts(&o, &n),
            [
                "credits: grace period none → 3 days [credits.grace_period]",
                "daily credits: rollover none → 1 month [sources.daily.rollover.cycles]",
                "daily credits: carry overdraft none → true [sources.daily.rollover.carry_overdraft]",
                "Plus plan: max seats none → 5 [plans.plus.max_seats]",
                "catalog: tax rate none → 0.2 [catalog.tax_rate]",
            ]
        );
    }

    /// Every path of the bundled catalogs has a row (ids and collection
    /// keys aside), so none is worded by its bare key.
    #[test]
    fn every_bundled_field_has_a_row() {
        fn leaves(v: &Value, at: &str, out: &mut Vec<String>) {
            match v {
                Value::Object(m) => m.iter().for_each(|(k, x)| leaves(x, &join(at, k), out)),
                Value::Array(xs) if xs.iter().any(Value::is_object) => {
                    xs.iter().for_each(|x| leaves(x, &format!("{at}[]"), out));
                }
                _ => out.push(at.to_string()),
            }
        }
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("plans");
        let mut missing = Vec::new();
        for entry in std::fs::read_dir(root).expect("plans/") {
            let text = std::fs::read_to_string(entry.expect("an entry").path()).expect("readable");
            let mut out = Vec::new();
            leaves(&serde_json::to_value(compile(&text)).expect("serialises"), "", &mut out);
            for p in out {
                // A row, a part of one (limits[].limit), or what holds rows
                // (an empty list of add-ons, no auto-recharge).
                let under = |f: &fields::Field| {
                    p.starts_with(&format!("{}.", f.json)) || p.starts_with(&format!("{}[]", f.json))
                };
                let known = fields::rank(&p) != usize::MAX
                    || fields::FIELDS.iter().any(under)
                    || p == "id"
                    || p.ends_with("[].id")
                    || p == "features[].rates[].model";
                if !known && !missing.contains(&p) {
                    missing.push(p);
                }
            }
        }
        assert!(missing.is_empty(), "catalog paths with no row in diff/fields.rs: {missing:?}");
    }
}
