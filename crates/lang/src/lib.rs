//! pricebook-lang: the plan and scenario languages.
//!
//! TOML files are read into spanned raw models ([`model`]), checked and
//! compiled into a validated catalog and scenario scripts ([`compile`]),
//! with every problem collected as a coded diagnostic ([`diag`]). [`replay`]
//! drives the engine through a compiled scenario and checks its expectations.

pub mod compile;
pub mod diag;
pub mod fsutil;
pub mod limits;
pub mod manifest;
pub mod model;
pub mod replay;
pub mod rulebook;
pub mod schema;
pub mod suggest;
