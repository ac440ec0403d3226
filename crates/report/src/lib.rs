//! pricebook-report: what people and billing systems read.
//!
//! Ledgers as tables and JSON, the canonical catalog JSON, and customer docs
//! rendered through minijinja templates. Renderers only read: figures come
//! from the catalog and from engine runs, never from arithmetic of their own.

pub mod docs;
pub mod escape;
pub mod ledger_json;
pub mod ledger_table;
