//! One account's agenda: the moments at which something falls due for it
//! (usage resets, expiries, rollovers, settlements, activations, trial
//! ends, cycle starts). Each account keeps its own, so accounts never share
//! a clock and can be run on any thread or machine in any order.

use crate::command::{LotId, PurchaseId};
use pricebook_core::calendar::Instant;
use serde::{Deserialize, Serialize};

/// What falls due.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Scheduled {
    Expire(LotId),
    Boundary(LotId),
    /// The account's periodic usage reset.
    Reset,
    Settle(PurchaseId),
    Activate(LotId),
    /// A trial's end, for the account generation that started it.
    TrialEnd(u32),
    /// A cycle start, for the account generation that scheduled it.
    Cycle(u32),
}

impl Scheduled {
    /// At one instant a usage reset runs first (a grant's own recurrence
    /// at the same moment then refills what the reset kept), then expiries
    /// before settlements, activations, trial ends and cycle starts: a
    /// grant is active on `[effective, expiry)`.
    fn phase(self) -> u8 {
        match self {
            Scheduled::Reset => 0,
            Scheduled::Expire(_) | Scheduled::Boundary(_) => 1,
            Scheduled::Settle(_) => 2,
            Scheduled::Activate(_) => 3,
            Scheduled::TrialEnd(_) => 4,
            Scheduled::Cycle(_) => 5,
        }
    }
}

/// Where an entry sorts: time, then phase, then the order it was scheduled in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Due {
    pub at: Instant,
    pub phase: u8,
    pub seq: u32,
}

/// Entries kept sorted latest first, so the next one pops off the end.
/// An account has a handful at a time; a sorted `Vec` beats a heap there
/// and serialises as a plain list.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Agenda {
    entries: Vec<(Due, Scheduled)>,
    seq: u32,
}

impl Agenda {
    pub fn schedule(&mut self, at: Instant, what: Scheduled) {
        self.seq = self.seq.wrapping_add(1);
        let due = Due { at, phase: what.phase(), seq: self.seq };
        let ix = self.entries.partition_point(|(d, _)| *d > due);
        self.entries.insert(ix, (due, what));
    }

    /// The next entry, if it is due at or before `until`.
    #[inline]
    pub fn pop_due(&mut self, until: Instant) -> Option<(Instant, Scheduled)> {
        match self.entries.last() {
            Some((due, _)) if due.at <= until => self.entries.pop().map(|(d, w)| (d.at, w)),
            _ => None,
        }
    }

    /// Whether an entry falls due at or before `until`.
    #[inline]
    pub fn due_by(&self, until: Instant) -> bool {
        self.entries.last().is_some_and(|(due, _)| due.at <= until)
    }

    /// When the next entry falls due, and its phase.
    pub fn next(&self) -> Option<(Instant, u8)> {
        self.entries.last().map(|(d, _)| (d.at, d.phase))
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}
