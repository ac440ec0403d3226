//! Stage 2 for plan files: raw [`PlanFile`] → validated [`Catalog`].
//!
//! Checks run section by section and all of them run, whatever failed
//! before; a reference to an item that failed its own checks still
//! resolves (by id), so one mistake is reported once.

use super::catalog::*;
use super::check::{Checker, Sign};
use crate::diag::Code;
use crate::model::plan::{self as raw, ExpiryLit, PlanFile, SourceKind};
use crate::model::{AmountLit, Sp};
use crate::suggest;
use chrono_tz::Tz;
use pricebook_core::money::{self, Credits, Money, Rounding};

/// Validates one plan file. `None` when it has errors (reported in `ck`).
pub fn compile(id: &str, file: &PlanFile, ck: &mut Checker) -> Option<Catalog> {
    let cat = &file.catalog.value;
    let currency = match money::currency(&cat.currency.value) {
        Some(c) => Some(c),
        None => {
            let known: Vec<&str> = money::CURRENCIES.iter().map(|c| c.code).collect();
            let help = suggest::help_for(&cat.currency.value, "currencies", known.iter().copied());
            ck.error(
                Code::UnknownCurrency,
                cat.currency.span.clone(),
                format!("`{}` is not a currency pricebook knows", cat.currency.value),
            )
            .with_help(help);
            None
        }
    };
    ck.currency = currency;
    let time_zone = cat.time_zone.as_ref().map_or(Some(Tz::UTC), |tz| parse_tz(tz, ck));

    let credits = credit_policy(&file.credits, ck);

    let plan_ids = ck.ids(file.plans.iter().map(|p| &p.value.id), "plan");
    let source_ids = ck.ids(file.sources.iter().map(|s| &s.value.id), "source");
    let pack_ids = ck.ids(file.packs.iter().map(|p| &p.value.id), "pack");
    let entitlement_ids = ck.ids(file.entitlements.iter().map(|e| &e.value.id), "entitlement");
    ck.ids(file.features.iter().map(|f| &f.value.id), "feature");
    ck.ids(file.addons.iter().map(|a| &a.value.id), "add-on");

    if file.plans.is_empty() {
        ck.error(Code::NoPlans, file.catalog.span.clone(), "this plan file declares no plans")
            .with_help("add at least one `[[plans]]` table (a free plan with `monthly_price = 0` will do)");
    }
    let default_plan = ck.resolve(&cat.default_plan, &plan_ids, "plan").map(|ix| PlanRef::new(ix, &plan_ids[ix]));

    let entitlements: Vec<Entitlement> = file
        .entitlements
        .iter()
        .map(|e| Entitlement { id: e.id.value.clone(), name: e.name.value.clone(), kind: e.kind.value })
        .collect();

    let plan_refs = |ck: &mut Checker, list: &Option<Vec<Sp<String>>>| -> Option<Vec<PlanRef>> {
        list.as_ref().map(|names| {
            names
                .iter()
                .filter_map(|n| ck.resolve(n, &plan_ids, "plan").map(|ix| PlanRef::new(ix, &plan_ids[ix])))
                .collect()
        })
    };

    let sources: Vec<Source> = file.sources.iter().map(|s| source(s, &plan_refs, ck)).collect();
    let allowance_sources: Vec<&Sp<raw::Source>> =
        file.sources.iter().filter(|s| s.kind.value == SourceKind::Allowance).collect();
    super::allowances::check_one_per_plan(&allowance_sources, ck);
    super::allowances::check_every_plan_served(&allowance_sources, &file.plans, ck);

    let highlighted = super::presentation::highlights(&file.plans, ck);
    let plans: Vec<Plan> = file
        .plans
        .iter()
        .zip(highlighted)
        .map(|(p, highlight)| {
            let mut plan = plan(p, p.id.value == cat.default_plan.value, &entitlements, &entitlement_ids, ck);
            plan.highlight = highlight;
            plan
        })
        .collect();
    if allowance_sources.is_empty()
        && let Some(p) = file
            .plans
            .iter()
            .find(|p| matches!(p.monthly_credits.as_ref().map(|m| m.value), Some(AmountLit::Amount(_))))
    {
        let span = p.monthly_credits.as_ref().map_or(p.span.clone(), |m| m.span.clone());
        ck.error(Code::MissingSource, span, "monthly_credits needs a credit source of kind `allowance`").with_help(
            "add `[[sources]]` with `kind = \"allowance\"` and its expiry, e.g. `expires = \"end_of_cycle\"`",
        );
    }

    let purchase_sources: Vec<usize> =
        sources.iter().enumerate().filter(|(_, s)| s.kind == SourceKind::Purchase).map(|(i, _)| i).collect();
    let packs: Vec<Pack> =
        file.packs.iter().filter_map(|p| pack(p, &purchase_sources, &source_ids, &sources, &plan_refs, ck)).collect();

    let features: Vec<Feature> = file
        .features
        .iter()
        .map(|f| feature(f, &entitlements, &entitlement_ids, credits.as_ref().map_or(Rounding::Up, |c| c.rounding), ck))
        .collect();
    for (f, raw_f) in features.iter().zip(&file.features) {
        if let (Some(req), Some(span)) = (&f.requires, raw_f.requires.as_ref().map(|r| r.span.clone()))
            && !plans.iter().any(|p| p.has_flag(req.ix))
        {
            ck.error(
                Code::UnusableFeature,
                span,
                format!("no plan has the flag `{}`, so no account can use `{}`", req.id, f.id),
            )
            .with_help(format!("add \"{}\" to some plan's `flags`, or remove `requires`", req.id));
        }
    }

    let addons: Vec<Addon> = file.addons.iter().map(|a| addon(a, &plan_refs, ck)).collect();
    let auto_recharge = file.auto_recharge.as_ref().and_then(|a| auto_recharge(a, &packs, &pack_ids, &plan_refs, ck));
    let refunds = refund_policy(file.refunds.as_ref(), &file.plans, ck);
    let plan_changes = change_policy(file.plan_changes.as_ref());
    let low_balance_warnings = warnings(file.notifications.as_ref(), ck);

    if ck.has_errors() {
        return None;
    }
    let catalog = Catalog {
        id: id.to_string(),
        name: cat.name.value.clone(),
        summary: cat.summary.clone(),
        currency: currency?,
        money_rounding: cat.money_rounding.unwrap_or(Rounding::HalfUp),
        time_zone: time_zone?,
        default_plan: default_plan?,
        credits: credits?,
        sources,
        plans,
        packs,
        entitlements,
        features,
        addons,
        auto_recharge,
        refunds,
        plan_changes,
        low_balance_warnings,
    };
    Some(catalog)
}

