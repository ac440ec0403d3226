//! The stable list of diagnostic codes.
//!
//! Codes are part of the interface: CI logs, editors and users search for
//! them. The full list is snapshotted (`tests/codes.rs`) so that renaming or
//! removing one is a reviewed change.

/// Whether a diagnostic fails `pricebook check`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

macro_rules! codes {
    ($($variant:ident => $id:literal, $severity:ident, $description:literal;)*) => {
        /// A diagnostic code. See [`Code::ALL`] for the list with descriptions.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $($variant,)*
        }

        impl Code {
            /// Every code, in declaration order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The kebab-case identifier printed in `error[...]`.
            pub fn id(self) -> &'static str {
                match self {
                    $(Code::$variant => $id,)*
                }
            }

            pub fn severity(self) -> Severity {
                match self {
                    $(Code::$variant => Severity::$severity,)*
                }
            }

            /// One sentence saying what the code means.
            pub fn description(self) -> &'static str {
                match self {
                    $(Code::$variant => $description,)*
                }
            }
        }
    };
}

codes! {
    // Reading and parsing.
    Io => "io", Error, "A file could not be read.";
    NotUtf8 => "not-utf8", Error, "A file is not UTF-8 text.";
    FileTooLarge => "file-too-large", Error, "A file is larger than pricebook reads.";
    OutsideProject => "outside-project", Error, "A file is a symbolic link (or in a linked folder) leading outside the project; it is not read.";
    NotAFile => "not-a-file", Error, "A path names a device, FIFO, socket or folder where a file was expected; it is not read.";
    TomlSyntax => "toml-syntax", Error, "The file is not valid TOML.";
    UnknownKey => "unknown-key", Error, "A key that this table does not have.";
    MissingKey => "missing-key", Error, "A required key is absent.";
    WrongType => "wrong-type", Error, "A value has the wrong TOML type.";
    FloatNotAllowed => "float-not-allowed", Error, "A decimal was written as a TOML float; floats lose precision.";
    InvalidDecimal => "invalid-decimal", Error, "A decimal string does not parse or does not fit.";
    InvalidValue => "invalid-value", Error, "A value is not one of the accepted words.";
    InvalidDuration => "invalid-duration", Error, "A duration such as \"7 days\" does not parse.";
    InvalidMoney => "invalid-money", Error, "A money amount such as \"€5\" or \"20 USD\" does not parse.";
    InvalidTime => "invalid-time", Error, "A date or time is impossible, ambiguous or has no time zone.";
    // The plan language.
    DuplicateId => "duplicate-id", Error, "Two items of the same kind share an id.";
    UnknownReference => "unknown-reference", Error, "An id refers to something that does not exist.";
    NonPositiveAmount => "non-positive-amount", Error, "An amount that must be above zero is zero or negative.";
    NegativeAmount => "negative-amount", Error, "An amount that cannot be negative is negative.";
    TooPrecise => "too-precise", Error, "An amount has more decimal places than its unit allows.";
    UnknownCurrency => "unknown-currency", Error, "A currency code that pricebook does not know.";
    CurrencyMismatch => "currency-mismatch", Error, "A price is written in another currency than the catalog's.";
    UnknownTimeZone => "unknown-time-zone", Error, "A time zone that is not in the IANA database.";
    ConflictingKeys => "conflicting-keys", Error, "Keys that cannot be used together.";
    IncompleteItem => "incomplete-item", Error, "An item lacks keys that its other keys require.";
    InvalidRange => "invalid-range", Error, "A minimum is above its maximum, or a share is outside 0-100%.";
    CtaUrl => "cta-url", Error, "A call-to-action link is not an http:// or https:// address.";
    SeveralHighlighted => "several-highlighted", Error, "More than one plan is highlighted on the pricing page.";
    MissingSource => "missing-source", Error, "A rule needs a credit source of a kind the catalog does not declare.";
    AmbiguousSource => "ambiguous-source", Error, "More than one source could serve a rule; name one.";
    RolloverExceedsExpiry => "rollover-exceeds-expiry", Error, "A rollover rule asks credits to outlive their expiry.";
    RefundWindowBeforeTrialEnd => "refund-window-before-trial-end", Error, "A refund window that closes before a trial's first charge.";
    RechargeCapBelowPack => "recharge-cap-below-pack", Error, "An auto-recharge spending cap smaller than the cheapest purchase it can make.";
    UpgradeCreditsIgnored => "upgrade-credits-ignored", Error, "An upgrade credit rule that the upgrade's charge rule overrides.";
    RechargePackUnavailable => "recharge-pack-unavailable", Error, "Auto-recharge is offered on a plan that cannot buy its pack.";
    RechargeNeverOnByDefault => "recharge-never-on-by-default", Error, "Auto-recharge is on by default but not offered on the plan new accounts start on.";
    RechargeOutOfRange => "recharge-out-of-range", Error, "An auto-recharge amount or target that its pack's minimum or maximum refuses.";
    DefaultPlanBilled => "default-plan-billed", Error, "The default plan has a price or a trial, which accounts placed on it never meet.";
    RolloverIgnored => "rollover-ignored", Error, "A rollover rule on credits that are not a monthly allowance, which never roll over.";
    RefundRulesUnused => "refund-rules-unused", Error, "Refund rules stated while nothing is refundable.";
    UnusableFeature => "unusable-feature", Error, "A rate-card feature that no plan can use.";
    OverageNeverBilled => "overage-never-billed", Error, "Metered overage on a plan whose usage can never pass its balance.";
    DiscountOnFreePlan => "discount-on-free-plan", Error, "An intro offer on a plan that charges nothing.";
    PriceOverridesList => "price-overrides-list-price", Error, "A scenario gives a price for a plan with a list price, which would replace every renewal's price.";
    NoPlans => "no-plans", Error, "A plan file declares no plans.";
    // Lints: smells, not errors.
    WorseValuePack => "worse-value-pack", Warning, "A larger pack has a worse unit price than a smaller one.";
    YearlyNotCheaper => "yearly-not-cheaper", Warning, "Yearly billing costs as much as or more than twelve months.";
    UnusedSource => "unused-source", Warning, "A credit source that no plan, pack or rule grants from.";
    AllowanceAboveCost => "allowance-costs-more-than-price", Warning, "A paid plan's monthly credits, spent on its most expensive model, cost the provider more than the plan's price.";
    PackBelowCost => "pack-below-cost", Warning, "A pack's price is below what its credits cost the provider on the most expensive model.";
    // Scenarios.
    MissingAction => "missing-action", Error, "A scenario event names no action, or more than one.";
    TimeGoesBackwards => "time-goes-backwards", Error, "An event is earlier than the one before it.";
    EventBeforeStart => "event-before-start", Error, "An event is earlier than the scenario's start.";
    UnknownPlanFile => "unknown-plan-file", Error, "A scenario names a plan file that does not exist or does not compile.";
    ExpectationFailed => "expectation-failed", Error, "A scenario's inline expectation does not hold.";
    EngineRejected => "engine-rejected", Error, "The simulator could not apply an event (a pricebook bug if the scenario compiled).";
    RunBudgetExceeded => "run-budget-exceeded", Error, "A scenario asks the simulator for more scheduled moments (expiries, renewals, recurrences, resets) or ledger lines than one run may take (`[limits]` in pricebook.toml).";
    ConservationViolated => "conservation-violated", Error, "Credits granted do not equal consumed + expired + voided + remaining (a pricebook bug).";
    HorizonTooLong => "horizon-too-long", Error, "A scenario simulates longer than pricebook allows (100 years).";
    TooManyRecurrences => "too-many-recurrences", Error, "Recurring grants would fire more often within the scenario than pricebook allows.";
    UnknownRule => "unknown-rule", Error, "A scenario claims to cover a rule id that the rulebook does not have.";
    ExpiresBeforeStart => "expires-before-start", Error, "A grant or top-up would expire at or before the moment it starts.";
    // Docs.
    TemplateError => "template-error", Error, "A docs template does not compile or fails to render (syntax, unknown filter, undefined value).";
}
