//! Stage 2 for scenarios: raw [`ScenarioFile`] → [`Script`].
//!
//! Names become numbers (accounts, operations, symbols), references are
//! checked in file order (a refund must follow its purchase), times get the
//! catalog's time zone, and `expect` tables become typed checks that keep
//! their spans so a failure points at the line that stated it.

use super::budget;
use super::catalog::{Catalog, PackOffer};
use super::check::{Checker, Sign};
use crate::diag::{Code, Diagnostics, FileId};
use crate::limits::Limits;
use crate::model::scenario::{self as raw, Event, ScenarioFile, TimeLit};
use crate::model::{DecimalLit, Sp};
use crate::rulebook::Rulebook;
use crate::suggest;
use chrono::{LocalResult, TimeZone, Utc};
use pricebook_core::calendar::Instant;
use pricebook_core::calendar::Recurrence;
use pricebook_core::money::{Credits, Money};
use pricebook_engine::RunBudget;
use pricebook_engine::command::{
    AccountId, Command, DirectGrant, GrantExpiry, OpId, Quantity, RechargeSettings, Sym, Usage,
};
use pricebook_engine::labels::Labels;
use pricebook_engine::ledger::{Bucket, EntryKind, Notice, Reason};
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::ops::Range;

/// A scenario ready to run.
#[derive(Debug)]
pub struct Script {
    pub(crate) file: FileId,
    pub title: String,
    pub description: Option<String>,
    /// The plan file's name (catalog id).
    pub plans: String,
    pub covers: Vec<String>,
    pub start: Instant,
    pub end: Instant,
    /// Where errors about the stretch up to `end` point: the `end` key, or
    /// the last event when the scenario has none.
    pub(crate) end_span: Range<usize>,
    /// Account names by id.
    pub accounts: Vec<String>,
    /// Interned strings by [`Sym`].
    pub syms: Vec<String>,
    /// Names of `ref`s (purchases and grants), by index.
    pub(crate) refs: Vec<String>,
    /// Names of usage operations, by [`OpId`].
    pub operations: Vec<String>,
    /// Credit labels: the catalog's and the scenario's own (direct grants).
    pub(crate) labels: Labels,
    pub(crate) steps: Vec<Step>,
    /// How much work its run may do (the project's `[limits]`).
    pub(crate) budget: RunBudget,
}

/// One event: a command (or none, for an `expect` alone) and its checks.
#[derive(Debug)]
pub(crate) struct Step {
    pub(crate) at: Instant,
    pub(crate) account: AccountId,
    pub(crate) command: Option<Command>,
    /// The `ref` this step's purchase or grant is bound to.
    pub(crate) binds: Option<usize>,
    /// What a refund or void names, resolved when the step runs.
    pub(crate) uses: Option<Target>,
    pub(crate) checks: Vec<Check>,
    pub(crate) span: Range<usize>,
}

/// A purchase or grant named by a step, known only once the engine made it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    /// A `ref` bound by an earlier step.
    Ref(usize),
    /// The account's current subscription payment.
    CurrentSubscription,
}

/// One key of an `expect` table.
#[derive(Debug, Clone)]
pub(crate) struct Check {
    pub(crate) span: Range<usize>,
    pub(crate) what: Expected,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Expected {
    Balance(Credits),
    DisplayedBalance(Credits),
    Source(String, Credits),
    Deficit(Credits),
    Plan(usize),
    Trialing(bool),
    Charged(Money),
    Refunded(Money),
    CycleStart(Instant),
    Refused(Option<Reason>),
    /// Refused for some reason (`true`) or not refused.
    RefusedAny(bool),
    /// Exactly these notifications, in order.
    Notifications(Vec<ExpectedNotice>),
    /// Some notification was sent (`true`) or none.
    Notified(bool),
    /// Change of the balance since the account's previous event.
    BalanceChange(Credits),
    /// Remaining credits of the grant bound to a `ref` (by its index).
    Grant(usize, Credits),
    /// Ledger lines of the account since its previous event.
    Lines(LineMatch),
    PendingTopups(u32),
    AutoRecharge(bool),
    Allocated(usize, u64),
}

/// A notification as a scenario names it: the engine's [`Notice`], except
/// that `addon-disabled` names no add-on and so matches any.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum ExpectedNotice {
    Exactly(Notice),
    AnyAddonDisabled,
}

impl ExpectedNotice {
    pub(crate) fn matches(self, actual: Notice) -> bool {
        match self {
            ExpectedNotice::Exactly(n) => n == actual,
            ExpectedNotice::AnyAddonDisabled => matches!(actual, Notice::AddonDisabled(_)),
        }
    }

    /// The word a scenario writes for it.
    pub(crate) fn code(self) -> String {
        match self {
            ExpectedNotice::Exactly(n) => n.code(),
            ExpectedNotice::AnyAddonDisabled => Notice::AddonDisabled(0).code(),
        }
    }

    /// Every notification the catalog can send, as a scenario names it.
    fn all(cat: &Catalog) -> Vec<ExpectedNotice> {
        let fixed = [Notice::AutoRechargeCapReached, Notice::AutoRechargeDisabled].map(ExpectedNotice::Exactly);
        let low = cat.low_balance_warnings.iter().map(|s| ExpectedNotice::Exactly(Notice::LowBalance(*s)));
        low.chain(fixed).chain([ExpectedNotice::AnyAddonDisabled]).collect()
    }
}

