//! A text file read on every core, in bounded memory: the reading loop the
//! CSV and JSON Lines readers share.
//!
//! The file is read in blocks; each block is cut at record boundaries into
//! pieces (where a boundary may be is the format's business: the `cut`
//! function), the pieces are parsed in parallel, and their results are
//! handed back in file order, with the lines before each, while the next
//! block is parsed and the one after it read. The incomplete record at a
//! block's end is carried into the next block, so at most two blocks (and
//! their parsed rows) are in memory. Lines are counted as `\n` bytes.

use crate::error::InputError;
use rayon::prelude::*;
use std::io::Read;

/// Bytes read at a time: large enough that the pieces of a block keep every
/// core busy, small enough that two blocks in flight cost little memory.
pub(crate) const BLOCK: usize = 8 << 20;

/// How many lines come before a piece, to turn its lines into the file's.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Lines(pub(super) u64);

impl Lines {
    /// An error from a piece's rows (lines counted from 1 at the piece's
    /// start), on the file's line.
    pub(crate) fn fix(self, mut e: InputError) -> InputError {
        if e.place.line > 0 {
            e.place.line += self.0;
        }
        e
    }
}

/// Where a piece may end: the end of the first record ending at or after
/// `target` in `buf`, reading from `start` (a record boundary); `None` when
/// `buf` ends first.
pub(super) type Cut = dyn Fn(&[u8], usize, usize) -> Option<usize> + Sync;

/// Cuts `buf` (starting at a record boundary) into pieces of about `size`
/// bytes; the rest, an incomplete record unless `eof`, is left over.
pub(super) fn pieces(buf: &[u8], size: usize, eof: bool, cut: &Cut) -> (Vec<std::ops::Range<usize>>, usize) {
    let mut out = Vec::new();
    let mut start = 0;
    while let Some(end) = cut(buf, start, start + size) {
        out.push(start..end);
        start = end;
    }
    if eof && start < buf.len() {
        out.push(start..buf.len());
        start = buf.len();
    }
    (out, start)
}

/// Reads the rest of `file` (`lines` lines come before its position) in
/// blocks of `block` bytes cut into pieces by `cut`; each piece is turned
/// into a `P` by `parse`, on any core; `merge` receives them in file order
/// with the lines before each. Reading stops at the first error `merge`
/// returns; `io` words a read error.
pub(super) fn read<P: Send>(
    mut file: std::fs::File,
    (mut lines, block): (u64, usize),
    (cut, io): (&Cut, &dyn Fn(std::io::Error) -> InputError),
    parse: &(dyn Fn(&[u8]) -> P + Sync),
    merge: &mut dyn FnMut(P, Lines) -> Result<(), InputError>,
) -> Result<(), InputError> {
    let size = (block / (4 * rayon::current_num_threads())).max(1);
    let mut buf = Vec::new();
    let mut eof = false;
    // Pieces parsed, waiting to be merged, with their newline counts.
    let mut parsed: Vec<(P, u64)> = Vec::new();
    loop {
        while !eof && buf.len() < block {
            eof = fill(&mut file, &mut buf, block).map_err(io)?;
        }
        let (ranges, rest) = pieces(&buf, size, eof, cut);
        if ranges.is_empty() && !eof {
            // No record ends in the block: read on.
            let more = buf.len() + block;
            eof = fill(&mut file, &mut buf, more).map_err(io)?;
            continue;
        }
        let mut next = Vec::new();
        let mut merged = Ok(());
        let mut filled = Ok(eof);
        let mut fresh = Vec::new();
        rayon::in_place_scope(|s| {
            s.spawn(|_| {
                fresh = ranges
                    .par_iter()
                    .map(|r| {
                        let bytes = &buf[r.clone()];
                        (parse(bytes), memchr::memchr_iter(b'\n', bytes).count() as u64)
                    })
                    .collect();
            });
            merged = merge_all(std::mem::take(&mut parsed), &mut lines, merge);
            next = Vec::with_capacity(block + buf.len() - rest);
            next.extend_from_slice(&buf[rest..]);
            // The next block is read while this one is parsed (unless the
            // merge stopped the reading).
            if merged.is_ok() && !eof {
                filled = fill(&mut file, &mut next, block);
            }
        });
        merged?;
        eof = filled.map_err(io)?;
        parsed = fresh;
        buf = next;
        if eof && buf.is_empty() {
            return merge_all(parsed, &mut lines, merge);
        }
    }
}

fn merge_all<P>(
    parsed: Vec<(P, u64)>,
    lines: &mut u64,
    merge: &mut dyn FnMut(P, Lines) -> Result<(), InputError>,
) -> Result<(), InputError> {
    for (p, newlines) in parsed {
        merge(p, Lines(*lines))?;
        *lines += newlines;
    }
    Ok(())
}

/// Reads into `buf` until it holds `up_to` bytes or the file ends (`true`).
fn fill(file: &mut std::fs::File, buf: &mut Vec<u8>, up_to: usize) -> std::io::Result<bool> {
    let want = up_to.saturating_sub(buf.len()) as u64;
    let got = file.by_ref().take(want).read_to_end(buf)?;
    Ok((got as u64) < want)
}
