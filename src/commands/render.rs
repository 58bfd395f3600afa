//! `shibori render`: plan, render in memory, then write atomically, print, or compare.

use super::Context;
use crate::cli::args::{Outcome, RenderFormat};
use crate::render::{self, write};
use anyhow::Context as _;
use std::io::Write as _;
use std::path::Path;

pub fn run(
    ctx: &Context,
    intent: &Path,
    format: RenderFormat,
    out: Option<&Path>,
    check: bool,
    durability: write::Durability,
) -> anyhow::Result<Outcome> {
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
