//! One side of a review: the plan files it consists of, read from disk or
//! from a git revision, then compiled.
//!
//! A side is named on the command line by a plan file, a folder of plan
//! files (or a project folder holding `plans/`), or a git revision whose
//! `plans/*.toml` are read with `git ls-tree` and `git cat-file` run in the
//! project root. Nothing here writes anything, and git is only ever asked to
//! read objects.

use pricebook_lang::compile::{self, Catalog, Workspace, toml_files};
use pricebook_lang::diag::{Diagnostics, SourceFile, SourceMap};
use pricebook_lang::model::MAX_FILE_BYTES;
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Where a side's plan files come from, as the user named it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Spec {
    /// A plan file or a folder.
    Path(PathBuf),
    /// A git revision: its `plans/*.toml`.
    Git(String),
}

impl Spec {
    /// A command-line argument: an existing path (as given, or under the
    /// project root), else a git revision of the project's repository.
    pub fn resolve(root: &Path, arg: &str) -> Result<Spec, SideError> {
        let given = PathBuf::from(arg);
        if given.exists() {
            return Ok(Spec::Path(given));
        }
        let under_root = root.join(&given);
        if !given.is_absolute() && under_root.exists() {
            return Ok(Spec::Path(under_root));
        }
        match verify_revision(root, arg) {
            Ok(()) => Ok(Spec::Git(arg.to_string())),
            Err(SideError::Git(why)) => Err(SideError::NotFound { arg: arg.to_string(), why }),
            Err(e) => Err(e),
        }
    }
}

/// Why a side could not be read (exit code 2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SideError {
    /// Neither a path nor a revision.
    NotFound {
        /// The argument as typed.
        arg: String,
        /// Why git did not take it as a revision.
        why: String,
    },
    /// git could not be run, or refused.
    Git(String),
    /// A folder without plan files.
    NoPlans(String),
    /// A file or folder that cannot be read.
    Io(String),
}

impl fmt::Display for SideError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SideError::NotFound { arg, why } => {
                write!(f, "`{arg}` is neither a plan file, a folder nor a git revision ({why})")
            }
            SideError::Git(why) => write!(f, "git: {why}"),
            SideError::NoPlans(dir) => write!(f, "no plan files (*.toml) in {dir}"),
            SideError::Io(why) => f.write_str(why),
        }
    }
}

impl std::error::Error for SideError {}

/// Where a side's files live, for the docs lint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// Files on disk.
    Disk,
    /// Blobs of this git revision.
    Git(String),
    /// Built in memory (tests, library callers).
    Memory,
}

/// The text of one plan file of a side.
#[derive(Clone, Debug)]
pub struct PlanText {
    /// Catalog id: the file stem.
    pub id: String,
    /// How diagnostics name the file: `plans/acme.toml`, `main:plans/acme.toml`.
    pub shown: String,
    /// The file's contents.
    pub text: String,
    /// The file on disk, when it is one.
    pub disk: Option<PathBuf>,
}

/// A side read but not compiled yet.
#[derive(Clone, Debug)]
pub struct Loaded {
    /// How the review names this side.
    pub label: String,
    /// Where the files come from.
    pub origin: Origin,
    /// Named by a single plan file (not a folder or revision).
    pub single: bool,
    /// The plan files, by catalog id.
    pub texts: Vec<PlanText>,
}

/// A compiled side.
pub struct Side {
    /// How the review names this side.
    pub label: String,
    /// Where the files came from.
    pub origin: Origin,
    /// Every file read, for diagnostics.
    pub sources: SourceMap,
    /// Compile errors and warnings of every file.
    pub diags: Diagnostics,
    /// Catalogs by id; a file with errors is absent.
    pub catalogs: BTreeMap<String, Catalog>,
    /// Plan files on disk by catalog id (for the docs lint).
    pub disk: BTreeMap<String, PathBuf>,
}

impl Side {
    /// Whether every plan file compiled.
    pub fn compiled(&self) -> bool {
        !self.diags.has_errors()
    }
}

impl Loaded {
    /// A side from texts held in memory, e.g. a plan file edited by a test.
    pub fn from_texts(label: impl Into<String>, texts: Vec<PlanText>) -> Loaded {
        Loaded { label: label.into(), origin: Origin::Memory, single: false, texts }
    }

    /// Compiles every plan file, collecting diagnostics.
    pub fn compile(self) -> Side {
        let mut sources = SourceMap::new();
        let mut diags = Diagnostics::new();
        let mut catalogs = BTreeMap::new();
        let mut disk = BTreeMap::new();
        for t in self.texts {
            let file = sources.add(SourceFile::new(t.shown.clone(), t.text));
            // A file that does not compile has reported errors; it is left
            // out and the review stops before comparing (exit 2).
            if let Some(cat) = compile::compile_plan_text(&t.id, file, &sources, &mut diags) {
                catalogs.insert(t.id.clone(), cat);
            }
            if let Some(p) = t.disk {
                disk.insert(t.id, p);
            }
        }
        Side { label: self.label, origin: self.origin, sources, diags, catalogs, disk }
    }
}

