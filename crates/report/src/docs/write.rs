//! Writing rendered docs to `<DIR>/<plan>/<page>.<ext>`, and nowhere else.
//!
//! Plan ids and page names become path components, so each must be one
//! plain name (no `/`, `..` or leading dot); a plan folder that resolves
//! outside `DIR` (a symlink) is refused. Files are replaced atomically,
//! which replaces a symlink itself rather than writing through it.

use super::RenderedDoc;
use pricebook_lang::fsutil::write_atomic;
use std::io;
use std::path::{Component, Path, PathBuf};

/// Whether `name` can be used as one path component inside the output folder.
pub fn safe_component(name: &str) -> bool {
    let mut parts = Path::new(name).components();
    matches!((parts.next(), parts.next()), (Some(Component::Normal(_)), None))
        && !name.starts_with('.')
        && !name.contains(['/', '\\'])
}

fn refuse(what: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, what)
}

/// Writes every doc under `dir`, creating it as needed; returns the files
/// written, in order. Stops at the first failure.
pub fn write_all(dir: &Path, docs: &[RenderedDoc]) -> io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let root = dir.canonicalize()?;
    let mut written = Vec::new();
    for doc in docs {
        if !safe_component(&doc.plan) {
            return Err(refuse(format!("`{}` cannot be used as a folder name", doc.plan)));
        }
        if !safe_component(&doc.file) {
            return Err(refuse(format!("`{}` cannot be used as a file name", doc.file)));
        }
        let folder = dir.join(&doc.plan);
        std::fs::create_dir_all(&folder)?;
        if !folder.canonicalize()?.starts_with(&root) {
            return Err(refuse(format!("{} leads outside {}", folder.display(), dir.display())));
        }
        let path = folder.join(&doc.file);
        write_atomic(&path, doc.text.as_bytes())?;
        written.push(path);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_names_are_path_components() {
        assert!(safe_component("acme"));
        assert!(safe_component("pricing.html"));
        for bad in ["", ".", "..", "../x", "a/b", "a\\b", "/abs", ".hidden"] {
            assert!(!safe_component(bad), "{bad:?}");
        }
    }
}
