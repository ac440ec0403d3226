//! Why a literal (decimal, money, duration, share) did not read, as data.
//!
//! serde's error type carries only text, so a literal that fails records its
//! [`LiteralError`] here as well; `load` takes it back to pick the diagnostic
//! code and the hint, instead of parsing them out of the message.

use std::cell::RefCell;
use std::fmt;

/// The kind of literal that was being read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Literal {
    Decimal,
    Money,
    Duration,
}

/// One literal's error. The wording lives in [`LiteralError::message`] and
/// [`LiteralError::hint`]; `Display` joins them for serde.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum LiteralError {
    /// A TOML float where `what` must be a string.
    Float { value: f64, what: &'static str },
    /// An integer wider than TOML's 64 bits.
    WideInteger { written: String },
    /// A bare number where `what` needs a unit.
    BareNumber { written: String, what: &'static str },
    /// Text that does not read as the literal; `hint` when the parser had one.
    Invalid { literal: Literal, message: String, hint: Option<String> },
}

impl LiteralError {
    /// A parser's "message; hint" text (our own parsers' convention) as an error.
    pub(crate) fn invalid(literal: Literal, text: &str) -> Self {
        let (message, hint) = match text.split_once("; ") {
            Some((m, h)) => (m.to_string(), Some(h.to_string())),
            None => (text.to_string(), None),
        };
        LiteralError::Invalid { literal, message, hint }
    }

    pub(crate) fn message(&self) -> String {
        match self {
            // `{value:?}` keeps the written form's decimal point ("500.0"), so
            // the message quotes what the user sees in the file.
            LiteralError::Float { value, .. } => format!("{value:?} is a TOML float"),
            LiteralError::WideInteger { written } => {
                format!("{written} is larger than a TOML integer can hold (64 bits)")
            }
            LiteralError::BareNumber { written, .. } => format!("{written} is a number without a unit"),
            LiteralError::Invalid { message, .. } => message.clone(),
        }
    }

    pub(crate) fn hint(&self) -> String {
        match self {
            LiteralError::Float { value, what } => {
                format!("write {what} as a string, e.g. \"{value}\", so no precision is lost")
            }
            LiteralError::WideInteger { written } => format!("write it as a string, e.g. \"{written}\""),
            LiteralError::BareNumber { written, what } => {
                format!("write {what} as a string with a unit, e.g. \"{written} days\"")
            }
            LiteralError::Invalid { hint: Some(h), .. } => h.clone(),
            LiteralError::Invalid { hint: None, .. } => "run `pricebook schema` to see what each key takes".to_string(),
        }
    }

    /// Records this error for [`take_last`] and hands serde its text.
    pub(crate) fn raise<E: serde::de::Error>(self) -> E {
        let text = self.to_string();
        LAST.with(|last| *last.borrow_mut() = Some(self));
        E::custom(text)
    }
}

impl fmt::Display for LiteralError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}; {}", self.message(), self.hint())
    }
}

thread_local! {
    /// The last literal error raised on this thread (deserialising is single-threaded).
    static LAST: RefCell<Option<LiteralError>> = const { RefCell::new(None) };
}

/// The last literal error raised on this thread, cleared. `load` clears it
/// before each pass and keeps it only when serde's message is its text: an
/// error a caller recovered from (an untagged enum trying another shape)
/// must not stand for a later one.
pub(crate) fn take_last() -> Option<LiteralError> {
    LAST.with(|last| last.borrow_mut().take())
}
