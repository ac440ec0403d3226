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
