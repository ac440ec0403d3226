#!/usr/bin/env bash
# A short fuzzing run of every cargo-fuzz target in fuzz/ (default 60 s
# each); run it before stopping work that touched the parser, the
# compiler, the engine or the templates. For deeper runs pass more
# seconds (e.g. 600) and keep fuzz/corpus/ between runs.
#
# Needs cargo-fuzz (`cargo install cargo-fuzz --locked`). libFuzzer's
# instrumentation flags are nightly-only; the stable toolchain accepts them
# with RUSTC_BOOTSTRAP=1, which this script sets (no sanitizer: the code is
# safe Rust, and panics are what the targets look for).
# Without cargo-fuzz it runs the same target bodies as a bounded smoke test
# over the corpus instead (`cargo test --test fuzz_smoke`).
#
# Usage: scripts/fuzz-smoke.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-60}"

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz-smoke: cargo-fuzz not installed; running the corpus smoke test instead" >&2
    PRICEBOOK_FUZZ_MUTATIONS="${PRICEBOOK_FUZZ_MUTATIONS:-500}" exec cargo test --release --test fuzz_smoke
fi

export RUSTC_BOOTSTRAP=1
# target: seed folders (read, never written; new inputs go to fuzz/corpus/<target>).
targets=(
    "plan_check: plans tests/broken_plans"
    "scenario_run: scenarios tests/broken_scenarios"
    "template_render: templates tests/fixtures/templates"
)
status=0
for entry in "${targets[@]}"; do
    name="${entry%%:*}"
    read -r -a seeds <<<"${entry#*:}"
    mkdir -p "fuzz/corpus/$name"
    echo "fuzz-smoke: $name for ${secs}s" >&2
    # Inputs of at most 10 KB must finish within 2 s (issue 13's bound): a
    # slower one is a finding (fuzz/artifacts/<target>/timeout-*), as is a
    # process above 2 GB.
    if ! cargo fuzz run -s none "$name" "fuzz/corpus/$name" "${seeds[@]}" -- \
        -max_total_time="$secs" -max_len=10240 -timeout=2 -rss_limit_mb=2048 -print_final_stats=1; then
        echo "fuzz-smoke: $name found a problem; the input is under fuzz/artifacts/$name/" >&2
        status=1
    fi
done
exit "$status"
