//! Grouping events by account with bounded memory.
//!
//! Events are kept in memory up to a threshold; past it every event goes
//! to one of [`BUCKETS`] temporary files chosen by account number, in a
//! fixed binary form, and each bucket is later read back and replayed on
//! its own (the next one read while one replays). Memory then holds about
//! two buckets at a time: `2 × events / BUCKETS` events, and the bytes of a
//! bucket's file while they are decoded (about half its events' memory).
//! The temporary folder is removed when the [`Partitions`] are dropped.
//!
//! In memory, the events stay in the vectors they were read into (one per
//! piece of a CSV file, [`Partitioner::push_all`]): copying them into one
//! vector cost a pass over every event on one thread. A bucket is then a
//! list of such chunks.

use crate::events::{Event, Use, What};
use chrono::DateTime;
use pricebook_core::calendar::Instant;
use rust_decimal::Decimal;
use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

/// Buckets once events spill to disk.
pub const BUCKETS: u32 = 256;

/// A bucket's events: chunks, in the order they were read.
pub type Chunks = Vec<Vec<Event>>;

/// The first and last time of some events (`None`: no event).
pub type Bounds = Option<(Instant, Instant)>;

/// `bounds` widened to take in `at`.
pub fn widen(bounds: Bounds, at: Instant) -> Bounds {
    Some(bounds.map_or((at, at), |(lo, hi)| (lo.min(at), hi.max(at))))
}

fn join(a: Bounds, b: Bounds) -> Bounds {
    match (a, b) {
        (Some((lo, hi)), Some((l, h))) => Some((lo.min(l), hi.max(h))),
        (a, None) => a,
        (None, b) => b,
    }
}

/// Events gathered so far.
pub struct Partitioner {
    mem: Chunks,
    /// Events in `mem`.
    held: usize,
    threshold: usize,
    spill: Option<Spill>,
    count: u64,
    bounds: Bounds,
}

struct Spill {
    dir: PathBuf,
    writers: Vec<BufWriter<File>>,
}

/// Every event, grouped into buckets by account number.
pub struct Partitions {
    mem: Chunks,
    dir: Option<PathBuf>,
    pub count: u64,
    /// The first and last event's time.
    pub bounds: Bounds,
}

impl Partitioner {
    /// Keeps up to `threshold` events in memory before spilling.
    pub fn new(threshold: usize) -> Partitioner {
        Partitioner { mem: Vec::new(), held: 0, threshold, spill: None, count: 0, bounds: None }
    }

    pub fn push(&mut self, e: Event) -> io::Result<()> {
        self.count += 1;
        self.bounds = widen(self.bounds, e.at);
        if let Some(s) = &mut self.spill {
            return write_event(&mut s.writers[(e.account % BUCKETS) as usize], &e);
        }
        match self.mem.last_mut() {
            Some(chunk) => chunk.push(e),
            None => self.mem.push(vec![e]),
        }
        self.held += 1;
        self.spill_past_threshold()
    }

    /// Takes in `events` at once (whose times lie within `bounds`), kept
    /// as they are while in memory.
    pub fn push_all(&mut self, events: Vec<Event>, bounds: Bounds) -> io::Result<()> {
        self.count += events.len() as u64;
        self.bounds = join(self.bounds, bounds);
        if let Some(s) = &mut self.spill {
            return events.iter().try_for_each(|e| write_event(&mut s.writers[(e.account % BUCKETS) as usize], e));
        }
        self.held += events.len();
        self.mem.push(events);
        self.spill_past_threshold()
    }

    fn spill_past_threshold(&mut self) -> io::Result<()> {
        if self.held > self.threshold {
            self.start_spilling()?;
        }
        Ok(())
    }

    fn start_spilling(&mut self) -> io::Result<()> {
        let dir = temp_dir();
        std::fs::create_dir_all(&dir)?;
        let mut spill = Spill { dir, writers: Vec::with_capacity(BUCKETS as usize) };
        for b in 0..BUCKETS {
            let f = File::create(spill.dir.join(format!("{b}.bin")))?;
            spill.writers.push(BufWriter::with_capacity(1 << 16, f));
        }
        for e in std::mem::take(&mut self.mem).iter().flatten() {
            write_event(&mut spill.writers[(e.account % BUCKETS) as usize], e)?;
        }
        self.held = 0;
        self.spill = Some(spill);
        Ok(())
    }

    pub fn finish(self) -> io::Result<Partitions> {
        match self.spill {
            None => Ok(Partitions { mem: self.mem, dir: None, count: self.count, bounds: self.bounds }),
            Some(mut s) => {
                for w in &mut s.writers {
                    w.flush()?;
                }
                Ok(Partitions { mem: Vec::new(), dir: Some(s.dir), count: self.count, bounds: self.bounds })
            }
        }
    }
}

impl Partitions {
    /// How many buckets there are: 1 when everything fits in memory.
    pub fn buckets(&self) -> u32 {
        if self.dir.is_some() { BUCKETS } else { 1 }
    }

