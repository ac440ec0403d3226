//! The validated catalog: what the rest of pricebook works from.
//!
//! Every reference is resolved to an index ([`Ref`]), every default is
//! filled in, every amount is a checked decimal. Serialised, this is the
//! canonical JSON that `pricebook build` writes for production billing:
//! references print as ids, decimals as normalised strings, keys sorted.

use crate::calendar::Period;
use crate::money::{Credits, Currency, Money, Rounding};
use crate::policy::{
    CycleAnchor, EntitlementKind, ExpiryPrecision, Funding, OnDecline, OrderKey, ReferralTo, Refundable, SourceKind,
    Timing, UpgradeCharge, UpgradeCredits, UsedCredits, WindowStart,
};
use chrono_tz::Tz;
use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::marker::PhantomData;

/// A resolved reference: an index for the engine, an id for people.
#[derive(Debug)]
pub struct Ref<K> {
    pub ix: usize,
    pub id: String,
    kind: PhantomData<K>,
}

impl<K> Ref<K> {
    pub fn new(ix: usize, id: impl Into<String>) -> Self {
        Ref { ix, id: id.into(), kind: PhantomData }
    }
}

impl<K> Clone for Ref<K> {
    fn clone(&self) -> Self {
        Ref::new(self.ix, self.id.clone())
    }
}

impl<K> PartialEq for Ref<K> {
    fn eq(&self, other: &Self) -> bool {
        self.ix == other.ix
    }
}

impl<K> Eq for Ref<K> {}

/// In catalog JSON a reference is the id it names.
impl<K> JsonSchema for Ref<K> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Id".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "string", "minLength": 1 })
    }
}

/// Read back as an unresolved id; [`Catalog::resolve`] finds its index.
impl<'de, K> Deserialize<'de> for Ref<K> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Ref::new(usize::MAX, String::deserialize(d)?))
    }
}

impl<K> Serialize for Ref<K> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.id)
    }
}

/// Marker types for [`Ref`].
#[derive(Debug)]
pub enum PlanK {}
#[derive(Debug)]
pub enum SourceK {}
#[derive(Debug)]
pub enum PackK {}
#[derive(Debug)]
pub enum EntitlementK {}
#[derive(Debug)]
pub enum FeatureK {}
#[derive(Debug)]
pub enum AddonK {}

pub type PlanRef = Ref<PlanK>;
pub type SourceRef = Ref<SourceK>;
pub type PackRef = Ref<PackK>;
pub type EntitlementRef = Ref<EntitlementK>;
pub type FeatureRef = Ref<FeatureK>;
pub type AddonRef = Ref<AddonK>;

fn tz_name<S: Serializer>(tz: &Tz, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(tz.name())
}

fn decimal_str<S: Serializer>(d: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&d.normalize().to_string())
}

fn decimals_str<S: Serializer>(ds: &[Decimal], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(ds.iter().map(|d| d.normalize().to_string()))
}

fn decimals_from_str<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Decimal>, D::Error> {
    let texts = Vec::<String>::deserialize(d)?;
    texts.iter().map(|t| t.parse::<Decimal>().map_err(|e| serde::de::Error::custom(format!("`{t}`: {e}")))).collect()
}

/// One product's compiled pricing.
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
pub struct Catalog {
    /// The plan file's stem: `plans/acme.toml` → `acme`.
    pub id: String,
    pub name: String,
    pub summary: Option<String>,
    /// ISO 4217 code.
    #[schemars(with = "String")]
    pub currency: &'static Currency,
    pub money_rounding: Rounding,
    /// IANA time zone name, e.g. "Europe/Berlin".
    #[serde(serialize_with = "tz_name")]
    #[schemars(with = "String")]
    pub time_zone: Tz,
    pub default_plan: PlanRef,
    pub credits: CreditPolicy,
    pub sources: Vec<Source>,
    pub plans: Vec<Plan>,
    pub packs: Vec<Pack>,
    pub entitlements: Vec<Entitlement>,
    pub features: Vec<Feature>,
    pub addons: Vec<Addon>,
    pub auto_recharge: Option<AutoRecharge>,
    pub refunds: RefundPolicy,
    pub plan_changes: ChangePolicy,
    /// Low-balance warning shares, highest first.
    #[serde(serialize_with = "decimals_str", deserialize_with = "decimals_from_str")]
    #[schemars(with = "Vec<String>")]
    pub low_balance_warnings: Vec<Decimal>,
}

