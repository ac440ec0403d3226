//! The ledger: an append-only list of what happened, with the balance after
//! each line. Refusals and notifications are lines too, so one list tells
//! the whole story in time order.

use super::command::{AccountId, LotId, OpId, PurchaseId, Sym};
use pricebook_core::calendar::Instant;
use pricebook_core::money::{Credits, Money};
use pricebook_core::policy::Billing;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

pub use crate::labels::LabelId;

/// What a ledger line records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    /// Credits arrive.
    Grant,
    /// Credits are spent.
    Consume,
    /// Credits reach their expiry unused.
    Expire,
    /// Credits are cancelled (refund, plan change, operator).
    Void,
    /// Usage past the balance is metered, to be billed in money (balance unchanged).
    Metered,
    /// Unused credits are carried past a cycle end or a usage reset
    /// unchanged. Credits dropped there are an `expire` line, credits added
    /// (a refill, a minimum kept) a `grant` line, so each line's word is the
    /// category the totals count it in.
    Rollover,
    /// Credits from a grant pay an overdraft (balance unchanged).
    Settle,
    /// Credits spent on a failed operation come back.
    Refund,
    TransferOut,
    TransferIn,
    /// Money is charged.
    Charge,
    /// A payment is declined; nothing is charged.
    Declined,
    /// Money is paid back.
    PaymentRefund,
    /// A top-up is charged but its credits have not arrived.
    Pending,
    /// The account's plan changes, or a change is scheduled.
    Plan,
    /// The customer changes a setting (add-on, auto-recharge, card, units in use).
    Setting,
    /// A message to the customer.
    Notice,
    /// An action is refused.
    Refused,
}

impl EntryKind {
    pub const ALL: &'static [EntryKind] = &[
        EntryKind::Grant,
        EntryKind::Consume,
        EntryKind::Expire,
        EntryKind::Void,
        EntryKind::Metered,
        EntryKind::Rollover,
        EntryKind::Settle,
        EntryKind::Refund,
        EntryKind::TransferOut,
        EntryKind::TransferIn,
        EntryKind::Charge,
        EntryKind::Declined,
        EntryKind::PaymentRefund,
        EntryKind::Pending,
        EntryKind::Plan,
        EntryKind::Setting,
        EntryKind::Notice,
        EntryKind::Refused,
    ];

    pub fn word(self) -> &'static str {
        match self {
            EntryKind::Grant => "grant",
            EntryKind::Consume => "consume",
            EntryKind::Expire => "expire",
            EntryKind::Void => "void",
            EntryKind::Metered => "metered",
            EntryKind::Rollover => "rollover",
            EntryKind::Settle => "settle",
            EntryKind::Refund => "refund",
            EntryKind::TransferOut => "transfer_out",
            EntryKind::TransferIn => "transfer_in",
            EntryKind::Charge => "charge",
            EntryKind::Declined => "declined",
            EntryKind::PaymentRefund => "payment_refund",
            EntryKind::Pending => "pending",
            EntryKind::Plan => "plan",
            EntryKind::Setting => "setting",
            EntryKind::Notice => "notice",
            EntryKind::Refused => "refused",
        }
    }
}

/// Which credits a line moves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Bucket {
    None,
    Label(LabelId),
    /// The unpaid deficit of an overdraft.
    Overdraft,
}

/// Why an action was refused. Stable kebab-case names appear in snapshots
/// and in scenarios' `expect.refused`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Reason {
    InsufficientCredits,
    BalanceExhausted,
    OverdraftLimit,
    FeatureNotInPlan,
    LimitReached,
    NothingAllocated,
    UpgradeRequired,
    NoPaymentMethod,
    PaymentDeclined,
    DuplicatePurchase,
    AmountOutOfRange,
    TransferNotAllowed,
    NotRefundable,
    RefundWindowClosed,
    RefundTooMuchUsed,
    AlreadyRefunded,
    NothingToRefund,
    AlreadyOnPlan,
    NotAPaidPlan,
    PriceOnRequest,
    NothingToCancel,
    AddonNotAvailable,
    AddonAlreadyOn,
    AddonNotOn,
    AutoRechargeUnavailable,
    NothingToVoid,
    AlreadyRegistered,
    ExpiresBeforeStart,
    OverageCapReached,
}

