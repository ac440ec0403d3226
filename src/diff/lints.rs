//! Lints on a change: things a reviewer should not have to spot alone.
//!
//! - `price-raised-uncovered`: an existing plan's monthly or yearly price,
//!   or an existing pack's price per credit, goes up and no scenario charges
//!   it under the new plans, so no ledger shows what customers will pay.
//! - `pack-worse-value`: a larger pack becomes worse value per credit than
//!   a smaller one sold to the same plans from the same source.
//! - `docs-not-regenerated`: a catalog changed but its generated docs did
//!   not. Docs live in the project's docs folder (`pricebook.toml`, where
//!   `pricebook docs` writes; or `--docs DIR`); a catalog's files there are
//!   those named after its id (`acme.md`, `acme-plans.html`, `acme_faq.md`)
//!   or inside a folder named after it (`acme/…`). With a git base they are
//!   stale when every one of them is byte-identical to the base revision;
//!   comparing folders on disk, when every one is older than the changed
//!   plan file.
//! - `docs-not-checked`: the docs lint could not look (no docs folder, no
//!   files for that catalog in it, or files git cannot compare), and says
//!   why, so silence never passes for "docs are current".

use super::changes::Change;
use super::impact::Impact;
use super::side::{self, Origin};
use super::words;
use pricebook_core::billing::quote::unit_price as unit;
use pricebook_core::format;
use pricebook_lang::compile::Catalog;
use pricebook_lang::compile::Workspace;
use pricebook_lang::rulebook::Topic;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// A warning about the change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lint {
    /// Stable kebab-case code.
    pub code: &'static str,
    /// Catalog id.
    pub catalog: String,
    /// What is wrong, in one sentence.
    pub message: String,
    /// What to do about it.
    pub help: String,
    /// Rulebook ids the lint enforces (filled in by [`super::review`]).
    pub rules: Vec<String>,
}

impl Lint {
    /// The rulebook topic a lint enforces, if any: rules listing it get
    /// their ids on the lint.
    pub fn topic(&self) -> Option<Topic> {
        (self.code == "pack-worse-value").then_some(Topic::PackValue)
    }
}

/// Every lint code with what it means, for docs and tests.
pub const CODES: &[(&str, &str)] = &[
    ("price-raised-uncovered", "a price rises for an existing plan or pack and no scenario charges it"),
    ("pack-worse-value", "a larger pack becomes worse value per credit than a smaller one"),
    ("docs-not-regenerated", "a catalog changed but its generated docs did not"),
    ("docs-not-checked", "a catalog changed and pricebook could not tell whether its generated docs were regenerated"),
];

/// Lints that need only the catalogs and the impact.
pub fn lint(old: &BTreeMap<String, Catalog>, new: &BTreeMap<String, Catalog>, impact: &Impact) -> Vec<Lint> {
    let mut out = Vec::new();
    for (id, n) in new {
        let Some(o) = old.get(id) else {
            continue;
        };
        price_raises(id, o, n, impact, &mut out);
        worse_value(id, o, n, &mut out);
    }
    out
}

fn covered(impact: &Impact, catalog: &str, kind: &'static str, id: &str) -> bool {
    impact.charged.contains(&(catalog.to_string(), kind, id.to_string()))
}

fn price_raises(id: &str, o: &Catalog, n: &Catalog, impact: &Impact, out: &mut Vec<Lint>) {
    for np in &n.plans {
        let Some(op) = o.plans.iter().find(|p| p.id == np.id) else {
            continue;
        };
        let raised: Vec<String> =
            [("monthly", op.monthly_price, np.monthly_price), ("yearly", op.yearly_price, np.yearly_price)]
                .into_iter()
                .filter_map(|(what, a, b)| match (a, b) {
                    (Some(a), Some(b)) if b > a => {
                        Some(format!("{what} price {} → {}", format::money(o, a), format::money(n, b)))
                    }
                    _ => None,
                })
                .collect();
        if !raised.is_empty() && !covered(impact, id, "plan", &np.id) {
            out.push(Lint {
                code: "price-raised-uncovered",
                catalog: id.to_string(),
                message: format!("{} plan: {} but no scenario charges this plan", np.name, raised.join(", ")),
                help: format!(
                    "add a scenario under scenarios/{id}/ that subscribes to `{}` so a reviewed ledger shows what customers pay",
                    np.id
                ),
                rules: Vec::new(),
            });
        }
    }
    for np in &n.packs {
        let Some(op) = o.packs.iter().find(|p| p.id == np.id) else {
            continue;
        };
        let (Some(a), Some(b)) = (unit(&op.offer), unit(&np.offer)) else {
            continue;
        };
        if b > a && !covered(impact, id, "pack", &np.id) {
            out.push(Lint {
                code: "price-raised-uncovered",
                catalog: id.to_string(),
                message: format!(
                    "{}: unit price {} but no scenario buys this pack",
                    words::pack_subject(np),
                    words::unit_change(o, a, n, b)
                ),
                help: format!("add a scenario under scenarios/{id}/ that buys `{}`", np.id),
                rules: Vec::new(),
            });
        }
    }
}

