//! One account's export replayed under one catalog.
//!
//! The account signs up at `signed_up` on the catalog's default plan, takes
//! its current plan at `since` (a paid subscription without trial: that
//! payment and every renewal up to the end of the export are charged), and
//! then meets its purchases and usage in time order. What happens when a
//! usage does not fit is the declared [`WhenOut`] assumption.

use crate::accounts::Account;
use crate::events::{Event, Names, Use, What};
use pricebook_core::billing::cost::{provider_cost, rate_cost};
use pricebook_core::calendar::Instant;
use pricebook_core::catalog::{Catalog, PackOffer};
use pricebook_core::money::{Credits, Money};
use pricebook_engine::command::{RechargeSettings, Usage};
use pricebook_engine::engine::{EngineError, advance, sign_up, step_refusal};
use pricebook_engine::ledger::Reason;
use pricebook_engine::{AccountState, Command, Sink, Totals};
use serde::Serialize;

/// What a customer does when a usage does not fit their balance.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum WhenOut {
    /// Nothing: the usage is refused; only the export's purchases happen.
    Refuse,
    /// Auto-recharge is on, with the catalog's settings.
    Recharge,
    /// The customer buys the cheapest fixed pack their plan may buy, as
    /// often as needed, and retries.
    SmallestPack,
}

impl WhenOut {
    /// The assumption in words, for every output.
    pub fn describe(self) -> &'static str {
        match self {
            WhenOut::Refuse => {
                "refuse: usage that does not fit is refused; nobody buys anything the export does not show \
                 (auto-recharge off unless the accounts file turns it on)"
            }
            WhenOut::Recharge => {
                "recharge: every account has auto-recharge on with the catalog's settings (unless the accounts \
                 file says otherwise); usage still refused after it is counted"
            }
            WhenOut::SmallestPack => {
                "smallest-pack: when a usage does not fit, the customer buys the cheapest pack their plan may buy \
                 (as often as needed) and retries; usage still refused is counted"
            }
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            WhenOut::Refuse => "refuse",
            WhenOut::Recharge => "recharge",
            WhenOut::SmallestPack => "smallest-pack",
        }
    }
}

/// A catalog with the export's names resolved in it.
pub struct Catalogued<'c> {
    pub cat: &'c Catalog,
    /// (feature, rate) by the export's rate id.
    pub rates: &'c [(usize, usize)],
    /// Pack index by the export's pack id.
    pub packs: &'c [usize],
    /// Index into the feature's `multipliers` by the export's variant id.
    pub variants: &'c [usize],
}

impl<'c> Catalogued<'c> {
    /// Each catalog with the export's names resolved in it, in the order
    /// `names` resolved them.
    pub fn each(names: &'c Names, catalogs: &[&'c Catalog]) -> Vec<Catalogued<'c>> {
        catalogs
            .iter()
            .enumerate()
            .map(|(c, cat)| Catalogued {
                cat,
                rates: &names.rate_ix[c],
                packs: &names.pack_ix[c],
                variants: &names.variant_ix[c],
            })
            .collect()
    }
}

/// Usage costs worked out once for every side. Most pricing changes leave
/// the rate card alone: where every side prices a rate alike, a usage's
/// credits are computed once (by the engine's own [`rate_cost`]) and handed
/// to each side's engine as pre-priced credits, which the engine then
/// treats exactly as the ones it would have computed.
pub struct SharedPrices<'s, 'c> {
    /// The side whose rate card prices shared usage.
    first: &'s Catalogued<'c>,
    /// By rate id: every side prices it alike.
    alike: Vec<bool>,
}

impl<'s, 'c> SharedPrices<'s, 'c> {
    /// `None` with fewer than two sides, or none of their rates alike.
    pub fn of(sides: &'s [Catalogued<'c>]) -> Option<SharedPrices<'s, 'c>> {
        let (first, rest) = sides.split_first()?;
        let alike: Vec<bool> = (0..first.rates.len())
            .map(|id| !rest.is_empty() && rest.iter().all(|other| prices_alike(first, other, id)))
            .collect();
        alike.contains(&true).then_some(SharedPrices { first, alike })
    }

    /// Each event's shared cost, in `into`: `None` for purchases, pre-priced
    /// usage, rates the sides price differently, and costs past exact
    /// arithmetic (each engine then works the cost out, or refuses it, itself).
    pub fn costs(&self, events: &[Event], into: &mut Vec<Option<Credits>>) {
        into.clear();
        into.extend(events.iter().map(|e| match &e.what {
            What::Use(u @ Use { rate: Some(id), credits: None, .. }) if self.alike[*id as usize] => {
                let (f, r) = self.first.rates[*id as usize];
                let feature = &self.first.cat.features[f];
                rate_cost(feature, &feature.rates[r], &u.measured(self.first.variants), self.first.cat.credits.scale)
            }
            _ => None,
        }));
    }
}