fn parse_tz(tz: &Sp<String>, ck: &mut Checker) -> Option<Tz> {
    match tz.value.parse::<Tz>() {
        Ok(t) => Some(t),
        Err(_) => {
            let names = chrono_tz::TZ_VARIANTS.iter().map(|t| t.name());
            let help = match suggest::did_you_mean(&tz.value, names) {
                Some(best) => format!("did you mean `{best}`?"),
                None => "use an IANA name such as \"UTC\", \"Europe/Berlin\" or \"America/New_York\"".into(),
            };
            ck.error(Code::UnknownTimeZone, tz.span.clone(), format!("`{}` is not an IANA time zone", tz.value))
                .with_help(help);
            None
        }
    }
}

fn credit_policy(c: &Sp<raw::CreditsSection>, ck: &mut Checker) -> Option<CreditPolicy> {
    let c = &c.value;
    if c.scale.value > 18 {
        ck.error(
            Code::InvalidRange,
            c.scale.span.clone(),
            format!("scale {} is more decimal places than pricebook keeps", c.scale.value),
        )
        .with_help("use a scale between 0 and 18");
    }
    ck.credit_scale = c.scale.value.min(18);
    ck.credit_unit = c.plural.clone().unwrap_or_else(|| format!("{}s", c.unit.value));
    if c.unit.value.trim().is_empty() {
        ck.error(Code::InvalidValue, c.unit.span.clone(), "the credit unit needs a name")
            .with_help("e.g. unit = \"credit\"");
    }
    let price_per = c.price_per.as_ref().map_or(Credits::from(1), |p| ck.credits(p, "price_per", Sign::Positive));
    let mut order = Vec::new();
    for key in &c.consumption_order.value {
        if order.contains(&key.value) {
            ck.error(
                Code::ConflictingKeys,
                key.span.clone(),
                format!("`{:?}` is listed twice in consumption_order", key.value),
            )
            .with_help("each tie-break key can appear once");
        }
        order.push(key.value);
    }
    use raw::OrderKey::*;
    for (a, b) in [(PromotionalFirst, PaidFirst), (Oldest, Newest)] {
        if order.contains(&a)
            && order.contains(&b)
            && let Some(k) = c.consumption_order.value.iter().find(|k| k.value == b)
        {
            ck.error(Code::ConflictingKeys, k.span.clone(), format!("consumption_order has both `{a:?}` and `{b:?}`"))
                .with_help("the second of two opposite keys never decides anything; remove one");
        }
    }
    if order.is_empty() {
        ck.error(Code::MissingKey, c.consumption_order.span.clone(), "consumption_order is empty")
            .with_help("list at least one key, e.g. [\"priority\", \"soonest_expiry\", \"oldest\"]");
    }
    let limit = c.overdraft_limit.as_ref().map(|l| ck.credits(l, "overdraft_limit", Sign::NonNegative));
    let on_exhaustion = match c.on_exhaustion.value {
        raw::Exhaustion::Refuse => ExhaustionRule::Refuse,
        raw::Exhaustion::OverdrawOnce => ExhaustionRule::OverdrawOnce,
        raw::Exhaustion::Overdraft => ExhaustionRule::Overdraft { limit },
    };
    if limit.is_some()
        && !matches!(on_exhaustion, ExhaustionRule::Overdraft { .. })
        && let Some(l) = &c.overdraft_limit
    {
        ck.error(
            Code::ConflictingKeys,
            l.span.clone(),
            "overdraft_limit only applies with on_exhaustion = \"overdraft\"",
        )
        .with_help("remove overdraft_limit or set on_exhaustion = \"overdraft\"");
    }
    Some(CreditPolicy {
        unit: c.unit.value.clone(),
        plural: ck.credit_unit.clone(),
        scale: ck.credit_scale,
        rounding: c.rounding.unwrap_or(Rounding::Up),
        price_per,
        consumption_order: order,
        on_exhaustion,
        transferable: c.transferable,
        refund_failed_operations: c.refund_failed_operations,
        expiry_precision: c.expiry_precision.unwrap_or_default(),
        usage_period: c.usage_period.as_ref().map(|p| pricebook_core::catalog::UsagePeriod {
            every: p.value.every.value.0,
            overage: p.value.overage.unwrap_or_default(),
        }),
    })
}

