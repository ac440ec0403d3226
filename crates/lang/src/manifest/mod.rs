//! The project file, `pricebook.toml`: finding the project root by walking
//! up from the current folder (as cargo finds `Cargo.toml`), reading the
//! file into its raw spanned form ([`raw`]), validating it into a
//! [`Manifest`], and opening the project as a [`Workspace`] with its
//! rulebook.
//!
//! Not here: what commands do with the folders (the CLI and `compile`).

pub mod raw;

use crate::compile::{self, Workspace};
use crate::diag::{Code, Diagnostics, FileId, SourceMap};
use crate::limits::{self, Limit, Limits};
use crate::model::Sp;
use crate::rulebook::{self, Rulebook};
use pricebook_engine::RunBudget;
use raw::ProjectFile;
use std::path::{Path, PathBuf};

/// The file that marks a project's root.
pub const FILE_NAME: &str = "pricebook.toml";

/// A validated `pricebook.toml`: folders relative to the root.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Manifest {
    pub name: String,
    pub plans: PathBuf,
    pub scenarios: PathBuf,
    pub snapshots: PathBuf,
    pub docs: PathBuf,
    /// `None`: the bundled templates.
    pub templates: Option<PathBuf>,
    pub rules: PathBuf,
    /// Whether the rules file was named (then it must exist).
    pub rules_named: bool,
    pub deny_warnings: bool,
    /// `[docs] footer`: pages credit pricebook in their footer.
    pub docs_footer: bool,
    /// `[limits]`: how much work one scenario may ask for.
    pub limits: Limits,
}

impl Default for Manifest {
    /// The conventional layout, for a folder without a project file.
    fn default() -> Self {
        Manifest {
            name: String::new(),
            plans: "plans".into(),
            scenarios: "scenarios".into(),
            snapshots: "snapshots".into(),
            docs: "docs".into(),
            templates: None,
            rules: "rules.toml".into(),
            rules_named: false,
            deny_warnings: false,
            docs_footer: false,
            limits: Limits::default(),
        }
    }
}

/// The nearest folder, from `start` upwards, that holds a `pricebook.toml`.
/// Relative when `start` is (`.`, `..`, `../..`), so paths print short.
pub fn find_root(start: &Path) -> Option<PathBuf> {
    let absolute = std::fs::canonicalize(start).ok()?;
    let up = absolute.ancestors().position(|dir| dir.join(FILE_NAME).is_file())?;
    let parents: PathBuf = std::iter::repeat_n("..", up).collect();
    Some(match up {
        0 => start.to_path_buf(),
        _ if start == Path::new(".") => parents,
        _ => start.join(parents),
    })
}

/// Checks a parsed project file; every problem goes to `diags`.
pub(crate) fn validate(raw: ProjectFile, file: FileId, diags: &mut Diagnostics) -> Manifest {
    let d = Manifest::default();
    let mut folder = |value: Option<Sp<String>>, default: PathBuf| match value {
        None => default,
        Some(v) => {
            let path = PathBuf::from(v.value.trim());
            if v.value.trim().is_empty() || path.is_absolute() {
                diags
                    .report(Code::InvalidValue, file, v.span.clone(), "a project path must be relative and not empty")
                    .with_help("write it relative to the folder of pricebook.toml, e.g. \"plans\"");
                default
            } else {
                path
            }
        }
    };
    let rules_named = raw.project.rules.is_some();
    let rules = folder(raw.project.rules, d.rules);
    let f = raw.folders;
    Manifest {
        name: raw.project.name,
        plans: folder(f.plans, d.plans),
        scenarios: folder(f.scenarios, d.scenarios),
        snapshots: folder(f.snapshots, d.snapshots),
        docs: folder(f.docs, d.docs),
        templates: f.templates.map(|t| folder(Some(t), PathBuf::new())),
        rules,
        rules_named,
        deny_warnings: raw.defaults.deny_warnings,
        docs_footer: raw.docs.footer,
        limits: limits(&raw.limits, file, diags),
    }
}

/// The project's limits: each key written must be a whole number from 1 to
/// its ceiling; one that is not is reported and its default kept.
fn limits(raw: &raw::LimitsSection, file: FileId, diags: &mut Diagnostics) -> Limits {
    let mut value = |written: &Option<Sp<i64>>, limit: Limit| {
        let Some(w) = written else { return limit.default };
        match u64::try_from(w.value) {
            Ok(v) if (1..=limit.max).contains(&v) => v,
            _ => {
                diags
                    .report(
                        Code::InvalidValue,
                        file,
                        w.span.clone(),
                        format!("`{}` must be from 1 to {}", limit.key, limit.max),
                    )
                    .with_help(format!(
                        "the default is {}; a project cannot go past {} so that no file can ask for unbounded work",
                        limit.default, limit.max
                    ));
                limit.default
            }
        }
    };
    let horizon = value(&raw.horizon_years, limits::HORIZON_YEARS);
    Limits {
        // At most HORIZON_YEARS.max (1,000), which fits.
        horizon_years: u32::try_from(horizon).unwrap_or(u32::MAX),
        recurrences: value(&raw.recurrences, limits::RECURRENCES),
        run: RunBudget {
            moments: value(&raw.run_moments, limits::RUN_MOMENTS),
            lines: value(&raw.run_lines, limits::RUN_LINES),
        },
    }
}

