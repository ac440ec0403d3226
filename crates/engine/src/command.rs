//! The engine's input: what can happen to an account.
//!
//! Commands carry indices into the catalog and small integer ids chosen by
//! the caller, never names or file positions, so the engine can be fed from
//! a scenario file, a CSV export of production usage or a test.

use crate::labels::LabelId;
use pricebook_core::calendar::{Instant, Period, Recurrence};
use pricebook_core::catalog::RolloverRule;
use pricebook_core::money::{Credits, Money};
use pricebook_core::policy::{Billing, PaymentState};
use pricebook_core::policy::{Funding, Overage};

/// An account, numbered by the caller from 0.
pub type AccountId = u32;
/// A purchase (pack or subscription payment), numbered from 1 by its account.
pub type PurchaseId = u32;
/// A grant (lot) of credits, numbered from 1 by its account.
pub type LotId = u32;
/// A usage operation, numbered by the caller, so a failure can return its credits.
pub type OpId = u32;
/// A caller's interned string (project, session, reason, label).
pub type Sym = u32;

/// What a usage is measured in; the rate card turns it into credits. The
/// core's type, so the engine hands it to `rate_cost` as it is.
pub use pricebook_core::billing::cost::Measured as Quantity;

/// A usage: either a rate-card feature or an explicit credit cost.
#[derive(Clone, Debug, PartialEq)]
pub struct Usage {
    /// Feature and rate (model) index; `None` when `credits` is given.
    pub rate: Option<(usize, usize)>,
    pub quantity: Quantity,
    /// Cost when the product has no rate card for this usage.
    pub credits: Option<Credits>,
    pub project: Option<Sym>,
    pub session: Option<Sym>,
    pub operation: Option<OpId>,
}

/// Auto-recharge settings an account changes; `None` leaves a setting alone.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RechargeSettings {
    pub enabled: Option<bool>,
    pub threshold: Option<Credits>,
    pub pack: Option<usize>,
    pub amount: Option<Money>,
    pub target: Option<Credits>,
    pub monthly_cap: Option<Money>,
}

/// When a direct grant expires.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum GrantExpiry {
    Never,
    At(Instant),
    After(Period),
}

/// A grant made directly, as an operator or a billing API would.
#[derive(Clone, Debug, PartialEq)]
pub struct DirectGrant {
    pub credits: Credits,
    /// The label the credits carry (from [`crate::labels::Labels::intern`]);
    /// `None`: the built-in "grant".
    pub label: Option<LabelId>,
    pub funding: Funding,
    pub priority: i32,
    pub effective: Option<Instant>,
    /// When the grant was made, for the `oldest_created` order key. `None`: now.
    pub created: Option<Instant>,
    pub expires: GrantExpiry,
    /// Money paid per credit, for the `lowest_cost_basis` order key (Orb).
    pub cost_basis: Option<rust_decimal::Decimal>,
    /// Recurrence: the grant refills to its amount, or keeps what `rollover`
    /// says, at each `every` after `anchor` (default: `effective`).
    pub every: Option<Period>,
    pub anchor: Option<Instant>,
    /// What the grant keeps at its recurrences and at usage resets:
    /// `min(max_amount, max(min_kept, remainder))`. `None`: a recurrence
    /// refills it, and a usage reset keeps nothing (OpenMeter's defaults).
    pub rollover: Option<RolloverRule>,
}

/// One thing that happens to an account.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    SignUp {
        invited_by: Option<AccountId>,
    },
    Active,
    Subscribe {
        plan: usize,
        billing: Billing,
        trial: Option<bool>,
        price: Option<Money>,
    },
    ChangePlan {
        plan: usize,
        price: Option<Money>,
    },
    Cancel,
    Refund {
        purchase: Option<PurchaseId>,
    },
    Use(Usage),
    Buy {
        pack: usize,
        credits: Option<Credits>,
        amount: Option<Money>,
        idempotency_key: Option<Sym>,
    },
    AutoRecharge(RechargeSettings),
    PaymentMethod(PaymentState),
    EnableAddon(usize),
    DisableAddon(usize),
    /// Sends credits to another account; the recipient gets a [`Command::ReceiveTransfer`]
    /// as an effect. The caller refuses a transfer to an account that does not exist.
    Transfer {
        to: AccountId,
        credits: Credits,
    },
    /// Credits another account transferred arrive.
    ReceiveTransfer {
        from: AccountId,
        credits: Credits,
    },
    /// An account this one invited has registered: the inviter's side of a referral bonus.
    InviteeJoined,
    Adjust {
        credits: Credits,
        reason: Sym,
    },
    OperationFailed(OpId),
    Grant(DirectGrant),
    Void {
        lot: Option<LotId>,
    },
    Allocate(usize),
    Release(usize),
    /// A usage reset now (OpenMeter's "reset"): every direct grant keeps
    /// what its `rollover` says, and uncovered usage is forgiven or carried.
    Reset(Overage),
    /// Usage resets from now on at each moment of a recurrence.
    UsagePeriod(Recurrence, Overage),
    /// The customer sets (or lifts) the most metered overage may cost per period.
    OverageCap(Option<Money>),
}
