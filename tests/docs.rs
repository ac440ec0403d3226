//! Customer docs: every bundled plan rendered with the bundled templates in
//! Markdown and HTML and compared with reviewed snapshots; templates that
//! hard-code a catalog number; template errors as diagnostics naming the
//! template file and line; a changed rule changing the page; `pricebook
//! docs` end to end.

mod common;

use pricebook_lang::compile::{Catalog, Workspace, compile_plan_text, load_catalog};
use pricebook_lang::diag::{Diagnostics, SourceFile, SourceMap, Style, render_all, render_short};
use pricebook_lang::rulebook::Rulebook;
use pricebook_report::docs::{self, DocFormat, PageOptions, RenderedDoc, TemplateSet};
use rust_decimal::Decimal;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::str::FromStr;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The plan files whose docs have reviewed snapshots. Other plan files of
/// the example project are compiled and rendered, not compared.
const SNAPSHOTTED: [&str; 5] = ["cleverai", "codeassist", "eigent", "enrichment", "voiceagent"];

/// Every plan file of the example project, compiled (a broken one fails the test).
fn catalogs() -> Vec<(PathBuf, Catalog)> {
    let ws = Workspace::new(root());
    let mut sources = SourceMap::new();
    let mut diags = Diagnostics::new();
    let out: Vec<(PathBuf, Catalog)> = ws
        .plan_files()
        .into_iter()
        .filter_map(|p| load_catalog(&ws, &p, &mut sources, &mut diags).map(|c| (p, c)))
        .collect();
    assert!(!diags.has_errors(), "{}", render_all(&diags.sorted(), &sources, Style::Plain));
    for id in SNAPSHOTTED {
        assert!(out.iter().any(|(_, c)| c.id == id), "plans/{id}.toml is missing");
    }
    out
}

/// Renders catalogs with a template set; returns the docs and the rendered diagnostics.
fn render(cats: &[Catalog], set: &TemplateSet) -> (Vec<RenderedDoc>, Diagnostics, String) {
    let mut sources = SourceMap::new();
    let mut diags = Diagnostics::new();
    let docs = docs::render_all(
        cats,
        &Rulebook::default(),
        set,
        &DocFormat::ALL,
        PageOptions::default(),
        &mut sources,
        &mut diags,
    );
    let shown = render_all(&diags.sorted(), &sources, Style::Plain);
    let short: Vec<String> = diags.sorted().iter().map(|d| render_short(d, &sources)).collect();
    (docs, diags, format!("{}\n{shown}", short.join("\n")))
}

#[test]
fn rendered_docs_match_their_snapshots() {
    for (path, cat) in catalogs().into_iter().filter(|(_, c)| SNAPSHOTTED.contains(&c.id.as_str())) {
        let (rendered, diags, shown) = render(std::slice::from_ref(&cat), &TemplateSet::bundled());
        assert!(diags.is_empty(), "{shown}");
        let files: Vec<&str> = rendered.iter().map(|d| d.file.as_str()).collect();
        assert_eq!(files, ["pricing.md", "faq.md", "pricing.html", "faq.html"], "{}", cat.id);
        for doc in rendered {
            let mut settings = insta::Settings::clone_current();
            settings.set_input_file(&path);
            settings.set_prepend_module_to_snapshot(false);
            let name = format!("docs__{}__{}", doc.plan, doc.file);
            settings.bind(|| insta::assert_snapshot!(name, doc.text));
        }
    }
}

#[test]
fn rendering_is_deterministic() {
    let cats: Vec<Catalog> = catalogs().into_iter().map(|(_, c)| c).collect();
    let (a, _, _) = render(&cats, &TemplateSet::bundled());
    let (b, _, _) = render(&cats, &TemplateSet::bundled());
    assert_eq!(a, b);
    assert_eq!(a.len(), 4 * cats.len());
}

