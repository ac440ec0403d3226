//! Template sets (the bundled one, or a user's folder), the minijinja
//! environment they run in, and template errors as diagnostics.
//!
//! A template error becomes a [`Diagnostic`](pricebook_lang::diag::Diagnostic)
//! with code `template-error` pointing at the template file, line and
//! column, rendered like any plan-file error. The same broken template
//! fails the same way for every plan; it is reported once.

use crate::escape::markdown;
use minijinja::syntax::SyntaxConfig;
use minijinja::{AutoEscape, Environment, ErrorKind, Output, State, UndefinedBehavior, Value};
use pricebook_lang::diag::{Code, Diagnostics, FileId, SourceFile, SourceMap};
use pricebook_lang::model::read_source;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// One template: its name in the environment, where it came from, its text.
#[derive(Clone, Debug)]
pub struct TemplateFile {
    /// File name, e.g. `pricing.html.j2`; what `{% extends %}` names.
    pub name: String,
    /// Path as users see it, e.g. `templates/pricing.html.j2`.
    pub path: String,
    pub text: String,
}

/// The output formats pages are rendered in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum DocFormat {
    Markdown,
    Html,
}

impl DocFormat {
    /// Every format, in the order pages are rendered.
    pub const ALL: [DocFormat; 2] = [DocFormat::Markdown, DocFormat::Html];

    /// The file extension of the output, also the template's middle extension.
    pub fn ext(self) -> &'static str {
        match self {
            DocFormat::Markdown => "md",
            DocFormat::Html => "html",
        }
    }
}

/// A folder's worth of templates.
#[derive(Clone, Debug)]
pub struct TemplateSet {
    pub files: Vec<TemplateFile>,
}

/// The templates shipped in the binary, from the repository's `templates/`.
const BUNDLED: &[(&str, &str)] = &[
    ("_layout.html.j2", include_str!("../../../../templates/_layout.html.j2")),
    ("faq.html.j2", include_str!("../../../../templates/faq.html.j2")),
    ("faq.md.j2", include_str!("../../../../templates/faq.md.j2")),
    ("pricing.html.j2", include_str!("../../../../templates/pricing.html.j2")),
    ("pricing.md.j2", include_str!("../../../../templates/pricing.md.j2")),
];

impl TemplateSet {
    /// The bundled templates (`pricing` and `faq`, Markdown and HTML).
    pub fn bundled() -> TemplateSet {
        TemplateSet {
            files: BUNDLED
                .iter()
                .map(|(name, text)| TemplateFile {
                    name: (*name).to_string(),
                    path: format!("templates/{name}"),
                    text: (*text).to_string(),
                })
                .collect(),
        }
    }

    /// Every `*.j2` file directly in `dir`, sorted by name. A file is read
    /// only if it resolves inside `boundary`; an unreadable file becomes a
    /// diagnostic; a folder that cannot be listed is an
    /// `Err` (the command cannot do its job).
    pub fn from_dir(
        dir: &Path,
        boundary: &Path,
        display: impl Fn(&Path) -> String,
        sources: &mut SourceMap,
        diags: &mut Diagnostics,
    ) -> Result<TemplateSet, String> {
        let entries =
            std::fs::read_dir(dir).map_err(|e| format!("cannot read the template folder {}: {e}", dir.display()))?;
        let mut paths: Vec<_> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "j2"))
            .collect();
        paths.sort();
        let mut files = Vec::new();
        for p in paths {
            let Some(name) = p.file_name().map(|n| n.to_string_lossy().into_owned()) else { continue };
            let shown = display(&p);
            match read_source(boundary, &p) {
                Ok(text) => files.push(TemplateFile { name, path: shown, text }),
                Err((code, message)) => {
                    let file = sources.add(SourceFile::new(shown, ""));
                    diags.report(code, file, 0..0, message);
                }
            }
        }
        Ok(TemplateSet { files })
    }

    /// Templates that render a page in `format`: `<page>.<ext>.j2`, not
    /// starting with `_` (layouts and partials). The pricing page comes
    /// first and the FAQ second (navigation order), then others by name.
    pub fn pages(&self, format: DocFormat) -> Vec<(&TemplateFile, String)> {
        let suffix = format!(".{}.j2", format.ext());
        let mut pages: Vec<(&TemplateFile, String)> = self
            .files
            .iter()
            .filter(|f| !f.name.starts_with('_'))
            .filter_map(|f| f.name.strip_suffix(&suffix).map(|page| (f, page.to_string())))
            .collect();
        let rank = |page: &str| match page {
            "pricing" => 0,
            "faq" => 1,
            _ => 2,
        };
        pages.sort_by(|a, b| (rank(&a.1), &a.1).cmp(&(rank(&b.1), &b.1)));
        pages
    }

    /// This set with `own`'s files in place of the same-named ones and
    /// `own`'s other files added: a project overrides any bundled template
    /// (the layout, one page) and keeps the rest.
    pub fn overridden_by(self, own: TemplateSet) -> TemplateSet {
        let mut files: Vec<TemplateFile> =
            self.files.into_iter().filter(|f| !own.files.iter().any(|o| o.name == f.name)).collect();
        files.extend(own.files);
        files.sort_by(|a, b| a.name.cmp(&b.name));
        TemplateSet { files }
    }

    fn by_name(&self, name: &str) -> Option<&TemplateFile> {
        self.files.iter().find(|f| f.name == name)
    }
}