#[derive(Debug, Serialize, Deserialize, JsonSchema)]
pub struct CreditPolicy {
    pub unit: String,
    pub plural: String,
    pub scale: u32,
    pub rounding: Rounding,
    pub price_per: Credits,
    pub consumption_order: Vec<OrderKey>,
    pub on_exhaustion: ExhaustionRule,
    pub transferable: bool,
    pub refund_failed_operations: bool,
    /// Left out of the JSON when exact, so catalogs that never set it keep their bytes.
    #[serde(default, skip_serializing_if = "ExpiryPrecision::is_exact")]
    pub expiry_precision: ExpiryPrecision,
    /// Usage resets counted from each account's sign-up; left out of the JSON when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage_period: Option<UsagePeriod>,
}

/// Periodic usage resets declared in the plan file (OpenMeter's entitlement
/// usage period): at each reset a direct grant keeps what its `rollover`
/// says, then uncovered usage is forgiven or carried.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct UsagePeriod {
    /// Time between resets, counted from the account's sign-up (months clamp at month ends).
    pub every: Period,
    /// What a reset does with usage the balance did not cover.
    pub overage: crate::policy::Overage,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", tag = "mode")]
pub enum ExhaustionRule {
    Refuse,
    OverdrawOnce,
    Overdraft { limit: Option<Credits> },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", tag = "kind", content = "after")]
pub enum Expiry {
    Never,
    EndOfDay,
    EndOfCycle,
    After(Period),
}

/// `remainder → min(max_amount, max_share × granted, max(min_kept, remainder))`
/// at each of the first `cycles` cycle ends; expiry after that.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RolloverRule {
    pub cycles: u32,
    pub max_amount: Option<Credits>,
    #[serde(serialize_with = "opt_decimal_str")]
    #[schemars(with = "Option<String>")]
    pub max_share: Option<Decimal>,
    pub min_kept: Option<Credits>,
}

fn opt_decimal_str<S: Serializer>(d: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => decimal_str(d, s),
        None => s.serialize_none(),
    }
}

#[derive(Debug, Serialize, Deserialize, JsonSchema)]
pub struct Source {
    pub id: String,
    pub kind: SourceKind,
    pub label: String,
    pub funding: Funding,
    pub priority: i32,
    pub amount: Option<Credits>,
    pub referral_to: Option<ReferralTo>,
    pub expires: Expiry,
    pub rollover: Option<RolloverRule>,
    /// Plans whose accounts receive it; `None` means every plan.
    pub plans: Option<Vec<PlanRef>>,
}

impl Source {
    pub fn applies_to(&self, plan: usize) -> bool {
        self.plans.as_ref().is_none_or(|ps| ps.iter().any(|p| p.ix == plan))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", tag = "kind", content = "credits")]
pub enum Allowance {
    None,
    Monthly(Credits),
    Unlimited,
}

#[derive(Debug, Serialize, Deserialize, JsonSchema)]
pub struct Plan {
    pub id: String,
    pub name: String,
    pub tagline: Option<String>,
    pub monthly_price: Option<Money>,
    pub yearly_price: Option<Money>,
    pub monthly_credits: Allowance,
    pub cycle_anchor: CycleAnchor,
    pub trial: Option<Period>,
    pub limits: Vec<PlanLimit>,
    pub flags: Vec<EntitlementRef>,
    pub highlights: Vec<String>,
    /// Whether the pricing page sets this plan apart; at most one plan is.
    #[serde(default)]
    pub highlight: bool,
    /// The call-to-action link on this plan's card.
    #[serde(default)]
    pub cta: Option<CallToAction>,
    /// Usage past the balance, billed in money; `None`: `on_exhaustion`
    /// decides. Left out of the JSON when absent, so catalogs that never
    /// set it keep their bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overage: Option<OverageRate>,
    /// A discount on an account's first subscription payments; left out of
    /// the JSON when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intro_offer: Option<IntroOffer>,
}

/// A plan's call to action on the pricing page; the url is http(s).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CallToAction {
    /// What the button says.
    pub label: String,
    /// Where it leads.
    pub url: String,
}

/// An introductory price (Stripe's coupons with a duration): the first
/// `cycles` subscription payments an account makes cost less.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct IntroOffer {
    pub off: Discount,
    /// How many subscription payments are discounted.
    pub cycles: u32,
}

