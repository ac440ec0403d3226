//! The corpus of broken scenarios: every file under `tests/broken_scenarios/`
//! must be refused with errors that name file, line and column and carry a
//! hint; the rendered diagnostics are reviewed snapshots. They run against
//! the bundled plan files.

mod common;

use pricebook::project::Project;
use pricebook_lang::diag::{Style, render_all};
use std::path::Path;

#[test]
fn broken_scenarios() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    insta::glob!("broken_scenarios/*.toml", |path| {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let text = std::fs::read_to_string(path).expect("corpus files are UTF-8");
        let header: Vec<&str> = text.lines().take_while(|l| l.starts_with('#')).collect();
        assert!(!header.is_empty(), "{name}: the first line must be a `#` comment saying what is broken");
        let mut project = Project::new(common::workspace(root));
        let script = project.script(path);
        let rendered = render_all(&project.diags.sorted(), &project.sources, Style::Plain);
        assert!(script.is_none(), "{name}: a broken scenario compiled:\n{rendered}");
        assert!(project.diags.has_errors(), "{name}: no error reported");
        for d in project.diags.iter() {
            assert!(d.help.is_some(), "{name}: `{}` has no help line:\n{rendered}", d.code.id());
        }
        insta::with_settings!({ description => header.join("\n"), omit_expression => true }, {
            insta::assert_snapshot!(rendered);
        });
    });
}