/// Whether two sides price usage of rate `id` alike: the same feature
/// (rates, variants, rounding, cap: compared as the catalog states them),
/// the same rate of it, and the same credit scale.
fn prices_alike(a: &Catalogued<'_>, b: &Catalogued<'_>, id: usize) -> bool {
    let ((fa, ra), (fb, rb)) = (a.rates[id], b.rates[id]);
    let stated = |side: &Catalogued<'_>, f: usize| serde_json::to_value(&side.cat.features[f]).ok();
    ra == rb && a.cat.credits.scale == b.cat.credits.scale && stated(a, fa).is_some_and(|x| Some(x) == stated(b, fb))
}

/// One account's figures under one catalog.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Figures {
    /// Money charged: subscription payments and renewals, packs, recharges.
    pub charged: Money,
    pub credits_used: Credits,
    /// Usage rows refused.
    pub refused: u64,
    pub first_refusal: Option<Instant>,
    /// Packs bought because the account ran out (`smallest-pack`).
    pub packs_bought: u64,
    /// The account's plan could not start (the catalog refused the subscription).
    pub plan_refused: Option<String>,
    /// The balance at the end of the export.
    pub balance: Credits,
    /// What serving the usage that was not refused cost the provider, when
    /// the catalog declares costs (a rate without one costs nothing).
    pub cost: Option<Money>,
}

/// How many packs a single usage may buy before it counts as refused.
const MAX_PACKS_PER_USAGE: u32 = 1000;

fn out_of_credits(r: Option<Reason>) -> bool {
    matches!(r, Some(Reason::InsufficientCredits | Reason::BalanceExhausted | Reason::OverdraftLimit))
}

/// The cheapest fixed pack the plan may buy.
fn smallest_pack(cat: &Catalog, plan: usize) -> Option<usize> {
    cat.packs
        .iter()
        .enumerate()
        .filter(|(_, p)| p.available_on(plan))
        .filter_map(|(i, p)| match p.offer {
            PackOffer::Fixed { credits, price } => Some((price, credits, i)),
            PackOffer::Custom { .. } => None,
        })
        .min()
        .map(|(_, _, i)| i)
}

/// What serving a usage costs the provider under the side's rate card.
fn served_cost(side: &Catalogued<'_>, u: &Use) -> Money {
    let Some(id) = u.rate else { return Money::ZERO };
    let (f, r) = side.rates[id as usize];
    provider_cost(&side.cat.features[f], &side.cat.features[f].rates[r], &u.measured(side.variants)).unwrap_or_default()
}

struct Run<'a, 'c, S> {
    side: &'a Catalogued<'c>,
    state: AccountState,
    sink: &'a mut S,
    when_out: WhenOut,
    figures: Figures,
}

impl<S: Sink> Run<'_, '_, S> {
    fn step(&mut self, at: Instant, cmd: &Command) -> Result<Option<Reason>, EngineError> {
        // A backtest's commands (usage, purchases, plans, settings) have no
        // effect on other accounts: only the refusal is read.
        step_refusal(self.side.cat, &mut self.state, at, cmd, self.sink)
    }

    fn auto_recharge(&mut self, at: Instant, account: &Account) -> Result<(), EngineError> {
        if self.side.cat.auto_recharge.is_none() {
            return Ok(());
        }
        let settings = match &account.auto {
            Some(a) => RechargeSettings {
                enabled: Some(a.enabled),
                threshold: a.threshold.map(Credits::new),
                pack: a.pack.as_deref().and_then(|p| self.side.cat.pack_ix(p)),
                ..RechargeSettings::default()
            },
            None => RechargeSettings { enabled: Some(self.when_out == WhenOut::Recharge), ..Default::default() },
        };
        // A plan without auto-recharge refuses the setting: nothing to do.
        self.step(at, &Command::AutoRecharge(settings)).map(|_| ())
    }

