//! A throw-away project folder for tests that need to plant files (links,
//! FIFOs, hostile names) next to a real plan and scenario.

use std::path::{Path, PathBuf};

/// `<tmp>/pricebook-<name>-<pid>/project` with `pricebook.toml`, `rules.toml`, `plans/eigent.toml` and
/// `scenarios/eigent/daily_bonus_first.toml` with its snapshot copied from
/// the repository;
/// `outside()` is a sibling folder that is not part of the project.
pub struct TempProject {
    base: PathBuf,
}

#[allow(dead_code)]
impl TempProject {
    pub fn new(name: &str) -> TempProject {
        let base = std::env::temp_dir().join(format!("pricebook-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&base);
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        let p = TempProject { base };
        for dir in ["project/plans", "project/scenarios/eigent", "project/snapshots/eigent", "outside"] {
            std::fs::create_dir_all(p.base.join(dir)).expect("temp folders");
        }
        std::fs::copy(repo.join("plans/eigent.toml"), p.root().join("plans/eigent.toml")).expect("copy plan");
        let scenario = "scenarios/eigent/daily_bonus_first.toml";
        std::fs::copy(repo.join(scenario), p.root().join(scenario)).expect("copy scenario");
        let snapshot = "snapshots/eigent/daily_bonus_first.snap";
        std::fs::copy(repo.join(snapshot), p.root().join(snapshot)).expect("copy snapshot");
        // A project of its own, with the rules its scenario covers.
        p.write("pricebook.toml", "[project]\nname = \"temp\"\n");
        let rules: String = ["E5", "E6", "E7", "E13"]
            .iter()
            .map(|id| format!("[[rules]]\nid = \"{id}\"\ntitle = \"{id}\"\n\n"))
            .collect();
        p.write("rules.toml", &rules);
        p
    }

    pub fn root(&self) -> PathBuf {
        self.base.join("project")
    }

    pub fn outside(&self) -> PathBuf {
        self.base.join("outside")
    }

    /// Copies another of the repository's plan files into `plans/`.
    pub fn add_plan(&self, name: &str) {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        let rel = format!("plans/{name}.toml");
        std::fs::copy(repo.join(&rel), self.root().join(&rel)).expect("copy plan");
    }

    /// Writes a file under the project root.
    pub fn write(&self, rel: &str, text: &str) -> PathBuf {
        let path = self.root().join(rel);
        std::fs::create_dir_all(path.parent().expect("a file in a folder")).expect("folder");
        std::fs::write(&path, text).expect("write");
        path
    }

    /// Makes `rel` (under the project root) a symbolic link to `target`.
    pub fn link(&self, rel: &str, target: &Path) -> PathBuf {
        let path = self.root().join(rel);
        std::fs::create_dir_all(path.parent().expect("a file in a folder")).expect("folder");
        std::os::unix::fs::symlink(target, &path).expect("symlink");
        path
    }
}

impl Drop for TempProject {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.base);
    }
}
