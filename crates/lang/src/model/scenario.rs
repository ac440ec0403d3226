//! The scenario language: a customer journey as timestamped events.
//!
//! Raw, spanned types for `scenarios/<seed>/*.toml`. `compile::scenario`
//! resolves names against the catalog and turns events into engine commands;
//! nothing here knows about the engine. Every `///` comment becomes a
//! description in `pricebook schema scenario`.

use super::literal::{DecimalLit, MoneyLit, PeriodLit, ShareLit};
use super::plan::Funding;
use super::spanned::Sp;
pub use pricebook_core::policy::{Billing, Overage, PaymentState};
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::Deserialize;
use std::borrow::Cow;
use std::collections::BTreeMap;

/// One journey, replayed against one plan file.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    /// What the journey shows, in one line.
    pub(crate) title: String,
    /// Why this journey matters and what to look for in its ledger.
    pub(crate) description: Option<String>,
    /// Plan file it runs against, by name: "acme" reads plans/acme.toml.
    pub plans: Sp<String>,
    /// Rulebook ids (rules.toml) this journey demonstrates, e.g. ["R1", "R2"].
    #[serde(default)]
    pub(crate) covers: Vec<Sp<String>>,
    /// When the simulation starts. Default: the first event.
    pub(crate) start: Option<Sp<TimeLit>>,
    /// When it stops; scheduled work (renewals, expiries) runs up to here. Default: the last event.
    pub(crate) end: Option<Sp<TimeLit>>,
    /// Account for events that name none.
    pub(crate) account: Option<Sp<String>>,
    /// The events, in time order.
    #[serde(default)]
    pub(crate) events: Vec<Sp<Event>>,
}

/// A date-time: `2026-01-31T10:00:00Z` (an instant), `2026-01-31T10:00:00`
/// (local time in the catalog's time zone) or `2026-01-31` (local midnight).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct TimeLit(pub toml::value::Datetime);

impl<'de> Deserialize<'de> for TimeLit {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        toml::value::Datetime::deserialize(d).map(TimeLit)
    }
}

impl JsonSchema for TimeLit {
    fn schema_name() -> Cow<'static, str> {
        "DateTime".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A TOML date-time: 2026-01-31T10:00:00Z (instant), 2026-01-31T10:00:00 (local time in the catalog's time zone) or 2026-01-31 (local midnight).",
            "type": "string"
        })
    }
}

/// One event: when, to whom, its action (none for `expect` alone) and its checks.
#[derive(Debug, Deserialize)]
#[serde(from = "EventKeys")]
pub(crate) struct Event {
    pub(crate) at: Sp<TimeLit>,
    pub(crate) account: Option<Sp<String>>,
    /// The first action key written; `None` for an `expect` alone.
    pub(crate) action: Option<Action>,
    /// How many action keys the event has: `compile` refuses more than one,
    /// pointing at the event, as it refuses none without `expect`.
    pub(crate) actions: u8,
    pub(crate) expect: Option<Box<Sp<Expect>>>,
}

/// What an event does: one variant per action key. Large payloads are boxed
/// so that an event stays small (scenarios may have 100k of them).
#[derive(Debug)]
pub(crate) enum Action {
    SignUp(Box<Sp<SignUp>>),
    Active,
    Subscribe(Box<Sp<Subscribe>>),
    ChangePlan(Box<Sp<ChangePlan>>),
    Cancel,
    Refund(Box<Sp<RefundRequest>>),
    Use(Box<Sp<Use>>),
    Buy(Box<Sp<Buy>>),
    AutoRecharge(Box<Sp<AutoRechargeSettings>>),
    PaymentMethod(Sp<PaymentState>),
    EnableAddon(Sp<String>),
    DisableAddon(Sp<String>),
    Transfer(Box<Sp<Transfer>>),
    Adjust(Box<Sp<Adjust>>),
    OperationFailed(Sp<String>),
    Grant(Box<Sp<Grant>>),
    Void(Sp<String>),
    Allocate(Sp<String>),
    Release(Sp<String>),
    Reset(Sp<Reset>),
    UsagePeriod(Box<Sp<UsagePeriod>>),
    OverageLimit(Sp<MoneyLit>),
}

