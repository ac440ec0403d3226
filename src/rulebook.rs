//! The rulebook's ids (PRODUCT.md), so scenarios can claim coverage and
//! `pricebook test --coverage` can list what no scenario covers.

/// Every rule id with a short title.
pub const RULES: &[(&str, &str)] = &[
    (
        "E1",
        "Free/Plus/Pro grant 500/2,000/10,000 credits per cycle",
    ),
    ("E2", "monthly credits do not roll over"),
    ("E3", "add-on packs any time; their credits never expire"),
    ("E4", "top-up rate 1 USD = 100 credits"),
    ("E5", "sign-up bonus 1,000 credits (register)"),
    ("E6", "daily bonus 200 credits, expires at day end"),
    ("E7", "consumption order daily → monthly → top-up"),
    ("E8", "invitation: 500 credits to both sides"),
    ("E9", "7-day free trial on Plus and Pro"),
    ("E10", "cycle anchor: registration or first subscription"),
    (
        "E11",
        "a task may overdraw; shown as 0; usage refused until credits are added",
    ),
    (
        "E12",
        "refund within 7 days: plan back to Free, anchor reset, balance recomputed",
    ),
    ("E13", "history shows how credits were added and spent"),
    ("C1", "rate card by complexity, size or model"),
    ("C2", "Pro includes a monthly allowance"),
    (
        "C3",
        "packs $20/500, $100/2,500, $500/12,500, custom amount",
    ),
    ("C4", "auto-refill below a threshold; can be switched off"),
    ("C5", "refused at zero balance"),
    ("C6", "credits cannot be transferred"),
    ("C7", "used credits reversed only by a support adjustment"),
    (
        "C8",
        "a purchase needs a payment method; declined grants nothing",
    ),
    ("T1", "monthly quota first, purchased credits after"),
    ("T2", "purchased credits never expire"),
    ("T3", "only paid plans can buy credits"),
    ("T4", "EUR token packs"),
    ("T5", "auto-recharge with a monthly spending limit"),
    (
        "T6",
        "transactions: purchase, deduction, refund of failed operations",
    ),
    ("T7", "transactions record amount, type, time and resource"),
    ("T8", "larger packs are better value (lint)"),
    ("V1", "Free/Pro/Custom plans with credits and chatbots"),
    ("V2", "chat by model and tokens, images by quality"),
    ("V3", "monthly credits reset each cycle, no rollover"),
    ("V4", "extra packs never expire"),
    ("V5", "low-credit warnings at 20% and 5%"),
    ("V6", "monthly credits are non-refundable"),
    ("V7", "non-credit limits are enforced"),
    ("V8", "unlimited plans never refuse, still record"),
    ("A1", "credits granted at the start of each month"),
    ("A2", "add-ons deduct credits monthly"),
    ("A3", "monthly or yearly payment, credits monthly"),
    ("A4", "auto top-up, USD 10 by default"),
    ("A5", "two-month FIFO rollover"),
    ("A6", "usage breakdown and pending top-ups"),
    ("X1", "decimals, never floats"),
    (
        "X2",
        "calendar: anchors clamp at month end, leap years, time zones",
    ),
    ("X3", "determinism"),
    ("X4", "conservation of credits"),
    ("X5", "plan changes mid-cycle"),
];

pub fn is_rule(id: &str) -> bool {
    RULES.iter().any(|(r, _)| *r == id)
}
