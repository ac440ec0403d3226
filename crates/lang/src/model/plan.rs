//! The plan language: what a plan file may say, as serde types.
//!
//! These types are the raw, spanned model of one `plans/*.toml` file. They
//! check shape only (keys, types, literals); meaning (references, amounts,
//! contradictions) is checked by `compile`, which turns them into the
//! validated [`crate::compile::Catalog`]. Every `///` comment here becomes a
//! description in `pricebook schema plan`.

use super::literal::{AmountLit, DecimalLit, MoneyLit, PeriodLit, ShareLit};
use super::literal_error::{Literal, LiteralError};
use super::spanned::Sp;
use pricebook_core::money::Rounding;
pub use pricebook_core::policy::{
    CycleAnchor, EntitlementKind, ExpiryPrecision, Funding, OnDecline, OrderKey, ReferralTo, Refundable, SourceKind,
    Timing, UpgradeCharge, UpgradeCredits, UsedCredits, WindowStart,
};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One product's pricing: its plans, credit sources, packs, rate card and rules.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct PlanFile {
    /// Product name, currency, calendar and the plan new accounts start on.
    pub(crate) catalog: Sp<CatalogSection>,
    /// What credits are called, how they are rounded and in which order they are spent.
    pub(crate) credits: Sp<CreditsSection>,
    /// Where credits come from: monthly allowances, bonuses, purchases, adjustments.
    #[serde(default)]
    pub(crate) sources: Vec<Sp<Source>>,
    /// Subscription plans, in the order the pricing page lists them.
    #[serde(default)]
    pub(crate) plans: Vec<Sp<Plan>>,
    /// Credit packs that can be bought, fixed-size or custom amount.
    #[serde(default)]
    pub(crate) packs: Vec<Sp<Pack>>,
    /// Limits and flags that are not credits (chatbot count, API access).
    #[serde(default)]
    pub(crate) entitlements: Vec<Sp<Entitlement>>,
    /// The rate card: what each feature costs, per model or variant.
    #[serde(default)]
    pub(crate) features: Vec<Sp<Feature>>,
    /// Optional extras that cost credits or money every month while active.
    #[serde(default)]
    pub(crate) addons: Vec<Sp<Addon>>,
    /// Automatic purchases when the balance runs low.
    pub(crate) auto_recharge: Option<Sp<AutoRecharge>>,
    /// What can be refunded, until when, and what a refund undoes.
    pub(crate) refunds: Option<Sp<Refunds>>,
    /// What upgrading, downgrading and cancelling do mid-cycle.
    pub(crate) plan_changes: Option<Sp<PlanChanges>>,
    /// Messages sent to the customer, such as low-balance warnings.
    pub(crate) notifications: Option<Sp<Notifications>>,
}

/// `[catalog]`: the product as a whole.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CatalogSection {
    /// Product name shown on generated pages.
    pub(crate) name: Sp<String>,
    /// One sentence introducing the product's pricing, for the docs.
    pub(crate) summary: Option<String>,
    /// ISO 4217 code of every price in this file, e.g. "USD" or "EUR".
    pub(crate) currency: Sp<String>,
    /// How money amounts computed by pricebook (prorations, custom amounts) are rounded to the currency's minor unit. Default: half_up.
    pub(crate) money_rounding: Option<Rounding>,
    /// IANA time zone that decides when a "day" and a "month" begin, e.g. "UTC" or "Europe/Berlin". Default: UTC.
    pub(crate) time_zone: Option<Sp<String>>,
    /// Id of the plan new accounts start on and return to after cancelling or a refund.
    pub(crate) default_plan: Sp<String>,
}

