//! Reading a TOML file into a raw model, reporting every shape error.
//!
//! serde stops at the first error. To report more, the smallest piece of the
//! document that holds the error (a key with its value, or an element of an
//! array) is removed and the file is deserialised again, until it succeeds,
//! an error has no place, or nothing is left to remove. Removing a required
//! key makes serde report it missing on the next pass; that echo of an error
//! already reported is dropped. The partial result is thrown away: a file
//! with shape errors never reaches the semantic checks, so they cannot
//! cascade.
//!
//! What a shape error is comes from the document and the schema
//! ([`super::shape`]), not from serde's wording, which speaks Rust ("struct
//! CatalogSection", "u32") and may change with any upgrade; the wording
//! users read, in TOML's terms, is in [`describe`]. Syntax errors are in
//! [`super::toml_syntax`]. Every diagnostic gets a hint.

use super::literal_error::{self, Literal, LiteralError};
use super::shape::{self, Expected, Found, Shape, Step};
use super::toml_syntax;
use crate::diag::{Code, Diagnostics, FileId};
use crate::fsutil::ReadError;
use crate::suggest;
use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::ops::Range;
use std::path::Path;
use toml::Spanned;
use toml::de::{DeArray, DeTable, DeValue};

pub use crate::fsutil::MAX_FILE_BYTES;

/// Reading stops after this many shape errors in one file.
const MAX_ERRORS: usize = 50;

/// Each error found costs another pass over the whole document, so reading
/// also stops once the passes would have gone over this many bytes: a
/// small file still gets [`MAX_ERRORS`] errors, a file of several
/// megabytes only its first few, and the time taken stays linear in the
/// file's size.
const MAX_PASS_BYTES: usize = 16 * 1024 * 1024;

/// Reads a file as UTF-8 text if it resolves inside `boundary` (the
/// project root, see [`crate::fsutil::read_inside`]), or says why it cannot
/// be used.
///
/// The messages do not repeat the path: the diagnostic that carries them
/// already points at the file.
pub fn read_source(boundary: &Path, path: &Path) -> Result<String, (Code, String)> {
    crate::fsutil::read_inside(boundary, path).map_err(|e| {
        let code = match e {
            ReadError::Io(_) | ReadError::Missing => Code::Io,
            ReadError::OutsideBoundary { .. } => Code::OutsideProject,
            ReadError::NotRegular { .. } => Code::NotAFile,
            ReadError::TooLarge { .. } => Code::FileTooLarge,
            ReadError::NotUtf8 { .. } => Code::NotUtf8,
        };
        (code, e.to_string())
    })
}

