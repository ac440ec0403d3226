//! Docs, check and engine agree (issue 9): catalog variants of
//! `plans/voiceagent.toml` (unit prices, credit scales, pack minimums and
//! maximums, recharge amounts and refill targets, monthly caps) are each
//! checked, run on the engine and, when `check` accepts them, rendered.
//!
//! - `check` rejects a variant exactly when the engine would never make
//!   its auto-recharge;
//! - every figure the pages state about a recharge (the FAQ's sentence, its
//!   worked example, the spending limit, the smallest top-up on the pricing
//!   page) equals what the engine charged and granted.

use pricebook_core::catalog::{Catalog, PackOffer, RechargeRule};
use pricebook_core::money::{Credits, Money};
use pricebook_engine::command::Usage;
use pricebook_engine::ledger::{Detail, Paid};
use pricebook_engine::{Command, EntryKind, Simulation};
use pricebook_lang::compile::compile_plan_text;
use pricebook_lang::diag::{Code, Diagnostics, SourceFile, SourceMap};
use pricebook_report::docs::{self, DocFormat, PageOptions, TemplateSet};
use rust_decimal::Decimal;
use std::str::FromStr;

const PLAN: &str = include_str!("../plans/voiceagent.toml");

/// One variant of the voice-agent catalog.
#[derive(Clone, Copy, Debug)]
struct Variant {
    scale: u32,
    unit_price: &'static str,
    min: Option<u32>,
    max: Option<u32>,
    buys: Buys,
    cap: Option<&'static str>,
}

#[derive(Clone, Copy, Debug)]
enum Buys {
    Amount(&'static str),
    Refill(u32),
}

fn d(s: &str) -> Decimal {
    Decimal::from_str(s.trim_start_matches('$')).expect("a decimal")
}

fn variants() -> Vec<Variant> {
    let mut out = Vec::new();
    for scale in [0, 2] {
        for unit_price in ["$0.01", "$0.015", "$0.03", "$0.007"] {
            for (min, max) in [(None, None), (Some(500), None), (Some(100), Some(800))] {
                for buys in [Buys::Amount("$10"), Buys::Amount("$7"), Buys::Refill(1000), Buys::Refill(300)] {
                    for cap in [None, Some("$25"), Some("$5")] {
                        out.push(Variant { scale, unit_price, min, max, buys, cap });
                    }
                }
            }
        }
    }
    out
}

/// The plan file of a variant, edited from the bundled one.
fn plan_text(v: &Variant) -> String {
    let mut pack = format!("unit_price = \"{}\"\n", v.unit_price);
    if let Some(m) = v.min {
        pack += &format!("min_credits = {m}\n");
    }
    if let Some(m) = v.max {
        pack += &format!("max_credits = {m}\n");
    }
    let buys = match v.buys {
        Buys::Amount(m) => format!("buys = \"amount\"\namount = \"{m}\"\n"),
        Buys::Refill(t) => format!("buys = \"refill_to_target\"\ntarget = {t}\n"),
    };
    let cap = v.cap.map_or(String::new(), |c| format!("monthly_cap = \"{c}\"\n"));
    let replaced = [
        ("scale = 0\n", format!("scale = {}\n", v.scale)),
        ("unit_price = \"$0.01\"\nmin_credits = 500\n", pack),
        ("buys = \"amount\"\namount = \"$10\"\n", buys),
        ("settles_after = ", format!("{cap}settles_after = ")),
    ];
    let mut text = PLAN.to_string();
    for (from, to) in replaced {
        assert_eq!(text.matches(from).count(), 1, "the bundled plan changed: `{from}` no longer appears once");
        text = text.replace(from, &to);
    }
    text
}

fn compile(text: &str) -> (Option<Catalog>, Vec<Code>) {
    let mut sources = SourceMap::new();
    let file = sources.add(SourceFile::new("plans/voiceagent.toml", text));
    let mut diags = Diagnostics::new();
    let cat = compile_plan_text("voiceagent", file, &sources, &mut diags);
    (cat, diags.iter().map(|d| d.code).collect())
}

/// The same variant made by editing the compiled bundled catalog, so the
/// engine can run variants that `check` refuses.
fn patched(base: &str, v: &Variant) -> Catalog {
    let mut cat = compile(base).0.expect("the bundled plan compiles");
    cat.credits.scale = v.scale;
    cat.packs[0].offer = PackOffer::Custom {
        unit_price: Money::new(d(v.unit_price)),
        min_credits: v.min.map(|m| Credits::from(i64::from(m))),
        max_credits: v.max.map(|m| Credits::from(i64::from(m))),
    };
    let ar = cat.auto_recharge.as_mut().expect("voiceagent has auto-recharge");
    ar.buys = match v.buys {
        Buys::Amount(m) => RechargeRule::Amount(Money::new(d(m))),
        Buys::Refill(t) => RechargeRule::RefillToTarget(Credits::from(i64::from(t))),
    };
    ar.monthly_cap = v.cap.map(|c| Money::new(d(c)));
    cat
}

/// What the engine did when a new account ran out: the first automatic
/// charge, the credits it brought, and the balance once they arrived.
#[derive(Debug, PartialEq)]
struct Recharged {
    price: Decimal,
    credits: Decimal,
    balance: Decimal,
}

fn usage(credits: Decimal) -> Command {
    Command::Use(Usage {
        rate: None,
        quantity: Default::default(),
        credits: Some(Credits::new(credits)),
        project: None,
        session: None,
        operation: None,
    })
}

fn start() -> pricebook_core::calendar::Instant {
    pricebook_core::calendar::Instant::from_str("2026-03-09T09:00:00Z").expect("an instant")
}

fn hours(n: i64) -> chrono::Duration {
    chrono::Duration::hours(n)
}

fn run_out(cat: &Catalog) -> Option<Recharged> {
    let mut e = Simulation::new(cat, start());
    e.apply(start(), 0, &Command::SignUp { invited_by: None }).expect("sign-up applies");
    e.apply(start() + hours(1), 0, &usage(Decimal::ONE)).expect("usage applies");
    e.advance_to(start() + hours(24)).expect("within the budget");
    let ledger = e.ledger();
    let auto = |d: &Detail| matches!(d, Detail::Paid(Paid::Pack { auto: true, .. }, _));
    let price = ledger.iter().find(|x| x.kind == EntryKind::Charge && auto(&x.detail))?.money?.get();
    let credits = ledger
        .iter()
        .find(|x| {
            x.kind == EntryKind::Pending || (x.kind == EntryKind::Grant && matches!(x.detail, Detail::Purchase(_)))
        })?
        .credits
        .get();
    Some(Recharged { price, credits, balance: e.view(0)?.balance.get() })
}

/// Auto charges when a month's usage keeps emptying the balance: the
/// engine's answer to "never spends more than the limit".
fn monthly_charges(cat: &Catalog) -> Vec<Decimal> {
    let mut e = Simulation::new(cat, start());
    e.apply(start(), 0, &Command::SignUp { invited_by: None }).expect("sign-up applies");
    for h in 1..40 {
        let balance = e.view(0).map_or(Decimal::ZERO, |v| v.balance.get());
        e.apply(start() + hours(h * 2), 0, &usage(balance.max(Decimal::ONE))).expect("usage applies");
    }
    let auto = |d: &Detail| matches!(d, Detail::Paid(Paid::Pack { auto: true, .. }, _));
    e.ledger()
        .iter()
        .filter(|x| x.kind == EntryKind::Charge && auto(&x.detail))
        .filter_map(|x| x.money)
        .map(|m| m.get())
        .collect()
}

/// The number written right after `marker` ("$1,000.50" → 1000.50).
fn number_after(text: &str, marker: &str) -> Option<Decimal> {
    let rest = &text[text.find(marker)? + marker.len()..];
    let digits: String = rest
        .trim_start_matches('$')
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == ',' || *c == '.')
        .filter(|c| *c != ',')
        .collect();
    Decimal::from_str(digits.trim_end_matches('.')).ok()
}

