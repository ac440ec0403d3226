//! `pricebook sample-usage`: writes a sample export (usage, accounts,
//! purchases) for one plan file, deterministic for a seed, so anyone can
//! try `backtest` without data. The usage goes to `-o FILE`; `accounts`
//! and `purchases` files of the same format go beside it. Existing files
//! are left alone unless `--force`; each file is written to a temporary
//! name and renamed into place when complete.

use super::Output;
use crate::project::Project;
use pricebook_backtest::sample::{self, Sample, Style, Writers};
use pricebook_lang::compile::Workspace;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// What the user typed.
pub struct Args<'a> {
    pub plans: &'a str,
    pub sample: Sample,
    pub output: &'a Path,
    pub force: bool,
}

/// A file being written under a temporary name beside its final one.
struct Pending {
    path: PathBuf,
    tmp: PathBuf,
    file: BufWriter<File>,
}

impl Pending {
    fn create(path: PathBuf) -> std::io::Result<Pending> {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let tmp = path.with_file_name(format!(".{name}.pricebook-tmp"));
        let file = BufWriter::with_capacity(1 << 20, File::create(&tmp)?);
        Ok(Pending { path, tmp, file })
    }

    fn commit(mut self) -> std::io::Result<()> {
        self.file.flush()?;
        self.file.get_ref().sync_all()?;
        std::fs::rename(&self.tmp, &self.path)
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        // After a commit the temporary name is gone; otherwise remove it.
        let _ = std::fs::remove_file(&self.tmp);
    }
}

fn run_inner(ws: &Workspace, args: &Args<'_>, out: &mut Output) -> Result<u8, String> {
    let root = ws.root.as_path();
    let mut project = Project::new(ws.clone());
    if !project.plan_names.iter().any(|n| n == args.plans) {
        let help =
            pricebook_lang::suggest::help_for(args.plans, "plan files", project.plan_names.iter().map(String::as_str));
        out.eprint(&format!("error: there is no plan file `plans/{}.toml`\n  = help: {help}\n", args.plans));
        return Ok(1);
    }
    let path = project.ws.plan_path(args.plans);
    project.add_plan_file(&path);
    out.diagnostics(&project.diags, &project.sources, super::MessageFormat::Human);
    let Some(cat) = project.catalogs.get(args.plans) else {
        out.eprint("error: the plan file has errors; fix them first\n");
        return Ok(1);
    };
    let usage = if args.output.is_absolute() { args.output.to_path_buf() } else { root.join(args.output) };
    let style = match usage.extension().and_then(|e| e.to_str()) {
        Some("csv") => Style::Csv,
        Some("jsonl" | "ndjson") => Style::JsonLines,
        _ => {
            out.eprint(
                "error: -o FILE must end in .csv or .jsonl\n  = help: the extension says how the sample is written\n",
            );
            return Ok(2);
        }
    };
    let ext = usage.extension().map(|e| e.to_string_lossy().into_owned()).unwrap_or_default();
    let dir = usage.parent().map(Path::to_path_buf).unwrap_or_default();
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let paths = [usage.clone(), dir.join(format!("accounts.{ext}")), dir.join(format!("purchases.{ext}"))];
    if !args.force
        && let Some(existing) = paths.iter().find(|p| p.exists())
    {
        out.eprint(&format!(
            "error: {} exists; sample-usage does not overwrite files\n  = help: pass --force to replace it, or choose another -o\n",
            existing.display()
        ));
        return Ok(2);
    }
    let open = |p: &PathBuf| Pending::create(p.clone()).map_err(|e| format!("cannot write {}: {e}", p.display()));
    let [mut u, mut a, mut p] = [open(&paths[0])?, open(&paths[1])?, open(&paths[2])?];
    let mut writers = Writers { accounts: &mut a.file, purchases: &mut p.file, usage: &mut u.file };
    let written = sample::generate(cat, &args.sample, style, &mut writers).map_err(|e| format!("cannot write: {e}"))?;
    for f in [u, a, p] {
        let shown = f.path.display().to_string();
        f.commit().map_err(|e| format!("cannot write {shown}: {e}"))?;
    }
    let shown = |p: &Path| p.strip_prefix(root).unwrap_or(p).display().to_string();
    out.print(&format!(
        "wrote {} usage events to {}, {} accounts to {}, {} purchases to {}\n",
        written.usage,
        shown(&paths[0]),
        written.accounts,
        shown(&paths[1]),
        written.purchases,
        shown(&paths[2])
    ));
    Ok(0)
}

pub fn run(ws: &Workspace, args: &Args<'_>, out: &mut Output) -> u8 {
    run_inner(ws, args, out).unwrap_or_else(|e| {
        out.eprint(&format!("error: {e}\n"));
        2
    })
}