/// Reads a side's plan files.
pub fn read(ws: &Workspace, spec: &Spec, label: &str) -> Result<Loaded, SideError> {
    match spec {
        Spec::Path(p) => read_path(ws, p, label),
        Spec::Git(rev) => read_git(ws, rev, label),
    }
}

fn read_path(ws: &Workspace, path: &Path, label: &str) -> Result<Loaded, SideError> {
    let (files, single) = if path.is_dir() {
        let mut files = toml_files(path, false);
        // A project folder: its plans/.
        if files.is_empty() && path.join("plans").is_dir() {
            files = toml_files(&path.join("plans"), false);
        }
        if files.is_empty() {
            return Err(SideError::NoPlans(path.display().to_string()));
        }
        (files, false)
    } else {
        (vec![path.to_path_buf()], true)
    };
    // A folder named on the command line is trusted as far as it goes;
    // links in it may not lead out of it (or out of the project).
    let boundary = ws.boundary_for(path);
    let mut texts = Vec::new();
    for f in files {
        let text = pricebook_lang::model::read_source(&boundary, &f)
            .map_err(|(_, why)| SideError::Io(format!("{}: {why}", f.display())))?;
        let id = f.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        texts.push(PlanText { id, shown: ws.display(&f), text, disk: Some(f) });
    }
    Ok(Loaded { label: label.to_string(), origin: Origin::Disk, single, texts })
}

fn read_git(ws: &Workspace, rev: &str, label: &str) -> Result<Loaded, SideError> {
    verify_revision(&ws.root, rev)?;
    // No plans/ at that revision (a first pull request adding them): an
    // empty side, so every catalog shows as added.
    let listing = git(&ws.root, &["ls-tree", "-z", &format!("{rev}:./plans")]).unwrap_or_default();
    let mut texts = Vec::new();
    for record in listing.split(|b| *b == 0).filter(|r| !r.is_empty()) {
        let record = String::from_utf8_lossy(record);
        // `<mode> <type> <object>\t<name>`
        let Some((meta, name)) = record.split_once('\t') else {
            continue;
        };
        let mut meta = meta.split(' ');
        let (Some(_mode), Some(kind), Some(object)) = (meta.next(), meta.next(), meta.next()) else {
            continue;
        };
        if kind != "blob" || !name.ends_with(".toml") {
            continue;
        }
        let bytes = git(&ws.root, &["cat-file", "blob", object])?;
        let shown = format!("{rev}:plans/{name}");
        if bytes.len() as u64 > MAX_FILE_BYTES {
            return Err(SideError::Io(format!("{shown}: larger than pricebook reads ({MAX_FILE_BYTES} bytes)")));
        }
        let text = String::from_utf8(bytes).map_err(|_| SideError::Io(format!("{shown}: not UTF-8 text")))?;
        let id = name.trim_end_matches(".toml").to_string();
        texts.push(PlanText { id, shown, text, disk: None });
    }
    texts.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(Loaded { label: label.to_string(), origin: Origin::Git(rev.to_string()), single: false, texts })
}

/// Checks that `rev` names a commit of the repository holding `root`.
pub fn verify_revision(root: &Path, rev: &str) -> Result<(), SideError> {
    // A leading dash would be read as an option by git.
    if rev.is_empty() || rev.starts_with('-') {
        return Err(SideError::Git(format!("`{rev}` is not a revision")));
    }
    git(root, &["rev-parse", "--verify", "--quiet", &format!("{rev}^{{commit}}")]).map(|_| ()).map_err(
        |why| match why {
            SideError::Git(w) if w.is_empty() => SideError::Git(format!("`{rev}` is not a commit in this repository")),
            other => other,
        },
    )
}

/// The contents of `path` (relative to the project root) at `rev`, if it
/// exists there.
pub fn file_at(root: &Path, rev: &str, path: &str) -> Option<Vec<u8>> {
    git(root, &["cat-file", "blob", &format!("{rev}:./{path}")]).ok()
}

/// Runs git in `root` and returns its standard output.
fn git(root: &Path, args: &[&str]) -> Result<Vec<u8>, SideError> {
    let out = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .map_err(|e| SideError::Git(format!("cannot run git: {e}")))?;
    if out.status.success() {
        Ok(out.stdout)
    } else {
        Err(SideError::Git(String::from_utf8_lossy(&out.stderr).trim().to_string()))
    }
}