type PlanRefs<'a> = dyn Fn(&mut Checker, &Option<Vec<Sp<String>>>) -> Option<Vec<PlanRef>> + 'a;

fn source(s: &Sp<raw::Source>, plan_refs: &PlanRefs, ck: &mut Checker) -> Source {
    let s = &s.value;
    let kind = s.kind.value;
    let needs_amount = matches!(kind, SourceKind::DailyActivity | SourceKind::Signup | SourceKind::Referral);
    let amount = match (&s.amount, needs_amount) {
        (Some(a), true) => Some(ck.credits(a, "amount", Sign::Positive)),
        (None, true) => {
            ck.error(
                Code::IncompleteItem,
                s.kind.span.clone(),
                format!("a `{}` source needs an `amount`", kind_word(kind)),
            )
            .with_help("add `amount = ...`: the credits each grant gives");
            None
        }
        (Some(a), false) => {
            let why = match kind {
                SourceKind::Allowance => "allowance amounts come from each plan's `monthly_credits`",
                SourceKind::Purchase => "purchased amounts come from packs",
                _ => "adjustment amounts come from each adjustment",
            };
            ck.error(
                Code::ConflictingKeys,
                a.span.clone(),
                format!("a `{}` source takes no `amount`", kind_word(kind)),
            )
            .with_help(why);
            None
        }
        (None, false) => None,
    };
    if s.referral_to.is_some() && kind != SourceKind::Referral {
        ck.error(Code::ConflictingKeys, s.id.span.clone(), "`referral_to` only applies to referral sources")
            .with_help("remove referral_to");
    }
    let expires = match s.expires.value {
        ExpiryLit::Never => Expiry::Never,
        ExpiryLit::EndOfDay => Expiry::EndOfDay,
        ExpiryLit::EndOfCycle => Expiry::EndOfCycle,
        ExpiryLit::After(p) => Expiry::After(p),
    };
    let rollover = s.rollover.as_ref().map(|r| {
        if expires != Expiry::EndOfCycle {
            let why = match expires {
                Expiry::Never => "credits that never expire have nothing to roll over",
                Expiry::EndOfDay => "credits that expire at the end of the day cannot outlive a cycle",
                _ => "a fixed lifetime already says how long credits live",
            };
            ck.error(
                Code::RolloverExceedsExpiry,
                r.span.clone(),
                format!("rollover asks credits to outlive `expires = \"{}\"`", expiry_word(expires)),
            )
            .with_help(format!("{why}; use `expires = \"end_of_cycle\"` with rollover, or remove rollover"));
        }
        rollover_rule(&r.value, ck)
    });
    Source {
        id: s.id.value.clone(),
        kind,
        label: s.label.clone().unwrap_or_else(|| s.id.value.clone()),
        funding: s.funding.unwrap_or(if kind == SourceKind::Purchase {
            raw::Funding::Paid
        } else {
            raw::Funding::Promotional
        }),
        priority: s.priority.value,
        amount,
        referral_to: (kind == SourceKind::Referral).then(|| s.referral_to.unwrap_or(raw::ReferralTo::Both)),
        expires,
        rollover,
        plans: plan_refs(ck, &s.plans),
    }
}