/// Which ledger lines an expectation counts, and how many it wants.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LineMatch {
    pub(crate) kind: EntryKind,
    pub(crate) bucket: Option<Bucket>,
    pub(crate) credits: Option<Credits>,
    /// Exactly this many; `None`: at least one.
    pub(crate) count: Option<u32>,
    /// The expectation as written, for messages.
    pub(crate) text: String,
}

impl LineMatch {
    pub(crate) fn matches(&self, e: &pricebook_engine::Entry) -> bool {
        e.kind == self.kind && self.bucket.is_none_or(|b| b == e.bucket) && self.credits.is_none_or(|c| c == e.credits)
    }
}

/// Names and numbers handed out while compiling.
struct Names {
    accounts: Vec<String>,
    /// Account name → id: scenarios may have thousands of accounts.
    account_ids: BTreeMap<String, AccountId>,
    syms: Vec<String>,
    sym_ids: BTreeMap<String, Sym>,
    refs: Vec<String>,
    /// `ref` name → index, with whether it names a purchase (else a grant).
    ref_kinds: BTreeMap<String, (usize, bool)>,
    ops: BTreeMap<String, OpId>,
    labels: Labels,
}

impl Names {
    fn sym(&mut self, s: &str) -> Sym {
        if let Some(id) = self.sym_ids.get(s) {
            return *id;
        }
        let id = self.syms.len() as Sym;
        self.syms.push(s.to_string());
        self.sym_ids.insert(s.to_string(), id);
        id
    }

    fn account(&self, name: &str) -> Option<AccountId> {
        self.account_ids.get(name).copied()
    }
}

/// Compiles a parsed scenario against its catalog. `None` on errors.
/// `rules` is the project's rulebook, which `covers` ids must be in;
/// `limits` bound the work the scenario may ask for.
pub fn compile_scenario(
    raw: &ScenarioFile,
    cat: &Catalog,
    rules: &Rulebook,
    limits: &Limits,
    file: FileId,
    diags: &mut Diagnostics,
) -> Option<Script> {
    let mut ck = Checker::new(file, diags);
    ck.currency = Some(cat.currency);
    ck.credit_scale = cat.credits.scale;
    ck.credit_unit = cat.credits.plural.clone();
    let mut names = Names {
        accounts: Vec::new(),
        account_ids: BTreeMap::new(),
        syms: Vec::new(),
        sym_ids: BTreeMap::new(),
        refs: Vec::new(),
        ref_kinds: BTreeMap::new(),
        ops: BTreeMap::new(),
        labels: Labels::new(cat),
    };
    for g in raw.events.iter().filter_map(|e| match &e.action {
        Some(raw::Action::Grant(g)) => Some(g),
        _ => None,
    }) {
        if let Some(l) = &g.label {
            names.labels.intern(l);
        }
    }
    let mut covers = Vec::new();
    for rule in &raw.covers {
        if !rules.is_rule(&rule.value) {
            let help = if rules.rules.is_empty() {
                "the project's rulebook (rules.toml) declares no rules: add this one there".to_string()
            } else {
                suggest::help_for(&rule.value, "rules", rules.ids())
            };
            ck.error(Code::UnknownRule, rule.span.clone(), format!("`{}` is not a rulebook id", rule.value))
                .with_help(help);
        }
        covers.push(rule.value.clone());
    }
    let start = raw.start.as_ref().and_then(|t| instant(t, cat, &mut ck));
    let mut steps = Vec::new();
    let mut last: Option<(Instant, Range<usize>)> = None;
    let mut recurring = Vec::new();
    for event in &raw.events {
        let Some(at) = instant(&event.at, cat, &mut ck) else {
            continue;
        };
        if let Some(raw::Action::Grant(g)) = &event.action
            && let Some(every) = &g.every
        {
            recurring.push(budget::Recurring { from: at, every: every.value.0, span: every.span.clone() });
        }
        if let Some(s) = start
            && at < s
        {
            ck.error(Code::EventBeforeStart, event.at.span.clone(), "this event is before the scenario's `start`")
                .with_help("move `start` earlier or this event later");
        }
        if let Some((prev, _)) = &last
            && at < *prev
        {
            ck.error(
                Code::TimeGoesBackwards,
                event.at.span.clone(),
                format!("this event ({at}) is earlier than the one before it ({prev})"),
            )
            .with_help("list events in time order; events at the same time run in file order");
        }
        last = Some((at, event.at.span.clone()));
        if let Some(step) = step(event, at, raw, cat, &mut names, &mut ck) {
            steps.push(step);
        }
    }
    let first = steps.first().map(|s| s.at);
    let start = start.or(first).unwrap_or(chrono::DateTime::<Utc>::UNIX_EPOCH);
    let last_at = steps.last().map_or(start, |s| s.at);
    let end_span = raw.end.as_ref().map(|e| e.span.clone()).or_else(|| last.map(|(_, span)| span)).unwrap_or(0..0);
    let end = match raw.end.as_ref().and_then(|t| instant(t, cat, &mut ck)) {
        Some(end) if end < last_at => {
            if let Some(e) = &raw.end {
                ck.error(Code::TimeGoesBackwards, e.span.clone(), "`end` is before the last event")
                    .with_help("move `end` after the last event, or remove it");
            }
            last_at
        }
        Some(end) => end,
        None => last_at,
    };
    if !ck.has_errors() {
        budget::check(&mut ck, limits, start, end, end_span.clone(), &recurring);
    }
    if ck.has_errors() {
        return None;
    }
    Some(Script {
        file,
        title: raw.title.clone(),
        description: raw.description.clone(),
        plans: raw.plans.value.clone(),
        covers,
        start,
        end,
        end_span,
        accounts: names.accounts,
        syms: names.syms,
        operations: {
            let mut ops: Vec<(OpId, String)> = names.ops.into_iter().map(|(name, id)| (id, name)).collect();
            ops.sort();
            ops.into_iter().map(|(_, name)| name).collect()
        },
        refs: names.refs,
        labels: names.labels,
        steps,
        budget: limits.run,
    })
}

