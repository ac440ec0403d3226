//! A sample export to try backtests without data: accounts, purchases and
//! usage for one catalog, deterministic for a seed.
//!
//! The mix is made to look like a real product's: most accounts on the
//! default plan, paid plans in decreasing shares, a fifth of payers
//! yearly; activity is heavy-tailed (a cube of a uniform draw: most users
//! light, a few heavy), heavy users buy packs, and on a plan without
//! monthly credits only those who buy packs use credits. Times fall in a window of
//! `days` days from 2026-01-01, so the same arguments give the same bytes.
//! A feature with multipliers has every fifth of its usage rows name a
//! variant (in turn), without drawing from the generator, so the other
//! cells are the same as without variants.

use crate::rng::Rng;
use crate::summary::rfc3339;
use chrono::{DateTime, Duration};
use pricebook_core::calendar::Instant;
use pricebook_core::catalog::{Catalog, PackOffer, Rate};
use std::io::{self, Write};

/// What to generate.
#[derive(Clone, Copy, Debug)]
pub struct Sample {
    pub accounts: u32,
    pub days: u32,
    pub seed: u64,
    /// Mean usage events per account per day.
    pub events_per_day: u32,
}

/// How rows are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    Csv,
    JsonLines,
}

/// The three tables' writers.
pub struct Writers<'a> {
    pub accounts: &'a mut dyn Write,
    pub purchases: &'a mut dyn Write,
    pub usage: &'a mut dyn Write,
}

/// How many rows were written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Written {
    pub accounts: u64,
    pub purchases: u64,
    pub usage: u64,
}

fn start() -> Instant {
    // 2026-01-01T00:00:00Z: fixed, so output never depends on the clock.
    DateTime::from_timestamp(1_767_225_600, 0).unwrap_or_default()
}

fn row(w: &mut dyn Write, style: Style, cols: &[&str], cells: &[&str]) -> io::Result<()> {
    match style {
        Style::Csv => writeln!(w, "{}", cells.join(",")),
        Style::JsonLines => {
            let fields: Vec<String> = cols
                .iter()
                .zip(cells)
                .filter(|(_, v)| !v.is_empty())
                .map(|(k, v)| format!("\"{k}\":\"{v}\""))
                .collect();
            writeln!(w, "{{{}}}", fields.join(","))
        }
    }
}

const ACCOUNT_COLS: &[&str] = &["account", "plan", "billing", "signed_up", "since"];
const PURCHASE_COLS: &[&str] = &["account", "time", "pack", "credits"];
const USAGE_COLS: &[&str] = &[
    "account",
    "time",
    "feature",
    "model",
    "requests",
    "input_tokens",
    "output_tokens",
    "minutes",
    "credits",
    "units",
    "variant",
];
/// Usage columns written, as indices into [`USAGE_COLS`]: `units` only for
/// a catalog with a metered feature, `variant` only for one with
/// multipliers (so other catalogs' exports stay as they were).
fn usage_cols(cat: &Catalog) -> Vec<usize> {
    let metered = cat.features.iter().flat_map(|f| &f.rates).any(|r| r.per_unit.is_some());
    let variants = cat.features.iter().any(|f| !f.multipliers.is_empty());
    (0..USAGE_COLS.len()).filter(|&i| (i != 9 || metered) && (i != 10 || variants)).collect()
}

/// How often a feature with multipliers names a variant: one row in this many.
const VARIANT_EVERY: u64 = 5;

fn header(w: &mut dyn Write, style: Style, cols: &[&str]) -> io::Result<()> {
    if style == Style::Csv { writeln!(w, "{}", cols.join(",")) } else { Ok(()) }
}

/// Quantities for one usage of a rate: (requests, input, output, minutes, units).
fn quantities(rng: &mut Rng, rate: &Rate) -> [String; 5] {
    let mut q: [String; 5] = Default::default();
    if rate.per_request.is_some() && rng.chance(300) {
        q[0] = rng.range(2, 6).to_string();
    }
    if rate.per_1k_input_tokens.is_some() || rate.per_1k_output_tokens.is_some() || rate.per_1k_tokens.is_some() {
        q[1] = rng.range(200, 20_000).to_string();
        q[2] = rng.range(50, 4_000).to_string();
    }
    if rate.per_minute.is_some() {
        let tenths = rng.range(5, 300);
        q[3] = format!("{}.{}", tenths / 10, tenths % 10);
    }
    if rate.per_unit.is_some() {
        // A few sentences to a few pages of text, or seconds to minutes of audio.
        q[4] = rng.range(20, 4_000).to_string();
    }
    q
}

