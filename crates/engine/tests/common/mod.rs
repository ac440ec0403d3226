//! What the engine's tests share: a small base catalog written as canonical
//! catalog JSON (the format `pricebook build` writes), variants of it made
//! by editing the JSON, and short ways to drive one account and read its
//! ledger.
//!
//! The base catalog, in words (every expected figure in the tests is
//! computed from these):
//! - time zone UTC, money in USD, whole credits;
//! - sources, by label id: 0 `monthly` (the plan allowance, priority 1,
//!   expires at cycle end), 1 `signup` (100 on registration, priority 0,
//!   never expires), 2 `invite` (50 to both sides, priority 2, never
//!   expires), 3 `topup` (bought, paid, priority 3, never expires); the
//!   engine's built-in labels follow: 4 `transfer`, 5 `adjustment`, 6 `grant`;
//! - consumption order: priority, soonest expiry, oldest;
//! - plans: `free` (default, 500 a month, cycles anchored at registration)
//!   and `pro` ($20 a month, 2,000 a month, anchored at subscription);
//! - one pack, `small`: 1,000 credits for $10 (cost basis $0.01 a credit);
//! - usage beyond the balance is refused; credits are transferable;
//! - auto-recharge (off by default): at a balance of 100 or less buys
//!   `small`, at most $25 per calendar month;
//! - refunds: packs and subscriptions, within 7 days of payment, while at
//!   most half the purchase's credits are used; used credits are rebooked.

#![allow(dead_code)] // each test file uses its own part of this module

use chrono::{DateTime, Duration, Utc};
use pricebook_core::catalog::Catalog;
use pricebook_core::money::{Credits, Money};
use pricebook_engine::command::{Quantity, Usage};
use pricebook_engine::engine::{self, Outcome};
use pricebook_engine::ledger::{Bucket, LabelId};
use pricebook_engine::{AccountState, Command, Entry, EntryKind, Ledger};
use rust_decimal::Decimal;
use serde_json::Value;

pub const MONTHLY: LabelId = 0;
pub const SIGNUP: LabelId = 1;
pub const INVITE: LabelId = 2;
pub const TOPUP: LabelId = 3;
pub const TRANSFER: LabelId = 4;
pub const GRANT: LabelId = 6;

/// Plan and pack indices in the base catalog.
pub const FREE: usize = 0;
pub const PRO: usize = 1;
pub const SMALL: usize = 0;

pub const BASE: &str = r#"{
  "addons": [],
  "auto_recharge": {
    "buys": { "kind": "pack" },
    "enabled_by_default": false,
    "monthly_cap": "25",
    "on_decline": "disable",
    "pack": "small",
    "plans": null,
    "settles_after": null,
    "threshold": "100"
  },
  "credits": {
    "consumption_order": ["priority", "soonest_expiry", "oldest"],
    "on_exhaustion": { "mode": "refuse" },
    "plural": "credits",
    "price_per": "1",
    "refund_failed_operations": true,
    "rounding": "up",
    "scale": 0,
    "transferable": true,
    "unit": "credit"
  },
  "currency": "USD",
  "default_plan": "free",
  "entitlements": [],
  "features": [],
  "id": "base",
  "low_balance_warnings": [],
  "money_rounding": "half_up",
  "name": "Base",
  "packs": [
    {
      "id": "small",
      "name": "Small",
      "offer": { "credits": "1000", "kind": "fixed", "price": "10" },
      "plans": null,
      "source": "topup",
      "tagline": null
    }
  ],
  "plan_changes": {
    "cancel": "end_of_cycle",
    "downgrade": "end_of_cycle",
    "upgrade_charge": "prorated",
    "upgrade_credits": "replace"
  },
  "plans": [
    {
      "cycle_anchor": "registration",
      "flags": [],
      "highlights": [],
      "id": "free",
      "limits": [],
      "monthly_credits": { "credits": "500", "kind": "monthly" },
      "monthly_price": "0",
      "name": "Free",
      "tagline": null,
      "trial": null,
      "yearly_price": null
    },
    {
      "cycle_anchor": "subscription",
      "flags": [],
      "highlights": [],
      "id": "pro",
      "limits": [],
      "monthly_credits": { "credits": "2000", "kind": "monthly" },
      "monthly_price": "20",
      "name": "Pro",
      "tagline": null,
      "trial": null,
      "yearly_price": null
    }
  ],
  "refunds": {
    "applies_to": ["subscription", "pack"],
    "max_used_share": "0.5",
    "reset_anchor": true,
    "used_credits": "rebook",
    "void_bonuses": false,
    "window": "7 days",
    "window_starts": "payment"
  },
  "sources": [
    {
      "amount": null,
      "expires": { "kind": "end_of_cycle" },
      "funding": "promotional",
      "id": "monthly",
      "kind": "allowance",
      "label": "monthly",
      "plans": null,
      "priority": 1,
      "referral_to": null,
      "rollover": null
    },
    {
      "amount": "100",
      "expires": { "kind": "never" },
      "funding": "promotional",
      "id": "signup",
      "kind": "signup",
      "label": "signup",
      "plans": null,
      "priority": 0,
      "referral_to": null,
      "rollover": null
    },
    {
      "amount": "50",
      "expires": { "kind": "never" },
      "funding": "promotional",
      "id": "invite",
      "kind": "referral",
      "label": "invite",
      "plans": null,
      "priority": 2,
      "referral_to": "both",
      "rollover": null
    },
    {
      "amount": null,
      "expires": { "kind": "never" },
      "funding": "paid",
      "id": "topup",
      "kind": "purchase",
      "label": "topup",
      "plans": null,
      "priority": 3,
      "referral_to": null,
      "rollover": null
    }
  ],
  "summary": null,
  "time_zone": "UTC"
}"#;