impl From<EventKeys> for Event {
    fn from(k: EventKeys) -> Self {
        let written = [
            k.sign_up.map(Action::SignUp),
            k.active.map(|_| Action::Active),
            k.subscribe.map(Action::Subscribe),
            k.change_plan.map(Action::ChangePlan),
            k.cancel.map(|_| Action::Cancel),
            k.refund.map(Action::Refund),
            k.use_.map(Action::Use),
            k.buy.map(Action::Buy),
            k.auto_recharge.map(Action::AutoRecharge),
            k.payment_method.map(Action::PaymentMethod),
            k.enable_addon.map(Action::EnableAddon),
            k.disable_addon.map(Action::DisableAddon),
            k.transfer.map(Action::Transfer),
            k.adjust.map(Action::Adjust),
            k.operation_failed.map(Action::OperationFailed),
            k.grant.map(Action::Grant),
            k.void.map(Action::Void),
            k.allocate.map(Action::Allocate),
            k.release.map(Action::Release),
            k.reset.map(Action::Reset),
            k.usage_period.map(|p| Action::UsagePeriod(Box::new(p))),
            k.overage_limit.map(Action::OverageLimit),
        ];
        let mut written = written.into_iter().flatten();
        let action = written.next();
        let actions = usize::from(action.is_some()) + written.count();
        let actions = u8::try_from(actions).unwrap_or(u8::MAX);
        Event { at: k.at, account: k.account, action, actions, expect: k.expect }
    }
}

impl JsonSchema for Event {
    fn schema_name() -> Cow<'static, str> {
        EventKeys::schema_name()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        EventKeys::json_schema(generator)
    }
}

/// One thing that happens at one moment. Exactly one action key, optionally
/// with `expect`; or `expect` alone to check the state at that moment.
// The event as written: serde reads it (unknown keys get did-you-mean) and it
// is the schema's `Event`; it lives only until it becomes an [`Event`].
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Event")]
struct EventKeys {
    /// When it happens.
    at: Sp<TimeLit>,
    /// Who it happens to. Default: the scenario's account.
    account: Option<Sp<String>>,
    /// The account registers (starts on the default plan).
    sign_up: Option<Box<Sp<SignUp>>>,
    /// The account is active today without using a feature (earns the daily bonus).
    active: Option<Sp<Empty>>,
    /// Subscribe to a paid plan.
    subscribe: Option<Box<Sp<Subscribe>>>,
    /// Move to another paid plan (upgrade or downgrade).
    change_plan: Option<Box<Sp<ChangePlan>>>,
    /// Cancel the subscription (back to the default plan).
    cancel: Option<Sp<Empty>>,
    /// Ask for a refund of an earlier purchase or subscription.
    refund: Option<Box<Sp<RefundRequest>>>,
    /// Use a feature, spending credits.
    #[serde(rename = "use")]
    use_: Option<Box<Sp<Use>>>,
    /// Buy a pack or a custom amount.
    buy: Option<Box<Sp<Buy>>>,
    /// Change the account's auto-recharge settings.
    auto_recharge: Option<Box<Sp<AutoRechargeSettings>>>,
    /// The state of the account's saved payment method.
    payment_method: Option<Sp<PaymentState>>,
    /// Turn an add-on on.
    enable_addon: Option<Sp<String>>,
    /// Turn an add-on off.
    disable_addon: Option<Sp<String>>,
    /// Move credits to another account.
    transfer: Option<Box<Sp<Transfer>>>,
    /// A support correction, positive or negative.
    adjust: Option<Box<Sp<Adjust>>>,
    /// An earlier usage (named by its `operation`) failed; its credits are returned.
    operation_failed: Option<Sp<String>>,
    /// An operator grants credits directly, with its own policy.
    grant: Option<Box<Sp<Grant>>>,
    /// An operator voids the remainder of a grant made with `grant` (named by its `ref`).
    void: Option<Sp<String>>,
    /// Use one more unit of a countable entitlement (e.g. create a chatbot).
    allocate: Option<Sp<String>>,
    /// Give back one unit of a countable entitlement.
    release: Option<Sp<String>>,
    /// An operator resets usage now (OpenMeter's "reset"): every `grant` keeps what its `rollover` says (nothing without one); credits from the plan file are left alone.
    reset: Option<Sp<Reset>>,
    /// Usage resets from now on at each `every` after `anchor`, as `reset` does.
    usage_period: Option<Sp<UsagePeriod>>,
    /// The customer caps what metered overage (a plan's `overage`) may cost per cycle, e.g. "$50"; usage that would pass it is refused. "$0" stops overage.
    overage_limit: Option<Sp<MoneyLit>>,
    /// What must be true right after this event.
    expect: Option<Box<Sp<Expect>>>,
}

