//! Rules → sentences. Each function reads one part of the [`Catalog`] and
//! says what it means for a customer, in plain English, with every number
//! formatted from the catalog. An empty list means the catalog has nothing
//! to say on the topic (the template then leaves the question out).
//!
//! Nothing here is about layout: headings, questions and order belong to
//! the templates; what a rule means belongs here.

use super::names::{Words, capitalize, count_of, join_and};
use pricebook_core::billing::{self, quote::Ask};
use pricebook_core::calendar::{Period, Unit};
use pricebook_core::catalog::{
    Allowance, ExhaustionRule, Expiry, Limit, PackOffer, Rate, RechargeRule, RolloverRule, Source,
};
use pricebook_core::money::Rounding;
use pricebook_core::policy::{
    CycleAnchor, EntitlementKind, ExpiryPrecision, OnDecline, OrderKey, ReferralTo, Refundable, SourceKind, Timing,
    UpgradeCharge, UpgradeCredits, UsedCredits, WindowStart,
};
use pricebook_lang::compile::Catalog;
use rust_decimal::Decimal;
use std::cmp::Ordering;

/// "7-day", "2-month": a period used as an adjective.
pub fn period_adjective(p: Period) -> String {
    let word = match p.unit {
        Unit::Hour => "hour",
        Unit::Day => "day",
        Unit::Week => "week",
        Unit::Month => "month",
        Unit::Year => "year",
    };
    format!("{}-{word}", p.count)
}

/// Indices of plans matching a predicate, in page order.
fn plans_where(cat: &Catalog, f: impl Fn(usize) -> bool) -> Vec<usize> {
    (0..cat.plans.len()).filter(|&i| f(i)).collect()
}

/// Indices of a restriction list, or every plan.
fn plan_ixs(cat: &Catalog, refs: Option<&Vec<pricebook_core::catalog::PlanRef>>) -> Vec<usize> {
    match refs {
        Some(rs) => rs.iter().map(|r| r.ix).collect(),
        None => (0..cat.plans.len()).collect(),
    }
}

/// " (Team and Business plans only)" when a thing is not for every plan.
fn only_on(w: &Words, cat: &Catalog, refs: Option<&Vec<pricebook_core::catalog::PlanRef>>) -> String {
    let ixs = plan_ixs(cat, refs);
    if ixs.len() == cat.plans.len() { String::new() } else { format!(" ({} only)", w.plans_phrase(&ixs)) }
}

/// The opening: what the unit is and what spends it.
pub fn what_credits_are(cat: &Catalog) -> Vec<String> {
    let w = Words::new(cat);
    let mut out = Vec::new();
    if let Some(summary) = &cat.summary {
        out.push(summary.clone());
    }
    if cat.features.is_empty() {
        if cat.summary.is_none() {
            out.push(format!("Every usage spends {}.", w.plural()));
        }
    } else {
        out.push(format!(
            "Every usage spends {}; how many depends on the feature and on its model, size or length (see the rate card).",
            w.plural()
        ));
    }
    if let Some(p) = cat.credits.usage_period {
        let overage = match p.overage {
            pricebook_core::policy::Overage::Forgive => "is written off",
            pricebook_core::policy::Overage::Carry => "is carried into the new period and paid first from what is kept",
        };
        out.push(format!(
            "Usage resets every {} from sign-up: each grant keeps what its rollover allows, and usage the balance did not cover {overage}.",
            p.every
        ));
    }
    out
}

/// What each plan grants per cycle.
pub fn allowances(cat: &Catalog) -> Vec<String> {
    let w = Words::new(cat);
    let has_packs = !cat.packs.is_empty();
    let mut out = Vec::new();
    for p in &cat.plans {
        out.push(match p.monthly_credits {
            Allowance::Monthly(c) => format!("{} includes {} per month.", p.name, w.amount(c.get())),
            Allowance::Unlimited => format!(
                "{} includes unlimited {}: usage is never refused, and every use is still recorded.",
                p.name,
                w.plural()
            ),
            Allowance::None if has_packs => {
                format!("{} includes no monthly {}: you buy {} as you need them.", p.name, w.plural(), w.plural())
            }
            Allowance::None => format!("{} includes no monthly {}.", p.name, w.plural()),
        });
    }
    if cat.plans.iter().any(|p| matches!(p.monthly_credits, Allowance::Monthly(_))) {
        out.push(format!("Monthly {} are added at the start of each billing cycle.", w.plural()));
        if has_packs {
            out.push(format!("Once your monthly {} are used up, you can buy more.", w.plural()));
        }
    }
    out
}

/// Sign-up, daily and invitation bonuses.
pub fn bonuses(cat: &Catalog) -> Vec<String> {
    let w = Words::new(cat);
    let mut out = Vec::new();
    for s in &cat.sources {
        let Some(amount) = s.amount else { continue };
        let amount = w.amount(amount.get());
        let only = only_on(&w, cat, s.plans.as_ref());
        let lasts = match s.expires {
            Expiry::Never => "they never expire".to_string(),
            Expiry::EndOfDay => {
                format!("unused ones expire at the end of the day ({}) and do not roll over to the next day", w.zone())
            }
            Expiry::EndOfCycle => "unused ones expire at the end of the billing cycle".to_string(),
            Expiry::After(p) => format!("they expire {p} after they are granted"),
        };
        match s.kind {
            SourceKind::Signup => out.push(format!("New sign-ups get {amount} as a bonus{only}; {lasts}.")),
            SourceKind::DailyActivity => {
                out.push(format!("Each day you use the app, you get {amount}{only}; {lasts}."));
            }
            SourceKind::Referral => {
                let who = match s.referral_to.unwrap_or(ReferralTo::Both) {
                    ReferralTo::Both => "you both receive",
                    ReferralTo::Inviter => "you receive",
                    ReferralTo::Invitee => "your friend receives",
                };
                out.push(format!(
                    "Share your invitation code: when a friend registers with it, {who} {amount}{only}; {lasts}."
                ));
            }
            _ => {}
        }
    }
    out
}

