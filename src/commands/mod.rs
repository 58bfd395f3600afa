//! One module per subcommand; this file holds what they share: reading the intent,
//! printing diagnostics, and the plan-or-report step.

pub mod check;
pub mod completions;
pub mod explain;
pub mod import;
pub mod merge;
pub mod output;
pub mod plan;
pub mod render;
pub mod schema;
pub mod snapshot_commands;
pub mod verify;

use crate::cli::args::{Command, Outcome};
use crate::diagnostic::{self, Diagnostic, Source};
use crate::findings::{self, Case, Finding, Format, Location, Position, Report, Suite};
use crate::intent::spans::SpanMap;
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
        Command::Check {
            intent,
            json,
            report,
        } => check::run(ctx, &intent, report.format(json)),
        Command::Plan { intent, json } => plan::run(ctx, &intent, json),
        Command::Render {
            intent,
            format,
            out,
            snippet,
            check,
            fsync,
            check_format,
        } => render::run(
            ctx,
            &intent,
            format,
            out.as_deref(),
            &snippet,
            check.then_some(check_format),
            durability(fsync),
        ),
        Command::Merge { host, snippet, out } => merge::run(&host, &snippet, out.as_deref()),
        Command::Verify {
            intent,
            artifact,
            json,
            report,
        } => verify::run(ctx, &intent, artifact.as_deref(), report.format(json)),
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
    /// Where each item of the intent is, for findings about it.
    pub spans: SpanMap,
}

/// An intent that did not validate or plan, with every diagnostic (errors and warnings).
pub struct Invalid {
    pub source: Source,
    pub diagnostics: Vec<Diagnostic>,
}

/// Read, validate and plan. `Ok(None)` means the intent was invalid and its
/// diagnostics have been printed (exit 1).
pub fn load_and_plan(ctx: &Context, path: &Path) -> anyhow::Result<Option<Planned>> {
    Ok(match load(path)? {
        Ok(planned) => Some(planned),
        Err(invalid) => {
            report_invalid(ctx, &invalid.diagnostics, &invalid.source);
            None
        }
    })
}

/// Read, validate and plan, printing nothing.
pub fn load(path: &Path) -> anyhow::Result<Result<Planned, Invalid>> {
    let source = read_source(path)?;
    let loaded = match intent::load(&source) {
        Ok(l) => l,
        Err(diagnostics) => {
            return Ok(Err(Invalid {
                source,
                diagnostics,
            }))
        }
    };
    match crate::plan::plan(&loaded.intent) {
        Ok(plan) => {
            let mut warnings = loaded.warnings;
            warnings.extend(plan.warnings.iter().cloned());
            intent::locate(&mut warnings, &loaded.spans);
            Ok(Ok(Planned {
                source,
                intent: loaded.intent,
                plan,
                warnings,
                spans: loaded.spans,
            }))
        }
        Err(mut errors) => {
            intent::locate(&mut errors, &loaded.spans);
            let mut diagnostics = loaded.warnings;
            diagnostics.extend(errors);
            Ok(Err(Invalid {
                source,
                diagnostics,
            }))
        }
    }
}

/// Diagnostics as findings, in the order they appear in the file (unplaced ones last).
pub fn intent_findings(diagnostics: &[Diagnostic], source: &Source) -> Vec<Finding> {
    let mut sorted: Vec<&Diagnostic> = diagnostics.iter().collect();
    sorted.sort_by_key(|d| d.span.as_ref().map_or(usize::MAX, |s| s.start));
    let lines = crate::findings::lines::Lines::new(&source.text);
    sorted
        .into_iter()
        .map(|d| d.to_finding(source, &lines))
        .collect()
}

/// JUnit's view of an intent's diagnostics: one case per item of the intent that has
/// any (its YAML path), in file order; a valid intent without warnings is one passing
/// case.
pub fn intent_suite(report: &Report, first: usize, source: &Source) -> Suite {
    let mut cases: Vec<Case> = Vec::new();
    // Each path's case, found by a lookup: a scan of the cases per finding was quadratic.
    let mut case_of: crate::fast_hash::FastMap<String, usize> = Default::default();
    for (i, f) in report.findings.iter().enumerate().skip(first) {
        let path = match f.locations.first() {
            Some(Location::Intent { path, .. }) if !path.is_empty() => path.clone(),
            _ => "(document)".to_string(),
        };
        match case_of.get(&path).and_then(|&c| cases.get_mut(c)) {
            Some(c) => c.findings.push(i),
            None => {
                case_of.insert(path.clone(), cases.len());
                cases.push(Case {
                    classname: format!("intent.{}", source.name),
                    name: path,
                    findings: vec![i],
                });
            }
        }
    }
    if cases.is_empty() {
        cases.push(Case {
            classname: format!("intent.{}", source.name),
            name: "the intent is valid".to_string(),
            findings: Vec::new(),
        });
    }
    Suite {
        name: format!("intent {}", source.name),
        cases,
    }
}

/// A machine-readable report on stdout (SARIF or JUnit); JSON and text are the
/// command's own.
pub fn print_report(report: &Report, format: Format) -> anyhow::Result<()> {
    match format {
        Format::Sarif => output::print(&findings::sarif::render(report)),
        Format::Junit => output::print(&findings::junit::render(report)),
        Format::Json | Format::Text => Ok(()),
    }
}

/// Positions a YAML path of the intent.
pub fn at_intent<'a>(source: &'a Source, spans: &'a SpanMap) -> impl Fn(&str) -> Location + 'a {
    let lines = crate::findings::lines::Lines::new(&source.text);
    move |path: &str| {
        // The intent as a whole is its first line.
        let span = if path.is_empty() {
            Some(0..0)
        } else {
            spans.value(path)
        };
        Location::Intent {
            file: source.name.clone(),
            path: path.to_string(),
            start: span.as_ref().map(|s| {
                let (line, column) = lines.line_col(s.start);
                Position { line, column }
            }),
            span,
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