/// Opens the project at `root`: reads `pricebook.toml` and the rulebook.
/// `None` when either has errors (they are in `diags`) or the project file
/// cannot be read.
pub fn open(root: &Path, sources: &mut SourceMap, diags: &mut Diagnostics) -> Option<Workspace> {
    let before = diags.count(crate::diag::Severity::Error);
    let file = compile::read_into(root, &root.join(FILE_NAME), FILE_NAME.to_string(), sources, diags)?;
    let raw: ProjectFile = crate::model::parse_toml(&sources.get(file).text, file, diags)?;
    let mut ws = Workspace::with_manifest(root, validate(raw, file, diags), Rulebook::default());
    // The rulebook names plan files: read it once the plans folder is known.
    ws.rules = read_rules(&ws, sources, diags);
    (diags.count(crate::diag::Severity::Error) == before).then_some(ws)
}

/// The project's rulebook; empty when the default `rules.toml` does not exist.
fn read_rules(ws: &Workspace, sources: &mut SourceMap, diags: &mut Diagnostics) -> Rulebook {
    let path = ws.root.join(&ws.manifest.rules);
    if !ws.manifest.rules_named && !path.exists() {
        return Rulebook::default();
    }
    let Some(file) = compile::read_into(&ws.root, &path, ws.display(&path), sources, diags) else {
        return Rulebook::default();
    };
    let Some(raw) = crate::model::parse_toml(&sources.get(file).text, file, diags) else {
        return Rulebook::default();
    };
    rulebook::validate(raw, &ws.plan_names(), file, diags)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::SourceFile;

    fn manifest(text: &str) -> (Option<Manifest>, Vec<&'static str>) {
        let mut sources = SourceMap::new();
        let file = sources.add(SourceFile::new(FILE_NAME, text));
        let mut diags = Diagnostics::new();
        let m = crate::model::parse_toml::<ProjectFile>(text, file, &mut diags).map(|r| validate(r, file, &mut diags));
        (m, diags.sorted().iter().map(|d| d.code.id()).collect())
    }

    #[test]
    fn defaults_fill_what_is_not_written() {
        let (m, codes) = manifest("[project]\nname = \"acme\"\n[folders]\ndocs = \"site\"\n");
        assert!(codes.is_empty(), "{codes:?}");
        let m = m.expect("valid");
        assert_eq!(m.docs, PathBuf::from("site"));
        assert_eq!(m.plans, PathBuf::from("plans"));
        assert_eq!(m.templates, None);
        assert!(!m.rules_named && !m.deny_warnings);
    }

    #[test]
    fn unknown_keys_and_absolute_paths_are_errors() {
        assert_eq!(manifest("[project]\nname = \"a\"\n[folders]\nplan = \"p\"\n").1, ["unknown-key"]);
        assert_eq!(manifest("[project]\nname = \"a\"\n[folders]\nplans = \"/etc\"\n").1, ["invalid-value"]);
        assert_eq!(manifest("[folders]\nplans = \"p\"\n").1, ["missing-key"]);
    }

    #[test]
    fn limits_default_to_the_built_in_ones_and_stay_under_their_ceilings() {
        let (m, codes) = manifest("[project]\nname = \"a\"\n");
        assert!(codes.is_empty(), "{codes:?}");
        assert_eq!(m.expect("valid").limits, Limits::default());
        let (m, codes) = manifest("[project]\nname = \"a\"\n[limits]\nhorizon_years = 200\nrun_lines = 1000\n");
        assert!(codes.is_empty(), "{codes:?}");
        let l = m.expect("valid").limits;
        assert_eq!((l.horizon_years, l.run.lines, l.run.moments), (200, 1000, RunBudget::DEFAULT_MOMENTS));
        for bad in ["horizon_years = 1001", "recurrences = 0", "run_moments = -1", "run_lines = 1000001"] {
            let (m, codes) = manifest(&format!("[project]\nname = \"a\"\n[limits]\n{bad}\n"));
            assert_eq!(codes, ["invalid-value"], "{bad}");
            assert_eq!(m.expect("validated").limits, Limits::default(), "{bad}");
        }
        assert_eq!(manifest("[project]\nname = \"a\"\n[limits]\nlines = 5\n").1, ["unknown-key"]);
    }

    #[test]
    fn the_schema_states_each_limits_range() {
        // Editors validate pricebook.toml against the schema: its bounds are the ceilings enforced on read.
        let schema = serde_json::to_value(schemars::schema_for!(raw::LimitsSection)).unwrap();
        for limit in [limits::HORIZON_YEARS, limits::RECURRENCES, limits::RUN_MOMENTS, limits::RUN_LINES] {
            let key = &schema["properties"][limit.key];
            assert_eq!((key["minimum"].as_u64(), key["maximum"].as_u64()), (Some(1), Some(limit.max)), "{}", limit.key);
        }
    }
}