/// A minijinja environment with every template of a set compiled, strict
/// about undefined values, HTML-escaping `*.html.j2`.
pub fn environment<'s>(set: &'s TemplateSet) -> (Environment<'s>, Vec<minijinja::Error>) {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    // Debug info gives errors a byte range, so diagnostics get a column.
    env.set_debug(true);
    env.set_auto_escape_callback(|name| {
        let name = name.strip_suffix(".j2").unwrap_or(name);
        if name.ends_with(".html") || name.ends_with(".htm") {
            AutoEscape::Html
        } else if name.ends_with(".md") {
            AutoEscape::Custom(MARKDOWN.into())
        } else {
            AutoEscape::None
        }
    });
    env.set_formatter(format_value);
    // Block tags on their own lines leave no blank lines behind, so
    // templates can be laid out readably and Markdown stays tidy.
    if let Ok(syntax) =
        SyntaxConfig::builder().trim_blocks(true).lstrip_blocks(true).keep_trailing_newline(true).build()
    {
        env.set_syntax(syntax);
    }
    let mut errors = Vec::new();
    for f in &set.files {
        if let Err(e) = env.add_template(&f.name, &f.text) {
            errors.push(e);
        }
    }
    (env, errors)
}

/// The auto-escape mode of `*.md.j2` templates.
const MARKDOWN: &str = "markdown";

/// Writes a `{{ value }}`: in Markdown templates every value not marked
/// safe is escaped as Markdown text, so a plan name cannot add headings,
/// table columns, links, images, raw HTML or @mentions. The filters'
/// figures are escaped too (`$5` becomes `\$5`, which renders as `$5`):
/// they carry user-written unit names. HTML and plain templates as
/// minijinja does.
fn format_value(out: &mut Output, state: &mut State<'_, '_>, value: &Value) -> Result<(), minijinja::Error> {
    if matches!(state.auto_escape(), AutoEscape::Custom(mode) if mode == MARKDOWN) && !value.is_safe() {
        return out.write_str(&markdown::text(&value.to_string())).map_err(minijinja::Error::from);
    }
    minijinja::escape_formatter(out, state, value)
}

/// Turns template errors into diagnostics, each once.
pub struct TemplateErrors<'a> {
    pub sources: &'a mut SourceMap,
    pub diags: &'a mut Diagnostics,
    files: BTreeMap<String, FileId>,
    seen: BTreeSet<(String, usize, usize, String)>,
}

impl<'a> TemplateErrors<'a> {
    /// Reports into `diags`, adding template files to `sources` as needed.
    pub fn new(sources: &'a mut SourceMap, diags: &'a mut Diagnostics) -> Self {
        TemplateErrors { sources, diags, files: BTreeMap::new(), seen: BTreeSet::new() }
    }

    fn file_id(&mut self, t: &TemplateFile) -> FileId {
        if let Some(id) = self.files.get(&t.name) {
            return *id;
        }
        let id = self.sources.add(SourceFile::new(t.path.clone(), t.text.clone()));
        self.files.insert(t.name.clone(), id);
        id
    }

    /// Reports `err`, which happened while rendering `page` (used when the
    /// error names no template of the set, e.g. a missing `{% extends %}`).
    pub fn report(&mut self, set: &TemplateSet, page: &TemplateFile, err: &minijinja::Error) {
        let file = err.name().and_then(|n| set.by_name(n)).unwrap_or(page);
        let span = span_of(file, err);
        let message = match err.detail() {
            Some(d) => format!("{}: {d}", err.kind()),
            None => err.kind().to_string(),
        };
        if !self.seen.insert((file.name.clone(), span.start, span.end, message.clone())) {
            return;
        }
        let id = self.file_id(file);
        let d = self.diags.report(Code::TemplateError, id, span, format!("template error: {message}"));
        d.with_label(err.kind().to_string());
        d.with_help(help_for(err.kind()));
    }
}

/// Where in the template the error is: minijinja's byte range when it has
/// one, else the whole reported line, else the start of the file.
fn span_of(file: &TemplateFile, err: &minijinja::Error) -> std::ops::Range<usize> {
    let len = file.text.len();
    if let Some(r) = err.range()
        && r.start <= r.end
        && r.end <= len
        && err.template_source().is_none_or(|s| s == file.text)
    {
        return r;
    }
    match err.line() {
        Some(line) if line > 0 => {
            let start: usize = file.text.split_inclusive('\n').take(line - 1).map(str::len).sum();
            let start = start.min(len);
            let end = file.text[start..].find('\n').map_or(len, |i| start + i);
            start..end
        }
        _ => 0..0,
    }
}

fn help_for(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::UnknownFilter => {
            "pricebook's filters are money, amount, number, per_unit, percent and md_link; minijinja's built-in filters work too"
        }
        ErrorKind::UndefinedError => {
            "templates see product, unit, plans, plan_grid, packs, top_ups, features, addons, rules, examples, rulebook, docs, page and pages; check the name against them"
        }
        ErrorKind::SyntaxError => "check that every {{ }}, {% %} and {# #} is closed and every block has its end tag",
        ErrorKind::TemplateNotFound => {
            "add the template to the folder, or fix the name in {% extends %} or {% include %}"
        }
        ErrorKind::UnknownFunction | ErrorKind::UnknownTest | ErrorKind::UnknownMethod => {
            "check the name against minijinja's built-ins"
        }
        _ => "fix the template; the value it works on comes from the view model (src/report/docs/view.rs)",
    }
}
