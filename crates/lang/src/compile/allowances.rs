//! Per-plan credit policies: a catalog may have several `allowance`
//! sources, each with its own expiry and rollover, as long as every plan
//! takes its monthly credits from one of them. A source with `plans` serves
//! those plans; at most one may leave `plans` out, and it serves the rest.

use super::check::Checker;
use crate::diag::Code;
use crate::model::AmountLit;
use crate::model::Sp;
use crate::model::plan::{Plan, Source};
use std::collections::BTreeMap;

/// Reports a plan two allowance sources claim, and a second catch-all one.
pub(crate) fn check_one_per_plan(allowances: &[&Sp<Source>], ck: &mut Checker) {
    let mut catch_all: Option<&str> = None;
    let mut claimed: BTreeMap<&str, &str> = BTreeMap::new();
    for s in allowances {
        let id = s.id.value.as_str();
        let Some(plans) = &s.plans else {
            if let Some(first) = catch_all {
                ck.error(
                    Code::AmbiguousSource,
                    s.kind.span.clone(),
                    format!("a second `allowance` source for every plan (`{first}` is one already)"),
                )
                .with_help("name the plans each allowance source serves with `plans = [...]`; one may leave `plans` out and serve the rest");
            }
            catch_all.get_or_insert(id);
            continue;
        };
        for plan in plans {
            if let Some(first) = claimed.insert(plan.value.as_str(), id) {
                ck.error(
                    Code::AmbiguousSource,
                    plan.span.clone(),
                    format!("plan `{}` already takes its monthly credits from `{first}`", plan.value),
                )
                .with_help("a plan's monthly credits come from one allowance source; remove the plan from one list");
            }
        }
    }
}

/// Reports a plan with monthly credits that no allowance source serves,
/// when there are allowance sources (none at all is reported elsewhere).
pub(crate) fn check_every_plan_served(allowances: &[&Sp<Source>], plans: &[Sp<Plan>], ck: &mut Checker) {
    if allowances.is_empty() || allowances.iter().any(|s| s.plans.is_none()) {
        return;
    }
    for p in plans {
        let Some(credits) = &p.monthly_credits else { continue };
        if !matches!(credits.value, AmountLit::Amount(_)) {
            continue;
        }
        let served = allowances.iter().any(|s| s.plans.iter().flatten().any(|n| n.value == p.id.value));
        if !served {
            let ids: Vec<&str> = allowances.iter().map(|s| s.id.value.as_str()).collect();
            ck.error(
                Code::MissingSource,
                credits.span.clone(),
                format!("no allowance source serves plan `{}`, so its monthly credits are never granted", p.id.value),
            )
            .with_help(format!(
                "add \"{}\" to the `plans` of one of: {}; or leave `plans` out of one allowance source",
                p.id.value,
                ids.join(", ")
            ));
        }
    }
}
