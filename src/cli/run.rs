use super::{LedgerFormat, MessageFormat, Output};
use crate::project::{Project, Rendering};
use pricebook_lang::compile::Workspace;
use std::path::Path;

pub fn run(ws: &Workspace, scenario: &Path, format: LedgerFormat, out: &mut Output) -> u8 {
    let path = ws.locate(scenario);
    let mut project = Project::new(ws.clone());
    let rendering = match format {
        LedgerFormat::Table => Rendering::Table,
        LedgerFormat::Json => Rendering::Json,
    };
    let replayed = project.replay_as(&path, rendering);
    out.diagnostics(&project.diags, &project.sources, MessageFormat::Human);
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
