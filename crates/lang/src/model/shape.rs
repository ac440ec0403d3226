//! What is wrong with a value serde refused, decided from the document and
//! the schema rather than from serde's wording.
//!
//! serde's errors carry only English text ("invalid type: integer, expected
//! u32", "missing field `x`") whose wording belongs to serde and toml and
//! may change with any upgrade. So the error's span is looked up in the
//! parsed document (what is written there: its TOML kind, its text) and in
//! the file kind's JSON Schema (what is accepted there), and the two decide
//! what is wrong. Only the span of serde's error is used; when neither the
//! document nor the schema explains it, the caller quotes serde's message.

use super::load::{contains, extent};
use serde_json::Value;
use std::fmt;
use std::ops::Range;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// What is wrong at a span, as data; `load` words it.
#[derive(Debug, PartialEq)]
pub(super) enum Shape {
    /// The table lacks a key its schema requires (the first in field order).
    MissingKey { name: String },
    /// A string that is not among the words its schema accepts.
    NotAccepted { word: String, words: Vec<String> },
    /// A value of another TOML kind than its schema accepts.
    WrongType { found: Found, expected: Expected },
    /// An integer outside the range its schema accepts.
    OutOfRange { expected: Expected },
    /// Neither the document nor the schema says what is wrong.
    Unexplained,
}

/// The TOML kind of a value as written.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Found {
    String,
    Integer,
    Float,
    Boolean,
    Date,
    Array,
    /// A `[name]` table.
    Table,
    /// A `{ key = value }` table.
    InlineTable,
}

/// What a schema node accepts, in TOML's terms.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Expected {
    Table,
    Array,
    String,
    Boolean,
    /// A TOML date-time.
    Date,
    /// An integer from `min` to `max` (from the schema's `minimum`,
    /// `maximum` and `format`).
    WholeNumber {
        min: i128,
        max: i128,
    },
    /// One of these strings.
    Words(Vec<String>),
    /// Any of these.
    AnyOf(Vec<Expected>),
}

impl fmt::Display for Found {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Found::String => "a string",
            Found::Integer => "an integer",
            Found::Float => "a float",
            Found::Boolean => "a boolean",
            Found::Date => "a date",
            Found::Array => "an array",
            Found::Table => "a table",
            Found::InlineTable => "an inline table",
        })
    }
}

impl fmt::Display for Expected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expected::Table => f.write_str("a table"),
            Expected::Array => f.write_str("an array"),
            Expected::String => f.write_str("a string"),
            Expected::Boolean => f.write_str("`true` or `false`"),
            Expected::Date => f.write_str("a TOML datetime"),
            Expected::WholeNumber { min, max } => write!(f, "a whole number from {min} to {max}"),
            Expected::Words(_) => f.write_str("one of the accepted words in quotes"),
            Expected::AnyOf(all) => {
                // `true` and `false` are listed as two choices among the others.
                let parts: Vec<String> = all
                    .iter()
                    .flat_map(|e| match e {
                        Expected::Boolean => vec!["`true`".to_string(), "`false`".to_string()],
                        e => vec![e.to_string()],
                    })
                    .collect();
                match parts.as_slice() {
                    [init @ .., last] if !init.is_empty() => write!(f, "{} or {last}", init.join(", ")),
                    _ => f.write_str(&parts.concat()),
                }
            }
        }
    }
}

/// One step from a table into a value.
#[derive(Clone)]
pub(super) enum Step {
    Key(String),
    Item,
}

/// The value an error's span points at.
pub(super) enum Node<'a, 'i> {
    /// The whole file.
    Root,
    Value(&'a Spanned<DeValue<'i>>),
}

/// The values whose span is `at`, innermost first, each with the keys (and
/// array steps) from the root to it. Several values can share a span: an
/// array of tables and its first `[[item]]` both have the item's header.
/// An empty span at the start, or the root's own span, is the whole file.
pub(super) fn locate<'a, 'i>(
    root: &'a DeTable<'i>,
    root_span: &Range<usize>,
    at: &Range<usize>,
) -> Vec<(Vec<Step>, Node<'a, 'i>)> {
    fn in_table<'a, 'i>(
        table: &'a DeTable<'i>,
        at: &Range<usize>,
        path: &mut Vec<Step>,
        out: &mut Vec<(Vec<Step>, Node<'a, 'i>)>,
    ) {
        for (key, value) in table.iter() {
            if contains(&extent(value), at) {
                path.push(Step::Key(key.get_ref().to_string()));
                in_value(value, at, path, out);
                path.pop();
            }
        }
    }
    fn in_value<'a, 'i>(
        value: &'a Spanned<DeValue<'i>>,
        at: &Range<usize>,
        path: &mut Vec<Step>,
        out: &mut Vec<(Vec<Step>, Node<'a, 'i>)>,
    ) {
        match value.get_ref() {
            DeValue::Table(t) => in_table(t, at, path, out),
            DeValue::Array(items) => {
                for item in items.iter().filter(|item| contains(&extent(item), at)) {
                    path.push(Step::Item);
                    in_value(item, at, path, out);
                    path.pop();
                }
            }
            _ => {}
        }
        if value.span() == *at {
            out.push((path.clone(), Node::Value(value)));
        }
    }
    let mut out = Vec::new();
    if (at.is_empty() && at.start == 0) || at == root_span {
        out.push((Vec::new(), Node::Root));
    } else {
        in_table(root, at, &mut Vec::new(), &mut out);
    }
    out
}

