//! The command line: parses arguments, calls the library, sets the exit code.
//!
//! Exit codes: 0 success, 1 the input has problems (errors, mismatches,
//! changes found by `diff`), 2 pricebook could not do its job (bad usage,
//! unreadable folder, internal error).

mod backtest;
mod build;
mod check;
mod diff;
mod docs;
mod output;
mod progress;
mod run;
mod sample_usage;
mod schema;
mod test;

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

pub use output::Output;

#[derive(Parser, Debug)]
#[command(
    name = "pricebook",
    version,
    about = "Pricing as code: check, compile, simulate and document credit-based plans"
)]
pub struct Cli {
    /// Project folder holding plans/, scenarios/, snapshots/ and templates/.
    #[arg(long, global = true, default_value = ".")]
    pub root: PathBuf,
    /// When to colour output.
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum MessageFormat {
    /// Source line, caret and hint.
    Human,
    /// One line per problem: file:line:col: severity[code]: message.
    Short,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Validate plan files and scenarios (schema, semantic rules, lints).
    Check {
        /// Plan files, scenario files or folders. Default: plans/ and scenarios/.
        paths: Vec<PathBuf>,
        /// Fail on warnings too.
        #[arg(long)]
        deny_warnings: bool,
        #[arg(long, value_enum, default_value_t = MessageFormat::Human)]
        message_format: MessageFormat,
    },
    /// Print the JSON Schema of plan files or scenarios.
    Schema {
        #[arg(value_enum, default_value_t = SchemaKind::Plan)]
        kind: SchemaKind,
    },
    /// Write the compiled catalog as canonical JSON.
    Build {
        /// Output file. Default: standard output.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Simulate one scenario and print its ledger.
    Run {
        scenario: PathBuf,
        #[arg(long, value_enum, default_value_t = LedgerFormat::Table)]
        format: LedgerFormat,
        /// Also draw every account's balance over time into this SVG file.
        #[arg(long, value_name = "FILE.svg")]
        plot: Option<PathBuf>,
    },
    /// Replay scenarios and compare their ledgers with snapshots/.
    Test {
        /// Scenario files. Default: every file under scenarios/.
        scenarios: Vec<PathBuf>,
        /// Write new and changed snapshots (after you have checked the diffs).
        #[arg(long)]
        accept: bool,
        /// List the rulebook rules and which are covered by a scenario; fails if any is not.
        #[arg(long)]
        coverage: bool,
    },
    /// Review a pricing change: what changed in words and money, which scenario ledgers it moves.
    ///
    /// Each side is a plan file, a folder of plan files, or a git revision.
    /// Exit 0: no change; 1: changes found; 2: error (including a side that
    /// does not compile).
    Diff {
        /// The old side. With --base, omit it: the only argument is NEW.
        old: Option<String>,
        /// The new side. Default with --base: the working tree's plans/.
        new: Option<String>,
        /// Read the old plan files from this git revision (as CI does on a pull request).
        #[arg(long, value_name = "REV")]
        base: Option<String>,
        #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
        format: DiffFormat,
        /// Folder of generated docs to check for staleness. Default: docs/ when it exists.
        #[arg(long, value_name = "DIR")]
        docs: Option<PathBuf>,
        /// Add an "Impact on customers" section: replay this usage export (see `backtest`) under both sides.
        #[arg(long, value_name = "FILE", requires_all = ["accounts", "plans"])]
        usage: Option<PathBuf>,
        /// The export's accounts (with --usage).
        #[arg(long, value_name = "FILE", requires = "usage")]
        accounts: Option<PathBuf>,
        /// The export's pack purchases (with --usage).
        #[arg(long, value_name = "FILE", requires = "usage")]
        purchases: Option<PathBuf>,
        /// The plan file the export belongs to (with --usage).
        #[arg(long, value_name = "NAME", requires = "usage")]
        plans: Option<String>,
        /// What a customer does when a usage does not fit (with --usage).
        #[arg(long, value_enum, default_value_t = WhenOutArg::Refuse)]
        when_out: WhenOutArg,
    },
    /// Replay a usage export under the current plans and older ones: what each customer would pay.
    ///
    /// Writes accounts.csv, summary.md and summary.json to -o DIR. Exit 0:
    /// done; 1: the export or the plans have problems (nothing written);
    /// 2: pricebook could not run.
    Backtest {
        /// Usage events (.csv, .jsonl or .parquet): account, time, feature, model, quantities.
        #[arg(long, value_name = "FILE")]
        usage: PathBuf,
        /// Accounts (.csv, .jsonl or .parquet): account, plan, signed_up, billing, since.
        #[arg(long, value_name = "FILE")]
        accounts: PathBuf,
        /// Pack purchases (.csv, .jsonl or .parquet): account, time, pack, credits or amount.
        #[arg(long, value_name = "FILE")]
        purchases: Option<PathBuf>,
        /// The plan file (catalog) to replay under, by name: `codeassist`.
        #[arg(long, value_name = "NAME")]
        plans: String,
        /// "Before": plan files from this folder.
        #[arg(long, value_name = "DIR")]
        against: Option<PathBuf>,
        /// "Before": plan files from this git revision.
        #[arg(long, value_name = "REV")]
        base: Option<String>,
        /// Output folder.
        #[arg(short, long, default_value = "backtest")]
        output: PathBuf,
        /// What a customer does when a usage does not fit their balance (stated in every output).
        #[arg(long, value_enum, default_value_t = WhenOutArg::Refuse)]
        when_out: WhenOutArg,
        /// Print read / replay / write seconds and events per second on stderr.
        #[arg(long)]
        timings: bool,
        /// Events kept in memory before the rest spill to temporary files, by account.
        #[arg(long, default_value_t = 2_000_000, hide = true)]
        spill_threshold: usize,
    },
    /// Write a sample usage export (usage, accounts, purchases) to try `backtest` without data.
    ///
    /// Deterministic: the same arguments give the same bytes. The usage goes
    /// to -o FILE; accounts.EXT and purchases.EXT go beside it.
    SampleUsage {
        /// The plan file (catalog) to sample, by name: `codeassist`.
        #[arg(long, value_name = "NAME")]
        plans: String,
        /// How many accounts.
        #[arg(long, default_value_t = 1000)]
        accounts: u32,
        /// How many days of usage, from 2026-01-01.
        #[arg(long, default_value_t = 30)]
        days: u32,
        /// Mean usage events per account per day.
        #[arg(long, default_value_t = 3)]
        events_per_day: u32,
        /// Seed of the random draws.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// The usage file (.csv or .jsonl).
        #[arg(short, long, value_name = "FILE")]
        output: PathBuf,
        /// Replace files that exist.
        #[arg(long)]
        force: bool,
    },
    /// Render customer docs (pricing page and credits FAQ) from the plan files.
    Docs {
        /// Plan names (`eigent`) or plan files. Default: every plan in plans/.
        plans: Vec<String>,
        /// Output folder; each plan gets a sub-folder. Default: out/ in the project.
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// A folder of your own templates (`<page>.md.j2`, `<page>.html.j2`). Default: the bundled ones.
        #[arg(long)]
        templates: Option<PathBuf>,
        /// Render one format only. Default: both.
        #[arg(long, value_enum)]
        format: Option<DocsFormat>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// For people at a terminal (colour when it is one).
    Text,
    /// For a pull-request comment.
    Markdown,
    /// For machines: sorted keys, decimals as strings.
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum WhenOutArg {
    /// Usage that does not fit is refused; nobody buys more than the export shows.
    Refuse,
    /// Every account has auto-recharge on with the catalog's settings.
    Recharge,
    /// The customer buys the cheapest pack their plan may buy and retries.
    SmallestPack,
}

impl From<WhenOutArg> for pricebook_backtest::WhenOut {
    fn from(w: WhenOutArg) -> Self {
        match w {
            WhenOutArg::Refuse => pricebook_backtest::WhenOut::Refuse,
            WhenOutArg::Recharge => pricebook_backtest::WhenOut::Recharge,
            WhenOutArg::SmallestPack => pricebook_backtest::WhenOut::SmallestPack,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DocsFormat {
    /// Markdown.
    Md,
    /// A self-contained HTML file.
    Html,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LedgerFormat {
    /// An aligned table for people.
    Table,
    /// Balances and transactions per account, as a billing API answers.
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SchemaKind {
    Plan,
    Scenario,
}

/// Runs the command line; `main` is only this.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut out = Output::new(cli.color);
    let code = match &cli.command {
        Command::Check { paths, deny_warnings, message_format } => {
            check::run(&cli.root, paths, *deny_warnings, *message_format, &mut out)
        }
        Command::Schema { kind } => schema::run(*kind, &mut out),
        Command::Build { output } => build::run(&cli.root, output.as_deref(), &mut out),
        Command::Run { scenario, format, plot } => run::run(&cli.root, scenario, *format, plot.as_deref(), &mut out),
        Command::Test { scenarios, accept, coverage } => test::run(&cli.root, scenarios, *accept, *coverage, &mut out),
        Command::Diff { old, new, base, format, docs, usage, accounts, purchases, plans, when_out } => {
            // With --base the one positional argument is NEW.
            let (old, new) =
                if base.is_some() && new.is_none() { (None, old.as_deref()) } else { (old.as_deref(), new.as_deref()) };
            let impact = match (usage, accounts, plans) {
                (Some(usage), Some(accounts), Some(plans)) => Some((
                    backtest::Export {
                        usage,
                        accounts,
                        purchases: purchases.as_deref(),
                        when_out: (*when_out).into(),
                        spill_threshold: 2_000_000,
                    },
                    plans.as_str(),
                )),
                _ => None,
            };
            let args = diff::Args { old, new, base: base.as_deref(), format: *format, docs: docs.as_deref(), impact };
            diff::run(&cli.root, &args, &mut out)
        }
        Command::Backtest {
            usage,
            accounts,
            purchases,
            plans,
            against,
            base,
            output,
            when_out,
            timings,
            spill_threshold,
        } => {
            let export = backtest::Export {
                usage,
                accounts,
                purchases: purchases.as_deref(),
                when_out: (*when_out).into(),
                spill_threshold: *spill_threshold,
            };
            let args = backtest::Args {
                export,
                plans,
                against: against.as_deref(),
                base: base.as_deref(),
                output,
                timings: *timings,
            };
            backtest::run(&cli.root, &args, &mut out)
        }
        Command::SampleUsage { plans, accounts, days, events_per_day, seed, output, force } => {
            let sample = pricebook_backtest::sample::Sample {
                accounts: *accounts,
                days: *days,
                seed: *seed,
                events_per_day: *events_per_day,
            };
            let args = sample_usage::Args { plans, sample, output, force: *force };
            sample_usage::run(&cli.root, &args, &mut out)
        }
        Command::Docs { plans, output, templates, format } => {
            docs::run(&cli.root, plans, output.as_deref(), templates.as_deref(), *format, &mut out)
        }
    };
    ExitCode::from(code)
}