/// A source's lifetime in days, for ranking "soonest expiry": an upper
/// bound, since a grant may come at any point of a day or cycle.
fn lifetime_days(s: &Source) -> Option<u64> {
    match s.expires {
        Expiry::Never => None,
        Expiry::EndOfDay => Some(1),
        Expiry::EndOfCycle => Some(31 * (1 + u64::from(s.rollover.as_ref().map_or(0, |r| r.cycles)))),
        Expiry::After(p) => Some(p.max_days()),
    }
}

/// Compares two sources under one key of the consumption order as two
/// grants made at the same moment would compare; `Equal` where it depends
/// on when they were granted.
fn compare_sources(key: OrderKey, a: &Source, b: &Source) -> Ordering {
    match key {
        OrderKey::Priority => a.priority.cmp(&b.priority),
        OrderKey::SoonestExpiry => match (lifetime_days(a), lifetime_days(b)) {
            (Some(x), Some(y)) => x.cmp(&y),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        },
        OrderKey::PromotionalFirst | OrderKey::LowestCostBasis => a.funding.cmp(&b.funding),
        OrderKey::PaidFirst => b.funding.cmp(&a.funding),
        OrderKey::Oldest | OrderKey::Newest | OrderKey::OldestCreated | OrderKey::LargestAmount => Ordering::Equal,
    }
}

/// Sources grouped into tiers in spending order: sources in one tier are
/// not told apart by the order's source-level keys.
pub fn spending_tiers(cat: &Catalog) -> Vec<Vec<usize>> {
    let order = &cat.credits.consumption_order;
    let cmp = |a: &usize, b: &usize| {
        order
            .iter()
            .map(|k| compare_sources(*k, &cat.sources[*a], &cat.sources[*b]))
            .find(|o| *o != Ordering::Equal)
            .unwrap_or(Ordering::Equal)
    };
    let mut ixs: Vec<usize> = (0..cat.sources.len()).collect();
    ixs.sort_by(cmp);
    let mut tiers: Vec<Vec<usize>> = Vec::new();
    for ix in ixs {
        match tiers.last_mut() {
            Some(tier) if tier.first().is_some_and(|first| cmp(first, &ix) == Ordering::Equal) => tier.push(ix),
            _ => tiers.push(vec![ix]),
        }
    }
    tiers
}

/// Which credits are spent first.
pub fn consumption(cat: &Catalog) -> Vec<String> {
    let w = Words::new(cat);
    let order = &cat.credits.consumption_order;
    let time_word = order.iter().find_map(|k| match k {
        OrderKey::Oldest | OrderKey::OldestCreated => Some("oldest"),
        OrderKey::Newest => Some("newest"),
        _ => None,
    });
    let tiers = spending_tiers(cat);
    let mut out = Vec::new();
    if tiers.len() <= 1 {
        // Only grant-level keys decide: name them in order.
        let phrases: Vec<String> = order
            .iter()
            .filter_map(|k| match k {
                OrderKey::Oldest | OrderKey::OldestCreated => Some(format!("oldest {}", w.plural())),
                OrderKey::Newest => Some(format!("newest {}", w.plural())),
                OrderKey::LargestAmount => Some(format!("largest grants of {}", w.plural())),
                _ => None,
            })
            .collect();
        out.push(match phrases.split_first() {
            Some((first, [])) => format!("The {first} are used first, whatever their source."),
            Some((first, rest)) => {
                format!("The {first} are used first, then the {}, whatever their source.", rest.join(", then the "))
            }
            None => format!("All {} are used alike, whatever their source.", w.plural()),
        });
        return out;
    }
    let names: Vec<String> = tiers
        .iter()
        .map(|tier| {
            let names: Vec<String> = tier.iter().map(|&ix| w.source(ix)).collect();
            let within = match (tier.len() > 1, time_word) {
                (true, Some(word)) => format!(" ({word} first)"),
                _ => String::new(),
            };
            format!("{}{within}", join_and(&names))
        })
        .collect();
    let mut sentence = format!("{} are used first", capitalize(&names[0]));
    for n in &names[1..] {
        sentence.push_str(&format!(", then {n}"));
    }
    sentence.push('.');
    out.push(sentence);
    if order.first() == Some(&OrderKey::SoonestExpiry) {
        out.push(format!(
            "{} that expire sooner are always used before {} that last longer.",
            capitalize(w.plural()),
            w.plural()
        ));
    }
    if let Some(word) = time_word
        && tiers.iter().all(|t| t.len() == 1)
    {
        out.push(format!("Within each kind, the {word} {} are used first.", w.plural()));
    }
    if order.contains(&OrderKey::LargestAmount) {
        out.push(format!("Where nothing else decides, larger grants of {} are used before smaller ones.", w.plural()));
    }
    out
}

