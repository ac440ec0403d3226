//! Work that user data drives is bounded: a simulation stops at its budget
//! of scheduled moments or of ledger lines with an error, and an empty recurring grant that
//! can never refill stops recurring instead of writing zero lines forever.

mod common;

use common::*;
use pricebook_core::calendar::Period;
use pricebook_core::catalog::RolloverRule;
use pricebook_core::policy::Funding;
use pricebook_engine::command::{DirectGrant, GrantExpiry};
use pricebook_engine::{Budgeted, Command, EngineError, EntryKind, RunBudget, Simulation};

/// `n` credits every hour, keeping at most `max_kept` at each recurrence.
fn hourly(n: i64, max_kept: i64) -> Command {
    Command::Grant(DirectGrant {
        credits: credits(n),
        label: None,
        funding: Funding::Promotional,
        priority: -1,
        effective: None,
        created: None,
        expires: GrantExpiry::Never,
        cost_basis: None,
        every: Some(Period { count: 1, unit: pricebook_core::calendar::Unit::Hour }),
        anchor: None,
        rollover: Some(RolloverRule {
            cycles: u32::MAX,
            max_amount: Some(credits(max_kept)),
            max_share: None,
            min_kept: None,
        }),
    })
}

#[test]
fn a_simulation_stops_at_its_budget_of_scheduled_moments() {
    let cat = base();
    let mut sim = Simulation::new(&cat, t0()).with_budget(RunBudget { moments: 1_000, lines: u64::MAX });
    sim.apply(t0(), 0, &Command::SignUp { invited_by: None }).expect("sign-up");
    // An hourly grant that keeps its 10 credits: a moment every hour. A
    // year holds 8,760 of them; the budget of 1,000 stops the run first.
    sim.apply(t0(), 0, &hourly(10, 10)).expect("the grant");
    let err = sim.advance_to(t0() + days(365)).expect_err("past the budget");
    let EngineError::BudgetExceeded { budget, limit, at } = err else { panic!("{err:?}") };
    assert_eq!((budget, limit), (Budgeted::Moments, 1_000));
    // The 1,001st moment is the 1,001st hour after the grant (plus the
    // monthly cycle start at 2030-02-15, which is one of the 1,000).
    assert!(at > t0() + chrono::Duration::hours(990) && at <= t0() + chrono::Duration::hours(1_001), "{at}");
}

#[test]
fn a_simulation_stops_just_past_its_budget_of_ledger_lines() {
    let cat = base();
    let mut sim = Simulation::new(&cat, t0()).with_budget(RunBudget { moments: u64::MAX, lines: 100 });
    sim.apply(t0(), 0, &Command::SignUp { invited_by: None }).expect("sign-up");
    sim.apply(t0(), 0, &hourly(10, 10)).expect("the grant");
    let err = sim.advance_to(t0() + days(365)).expect_err("past the budget");
    let EngineError::BudgetExceeded { budget, limit, at } = err else { panic!("{err:?}") };
    assert_eq!((budget, limit), (Budgeted::Lines, 100));
    // Each hourly moment writes a line or two: the run stops at the first
    // moment that takes the count past 100, well before the year is out.
    let written = sim.ledger().len();
    assert!((101..=103).contains(&written), "{written} lines");
    assert!(at < t0() + chrono::Duration::hours(101), "{at}");
}

#[test]
fn an_empty_recurring_grant_that_cannot_refill_stops_recurring() {
    let cat = base();
    let mut acct = Account::new(&cat);
    // Keeps nothing at its recurrences: 10 credits now, expired at the
    // first hour (an `expire` of 10), then nothing can ever come back.
    acct.step(t0(), &hourly(10, 0));
    let got = acct.advance(t0() + chrono::Duration::hours(1));
    assert_eq!(got, [line(EntryKind::Expire, Some(GRANT), -10, 600)]);
    // A week of hours later: not one more line (the monthly cycle start is
    // on 2030-02-15, outside the week).
    let got = acct.advance(t0() + days(7));
    assert_eq!(got, []);
    assert!(acct.state.wallet.lots().iter().all(|l| l.label != GRANT), "the empty grant is gone");
}
