//! Usage cost from the rate card: the parts of a rate added up (requests,
//! tokens, minutes, the feature's own unit), rounded, capped per usage.
//! The same parts price what serving a usage costs the provider, when a
//! rate declares it (`cost`): the backtest's margins and `check`'s margin
//! warnings both come from [`provider_cost`].

use crate::catalog::{Feature, ProviderCost, Rate};
use crate::money::{Credits, Money};
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
    /// Index into the feature's `multipliers` when the usage named a variant.
    pub variant: Option<usize>,
}

/// The quantity part `i` of a rate multiplies, in the order of
/// [`credit_parts`]: requests, thousands of input, output and all tokens,
/// minutes, units. Thousands of tokens are the count at scale 3 (exact, and
/// no division: this runs for every usage). `None` past exact arithmetic.
fn quantity(m: &Measured, i: usize) -> Option<Decimal> {
    let thousands = |n: u64| Decimal::try_from_i128_with_scale(i128::from(n), 3).ok();
    match i {
        0 => Some(m.requests.unwrap_or(Decimal::ONE)),
        1 => thousands(m.input_tokens),
        2 => thousands(m.output_tokens),
        3 => thousands(m.input_tokens.checked_add(m.output_tokens)?),
        4 => Some(m.minutes.unwrap_or(Decimal::ZERO)),
        _ => Some(m.units.unwrap_or(Decimal::ZERO)),
    }
}

/// The sum of each stated price times its quantity; only the parts a rate
/// states are computed (this runs for every usage under every catalog).
/// `None` past exact arithmetic.
#[inline]
fn priced(per: &[Option<Decimal>; 6], m: &Measured) -> Option<Decimal> {
    match per {
        // Most rates price requests alone: no loop over the other parts.
        [Some(p), None, None, None, None, None] => times(*p, quantity(m, 0)?),
        _ => priced_parts(per, m),
    }
}

/// [`priced`] for any rate: each stated part in turn.
fn priced_parts(per: &[Option<Decimal>; 6], m: &Measured) -> Option<Decimal> {
    let mut sum: Option<Decimal> = None;
    for (i, per) in per.iter().enumerate() {
        let Some(per) = per else { continue };
        let part = times(*per, quantity(m, i)?)?;
        // 0 + x is x itself, value and scale: the first part needs no addition.
        sum = Some(match sum {
            Some(s) => s.checked_add(part)?,
            None => part,
        });
    }
    Some(sum.unwrap_or(Decimal::ZERO))
}

/// `price × quantity`, the same bits as `checked_mul`; a quantity of
/// exactly 1 (scale 0, the unstated request count of most usage) returns
/// the price without multiplying (a zero price gives `Decimal::ZERO`, as
/// the multiplication does).
fn times(price: Decimal, quantity: Decimal) -> Option<Decimal> {
    if quantity.scale() == 0 && quantity.mantissa() == 1 {
        return Some(if price.is_zero() { Decimal::ZERO } else { price });
    }
    price.checked_mul(quantity)
}

// Spelled out rather than `[..].map(..)`: an array map costs more than the
// pricing itself, and this runs for every usage.
fn credit_parts(r: &Rate) -> [Option<Decimal>; 6] {
    let d = |p: Option<Credits>| p.map(Credits::get);
    [
        d(r.per_request),
        d(r.per_1k_input_tokens),
        d(r.per_1k_output_tokens),
        d(r.per_1k_tokens),
        d(r.per_minute),
        d(r.per_unit),
    ]
}

fn cost_parts(c: &ProviderCost) -> [Option<Decimal>; 6] {
    let d = |p: Option<Money>| p.map(Money::get);
    [
        d(c.per_request),
        d(c.per_1k_input_tokens),
        d(c.per_1k_output_tokens),
        d(c.per_1k_tokens),
        d(c.per_minute),
        d(c.per_unit),
    ]
}

/// Credits a usage costs under one rate of a feature: the parts added up,
/// times the variant's multiplier, rounded by the feature's rule to the
/// credit scale, then capped by `max_per_use` (the cap applies after the
/// multiplier: a premium request is still charged at most the cap).
/// `None` past exact arithmetic.
pub fn rate_cost(feature: &Feature, rate: &Rate, m: &Measured, credit_scale: u32) -> Option<Credits> {
    let mut raw = priced(&credit_parts(rate), m)?;
    if let Some(v) = m.variant {
        // Multiplied before rounding, so ×2 of 1.5 credits is 3, not 4.
        raw = raw.checked_mul(feature.multipliers.get(v)?.factor)?;
    }
    let cost = Credits::new(feature.rounding.round(raw, credit_scale));
    // One usage never costs more than the feature's cap.
    Some(feature.max_per_use.map_or(cost, |cap| cost.min(cap)))
}

