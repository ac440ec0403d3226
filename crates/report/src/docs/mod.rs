//! Customer docs: a pricing page and a "how credits work" FAQ per catalog,
//! in Markdown and in HTML, rendered with minijinja from the compiled
//! catalog, so a page never promises what billing does not do.
//!
//! ```text
//! Catalog ──view::DocView::build──▶ DocView (sentences from rules, worked examples from the engine)
//!         ──templates (+ filters)──▶ <plan>/pricing.md, faq.md, pricing.html, faq.html
//! ```
//!
//! Not here: reading arguments and printing (the CLI), compiling plans
//! (`compile`). Template errors become diagnostics; nothing panics.

mod examples;
/// minijinja filters for money and amounts.
pub mod filters;
mod journey;
mod md_link;
/// Words for catalog things.
pub mod names;
/// Rules turned into sentences.
pub mod sentences;
/// Template sets, the environment, template errors.
pub mod templates;
/// The view model templates see.
pub mod view;
mod write;

pub use templates::{DocFormat, TemplateFile, TemplateSet};
pub use view::DocView;
pub use write::{safe_component, write_all};

use minijinja::value::{Serde, Value};
use pricebook_lang::compile::{self, Catalog, Workspace};
use pricebook_lang::diag::{Diagnostics, SourceMap};
use pricebook_lang::rulebook::{Rule, Rulebook};
use serde::Serialize;
use std::path::{Path, PathBuf};
use templates::TemplateErrors;

/// One rendered page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenderedDoc {
    /// The catalog (plan file) it documents, e.g. `acme`.
    pub plan: String,
    /// File name, e.g. `pricing.html`.
    pub file: String,
    pub text: String,
}

/// A link from one page to its siblings in the same format.
#[derive(Debug, Serialize)]
struct PageLink {
    /// The page's name, e.g. `faq`.
    name: String,
    /// What a link to it says, e.g. `FAQ`.
    title: String,
    /// Its file name, e.g. `faq.html`.
    file: String,
}

/// Project-wide page settings (`[docs]` in `pricebook.toml`); templates
/// see them as `docs`.
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct PageOptions {
    /// Whether pages credit pricebook in their footer.
    pub footer: bool,
}

/// What a template renders with: the view model plus where it is.
#[derive(Serialize)]
struct PageContext<'v> {
    #[serde(flatten)]
    view: &'v DocView,
    /// Project-wide page settings.
    docs: PageOptions,
    /// The project's rules for this plan file (`rules.toml`): id, title,
    /// text; its own and those of every plan file.
    rulebook: Vec<&'v Rule>,
    /// This page's name, e.g. `pricing`.
    page: String,
    /// Every page of this format, for navigation.
    pages: Vec<PageLink>,
}

/// Renders every page of `set` in each format for one catalog. Template
/// errors are reported into `errors`; a page that fails is left out.
pub fn render_catalog(
    cat: &Catalog,
    rules: &Rulebook,
    set: &TemplateSet,
    formats: &[DocFormat],
    options: PageOptions,
    errors: &mut TemplateErrors<'_>,
) -> Vec<RenderedDoc> {
    let (mut env, compile_errors) = templates::environment(set);
    if !compile_errors.is_empty() {
        for e in &compile_errors {
            let page = set.files.iter().find(|f| Some(f.name.as_str()) == e.name()).or(set.files.first());
            if let Some(page) = page {
                errors.report(set, page, e);
            }
        }
        return Vec::new();
    }
    filters::register(&mut env, &filters::Formats::of(cat));
    let view = DocView::build(cat);
    let mut out = Vec::new();
    for format in formats {
        let pages = set.pages(*format);
        let links: Vec<(String, String)> =
            pages.iter().map(|(_, page)| (page.clone(), format!("{page}.{}", format.ext()))).collect();
        for (file, page) in &pages {
            let ctx = PageContext {
                view: &view,
                docs: options,
                rulebook: rules.for_plan(&cat.id).collect(),
                page: page.clone(),
                pages: links
                    .iter()
                    .map(|(name, file)| PageLink { name: name.clone(), title: page_title(name), file: file.clone() })
                    .collect(),
            };
            let rendered = env.get_template(&file.name).and_then(|t| t.render(Value::from(Serde(&ctx))));
            match rendered {
                Ok(text) => {
                    out.push(RenderedDoc { plan: cat.id.clone(), file: format!("{page}.{}", format.ext()), text })
                }
                Err(e) => errors.report(set, file, &e),
            }
        }
    }
    out
}