/// An action without parameters: `active = {}`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Empty {}

/// `sign_up = { invited_by = "bob" }`
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct SignUp {
    /// The account whose invitation code was used.
    pub(crate) invited_by: Option<Sp<String>>,
}

/// `subscribe = { plan = "plus", billing = "yearly" }`
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Subscribe {
    /// Plan id.
    pub(crate) plan: Sp<String>,
    /// Monthly or yearly payment. Default: monthly.
    pub(crate) billing: Option<Billing>,
    /// Whether to start with the plan's free trial. Default: yes if the plan has one and the account never had one.
    pub(crate) trial: Option<bool>,
    /// Name for this subscription, to refund it later. Default: "subscription-N".
    #[serde(rename = "ref")]
    pub(crate) reference: Option<Sp<String>>,
    /// Agreed price for a plan priced on request.
    pub(crate) price: Option<Sp<MoneyLit>>,
}

/// `change_plan = { plan = "pro" }`
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ChangePlan {
    /// The plan to move to.
    pub(crate) plan: Sp<String>,
    /// Agreed price for a plan priced on request.
    pub(crate) price: Option<Sp<MoneyLit>>,
}

/// `refund = { purchase = "pack-1" }` or `refund = { current_subscription = true }`
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RefundRequest {
    /// The `ref` of an earlier `buy` or `subscribe` (for a trial: its first payment).
    pub(crate) purchase: Option<Sp<String>>,
    /// The current subscription's latest payment (a renewal, say), which no `ref` can name.
    pub(crate) current_subscription: Option<Sp<bool>>,
}

/// `use = { feature = "chat", model = "gpt-4o", input_tokens = 1200 }`
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Use {
    /// Feature id from the rate card. Without one, `credits` must say what the usage costs.
    pub(crate) feature: Option<Sp<String>>,
    /// Model, size or quality. Default: "default".
    pub(crate) model: Option<Sp<String>>,
    /// Number of requests. Default: 1 when the rate has a per-request part.
    pub(crate) requests: Option<Sp<DecimalLit>>,
    /// Input tokens.
    pub(crate) input_tokens: Option<Sp<u64>>,
    /// Output tokens.
    pub(crate) output_tokens: Option<Sp<u64>>,
    /// Minutes (voice, video).
    pub(crate) minutes: Option<Sp<DecimalLit>>,
    /// Units of the feature's own meter (characters, seconds, images), for rates with `per_unit`.
    pub(crate) units: Option<Sp<DecimalLit>>,
    /// The cost in credits, for products without a rate card for this usage.
    pub(crate) credits: Option<Sp<DecimalLit>>,
    /// Project the usage belongs to (recorded on the ledger line).
    pub(crate) project: Option<String>,
    /// Session the usage belongs to (recorded on the ledger line).
    pub(crate) session: Option<String>,
    /// Name for this operation, so that `operation_failed` can return its credits.
    pub(crate) operation: Option<Sp<String>>,
}

/// `buy = { pack = "standard" }` or `buy = { pack = "custom", credits = 750 }`
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Buy {
    /// Pack id.
    pub(crate) pack: Sp<String>,
    /// Credits, for a custom-amount pack.
    pub(crate) credits: Option<Sp<DecimalLit>>,
    /// Money to spend, for a custom-amount pack (converted at its unit price, rounded down to whole credits at the catalog's scale).
    pub(crate) amount: Option<Sp<MoneyLit>>,
    /// Name for this purchase, to refund it later. Default: "purchase-N".
    #[serde(rename = "ref")]
    pub(crate) reference: Option<Sp<String>>,
    /// The same key twice buys once.
    pub(crate) idempotency_key: Option<String>,
}

