//! CSV tables read on every core, in bounded memory ([`super::blocks`]):
//! after the header, the file's blocks are cut at record boundaries into
//! pieces, each parsed on its own (split by hand, or one `csv::Reader`).
//!
//! A cut must land where the csv crate itself would be between records,
//! so that every piece parses exactly as the same bytes do within the whole
//! file: outside quoted fields (a quote opens one only where a field starts,
//! as `csv_core` reads it; `""` inside stays quoted), and right after the
//! first line-end byte of a run, where the csv crate has just finished a
//! record (it takes the rest of a `\r\n` and any blank lines as the start of
//! the next record, whose line is then the line where that run began).
//! Lines are counted as the csv crate counts them (every `\n`, quoted or
//! not), so a piece's errors name the same line as a sequential read once
//! the lines before the piece are added ([`Lines::fix`]).
//!
//! A file with no `\n` outside quotes (old Mac `\r` line ends, or one huge
//! quoted field) has no cut: its block grows until the file ends, as a
//! sequential read would hold that one record.

use super::blocks::Lines;
use super::csv_table::{Layout, header, rows};
use super::{Part, Record};
use crate::error::InputError;
use memchr::memchr;
use std::io::{Seek, SeekFrom};
use std::path::Path;

/// Whole records of the file, parsed on their own.
pub(crate) struct Piece<'a> {
    layout: &'a Layout<'a>,
    bytes: &'a [u8],
}

impl Part for Piece<'_> {
    /// Hands each record to `each` in order, as [`super::csv_table::rows`]
    /// does, with lines counted from 1 at the piece's start
    /// ([`Lines::fix`] makes them the file's). A UTF-8 piece without a
    /// quote is split by hand ([`super::plain_csv`]), as the csv crate
    /// reads it.
    fn rows(&self, each: &mut dyn FnMut(Record<'_, '_>) -> Result<(), InputError>) -> Result<(), InputError> {
        if memchr(b'"', self.bytes).is_none()
            && let Ok(text) = std::str::from_utf8(self.bytes)
        {
            return super::plain_csv::rows(text, self.layout, each);
        }
        let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(self.bytes);
        rows(&mut reader, self.layout, each)
    }

    /// How many `\n` the piece holds: about how many records it has.
    fn rows_hint(&self) -> usize {
        memchr::memchr_iter(b'\n', self.bytes).count()
    }
}

/// The end of the first record ending at or after `target`, as the start
/// of the next piece; `None` when `buf` ends first. `start` is a record
/// boundary (see the module header for where a cut may land).
fn cut_after(buf: &[u8], start: usize, target: usize) -> Option<usize> {
    let mut i = start;
    let mut quoted = false;
    loop {
        if quoted {
            let q = i + memchr(b'"', &buf[i..])?;
            match buf.get(q + 1)? {
                b'"' => i = q + 2,
                _ => {
                    quoted = false;
                    i = q + 1;
                }
            }
            continue;
        }
        let from = i.max(target);
        let newline = memchr(b'\n', buf.get(from..)?).map(|k| from + k);
        if let Some(q) = memchr(b'"', &buf[i..newline.unwrap_or(buf.len())]).map(|k| i + k) {
            // Elsewhere in a field a quote is text.
            quoted = q == start || matches!(buf[q - 1], b',' | b'\n' | b'\r');
            i = q + 1;
            continue;
        }
        let n = newline?;
        let mut first = n;
        while first > start && matches!(buf[first - 1], b'\n' | b'\r') {
            first -= 1;
        }
        if first > start {
            return Some(first + 1);
        }
        // Blank lines at the piece's start end no record: look further.
        i = n + 1;
    }
}