/// The provider cost a usage of `variant` (an index into the feature's
/// `multipliers`; `None`: no variant) is priced at: the variant's own
/// `cost` when it declares one, else the rate's. A multiplier is a price
/// decision, not a cost fact: without a cost of its own, a premium usage
/// costs the provider what the plain one does.
fn cost_of<'a>(feature: &'a Feature, rate: &'a Rate, variant: Option<usize>) -> Option<&'a ProviderCost> {
    match variant.and_then(|v| feature.multipliers.get(v)).and_then(|m| m.cost.as_ref()) {
        Some(own) => Some(own),
        None => rate.cost.as_ref(),
    }
}

/// What serving a usage costs the provider under a rate's declared `cost`
/// (or its variant's, see [`cost_of`]), exact (not rounded: costs are
/// summed, then shown). `None` when neither declares a cost, or past exact
/// arithmetic. Not capped by `max_per_use`: the cap limits what the
/// customer pays, not what serving costs.
pub fn provider_cost(feature: &Feature, rate: &Rate, m: &Measured) -> Option<Money> {
    priced(&cost_parts(cost_of(feature, rate, m.variant)?), m).map(Money::new)
}

/// The most one credit spent on a rate costs the provider: over one unit
/// of each thing the rate meters (a request, 1,000 input or output tokens,
/// a minute, a unit), plain and in every variant of the feature, the
/// largest [`provider_cost`] per credit charged (a variant's credits are
/// the rate's times its factor, unrounded). With the variant it happens in
/// (`None`: plain usage; the first among equals). `None` without a
/// declared cost or when the rate charges no credits.
pub fn cost_per_credit(feature: &Feature, rate: &Rate) -> Option<(Decimal, Option<usize>)> {
    let only = |m: Measured| Measured { requests: m.requests.or(Some(Decimal::ZERO)), ..m };
    let measures = [
        Measured { requests: Some(Decimal::ONE), ..Measured::default() },
        only(Measured { input_tokens: 1000, ..Measured::default() }),
        only(Measured { output_tokens: 1000, ..Measured::default() }),
        only(Measured { minutes: Some(Decimal::ONE), ..Measured::default() }),
        only(Measured { units: Some(Decimal::ONE), ..Measured::default() }),
    ];
    let variants = std::iter::once(None).chain((0..feature.multipliers.len()).map(Some));
    variants
        .flat_map(|variant| measures.iter().map(move |m| Measured { variant, ..m.clone() }))
        .filter_map(|m| {
            let factor = m.variant.map_or(Some(Decimal::ONE), |v| feature.multipliers.get(v).map(|x| x.factor))?;
            let credits = priced(&credit_parts(rate), &m)?.checked_mul(factor)?;
            let money = provider_cost(feature, rate, &m)?;
            (credits > Decimal::ZERO).then(|| money.get().checked_div(credits)).flatten().map(|c| (c, m.variant))
        })
        // The highest; the first found among equals.
        .fold(None, |best: Option<(Decimal, Option<usize>)>, c| match best {
            Some(b) if b.0 >= c.0 => Some(b),
            _ => Some(c),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Multiplier;
    use rust_decimal::dec;

    fn plain() -> Feature {
        feature(Vec::new())
    }

    fn feature(multipliers: Vec<Multiplier>) -> Feature {
        Feature {
            id: "f".into(),
            name: "F".into(),
            requires: None,
            rounding: crate::money::Rounding::Up,
            rates: Vec::new(),
            unit: None,
            max_per_use: None,
            multipliers,
        }
    }

    fn rate(parts: [Option<Decimal>; 6], cost: Option<[Option<Decimal>; 6]>) -> Rate {
        let c = |p: Option<Decimal>| p.map(Credits::new);
        let m = |p: Option<Decimal>| p.map(Money::new);
        Rate {
            model: "m".into(),
            display_name: None,
            per_request: c(parts[0]),
            per_1k_input_tokens: c(parts[1]),
            per_1k_output_tokens: c(parts[2]),
            per_1k_tokens: c(parts[3]),
            per_minute: c(parts[4]),
            per_unit: c(parts[5]),
            cost: cost.map(|k| ProviderCost {
                per_request: m(k[0]),
                per_1k_input_tokens: m(k[1]),
                per_1k_output_tokens: m(k[2]),
                per_1k_tokens: m(k[3]),
                per_minute: m(k[4]),
                per_unit: m(k[5]),
            }),
        }
    }

    #[test]
    fn pricing_only_the_stated_parts_equals_the_plain_formula() {
        // Every combination of a few prices and quantities, against the
        // plain decimal formula: sum of price × quantity, tokens in thousands.
        let prices = [None, Some(dec!(0)), Some(dec!(1)), Some(dec!(0.015)), Some(dec!(2.5)), Some(dec!(0.0000003))];
        let tokens = [0u64, 1, 999, 1000, 123_456, 1_000_000_000_000];
        let amounts = [None, Some(dec!(0)), Some(dec!(1)), Some(dec!(0.25)), Some(dec!(7.125)), Some(dec!(1000000))];
        let k = Decimal::from(1000);
        for (n, p) in prices.iter().enumerate() {
            let per = [*p, prices[(n + 1) % 6], prices[(n + 2) % 6], prices[(n + 3) % 6], *p, prices[(n + 5) % 6]];
            for (t, q) in tokens.iter().zip(amounts) {
                let m = Measured {
                    requests: q,
                    input_tokens: *t,
                    output_tokens: tokens[(n + 1) % 6],
                    minutes: amounts[(n + 2) % 6],
                    units: q,
                    variant: None,
                };
                let (i, o) = (Decimal::from(m.input_tokens) / k, Decimal::from(m.output_tokens) / k);
                let quantities = [
                    m.requests.unwrap_or(Decimal::ONE),
                    i,
                    o,
                    i + o,
                    m.minutes.unwrap_or_default(),
                    m.units.unwrap_or_default(),
                ];
                let want: Decimal = per.iter().zip(quantities).filter_map(|(p, q)| p.map(|p| p * q)).sum();
                assert_eq!(priced(&per, &m), Some(want), "{per:?} × {m:?}");
            }
        }
    }

    #[test]
    fn priced_gives_the_bits_of_the_plain_decimal_sum() {
        // Not only the value: the scale shows in every ledger ("2" and
        // "2.0" are different bytes), so skipping the zero start and the
        // multiplication by 1 must give what the plain formula gives.
        let prices = [
            Some(dec!(0)),
            Some(dec!(0.00)),
            Some(dec!(1)),
            Some(dec!(1.0)),
            Some(dec!(0.015)),
            Some(dec!(2.50)),
            Some(dec!(79228162514264337593543950.335)),
            Some(dec!(18446744073709551616)),
            None,
        ];
        let quantities = [None, Some(dec!(0)), Some(dec!(1)), Some(dec!(1.0)), Some(dec!(-1)), Some(dec!(0.25))];
        let plain = |per: [Option<Decimal>; 6], m: &Measured| -> Option<Decimal> {
            let mut sum = Decimal::ZERO;
            for (i, per) in per.into_iter().enumerate() {
                if let Some(per) = per {
                    sum = sum.checked_add(per.checked_mul(quantity(m, i)?)?)?;
                }
            }
            Some(sum)
        };
        for (n, p) in prices.iter().enumerate() {
            for (k, q) in quantities.iter().enumerate() {
                let per = [*p, None, prices[(n + k) % 9], None, prices[(n + 2 * k) % 9], *p];
                let m = Measured {
                    requests: *q,
                    input_tokens: 0,
                    output_tokens: 1000 * k as u64,
                    minutes: quantities[(k + 1) % 6],
                    units: *q,
                    variant: None,
                };
                let got = priced(&per, &m).map(|d| d.serialize());
                assert_eq!(got, plain(per, &m).map(|d| d.serialize()), "{per:?} × {m:?}");
                // A rate that prices requests alone takes a shortcut.
                let alone = [*p, None, None, None, None, None];
                let got = priced(&alone, &m).map(|d| d.serialize());
                assert_eq!(got, plain(alone, &m).map(|d| d.serialize()), "{alone:?} × {m:?}");
            }
        }
    }

    #[test]
    fn provider_cost_adds_the_parts_the_rate_card_meters() {
        // 2 credits a request and 1 per 1k output tokens; the provider pays
        // $0.001 a request, $0.003 per 1k input and $0.015 per 1k output.
        let r = rate(
            [Some(dec!(2)), None, Some(dec!(1)), None, None, None],
            Some([Some(dec!(0.001)), Some(dec!(0.003)), Some(dec!(0.015)), None, None, None]),
        );
        let m = Measured { input_tokens: 2000, output_tokens: 500, ..Measured::default() };
        // 1 x 0.001 + 2 x 0.003 + 0.5 x 0.015 = 0.001 + 0.006 + 0.0075 = 0.0145.
        assert_eq!(provider_cost(&plain(), &r, &m), Some(Money::new(dec!(0.0145))));
        // Per credit: a request is $0.001 / 2 = 0.0005; 1k output $0.015 / 1;
        // 1k input costs the provider $0.003 for no credits (not a ratio).
        assert_eq!(cost_per_credit(&plain(), &r), Some((dec!(0.015), None)));
        assert_eq!(provider_cost(&plain(), &rate([Some(dec!(1)), None, None, None, None, None], None), &m), None);
    }

    #[test]
    fn provider_cost_of_a_metered_unit_is_not_capped() {
        // 1 credit a character, $0.00003 a character to the provider.
        let r = rate(
            [None, None, None, None, None, Some(dec!(1))],
            Some([None, None, None, None, None, Some(dec!(0.00003))]),
        );
        let m = Measured { units: Some(dec!(7000)), ..Measured::default() };
        assert_eq!(provider_cost(&plain(), &r, &m), Some(Money::new(dec!(0.21))));
        assert_eq!(cost_per_credit(&plain(), &r), Some((dec!(0.00003), None)));
    }

    fn variant(name: &str, factor: Decimal, per_unit_cost: Option<Decimal>) -> Multiplier {
        let cost = per_unit_cost.map(|c| ProviderCost { per_unit: Some(Money::new(c)), ..ProviderCost::default() });
        Multiplier { variant: name.into(), display_name: None, factor, cost }
    }

    #[test]
    fn a_variant_costs_the_provider_its_own_cost_or_the_rates() {
        // 1 credit a character, $0.00003 a character to the provider.
        let r = rate(
            [None, None, None, None, None, Some(dec!(1))],
            Some([None, None, None, None, None, Some(dec!(0.00003))]),
        );
        let f = feature(vec![variant("premium", dec!(2), None), variant("studio", dec!(2), Some(dec!(0.0001)))]);
        let chars = |variant| Measured { units: Some(dec!(1200)), variant, ..Measured::default() };
        // Plain: 1,200 x $0.00003 = $0.036. Premium (x2 in credits, no cost
        // of its own): the rate's cost, still $0.036. Studio (its own
        // $0.0001 a character): 1,200 x 0.0001 = $0.12.
        assert_eq!(provider_cost(&f, &r, &chars(None)), Some(Money::new(dec!(0.036))));
        assert_eq!(provider_cost(&f, &r, &chars(Some(0))), Some(Money::new(dec!(0.036))));
        assert_eq!(provider_cost(&f, &r, &chars(Some(1))), Some(Money::new(dec!(0.12))));
        // Credits: a plain character 1 credit, premium and studio 2.
        assert_eq!(rate_cost(&f, &r, &chars(Some(1)), 2), Some(Credits::new(dec!(2400))));
        // Per credit: plain 0.00003 / 1; premium 0.00003 / 2 = 0.000015;
        // studio 0.0001 / 2 = 0.00005, the dearest.
        assert_eq!(cost_per_credit(&f, &r), Some((dec!(0.00005), Some(1))));
        // A variant without a cost of its own but a discount (x0.5) earns
        // fewer credits for the same cost: 0.00003 / 0.5 = 0.00006 per credit.
        let cheap = feature(vec![variant("premium", dec!(2), None), variant("economy", dec!(0.5), None)]);
        assert_eq!(cost_per_credit(&cheap, &r), Some((dec!(0.00006), Some(1))));
        // A rate without cost, with a variant that has one: only that variant costs.
        let free = rate([None, None, None, None, None, Some(dec!(1))], None);
        assert_eq!(provider_cost(&f, &free, &chars(None)), None);
        assert_eq!(provider_cost(&f, &free, &chars(Some(1))), Some(Money::new(dec!(0.12))));
    }
}
