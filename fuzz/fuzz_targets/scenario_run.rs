//! cargo-fuzz target: see `pricebook_fuzz::oracles::scenario`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| pricebook_fuzz::oracles::scenario(data));
