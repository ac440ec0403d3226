//! CSV records without a quote, split by hand.
//!
//! Nearly every export has no quote at all: its records are the runs of
//! bytes between line ends and its fields what lies between commas. The
//! csv crate's general state machine cost more than the rest of reading a
//! usage row; a piece holding no `"` is split here instead, with exactly
//! the csv crate's reading (the same records, lines, field counts and
//! errors): `\r`, `\n` and `\r\n` end a record, blank lines are no record,
//! and a record's line is the one where the line ends before it began
//! (as [`super::csv_pieces`] describes).

use super::csv_table::Layout;
use super::{Record, Row, clip};
use crate::error::{InputError, InputErrorKind};

/// Hands each record of `text` (which holds no `"`) to `each` in order,
/// as [`super::csv_table::rows`] does for a csv reader of the same bytes.
/// (A piece that is not UTF-8 is the csv crate's to read: it stops at the
/// first record that is not.)
pub(super) fn rows<'a>(
    text: &'a str,
    l: &Layout<'_>,
    each: &mut dyn FnMut(Record<'_, '_>) -> Result<(), InputError>,
) -> Result<(), InputError> {
    let bytes = text.as_bytes();
    // The wanted column each field of a record fills, by its place.
    let mut wanted_at = vec![None; l.fields];
    for (w, p) in l.positions.iter().enumerate() {
        if let Some(p) = p {
            wanted_at[*p] = Some(w);
        }
    }
    // A record with the header's field count sets every wanted column the
    // header has: the others stay empty.
    let mut cells: Vec<&'a str> = vec![""; l.wanted.len()];
    // Fields of the current record so far.
    let mut fields = 0;
    // `\n`s so far, plus one; and the line the csv crate gives the next
    // record: the one where the line ends before it began.
    let (mut line, mut record_line) = (1u64, 1u64);
    // Where the current field, and the current record, begin.
    let (mut from, mut start) = (0, 0);
    let field = |fields: &mut usize, cells: &mut Vec<&'a str>, (from, to): (usize, usize)| {
        if let Some(Some(w)) = wanted_at.get(*fields) {
            cells[*w] = &text[from..to];
        }
        *fields += 1;
    };
    let mut record = |fields: &mut usize, cells: &Vec<&'a str>, (start, end): (usize, usize), line: u64| {
        let count = std::mem::take(fields);
        if count != l.fields {
            let kind = InputErrorKind::FieldCount { header: l.fields as u64, row: count as u64 };
            let mut err = InputError::file(l.shown, kind);
            err.place.line = line;
            return each(Err(err));
        }
        let text = &text[start..end];
        let shown = || clip(text.to_string());
        let row = Row { file: l.shown, line, cells, columns: &l.columns, names: l.wanted, text: &shown };
        each(Ok(&row))
    };
    for d in Delimiters::new(bytes) {
        if fields == 0 {
            start = from;
        }
        if bytes[d] == b',' {
            field(&mut fields, &mut cells, (from, d));
            from = d + 1;
            continue;
        }
        line += u64::from(bytes[d] == b'\n');
        if d == from && fields == 0 {
            // A line end right after another, or at the start: no record.
            from = d + 1;
            continue;
        }
        field(&mut fields, &mut cells, (from, d));
        // The csv crate ends a record at its first line-end byte.
        record(&mut fields, &cells, (start, d), record_line)?;
        record_line = line;
        from = d + 1;
    }
    if from < bytes.len() || fields > 0 {
        if fields == 0 {
            start = from;
        }
        field(&mut fields, &mut cells, (from, bytes.len()));
        record(&mut fields, &cells, (start, bytes.len()), record_line)?;
    }
    Ok(())
}

/// The positions of `,`, `\r` and `\n` in some bytes, in order, found
/// eight bytes at a time (fields are a few bytes long: a search per field,
/// as `memchr` makes, costs more than it saves).
struct Delimiters<'a> {
    bytes: &'a [u8],
    /// Where the current eight bytes start.
    at: usize,
    /// A high bit in each of those bytes that is a delimiter not yet handed out.
    found: u64,
}

