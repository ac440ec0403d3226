//! SVG charts written by hand: a step chart of balances over time, bars of
//! revenue before and after by plan, a histogram of per-customer change.
//!
//! No plotting crate: three small charts do not need one, and writing the
//! SVG here keeps the output the same bytes on every machine. Values stay
//! decimals until they become pixel positions (floats only for drawing;
//! every number printed as text comes from the decimal).

use pricebook_core::calendar::Instant;
use pricebook_core::format::group;
use pricebook_engine::{AccountId, Entry};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use std::fmt::Write;

const W: f64 = 760.0;
const H: f64 = 380.0;
const LEFT: f64 = 90.0;
const RIGHT: f64 = 20.0;
const TOP: f64 = 40.0;
const BOTTOM: f64 = 60.0;
const COLORS: &[&str] = &["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#17becf", "#7f7f7f"];

/// One line of a step chart: (time, value) points in time order.
pub struct Series {
    pub name: String,
    /// Index into the palette: the same account keeps its colour on both sides.
    pub color: usize,
    pub dashed: bool,
    pub points: Vec<(Instant, Decimal)>,
}

impl Series {
    /// An account's balance after each of its ledger lines.
    pub fn of_ledger(name: String, (color, dashed): (usize, bool), ledger: &[Entry], account: AccountId) -> Series {
        let points = ledger.iter().filter(|e| e.account == account).map(|e| (e.at, e.balance.get())).collect();
        Series { name, color, dashed, points }
    }
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn f(d: Decimal) -> f64 {
    d.to_f64().unwrap_or(0.0)
}

fn open(title: &str) -> String {
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{W}\" height=\"{H}\" viewBox=\"0 0 {W} {H}\" \
         font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n\
         <text x=\"{}\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">{}</text>\n",
        W / 2.0,
        esc(title)
    );
    s
}

/// The plot area's y axis for values in `lo..=hi`, with ticks; returns the mapping.
fn y_axis(s: &mut String, lo: Decimal, hi: Decimal, label: &str) -> impl Fn(Decimal) -> f64 + use<> {
    let (lo, hi) = if lo == hi { (lo - Decimal::ONE, hi + Decimal::ONE) } else { (lo, hi) };
    let (flo, fhi) = (f(lo), f(hi));
    let y = move |v: Decimal| TOP + (fhi - f(v)) / (fhi - flo) * (H - TOP - BOTTOM);
    for i in 0..=4 {
        let v = lo + (hi - lo) * Decimal::from(i) / Decimal::from(4);
        let v = v.round_dp(if (hi - lo).abs() >= Decimal::from(20) { 0 } else { 2 });
        let py = y(v);
        let _ = writeln!(
            s,
            "<line x1=\"{LEFT}\" x2=\"{:.1}\" y1=\"{py:.1}\" y2=\"{py:.1}\" stroke=\"#ddd\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            W - RIGHT,
            LEFT - 6.0,
            py + 4.0,
            group(v)
        );
    }
    let _ = writeln!(
        s,
        "<text transform=\"translate(16 {:.1}) rotate(-90)\" text-anchor=\"middle\">{}</text>",
        (TOP + H - BOTTOM) / 2.0,
        esc(label)
    );
    y
}

fn legend(s: &mut String, names: &[(String, &str, bool)]) {
    for (i, (name, color, dashed)) in names.iter().enumerate() {
        let x = LEFT + (i % 4) as f64 * 165.0;
        let y = H - 26.0 + (i / 4) as f64 * 14.0;
        let dash = if *dashed { " stroke-dasharray=\"5 3\"" } else { "" };
        let _ = writeln!(
            s,
            "<line x1=\"{x:.1}\" x2=\"{:.1}\" y1=\"{:.1}\" y2=\"{:.1}\" stroke=\"{color}\" stroke-width=\"2\"{dash}/>\
             <text x=\"{:.1}\" y=\"{y:.1}\">{}</text>",
            x + 18.0,
            y - 4.0,
            y - 4.0,
            x + 22.0,
            esc(name)
        );
    }
}