/// A TOML date-time in the catalog's time zone.
fn instant(t: &Sp<TimeLit>, cat: &Catalog, ck: &mut Checker) -> Option<Instant> {
    let dt = &t.value.0;
    let Some(date) = dt.date else {
        ck.error(Code::InvalidTime, t.span.clone(), "a time without a date")
            .with_help("write a date too, e.g. 2026-01-31T10:00:00Z");
        return None;
    };
    let naive_date = chrono::NaiveDate::from_ymd_opt(i32::from(date.year), u32::from(date.month), u32::from(date.day))?;
    let time = dt.time.map_or(chrono::NaiveTime::MIN, |t| {
        chrono::NaiveTime::from_hms_nano_opt(
            u32::from(t.hour),
            u32::from(t.minute),
            u32::from(t.second.unwrap_or(0)),
            t.nanosecond.unwrap_or(0),
        )
        .unwrap_or(chrono::NaiveTime::MIN)
    });
    let local = naive_date.and_time(time);
    match dt.offset {
        Some(toml::value::Offset::Z) => Some(Utc.from_utc_datetime(&local)),
        Some(toml::value::Offset::Custom { minutes }) => {
            Some(Utc.from_utc_datetime(&(local - chrono::Duration::minutes(i64::from(minutes)))))
        }
        None => match cat.time_zone.from_local_datetime(&local) {
            LocalResult::Single(t) => Some(t.with_timezone(&Utc)),
            LocalResult::Ambiguous(_, _) => {
                ck.error(
                    Code::InvalidTime,
                    t.span.clone(),
                    format!("{local} happens twice in {} (clocks go back)", cat.time_zone.name()),
                )
                .with_help("add the offset you mean, e.g. -04:00 or -05:00");
                None
            }
            LocalResult::None => {
                ck.error(
                    Code::InvalidTime,
                    t.span.clone(),
                    format!("{local} does not exist in {} (clocks go forward)", cat.time_zone.name()),
                )
                .with_help("pick a time outside the daylight-saving gap, or add an offset");
                None
            }
        },
    }
}

/// An optional date-time key: `Some(None)` when absent, `None` when it does
/// not convert (already reported).
fn optional_instant(t: &Option<Sp<TimeLit>>, cat: &Catalog, ck: &mut Checker) -> Option<Option<Instant>> {
    match t {
        Some(t) => instant(t, cat, ck).map(Some),
        None => Some(None),
    }
}

fn credits(lit: &Sp<DecimalLit>, what: &str, sign: Sign, ck: &mut Checker) -> Credits {
    ck.credits(lit, what, sign)
}

fn resolve_ix(name: &Sp<String>, ids: Vec<&str>, what: &str, ck: &mut Checker) -> Option<usize> {
    let owned: Vec<String> = ids.iter().map(|s| s.to_string()).collect();
    ck.resolve(name, &owned, what)
}

/// Compiles one event. `None` when it has errors (already reported).
fn step(
    event: &Sp<Event>,
    at: Instant,
    file: &ScenarioFile,
    cat: &Catalog,
    names: &mut Names,
    ck: &mut Checker,
) -> Option<Step> {
    let e = &event.value;
    let span = event.span.clone();
    if e.actions > 1 || (e.action.is_none() && e.expect.is_none()) {
        let message = if e.actions > 1 {
            "this event has more than one action"
        } else {
            "this event has no action and no `expect`"
        };
        ck.error(Code::MissingAction, e.at.span.clone(), message)
            .with_help("give each event one action key (sign_up, use, buy, subscribe, …) and optionally `expect`; split it into two events at the same time");
        return None;
    }
    let account_name = e.account.as_ref().or(file.account.as_ref());
    let Some(account_name) = account_name else {
        ck.error(Code::MissingKey, e.at.span.clone(), "this event names no account")
            .with_help("add `account = \"…\"` to the event, or a default `account` at the top of the file");
        return None;
    };
    // Resolved before the account exists: nobody invites themselves.
    let mut invited_by = None;
    let account = match &e.action {
        Some(raw::Action::SignUp(signup)) => {
            if names.account(&account_name.value).is_some() {
                ck.error(
                    Code::DuplicateId,
                    signup.span.clone(),
                    format!("account `{}` signs up twice", account_name.value),
                )
                .with_help("each account signs up once; use another name");
                return None;
            }
            if let Some(inviter) = &signup.invited_by {
                invited_by = Some(known_account(inviter, names, ck)?);
            }
            let id = names.accounts.len() as AccountId;
            names.accounts.push(account_name.value.clone());
            names.account_ids.insert(account_name.value.clone(), id);
            id
        }
        _ => known_account(account_name, names, ck)?,
    };
    let (command, binds, uses) = match &e.action {
        None => (None, None, None),
        Some(action) => {
            let c = command(action, at, file, cat, names, ck, invited_by)?;
            (Some(c.command), c.binds, c.uses)
        }
    };
    let checks = checks(e.expect.as_deref(), cat, names, ck);
    Some(Step { at, account, command, binds, uses, checks, span })
}

