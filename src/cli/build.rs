use super::{MessageFormat, Output};
use pricebook_lang::compile::{self, Workspace};
use pricebook_lang::diag::{Diagnostics, SourceMap};
use std::path::Path;

pub fn run(ws: &Workspace, output: Option<&Path>, out: &mut Output) -> u8 {
    let mut sources = SourceMap::new();
    let mut diags = Diagnostics::new();
    let files = ws.plan_files();
    if files.is_empty() {
        out.eprint(&format!("error: no plan files in {}\n", ws.plans_dir().display()));
        return 2;
    }
    let catalogs: Vec<_> =
        files.iter().filter_map(|p| compile::load_catalog(ws, p, &mut sources, &mut diags)).collect();
    out.diagnostics(&diags, &sources, MessageFormat::Human);
    if diags.has_errors() {
        return 1;
    }
    let text = match pricebook_core::catalog_json::render(&catalogs) {
        Ok(t) => t,
        Err(e) => {
            out.eprint(&format!("error: cannot render the catalog: {e}\n"));
            return 2;
        }
    };
    match output {
        None => {
            out.print(&text);
            0
        }
        Some(path) => match pricebook_lang::fsutil::write_atomic(path, text.as_bytes()) {
            Ok(()) => {
                out.eprint(&format!("wrote {} ({} catalogs)\n", path.display(), catalogs.len()));
                0
            }
            Err(e) => {
                out.eprint(&format!("error: cannot write {}: {e}\n", path.display()));
                2
            }
        },
    }
}
