//! What each fuzz target does with one input, and what must never happen.
//!
//! - [`plan`]: any text read as a plan file: parse, check, lint, render
//!   every diagnostic. Never a panic.
//! - [`scenario`]: any text read as a scenario against the bundled plan
//!   file it names: compile and, if it compiles, replay and render. The
//!   engine must never reject a compiled scenario (`engine-rejected`) nor
//!   break conservation (`conservation-violated`): both are pricebook bugs.
//! - [`template`]: any text as a Markdown and an HTML page template,
//!   rendered for every bundled catalog. Never a panic; template errors are
//!   diagnostics.
//!
//! Panics are the finding: libFuzzer reports them as crashes.

use pricebook_lang::compile::{self, Catalog};
use pricebook_lang::diag::{Code, Diagnostics, SourceFile, SourceMap, Style, render_all};
use pricebook_lang::limits::Limits;
use pricebook_lang::model::{self, scenario::ScenarioFile};
use pricebook_lang::replay;
use pricebook_lang::rulebook::{self, Rulebook};
use pricebook_report::docs::PageOptions;
use pricebook_report::docs::{self, DocFormat, TemplateFile, TemplateSet};
use std::sync::OnceLock;

/// The bundled plan files, by catalog id.
const PLANS: &[(&str, &str)] = &[
    ("cleverai", include_str!("../../plans/cleverai.toml")),
    ("codeassist", include_str!("../../plans/codeassist.toml")),
    ("eigent", include_str!("../../plans/eigent.toml")),
    ("enrichment", include_str!("../../plans/enrichment.toml")),
    ("voiceagent", include_str!("../../plans/voiceagent.toml")),
];

/// The bundled catalogs, compiled once per process.
/// The bundled project's rulebook, so scenarios' `covers` compile.
fn rules() -> &'static Rulebook {
    static RULES: OnceLock<Rulebook> = OnceLock::new();
    RULES.get_or_init(|| {
        let mut sources = SourceMap::new();
        let mut diags = Diagnostics::new();
        let file = sources.add(SourceFile::new("rules.toml", RULES_TOML));
        let plans: Vec<String> = PLANS.iter().map(|(id, _)| id.to_string()).collect();
        model::parse_toml(RULES_TOML, file, &mut diags)
            .map(|raw| rulebook::validate(raw, &plans, file, &mut diags))
            .unwrap_or_default()
    })
}

const RULES_TOML: &str = include_str!("../../rules.toml");

fn catalogs() -> &'static [Catalog] {
    static CATALOGS: OnceLock<Vec<Catalog>> = OnceLock::new();
    CATALOGS.get_or_init(|| {
        PLANS
            .iter()
            .map(|(id, text)| {
                let mut sources = SourceMap::new();
                let mut diags = Diagnostics::new();
                let file = sources.add(SourceFile::new(format!("plans/{id}.toml"), *text));
                compile::compile_plan_text(id, file, &sources, &mut diags).expect("bundled plans compile")
            })
            .collect()
    })
}

fn text(data: &[u8]) -> Option<&str> {
    std::str::from_utf8(data).ok()
}

/// A plan file: read, checked, linted, every diagnostic rendered.
pub fn plan(data: &[u8]) {
    let Some(text) = text(data) else { return };
    let mut sources = SourceMap::new();
    let mut diags = Diagnostics::new();
    let file = sources.add(SourceFile::new("plans/fuzz.toml", text));
    let _ = compile::compile_plan_text("fuzz", file, &sources, &mut diags);
    let _ = render_all(&diags.sorted(), &sources, Style::Plain);
}

/// A scenario against the bundled plan file it names.
pub fn scenario(data: &[u8]) {
    let Some(text) = text(data) else { return };
    let mut sources = SourceMap::new();
    let mut diags = Diagnostics::new();
    let file = sources.add(SourceFile::new("scenarios/fuzz.toml", text));
    let Some(raw) = model::parse_toml::<ScenarioFile>(text, file, &mut diags) else { return };
    let Some(cat) = catalogs().iter().find(|c| c.id == raw.plans.value) else { return };
    let Some(script) = compile::compile_scenario(&raw, cat, rules(), &Limits::default(), file, &mut diags) else {
        return;
    };
    let engine = replay::replay(&script, cat, &mut diags);
    let _ = pricebook_report::ledger_table::render(&script, "scenarios/fuzz.toml", &engine);
    let _ = pricebook_report::ledger_json::render(&script, &engine);
    for d in diags.sorted() {
        assert!(
            !matches!(d.code, Code::EngineRejected | Code::ConservationViolated),
            "a compiled scenario broke the engine: {}\n{}",
            d.message,
            render_all(&diags.sorted(), &sources, Style::Plain)
        );
    }
}

/// A page template in both formats, rendered for every bundled catalog.
pub fn template(data: &[u8]) {
    let Some(text) = text(data) else { return };
    let files = DocFormat::ALL
        .iter()
        .map(|f| TemplateFile {
            name: format!("page.{}.j2", f.ext()),
            path: format!("templates/page.{}.j2", f.ext()),
            text: text.to_string(),
        })
        .collect();
    let set = TemplateSet { files };
    let mut sources = SourceMap::new();
    let mut diags = Diagnostics::new();
    let _ =
        docs::render_all(catalogs(), rules(), &set, &DocFormat::ALL, PageOptions::default(), &mut sources, &mut diags);
    let _ = render_all(&diags.sorted(), &sources, Style::Plain);
}
