//! `pricebook docs`: arguments in, files out. The work is in
//! [`pricebook_report::docs`].

use super::{DocsFormat, MessageFormat, Output};
use pricebook_lang::compile::Workspace;
use pricebook_lang::diag::{Diagnostics, SourceMap};
use pricebook_report::docs::{self, DocFormat, Request};
use std::path::Path;

/// Runs `pricebook docs`; returns the exit code (0 written, 1 errors in
/// plans or templates, 2 cannot do the job).
pub fn run(
    ws: &Workspace,
    plans: &[String],
    output: Option<&Path>,
    templates: Option<&Path>,
    format: Option<DocsFormat>,
    out: &mut Output,
) -> u8 {
    let formats: &[DocFormat] = match format {
        None => &DocFormat::ALL,
        Some(DocsFormat::Md) => &[DocFormat::Markdown],
        Some(DocsFormat::Html) => &[DocFormat::Html],
    };
    let mut sources = SourceMap::new();
    let mut diags = Diagnostics::new();
    let request = Request { plans, templates, formats };
    let rendered = docs::generate(ws, &request, &mut sources, &mut diags);
    out.diagnostics(&diags, &sources, MessageFormat::Human);
    let rendered = match rendered {
        Ok(r) => r,
        Err(message) => {
            out.eprint(&format!("error: {message}\n"));
            return 2;
        }
    };
    if diags.has_errors() {
        return 1;
    }
    // The default folder is the project's docs folder (the one `pricebook
    // diff` checks for staleness); a folder given on the command line is
    // taken as typed, like `build -o`.
    let dir = output.map_or_else(|| ws.docs_dir(), Path::to_path_buf);
    match docs::write_all(&dir, &rendered) {
        Ok(files) => {
            let plans: std::collections::BTreeSet<&str> = rendered.iter().map(|d| d.plan.as_str()).collect();
            let s = |n: usize| if n == 1 { "" } else { "s" };
            out.eprint(&format!(
                "wrote {} file{} for {} plan{} under {}\n",
                files.len(),
                s(files.len()),
                plans.len(),
                s(plans.len()),
                dir.display()
            ));
            0
        }
        Err(e) => {
            out.eprint(&format!("error: cannot write the docs under {}: {e}\n", dir.display()));
            2
        }
    }
}
