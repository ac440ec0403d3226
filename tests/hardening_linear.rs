//! Work outside the engine grows linearly with the input: many packs do
//! not make `check` quadratic (lints once, diagnostics quoting only their
//! lines), and a large file with many errors is not re-read per error
//! without bound. What these tests can check without a clock is what the
//! output says and how long it is; how the time grows with the input is
//! measured by `benches/check.rs` (criterion), at three sizes side by side.

mod common;
#[path = "common/many_packs.rs"]
mod many_packs;

use common::temp::TempProject;
use many_packs::{CLEVERAI, many_packs};
use pricebook_core::catalog::PackOffer;
use pricebook_lang::compile::{Catalog, compile_plan_text};
use pricebook_lang::diag::{Diagnostics, SourceFile, SourceMap};

fn check(p: &TempProject) -> String {
    let out = common::pricebook(&p.root(), &["check"]);
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn ten_thousand_packs_are_checked_in_linear_time() {
    let p = TempProject::new("many-packs");
    p.write("plans/cleverai.toml", &many_packs(10_000, false));
    let err = check(&p);
    assert!(err.contains("9999 warnings"), "{}", &err[err.len().saturating_sub(300)..]);
    // Each warning quotes its own lines: quoting the file, or every pack
    // it is compared with, would print megabytes.
    let per_warning = err.len() / 9999;
    assert!(per_warning < 1_000, "{per_warning} bytes per warning: {}", &err[..err.len().min(2_000)]);
}

#[test]
fn a_large_file_with_many_errors_is_not_reread_per_error() {
    let p = TempProject::new("many-errors");
    let text = many_packs(30_000, true);
    assert!(text.len() > 2_000_000);
    p.write("plans/cleverai.toml", &text);
    let err = check(&p);
    assert!(err.contains("error[float-not-allowed]"), "{}", &err[..err.len().min(500)]);
    // Error recovery is bounded: one error per broken pack at most, each
    // quoting its own line, never the file.
    let errors = err.matches("error[").count();
    assert!((1..=50).contains(&errors), "{errors} errors: {}", &err[..err.len().min(2_000)]);
    assert!(err.len() < 50 * 2_000, "{} bytes of errors: {}", err.len(), &err[..err.len().min(2_000)]);
}

/// Compiles a plan file held in memory.
fn compile(text: &str) -> Catalog {
    let mut sources = SourceMap::new();
    let mut diags = Diagnostics::new();
    let file = sources.add(SourceFile::new("plans/gen.toml", text));
    compile_plan_text("gen", file, &sources, &mut diags).expect("the generated plan compiles")
}

/// The definition of rule T8's pairs, checked pack against pack.
fn naive_pairs(cat: &Catalog) -> Vec<(usize, usize)> {
    let fixed: Vec<(usize, rust_decimal::Decimal, rust_decimal::Decimal)> = cat
        .packs
        .iter()
        .enumerate()
        .filter_map(|(i, p)| match p.offer {
            PackOffer::Fixed { credits, price } => {
                price.get().checked_div(credits.get()).map(|u| (i, credits.get(), u))
            }
            PackOffer::Custom { .. } => None,
        })
        .collect();
    let plans = |ix: usize| cat.packs[ix].plans.as_ref().map(|v| v.iter().map(|r| r.ix).collect::<Vec<_>>());
    let mut out = Vec::new();
    for &(big, big_credits, big_unit) in &fixed {
        let best = fixed
            .iter()
            .filter(|&&(small, small_credits, small_unit)| {
                small != big
                    && small_credits < big_credits
                    && small_unit < big_unit
                    && cat.packs[small].source.ix == cat.packs[big].source.ix
                    && plans(small) == plans(big)
            })
            .min_by(|a, b| a.2.cmp(&b.2));
        if let Some(&(small, _, _)) = best {
            out.push((big, small));
        }
    }
    out
}

#[test]
fn worse_value_pairs_match_their_definition() {
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = |m: u64| {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (seed >> 33) % m
    };
    for _ in 0..40 {
        let mut text = CLEVERAI.to_string();
        for i in 0..8 {
            let plans = match next(3) {
                0 => String::new(),
                1 => "plans = [\"pro\"]\n".to_string(),
                _ => "plans = [\"free\", \"pro\"]\n".to_string(),
            };
            let (credits, price) = (100 * (1 + next(5)), 1 + next(9));
            text.push_str(&format!(
                "\n[[packs]]\nid = \"g{i}\"\nname = \"G{i}\"\ncredits = {credits}\nprice = \"${price}\"\n{plans}"
            ));
        }
        let cat = compile(&text);
        assert_eq!(pricebook_lang::compile::lints::worse_value_pairs(&cat), naive_pairs(&cat), "{text}");
    }
}
