//! One account's state: everything the engine needs to continue it, and
//! nothing about any other account. Small on purpose: live lots, a few
//! counters, its own agenda and ids, and records only for what can still be
//! refunded or returned (older ones are dropped, see [`Horizons`]).
//! Serialisable, so a run can stop, move and resume.

use super::agenda::Agenda;
use super::command::{AccountId, LotId, OpId, PurchaseId, Sym};
use super::wallet::Wallet;
use chrono::NaiveDate;
use pricebook_core::calendar::{Cycles, Instant, Recurrence};
use pricebook_core::catalog::RechargeRule;
use pricebook_core::money::{Credits, Money};
use pricebook_core::policy::{Billing, Overage, PaymentState};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// How long records that only a later command could use are kept.
///
/// Past these, an account forgets them, so its state stays bounded however
/// long it runs: a duplicate purchase key is no longer recognised, and a
/// failure report for an older operation returns nothing
/// (`nothing-to-refund`).
pub struct Horizons;

impl Horizons {
    /// Idempotency keys are remembered for 30 days (Stripe keeps its keys 24 hours).
    pub const IDEMPOTENCY_DAYS: i64 = 30;
    /// A failed operation can return its credits for 30 days.
    pub const OPERATION_DAYS: i64 = 30;
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Status {
    Active,
    Trialing { ends: Instant },
}

/// A change that takes effect at the end of the cycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PendingChange {
    /// To this plan, at an agreed price if it is priced on request.
    Downgrade(usize, Option<Money>),
    Cancel,
}

/// A payment that may be refunded.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Purchase {
    /// What was paid for.
    pub paid: super::ledger::Paid,
    pub paid_at: Instant,
    /// When the subscription (with its trial) started, for refund windows.
    pub started_at: Instant,
    pub money: Money,
    pub credits: Credits,
    /// Credits spent from this purchase's lots so far.
    pub used: Credits,
    pub lots: Vec<LotId>,
    pub refunded: bool,
}

/// A top-up charged whose credits arrive later.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PendingTopUp {
    pub purchase: PurchaseId,
    pub pack: usize,
    pub credits: Credits,
    pub settles_at: Instant,
}

/// Credits an operation took, so a failure can return them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OpRecord {
    pub taken: Vec<(LotId, Credits)>,
    /// Lots the operation emptied (and the wallet dropped), to restore on failure.
    pub emptied: Vec<super::wallet::Lot>,
    pub overdraft: Credits,
    pub returned: bool,
    /// What the operation was, for the lines that return its credits.
    pub usage: super::ledger::Detail,
}

/// The account's auto-recharge settings and this month's spend.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AutoState {
    pub enabled: bool,
    pub threshold: Credits,
    pub pack: usize,
    pub rule: RechargeRule,
    pub cap: Option<Money>,
    pub month: (i32, u32),
    pub spent: Money,
    pub cap_noticed: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AccountState {
    /// The caller's number for this account (ledger lines carry it).
    pub id: AccountId,
    /// The catalog (plan file) the account is on, by its id.
    pub catalog: String,
    /// The account's own clock: nothing earlier can be applied.
    pub clock: Instant,
    /// What falls due for this account, and when.
    pub agenda: Agenda,
    /// The next grant id this account hands out.
    pub next_lot: LotId,
    /// The next purchase id this account hands out.
    pub next_purchase: PurchaseId,
    pub registered_at: Instant,
    pub plan: usize,
    pub billing: Billing,
    pub status: Status,
    pub cycles: Cycles,
    pub cycle_start: Instant,
    pub cycle_end: Instant,
    /// Cycle index (under `cycles`) whose start charges the next renewal.
    pub next_charge_cycle: u32,
    /// Bumped whenever cycles are re-anchored, so stale timers are ignored.
    pub generation: u32,
    /// No cycle timer is kept because a cycle start would change nothing
    /// (a default plan without monthly credits or add-ons); the cycle
    /// bounds catch up when the account is next touched.
    pub idle_cycles: bool,
    pub subscription: Option<PurchaseId>,
    /// When the current subscription (with any trial) began.
    pub subscribed_at: Option<Instant>,
    /// The purchase id a trial's first payment will use.
    pub trial_purchase: Option<PurchaseId>,
    /// A price agreed for a plan priced on request.
    pub agreed_price: Option<Money>,
    pub pending_change: Option<PendingChange>,
    pub had_trial: bool,
    pub wallet: Wallet,
    /// Direct grants that become effective later.
    pub future: Vec<super::wallet::Lot>,
    pub payment: PaymentState,
    pub auto: Option<AutoState>,
    pub addons: BTreeSet<usize>,
    pub allocated: BTreeMap<usize, u64>,
    /// Low-balance warnings already sent this cycle (by share index).
    pub warned: u32,
    pub daily_granted_on: Option<NaiveDate>,
    pub purchases: BTreeMap<PurchaseId, Purchase>,
    /// Idempotency keys seen, oldest first, with when they were used.
    pub idempotency_keys: VecDeque<(Instant, Sym)>,
    /// Usage operations whose credits a failure could still return, oldest first.
    pub ops: VecDeque<(Instant, OpId, OpRecord)>,
    pub pending_topups: Vec<PendingTopUp>,
    /// The default plan's allowance voided on leaving it: (its expiry, credits left).
    pub parked_allowance: Option<(Instant, Credits)>,
    pub charged: Money,
    pub refunded: Money,
    /// Periodic usage resets, if the account has a usage period.
    pub usage_period: Option<UsagePeriod>,
    /// Credits of usage past the balance metered this period (plans with `overage`).
    #[serde(default)]
    pub metered: Credits,
    /// Of `metered`, the credits already charged.
    #[serde(default)]
    pub metered_billed: Credits,
    /// The customer's most overage money per period; `None`: no cap.
    #[serde(default)]
    pub overage_cap: Option<Money>,
    /// Subscription payments this account has made, for a plan's intro offer.
    #[serde(default)]
    pub subscription_payments: u32,
}

/// An account's periodic usage resets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsagePeriod {
    pub every: Recurrence,
    pub overage: Overage,
    /// The next reset; a reset scheduled for another moment was replaced.
    pub next: Instant,
}

/// What can be checked about an account at a moment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AccountView {
    pub balance: Credits,
    pub deficit: Credits,
    pub plan: usize,
    pub trialing: bool,
    pub charged: Money,
    pub refunded: Money,
    pub cycle_start: Instant,
    pub pending_topups: usize,
    pub auto_recharge: bool,
}

impl AccountState {
    pub(crate) fn new_lot_id(&mut self) -> LotId {
        self.next_lot += 1;
        self.next_lot - 1
    }

    pub(crate) fn new_purchase_id(&mut self) -> PurchaseId {
        self.next_purchase += 1;
        self.next_purchase - 1
    }

    /// The latest record of a usage operation still kept.
    pub(crate) fn op_mut(&mut self, op: OpId) -> Option<&mut OpRecord> {
        self.ops.iter_mut().rev().find(|(_, o, _)| *o == op).map(|(_, _, r)| r)
    }
}