fn rollover_rule(r: &raw::Rollover, ck: &mut Checker) -> RolloverRule {
    if r.cycles.value == 0 {
        ck.error(Code::NonPositiveAmount, r.cycles.span.clone(), "rollover for 0 cycles carries nothing")
            .with_help("use cycles = 1 or more, or remove rollover");
    }
    let max_amount = r.max_amount.as_ref().map(|m| ck.credits(m, "max_amount", Sign::NonNegative));
    let min_kept = r.min_kept.as_ref().map(|m| ck.credits(m, "min_kept", Sign::NonNegative));
    if let (Some(min), Some(max), Some(lit)) = (min_kept, max_amount, r.min_kept.as_ref())
        && min > max
    {
        ck.error(Code::InvalidRange, lit.span.clone(), format!("min_kept ({min}) is above max_amount ({max})"))
            .with_help("min_kept must not exceed max_amount");
    }
    RolloverRule { cycles: r.cycles.value, max_amount, max_share: r.max_share.as_ref().map(|s| s.value.0), min_kept }
}

fn plan(
    p: &Sp<raw::Plan>,
    is_default: bool,
    entitlements: &[Entitlement],
    entitlement_ids: &[String],
    ck: &mut Checker,
) -> Plan {
    let p = &p.value;
    let monthly_price = p.monthly_price.as_ref().map(|m| ck.money(m, "monthly_price", Sign::NonNegative));
    let yearly_price = p.yearly_price.as_ref().map(|m| ck.money(m, "yearly_price", Sign::NonNegative));
    let monthly_credits = match &p.monthly_credits {
        None => Allowance::None,
        Some(Sp { value: AmountLit::Unlimited, .. }) => Allowance::Unlimited,
        Some(Sp { value: AmountLit::Amount(a), span }) => Allowance::Monthly(ck.credits(
            &Sp::new(crate::model::DecimalLit(*a), span.clone()),
            "monthly_credits",
            Sign::Positive,
        )),
    };
    let paid = monthly_price.is_some_and(Money::is_positive) || yearly_price.is_some_and(Money::is_positive);
    if let Some(t) = &p.trial
        && !paid
        && monthly_price.is_some()
    {
        ck.error(
            Code::ConflictingKeys,
            t.span.clone(),
            format!("plan `{}` is free, so a trial has nothing to waive", p.id.value),
        )
        .with_help("remove `trial`, or give the plan a price");
    }
    let mut limits = Vec::new();
    for (name, value) in &p.limits {
        let Some(ix) = ck.resolve(name, entitlement_ids, "entitlement") else {
            continue;
        };
        if entitlements[ix].kind != raw::EntitlementKind::Limit {
            ck.error(Code::InvalidValue, name.span.clone(), format!("`{}` is a flag, not a limit", name.value))
                .with_help(format!("list it in `flags = [\"{}\"]` instead", name.value));
            continue;
        }
        let limit = match value.value {
            AmountLit::Unlimited => Limit::Unlimited,
            AmountLit::Amount(a) => match u64::try_from(a.normalize()) {
                Ok(n) if a.normalize().scale() == 0 => Limit::Count(n),
                _ => {
                    ck.error(
                        Code::InvalidValue,
                        value.span.clone(),
                        format!("limit `{}` must be a whole number or \"unlimited\"", name.value),
                    )
                    .with_help("e.g. chatbots = 5");
                    continue;
                }
            },
        };
        limits.push(PlanLimit { entitlement: EntitlementRef::new(ix, &name.value), limit });
    }
    let mut flags = Vec::new();
    for name in &p.flags {
        let Some(ix) = ck.resolve(name, entitlement_ids, "entitlement") else {
            continue;
        };
        if entitlements[ix].kind != raw::EntitlementKind::Flag {
            ck.error(Code::InvalidValue, name.span.clone(), format!("`{}` is a limit, not a flag", name.value))
                .with_help(format!("set it in `limits = {{ {} = ... }}` instead", name.value));
            continue;
        }
        flags.push(EntitlementRef::new(ix, &name.value));
    }
    let overage = p.overage.as_ref().map(|o| super::overage::rate(o, &p.id.value, monthly_credits, ck));
    let intro_offer = p.intro_offer.as_ref().and_then(|o| super::intro::offer(o, &p.id.value, paid, ck));
    Plan {
        id: p.id.value.clone(),
        name: p.name.value.clone(),
        tagline: p.tagline.clone(),
        monthly_price,
        yearly_price,
        monthly_credits,
        cycle_anchor: p.cycle_anchor.unwrap_or(if is_default {
            raw::CycleAnchor::Registration
        } else {
            raw::CycleAnchor::Subscription
        }),
        trial: p.trial.as_ref().map(|t| t.value.0),
        limits,
        flags,
        highlights: p.highlights.clone(),
        highlight: false,
        cta: super::presentation::cta(p, ck),
        overage,
        intro_offer,
    }
}

