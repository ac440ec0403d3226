//! Diagnostics: what went wrong, where, and how to fix it.
//!
//! Every stage pushes [`Diagnostic`]s into a [`Diagnostics`] sink instead of
//! stopping at the first problem. A diagnostic points at a byte span of one
//! file in the [`SourceMap`]; rendering turns that into `file:line:col`, the
//! source line with a caret, and a hint. Stages never print.

mod code;
mod machine;
mod render;
mod source;

pub use code::{Code, Severity};
pub use machine::{json_value, render_github, render_json};
pub use render::{Style, render, render_all, render_short};
pub use source::{FileId, SourceFile, SourceMap};

use std::ops::Range;

/// One problem found in one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Stable, kebab-case code; also decides the severity.
    pub code: Code,
    /// The file the span points into.
    pub file: FileId,
    /// Byte range in that file.
    pub span: Range<usize>,
    /// One sentence: what is wrong.
    pub message: String,
    /// Short text under the caret.
    pub label: Option<String>,
    /// How to fix it.
    pub help: Option<String>,
    /// Other places in the same file that explain this one (the first use
    /// of a duplicated id), each with a short label. Quoted in the snippet
    /// so the reader need not count lines or bytes.
    pub related: Vec<(Range<usize>, String)>,
}

impl Diagnostic {
    pub fn severity(&self) -> Severity {
        self.code.severity()
    }

    pub fn with_label(&mut self, label: impl Into<String>) -> &mut Self {
        self.label = Some(label.into());
        self
    }

    pub fn with_help(&mut self, help: impl Into<String>) -> &mut Self {
        self.help = Some(help.into());
        self
    }

    /// Points at a second place in the same file, with a label.
    pub(crate) fn with_related(&mut self, span: Range<usize>, label: impl Into<String>) -> &mut Self {
        self.related.push((span, label.into()));
        self
    }
}

/// The sink every stage reports into.
#[derive(Debug, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a diagnostic and returns it so a label or help can be attached.
    pub fn report(
        &mut self,
        code: Code,
        file: FileId,
        span: Range<usize>,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        self.items.push(Diagnostic {
            code,
            file,
            span,
            message: message.into(),
            label: None,
            help: None,
            related: Vec::new(),
        });
        let last = self.items.len() - 1;
        &mut self.items[last]
    }

    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity() == Severity::Error)
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.items.iter().filter(|d| d.severity() == severity).count()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Diagnostics in file order, then position, so output does not depend on
    /// the order in which checks ran.
    pub fn sorted(&self) -> Vec<&Diagnostic> {
        let mut all: Vec<&Diagnostic> = self.items.iter().collect();
        all.sort_by(|a, b| {
            (a.file, a.span.start, a.span.end, a.code)
                .cmp(&(b.file, b.span.start, b.span.end, b.code))
                .then_with(|| a.message.cmp(&b.message))
        });
        all
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }
}
