//! cargo-fuzz target: see `pricebook_fuzz::oracles::plan`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| pricebook_fuzz::oracles::plan(data));
