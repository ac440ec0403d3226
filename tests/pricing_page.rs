//! The pricing page as customers see it (issue 11, item 7): the highlighted
//! plan and calls to action declared in plan files reach both formats, model
//! display names replace ids, counts agree with their nouns, the tool credit
//! appears only when `[docs] footer = true` asks for it, and a project's own
//! templates replace the bundled ones file by file.

use pricebook_lang::compile::{Catalog, compile_plan_text};
use pricebook_lang::diag::{Diagnostics, SourceFile, SourceMap, Style, render_all};
use pricebook_lang::rulebook::Rulebook;
use pricebook_report::docs::{self, DocFormat, PageOptions, RenderedDoc, TemplateSet};
use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A bundled plan file with `from` replaced by `to`, compiled in memory.
fn plan_with(name: &str, from: &str, to: &str) -> Catalog {
    let path = root().join(format!("plans/{name}.toml"));
    let text = std::fs::read_to_string(&path).expect("a bundled plan file");
    assert!(text.contains(from), "plans/{name}.toml no longer says `{from}`");
    let mut sources = SourceMap::new();
    let file = sources.add(SourceFile::new(format!("plans/{name}.toml"), text.replacen(from, to, 1)));
    let mut diags = Diagnostics::new();
    let cat = compile_plan_text(name, file, &sources, &mut diags);
    cat.unwrap_or_else(|| panic!("{}", render_all(&diags.sorted(), &sources, Style::Plain)))
}

fn render(cat: Catalog) -> Vec<RenderedDoc> {
    let (mut sources, mut diags) = (SourceMap::new(), Diagnostics::new());
    let set = TemplateSet::bundled();
    let out = docs::render_all(
        &[cat],
        &Rulebook::default(),
        &set,
        &DocFormat::ALL,
        PageOptions::default(),
        &mut sources,
        &mut diags,
    );
    assert!(!diags.has_errors(), "{}", render_all(&diags.sorted(), &sources, Style::Plain));
    out
}

fn page(docs: &[RenderedDoc], file: &str) -> String {
    docs.iter().find(|d| d.file == file).map(|d| d.text.clone()).unwrap_or_else(|| panic!("no {file}"))
}

#[test]
fn the_highlighted_plan_and_its_call_to_action_reach_both_formats() {
    let docs = render(plan_with("cleverai", "name = \"Chatbot message\"", "name = \"Chatbot message\""));
    let html = page(&docs, "pricing.html");
    assert!(html.contains("<article class=\"card featured\" id=\"plan-pro\">"), "{html}");
    assert_eq!(html.matches("class=\"card featured\"").count(), 1, "one plan is set apart");
    assert!(html.contains("href=\"https:&#x2f;&#x2f;cleverai.example&#x2f;signup?plan=pro\">Upgrade to Pro</a>"));
    let md = page(&docs, "pricing.md");
    assert!(md.contains("### Pro (recommended)"), "{md}");
    assert!(md.contains("[Upgrade to Pro](<https://cleverai.example/signup?plan=pro>)"), "{md}");

    // Without the keys, neither appears.
    let plain = plan_with("cleverai", "highlight = true\n", "");
    let plain = render(plain);
    assert!(!page(&plain, "pricing.html").contains("class=\"card featured\""));
    assert!(!page(&plain, "pricing.md").contains("(recommended)"));
}

#[test]
fn model_display_names_replace_ids_on_every_page() {
    let docs = render(plan_with("cleverai", "display_name = \"GPT-4o mini\"", "display_name = \"GPT-4o Mini <fast>\""));
    // User-written names stay text in Markdown: `<` cannot open raw HTML.
    assert!(page(&docs, "pricing.md").contains("| GPT-4o Mini &lt;fast&gt; |"));
    assert!(page(&docs, "faq.md").contains("Chatbot message (GPT-4o Mini &lt;fast&gt;)"));
    assert!(page(&docs, "pricing.html").contains("<td>GPT-4o Mini &lt;fast&gt;</td>"));
    for doc in &docs {
        assert!(!doc.text.contains("gpt-4o-mini"), "{}: the model id shows", doc.file);
    }
}

#[test]
fn one_decimal_place_is_singular() {
    let docs = render(plan_with("cleverai", "scale = 0", "scale = 1"));
    let md = page(&docs, "pricing.md");
    assert!(md.contains("rounded up to 1 decimal place."), "{md}");
    assert!(!md.contains("1 decimal places"));
}

/// The binary run in `dir` (outside this repository, which is a project
/// itself and would be found by walking up).
fn pricebook_in(dir: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_pricebook"))
        .current_dir(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs")
}

/// A fresh project from `pricebook init` in a temporary folder.
fn project(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pricebook-page-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temp folder");
    let out = pricebook_in(&dir, &["init"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    dir
}

fn docs_in(dir: &Path) -> PathBuf {
    let out_dir = dir.join("out");
    let out = pricebook_in(dir, &["docs", "-o", out_dir.to_str().expect("a UTF-8 temp path")]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    out_dir.join("example")
}

#[test]
fn the_footer_credits_pricebook_only_when_asked() {
    let dir = project("footer");
    let html = std::fs::read_to_string(docs_in(&dir).join("pricing.html")).expect("written");
    assert!(!html.contains("pricebook"), "no tool credit by default");
    assert!(html.contains("<footer>"), "the footer still says the currency and time zone");
    let manifest = std::fs::read_to_string(dir.join("pricebook.toml")).expect("readable");
    let manifest = if manifest.contains("footer = false") {
        manifest.replacen("footer = false", "footer = true", 1)
    } else {
        manifest + "\n[docs]\nfooter = true\n"
    };
    std::fs::write(dir.join("pricebook.toml"), manifest).expect("writable");
    let html = std::fs::read_to_string(docs_in(&dir).join("pricing.html")).expect("written");
    assert!(html.contains("Generated by pricebook from the example plan file."), "{html}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn project_templates_replace_the_bundled_ones_file_by_file() {
    let dir = project("templates");
    std::fs::create_dir_all(dir.join("site")).expect("a template folder");
    std::fs::write(
        dir.join("site/_layout.html.j2"),
        "<!doctype html>\n<title>{% block title %}{% endblock %}</title>\n<main>{% block content %}{% endblock %}</main>\n<p>Acme layout</p>\n",
    )
    .expect("writable");
    std::fs::write(dir.join("site/changelog.md.j2"), "# {{ product.name }} changes\n").expect("writable");
    let manifest = std::fs::read_to_string(dir.join("pricebook.toml")).expect("readable");
    let manifest = if manifest.contains("[folders]") {
        manifest.replacen("[folders]", "[folders]\ntemplates = \"site\"", 1)
    } else {
        manifest + "\n[folders]\ntemplates = \"site\"\n"
    };
    std::fs::write(dir.join("pricebook.toml"), manifest).expect("writable");
    let out = docs_in(&dir);
    let html = std::fs::read_to_string(out.join("pricing.html")).expect("written");
    assert!(html.contains("<p>Acme layout</p>"), "the project's layout: {html}");
    assert!(html.contains("pricing</h1>"), "the bundled pricing page inside it: {html}");
    for file in ["pricing.md", "faq.md", "faq.html", "changelog.md"] {
        assert!(out.join(file).is_file(), "{file}: bundled pages stay, the project's own are added");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