/// What a discount takes off one payment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", tag = "kind", content = "value")]
pub enum Discount {
    /// A share of the list price, e.g. 0.5.
    Share(#[schemars(with = "String")] Decimal),
    /// An amount of money.
    Amount(Money),
}

/// Metered overage (Stripe's metered prices, Lago's and Orb's usage-based
/// charges): what a plan's usage past its balance costs in money, billed in
/// arrears at the cycle end, at a plan change, and at once when what is
/// owed reaches `charge_at`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct OverageRate {
    /// Money for `per` credits of usage.
    pub price: Money,
    /// Credits `price` is for (1000: "per 1,000 credits").
    pub per: Credits,
    /// What is owed is charged at once when it reaches this amount; `None`: only at the cycle end.
    pub charge_at: Option<Money>,
}

impl Plan {
    /// A plan is paid when it has a positive monthly or yearly price.
    pub fn is_paid(&self) -> bool {
        self.monthly_price.is_some_and(Money::is_positive) || self.yearly_price.is_some_and(Money::is_positive)
    }

    pub fn has_flag(&self, entitlement: usize) -> bool {
        self.flags.iter().any(|f| f.ix == entitlement)
    }

    /// `None` when the plan does not mention the entitlement (no units allowed).
    pub fn limit(&self, entitlement: usize) -> Option<Limit> {
        self.limits.iter().find(|l| l.entitlement.ix == entitlement).map(|l| l.limit)
    }

    pub fn monthly_credits(&self) -> Credits {
        match self.monthly_credits {
            Allowance::Monthly(c) => c,
            Allowance::None | Allowance::Unlimited => Credits::ZERO,
        }
    }

    pub fn is_unlimited(&self) -> bool {
        self.monthly_credits == Allowance::Unlimited
    }
}

