//! pricebook-core: the vocabulary every other layer shares.
//!
//! Money and credits as checked decimals ([`money`]), the calendar of cycles
//! and periods ([`calendar`]), the validated [`catalog::Catalog`] with its
//! [`policy`] enums, and how amounts print ([`format`]). No file formats, no
//! I/O: the engine depends on this crate alone.

pub mod billing;
pub mod calendar;
pub mod catalog;
pub mod catalog_json;
pub mod format;
pub mod money;
pub mod policy;
