//! A small customer journey run on the real engine ([`Simulation`]), told in words.
//!
//! A worked example in the docs is a list of steps: what the customer does
//! (written by the example) and what billing then does (read back from the
//! ledger lines the engine wrote and the account it left, never typed).
//! So a page cannot show a balance that billing would not produce.

use super::names::{Words, capitalize, join_and};
use super::view::{Example, ExampleStep};
use chrono::{Duration, TimeZone, Utc};
use pricebook_core::calendar::Instant;
use pricebook_core::catalog::PackOffer;
use pricebook_core::money::Credits;
use pricebook_core::policy::Billing;
use pricebook_engine::command::{AccountId, Usage};
use pricebook_engine::ledger::{Bucket, Detail, Entry, EntryKind, Notice, Paid, PlanWhy, Reason, VoidWhy};
use pricebook_engine::{Command, Outcome, Simulation};
use pricebook_lang::compile::Catalog;
use rust_decimal::Decimal;

/// The customer whose story an example tells.
pub const YOU: AccountId = 0;
/// A second customer, for invitations.
pub const FRIEND: AccountId = 1;

/// Examples start on a fixed date so the same catalog always gives the
/// same text. A Monday mid-month: no month end, no DST change.
fn start() -> Instant {
    Utc.with_ymd_and_hms(2026, 3, 9, 9, 0, 0).single().unwrap_or_default()
}

/// A journey in progress: an engine, a clock, and the steps told so far.
pub struct Journey<'c> {
    /// The catalog the journey runs on.
    pub cat: &'c Catalog,
    /// Its words, for actions and results.
    pub w: Words<'c>,
    /// The simulator, driven only through commands.
    pub engine: Simulation<'c>,
    /// The journey's clock: the instant of the next command.
    pub at: Instant,
    steps: Vec<ExampleStep>,
    /// The balance the story last told, so the next step can say "becomes".
    told: Option<Credits>,
    /// Set when the engine refused to be driven (a bug, not a refusal of
    /// an action): the example is then dropped rather than told wrong.
    broken: bool,
}

impl<'c> Journey<'c> {
    /// A journey on a fresh engine at the fixed start instant.
    pub fn new(cat: &'c Catalog) -> Self {
        let at = start();
        Journey {
            cat,
            w: Words::new(cat),
            engine: Simulation::new(cat, at),
            at,
            steps: Vec::new(),
            told: None,
            broken: false,
        }
    }

    /// Moves the clock forward by whole hours (a later moment of the day).
    pub fn later_hours(&mut self, hours: i64) {
        self.at += Duration::hours(hours);
    }

    /// Moves the clock forward by whole days.
    pub fn later_days(&mut self, days: i64) {
        self.at += Duration::days(days);
    }

    /// Applies a command for [`YOU`] and tells what it did.
    pub fn step(&mut self, action: impl Into<String>, cmd: Command) -> Option<Outcome> {
        self.step_for(YOU, action, cmd)
    }

    /// Applies a command for any account; the story is told about [`YOU`]
    /// (another account's balance is added by the caller if it matters).
    pub fn step_for(&mut self, account: AccountId, action: impl Into<String>, cmd: Command) -> Option<Outcome> {
        let start = self.engine.ledger().len();
        match self.engine.apply(self.at, account, &cmd) {
            Ok(outcome) => {
                let result = self.tell(start);
                self.steps.push(ExampleStep { action: action.into(), result });
                Some(outcome)
            }
            Err(_) => {
                self.broken = true;
                None
            }
        }
    }

    /// Applies a command without telling it (set-up the reader need not see).
    pub fn quietly(&mut self, cmd: Command) -> Option<Outcome> {
        match self.engine.apply(self.at, YOU, &cmd) {
            Ok(o) => Some(o),
            Err(_) => {
                self.broken = true;
                None
            }
        }
    }

    /// Lets time pass until `t` and tells what billing did meanwhile.
    pub fn wait_until(&mut self, t: Instant, action: impl Into<String>) {
        let start = self.engine.ledger().len();
        self.at = self.at.max(t);
        if self.engine.advance_to(self.at).is_err() {
            self.broken = true;
        }
        let result = self.tell(start);
        self.steps.push(ExampleStep { action: action.into(), result });
    }

    /// Adds a step whose result the caller composed from engine state.
    pub fn note(&mut self, action: impl Into<String>, result: impl Into<String>) {
        self.steps.push(ExampleStep { action: action.into(), result: result.into() });
    }

    /// When the current cycle (or trial) of [`YOU`] ends.
    pub fn cycle_end(&self) -> Option<Instant> {
        self.engine.account(YOU).map(|a| a.cycle_end)
    }

    /// The balance of [`YOU`] now (zero before signing up).
    pub fn balance(&self) -> Credits {
        self.engine.view(YOU).map_or(Credits::ZERO, |v| v.balance)
    }

