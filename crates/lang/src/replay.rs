//! Replays a compiled [`Script`] on a [`Simulation`] and checks its
//! expectations and conservation. Failures become diagnostics pointing at
//! the scenario line that stated the expectation.

use crate::compile::Catalog;
use crate::compile::scenario::{Check, Expected, Script, Target};
use crate::diag::{Code, Diagnostics};
use crate::limits;
use pricebook_core::format;
use pricebook_core::money::{Credits, Money};
use pricebook_engine::ledger::{Notice, Reason};
use pricebook_engine::{EngineError, Entry, Outcome, Simulation, conservation, totals};
use std::collections::BTreeMap;
use std::fmt::Display;

/// Runs a script to its end. Expectation failures and conservation
/// violations are reported into `diags`; the simulation is returned for output.
pub fn replay<'c>(script: &Script, cat: &'c Catalog, diags: &mut Diagnostics) -> Simulation<'c> {
    let mut engine = Simulation::new(cat, script.start).with_labels(script.labels.clone()).with_budget(script.budget);
    let mut refs: Vec<Option<u32>> = vec![None; script.refs.len()];
    // Each account's balance after its previous event, for `balance_change`.
    let mut balances: BTreeMap<u32, Credits> = BTreeMap::new();
    for step in &script.steps {
        let first_line = engine.ledger().len();
        let outcome = match &step.command {
            Some(command) => {
                let mut command = command.clone();
                let bound = match step.uses {
                    Some(Target::Ref(r)) => refs.get(r).copied().flatten(),
                    Some(Target::CurrentSubscription) => engine.account(step.account).and_then(|a| a.subscription),
                    None => None,
                };
                match &mut command {
                    pricebook_engine::Command::Refund { purchase } => *purchase = bound,
                    pricebook_engine::Command::Void { lot } => *lot = bound,
                    _ => {}
                }
                match engine.apply(step.at, step.account, &command) {
                    Ok(o) => o,
                    Err(e @ EngineError::BudgetExceeded { .. }) => {
                        over_budget(&e, script, step.span.clone(), diags);
                        return engine;
                    }
                    Err(e) => {
                        diags
                            .report(
                                Code::EngineRejected,
                                script.file,
                                step.span.clone(),
                                format!("the simulator rejected this event: {e}"),
                            )
                            .with_help(
                                "this is a pricebook bug if `pricebook check` accepts the scenario; please report it",
                            );
                        continue;
                    }
                }
            }
            None => {
                if let Err(e) = engine.advance_to(step.at) {
                    over_budget(&e, script, step.span.clone(), diags);
                    return engine;
                }
                Outcome::default()
            }
        };
        if let Some(r) = step.binds {
            refs[r] = outcome.purchase.or(outcome.lot);
        }
        let lines: Vec<&Entry> = engine.ledger()[first_line..].iter().filter(|e| e.account == step.account).collect();
        let now = engine.view(step.account).map_or(Credits::ZERO, |v| v.balance);
        let before = balances.insert(step.account, now).unwrap_or(Credits::ZERO);
        let seen = Seen { outcome: &outcome, lines, before, refs: &refs };
        for check in &step.checks {
            if let Some((expected, actual)) = evaluate(&engine, step.account, &seen, check) {
                let who = script.accounts.get(step.account as usize).map_or("?", String::as_str);
                diags
                    .report(Code::ExpectationFailed, script.file, check.span.clone(), format!("{} of `{who}`: expected {expected}, got {actual}", subject(&check.what, cat, &script.refs)))
                    .with_label(format!("actual: {actual}"))
                    .with_help("if the new figure is right, fix the expectation after checking it by hand against the rule; otherwise the plan or the engine changed behaviour");
            }
        }
    }
    if let Err(e) = engine.advance_to(script.end) {
        over_budget(&e, script, script.end_span.clone(), diags);
        return engine;
    }
    // Conservation from one pass over the ledger, not one pass per account.
    let sums = totals::by_account(engine.ledger());
    for id in engine.account_ids() {
        let (Some(account), Some(t)) = (engine.account(id), sums.get(&id)) else { continue };
        for v in conservation::check(account, t) {
            let who = script.accounts.get(id as usize).map_or("?", String::as_str);
            diags
                .report(
                    Code::ConservationViolated,
                    script.file,
                    0..0,
                    format!("credits of `{who}` do not balance: {}", v.what),
                )
                .with_help("rule X4 is broken: this is a pricebook bug; please report it with this scenario");
        }
    }
    engine
}

/// The run stopped at its budget: say so at the event that asked for too
/// much (or at `end`, when it was the stretch after the last event).
fn over_budget(e: &EngineError, script: &Script, span: std::ops::Range<usize>, diags: &mut Diagnostics) {
    let EngineError::BudgetExceeded { budget, limit, .. } = e else { return };

    diags.report(Code::RunBudgetExceeded, script.file, span, format!("the simulation {e}")).with_help(format!(
        "shorten the scenario's `end`, or make recurrences and resets less frequent, or split its accounts \
             over several scenarios{}",
        limits::for_budget(*budget).raise_hint(*limit)
    ));
}