/// Parses `text` into `T`, reporting syntax and shape errors into `diags`.
///
/// `T`'s JSON Schema, with the parsed document, decides what a shape error
/// is ([`shape::diagnose`]) and supplies its hint: what a missing key is for
/// (its `///` description), whether it is a table, the words or the range a
/// value takes.
pub fn parse_toml<T: DeserializeOwned + JsonSchema>(text: &str, file: FileId, diags: &mut Diagnostics) -> Option<T> {
    // Most files are well-formed: read them straight, without keeping an
    // owned copy of the document for error recovery (on a large scenario
    // that copy and its clone cost more than the run itself).
    if let Ok(value) = toml::from_str::<T>(text) {
        return Some(value);
    }
    let mut root = match DeTable::parse(text) {
        Ok(root) => root,
        Err(e) => {
            toml_syntax::report_syntax(&e, text, file, diags);
            return None;
        }
    };
    root.get_mut().make_owned();
    let root_span = root.span();
    let mut schema: Option<Value> = None;
    // (span, message) of every error reported, to stop if one comes back.
    let mut reported: Vec<(Option<Range<usize>>, String)> = Vec::new();
    // Keys removed after an error, with the span of the table they were in.
    let mut removed: Vec<(String, Range<usize>)> = Vec::new();
    let mut passes = 0usize;
    loop {
        passes += 1;
        // Past the first pass an error has been reported, so `None` is right.
        if passes > 1 && passes.saturating_mul(text.len()) > MAX_PASS_BYTES {
            return None;
        }
        let de = toml::de::Deserializer::from(root.clone());
        literal_error::take_last();
        let e = match T::deserialize(de) {
            Ok(value) => return reported.is_empty().then_some(value),
            Err(e) => e,
        };
        let span = e.span();
        let raw = e.message().trim().to_string();
        let literal = literal_error::take_last().filter(|l| l.to_string() == raw);
        let schema =
            schema.get_or_insert_with(|| serde_json::to_value(schemars::schema_for!(T)).unwrap_or(Value::Null));
        let ctx = Context { text, root: root.get_ref(), root_span: &root_span, schema };
        let at = span.clone().unwrap_or(0..0);
        let shape = match literal {
            Some(_) => Shape::Unexplained,
            None => shape::diagnose(text, ctx.root, &root_span, schema, &at),
        };
        let echo = match &shape {
            Shape::MissingKey { name } => {
                let table = span.clone().unwrap_or(root_span.clone());
                removed.iter().any(|(k, t)| k == name && *t == table)
            }
            _ => false,
        };
        if !echo {
            if reported.iter().any(|(s, m)| *s == span && *m == raw) {
                return None;
            }
            report_shape(&raw, &at, literal, shape, &ctx, file, diags);
            reported.push((span.clone(), raw));
            if reported.len() >= MAX_ERRORS {
                return None;
            }
        }
        let span = span?;
        match remove_at(root.get_mut(), &root_span, &span)? {
            Removed::Key { name, table } => removed.push((name, table)),
            Removed::Element => {}
        }
    }
}

/// What [`remove_at`] took out of the document.
enum Removed {
    /// A key and its value, from the table at `table`.
    Key { name: String, table: Range<usize> },
    /// An element of an array.
    Element,
}

/// Removes the innermost key or array element whose extent holds `span`.
///
/// Extents can overlap (`[catalog.extra]` may come after `[credits]`), so
/// every key that holds the span is tried before the smallest one is removed
/// whole.
fn remove_at(table: &mut DeTable<'_>, table_span: &Range<usize>, span: &Range<usize>) -> Option<Removed> {
    let mut smallest: Option<(usize, String)> = None;
    for (key, value) in table.iter_mut() {
        let name = key.get_ref().to_string();
        if contains(&key.span(), span) {
            smallest = Some((0, name));
            break;
        }
        let outer = extent(value);
        if !contains(&outer, span) {
            continue;
        }
        let value_span = value.span();
        let inner = match value.get_mut() {
            DeValue::Table(t) => remove_at(t, &value_span, span),
            DeValue::Array(items) => remove_in(items, span),
            _ => None,
        };
        if inner.is_some() {
            return inner;
        }
        let size = outer.len();
        if smallest.as_ref().is_none_or(|(s, _)| size < *s) {
            smallest = Some((size, name));
        }
    }
    let (_, name) = smallest?;
    table.remove(name.as_str());
    Some(Removed::Key { name, table: table_span.clone() })
}