/// `auto_recharge = { enabled = true, threshold = 100, monthly_cap = "€50" }`
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct AutoRechargeSettings {
    /// On or off.
    pub(crate) enabled: Option<bool>,
    /// Recharge when the balance is at or below this many credits.
    pub(crate) threshold: Option<Sp<DecimalLit>>,
    /// Pack to buy.
    pub(crate) pack: Option<Sp<String>>,
    /// Money per recharge (buys = "amount").
    pub(crate) amount: Option<Sp<MoneyLit>>,
    /// Balance to refill to (buys = "refill_to_target").
    pub(crate) target: Option<Sp<DecimalLit>>,
    /// Most money spent by auto-recharge per calendar month.
    pub(crate) monthly_cap: Option<Sp<MoneyLit>>,
}

/// `transfer = { to = "bob", credits = 100 }`
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Transfer {
    /// Receiving account.
    pub(crate) to: Sp<String>,
    /// Credits to move.
    pub(crate) credits: Sp<DecimalLit>,
}

/// `adjust = { credits = 50, reason = "bug #123 double charge" }`
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Adjust {
    /// Credits added (positive) or removed (negative).
    pub(crate) credits: Sp<DecimalLit>,
    /// Why, as support wrote it.
    pub(crate) reason: String,
}

/// `grant = { ref = "promo", credits = 100, expires_after = "1 month" }`: a
/// grant with its own policy, as a billing API would create it.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Grant {
    /// Name for the grant, to void it later.
    #[serde(rename = "ref")]
    pub(crate) reference: Option<Sp<String>>,
    /// Credits granted.
    pub(crate) credits: Sp<DecimalLit>,
    /// Word shown in the history. Default: "grant".
    pub(crate) label: Option<String>,
    /// Paid or promotional. Default: promotional.
    pub(crate) funding: Option<Funding>,
    /// Spending priority (lower first). Default: 0.
    pub(crate) priority: Option<i32>,
    /// When it becomes usable. Default: now.
    pub(crate) effective: Option<Sp<TimeLit>>,
    /// When it was made, for the `oldest_created` order key. Default: the event's time.
    pub(crate) created: Option<Sp<TimeLit>>,
    /// Money paid per credit in the catalog's currency, for the `lowest_cost_basis` order key (Orb). Default: 0.
    pub(crate) cost_basis: Option<Sp<DecimalLit>>,
    /// When it expires, as a date-time.
    pub(crate) expires_at: Option<Sp<TimeLit>>,
    /// When it expires, as a duration after `effective`.
    pub(crate) expires_after: Option<Sp<PeriodLit>>,
    /// Recurrence: at each period after `anchor` the grant is refilled to `credits`, or keeps what `rollover` says. Months are counted from the anchor and clamp at month ends (31 Jan → 29 Feb → 31 Mar), like plan cycles.
    pub(crate) every: Option<Sp<PeriodLit>>,
    /// With `every`: the moment recurrences are counted from; it may be before or after `effective`. Default: `effective`.
    pub(crate) anchor: Option<Sp<TimeLit>>,
    /// What the grant keeps at each recurrence (`every`) and at each usage reset: `min(max_amount, max(min_kept, remainder))`. Without it a recurrence refills the grant and a usage reset keeps nothing.
    pub(crate) rollover: Option<Sp<GrantRollover>>,
}

/// `reset = { overage = "carry" }`: a usage reset now.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Reset {
    /// Usage the balance did not cover: "forgive" (written off, the default) or "carry" (paid first from what the grants keep).
    pub(crate) overage: Option<Overage>,
}

/// `usage_period = { every = "1 month", anchor = 2026-01-31 }`: periodic usage resets.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct UsagePeriod {
    /// How often usage resets.
    pub(crate) every: Sp<PeriodLit>,
    /// The moment resets are counted from (months clamp at month ends). Default: the event's time.
    pub(crate) anchor: Option<Sp<TimeLit>>,
    /// Usage the balance did not cover at a reset: "forgive" (default) or "carry".
    pub(crate) overage: Option<Overage>,
}

/// Rollover caps of a direct grant.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct GrantRollover {
    /// Most credits kept at a reset. Default: 0 (nothing carried).
    pub(crate) max_amount: Option<Sp<DecimalLit>>,
    /// Least credits kept at a reset (topped up). Default: 0.
    pub(crate) min_kept: Option<Sp<DecimalLit>>,
    /// Most share of the grant kept at a reset.
    pub(crate) max_share: Option<Sp<ShareLit>>,
}

