//! A project folder opened for work: its plan files compiled once, its
//! scenarios compiled and replayed on demand, every problem collected.

use pricebook_lang::compile::scenario::Script;
use pricebook_lang::compile::{self, Catalog, Workspace};
use pricebook_lang::diag::{Code, Diagnostics, SourceMap};
use pricebook_lang::model::{self, scenario::ScenarioFile};
use pricebook_lang::replay;
use pricebook_lang::suggest;
use std::collections::BTreeMap;
use std::path::Path;

pub struct Project {
    pub ws: Workspace,
    pub sources: SourceMap,
    pub diags: Diagnostics,
    /// Compiled catalogs by plan-file name; broken plan files are absent.
    pub catalogs: BTreeMap<String, Catalog>,
    /// Every plan-file name in `plans/`, compiled or not.
    pub plan_names: Vec<String>,
    /// Plan files read so far.
    loaded: Vec<String>,
}

/// Which renderings of a replayed ledger to build.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rendering {
    Table,
    Json,
    Both,
}

/// A replayed scenario, rendered.
pub struct Replayed {
    pub script: Script,
    /// Path as users see it.
    pub path: String,
    /// The ledger table (what snapshots hold); empty unless asked for.
    pub table: String,
    /// The billing-API-shaped JSON; empty unless asked for.
    pub json: String,
    /// Whether replaying found problems (failed expectations, conservation).
    pub failed: bool,
}

impl Project {
    /// A project with nothing read yet; plan files load when a scenario
    /// needs them.
    pub fn new(ws: Workspace) -> Project {
        let plan_names = ws.plan_names();
        Project {
            ws,
            sources: SourceMap::new(),
            diags: Diagnostics::new(),
            catalogs: BTreeMap::new(),
            plan_names,
            loaded: Vec::new(),
        }
    }

    /// A project whose catalogs are already compiled, keyed by plan-file
    /// name; `plans/` on disk is not read. `pricebook diff` replays the
    /// working tree's scenarios under plans read from elsewhere (another
    /// folder, a git revision) this way.
    pub fn with_catalogs(ws: Workspace, catalogs: BTreeMap<String, Catalog>) -> Project {
        let names: Vec<String> = catalogs.keys().cloned().collect();
        Project {
            ws,
            sources: SourceMap::new(),
            diags: Diagnostics::new(),
            catalogs,
            plan_names: names.clone(),
            loaded: names,
        }
    }

    /// A project with every plan file in `plans/` compiled.
    pub fn open(ws: Workspace) -> Project {
        let mut p = Project::new(ws);
        for path in p.ws.plan_files() {
            p.add_plan_file(&path);
        }
        p
    }

    /// Compiles one plan file into the project (once).
    pub fn add_plan_file(&mut self, path: &Path) {
        let name = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        if self.loaded.contains(&name) {
            return;
        }
        self.loaded.push(name.clone());
        if !self.plan_names.contains(&name) {
            self.plan_names.push(name.clone());
        }
        if let Some(cat) = compile::load_catalog(&self.ws, path, &mut self.sources, &mut self.diags) {
            self.catalogs.insert(name, cat);
        }
    }

    /// Whether every plan file that was read compiled.
    pub fn plans_ok(&self) -> bool {
        self.loaded.iter().all(|n| self.catalogs.contains_key(n))
    }

    /// Reads, parses and compiles a scenario against its plan file.
    pub fn script(&mut self, path: &Path) -> Option<Script> {
        let boundary = self.ws.boundary_for(path);
        let file = compile::read_into(&boundary, path, self.ws.display(path), &mut self.sources, &mut self.diags)?;
        let raw: ScenarioFile = model::parse_toml(&self.sources.get(file).text, file, &mut self.diags)?;
        if self.plan_names.contains(&raw.plans.value) {
            let path = self.ws.plan_path(&raw.plans.value);
            self.add_plan_file(&path);
        }
        let Some(cat) = self.catalogs.get(&raw.plans.value) else {
            let shown = self.ws.display(&self.ws.plan_path(&raw.plans.value));
            let (message, help) = if self.plan_names.contains(&raw.plans.value) {
                (
                    format!("plan file `{shown}` has errors, so this scenario cannot run"),
                    "fix the plan file first (see its errors)".to_string(),
                )
            } else {
                (
                    format!("there is no plan file `{shown}`"),
                    suggest::help_for(&raw.plans.value, "plan files", self.plan_names.iter().map(String::as_str)),
                )
            };
            self.diags.report(Code::UnknownPlanFile, file, raw.plans.span.clone(), message).with_help(help);
            return None;
        };
        compile::compile_scenario(&raw, cat, &self.ws.rules, &self.ws.manifest.limits, file, &mut self.diags)
    }

    /// Compiles, replays and renders a scenario in both forms. `None` when
    /// it does not compile.
    pub fn replay(&mut self, path: &Path) -> Option<Replayed> {
        self.replay_as(path, Rendering::Both)
    }

    /// Compiles and replays a scenario, rendering only what `rendering`
    /// asks for (a large ledger's JSON costs more than its replay).
    pub fn replay_as(&mut self, path: &Path, rendering: Rendering) -> Option<Replayed> {
        let script = self.script(path)?;
        let cat = self.catalogs.get(&script.plans)?;
        let before = self.diags.count(pricebook_lang::diag::Severity::Error);
        let engine = replay::replay(&script, cat, &mut self.diags);
        let failed = self.diags.count(pricebook_lang::diag::Severity::Error) > before;
        let shown = self.ws.display(path);
        let table = match rendering {
            Rendering::Table | Rendering::Both => pricebook_report::ledger_table::render(&script, &shown, &engine),
            Rendering::Json => String::new(),
        };
        let json = match rendering {
            Rendering::Json | Rendering::Both => pricebook_report::ledger_json::render(&script, &engine),
            Rendering::Table => String::new(),
        };
        Some(Replayed { script, path: shown, table, json, failed })
    }
}