/// [`remove_at`] for the elements of an array.
fn remove_in(items: &mut DeArray<'_>, span: &Range<usize>) -> Option<Removed> {
    let index = items.iter().position(|item: &Spanned<DeValue<'_>>| contains(&extent(item), span))?;
    let item = items.get_mut(index)?;
    let item_span = item.span();
    let inner = match item.get_mut() {
        DeValue::Table(t) => remove_at(t, &item_span, span),
        DeValue::Array(nested) => remove_in(nested, span),
        _ => None,
    };
    if inner.is_some() {
        return inner;
    }
    let old = std::mem::replace(items, DeArray::new());
    for (i, item) in old.into_iter().enumerate() {
        if i != index {
            items.push(item);
        }
    }
    Some(Removed::Element)
}

/// The bytes a value covers, nested keys and values included. (The span of
/// a `[[table]]` element is only its header.)
pub(super) fn extent(value: &Spanned<DeValue<'_>>) -> Range<usize> {
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

pub(super) fn contains(outer: &Range<usize>, inner: &Range<usize>) -> bool {
    outer.start <= inner.start && inner.start < outer.end.max(outer.start + 1)
}

/// What a shape error is reported against.
struct Context<'a, 'i> {
    text: &'a str,
    root: &'a DeTable<'i>,
    root_span: &'a Range<usize>,
    schema: &'a Value,
}

/// A span a caret can be drawn under: one character for an empty span, and
/// never a line break (a caret under a newline is drawn as a bracket across
/// two lines, pointing at neither).
pub(super) fn caret_span(text: &str, span: Range<usize>) -> Range<usize> {
    let start = span.start.min(text.len());
    let end = span.end.clamp(start, text.len());
    let rest = &text[start..];
    if rest.starts_with('\n') || rest.starts_with("\r\n") {
        return start..start;
    }
    if start == end {
        return start..start + rest.chars().next().map_or(0, char::len_utf8);
    }
    // Stop at the end of the first line: the start is where the problem is.
    let line_end = text[start..end].find(['\r', '\n']).map_or(end, |i| start + i);
    start..line_end
}

/// A shape error (unknown key, wrong type, bad literal, missing key) as a
/// diagnostic. `raw` is serde's message, quoted only for [`Shape::Unexplained`].
fn report_shape(
    raw: &str,
    at: &Range<usize>,
    literal: Option<LiteralError>,
    shape: Shape,
    ctx: &Context<'_, '_>,
    file: FileId,
    diags: &mut Diagnostics,
) {
    let span = caret_span(ctx.text, at.clone());
    let (code, message, help) = match (literal, unknown_key(ctx, at)) {
        (Some(l), _) => (literal_code(&l), l.message(), l.hint()),
        (None, Some((name, known))) => {
            let help = if known.is_empty() {
                "this table takes no keys".to_string()
            } else {
                suggest::help_for(&name, "keys", known.iter().copied())
            };
            (Code::UnknownKey, format!("unknown key `{name}`"), help)
        }
        (None, None) => describe(shape, raw, at, &span, ctx),
    };
    diags.report(code, file, span, message).with_help(help);
}

/// The code, message and hint of a [`Shape`]: the one place of their wording.
fn describe(
    shape: Shape,
    raw: &str,
    at: &Range<usize>,
    span: &Range<usize>,
    ctx: &Context<'_, '_>,
) -> (Code, String, String) {
    let value = ctx.text.get(span.clone()).unwrap_or("").trim();
    match shape {
        Shape::MissingKey { name } => {
            let (message, help) = missing_key(&name, at, ctx);
            (Code::MissingKey, message, help)
        }
        Shape::NotAccepted { word, words } => (
            Code::InvalidValue,
            format!("`{word}` is not an accepted value"),
            suggest::help_for(&word, "values", words.iter().map(String::as_str)),
        ),
        Shape::WrongType { found, expected } => {
            let help = wrong_type_help(found, &expected, value, key_before(ctx.text, span.start), at, ctx);
            (Code::WrongType, format!("expected {expected}, found {found}"), help)
        }
        Shape::OutOfRange { expected } => {
            let help = wrong_type_help(Found::Integer, &expected, value, key_before(ctx.text, span.start), at, ctx);
            (Code::WrongType, format!("`{value}` is out of range: expected {expected}"), help)
        }
        Shape::Unexplained => {
            (Code::WrongType, raw.replace('\n', "; "), "run `pricebook schema` to see what each key takes".to_string())
        }
    }
}

/// A corrected line for a value of the wrong kind, written as `value`
/// after `key =` (when it is written that way).
fn wrong_type_help(
    found: Found,
    expected: &Expected,
    value: &str,
    key: Option<&str>,
    at: &Range<usize>,
    ctx: &Context<'_, '_>,
) -> String {
    let k = key.unwrap_or("key");
    match (expected, found) {
        (Expected::Words(words), _) => format!("write one of {}", quoted_list(words)),
        (Expected::Table, _) => format!(
            "`{k}` is a table: write `[{k}]` on a line of its own with its keys below it, or `{k} = {{ key = value }}`"
        ),
        (Expected::Array, Found::Table) => {
            let name = value.trim_matches(|c| c == '[' || c == ']');
            format!("`{name}` is a list of tables: write `[[{name}]]` above each item")
        }
        (Expected::Array, _) => format!("put the value in brackets: `{k} = [{value}]`"),
        (Expected::String, Found::Array) => "write one value in quotes, without brackets".to_string(),
        (Expected::String, found) if !matches!(found, Found::Table | Found::InlineTable) => {
            format!("put it in quotes: `{k} = \"{}\"`", value.trim_matches('"'))
        }
        (Expected::WholeNumber { .. }, _) => format!("use {expected}, without quotes or a decimal point"),
        (Expected::Boolean, _) => format!("write `{k} = true` or `{k} = false`, without quotes"),
        (Expected::Date, _) => format!("write a date-time without quotes, e.g. `{k} = 2026-01-31T10:00:00Z`"),
        _ => {
            let description = shape::locate(ctx.root, ctx.root_span, at)
                .into_iter()
                .filter_map(|(path, _)| shape::schema_at(ctx.schema, &path)?.get("description")?.as_str())
                .next();
            match description {
                Some(d) => format!("write {expected}: {}", lower_first(d)),
                None => format!("write {expected}; run `pricebook schema` to see what `{k}` takes"),
            }
        }
    }
}

/// The key written at `at` and the keys its table takes, when the table's
/// schema refuses unknown keys and does not name this one: found from the
/// document and the schema, not from serde's wording.
fn unknown_key<'s>(ctx: &Context<'s, '_>, at: &Range<usize>) -> Option<(String, Vec<&'s str>)> {
    let mut path = Vec::new();
    let name = key_at(ctx.root, at, &mut path)?;
    let table = shape::schema_at(ctx.schema, &path)?;
    if table.get("additionalProperties") != Some(&Value::Bool(false)) {
        return None;
    }
    let known = table.get("properties").and_then(Value::as_object);
    if known.is_some_and(|k| k.contains_key(&name)) {
        return None;
    }
    Some((name, known.map(|k| k.keys().map(String::as_str).collect()).unwrap_or_default()))
}

/// The key whose name is written at `at`, with the path to its table.
fn key_at(table: &DeTable<'_>, at: &Range<usize>, path: &mut Vec<Step>) -> Option<String> {
    for (key, value) in table.iter() {
        if key.span() == *at {
            return Some(key.get_ref().to_string());
        }
        if !contains(&extent(value), at) {
            continue;
        }
        path.push(Step::Key(key.get_ref().to_string()));
        let found = match value.get_ref() {
            DeValue::Table(t) => key_at(t, at, path),
            DeValue::Array(items) => items.iter().find_map(|item| match item.get_ref() {
                DeValue::Table(t) if contains(&extent(item), at) => {
                    path.push(Step::Item);
                    let found = key_at(t, at, path);
                    if found.is_none() {
                        path.pop();
                    }
                    found
                }
                _ => None,
            }),
            _ => None,
        };
        if found.is_some() {
            return found;
        }
        path.pop();
    }
    None
}

/// The words an enum schema accepts, as `"a", "b" or "c"`.
fn words_of(root: &Value, node: &Value) -> Option<String> {
    let words: Vec<String> = shape::words(root, node)?.into_iter().map(str::to_string).collect();
    Some(quoted_list(&words))
}

/// `"a", "b" or "c"`.
fn quoted_list(words: &[String]) -> String {
    let quoted: Vec<String> = words.iter().map(|w| format!("\"{w}\"")).collect();
    match quoted.as_slice() {
        [init @ .., last] if !init.is_empty() => format!("{} or {last}", init.join(", ")),
        _ => quoted.concat(),
    }
}

/// The diagnostic code of a literal's error.
fn literal_code(e: &LiteralError) -> Code {
    match e {
        LiteralError::Float { .. } => Code::FloatNotAllowed,
        LiteralError::WideInteger { .. } => Code::InvalidDecimal,
        LiteralError::BareNumber { .. } => Code::WrongType,
        LiteralError::Invalid { literal: Literal::Decimal, .. } => Code::InvalidDecimal,
        LiteralError::Invalid { literal: Literal::Money, .. } => Code::InvalidMoney,
        LiteralError::Invalid { literal: Literal::Duration, .. } => Code::InvalidDuration,
    }
}

/// The key a value at `offset` is assigned to, when it is written
/// `key = value` on the same line.
fn key_before(text: &str, offset: usize) -> Option<&str> {
    let offset = offset.min(text.len());
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let before = text.get(line_start..offset)?.trim_end();
    let before = before.strip_suffix('=')?.trim_end();
    let start =
        before.rfind(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '"'))).map_or(0, |i| i + 1);
    let key = &before[start..];
    (!key.is_empty()).then_some(key)
}