/// `expect = { balance = 1350, sources = { daily = 200 } }`: checks right
/// after the event. Every key is optional; only the ones written are checked.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Expect {
    /// Total balance (may be negative after an overdraft).
    pub(crate) balance: Option<Sp<DecimalLit>>,
    /// Balance as shown to the customer: never below zero.
    pub(crate) displayed_balance: Option<Sp<DecimalLit>>,
    /// Remaining credits by source label (e.g. daily, monthly, topup); a label not listed is not checked.
    #[serde(default)]
    pub(crate) sources: BTreeMap<Sp<String>, Sp<DecimalLit>>,
    /// Unpaid overdraft.
    pub(crate) deficit: Option<Sp<DecimalLit>>,
    /// Current plan id.
    pub(crate) plan: Option<Sp<String>>,
    /// "trialing" or "active".
    pub(crate) status: Option<Sp<String>>,
    /// Money charged to this account so far (successful payments).
    pub(crate) charged: Option<Sp<MoneyLit>>,
    /// Money refunded to this account so far.
    pub(crate) refunded: Option<Sp<MoneyLit>>,
    /// Start of the current cycle.
    pub(crate) cycle_start: Option<Sp<TimeLit>>,
    /// Change of the balance since this account's previous event (its sign-up counts from 0).
    pub(crate) balance_change: Option<Sp<DecimalLit>>,
    /// Remaining credits of one `grant` by its `ref` (0 once spent, expired or voided, and before it is effective).
    #[serde(default)]
    pub(crate) grants: BTreeMap<Sp<String>, Sp<DecimalLit>>,
    /// Why this event's action was refused (e.g. "insufficient-credits"), or "none"; `true`: refused for any reason; `false`: not refused.
    pub(crate) refused: Option<Sp<Refused>>,
    /// Notifications this event caused, by kind (e.g. ["low-balance-20%"]).
    pub(crate) notifications: Option<Sp<Vec<Sp<String>>>>,
    /// Whether this event sent any notification at all.
    pub(crate) notified: Option<Sp<bool>>,
    /// Ledger lines this account got since its previous event (this event's own and what fell due before it), e.g. `[{ event = "expire", source = "daily", credits = -200 }]`.
    #[serde(default)]
    pub(crate) lines: Vec<Sp<LineExpect>>,
    /// Top-ups charged whose credits have not arrived yet.
    pub(crate) pending_topups: Option<Sp<u32>>,
    /// Whether auto-recharge is on.
    pub(crate) auto_recharge: Option<Sp<bool>>,
    /// Units in use per countable entitlement.
    #[serde(default)]
    pub(crate) allocated: BTreeMap<Sp<String>, Sp<u32>>,
}

/// `refused = "insufficient-credits"`, `refused = "none"` or `refused = true`.
#[derive(Debug, JsonSchema)]
#[serde(untagged)]
pub(crate) enum Refused {
    /// Refused for any reason (`true`), or not refused (`false`).
    Any(bool),
    /// A refusal reason, or "none".
    Reason(String),
}

// By hand: an untagged enum's error names no accepted value.
impl<'de> Deserialize<'de> for Refused {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Refused;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a refusal reason such as \"insufficient-credits\", \"none\", true or false")
            }
            fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Refused, E> {
                Ok(Refused::Any(v))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Refused, E> {
                Ok(Refused::Reason(v.to_string()))
            }
        }
        d.deserialize_any(Visitor)
    }
}

/// `{ event = "expire", source = "daily", credits = -200 }`: a ledger line
/// that must be there; with `count`, exactly that many lines match.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct LineExpect {
    /// The line's event word as the ledger prints it: grant, consume, expire, void, rollover, settle, refund, charge, declined, notice, refused, …
    pub(crate) event: Sp<String>,
    /// The credits' source label (e.g. "daily"), or "overdraft". Default: any.
    pub(crate) source: Option<Sp<String>>,
    /// The line's change of the balance, signed as printed (an expiry of 200 is -200). Default: any.
    pub(crate) credits: Option<Sp<DecimalLit>>,
    /// Exactly this many lines match. Default: at least one.
    pub(crate) count: Option<Sp<u32>>,
}
