//! Escaping by output kind: user-written text (names, titles, ids,
//! descriptions, file names) is data, never markup or terminal control.
//!
//! One module per kind, used by every renderer of that kind:
//! - [`markdown`]: docs `.md` pages (through the template environment's
//!   formatter) and `diff --format markdown` (the pull-request comment);
//! - [`terminal`]: `run`, `test` and `diff` text and the ledger table;
//! - HTML: minijinja's own auto-escaping of `*.html.j2` templates (see
//!   `report::docs::templates::environment`), unchanged.
//!
//! JSON output needs none of this: serde_json escapes strings itself.

pub mod markdown;
pub mod terminal;