    /// The events of bucket `b` (accounts with `id % buckets() == b`).
    pub fn take(&mut self, b: u32) -> io::Result<Chunks> {
        match self.spilled(b) {
            Some(events) => events,
            None => Ok(std::mem::take(&mut self.mem)),
        }
    }

    /// The events of spilled bucket `b`, read from its file without
    /// changing anything (so the next bucket can be read while one is
    /// replayed); `None` when the events are in memory.
    pub fn spilled(&self, b: u32) -> Option<io::Result<Chunks>> {
        self.dir.as_ref().map(|dir| read_bucket(dir, b).map(|events| vec![events]))
    }

    /// Hands a bucket back after its replay: events kept in memory stay
    /// (for [`Partitions::events_of`]); spilled ones are still on disk.
    pub fn give_back(&mut self, events: Chunks) {
        if self.dir.is_none() {
            self.mem = events;
        }
    }

    /// The events of a few accounts, each in sorted order, without reading
    /// the export again: from memory, or from their buckets' files only.
    pub fn events_of(&self, ids: &[u32]) -> io::Result<Vec<Vec<Event>>> {
        let mut out: Vec<Vec<Event>> = vec![Vec::new(); ids.len()];
        let mut keep = |e: &Event| {
            if let Some(i) = ids.iter().position(|id| *id == e.account) {
                out[i].push(e.clone());
            }
        };
        match &self.dir {
            None => self.mem.iter().flatten().for_each(&mut keep),
            Some(dir) => {
                let mut buckets: Vec<u32> = ids.iter().map(|id| id % BUCKETS).collect();
                buckets.sort_unstable();
                buckets.dedup();
                for b in buckets {
                    read_bucket(dir, b)?.iter().for_each(&mut keep);
                }
            }
        }
        for events in &mut out {
            events.sort();
        }
        Ok(out)
    }
}

