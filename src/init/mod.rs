//! `pricebook init`: the scaffold of a new project, and writing it without
//! ever overwriting a file.
//!
//! The scaffold's files live under `src/init/scaffold/` and are compiled
//! into the binary; a test (`tests/init.rs`) runs `check`, `test` and
//! `docs` in a project made from them, so they cannot rot.

use std::io::Write;
use std::path::{Path, PathBuf};

/// `(path in the project, contents)`. `{{name}}` in `pricebook.toml` is
/// the project's name as a TOML string.
const SCAFFOLD: &[(&str, &str)] = &[
    ("pricebook.toml", include_str!("scaffold/pricebook.toml")),
    ("rules.toml", include_str!("scaffold/rules.toml")),
    ("plans/example.toml", include_str!("scaffold/plans/example.toml")),
    ("scenarios/example/first_months.toml", include_str!("scaffold/scenarios/example/first_months.toml")),
    ("snapshots/example/first_months.snap", include_str!("scaffold/snapshots/example/first_months.snap")),
    (".gitignore", include_str!("scaffold/gitignore")),
    (".github/workflows/pricebook.yml", include_str!("scaffold/workflow/pricebook.yml")),
];

/// What happened to one scaffold file.
#[derive(Debug, PartialEq, Eq)]
pub enum Written {
    Created(PathBuf),
    /// It existed; it was left as it was.
    Kept(PathBuf),
}

/// Why a project could not be created.
#[derive(Debug)]
pub enum InitError {
    /// The folder already holds a `pricebook.toml`.
    AlreadyAProject(PathBuf),
    Io(PathBuf, std::io::Error),
}

impl std::fmt::Display for InitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            InitError::AlreadyAProject(p) => {
                write!(f, "{} already exists: this folder is a pricebook project", p.display())
            }
            InitError::Io(p, e) => write!(f, "cannot write {}: {e}", p.display()),
        }
    }
}

/// Creates a project in `dir` (created if needed), named after the folder.
/// Files that exist are kept, except that an existing `pricebook.toml`
/// stops everything before anything is written.
pub fn init(dir: &Path) -> Result<Vec<Written>, InitError> {
    let manifest = dir.join(pricebook_lang::manifest::FILE_NAME);
    if manifest.exists() {
        return Err(InitError::AlreadyAProject(manifest));
    }
    let name = project_name(dir);
    let mut done = Vec::new();
    for (rel, text) in SCAFFOLD {
        let path = dir.join(rel);
        let text = text.replace("{{name}}", &toml::Value::String(name.clone()).to_string());
        match create_new(&path, text.as_bytes()) {
            Ok(true) => done.push(Written::Created(path)),
            Ok(false) => done.push(Written::Kept(path)),
            Err(e) => return Err(InitError::Io(path, e)),
        }
    }
    Ok(done)
}

/// The folder's name, or "pricing" when it has none (`/`).
fn project_name(dir: &Path) -> String {
    let absolute = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    absolute.file_name().map_or_else(|| "pricing".to_string(), |n| n.to_string_lossy().into_owned())
}

/// Writes `path` only if it does not exist: the bytes go to a temporary
/// file that is then hard-linked into place, which fails rather than
/// replace a file that appeared meanwhile. `Ok(false)`: it existed.
fn create_new(path: &Path, bytes: &[u8]) -> std::io::Result<bool> {
    if path.symlink_metadata().is_ok() {
        return Ok(false);
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}.pricebook-tmp"));
    let result = (|| {
        let mut f = std::fs::File::create_new(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::hard_link(&tmp, path)
    })();
    let _ = std::fs::remove_file(&tmp);
    match result {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && path.exists() => Ok(false),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn init_never_overwrites() {
        let dir = std::env::temp_dir().join(format!("pricebook-init-unit-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("plans")).expect("dir");
        std::fs::write(dir.join("plans/example.toml"), "mine").expect("write");
        let done = init(&dir).expect("init");
        assert!(done.contains(&Written::Kept(dir.join("plans/example.toml"))));
        assert_eq!(std::fs::read_to_string(dir.join("plans/example.toml")).expect("read"), "mine");
        let manifest = std::fs::read_to_string(dir.join("pricebook.toml")).expect("written");
        assert!(manifest.contains(&format!("name = \"pricebook-init-unit-{}\"", std::process::id())));
        assert!(matches!(init(&dir), Err(InitError::AlreadyAProject(_))));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
