//! Command-line definitions and dispatch. Exit codes: 0 success; 1 invalid intent,
//! verification failure or drift; 2 usage or I/O error.

pub use crate::findings::Format;
use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(name = "shibori", version, about = "Least-privilege AWS Client VPN rules from a small intent file", long_about = None)]
pub struct Cli {
    /// Colour diagnostics: auto (when stderr is a terminal and NO_COLOR is unset), always, never.
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate intent files and print their warnings.
    Check {
        /// Intent files (YAML or JSON), or `-` for stdin.
        #[arg(required = true, num_args = 1..)]
        intent: Vec<PathBuf>,
        /// Print diagnostics as JSON on stdout (the same as `--format json`).
        #[arg(long, conflicts_with = "format")]
        json: bool,
        #[command(flatten)]
        report: Report,
    },
    /// Show the planned rules, per layer, with the reasons each exists.
    Plan {
        /// Intent file (YAML or JSON), or `-` for stdin.
        intent: PathBuf,
        /// Print the plan as JSON (the shape renderers and verify consume).
        #[arg(long)]
        json: bool,
    },
    /// Write the plan as Terraform, Terraform JSON, CloudFormation or CDK-ready JSON.
    Render {
        /// Intent file (YAML or JSON), or `-` for stdin.
        intent: PathBuf,
        #[arg(long, short, value_enum)]
        format: RenderFormat,
        /// Directory to write into (created if missing). Without it, single-file formats go to stdout.
        #[arg(long, short)]
        out: Option<PathBuf>,
        /// Write nothing; exit 1 if the files on disk differ from what would be written.
        #[arg(long, requires = "out")]
        check: bool,
        /// Flush each file and its directory to disk before exiting (survives a power cut;
        /// a few ms per file). Files are always replaced atomically.
        #[arg(long, requires = "out", conflicts_with = "check")]
        fsync: bool,
        /// How `--check` reports drift: text (stderr), json, sarif or junit (stdout).
        #[arg(long, value_enum, requires = "check", default_value_t = Format::Text)]
        check_format: Format,
    },
    /// Prove that rendered rules allow exactly the intended flows (nothing missing, nothing surplus).
    Verify {
        /// Intent file (YAML or JSON), or `-` for stdin.
        intent: PathBuf,
        /// A rendered artifact to read back (CloudFormation YAML/JSON, Terraform HCL or JSON, or a
        /// module directory). Without it, every format is rendered in memory and verified.
        #[arg(long)]
        artifact: Option<PathBuf>,
        /// Print the findings as JSON (the same as `--format json`).
        #[arg(long, conflicts_with = "format")]
        json: bool,
        #[command(flatten)]
        report: Report,
    },
    /// Write the design-workshop handout: diagram, NAT address table, one reason per rule.
    Explain {
        /// Intent file (YAML or JSON), or `-` for stdin.
        intent: PathBuf,
        #[arg(long, short, value_enum, default_value_t = ExplainFormat::Markdown)]
        format: ExplainFormat,
        /// File to write (atomically); stdout without it.
        #[arg(long, short)]
        out: Option<PathBuf>,
        /// Flush the file and its directory to disk before exiting (survives a power cut).
        #[arg(long, requires = "out")]
        fsync: bool,
    },
    /// Print the JSON Schema of the intent file.
    Schema,
    /// Print a shell completion script.
    Completions {
        #[arg(value_enum)]
        shell: Shell,
    },
}

/// How `check` and `verify` report what they find (`docs/findings.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::Args)]
pub struct Report {
    /// text (for a terminal), json, sarif (SARIF 2.1.0, for code scanning) or junit (JUnit
    /// XML, for CI test viewers); all but text go to stdout.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

impl Report {
    /// `--json` is the older spelling of `--format json`.
    pub fn format(self, json: bool) -> Format {
        if json {
            Format::Json
        } else {
            self.format
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RenderFormat {
    Terraform,
    TerraformJson,
    Cloudformation,
    CdkJson,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExplainFormat {
    Markdown,
    Dot,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    Powershell,
}

/// How a command ended, mapped to the documented exit codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    /// Invalid intent, verification failure or drift.
    Failure,
}

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let color = match cli.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => {
            use std::io::IsTerminal;
            std::env::var_os("NO_COLOR").is_none() && std::io::stderr().is_terminal()
        }
    };
    let ctx = crate::commands::Context { color };
    match crate::commands::run(&ctx, cli.command) {
        Ok(Outcome::Success) => ExitCode::SUCCESS,
        Ok(Outcome::Failure) => ExitCode::from(1),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
