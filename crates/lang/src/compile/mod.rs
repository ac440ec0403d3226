//! Stage 2: validation. Raw spanned models in, validated types out.
//!
//! Plan files become a [`Catalog`]; scenarios become a [`Script`] of engine
//! commands plus expectations. Both collect every problem into
//! [`Diagnostics`] and return `None` when there are errors.

pub use pricebook_core::catalog;
mod allowances;
mod budget;
mod check;
mod costs;
mod honoured;
mod intro;
pub mod lints;
mod multipliers;
mod overage;
mod plan_file;
mod presentation;
pub mod scenario;
mod topups;
mod workspace;

pub use catalog::Catalog;
pub(crate) use check::Checker;
pub use scenario::{Script, compile_scenario};
pub use workspace::{Workspace, files_under, toml_files};

/// `.toml` files under a folder, recursively, sorted.
pub fn workspace_toml_files(dir: &Path) -> Vec<std::path::PathBuf> {
    toml_files(dir, true)
}

use crate::diag::{Diagnostics, FileId, SourceFile, SourceMap};
use crate::model::{self, plan::PlanFile};
use std::path::Path;

/// Reads a file into the source map if it resolves inside `boundary` (see
/// [`Workspace::boundary_for`]); an unreadable file becomes a diagnostic
/// and `None`.
pub fn read_into(
    boundary: &Path,
    path: &Path,
    display: String,
    sources: &mut SourceMap,
    diags: &mut Diagnostics,
) -> Option<FileId> {
    match model::read_source(boundary, path) {
        Ok(text) => Some(sources.add(SourceFile::new(display, text))),
        Err((code, message)) => {
            let file = sources.add(SourceFile::new(display, ""));
            diags.report(code, file, 0..0, message);
            None
        }
    }
}

/// Parses and validates one plan file already in the source map.
pub fn compile_plan_text(id: &str, file: FileId, sources: &SourceMap, diags: &mut Diagnostics) -> Option<Catalog> {
    let raw: PlanFile = model::parse_toml(&sources.get(file).text, file, diags)?;
    let mut ck = Checker::new(file, diags);
    let catalog = plan_file::compile(id, &raw, &mut ck)?;
    topups::check_lifetimes(&raw, &catalog, &mut ck);
    if ck.has_errors() {
        return None;
    }
    lints::lint(&raw, &catalog, &mut ck);
    honoured::check(&raw, &catalog, &mut ck);
    (!ck.has_errors()).then_some(catalog)
}

/// Reads, parses and validates a plan file.
pub fn load_catalog(ws: &Workspace, path: &Path, sources: &mut SourceMap, diags: &mut Diagnostics) -> Option<Catalog> {
    let file = read_into(&ws.boundary_for(path), path, ws.display(path), sources, diags)?;
    let id = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    compile_plan_text(&id, file, sources, diags)
}