#[derive(Debug, Serialize, Deserialize, JsonSchema)]
pub struct PlanLimit {
    pub entitlement: EntitlementRef,
    pub limit: Limit,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Limit {
    Count(u64),
    Unlimited,
}

#[derive(Debug, Serialize, Deserialize, JsonSchema)]
pub struct Pack {
    pub id: String,
    pub name: String,
    pub tagline: Option<String>,
    pub offer: PackOffer,
    pub plans: Option<Vec<PlanRef>>,
    pub source: SourceRef,
}

impl Pack {
    pub fn available_on(&self, plan: usize) -> bool {
        self.plans.as_ref().is_none_or(|ps| ps.iter().any(|p| p.ix == plan))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum PackOffer {
    Fixed { credits: Credits, price: Money },
    Custom { unit_price: Money, min_credits: Option<Credits>, max_credits: Option<Credits> },
}

#[derive(Debug, Serialize, Deserialize, JsonSchema)]
pub struct Entitlement {
    pub id: String,
    pub name: String,
    pub kind: EntitlementKind,
}

#[derive(Debug, Serialize, Deserialize, JsonSchema)]
pub struct Feature {
    pub id: String,
    pub name: String,
    pub requires: Option<EntitlementRef>,
    pub rounding: Rounding,
    pub rates: Vec<Rate>,
    /// What one unit of `per_unit` measures ("character", "second", "image"); left out of the JSON when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// No single usage costs more than this; left out of the JSON when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_per_use: Option<Credits>,
    /// Variants a usage may name that scale its cost (a premium voice costs ×2); left out of the JSON when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub multipliers: Vec<Multiplier>,
}

/// A variant of a feature whose usage costs a multiple of the rate
/// (Orb/Metronome "price adjustments", Lago charge filters).
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
pub struct Multiplier {
    /// The tag a usage names in `variant`.
    pub variant: String,
    /// How pages name the variant; `None`: the variant id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// What the rate's cost is multiplied by, before rounding and before `max_per_use`.
    pub factor: rust_decimal::Decimal,
    /// What serving a usage of this variant costs the provider, in place of
    /// the rate's `cost` (whatever the model); `None`: the rate's cost,
    /// unchanged. Left out of the JSON when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<ProviderCost>,
}

#[derive(Debug, Serialize, Deserialize, JsonSchema)]
pub struct Rate {
    pub model: String,
    /// How pages name the model; `None`: the model id.
    #[serde(default)]
    pub display_name: Option<String>,
    pub per_request: Option<Credits>,
    pub per_1k_input_tokens: Option<Credits>,
    pub per_1k_output_tokens: Option<Credits>,
    pub per_1k_tokens: Option<Credits>,
    pub per_minute: Option<Credits>,
    /// Credits per unit of the feature's own `unit`; left out of the JSON when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_unit: Option<Credits>,
    /// What serving a usage of this rate costs the provider; left out of the JSON when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<ProviderCost>,
}

/// A provider's cost of serving a usage, in money, metered like the rate
/// card (the parts add up). Only for margins: customers never pay it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProviderCost {
    /// Money per request; left out of the JSON when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_request: Option<Money>,
    /// Money per 1,000 input tokens; left out of the JSON when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_1k_input_tokens: Option<Money>,
    /// Money per 1,000 output tokens; left out of the JSON when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_1k_output_tokens: Option<Money>,
    /// Money per 1,000 tokens, input and output together; left out of the JSON when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_1k_tokens: Option<Money>,
    /// Money per minute; left out of the JSON when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_minute: Option<Money>,
    /// Money per unit of the feature's own `unit`; left out of the JSON when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_unit: Option<Money>,
}

#[derive(Debug, Serialize, Deserialize, JsonSchema)]
pub struct Addon {
    pub id: String,
    pub name: String,
    pub monthly_credits: Option<Credits>,
    pub monthly_price: Option<Money>,
    pub plans: Option<Vec<PlanRef>>,
}

impl Addon {
    pub fn available_on(&self, plan: usize) -> bool {
        self.plans.as_ref().is_none_or(|ps| ps.iter().any(|p| p.ix == plan))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", tag = "kind", content = "value")]
pub enum RechargeRule {
    Pack,
    Amount(Money),
    RefillToTarget(Credits),
}

#[derive(Debug, Serialize, Deserialize, JsonSchema)]
pub struct AutoRecharge {
    pub enabled_by_default: bool,
    pub threshold: Credits,
    pub buys: RechargeRule,
    pub pack: PackRef,
    pub monthly_cap: Option<Money>,
    pub on_decline: OnDecline,
    pub settles_after: Option<Period>,
    pub plans: Option<Vec<PlanRef>>,
}

impl AutoRecharge {
    pub fn available_on(&self, plan: usize) -> bool {
        self.plans.as_ref().is_none_or(|ps| ps.iter().any(|p| p.ix == plan))
    }
}

#[derive(Debug, Serialize, Deserialize, JsonSchema)]
pub struct RefundPolicy {
    /// Empty: nothing is refundable.
    pub applies_to: Vec<Refundable>,
    pub window: Option<Period>,
    pub window_starts: WindowStart,
    #[serde(serialize_with = "opt_decimal_str")]
    #[schemars(with = "Option<String>")]
    pub max_used_share: Option<Decimal>,
    pub used_credits: UsedCredits,
    pub reset_anchor: bool,
    pub void_bonuses: bool,
}

#[derive(Debug, Serialize, Deserialize, JsonSchema)]
pub struct ChangePolicy {
    pub upgrade_credits: UpgradeCredits,
    pub upgrade_charge: UpgradeCharge,
    pub downgrade: Timing,
    pub cancel: Timing,
}

impl Catalog {
    /// Whether any rate declares what it costs the provider (margins are shown only then).
    pub fn has_costs(&self) -> bool {
        self.features
            .iter()
            .any(|f| f.rates.iter().any(|r| r.cost.is_some()) || f.multipliers.iter().any(|m| m.cost.is_some()))
    }

    pub fn plan_ix(&self, id: &str) -> Option<usize> {
        self.plans.iter().position(|p| p.id == id)
    }
    pub fn pack_ix(&self, id: &str) -> Option<usize> {
        self.packs.iter().position(|p| p.id == id)
    }
    pub fn feature_ix(&self, id: &str) -> Option<usize> {
        self.features.iter().position(|p| p.id == id)
    }
    pub fn addon_ix(&self, id: &str) -> Option<usize> {
        self.addons.iter().position(|p| p.id == id)
    }
    pub fn entitlement_ix(&self, id: &str) -> Option<usize> {
        self.entitlements.iter().position(|p| p.id == id)
    }

    /// The first source that carries plans' monthly credits, if any.
    pub fn allowance_source(&self) -> Option<usize> {
        self.sources.iter().position(|s| s.kind == SourceKind::Allowance)
    }

    /// The source that carries one plan's monthly credits, with its own
    /// expiry and rollover: the allowance source whose `plans` name the
    /// plan, else the one that names no plans (it serves the rest).
    pub fn allowance_source_for(&self, plan: usize) -> Option<usize> {
        let allowances = || self.sources.iter().enumerate().filter(|(_, s)| s.kind == SourceKind::Allowance);
        allowances()
            .find(|(_, s)| s.plans.as_ref().is_some_and(|ps| ps.iter().any(|p| p.ix == plan)))
            .or_else(|| allowances().find(|(_, s)| s.plans.is_none()))
            .map(|(ix, _)| ix)
    }

    pub fn source_of_kind(&self, kind: SourceKind) -> Option<usize> {
        self.sources.iter().position(|s| s.kind == kind)
    }

    /// Source labels in declaration order, for balances by source.
    pub fn source_labels(&self) -> impl Iterator<Item = &str> {
        self.sources.iter().map(|s| s.label.as_str())
    }
}

/// A reference in catalog JSON that names nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unresolved {
    /// Where it is, as a JSON-ish path (`packs[2].source`).
    pub at: String,
    pub id: String,
}

impl std::fmt::Display for Unresolved {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: `{}` names nothing in this catalog", self.at, self.id)
    }
}

fn resolve_ref<K>(r: &mut Ref<K>, ids: &[&str], at: impl FnOnce() -> String) -> Result<(), Unresolved> {
    match ids.iter().position(|id| *id == r.id) {
        Some(ix) => {
            r.ix = ix;
            Ok(())
        }
        None => Err(Unresolved { at: at(), id: r.id.clone() }),
    }
}

fn resolve_refs<K>(rs: &mut [Ref<K>], ids: &[&str], at: &str) -> Result<(), Unresolved> {
    for (i, r) in rs.iter_mut().enumerate() {
        resolve_ref(r, ids, || format!("{at}[{i}]"))?;
    }
    Ok(())
}

impl Catalog {
    /// Gives every reference read back from JSON (by id) its index. A
    /// catalog built by the compiler is already resolved; this is for one
    /// read from `pricebook build` output.
    pub fn resolve(&mut self) -> Result<(), Unresolved> {
        let plan_ids: Vec<String> = self.plans.iter().map(|p| p.id.clone()).collect();
        let plans: Vec<&str> = plan_ids.iter().map(String::as_str).collect();
        let ent_ids: Vec<String> = self.entitlements.iter().map(|e| e.id.clone()).collect();
        let ents: Vec<&str> = ent_ids.iter().map(String::as_str).collect();
        let source_ids: Vec<String> = self.sources.iter().map(|s| s.id.clone()).collect();
        let sources: Vec<&str> = source_ids.iter().map(String::as_str).collect();
        let pack_ids: Vec<String> = self.packs.iter().map(|p| p.id.clone()).collect();
        let packs: Vec<&str> = pack_ids.iter().map(String::as_str).collect();
        resolve_ref(&mut self.default_plan, &plans, || "default_plan".into())?;
        for (i, s) in self.sources.iter_mut().enumerate() {
            resolve_refs(s.plans.as_deref_mut().unwrap_or_default(), &plans, &format!("sources[{i}].plans"))?;
        }
        for (i, p) in self.plans.iter_mut().enumerate() {
            resolve_refs(&mut p.flags, &ents, &format!("plans[{i}].flags"))?;
            for (j, l) in p.limits.iter_mut().enumerate() {
                resolve_ref(&mut l.entitlement, &ents, || format!("plans[{i}].limits[{j}].entitlement"))?;
            }
        }
        for (i, p) in self.packs.iter_mut().enumerate() {
            resolve_refs(p.plans.as_deref_mut().unwrap_or_default(), &plans, &format!("packs[{i}].plans"))?;
            resolve_ref(&mut p.source, &sources, || format!("packs[{i}].source"))?;
        }
        for (i, f) in self.features.iter_mut().enumerate() {
            if let Some(r) = &mut f.requires {
                resolve_ref(r, &ents, || format!("features[{i}].requires"))?;
            }
        }
        for (i, a) in self.addons.iter_mut().enumerate() {
            resolve_refs(a.plans.as_deref_mut().unwrap_or_default(), &plans, &format!("addons[{i}].plans"))?;
        }
        if let Some(ar) = &mut self.auto_recharge {
            resolve_ref(&mut ar.pack, &packs, || "auto_recharge.pack".into())?;
            resolve_refs(ar.plans.as_deref_mut().unwrap_or_default(), &plans, "auto_recharge.plans")?;
        }
        Ok(())
    }
}
