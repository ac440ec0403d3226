//! The ledger as an aligned table for people, plus closing balances, a
//! usage breakdown and the conservation proof. This text is what scenario
//! snapshots hold, so it must be stable byte for byte.

use crate::escape::terminal::visible as vis;
use chrono_tz::Tz;
use pricebook_core::calendar::Instant;
use pricebook_core::catalog::RechargeRule;
use pricebook_core::format;
use pricebook_core::money::Credits;
use pricebook_core::policy::PaymentState;
use pricebook_engine::labels::Labels;
use pricebook_engine::ledger::{Bucket, Detail, Entry, EntryKind, Paid, Setting};
use pricebook_engine::totals;
use pricebook_engine::{AccountId, Simulation};
use pricebook_lang::compile::Catalog;
use pricebook_lang::compile::scenario::Script;
use std::collections::BTreeMap;
use std::fmt::Write;

/// Resolves ids in ledger lines to names.
pub struct Names<'a> {
    pub cat: &'a Catalog,
    pub script: &'a Script,
    pub labels: &'a Labels,
}

impl Names<'_> {
    pub fn account(&self, id: u32) -> &str {
        self.script.accounts.get(id as usize).map_or("?", String::as_str)
    }

    pub fn sym(&self, id: u32) -> &str {
        self.script.syms.get(id as usize).map_or("?", String::as_str)
    }

    pub fn op(&self, id: u32) -> &str {
        self.script.operations.get(id as usize).map_or("?", String::as_str)
    }

    pub fn bucket(&self, b: Bucket) -> &str {
        match b {
            Bucket::None => "",
            Bucket::Overdraft => "overdraft",
            Bucket::Label(l) => self.labels.name(l).unwrap_or("?"),
        }
    }

    fn plan(&self, ix: usize) -> &str {
        &self.cat.plans[ix].id
    }

    /// What a line is about, in words.
    pub fn detail(&self, d: &Detail) -> String {
        let cat = self.cat;
        match d {
            Detail::None => String::new(),
            Detail::Usage { rate, variant, project, session, operation, cost } => {
                let mut s = match rate {
                    Some((f, r)) => {
                        let feature = &cat.features[*f];
                        let model = &feature.rates[*r].model;
                        // The model when there is a choice, and the variant
                        // that multiplied the cost: "tts (flash_v2_5, premium)".
                        let shown_model = (feature.rates.len() > 1 || model != "default").then_some(model.as_str());
                        let shown_variant =
                            variant.and_then(|v| feature.multipliers.get(v)).map(|m| m.variant.as_str());
                        let qualifiers: Vec<&str> = shown_model.into_iter().chain(shown_variant).collect();
                        if qualifiers.is_empty() {
                            feature.id.clone()
                        } else {
                            format!("{} ({})", feature.id, qualifiers.join(", "))
                        }
                    }
                    None => "usage".into(),
                };
                let _ = write!(s, ", cost {}", format::credits(*cost));
                if let Some(p) = project {
                    let _ = write!(s, ", project {}", self.sym(*p));
                }
                if let Some(p) = session {
                    let _ = write!(s, ", session {}", self.sym(*p));
                }
                if let Some(op) = operation {
                    let _ = write!(s, ", op {}", self.op(*op));
                }
                s
            }
            Detail::Addon(a) => format!("add-on {}", cat.addons[*a].id),
            Detail::Purchase(p) => format!("purchase #{p}"),
            Detail::Allowance { plan } => format!("{} monthly credits", self.plan(*plan)),
            Detail::Reinstated { plan } => {
                format!("{} monthly credits given back (less what was spent)", self.plan(*plan))
            }
            Detail::Bonus => "bonus".into(),
            Detail::Direct(lot) => format!("grant #{lot}"),
            Detail::Paid(paid, p) => {
                let what = match paid {
                    Paid::Subscription { plan, billing } => {
                        format!("{} ({})", self.plan(*plan), billing_word(*billing))
                    }
                    Paid::Proration { plan } => format!("{} proration", self.plan(*plan)),
                    Paid::Pack { pack, auto } => {
                        format!("{}{}", cat.packs[*pack].id, if *auto { " (auto-recharge)" } else { "" })
                    }
                    Paid::Addon(a) => format!("add-on {}", cat.addons[*a].id),
                    Paid::Overage { credits } => format!("overage for {} credits", format::credits(*credits)),
                };
                if *p == 0 { what } else { format!("{what}, purchase #{p}") }
            }
            Detail::Plan { from, to, why } => {
                if from == to {
                    format!("{}: {}", self.plan(*to), why.word())
                } else {
                    format!("{} → {}: {}", self.plan(*from), self.plan(*to), why.word())
                }
            }
            Detail::Refusal(r) => format!("{}: {}", r.code(), r.explain()),
            Detail::Notice(n) => n.code(),
            Detail::Adjustment(reason) => format!("support: {}", self.sym(*reason)),
            Detail::Transfer(other) => format!("with {}", self.account(*other)),
            Detail::Rollover { kept, until } => match until {
                Some(t) => format!("kept {} until {}", format::credits(*kept), self.time(*t)),
                None => format!("kept {}", format::credits(*kept)),
            },
            Detail::Refill { to } => format!("refilled to {}", format::credits(*to)),
            Detail::Reset { kept } => format!("usage reset, kept {}", format::credits(*kept)),
            Detail::Void(why) => match why {
                pricebook_engine::ledger::VoidWhy::PlanChange => "plan change".into(),
                pricebook_engine::ledger::VoidWhy::Refund(p) => format!("refund of purchase #{p}"),
                pricebook_engine::ledger::VoidWhy::Operator => "voided by operator".into(),
                pricebook_engine::ledger::VoidWhy::Bonus => "bonus voided by refund".into(),
                pricebook_engine::ledger::VoidWhy::Overage => "overage forgiven at usage reset".into(),
            },
            Detail::Rebook(p) => format!("spent from refunded purchase #{p}, charged again"),
            Detail::Returned { usage, .. } => format!("returned: failed {}", self.detail(usage)),
            Detail::Settles(t) => format!("arrives {}", self.time(*t)),
            Detail::Setting(setting) => self.setting(setting),
            Detail::Metered { credits, owed } => {
                format!("{} past the balance metered; {} owed", format::credits(*credits), format::money(cat, *owed))
            }
        }
    }

    fn setting(&self, s: &Setting) -> String {
        let cat = self.cat;
        match s {
            Setting::Addon(ix, on) => format!("add-on {} {}", cat.addons[*ix].id, if *on { "on" } else { "off" }),
            Setting::AutoRecharge { on, threshold, pack, rule, cap } => {
                if !on {
                    return "auto-recharge off".into();
                }
                let buys = match rule {
                    RechargeRule::Pack => cat.packs[*pack].id.clone(),
                    RechargeRule::Amount(m) => format!("{} of {}", format::money(cat, *m), cat.packs[*pack].id),
                    RechargeRule::RefillToTarget(t) => format!("{} up to {}", cat.packs[*pack].id, format::credits(*t)),
                };
                let cap = cap.map_or(String::new(), |c| format!(", cap {} a month", format::money(cat, c)));
                format!("auto-recharge on: at or below {} buy {buys}{cap}", format::credits(*threshold))
            }
            Setting::PaymentMethod(state) => match state {
                PaymentState::Valid => "payment method: valid card".into(),
                PaymentState::Declining => "payment method: card declines".into(),
                PaymentState::None => "payment method: none".into(),
            },
            Setting::InUse(ix, n) => format!("{} in use: {n}", cat.entitlements[*ix].id),
            Setting::OverageCap(Some(cap)) => format!("overage limit {} a cycle", format::money(cat, *cap)),
            Setting::OverageCap(None) => "overage limit lifted".into(),
        }
    }

    /// Local time in the catalog's zone; the offset is shown unless UTC.
    pub fn time(&self, t: Instant) -> String {
        local_time(t, self.cat.time_zone)
    }
}

