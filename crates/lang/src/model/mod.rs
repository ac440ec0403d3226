//! Stage 1: the TOML types (plan files and scenarios) and reading them.
//!
//! Reading keeps spans and reports every shape error it can find (a broken
//! plan or event does not hide the next one). It does not judge meaning;
//! that is `compile`'s job.

mod literal;
mod literal_error;
mod load;
pub mod plan;
pub mod scenario;
mod spanned;

pub(crate) use literal::{AmountLit, DecimalLit, MoneyLit};
pub use load::{MAX_FILE_BYTES, parse_toml, read_source};
pub use spanned::Sp;
