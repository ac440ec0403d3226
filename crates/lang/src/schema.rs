//! JSON Schemas of the project's files (plan files, scenarios,
//! `pricebook.toml`, `rules.toml`), generated from the model types.
//!
//! Editors use them through a `#:schema` first line (taplo, Even Better TOML).

use crate::manifest::raw::ProjectFile;
use crate::model::{plan::PlanFile, scenario::ScenarioFile};
use crate::rulebook::raw::RulesFile;

/// Which file's schema.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Plan,
    Scenario,
    Project,
    Rules,
}

impl Kind {
    pub const ALL: [Kind; 4] = [Kind::Plan, Kind::Scenario, Kind::Project, Kind::Rules];

    /// The name `pricebook schema` takes and `schemas/<name>.schema.json` uses.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Plan => "plan",
            Kind::Scenario => "scenario",
            Kind::Project => "project",
            Kind::Rules => "rules",
        }
    }
}

/// Pretty JSON with a trailing newline; stable across runs.
pub fn json(kind: Kind) -> Result<String, serde_json::Error> {
    let schema = match kind {
        Kind::Plan => schemars::schema_for!(PlanFile),
        Kind::Scenario => schemars::schema_for!(ScenarioFile),
        Kind::Project => schemars::schema_for!(ProjectFile),
        Kind::Rules => schemars::schema_for!(RulesFile),
    };
    let mut text = serde_json::to_string_pretty(&schema)?;
    text.push('\n');
    Ok(text)
}
