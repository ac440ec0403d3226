//! The file system as untrusted input: reading project files only where
//! they belong, and writing files without ever leaving a half-written one
//! behind or writing through a link.
//!
//! Plan, scenario, template and snapshot files arrive in pull requests, so
//! a file may be a symbolic link to `/proc/self/environ`, a device or a
//! FIFO. [`read_inside`] is the one place that reads such a file: it
//! follows links only while they stay inside a boundary folder (the
//! project root), reads regular files only, and never quotes what it
//! refused to read. [`write_atomic`] never follows a link either.

use std::fmt;
use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Files larger than this are refused rather than parsed.
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// Why a project file was not read. The messages do not repeat the path
/// (the diagnostic carrying them points at it) and never show what a
/// refused file holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReadError {
    /// The operating system refused; its words.
    Io(String),
    /// The file does not exist.
    Missing,
    /// The path (through a symbolic link) resolves outside `boundary`.
    OutsideBoundary { boundary: String },
    /// Not a regular file: a folder, device, FIFO or socket.
    NotRegular { kind: &'static str },
    /// More than [`MAX_FILE_BYTES`].
    TooLarge { bytes: u64 },
    /// Not UTF-8; the offset of the first bad byte.
    NotUtf8 { at: usize },
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::Io(why) => write!(f, "cannot read this file: {why}"),
            ReadError::Missing => f.write_str("cannot read this file: it does not exist"),
            ReadError::OutsideBoundary { boundary } => write!(
                f,
                "this path is a symbolic link (or lies in a linked folder) that leads outside {boundary}; \
                 pricebook reads only files inside it"
            ),
            ReadError::NotRegular { kind } => {
                write!(f, "this is {kind}, not a regular file; pricebook reads only regular files")
            }
            ReadError::TooLarge { bytes } => {
                write!(f, "this file is {bytes} bytes; pricebook reads files up to {MAX_FILE_BYTES} bytes")
            }
            ReadError::NotUtf8 { at } => write!(f, "this file is not UTF-8 text (invalid byte at offset {at})"),
        }
    }
}

impl std::error::Error for ReadError {}

fn io_error(e: &io::Error) -> ReadError {
    if e.kind() == io::ErrorKind::NotFound { ReadError::Missing } else { ReadError::Io(e.to_string()) }
}

/// What a non-regular file is, in words.
fn kind_of(t: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if t.is_dir() { "a folder" } else { "not a regular file" }
}

/// `path` made absolute against the current folder, with `.` and `..`
/// removed by spelling alone (no links resolved): where the user pointed.
fn lexical_absolute(path: &Path) -> PathBuf {
    let joined =
        if path.is_absolute() { path.to_path_buf() } else { std::env::current_dir().unwrap_or_default().join(path) };
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// The folder that files found at `named` (a file or folder) must resolve
/// inside: `root` when `named` is spelled inside it, else `named` itself
/// when it is a folder, or the folder holding it. Naming a place outside
/// the project on the command line is a choice the user made; links found
/// there still may not lead further away.
pub fn boundary_for(root: &Path, named: &Path) -> PathBuf {
    let at = lexical_absolute(named);
    if at.starts_with(lexical_absolute(root)) {
        return root.to_path_buf();
    }
    if named.is_dir() {
        return at;
    }
    at.parent().map_or_else(|| root.to_path_buf(), Path::to_path_buf)
}

/// Reads a project file as UTF-8 text if it resolves, through any links,
/// to a regular file inside `boundary`.
pub fn read_inside(boundary: &Path, path: &Path) -> Result<String, ReadError> {
    let bytes = read_bytes_inside(boundary, path)?;
    String::from_utf8(bytes).map_err(|e| ReadError::NotUtf8 { at: e.utf8_error().valid_up_to() })
}

/// [`read_inside`] for files that need not be text (generated docs
/// compared byte for byte).
pub fn read_bytes_inside(boundary: &Path, path: &Path) -> Result<Vec<u8>, ReadError> {
    let outside = || ReadError::OutsideBoundary { boundary: shown_folder(boundary) };
    let base = boundary.canonicalize().map_err(|e| io_error(&e))?;
    let real = path.canonicalize().map_err(|e| io_error(&e))?;
    if !real.starts_with(&base) {
        return Err(outside());
    }
    // Checked before opening: opening a FIFO would wait for a writer.
    let meta = std::fs::metadata(&real).map_err(|e| io_error(&e))?;
    if !meta.file_type().is_file() {
        return Err(ReadError::NotRegular { kind: kind_of(meta.file_type()) });
    }
    let file = open_no_follow(&real).map_err(|e| io_error(&e))?;
    // The same check on what was opened, in case the path changed since.
    let opened = file.metadata().map_err(|e| io_error(&e))?;
    if !opened.file_type().is_file() {
        return Err(ReadError::NotRegular { kind: kind_of(opened.file_type()) });
    }
    // Counted while reading, not taken from the size the file reports:
    // some files report 0 and hold more.
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes).map_err(|e| io_error(&e))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(ReadError::TooLarge { bytes: opened.len().max(bytes.len() as u64) });
    }
    Ok(bytes)
}

/// How a boundary folder is named in messages: its last component, e.g.
/// "the project folder `pricebook`".
fn shown_folder(boundary: &Path) -> String {
    let name = lexical_absolute(boundary).file_name().map(|n| n.to_string_lossy().into_owned());
    match name {
        Some(n) => format!("the folder `{n}`"),
        None => "the project folder".to_string(),
    }
}

/// Opens for reading without following a link in the last component.
fn open_no_follow(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW);
    }
    options.open(path)
}

/// Distinguishes temporary files of one process.
static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// Writes to a new temporary file beside `path`, then renames it into
/// place. The temporary file is created with create-new semantics (never
/// opening an existing file or following a link placed at its name), and
/// the rename replaces a link at `path` rather than writing through it.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let (tmp, mut file) = create_temp(dir, &name)?;
    let written = file.write_all(bytes).and_then(|()| file.sync_all());
    drop(file);
    written.and_then(|()| std::fs::rename(&tmp, path)).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

/// A fresh file `.<name>.<pid>-<n>.pricebook-tmp` in `dir`; a name already
/// taken (by anything, a link included) is skipped, not opened.
fn create_temp(dir: &Path, name: &str) -> io::Result<(PathBuf, File)> {
    let mut last = None;
    for _ in 0..100 {
        let n = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
        let tmp = dir.join(format!(".{name}.{}-{n}.pricebook-tmp", std::process::id()));
        match OpenOptions::new().write(true).create_new(true).open(&tmp) {
            Ok(f) => return Ok((tmp, f)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| io::Error::other("no free temporary file name")))
}
