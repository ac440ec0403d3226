//! Reading a TOML file into a raw model, reporting every shape error.
//!
//! serde stops at the first error. To report more, a failing element of a
//! top-level array (a plan, a pack, an event) is removed and the file is
//! deserialised again, until it succeeds or the error is not inside such an
//! element. The partial result is thrown away: a file with shape errors
//! never reaches the semantic checks, so they cannot cascade.

use crate::diag::{Code, Diagnostics, FileId};
use crate::suggest;
use serde::de::DeserializeOwned;
use std::ops::Range;
use std::path::Path;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// Files larger than this are refused rather than parsed.
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// Reading stops after this many shape errors in one file.
const MAX_ERRORS: usize = 50;

/// Reads a file as UTF-8 text, or says why it cannot be used.
pub fn read_source(path: &Path) -> Result<String, (Code, String)> {
    let meta = std::fs::metadata(path).map_err(|e| (Code::Io, format!("cannot read {}: {e}", path.display())))?;
    if meta.len() > MAX_FILE_BYTES {
        return Err((
            Code::FileTooLarge,
            format!("{} is {} bytes; pricebook reads files up to {} bytes", path.display(), meta.len(), MAX_FILE_BYTES),
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| (Code::Io, format!("cannot read {}: {e}", path.display())))?;
    String::from_utf8(bytes).map_err(|e| {
        (
            Code::NotUtf8,
            format!("{} is not UTF-8 text (invalid byte at offset {})", path.display(), e.utf8_error().valid_up_to()),
        )
    })
}

/// Parses `text` into `T`, reporting syntax and shape errors into `diags`.
pub fn parse_toml<T: DeserializeOwned>(text: &str, file: FileId, diags: &mut Diagnostics) -> Option<T> {
    let mut root = match DeTable::parse(text) {
        Ok(root) => root,
        Err(e) => {
            report(&e, text, file, diags, Code::TomlSyntax);
            return None;
        }
    };
    root.get_mut().make_owned();
    let mut errors = 0;
    loop {
        let de = toml::de::Deserializer::from(root.clone());
        match T::deserialize(de) {
            Ok(value) if errors == 0 => return Some(value),
            Ok(_) => return None,
            Err(e) => {
                errors += 1;
                report(&e, text, file, diags, Code::WrongType);
                let removed = e.span().is_some_and(|span| remove_element_at(root.get_mut(), &span));
                if !removed || errors >= MAX_ERRORS {
                    return None;
                }
            }
        }
    }
}

/// Removes the element of a top-level array that contains `span`.
fn remove_element_at<'i>(root: &mut DeTable<'i>, span: &Range<usize>) -> bool {
    for (_, value) in root.iter_mut() {
        if let DeValue::Array(items) = value.get_mut() {
            let hit = items.iter().position(|item: &Spanned<DeValue<'i>>| contains(&extent(item), span));
            if let Some(index) = hit {
                let old = std::mem::replace(items, toml::de::DeArray::new());
                *items = old.into_iter().enumerate().filter_map(|(i, item)| (i != index).then_some(item)).collect();
                return true;
            }
        }
    }
    false
}

/// The bytes a value covers, nested keys and values included. (The span of
/// a `[[table]]` element is only its header.)
fn extent(value: &Spanned<DeValue<'_>>) -> Range<usize> {
    let mut range = value.span();
    let mut widen = |r: Range<usize>| {
        range.start = range.start.min(r.start);
        range.end = range.end.max(r.end);
    };
    match value.get_ref() {
        DeValue::Table(table) => {
            for (k, v) in table.iter() {
                widen(k.span());
                widen(extent(v));
            }
        }
        DeValue::Array(items) => {
            for item in items.iter() {
                widen(extent(item));
            }
        }
        _ => {}
    }
    range
}

fn contains(outer: &Range<usize>, inner: &Range<usize>) -> bool {
    outer.start <= inner.start && inner.start < outer.end.max(outer.start + 1)
}

/// Turns a toml/serde error into a diagnostic with a code and a hint.
fn report(e: &toml::de::Error, text: &str, file: FileId, diags: &mut Diagnostics, fallback: Code) {
    let span = e.span().unwrap_or(0..0);
    let span = if span.is_empty() && span.start < text.len() {
        span.start..span.start + text[span.start..].chars().next().map_or(1, char::len_utf8)
    } else {
        span
    };
    let raw = e.message().trim();
    let (code, message, help) = classify(raw, fallback);
    let d = diags.report(code, file, span, message);
    if let Some(help) = help {
        d.with_help(help);
    }
}

fn classify(raw: &str, fallback: Code) -> (Code, String, Option<String>) {
    // Our own literals tag their messages: "[float-not-allowed] ...".
    if let Some(rest) = raw.strip_prefix('[')
        && let Some((tag, message)) = rest.split_once("] ")
        && let Some(code) = crate::diag::Code::ALL.iter().find(|c| c.id() == tag)
    {
        let (message, help) = split_hint(message);
        return (*code, message, help);
    }
    if let Some(rest) = raw.strip_prefix("unknown field `") {
        let (name, expected) = rest.split_once('`').unwrap_or((rest, ""));
        let candidates = backticked(expected);
        let help = if candidates.is_empty() {
            "this table takes no keys".to_string()
        } else {
            suggest::help_for(name, "keys", candidates.iter().copied())
        };
        return (Code::UnknownKey, format!("unknown key `{name}`"), Some(help));
    }
    if let Some(rest) = raw.strip_prefix("unknown variant `") {
        let (name, expected) = rest.split_once('`').unwrap_or((rest, ""));
        let candidates = backticked(expected);
        let help = suggest::help_for(name, "values", candidates.iter().copied());
        return (Code::InvalidValue, format!("`{name}` is not an accepted value"), Some(help));
    }
    if let Some(rest) = raw.strip_prefix("missing field `") {
        let name = rest.split('`').next().unwrap_or(rest);
        return (Code::MissingKey, format!("missing key `{name}`"), Some(format!("add `{name} = ...` to this table")));
    }
    if raw.starts_with("invalid type") || raw.starts_with("invalid value") || raw.starts_with("invalid length") {
        return (Code::WrongType, raw.replace('\n', " "), None);
    }
    if raw.starts_with("duplicate key") {
        return (Code::DuplicateId, raw.replace('\n', " "), Some("each key may appear once per table".into()));
    }
    (fallback, raw.replace('\n', "; "), None)
}

/// "message; write it as …" → message and hint, where our literals put one.
fn split_hint(message: &str) -> (String, Option<String>) {
    match message.split_once("; ") {
        Some((m, h)) => (m.to_string(), Some(h.to_string())),
        None => (message.to_string(), None),
    }
}

fn backticked(text: &str) -> Vec<&str> {
    text.split('`').skip(1).step_by(2).collect()
}
