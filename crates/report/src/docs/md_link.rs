//! The `md_link` filter: a call to action as a Markdown link,
//! `[Start free trial](<https://example.com/signup>)`, the label escaped as
//! Markdown text ([`crate::escape::markdown::text`]) and the address in
//! angle brackets (which lets it hold parentheses). The link is returned as
//! safe, so the pages' Markdown escaping does not escape it a second time;
//! HTML pages need none of this (minijinja escapes them).

use minijinja::value::Value;
use minijinja::{Error, ErrorKind};

/// An address inside `<...>`: angle brackets and spaces percent-encoded
/// (the compiler already refuses spaces; this keeps the link whole anyway).
fn escape_url(url: &str) -> String {
    url.replace('<', "%3C").replace('>', "%3E").replace(' ', "%20")
}

/// The filter: a `{label, url}` value as a Markdown link.
pub(crate) fn md_link(cta: Value) -> Result<Value, Error> {
    let field = |key: &str| -> Result<String, Error> {
        let v = cta.get_attr(key)?;
        v.as_str().map(str::to_string).ok_or_else(|| {
            Error::new(ErrorKind::InvalidOperation, format!("`md_link` expects a call to action with a `{key}` string"))
        })
    };
    let label = crate::escape::markdown::text(&field("label")?);
    Ok(Value::from_safe_string(format!("[{label}](<{}>)", escape_url(&field("url")?))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_and_addresses_cannot_break_out_of_the_link() {
        assert_eq!(escape_url("https://e.com/a>b<c"), "https://e.com/a%3Eb%3Cc");
        let json = serde_json::json!({"label": "Go (now)", "url": "https://e.com/x_(y)"});
        let cta = Value::from(minijinja::value::Serde(&json));
        assert_eq!(md_link(cta).expect("a link").to_string(), "[Go (now)](<https://e.com/x_(y)>)");
    }
}
