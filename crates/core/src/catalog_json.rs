//! The canonical catalog: sorted keys, decimals as strings, a content hash.
//!
//! This is the contract with production billing: same plans, same bytes,
//! and the bytes read back into the very catalogs the engine runs
//! ([`read`]), so a billing system or another language loads exactly what
//! was checked.

use crate::catalog::Catalog;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// Version of the canonical format; bump on any incompatible change.
pub const FORMAT: &str = "pricebook-catalog/1";

/// The file `pricebook build` writes.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct CanonicalFile<C> {
    /// Always "pricebook-catalog/1" for this version of the format.
    format: String,
    /// "sha256:" and the hex SHA-256 of the compact JSON of `catalogs`.
    content_hash: String,
    /// Every catalog (plan file) of the project, by id.
    catalogs: BTreeMap<String, C>,
}

/// The JSON Schema of `pricebook build` output, pretty, with a trailing newline.
pub fn schema() -> Result<String, serde_json::Error> {
    let mut text = serde_json::to_string_pretty(&schemars::schema_for!(CanonicalFile<Catalog>))?;
    text.push('\n');
    Ok(text)
}

/// Canonical JSON of all catalogs, keyed by id, with a SHA-256 over the
/// catalogs' own canonical bytes.
pub fn render(catalogs: &[Catalog]) -> Result<String, serde_json::Error> {
    let mut by_id = Map::new();
    for c in catalogs {
        by_id.insert(c.id.clone(), serde_json::to_value(c)?);
    }
    // serde_json's Map is a BTreeMap here (no preserve_order): keys sort.
    let catalogs = Value::Object(by_id);
    let mut root = Map::new();
    root.insert("format".into(), Value::String(FORMAT.into()));
    root.insert("content_hash".into(), Value::String(content_hash(&catalogs)?));
    root.insert("catalogs".into(), catalogs);
    let mut out = serde_json::to_string_pretty(&Value::Object(root))?;
    out.push('\n');
    Ok(out)
}

fn content_hash(catalogs: &Value) -> Result<String, serde_json::Error> {
    let hash = Sha256::digest(serde_json::to_string(catalogs)?.as_bytes());
    let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
    Ok(format!("sha256:{hex}"))
}

/// Why canonical JSON could not be read back.
#[derive(Debug, PartialEq, Eq)]
pub enum ReadError {
    Json(String),
    Format(String),
    HashMismatch { stated: String, actual: String },
    Catalog { id: String, problem: String },
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Json(e) => write!(f, "not catalog JSON: {e}"),
            ReadError::Format(found) => write!(f, "format is `{found}`; this pricebook reads `{FORMAT}`"),
            ReadError::HashMismatch { stated, actual } => {
                write!(f, "content_hash says {stated} but the catalogs hash to {actual}: the file was edited by hand")
            }
            ReadError::Catalog { id, problem } => write!(f, "catalog `{id}`: {problem}"),
        }
    }
}

/// Reads `pricebook build` output back into catalogs, by id, checking
/// the format and the content hash.
pub fn read(text: &str) -> Result<BTreeMap<String, Catalog>, ReadError> {
    let file: CanonicalFile<Value> = serde_json::from_str(text).map_err(|e| ReadError::Json(e.to_string()))?;
    if file.format != FORMAT {
        return Err(ReadError::Format(file.format));
    }
    let by_id: Map<String, Value> = file.catalogs.into_iter().collect();
    let actual = content_hash(&Value::Object(by_id.clone())).map_err(|e| ReadError::Json(e.to_string()))?;
    if file.content_hash != actual {
        return Err(ReadError::HashMismatch { stated: file.content_hash, actual });
    }
    let mut out = BTreeMap::new();
    for (id, value) in by_id {
        let problem = |problem: String| ReadError::Catalog { id: id.clone(), problem };
        let mut cat: Catalog = serde_json::from_value(value).map_err(|e| problem(e.to_string()))?;
        cat.resolve().map_err(|e| problem(e.to_string()))?;
        out.insert(id, cat);
    }
    Ok(out)
}
