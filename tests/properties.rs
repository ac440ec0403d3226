//! Property tests: random command sequences against every bundled plan
//! never panic, always conserve credits (rule X4), and give the same ledger
//! twice (rule X3); an account's run stopped at any instant (its state
//! serialised and read back) and resumed gives the ledger of one run; and
//! accounts sharded across threads give the ledgers they give in one
//! simulation.
//!
//! The split/resume and sharding properties run 32 and 16 cases by
//! default; `PROPTEST_CASES` raises them.

use chrono::{DateTime, Duration, Utc};
use pricebook::project::Project;
use pricebook_core::calendar::{Period, Recurrence};
use pricebook_core::catalog::RolloverRule;
use pricebook_core::money::{Credits, Money};
use pricebook_core::policy::Overage;
use pricebook_engine::command::{DirectGrant, GrantExpiry, Quantity, RechargeSettings, Usage};
use pricebook_engine::labels::Labels;
use pricebook_engine::{AccountState, Command, Entry, Ledger, Simulation, conservation, engine, totals};
use pricebook_lang::compile::{Catalog, Workspace};
use pricebook_lang::model::plan::Funding;
use pricebook_lang::model::scenario::{Billing, PaymentState};
use proptest::prelude::*;
use rust_decimal::Decimal;
use std::path::Path;
use std::sync::OnceLock;

fn catalogs() -> &'static Vec<Catalog> {
    static CATALOGS: OnceLock<Vec<Catalog>> = OnceLock::new();
    CATALOGS.get_or_init(|| {
        let project = Project::open(Workspace::new(Path::new(env!("CARGO_MANIFEST_DIR"))));
        assert!(!project.diags.has_errors(), "bundled plans must compile");
        project.catalogs.into_values().collect()
    })
}

/// A command described by small numbers, turned into a real one per catalog.
#[derive(Clone, Debug)]
struct Raw {
    minutes: u32,
    account: u32,
    kind: u8,
    a: u32,
    b: u32,
    amount: u32,
}

fn raw() -> impl Strategy<Value = Raw> {
    (0u32..20_000, 0u32..3, 0u8..24, any::<u32>(), any::<u32>(), 0u32..20_000)
        .prop_map(|(minutes, account, kind, a, b, amount)| Raw { minutes, account, kind, a, b, amount })
}

fn pick(n: usize, x: u32) -> usize {
    if n == 0 { 0 } else { x as usize % n }
}