/// `[credits]`: the unit and how it is spent.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CreditsSection {
    /// Singular name of the unit, e.g. "credit", "token", "request".
    pub(crate) unit: Sp<String>,
    /// Plural name of the unit. Default: the singular with an "s".
    pub(crate) plural: Option<String>,
    /// Decimal places a balance is kept to (0 for whole credits).
    #[serde(default)]
    pub(crate) scale: Sp<u32>,
    /// How a computed cost is rounded to `scale`. Default: up.
    pub(crate) rounding: Option<Rounding>,
    /// Unit prices on pages are quoted per this many credits (e.g. 1000000 for "per 1M tokens"). Default: 1.
    pub(crate) price_per: Option<Sp<DecimalLit>>,
    /// Tie-break keys, in order, that pick which credits are spent first. The grant id is always the final tie-break.
    pub(crate) consumption_order: Sp<Vec<Sp<OrderKey>>>,
    /// What happens when a usage costs more than the balance.
    pub(crate) on_exhaustion: Sp<Exhaustion>,
    /// With on_exhaustion = "overdraft": how far below zero the balance may go. Default: no limit.
    pub(crate) overdraft_limit: Option<Sp<DecimalLit>>,
    /// Whether credits may be moved to another account. Default: false (a transfer is refused).
    #[serde(default)]
    pub(crate) transferable: bool,
    /// Whether credits spent on an operation that then fails are given back. Default: false.
    #[serde(default)]
    pub(crate) refund_failed_operations: bool,
    /// How finely expiries are compared: "exact" (default) or "second" (rounded down to the whole second, as OpenMeter does).
    pub(crate) expiry_precision: Option<ExpiryPrecision>,
    /// Periodic usage resets from each account's sign-up, e.g. `{ every = "1 month", overage = "carry" }`: at each one a direct grant keeps what its `rollover` says (OpenMeter's usage period).
    pub(crate) usage_period: Option<Sp<UsagePeriod>>,
}

/// `usage_period = { every = "1 month", overage = "forgive" }` in `[credits]`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct UsagePeriod {
    /// How often usage resets, counted from the account's sign-up, e.g. "1 month" (months clamp at month ends).
    pub(crate) every: Sp<PeriodLit>,
    /// Usage the balance did not cover at a reset: "forgive" (default, written off) or "carry" (paid first from what the grants keep).
    pub(crate) overage: Option<pricebook_core::policy::Overage>,
}

/// What happens when a usage costs more than the balance.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Exhaustion {
    /// The usage is refused; the balance never goes below zero.
    Refuse,
    /// A usage may start while the balance is above zero and drive it below zero; then usage is refused until credits are added.
    OverdrawOnce,
    /// Usage is always accepted (up to overdraft_limit); the next credits that arrive pay the deficit first.
    Overdraft,
}

/// `[[sources]]`: a kind of credit grant and its policy.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Source {
    /// Identifier, also used in scenarios and balances by source.
    pub(crate) id: Sp<String>,
    /// What triggers the grant.
    pub(crate) kind: Sp<SourceKind>,
    /// Word shown in the credit history for these grants (e.g. "monthly", "register"). Default: the id.
    pub(crate) label: Option<String>,
    /// Whether the customer paid for these credits. Default: paid for purchases, promotional otherwise.
    pub(crate) funding: Option<Funding>,
    /// Spending priority: lower is spent first when the consumption order has "priority". Default: 0.
    #[serde(default)]
    pub(crate) priority: Sp<i32>,
    /// Credits per grant, for bonuses (daily_activity, signup, referral).
    pub(crate) amount: Option<Sp<DecimalLit>>,
    /// For referral bonuses: who receives `amount`. Default: both.
    pub(crate) referral_to: Option<ReferralTo>,
    /// When the credits expire: "never", "end_of_day", "end_of_cycle", or a duration after the grant such as "30 days".
    pub(crate) expires: Sp<ExpiryLit>,
    /// Carrying unused credits into later cycles. Needs expires = "end_of_cycle".
    pub(crate) rollover: Option<Sp<Rollover>>,
    /// Plans whose accounts receive this grant (allowance and bonus kinds). Default: every plan. Several `allowance` sources give plans their own expiry and rollover: each plan takes its monthly credits from the one that names it, else from the one without `plans`.
    pub(crate) plans: Option<Vec<Sp<String>>>,
}

/// "never", "end_of_day", "end_of_cycle", or a duration such as "30 days".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ExpiryLit {
    Never,
    EndOfDay,
    EndOfCycle,
    After(pricebook_core::calendar::Period),
}