/// The base catalog as read back from JSON.
pub fn base() -> Catalog {
    variant(|_| {})
}

/// The base catalog with its JSON edited first.
pub fn variant(edit: impl FnOnce(&mut Value)) -> Catalog {
    let mut json: Value = serde_json::from_str(BASE).expect("the base catalog is JSON");
    edit(&mut json);
    let mut cat: Catalog = serde_json::from_value(json).expect("the edited catalog is catalog JSON");
    cat.resolve().expect("the edited catalog's references resolve");
    cat
}

/// An instant written as RFC 3339.
pub fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).expect("a valid instant").with_timezone(&Utc)
}

/// The instant every test's first account registers: 2030-01-15 00:00 UTC.
pub fn t0() -> DateTime<Utc> {
    at("2030-01-15T00:00:00Z")
}

pub fn days(n: i64) -> Duration {
    Duration::days(n)
}

pub fn credits(n: i64) -> Credits {
    Credits::new(Decimal::from(n))
}

pub fn money(n: i64) -> Money {
    Money::new(Decimal::from(n))
}

/// A usage of `n` credits, outside any rate card.
pub fn use_credits(n: i64) -> Command {
    Command::Use(Usage {
        rate: None,
        quantity: Quantity::default(),
        credits: Some(credits(n)),
        project: None,
        session: None,
        operation: None,
    })
}

/// Buys the `small` pack.
pub fn buy_small(key: Option<u32>) -> Command {
    Command::Buy { pack: SMALL, credits: None, amount: None, idempotency_key: key }
}

/// One account and its ledger, driven through the per-account API.
pub struct Account<'c> {
    pub cat: &'c Catalog,
    pub state: AccountState,
    pub ledger: Ledger,
}

impl<'c> Account<'c> {
    /// Account 1, signed up at [`t0`] without an inviter.
    pub fn new(cat: &'c Catalog) -> Self {
        Account::sign_up(cat, 1, t0(), None).0
    }

    pub fn sign_up(cat: &'c Catalog, id: u32, when: DateTime<Utc>, invited_by: Option<u32>) -> (Self, Outcome) {
        let mut ledger = Ledger::new();
        let (state, out) = engine::sign_up(cat, id, when, invited_by, &mut ledger);
        (Account { cat, state, ledger }, out)
    }

    /// Applies a command, returning its outcome and only the lines it (and
    /// what fell due before it) wrote.
    pub fn step(&mut self, when: DateTime<Utc>, cmd: &Command) -> (Outcome, Vec<Line>) {
        let from = self.ledger.len();
        let out =
            engine::step(self.cat, &mut self.state, when, cmd, &mut self.ledger).expect("the engine is driven right");
        (out, lines(&self.ledger[from..]))
    }

    /// Runs what falls due up to `when`, returning the lines written.
    pub fn advance(&mut self, when: DateTime<Utc>) -> Vec<Line> {
        let from = self.ledger.len();
        engine::advance(self.cat, &mut self.state, when, &mut self.ledger);
        lines(&self.ledger[from..])
    }

    pub fn balance(&self) -> Credits {
        self.state.wallet.balance()
    }
}

/// A ledger line reduced to what the tests state: kind, label (`None` for
/// lines that move no labelled credits, `Some(u16::MAX)` for an
/// overdraft), credits moved and balance after.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Line {
    pub kind: EntryKind,
    pub label: Option<LabelId>,
    pub credits: Decimal,
    pub balance: Decimal,
}

/// The label [`Line`] uses for the overdraft bucket.
pub const OVERDRAFT: LabelId = LabelId::MAX;

/// A [`Line`] for an expectation.
pub fn line(kind: EntryKind, label: Option<LabelId>, credits: i64, balance: i64) -> Line {
    Line { kind, label, credits: Decimal::from(credits), balance: Decimal::from(balance) }
}

pub fn lines(entries: &[Entry]) -> Vec<Line> {
    entries
        .iter()
        .map(|e| Line {
            kind: e.kind,
            label: match e.bucket {
                Bucket::None => None,
                Bucket::Label(l) => Some(l),
                Bucket::Overdraft => Some(OVERDRAFT),
            },
            credits: e.credits.get(),
            balance: e.balance.get(),
        })
        .collect()
}