fn command(cat: &Catalog, r: &Raw) -> Option<Command> {
    let credits = Credits::new(Decimal::from(r.amount % 5000));
    let money = Money::new(Decimal::new(i64::from(r.amount % 10_000), 2));
    Some(match r.kind {
        0 => Command::Active,
        1 => Command::Subscribe {
            plan: pick(cat.plans.len(), r.a),
            billing: if r.b.is_multiple_of(3) { Billing::Yearly } else { Billing::Monthly },
            trial: Some(r.b.is_multiple_of(2)),
            price: r.b.is_multiple_of(5).then_some(money),
        },
        2 => Command::ChangePlan { plan: pick(cat.plans.len(), r.a), price: r.b.is_multiple_of(5).then_some(money) },
        3 => Command::Cancel,
        4 => Command::Refund { purchase: Some(r.a % 12) },
        5..=8 => {
            if cat.features.is_empty() || r.b.is_multiple_of(4) {
                Command::Use(Usage {
                    rate: None,
                    quantity: Quantity::default(),
                    credits: Some(credits),
                    project: None,
                    session: None,
                    operation: Some(r.a % 8),
                })
            } else {
                let f = pick(cat.features.len(), r.a);
                let rate = pick(cat.features[f].rates.len(), r.b);
                Command::Use(Usage {
                    rate: Some((f, rate)),
                    quantity: Quantity {
                        requests: Some(Decimal::from(r.amount % 7)),
                        input_tokens: u64::from(r.a % 50_000),
                        output_tokens: u64::from(r.b % 50_000),
                        minutes: Some(Decimal::new(i64::from(r.amount % 600), 1)),
                        units: Some(Decimal::from(r.amount % 5000)),
                        variant: None,
                    },
                    credits: None,
                    project: None,
                    session: None,
                    operation: Some(r.a % 8),
                })
            }
        }
        9 => {
            if cat.packs.is_empty() {
                return None;
            }
            Command::Buy {
                pack: pick(cat.packs.len(), r.a),
                credits: r.b.is_multiple_of(2).then_some(credits),
                amount: (r.b % 2 == 1).then_some(money),
                idempotency_key: Some(r.b % 4),
            }
        }
        10 => Command::AutoRecharge(RechargeSettings {
            enabled: Some(r.a.is_multiple_of(2)),
            threshold: Some(credits),
            pack: (!cat.packs.is_empty()).then(|| pick(cat.packs.len(), r.b)),
            amount: r.b.is_multiple_of(3).then_some(money),
            target: (r.b % 3 == 1).then_some(credits),
            monthly_cap: r.b.is_multiple_of(2).then_some(money),
        }),
        11 => Command::PaymentMethod([PaymentState::Valid, PaymentState::Declining, PaymentState::None][pick(3, r.a)]),
        12 if !cat.addons.is_empty() => Command::EnableAddon(pick(cat.addons.len(), r.a)),
        13 if !cat.addons.is_empty() => Command::DisableAddon(pick(cat.addons.len(), r.a)),
        14 => Command::Transfer { to: r.a % 3, credits },
        15 => Command::Adjust { credits: Credits::new(Decimal::from(i64::from(r.amount % 2000) - 1000)), reason: 0 },
        16 => Command::OperationFailed(r.a % 8),
        17 => Command::Grant(DirectGrant {
            credits: Credits::new(Decimal::from(r.amount % 3000 + 1)),
            label: Some(Labels::new(cat).intern("promo")),
            funding: if r.a.is_multiple_of(2) { Funding::Paid } else { Funding::Promotional },
            priority: (r.a % 5) as i32,
            effective: None,
            created: None,
            expires: if r.b.is_multiple_of(2) {
                GrantExpiry::After(pricebook_core::calendar::Period::months(1))
            } else {
                GrantExpiry::Never
            },
            cost_basis: r.b.is_multiple_of(3).then(|| Decimal::new(i64::from(r.a % 100), 2)),
            every: r.b.is_multiple_of(5).then_some(Period::months(1)),
            anchor: None,
            rollover: r.b.is_multiple_of(7).then(|| RolloverRule {
                cycles: u32::MAX,
                max_amount: Some(credits),
                max_share: None,
                min_kept: r.a.is_multiple_of(2).then_some(Credits::new(Decimal::from(r.a % 300))),
            }),
        }),
        18 => Command::Void { lot: Some(r.a % 40) },
        19 if !cat.entitlements.is_empty() => Command::Allocate(pick(cat.entitlements.len(), r.a)),
        20 if !cat.entitlements.is_empty() => Command::Release(pick(cat.entitlements.len(), r.a)),
        21 => Command::Reset(if r.a.is_multiple_of(2) { Overage::Forgive } else { Overage::Carry }),
        22 => Command::UsagePeriod(
            Recurrence::new(
                DateTime::UNIX_EPOCH + Duration::minutes(i64::from(r.b % 100_000)),
                Period::months(1),
                cat.time_zone,
            ),
            if r.a.is_multiple_of(2) { Overage::Forgive } else { Overage::Carry },
        ),
        _ => Command::Active,
    })
}