/// A page's name in links: the bundled pages' words, else the name capitalised.
fn page_title(name: &str) -> String {
    match name {
        "faq" => "FAQ".to_string(),
        _ => names::capitalize(&name.replace(['_', '-'], " ")),
    }
}

/// Renders several catalogs; template errors are reported once each.
pub fn render_all(
    catalogs: &[Catalog],
    rules: &Rulebook,
    set: &TemplateSet,
    formats: &[DocFormat],
    options: PageOptions,
    sources: &mut SourceMap,
    diags: &mut Diagnostics,
) -> Vec<RenderedDoc> {
    let mut errors = TemplateErrors::new(sources, diags);
    catalogs.iter().flat_map(|cat| render_catalog(cat, rules, set, formats, options, &mut errors)).collect()
}

/// The plan files `pricebook docs` documents: every file in `plans/`, or
/// the ones named (`acme`, or a path such as `plans/acme.toml`).
pub fn select_plans(ws: &Workspace, names: &[String]) -> Result<Vec<PathBuf>, String> {
    if names.is_empty() {
        let all = ws.plan_files();
        if all.is_empty() {
            return Err(format!("no plan files in {}", ws.plans_dir().display()));
        }
        return Ok(all);
    }
    let known = ws.plan_names();
    names
        .iter()
        .map(|name| {
            let as_path = Path::new(name);
            if name.ends_with(".toml") {
                let path = if as_path.is_absolute() || as_path.exists() {
                    as_path.to_path_buf()
                } else {
                    ws.root.join(as_path)
                };
                return if path.is_file() { Ok(path) } else { Err(format!("{name} does not exist")) };
            }
            let path = ws.plan_path(name);
            if path.is_file() {
                Ok(path)
            } else {
                Err(format!(
                    "there is no plan file `{}`; {}",
                    ws.display(&path),
                    pricebook_lang::suggest::help_for(name, "plan files", known.iter().map(String::as_str))
                ))
            }
        })
        .collect()
}

/// What `pricebook docs` was asked for.
#[derive(Debug)]
pub struct Request<'a> {
    /// Plan names or files; empty: every plan in `plans/`.
    pub plans: &'a [String],
    /// A template folder whose files replace the bundled ones of the same
    /// name; `None`: the project's (`pricebook.toml`), else only the bundled ones.
    pub templates: Option<&'a Path>,
    pub formats: &'a [DocFormat],
}

/// Compiles the requested plans and renders their docs. Problems in plan
/// files and templates go into `diags`; `Err` means the command cannot do
/// its job (no such plan, unreadable template folder, no pages to render).
pub fn generate(
    ws: &Workspace,
    req: &Request<'_>,
    sources: &mut SourceMap,
    diags: &mut Diagnostics,
) -> Result<Vec<RenderedDoc>, String> {
    let paths = select_plans(ws, req.plans)?;
    let set = match req.templates.map(Path::to_path_buf).or_else(|| ws.templates_dir()).as_deref() {
        None => TemplateSet::bundled(),
        Some(dir) => TemplateSet::bundled().overridden_by(TemplateSet::from_dir(
            dir,
            &ws.boundary_for(dir),
            |p| ws.display(p),
            sources,
            diags,
        )?),
    };
    if req.formats.iter().all(|f| set.pages(*f).is_empty()) {
        let wanted: Vec<String> = req.formats.iter().map(|f| format!("<page>.{}.j2", f.ext())).collect();
        return Err(format!("no page templates to render (looked for {})", wanted.join(" and ")));
    }
    let catalogs: Vec<Catalog> = paths.iter().filter_map(|p| compile::load_catalog(ws, p, sources, diags)).collect();
    let options = PageOptions { footer: ws.manifest.docs_footer };
    Ok(render_all(&catalogs, &ws.rules, &set, req.formats, options, sources, diags))
}
