//! Stage 4: turning catalogs and ledgers into text people and programs read.

pub mod catalog_json;
pub mod docs;
pub mod format;
pub mod ledger_json;
pub mod ledger_table;
