use super::{LedgerFormat, MessageFormat, Output};
use crate::project::{Project, Rendering};
use pricebook_backtest::plot::Series;
use pricebook_lang::compile::Script;
use pricebook_lang::compile::Workspace;
use pricebook_lang::diag::Diagnostics;
use pricebook_lang::fsutil::write_atomic;
use std::path::Path;

pub fn run(ws: &Workspace, scenario: &Path, format: LedgerFormat, plot: Option<&Path>, out: &mut Output) -> u8 {
    let path = ws.locate(scenario);
    let mut project = Project::new(ws.clone());
    let rendering = match format {
        LedgerFormat::Table => Rendering::Table,
        LedgerFormat::Json => Rendering::Json,
    };
    let replayed = project.replay_as(&path, rendering);
    out.diagnostics(&project.diags, &project.sources, MessageFormat::Human);
    if let (Some(plot), Some(r)) = (plot, &replayed)
        && let Err(e) = write_plot(&mut project, &r.script, plot)
    {
        out.eprint(&format!("error: cannot write {}: {e}\n", plot.display()));
        return 2;
    }
    match replayed {
        Some(r) => {
            out.print(match format {
                LedgerFormat::Table => &r.table,
                LedgerFormat::Json => &r.json,
            });
            u8::from(r.failed || project.diags.has_errors())
        }
        None => 1,
    }
}

/// The balance of every account of the scenario over time, as an SVG file
/// (the picture `backtest` draws for its top movers).
fn write_plot(project: &mut Project, script: &Script, plot: &Path) -> std::io::Result<()> {
    let Some(cat) = project.catalogs.get(&script.plans) else { return Ok(()) };
    // The replay's diagnostics were reported by the first replay.
    let sim = pricebook_lang::replay::replay(script, cat, &mut Diagnostics::new());
    let series: Vec<Series> = script
        .accounts
        .iter()
        .enumerate()
        .map(|(i, name)| Series::of_ledger(name.clone(), (i, false), sim.ledger(), i as u32))
        .collect();
    let svg = pricebook_backtest::plot::balances(&script.title, &cat.credits.plural, &series, None);
    write_atomic(plot, svg.as_bytes())
}