fn pack(
    p: &Sp<raw::Pack>,
    purchase_sources: &[usize],
    source_ids: &[String],
    sources: &[Source],
    plan_refs: &PlanRefs,
    ck: &mut Checker,
) -> Option<Pack> {
    let span = p.span.clone();
    let p = &p.value;
    let fixed = p.credits.is_some() || p.price.is_some();
    let custom = p.unit_price.is_some() || p.min_credits.is_some() || p.max_credits.is_some();
    let offer = match (fixed, custom) {
        (true, true) => {
            let at = p.unit_price.as_ref().map_or(span, |u| u.span.clone());
            ck.error(
                Code::ConflictingKeys,
                at,
                format!(
                    "pack `{}` mixes a fixed size (credits, price) with a custom amount (unit_price, min/max_credits)",
                    p.id.value
                ),
            )
            .with_help("make two packs: one fixed-size, one custom-amount");
            None
        }
        (false, false) => {
            ck.error(
                Code::IncompleteItem,
                p.id.span.clone(),
                format!("pack `{}` has neither a size nor a unit price", p.id.value),
            )
            .with_help("add `credits` and `price` for a fixed pack, or `unit_price` for a custom amount");
            None
        }
        (true, false) => match (&p.credits, &p.price) {
            (Some(c), Some(pr)) => Some(PackOffer::Fixed {
                credits: ck.credits(c, "credits", Sign::Positive),
                price: ck.money(pr, "price", Sign::Positive),
            }),
            (Some(c), None) => {
                ck.error(
                    Code::IncompleteItem,
                    c.span.clone(),
                    format!("pack `{}` has credits but no price", p.id.value),
                )
                .with_help("add price = \"...\"");
                None
            }
            (None, _) => {
                ck.error(
                    Code::IncompleteItem,
                    p.id.span.clone(),
                    format!("pack `{}` has a price but no credits", p.id.value),
                )
                .with_help("add credits = ...");
                None
            }
        },
        (false, true) => match &p.unit_price {
            None => {
                ck.error(
                    Code::IncompleteItem,
                    p.id.span.clone(),
                    format!("custom-amount pack `{}` needs a `unit_price`", p.id.value),
                )
                .with_help("add unit_price = \"0.01\" (money per credit)");
                None
            }
            Some(u) => {
                let unit_price = ck.unit_price(u, "unit_price");
                let min = p.min_credits.as_ref().map(|m| ck.credits(m, "min_credits", Sign::Positive));
                let max = p.max_credits.as_ref().map(|m| ck.credits(m, "max_credits", Sign::Positive));
                if let (Some(lo), Some(hi), Some(lit)) = (min, max, &p.max_credits)
                    && lo > hi
                {
                    ck.error(
                        Code::InvalidRange,
                        lit.span.clone(),
                        format!("max_credits ({hi}) is below min_credits ({lo})"),
                    )
                    .with_help("swap them or widen the range");
                }
                Some(PackOffer::Custom { unit_price, min_credits: min, max_credits: max })
            }
        },
    };
    let source = match &p.source {
        Some(name) => ck.resolve(name, source_ids, "source").and_then(|ix| {
            if sources[ix].kind == SourceKind::Purchase {
                Some(ix)
            } else {
                ck.error(
                    Code::InvalidValue,
                    name.span.clone(),
                    format!("source `{}` is not of kind `purchase`", name.value),
                )
                .with_help("packs grant into a purchase source");
                None
            }
        }),
        None => match purchase_sources {
            [only] => Some(*only),
            [] => {
                ck.error(Code::MissingSource, p.id.span.clone(), format!("pack `{}` needs a source of kind `purchase`", p.id.value))
                    .with_help("add `[[sources]]` with `kind = \"purchase\"`, saying how bought credits expire and when they are spent");
                None
            }
            _ => {
                ck.error(
                    Code::AmbiguousSource,
                    p.id.span.clone(),
                    format!("pack `{}` could grant into several purchase sources", p.id.value),
                )
                .with_help("name one with `source = \"...\"`");
                None
            }
        },
    };
    let plans = plan_refs(ck, &p.plans);
    Some(Pack {
        id: p.id.value.clone(),
        name: p.name.value.clone(),
        tagline: p.tagline.clone(),
        offer: offer?,
        plans,
        source: source.map(|ix| SourceRef::new(ix, &source_ids[ix]))?,
    })
}