/// An action compiled: its engine command and the `ref` it binds or uses.
struct Compiled {
    command: Command,
    binds: Option<usize>,
    uses: Option<Target>,
}

/// Compiles one action. `None` on errors (already reported).
fn command(
    action: &raw::Action,
    at: Instant,
    file: &ScenarioFile,
    cat: &Catalog,
    names: &mut Names,
    ck: &mut Checker,
    invited_by: Option<AccountId>,
) -> Option<Compiled> {
    let mut binds = None;
    let mut uses = None;
    let command = match action {
        raw::Action::SignUp(_) => Command::SignUp { invited_by },
        raw::Action::Active => Command::Active,
        raw::Action::Subscribe(s) => {
            let plan = ck.resolve(&s.plan, &cat.plans.iter().map(|p| p.id.clone()).collect::<Vec<_>>(), "plan")?;
            let billing = s.billing.unwrap_or_default();
            if billing == raw::Billing::Yearly && cat.plans[plan].yearly_price.is_none() && s.price.is_none() {
                ck.error(
                    Code::UnknownReference,
                    s.plan.span.clone(),
                    format!("plan `{}` has no yearly price", s.plan.value),
                )
                .with_help("subscribe monthly, give `price`, or add `yearly_price` to the plan");
                return None;
            }
            binds = bind_ref(s.reference.as_ref(), true, "subscription", names, ck);
            listed_price_kept(cat, plan, billing, s.price.as_ref(), ck)?;
            let price = s.price.as_ref().map(|p| ck.money(p, "price", Sign::Positive));
            Command::Subscribe { plan, billing, trial: s.trial, price }
        }
        raw::Action::ChangePlan(c) => {
            let plan = ck.resolve(&c.plan, &cat.plans.iter().map(|p| p.id.clone()).collect::<Vec<_>>(), "plan")?;
            listed_price_kept(cat, plan, raw::Billing::Monthly, c.price.as_ref(), ck)?;
            let price = c.price.as_ref().map(|p| ck.money(p, "price", Sign::Positive));
            Command::ChangePlan { plan, price }
        }
        raw::Action::Cancel => Command::Cancel,
        raw::Action::Refund(r) => {
            uses = Some(match (&r.purchase, &r.current_subscription) {
                (Some(p), None) => Target::Ref(use_ref(p, true, "purchase", names, ck)?),
                (None, Some(Sp { value: true, .. })) => Target::CurrentSubscription,
                _ => {
                    ck.error(Code::IncompleteItem, r.span.clone(), "a refund names `purchase = \"<ref>\"` or `current_subscription = true`")
                        .with_help("name the purchase by the `ref` given when it was made, or refund the current subscription's latest payment");
                    return None;
                }
            });
            Command::Refund { purchase: None }
        }
        raw::Action::Use(u) => Command::Use(usage(u, cat, names, ck)?),
        raw::Action::Buy(b) => {
            let pack = resolve_ix(&b.pack, cat.packs.iter().map(|p| p.id.as_str()).collect(), "pack", ck)?;
            let custom = matches!(cat.packs[pack].offer, PackOffer::Custom { .. });
            let amount_given = b.credits.is_some() as u8 + b.amount.is_some() as u8;
            if custom && amount_given != 1 {
                ck.error(
                    Code::IncompleteItem,
                    b.pack.span.clone(),
                    format!("`{}` is a custom-amount pack: give `credits` or `amount` (one of them)", b.pack.value),
                )
                .with_help("e.g. buy = { pack = \"custom\", credits = 750 }");
                return None;
            }
            if !custom && amount_given != 0 {
                ck.error(
                    Code::ConflictingKeys,
                    b.pack.span.clone(),
                    format!("`{}` is a fixed-size pack; it takes no `credits` or `amount`", b.pack.value),
                )
                .with_help("remove them, or buy a custom-amount pack");
                return None;
            }
            let credits = b.credits.as_ref().map(|c| credits(c, "credits", Sign::Positive, ck));
            let amount = b.amount.as_ref().map(|m| ck.money(m, "amount", Sign::Positive));
            binds = bind_ref(b.reference.as_ref(), true, "purchase", names, ck);
            let key = b.idempotency_key.as_deref().map(|k| names.sym(k));
            Command::Buy { pack, credits, amount, idempotency_key: key }
        }
        raw::Action::AutoRecharge(s) => {
            let pack = match &s.pack {
                Some(p) => Some(resolve_ix(p, cat.packs.iter().map(|p| p.id.as_str()).collect(), "pack", ck)?),
                None => None,
            };
            Command::AutoRecharge(RechargeSettings {
                enabled: s.enabled,
                threshold: s.threshold.as_ref().map(|t| credits(t, "threshold", Sign::NonNegative, ck)),
                pack,
                amount: s.amount.as_ref().map(|m| ck.money(m, "amount", Sign::Positive)),
                target: s.target.as_ref().map(|t| credits(t, "target", Sign::Positive, ck)),
                monthly_cap: s.monthly_cap.as_ref().map(|m| ck.money(m, "monthly_cap", Sign::Positive)),
            })
        }
        raw::Action::PaymentMethod(p) => Command::PaymentMethod(p.value),
        raw::Action::OverageLimit(m) => Command::OverageCap(Some(ck.money(m, "overage_limit", Sign::NonNegative))),
        raw::Action::EnableAddon(a) => {
            Command::EnableAddon(resolve_ix(a, cat.addons.iter().map(|a| a.id.as_str()).collect(), "add-on", ck)?)
        }
        raw::Action::DisableAddon(a) => {
            Command::DisableAddon(resolve_ix(a, cat.addons.iter().map(|a| a.id.as_str()).collect(), "add-on", ck)?)
        }
        raw::Action::Transfer(t) => {
            let to = known_account(&t.to, names, ck)?;
            Command::Transfer { to, credits: credits(&t.credits, "credits", Sign::Positive, ck) }
        }
        raw::Action::Adjust(a) => {
            let reason = names.sym(&a.reason);
            Command::Adjust { credits: credits(&a.credits, "credits", Sign::Any, ck), reason }
        }
        raw::Action::OperationFailed(op) => match names.ops.get(&op.value) {
            Some(id) => Command::OperationFailed(*id),
            None => {
                let known: Vec<&str> = names.ops.keys().map(String::as_str).collect();
                let help = suggest::help_for(&op.value, "operations", known.iter().copied());
                ck.error(
                    Code::UnknownReference,
                    op.span.clone(),
                    format!("no earlier usage has `operation = \"{}\"`", op.value),
                )
                .with_help(help);
                return None;
            }
        },
        raw::Action::Grant(g) => {
            binds = bind_ref(g.reference.as_ref(), false, "grant", names, ck);
            let resets = cat.credits.usage_period.is_some()
                || file
                    .events
                    .iter()
                    .any(|e| matches!(e.action, Some(raw::Action::Reset(_) | raw::Action::UsagePeriod(_))));
            Command::Grant(direct_grant(g, at, resets, cat, &names.labels, ck)?)
        }
        raw::Action::Void(v) => {
            uses = Some(Target::Ref(use_ref(v, false, "grant", names, ck)?));
            Command::Void { lot: None }
        }
        raw::Action::Allocate(ent) => Command::Allocate(resolve_ix(
            ent,
            cat.entitlements.iter().map(|e| e.id.as_str()).collect(),
            "entitlement",
            ck,
        )?),
        raw::Action::Release(ent) => Command::Release(resolve_ix(
            ent,
            cat.entitlements.iter().map(|e| e.id.as_str()).collect(),
            "entitlement",
            ck,
        )?),
        raw::Action::Reset(r) => Command::Reset(r.overage.unwrap_or_default()),
        raw::Action::UsagePeriod(p) => {
            let anchor = optional_instant(&p.anchor, cat, ck)?.unwrap_or(at);
            let every = Recurrence::new(anchor, p.every.value.0, cat.time_zone);
            Command::UsagePeriod(every, p.overage.unwrap_or_default())
        }
    };
    Some(Compiled { command, binds, uses })
}

