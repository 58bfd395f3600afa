//! `shibori explain`: the design-workshop handout on stdout or, atomically, in a file.

use super::{load_and_plan, Context};
use crate::cli::{ExplainFormat, Outcome};
use crate::explain::{self, Handout};
use anyhow::Context as _;
use std::io::Write as _;
use std::path::Path;

pub fn run(
    ctx: &Context,
    intent: &Path,
    format: ExplainFormat,
    out: Option<&Path>,
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
    };
    match out {
        Some(path) => write_atomically(path, text.as_bytes())?,
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(text.as_bytes())?;
            stdout.flush()?;
        }
    }
    Ok(Outcome::Success)
}

/// Writes to a temporary file beside `path`, then renames it over `path`: readers see
/// the old file or the new one, never half of one, and a failure leaves no debris.
fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let name = path
        .file_name()
        .with_context(|| format!("{} is not a file path", path.display()))?
        .to_string_lossy()
        .into_owned();
    let tmp = dir.join(format!(".{name}.{}.shibori.tmp", std::process::id()));
    let result = (|| -> anyhow::Result<()> {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
            .with_context(|| format!("cannot create {}", tmp.display()))?;
        f.write_all(bytes)
            .and_then(|()| f.sync_all())
            .with_context(|| format!("cannot write {}", tmp.display()))?;
        std::fs::rename(&tmp, path).with_context(|| format!("cannot replace {}", path.display()))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
