//! `Project(path)` and `run(scenario_path)`: a project folder opened and
//! checked, and scenarios replayed into Arrow ledgers.

use crate::catalog::Catalog;
use crate::error::{self, PricebookError};
use crate::ledger;
use arrow_pyarrow::{PyArrowType, Table};
use pricebook::project::Project as Opened;
use pricebook_lang::compile::Workspace;
use pricebook_lang::diag::{Diagnostics, SourceMap};
use pricebook_lang::manifest::{self, FILE_NAME};
use pricebook_lang::replay;
use pyo3::prelude::*;
use std::path::{Path, PathBuf};

/// A pricebook project: the folder holding `pricebook.toml`, with every
/// plan file compiled and checked.
///
/// `Project(path)` raises `PricebookError` when the project file, the
/// rulebook or any plan file has errors; the message is the diagnostics
/// as `pricebook check` prints them. Warnings do not raise: they are in
/// `warnings`.
#[pyclass(module = "pricebook", unsendable)]
pub(crate) struct Project {
    opened: Opened,
    /// Rendered once: replaying a scenario resets the diagnostics.
    warnings: String,
}

#[pymethods]
impl Project {
    #[new]
    fn new(path: PathBuf) -> PyResult<Project> {
        let ws = workspace(&path)?;
        let opened = Opened::open(ws);
        if opened.diags.has_errors() {
            return Err(error::from_diagnostics(&opened.diags, &opened.sources));
        }
        let warnings = error::rendered(&opened.diags, &opened.sources);
        Ok(Project { opened, warnings })
    }

    /// The project's root folder.
    #[getter]
    fn root(&self) -> PathBuf {
        self.opened.ws.root.clone()
    }

    /// The plan-file names (`plans/NAME.toml`), sorted.
    #[getter]
    fn plans(&self) -> Vec<String> {
        self.opened.catalogs.keys().cloned().collect()
    }

    /// The warnings from checking the plans, rendered; empty when clean.
    #[getter]
    fn warnings(&self) -> String {
        self.warnings.clone()
    }

    /// The compiled catalogs, as `pricebook build` would write them.
    fn catalog(&mut self) -> PyResult<Catalog> {
        // Catalogs are not `Clone` and rendering takes a slice: move them
        // out for the rendering and back (keyed by id, as they were).
        let all: Vec<_> = std::mem::take(&mut self.opened.catalogs).into_values().collect();
        let rendered = pricebook_core::catalog_json::render(&all);
        self.opened.catalogs = all.into_iter().map(|c| (c.id.clone(), c)).collect();
        Catalog::read(&rendered.map_err(|e| PricebookError::new_err(e.to_string()))?)
    }

    /// Replays a scenario file of this project and returns its ledger.
    ///
    /// `scenario_path` is taken as given when it exists, else under the
    /// project root (as `pricebook run` does). Returns a `pyarrow.Table`
    /// with one row per ledger line: `seq`, `time` (UTC), `account`,
    /// `event`, `source`, `credits`, `balance`, `money`, `currency`,
    /// `details`; credits and money are exact decimal strings. Raises
    /// `PricebookError` when the scenario has errors or a failed
    /// expectation.
    fn run(&mut self, scenario_path: PathBuf) -> PyResult<PyArrowType<Table>> {
        replay_into_table(&mut self.opened, &scenario_path)
    }

    fn __repr__(&self) -> String {
        format!("Project({:?}, plans={:?})", self.opened.ws.root, self.plans())
    }
}

/// Replays a scenario file and returns its ledger as a `pyarrow.Table`.
///
/// The project is the nearest folder holding `pricebook.toml` above the
/// scenario; only the plan file the scenario names is compiled. Columns
/// as `Project.run`. Raises `PricebookError` when the project, the plan
/// file or the scenario has errors, or an expectation fails.
#[pyfunction]
pub(crate) fn run(scenario_path: PathBuf) -> PyResult<PyArrowType<Table>> {
    let from = scenario_path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let Some(root) = manifest::find_root(from) else {
        return Err(PricebookError::new_err(format!(
            "error: no {FILE_NAME} in {} or any folder above it, so this scenario is not in a pricebook project\n\
             help: open the project with `pricebook.Project(root)` and call its `run`",
            from.display()
        )));
    };
    let mut opened = Opened::new(workspace(&root)?);
    let scenario = std::path::absolute(&scenario_path).unwrap_or(scenario_path);
    replay_into_table(&mut opened, &scenario)
}

/// The workspace of the project at `root`, or the error the CLI would print.
fn workspace(root: &Path) -> PyResult<Workspace> {
    if !root.join(FILE_NAME).is_file() {
        return Err(PricebookError::new_err(format!(
            "error: {} has no {FILE_NAME}, so it is not a pricebook project\n\
             help: pass the folder that holds {FILE_NAME}, or create a project there with `pricebook init`",
            root.display()
        )));
    }
    let mut sources = SourceMap::new();
    let mut diags = Diagnostics::new();
    match manifest::open(root, &mut sources, &mut diags) {
        Some(ws) if !diags.has_errors() => Ok(ws),
        _ => Err(error::from_diagnostics(&diags, &sources)),
    }
}

/// Compiles and replays one scenario; each call reports only its own problems.
fn replay_into_table(opened: &mut Opened, scenario: &Path) -> PyResult<PyArrowType<Table>> {
    opened.diags = Diagnostics::new();
    let path = opened.ws.locate(scenario);
    let Some(script) = opened.script(&path) else {
        return Err(error::from_diagnostics(&opened.diags, &opened.sources));
    };
    let Some(cat) = opened.catalogs.get(&script.plans) else {
        return Err(error::from_diagnostics(&opened.diags, &opened.sources));
    };
    let engine = replay::replay(&script, cat, &mut opened.diags);
    if opened.diags.has_errors() {
        return Err(error::from_diagnostics(&opened.diags, &opened.sources));
    }
    let batch = ledger::batch(&script, &engine).map_err(|e| PricebookError::new_err(e.to_string()))?;
    let table = Table::try_new(vec![batch], std::sync::Arc::new(ledger::schema()))
        .map_err(|e| PricebookError::new_err(e.to_string()))?;
    Ok(PyArrowType(table))
}