/// The number written right before `marker`.
fn number_before(text: &str, marker: &str) -> Option<Decimal> {
    let head = &text[..text.find(marker)?];
    let digits: String = head
        .chars()
        .rev()
        .take_while(|c| c.is_ascii_digit() || *c == ',' || *c == '.')
        .filter(|c| *c != ',')
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    Decimal::from_str(&digits).ok()
}

fn render(cat: &Catalog) -> (String, String) {
    let mut sources = SourceMap::new();
    let mut diags = Diagnostics::new();
    let docs = docs::render_all(
        std::slice::from_ref(cat),
        &pricebook_lang::rulebook::Rulebook::default(),
        &TemplateSet::bundled(),
        &[DocFormat::Markdown],
        PageOptions::default(),
        &mut sources,
        &mut diags,
    );
    assert!(diags.is_empty(), "the docs render");
    // Pages escape Markdown (`\$10`); the figures are read as people read them.
    let page = |name: &str| docs.iter().find(|p| p.file == name).map(|p| p.text.replace("\\$", "$")).expect("rendered");
    (page("faq.md"), page("pricing.md"))
}

/// Every figure the pages state about recharging, against the engine.
fn pages_state_what_the_engine_does(v: &Variant, cat: &Catalog, did: &Recharged, charges: &[Decimal]) -> Vec<String> {
    let cap = cat.auto_recharge.as_ref().and_then(|a| a.monthly_cap).map(|m| m.get());
    let pack = cat.packs[0].offer;
    let (faq, pricing) = render(cat);
    let mut wrong = Vec::new();
    let same = |what: &str, stated: Option<Decimal>, engine: Decimal| {
        (stated != Some(engine)).then(|| format!("{v:?}: {what}: the page states {stated:?}, the engine {engine}"))
    };
    // What is bought, after "When … you have left), ".
    let line = faq.lines().find(|l| l.contains("bought automatically")).unwrap_or_default();
    let bought = line.split("), ").nth(1).unwrap_or_default();
    match v.buys {
        Buys::Amount(_) if bought.contains(" of credits (") => {
            wrong.extend(same("recharge price", number_after(bought, ""), did.price));
            wrong.extend(same("recharge credits", number_after(bought, " of credits ("), did.credits));
        }
        Buys::Amount(_) => {
            wrong.extend(same("recharge price", number_after(bought, " credits ($"), did.price));
            wrong.extend(same("recharge credits", number_after(bought, ""), did.credits));
        }
        Buys::Refill(_) => wrong.extend(same("refill target", number_after(bought, "back to "), did.balance)),
    }
    // The worked example runs another journey; its recharge is the same.
    let example = faq.split("### Auto-recharge").nth(1).and_then(|s| s.split("###").next()).unwrap_or_default();
    wrong.extend(same("example's charge", number_after(example, "Auto-recharge charges "), did.price));
    wrong.extend(same("example's credits", number_before(example, " top-up credits"), did.credits));
    if let Some(cap) = cap {
        wrong.extend(same("spending limit", number_after(&faq, "spending limit (default: "), cap));
        let spent: Decimal = charges.iter().sum();
        if spent > cap || spent + did.price <= cap {
            wrong.push(format!("{v:?}: the engine spent {spent} in a month under a limit of {cap}"));
        }
    }
    if let (PackOffer::Custom { min_credits: Some(min), .. }, Some(line)) =
        (pack, pricing.lines().find(|l| l.contains(" credits ($")))
    {
        wrong.extend(same("smallest top-up credits", number_after(line, "from "), min.get()));
        wrong.extend(same("smallest top-up price", number_after(line, " credits ($"), charged_for(cat, min)));
    }
    wrong
}