/// Numbers written in a plan file, as exact decimals: every JSON number and
/// decimal string of the canonical catalog, the count of every duration
/// ("7 days" → 7), and shares as percentages (0.2 → 20).
fn catalog_numbers(cat: &Catalog) -> BTreeSet<Decimal> {
    fn walk(v: &serde_json::Value, out: &mut BTreeSet<Decimal>) {
        match v {
            serde_json::Value::Number(n) => {
                if let Ok(d) = Decimal::from_str(&n.to_string()) {
                    out.insert(d.normalize());
                }
            }
            serde_json::Value::String(s) => {
                if let Ok(d) = Decimal::from_str(s) {
                    out.insert(d.normalize());
                    if d > Decimal::ZERO && d < Decimal::ONE {
                        out.insert((d * Decimal::ONE_HUNDRED).normalize());
                    }
                } else if let Some((count, _unit)) = s.split_once(' ')
                    && let Ok(d) = Decimal::from_str(count)
                {
                    out.insert(d.normalize());
                }
            }
            serde_json::Value::Array(xs) => xs.iter().for_each(|x| walk(x, out)),
            serde_json::Value::Object(m) => m.values().for_each(|x| walk(x, out)),
            _ => {}
        }
    }
    let mut out = BTreeSet::new();
    walk(&serde_json::to_value(cat).expect("a catalog serialises"), &mut out);
    out
}

/// Numbers written in a template: digit runs (with `.` decimals, `,`/`_`
/// groups, a leading `.` as in CSS `.9rem`), except digits that are part
/// of a word (`h2`, `utf-8`) or of a `#hex` colour.
fn template_numbers(text: &str) -> Vec<(usize, String)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let starts_number =
            bytes[i].is_ascii_digit() || (bytes[i] == b'.' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit));
        if !starts_number {
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        while i < bytes.len()
            && (bytes[i].is_ascii_digit()
                || (matches!(bytes[i], b'.' | b',' | b'_') && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)))
        {
            i += 1;
        }
        let before = start.checked_sub(1).map(|j| bytes[j]);
        let in_word = before.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'#')
            || (before == Some(b'-') && start >= 2 && bytes[start - 2].is_ascii_alphanumeric());
        let in_hex = {
            let word_start = text[..start].rfind(|c: char| !c.is_ascii_hexdigit()).map_or(0, |j| j);
            bytes.get(word_start) == Some(&b'#')
        };
        if !in_word && !in_hex {
            let line = text[..start].matches('\n').count() + 1;
            out.push((line, text[start..i].to_string()));
        }
    }
    out
}

/// Template literals that may equal a catalog number, each with its reason.
/// CSS otherwise uses `thin`, `initial`, `auto` and lengths no catalog uses.
const ALLOWED_LITERALS: &[(&str, &str)] = &[
    (".3", "a CSS length in rem (spacing), equal to Voice Studio's $0.30 overage price only by chance"),
    ("24", "the plan grid's card width in rem, equal to a catalog figure only by chance"),
];