/// The schema node reached from the root schema by `path`: a key is a
/// property, or a value of a map (`additionalProperties`).
pub(super) fn schema_at<'s>(root: &'s Value, path: &[Step]) -> Option<&'s Value> {
    let mut node = resolve(root, root)?;
    for step in path {
        node = match step {
            Step::Key(k) => match node.get("properties").and_then(|p| p.get(k)) {
                Some(property) => property,
                None => node.get("additionalProperties").filter(|a| a.is_object())?,
            },
            Step::Item => node.get("items")?,
        };
        node = resolve(root, node)?;
    }
    Some(node)
}

/// Follows `$ref`s and the non-null branch of `anyOf` (an `Option`).
pub(super) fn resolve<'s>(root: &'s Value, mut node: &'s Value) -> Option<&'s Value> {
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

/// The schema's `type`, leaving out `"null"` (an `Option`); "" when it has
/// none or several.
pub(super) fn schema_type<'s>(root: &'s Value, node: &'s Value) -> &'s str {
    let types = resolve(root, node).and_then(|n| n.get("type"));
    match types {
        Some(Value::String(t)) => t,
        Some(Value::Array(all)) => {
            match all.iter().filter_map(Value::as_str).filter(|t| *t != "null").collect::<Vec<_>>()[..] {
                [one] => one,
                _ => "",
            }
        }
        _ => "",
    }
}

/// The words an enum schema accepts (`enum`, or `oneOf` of `const`s).
pub(super) fn words<'s>(root: &'s Value, node: &'s Value) -> Option<Vec<&'s str>> {
    let node = resolve(root, node)?;
    let words: Vec<&str> = match (node.get("enum"), node.get("oneOf"), node.get("const")) {
        (Some(Value::Array(values)), _, _) => values.iter().filter_map(Value::as_str).collect(),
        (_, Some(Value::Array(variants)), _) => {
            variants.iter().filter_map(|v| resolve(root, v)?.get("const")?.as_str()).collect()
        }
        (_, _, Some(Value::String(one))) => vec![one.as_str()],
        _ => return None,
    };
    (!words.is_empty()).then_some(words)
}

/// What a schema node accepts, when the schema says.
pub(super) fn expected(root: &Value, node: &Value) -> Option<Expected> {
    let node = resolve(root, node)?;
    // JSON Schema has no date type: the scenario schema describes TOML
    // date-times as strings, under this name.
    if root.get("$defs").and_then(|d| d.get("DateTime")).is_some_and(|d| std::ptr::eq(d, node)) {
        return Some(Expected::Date);
    }
    if let Some(words) = words(root, node) {
        return Some(Expected::Words(words.into_iter().map(str::to_string).collect()));
    }
    if let Some(any) = node.get("anyOf").and_then(Value::as_array) {
        let all: Vec<Expected> = any.iter().filter_map(|branch| expected(root, branch)).collect();
        return (all.len() == any.len()).then_some(Expected::AnyOf(all));
    }
    Some(match schema_type(root, node) {
        "object" => Expected::Table,
        "array" => Expected::Array,
        "string" => Expected::String,
        "boolean" => Expected::Boolean,
        "integer" => {
            let (min, max) = format_range(node.get("format").and_then(Value::as_str).unwrap_or("int64"));
            let bound = |key: &str| node.get(key).and_then(Value::as_i64).map(i128::from);
            Expected::WholeNumber { min: bound("minimum").unwrap_or(min), max: bound("maximum").unwrap_or(max) }
        }
        _ => return None,
    })
}

/// The range of an integer `format` (schemars names them after Rust's types).
fn format_range(format: &str) -> (i128, i128) {
    match format {
        "uint8" => (0, u8::MAX.into()),
        "uint16" => (0, u16::MAX.into()),
        "uint32" => (0, u32::MAX.into()),
        "uint64" | "uint" => (0, u64::MAX.into()),
        "int8" => (i8::MIN.into(), i8::MAX.into()),
        "int16" => (i16::MIN.into(), i16::MAX.into()),
        "int32" => (i32::MIN.into(), i32::MAX.into()),
        _ => (i64::MIN.into(), i64::MAX.into()),
    }
}

/// The TOML kind of `value`; `text` is the document, to tell an inline
/// table from a `[name]` table.
pub(super) fn found(value: &Spanned<DeValue<'_>>, text: &str) -> Found {
    match value.get_ref() {
        DeValue::String(_) => Found::String,
        DeValue::Integer(_) => Found::Integer,
        DeValue::Float(_) => Found::Float,
        DeValue::Boolean(_) => Found::Boolean,
        DeValue::Datetime(_) => Found::Date,
        DeValue::Array(_) => Found::Array,
        DeValue::Table(_) if text.get(value.span()).is_some_and(|t| t.starts_with('{')) => Found::InlineTable,
        DeValue::Table(_) => Found::Table,
    }
}

/// The branches of `expected` a value of kind `found` can take.
fn fitting(found: Found, expected: &Expected) -> Vec<&Expected> {
    match expected {
        Expected::AnyOf(all) => all.iter().flat_map(|e| fitting(found, e)).collect(),
        e => {
            let fits = match e {
                Expected::Table => matches!(found, Found::Table | Found::InlineTable),
                Expected::Array => found == Found::Array,
                // JSON Schema has no dates: TOML tools check them as strings.
                Expected::String => matches!(found, Found::String | Found::Date),
                Expected::Words(_) => found == Found::String,
                Expected::Boolean => found == Found::Boolean,
                Expected::Date => found == Found::Date,
                Expected::WholeNumber { .. } => found == Found::Integer,
                Expected::AnyOf(_) => false,
            };
            if fits { vec![e] } else { Vec::new() }
        }
    }
}

/// What is wrong with the value (or table) at `at`, from the document
/// (`root`, whose text is `text`) and the file kind's schema: the first
/// explanation of the values at `at`, innermost first.
pub(super) fn diagnose(
    text: &str,
    root: &DeTable<'_>,
    root_span: &Range<usize>,
    schema: &Value,
    at: &Range<usize>,
) -> Shape {
    locate(root, root_span, at)
        .into_iter()
        .map(|(path, node)| match node {
            Node::Root => missing_key(root, schema, &path),
            Node::Value(value) => diagnose_value(text, value, schema, &path),
        })
        .find(|shape| *shape != Shape::Unexplained)
        .unwrap_or(Shape::Unexplained)
}

/// [`diagnose`] for one value, reached from the root by `path`.
fn diagnose_value(text: &str, value: &Spanned<DeValue<'_>>, schema: &Value, path: &[Step]) -> Shape {
    let Some(expected) = schema_at(schema, path).and_then(|s| expected(schema, s)) else {
        return Shape::Unexplained;
    };
    let found = found(value, text);
    let fits = fitting(found, &expected);
    if fits.is_empty() {
        return Shape::WrongType { found, expected };
    }
    match value.get_ref() {
        DeValue::String(word) if !fits.contains(&&Expected::String) => {
            let words: Vec<String> = fits
                .iter()
                .flat_map(|e| match e {
                    Expected::Words(w) => w.clone(),
                    _ => Vec::new(),
                })
                .collect();
            if words.iter().any(|w| w == word.as_ref()) {
                Shape::Unexplained
            } else {
                Shape::NotAccepted { word: word.to_string(), words }
            }
        }
        DeValue::Integer(n) => {
            let value = i128::from_str_radix(n.as_str(), n.radix()).ok();
            let within = |e: &&Expected| match e {
                Expected::WholeNumber { min, max } => value.is_some_and(|v| (*min..=*max).contains(&v)),
                _ => false,
            };
            match fits.first() {
                Some(range) if !fits.iter().any(within) => Shape::OutOfRange { expected: (*range).clone() },
                _ => Shape::Unexplained,
            }
        }
        DeValue::Table(table) => missing_key(table, schema, path),
        _ => Shape::Unexplained,
    }
}

/// The first key the schema at `path` requires that `table` lacks.
fn missing_key(table: &DeTable<'_>, schema: &Value, path: &[Step]) -> Shape {
    let required = schema_at(schema, path).and_then(|s| s.get("required")).and_then(Value::as_array);
    let absent = required
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .find(|name| !table.iter().any(|(k, _)| k.get_ref() == name));
    match absent {
        Some(name) => Shape::MissingKey { name: name.to_string() },
        None => Shape::Unexplained,
    }
}