fn known_account(name: &Sp<String>, names: &Names, ck: &mut Checker) -> Option<AccountId> {
    match names.account(&name.value) {
        Some(id) => Some(id),
        None => {
            let help = match suggest::did_you_mean(&name.value, names.accounts.iter().map(String::as_str)) {
                Some(best) => format!("did you mean `{best}`?"),
                None => format!("add an event with `sign_up = {{}}` for `{}` before this one", name.value),
            };
            ck.error(
                Code::UnknownReference,
                name.span.clone(),
                format!("account `{}` has not signed up (yet)", name.value),
            )
            .with_help(help);
            None
        }
    }
}

fn bind_ref(
    name: Option<&Sp<String>>,
    purchase: bool,
    what: &str,
    names: &mut Names,
    ck: &mut Checker,
) -> Option<usize> {
    let name = name?;
    if names.ref_kinds.contains_key(&name.value) {
        ck.error(Code::DuplicateId, name.span.clone(), format!("`ref = \"{}\"` is used twice", name.value))
            .with_help(format!("give this {what} its own name"));
        return None;
    }
    names.refs.push(name.value.clone());
    let ix = names.refs.len() - 1;
    names.ref_kinds.insert(name.value.clone(), (ix, purchase));
    Some(ix)
}

fn use_ref(name: &Sp<String>, purchase: bool, what: &str, names: &Names, ck: &mut Checker) -> Option<usize> {
    match names.ref_kinds.get(&name.value) {
        Some((ix, is_purchase)) if *is_purchase == purchase => Some(*ix),
        _ => {
            let known: Vec<&str> =
                names.ref_kinds.iter().filter(|(_, (_, p))| *p == purchase).map(|(k, _)| k.as_str()).collect();
            let help = if known.is_empty() {
                format!("give the {what} a name with `ref = \"…\"` in an earlier event, then use that name here")
            } else {
                suggest::help_for(&name.value, &format!("{what}s"), known.iter().copied())
            };
            ck.error(
                Code::UnknownReference,
                name.span.clone(),
                format!("no earlier {what} has `ref = \"{}\"`", name.value),
            )
            .with_help(help);
            None
        }
    }
}