/// What a rollover rule means, e.g. "each cycle's monthly credits can be
/// used for up to 2 billing cycles (the cycle they arrive in and the next one)".
fn rollover_phrase(w: &Words, name: &str, r: &RolloverRule) -> String {
    let total = r.cycles.saturating_add(1);
    let next = if r.cycles == 1 { "the next one".to_string() } else { format!("the next {}", r.cycles) };
    let mut s = format!(
        "Unused {name} roll over: each cycle's {name} can be used for up to {total} billing cycles (the cycle they arrive in and {next}); older ones expire."
    );
    let mut caps = Vec::new();
    if let Some(max) = r.max_amount {
        caps.push(format!("at most {} of one month's grant", w.amount(max.get())));
    }
    if let Some(share) = r.max_share {
        caps.push(format!("at most {} of it", pricebook_core::format::percent(share)));
    }
    if !caps.is_empty() {
        s.push_str(&format!(" At each cycle end, {} carry over.", join_and(&caps)));
    }
    if let Some(min) = r.min_kept {
        s.push_str(&format!(" At least {} are kept at each cycle end.", w.amount(min.get())));
    }
    s
}

/// When credits expire, by source.
pub fn expiry(cat: &Catalog) -> Vec<String> {
    let w = Words::new(cat);
    let has_cycles = cat.plans.iter().any(|p| matches!(p.monthly_credits, Allowance::Monthly(_)));
    // Sources sharing a phrase are named together, in declaration order.
    let mut groups: Vec<(String, Vec<String>)> = Vec::new();
    let mut out = Vec::new();
    for (ix, s) in cat.sources.iter().enumerate() {
        if s.kind == SourceKind::Allowance && !has_cycles {
            continue;
        }
        let name = w.source(ix);
        if let (Expiry::EndOfCycle, Some(r)) = (s.expires, &s.rollover) {
            out.push(rollover_phrase(&w, &name, r));
            continue;
        }
        let phrase = match s.expires {
            Expiry::Never if has_cycles => {
                "never expire: they carry over from one billing cycle to the next until used".to_string()
            }
            Expiry::Never => "never expire".to_string(),
            Expiry::EndOfDay => format!(
                "expire at the end of the day ({}) they were granted: unused ones do not roll over to the next day",
                w.zone()
            ),
            Expiry::EndOfCycle => {
                "expire at the end of each billing cycle: unused ones do not roll over to the next cycle".to_string()
            }
            Expiry::After(p) if s.kind == SourceKind::Purchase => format!("expire {p} after they arrive"),
            Expiry::After(p) => format!("expire {p} after they are granted"),
        };
        match groups.iter_mut().find(|(p, _)| *p == phrase) {
            Some((_, names)) => names.push(name),
            None => groups.push((phrase, vec![name])),
        }
    }
    for (phrase, names) in groups {
        out.push(format!("{} {phrase}.", capitalize(&join_and(&names))));
    }
    if cat.credits.expiry_precision == ExpiryPrecision::Second {
        out.push(format!(
            "Expiry times count in whole seconds: {} expire at the start of the second their expiry falls in.",
            w.plural()
        ));
    }
    out
}

/// When a plan's cycle starts.
pub fn cycles(cat: &Catalog) -> Vec<String> {
    let w = Words::new(cat);
    let mut out = Vec::new();
    for anchor in [CycleAnchor::Registration, CycleAnchor::Subscription, CycleAnchor::CalendarMonth] {
        let ixs = plans_where(cat, |i| cat.plans[i].cycle_anchor == anchor);
        if ixs.is_empty() {
            continue;
        }
        let trial = ixs.iter().any(|&i| cat.plans[i].trial.is_some());
        let when = match anchor {
            CycleAnchor::Registration => "on the date you registered",
            CycleAnchor::Subscription if trial => "on the date of your first successful payment (after the free trial)",
            CycleAnchor::Subscription => "on the date of your first successful payment",
            CycleAnchor::CalendarMonth => "on the first day of each calendar month",
        };
        out.push(format!("On {}, your monthly billing cycle starts {when}.", w.plans_phrase(&ixs)));
    }
    if out.len() > 1 || cat.plans.iter().any(|p| p.cycle_anchor != CycleAnchor::CalendarMonth) {
        out.push(
            "Each later cycle starts on the same day of the month; in shorter months, on the month's last day."
                .to_string(),
        );
    }
    out.extend(cat.plans.iter().filter_map(|p| intro_offer(&w, p)));
    out
}

/// A plan's introductory price, with the discounted payment computed by
/// the billing module.
fn intro_offer(w: &Words, plan: &pricebook_core::catalog::Plan) -> Option<String> {
    let offer = plan.intro_offer.as_ref()?;
    let list = plan.monthly_price?;
    let at = billing::quote::Precision::of(w.cat);
    let first = billing::discount::payment(list, Some(offer), 0, at);
    let payments = match offer.cycles {
        1 => "your first monthly payment costs".to_string(),
        n => format!("your first {n} monthly payments cost"),
    };
    Some(format!(
        "On {}, {payments} {} instead of {}; later payments are the list price. The offer is for an account's first subscription payments only.",
        plan.name,
        w.money(first.get()),
        w.money(list.get()),
    ))
}

