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
//! Messages from toml and serde are reworded here: they speak Rust ("struct
//! CatalogSection", "u32", "sequence") and users write TOML ("a table", "a
//! whole number", "an array"). Every diagnostic gets a hint.

use super::literal_error::{self, Literal, LiteralError};
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
/// `T`'s JSON Schema supplies the hint for a missing key: what the key is
/// for (its `///` description) and whether it is a table.
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
            report_syntax(&e, text, file, diags);
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
        let echo = missing_field(&raw).is_some_and(|name| {
            let at = span.clone().unwrap_or(root_span.clone());
            removed.iter().any(|(k, t)| k == name && *t == at)
        });
        if !echo {
            if reported.iter().any(|(s, m)| *s == span && *m == raw) {
                return None;
            }
            let schema =
                schema.get_or_insert_with(|| serde_json::to_value(schemars::schema_for!(T)).unwrap_or(Value::Null));
            let ctx = Context { text, root: root.get_ref(), root_span: &root_span, schema };
            report_shape(&e, literal, &ctx, file, diags);
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
fn caret_span(text: &str, span: Range<usize>) -> Range<usize> {
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

/// A TOML syntax error: toml's message, split into what is wrong and a hint.
fn report_syntax(e: &toml::de::Error, text: &str, file: FileId, diags: &mut Diagnostics) {
    let span = caret_span(text, e.span().unwrap_or(0..0));
    let raw = e.message().trim();
    let (what, expected) = match raw.split_once(", expected ") {
        Some((w, x)) => (w.trim(), Some(x.trim())),
        None => (raw, None),
    };
    let at = text.get(span.clone()).unwrap_or("");
    let line = line_at(text, span.start);
    let (message, help) = if what.starts_with("duplicate key") {
        (
            format!("`{at}` is defined twice"),
            if line.trim_start().starts_with("[[") {
                format!(
                    "a list of tables has a `[[{at}]]` header for every item; an earlier `[{at}]` or `{at} = ...` makes it something else"
                )
            } else {
                "a key or table may appear only once; remove one of them, or merge them".to_string()
            },
        )
    } else if what.contains("recurse") {
        (
            "this value is nested too deeply".to_string(),
            "plan files nest a few levels at most; look for unbalanced `[` or `{`".to_string(),
        )
    } else if what.contains("string values must be quoted") {
        let word = line.split_once('=').map(|(k, v)| format!("`{} = \"{}\"`", k.trim(), v.trim()));
        (
            "text must be in quotes".to_string(),
            match word {
                Some(w) if !line.trim_end().ends_with('=') => format!("write {w}"),
                _ => "write a value after `=`, e.g. name = \"Acme\"".to_string(),
            },
        )
    } else if what.contains("unclosed array table") {
        (
            "this `[[...]]` header is not closed".to_string(),
            "write one item of a list of tables as `[[name]]`, e.g. [[plans]]".to_string(),
        )
    } else if what.contains("unclosed table") {
        (
            "this `[...]` header is not closed".to_string(),
            "write a table header as `[name]`, e.g. [catalog]".to_string(),
        )
    } else if what.contains("multi-line") {
        (
            "this multi-line string is never closed".to_string(),
            "end it with the three quotes it started with (\"\"\" or \'\'\')".to_string(),
        )
    } else if what.contains("string") && expected.is_some_and(|x| x.contains('"') || x.contains('\'')) {
        (
            "this string is not closed before the end of the line".to_string(),
            "end it with the quote it started with; for text on several lines use \"\"\"...\"\"\"".to_string(),
        )
    } else if what.contains("missing comma between array elements") {
        (what.to_string(), "separate array elements with `,` and close the array with `]`".to_string())
    } else if what.contains("missing comma between key-value pairs") {
        (
            what.to_string(),
            "separate the pairs of an inline table with `,` and close it with `}` on the same line".to_string(),
        )
    } else if what.contains("unexpected key or value") {
        (
            "unexpected text after a value".to_string(),
            "put each `key = value` on a line of its own; a comment starts with `#`".to_string(),
        )
    } else if what.contains("leading zero") {
        ("a number starts with a zero".to_string(), "write numbers without leading zeros (`1`, not `01`)".to_string())
    } else if what.contains("key with no value") {
        ("a key needs `=` and a value".to_string(), "write `key = value`, e.g. name = \"Acme\"".to_string())
    } else {
        (
            what.to_string(),
            match expected {
                Some("nothing") => "remove this character".to_string(),
                Some(x) => format!("expected {x} here"),
                None => "see https://toml.io for how TOML is written".to_string(),
            },
        )
    };
    diags.report(Code::TomlSyntax, file, span, message).with_help(help);
}

/// A shape error (unknown key, wrong type, bad literal) as a diagnostic.
fn report_shape(
    e: &toml::de::Error,
    literal: Option<LiteralError>,
    ctx: &Context<'_, '_>,
    file: FileId,
    diags: &mut Diagnostics,
) {
    let text = ctx.text;
    let raw_span = e.span().unwrap_or(0..0);
    let span = caret_span(text, raw_span.clone());
    let raw = e.message().trim();
    let (code, message, mut help) = match (literal, unknown_key(ctx, &raw_span)) {
        (Some(l), _) => (literal_code(&l), l.message(), l.hint()),
        (None, Some((name, known))) => {
            let help = if known.is_empty() {
                "this table takes no keys".to_string()
            } else {
                suggest::help_for(&name, "keys", known.iter().copied())
            };
            (Code::UnknownKey, format!("unknown key `{name}`"), help)
        }
        (None, None) => classify(raw, text, &span),
    };
    let (message, help) = match missing_field(raw) {
        Some(name) => missing_key(name, &raw_span, ctx),
        None => {
            if raw.starts_with("wanted string or table")
                && let Some(words) = accepted_words(ctx, &raw_span)
            {
                help = format!("write one of {words}");
            }
            (message, help)
        }
    };
    diags.report(code, file, span, message).with_help(help);
}

/// The key written at `at` and the keys its table takes, when the table's
/// schema refuses unknown keys and does not name this one: found from the
/// document and the schema, not from serde's wording.
fn unknown_key<'s>(ctx: &Context<'s, '_>, at: &Range<usize>) -> Option<(String, Vec<&'s str>)> {
    let mut path = Vec::new();
    let name = key_at(ctx.root, at, &mut path)?;
    let table = table_schema(ctx.schema, &path)?;
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

/// The words a value at `at` may take, from the schema (`"a", "b" or "c"`).
fn accepted_words(ctx: &Context<'_, '_>, at: &Range<usize>) -> Option<String> {
    let path = path_to(ctx.root, at)?;
    words_of(ctx.schema, table_schema(ctx.schema, &path)?)
}

/// The words an enum schema accepts, as `"a", "b" or "c"`.
fn words_of(root: &Value, node: &Value) -> Option<String> {
    let node = resolve(root, node)?;
    let words: Vec<String> = match (node.get("enum"), node.get("oneOf")) {
        (Some(Value::Array(values)), _) => {
            values.iter().filter_map(Value::as_str).map(|w| format!("\"{w}\"")).collect()
        }
        (_, Some(Value::Array(variants))) => variants
            .iter()
            .filter_map(|v| resolve(root, v)?.get("const")?.as_str())
            .map(|w| format!("\"{w}\""))
            .collect(),
        _ => return None,
    };
    match words.as_slice() {
        [] => None,
        [one] => Some(one.clone()),
        [init @ .., last] => Some(format!("{} or {last}", init.join(", "))),
    }
}

/// `name` when `raw` says a required field is missing.
fn missing_field(raw: &str) -> Option<&str> {
    raw.strip_prefix("missing field `").and_then(|rest| rest.split('`').next())
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

fn classify(raw: &str, text: &str, span: &Range<usize>) -> (Code, String, String) {
    if let Some(rest) = raw.strip_prefix("unknown variant `") {
        let (name, expected) = rest.split_once('`').unwrap_or((rest, ""));
        let candidates = backticked(expected);
        let help = suggest::help_for(name, "values", candidates.iter().copied());
        return (Code::InvalidValue, format!("`{name}` is not an accepted value"), help);
    }
    if let Some(name) = missing_field(raw) {
        return (Code::MissingKey, format!("missing key `{name}`"), format!("add `{name} = ...` to this table"));
    }
    if raw.contains("number overflowed") {
        let value = text.get(span.clone()).unwrap_or("").trim();
        return (
            Code::InvalidDecimal,
            format!("{value} is larger than a TOML integer can hold (64 bits)"),
            "write it as a string, e.g. \"1_000_000\", and keep it under 29 digits".to_string(),
        );
    }
    if let Some((message, help)) = mismatch(raw, text, span) {
        return (Code::WrongType, message, help);
    }
    (Code::WrongType, raw.replace('\n', "; "), "run `pricebook schema` to see what each key takes".to_string())
}

/// Rewords serde's "invalid type: X, expected Y" (and toml's "wanted string
/// or table") in TOML's words, with a corrected line as the hint.
fn mismatch(raw: &str, text: &str, span: &Range<usize>) -> Option<(String, String)> {
    let value = text.get(span.clone()).unwrap_or("").trim();
    let key = key_before(text, span.start);
    if raw.starts_with("wanted string or table") {
        let found = toml_kind(value, "");
        return Some((
            format!("expected one of the accepted words in quotes, found {found}"),
            match key {
                Some(k) => format!("write it as a string, e.g. `{k} = \"...\"`"),
                None => "write it as a string in double quotes".to_string(),
            },
        ));
    }
    let (out_of_range, rest) = if let Some(r) = raw.strip_prefix("invalid type: ") {
        (false, r)
    } else if let Some(r) = raw.strip_prefix("invalid value: ") {
        (true, r)
    } else {
        return None;
    };
    let (found, expected) = rest.split_once(", expected ")?;
    let found = toml_kind(value, found);
    let expected = expected_words(expected.trim());
    let message = if out_of_range {
        format!("`{value}` is out of range: expected {expected}")
    } else {
        format!("expected {expected}, found {found}")
    };
    let k = key.unwrap_or("key");
    let help = if expected == "a table" {
        format!(
            "`{k}` is a table: write `[{k}]` on a line of its own with its keys below it, or `{k} = {{ key = value }}`"
        )
    } else if expected == "an array" && found == "a table" {
        let name = value.trim_matches(|c| c == '[' || c == ']');
        format!("`{name}` is a list of tables: write `[[{name}]]` above each item")
    } else if expected == "an array" {
        format!("put the value in brackets: `{k} = [{value}]`")
    } else if expected == "a string" && found == "an array" {
        "write one value in quotes, without brackets".to_string()
    } else if expected == "a string" && found != "a table" && found != "an inline table" {
        format!("put it in quotes: `{k} = \"{}\"`", value.trim_matches('"'))
    } else if expected.starts_with("a whole number") {
        format!("use {expected}, without quotes or a decimal point")
    } else if expected == "`true` or `false`" {
        format!("write `{k} = true` or `{k} = false`, without quotes")
    } else {
        format!("write {expected}; run `pricebook schema` to see what `{k}` takes")
    };
    Some((message, help))
}

/// The TOML type of a value as written, falling back to serde's words.
fn toml_kind(value: &str, serde_found: &str) -> &'static str {
    let first = value.chars().next().unwrap_or(' ');
    let date_like =
        value.len() >= 10 && value.as_bytes().get(4) == Some(&b'-') && value.as_bytes().get(7) == Some(&b'-');
    if serde_found == "map" || serde_found.is_empty() {
        if first == '{' {
            return "an inline table";
        }
        if date_like || (first.is_ascii_digit() && value.contains(':')) {
            return "a date";
        }
        if serde_found == "map" {
            return "a table";
        }
    }
    match first {
        '"' | '\'' => "a string",
        '[' if serde_found == "sequence" || serde_found.is_empty() => "an array",
        't' | 'f' if value == "true" || value == "false" => "a boolean",
        _ if serde_found.starts_with("floating point") => "a float",
        _ if serde_found.starts_with("integer") => "an integer",
        _ if serde_found.starts_with("string") => "a string",
        _ if serde_found.starts_with("boolean") => "a boolean",
        _ if serde_found == "sequence" => "an array",
        '0'..='9' | '+' | '-' => "a number",
        _ => "a value of another type",
    }
}

/// serde's name of an expected type in TOML's words.
fn expected_words(expected: &str) -> String {
    let range = |min: &str, max: &str| format!("a whole number from {min} to {max}");
    match expected {
        "a sequence" => "an array".into(),
        "a map" => "a table".into(),
        "a boolean" => "`true` or `false`".into(),
        "u8" => range("0", &u8::MAX.to_string()),
        "u16" => range("0", &u16::MAX.to_string()),
        "u32" => range("0", &u32::MAX.to_string()),
        "u64" | "usize" => range("0", &u64::MAX.to_string()),
        "i8" => range(&i8::MIN.to_string(), &i8::MAX.to_string()),
        "i16" => range(&i16::MIN.to_string(), &i16::MAX.to_string()),
        "i32" => range(&i32::MIN.to_string(), &i32::MAX.to_string()),
        "i64" | "isize" => range(&i64::MIN.to_string(), &i64::MAX.to_string()),
        e if e.starts_with("struct ") => "a table".into(),
        e if e.starts_with("enum ") => "one of the accepted words, in quotes".into(),
        e => e.to_string(),
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

/// The line that holds `offset`, without its line break.
fn line_at(text: &str, offset: usize) -> &str {
    let offset = offset.min(text.len());
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    text[start..end].trim_end_matches('\r')
}

/// Message and hint for a missing key, from the schema: what the key is for
/// and how it is written (a table gets `[name]`).
fn missing_key(name: &str, at: &Range<usize>, ctx: &Context<'_, '_>) -> (String, String) {
    let at_root = (at.is_empty() && at.start == 0) || at == ctx.root_span;
    let property = path_to(ctx.root, at)
        .and_then(|path| table_schema(ctx.schema, &path))
        .and_then(|table| table.get("properties")?.get(name));
    let kind = property.map_or("", |p| schema_type(ctx.schema, p));
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

/// One step from a table into a value.
enum Step {
    Key(String),
    Item,
}

/// The keys (and array steps) from the root to the table at `at`.
fn path_to(root: &DeTable<'_>, at: &Range<usize>) -> Option<Vec<Step>> {
    fn in_table(table: &DeTable<'_>, at: &Range<usize>, path: &mut Vec<Step>) -> bool {
        for (key, value) in table.iter() {
            if !contains(&extent(value), at) {
                continue;
            }
            path.push(Step::Key(key.get_ref().to_string()));
            if in_value(value, at, path) {
                return true;
            }
            path.pop();
        }
        false
    }
    fn in_value(value: &Spanned<DeValue<'_>>, at: &Range<usize>, path: &mut Vec<Step>) -> bool {
        if value.span() == *at {
            return true;
        }
        match value.get_ref() {
            DeValue::Table(t) => in_table(t, at, path),
            DeValue::Array(items) => items.iter().any(|item| {
                path.push(Step::Item);
                let found = contains(&extent(item), at) && in_value(item, at, path);
                if !found {
                    path.pop();
                }
                found
            }),
            _ => false,
        }
    }
    let mut path = Vec::new();
    ((at.is_empty() && at.start == 0) || in_table(root, at, &mut path)).then_some(path)
}

/// The object schema reached from the root schema by `path`.
fn table_schema<'s>(root: &'s Value, path: &[Step]) -> Option<&'s Value> {
    let mut node = resolve(root, root)?;
    for step in path {
        node = match step {
            Step::Key(k) => node.get("properties")?.get(k)?,
            Step::Item => node.get("items")?,
        };
        node = resolve(root, node)?;
    }
    Some(node)
}

/// Follows `$ref`s and the non-null branch of `anyOf` (an `Option`).
fn resolve<'s>(root: &'s Value, mut node: &'s Value) -> Option<&'s Value> {
    for _ in 0..16 {
        if let Some(r) = node.get("$ref").and_then(Value::as_str) {
            node = root.get("$defs")?.get(r.strip_prefix("#/$defs/")?)?;
        } else if let Some(any) = node.get("anyOf").and_then(Value::as_array)
            && let [one, null] = any.as_slice()
            && null.get("type").and_then(Value::as_str) == Some("null")
        {
            node = one;
        } else {
            return Some(node);
        }
    }
    None
}

fn schema_type<'s>(root: &'s Value, node: &'s Value) -> &'s str {
    resolve(root, node).and_then(|n| n.get("type")).and_then(Value::as_str).unwrap_or("")
}

fn backticked(text: &str) -> Vec<&str> {
    text.split('`').skip(1).step_by(2).collect()
}
