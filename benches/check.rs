//! `check` on large plan files grows linearly with them (the figures go in
//! the closing notes, never in tests): a plan with many packs, each drawing
//! a worse-value warning, and a large file with many broken packs, each
//! compiled and its diagnostics rendered as `check` prints them, at three
//! sizes side by side. Linear: doubling the packs doubles the time; the
//! quadratic versions this replaced took 100 s (10,000 packs) and 75 s
//! (4.4 MB of errors) in a debug build.

#[path = "../tests/common/many_packs.rs"]
mod many_packs;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use many_packs::many_packs;
use pricebook_lang::compile::compile_plan_text;
use pricebook_lang::diag::{Diagnostics, SourceFile, SourceMap, Style, render_all};
use std::hint::black_box;

/// Compiles the text and renders its diagnostics; returns the output's length.
fn check(text: &str) -> usize {
    let mut sources = SourceMap::new();
    let mut diags = Diagnostics::new();
    let file = sources.add(SourceFile::new("plans/cleverai.toml", text));
    black_box(compile_plan_text("cleverai", file, &sources, &mut diags));
    render_all(&diags.sorted(), &sources, Style::Plain).len()
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("check");
    g.sample_size(10);
    for (name, sizes, broken) in
        [("packs", [2_500, 5_000, 10_000], false), ("broken packs", [7_500, 15_000, 30_000], true)]
    {
        for n in sizes {
            let text = many_packs(n, broken);
            g.throughput(Throughput::Elements(n as u64));
            g.bench_with_input(BenchmarkId::new(name, n), &text, |b, text| b.iter(|| check(text)));
        }
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
