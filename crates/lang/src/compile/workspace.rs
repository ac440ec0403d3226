//! The project folder: its folders (`plans/`, `scenarios/`, `snapshots/`,
//! `docs/`, as `pricebook.toml` names them) and its rulebook.

use crate::manifest::Manifest;
use crate::rulebook::Rulebook;
use std::path::{Path, PathBuf};

/// A project root, the folders under it and its rulebook.
#[derive(Clone, Debug)]
pub struct Workspace {
    pub root: PathBuf,
    /// The root with links and `.` resolved, to recognise paths users type
    /// in another form (`scenarios/x.toml` for `./scenarios/x.toml`).
    canonical: PathBuf,
    /// Folders and defaults from `pricebook.toml`.
    pub manifest: Manifest,
    /// The project's rules (`rules.toml`).
    pub rules: Rulebook,
}

impl Workspace {
    /// A folder with the conventional layout and an empty rulebook, without
    /// reading `pricebook.toml` ([`crate::manifest::open`] reads it).
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Workspace::with_manifest(root, Manifest::default(), Rulebook::default())
    }

    /// A project with the given layout and rulebook.
    pub fn with_manifest(root: impl Into<PathBuf>, manifest: Manifest, rules: Rulebook) -> Self {
        let root = root.into();
        let canonical = std::fs::canonicalize(&root).unwrap_or_else(|_| root.clone());
        Workspace { root, canonical, manifest, rules }
    }

    /// A path a user typed: as given if it exists from here, else under the root.
    pub fn locate(&self, path: &Path) -> PathBuf {
        if path.is_absolute() || path.exists() { path.to_path_buf() } else { self.root.join(path) }
    }

    /// `path` relative to the root, if it is under it (by any spelling).
    pub fn relative(&self, path: &Path) -> Option<PathBuf> {
        if let Ok(rel) = path.strip_prefix(&self.root) {
            return Some(rel.to_path_buf());
        }
        let canonical = std::fs::canonicalize(path).ok()?;
        canonical.strip_prefix(&self.canonical).ok().map(Path::to_path_buf)
    }

    pub fn plans_dir(&self) -> PathBuf {
        self.root.join(&self.manifest.plans)
    }

    pub fn scenarios_dir(&self) -> PathBuf {
        self.root.join(&self.manifest.scenarios)
    }

    pub fn snapshots_dir(&self) -> PathBuf {
        self.root.join(&self.manifest.snapshots)
    }

    /// Where `pricebook docs` writes and `pricebook diff` looks for stale docs.
    pub fn docs_dir(&self) -> PathBuf {
        self.root.join(&self.manifest.docs)
    }

    /// The project's own templates, if it names a folder of them.
    pub fn templates_dir(&self) -> Option<PathBuf> {
        self.manifest.templates.as_ref().map(|t| self.root.join(t))
    }

    /// The plan file a scenario names: `"acme"` → `plans/acme.toml`.
    pub fn plan_path(&self, name: &str) -> PathBuf {
        self.plans_dir().join(format!("{name}.toml"))
    }

    /// `plans/*.toml`, sorted.
    pub fn plan_files(&self) -> Vec<PathBuf> {
        toml_files(&self.plans_dir(), false)
    }

    /// Plan-file names (`plans/acme.toml` → `acme`), sorted.
    pub fn plan_names(&self) -> Vec<String> {
        self.plan_files().iter().filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned())).collect()
    }

    /// `scenarios/**/*.toml`, sorted.
    pub fn scenario_files(&self) -> Vec<PathBuf> {
        toml_files(&self.scenarios_dir(), true)
    }

    /// The folder files found at `named` (a file or folder) must resolve
    /// inside to be read: the root, or for a place named outside the
    /// project, that place (see [`crate::fsutil::boundary_for`]).
    pub fn boundary_for(&self, named: &Path) -> PathBuf {
        crate::fsutil::boundary_for(&self.root, named)
    }

    /// A path as users see it: relative to the root, with `/`.
    pub fn display(&self, path: &Path) -> String {
        let Some(rel) = self.relative(path) else {
            return path.display().to_string();
        };
        rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
    }
}

/// `.toml` files under `dir`, sorted by path for deterministic output.
pub fn toml_files(dir: &Path, recursive: bool) -> Vec<PathBuf> {
    files_under(dir, recursive, |p| p.extension().is_some_and(|e| e == "toml"))
}

/// Files under `dir` (in sub-folders too when `recursive`) that `keep`
/// accepts, sorted by path.
///
/// A linked sub-folder is entered only if it resolves inside `dir` and has
/// not been walked yet, so a link to `/` or a link cycle costs nothing.
/// Linked files are listed; reading them checks where they lead.
pub fn files_under(dir: &Path, recursive: bool, keep: impl Fn(&Path) -> bool) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(top) = dir.canonicalize() else { return out };
    let mut seen = std::collections::BTreeSet::from([top.clone()]);
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                let inside = path.canonicalize().ok().filter(|real| real.starts_with(&top));
                if recursive && inside.is_some_and(|real| seen.insert(real)) {
                    stack.push(path);
                }
            } else if keep(&path) {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}
