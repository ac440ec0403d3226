//! cargo-fuzz target: see `pricebook_fuzz::oracles::template`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| pricebook_fuzz::oracles::template(data));