/// What the engine charges for buying `credits` of the custom pack.
fn charged_for(cat: &Catalog, credits: Credits) -> Decimal {
    let mut e = Simulation::new(cat, start());
    e.apply(start(), 0, &Command::SignUp { invited_by: None }).expect("sign-up applies");
    let buy = Command::Buy { pack: 0, credits: Some(credits), amount: None, idempotency_key: None };
    e.apply(start() + hours(1), 0, &buy).expect("the purchase applies");
    e.ledger().iter().filter(|x| x.kind == EntryKind::Charge).filter_map(|x| x.money).map(Money::get).sum()
}

#[test]
fn check_rejects_exactly_what_the_engine_cannot_do_and_pages_state_what_it_does() {
    let mut wrong = Vec::new();
    let (mut accepted, mut rejected) = (0, 0);
    for v in variants() {
        let (compiled, codes) = compile(&plan_text(&v));
        let cat = patched(PLAN, &v);
        let did = run_out(&cat);
        match (compiled, did) {
            (None, None) => {
                rejected += 1;
                let allowed = [Code::RechargeOutOfRange, Code::RechargeCapBelowPack];
                if !codes.iter().all(|c| allowed.contains(c)) {
                    wrong.push(format!("{v:?}: rejected for another reason: {codes:?}"));
                }
            }
            (None, Some(did)) => {
                wrong.push(format!("{v:?}: check rejects ({codes:?}) but the engine recharges: {did:?}"))
            }
            (Some(_), None) => wrong.push(format!("{v:?}: check accepts but the engine never recharges")),
            (Some(compiled), Some(did)) => {
                accepted += 1;
                let json = |c: &Catalog| serde_json::to_string(c).expect("serialises");
                assert_eq!(json(&compiled), json(&cat), "{v:?}: the patched catalog is not the compiled one");
                let charges = monthly_charges(&cat);
                wrong.extend(pages_state_what_the_engine_does(&v, &cat, &did, &charges));
            }
        }
    }
    assert!(
        accepted > 50 && rejected > 20,
        "the variants should cover both sides: {accepted} accepted, {rejected} rejected"
    );
    assert!(wrong.is_empty(), "{} disagreements:\n{}", wrong.len(), wrong.join("\n"));
}

/// The variants from the issue, by name.
#[test]
fn the_issues_variants() {
    let base =
        Variant { scale: 0, unit_price: "$0.01", min: Some(500), max: None, buys: Buys::Amount("$10"), cap: None };
    let expensive = Variant { unit_price: "$0.03", ..base };
    assert_eq!(compile(&plan_text(&expensive)).1, [Code::RechargeOutOfRange]);
    assert_eq!(run_out(&patched(PLAN, &expensive)), None, "the engine refuses 333 credits below a minimum of 500");
    let fine = Variant { scale: 2, unit_price: "$0.015", min: None, ..base };
    let cat = compile(&plan_text(&fine)).0.expect("accepted");
    let (faq, _) = render(&cat);
    assert!(faq.contains("$10 of credits (666.66 credits) is bought automatically"), "{faq}");
    assert!(faq.contains("A top-up of 666.66 credits is pending"), "{faq}");
    let full = PLAN.replace(
        "upgrade = { credits = \"replace\", charge = \"prorated\" }",
        "upgrade = { credits = \"add_difference\", charge = \"full\" }",
    );
    assert_eq!(compile(&full).1, [Code::UpgradeCreditsIgnored]);
}
