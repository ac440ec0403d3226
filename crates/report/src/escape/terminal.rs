//! Text for terminals: control characters shown, never obeyed.
//!
//! A name holding `ESC [2J` would clear the screen, an OSC 8 sequence would
//! fake a link, a carriage return or newline would overwrite or forge a
//! line, and bidirectional overrides would reorder what is read. Such
//! characters are shown as Rust-style escapes (`\u{1b}`, `\n`), the way
//! diagnostics show them.

use std::borrow::Cow;

/// Whether `c` must not reach a terminal as itself.
fn is_control(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `s` with every control character written as a visible escape; borrowed
/// when there is none (the common case costs no allocation).
pub fn visible(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_control) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_control(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::visible;

    #[test]
    fn controls_are_shown_and_plain_text_is_untouched() {
        assert_eq!(visible("Pro plan — €20"), "Pro plan — €20");
        assert_eq!(visible("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(visible("x\ny\rz\t"), "x\\ny\\rz\\t");
        assert_eq!(visible("\u{1b}]8;;https://evil\u{7}hi"), "\\u{1b}]8;;https://evil\\u{7}hi");
        assert_eq!(visible("abc\u{202e}fed"), "abc\\u{202e}fed");
        assert_eq!(visible("\u{9b}2J"), "\\u{9b}2J");
    }
}