/// Yearly billing.
pub fn yearly(cat: &Catalog) -> Vec<String> {
    let w = Words::new(cat);
    let yearly: Vec<usize> = plans_where(cat, |i| cat.plans[i].yearly_price.is_some());
    if yearly.is_empty() {
        return Vec::new();
    }
    let prices: Vec<String> = yearly
        .iter()
        .filter_map(|&i| {
            let p = &cat.plans[i];
            p.yearly_price.map(|y| format!("{} a year for {}", w.money(y.get()), p.name))
        })
        .collect();
    let mut out = vec![format!("You can pay {} monthly or yearly ({}).", w.plans_phrase(&yearly), join_and(&prices))];
    if yearly.iter().any(|&i| cat.plans[i].monthly_credits() > pricebook_core::money::Credits::ZERO) {
        out.push(format!("Even if you pay yearly, your {} are added to your account every month.", w.plural()));
    }
    out
}

/// Buying credits: who may, value, payment. The
/// packs and top-ups themselves are listed by the templates from the view.
pub fn buying(cat: &Catalog) -> Vec<String> {
    let w = Words::new(cat);
    if cat.packs.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    let buyers = plans_where(cat, |i| cat.packs.iter().any(|p| p.available_on(i)));
    let uniform = cat.packs.iter().all(|p| (0..cat.plans.len()).all(|i| p.available_on(i) == buyers.contains(&i)));
    if !uniform {
        out.push("Each pack says which plans can buy it; on other plans, upgrade first.".to_string());
    } else if buyers.len() == cat.plans.len() {
        out.push(format!("You can buy more {} at any time, on any plan.", w.plural()));
    } else {
        let others = plans_where(cat, |i| !buyers.contains(&i));
        out.push(format!(
            "Only {} can buy {}; on {}, upgrade first.",
            w.plans_phrase(&buyers),
            w.plural(),
            w.plans_phrase(&others)
        ));
    }
    let fixed: Vec<(&str, Decimal, Decimal)> = cat
        .packs
        .iter()
        .filter_map(|p| match p.offer {
            PackOffer::Fixed { credits, .. } => {
                Some((p.name.as_str(), credits.get(), billing::quote::unit_price(&p.offer).unwrap_or(Decimal::MAX)))
            }
            PackOffer::Custom { .. } => None,
        })
        .collect();
    if let Some(value) = pack_value(&w, &fixed) {
        out.push(value);
    }
    out.push(format!(
        "A purchase needs a saved payment method; if the payment is declined, no {} are added.",
        w.plural()
    ));
    out
}

/// "$1 = 100 credits" when a currency unit buys a whole number of credits,
/// else the unit price.
pub fn rate_phrase(w: &Words, unit_price: Decimal) -> String {
    if unit_price > Decimal::ZERO
        && let Some(per_unit) = Decimal::ONE.checked_div(unit_price)
        && per_unit.fract().is_zero()
    {
        return format!("{} = {}", w.money(Decimal::ONE), w.amount(per_unit));
    }
    w.unit_price(unit_price)
}

/// Pack value as a sentence: larger packs are better value, or every pack
/// costs the same per credit. `fixed` holds (name, credits, unit price).
fn pack_value(w: &Words, fixed: &[(&str, Decimal, Decimal)]) -> Option<String> {
    if fixed.len() < 2 {
        return None;
    }
    let mut by_size: Vec<&(&str, Decimal, Decimal)> = fixed.iter().collect();
    by_size.sort_by_key(|a| a.1);
    let unit = |p: &(&str, Decimal, Decimal)| p.2;
    let first = by_size.first()?;
    let last = by_size.last()?;
    if by_size.iter().all(|p| unit(p) == unit(first)) {
        return Some(format!("Every pack costs the same per {}: {}.", w.singular(), w.unit_price(unit(first))));
    }
    let cheaper = by_size.windows(2).all(|pair| unit(pair[1]) < unit(pair[0]));
    cheaper.then(|| {
        format!(
            "Larger packs are better value: {} costs {}, against {} for {}.",
            last.0,
            w.unit_price(unit(last)),
            w.unit_price(unit(first)),
            first.0
        )
    })
}

