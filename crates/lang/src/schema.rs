//! JSON Schemas of plan files and scenarios, generated from the model types.
//!
//! Editors use them through a `#:schema` first line (taplo, Even Better TOML).

use crate::model::{plan::PlanFile, scenario::ScenarioFile};

/// Pretty JSON with a trailing newline; stable across runs.
pub fn json(scenario: bool) -> Result<String, serde_json::Error> {
    let schema = if scenario { schemars::schema_for!(ScenarioFile) } else { schemars::schema_for!(PlanFile) };
    let mut text = serde_json::to_string_pretty(&schema)?;
    text.push('\n');
    Ok(text)
}
