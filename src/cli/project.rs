//! Finding and opening the project a command works on: `--root`, else the
//! nearest folder upwards holding `pricebook.toml`. No project, or a
//! broken project file or rulebook, is exit 2: nothing can be checked
//! against a layout pricebook cannot read.

use super::{MessageFormat, Output};
use pricebook_lang::compile::Workspace;
use pricebook_lang::diag::{Diagnostics, SourceMap};
use pricebook_lang::manifest::{self, FILE_NAME};
use std::path::Path;

/// Runs `command` in the project, or returns 2 when there is none to open.
pub(crate) fn with(
    root: Option<&Path>,
    format: MessageFormat,
    out: &mut Output,
    command: impl FnOnce(&Workspace, &mut Output) -> u8,
) -> u8 {
    match open(root, format, out) {
        Ok(ws) => command(&ws, out),
        Err(code) => code,
    }
}

fn open(root: Option<&Path>, format: MessageFormat, out: &mut Output) -> Result<Workspace, u8> {
    let root = match root {
        Some(dir) if dir.join(FILE_NAME).is_file() => dir.to_path_buf(),
        Some(dir) => {
            out.eprint(&format!(
                "error: {} has no {FILE_NAME}, so it is not a pricebook project\n\
                 help: pass the folder that holds {FILE_NAME}, or create a project there with `pricebook init {}`\n",
                dir.display(),
                dir.display()
            ));
            return Err(2);
        }
        None => match manifest::find_root(Path::new(".")) {
            Some(dir) => dir,
            None => {
                out.eprint(&format!(
                    "error: no {FILE_NAME} in this folder or any folder above it, so this is not a pricebook project\n\
                     help: run pricebook inside a project, pass --root DIR, or create one with `pricebook init`\n"
                ));
                return Err(2);
            }
        },
    };
    let mut sources = SourceMap::new();
    let mut diags = Diagnostics::new();
    let ws = manifest::open(&root, &mut sources, &mut diags);
    out.diagnostics(&diags, &sources, format);
    ws.ok_or_else(|| {
        out.eprint(&format!("error: cannot open the project at {}\n", root.display()));
        2
    })
}