/// Automatic purchases.
pub fn auto_recharge(cat: &Catalog) -> Vec<String> {
    let w = Words::new(cat);
    let Some(ar) = &cat.auto_recharge else { return Vec::new() };
    let Some(pack) = cat.packs.get(ar.pack.ix) else { return Vec::new() };
    let mut out = Vec::new();
    let plans = plan_ixs(cat, ar.plans.as_ref());
    let available = if plans.len() == cat.plans.len() {
        String::new()
    } else {
        format!(" It is available on {}.", w.plans_phrase(&plans))
    };
    out.push(if ar.enabled_by_default {
        format!(
            "Auto-recharge is on by default; you can switch it off in your billing settings at any time.{available}"
        )
    } else {
        format!("Auto-recharge is off by default; switch it on in your billing settings.{available}")
    });
    let when = if ar.threshold.is_zero() {
        format!(
            "When you run out of {} (your balance reaches zero, or a usage costs more than you have left)",
            w.plural()
        )
    } else {
        format!(
            "When your balance drops to {} or below, or a usage costs more than you have left",
            w.amount(ar.threshold.get())
        )
    };
    let what = match (ar.buys, pack.offer) {
        (RechargeRule::Pack, PackOffer::Fixed { credits, price }) => format!(
            "the {} pack ({} for {}) is bought automatically with your saved payment method",
            pack.name,
            w.amount(credits.get()),
            w.money(price.get())
        ),
        (RechargeRule::Pack, PackOffer::Custom { .. }) => {
            format!("{} {} are bought automatically with your saved payment method", pack.name, w.plural())
        }
        (RechargeRule::Amount(m), _) => match billing::quote::quote(cat, ar.pack.ix, Ask::Amount(m)) {
            // What the amount buys costs less when the unit price does not divide it.
            Ok(q) if q.price != m => format!(
                "{} {} ({} of {}, what {} buys) are bought automatically with your saved payment method",
                w.amount(q.credits.get()),
                w.plural(),
                w.money(q.price.get()),
                pack.name,
                w.money(m.get())
            ),
            Ok(q) => format!(
                "{} of {} ({}) is bought automatically with your saved payment method",
                w.money(m.get()),
                w.plural(),
                w.amount(q.credits.get())
            ),
            Err(_) => {
                format!("{} of {} is bought automatically with your saved payment method", w.money(m.get()), w.plural())
            }
        },
        (RechargeRule::RefillToTarget(t), _) => format!(
            "enough {} are bought automatically to bring your balance back to {}",
            w.plural(),
            w.amount(t.get())
        ),
    };
    out.push(format!("{when}, {what}."));
    let can_choose = cat.packs.len() > 1;
    let choose = match ar.buys {
        RechargeRule::Pack if can_choose && ar.threshold.is_zero() => Some("You can choose another pack.".to_string()),
        RechargeRule::Pack if can_choose => Some("You can choose another pack and change the threshold.".to_string()),
        RechargeRule::Pack if !ar.threshold.is_zero() => Some("You can change the threshold.".to_string()),
        RechargeRule::Pack => None,
        RechargeRule::Amount(_) => Some("You can change this amount.".to_string()),
        RechargeRule::RefillToTarget(_) => Some("You can change the target balance.".to_string()),
    };
    out.extend(choose);
    if let Some(cap) = ar.monthly_cap {
        out.push(format!(
            "Auto-recharge never spends more than your monthly spending limit (default: {}) in a calendar month ({}): a recharge that would pass it is skipped, and you are notified.",
            w.money(cap.get()),
            w.zone()
        ));
    }
    if let Some(delay) = ar.settles_after {
        out.push(format!(
            "The payment is taken at once; the {} arrive {delay} later and are shown as a pending top-up until then.",
            w.plural()
        ));
    }
    out.push(match ar.on_decline {
        OnDecline::Disable => format!(
            "If the payment is declined, no {} are added and auto-recharge is switched off until you turn it on again.",
            w.plural()
        ),
        OnDecline::Retry => format!(
            "If the payment is declined, no {} are added; auto-recharge stays on and tries again next time.",
            w.plural()
        ),
    });
    out
}

/// What happens when the balance does not cover a usage.
pub fn exhaustion(cat: &Catalog) -> Vec<String> {
    let w = Words::new(cat);
    let mut out = Vec::new();
    let more = {
        let mut ways = Vec::new();
        if !cat.packs.is_empty() {
            ways.push(format!("buy more {}", w.plural()));
        }
        if cat.plans.iter().any(|p| matches!(p.monthly_credits, Allowance::Monthly(_))) {
            ways.push(format!("wait for your next monthly {}", w.plural()));
        }
        ways
    };
    let metered = plans_where(cat, |i| cat.plans[i].overage.is_some());
    out.extend(metered.iter().filter_map(|&i| overage(&w, &cat.plans[i])));
    if !metered.is_empty() {
        out.push(
            "You can set a limit on what usage past your balance may cost per billing cycle; usage that would pass it is refused."
                .to_string(),
        );
    }
    match cat.credits.on_exhaustion {
        ExhaustionRule::Refuse => {
            let lead = if metered.is_empty() { "Once" } else { "On the other plans, once" };
            out.push(format!(
                "{lead} your balance cannot cover a usage, the usage is refused: features that spend {} are unavailable, and your balance never goes below zero.",
                w.plural()
            ));
        }
        ExhaustionRule::OverdrawOnce => {
            out.push(
                "A task can start as long as your balance is above zero, even if it costs more than you have left: your balance may then go below zero."
                    .to_string(),
            );
            out.push(format!(
                "A negative balance is shown as 0, and further usage is refused until new {} are added; new {} pay off the negative amount first.",
                w.plural(),
                w.plural()
            ));
        }
        ExhaustionRule::Overdraft { limit } => {
            let until = limit.map_or(String::new(), |l| format!(" until you owe {}", w.amount(l.get())));
            out.push(format!(
                "Usage is not refused{until}: what your balance lacks is owed, and the next {} you receive pay it off first.",
                w.plural()
            ));
        }
    }
    if cat.auto_recharge.is_some() && cat.credits.on_exhaustion != (ExhaustionRule::Overdraft { limit: None }) {
        out.push("If auto-recharge is on, it gets one chance to buy more before a usage is refused.".to_string());
    }
    if !more.is_empty() {
        out.push(format!("To continue, {}.", super::names::join_or(&more)));
    }
    let unlimited = plans_where(cat, |i| cat.plans[i].is_unlimited());
    if !unlimited.is_empty() {
        out.push(format!("On {}, usage is never refused; every use is still recorded.", w.plans_phrase(&unlimited)));
    }
    out
}