/// Writes a sample export for `cat`.
pub fn generate(cat: &Catalog, s: &Sample, style: Style, w: &mut Writers<'_>) -> io::Result<Written> {
    let mut rng = Rng::new(s.seed);
    let mut n = Written::default();
    let t0 = start();
    let window = i64::from(s.days.max(1)) * 86_400;
    // Plans: the default plan takes 60%; priced plans share the rest,
    // cheaper ones more; plans priced on request are left out.
    let default = cat.default_plan.ix;
    let paid: Vec<usize> = (0..cat.plans.len()).filter(|&p| p != default && cat.plans[p].is_paid()).collect();
    let mut weights = vec![0u64; cat.plans.len()];
    weights[default] = if paid.is_empty() { 1000 } else { 600 };
    for (rank, p) in paid.iter().enumerate() {
        weights[*p] = 400 >> (rank + 1).min(8);
    }
    let rates: Vec<(usize, usize)> =
        cat.features.iter().enumerate().flat_map(|(f, ft)| (0..ft.rates.len()).map(move |r| (f, r))).collect();
    // Earlier rates are the common ones.
    let rate_weights: Vec<u64> = (0..rates.len()).map(|i| 64 >> i.min(5)).collect();
    header(w.accounts, style, ACCOUNT_COLS)?;
    header(w.purchases, style, PURCHASE_COLS)?;
    let usage_ix = usage_cols(cat);
    let usage_cols: Vec<&str> = usage_ix.iter().map(|&i| USAGE_COLS[i]).collect();
    header(w.usage, style, &usage_cols)?;
    let usage_row = |w: &mut dyn Write, cells: [&str; 11]| {
        let picked: Vec<&str> = usage_ix.iter().map(|&i| cells[i]).collect();
        row(w, style, &usage_cols, &picked)
    };
    // Usage rows of features with multipliers so far.
    let mut with_variants = 0u64;
    for a in 0..s.accounts {
        let name = format!("acct-{a:07}");
        let plan = rng.weighted(&weights);
        let yearly = plan != default && cat.plans[plan].yearly_price.is_some() && rng.chance(200);
        let signed_up = t0 - Duration::seconds(rng.range(0, 365 * 86_400) as i64)
            + Duration::seconds(rng.range(0, window as u64 / 2) as i64);
        let since = if plan == default {
            signed_up
        } else {
            let lo = signed_up.max(t0 - Duration::days(60));
            let hi = t0 + Duration::seconds(window / 3);
            lo + Duration::seconds(rng.range(0, (hi - lo).num_seconds().max(1) as u64) as i64)
        };
        let billing = if yearly { "yearly" } else { "monthly" };
        let plan_id = &cat.plans[plan].id;
        let (su, si) = (rfc3339(signed_up), rfc3339(since));
        row(w.accounts, style, ACCOUNT_COLS, &[&name, plan_id, billing, &su, &si])?;
        n.accounts += 1;
        // Activity: a cube of a uniform draw, scaled so the mean is `events_per_day`.
        let u = rng.range(0, 1001);
        let level = u * u * u; // 0 ..= 1e9, mean 2.5e8
        let mut events = (level * u64::from(s.events_per_day) * u64::from(s.days)).div_ceil(250_000_000);
        let from = signed_up.max(t0);
        let span = (t0 + Duration::seconds(window) - from).num_seconds().max(1) as u64;
        let time = |rng: &mut Rng| rfc3339(from + Duration::seconds(rng.range(0, span) as i64));
        // Heavy users buy packs.
        let packs: Vec<&str> = cat
            .packs
            .iter()
            .filter(|p| p.available_on(plan) && matches!(p.offer, PackOffer::Fixed { .. }))
            .map(|p| p.id.as_str())
            .collect();
        let buys = !packs.is_empty() && u > 800;
        // On a plan with no monthly credits only customers who buy credits use them.
        if cat.plans[plan].monthly_credits().is_zero() && !cat.plans[plan].is_unlimited() && !buys {
            events = 0;
        }
        if buys {
            for _ in 0..rng.range(1, 4) {
                let pack = packs[rng.range(0, packs.len() as u64) as usize];
                row(w.purchases, style, PURCHASE_COLS, &[&name, &time(&mut rng), pack, ""])?;
                n.purchases += 1;
            }
        }
        for _ in 0..events {
            let t = time(&mut rng);
            if rates.is_empty() {
                let credits = rng.range(1, 50).to_string();
                usage_row(w.usage, [&name, &t, "task", "", "", "", "", "", &credits, "", ""])?;
            } else {
                let (f, r) = rates[rng.weighted(&rate_weights)];
                let rate = &cat.features[f].rates[r];
                let q = quantities(&mut rng, rate);
                let feature = &cat.features[f].id;
                let multipliers = &cat.features[f].multipliers;
                let mut variant = "";
                if !multipliers.is_empty() {
                    let turn = with_variants / VARIANT_EVERY;
                    if with_variants % VARIANT_EVERY == VARIANT_EVERY - 1 {
                        variant = &multipliers[(turn % multipliers.len() as u64) as usize].variant;
                    }
                    with_variants += 1;
                }
                let cells = [&name, &t, feature, &rate.model, &q[0], &q[1], &q[2], &q[3], "", &q[4], variant];
                usage_row(w.usage, cells)?;
            }
            n.usage += 1;
        }
    }
    Ok(n)
}