fn subject(what: &Expected, cat: &Catalog, refs: &[String]) -> String {
    match what {
        Expected::Balance(_) => "balance".into(),
        Expected::DisplayedBalance(_) => "displayed balance".into(),
        Expected::Source(label, _) => format!("`{label}` credits"),
        Expected::Deficit(_) => "overdraft".into(),
        Expected::Plan(_) => "plan".into(),
        Expected::Trialing(_) => "status".into(),
        Expected::Charged(_) => format!("money charged ({})", cat.currency.code),
        Expected::Refunded(_) => format!("money refunded ({})", cat.currency.code),
        Expected::CycleStart(_) => "cycle start".into(),
        Expected::Refused(_) | Expected::RefusedAny(_) => "refusal".into(),
        Expected::Notifications(_) => "notifications".into(),
        Expected::Notified(_) => "notifications sent".into(),
        Expected::BalanceChange(_) => "balance change since the previous event".into(),
        Expected::Grant(ix, _) => format!("credits left in grant `{}`", refs.get(*ix).map_or("?", String::as_str)),
        Expected::Lines(m) => format!("{} since the previous event", m.text),
        Expected::PendingTopups(_) => "pending top-ups".into(),
        Expected::AutoRecharge(_) => "auto-recharge".into(),
        Expected::Allocated(ix, _) => format!("`{}` in use", cat.entitlements[*ix].id),
    }
}

/// What one step did, for its checks.
struct Seen<'a> {
    outcome: &'a Outcome,
    /// The account's ledger lines since its previous event.
    lines: Vec<&'a Entry>,
    /// The account's balance after its previous event.
    before: Credits,
    /// Ids bound to `ref`s so far.
    refs: &'a [Option<u32>],
}

/// `None` when the check holds, else (expected, actual) as text.
fn evaluate(engine: &Simulation<'_>, account: u32, seen: &Seen<'_>, check: &Check) -> Option<(String, String)> {
    let outcome = seen.outcome;
    let cat = engine.catalog();
    let view = engine.view(account)?;
    let a = engine.account(account)?;
    // Compared as printed: the same amount written "20" or "20.00" is equal.
    fn differ<T: PartialEq + Display>(expected: T, actual: T) -> Option<(String, String)> {
        (expected != actual).then(|| (expected.to_string(), actual.to_string()))
    }
    let credits = |expected: Credits, actual: Credits| differ(format::credits(expected), format::credits(actual));
    let money = |expected: Money, actual: Money| differ(format::money(cat, expected), format::money(cat, actual));
    match &check.what {
        Expected::Balance(c) => credits(*c, view.balance),
        Expected::DisplayedBalance(c) => credits(*c, view.balance.max(Credits::ZERO)),
        Expected::Source(label, c) => {
            let actual = engine.labels().id(label).map_or(Credits::ZERO, |l| a.wallet.by_label(l));
            credits(*c, actual)
        }
        Expected::Deficit(c) => credits(*c, view.deficit),
        Expected::Plan(p) => differ(cat.plans[*p].id.as_str(), cat.plans[view.plan].id.as_str()),
        Expected::Trialing(t) => differ(status(*t), status(view.trialing)),
        Expected::Charged(m) => money(*m, view.charged),
        Expected::Refunded(m) => money(*m, view.refunded),
        Expected::CycleStart(t) => differ(*t, view.cycle_start),
        Expected::Refused(r) => {
            let code = |r: Option<Reason>| r.map_or("none", Reason::code).to_string();
            (*r != outcome.refused).then(|| (code(*r), code(outcome.refused)))
        }
        Expected::RefusedAny(any) => {
            let actual = outcome.refused.map_or("not refused", |r| r.code());
            (*any != outcome.refused.is_some()).then(|| {
                let expected = if *any { "refused (any reason)" } else { "not refused" };
                (expected.to_string(), actual.to_string())
            })
        }
        Expected::Notified(sent) => (*sent == outcome.notices.is_empty()).then(|| {
            let expected = if *sent { "some notification" } else { "no notification" };
            (expected.to_string(), notice_codes(&outcome.notices))
        }),
        Expected::BalanceChange(c) => credits(*c, view.balance - seen.before),
        Expected::Grant(r, c) => {
            let lot = seen.refs.get(*r).copied().flatten();
            let actual = lot.and_then(|l| a.wallet.get(l)).map_or(Credits::ZERO, |l| l.remaining);
            credits(*c, actual)
        }
        Expected::Lines(m) => {
            let found = seen.lines.iter().filter(|e| m.matches(e)).count();
            match m.count {
                Some(n) => differ(format!("{n} such lines"), format!("{found} such lines")),
                None => (found == 0).then(|| ("at least one such line".to_string(), "none".to_string())),
            }
        }
        Expected::Notifications(n) => {
            let same = n.len() == outcome.notices.len() && n.iter().zip(&outcome.notices).all(|(e, a)| e.matches(*a));
            let expected: Vec<String> = n.iter().map(|e| e.code()).collect();
            (!same).then(|| (format!("{expected:?}"), notice_codes(&outcome.notices)))
        }
        Expected::PendingTopups(n) => differ(*n as usize, view.pending_topups),
        Expected::AutoRecharge(on) => differ(*on, view.auto_recharge),
        Expected::Allocated(ix, n) => differ(*n, a.allocated.get(ix).copied().unwrap_or(0)),
    }
}

/// Notices as the scenario language writes them: `["low-balance-20%"]`.
fn notice_codes(notices: &[Notice]) -> String {
    let codes: Vec<String> = notices.iter().map(|n| n.code()).collect();
    format!("{codes:?}")
}

fn status(trialing: bool) -> &'static str {
    if trialing { "trialing" } else { "active" }
}