    /// Ledger lines since `start`.
    pub fn entries_since(&self, start: usize) -> &[Entry] {
        self.engine.ledger().get(start..).unwrap_or_default()
    }

    /// The example told so far; `None` if the engine could not be driven.
    pub fn finish(self, id: &str, title: String, on_pricing: bool) -> Option<Example> {
        if self.broken || self.steps.is_empty() {
            return None;
        }
        Some(Example { id: id.to_string(), title, on_pricing, steps: self.steps })
    }

    /// Usage of an explicit number of credits.
    pub fn usage(credits: Decimal, operation: Option<u32>) -> Command {
        Command::Use(Usage {
            rate: None,
            quantity: Default::default(),
            credits: Some(Credits::new(credits)),
            project: None,
            session: None,
            operation,
        })
    }

    /// Subscribing to a plan at its list price, with or without its trial.
    pub fn subscribe(plan: usize, billing: Billing, trial: bool) -> Command {
        Command::Subscribe { plan, billing, trial: Some(trial), price: None }
    }

    /// What the ledger says happened to [`YOU`] since `start`, then the balance.
    fn tell(&mut self, start: usize) -> String {
        let mut parts = Narrator::new(self).lines(self.entries_since(start));
        parts.push(self.balance_sentence());
        self.told = Some(self.balance());
        parts.join(" ")
    }

    /// "Your balance is 1,400 credits (400 monthly credits and 1,000 sign-up bonus credits)."
    pub fn balance_sentence(&self) -> String {
        let Some(view) = self.engine.view(YOU) else { return String::new() };
        let w = &self.w;
        let verb = match self.told {
            None => "is",
            Some(before) if before == view.balance => "is still",
            Some(_) => "becomes",
        };
        if view.balance.is_negative() {
            return format!(
                "Your balance {verb} {}, shown as {}.",
                w.amount(view.balance.get()),
                pricebook_core::format::group(Decimal::ZERO)
            );
        }
        // Remaining credits by catalog source, in declaration order.
        let by_source: Vec<(usize, Decimal)> = self.engine.account(YOU).map_or_else(Vec::new, |a| {
            (0..self.cat.sources.len())
                .filter_map(|ix| u16::try_from(ix).ok().map(|label| (ix, a.wallet.by_label(label).get())))
                .filter(|(_, c)| *c > Decimal::ZERO)
                .collect()
        });
        let total = w.amount(view.balance.get());
        match by_source.as_slice() {
            [] => format!("Your balance {verb} {total}."),
            [(ix, _)] => format!("Your balance {verb} {total}, all {}.", w.source(*ix)),
            many => {
                let parts: Vec<String> = many.iter().map(|(ix, c)| w.source_amount(*ix, *c)).collect();
                format!("Your balance {verb} {total} ({}).", join_and(&parts))
            }
        }
    }
}

/// What kind of sentence a ledger line belongs to: consecutive lines of
/// one kind are told in one sentence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Topic {
    Get,
    Spend,
    SpendAddon(usize),
    Rebook,
    Expire,
    Remove,
    RemovePlan,
    RemoveRefund,
    Carry,
    Return,
    Settle,
    Other,
}

struct Narrator<'j, 'c> {
    j: &'j Journey<'c>,
}

impl<'j, 'c> Narrator<'j, 'c> {
    fn new(j: &'j Journey<'c>) -> Self {
        Narrator { j }
    }

    /// "500 monthly credits", "1 top-up credit", "250 credits more than you have".
    fn amount_of(&self, bucket: Bucket, credits: Credits) -> String {
        let value = credits.get().abs();
        let w = &self.j.w;
        match bucket {
            Bucket::Label(l) if usize::from(l) < self.j.cat.sources.len() => w.source_amount(usize::from(l), value),
            Bucket::Label(l) => {
                // A label the engine made (a transfer, a direct grant).
                let name = self.j.engine.labels().name(l).unwrap_or("other");
                format!("{} ({name})", w.amount(value))
            }
            Bucket::Overdraft => format!("{} more than you have", w.amount(value)),
            Bucket::None => w.amount(value),
        }
    }

    fn lines(&self, entries: &[Entry]) -> Vec<String> {
        let mut groups: Vec<(Topic, Vec<String>)> = Vec::new();
        for e in entries.iter().filter(|e| e.account == YOU) {
            let (topic, text) = self.line(e);
            let Some(text) = text else { continue };
            match groups.last_mut() {
                Some((t, items)) if *t == topic && topic != Topic::Other => items.push(text),
                _ => groups.push((topic, vec![text])),
            }
        }
        groups.into_iter().map(|(topic, items)| self.sentence(topic, &items)).collect()
    }