fn usage(u: &Sp<raw::Use>, cat: &Catalog, names: &mut Names, ck: &mut Checker) -> Option<Usage> {
    let rate = match &u.feature {
        Some(f) => {
            let fi = resolve_ix(f, cat.features.iter().map(|f| f.id.as_str()).collect(), "feature", ck)?;
            let models: Vec<&str> = cat.features[fi].rates.iter().map(|r| r.model.as_str()).collect();
            let model = match &u.model {
                Some(m) => Sp::new(m.value.clone(), m.span.clone()),
                None if models.len() == 1 => Sp::new(models[0].to_string(), f.span.clone()),
                None => Sp::new("default".to_string(), f.span.clone()),
            };
            let Some(ri) = models.iter().position(|m| *m == model.value) else {
                let help = suggest::help_for(&model.value, "models", models.iter().copied());
                ck.error(
                    Code::UnknownReference,
                    model.span.clone(),
                    format!("feature `{}` has no model `{}`", f.value, model.value),
                )
                .with_help(help);
                return None;
            };
            Some((fi, ri))
        }
        None => None,
    };
    let variant = match (&u.variant, rate) {
        (None, _) => None,
        (Some(v), Some((fi, _))) => {
            let variants: Vec<&str> = cat.features[fi].multipliers.iter().map(|m| m.variant.as_str()).collect();
            let Some(vi) = variants.iter().position(|x| *x == v.value) else {
                let help = if variants.is_empty() {
                    format!(
                        "feature `{}` declares no multipliers; add multipliers = [{{ variant = \"{}\", multiplier = 2 }}] to it, or remove `variant`",
                        cat.features[fi].id, v.value
                    )
                } else {
                    suggest::help_for(&v.value, "variants", variants.iter().copied())
                };
                ck.error(
                    Code::UnknownReference,
                    v.span.clone(),
                    format!("feature `{}` has no variant `{}`", cat.features[fi].id, v.value),
                )
                .with_help(help);
                return None;
            };
            Some(vi)
        }
        (Some(v), None) => {
            ck.error(
                Code::ConflictingKeys,
                v.span.clone(),
                "`variant` multiplies a feature's rate; this usage names no feature",
            )
            .with_help("add feature = \"…\", or remove `variant`");
            return None;
        }
    };
    let credits = u.credits.as_ref().map(|c| credits(c, "credits", Sign::NonNegative, ck));
    if rate.is_some() == credits.is_some() {
        let message = if rate.is_some() {
            "give `feature` or `credits`, not both"
        } else {
            "a usage needs a `feature` (priced by the rate card) or `credits`"
        };
        ck.error(Code::ConflictingKeys, u.span.clone(), message)
            .with_help("use = { feature = \"chat\", model = \"…\", input_tokens = … } or use = { credits = 120 }");
        return None;
    }
    let operation = u.operation.as_ref().map(|op| {
        let next = names.ops.len() as OpId;
        *names.ops.entry(op.value.clone()).or_insert(next)
    });
    let limit = Decimal::from(1_000_000_000_000_u64);
    let quantities = [
        u.requests.as_ref().map(|r| (r.value.0, r.span.clone(), "requests")),
        u.input_tokens.as_ref().map(|t| (Decimal::from(t.value), t.span.clone(), "input_tokens")),
        u.output_tokens.as_ref().map(|t| (Decimal::from(t.value), t.span.clone(), "output_tokens")),
        u.minutes.as_ref().map(|m| (m.value.0, m.span.clone(), "minutes")),
        u.units.as_ref().map(|m| (m.value.0, m.span.clone(), "units")),
    ];
    for (value, span, what) in quantities.into_iter().flatten() {
        if value.is_sign_negative() || value > limit {
            ck.error(Code::InvalidRange, span, format!("{what} must be between 0 and 1,000,000,000,000"))
                .with_help("split a larger usage into several events");
            return None;
        }
    }
    Some(Usage {
        rate,
        quantity: Quantity {
            requests: u.requests.as_ref().map(|r| r.value.0),
            input_tokens: u.input_tokens.as_ref().map_or(0, |t| t.value),
            output_tokens: u.output_tokens.as_ref().map_or(0, |t| t.value),
            minutes: u.minutes.as_ref().map(|m| m.value.0),
            units: u.units.as_ref().map(|m| m.value.0),
            variant,
        },
        credits,
        project: u.project.as_deref().map(|p| names.sym(p)),
        session: u.session.as_deref().map(|s| names.sym(s)),
        operation,
    })
}