#[test]
fn templates_contain_no_number_from_a_catalog() {
    let mut numbers = BTreeSet::new();
    for (_, cat) in catalogs() {
        numbers.extend(catalog_numbers(&cat));
    }
    assert!(numbers.contains(&Decimal::from(500)) && numbers.contains(&Decimal::from(20)), "{numbers:?}");
    let dir = root().join("templates");
    let mut paths: Vec<PathBuf> =
        std::fs::read_dir(&dir).expect("templates/ exists").flatten().map(|e| e.path()).collect();
    paths.sort();
    assert!(paths.len() >= 4, "expected the bundled templates in {}", dir.display());
    let mut found = Vec::new();
    for path in paths {
        let text = std::fs::read_to_string(&path).expect("a template is UTF-8 text");
        for (line, literal) in template_numbers(&text) {
            let Ok(value) = Decimal::from_str(&literal.replace([',', '_'], "")) else { continue };
            let allowed = ALLOWED_LITERALS.iter().any(|(l, _)| *l == literal);
            if numbers.contains(&value.normalize()) && !allowed {
                let name = path.file_name().map_or(String::new(), |n| n.to_string_lossy().into_owned());
                found.push(format!("templates/{name}:{line}: `{literal}` is a catalog number"));
            }
        }
    }
    assert!(
        found.is_empty(),
        "numbers must come from the view model or a filter, not the template:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_number_scanner_finds_numbers_and_skips_words() {
    let found: Vec<String> =
        template_numbers("<h2>Pro</h2> costs 20 or 1,000 at .9rem, #1a2b3c utf-8 x2 {{ n }} 0.04\n7-day")
            .into_iter()
            .map(|(_, n)| n)
            .collect();
    assert_eq!(found, ["20", "1,000", ".9", "0.04", "7"]);
}

/// Renders the eigent catalog with a fixture template folder.
fn render_fixture(folder: &str) -> (Vec<RenderedDoc>, Diagnostics, String) {
    let dir = root().join("tests/fixtures/templates").join(folder);
    let mut sources = SourceMap::new();
    let mut diags = Diagnostics::new();
    let ws = Workspace::new(root());
    let set = TemplateSet::from_dir(&dir, &ws.boundary_for(&dir), |p| ws.display(p), &mut sources, &mut diags)
        .expect("the fixture exists");
    let cat = catalogs().into_iter().find(|(_, c)| c.id == "eigent").map(|(_, c)| c).expect("eigent compiles");
    let rendered = docs::render_all(
        std::slice::from_ref(&cat),
        &Rulebook::default(),
        &set,
        &DocFormat::ALL,
        PageOptions::default(),
        &mut sources,
        &mut diags,
    );
    let short: Vec<String> = diags.sorted().iter().map(|d| render_short(d, &sources)).collect();
    let full = render_all(&diags.sorted(), &sources, Style::Plain);
    (rendered, diags, format!("{}\n\n{full}", short.join("\n")))
}

#[test]
fn template_errors_name_the_template_file_and_line() {
    let cases = [
        ("syntax_error", "tests/fixtures/templates/syntax_error/pricing.md.j2:4:"),
        ("unknown_filter", "tests/fixtures/templates/unknown_filter/pricing.md.j2:4:"),
        ("undefined_value", "tests/fixtures/templates/undefined_value/pricing.md.j2:4:"),
        ("broken_layout", "tests/fixtures/templates/broken_layout/_layout.html.j2:6:"),
    ];
    for (folder, place) in cases {
        let (rendered, diags, shown) = render_fixture(folder);
        assert!(rendered.is_empty(), "{folder}: a broken page must not be rendered");
        assert_eq!(diags.iter().count(), 1, "{folder}: one diagnostic, even for several plans:\n{shown}");
        assert!(diags.has_errors(), "{folder}");
        assert!(shown.starts_with(place), "{folder}: expected `{place}…`, got:\n{shown}");
        assert!(shown.contains("error[template-error]"), "{folder}:\n{shown}");
        insta::assert_snapshot!(format!("template_error__{folder}"), shown);
    }
}

/// The eigent plan file with `from` replaced by `to`, compiled in memory.
fn eigent_with(from: &str, to: &str) -> Catalog {
    let text = std::fs::read_to_string(root().join("plans/eigent.toml")).expect("plans/eigent.toml");
    assert!(text.contains(from), "the plan file no longer says `{from}`");
    let mut sources = SourceMap::new();
    let file = sources.add(SourceFile::new("plans/eigent.toml", text.replacen(from, to, 1)));
    let mut diags = Diagnostics::new();
    let cat = compile_plan_text("eigent", file, &sources, &mut diags);
    cat.unwrap_or_else(|| panic!("{}", render_all(&diags.sorted(), &sources, Style::Plain)))
}

fn page(docs: &[RenderedDoc], file: &str) -> String {
    docs.iter().find(|d| d.file == file).map(|d| d.text.clone()).unwrap_or_default()
}

#[test]
fn changing_a_rule_changes_the_page() {
    let set = TemplateSet::bundled();
    let before = render(&[eigent_with("monthly_credits = 2000", "monthly_credits = 2000")], &set).0;
    let after = render(&[eigent_with("monthly_credits = 2000", "monthly_credits = 3500")], &set).0;
    for file in ["pricing.md", "pricing.html"] {
        assert!(page(&before, file).contains("2,000 credits"), "{file}");
        assert!(!page(&after, file).contains("2,000 credits"), "{file}");
        assert!(page(&after, file).contains("3,500 credits"), "{file}");
    }
    assert!(page(&after, "faq.md").contains("Plus includes 3,500 credits per month."));

    // A different rule: the daily bonus expires after a week instead of at the day's end.
    let after = render(&[eigent_with("expires = \"end_of_day\"", "expires = \"7 days\"")], &set).0;
    let faq = page(&after, "faq.md");
    assert!(faq.contains("Daily credits expire 7 days after they are granted."), "{faq}");
    assert!(!faq.contains("expire at the end of the day"), "{faq}");

    // And the worked examples follow: the sign-up bonus is in the first balance.
    let after = render(&[eigent_with("amount = 1000", "amount = 1200")], &set).0;
    let faq = page(&after, "faq.md");
    assert!(faq.contains("You get 500 monthly credits and 1,200 sign-up bonus credits."), "{faq}");
    assert!(faq.contains("Your balance is 1,700 credits"), "{faq}");
}

#[test]
fn html_pages_are_self_contained() {
    let cats: Vec<Catalog> = catalogs().into_iter().map(|(_, c)| c).collect();
    let (rendered, _, _) = render(&cats, &TemplateSet::bundled());
    for doc in rendered.iter().filter(|d| d.file.ends_with(".html")) {
        let t = &doc.text;
        let at = format!("{}/{}", doc.plan, doc.file);
        assert!(t.starts_with("<!doctype html>"), "{at}");
        assert!(t.contains("<style>") && t.trim_end().ends_with("</html>"), "{at}");
        assert!(!t.contains("<script"), "{at}: no JavaScript");
        // Nothing is loaded from elsewhere; links out (a plan's call to
        // action) are allowed, since a click is the customer's choice.
        assert!(!t.contains("src=") && !t.contains("url(") && !t.contains("@import"), "{at}: no external resources");
        assert!(t.lines().filter(|l| l.contains("<link")).all(|l| !l.contains("http")), "{at}: no external resources");
        // Autoescaping is on: apostrophes in generated sentences are escaped.
        assert!(!t.contains("cycle's") || t.contains("&#x27;"), "{at}");
    }
}

fn pricebook(args: &[&str]) -> std::process::Output {
    common::pricebook(root(), args)
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pricebook-docs-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn the_docs_command_writes_every_plan_in_both_formats() {
    let dir = temp_dir("all");
    let out = pricebook(&["docs", "-o", dir.to_str().expect("a UTF-8 temp path")]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let plans = Workspace::new(root()).plan_names();
    assert!(stderr.contains(&format!("wrote {} files for {} plans", 4 * plans.len(), plans.len())), "{stderr}");
    for plan in &plans {
        for file in ["pricing.md", "faq.md", "pricing.html", "faq.html"] {
            assert!(dir.join(plan).join(file).is_file(), "{plan}/{file}");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_docs_command_takes_plans_and_a_format() {
    let dir = temp_dir("one");
    let out = pricebook(&["docs", "eigent", "--format", "html", "-o", dir.to_str().expect("a UTF-8 temp path")]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let mut written: Vec<String> = std::fs::read_dir(dir.join("eigent"))
        .expect("eigent/ written")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    written.sort();
    assert_eq!(written, ["faq.html", "pricing.html"]);
    assert_eq!(std::fs::read_dir(&dir).expect("output folder").count(), 1, "only the plan asked for");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_docs_command_reports_template_errors_and_writes_nothing() {
    let dir = temp_dir("broken");
    let out = pricebook(&[
        "docs",
        "--templates",
        "tests/fixtures/templates/unknown_filter",
        "-o",
        dir.to_str().expect("a UTF-8 temp path"),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("--> tests/fixtures/templates/unknown_filter/pricing.md.j2:4:"), "{stderr}");
    assert!(stderr.contains("error[template-error]"), "{stderr}");
    assert!(!dir.exists(), "nothing is written when a template fails");
}

#[test]
fn the_docs_command_cannot_work_without_its_inputs() {
    let out = pricebook(&["docs", "no_such_plan", "-o", temp_dir("none").to_str().unwrap_or("x")]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("no plan file `plans/no_such_plan.toml`"), "{stderr}");
    let out = pricebook(&["docs", "--templates", "tests/fixtures/templates/does_not_exist"]);
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
}

/// A feature's multiplier is stated on every rate it applies to, before the
/// per-use cap that applies after it (issue 10: premium voices ×2).
#[test]
fn multipliers_are_stated_before_the_cap() {
    let cats: Vec<Catalog> = catalogs().into_iter().map(|(_, c)| c).filter(|c| c.id == "voicestudio").collect();
    let (rendered, _, shown) = render(&cats, &TemplateSet::bundled());
    let page = rendered.iter().find(|d| d.file == "pricing.md").map(|d| d.text.as_str()).unwrap_or_default();
    for rate in ["1 credit per character", "0.5 credits per character"] {
        let line = format!("{rate}, ×2 for premium voices, at most 5,000 credits per use");
        assert!(page.contains(&line), "{line} not on the page:\n{page}\n{shown}");
    }
}
