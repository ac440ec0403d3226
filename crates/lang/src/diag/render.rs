//! Turning diagnostics into text: the full form (source line, caret, help)
//! through annotate-snippets, and a one-line `file:line:col:` form for logs.

use super::{Code, Diagnostic, Severity, SourceMap};
use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};

/// Colour for terminals, plain for files, snapshots and pipes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    Plain,
    Color,
}

/// `plans/x.toml:12:9: error[unknown-key]: message`
pub fn render_short(d: &Diagnostic, sources: &SourceMap) -> String {
    let file = sources.get(d.file);
    let at = file.line_col(d.span.start);
    format!("{}:{}:{}: {}[{}]: {}", file.path, at.line, at.col, severity_word(d.severity()), d.code.id(), d.message)
}

/// The compiler-style block: header, `--> file:line:col`, quoted line with a
/// caret under the span, label and help.
pub fn render(d: &Diagnostic, sources: &SourceMap, style: Style) -> String {
    let file = sources.get(d.file);
    let start = file.clamp(d.span.start);
    let end = file.clamp(d.span.end.max(d.span.start));
    let level = match d.severity() {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    let related: Vec<(std::ops::Range<usize>, &str)> = d
        .related
        .iter()
        .map(|(span, label)| (file.clamp(span.start)..file.clamp(span.end.max(span.start)), label.as_str()))
        .collect();
    // Only the lines the spans touch are handed to the renderer, which
    // reads all it is given: quoting the whole file for each of many
    // diagnostics made rendering quadratic in the file's size.
    let lo = related.iter().map(|(r, _)| r.start).fold(start, usize::min);
    let hi = related.iter().map(|(r, _)| r.end).fold(end, usize::max);
    let from = file.text[..lo].rfind('\n').map_or(0, |i| i + 1);
    let to = file.text[hi..].find('\n').map_or(file.text.len(), |i| hi + i);
    let excerpt = &file.text[from..to];
    let annotation = AnnotationKind::Primary.span(start - from..end - from).label(d.label.as_deref());
    let related =
        related.iter().map(|(r, label)| AnnotationKind::Context.span(r.start - from..r.end - from).label(Some(*label)));
    let title = level.primary_title(d.message.as_str()).id(d.code.id());
    // A file with no text (unreadable, or empty) has no line to quote: an
    // empty snippet would draw a caret under nothing.
    let group = if file.text.is_empty() {
        title.element(Origin::path(file.path.as_str()))
    } else {
        title.element(
            Snippet::source(excerpt)
                .line_start(file.line_col(from).line)
                .path(file.path.as_str())
                .annotation(annotation)
                .annotations(related),
        )
    };
    let mut report = vec![group];
    if let Some(help) = d.help.as_deref().or_else(|| default_help(d.code)) {
        report.push(Group::with_title(Level::HELP.secondary_title(help)));
    }
    let renderer = match style {
        Style::Plain => Renderer::plain(),
        Style::Color => Renderer::styled(),
    };
    renderer.render(&report)
}

/// All diagnostics in a stable order followed by a count line.
pub fn render_all(all: &[&Diagnostic], sources: &SourceMap, style: Style) -> String {
    let mut out = String::new();
    for d in all {
        out.push_str(&render(d, sources, style));
        out.push_str("\n\n");
    }
    let errors = all.iter().filter(|d| d.severity() == Severity::Error).count();
    let warnings = all.len() - errors;
    if !all.is_empty() {
        out.push_str(&format!("{} error{}, {} warning{}\n", errors, plural(errors), warnings, plural(warnings)));
    }
    out
}

/// A hint for codes whose diagnostics are made where no hint is known (a
/// file that cannot be read is reported before anything about it is).
fn default_help(code: Code) -> Option<&'static str> {
    match code {
        Code::Io => Some("check that the file exists and that pricebook may read it"),
        Code::NotUtf8 => Some("plan files are text: save it as UTF-8, or remove it from the folder"),
        Code::FileTooLarge => Some("split it into several plan files, one per product"),
        Code::OutsideProject => {
            Some("commit the file itself rather than a link, or point the link at a file inside the project")
        }
        Code::NotAFile => Some("replace it with a regular text file, or remove it"),
        _ => None,
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn severity_word(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}
