//! Where commands write: stdout for results, stderr for diagnostics, colour
//! only on terminals (and never with NO_COLOR), quiet on a closed pipe.

use super::{Color, MessageFormat};
use pricebook_lang::diag::{self, Diagnostic, Diagnostics, SourceMap, Style};
use std::io::{IsTerminal, Write};

pub struct Output {
    color: Color,
}

impl Output {
    pub fn new(color: Color) -> Self {
        Output { color }
    }

    fn wants_color(&self, terminal: bool) -> bool {
        match self.color {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => terminal && std::env::var_os("NO_COLOR").is_none(),
        }
    }

    pub fn stdout_style(&self) -> Style {
        if self.wants_color(std::io::stdout().is_terminal()) { Style::Color } else { Style::Plain }
    }

    pub fn stderr_style(&self) -> Style {
        if self.wants_color(std::io::stderr().is_terminal()) { Style::Color } else { Style::Plain }
    }

    /// Writes a result. A closed pipe (`| head`) is not an error.
    pub fn print(&mut self, text: &str) {
        let mut stdout = std::io::stdout().lock();
        let _ = stdout.write_all(text.as_bytes());
        let _ = stdout.flush();
    }

    pub fn eprint(&mut self, text: &str) {
        let mut stderr = std::io::stderr().lock();
        let _ = stderr.write_all(text.as_bytes());
    }

    /// Prints diagnostics in stable order: for people (full or one line
    /// each) on stderr, for machines (JSON lines, GitHub annotations) on
    /// stdout.
    pub fn diagnostics(&mut self, diags: &Diagnostics, sources: &SourceMap, format: MessageFormat) {
        let sorted: Vec<&Diagnostic> = diags.sorted();
        let line_each = |render: fn(&Diagnostic, &SourceMap) -> String| -> String {
            sorted.iter().map(|d| render(d, sources) + "\n").collect()
        };
        match format {
            MessageFormat::Human => {
                let text = diag::render_all(&sorted, sources, self.stderr_style());
                self.eprint(&text);
            }
            MessageFormat::Short => self.eprint(&line_each(diag::render_short)),
            MessageFormat::Json => self.print(&line_each(diag::render_json)),
            MessageFormat::Github => self.print(&line_each(diag::render_github)),
        }
    }
}
