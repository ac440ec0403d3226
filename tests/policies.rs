//! Per-plan credit policies (several allowance sources, each serving its
//! plans), written as plan files in `tests/fixtures/policies/plans/`: the
//! scenarios state the figures as expectations, the snapshots show the
//! ledgers.

mod common;

use std::path::Path;

#[test]
fn per_plan_policies_behave_as_written() {
    common::assert_snapshots(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/policies"));
}

#[test]
fn the_docs_state_each_plans_own_policy() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/policies");
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("policies-docs");
    let run = common::pricebook(&root, &["docs", "-o", &out.to_string_lossy()]);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let faq = std::fs::read_to_string(out.join("tiers/faq.md")).expect("docs wrote the FAQ");
    for sentence in [
        "- Monthly credits on Free expire at the end of each billing cycle: unused ones do not roll over to the next cycle.",
        "- Unused monthly credits on Starter roll over: each cycle's monthly credits on Starter can be used for up to 3 billing cycles (the cycle they arrive in and the next 2); older ones expire.",
    ] {
        assert!(faq.contains(sentence), "missing from the FAQ: {sentence}\n{faq}");
    }
}
