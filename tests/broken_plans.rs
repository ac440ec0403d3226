//! The corpus of broken plan files: every file under `tests/broken_plans/`
//! must be refused with errors (or, for a `# lint:` file, compile with
//! warnings), and its rendered diagnostics are a reviewed snapshot. Nothing
//! may panic, whatever the input.
//!
//! Inputs that would be silly to commit (binary garbage, a file over the
//! size limit, a large legal file, pathological nesting) are generated here.

use pricebook_lang::compile::{Catalog, compile_plan_text, read_into};
use pricebook_lang::diag::{Code, Diagnostics, Severity, SourceFile, SourceMap, Style, render_all};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Compiles `text` as a plan file shown as `display`; returns the catalog,
/// the diagnostics and their plain rendering.
fn compile(stem: &str, display: &str, text: &str) -> (Option<Catalog>, Diagnostics, String) {
    let mut sources = SourceMap::new();
    let file = sources.add(SourceFile::new(display, text));
    let mut diags = Diagnostics::new();
    let catalog = compile_plan_text(stem, file, &sources, &mut diags);
    let rendered = render_all(&diags.sorted(), &sources, Style::Plain);
    (catalog, diags, rendered)
}

fn codes(diags: &Diagnostics) -> Vec<Code> {
    diags.iter().map(|d| d.code).collect()
}

#[test]
fn broken_plans() {
    insta::glob!("broken_plans/*.toml", |path| {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let stem = path.file_stem().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let text = std::fs::read_to_string(path).expect("corpus files are UTF-8");
        let header: Vec<&str> = text.lines().take_while(|l| l.starts_with('#')).collect();
        assert!(!header.is_empty(), "{name}: the first line must be a `#` comment saying what is broken");
        let (catalog, diags, rendered) = compile(&stem, &format!("tests/broken_plans/{name}"), &text);
        if header[0].starts_with("# lint:") {
            assert!(!diags.has_errors(), "{name}: a lint case must compile without errors:\n{rendered}");
            assert!(diags.count(Severity::Warning) > 0, "{name}: a lint case must produce a warning");
            assert!(catalog.is_some(), "{name}: a lint case must still compile");
        } else {
            assert!(diags.has_errors(), "{name}: a broken file compiled without errors:\n{rendered}");
            assert!(catalog.is_none(), "{name}: a file with errors gave a catalog");
        }
        for d in diags.iter() {
            assert!(d.help.is_some(), "{name}: `{}` has no help line:\n{rendered}", d.code.id());
        }
        insta::with_settings!({ description => header.join("\n"), omit_expression => true }, {
            insta::assert_snapshot!(rendered);
        });
    });
}