impl Reason {
    pub const ALL: &'static [Reason] = &[
        Reason::InsufficientCredits,
        Reason::BalanceExhausted,
        Reason::OverdraftLimit,
        Reason::FeatureNotInPlan,
        Reason::LimitReached,
        Reason::NothingAllocated,
        Reason::UpgradeRequired,
        Reason::NoPaymentMethod,
        Reason::PaymentDeclined,
        Reason::DuplicatePurchase,
        Reason::AmountOutOfRange,
        Reason::TransferNotAllowed,
        Reason::NotRefundable,
        Reason::RefundWindowClosed,
        Reason::RefundTooMuchUsed,
        Reason::AlreadyRefunded,
        Reason::NothingToRefund,
        Reason::AlreadyOnPlan,
        Reason::NotAPaidPlan,
        Reason::PriceOnRequest,
        Reason::NothingToCancel,
        Reason::AddonNotAvailable,
        Reason::AddonAlreadyOn,
        Reason::AddonNotOn,
        Reason::AutoRechargeUnavailable,
        Reason::NothingToVoid,
        Reason::AlreadyRegistered,
        Reason::ExpiresBeforeStart,
        Reason::OverageCapReached,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Reason::InsufficientCredits => "insufficient-credits",
            Reason::BalanceExhausted => "balance-exhausted",
            Reason::OverdraftLimit => "overdraft-limit",
            Reason::FeatureNotInPlan => "feature-not-in-plan",
            Reason::LimitReached => "limit-reached",
            Reason::NothingAllocated => "nothing-allocated",
            Reason::UpgradeRequired => "upgrade-required",
            Reason::NoPaymentMethod => "no-payment-method",
            Reason::PaymentDeclined => "payment-declined",
            Reason::DuplicatePurchase => "duplicate-purchase",
            Reason::AmountOutOfRange => "amount-out-of-range",
            Reason::TransferNotAllowed => "transfer-not-allowed",
            Reason::NotRefundable => "not-refundable",
            Reason::RefundWindowClosed => "refund-window-closed",
            Reason::RefundTooMuchUsed => "refund-too-much-used",
            Reason::AlreadyRefunded => "already-refunded",
            Reason::NothingToRefund => "nothing-to-refund",
            Reason::AlreadyOnPlan => "already-on-plan",
            Reason::NotAPaidPlan => "not-a-paid-plan",
            Reason::PriceOnRequest => "price-on-request",
            Reason::NothingToCancel => "nothing-to-cancel",
            Reason::AddonNotAvailable => "addon-not-available",
            Reason::AddonAlreadyOn => "addon-already-on",
            Reason::AddonNotOn => "addon-not-on",
            Reason::AutoRechargeUnavailable => "auto-recharge-unavailable",
            Reason::NothingToVoid => "nothing-to-void",
            Reason::AlreadyRegistered => "already-registered",
            Reason::ExpiresBeforeStart => "expires-before-start",
            Reason::OverageCapReached => "overage-cap-reached",
        }
    }

    /// What the customer would be told.
    pub fn explain(self) -> &'static str {
        match self {
            Reason::InsufficientCredits => "not enough credits for this usage",
            Reason::BalanceExhausted => "the balance is used up; usage resumes when credits are added",
            Reason::OverdraftLimit => "this usage would pass the overdraft limit",
            Reason::FeatureNotInPlan => "the plan does not include this feature",
            Reason::LimitReached => "the plan's limit is reached",
            Reason::NothingAllocated => "nothing of this entitlement is in use",
            Reason::UpgradeRequired => "upgrade required: this plan cannot buy this pack",
            Reason::NoPaymentMethod => "no payment method is saved",
            Reason::PaymentDeclined => "the payment was declined; nothing was granted",
            Reason::DuplicatePurchase => "a purchase with this idempotency key was already made",
            Reason::AmountOutOfRange => "the amount is outside the pack's minimum and maximum",
            Reason::TransferNotAllowed => "credits are tied to one account and cannot be transferred",
            Reason::NotRefundable => "this is not refundable",
            Reason::RefundWindowClosed => "the refund window has closed",
            Reason::RefundTooMuchUsed => "too much of the purchase has been used to refund it",
            Reason::AlreadyRefunded => "this was already refunded",
            Reason::NothingToRefund => "there is nothing to refund",
            Reason::AlreadyOnPlan => "the account is already on this plan",
            Reason::NotAPaidPlan => "this plan is not subscribed to; cancel to return to it",
            Reason::PriceOnRequest => "this plan is priced on request; give the agreed price",
            Reason::NothingToCancel => "there is no subscription to cancel",
            Reason::AddonNotAvailable => "this add-on is not available on the plan",
            Reason::AddonAlreadyOn => "this add-on is already on",
            Reason::AddonNotOn => "this add-on is not on",
            Reason::AutoRechargeUnavailable => "auto-recharge is not available on this plan",
            Reason::NothingToVoid => "there is nothing left of this grant to void",
            Reason::AlreadyRegistered => "this account already exists",
            Reason::ExpiresBeforeStart => "the grant would expire at or before it starts; nothing was granted",
            Reason::OverageCapReached => "this usage would pass the overage limit you set",
        }
    }
}

