//! `shibori render`: plan, render in memory, then write atomically, print, or compare.

use super::Context;
use crate::cli::args::{Outcome, RenderFormat, SnippetArgs};
use crate::findings::{self, Finding, Format, Location, Report, Rule};
use crate::render::{self, write};
use anyhow::Context as _;
use std::io::Write as _;
use std::path::Path;

pub fn run(
    ctx: &Context,
    intent: &Path,
    format: Option<RenderFormat>,
    out: Option<&Path>,
    snippet: &SnippetArgs,
    check: Option<Format>,
    durability: write::Durability,
) -> anyhow::Result<Outcome> {
    if snippet.list_inputs {
        return list_inputs(ctx, intent);
    }
    let Some(format) = format else {
        anyhow::bail!("give `--format`");
    };
    if snippet.snippet {
        return render_snippet(ctx, intent, format, out, snippet, durability);
    }
    if out.is_none() && !format.is_single_file() {
        anyhow::bail!(
            "`--format {}` writes several files: give a directory with `--out DIR`",
            format.name()
        );
    }
    let machine = check.filter(|f| *f != Format::Text);
    let planned = match machine {
        None => {
            let Some(planned) = super::load_and_plan(ctx, intent)? else {
                return Ok(Outcome::Failure);
            };
            super::print_diagnostics(ctx, &planned.warnings, &planned.source);
            planned
        }
        Some(report_format) => match super::load(intent)? {
            Ok(planned) => planned,
            Err(invalid) => {
                let mut report = Report::new("render-check");
                report.findings = super::intent_findings(&invalid.diagnostics, &invalid.source);
                let suite = super::intent_suite(&report, 0, &invalid.source);
                report.suites.push(suite);
                print_machine(&report, report_format, false)?;
                return Ok(Outcome::Failure);
            }
        },
    };
    if let (Some(report_format), Some(dir)) = (machine, out) {
        let rendering = render::rendering(&planned.plan, format)
            .with_context(|| format!("cannot render {}", format.name()))?;
        let drift = write::check(dir, &rendering.files)?;
        let mut report = Report::new("render-check");
        report.findings = super::intent_findings(&planned.warnings, &planned.source);
        let suite = super::intent_suite(&report, 0, &planned.source);
        report.suites.push(suite);
        let first = report.findings.len();
        for d in &drift {
            let (what, fix) = match d {
                write::Drift::Missing(_) => ("is missing", "render again"),
                write::Drift::Differs(_) => ("differs from what render writes", "render again"),
                write::Drift::Extra(_) => (
                    "was left by an earlier render and is no longer written",
                    "render again (it removes the files it no longer writes)",
                ),
            };
            let file = d.path().display().to_string();
            let mut f = Finding::new(Rule::RenderDrift, format!("{file} {what}"));
            f.help = Some(format!(
                "{fix}: `shibori render {} --format {} --out {}`",
                planned.source.name,
                format.name(),
                dir.display()
            ));
            f.subject = file.clone();
            f.locations.push(Location::File { file });
            report.push(f);
        }
        // One case per file render writes: the drift check of that file.
        let cases = rendering
            .files
            .iter()
            .map(|rf| {
                let path = dir.join(&rf.path);
                findings::Case {
                    classname: format!("render.{}", format.name()),
                    name: path.display().to_string(),
                    findings: drift
                        .iter()
                        .position(|d| d.path() == path)
                        .map(|k| vec![first + k])
                        .unwrap_or_default(),
                }
            })
            .collect();
        report.suites.push(findings::Suite {
            name: format!("render --check {}", format.name()),
            cases,
        });
        print_machine(&report, report_format, drift.is_empty())?;
        super::exit_without_freeing(rendering);
        super::exit_without_freeing(planned);
        return Ok(if drift.is_empty() {
            Outcome::Success
        } else {
            Outcome::Failure
        });
    }
    let rendering = render::rendering(&planned.plan, format)
        .with_context(|| format!("cannot render {}", format.name()))?;
    let outcome = emit(&rendering.files, format, out, check.is_some(), durability);
    super::exit_without_freeing(rendering);
    super::exit_without_freeing(planned);
    outcome
}

