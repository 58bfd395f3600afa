//! `shibori explain`: the design-workshop handout on stdout or, atomically, in a file.

use super::{load_and_plan, Context};
use crate::cli::args::{ExplainFormat, Outcome};
use crate::explain::{self, Handout};
use crate::render::write::{self, Durability};
use crate::render::RenderedFile;
use anyhow::Context as _;
use std::path::Path;

pub fn run(
    ctx: &Context,
    intent: &Path,
    format: ExplainFormat,
    out: Option<&Path>,
    durability: Durability,
) -> anyhow::Result<Outcome> {
    // An invalid intent prints the same diagnostics as `check` and writes nothing.
    let Some(planned) = load_and_plan(ctx, intent)? else {
        return Ok(Outcome::Failure);
    };
    super::print_diagnostics(ctx, &planned.warnings, &planned.source);
    let handout = Handout {
        plan: &planned.plan,
        warnings: &planned.warnings,
        nacl: &planned.intent.nacl,
    };
    let text = match format {
        ExplainFormat::Markdown => explain::markdown(&handout),
        ExplainFormat::Dot => explain::dot(&handout),
        ExplainFormat::Html => explain::html(&handout),
        ExplainFormat::Svg => explain::svg(&handout),
    };
    match out {
        Some(path) => write_file(path, text, durability)?,
        None => {
            super::output::print(&text)?;
        }
    }
    Ok(Outcome::Success)
}

/// The handout goes through the renderers' writer: temporary file and rename, so
/// readers see the old handout or the new one, never half of one.
pub(super) fn write_file(path: &Path, text: String, durability: Durability) -> anyhow::Result<()> {
    let name = path
        .file_name()
        .with_context(|| format!("{} is not a file path", path.display()))?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    // One file is written where it is asked for, like a shell redirection: a missing
    // directory is more likely a typo than a wish for a new tree.
    if !dir.is_dir() {
        anyhow::bail!(
            "cannot write {}: no directory {}",
            path.display(),
            dir.display()
        );
    }
    let file = RenderedFile {
        path: name.into(),
        contents: text,
    };
    write::write_all(dir, std::slice::from_ref(&file), durability)?;
    Ok(())
}
