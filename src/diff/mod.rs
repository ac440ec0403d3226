//! `pricebook diff`: reviewing a pricing change before anyone is charged.
//!
//! Two sides (plan files, folders, git revisions) are read and compiled
//! ([`side`]), compared field by field ([`changes`]), the project's
//! scenarios are replayed under both ([`impact`]), a few lints look at the
//! change ([`lints`]), and the [`Review`] is rendered for a terminal, a pull
//! request comment or a machine ([`render`]).
//!
//! ```text
//! OLD ─side─▶ catalogs ─┬─changes──────────────▶ Review ─render─▶ text | markdown | json
//! NEW ─side─▶ catalogs ─┼─impact (scenarios/)──▶   │
//!                       └─lints ───────────────▶   │
//! ```
//!
//! This module never writes files and never fails on a difference: a
//! difference is the result. Errors (a side that cannot be read or does
//! not compile) are for the caller to report (exit code 2).

pub mod changes;
mod fields;
pub mod impact;
pub mod lints;
pub mod render;
pub mod side;
mod walk;
mod words;

pub use changes::{Change, ChangeKind};
pub use impact::Impact;
pub use lints::Lint;
pub use side::{Loaded, Side, SideError, Spec};

use pricebook_lang::compile::Workspace;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Everything a reviewer sees.
#[derive(Clone, Debug, PartialEq)]
pub struct Review {
    /// How the old side was named (`origin/main`, `plans/acme.toml`).
    pub old: String,
    /// How the new side was named (`working tree`, a folder, a revision).
    pub new: String,
    /// Semantic changes, by catalog id, then in catalog order.
    pub changes: Vec<Change>,
    /// What the scenarios show.
    pub impact: Impact,
    /// Warnings about the change.
    pub lints: Vec<Lint>,
    /// Catalog names by id, from either side (new wins), for headings.
    pub names: BTreeMap<String, String>,
}

impl Review {
    /// Whether anything differs (exit code 1).
    pub fn changed(&self) -> bool {
        !self.changes.is_empty() || !self.impact.moved.is_empty()
    }
}

/// Choices beyond the two sides.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Folder of generated docs for the docs lint. Default: the project's docs folder.
    pub docs: Option<PathBuf>,
    /// Scenario files to replay. Default: every scenario of the workspace.
    pub scenarios: Option<Vec<PathBuf>>,
}

/// Reads both sides and lines them up: when one side is a single plan file,
/// only that catalog is compared on the other side; when both are single
/// files with different stems they are taken as two versions of one
/// catalog, named after whichever is a plan file of the project (the new
/// side's first), else after the old side's stem.
pub fn load(ws: &Workspace, old: (&Spec, &str), new: (&Spec, &str)) -> Result<(Side, Side), SideError> {
    let mut o = side::read(ws, old.0, old.1)?;
    let mut n = side::read(ws, new.0, new.1)?;
    let single_id = |l: &Loaded| if l.single { l.texts.first().map(|t| t.id.clone()) } else { None };
    match (single_id(&o), single_id(&n)) {
        (Some(oid), Some(nid)) if oid != nid => {
            let project: Vec<String> = ws
                .plan_files()
                .iter()
                .filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
                .collect();
            let id = if project.contains(&nid) { nid } else { oid };
            for t in o.texts.iter_mut().chain(n.texts.iter_mut()) {
                t.id.clone_from(&id);
            }
        }
        (Some(id), None) => n.texts.retain(|t| t.id == id),
        (None, Some(id)) => o.texts.retain(|t| t.id == id),
        _ => {}
    }
    Ok((o.compile(), n.compile()))
}

/// Compares two compiled sides. Call only when both compiled
/// ([`Side::compiled`]); a file that did not compile would read as removed.
pub fn review(ws: &Workspace, mut old: Side, mut new: Side, opts: &Options) -> Review {
    let old_cats = std::mem::take(&mut old.catalogs);
    let new_cats = std::mem::take(&mut new.catalogs);
    let mut changes = changes::compare(&old_cats, &new_cats);
    for c in &mut changes {
        c.rules = ws.rules.touched(&c.catalog, c.topic);
    }
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    for (id, c) in old_cats.iter().chain(new_cats.iter()) {
        names.insert(id.clone(), c.name.clone());
    }
    let (impact, old_cats, new_cats) = impact::replay_all(ws, old_cats, new_cats, opts.scenarios.as_deref());
    let mut found = lints::lint(&old_cats, &new_cats, &impact);
    let docs = opts.docs.clone().unwrap_or_else(|| ws.docs_dir());
    let changed = lints::changed_catalogs(&changes, &new_cats);
    found.extend(lints::stale_docs(ws, &docs, &changed, &old.origin, &new.origin, &new.disk));
    for l in &mut found {
        if let Some(topic) = l.topic() {
            l.rules = ws.rules.touched(&l.catalog, topic);
        }
    }
    found.sort_by(|a, b| a.catalog.cmp(&b.catalog));
    Review { old: old.label, new: new.label, changes, impact, lints: found, names }
}