    fn sentence(&self, topic: Topic, items: &[String]) -> String {
        let list = join_and(items);
        let w = &self.j.w;
        match topic {
            Topic::Get => format!("You get {list}."),
            Topic::Spend => format!("It uses {list}."),
            Topic::SpendAddon(ix) => {
                let name = self.j.cat.addons.get(ix).map_or("The add-on", |a| a.name.as_str());
                format!("{name} takes {list}.")
            }
            Topic::Rebook => format!("What you already spent from it is charged again: {list}."),
            Topic::Expire => format!("{} expire.", capitalize(&list)),
            Topic::Remove => format!("{} are removed.", capitalize(&list)),
            Topic::RemovePlan => format!("The unused {list} of the plan you leave are removed."),
            Topic::RemoveRefund => format!("The {list} left from the refunded purchase are removed."),
            Topic::Carry => format!("{} carry over.", capitalize(&list)),
            Topic::Return => format!("{} come back.", capitalize(&list)),
            Topic::Settle => format!("{} of the new {} pay off what you owed.", capitalize(&list), w.plural()),
            Topic::Other => items.join(" "),
        }
    }

    fn line(&self, e: &Entry) -> (Topic, Option<String>) {
        let cat = self.j.cat;
        let w = &self.j.w;
        let money = |m: Option<pricebook_core::money::Money>| w.money(m.map_or(Decimal::ZERO, |m| m.get()).abs());
        let plan_name = |ix: usize| cat.plans.get(ix).map_or("?", |p| p.name.as_str());
        match (&e.kind, &e.detail) {
            (EntryKind::Grant, _) => (Topic::Get, Some(self.amount_of(e.bucket, e.credits))),
            (EntryKind::Consume, Detail::Addon(ix)) => {
                (Topic::SpendAddon(*ix), Some(self.amount_of(e.bucket, e.credits)))
            }
            (EntryKind::Consume, Detail::Rebook(_)) => (Topic::Rebook, Some(self.amount_of(e.bucket, e.credits))),
            (EntryKind::Consume, _) if e.bucket == Bucket::None => {
                (Topic::Other, Some("It is recorded; nothing is deducted.".to_string()))
            }
            (EntryKind::Consume, _) => (Topic::Spend, Some(self.amount_of(e.bucket, e.credits))),
            (EntryKind::Expire, _) => (Topic::Expire, Some(self.amount_of(e.bucket, e.credits))),
            (EntryKind::Void, Detail::Void(VoidWhy::PlanChange)) => {
                (Topic::RemovePlan, Some(self.amount_of(e.bucket, e.credits)))
            }
            (EntryKind::Void, Detail::Void(VoidWhy::Refund(_))) => {
                (Topic::RemoveRefund, Some(self.amount_of(e.bucket, e.credits)))
            }
            (EntryKind::Void, _) => (Topic::Remove, Some(self.amount_of(e.bucket, e.credits))),
            (EntryKind::Rollover, Detail::Rollover { kept, .. }) if kept.is_positive() => {
                (Topic::Carry, Some(self.amount_of(e.bucket, *kept)))
            }
            (EntryKind::Rollover, _) => (Topic::Other, None),
            (EntryKind::Refund, _) => (Topic::Return, Some(self.amount_of(e.bucket, e.credits))),
            (EntryKind::Settle, _) => (Topic::Settle, Some(self.amount_of(Bucket::None, e.credits))),
            (EntryKind::Charge, Detail::Paid(paid, _)) => (
                Topic::Other,
                Some(match paid {
                    Paid::Subscription { plan, billing: Billing::Monthly } => {
                        format!("You pay {} for a month of {}.", money(e.money), plan_name(*plan))
                    }
                    Paid::Subscription { plan, billing: Billing::Yearly } => {
                        format!("You pay {} for a year of {}.", money(e.money), plan_name(*plan))
                    }
                    Paid::Proration { plan } => {
                        format!("You pay {} for {} for the rest of the cycle.", money(e.money), plan_name(*plan))
                    }
                    Paid::Pack { pack, auto: true } => match cat.packs.get(*pack) {
                        Some(p) if matches!(p.offer, PackOffer::Fixed { .. }) => {
                            format!("Auto-recharge buys the {} pack for {}.", p.name, money(e.money))
                        }
                        _ => format!("Auto-recharge charges {} for a top-up.", money(e.money)),
                    },
                    Paid::Pack { .. } => format!("You pay {}.", money(e.money)),
                    Paid::Addon(ix) => {
                        let name = cat.addons.get(*ix).map_or("the add-on", |a| a.name.as_str());
                        format!("You pay {} for {name}.", money(e.money))
                    }
                    Paid::Overage { credits } => {
                        format!(
                            "You pay {} for {} of usage past your balance.",
                            money(e.money),
                            w.amount(credits.get())
                        )
                    }
                }),
            ),
            (EntryKind::Charge, _) => (Topic::Other, Some(format!("You pay {}.", money(e.money)))),
            (EntryKind::Declined, _) => (Topic::Other, Some(format!("The payment of {} is declined.", money(e.money)))),
            (EntryKind::PaymentRefund, _) => (Topic::Other, Some(format!("You get {} back.", money(e.money)))),
            (EntryKind::Pending, Detail::Settles(at)) => {
                let after = (*at - e.at).num_minutes();
                let when = match after {
                    m if m > 0 && m % 60 == 0 && m / 60 == 1 => "an hour later".to_string(),
                    m if m > 0 && m % 60 == 0 => format!("{} hours later", m / 60),
                    m if m > 0 => format!("{m} minutes later"),
                    _ => "shortly".to_string(),
                };
                (
                    Topic::Other,
                    Some(format!("A top-up of {} is pending: they arrive {when}.", w.amount(e.credits.get()))),
                )
            }
            (EntryKind::Pending, _) => {
                (Topic::Other, Some(format!("A top-up of {} is pending.", w.amount(e.credits.get()))))
            }
            (EntryKind::Metered, Detail::Metered { owed, .. }) => (
                Topic::Other,
                Some(format!(
                    "{} past your balance are metered; {} is owed so far.",
                    w.amount(-e.credits.get()),
                    money(Some(*owed))
                )),
            ),
            (EntryKind::Metered, _) => (Topic::Other, None),
            (EntryKind::Plan, Detail::Plan { from, to, why }) => (Topic::Other, self.plan_line(*from, *to, *why)),
            (EntryKind::Plan, _) => (Topic::Other, None),
            (EntryKind::Notice, Detail::Notice(n)) => (Topic::Other, Some(self.notice(*n))),
            (EntryKind::Notice, _) => (Topic::Other, None),
            (EntryKind::Refused, Detail::Refusal(r)) => (Topic::Other, Some(format!("Refused: {}.", self.reason(*r)))),
            (EntryKind::Refused, _) => (Topic::Other, Some("Refused.".to_string())),
            (EntryKind::TransferOut | EntryKind::TransferIn | EntryKind::Setting, _) => (Topic::Other, None),
        }
    }