/// A folder of its own under the system temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("pricebook-broken-plans-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        TempDir(dir)
    }

    fn write(&self, file: &str, bytes: &[u8]) -> PathBuf {
        let path = self.0.join(file);
        std::fs::write(&path, bytes).expect("write temp file");
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Reads a file from disk as `pricebook check` does, then compiles it.
fn read_and_compile(path: &Path, display: &str) -> (Option<Catalog>, Diagnostics, String) {
    let mut sources = SourceMap::new();
    let mut diags = Diagnostics::new();
    let catalog =
        read_into(path.parent().expect("a file in a folder"), path, display.to_string(), &mut sources, &mut diags)
            .and_then(|file| compile_plan_text("generated", file, &sources, &mut diags));
    let rendered = render_all(&diags.sorted(), &sources, Style::Plain);
    (catalog, diags, rendered)
}

#[test]
fn binary_garbage_is_refused_as_not_utf8() {
    let dir = TempDir::new("garbage");
    // A valid start, then bytes that are not UTF-8 (and a NUL for good measure).
    let mut bytes = b"[catalog]\nname = \"".to_vec();
    bytes.extend_from_slice(&[0xff, 0xfe, 0x00, 0xc3, 0x28, 0x80, 0x9f]);
    bytes.extend((0..=255u8).cycle().take(4096));
    let path = dir.write("garbage.toml", &bytes);
    let (catalog, diags, rendered) = read_and_compile(&path, "generated/garbage.toml");
    assert!(catalog.is_none());
    assert_eq!(codes(&diags), vec![Code::NotUtf8], "{rendered}");
    insta::assert_snapshot!("generated_binary_garbage", rendered);
}

#[test]
fn a_file_over_the_size_limit_is_refused_unread() {
    let dir = TempDir::new("huge");
    // `MAX_FILE_BYTES` in src/model/load.rs (not exported).
    let limit = 8 * 1024 * 1024;
    // Legal TOML all the way, so only the size can be the problem.
    let line = "# padding padding padding padding padding padding padding padding\n";
    let text = line.repeat(limit / line.len() + 2);
    assert!(text.len() > limit);
    let path = dir.write("huge.toml", text.as_bytes());
    let started = Instant::now();
    let (catalog, diags, rendered) = read_and_compile(&path, "generated/huge.toml");
    assert!(catalog.is_none());
    assert_eq!(codes(&diags), vec![Code::FileTooLarge], "{rendered}");
    assert!(started.elapsed() < Duration::from_secs(5), "refusing a large file should not read it");
    insta::assert_snapshot!("generated_huge_file", rendered);
}

#[test]
fn an_empty_file_is_missing_its_catalog() {
    let (catalog, diags, rendered) = compile("empty", "generated/empty.toml", "");
    assert!(catalog.is_none());
    assert_eq!(codes(&diags), vec![Code::MissingKey], "{rendered}");
    insta::assert_snapshot!("generated_empty_file", rendered);
}

/// A legal plan file with `plans` plans, `packs` packs and `features` features.
fn large_plan_file(plans: usize, packs: usize, features: usize) -> String {
    let mut t = String::from(
        "[catalog]\nname = \"Large\"\ncurrency = \"USD\"\ndefault_plan = \"plan_0\"\n\n\
         [credits]\nunit = \"credit\"\nconsumption_order = [\"priority\", \"oldest\"]\non_exhaustion = \"refuse\"\n\n\
         [[sources]]\nid = \"monthly\"\nkind = \"allowance\"\nexpires = \"end_of_cycle\"\n\n\
         [[sources]]\nid = \"topup\"\nkind = \"purchase\"\nexpires = \"never\"\n\n\
         [[entitlements]]\nid = \"api\"\nname = \"API\"\nkind = \"flag\"\n",
    );
    for i in 0..plans {
        t.push_str(&format!(
            "\n[[plans]]\nid = \"plan_{i}\"\nname = \"Plan {i}\"\nmonthly_price = \"${}\"\nmonthly_credits = {}\nflags = [\"api\"]\nhighlights = [\"Plan number {i}\"]\n",
            i % 500,
            100 + i
        ));
    }
    // Larger packs are cheaper per credit, so the T8 lint stays quiet.
    for i in 0..packs {
        let credits = 1000 * (i + 1);
        let price = 9 * i + 10;
        t.push_str(&format!(
            "\n[[packs]]\nid = \"pack_{i}\"\nname = \"Pack {i}\"\ncredits = {credits}\nprice = \"${price}\"\n"
        ));
    }
    for i in 0..features {
        t.push_str(&format!(
            "\n[[features]]\nid = \"feature_{i}\"\nname = \"Feature {i}\"\nrequires = \"api\"\nrates = [{{ model = \"small\", per_request = 1 }}, {{ model = \"large\", per_1k_tokens = \"0.25\" }}]\n"
        ));
    }
    t
}

#[test]
fn a_large_legal_file_compiles_quickly() {
    let text = large_plan_file(2000, 200, 200);
    assert!(text.len() > 200_000, "{} bytes", text.len());
    let started = Instant::now();
    let (catalog, diags, rendered) = compile("large", "generated/large.toml", &text);
    let took = started.elapsed();
    assert!(diags.is_empty(), "{rendered}");
    let catalog = catalog.expect("a legal file compiles");
    assert_eq!(catalog.plans.len(), 2000);
    assert_eq!(catalog.packs.len(), 200);
    assert_eq!(catalog.features.len(), 200);
    // Generous for a debug build on a slow machine; quadratic work would blow it.
    assert!(took < Duration::from_secs(10), "took {took:?}");
}

#[test]
fn a_large_file_with_many_errors_stops_reporting_and_does_not_hang() {
    // Every plan has a float price: one error each, far more than are reported.
    let text = large_plan_file(2000, 0, 0).replace("monthly_price = \"$", "monthly_price = 1.5 # ");
    let started = Instant::now();
    let (catalog, diags, _) = compile("many", "generated/many.toml", &text);
    assert!(catalog.is_none());
    // MAX_ERRORS in src/model/load.rs.
    assert_eq!(diags.count(Severity::Error), 50);
    assert!(codes(&diags).iter().all(|c| *c == Code::FloatNotAllowed));
    assert!(started.elapsed() < Duration::from_secs(30), "took {:?}", started.elapsed());
}

/// Pathological nesting must be an error from toml's recursion limit, not a
/// stack overflow, at any depth and in any shape.
#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let base = "[catalog]\nname = \"Acme\"\ncurrency = \"USD\"\ndefault_plan = \"free\"\n";
    for depth in [81, 1_000, 100_000] {
        let cases = [
            ("array", format!("x = {}1{}\n", "[".repeat(depth), "]".repeat(depth))),
            ("inline table", format!("x = {}1{}\n", "{ a = ".repeat(depth), " }".repeat(depth))),
            ("unclosed array", format!("x = {}\n", "[".repeat(depth))),
            ("dotted key", format!("{} = 1\n", vec!["a"; depth].join("."))),
            ("table header", format!("[{}]\n", vec!["a"; depth].join("."))),
        ];
        for (shape, tail) in cases {
            let text = format!("{base}{tail}");
            let (catalog, diags, rendered) = compile("deep", "generated/deep.toml", &text);
            assert!(catalog.is_none(), "{shape} at depth {depth}");
            assert!(diags.has_errors(), "{shape} at depth {depth} gave no error");
            assert!(!rendered.is_empty());
        }
    }
}