fn replay(cat: &Catalog, raws: &[Raw]) -> (Vec<Entry>, Vec<conservation::Violation>) {
    let start: DateTime<Utc> =
        DateTime::parse_from_rfc3339("2028-01-31T10:00:00Z").map(|t| t.with_timezone(&Utc)).unwrap_or_default();
    let mut engine = Simulation::new(cat, start);
    for account in 0..3 {
        let invited_by = (account > 0).then_some(0);
        engine.apply(start, account, &Command::SignUp { invited_by }).expect("sign-up at the start");
    }
    let mut now = start;
    for r in raws {
        now += Duration::minutes(i64::from(r.minutes));
        if let Some(cmd) = command(cat, r) {
            engine.apply(now, r.account, &cmd).expect("commands in time order for known accounts");
        }
    }
    engine.advance_to(now + Duration::days(400)).expect("within the budget");
    let sums = totals::by_account(engine.ledger());
    let violations = engine
        .account_ids()
        .filter_map(|id| Some(conservation::check(engine.account(id)?, sums.get(&id)?)))
        .flatten()
        .collect();
    (engine.into_ledger(), violations)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn random_journeys_conserve_credits_and_repeat_exactly(raws in proptest::collection::vec(raw(), 1..120)) {
        for cat in catalogs() {
            let (first, violations) = replay(cat, &raws);
            prop_assert!(violations.is_empty(), "{}: {:?}", cat.id, violations);
            let (second, _) = replay(cat, &raws);
            prop_assert_eq!(&first, &second, "{} is not deterministic", cat.id);
            for (i, pair) in first.windows(2).enumerate() {
                prop_assert!(pair[0].at <= pair[1].at, "{}: ledger goes back in time at #{}", cat.id, i + 2);
            }
        }
    }
}

/// `default` cases, or `PROPTEST_CASES` when it is set.
fn cases(default: u32) -> ProptestConfig {
    let cases = if std::env::var_os("PROPTEST_CASES").is_some() { ProptestConfig::default().cases } else { default };
    ProptestConfig { cases, ..ProptestConfig::default() }
}

fn start() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2028-01-31T10:00:00Z").map(|t| t.with_timezone(&Utc)).unwrap_or_default()
}

/// When each command of a stream happens: `minutes` after the one before.
fn times(raws: &[Raw]) -> Vec<DateTime<Utc>> {
    let mut now = start();
    raws.iter()
        .map(|r| {
            now += Duration::minutes(i64::from(r.minutes));
            now
        })
        .collect()
}

/// The state as another process would read it back.
fn through_json(state: &AccountState) -> AccountState {
    let text = serde_json::to_string(state).expect("account state serialises");
    serde_json::from_str(&text).expect("account state reads back")
}

/// Runs account 0 through the per-account API: signs up at the start,
/// applies each command at its time, and runs what falls due for 400 days
/// after the last. With `split`, the run stops at that instant (everything
/// due up to it has run), the state goes through JSON, and the run
/// continues from what was read back.
fn run_alone(cat: &Catalog, raws: &[Raw], split: Option<DateTime<Utc>>) -> (Ledger, AccountState) {
    let mut ledger = Ledger::new();
    let (mut state, _) = engine::sign_up(cat, 0, start(), None, &mut ledger);
    let mut split = split;
    let mut resume_if_due = |state: &mut AccountState, ledger: &mut Ledger, now: DateTime<Utc>| {
        if let Some(at) = split.filter(|at| *at <= now) {
            engine::advance(cat, state, at, ledger);
            *state = through_json(state);
            split = None;
        }
    };
    let times = times(raws);
    for (r, now) in raws.iter().zip(&times) {
        resume_if_due(&mut state, &mut ledger, *now);
        if let Some(cmd) = command(cat, r) {
            // Effects on other accounts (a transfer's recipient) are dropped alike in every run.
            engine::step(cat, &mut state, *now, &cmd, &mut ledger).expect("commands in time order");
        }
    }
    let end = times.last().copied().unwrap_or_else(start) + Duration::days(400);
    resume_if_due(&mut state, &mut ledger, end);
    engine::advance(cat, &mut state, end, &mut ledger);
    (ledger, state)
}