pub fn local_time(t: Instant, tz: Tz) -> String {
    let local = t.with_timezone(&tz);
    let mut s = if chrono::Timelike::second(&local) == 0 {
        local.format("%Y-%m-%d %H:%M").to_string()
    } else {
        local.format("%Y-%m-%d %H:%M:%S").to_string()
    };
    if tz != Tz::UTC {
        s.push_str(&local.format("%:z").to_string());
    }
    s
}

fn billing_word(b: pricebook_core::policy::Billing) -> &'static str {
    match b {
        pricebook_core::policy::Billing::Monthly => "monthly",
        pricebook_core::policy::Billing::Yearly => "yearly",
    }
}

/// Renders a replayed scenario: header, ledger, balances, usage, proof.
pub fn render(script: &Script, path: &str, engine: &Simulation<'_>) -> String {
    let cat = engine.catalog();
    let names = Names { cat, script, labels: engine.labels() };
    let entries: &[Entry] = engine.ledger();
    let mut out = String::new();
    let _ = writeln!(out, "scenario: {}", vis(&script.title));
    let _ = writeln!(out, "file:     {}", vis(path));
    let _ = writeln!(out, "plans:    {} (plans/{}.toml)", vis(&cat.name), vis(&script.plans));
    if !script.covers.is_empty() {
        let _ = writeln!(out, "covers:   {}", vis(&script.covers.join(" ")));
    }
    let _ = writeln!(out, "times:    {}", cat.time_zone.name());
    let _ = writeln!(out, "period:   {} → {}", names.time(script.start), names.time(script.end));
    out.push('\n');

    let rows: Vec<[String; 9]> = entries.iter().enumerate().map(|(i, e)| row(&names, i + 1, e)).collect();
    table(&mut out, &HEADER, &RIGHT, &rows);
    out.push('\n');
    summary(&mut out, &names, engine);
    out
}