/// Message and hint for a missing key, from the schema: what the key is for
/// and how it is written (a table gets `[name]`).
fn missing_key(name: &str, at: &Range<usize>, ctx: &Context<'_, '_>) -> (String, String) {
    let at_root = (at.is_empty() && at.start == 0) || at == ctx.root_span;
    let property = shape::locate(ctx.root, ctx.root_span, at)
        .into_iter()
        .filter_map(|(path, _)| shape::schema_at(ctx.schema, &path)?.get("properties")?.get(name))
        .next();
    let kind = property.map_or("", |p| shape::schema_type(ctx.schema, p));
    let words = property.and_then(|p| words_of(ctx.schema, p));
    let written = match (kind, words) {
        (_, Some(words)) => format!("`{name} = ...` (one of {words})"),
        ("object", _) if at_root => format!("a `[{name}]` table"),
        ("object", _) => format!("`{name} = {{ ... }}`"),
        ("array", _) => format!("`{name} = [...]`"),
        ("string", _) => format!("`{name} = \"...\"`"),
        _ => format!("`{name} = ...`"),
    };
    let place = if at_root { "the file" } else { "this table" };
    let mut help = format!("add {written} to {place}");
    if let Some(d) = property.and_then(|p| p.get("description")).and_then(Value::as_str) {
        help.push_str(": ");
        help.push_str(&lower_first(d));
    }
    let message = if at_root && kind == "object" {
        format!("the file has no `[{name}]` table")
    } else {
        format!("missing key `{name}`")
    };
    (message, help)
}

