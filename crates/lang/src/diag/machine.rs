//! Diagnostics for machines: one JSON object per line (`check
//! --message-format json`) and GitHub Actions workflow commands
//! (`--message-format github`), which a workflow shows as annotations on
//! the pull request's files.
//!
//! Both shapes are documented in the README and snapshotted
//! (`tests/formats.rs`): tools depend on them.

use super::{Diagnostic, Severity, SourceMap};

/// The stable JSON object for one diagnostic: code, severity, file, 1-based
/// line and column of the start and end, message, help (`null` if none).
pub fn json_value(d: &Diagnostic, sources: &SourceMap) -> serde_json::Value {
    let file = sources.get(d.file);
    let (start, end) = (file.line_col(d.span.start), file.line_col(d.span.end.max(d.span.start)));
    serde_json::json!({
        "code": d.code.id(),
        "severity": severity_word(d.severity()),
        "file": file.path,
        "line": start.line,
        "column": start.col,
        "end_line": end.line,
        "end_column": end.col,
        "message": d.message,
        "help": d.help,
    })
}

/// One line of JSON (no line break).
pub fn render_json(d: &Diagnostic, sources: &SourceMap) -> String {
    json_value(d, sources).to_string()
}

/// `::error file=…,line=…,col=…,endLine=…,endColumn=…,title=code::message`,
/// with the help on a second line of the annotation.
pub fn render_github(d: &Diagnostic, sources: &SourceMap) -> String {
    let file = sources.get(d.file);
    let (start, end) = (file.line_col(d.span.start), file.line_col(d.span.end.max(d.span.start)));
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    format!(
        "::{} file={},line={},col={},endLine={},endColumn={},title={}::{}",
        severity_word(d.severity()),
        property(&file.path),
        start.line,
        start.col,
        end.line,
        end.col,
        property(d.code.id()),
        data(&message)
    )
}

fn severity_word(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// Escapes a workflow command's message as the runner expects.
fn data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a workflow command's property value (also `:` and `,`).
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::{Code, Diagnostics, SourceFile};

    #[test]
    fn github_commands_escape_what_the_runner_reads() {
        let mut sources = SourceMap::new();
        let file = sources.add(SourceFile::new("plans/a,b.toml", "x = 1\ny = 2\n"));
        let mut diags = Diagnostics::new();
        diags.report(Code::UnknownKey, file, 6..7, "100% wrong: `y`").with_help("remove it");
        let d = diags.sorted()[0];
        assert_eq!(
            render_github(d, &sources),
            "::error file=plans/a%2Cb.toml,line=2,col=1,endLine=2,endColumn=2,title=unknown-key::100%25 wrong: `y`%0Ahelp: remove it"
        );
        let v = json_value(d, &sources);
        assert_eq!(
            (v["line"].as_u64(), v["column"].as_u64(), v["help"].as_str()),
            (Some(2), Some(1), Some("remove it"))
        );
    }
}