fn direct_grant(
    g: &Sp<raw::Grant>,
    at: Instant,
    resets: bool,
    cat: &Catalog,
    labels: &Labels,
    ck: &mut Checker,
) -> Option<DirectGrant> {
    let effective = optional_instant(&g.effective, cat, ck)?;
    let expires = match (&g.expires_at, &g.expires_after) {
        (Some(a), Some(_)) => {
            ck.error(Code::ConflictingKeys, a.span.clone(), "give `expires_at` or `expires_after`, not both")
                .with_help("remove one");
            return None;
        }
        (Some(a), None) => {
            let expiry = instant(a, cat, ck)?;
            // Known from the file alone; a grant backdated past its expiry is refused by the engine instead.
            let start = effective.unwrap_or(at);
            if expiry <= start {
                ck.error(
                    Code::ExpiresBeforeStart,
                    a.span.clone(),
                    format!("this grant expires ({expiry}) at or before it starts ({start})"),
                )
                .with_help("move `expires_at` after `effective` (or the event's time), or use `expires_after`");
                return None;
            }
            GrantExpiry::At(expiry)
        }
        (None, Some(p)) => GrantExpiry::After(p.value.0),
        (None, None) => GrantExpiry::Never,
    };
    if let Some(r) = &g.rollover
        && g.every.is_none()
        && !resets
    {
        ck.error(
            Code::ConflictingKeys,
            r.span.clone(),
            "`rollover` needs `every` or a usage reset: it says what the grant keeps at each one",
        )
        .with_help("add every = \"1 month\", add a `reset` or `usage_period` event, or remove rollover");
        return None;
    }
    if let (Some(a), None) = (&g.anchor, &g.every) {
        ck.error(Code::ConflictingKeys, a.span.clone(), "`anchor` needs `every`: recurrences are counted from it")
            .with_help("add every = \"1 month\", or remove anchor");
        return None;
    }
    let rollover = g.rollover.as_ref().map(|r| pricebook_core::catalog::RolloverRule {
        cycles: u32::MAX,
        max_amount: Some(
            r.max_amount.as_ref().map_or(Credits::ZERO, |m| ck.credits(m, "max_amount", Sign::NonNegative)),
        ),
        max_share: r.max_share.as_ref().map(|s| s.value.0),
        min_kept: r.min_kept.as_ref().map(|m| ck.credits(m, "min_kept", Sign::NonNegative)),
    });
    let cost_basis = g.cost_basis.as_ref().map(|c| {
        if c.value.0.is_sign_negative() {
            ck.error(Code::NegativeAmount, c.span.clone(), "a cost basis cannot be negative")
                .with_help("give the money paid per credit, 0 for free credits");
        }
        c.value.0
    });
    Some(DirectGrant {
        credits: ck.credits(&g.credits, "credits", Sign::Positive),
        label: g.label.as_deref().and_then(|l| labels.id(l)),
        funding: g.funding.unwrap_or(crate::model::plan::Funding::Promotional),
        priority: g.priority.unwrap_or(0),
        effective,
        created: optional_instant(&g.created, cat, ck)?,
        expires,
        cost_basis,
        every: g.every.as_ref().map(|p| p.value.0),
        anchor: optional_instant(&g.anchor, cat, ck)?,
        rollover,
    })
}

