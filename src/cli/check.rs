use super::{MessageFormat, Output};
use crate::project::Project;
use pricebook_lang::compile::Workspace;
use pricebook_lang::diag::Severity;
use std::path::PathBuf;

pub fn run(ws: &Workspace, paths: &[PathBuf], deny_warnings: bool, format: MessageFormat, out: &mut Output) -> u8 {
    let (plans, scenarios) = match crate::check::select(ws, paths) {
        Ok(sel) => sel,
        Err(message) => {
            out.eprint(&format!("error: {message}\n"));
            return 2;
        }
    };
    let mut project = Project::new(ws.clone());
    let checked = crate::check::check(&mut project, &plans, &scenarios);
    let (diags, sources) = (&project.diags, &project.sources);
    out.diagnostics(diags, sources, format);
    let errors = diags.count(Severity::Error);
    let warnings = diags.count(Severity::Warning);
    let failed = errors > 0 || (deny_warnings && warnings > 0);
    if !failed {
        out.eprint(&format!(
            "checked {} plan file{} and {} scenario{}: {}\n",
            checked.plans,
            if checked.plans == 1 { "" } else { "s" },
            checked.scenarios,
            if checked.scenarios == 1 { "" } else { "s" },
            if warnings == 0 { "no problems".to_string() } else { format!("{warnings} warning(s)") }
        ));
    }
    u8::from(failed)
}