fn emit(
    files: &[render::RenderedFile],
    format: RenderFormat,
    out: Option<&Path>,
    check: bool,
    durability: write::Durability,
) -> anyhow::Result<Outcome> {
    match out {
        None if files.len() > 1 => anyhow::bail!(
            "the plan exceeds CloudFormation's per-template limits, so `--format {}` writes a parent template and nested stacks: give a directory with `--out DIR`",
            format.name()
        ),
        None => {
            let mut stdout = std::io::stdout().lock();
            for f in files {
                stdout
                    .write_all(f.contents.as_bytes())
                    .context("cannot write to stdout")?;
            }
            stdout.flush().context("cannot write to stdout")?;
            Ok(Outcome::Success)
        }
        Some(dir) if check => {
            let drift = write::check(dir, files)?;
            if drift.is_empty() {
                return Ok(Outcome::Success);
            }
            for d in &drift {
                let what = match d {
                    write::Drift::Missing(_) => "missing",
                    write::Drift::Differs(_) => "differs",
                    write::Drift::Extra(_) => "extra: left by an earlier render",
                };
                super::output::eprint(&format!("drift: {} ({what})\n", d.path().display()));
            }
            super::output::eprint(&format!(
                "error: {} file(s) under {} are not what `shibori render --format {}` writes; render again\n",
                drift.len(),
                dir.display(),
                format.name()
            ));
            Ok(Outcome::Failure)
        }
        Some(dir) => {
            write::write_rendering(dir, files, durability)?;
            Ok(Outcome::Success)
        }
    }
}

fn print_machine(report: &Report, format: Format, current: bool) -> anyhow::Result<()> {
    if format == Format::Json {
        let v = serde_json::json!({
            "current": current,
            "findings": findings::json::findings(report),
        });
        super::output::print(&format!("{}\n", serde_json::to_string_pretty(&v)?))?;
    } else {
        super::print_report(report, format)?;
    }
    Ok(())
}

/// `render --list-inputs`: what a snippet must bind.
fn list_inputs(ctx: &Context, intent: &Path) -> anyhow::Result<Outcome> {
    let Some(planned) = super::load_and_plan(ctx, intent)? else {
        return Ok(Outcome::Failure);
    };
    let text = if planned.plan.inputs.is_empty() {
        "the intent has no inputs: every ID is in the intent\n".to_string()
    } else {
        render::snippet::list_inputs(&planned.plan)
    };
    super::output::print(&text)?;
    Ok(Outcome::Success)
}

/// `render --snippet`: one file, to stdout or into `--out DIR`.
fn render_snippet(
    ctx: &Context,
    intent: &Path,
    format: RenderFormat,
    out: Option<&Path>,
    args: &SnippetArgs,
    durability: write::Durability,
) -> anyhow::Result<Outcome> {
    if !matches!(format, RenderFormat::Cloudformation | RenderFormat::CdkJson) {
        anyhow::bail!(
            "`--snippet` is for `--format cloudformation` or `--format cdk-json`, not `{}`",
            format.name()
        );
    }
    let mut opts = render::snippet::Options {
        prefix: args.prefix.clone().unwrap_or_default(),
        ..Default::default()
    };
    if let Some(file) = &args.bind_file {
        let text = std::fs::read_to_string(file)
            .with_context(|| format!("cannot read {}", file.display()))?;
        opts.bindings.extend(render::snippet::parse_bind_file(
            &file.display().to_string(),
            &text,
        )?);
    }
    // `--bind` wins over the file.
    for b in &args.bind {
        let (name, bound) = render::snippet::parse_bind(b)?;
        opts.bindings.insert(name, bound);
    }
    let Some(planned) = super::load_and_plan(ctx, intent)? else {
        return Ok(Outcome::Failure);
    };
    super::print_diagnostics(ctx, &planned.warnings, &planned.source);
    // A missing or unknown binding is a usage error (exit 2), like a missing flag.
    let file = render::snippet(&planned.plan, format, &opts)?;
    emit(&[file], format, out, false, durability)
}
