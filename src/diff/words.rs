//! Values in words, the way a pricing page or a reviewer says them:
//! `soonest_expiry` → "soonest expiry", an expiry → "after 2 months", a pack
//! → "1,000,000 tokens for €5.00, €5.00 per 1M tokens". Used by the change
//! list and the lints; nothing here compares.

use pricebook_core::catalog::{Allowance, AutoRecharge, Expiry, Pack, PackOffer, Plan, Rate, RechargeRule, Source};
use pricebook_core::format;
use pricebook_core::money::{Credits, Money};
use pricebook_lang::compile::Catalog;
use rust_decimal::Decimal;
use serde::Serialize;

/// A snake_case enum value in words: `soonest_expiry` → "soonest expiry".
pub(super) fn word<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s.replace('_', " "),
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

pub(super) fn share(d: Decimal) -> String {
    format!("{}%", (d * Decimal::ONE_HUNDRED).normalize())
}

pub(super) fn expiry(e: &Expiry) -> String {
    match e {
        Expiry::Never => "never".into(),
        Expiry::EndOfDay => "end of day".into(),
        Expiry::EndOfCycle => "end of cycle".into(),
        Expiry::After(p) => format!("after {p}"),
    }
}

pub(super) fn months(n: u32) -> String {
    match n {
        0 => "none".into(),
        1 => "1 month".into(),
        n => format!("{n} months"),
    }
}

/// "Starter pack"; a name that already says "pack" is kept.
pub(super) fn pack_subject(p: &Pack) -> String {
    if p.name.to_lowercase().ends_with("pack") { p.name.clone() } else { format!("{} pack", p.name) }
}

pub(super) fn rate_subject(feature: &str, model: &str) -> String {
    if model == "default" { feature.to_string() } else { format!("{feature} ({model})") }
}

/// The rate parts, named, for comparison field by field.
pub(super) fn rate_parts(r: &Rate) -> [(&'static str, &'static str, Option<Credits>); 5] {
    [
        ("per_request", "per request", r.per_request),
        ("per_1k_input_tokens", "per 1K input tokens", r.per_1k_input_tokens),
        ("per_1k_output_tokens", "per 1K output tokens", r.per_1k_output_tokens),
        ("per_1k_tokens", "per 1K tokens", r.per_1k_tokens),
        ("per_minute", "per minute", r.per_minute),
    ]
}

pub(super) use pricebook_core::billing::quote::unit_price;

/// "per 1M tokens", "per credit", "per 1K credits".
pub(super) fn per_label(cat: &Catalog) -> String {
    let per = cat.credits.price_per.get();
    if per == Decimal::ONE {
        return format!("per {}", cat.credits.unit);
    }
    let (scaled, suffix) = [(1_000_000_000i64, "B"), (1_000_000, "M"), (1_000, "K")]
        .iter()
        .find_map(|&(n, s)| {
            let n = Decimal::from(n);
            (per >= n && (per % n).is_zero()).then(|| (per / n, s))
        })
        .unwrap_or((per, ""));
    format!("per {}{suffix} {}", format::group(scaled), cat.credits.plural)
}

/// A unit price as quoted: `€5.00 per 1M tokens`.
pub(super) fn quote(cat: &Catalog, unit: Decimal) -> String {
    format!("{} {}", quote_money(cat, unit), per_label(cat))
}

/// The money part of [`quote`]: the price of `price_per` credits, to at
/// most four decimals (a unit price like 10/3 does not end).
pub(super) fn quote_money(cat: &Catalog, unit: Decimal) -> String {
    let per = cat.credits.price_per.get();
    let value = unit.checked_mul(per).unwrap_or(unit).round_dp(4).normalize();
    format::money(cat, Money::new(value))
}

/// "unit price €5.00 → €6.00 per 1M tokens": the quote unit is written once
/// when both sides quote per the same amount.
pub(super) fn unit_change(oc: &Catalog, ou: Decimal, nc: &Catalog, nu: Decimal) -> String {
    if per_label(oc) == per_label(nc) {
        format!("{} → {} {}", quote_money(oc, ou), quote_money(nc, nu), per_label(nc))
    } else {
        format!("{} → {}", quote(oc, ou), quote(nc, nu))
    }
}

pub(super) fn offer_words(cat: &Catalog, offer: &PackOffer) -> String {
    match *offer {
        PackOffer::Fixed { credits, price } => {
            let mut s =
                format!("{} {} for {}", format::credits(credits), cat.credits.plural, format::money(cat, price));
            if let Some(u) = unit_price(offer) {
                s.push_str(&format!(", {}", quote(cat, u)));
            }
            s
        }
        PackOffer::Custom { unit_price, min_credits, max_credits } => {
            let mut s = format!("custom amount at {}", quote(cat, unit_price.get()));
            if let Some(m) = min_credits {
                s.push_str(&format!(", from {}", format::credits(m)));
            }
            if let Some(m) = max_credits {
                s.push_str(&format!(", up to {}", format::credits(m)));
            }
            s
        }
    }
}

pub(super) fn plan_words(cat: &Catalog, p: &Plan) -> String {
    let mut parts = vec![match p.monthly_price {
        Some(m) => format!("{}/month", format::money(cat, m)),
        None => "priced on request".into(),
    }];
    match p.monthly_credits {
        Allowance::Monthly(c) => parts.push(format!("{} {}/month", format::credits(c), cat.credits.plural)),
        Allowance::Unlimited => parts.push(format!("unlimited {}", cat.credits.plural)),
        Allowance::None => {}
    }
    if let Some(t) = p.trial {
        parts.push(format!("{t} trial"));
    }
    parts.join(", ")
}

pub(super) fn source_words(cat: &Catalog, s: &Source) -> String {
    let mut w = word(&s.kind);
    if let Some(a) = s.amount {
        w.push_str(&format!(", {} {}", format::credits(a), cat.credits.plural));
    }
    w.push_str(&format!(", expires {}", expiry(&s.expires)));
    w
}

pub(super) fn recharge_words(cat: &Catalog, a: &AutoRecharge) -> String {
    let buys = match a.buys {
        RechargeRule::Pack => format!("buys pack {}", a.pack.id),
        RechargeRule::Amount(m) => format!("buys {} of {}", format::money(cat, m), a.pack.id),
        RechargeRule::RefillToTarget(t) => format!("refills to {} from {}", format::credits(t), a.pack.id),
    };
    let mut s = format!("{buys} at or below {} {}", format::credits(a.threshold), cat.credits.plural);
    if let Some(cap) = a.monthly_cap {
        s.push_str(&format!(", cap {}/month", format::money(cat, cap)));
    }
    s
}