fn worse_value(id: &str, o: &Catalog, n: &Catalog, out: &mut Vec<Lint>) {
    // Once per side (a sort and a sweep each).
    let before: BTreeSet<(&str, &str)> = pricebook_lang::compile::lints::worse_value_pairs(o)
        .into_iter()
        .map(|(b, s)| (o.packs[b].id.as_str(), o.packs[s].id.as_str()))
        .collect();
    for (big, small) in pricebook_lang::compile::lints::worse_value_pairs(n) {
        let (bp, sp) = (&n.packs[big], &n.packs[small]);
        if before.contains(&(bp.id.as_str(), sp.id.as_str())) {
            continue;
        }
        let (Some(bu), Some(su)) = (unit(&bp.offer), unit(&sp.offer)) else {
            continue;
        };
        out.push(Lint {
            code: "pack-worse-value",
            catalog: id.to_string(),
            message: format!(
                "{} becomes worse value than the smaller {}: {} vs {}",
                words::pack_subject(bp),
                words::pack_subject(sp),
                words::quote(n, bu),
                words::quote(n, su)
            ),
            help: format!(
                "customers expect larger packs to be better value; lower `{}`'s price or raise `{}`'s",
                bp.id, sp.id
            ),
            rules: Vec::new(),
        });
    }
}

/// The docs lint (see the module header). `changed`: catalog ids with
/// changes, present on the new side.
pub fn stale_docs(
    ws: &Workspace,
    dir: &Path,
    changed: &[String],
    old: &Origin,
    new: &Origin,
    new_disk: &BTreeMap<String, PathBuf>,
) -> Vec<Lint> {
    let shown_dir = ws.display(dir);
    let regenerate = |id: &str| format!("run `pricebook docs {id}` and commit {shown_dir}/ with the change");
    let all = if dir.is_dir() { pricebook_lang::compile::files_under(dir, true, |_| true) } else { Vec::new() };
    let mut out = Vec::new();
    for id in changed {
        let not_checked = |why: String| Lint {
            code: "docs-not-checked",
            catalog: id.clone(),
            message: format!("generated docs of `{id}` not checked: {why}"),
            help: format!("{}; a project that does not keep its generated docs can ignore this", regenerate(id)),
            rules: Vec::new(),
        };
        if !dir.is_dir() {
            out.push(not_checked(format!("there is no docs folder {shown_dir}/")));
            continue;
        }
        let mine: Vec<&PathBuf> = all.iter().filter(|p| belongs(dir, p, id)).collect();
        if mine.is_empty() {
            out.push(not_checked(format!("{shown_dir}/ holds no files for it")));
            continue;
        }
        let stale = match (old, new) {
            (Origin::Git(base), Origin::Disk) => unchanged_since(ws, base, None, &mine),
            (Origin::Git(base), Origin::Git(head)) => unchanged_since(ws, base, Some(head), &mine),
            (_, Origin::Disk) => new_disk.get(id).and_then(|plan| older_than(plan, &mine)),
            _ => None,
        };
        match stale {
            Some(true) => {
                let shown: Vec<String> = mine.iter().take(3).map(|p| ws.display(p)).collect();
                let more = if mine.len() > 3 { format!(" and {} more", mine.len() - 3) } else { String::new() };
                let plan = ws.display(&ws.plan_path(id));
                out.push(Lint {
                    code: "docs-not-regenerated",
                    catalog: id.clone(),
                    message: format!(
                        "{plan} changed but its generated docs were not regenerated ({}{more})",
                        shown.join(", ")
                    ),
                    help: regenerate(id),
                    rules: Vec::new(),
                });
            }
            Some(false) => {}
            None => out.push(not_checked(format!(
                "{shown_dir}/ cannot be compared between the two sides (outside the git repository, or the new side is a revision and the old one is not)"
            ))),
        }
    }
    out
}

/// Whether a docs file belongs to catalog `id`.
fn belongs(dir: &Path, path: &Path, id: &str) -> bool {
    let Ok(rel) = path.strip_prefix(dir) else {
        return false;
    };
    let first = rel.components().next().map(|c| c.as_os_str().to_string_lossy().into_owned());
    if rel.components().count() > 1 && first.as_deref() == Some(id) {
        return true;
    }
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let stem = path.file_stem().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    stem == id || [".", "-", "_"].iter().any(|sep| name.starts_with(&format!("{id}{sep}")))
}

/// `Some(true)` when every file is identical at `base` and at `head` (the
/// working tree when `None`); `None` when it cannot be told (outside the
/// repository).
fn unchanged_since(ws: &Workspace, base: &str, head: Option<&str>, files: &[&PathBuf]) -> Option<bool> {
    for f in files {
        let rel = f.strip_prefix(&ws.root).ok()?;
        let rel = rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
        let Some(before) = side::file_at(&ws.root, base, &rel) else {
            // New since the base: regenerated.
            return Some(false);
        };
        let now = match head {
            Some(h) => side::file_at(&ws.root, h, &rel),
            // Like every project file: no link out, no FIFO to wait on.
            None => pricebook_lang::fsutil::read_bytes_inside(&ws.root, f).ok(),
        };
        if now.as_deref() != Some(before.as_slice()) {
            return Some(false);
        }
    }
    Some(true)
}

/// `Some(true)` when every docs file is older than the plan file.
fn older_than(plan: &Path, files: &[&PathBuf]) -> Option<bool> {
    let mtime = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    let plan_time = mtime(plan)?;
    let newest: Option<SystemTime> = files.iter().filter_map(|f| mtime(f)).max();
    Some(newest.is_none_or(|t| t < plan_time))
}

/// Catalog ids with at least one change, present on the new side.
pub fn changed_catalogs(changes: &[Change], new: &BTreeMap<String, Catalog>) -> Vec<String> {
    let mut ids: Vec<String> = changes.iter().map(|c| c.catalog.clone()).filter(|id| new.contains_key(id)).collect();
    ids.dedup();
    ids
}
