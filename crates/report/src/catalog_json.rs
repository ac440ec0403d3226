//! The canonical catalog: sorted keys, decimals as strings, a content hash.
//!
//! This is the contract with production billing: same plans, same bytes.

use pricebook_lang::compile::Catalog;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

/// Version of the canonical format; bump on any incompatible change.
pub const FORMAT: &str = "pricebook-catalog/1";

/// Canonical JSON of all catalogs, keyed by id, with a SHA-256 over the
/// catalogs' own canonical bytes.
pub fn render(catalogs: &[Catalog]) -> Result<String, serde_json::Error> {
    let mut by_id = Map::new();
    for c in catalogs {
        by_id.insert(c.id.clone(), serde_json::to_value(c)?);
    }
    // serde_json's Map is a BTreeMap here (no preserve_order): keys sort.
    let catalogs = Value::Object(by_id);
    let hash = Sha256::digest(serde_json::to_string(&catalogs)?.as_bytes());
    let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
    let mut root = Map::new();
    root.insert("format".into(), Value::String(FORMAT.into()));
    root.insert("content_hash".into(), Value::String(format!("sha256:{hex}")));
    root.insert("catalogs".into(), catalogs);
    let mut out = serde_json::to_string_pretty(&Value::Object(root))?;
    out.push('\n');
    Ok(out)
}
