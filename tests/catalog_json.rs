//! The canonical catalog JSON reads back into catalogs the engine runs
//! exactly as it runs the compiled ones.

mod common;

use pricebook::project::Project;
use pricebook_core::catalog::Catalog;
use pricebook_core::catalog_json::{self, ReadError};
use pricebook_lang::compile::Workspace;
use std::path::Path;

fn workspace() -> Workspace {
    common::workspace(Path::new(env!("CARGO_MANIFEST_DIR")))
}

fn built() -> String {
    let project = Project::open(workspace());
    assert!(!project.diags.has_errors(), "bundled plans compile");
    let catalogs: Vec<Catalog> = project.catalogs.into_values().collect();
    catalog_json::render(&catalogs).expect("catalogs serialise")
}

#[test]
fn build_output_reads_back_to_the_same_bytes() {
    let text = built();
    let read = catalog_json::read(&text).expect("build output reads back");
    assert!(!read.is_empty());
    let again: Vec<Catalog> = read.into_values().collect();
    assert_eq!(catalog_json::render(&again).expect("serialises again"), text);
}

/// Every bundled scenario replayed on the read-back catalogs gives the
/// ledger it gives on the compiled ones: nothing the engine uses is lost.
#[test]
fn scenarios_replay_identically_on_read_back_catalogs() {
    let ws = workspace();
    let read = catalog_json::read(&built()).expect("build output reads back");
    let mut compiled = Project::open(ws.clone());
    let mut from_json = Project::with_catalogs(ws.clone(), read);
    let files = ws.scenario_files();
    assert!(!files.is_empty());
    for path in &files {
        let a = compiled.replay(path).expect("bundled scenarios compile");
        let b = from_json.replay(path).expect("scenarios compile against read-back catalogs");
        assert_eq!(a.table, b.table, "{}", path.display());
        assert_eq!(a.json, b.json, "{}", path.display());
    }
}

#[test]
fn a_hand_edited_file_or_a_dangling_reference_is_refused() {
    let text = built();
    let edited = text.replacen("\"price\": \"20\"", "\"price\": \"2\"", 1);
    assert_ne!(edited, text, "the fixture edit must change something");
    assert!(matches!(catalog_json::read(&edited), Err(ReadError::HashMismatch { .. })));
    assert!(matches!(
        catalog_json::read("{\"format\": \"other/9\", \"content_hash\": \"\", \"catalogs\": {}}"),
        Err(ReadError::Format(_))
    ));

    // A reference to a plan that does not exist, under a correct hash.
    let mut project = Project::open(workspace());
    let mut cat = project.catalogs.pop_first().map(|(_, c)| c).expect("a catalog");
    cat.default_plan = pricebook_core::catalog::Ref::new(0, "nope");
    let text = catalog_json::render(&[cat]).expect("serialises");
    let err = catalog_json::read(&text).expect_err("dangling reference");
    assert!(err.to_string().contains("default_plan: `nope` names nothing"), "{err}");
}
