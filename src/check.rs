//! `pricebook check`: which files to check, and checking them.

use crate::project::Project;
use pricebook_lang::compile::{self, Workspace};
use std::path::{Path, PathBuf};

/// How many files a check looked at.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Checked {
    pub plans: usize,
    pub scenarios: usize,
}

/// Splits requested paths into plan files and scenario files. Files under a
/// `scenarios` folder are scenarios; other `.toml` files are plan files.
/// No paths: everything in `plans/` and `scenarios/`.
pub fn select(ws: &Workspace, paths: &[PathBuf]) -> Result<(Vec<PathBuf>, Vec<PathBuf>), String> {
    if paths.is_empty() {
        return Ok((ws.plan_files(), ws.scenario_files()));
    }
    let (mut plans, mut scenarios) = (Vec::new(), Vec::new());
    for p in paths {
        let p = ws.locate(p);
        let files = if p.is_dir() {
            compile::workspace_toml_files(&p)
        } else if p.is_file() {
            vec![p.clone()]
        } else {
            return Err(format!("{} does not exist", p.display()));
        };
        for f in files {
            if is_scenario(ws, &f) {
                scenarios.push(f);
            } else {
                plans.push(f);
            }
        }
    }
    Ok((plans, scenarios))
}

/// Under the project's scenarios folder, or any folder named `scenarios`.
fn is_scenario(ws: &Workspace, path: &Path) -> bool {
    ws.relative(path).is_some_and(|rel| rel.starts_with(&ws.manifest.scenarios))
        || path.components().any(|c| c.as_os_str() == "scenarios")
}

/// Compiles plan files, and scenarios against theirs, into `project`.
pub fn check(project: &mut Project, plans: &[PathBuf], scenarios: &[PathBuf]) -> Checked {
    for p in plans {
        project.add_plan_file(p);
    }
    for s in scenarios {
        project.script(s);
    }
    Checked { plans: plans.len(), scenarios: scenarios.len() }
}
