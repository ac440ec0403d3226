//! A fast hash for the short names an export repeats millions of times
//! (account, feature, model): each row looks its names up, and the
//! standard SipHash cost more than parsing the rest of the row.
//!
//! The multiply-rotate scheme of rustc's `FxHasher`. It is not meant to
//! resist crafted collisions: the names come from the user's own export.
//! Maps keyed with it are only looked up, never iterated into output.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A `HashMap` with [`FastHasher`].
pub(crate) type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FastHasher>>;

#[derive(Clone, Copy, Default)]
pub(crate) struct FastHasher(u64);

impl FastHasher {
    fn mix(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(c);
            self.mix(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            // Byte by byte: a copy of a length not known when compiling is
            // a call to `memcpy`, which cost more than the hash.
            let word = rest.iter().rev().fold(0u64, |w, b| (w << 8) | u64::from(*b));
            self.mix(word);
        }
        // The length, so names that differ only by trailing zero bytes differ.
        self.mix(bytes.len() as u64);
    }

    fn write_u8(&mut self, i: u8) {
        self.mix(u64::from(i));
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::BuildHasher;

    #[test]
    fn names_that_differ_hash_apart_and_look_up_exactly() {
        let mut m: FastMap<String, u32> = FastMap::default();
        for i in 0..10_000u32 {
            m.insert(format!("acct-{i:07}"), i);
        }
        assert_eq!(m.get("acct-0001234"), Some(&1234));
        assert_eq!(m.get("acct-001234"), None);
        let h = |s: &str| BuildHasherDefault::<FastHasher>::default().hash_one(s);
        assert_ne!(h("acct-00000001"), h("acct-00000002"));
        assert_ne!(h("ab"), h("ab\0"), "the length is hashed, so zero padding loses nothing");
    }
}