impl<'de> Deserialize<'de> for ExpiryLit {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        match text.trim() {
            "never" => Ok(ExpiryLit::Never),
            "end_of_day" => Ok(ExpiryLit::EndOfDay),
            "end_of_cycle" => Ok(ExpiryLit::EndOfCycle),
            other => super::literal::period(other).map(ExpiryLit::After).map_err(|e| {
                let (message, hint) = e.split_once("; ").unwrap_or((&e, "write a duration such as \"30 days\""));
                LiteralError::Invalid {
                    literal: Literal::Duration,
                    message: format!("{message} (expiry is \"never\", \"end_of_day\", \"end_of_cycle\" or a duration)"),
                    hint: Some(hint.to_string()),
                }
                .raise()
            }),
        }
    }
}

impl JsonSchema for ExpiryLit {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Expiry".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "\"never\", \"end_of_day\" (local midnight), \"end_of_cycle\" (the next cycle start), or a duration after the grant such as \"30 days\".",
            "anyOf": [
                { "enum": ["never", "end_of_day", "end_of_cycle"] },
                { "type": "string", "pattern": r"^\s*[0-9]+\s+(?i:(hour|day|week|month|year)s?)\s*$" }
            ]
        })
    }
}

/// How unused credits survive a cycle end. At each end the remainder becomes
/// `min(max_amount, max_share × granted, max(min_kept, remainder))`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Rollover {
    /// How many cycle ends a grant survives before it expires for good.
    pub(crate) cycles: Sp<u32>,
    /// At most this many credits of one grant are carried.
    pub(crate) max_amount: Option<Sp<DecimalLit>>,
    /// At most this share of the original grant is carried, e.g. "50%".
    pub(crate) max_share: Option<Sp<ShareLit>>,
    /// At least this many credits are kept (topped up if fewer remain), as OpenMeter's minimum rollover.
    pub(crate) min_kept: Option<Sp<DecimalLit>>,
}

/// `[[plans]]`: a subscription plan.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Plan {
    /// Identifier used in scenarios and other rules.
    pub(crate) id: Sp<String>,
    /// Name on the pricing page.
    pub(crate) name: Sp<String>,
    /// One line under the name on the pricing page.
    pub(crate) tagline: Option<String>,
    /// Price per month, charged at the start of each cycle. Absent: priced on request.
    pub(crate) monthly_price: Option<Sp<MoneyLit>>,
    /// Price per year when paid yearly; credits still arrive monthly.
    pub(crate) yearly_price: Option<Sp<MoneyLit>>,
    /// Credits granted at the start of every monthly cycle from the allowance source, or "unlimited".
    pub(crate) monthly_credits: Option<Sp<AmountLit>>,
    /// When this plan's monthly cycles start. Default: registration for the default plan, subscription for the others.
    pub(crate) cycle_anchor: Option<CycleAnchor>,
    /// Length of the free trial, e.g. "7 days". During it the plan's monthly credits are granted and nothing is charged.
    pub(crate) trial: Option<Sp<PeriodLit>>,
    /// Countable limits by entitlement id: a number or "unlimited".
    #[serde(default)]
    pub(crate) limits: BTreeMap<Sp<String>, Sp<AmountLit>>,
    /// Entitlement ids of the flags this plan switches on, e.g. ["api_access"].
    #[serde(default)]
    pub(crate) flags: Vec<Sp<String>>,
    /// Other selling points for the pricing page that billing does not enforce (e.g. "Priority support").
    #[serde(default)]
    pub(crate) highlights: Vec<String>,
    /// Sets this plan apart on the pricing page (e.g. "most popular"). At most one plan per file. Default: false.
    pub(crate) highlight: Option<Sp<bool>>,
    /// The call-to-action link on this plan's card, e.g. { label = "Start free trial", url = "https://example.com/signup?plan=pro" }.
    pub(crate) cta: Option<Sp<CallToAction>>,
    /// Usage past the plan's credits, metered and billed in money in arrears instead of refused. Default: none (`credits.on_exhaustion` decides).
    pub(crate) overage: Option<Sp<OverageBilling>>,
    /// An introductory price: an account's first subscription payments cost less, e.g. `{ percent_off = "50%", cycles = 1 }` (first month half price). Default: none.
    pub(crate) intro_offer: Option<Sp<IntroOfferLit>>,
}

