//! Which worked examples a catalog gets, and the journeys behind them.
//!
//! Each builder looks at what the catalog has (a pack, a daily bonus, an
//! overdraft rule, a rollover, auto-recharge …), drives a fresh engine
//! through a short journey and returns `None` when the catalog has nothing
//! of the kind. Amounts are picked from the catalog (a plan's allowance, a
//! pack's size), so the examples follow the plan file when it changes.

use super::journey::{FRIEND, Journey};
use super::view::Example;
use pricebook_core::billing::quote;
use pricebook_core::catalog::{Allowance, ExhaustionRule, PackOffer};
use pricebook_core::money::{Credits, Money};
use pricebook_core::policy::Billing;
use pricebook_core::policy::{Refundable, SourceKind};
use pricebook_engine::Command;
use pricebook_engine::command::RechargeSettings;
use pricebook_lang::compile::Catalog;
use rust_decimal::Decimal;

/// Every example that applies to the catalog, in the order the FAQ shows them.
pub fn build(cat: &Catalog) -> Vec<Example> {
    [
        getting_started(cat),
        buying_a_pack(cat),
        invitation(cat),
        overdraft(cat),
        running_out(cat),
        auto_recharge(cat),
        declined_payment(cat),
        spending_limit(cat),
        low_balance(cat),
        rollover(cat),
        addon(cat),
        trial(cat),
        refund(cat),
        failed_operation(cat),
        yearly(cat),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// The first plan (in page order) that is not the default, has a price and
/// satisfies `f`: the plan an example subscribes to.
fn paid_plan(cat: &Catalog, f: impl Fn(usize) -> bool) -> Option<usize> {
    (0..cat.plans.len())
        .find(|&i| i != cat.default_plan.ix && cat.plans[i].monthly_price.is_some_and(|p| p.is_positive()) && f(i))
}

/// Puts [`super::journey::YOU`] on a plan with monthly credits: the default
/// plan if it has some, else a paid plan (without its trial). Returns the plan.
fn on_plan_with_credits(j: &mut Journey, extra: impl Fn(usize) -> bool) -> Option<usize> {
    let cat = j.cat;
    let default = cat.default_plan.ix;
    let has_credits = |i: usize| matches!(cat.plans[i].monthly_credits, Allowance::Monthly(_));
    if has_credits(default) && extra(default) {
        j.step("You sign up.", Command::SignUp { invited_by: None })?;
        return Some(default);
    }
    let plan = paid_plan(cat, |i| has_credits(i) && extra(i))?;
    j.quietly(Command::SignUp { invited_by: None })?;
    j.later_hours(1);
    let p = &cat.plans[plan];
    let skip = if p.trial.is_some() { ", skipping the free trial" } else { "" };
    j.step(
        format!("You sign up and subscribe to {}{skip}.", p.name),
        Journey::subscribe(plan, Billing::Monthly, false),
    )?;
    Some(plan)
}

/// The pack an example buys: the second fixed pack when there are several
/// (the seeds' "Standard"), else the first pack; with its credits.
fn example_pack(cat: &Catalog, plan: usize) -> Option<(usize, Credits)> {
    let usable: Vec<usize> = (0..cat.packs.len()).filter(|&i| cat.packs[i].available_on(plan)).collect();
    let fixed: Vec<usize> =
        usable.iter().copied().filter(|&i| matches!(cat.packs[i].offer, PackOffer::Fixed { .. })).collect();
    let ix = match fixed.as_slice() {
        [_, second, ..] => *second,
        [only] => *only,
        [] => *usable.first()?,
    };
    let credits = match cat.packs[ix].offer {
        PackOffer::Fixed { credits, .. } => credits,
        PackOffer::Custom { min_credits, unit_price, .. } => {
            // The smallest top-up, or what ten currency units buy.
            let ten = quote::credits_for(unit_price, Money::new(Decimal::TEN), quote::Precision::of(cat));
            min_credits.or(ten).unwrap_or(Credits::from(1))
        }
    };
    Some((ix, credits))
}

fn buy(pack: usize, credits: Credits, custom: bool) -> Command {
    Command::Buy { pack, credits: custom.then_some(credits), amount: None, idempotency_key: None }
}

/// "the Standard pack" / "1,000 credits of Add-On Pack".
fn pack_phrase(j: &Journey, pack: usize, credits: Credits) -> String {
    let p = &j.cat.packs[pack];
    match p.offer {
        PackOffer::Fixed { .. } => format!("the {} pack", p.name),
        PackOffer::Custom { .. } => format!("{} ({})", j.w.amount(credits.get()), p.name),
    }
}

/// Signing up: what a new account gets, and a first usage showing which
/// credits go first.
fn getting_started(cat: &Catalog) -> Option<Example> {
    let mut j = Journey::new(cat);
    j.step("You sign up.", Command::SignUp { invited_by: None })?;
    if !j.balance().is_positive() {
        return None;
    }
    let daily = cat.sources.iter().find(|s| s.kind == SourceKind::DailyActivity).and_then(|s| s.amount);
    // A usage a little larger than the daily bonus shows the bonus going
    // first and the next kind of credits after it.
    let cost = match daily {
        Some(d) => d.get().saturating_add(d.get() / Decimal::TWO),
        None => (j.balance().get() / Decimal::TEN).round_dp(0).max(Decimal::ONE),
    };
    j.later_hours(2);
    j.step(format!("Later that day you run a task costing {}.", j.w.amount(cost)), Journey::usage(cost, None))?;
    let title = if daily.is_some() { "Signing up and the daily bonus" } else { "Signing up" };
    j.finish("getting-started", title.to_string(), false)
}

/// Buying a pack on a paid plan; on a plan that may not buy, the refusal
/// first.
fn buying_a_pack(cat: &Catalog) -> Option<Example> {
    let default = cat.default_plan.ix;
    let plan = if cat.packs.iter().any(|p| p.available_on(default)) && cat.plans[default].is_paid() {
        default
    } else {
        paid_plan(cat, |i| cat.packs.iter().any(|p| p.available_on(i))).unwrap_or(default)
    };
    let (pack, credits) = example_pack(cat, plan)?;
    let custom = matches!(cat.packs[pack].offer, PackOffer::Custom { .. });
    let mut j = Journey::new(cat);
    j.step("You sign up.", Command::SignUp { invited_by: None })?;
    let what = pack_phrase(&j, pack, credits);
    if !cat.packs[pack].available_on(default) {
        j.later_hours(1);
        j.step(format!("You try to buy {what}."), buy(pack, credits, custom))?;
    }
    if plan != default {
        j.later_hours(1);
        let p = &cat.plans[plan];
        let skip = if p.trial.is_some() { ", skipping the free trial" } else { "" };
        j.step(format!("You subscribe to {}{skip}.", p.name), Journey::subscribe(plan, Billing::Monthly, false))?;
    }
    j.later_hours(1);
    j.step(format!("You buy {what}."), buy(pack, credits, custom))?;
    let title = format!("Buying {what} on the {} plan", cat.plans[plan].name);
    j.finish("buying-a-pack", title, true)
}

/// An invitation: both sides get the bonus.
fn invitation(cat: &Catalog) -> Option<Example> {
    cat.source_of_kind(SourceKind::Referral)?;
    let mut j = Journey::new(cat);
    j.step("You sign up.", Command::SignUp { invited_by: None })?;
    j.later_days(1);
    j.step_for(
        FRIEND,
        "A friend registers with your invitation code.",
        Command::SignUp { invited_by: Some(super::journey::YOU) },
    )?;
    let friend = j.engine.view(FRIEND)?.balance;
    let last = j.w.amount(friend.get());
    j.note("Your friend looks at their balance.", format!("It is {last}, their invitation bonus included."));
    j.finish("invitation", "Inviting a friend".to_string(), false)
}

/// A task that takes the balance below zero, then a refusal, then new
/// credits paying the deficit.
fn overdraft(cat: &Catalog) -> Option<Example> {
    if cat.credits.on_exhaustion == ExhaustionRule::Refuse {
        return None;
    }
    let mut j = Journey::new(cat);
    j.step("You sign up.", Command::SignUp { invited_by: None })?;
    let daily = cat
        .sources
        .iter()
        .find(|s| s.kind == SourceKind::DailyActivity && s.applies_to(cat.default_plan.ix))
        .and_then(|s| s.amount)
        .map_or(Decimal::ZERO, |c| c.get());
    let (pack, top_up) = example_pack(cat, cat.default_plan.ix)?;
    // Overdraw by half of the top-up, so buying it clears the deficit.
    let over = (top_up.get() / Decimal::TWO).floor().max(Decimal::ONE);
    let cost = j.balance().get().saturating_add(daily).saturating_add(over);
    j.later_hours(2);
    j.step(
        format!("You run a large task costing {}, more than you have.", j.w.amount(cost)),
        Journey::usage(cost, None),
    )?;
    j.later_hours(1);
    let small = Decimal::ONE.max(daily / Decimal::TEN);
    j.step(format!("You try another task costing {}.", j.w.amount(small)), Journey::usage(small, None))?;
    j.later_hours(1);
    let custom = matches!(cat.packs[pack].offer, PackOffer::Custom { .. });
    let what = pack_phrase(&j, pack, top_up);
    j.step(format!("You buy {what}."), buy(pack, top_up, custom))?;
    j.finish("overdraft", "Going below zero".to_string(), false)
}

/// Spending everything with auto-recharge off: the next usage is refused
///.
fn running_out(cat: &Catalog) -> Option<Example> {
    if cat.credits.on_exhaustion != ExhaustionRule::Refuse {
        return None;
    }
    let mut j = Journey::new(cat);
    let plan = on_plan_with_credits(&mut j, |i| !cat.plans[i].is_unlimited())?;
    if cat.auto_recharge.as_ref().is_some_and(|a| a.enabled_by_default && a.available_on(plan)) {
        j.later_hours(1);
        j.step(
            "You switch auto-recharge off.",
            Command::AutoRecharge(RechargeSettings { enabled: Some(false), ..Default::default() }),
        )?;
    }
    let all = j.balance().get();
    j.later_hours(1);
    j.step(format!("You use {}.", j.w.amount(all)), Journey::usage(all, None))?;
    j.later_hours(1);
    j.step(format!("You try to use {}.", j.w.amount(Decimal::ONE)), Journey::usage(Decimal::ONE, None))?;
    j.finish("running-out", "Running out".to_string(), false)
}

/// Turns auto-recharge on an hour later when the catalog has it off by default.
fn switch_auto_recharge_on(j: &mut Journey, ar: &pricebook_core::catalog::AutoRecharge) -> Option<()> {
    if !ar.enabled_by_default {
        j.later_hours(1);
        j.step(
            "You switch auto-recharge on.",
            Command::AutoRecharge(RechargeSettings { enabled: Some(true), ..Default::default() }),
        )?;
    }
    Some(())
}

/// Auto-recharge at its threshold.
fn auto_recharge(cat: &Catalog) -> Option<Example> {
    let ar = cat.auto_recharge.as_ref()?;
    let mut j = Journey::new(cat);
    on_plan_with_credits(&mut j, |i| ar.available_on(i))?;
    switch_auto_recharge_on(&mut j, ar)?;
    // Use enough to land just under the threshold (or on zero).
    let threshold = ar.threshold.get();
    let margin = (threshold / Decimal::TWO).floor();
    let cost =
        j.balance().get().saturating_sub(threshold).saturating_add(margin).max(Decimal::ONE).min(j.balance().get());
    j.later_hours(1);
    let start = j.engine.ledger().len();
    j.step(format!("You use {}.", j.w.amount(cost)), Journey::usage(cost, None))?;
    // Tell of a settling payment only when the engine took one.
    let pending = j.entries_since(start).iter().any(|e| e.kind == pricebook_engine::EntryKind::Pending);
    if let Some(delay) = ar.settles_after.filter(|_| pending) {
        let t = delay.add_to(j.at, cat.time_zone);
        j.wait_until(t, format!("{} later, the payment has settled.", capitalize_period(&delay.to_string())));
    }
    j.finish("auto-recharge", "Auto-recharge".to_string(), false)
}

/// A declined card: a purchase grants nothing, and auto-recharge follows
/// its decline rule.
fn declined_payment(cat: &Catalog) -> Option<Example> {
    let ar = cat.auto_recharge.as_ref()?;
    let mut j = Journey::new(cat);
    let plan = on_plan_with_credits(&mut j, |i| ar.available_on(i))?;
    if !ar.enabled_by_default {
        j.quietly(Command::AutoRecharge(RechargeSettings { enabled: Some(true), ..Default::default() }))?;
    }
    j.later_hours(1);
    j.step(
        "Your saved card starts to decline payments.",
        Command::PaymentMethod(pricebook_core::policy::PaymentState::Declining),
    )?;
    if let Some((pack, credits)) = example_pack(cat, plan) {
        let custom = matches!(cat.packs[pack].offer, PackOffer::Custom { .. });
        let what = pack_phrase(&j, pack, credits);
        j.later_hours(1);
        j.step(format!("You try to buy {what}."), buy(pack, credits, custom))?;
    }
    let threshold = ar.threshold.get();
    let cost = j.balance().get().saturating_sub(threshold).max(Decimal::ONE).min(j.balance().get());
    j.later_hours(1);
    j.step(format!("You use {}, which would start auto-recharge.", j.w.amount(cost)), Journey::usage(cost, None))?;
    j.finish("declined-payment", "A declined payment".to_string(), false)
}

fn capitalize_period(p: &str) -> String {
    super::names::capitalize(p)
}

/// Auto-recharge meeting its monthly spending limit.
fn spending_limit(cat: &Catalog) -> Option<Example> {
    let ar = cat.auto_recharge.as_ref()?;
    let cap = ar.monthly_cap?;
    let mut j = Journey::new(cat);
    on_plan_with_credits(&mut j, |i| ar.available_on(i))?;
    switch_auto_recharge_on(&mut j, ar)?;
    // Spend the whole balance again and again within one day: each time
    // auto-recharge buys, until the limit stops it.
    let start = j.engine.ledger().len();
    let mut rounds = 0;
    for _ in 0..24 {
        let all = j.balance().get();
        if all <= Decimal::ZERO {
            break;
        }
        j.quietly(Journey::usage(all, None))?;
        rounds += 1;
    }
    let entries = j.entries_since(start);
    let charges: Vec<Decimal> = entries
        .iter()
        .filter(|e| {
            e.kind == pricebook_engine::EntryKind::Charge
                && matches!(
                    e.detail,
                    pricebook_engine::ledger::Detail::Paid(pricebook_engine::ledger::Paid::Pack { auto: true, .. }, _)
                )
        })
        .filter_map(|e| e.money.map(|m| m.get()))
        .collect();
    let stopped = entries.iter().any(|e| {
        matches!(
            e.detail,
            pricebook_engine::ledger::Detail::Notice(pricebook_engine::ledger::Notice::AutoRechargeCapReached)
        )
    });
    if charges.is_empty() || !stopped {
        return None;
    }
    let total: Decimal = charges.iter().sum();
    let w = &j.w;
    let times = if charges.len() == 1 { "once".to_string() } else { format!("{} times", charges.len()) };
    let result = format!(
        "Auto-recharge buys {times}, {} in all. The next recharge would pass your {} monthly spending limit, so it is skipped and you are notified. {}",
        w.money(total),
        w.money(cap.get()),
        j.balance_sentence()
    );
    let action = format!("During the same month you use up your whole balance {rounds} times in a row.");
    j.note(action, result);
    j.finish("spending-limit", "The monthly spending limit".to_string(), false)
}

/// Low-balance warnings.
fn low_balance(cat: &Catalog) -> Option<Example> {
    let shares = &cat.low_balance_warnings;
    let (first, last) = (*shares.first()?, *shares.last()?);
    let mut j = Journey::new(cat);
    // A paid plan's allowance when there is one: warnings matter most there.
    let has_paid = paid_plan(cat, |i| matches!(cat.plans[i].monthly_credits, Allowance::Monthly(_))).is_some();
    let plan = on_plan_with_credits(&mut j, |i| i != cat.default_plan.ix || !has_paid)?;
    let allocation = cat.plans[plan].monthly_credits().get();
    // Land between the first and the last warning, then below the last.
    let mid = (allocation.saturating_mul(first.saturating_add(last)) / Decimal::TWO).floor();
    let cost = j.balance().get().saturating_sub(mid).max(Decimal::ONE);
    j.later_hours(1);
    j.step(format!("You use {}.", j.w.amount(cost)), Journey::usage(cost, None))?;
    if shares.len() > 1 {
        let low = (allocation.saturating_mul(last) / Decimal::TWO).floor();
        let cost = j.balance().get().saturating_sub(low).max(Decimal::ONE);
        j.later_hours(1);
        j.step(format!("You use {} more.", j.w.amount(cost)), Journey::usage(cost, None))?;
    }
    j.finish("low-balance", "Low-balance warnings".to_string(), false)
}

/// Monthly credits rolling over and expiring oldest first.
fn rollover(cat: &Catalog) -> Option<Example> {
    let src = cat.allowance_source()?;
    cat.sources[src].rollover.as_ref()?;
    let mut j = Journey::new(cat);
    let plan = on_plan_with_credits(&mut j, |_| true)?;
    if cat.auto_recharge.as_ref().is_some_and(|a| a.enabled_by_default && a.available_on(plan)) {
        j.quietly(Command::AutoRecharge(RechargeSettings { enabled: Some(false), ..Default::default() }))?;
    }
    let monthly = cat.plans[plan].monthly_credits().get();
    let third = (monthly / Decimal::from(3)).floor();
    j.later_hours(1);
    j.step(format!("You use {}.", j.w.amount(third)), Journey::usage(third, None))?;
    let next = j.cycle_end()?;
    j.wait_until(next, "Your next billing cycle starts.");
    j.later_hours(1);
    j.step(format!("You use {}; the oldest credits go first.", j.w.amount(third)), Journey::usage(third, None))?;
    let after = j.cycle_end()?;
    j.wait_until(after, "The cycle after that starts.");
    j.finish("rollover", "Rollover".to_string(), false)
}

/// An add-on's monthly deduction.
fn addon(cat: &Catalog) -> Option<Example> {
    let (ix, a) = cat.addons.iter().enumerate().find(|(_, a)| a.monthly_credits.is_some())?;
    let mut j = Journey::new(cat);
    let plan = on_plan_with_credits(&mut j, |i| a.available_on(i))?;
    if cat.auto_recharge.as_ref().is_some_and(|r| r.enabled_by_default && r.available_on(plan)) {
        j.quietly(Command::AutoRecharge(RechargeSettings { enabled: Some(false), ..Default::default() }))?;
    }
    j.later_hours(1);
    j.step(format!("You switch on {}.", a.name), Command::EnableAddon(ix))?;
    let next = j.cycle_end()?;
    j.wait_until(next, "Your next billing cycle starts.");
    j.finish("addon", format!("An add-on: {}", a.name), false)
}

/// A free trial kept to its end.
fn trial(cat: &Catalog) -> Option<Example> {
    let plan = (0..cat.plans.len()).find(|&i| cat.plans[i].trial.is_some())?;
    let mut j = Journey::new(cat);
    j.step("You sign up.", Command::SignUp { invited_by: None })?;
    j.later_days(1);
    let name = &cat.plans[plan].name;
    j.step(format!("You start the free trial of {name}."), Journey::subscribe(plan, Billing::Monthly, true))?;
    j.later_days(2);
    j.step("Two days later you cancel the trial.", Command::Cancel)?;
    j.later_days(1);
    j.step(
        format!("The next day you subscribe to {name} again; there is no second trial."),
        Journey::subscribe(plan, Billing::Monthly, true),
    )?;
    j.finish("trial", format!("The free trial of {name}"), false)
}

/// A refund within the window: a subscription where refundable, else a
/// pack.
fn refund(cat: &Catalog) -> Option<Example> {
    let policy = &cat.refunds;
    let window = policy.window?;
    let mut j = Journey::new(cat);
    j.step("You sign up.", Command::SignUp { invited_by: None })?;
    let subscription = policy.applies_to.contains(&Refundable::Subscription);
    let purchase = if subscription {
        let plan = paid_plan(cat, |i| matches!(cat.plans[i].monthly_credits, Allowance::Monthly(_)))?;
        j.later_days(1);
        let p = &cat.plans[plan];
        let skip = if p.trial.is_some() { ", skipping the free trial" } else { "" };
        j.step(format!("You subscribe to {}{skip}.", p.name), Journey::subscribe(plan, Billing::Monthly, false))?
            .purchase?
    } else if policy.applies_to.contains(&Refundable::Pack) {
        let (pack, credits) = example_pack(cat, cat.default_plan.ix)?;
        let custom = matches!(cat.packs[pack].offer, PackOffer::Custom { .. });
        j.later_days(1);
        let what = pack_phrase(&j, pack, credits);
        j.step(format!("You buy {what}."), buy(pack, credits, custom))?.purchase?
    } else {
        return None;
    };
    let spend = j.balance().get().saturating_mul(Decimal::new(6, 1)).floor();
    j.later_hours(2);
    j.step(format!("You use {}.", j.w.amount(spend)), Journey::usage(spend, None))?;
    // Half the window later, rounded to whole days: still inside it.
    let days = (window.min_days() / 2).max(1);
    j.later_days(i64::try_from(days).unwrap_or(1));
    let when = if days == 1 { "The next day".to_string() } else { format!("{days} days later") };
    let what = if subscription { "the subscription" } else { "the purchase" };
    j.step(format!("{when} you ask for a refund of {what}."), Command::Refund { purchase: Some(purchase) })?;
    j.finish("refund", "A refund".to_string(), false)
}

/// A failed operation's credits coming back.
fn failed_operation(cat: &Catalog) -> Option<Example> {
    if !cat.credits.refund_failed_operations {
        return None;
    }
    let mut j = Journey::new(cat);
    on_plan_with_credits(&mut j, |_| true)?;
    let cost = (j.balance().get() / Decimal::from(5)).floor().max(Decimal::ONE);
    j.later_hours(1);
    j.step(format!("You start an operation that uses {}.", j.w.amount(cost)), Journey::usage(cost, Some(1)))?;
    j.later_hours(1);
    j.step("The operation fails.", Command::OperationFailed(1))?;
    j.finish("failed-operation", "A failed operation".to_string(), false)
}

/// Yearly billing with monthly credits.
fn yearly(cat: &Catalog) -> Option<Example> {
    let plan = (0..cat.plans.len()).find(|&i| {
        cat.plans[i].yearly_price.is_some() && matches!(cat.plans[i].monthly_credits, Allowance::Monthly(_))
    })?;
    let mut j = Journey::new(cat);
    j.quietly(Command::SignUp { invited_by: None })?;
    if cat.auto_recharge.as_ref().is_some_and(|a| a.enabled_by_default) {
        j.quietly(Command::AutoRecharge(RechargeSettings { enabled: Some(false), ..Default::default() }))?;
    }
    j.later_hours(1);
    let name = &cat.plans[plan].name;
    j.step(
        format!("You sign up and subscribe to {name}, paying yearly."),
        Journey::subscribe(plan, Billing::Yearly, false),
    )?;
    let next = j.cycle_end()?;
    j.wait_until(next, "A month later, your next billing cycle starts.");
    j.finish("yearly", format!("Paying yearly for {name}"), false)
}
