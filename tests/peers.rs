//! Peers' documented consumption orders (OpenMeter, Lago, Stigg, Orb),
//! written as plan files in `tests/fixtures/peers/plans/`, reproduce their
//! documented behaviour: the scenarios state it as expectations, the
//! snapshots show the ledgers.

mod common;

use std::path::Path;

#[test]
fn peer_orders_behave_as_documented() {
    common::assert_snapshots(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/peers"));
}

#[test]
fn the_docs_state_the_new_order_keys_and_expiry_precision() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/peers");
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("peers-docs");
    let run = common::pricebook(&root, &["docs", "-o", &out.to_string_lossy()]);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let faq = |plan: &str| std::fs::read_to_string(out.join(plan).join("faq.md")).expect("docs wrote the FAQ");
    for (plan, sentence) in [
        (
            "largest_first",
            "The largest grants of credits are used first, then the oldest credits, whatever their source.",
        ),
        (
            "openmeter",
            "Expiry times count in whole seconds: tokens expire at the start of the second their expiry falls in.",
        ),
        (
            "openmeter_period",
            "Usage resets every 1 month from sign-up: each grant keeps what its rollover allows, and usage the balance did not cover is carried into the new period and paid first from what is kept.",
        ),
    ] {
        assert!(faq(plan).contains(sentence), "{plan}: missing from the FAQ: {sentence}");
    }
}
