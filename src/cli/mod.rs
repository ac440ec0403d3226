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
mod extras;
mod init;
mod output;
mod progress;
mod project;
mod run;
mod sample_usage;
mod schema;
mod test;
mod test_report;

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
    /// Project folder (the one holding pricebook.toml). Default: the nearest
    /// folder, from the current one upwards, that holds a pricebook.toml.
    #[arg(long, global = true, value_name = "DIR")]
    pub root: Option<PathBuf>,
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
    /// One JSON object per line on standard output (code, severity, file, line, column, message, help).
    Json,
    /// GitHub Actions workflow commands on standard output: annotations on the pull request.
    Github,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TestFormat {
    /// A line per scenario and a diff per mismatch, for people.
    Human,
    /// One JSON document on standard output: each scenario's status, diff and problems.
    Json,
    /// A JUnit XML report on standard output, for CI test views.
    Junit,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Validate plan files and scenarios (schema, semantic rules, lints).
    Check {
        /// Plan files, scenario files or folders. Default: plans/ and scenarios/.
        paths: Vec<PathBuf>,
        /// Fail on warnings too (also `deny_warnings` in pricebook.toml).
        #[arg(long)]
        deny_warnings: bool,
        /// How problems are printed.
        #[arg(long, value_enum, default_value_t = MessageFormat::Human)]
        message_format: MessageFormat,
    },
    /// Create a new project: pricebook.toml, rules, an example plan, a scenario and its snapshot, CI.
    ///
    /// Never overwrites a file: one that exists is kept and reported.
    Init {
        /// Folder to create the project in (created if needed).
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// Print the JSON Schema of plan files, scenarios, the project file, the rulebook or the built catalog.
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
        /// How results are printed.
        #[arg(long, value_enum, default_value_t = TestFormat::Human)]
        format: TestFormat,
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
        /// Folder of generated docs to check for staleness. Default: the project's docs folder (pricebook.toml).
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
        /// The plan file (catalog) to replay under, by name: `acme`.
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
        /// Skip rows that cannot be read instead of stopping at the first; each is listed in skipped.csv.
        #[arg(long)]
        skip_invalid: bool,
        /// Also write accounts.parquet (the columns and values of accounts.csv); needs the `parquet` feature.
        #[arg(long)]
        parquet: bool,
        /// Events kept in memory before the rest spill to temporary files, by account.
        #[arg(long, default_value_t = 2_000_000, hide = true)]
        spill_threshold: usize,
    },
    /// Write a sample usage export (usage, accounts, purchases) to try `backtest` without data.
    ///
    /// Deterministic: the same arguments give the same bytes. The usage goes
    /// to -o FILE; accounts.EXT and purchases.EXT go beside it.
    SampleUsage {
        /// The plan file (catalog) to sample, by name: `acme`.
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
        /// Plan names (`acme`) or plan files. Default: every plan in plans/.
        plans: Vec<String>,
        /// Output folder; each plan gets a sub-folder. Default: the project's docs folder (pricebook.toml).
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// A folder of your own templates (`<page>.md.j2`, `<page>.html.j2`). Default: the project's
        /// `templates` folder (pricebook.toml), else the bundled ones.
        #[arg(long)]
        templates: Option<PathBuf>,
        /// Render one format only. Default: both.
        #[arg(long, value_enum)]
        format: Option<DocsFormat>,
    },
    /// Print a shell completion script (e.g. `pricebook completions bash > /etc/bash_completion.d/pricebook`).
    Completions {
        #[arg(value_enum)]
        shell: Shell,
    },
    /// Print the man page (roff), e.g. `pricebook man > pricebook.1`.
    Man,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
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
    /// Plan files (`plans/*.toml`).
    Plan,
    /// Scenarios (`scenarios/**/*.toml`).
    Scenario,
    /// The project file (`pricebook.toml`).
    Project,
    /// The rulebook (`rules.toml`).
    Rules,
    /// The canonical catalog JSON that `pricebook build` writes.
    Catalog,
}

/// Runs the command line; `main` is only this.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut out = Output::new(cli.color);
    let root = cli.root.as_deref();
    // Problems in pricebook.toml itself come out as `check` was asked to print them.
    let human = MessageFormat::Human;
    let code = match &cli.command {
        Command::Schema { kind } => schema::run(*kind, &mut out),
        Command::Init { dir } => init::run(dir, &mut out),
        Command::Completions { shell } => extras::completions(*shell, &mut out),
        Command::Man => extras::man(&mut out),
        Command::Check { paths, deny_warnings, message_format } => {
            project::with(root, *message_format, &mut out, |ws, out| {
                check::run(ws, paths, *deny_warnings || ws.manifest.deny_warnings, *message_format, out)
            })
        }
        Command::Build { output } => {
            project::with(root, human, &mut out, |ws, out| build::run(ws, output.as_deref(), out))
        }
        Command::Run { scenario, format, plot } => {
            project::with(root, human, &mut out, |ws, out| run::run(ws, scenario, *format, plot.as_deref(), out))
        }
        Command::Test { scenarios, accept, coverage, format } => project::with(root, human, &mut out, |ws, out| {
            test::run(ws, scenarios, test::Options { accept: *accept, coverage: *coverage, format: *format }, out)
        }),
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
                        skip_invalid: false,
                        parquet: false,
                    },
                    plans.as_str(),
                )),
                _ => None,
            };
            let args = diff::Args { old, new, base: base.as_deref(), format: *format, docs: docs.as_deref(), impact };
            project::with(root, human, &mut out, |ws, out| diff::run(ws, &args, out))
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
            skip_invalid,
            parquet,
            spill_threshold,
        } => {
            let export = backtest::Export {
                usage,
                accounts,
                purchases: purchases.as_deref(),
                when_out: (*when_out).into(),
                spill_threshold: *spill_threshold,
                skip_invalid: *skip_invalid,
                parquet: *parquet,
            };
            let args = backtest::Args {
                export,
                plans,
                against: against.as_deref(),
                base: base.as_deref(),
                output,
                timings: *timings,
            };
            project::with(root, human, &mut out, |ws, out| backtest::run(ws, &args, out))
        }
        Command::SampleUsage { plans, accounts, days, events_per_day, seed, output, force } => {
            let sample = pricebook_backtest::sample::Sample {
                accounts: *accounts,
                days: *days,
                seed: *seed,
                events_per_day: *events_per_day,
            };
            let args = sample_usage::Args { plans, sample, output, force: *force };
            project::with(root, human, &mut out, |ws, out| sample_usage::run(ws, &args, out))
        }
        Command::Docs { plans, output, templates, format } => project::with(root, human, &mut out, |ws, out| {
            docs::run(ws, plans, output.as_deref(), templates.as_deref(), *format, out)
        }),
    };
    ExitCode::from(code)
}