    /// Replays one event; `shared`: its cost, worked out for every side.
    fn event(&mut self, e: &Event, shared: Option<Credits>) -> Result<(), EngineError> {
        let cmd = match &e.what {
            What::Buy { pack, credits, amount } => Command::Buy {
                pack: self.side.packs[*pack as usize],
                credits: credits.map(Credits::new),
                amount: amount.map(Money::new),
                idempotency_key: None,
            },
            What::Use(u) => Command::Use(Usage {
                rate: u.rate.map(|r| self.side.rates[r as usize]),
                quantity: u.measured(self.side.variants),
                credits: u.credits.map(Credits::new).or(shared),
                project: None,
                session: None,
                operation: None,
            }),
        };
        let mut refused = self.step(e.at, &cmd)?;
        if !matches!(e.what, What::Use(_)) {
            return Ok(());
        }
        if self.when_out == WhenOut::SmallestPack && out_of_credits(refused) {
            for _ in 0..MAX_PACKS_PER_USAGE {
                let Some(pack) = smallest_pack(self.side.cat, self.state.plan) else { break };
                let buy = Command::Buy { pack, credits: None, amount: None, idempotency_key: None };
                if self.step(e.at, &buy)?.is_some() {
                    break;
                }
                self.figures.packs_bought += 1;
                refused = self.step(e.at, &cmd)?;
                if !out_of_credits(refused) {
                    break;
                }
            }
        }
        if refused.is_some() {
            self.figures.refused += 1;
            self.figures.first_refusal.get_or_insert(e.at);
        } else if let (What::Use(u), Some(cost)) = (&e.what, self.figures.cost.as_mut()) {
            *cost += served_cost(self.side, u);
        }
        Ok(())
    }
}

/// Replays one account (number `id`) whose events are sorted, writing every
/// line to `sink`, and returns what [`Totals`] cannot tell (refused usage
/// rows, packs bought when out). `shared`: the events' costs from
/// [`SharedPrices::costs`], or empty.
pub fn replay<S: Sink>(
    side: &Catalogued<'_>,
    (id, account): (u32, &Account),
    (events, shared): (&[Event], &[Option<Credits>]),
    (end, when_out): (Instant, WhenOut),
    sink: &mut S,
) -> Result<Figures, EngineError> {
    let cat = side.cat;
    let (state, _) = sign_up(cat, id, account.signed_up, None, sink);
    let figures = Figures { cost: cat.has_costs().then_some(Money::ZERO), ..Figures::default() };
    let mut run = Run { side, state, sink, when_out, figures };
    run.auto_recharge(account.signed_up, account)?;
    let plan = cat.plan_ix(&account.plan).unwrap_or(cat.default_plan.ix);
    let before_since = events.partition_point(|e| e.at < account.since);
    let cost = |i: usize| shared.get(i).copied().flatten();
    for (i, e) in events[..before_since].iter().enumerate() {
        run.event(e, cost(i))?;
    }
    if plan != run.state.plan {
        let subscribe = Command::Subscribe { plan, billing: account.billing, trial: Some(false), price: None };
        if let Some(reason) = run.step(account.since, &subscribe)? {
            run.figures.plan_refused = Some(reason.code().to_string());
        }
        run.auto_recharge(account.since, account)?;
    }
    for (i, e) in events.iter().enumerate().skip(before_since) {
        run.event(e, cost(i))?;
    }
    let until = end.max(run.state.clock);
    advance(cat, &mut run.state, until, run.sink);
    Ok(run.figures)
}

/// Replays one account and sums its lines.
pub fn figures(
    side: &Catalogued<'_>,
    account: (u32, &Account),
    events: (&[Event], &[Option<Credits>]),
    end: (Instant, WhenOut),
) -> Result<Figures, EngineError> {
    let mut totals = Totals::default();
    let mut f = replay(side, account, events, end, &mut totals)?;
    f.charged = totals.charged - totals.refunded;
    f.credits_used = totals.credits.consumed;
    f.balance = totals.balance;
    Ok(f)
}

#[cfg(test)]
#[path = "replay_tests.rs"]
mod tests;
