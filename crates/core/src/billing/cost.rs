//! Usage cost from the rate card: the parts of a rate added up (requests,
//! tokens, minutes, the feature's own unit), rounded, capped per usage.

use crate::catalog::{Feature, Rate};
use crate::money::Credits;
use rust_decimal::Decimal;

/// What a usage measured, in the rate card's units.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Measured {
    /// Requests; one when not stated.
    pub requests: Option<Decimal>,
    pub input_tokens: u64,
    pub output_tokens: u64,
    pub minutes: Option<Decimal>,
    /// Units of the feature's own meter (characters, seconds, images).
    pub units: Option<Decimal>,
}

/// Credits a usage costs under one rate of a feature, rounded by the
/// feature's rule to the credit scale. `None` past exact arithmetic.
pub fn rate_cost(feature: &Feature, rate: &Rate, m: &Measured, credit_scale: u32) -> Option<Credits> {
    let k = Decimal::from(1000);
    let input = Decimal::from(m.input_tokens) / k;
    let output = Decimal::from(m.output_tokens) / k;
    let parts = [
        (rate.per_request, m.requests.unwrap_or(Decimal::ONE)),
        (rate.per_1k_input_tokens, input),
        (rate.per_1k_output_tokens, output),
        (rate.per_1k_tokens, input.checked_add(output)?),
        (rate.per_minute, m.minutes.unwrap_or(Decimal::ZERO)),
        (rate.per_unit, m.units.unwrap_or(Decimal::ZERO)),
    ];
    let mut raw = Decimal::ZERO;
    for (per, n) in parts {
        if let Some(per) = per {
            raw = raw.checked_add(per.get().checked_mul(n)?)?;
        }
    }
    let cost = Credits::new(feature.rounding.round(raw, credit_scale));
    // One usage never costs more than the feature's cap.
    Some(feature.max_per_use.map_or(cost, |cap| cost.min(cap)))
}