proptest! {
    #![proptest_config(cases(32))]

    #[test]
    fn a_run_split_and_resumed_at_any_instant_gives_the_same_ledger(
        raws in proptest::collection::vec(raw(), 1..80),
        split_per_mille in 0u32..=1000,
    ) {
        let last = *times(&raws).last().expect("at least one command");
        // Anywhere from the sign-up to the end of the run, 400 days after the last command.
        let span = (last + Duration::days(400) - start()).num_seconds();
        let split = start() + Duration::seconds(span * i64::from(split_per_mille) / 1000);
        for cat in catalogs() {
            let (whole, whole_state) = run_alone(cat, &raws, None);
            let (resumed, resumed_state) = run_alone(cat, &raws, Some(split));
            prop_assert_eq!(&whole, &resumed, "{}: split at {}", cat.id, split);
            prop_assert_eq!(&whole_state, &resumed_state, "{}: split at {}", cat.id, split);
        }
    }
}

/// Accounts with independent command streams: no transfers (they would
/// reach another account) and no invitations (sign-ups name no inviter).
fn independent_raws() -> impl Strategy<Value = Vec<Raw>> {
    proptest::collection::vec(raw().prop_filter("no transfers", |r| r.kind != 14), 0..40)
}

/// All accounts in one [`Simulation`], commands merged in time order (ties
/// by account); the ledger split by account.
fn run_together(cat: &Catalog, streams: &[Vec<Raw>], end: DateTime<Utc>) -> Vec<Vec<Entry>> {
    let mut sim = Simulation::new(cat, start());
    let mut merged = Vec::new();
    for (id, raws) in (0u32..).zip(streams) {
        sim.apply(start(), id, &Command::SignUp { invited_by: None }).expect("sign-up at the start");
        merged.extend(times(raws).into_iter().zip(raws).map(|(t, r)| (t, id, r)));
    }
    merged.sort_by_key(|(t, id, _)| (*t, *id));
    for (t, id, r) in merged {
        if let Some(cmd) = command(cat, r) {
            sim.apply(t, id, &cmd).expect("commands in time order for known accounts");
        }
    }
    sim.advance_to(end).expect("within the budget");
    let ledger = sim.into_ledger();
    (0..streams.len()).map(|id| ledger.iter().filter(|e| e.account as usize == id).cloned().collect()).collect()
}

/// One account alone through the per-account API, up to `end`.
fn run_account(cat: &Catalog, id: u32, raws: &[Raw], end: DateTime<Utc>) -> Vec<Entry> {
    let mut ledger = Ledger::new();
    let (mut state, _) = engine::sign_up(cat, id, start(), None, &mut ledger);
    for (r, now) in raws.iter().zip(times(raws)) {
        if let Some(cmd) = command(cat, r) {
            engine::step(cat, &mut state, now, &cmd, &mut ledger).expect("commands in time order");
        }
    }
    engine::advance(cat, &mut state, end, &mut ledger);
    ledger
}

/// The accounts dealt round-robin to `shards` threads, each running its
/// accounts one after another; ledgers by account.
fn run_sharded(cat: &Catalog, streams: &[Vec<Raw>], end: DateTime<Utc>, shards: usize) -> Vec<Vec<Entry>> {
    let mut out = vec![Vec::new(); streams.len()];
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..shards)
            .map(|shard| {
                s.spawn(move || {
                    (0u32..)
                        .zip(streams)
                        .skip(shard)
                        .step_by(shards)
                        .map(|(id, raws)| (id, run_account(cat, id, raws, end)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for h in handles {
            for (id, ledger) in h.join().expect("a shard finishes") {
                out[id as usize] = ledger;
            }
        }
    });
    out
}

proptest! {
    #![proptest_config(cases(16))]

    #[test]
    fn accounts_sharded_across_threads_give_the_ledgers_of_one_simulation(
        streams in proptest::collection::vec(independent_raws(), 2..6),
        shards in 2usize..4,
    ) {
        let last = streams.iter().filter_map(|raws| times(raws).last().copied()).max().unwrap_or_else(start);
        let end = last + Duration::days(400);
        for cat in catalogs() {
            let together = run_together(cat, &streams, end);
            let sharded = run_sharded(cat, &streams, end, shards);
            for (id, (one, other)) in together.iter().zip(&sharded).enumerate() {
                prop_assert!(!one.is_empty(), "{}: account {} signed up", cat.id, id);
                prop_assert_eq!(one, other, "{}: account {}", cat.id, id);
            }
        }
    }
}