/// Credits spent, by what they were spent on: feature and model,
/// add-on, rebooking, adjustment. Unlimited plans count what usage would
/// have cost; credits returned for failed operations are taken off.
pub fn spent_on<'a>(cat: &Catalog, entries: impl Iterator<Item = &'a Entry>) -> BTreeMap<String, Credits> {
    let key = |detail: &Detail| match detail {
        Detail::Usage { rate: Some((f, r)), .. } => {
            let feature = &cat.features[*f];
            match feature.rates[*r].model.as_str() {
                "default" => feature.id.clone(),
                model => format!("{} {model}", feature.id),
            }
        }
        Detail::Usage { rate: None, .. } => "usage".into(),
        Detail::Addon(ix) => format!("add-on {}", cat.addons[*ix].id),
        Detail::Rebook(_) => "refund rebooking".into(),
        Detail::Adjustment(_) => "support adjustment".into(),
        _ => "other".into(),
    };
    let mut spent: BTreeMap<String, Credits> = BTreeMap::new();
    for e in entries {
        let (k, amount) = match (&e.kind, &e.detail) {
            (EntryKind::Consume, Detail::Usage { cost, .. }) if e.bucket == Bucket::None => (key(&e.detail), *cost),
            (EntryKind::Consume, d) => (key(d), -e.credits),
            (EntryKind::Refund, Detail::Returned { usage, .. }) => (key(usage), -e.credits),
            _ => continue,
        };
        *spent.entry(k).or_default() += amount;
    }
    spent.retain(|_, c| !c.is_zero());
    spent
}

/// The ledger table's column titles.
pub const HEADER: [&str; 9] = ["#", "time", "account", "event", "source", "credits", "balance", "money", "details"];
/// Which columns are right-aligned (numbers).
pub const RIGHT: [bool; 9] = [true, false, false, false, false, true, true, true, false];

/// One ledger line (the `seq`-th, from 1) as the table's cells (also used
/// by `pricebook diff` to show the first line that differs between two
/// ledgers). Names and ids in cells are user-written: control characters
/// are shown, not obeyed.
pub fn row(names: &Names<'_>, seq: usize, e: &Entry) -> [String; 9] {
    let credits = match e.kind {
        EntryKind::Plan
        | EntryKind::Setting
        | EntryKind::Notice
        | EntryKind::Refused
        | EntryKind::Charge
        | EntryKind::Declined
        | EntryKind::PaymentRefund
            if e.credits.is_zero() =>
        {
            String::new()
        }
        // Metered credits are billed in money: shown as a quantity, not a balance change.
        EntryKind::Metered => format!("({})", format::credits(-e.credits)),
        EntryKind::Settle | EntryKind::Pending => format!("({})", format::credits(e.credits)),
        _ => format::signed(e.credits),
    };
    [
        seq.to_string(),
        names.time(e.at),
        names.account(e.account).to_string(),
        e.kind.word().to_string(),
        names.bucket(e.bucket).to_string(),
        credits,
        format::credits(e.balance),
        e.money.map_or(String::new(), |m| format::money(names.cat, m)),
        names.detail(&e.detail),
    ]
    .map(|cell| vis(&cell).into_owned())
}

