//! Scenario snapshots: `snapshots/<seed>/<name>.snap`, in insta's format so
//! `cargo insta review` and `pricebook test --accept` work on the same files.
//!
//! A snapshot is a reviewed claim about money; pricebook writes one only
//! when asked (`--accept`), atomically, and never touches scenario or plan
//! files.

use pricebook_lang::compile::Workspace;
use pricebook_lang::fsutil::{MAX_FILE_BYTES, ReadError};
use similar::TextDiff;
use std::path::{Component, Path, PathBuf};

/// The test that owns scenario snapshots under `cargo test`.
pub const SOURCE: &str = "tests/scenarios.rs";
/// The expression name insta records.
pub const EXPRESSION: &str = "ledger";

/// `scenarios/acme/x.toml` → `snapshots/acme/x.snap` (the project's
/// folders); a scenario elsewhere in the project keeps its path under
/// `snapshots/`. `None` for a scenario outside the project: its snapshot
/// would have to be written outside `snapshots/`.
pub fn path_for(ws: &Workspace, scenario: &Path) -> Option<PathBuf> {
    let rel = ws.relative(scenario)?;
    let rel = rel.strip_prefix(&ws.manifest.scenarios).unwrap_or(&rel);
    // Only plain names below `snapshots/`: no `..`, no root, no prefix.
    if rel.as_os_str().is_empty() || !rel.components().all(|c| matches!(c, Component::Normal(_))) {
        return None;
    }
    Some(ws.snapshots_dir().join(rel).with_extension("snap"))
}

/// The snapshot's name for insta (file stem, no extension).
pub fn name_for(scenario: &Path) -> String {
    scenario.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default()
}

/// Text as insta compares it: trailing whitespace trimmed, LF line ends.
pub fn normalize(text: &str) -> String {
    text.trim_end().replace("\r\n", "\n")
}

/// The contents of a snapshot file (after its `---` header), `None` if
/// there is none. Like every project file it is read only if it resolves
/// inside the project (`boundary`): a snapshot linked to a file elsewhere
/// is an error, and its target is never shown in a diff.
pub fn read(boundary: &Path, path: &Path) -> Result<Option<String>, ReadError> {
    let text = match pricebook_lang::fsutil::read_inside(boundary, path) {
        Ok(text) => text,
        Err(ReadError::Missing) => return Ok(None),
        Err(e) => return Err(e),
    };
    let body = match text.strip_prefix("---\n") {
        Some(rest) => rest.split_once("\n---\n").map_or(rest, |(_, body)| body),
        None => &text,
    };
    Ok(Some(normalize(body)))
}

/// The full file insta would write for these contents.
pub fn file_text(input_file: &str, contents: &str) -> String {
    format!("---\nsource: {SOURCE}\nexpression: {EXPRESSION}\ninput_file: {input_file}\n---\n{}\n", normalize(contents))
}

/// Writes a snapshot atomically. A snapshot larger than pricebook reads
/// back ([`MAX_FILE_BYTES`]) is refused: accepted, it would break every
/// later `pricebook test` of the scenario.
pub fn write(path: &Path, input_file: &str, contents: &str) -> std::io::Result<()> {
    let text = file_text(input_file, contents);
    if text.len() as u64 > MAX_FILE_BYTES {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!(
                "the ledger is {} bytes, more than pricebook reads back ({MAX_FILE_BYTES} bytes); \
                 shorten the scenario (fewer events, or an earlier `end`) so its snapshot stays readable",
                text.len()
            ),
        ));
    }
    pricebook_lang::fsutil::write_atomic(path, text.as_bytes())
}

/// How a fresh rendering compares with its snapshot.
#[derive(Debug, PartialEq, Eq)]
pub enum Comparison {
    Match,
    Missing,
    /// A unified line diff, old → new.
    Changed(String),
}

pub fn compare(old: Option<&str>, new: &str) -> Comparison {
    let new = normalize(new);
    match old {
        None => Comparison::Missing,
        Some(old) if normalize(old) == new => Comparison::Match,
        Some(old) => {
            // Both end in a line break so the diff does not flag the last line.
            let (old, new) = (normalize(old) + "\n", new + "\n");
            let diff = TextDiff::from_lines(&old, &new);
            let text = diff.unified_diff().context_radius(3).header("snapshot", "now").to_string();
            Comparison::Changed(text)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_snapshot_too_large_to_read_back_is_not_written() {
        let dir = std::env::temp_dir().join(format!("pricebook-snapshot-size-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (small, large) = (dir.join("small.snap"), dir.join("large.snap"));
        write(&small, "scenarios/x.toml", "a ledger line").unwrap();
        assert_eq!(read(&dir, &small).unwrap().as_deref(), Some("a ledger line"));
        // One byte of ledger past the limit (the header comes on top).
        let ledger = "x".repeat(MAX_FILE_BYTES as usize);
        let err = write(&large, "scenarios/x.toml", &ledger).unwrap_err().to_string();
        assert!(err.contains("more than pricebook reads back (8388608 bytes)"), "{err}");
        assert!(!large.exists(), "nothing is written");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
