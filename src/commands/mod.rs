//! One module per subcommand; this file holds what they share: reading the intent,
//! printing diagnostics, and the plan-or-report step.

pub mod check;
pub mod completions;
pub mod explain;
pub mod import;
pub mod output;
pub mod plan;
pub mod render;
pub mod schema;
pub mod snapshot_commands;
pub mod verify;

use crate::cli::args::{Command, Outcome};
use crate::diagnostic::{self, Diagnostic, Source};
use crate::intent::{self, Intent};
use crate::plan::Plan;
use anyhow::Context as _;
use std::io::Read;
use std::path::Path;

pub struct Context {
    pub color: bool,
}

pub fn run(ctx: &Context, command: Command) -> anyhow::Result<Outcome> {
    match command {
        Command::Check { intent, json } => check::run(ctx, &intent, json),
        Command::Plan { intent, json } => plan::run(ctx, &intent, json),
        Command::Render {
            intent,
            format,
            out,
            check,
            fsync,
        } => render::run(
            ctx,
            &intent,
            format,
            out.as_deref(),
            check,
            durability(fsync),
        ),
        Command::Verify {
            intent,
            artifact,
            json,
        } => verify::run(ctx, &intent, artifact.as_deref(), json),
        Command::Explain {
            intent,
            format,
            out,
            fsync,
        } => explain::run(ctx, &intent, format, out.as_deref(), durability(fsync)),
        Command::Import {
            snapshot,
            endpoint,
            out,
        } => import::run(ctx, &snapshot, &endpoint, out.as_deref()),
        Command::SnapshotCommands { endpoint, region } => {
            snapshot_commands::run(&endpoint, region.as_deref())
        }
        Command::Schema => schema::run(),
        Command::Completions { shell } => completions::run(shell),
    }
}

fn durability(fsync: bool) -> crate::render::write::Durability {
    if fsync {
        crate::render::write::Durability::Fsync
    } else {
        crate::render::write::Durability::Atomic
    }
}

/// Reads the intent file, or stdin for `-`. I/O problems are errors of the run (exit 2).
pub fn read_source(path: &Path) -> anyhow::Result<Source> {
    if path.as_os_str() == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .context("cannot read the intent from stdin")?;
        return Ok(Source {
            name: "<stdin>".to_string(),
            text,
        });
    }
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| anyhow::anyhow!("{} is not UTF-8 text", path.display()))?;
    Ok(Source {
        name: path.display().to_string(),
        text,
    })
}

/// Prints diagnostics in the order they appear in the file (unplaced ones last).
pub fn print_diagnostics(ctx: &Context, diagnostics: &[Diagnostic], source: &Source) {
    if diagnostics.is_empty() {
        return;
    }
    let mut sorted: Vec<Diagnostic> = diagnostics.to_vec();
    sorted.sort_by_key(|d| d.span.as_ref().map_or(usize::MAX, |s| s.start));
    output::eprint(&diagnostic::render_text(&sorted, Some(source), ctx.color));
}

/// Prints the diagnostics of an invalid intent and the closing count.
fn report_invalid(ctx: &Context, diagnostics: &[Diagnostic], source: &Source) {
    print_diagnostics(ctx, diagnostics, source);
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    output::eprint(&format!(
        "{}: invalid ({})\n",
        source.name,
        summary_line(errors, diagnostics.len() - errors)
    ));
}

/// Everything a command needs after a successful load and plan.
pub struct Planned {
    pub source: Source,
    pub intent: Intent,
    pub plan: Plan,
    /// Validation and plan warnings, positioned.
    pub warnings: Vec<Diagnostic>,
}

/// Read, validate and plan. `Ok(None)` means the intent was invalid and its
/// diagnostics have been printed (exit 1).
pub fn load_and_plan(ctx: &Context, path: &Path) -> anyhow::Result<Option<Planned>> {
    let source = read_source(path)?;
    let loaded = match intent::load(&source) {
        Ok(l) => l,
        Err(diags) => {
            report_invalid(ctx, &diags, &source);
            return Ok(None);
        }
    };
    match crate::plan::plan(&loaded.intent) {
        Ok(plan) => {
            let mut warnings = loaded.warnings;
            warnings.extend(plan.warnings.iter().cloned());
            intent::locate(&mut warnings, &loaded.spans);
            Ok(Some(Planned {
                source,
                intent: loaded.intent,
                plan,
                warnings,
            }))
        }
        Err(mut errors) => {
            intent::locate(&mut errors, &loaded.spans);
            let mut all = loaded.warnings;
            all.extend(errors);
            report_invalid(ctx, &all, &source);
            Ok(None)
        }
    }
}

pub fn summary_line(errors: usize, warnings: usize) -> String {
    let plural = |n: usize, w: &str| {
        if n == 1 {
            format!("{n} {w}")
        } else {
            format!("{n} {w}s")
        }
    };
    format!(
        "{}, {}",
        plural(errors, "error"),
        plural(warnings, "warning")
    )
}

/// The process ends right after a command: freeing a large plan piece by piece costs
/// more than letting the OS reclaim it (the same trick ripgrep uses).
pub fn exit_without_freeing<T>(value: T) {
    std::mem::forget(value);
}
