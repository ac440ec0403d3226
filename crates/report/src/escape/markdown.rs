//! Text for GitHub-flavoured Markdown: user-written strings stay text.
//!
//! [`text`] makes a string safe as inline content anywhere on a line
//! (heading, table cell, list item, paragraph): one line, no raw HTML, no
//! links or images, no @mentions or autolinked URLs, no table columns, no
//! emphasis or maths, no block syntax at its start. [`code`] and
//! [`fence`] wrap text in a code span or block it cannot close.

use super::terminal;

/// Zero-width space as an entity: breaks @mentions and URL autolinks
/// without changing what readers see (the trick Renovate and Dependabot use).
const BREAK: &str = "&#8203;";

/// `s` as inline Markdown text that renders as exactly its characters
/// (apart from zero-width breaks in `@` and URLs, and line breaks and
/// control characters shown as spaces and escapes).
pub fn text(s: &str) -> String {
    let line = one_line(s);
    let line = line.trim_start();
    let mut out = String::with_capacity(line.len() + 8);
    let mut rest = line;
    // Block syntax only counts at the start of a line, and only followed by
    // a space, the end, or more of the same: `# `, `## `, `- `, `---`, `+ `,
    // `===` (setext), `1. `, `1) `. `+$2.50` is left as it is.
    let opens_block = |after: &str, c: char| after.is_empty() || after.starts_with([' ', '\t', c]);
    if let Some(c) = line.chars().next()
        && matches!(c, '#' | '-' | '+' | '=')
        && opens_block(&line[1..], c)
    {
        out.push('\\');
        out.push(c);
        rest = &line[1..];
    } else {
        let digits = line.len() - line.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if digits > 0 && line[digits..].starts_with(['.', ')']) && opens_block(&line[digits + 1..], ' ') {
            out.push_str(&line[..digits]);
            out.push('\\');
            rest = &line[digits..];
        }
    }
    for (i, c) in rest.char_indices() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '$' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '@' => {
                out.push('@');
                out.push_str(BREAK);
            }
            ':' if rest[i..].starts_with("://") => {
                out.push(':');
                out.push_str(BREAK);
            }
            'w' | 'W' if rest[i..].get(..4).is_some_and(|w| w.eq_ignore_ascii_case("www.")) => {
                out.push(c);
                out.push_str(BREAK);
            }
            _ => out.push(c),
        }
    }
    out
}

/// `s` as an inline code span: a fence of backticks longer than any run in
/// `s`, so it cannot be closed early; one line.
pub fn code(s: &str) -> String {
    let line = one_line(s);
    let fence = "`".repeat(longest_run(&line, '`') + 1);
    // A space keeps a leading or trailing backtick off the fence; Markdown
    // strips one space on each side.
    let pad = if line.starts_with('`') || line.ends_with('`') { " " } else { "" };
    format!("{fence}{pad}{line}{pad}{fence}")
}

/// A fenced code block holding `body` (lines kept), with a fence longer
/// than any backtick run in it so it cannot be closed early.
pub fn fence(info: &str, body: &str) -> String {
    let body: String = body.lines().map(|l| format!("{}\n", terminal::visible(l))).collect();
    let fence = "`".repeat(longest_run(&body, '`').max(2) + 1);
    format!("{fence}{info}\n{body}{fence}\n")
}

/// One line: line breaks become spaces, other control characters visible
/// escapes.
fn one_line(s: &str) -> String {
    let spaced: String = s
        .chars()
        .map(|c| if matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}') { ' ' } else { c })
        .collect();
    terminal::visible(&spaced).into_owned()
}

fn longest_run(s: &str, c: char) -> usize {
    let (mut best, mut run) = (0, 0);
    for x in s.chars() {
        run = if x == c { run + 1 } else { 0 };
        best = best.max(run);
    }
    best
}

#[cfg(test)]
mod tests {
    use super::{code, fence, text};

    #[test]
    fn plain_names_are_untouched() {
        assert_eq!(text("Pro plan — €20 a month"), "Pro plan — €20 a month");
    }

    #[test]
    fn markup_in_names_stays_text() {
        assert_eq!(text("Pro\n## Approved by security"), "Pro ## Approved by security");
        assert_eq!(text("# Big"), "\\# Big");
        assert_eq!(text("---"), "\\---");
        assert_eq!(text("+$2.50"), "+\\$2.50");
        assert_eq!(text("2024.1 release"), "2024.1 release");
        assert_eq!(text("1. first"), "1\\. first");
        assert_eq!(text("a | b"), "a \\| b");
        assert_eq!(text("<script>x</script>"), "&lt;script&gt;x&lt;/script&gt;");
        assert_eq!(text("![x](https://e.vil/p.png)"), "!\\[x\\](https:&#8203;//e.vil/p.png)");
        assert_eq!(text("ping @octocat"), "ping @&#8203;octocat");
        assert_eq!(text("see www.evil.com"), "see w&#8203;ww.evil.com");
        assert_eq!(text("$5 *now*"), "\\$5 \\*now\\*");
        assert_eq!(text("R&D"), "R&amp;D");
    }

    #[test]
    fn code_spans_and_fences_cannot_be_closed_from_inside() {
        assert_eq!(code("eigent"), "`eigent`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`x"), "`` `x ``");
        assert_eq!(code("a\n# b"), "`a # b`");
        assert_eq!(fence("text", "a\n```\nb"), "````text\na\n```\nb\n````\n");
    }
}