fn feature(
    f: &Sp<raw::Feature>,
    entitlements: &[Entitlement],
    entitlement_ids: &[String],
    rounding: Rounding,
    ck: &mut Checker,
) -> Feature {
    let f = &f.value;
    let requires = f.requires.as_ref().and_then(|r| {
        let ix = ck.resolve(r, entitlement_ids, "entitlement")?;
        if entitlements[ix].kind != raw::EntitlementKind::Flag {
            ck.error(Code::InvalidValue, r.span.clone(), format!("`{}` is a limit; `requires` takes a flag", r.value))
                .with_help("declare a flag entitlement for this feature");
            return None;
        }
        Some(EntitlementRef::new(ix, &r.value))
    });
    if f.rates.value.is_empty() {
        ck.error(Code::IncompleteItem, f.rates.span.clone(), format!("feature `{}` has no rates", f.id.value))
            .with_help("add a rate, e.g. rates = [{ model = \"default\", per_request = 1 }]");
    }
    ck.ids(f.rates.value.iter().map(|r| &r.value.model), "model");
    let rates = f
        .rates
        .value
        .iter()
        .map(|r| {
            let r = &r.value;
            let mut part = |lit: &Option<Sp<crate::model::DecimalLit>>, what: &str| {
                lit.as_ref().map(|l| {
                    let saved = ck.credit_scale;
                    // Rates may be finer than balances: cost is rounded after multiplying.
                    ck.credit_scale = 18;
                    let c = ck.credits(l, what, Sign::NonNegative);
                    ck.credit_scale = saved;
                    c
                })
            };
            let rate = Rate {
                model: r.model.value.clone(),
                display_name: r.display_name.clone(),
                per_request: part(&r.per_request, "per_request"),
                per_1k_input_tokens: part(&r.per_1k_input_tokens, "per_1k_input_tokens"),
                per_1k_output_tokens: part(&r.per_1k_output_tokens, "per_1k_output_tokens"),
                per_1k_tokens: part(&r.per_1k_tokens, "per_1k_tokens"),
                per_minute: part(&r.per_minute, "per_minute"),
                per_unit: part(&r.per_unit, "per_unit"),
                cost: r.cost.as_ref().map(|c| super::costs::provider_cost(c, ck)),
            };
            if let (Some(p), None) = (&r.per_unit, &f.unit) {
                ck.error(
                    Code::IncompleteItem,
                    p.span.clone(),
                    format!("`per_unit` of `{}` prices a unit that the feature does not name", f.id.value),
                )
                .with_help("add unit = \"character\" (or \"second\", \"image\", …) to the feature");
            }
            if [
                rate.per_request,
                rate.per_1k_input_tokens,
                rate.per_1k_output_tokens,
                rate.per_1k_tokens,
                rate.per_minute,
                rate.per_unit,
            ]
            .iter()
            .all(Option::is_none)
            {
                ck.error(
                    Code::IncompleteItem,
                    r.model.span.clone(),
                    format!("rate `{}` of `{}` prices nothing", r.model.value, f.id.value),
                )
                .with_help(
                    "add per_request, per_1k_input_tokens, per_1k_output_tokens, per_1k_tokens, per_minute or per_unit",
                );
            }
            rate
        })
        .collect();
    Feature {
        id: f.id.value.clone(),
        name: f.name.value.clone(),
        requires,
        rounding: f.rounding.unwrap_or(rounding),
        rates,
        unit: f.unit.as_ref().map(|u| u.value.clone()),
        max_per_use: f.max_per_use.as_ref().map(|m| ck.credits(m, "max_per_use", Sign::Positive)),
        multipliers: super::multipliers::multipliers(f.multipliers.as_deref().unwrap_or_default(), ck),
    }
}

