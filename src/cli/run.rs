use super::{LedgerFormat, Output};
use crate::project::Project;
use pricebook_lang::compile::Workspace;
use std::path::Path;

pub fn run(root: &Path, scenario: &Path, format: LedgerFormat, out: &mut Output) -> u8 {
    let ws = Workspace::new(root);
    let path = ws.locate(scenario);
    let mut project = Project::new(ws);
    let replayed = project.replay(&path);
    out.diagnostics(&project.diags, &project.sources, false);
    match replayed {
        Some(r) => {
            out.print(match format {
                LedgerFormat::Table => &r.table,
                LedgerFormat::Json => &r.json,
            });
            u8::from(r.failed || project.diags.has_errors())
        }
        None => 1,
    }
}
