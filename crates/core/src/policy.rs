//! The catalog's policy vocabulary: how credits are ordered, funded, refunded
//! and changed. Plan files are written in these words (the language crate
//! deserialises them straight into these types) and the canonical catalog
//! JSON prints them the same way, so there is one spelling end to end.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// When a plan's monthly cycles start.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CycleAnchor {
    /// The moment the account registered.
    Registration,
    /// The moment the subscription's first payment succeeded (after any trial).
    Subscription,
    /// Midnight on the first day of each calendar month.
    CalendarMonth,
}

/// Whether an entitlement is counted or switched.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum EntitlementKind {
    Limit,
    Flag,
}

/// Whether a grant was paid for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Funding {
    Promotional,
    Paid,
}

/// What a declined auto-recharge payment does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OnDecline {
    /// Switch auto-recharge off until the customer turns it on again.
    Disable,
    /// Leave it on; the next trigger tries again.
    Retry,
}

/// A key of the consumption order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrderKey {
    /// Lower source priority number first.
    Priority,
    /// Credits that expire sooner first; credits that never expire last.
    SoonestExpiry,
    /// Promotional (granted) credits before paid (purchased) ones.
    PromotionalFirst,
    /// Paid credits before promotional ones.
    PaidFirst,
    /// Older grants first (by the time they became effective).
    Oldest,
    /// Newer grants first.
    Newest,
    /// Credits with the lower price paid per credit first (promotional ones cost 0).
    LowestCostBasis,
    /// Older grants first by when they were created, even if they became
    /// usable later (a grant created on the 1st, effective on the 10th, goes
    /// before one created and effective on the 5th).
    OldestCreated,
    /// Larger grants (by credits granted) first (Flexprice).
    LargestAmount,
}

/// What a usage reset does with usage the balance did not cover.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Overage {
    /// It is written off: the new period starts from what the grants keep (OpenMeter's default).
    #[default]
    Forgive,
    /// It is carried into the new period and paid first from what the grants keep.
    Carry,
}

/// How finely credit expiries are compared.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExpiryPrecision {
    /// To the instant written.
    #[default]
    Exact,
    /// To the whole second: an expiry is rounded down to its second, so two
    /// expiries within one second tie (OpenMeter truncates this way).
    Second,
}

impl ExpiryPrecision {
    pub fn is_exact(&self) -> bool {
        *self == ExpiryPrecision::Exact
    }
}

/// Who receives a referral bonus.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReferralTo {
    Both,
    Inviter,
    Invitee,
}

/// What kind of payment can be refunded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Refundable {
    Subscription,
    Pack,
    Addon,
}

/// What triggers a grant from a source.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// The plan's monthly_credits, granted at the start of every cycle.
    Allowance,
    /// A bonus on each local day the account is active.
    DailyActivity,
    /// A one-time bonus when the account registers.
    Signup,
    /// A bonus when an invited account registers.
    Referral,
    /// Credits bought with money (packs, custom amounts, auto-recharge).
    Purchase,
    /// Manual corrections by support.
    Adjustment,
}

/// When a change takes effect.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Timing {
    Immediately,
    EndOfCycle,
}

/// What an upgrade charges now.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum UpgradeCharge {
    /// The price difference for the time left in the cycle.
    Prorated,
    /// The new plan's full price; a new cycle starts now.
    Full,
    /// Nothing until the next cycle.
    None,
}

/// This cycle's monthly credits after an upgrade.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum UpgradeCredits {
    /// Unused credits of the old plan are voided and the new plan's full monthly credits are granted.
    Replace,
    /// The difference between the two plans' monthly credits is granted on top.
    AddDifference,
    /// The difference is granted in proportion to the time left in the cycle.
    Prorate,
}

/// What happens to credits already used from a refunded purchase.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum UsedCredits {
    /// They are charged again to the account's other credits, as if the purchase never happened; the balance may go below zero.
    Rebook,
    /// They are forgiven; only the unused remainder is voided.
    Forgive,
}

/// Where a refund window is counted from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum WindowStart {
    Payment,
    SubscriptionStart,
}

/// How often a subscription is paid.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Billing {
    #[default]
    Monthly,
    Yearly,
}

/// The state of the saved payment method.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PaymentState {
    /// A card that pays.
    Valid,
    /// A card that is declined.
    Declining,
    /// No card saved.
    None,
}