impl Drop for Partitions {
    fn drop(&mut self) {
        if let Some(dir) = &self.dir {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// Every event of bucket `b`'s file in `dir`. The file is read whole (its
/// bytes take less memory than its events) and decoded from memory: a
/// dozen small reads per event from a buffered file cost more than the
/// replay of the event.
fn read_bucket(dir: &Path, b: u32) -> io::Result<Vec<Event>> {
    let bytes = std::fs::read(dir.join(format!("{b}.bin")))?;
    let mut r = bytes.as_slice();
    let mut out = Vec::new();
    while let Some(e) = read_event(&mut r)? {
        out.push(e);
    }
    Ok(out)
}

fn temp_dir() -> PathBuf {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    std::env::temp_dir().join(format!("pricebook-backtest-{}-{n}", std::process::id()))
}

fn write_opt(w: &mut impl Write, d: Option<Decimal>) -> io::Result<()> {
    match d {
        Some(d) => {
            w.write_all(&[1])?;
            w.write_all(&d.serialize())
        }
        None => w.write_all(&[0]),
    }
}

fn write_event(w: &mut impl Write, e: &Event) -> io::Result<()> {
    w.write_all(&e.account.to_le_bytes())?;
    w.write_all(&e.at.timestamp().to_le_bytes())?;
    w.write_all(&e.at.timestamp_subsec_nanos().to_le_bytes())?;
    match &e.what {
        What::Buy { pack, credits, amount } => {
            w.write_all(&[0])?;
            w.write_all(&pack.to_le_bytes())?;
            write_opt(w, *credits)?;
            write_opt(w, *amount)
        }
        What::Use(u) => {
            w.write_all(&[1])?;
            w.write_all(&u.rate.map_or(u32::MAX, |r| r).to_le_bytes())?;
            w.write_all(&u.variant.map_or(u32::MAX, |v| v).to_le_bytes())?;
            write_opt(w, u.requests)?;
            w.write_all(&u.input_tokens.to_le_bytes())?;
            w.write_all(&u.output_tokens.to_le_bytes())?;
            write_opt(w, u.minutes)?;
            write_opt(w, u.units)?;
            write_opt(w, u.credits)
        }
    }
}

fn bytes<const N: usize>(r: &mut impl Read) -> io::Result<[u8; N]> {
    let mut b = [0u8; N];
    r.read_exact(&mut b)?;
    Ok(b)
}

fn read_opt(r: &mut impl Read) -> io::Result<Option<Decimal>> {
    match bytes::<1>(r)?[0] {
        0 => Ok(None),
        _ => Ok(Some(Decimal::deserialize(bytes::<16>(r)?))),
    }
}

fn corrupt() -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, "a temporary spill file is damaged")
}

fn read_event(r: &mut impl Read) -> io::Result<Option<Event>> {
    let mut first = [0u8; 4];
    match r.read_exact(&mut first) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e),
    }
    let account = u32::from_le_bytes(first);
    let secs = i64::from_le_bytes(bytes(r)?);
    let nanos = u32::from_le_bytes(bytes(r)?);
    let at = DateTime::from_timestamp(secs, nanos).ok_or_else(corrupt)?;
    let what = match bytes::<1>(r)?[0] {
        0 => {
            let pack = u32::from_le_bytes(bytes(r)?);
            What::Buy { pack, credits: read_opt(r)?, amount: read_opt(r)? }
        }
        1 => {
            let rate = u32::from_le_bytes(bytes(r)?);
            let variant = u32::from_le_bytes(bytes(r)?);
            What::Use(Use {
                rate: (rate != u32::MAX).then_some(rate),
                variant: (variant != u32::MAX).then_some(variant),
                requests: read_opt(r)?,
                input_tokens: u64::from_le_bytes(bytes(r)?),
                output_tokens: u64::from_le_bytes(bytes(r)?),
                minutes: read_opt(r)?,
                units: read_opt(r)?,
                credits: read_opt(r)?,
            })
        }
        _ => return Err(corrupt()),
    };
    Ok(Some(Event { account, at, what }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::dec;

    fn event(account: u32, secs: i64) -> Event {
        let at = DateTime::from_timestamp(secs, 5).unwrap();
        let what = if account.is_multiple_of(2) {
            // Both amounts of a purchase, and (below) every quantity of a
            // usage, on some accounts: the longest records a spill holds.
            What::Buy { pack: 3, credits: Some(dec!(12.5)), amount: account.is_multiple_of(4).then_some(dec!(9.99)) }
        } else {
            What::Use(Use {
                rate: Some(7),
                variant: account.is_multiple_of(3).then_some(2),
                requests: account.is_multiple_of(5).then_some(dec!(3)),
                input_tokens: 1200,
                output_tokens: 3,
                minutes: Some(dec!(0.25)),
                units: Some(dec!(1234.5)),
                credits: account.is_multiple_of(5).then_some(dec!(0.125)),
            })
        };
        Event { account, at, what }
    }

    #[test]
    fn spilled_events_come_back_whole_in_their_buckets() {
        let mut p = Partitioner::new(10);
        let events: Vec<Event> = (0..1000).map(|i| event(i % 300, 1_700_000_000 + i64::from(i))).collect();
        for e in &events {
            p.push(e.clone()).unwrap();
        }
        let mut parts = p.finish().unwrap();
        assert_eq!(parts.buckets(), BUCKETS);
        let dir = parts.dir.clone().unwrap();
        let mut back = Vec::new();
        for b in 0..BUCKETS {
            let bucket = parts.take(b).unwrap().concat();
            assert!(bucket.iter().all(|e| e.account % BUCKETS == b));
            back.extend(bucket);
        }
        let mut want = events;
        want.sort();
        back.sort();
        assert_eq!(back, want);
        drop(parts);
        assert!(!dir.exists(), "the spill folder is removed");
    }

    #[test]
    fn a_few_accounts_events_come_back_sorted_from_memory_or_disk() {
        for threshold in [10, 10_000] {
            let mut p = Partitioner::new(threshold);
            let events: Vec<Event> = (0..1000).rev().map(|i| event(i % 300, 1_700_000_000 + i64::from(i))).collect();
            for e in &events {
                p.push(e.clone()).unwrap();
            }
            let mut parts = p.finish().unwrap();
            for b in 0..parts.buckets() {
                let bucket = parts.take(b).unwrap();
                parts.give_back(bucket);
            }
            let got = parts.events_of(&[7, 257, 299]).unwrap();
            for (id, evs) in [7, 257, 299].iter().zip(&got) {
                let mut want: Vec<Event> = events.iter().filter(|e| e.account == *id).cloned().collect();
                want.sort();
                assert!(!want.is_empty());
                assert_eq!(evs, &want, "account {id}, threshold {threshold}");
            }
        }
    }

    #[test]
    fn chunks_and_single_events_gather_alike_in_memory_and_spilled() {
        let events: Vec<Event> = (0..1000).map(|i| event(i % 300, 1_700_000_000 + i64::from(i * 7 % 1000))).collect();
        let at = |secs| DateTime::from_timestamp(secs, 5).unwrap();
        for threshold in [10, 10_000] {
            let mut p = Partitioner::new(threshold);
            for (n, chunk) in events.chunks(37).enumerate() {
                if n % 3 == 0 {
                    chunk.iter().for_each(|e| p.push(e.clone()).unwrap());
                } else {
                    let bounds = chunk.iter().fold(None, |b, e| widen(b, e.at));
                    p.push_all(chunk.to_vec(), bounds).unwrap();
                }
            }
            let mut parts = p.finish().unwrap();
            assert_eq!((parts.count, parts.bounds), (1000, Some((at(1_700_000_000), at(1_700_000_999)))));
            let mut back = Vec::new();
            for b in 0..parts.buckets() {
                back.extend(parts.take(b).unwrap().concat());
            }
            let mut want = events.clone();
            want.sort();
            back.sort();
            assert_eq!(back, want, "threshold {threshold}");
        }
    }

    #[test]
    fn few_events_stay_in_memory() {
        let mut p = Partitioner::new(10);
        p.push(event(1, 1_700_000_000)).unwrap();
        let mut parts = p.finish().unwrap();
        assert_eq!(parts.buckets(), 1);
        assert_eq!(parts.take(0).unwrap().concat().len(), 1);
    }
}