/// A message sent to the customer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Notice {
    /// The balance dropped below this share of the monthly credits.
    LowBalance(Decimal),
    AutoRechargeCapReached,
    AutoRechargeDisabled,
    /// An add-on was switched off because its month could not be paid.
    AddonDisabled(usize),
}

impl Notice {
    pub fn code(self) -> String {
        match self {
            Notice::LowBalance(share) => format!("low-balance-{}%", (share * Decimal::ONE_HUNDRED).normalize()),
            Notice::AutoRechargeCapReached => "auto-recharge-cap-reached".into(),
            Notice::AutoRechargeDisabled => "auto-recharge-disabled".into(),
            Notice::AddonDisabled(_) => "addon-disabled".into(),
        }
    }
}

/// Why a plan changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PlanWhy {
    Registered,
    Trial,
    Subscribed,
    Upgraded,
    Downgraded,
    DowngradeScheduled,
    CancelScheduled,
    ChangeWithdrawn,
    Cancelled,
    TrialCancelled,
    TrialUnpaid,
    RenewalUnpaid,
    Refunded,
}

impl PlanWhy {
    pub fn word(self) -> &'static str {
        match self {
            PlanWhy::Registered => "registered",
            PlanWhy::Trial => "trial started",
            PlanWhy::Subscribed => "subscribed",
            PlanWhy::Upgraded => "upgraded",
            PlanWhy::Downgraded => "downgraded",
            PlanWhy::DowngradeScheduled => "downgrade at cycle end",
            PlanWhy::CancelScheduled => "cancels at cycle end",
            PlanWhy::ChangeWithdrawn => "scheduled change withdrawn",
            PlanWhy::Cancelled => "cancelled",
            PlanWhy::TrialCancelled => "trial cancelled, nothing charged",
            PlanWhy::TrialUnpaid => "trial ended, payment failed",
            PlanWhy::RenewalUnpaid => "renewal payment failed",
            PlanWhy::Refunded => "refunded",
        }
    }
}

/// What a money line paid for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Paid {
    Subscription {
        plan: usize,
        billing: Billing,
    },
    Proration {
        plan: usize,
    },
    Pack {
        pack: usize,
        auto: bool,
    },
    Addon(usize),
    /// Metered overage: this many credits of usage past the balance.
    Overage {
        credits: Credits,
    },
}

