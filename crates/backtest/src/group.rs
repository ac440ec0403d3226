//! A bucket's events grouped by account, each account's in replay order.
//!
//! Sorting a whole bucket (millions of events, compared field by field)
//! cost more than a tenth of a backtest. Accounts are instead grouped by a
//! counting sort on their number (one pass, stable, indices only), and each
//! account's events are put in order on their own, on the thread that
//! replays them: exports are nearly always in time order already, so that
//! is one pass checking it, and a sort of a few hundred events otherwise.

use crate::events::Event;

/// Which events of a bucket (a list of chunks) belong to each of its accounts.
pub(crate) struct Groups {
    /// (Chunk, index) of events, account by account, in the bucket's order
    /// within one.
    order: Vec<(u32, u32)>,
    /// Where each account's indices start in `order`, plus the end.
    starts: Vec<usize>,
}

impl Groups {
    /// Groups the events of a bucket holding the accounts numbered
    /// `bucket + k × buckets`; account `bucket + k × buckets` is group `k`.
    pub(crate) fn new(events: &[Vec<Event>], buckets: u32, accounts: usize) -> Groups {
        let group = |e: &Event| (e.account / buckets) as usize;
        let mut starts = vec![0usize; accounts + 1];
        for e in events.iter().flatten() {
            starts[group(e) + 1] += 1;
        }
        for k in 1..starts.len() {
            starts[k] += starts[k - 1];
        }
        let mut next = starts.clone();
        let mut order = vec![(0u32, 0u32); starts[accounts]];
        for (c, chunk) in events.iter().enumerate() {
            for (i, e) in chunk.iter().enumerate() {
                let slot = &mut next[group(e)];
                order[*slot] = (c as u32, i as u32);
                *slot += 1;
            }
        }
        Groups { order, starts }
    }

    /// How many events group `k` has.
    pub(crate) fn len(&self, k: usize) -> usize {
        self.starts[k + 1] - self.starts[k]
    }

    /// Group `k`'s events, sorted (account, time, kind, content), in `into`.
    /// The sort compares each event's whole seconds as one plain integer;
    /// only events in the same second (rare: exports are mostly in
    /// seconds, and seldom twice in one) compare nanoseconds, then the
    /// events themselves. The events are copied once, in order.
    pub(crate) fn sorted(&self, k: usize, events: &[Vec<Event>], into: &mut Vec<Event>) {
        let mine = &self.order[self.starts[k]..self.starts[k + 1]];
        let event = |j: u32| {
            let (c, i) = mine[j as usize];
            &events[c as usize][i as usize]
        };
        // Seconds with the sign bit flipped: ordered as unsigned integers
        // as the seconds are as signed ones.
        let second = |e: &Event| (e.at.timestamp() as u64) ^ (1 << 63);
        let mut keys: Vec<(u64, u32)> = (0..mine.len() as u32).map(|j| (second(event(j)), j)).collect();
        // Strictly increasing seconds (most exports) need no sort.
        if !keys.windows(2).all(|w| w[0].0 < w[1].0) {
            keys.sort_unstable_by_key(|key| key.0);
            // Within one second: by nanoseconds, then content (equal content
            // at the same instant is the same event), so any row order
            // replays the same.
            let finer = |x: &(u64, u32), y: &(u64, u32)| {
                let (a, b) = (event(x.1), event(y.1));
                (a.at.timestamp_subsec_nanos(), &a.what).cmp(&(b.at.timestamp_subsec_nanos(), &b.what))
            };
            for run in keys.chunk_by_mut(|x, y| x.0 == y.0).filter(|run| run.len() > 1) {
                run.sort_unstable_by(finer);
            }
        }
        into.clear();
        into.extend(keys.iter().map(|key| event(key.1).clone()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::{Use, What};
    use chrono::DateTime;

    fn event(account: u32, secs: i64, rate: u32) -> Event {
        at(account, (secs, 0), rate)
    }

    fn at(account: u32, (secs, nanos): (i64, u32), rate: u32) -> Event {
        let at = DateTime::from_timestamp(secs, nanos).unwrap();
        Event { account, at, what: What::Use(Use { rate: Some(rate), ..Use::default() }) }
    }

    #[test]
    fn each_account_gets_its_events_sorted_whatever_the_input_order() {
        // Bucket 1 of 3 holds accounts 1, 4 and 7 (groups 0, 1, 2).
        let events = vec![
            event(4, 20, 0),
            event(1, 30, 2),
            event(4, 10, 0),
            event(7, 5, 1),
            event(1, 30, 0), // same instant as an earlier row: content decides, not row order
            event(7, 5, 0),
            event(1, 1, 0),
            // The same second, later: nanoseconds decide before content.
            at(7, (5, 500), 0),
            at(7, (5, 400), 3),
            // Before 1970: negative seconds come first.
            event(4, -10, 0),
        ];
        let mut want = events.clone();
        want.sort();
        // One chunk, or the same events cut into chunks (some empty): the same groups.
        let cuts =
            [vec![events.clone()], vec![events[..2].to_vec(), Vec::new(), events[2..3].to_vec(), events[3..].to_vec()]];
        for chunks in cuts {
            let groups = Groups::new(&chunks, 3, 3);
            let mut got = Vec::new();
            let mut all = Vec::new();
            for k in 0..3 {
                groups.sorted(k, &chunks, &mut got);
                assert!(got.iter().all(|e| e.account == 1 + 3 * k as u32), "group {k}: {got:?}");
                assert_eq!(groups.len(k), got.len());
                all.extend(got.iter().cloned());
            }
            assert_eq!(all, want, "{} chunks", chunks.len());
        }
    }

    #[test]
    fn an_account_without_events_has_an_empty_group() {
        let events = vec![event(2, 10, 0), event(0, 5, 0)];
        let events = vec![events];
        let groups = Groups::new(&events, 1, 3);
        let mut got = vec![event(9, 9, 9)];
        groups.sorted(1, &events, &mut got);
        assert!(got.is_empty());
        assert_eq!(groups.len(1), 0);
        groups.sorted(2, &events, &mut got);
        assert_eq!(got, vec![event(2, 10, 0)]);
    }
}