fn addon(a: &Sp<raw::Addon>, plan_refs: &PlanRefs, ck: &mut Checker) -> Addon {
    let a = &a.value;
    let monthly_credits = a.monthly_credits.as_ref().map(|c| ck.credits(c, "monthly_credits", Sign::Positive));
    let monthly_price = a.monthly_price.as_ref().map(|m| ck.money(m, "monthly_price", Sign::Positive));
    if monthly_credits.is_none() && monthly_price.is_none() {
        ck.error(Code::IncompleteItem, a.id.span.clone(), format!("add-on `{}` costs nothing", a.id.value))
            .with_help("add monthly_credits or monthly_price");
    }
    Addon {
        id: a.id.value.clone(),
        name: a.name.value.clone(),
        monthly_credits,
        monthly_price,
        plans: plan_refs(ck, &a.plans),
    }
}

fn auto_recharge(
    a: &Sp<raw::AutoRecharge>,
    packs: &[Pack],
    pack_ids: &[String],
    plan_refs: &PlanRefs,
    ck: &mut Checker,
) -> Option<AutoRecharge> {
    let a = &a.value;
    let threshold = a.threshold.as_ref().map_or(Credits::ZERO, |t| ck.credits(t, "threshold", Sign::NonNegative));
    let pack_ix = ck.resolve(&a.pack, pack_ids, "pack");
    let pack = pack_ix.and_then(|ix| packs.iter().find(|p| p.id == pack_ids[ix]));
    let amount = a.amount.as_ref().map(|m| ck.money(m, "amount", Sign::Positive));
    let target = a.target.as_ref().map(|t| ck.credits(t, "target", Sign::Positive));
    let buys = match a.buys.value {
        raw::RechargeBuys::Pack => Some(RechargeRule::Pack),
        raw::RechargeBuys::Amount => amount.map(RechargeRule::Amount),
        raw::RechargeBuys::RefillToTarget => target.map(RechargeRule::RefillToTarget),
    };
    if buys.is_none() {
        let key = if a.buys.value == raw::RechargeBuys::Amount { "amount" } else { "target" };
        ck.error(
            Code::IncompleteItem,
            a.buys.span.clone(),
            format!("buys = \"{}\" needs `{key}`", buys_word(a.buys.value)),
        )
        .with_help(format!("add {key} = ..."));
    }
    if let Some(p) = pack {
        let needs_fixed = a.buys.value == raw::RechargeBuys::Pack;
        let is_fixed = matches!(p.offer, PackOffer::Fixed { .. });
        if needs_fixed != is_fixed {
            let want = if needs_fixed {
                "a fixed-size pack"
            } else {
                "a custom-amount pack (its unit price converts money to credits)"
            };
            ck.error(
                Code::InvalidValue,
                a.pack.span.clone(),
                format!("buys = \"{}\" needs {want}", buys_word(a.buys.value)),
            )
            .with_help(format!("name {want}"));
        }
    }
    let monthly_cap = a.monthly_cap.as_ref().map(|m| ck.money(m, "monthly_cap", Sign::Positive));
    Some(AutoRecharge {
        enabled_by_default: a.enabled_by_default,
        threshold,
        buys: buys?,
        pack: pack_ix.map(|ix| PackRef::new(ix, &pack_ids[ix]))?,
        monthly_cap,
        on_decline: a.on_decline.unwrap_or(raw::OnDecline::Disable),
        settles_after: a.settles_after.as_ref().map(|s| s.value.0),
        plans: plan_refs(ck, &a.plans),
    })
}

