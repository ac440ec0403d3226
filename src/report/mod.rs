//! Stage 4: turning catalogs and ledgers into text people and programs read.

pub mod catalog_json;