/// Writes rows with columns padded to their widest cell.
pub fn table(out: &mut String, header: &[&str], right: &[bool], rows: &[[String; 9]]) {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (i, cell) in r.iter().enumerate() {
            widths[i] = widths[i].max(cell.chars().count());
        }
    }
    let line = |cells: &mut dyn Iterator<Item = &str>| {
        let mut s = String::new();
        for (i, cell) in cells.enumerate() {
            let pad = widths[i].saturating_sub(cell.chars().count());
            if i > 0 {
                s.push_str("  ");
            }
            if right[i] {
                s.push_str(&" ".repeat(pad));
                s.push_str(cell);
            } else {
                s.push_str(cell);
                if i + 1 < widths.len() {
                    s.push_str(&" ".repeat(pad));
                }
            }
        }
        s.trim_end().to_string()
    };
    out.push_str(&line(&mut header.iter().copied()));
    out.push('\n');
    for r in rows {
        out.push_str(&line(&mut r.iter().map(String::as_str)));
        out.push('\n');
    }
}

fn summary(out: &mut String, names: &Names<'_>, engine: &Simulation<'_>) {
    let cat = names.cat;
    let lines = lines_by_account(engine.ledger());
    let sums = totals::by_account(engine.ledger());
    let _ = writeln!(out, "at the end ({}):", names.time(engine.now()));
    for id in engine.account_ids() {
        let (Some(a), Some(v)) = (engine.account(id), engine.view(id)) else {
            continue;
        };
        let status = if v.trialing { " (trialing)" } else { "" };
        let _ = writeln!(
            out,
            "  {}: plan {}{status}, cycle from {}",
            vis(names.account(id)),
            vis(&cat.plans[v.plan].id),
            names.time(v.cycle_start)
        );
        let shown = v.balance.max(Credits::ZERO);
        let _ = write!(out, "    balance {}", format::credits(v.balance));
        if shown != v.balance {
            let _ = write!(out, " (shown as {})", format::credits(shown));
        }
        out.push('\n');
        let mut by_label: BTreeMap<&str, Credits> = BTreeMap::new();
        for l in a.wallet.lots() {
            *by_label.entry(names.bucket(Bucket::Label(l.label))).or_default() += l.remaining;
        }
        let parts: Vec<String> = by_label.iter().map(|(l, c)| format!("{} {}", vis(l), format::credits(*c))).collect();
        if !parts.is_empty() {
            let _ = writeln!(out, "    by source: {}", parts.join(", "));
        }
        if v.deficit.is_positive() {
            let _ = writeln!(out, "    overdraft: {}", format::credits(v.deficit));
        }
        let _ = writeln!(
            out,
            "    money: charged {}, refunded {}",
            format::money(cat, v.charged),
            format::money(cat, v.refunded)
        );
        for p in &a.pending_topups {
            let _ = writeln!(
                out,
                "    pending top-up: {} {} arriving {}",
                format::credits(p.credits),
                vis(&cat.credits.plural),
                names.time(p.settles_at)
            );
        }
        let mine = || lines.get(&id).into_iter().flatten().map(|(_, e)| *e);
        let spent = spent_on(cat, mine());
        if !spent.is_empty() {
            let parts: Vec<String> = spent.iter().map(|(k, c)| format!("{} {}", vis(k), format::credits(*c))).collect();
            let _ = writeln!(out, "    spent on: {}", parts.join(", "));
        }
        let totals = pricebook_engine::totals::by_account(&mine().cloned().collect::<Vec<_>>());
        if let Some(t) = totals.get(&id).filter(|t| t.metered.is_positive()) {
            let _ = writeln!(
                out,
                "    metered past the balance: {} {}, overage charged {}",
                format::credits(t.metered),
                cat.credits.plural,
                format::money(cat, t.overage)
            );
        }
        let refused = mine().filter(|e| e.kind == EntryKind::Refused).count();
        let notices = mine().filter(|e| e.kind == EntryKind::Notice).count();
        if refused + notices > 0 {
            let _ = writeln!(out, "    refusals: {refused}, notifications: {notices}");
        }
        let t = sums.get(&id).cloned().unwrap_or_default();
        let _ = writeln!(
            out,
            "    conservation: granted {} = consumed {} + expired {} + voided {} + remaining {}",
            format::credits(t.credits.granted),
            format::credits(t.credits.consumed),
            format::credits(t.credits.expired),
            format::credits(t.credits.voided),
            format::credits(t.remaining())
        );
    }
}

/// A ledger's lines grouped by account in one pass, each with its line
/// number in the whole ledger (from 1).
pub fn lines_by_account(entries: &[Entry]) -> BTreeMap<AccountId, Vec<(usize, &Entry)>> {
    let mut out: BTreeMap<AccountId, Vec<(usize, &Entry)>> = BTreeMap::new();
    for (i, e) in entries.iter().enumerate() {
        out.entry(e.account).or_default().push((i + 1, e));
    }
    out
}
