//! The fuzz targets' bodies (`fuzz/src/oracles.rs`) run over the seed
//! corpus and bounded, deterministic mutations of it, on the stable
//! toolchain and within `cargo test`. cargo-fuzz (`fuzz/`,
//! `scripts/fuzz-smoke.sh`) explores far more; this catches a regression
//! on the inputs everyone has.
//!
//! `PRICEBOOK_FUZZ_MUTATIONS` sets mutations per seed (default 24).

#[allow(dead_code)]
#[path = "../fuzz/src/oracles.rs"]
mod oracles;

use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Every file under the seed folders, sorted.
fn seeds(dirs: &[&str]) -> Vec<Vec<u8>> {
    let mut files: Vec<_> =
        dirs.iter().flat_map(|d| pricebook_lang::compile::files_under(&root().join(d), true, |_| true)).collect();
    files.sort();
    let seeds: Vec<Vec<u8>> = files.iter().map(|f| std::fs::read(f).expect("a seed file")).collect();
    assert!(!seeds.is_empty(), "no seeds under {dirs:?}");
    seeds
}

/// A small deterministic generator (no dependency, same inputs each run).
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n.max(1)
    }
}

/// Tokens that tend to reach deep paths: dates, durations, amounts, keys.
const DICTIONARY: &[&str] = &[
    "9999-12-31T00:00:00Z",
    "\"1 hour\"",
    "every = \"1 day\"",
    "-1",
    "0",
    "1e308",
    "\"$0.000001\"",
    "\"\\u001b[2J\"",
    "[[events]]\n",
    "{{ product.name }}",
    "{% for p in plans %}",
    "{{ x|money }}",
    "\n",
    "=",
    "\"",
];

fn mutate(seed: &[u8], rng: &mut Lcg) -> Vec<u8> {
    let mut out = seed.to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(out.len() + 1);
        match rng.below(5) {
            0 => out.truncate(at),
            1 if at < out.len() => out[at] = rng.below(256) as u8,
            2 => {
                let word = DICTIONARY[rng.below(DICTIONARY.len())].as_bytes();
                out.splice(at..at, word.iter().copied());
            }
            3 if at < out.len() => {
                let end = (at + rng.below(200)).min(out.len());
                out.drain(at..end);
            }
            _ => {
                let end = (at + rng.below(200)).min(out.len());
                let piece = out[at..end].to_vec();
                out.splice(at..at, piece);
            }
        }
    }
    out
}

/// Runs `target` on every seed and its mutations; prints how many inputs
/// ran, how long they took and the slowest (see with `--nocapture`).
fn run(target: fn(&[u8]), dirs: &[&str]) {
    let per_seed: usize = std::env::var("PRICEBOOK_FUZZ_MUTATIONS").ok().and_then(|v| v.parse().ok()).unwrap_or(24);
    let mut rng = Lcg(0x5eed);
    let started = std::time::Instant::now();
    let (mut inputs, mut slowest) = (0usize, std::time::Duration::ZERO);
    let mut time = |input: &[u8]| {
        let t = std::time::Instant::now();
        target(input);
        slowest = slowest.max(t.elapsed());
        inputs += 1;
    };
    for seed in seeds(dirs) {
        time(&seed);
        for _ in 0..per_seed {
            time(&mutate(&seed, &mut rng));
        }
    }
    eprintln!("{dirs:?}: {inputs} inputs in {:?}, slowest {slowest:?}", started.elapsed());
}

#[test]
fn plan_check_over_the_corpus() {
    run(oracles::plan, &["plans", "tests/broken_plans"]);
}

#[test]
fn scenario_run_over_the_corpus() {
    run(oracles::scenario, &["scenarios", "tests/broken_scenarios"]);
}

#[test]
fn template_render_over_the_corpus() {
    run(oracles::template, &["templates", "tests/fixtures/templates"]);
}