impl<'a> Delimiters<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Delimiters { bytes, at: 0, found: Self::find(bytes, 0) }
    }

    /// The delimiters among the eight bytes at `at` (zeros past the end).
    fn find(bytes: &[u8], at: usize) -> u64 {
        let word = match bytes.get(at..at + 8) {
            Some(eight) => u64::from_le_bytes(eight.try_into().unwrap_or_default()),
            None => {
                let mut last = [0u8; 8];
                for (to, from) in last.iter_mut().zip(bytes.get(at..).unwrap_or_default()) {
                    *to = *from;
                }
                u64::from_le_bytes(last)
            }
        };
        const LOW: u64 = 0x7f7f_7f7f_7f7f_7f7f;
        // The high bit of each zero byte of `x`, exactly (no carry crosses a byte).
        let zeros = |x: u64| !(((x & LOW).wrapping_add(LOW)) | x | LOW);
        let splat = |b: u8| u64::from(b) * 0x0101_0101_0101_0101;
        zeros(word ^ splat(b',')) | zeros(word ^ splat(b'\r')) | zeros(word ^ splat(b'\n'))
    }
}

impl Iterator for Delimiters<'_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        while self.found == 0 {
            self.at += 8;
            if self.at >= self.bytes.len() {
                return None;
            }
            self.found = Self::find(self.bytes, self.at);
        }
        let byte = self.found.trailing_zeros() as usize / 8;
        self.found &= self.found - 1;
        Some(self.at + byte)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a reader hands on: each row's line and cells, or an error's
    /// line and message.
    fn seen(text: &[u8], plain: bool) -> Vec<(u64, Result<Vec<String>, String>)> {
        let wanted = ["b", "a", "z"];
        let layout = Layout {
            shown: "t.csv",
            wanted: &wanted,
            positions: vec![Some(1), Some(0), None],
            columns: vec![2, 1, 0],
            fields: 3,
        };
        let mut out = Vec::new();
        let mut each = |r: Record<'_, '_>| {
            out.push(match r {
                Ok(row) => (row.line, Ok(row.cells.iter().map(|c| c.to_string()).chain([(row.text)()]).collect())),
                Err(e) => (e.place.line, Err(e.to_string())),
            });
            Ok(())
        };
        let end = if plain {
            rows(std::str::from_utf8(text).unwrap(), &layout, &mut each)
        } else {
            let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text);
            super::super::csv_table::rows(&mut reader, &layout, &mut each)
        };
        if let Err(e) = end {
            out.push((e.place.line, Err(format!("stop: {e}"))));
        }
        out
    }

    #[test]
    fn delimiters_are_found_wherever_they_are() {
        let text = b"a,bc\r\n,,\xc3\xa9xxxxxxxxxxxxx,\n\x8c,";
        let want: Vec<usize> = (0..text.len()).filter(|i| matches!(text[*i], b',' | b'\r' | b'\n')).collect();
        for skip in 0..text.len() {
            let got: Vec<usize> = Delimiters::new(&text[skip..]).map(|d| d + skip).collect();
            let want: Vec<usize> = want.iter().copied().filter(|d| *d >= skip).collect();
            assert_eq!(got, want, "from {skip}");
        }
        assert_eq!(Delimiters::new(b"").count(), 0);
    }

    #[test]
    fn quote_free_records_read_as_the_csv_crate_reads_them() {
        let fixed: [&[u8]; 8] = [
            b"1,2,3\n4,5,6\n",
            b"1,2,3\r\n\r\n4,5,6\r\n\n\n7,8,9",
            b"\n\r\n1,2,3\r\r4,5,6\r",
            b"1,2\n1,2,3,4\n,,\n ,x , \n",
            b"1,\xc3\xa9,3\n4,\xc3\xa9\xc3\xa9,6\n7,8,9\n",
            b"",
            b"\r\n",
            b"a,b,c",
        ];
        for text in fixed {
            assert_eq!(seen(text, true), seen(text, false), "{:?}", String::from_utf8_lossy(text));
        }
        // Random texts over the bytes that matter, deterministically.
        let alphabet: [&[u8]; 7] = [b"1", b",", b"\r", b"\n", b"\r\n", b" ", b"\xc3\xa9"];
        let mut rng = crate::rng::Rng::new(7);
        for _ in 0..3000 {
            let mut text = Vec::new();
            for _ in 0..rng.range(0, 40) {
                text.extend_from_slice(alphabet[rng.range(0, 7) as usize]);
            }
            assert_eq!(seen(&text, true), seen(&text, false), "{:?}", String::from_utf8_lossy(&text));
        }
    }
}
