//! The `md_link` filter: a call to action as a Markdown link,
//! `[Start free trial](<https://example.com/signup>)`, with the label's
//! Markdown punctuation backslash-escaped and the address in angle brackets
//! (which lets it hold parentheses). A small local stand-in until the
//! shared Markdown escaping module lands; HTML pages need none of this
//! (minijinja escapes them).

use minijinja::value::Value;
use minijinja::{Error, ErrorKind};

/// Characters that start or end Markdown syntax inside link text.
const MARKDOWN_PUNCTUATION: &[char] = &['\\', '`', '*', '_', '[', ']', '<', '>', '(', ')', '#', '|', '!', '&'];

/// `label` with every Markdown punctuation character backslash-escaped.
fn escape_text(label: &str) -> String {
    let mut out = String::with_capacity(label.len());
    for c in label.chars() {
        if MARKDOWN_PUNCTUATION.contains(&c) {
            out.push('\\');
        }
        if c == '\n' || c == '\r' {
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    out
}

/// An address inside `<...>`: angle brackets and spaces percent-encoded
/// (the compiler already refuses spaces; this keeps the link whole anyway).
fn escape_url(url: &str) -> String {
    url.replace('<', "%3C").replace('>', "%3E").replace(' ', "%20")
}

/// The filter: a `{label, url}` value as a Markdown link.
pub(crate) fn md_link(cta: Value) -> Result<String, Error> {
    let field = |key: &str| -> Result<String, Error> {
        let v = cta.get_attr(key)?;
        v.as_str().map(str::to_string).ok_or_else(|| {
            Error::new(ErrorKind::InvalidOperation, format!("`md_link` expects a call to action with a `{key}` string"))
        })
    };
    Ok(format!("[{}](<{}>)", escape_text(&field("label")?), escape_url(&field("url")?)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_and_addresses_cannot_break_out_of_the_link() {
        assert_eq!(escape_text("Start *free* [trial]"), "Start \\*free\\* \\[trial\\]");
        assert_eq!(escape_url("https://e.com/a>b<c"), "https://e.com/a%3Eb%3Cc");
        let json = serde_json::json!({"label": "Go (now)", "url": "https://e.com/x_(y)"});
        let cta = Value::from(minijinja::value::Serde(&json));
        assert_eq!(md_link(cta).expect("a link"), "[Go \\(now\\)](<https://e.com/x_(y)>)");
    }
}
