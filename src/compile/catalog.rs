//! The validated catalog: what the rest of pricebook works from.
//!
//! Every reference is resolved to an index ([`Ref`]), every default is
//! filled in, every amount is a checked decimal. Serialised, this is the
//! canonical JSON that `pricebook build` writes for production billing:
//! references print as ids, decimals as normalised strings, keys sorted.

use crate::calendar::Period;
use crate::model::plan::{
    CycleAnchor, EntitlementKind, Funding, OnDecline, OrderKey, ReferralTo, Refundable, SourceKind, Timing,
    UpgradeCharge, UpgradeCredits, UsedCredits, WindowStart,
};
use crate::money::{Credits, Currency, Money, Rounding};
use chrono_tz::Tz;
use rust_decimal::Decimal;
use serde::{Serialize, Serializer};
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

/// One product's compiled pricing.
#[derive(Debug, Serialize)]
pub struct Catalog {
    /// The plan file's stem: `plans/eigent.toml` → `eigent`.
    pub id: String,
    pub name: String,
    pub summary: Option<String>,
    pub currency: &'static Currency,
    pub money_rounding: Rounding,
    #[serde(serialize_with = "tz_name")]
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
    #[serde(serialize_with = "decimals_str")]
    pub low_balance_warnings: Vec<Decimal>,
    /// `(larger, smaller)` pack indices where the larger pack is worse value
    /// (rule T8; see [`super::lints::worse_value_pairs`]), computed once
    /// when the catalog is compiled and read by the plan lint and by
    /// `pricebook diff`. Derived, so not part of the catalog's JSON.
    #[serde(skip)]
    pub worse_value_pairs: Vec<(usize, usize)>,
}

#[derive(Debug, Serialize)]
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
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "mode")]
pub enum ExhaustionRule {
    Refuse,
    OverdrawOnce,
    Overdraft { limit: Option<Credits> },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "after")]
pub enum Expiry {
    Never,
    EndOfDay,
    EndOfCycle,
    After(Period),
}

/// `remainder → min(max_amount, max_share × granted, max(min_kept, remainder))`
/// at each of the first `cycles` cycle ends; expiry after that.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RolloverRule {
    pub cycles: u32,
    pub max_amount: Option<Credits>,
    #[serde(serialize_with = "opt_decimal_str")]
    pub max_share: Option<Decimal>,
    pub min_kept: Option<Credits>,
}

fn opt_decimal_str<S: Serializer>(d: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => decimal_str(d, s),
        None => s.serialize_none(),
    }
}

impl RolloverRule {
    /// What a grant of `original` credits keeps at a cycle end when `remaining` are left.
    pub fn carry(&self, remaining: Credits, original: Credits) -> Credits {
        let mut kept = remaining;
        if let Some(min) = self.min_kept {
            kept = kept.max(min);
        }
        if let Some(max) = self.max_amount {
            kept = kept.min(max);
        }
        if let Some(share) = self.max_share {
            kept = kept.min(original * share);
        }
        kept
    }
}

#[derive(Debug, Serialize)]
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

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "credits")]
pub enum Allowance {
    None,
    Monthly(Credits),
    Unlimited,
}

#[derive(Debug, Serialize)]
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

#[derive(Debug, Serialize)]
pub struct PlanLimit {
    pub entitlement: EntitlementRef,
    pub limit: Limit,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Limit {
    Count(u64),
    Unlimited,
}

#[derive(Debug, Serialize)]
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

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum PackOffer {
    Fixed { credits: Credits, price: Money },
    Custom { unit_price: Money, min_credits: Option<Credits>, max_credits: Option<Credits> },
}

impl PackOffer {
    /// Money per credit.
    pub fn unit_price(&self) -> Decimal {
        match *self {
            PackOffer::Fixed { credits, price } => price.get() / credits.get(),
            PackOffer::Custom { unit_price, .. } => unit_price.get(),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct Entitlement {
    pub id: String,
    pub name: String,
    pub kind: EntitlementKind,
}

#[derive(Debug, Serialize)]
pub struct Feature {
    pub id: String,
    pub name: String,
    pub requires: Option<EntitlementRef>,
    pub rounding: Rounding,
    pub rates: Vec<Rate>,
}

#[derive(Debug, Serialize)]
pub struct Rate {
    pub model: String,
    pub per_request: Option<Credits>,
    pub per_1k_input_tokens: Option<Credits>,
    pub per_1k_output_tokens: Option<Credits>,
    pub per_1k_tokens: Option<Credits>,
    pub per_minute: Option<Credits>,
}

#[derive(Debug, Serialize)]
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

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "value")]
pub enum RechargeRule {
    Pack,
    Amount(Money),
    RefillToTarget(Credits),
}

#[derive(Debug, Serialize)]
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

#[derive(Debug, Serialize)]
pub struct RefundPolicy {
    /// Empty: nothing is refundable.
    pub applies_to: Vec<Refundable>,
    pub window: Option<Period>,
    pub window_starts: WindowStart,
    #[serde(serialize_with = "opt_decimal_str")]
    pub max_used_share: Option<Decimal>,
    pub used_credits: UsedCredits,
    pub reset_anchor: bool,
    pub void_bonuses: bool,
}

#[derive(Debug, Serialize)]
pub struct ChangePolicy {
    pub upgrade_credits: UpgradeCredits,
    pub upgrade_charge: UpgradeCharge,
    pub downgrade: Timing,
    pub cancel: Timing,
}

impl Catalog {
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

    /// The source that carries plans' monthly credits, if any.
    pub fn allowance_source(&self) -> Option<usize> {
        self.sources.iter().position(|s| s.kind == SourceKind::Allowance)
    }

    pub fn source_of_kind(&self, kind: SourceKind) -> Option<usize> {
        self.sources.iter().position(|s| s.kind == kind)
    }

    /// Source labels in declaration order, for balances by source.
    pub fn source_labels(&self) -> impl Iterator<Item = &str> {
        self.sources.iter().map(|s| s.label.as_str())
    }
}
