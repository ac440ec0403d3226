//! The project folder: `plans/`, `scenarios/`, `snapshots/`, `templates/`.

use std::path::{Path, PathBuf};

/// A project root and the conventional folders under it.
#[derive(Clone, Debug)]
pub struct Workspace {
    pub root: PathBuf,
}

impl Workspace {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Workspace { root: root.into() }
    }

    pub fn plans_dir(&self) -> PathBuf {
        self.root.join("plans")
    }

    pub fn scenarios_dir(&self) -> PathBuf {
        self.root.join("scenarios")
    }

    pub fn snapshots_dir(&self) -> PathBuf {
        self.root.join("snapshots")
    }

    pub fn templates_dir(&self) -> PathBuf {
        self.root.join("templates")
    }

    /// The plan file a scenario names: `"eigent"` → `plans/eigent.toml`.
    pub fn plan_path(&self, name: &str) -> PathBuf {
        self.plans_dir().join(format!("{name}.toml"))
    }

    /// `plans/*.toml`, sorted.
    pub fn plan_files(&self) -> Vec<PathBuf> {
        toml_files(&self.plans_dir(), false)
    }

    /// `scenarios/**/*.toml`, sorted.
    pub fn scenario_files(&self) -> Vec<PathBuf> {
        toml_files(&self.scenarios_dir(), true)
    }

    /// A path as users see it: relative to the root, with `/`.
    pub fn display(&self, path: &Path) -> String {
        let Ok(rel) = path.strip_prefix(&self.root) else {
            return path.display().to_string();
        };
        rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
    }
}

/// `.toml` files under `dir`, sorted by path for deterministic output.
pub fn toml_files(dir: &Path, recursive: bool) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                if recursive {
                    stack.push(path);
                }
            } else if path.extension().is_some_and(|e| e == "toml") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}