/// A plan's call to action: a button on the pricing page.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CallToAction {
    /// What the button says, e.g. "Start free trial".
    pub(crate) label: Sp<String>,
    /// Where it leads: an http:// or https:// address.
    pub(crate) url: Sp<String>,
}

/// `intro_offer = { percent_off = "50%", cycles = 1 }` or `{ amount_off = "$5", cycles = 3 }`, as Stripe's coupons (`percent_off` / `amount_off`, `duration_in_months`) discount a subscription.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct IntroOfferLit {
    /// Share of the list price taken off each discounted payment, e.g. "50%". Give this or `amount_off`.
    pub(crate) percent_off: Option<Sp<ShareLit>>,
    /// Money taken off each discounted payment, e.g. "$5" (a payment never goes below zero). Give this or `percent_off`.
    pub(crate) amount_off: Option<Sp<MoneyLit>>,
    /// How many of an account's subscription payments are discounted (months when billed monthly, years when billed yearly). Default: 1.
    pub(crate) cycles: Option<Sp<u32>>,
}

/// `overage = { price = "$0.30", per = 1000, charge_at = "$5" }`: metered overage, as Stripe's metered prices and Lago's usage charges bill it.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct OverageBilling {
    /// Money for `per` credits of usage past the balance, e.g. "$0.30". May be finer than the currency's coins; each charge is rounded by `catalog.money_rounding`.
    pub(crate) price: Sp<MoneyLit>,
    /// Credits that `price` is for, e.g. 1000 for "per 1,000 credits". Default: 1.
    pub(crate) per: Option<Sp<DecimalLit>>,
    /// What is owed is charged at once when it reaches this amount, e.g. "$5". Default: charged only at the cycle end and at a plan change.
    pub(crate) charge_at: Option<Sp<MoneyLit>>,
}

/// `[[packs]]`: credits that can be bought.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Pack {
    /// Identifier used in scenarios and auto-recharge.
    pub(crate) id: Sp<String>,
    /// Name on the pricing page.
    pub(crate) name: Sp<String>,
    /// One line about who the pack is for.
    pub(crate) tagline: Option<String>,
    /// Credits in a fixed-size pack.
    pub(crate) credits: Option<Sp<DecimalLit>>,
    /// Price of a fixed-size pack.
    pub(crate) price: Option<Sp<MoneyLit>>,
    /// Price per credit of a custom amount; makes this a custom-amount pack.
    pub(crate) unit_price: Option<Sp<MoneyLit>>,
    /// Smallest custom amount, in credits.
    pub(crate) min_credits: Option<Sp<DecimalLit>>,
    /// Largest custom amount, in credits.
    pub(crate) max_credits: Option<Sp<DecimalLit>>,
    /// Plans whose accounts may buy this pack. Default: every plan.
    pub(crate) plans: Option<Vec<Sp<String>>>,
    /// The purchase source the credits come from. Default: the catalog's only purchase source.
    pub(crate) source: Option<Sp<String>>,
}

/// `[[entitlements]]`: something a plan grants besides credits.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Entitlement {
    /// Identifier used in plans' limits and flags.
    pub(crate) id: Sp<String>,
    /// Name on the pricing page, e.g. "chatbots" or "API access".
    pub(crate) name: Sp<String>,
    /// A countable limit or an on/off flag.
    pub(crate) kind: Sp<EntitlementKind>,
}

/// `[[features]]`: one line of the rate card.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Feature {
    /// Identifier used in scenarios' usage events.
    pub(crate) id: Sp<String>,
    /// Name on the pricing page.
    pub(crate) name: Sp<String>,
    /// Flag entitlement a plan must have to use this feature.
    pub(crate) requires: Option<Sp<String>>,
    /// How this feature's computed cost is rounded. Default: the catalog's credits.rounding.
    pub(crate) rounding: Option<Rounding>,
    /// Price per model, size or quality. A feature with one price uses the model name "default".
    pub(crate) rates: Sp<Vec<Sp<Rate>>>,
    /// What one unit of the rates' `per_unit` measures, singular, e.g. "character", "second", "image".
    pub(crate) unit: Option<Sp<String>>,
    /// Most credits one usage of this feature may cost, after any multiplier; a usage that costs more is charged this much.
    pub(crate) max_per_use: Option<Sp<DecimalLit>>,
    /// Variants that cost a multiple of the rate, e.g. `[{ variant = "premium", multiplier = 2 }]`: a usage naming `variant = "premium"` costs twice its rate.
    pub(crate) multipliers: Option<Vec<Sp<Multiplier>>>,
}