    fn plan_line(&self, from: usize, to: usize, why: PlanWhy) -> Option<String> {
        let name = |ix: usize| self.j.cat.plans.get(ix).map_or("?", |p| p.name.as_str()).to_string();
        Some(match why {
            PlanWhy::Registered => format!("You start on the {} plan.", name(to)),
            PlanWhy::Trial => format!("Your free trial of {} starts; nothing is charged.", name(to)),
            PlanWhy::Subscribed if from == to => format!("Your {} subscription starts.", name(to)),
            PlanWhy::Subscribed | PlanWhy::Upgraded | PlanWhy::Downgraded => format!("You are now on {}.", name(to)),
            PlanWhy::DowngradeScheduled | PlanWhy::CancelScheduled => {
                format!("You move to {} at the end of the billing cycle.", name(to))
            }
            PlanWhy::Cancelled => format!("Your plan returns to {}.", name(to)),
            PlanWhy::TrialCancelled => {
                format!("The trial ends at once and you are back on {}; nothing is charged.", name(to))
            }
            PlanWhy::TrialUnpaid | PlanWhy::RenewalUnpaid => {
                format!("The payment fails, so you are back on {}.", name(to))
            }
            PlanWhy::Refunded => format!("You are back on {}, and your billing cycle restarts.", name(to)),
            PlanWhy::ChangeWithdrawn => format!("You stay on {}.", name(to)),
        })
    }

    fn notice(&self, n: Notice) -> String {
        match n {
            Notice::LowBalance(share) => format!(
                "You get a low-balance warning: your balance is below {} of your monthly {}.",
                pricebook_core::format::percent(share),
                self.j.w.plural()
            ),
            Notice::AutoRechargeCapReached => {
                "The next recharge would pass your monthly spending limit, so it is skipped and you are notified."
                    .to_string()
            }
            Notice::AutoRechargeDisabled => "Auto-recharge is switched off.".to_string(),
            Notice::AddonDisabled(ix) => {
                let name = self.j.cat.addons.get(ix).map_or("the add-on", |a| a.name.as_str());
                format!("{name} is switched off.")
            }
        }
    }

    fn reason(&self, r: Reason) -> String {
        let plural = self.j.w.plural();
        match r {
            Reason::InsufficientCredits => format!("you do not have enough {plural} left"),
            Reason::BalanceExhausted => format!("your balance is used up; usage resumes when {plural} are added"),
            Reason::UpgradeRequired => format!("your plan cannot buy {plural}; upgrade first"),
            Reason::TransferNotAllowed => format!("{plural} are tied to one account and cannot be transferred"),
            other => other.explain().to_string(),
        }
    }
}