/// Reads a CSV file (named `shown` in errors) whose header must have the
/// first `required` of the `wanted` columns. Each piece is turned into a
/// `P` by `parse`, on any core; `merge` receives them in file order with
/// the lines before each. Reading stops at the first error `merge` returns.
pub(crate) fn read<P: Send>(
    (path, shown): (&Path, &str),
    (wanted, required): (&[&str], usize),
    block: usize,
    parse: &(dyn Fn(&Piece<'_>) -> P + Sync),
    merge: &mut dyn FnMut(P, Lines) -> Result<(), InputError>,
) -> Result<(), InputError> {
    let io = |e: std::io::Error| InputError::file(shown, crate::error::InputErrorKind::Io(e.to_string()));
    let file = std::fs::File::open(path).map_err(io)?;
    let mut reader = csv::ReaderBuilder::new().has_headers(true).flexible(false).from_reader(file);
    let layout = header(&mut reader, shown, wanted, required)?;
    // Where the header ends, as the csv crate counts: the rest of the file
    // reads as it would after that record.
    let after_header = reader.position().clone();
    let mut file = reader.into_inner();
    file.seek(SeekFrom::Start(after_header.byte())).map_err(io)?;
    let lines = after_header.line() - 1;
    let parse = |bytes: &[u8]| parse(&Piece { layout: &layout, bytes });
    super::blocks::read(file, (lines, block), (&cut_after, &io), &parse, merge)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a sequential csv reader sees: each record's line and fields.
    fn whole(text: &str) -> Vec<(u64, Vec<String>)> {
        let mut r = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
        r.records()
            .map(|rec| {
                let rec = rec.unwrap();
                (rec.position().unwrap().line(), rec.iter().map(str::to_string).collect())
            })
            .collect()
    }

    /// The same file read in pieces of blocks of `block` bytes: each row's
    /// line and cells, or a field count error's line and count.
    fn in_pieces(path: &Path, header: &[&str], block: usize) -> Vec<(u64, Vec<String>)> {
        type Rows = Vec<(u64, Vec<String>)>;
        let parse = |piece: &Piece<'_>| {
            let mut rows: Rows = Vec::new();
            piece
                .rows(&mut |row| {
                    rows.push(match row {
                        Ok(r) => (r.line, (0..header.len()).map(|i| r.cells[i].to_string()).collect()),
                        Err(e) => match *e.kind {
                            crate::error::InputErrorKind::FieldCount { row, .. } => {
                                (e.place.line, vec![format!("{row} fields")])
                            }
                            other => panic!("{other:?}"),
                        },
                    });
                    Ok(())
                })
                .unwrap();
            rows
        };
        let mut all = Vec::new();
        read((path, "t.csv"), (header, 1), block, &parse, &mut |rows, lines| {
            all.extend(rows.into_iter().map(|(line, cells)| (line + lines.0, cells)));
            Ok(())
        })
        .unwrap();
        all
    }

    #[test]
    fn every_cut_reads_as_the_whole_file_with_the_same_lines() {
        let texts = [
            "a,b,c\n1,2,3\n4,5,6\n7,8,9\n",
            "a,b,c\n1,\"two\nlines, and a comma\",3\n\"4\",\"\"\"5\"\"\n\",6\n7,8,\"9\"\n",
            // A quote inside an unquoted field is text, not the start of a quoted field.
            "a,b,c\n1,5\" screen,3\n4,\"x\"y\"z,6\n7,\"a\"\"\",9\n10,11,12",
            // \r\n line ends, blank lines, a last record without a line end.
            "a,b,c\r\n1,2,3\r\n\r\n4,\"5\r\n\",6\r\n\n\n7,8,9\r\n10,11,12",
            // Rows with too few or too many fields.
            "a,b,c\n1,2\n\"3\n\",4,5,6\n7,8,9\n\n10\n",
            // A header only; a header without a line end.
            "a,b,c\n",
            "a,b,c",
        ];
        let dir = std::env::temp_dir().join(format!("pricebook-csv-pieces-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("t.csv");
        for text in texts {
            std::fs::write(&path, text).unwrap();
            let want: Vec<(u64, Vec<String>)> = whole(text)
                .into_iter()
                .map(
                    |(line, cells)| {
                        if cells.len() == 3 { (line, cells) } else { (line, vec![format!("{} fields", cells.len())]) }
                    },
                )
                .collect();
            for threads in [1, 3] {
                let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
                for block in 1..=text.len() + 1 {
                    let got = pool.install(|| in_pieces(&path, &["a", "b", "c"], block));
                    assert_eq!(got, want, "{text:?} in blocks of {block} on {threads} threads");
                }
            }
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn cuts_land_between_records_outside_quotes() {
        let buf = b"1,\"a\nb\",2\n3,4\n";
        assert_eq!(cut_after(buf, 0, 0), Some(10), "the quoted line end is no cut");
        assert_eq!(cut_after(buf, 0, 11), Some(14));
        assert_eq!(cut_after(buf, 10, 14), None, "no record ends in what is left");
        assert_eq!(cut_after(b"1\r\n\r\n2\n", 0, 0), Some(2), "after the first byte of the line end");
        assert_eq!(cut_after(b"\n\n1\n", 0, 0), Some(4), "leading blank lines end no record");
        assert_eq!(cut_after(b"1,\"a\"", 0, 0), None, "a quote at the end may be doubled by the next block");
        let (ranges, rest) = super::super::blocks::pieces(b"1\n2\n3", 1, false, &cut_after);
        assert_eq!((ranges, rest), (vec![0..2, 2..4], 4));
        assert_eq!(super::super::blocks::pieces(b"1\n2\n3", 1, true, &cut_after).0, vec![0..2, 2..4, 4..5]);
    }
}
