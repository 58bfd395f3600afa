//! The command line as clap types, and how a command ended. The commands read these; they
//! import nothing else from `cli`, so `cli` (which calls them) and `commands` form no circle.

pub use crate::findings::Format;
use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

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
        #[arg(long, short, value_enum, required_unless_present = "list_inputs")]
        format: Option<RenderFormat>,
        /// Directory to write into (created if missing). Without it, single-file formats go to stdout.
        #[arg(long, short)]
        out: Option<PathBuf>,
        #[command(flatten)]
        snippet: SnippetArgs,
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
    /// Insert a snippet (`render --snippet`) into an existing CloudFormation template, replacing
    /// what an earlier merge of the same intent put there and nothing else.
    Merge {
        /// The host template (YAML or JSON).
        host: PathBuf,
        /// The snippet written by `render --format cloudformation|cdk-json --snippet`.
        snippet: PathBuf,
        /// File to write (atomically; may be the host itself). Without it, stdout.
        #[arg(long, short)]
        out: Option<PathBuf>,
    },
    /// Prove that rendered rules allow exactly the intended flows (nothing missing, nothing surplus).
    Verify {
        /// Intent file (YAML or JSON), or `-` for stdin.
        intent: PathBuf,
        /// A rendered artifact to read back (CloudFormation YAML/JSON, Terraform HCL or JSON, or a
        /// module directory), a `terraform show -json` plan or state, or an AWS snapshot
        /// directory. Without it, every format is rendered in memory and verified.
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
    /// Write a commented starter intent from an AWS snapshot of an existing endpoint.
    Import {
        /// Directory of AWS CLI describe output (see `snapshot-commands`).
        snapshot: PathBuf,
        /// The Client VPN endpoint to import (`cvpn-endpoint-…`).
        #[arg(long)]
        endpoint: String,
        /// File to write (atomically); stdout without it.
        #[arg(long, short)]
        out: Option<PathBuf>,
    },
    /// Print the AWS CLI commands that write a snapshot of an endpoint for `verify` and `import`.
    SnapshotCommands {
        /// The Client VPN endpoint (`cvpn-endpoint-…`).
        #[arg(long)]
        endpoint: String,
        /// AWS Region (the CLI's default without it).
        #[arg(long)]
        region: Option<String>,
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

/// `render` in snippet mode: a fragment for an existing stack (docs/snippets.md).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct SnippetArgs {
    /// Write Resources and Outputs only, every input bound (cloudformation, cdk-json).
    #[arg(long, requires = "format", conflicts_with = "check")]
    pub snippet: bool,
    /// Bind an input: `NAME=!Ref LogicalId`, `NAME=!GetAtt LogicalId.Attr` or `NAME=value`.
    #[arg(long = "bind", value_name = "NAME=BINDING", requires = "snippet")]
    pub bind: Vec<String>,
    /// A YAML map of bindings (input name → `!Ref X`, `!GetAtt X.Y` or a value).
    #[arg(long, value_name = "FILE", requires = "snippet")]
    pub bind_file: Option<PathBuf>,
    /// Prefix for every logical ID and output name of the snippet (letters and digits).
    #[arg(long, requires = "snippet")]
    pub prefix: Option<String>,
    /// Print the intent's inputs (what a snippet must bind) and exit.
    #[arg(long, conflicts_with_all = ["out", "check", "snippet"])]
    pub list_inputs: bool,
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
    /// One self-contained page with SVG diagrams (no script, prints on A4).
    Html,
    /// The overview diagram alone.
    Svg,
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