/// One plan's metered overage, with a worked figure from the billing
/// module (what ten times the quoted quantity costs).
fn overage(w: &Words, plan: &pricebook_core::catalog::Plan) -> Option<String> {
    let rate = plan.overage?;
    let at = billing::quote::Precision::of(w.cat);
    let example = rate.per * Decimal::TEN;
    let cost = billing::overage::price(&rate, example, at)?;
    let when = match rate.charge_at {
        Some(t) => format!("charged at once when {} is owed, otherwise", w.money(t.get())),
        None => "charged".to_string(),
    };
    Some(format!(
        "On {}, usage your balance cannot cover is not refused: it is billed at {} per {} ({} past your balance cost {}), {when} at the end of the billing cycle or when you change plans.",
        plan.name,
        w.money(rate.price.get()),
        w.amount(rate.per.get()),
        w.amount(example.get()),
        w.money(cost.get()),
    ))
}

/// Low-balance warnings.
pub fn warnings(cat: &Catalog) -> Vec<String> {
    let w = Words::new(cat);
    if cat.low_balance_warnings.is_empty() {
        return Vec::new();
    }
    let shares: Vec<String> = cat.low_balance_warnings.iter().map(|s| pricebook_core::format::percent(*s)).collect();
    let mut out = vec![format!(
        "You receive a notification when your balance drops below {} of your plan's monthly allocation, each at most once per billing cycle.",
        join_and(&shares)
    )];
    let per_plan: Vec<String> = cat
        .plans
        .iter()
        .filter_map(|p| match p.monthly_credits {
            Allowance::Monthly(c) => {
                let marks: Vec<String> = cat
                    .low_balance_warnings
                    .iter()
                    .map(|s| pricebook_core::format::group(c.get().saturating_mul(*s)))
                    .collect();
                Some(format!("below {} {} on {}", join_and(&marks), w.plural(), p.name))
            }
            _ => None,
        })
        .collect();
    if !per_plan.is_empty() {
        out.push(format!("That is {}.", per_plan.join("; ")));
    }
    out
}

/// Free trials.
pub fn trials(cat: &Catalog) -> Vec<String> {
    let w = Words::new(cat);
    let mut periods: Vec<Period> = cat.plans.iter().filter_map(|p| p.trial).collect();
    periods.sort();
    periods.dedup();
    let mut out = Vec::new();
    for period in periods {
        let ixs = plans_where(cat, |i| cat.plans[i].trial == Some(period));
        let credits = if ixs.iter().any(|&i| cat.plans[i].monthly_credits() > pricebook_core::money::Credits::ZERO) {
            format!("you get the plan's monthly {} during the trial and pay nothing", w.plural())
        } else {
            "you pay nothing during the trial".to_string()
        };
        let come = if ixs.len() == 1 { "comes" } else { "come" };
        out.push(format!("{} {come} with a {} free trial: {credits}.", w.plans(&ixs), period_adjective(period)));
    }
    if !out.is_empty() {
        out.push(
            "You can cancel at any time within the trial at no charge; otherwise the first payment is taken when the trial ends, and your first billing cycle starts then."
                .to_string(),
        );
        out.push("Each account gets one free trial.".to_string());
    }
    out
}

/// Refunds.
pub fn refunds(cat: &Catalog) -> Vec<String> {
    let w = Words::new(cat);
    let policy = &cat.refunds;
    let mut out = Vec::new();
    let Some(window) = policy.window.filter(|_| !policy.applies_to.is_empty()) else {
        let mut things = Vec::new();
        if cat.plans.iter().any(|p| p.is_paid()) {
            things.push("subscription payments".to_string());
        }
        if cat.plans.iter().any(|p| matches!(p.monthly_credits, Allowance::Monthly(_))) {
            things.push(format!("monthly {}", w.plural()));
        }
        if !cat.packs.is_empty() {
            things.push("purchases".to_string());
        }
        if !cat.addons.is_empty() {
            things.push("add-ons".to_string());
        }
        if things.is_empty() {
            out.push("Nothing is refundable.".to_string());
        } else {
            out.push(format!("{} are non-refundable.", capitalize(&join_and(&things))));
        }
        return out;
    };
    let kinds: Vec<String> = policy
        .applies_to
        .iter()
        .map(|k| match k {
            Refundable::Subscription => "subscription".to_string(),
            Refundable::Pack => "pack purchase".to_string(),
            Refundable::Addon => "add-on".to_string(),
        })
        .collect();
    let since = match policy.window_starts {
        WindowStart::Payment => "of paying",
        WindowStart::SubscriptionStart => "of the subscription's start (a free trial counts)",
    };
    let mut first =
        format!("You can cancel any {} within {window} {since} for a full refund", super::names::join_or(&kinds));
    if let Some(share) = policy.max_used_share {
        first.push_str(&format!(
            ", as long as no more than {} of its {} have been used",
            pricebook_core::format::percent(share),
            w.plural()
        ));
    }
    first.push('.');
    out.push(first);
    out.push(format!("The {} left from a refunded purchase are removed.", w.plural()));
    out.push(match policy.used_credits {
        UsedCredits::Rebook => format!(
            "{} you already spent from it are charged again to your other {}, so your balance may drop below zero.",
            capitalize(w.plural()),
            w.plural()
        ),
        UsedCredits::Forgive => format!("{} you already spent from it are not charged again.", capitalize(w.plural())),
    });
    if policy.applies_to.contains(&Refundable::Subscription) {
        let default = &cat.plans[cat.default_plan.ix];
        let mut s = format!("Refunding a subscription returns you to the {} plan", default.name);
        if policy.reset_anchor {
            s.push_str(match default.cycle_anchor {
                CycleAnchor::Registration => ", your billing cycle goes back to your registration date",
                CycleAnchor::CalendarMonth => ", your billing cycle goes back to calendar months",
                CycleAnchor::Subscription => ", your billing cycle starts again",
            });
        }
        match default.monthly_credits {
            Allowance::Monthly(c) => s.push_str(&format!(
                ", and your balance is recomputed under {} rules: you get its {} for the current cycle, less what you already used of them",
                default.name,
                w.amount(c.get())
            )),
            _ => s.push_str(&format!(", and your balance is recomputed under {} rules", default.name)),
        }
        s.push('.');
        out.push(s);
        let has_bonus = cat
            .sources
            .iter()
            .any(|s| matches!(s.kind, SourceKind::Signup | SourceKind::Referral | SourceKind::DailyActivity));
        if has_bonus {
            out.push(if policy.void_bonuses {
                "Bonus credits are removed as well.".to_string()
            } else {
                "Bonus credits you received are kept.".to_string()
            });
        }
    }
    out
}