fn checks(expect: Option<&Sp<raw::Expect>>, cat: &Catalog, names: &Names, ck: &mut Checker) -> Vec<Check> {
    let Some(x) = expect else { return Vec::new() };
    let mut out = Vec::new();
    let mut push = |span: Range<usize>, what: Expected| out.push(Check { span, what });
    if let Some(b) = &x.balance {
        push(b.span.clone(), Expected::Balance(ck.credits(b, "balance", Sign::Any)));
    }
    if let Some(b) = &x.displayed_balance {
        push(b.span.clone(), Expected::DisplayedBalance(ck.credits(b, "displayed_balance", Sign::NonNegative)));
    }
    for (label, amount) in &x.sources {
        if names.labels.id(&label.value).is_none() {
            let help =
                suggest::help_for(&label.value, "source labels", names.labels.names().iter().map(String::as_str));
            ck.error(Code::UnknownReference, label.span.clone(), format!("no credits are labelled `{}`", label.value))
                .with_help(help);
            continue;
        }
        push(
            amount.span.clone(),
            Expected::Source(label.value.clone(), ck.credits(amount, "credits", Sign::NonNegative)),
        );
    }
    if let Some(d) = &x.deficit {
        push(d.span.clone(), Expected::Deficit(ck.credits(d, "deficit", Sign::NonNegative)));
    }
    if let Some(p) = &x.plan
        && let Some(ix) = ck.resolve(p, &cat.plans.iter().map(|p| p.id.clone()).collect::<Vec<_>>(), "plan")
    {
        push(p.span.clone(), Expected::Plan(ix));
    }
    if let Some(s) = &x.status {
        match s.value.as_str() {
            "trialing" => push(s.span.clone(), Expected::Trialing(true)),
            "active" => push(s.span.clone(), Expected::Trialing(false)),
            other => {
                ck.error(Code::InvalidValue, s.span.clone(), format!("`{other}` is not a status"))
                    .with_help("use \"trialing\" or \"active\"");
            }
        }
    }
    if let Some(m) = &x.charged {
        push(m.span.clone(), Expected::Charged(ck.money(m, "charged", Sign::NonNegative)));
    }
    if let Some(m) = &x.refunded {
        push(m.span.clone(), Expected::Refunded(ck.money(m, "refunded", Sign::NonNegative)));
    }
    if let Some(t) = &x.cycle_start
        && let Some(at) = instant(t, cat, ck)
    {
        push(t.span.clone(), Expected::CycleStart(at));
    }
    if let Some(r) = &x.refused {
        match &r.value {
            raw::Refused::Any(any) => push(r.span.clone(), Expected::RefusedAny(*any)),
            raw::Refused::Reason(word) if word == "none" => push(r.span.clone(), Expected::Refused(None)),
            raw::Refused::Reason(word) => match Reason::ALL.iter().find(|x| x.code() == word) {
                Some(reason) => push(r.span.clone(), Expected::Refused(Some(*reason))),
                None => {
                    let help = suggest::help_for(word, "reasons", Reason::ALL.iter().map(|x| x.code()));
                    ck.error(Code::InvalidValue, r.span.clone(), format!("`{word}` is not a refusal reason"))
                        .with_help(help);
                }
            },
        }
    }
    if let Some(n) = &x.notified {
        push(n.span.clone(), Expected::Notified(n.value));
    }
    if let Some(b) = &x.balance_change {
        push(b.span.clone(), Expected::BalanceChange(ck.credits(b, "balance_change", Sign::Any)));
    }
    for (name, amount) in &x.grants {
        if let Some(ix) = use_ref(name, false, "grant", names, ck) {
            push(amount.span.clone(), Expected::Grant(ix, ck.credits(amount, "credits", Sign::NonNegative)));
        }
    }
    for line in &x.lines {
        if let Some(m) = line_match(line, names, ck) {
            push(line.span.clone(), Expected::Lines(m));
        }
    }
    if let Some(n) = &x.notifications {
        let known = ExpectedNotice::all(cat);
        let words: Vec<String> = known.iter().map(|k| k.code()).collect();
        let parsed: Vec<ExpectedNotice> = n
            .value
            .iter()
            .filter_map(|word| match words.iter().position(|w| *w == word.value) {
                Some(i) => Some(known[i]),
                None => {
                    let help = suggest::help_for(&word.value, "notifications", words.iter().map(String::as_str));
                    ck.error(
                        Code::InvalidValue,
                        word.span.clone(),
                        format!("`{}` is not a notification this catalog sends", word.value),
                    )
                    .with_help(help);
                    None
                }
            })
            .collect();
        if parsed.len() == n.value.len() {
            push(n.span.clone(), Expected::Notifications(parsed));
        }
    }
    if let Some(p) = &x.pending_topups {
        push(p.span.clone(), Expected::PendingTopups(p.value));
    }
    if let Some(a) = &x.auto_recharge {
        push(a.span.clone(), Expected::AutoRecharge(a.value));
    }
    for (ent, count) in &x.allocated {
        let ids: Vec<String> = cat.entitlements.iter().map(|e| e.id.clone()).collect();
        if let Some(ix) = ck.resolve(ent, &ids, "entitlement") {
            push(count.span.clone(), Expected::Allocated(ix, u64::from(count.value)));
        }
    }
    out
}

fn line_match(line: &Sp<raw::LineExpect>, names: &Names, ck: &mut Checker) -> Option<LineMatch> {
    let l = &line.value;
    let Some(kind) = EntryKind::ALL.iter().copied().find(|k| k.word() == l.event.value) else {
        let help = suggest::help_for(&l.event.value, "ledger events", EntryKind::ALL.iter().map(|k| k.word()));
        ck.error(Code::InvalidValue, l.event.span.clone(), format!("`{}` is not a ledger event", l.event.value))
            .with_help(help);
        return None;
    };
    let bucket = match &l.source {
        None => None,
        Some(s) if s.value == "overdraft" => Some(Bucket::Overdraft),
        Some(s) => match names.labels.id(&s.value) {
            Some(id) => Some(Bucket::Label(id)),
            None => {
                let labels = names.labels.names().iter().map(String::as_str).chain(["overdraft"]);
                let help = suggest::help_for(&s.value, "source labels", labels);
                ck.error(Code::UnknownReference, s.span.clone(), format!("no credits are labelled `{}`", s.value))
                    .with_help(help);
                return None;
            }
        },
    };
    let credits = l.credits.as_ref().map(|c| ck.credits(c, "credits", Sign::Any));
    let mut text = format!("`{}` line", kind.word());
    if let Some(s) = &l.source {
        text.push_str(&format!(" of `{}`", s.value));
    }
    if let Some(c) = credits {
        text.push_str(&format!(" of {}", pricebook_core::format::credits(c)));
    }
    Some(LineMatch { kind, bucket, credits, count: l.count.as_ref().map(|c| c.value), text })
}

/// A `price` is an agreed price for a plan priced on request: on a plan
/// with a list price it would silently replace every renewal's price, so it
/// is refused (an introductory price is the plan's `intro_offer`).
fn listed_price_kept(
    cat: &Catalog,
    plan: usize,
    billing: raw::Billing,
    price: Option<&Sp<crate::model::MoneyLit>>,
    ck: &mut Checker,
) -> Option<()> {
    let p = &cat.plans[plan];
    let listed = match billing {
        raw::Billing::Monthly => p.monthly_price,
        raw::Billing::Yearly => p.yearly_price,
    };
    let (Some(price), Some(list)) = (price, listed) else { return Some(()) };
    let list = ck.show_money(list);
    ck.error(
        Code::PriceOverridesList,
        price.span.clone(),
        format!("plan `{}` has a list price ({list}); this `price` would replace it at every renewal", p.id),
    )
    .with_help("remove `price`; a discount on the first payments is the plan's `intro_offer`");
    None
}