/// A variant of a feature (a premium voice, a high-quality mode) whose usage costs a multiple of the rate.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Multiplier {
    /// Identifier a scenario's usage names in `variant`, e.g. "premium".
    pub(crate) variant: Sp<String>,
    /// How pages name the variant, e.g. "premium voices". Default: the variant id.
    pub(crate) display_name: Option<String>,
    /// What the rate's cost is multiplied by, e.g. 2; applied before rounding and before `max_per_use`.
    pub(crate) multiplier: Sp<DecimalLit>,
    /// What serving one usage of this variant costs you, the provider, in money, in place of the rate's `cost` (for every model of the feature), e.g. cost = { per_unit = "$0.00009" }. Default: the rate's `cost`, unchanged (the multiplier is a price decision, not a cost). Customers never pay it: `backtest` margins and `check` warnings use it.
    pub(crate) cost: Option<Sp<RateCost>>,
}

/// What one model (or variant) of a feature costs; the parts add up.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Rate {
    /// Model, size or quality name, e.g. "gpt-4o", "large", "high". "default" when there is only one.
    pub(crate) model: Sp<String>,
    /// How pages name the model, e.g. "GPT-4o" for model "gpt-4o". Default: the model id.
    pub(crate) display_name: Option<String>,
    /// Credits per request.
    pub(crate) per_request: Option<Sp<DecimalLit>>,
    /// Credits per 1,000 input tokens.
    pub(crate) per_1k_input_tokens: Option<Sp<DecimalLit>>,
    /// Credits per 1,000 output tokens.
    pub(crate) per_1k_output_tokens: Option<Sp<DecimalLit>>,
    /// Credits per 1,000 tokens, input and output together.
    pub(crate) per_1k_tokens: Option<Sp<DecimalLit>>,
    /// Credits per minute.
    pub(crate) per_minute: Option<Sp<DecimalLit>>,
    /// Credits per unit of the feature's own `unit` (per character, per second, per image).
    pub(crate) per_unit: Option<Sp<DecimalLit>>,
    /// What serving one usage costs you, the provider, in money, metered like the rate, e.g. cost = { per_1k_output_tokens = "$0.015" }. Customers never pay it: `backtest` reports margins from it and `check` warns when a price cannot cover it.
    pub(crate) cost: Option<Sp<RateCost>>,
}

/// A rate's provider cost in money; the parts add up, as a rate's do. May be finer than the currency's coins.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RateCost {
    /// Money per request, e.g. "$0.002".
    pub(crate) per_request: Option<Sp<MoneyLit>>,
    /// Money per 1,000 input tokens, e.g. "$0.003".
    pub(crate) per_1k_input_tokens: Option<Sp<MoneyLit>>,
    /// Money per 1,000 output tokens, e.g. "$0.015".
    pub(crate) per_1k_output_tokens: Option<Sp<MoneyLit>>,
    /// Money per 1,000 tokens, input and output together.
    pub(crate) per_1k_tokens: Option<Sp<MoneyLit>>,
    /// Money per minute, e.g. "$0.006".
    pub(crate) per_minute: Option<Sp<MoneyLit>>,
    /// Money per unit of the feature's own `unit` (per character, per second, per image), e.g. "$0.00003".
    pub(crate) per_unit: Option<Sp<MoneyLit>>,
}

/// `[[addons]]`: an extra that costs credits or money every month.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Addon {
    /// Identifier used in scenarios.
    pub(crate) id: Sp<String>,
    /// Name on the pricing page.
    pub(crate) name: Sp<String>,
    /// Credits deducted when enabled and at the start of every cycle after.
    pub(crate) monthly_credits: Option<Sp<DecimalLit>>,
    /// Money charged when enabled and at the start of every cycle after.
    pub(crate) monthly_price: Option<Sp<MoneyLit>>,
    /// Plans that may enable it. Default: every plan.
    pub(crate) plans: Option<Vec<Sp<String>>>,
}

