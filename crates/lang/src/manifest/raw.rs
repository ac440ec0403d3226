//! The shape of `pricebook.toml`, read with spans; [`super::validate`]
//! checks it. Every `///` comment becomes a description in
//! `pricebook schema project`.

use crate::model::Sp;
use schemars::JsonSchema;
use serde::Deserialize;

/// A pricebook project: the file that marks its root folder.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProjectFile {
    /// The project itself.
    pub project: ProjectSection,
    /// Where the project's files are, relative to this file. Every key is optional.
    #[serde(default)]
    pub folders: FoldersSection,
    /// Settings commands use when the command line does not say.
    #[serde(default)]
    pub defaults: DefaultsSection,
}

/// The `[project]` table.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProjectSection {
    /// The project's name, e.g. "Acme pricing".
    pub name: String,
    /// The rulebook: rule ids that scenarios cover and diffs name. Default: "rules.toml" (none when it does not exist).
    pub rules: Option<Sp<String>>,
}

/// The `[folders]` table.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FoldersSection {
    /// Plan files, one per product. Default: "plans".
    pub plans: Option<Sp<String>>,
    /// Scenarios, in a sub-folder per plan file. Default: "scenarios".
    pub scenarios: Option<Sp<String>>,
    /// Reviewed ledger snapshots, mirroring the scenarios. Default: "snapshots".
    pub snapshots: Option<Sp<String>>,
    /// Generated docs: where `pricebook docs` writes and `pricebook diff` looks for stale pages. Default: "docs".
    pub docs: Option<Sp<String>>,
    /// Your own docs templates (`<page>.md.j2`, `<page>.html.j2`). Default: the bundled ones.
    pub templates: Option<Sp<String>>,
}

/// The `[defaults]` table.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DefaultsSection {
    /// `pricebook check` fails on warnings too, as with `--deny-warnings`. Default: false.
    #[serde(default)]
    pub deny_warnings: bool,
}
