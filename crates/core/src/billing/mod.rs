//! Billing arithmetic, each figure computed by one function: credits for
//! money and money for credits (quote), what one auto-recharge buys and
//! whether it fits the monthly cap (recharge), rollover carry (rollover),
//! usage cost from the rate card (cost), what paying yearly saves (yearly),
//! usage past the balance billed in money (overage), introductory prices
//! (discount).
//!
//! The engine, the compiler's checks, the docs and `diff` all call these,
//! so a page never states a figure the engine would not produce. Depends
//! only on `money`, `calendar` and the catalog types; it decides nothing
//! about accounts, ledgers or wording.

pub mod cost;
pub mod discount;
pub mod overage;
pub mod quote;
pub mod recharge;
pub mod rollover;
pub mod yearly;