/// `[auto_recharge]`: buying credits automatically when the balance is low.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct AutoRecharge {
    /// Whether new accounts start with auto-recharge on. Default: false.
    #[serde(default)]
    pub(crate) enabled_by_default: bool,
    /// A recharge fires when the balance is at or below this many credits. Default: 0.
    pub(crate) threshold: Option<Sp<DecimalLit>>,
    /// What one recharge buys: a pack, a money amount, or enough to reach a target balance.
    pub(crate) buys: Sp<RechargeBuys>,
    /// Default pack to buy (buys = "pack"), or the custom-amount pack whose unit price applies (buys = "amount" or "refill_to_target").
    pub(crate) pack: Sp<String>,
    /// With buys = "amount": money spent per recharge, changeable per account.
    pub(crate) amount: Option<Sp<MoneyLit>>,
    /// With buys = "refill_to_target": the balance to refill to.
    pub(crate) target: Option<Sp<DecimalLit>>,
    /// Most money auto-recharge may spend per local calendar month; a recharge that would pass it does not happen.
    pub(crate) monthly_cap: Option<Sp<MoneyLit>>,
    /// What a declined payment does to auto-recharge. Default: disable.
    pub(crate) on_decline: Option<OnDecline>,
    /// Time between charging and the credits arriving; meanwhile the top-up is shown as pending. Default: immediate.
    pub(crate) settles_after: Option<Sp<PeriodLit>>,
    /// Plans whose accounts may use auto-recharge. Default: every plan.
    pub(crate) plans: Option<Vec<Sp<String>>>,
}

/// What an automatic recharge buys.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub(crate) enum RechargeBuys {
    /// One fixed-size pack.
    Pack,
    /// A money amount converted at the pack's unit price.
    Amount,
    /// As many credits as bring the balance back to `target`.
    RefillToTarget,
}

/// `[refunds]`: the refund policy. Absent: nothing is refundable.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Refunds {
    /// What can be refunded. An empty list states that nothing is refundable.
    pub(crate) applies_to: Vec<Sp<Refundable>>,
    /// How long after a payment a refund can be asked for, e.g. "7 days".
    pub(crate) window: Option<Sp<PeriodLit>>,
    /// Whether the window starts at the payment or at the subscription's start (which a trial delays payment from). Default: payment.
    pub(crate) window_starts: Option<WindowStart>,
    /// Refused when more than this share of the purchased credits has been used, e.g. "10%". Default: no limit.
    pub(crate) max_used_share: Option<Sp<ShareLit>>,
    /// What happens to credits already used from the refunded purchase. Default: rebook.
    pub(crate) used_credits: Option<UsedCredits>,
    /// After refunding a subscription, the cycle anchor returns to the default plan's anchor (e.g. registration). Default: true.
    #[serde(default = "yes")]
    pub(crate) reset_anchor: bool,
    /// Whether remaining promotional bonus credits are voided along with a subscription refund. Default: keep.
    pub(crate) bonuses: Option<BonusEffect>,
}

fn yes() -> bool {
    true
}

/// What a subscription refund does to bonus credits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub(crate) enum BonusEffect {
    Keep,
    Void,
}

/// `[plan_changes]`: mid-cycle changes.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct PlanChanges {
    /// Moving to a plan with a higher monthly price.
    pub(crate) upgrade: Option<Sp<UpgradeRule>>,
    /// When a move to a cheaper paid plan takes effect. Default: end_of_cycle.
    pub(crate) downgrade: Option<Timing>,
    /// When cancelling (returning to the default plan) takes effect. Default: end_of_cycle.
    pub(crate) cancel: Option<Timing>,
}

/// What an upgrade does.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct UpgradeRule {
    /// What happens to this cycle's monthly credits. Default: replace.
    pub(crate) credits: Option<UpgradeCredits>,
    /// What is charged now. Default: prorated.
    pub(crate) charge: Option<UpgradeCharge>,
}

/// `[notifications]`: messages to the customer.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Notifications {
    /// Warn when the balance drops below these shares of the plan's monthly credits, e.g. ["20%", "5%"]; each fires once per cycle.
    #[serde(default)]
    pub(crate) low_balance: Vec<Sp<ShareLit>>,
}
