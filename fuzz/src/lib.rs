//! The fuzz targets' bodies, shared with the repository's bounded smoke
//! test (`tests/fuzz_smoke.rs` includes `oracles.rs`), which runs them
//! over the corpus on the stable toolchain.

#[path = "oracles.rs"]
pub mod oracles;
