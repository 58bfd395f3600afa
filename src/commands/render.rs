//! `shibori render`: plan, render in memory, then write atomically, print, or compare.

use super::Context;
use crate::cli::args::{Outcome, RenderFormat, SnippetArgs};
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
    check: bool,
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
    let Some(planned) = super::load_and_plan(ctx, intent)? else {
        return Ok(Outcome::Failure);
    };
    super::print_diagnostics(ctx, &planned.warnings, &planned.source);
    let rendering = render::rendering(&planned.plan, format)
        .with_context(|| format!("cannot render {}", format.name()))?;
    let outcome = emit(&rendering.files, format, out, check, durability);
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

/// `render --list-inputs`: what a snippet must bind.
fn list_inputs(ctx: &Context, intent: &Path) -> anyhow::Result<Outcome> {
    let Some(planned) = super::load_and_plan(ctx, intent)? else {
        return Ok(Outcome::Failure);
    };
    let mut stdout = std::io::stdout().lock();
    let text = if planned.plan.inputs.is_empty() {
        "the intent has no inputs: every ID is in the intent\n".to_string()
    } else {
        render::snippet::list_inputs(&planned.plan)
    };
    stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .context("cannot write to stdout")?;
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