/// Add-ons billed in credits or money.
pub fn addons(cat: &Catalog) -> Vec<String> {
    let w = Words::new(cat);
    if cat.addons.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    let in_credits = cat.addons.iter().any(|a| a.monthly_credits.is_some());
    let in_money = cat.addons.iter().any(|a| a.monthly_price.is_some());
    let what = match (in_credits, in_money) {
        (true, true) => format!("deduct a set number of {} or cost a set price", w.plural()),
        (true, false) => format!("deduct a set number of {}", w.plural()),
        _ => "cost a set price".to_string(),
    };
    out.push(format!(
        "Add-ons {what} every month while they are on: the first month when you switch one on, then at the start of each billing cycle, after that cycle's {} arrive.",
        w.plural()
    ));
    out.push("If an add-on's month cannot be paid, the add-on is switched off and you are notified.".to_string());
    out
}

/// Upgrades, downgrades and cancelling.
pub fn plan_changes(cat: &Catalog) -> Vec<String> {
    let w = Words::new(cat);
    let policy = &cat.plan_changes;
    let default = cat.default_plan.ix;
    let priced: Vec<usize> = plans_where(cat, |i| i != default && cat.plans[i].monthly_price.is_some());
    let mut out = Vec::new();
    if priced.len() >= 2 {
        let charge = match policy.upgrade_charge {
            UpgradeCharge::Prorated => "you pay the price difference for the rest of the current billing cycle",
            UpgradeCharge::Full => "you pay the new plan's full price, and a new billing cycle starts",
            UpgradeCharge::None => "the new price applies from the next billing cycle",
        };
        let credits = match (policy.upgrade_charge, policy.upgrade_credits) {
            (UpgradeCharge::Full, _) | (_, UpgradeCredits::Replace) => {
                format!("your unused monthly {} are replaced by the new plan's full monthly {}", w.plural(), w.plural())
            }
            (_, UpgradeCredits::AddDifference) => format!(
                "you receive the difference between the two plans' monthly {} on top of what you have",
                w.plural()
            ),
            (_, UpgradeCredits::Prorate) => format!(
                "you receive the difference between the two plans' monthly {}, in proportion to the time left in the cycle",
                w.plural()
            ),
        };
        out.push(format!("Upgrading takes effect at once: {charge}, and {credits}."));
        out.push(
            match policy.downgrade {
                Timing::EndOfCycle => "Moving to a cheaper plan takes effect at the end of the current billing cycle.",
                Timing::Immediately => "Moving to a cheaper plan takes effect at once.",
            }
            .to_string(),
        );
    }
    if cat.plans.iter().enumerate().any(|(i, p)| i != default && p.is_paid()) {
        let name = &cat.plans[default].name;
        out.push(match policy.cancel {
            Timing::EndOfCycle => {
                format!("Cancelling takes effect at the end of the current billing cycle; you then return to the {name} plan.")
            }
            Timing::Immediately => format!("Cancelling takes effect at once; you return to the {name} plan."),
        });
    }
    out
}

/// Plan limits that are not credits.
pub fn limits(cat: &Catalog) -> Vec<String> {
    let w = Words::new(cat);
    let mut out = Vec::new();
    for (ix, e) in cat.entitlements.iter().enumerate() {
        match e.kind {
            EntitlementKind::Limit => {
                let per_plan: Vec<String> = cat
                    .plans
                    .iter()
                    .map(|p| match p.limit(ix) {
                        Some(Limit::Count(n)) => {
                            format!("{} on {}", pricebook_core::format::group(Decimal::from(n)), p.name)
                        }
                        Some(Limit::Unlimited) => format!("unlimited on {}", p.name),
                        None => format!("none on {}", p.name),
                    })
                    .collect();
                out.push(format!(
                    "The number of {} depends on your plan: {}. Adding one more than your plan allows is refused.",
                    e.name,
                    join_and(&per_plan)
                ));
            }
            EntitlementKind::Flag => {
                let with = plans_where(cat, |i| cat.plans[i].has_flag(ix));
                let needs: Vec<String> = cat
                    .features
                    .iter()
                    .filter(|f| f.requires.as_ref().is_some_and(|r| r.ix == ix))
                    .map(|f| f.name.clone())
                    .collect();
                let mut s = if with.is_empty() {
                    format!("{} is not included in any plan.", capitalize(&e.name))
                } else {
                    format!("{} is included in {}.", e.name, w.plans_phrase(&with))
                };
                if !needs.is_empty() {
                    s.push_str(&format!(" {} needs it; on other plans it is refused.", join_and(&needs)));
                }
                out.push(s);
            }
        }
    }
    out
}

