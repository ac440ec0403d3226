//! Every scenario under `scenarios/` replayed and compared with its snapshot
//! in `snapshots/`, the same files `pricebook test` uses. With CI=true a
//! mismatch fails without writing anything; locally insta leaves a
//! `.snap.new` beside the snapshot for `cargo insta review`.

mod common;

use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn scenarios_match_their_snapshots() {
    common::assert_snapshots(root());
}

/// Rule X3: the same inputs give byte-identical ledgers, tables and JSON.
#[test]
fn replaying_twice_gives_the_same_bytes() {
    let first = common::render_all_scenarios(root());
    let second = common::render_all_scenarios(root());
    assert!(!first.is_empty());
    assert_eq!(first, second);
}
