//! Lints on a change: things a reviewer should not have to spot alone.
//!
//! - `price-raised-uncovered`: an existing plan's monthly or yearly price,
//!   or an existing pack's price per credit, goes up and no scenario charges
//!   it under the new plans, so no ledger shows what customers will pay.
//! - `pack-worse-value`: a larger pack becomes worse value per credit than
//!   a smaller one sold to the same plans from the same source (rule T8).
//! - `docs-not-regenerated`: a catalog changed but its generated docs did
//!   not. Docs live in `docs/` (or `--docs DIR`); a catalog's files there
//!   are those named after its id (`eigent.md`, `eigent-plans.html`,
//!   `eigent_faq.md`) or inside a folder named after it (`eigent/…`). With a
//!   git base they are stale when every one of them is byte-identical to the
//!   base revision; comparing folders on disk, when every one is older than
//!   the changed plan file. No docs folder, or no files for that catalog:
//!   nothing is said.

use super::changes::Change;
use super::impact::Impact;
use super::rules::PACK_VALUE_RULE;
use super::side::{self, Origin};
use super::words;
use crate::compile::Catalog;
use crate::compile::Workspace;
use crate::compile::catalog::PackOffer;
use crate::report::format;
use rust_decimal::Decimal;
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
    /// Rulebook ids the lint enforces.
    pub rules: Vec<&'static str>,
}

/// Every lint code with what it means, for docs and tests.
pub const CODES: &[(&str, &str)] = &[
    ("price-raised-uncovered", "a price rises for an existing plan or pack and no scenario charges it"),
    ("pack-worse-value", "a larger pack becomes worse value per credit than a smaller one (T8)"),
    ("docs-not-regenerated", "a catalog changed but its generated docs did not"),
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

fn unit(offer: &PackOffer) -> Option<Decimal> {
    match *offer {
        PackOffer::Fixed { credits, price } => price.get().checked_div(credits.get()),
        PackOffer::Custom { unit_price, .. } => Some(unit_price.get()),
    }
}

fn worse_value(id: &str, o: &Catalog, n: &Catalog, out: &mut Vec<Lint>) {
    // Computed once per catalog when it was compiled.
    let before: BTreeSet<(&str, &str)> =
        o.worse_value_pairs.iter().map(|&(b, s)| (o.packs[b].id.as_str(), o.packs[s].id.as_str())).collect();
    for &(big, small) in &n.worse_value_pairs {
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
            rules: vec![PACK_VALUE_RULE],
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
    if !dir.is_dir() {
        return Vec::new();
    }
    let all = crate::compile::files_under(dir, true, |_| true);
    let mut out = Vec::new();
    for id in changed {
        let mine: Vec<&PathBuf> = all.iter().filter(|p| belongs(dir, p, id)).collect();
        if mine.is_empty() {
            continue;
        }
        let stale = match (old, new) {
            (Origin::Git(base), Origin::Disk) => unchanged_since(ws, base, None, &mine),
            (Origin::Git(base), Origin::Git(head)) => unchanged_since(ws, base, Some(head), &mine),
            (_, Origin::Disk) => new_disk.get(id).and_then(|plan| older_than(plan, &mine)),
            _ => None,
        };
        if stale == Some(true) {
            let shown: Vec<String> = mine.iter().take(3).map(|p| ws.display(p)).collect();
            let more = if mine.len() > 3 { format!(" and {} more", mine.len() - 3) } else { String::new() };
            out.push(Lint {
                code: "docs-not-regenerated",
                catalog: id.clone(),
                message: format!(
                    "plans/{id}.toml changed but its generated docs were not regenerated ({}{more})",
                    shown.join(", ")
                ),
                help: format!("run `pricebook docs {id} -o {}` and commit the result", ws.display(dir)),
                rules: Vec::new(),
            });
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
            None => crate::fsutil::read_bytes_inside(&ws.root, f).ok(),
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
