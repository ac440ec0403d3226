//! `pricebook diff`: review a pricing change. Thin: arguments to sides,
//! the library's review, a rendering, an exit code (0 no change, 1 changes
//! found, 2 errors, including a side that does not compile).

use super::{DiffFormat, MessageFormat, Output};
use crate::diff::{self, Options, Spec};
use pricebook_lang::compile::Workspace;
use pricebook_lang::diag::Style;
use std::path::Path;

/// What the user typed.
pub struct Args<'a> {
    pub old: Option<&'a str>,
    pub new: Option<&'a str>,
    pub base: Option<&'a str>,
    pub format: DiffFormat,
    pub docs: Option<&'a Path>,
    /// A usage export to replay under both sides, and its plan file.
    pub impact: Option<(super::backtest::Export<'a>, &'a str)>,
}

pub fn run(ws: &Workspace, args: &Args<'_>, out: &mut Output) -> u8 {
    let root = ws.root.as_path();
    // The two stages: what was typed → two named specs.
    let (old, new) = match (args.base, args.old, args.new) {
        (Some(base), None, new) => ((Spec::Git(base.to_string()), base.to_string()), new),
        (Some(_), Some(_), _) => {
            out.eprint("error: with --base, give at most one path (NEW)\n");
            return 2;
        }
        (None, Some(old), Some(new)) => match Spec::resolve(root, old) {
            Ok(spec) => ((spec, old.to_string()), Some(new)),
            Err(e) => {
                out.eprint(&format!("error: {e}\n"));
                return 2;
            }
        },
        (None, _, _) => {
            out.eprint("error: give OLD and NEW (plan files, folders or git revisions), or --base REV [NEW]\n");
            return 2;
        }
    };
    let new = match new {
        Some(arg) => match Spec::resolve(root, arg) {
            Ok(spec) => (spec, arg.to_string()),
            Err(e) => {
                out.eprint(&format!("error: {e}\n"));
                return 2;
            }
        },
        None => (Spec::Path(ws.plans_dir()), "working tree".to_string()),
    };
    let (old_side, new_side) = match diff::load(ws, (&old.0, &old.1), (&new.0, &new.1)) {
        Ok(sides) => sides,
        Err(e) => {
            out.eprint(&format!("error: {e}\n"));
            return 2;
        }
    };
    let mut broken = false;
    for (side, is_new) in [(&old_side, false), (&new_side, true)] {
        // The old side's warnings are not this change's business; its
        // errors are (nothing can be compared without them fixed).
        if is_new || !side.compiled() {
            out.diagnostics(&side.diags, &side.sources, MessageFormat::Human);
        }
        if !side.compiled() {
            out.eprint(&format!("error: the {} plans do not compile; nothing to compare\n", side.label));
            broken = true;
        }
    }
    if broken {
        return 2;
    }
    // The export is replayed before the review takes the catalogs.
    let impact = match &args.impact {
        None => None,
        Some(_) if args.format == DiffFormat::Json => {
            out.eprint(
                "error: --usage adds a section to text and markdown reviews; for JSON run `pricebook backtest`\n",
            );
            return 2;
        }
        Some((export, plans)) => {
            let (Some(before), Some(after)) = (old_side.catalogs.get(*plans), new_side.catalogs.get(*plans)) else {
                out.eprint(&format!("error: both sides need a plan file `{plans}` to replay the export\n"));
                return 2;
            };
            let labels = (Some(old.1.as_str()), new.1.as_str());
            match super::backtest::backtest_files(ws, export, (Some(before), after), labels, false, out) {
                Ok(r) => Some(r.summary_md),
                Err(code) => return code.max(2),
            }
        }
    };
    let docs = args.docs.map(|d| if d.is_absolute() || d.exists() { d.to_path_buf() } else { root.join(d) });
    let opts = Options { docs, scenarios: None };
    let review = diff::review(ws, old_side, new_side, &opts);
    let text = match args.format {
        DiffFormat::Text => diff::render::text(&review, out.stdout_style() == Style::Color),
        DiffFormat::Markdown => diff::render::markdown(&review),
        DiffFormat::Json => match diff::render::json(&review) {
            Ok(t) => t,
            Err(e) => {
                out.eprint(&format!("error: cannot render the review: {e}\n"));
                return 2;
            }
        },
    };
    out.print(&text);
    if let Some(md) = impact {
        // One level below the review's own title, as its other sections are.
        let nested: Vec<String> =
            md.lines().map(|l| if l.starts_with('#') { format!("##{l}") } else { l.to_string() }).collect();
        out.print(&format!("\n{}\n", nested.join("\n")));
    }
    u8::from(review.changed())
}