/// Balances over time as steps: a value holds until the next point. With
/// `from`, the chart starts there (each line at the value it had then).
pub fn balances(title: &str, unit: &str, series: &[Series], from: Option<Instant>) -> String {
    let clipped: Vec<Series>;
    let series = match from {
        None => series,
        Some(t) => {
            clipped = series
                .iter()
                .map(|ser| {
                    let before = ser.points.iter().rev().find(|p| p.0 <= t).map(|p| (t, p.1));
                    let points = before.into_iter().chain(ser.points.iter().filter(|p| p.0 > t).copied()).collect();
                    Series { name: ser.name.clone(), color: ser.color, dashed: ser.dashed, points }
                })
                .collect();
            &clipped
        }
    };
    let mut s = open(title);
    let all = || series.iter().flat_map(|x| x.points.iter());
    let (Some(t0), Some(t1)) = (all().map(|p| p.0).min(), all().map(|p| p.0).max()) else {
        s.push_str("<text x=\"380\" y=\"190\" text-anchor=\"middle\">no ledger lines</text>\n</svg>\n");
        return s;
    };
    let lo = all().map(|p| p.1).min().unwrap_or_default().min(Decimal::ZERO);
    let hi = all().map(|p| p.1).max().unwrap_or_default();
    let y = y_axis(&mut s, lo, hi, unit);
    let span = (t1 - t0).num_seconds().max(1) as f64;
    let x = |t: Instant| LEFT + (t - t0).num_seconds() as f64 / span * (W - LEFT - RIGHT);
    for (i, label) in [(0, t0), (1, t1)].iter().map(|(i, t)| (*i, t.format("%Y-%m-%d").to_string())) {
        let (px, anchor) = if i == 0 { (LEFT, "start") } else { (W - RIGHT, "end") };
        let _ =
            writeln!(s, "<text x=\"{px:.1}\" y=\"{:.1}\" text-anchor=\"{anchor}\">{label}</text>", H - BOTTOM + 16.0);
    }
    let mut names = Vec::new();
    for ser in series {
        let color = COLORS[ser.color % COLORS.len()];
        let mut d = String::new();
        let mut last: Option<f64> = None;
        for (t, v) in &ser.points {
            let (px, py) = (x(*t), y(*v));
            match last {
                None => {
                    let _ = write!(d, "M{px:.1} {py:.1}");
                }
                Some(_) => {
                    let _ = write!(d, " H{px:.1} V{py:.1}");
                }
            }
            last = Some(py);
        }
        let _ = write!(d, " H{:.1}", W - RIGHT);
        let dash = if ser.dashed { " stroke-dasharray=\"5 3\"" } else { "" };
        let _ = writeln!(s, "<path d=\"{d}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"1.5\"{dash}/>");
        names.push((ser.name.clone(), color, ser.dashed));
    }
    legend(&mut s, &names);
    s.push_str("</svg>\n");
    s
}

/// Bars before and after per category.
pub fn paired_bars(title: &str, unit: &str, rows: &[(String, Option<Decimal>, Decimal)]) -> String {
    let mut s = open(title);
    let hi = rows.iter().flat_map(|r| [r.1.unwrap_or_default(), r.2]).max().unwrap_or_default();
    let y = y_axis(&mut s, Decimal::ZERO, hi.max(Decimal::ONE), unit);
    let slot = (W - LEFT - RIGHT) / rows.len().max(1) as f64;
    let bar = (slot * 0.35).min(60.0);
    for (i, (name, before, after)) in rows.iter().enumerate() {
        let cx = LEFT + slot * (i as f64 + 0.5);
        for (k, v) in [(0, before), (1, &Some(*after))] {
            let Some(v) = v else { continue };
            let (top, base) = (y(*v), y(Decimal::ZERO));
            let x = if k == 0 { cx - bar - 2.0 } else { cx + 2.0 };
            let _ = writeln!(
                s,
                "<rect x=\"{x:.1}\" y=\"{top:.1}\" width=\"{bar:.1}\" height=\"{:.1}\" fill=\"{}\"/>",
                base - top,
                COLORS[k]
            );
        }
        let _ = writeln!(
            s,
            "<text x=\"{cx:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            H - BOTTOM + 16.0,
            esc(name)
        );
    }
    legend(&mut s, &[("before".into(), COLORS[0], false), ("after".into(), COLORS[1], false)]);
    s.push_str("</svg>\n");
    s
}

/// How many values fall in each of `bins` equal ranges from min to max.
pub fn histogram(title: &str, unit: &str, values: &[Decimal], bins: usize) -> String {
    let mut s = open(title);
    let (Some(lo), Some(hi)) = (values.iter().min().copied(), values.iter().max().copied()) else {
        s.push_str("<text x=\"380\" y=\"190\" text-anchor=\"middle\">no accounts</text>\n</svg>\n");
        return s;
    };
    let bins = bins.max(1);
    let width = if hi > lo { (hi - lo) / Decimal::from(bins) } else { Decimal::ONE };
    let mut counts = vec![0u64; bins];
    for v in values {
        let b = ((*v - lo) / width).floor().to_usize().unwrap_or(0).min(bins - 1);
        counts[b] += 1;
    }
    let top = counts.iter().copied().max().unwrap_or(1);
    let y = y_axis(&mut s, Decimal::ZERO, Decimal::from(top), "accounts");
    let slot = (W - LEFT - RIGHT) / bins as f64;
    for (i, c) in counts.iter().enumerate() {
        let (py, base) = (y(Decimal::from(*c)), y(Decimal::ZERO));
        let _ = writeln!(
            s,
            "<rect x=\"{:.1}\" y=\"{py:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{}\"/>",
            LEFT + slot * i as f64 + 1.0,
            (slot - 2.0).max(1.0),
            base - py,
            COLORS[0]
        );
    }
    for (px, v, anchor) in [(LEFT, lo, "start"), (W - RIGHT, hi, "end")] {
        let _ = writeln!(
            s,
            "<text x=\"{px:.1}\" y=\"{:.1}\" text-anchor=\"{anchor}\">{} {}</text>",
            H - BOTTOM + 16.0,
            group(v.round_dp(2)),
            esc(unit)
        );
    }
    s.push_str("</svg>\n");
    s
}
