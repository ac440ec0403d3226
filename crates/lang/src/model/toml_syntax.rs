//! TOML syntax errors as diagnostics: the one place that reads toml's
//! English.
//!
//! Why it matches wording: neither `toml` nor the `toml_parser` under it
//! gives a syntax error a kind. `toml::de::Error` is a message and a span;
//! `toml_parser::ParseError` has a free-text `description` ("unclosed
//! table") and a list of expected tokens, but no enum to match on, and
//! duplicate keys and nesting limits are raised by `toml` itself as text.
//! So [`Syntax::recognise`] matches the messages, and the tests below feed
//! each recognised error's real input through toml: an upgrade that
//! rewords one fails its test instead of quietly degrading the diagnostic
//! to toml's raw message.

use super::load::caret_span;
use crate::diag::{Code, Diagnostics, FileId};

/// A syntax error pricebook has its own words for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Syntax {
    DuplicateKey,
    TooDeep,
    UnquotedString,
    UnclosedArrayTable,
    UnclosedTable,
    UnclosedMultiLineString,
    UnclosedString,
    MissingArrayComma,
    MissingInlineTableComma,
    TextAfterValue,
    LeadingZero,
    KeyWithoutValue,
}

impl Syntax {
    /// The kind of toml's message `what` (before ", expected ..."), given
    /// what toml expected instead.
    fn recognise(what: &str, expected: Option<&str>) -> Option<Syntax> {
        Some(if what.starts_with("duplicate key") {
            Syntax::DuplicateKey
        } else if what.contains("recurse") {
            Syntax::TooDeep
        } else if what.contains("string values must be quoted") {
            Syntax::UnquotedString
        } else if what.contains("unclosed array table") {
            Syntax::UnclosedArrayTable
        } else if what.contains("unclosed table") {
            Syntax::UnclosedTable
        } else if what.contains("multi-line") {
            Syntax::UnclosedMultiLineString
        } else if what.contains("string") && expected.is_some_and(|x| x.contains('"') || x.contains('\'')) {
            Syntax::UnclosedString
        } else if what.contains("missing comma between array elements") {
            Syntax::MissingArrayComma
        } else if what.contains("missing comma between key-value pairs") {
            Syntax::MissingInlineTableComma
        } else if what.contains("unexpected key or value") {
            Syntax::TextAfterValue
        } else if what.contains("leading zero") {
            Syntax::LeadingZero
        } else if what.contains("key with no value") {
            Syntax::KeyWithoutValue
        } else {
            return None;
        })
    }

    /// Message and hint; `at` is the text under the caret, `line` its line.
    fn words(self, what: &str, at: &str, line: &str) -> (String, String) {
        match self {
            Syntax::DuplicateKey => (
                format!("`{at}` is defined twice"),
                if line.trim_start().starts_with("[[") {
                    format!(
                        "a list of tables has a `[[{at}]]` header for every item; an earlier `[{at}]` or `{at} = ...` makes it something else"
                    )
                } else {
                    "a key or table may appear only once; remove one of them, or merge them".to_string()
                },
            ),
            Syntax::TooDeep => (
                "this value is nested too deeply".to_string(),
                "plan files nest a few levels at most; look for unbalanced `[` or `{`".to_string(),
            ),
            Syntax::UnquotedString => {
                let word = line.split_once('=').map(|(k, v)| format!("`{} = \"{}\"`", k.trim(), v.trim()));
                (
                    "text must be in quotes".to_string(),
                    match word {
                        Some(w) if !line.trim_end().ends_with('=') => format!("write {w}"),
                        _ => "write a value after `=`, e.g. name = \"Acme\"".to_string(),
                    },
                )
            }
            Syntax::UnclosedArrayTable => (
                "this `[[...]]` header is not closed".to_string(),
                "write one item of a list of tables as `[[name]]`, e.g. [[plans]]".to_string(),
            ),
            Syntax::UnclosedTable => (
                "this `[...]` header is not closed".to_string(),
                "write a table header as `[name]`, e.g. [catalog]".to_string(),
            ),
            Syntax::UnclosedMultiLineString => (
                "this multi-line string is never closed".to_string(),
                "end it with the three quotes it started with (\"\"\" or \'\'\')".to_string(),
            ),
            Syntax::UnclosedString => (
                "this string is not closed before the end of the line".to_string(),
                "end it with the quote it started with; for text on several lines use \"\"\"...\"\"\"".to_string(),
            ),
            Syntax::MissingArrayComma => {
                (what.to_string(), "separate array elements with `,` and close the array with `]`".to_string())
            }
            Syntax::MissingInlineTableComma => (
                what.to_string(),
                "separate the pairs of an inline table with `,` and close it with `}` on the same line".to_string(),
            ),
            Syntax::TextAfterValue => (
                "unexpected text after a value".to_string(),
                "put each `key = value` on a line of its own; a comment starts with `#`".to_string(),
            ),
            Syntax::LeadingZero => (
                "a number starts with a zero".to_string(),
                "write numbers without leading zeros (`1`, not `01`)".to_string(),
            ),
            Syntax::KeyWithoutValue => {
                ("a key needs `=` and a value".to_string(), "write `key = value`, e.g. name = \"Acme\"".to_string())
            }
        }
    }
}

