//! `--skip-invalid`: a row that cannot be read is set aside with its
//! reason instead of stopping the run. Only rows are skipped: a file that
//! cannot be read at all (missing, not its format, no such column) still
//! stops the run, since skipping every row of it would hide a mistake.

use crate::error::InputError;

/// What to do with a row that cannot be read.
pub enum OnBad<'a> {
    /// Stop at the first one (the default).
    Stop,
    /// Keep going; every skipped row is listed here, in reading order.
    Skip(&'a mut Vec<InputError>),
}

impl OnBad<'_> {
    /// Whether bad rows are skipped rather than stopping the run.
    pub(crate) fn skips(&self) -> bool {
        matches!(self, OnBad::Skip(_))
    }

    /// A row's value, `None` when the row is skipped, or the error that stops the run.
    pub(crate) fn keep<T>(&mut self, row: Result<T, InputError>) -> Result<Option<T>, InputError> {
        match (row, self) {
            (Ok(v), _) => Ok(Some(v)),
            (Err(mut e), OnBad::Skip(list)) => {
                // The reason names the value; the row's text would only cost memory.
                e.place.text.clear();
                list.push(e);
                Ok(None)
            }
            (Err(e), OnBad::Stop) => Err(e),
        }
    }
}