/// One rate of the rate card as text: "5 credits per 1,000 tokens (input + output)".
pub fn rate_cost(w: &Words, f: &pricebook_core::catalog::Feature, r: &Rate) -> String {
    let thousand = Decimal::from(1000);
    let mut parts = Vec::new();
    if let Some(c) = r.per_request {
        parts.push(format!("{} per use", w.amount(c.get())));
    }
    if let Some(c) = r.per_1k_input_tokens {
        parts.push(format!("{} per 1,000 input tokens", w.amount(c.get())));
    }
    if let Some(c) = r.per_1k_output_tokens {
        parts.push(format!("{} per 1,000 output tokens", w.amount(c.get())));
    }
    if let Some(c) = r.per_1k_tokens {
        // "1,000 tokens per 1,000 tokens" reads better as "1 token per token".
        let per_token = c.get() / thousand;
        if per_token.fract().is_zero() && per_token > Decimal::ZERO {
            parts.push(format!("{} per token processed (input + output)", w.amount(per_token)));
        } else {
            parts.push(format!("{} per 1,000 tokens (input + output)", w.amount(c.get())));
        }
    }
    if let Some(c) = r.per_minute {
        parts.push(format!("{} per minute", w.amount(c.get())));
    }
    if let (Some(c), Some(unit)) = (r.per_unit, &f.unit) {
        parts.push(format!("{} per {unit}", w.amount(c.get())));
    }
    if parts.is_empty() {
        return format!("no {}", w.plural());
    }
    let mut cost = parts.join(" + ");
    // Stated before the cap because the cap applies to the multiplied cost.
    for m in &f.multipliers {
        let name = m.display_name.as_deref().unwrap_or(&m.variant);
        cost.push_str(&format!(", ×{} for {name}", m.factor.normalize()));
    }
    match f.max_per_use {
        Some(cap) => format!("{cost}, at most {} per use", w.amount(cap.get())),
        None => cost,
    }
}

/// How a rate card's costs are rounded.
pub fn rounding(cat: &Catalog) -> Vec<String> {
    let w = Words::new(cat);
    if cat.features.is_empty() {
        return Vec::new();
    }
    let rule = cat.features.first().map_or(cat.credits.rounding, |f| f.rounding);
    if cat.features.iter().any(|f| f.rounding != rule) {
        return Vec::new();
    }
    let to = if cat.credits.scale == 0 {
        format!("a whole {}", w.singular())
    } else {
        count_of(u64::from(cat.credits.scale), "decimal places")
    };
    let how = match rule {
        Rounding::Up => "rounded up",
        Rounding::Down => "rounded down",
        Rounding::HalfUp | Rounding::HalfEven => "rounded",
    };
    vec![format!("Each usage's cost is {how} to {to}.")]
}

/// Transfers between accounts.
pub fn transfers(cat: &Catalog) -> Vec<String> {
    let w = Words::new(cat);
    vec![if cat.credits.transferable {
        format!("You can transfer {} to another account.", w.plural())
    } else {
        format!("{} are tied to your account and cannot be transferred to another account.", capitalize(w.plural()))
    }]
}

/// Giving used credits back: failed operations and support.
pub fn corrections(cat: &Catalog) -> Vec<String> {
    let w = Words::new(cat);
    let mut out = Vec::new();
    let failed = cat.credits.refund_failed_operations;
    if failed {
        out.push(format!(
            "If an operation fails, the {} it used are returned to your balance with their original expiry; {} that expired in the meantime are not returned.",
            w.plural(),
            w.plural()
        ));
    }
    if cat.source_of_kind(SourceKind::Adjustment).is_some() {
        let otherwise = if failed { "Otherwise, used" } else { "Used" };
        out.push(format!(
            "{otherwise} {} are not reversed. If your balance was consumed by a bug or system error, report it with screenshots or request logs: support can add the {} back as an adjustment.",
            w.plural(),
            w.plural()
        ));
    }
    out
}

/// What the history shows.
pub fn history(cat: &Catalog) -> Vec<String> {
    let w = Words::new(cat);
    let labels: Vec<String> = cat.sources.iter().map(|s| s.label.clone()).collect();
    let mut out = vec![format!(
        "Your history lists every transaction with its amount, type and time: how {} were added ({}) and how they were spent (consume).",
        w.plural(),
        super::names::join_or(&labels)
    )];
    if !cat.features.is_empty() {
        out.push(
            "Each usage shows what it was spent on (the feature and model), with its project and session.".to_string(),
        );
    }
    if !cat.addons.is_empty() {
        out.push("Add-on months show which add-on they paid for.".to_string());
    }
    if cat.auto_recharge.is_some() {
        out.push("Each purchase shows whether you made it or auto-recharge did.".to_string());
    }
    if cat.credits.refund_failed_operations {
        out.push(format!("{} returned for a failed operation appear as refund.", capitalize(w.plural())));
    }
    if cat.auto_recharge.as_ref().is_some_and(|a| a.settles_after.is_some()) {
        out.push("Pending top-ups are shown until their credits arrive.".to_string());
    }
    out.push(format!("Your balance is the {} added, less those used, expired or removed.", w.plural()));
    out
}