/// Why credits were voided.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum VoidWhy {
    PlanChange,
    Refund(PurchaseId),
    Operator,
    Bonus,
    /// Uncovered usage written off at a usage reset.
    Overage,
}

/// A setting the customer changed.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum Setting {
    Addon(usize, bool),
    AutoRecharge {
        on: bool,
        threshold: Credits,
        pack: usize,
        rule: pricebook_core::catalog::RechargeRule,
        cap: Option<Money>,
    },
    PaymentMethod(pricebook_core::policy::PaymentState),
    /// Units of a countable entitlement now in use.
    InUse(usize, u64),
    /// The most metered overage may cost per period; `None`: no limit.
    OverageCap(Option<Money>),
}

/// The context of a line.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Detail {
    None,
    Usage {
        rate: Option<(usize, usize)>,
        /// The feature's multiplier the usage named (its index), if any.
        variant: Option<usize>,
        project: Option<Sym>,
        session: Option<Sym>,
        operation: Option<OpId>,
        /// The full cost of the usage (all lines of it together).
        cost: Credits,
    },
    /// Credits charged for an add-on's month.
    Addon(usize),
    /// Credits granted by a purchase.
    Purchase(PurchaseId),
    /// Credits granted for a cycle of a plan.
    Allowance {
        plan: usize,
    },
    /// Allowance given back after a refund or cancel, less what was spent.
    Reinstated {
        plan: usize,
    },
    Bonus,
    Direct(LotId),
    Paid(Paid, PurchaseId),
    Plan {
        from: usize,
        to: usize,
        why: PlanWhy,
    },
    Refusal(Reason),
    Notice(Notice),
    Adjustment(Sym),
    Transfer(AccountId),
    Rollover {
        kept: Credits,
        until: Option<Instant>,
    },
    /// A recurring grant without `rollover` refilled to its amount.
    Refill {
        to: Credits,
    },
    /// What a grant keeps at a usage reset.
    Reset {
        kept: Credits,
    },
    Void(VoidWhy),
    /// Credits spent from a refunded purchase charged again to other credits.
    Rebook(PurchaseId),
    /// Credits of a failed operation coming back; `usage` is its `Detail::Usage`.
    Returned {
        op: OpId,
        usage: Box<Detail>,
    },
    Settles(Instant),
    Setting(Setting),
    /// Credits of usage past the balance metered, and the money owed for the period's metered usage not yet charged.
    Metered {
        credits: Credits,
        owed: Money,
    },
}

/// One line of the ledger. Lines carry no sequence number: a ledger's
/// order is the order lines were written, and a reader numbers them.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub at: Instant,
    pub account: AccountId,
    pub kind: EntryKind,
    pub bucket: Bucket,
    /// Change of the balance (for `settle`: the credits moved; the balance does not change).
    pub credits: Credits,
    /// Balance after this line: credits in grants minus any overdraft.
    pub balance: Credits,
    /// Money charged (positive) or paid back (negative).
    pub money: Option<Money>,
    pub detail: Detail,
}

/// Where the engine writes lines: a [`Ledger`] keeps them, [`crate::Totals`]
/// only adds them up, a caller can do anything else.
pub trait Sink {
    fn record(&mut self, entry: Entry);

    /// Writes a line whose detail the engine still holds: every line of one
    /// usage shares it. `entry.detail` is [`Detail::None`]; a sink that keeps
    /// lines gets its own copy of `detail` (this default), one that only adds
    /// lines up reads it in place, without a copy and a drop per line.
    #[inline]
    fn record_shared(&mut self, mut entry: Entry, detail: &Detail) {
        entry.detail = detail.clone();
        self.record(entry);
    }
}

/// Every line, in the order written.
pub type Ledger = Vec<Entry>;

impl Sink for Ledger {
    fn record(&mut self, entry: Entry) {
        self.push(entry);
    }
}