/// A TOML syntax error: toml's message, split into what is wrong and a hint.
pub(super) fn report_syntax(e: &toml::de::Error, text: &str, file: FileId, diags: &mut Diagnostics) {
    let span = caret_span(text, e.span().unwrap_or(0..0));
    let raw = e.message().trim();
    let (what, expected) = match raw.split_once(", expected ") {
        Some((w, x)) => (w.trim(), Some(x.trim())),
        None => (raw, None),
    };
    let at = text.get(span.clone()).unwrap_or("");
    let line = line_at(text, span.start);
    let (message, help) = match Syntax::recognise(what, expected) {
        Some(syntax) => syntax.words(what, at, line),
        None => (
            what.to_string(),
            match expected {
                Some("nothing") => "remove this character".to_string(),
                Some(x) => format!("expected {x} here"),
                None => "see https://toml.io for how TOML is written".to_string(),
            },
        ),
    };
    diags.report(Code::TomlSyntax, file, span, message).with_help(help);
}

/// The line that holds `offset`, without its line break.
fn line_at(text: &str, offset: usize) -> &str {
    let offset = offset.min(text.len());
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    text[start..end].trim_end_matches('\r')
}

#[cfg(test)]
mod tests {
    use super::Syntax;
    use toml::de::DeTable;

    /// What toml's error for `text` is recognised as.
    fn recognised(text: &str) -> Option<Syntax> {
        let e = DeTable::parse(text).expect_err("the input is broken");
        let raw = e.message().trim();
        let (what, expected) = match raw.split_once(", expected ") {
            Some((w, x)) => (w.trim(), Some(x.trim())),
            None => (raw, None),
        };
        let kind = Syntax::recognise(what, expected);
        // Shown when a test fails: toml's current wording.
        println!("{raw}");
        kind
    }

    #[test]
    fn duplicate_key() {
        assert_eq!(recognised("a = 1\na = 2\n"), Some(Syntax::DuplicateKey));
    }

    #[test]
    fn too_deep() {
        let text = format!("a = {}1{}\n", "[".repeat(200), "]".repeat(200));
        assert_eq!(recognised(&text), Some(Syntax::TooDeep));
    }

    #[test]
    fn unquoted_string() {
        assert_eq!(recognised("name = Acme\n"), Some(Syntax::UnquotedString));
    }

    #[test]
    fn unclosed_array_table() {
        assert_eq!(recognised("[[plans]\n"), Some(Syntax::UnclosedArrayTable));
    }

    #[test]
    fn unclosed_table() {
        assert_eq!(recognised("[catalog\n"), Some(Syntax::UnclosedTable));
    }

    #[test]
    fn unclosed_multi_line_string() {
        assert_eq!(recognised("a = \"\"\"\nnever closed\n"), Some(Syntax::UnclosedMultiLineString));
    }

    #[test]
    fn unclosed_string() {
        assert_eq!(recognised("a = \"open\n"), Some(Syntax::UnclosedString));
    }

    #[test]
    fn missing_array_comma() {
        assert_eq!(recognised("a = [1 \"x\"]\n"), Some(Syntax::MissingArrayComma));
    }

    #[test]
    fn missing_inline_table_comma() {
        assert_eq!(recognised("a = { b = 1 \"c\" = 2 }\n"), Some(Syntax::MissingInlineTableComma));
    }

    #[test]
    fn text_after_value() {
        assert_eq!(recognised("a = 1 \"b\"\n"), Some(Syntax::TextAfterValue));
    }

    #[test]
    fn leading_zero() {
        assert_eq!(recognised("a = 01\n"), Some(Syntax::LeadingZero));
    }

    #[test]
    fn key_without_value() {
        assert_eq!(recognised("a\n"), Some(Syntax::KeyWithoutValue));
    }

    /// A message it does not know is not forced into a kind.
    #[test]
    fn unknown_messages_are_not_recognised() {
        assert_eq!(Syntax::recognise("something new", None), None);
    }
}