fn refund_policy(r: Option<&Sp<raw::Refunds>>, plans: &[Sp<raw::Plan>], ck: &mut Checker) -> RefundPolicy {
    let Some(r) = r else {
        return RefundPolicy {
            applies_to: Vec::new(),
            window: None,
            window_starts: raw::WindowStart::Payment,
            max_used_share: None,
            used_credits: raw::UsedCredits::Rebook,
            reset_anchor: true,
            void_bonuses: false,
        };
    };
    let span = r.span.clone();
    let r = &r.value;
    let mut applies_to: Vec<raw::Refundable> = r.applies_to.iter().map(|a| a.value).collect();
    applies_to.sort();
    applies_to.dedup();
    if !applies_to.is_empty() && r.window.is_none() {
        ck.error(Code::IncompleteItem, span, "refunds apply to something but have no `window`")
            .with_help("add window = \"7 days\" (how long after paying a refund can be asked for)");
    }
    let window_starts = r.window_starts.unwrap_or(raw::WindowStart::Payment);
    if let (Some(w), raw::WindowStart::SubscriptionStart) = (&r.window, window_starts)
        && applies_to.contains(&raw::Refundable::Subscription)
    {
        for p in plans {
            if let Some(t) = &p.trial
                && t.value.0.min_days() >= w.value.0.max_days()
            {
                ck.error(
                    Code::RefundWindowBeforeTrialEnd,
                    w.span.clone(),
                    format!(
                        "the refund window ({} from the subscription start) closes before the trial of plan `{}` ({}) ends, so its first payment can never be refunded",
                        w.value.0, p.id.value, t.value.0
                    ),
                )
                .with_help("count the window from the payment (window_starts = \"payment\"), or make it longer than the trial");
            }
        }
    }
    RefundPolicy {
        applies_to,
        window: r.window.as_ref().map(|w| w.value.0),
        window_starts,
        max_used_share: r.max_used_share.as_ref().map(|s| s.value.0),
        used_credits: r.used_credits.unwrap_or(raw::UsedCredits::Rebook),
        reset_anchor: r.reset_anchor,
        void_bonuses: r.bonuses == Some(raw::BonusEffect::Void),
    }
}

fn change_policy(c: Option<&Sp<raw::PlanChanges>>) -> ChangePolicy {
    let upgrade = c.and_then(|c| c.upgrade.as_ref());
    ChangePolicy {
        upgrade_credits: upgrade.and_then(|u| u.credits).unwrap_or(raw::UpgradeCredits::Replace),
        upgrade_charge: upgrade.and_then(|u| u.charge).unwrap_or(raw::UpgradeCharge::Prorated),
        downgrade: c.and_then(|c| c.downgrade).unwrap_or(raw::Timing::EndOfCycle),
        cancel: c.and_then(|c| c.cancel).unwrap_or(raw::Timing::EndOfCycle),
    }
}

fn warnings(n: Option<&Sp<raw::Notifications>>, ck: &mut Checker) -> Vec<rust_decimal::Decimal> {
    let mut shares: Vec<rust_decimal::Decimal> = Vec::new();
    for s in n.map(|n| n.low_balance.as_slice()).unwrap_or_default() {
        if s.value.0.is_zero() {
            ck.error(Code::NonPositiveAmount, s.span.clone(), "a warning at 0% never fires before the balance is gone")
                .with_help("use a share above 0%, e.g. \"5%\"");
        }
        if shares.contains(&s.value.0) {
            ck.error(Code::ConflictingKeys, s.span.clone(), "this warning share is listed twice")
                .with_help("remove the duplicate");
        }
        shares.push(s.value.0);
    }
    shares.sort_by(|a, b| b.cmp(a));
    shares
}

fn kind_word(k: SourceKind) -> &'static str {
    match k {
        SourceKind::Allowance => "allowance",
        SourceKind::DailyActivity => "daily_activity",
        SourceKind::Signup => "signup",
        SourceKind::Referral => "referral",
        SourceKind::Purchase => "purchase",
        SourceKind::Adjustment => "adjustment",
    }
}

fn expiry_word(e: Expiry) -> String {
    match e {
        Expiry::Never => "never".into(),
        Expiry::EndOfDay => "end_of_day".into(),
        Expiry::EndOfCycle => "end_of_cycle".into(),
        Expiry::After(p) => p.to_string(),
    }
}

fn buys_word(b: raw::RechargeBuys) -> &'static str {
    match b {
        raw::RechargeBuys::Pack => "pack",
        raw::RechargeBuys::Amount => "amount",
        raw::RechargeBuys::RefillToTarget => "refill_to_target",
    }
}