/// "Id of the plan" → "id of the plan"; "ISO 4217 code" stays.
fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    match (chars.next(), chars.next()) {
        (Some(a), Some(b)) if a.is_uppercase() && b.is_lowercase() => {
            a.to_lowercase().chain(s.chars().skip(1)).collect()
        }
        _ => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::parse_toml;
    use crate::diag::{Code, Diagnostics, SourceFile, SourceMap};
    use schemars::JsonSchema;
    use serde::{Deserialize, Deserializer};

    /// A string the schema accepts but its own reader refuses, as a
    /// hand-written `Deserialize` may: the document and the schema agree
    /// with the value, so only serde's message says what is wrong.
    #[derive(Debug, Deserialize, JsonSchema)]
    struct Odd {
        #[serde(deserialize_with = "refuse")]
        #[allow(dead_code)] // read only to fail
        word: String,
    }

    fn refuse<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
        let word = String::deserialize(d)?;
        Err(serde::de::Error::custom(format!("`{word}` is refused\nfor a reason")))
    }

    #[test]
    fn an_unexplained_error_quotes_serde_and_still_renders() {
        let text = "word = \"odd\"\n";
        let mut sources = SourceMap::new();
        let file = sources.add(SourceFile::new("odd.toml", text));
        let mut diags = Diagnostics::new();
        assert!(parse_toml::<Odd>(text, file, &mut diags).is_none());
        let all: Vec<_> = diags.iter().collect();
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].code, Code::WrongType);
        assert_eq!(all[0].message, "`odd` is refused; for a reason");
        assert_eq!(all[0].help.as_deref(), Some("run `pricebook schema` to see what each key takes"));
        let rendered = crate::diag::render_all(&diags.sorted(), &sources, crate::diag::Style::Plain);
        assert!(rendered.contains("word = \"odd\""), "{rendered}");
    }
}
