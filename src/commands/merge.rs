//! `shibori merge HOST SNIPPET`: insert a snippet into a host template (docs/snippets.md).

use crate::cli::args::Outcome;
use anyhow::Context as _;
use std::io::Write as _;
use std::path::Path;

pub fn run(host: &Path, snippet: &Path, out: Option<&Path>) -> anyhow::Result<Outcome> {
    let read = |p: &Path| {
        std::fs::read_to_string(p).with_context(|| format!("cannot read {}", p.display()))
    };
    let (host_text, snippet_text) = (read(host)?, read(snippet)?);
    let merged = crate::merge::merge(
        &crate::merge::Doc::new(host, &host_text),
        &crate::merge::Doc::new(snippet, &snippet_text),
    )?;
    match out {
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(merged.as_bytes())
                .and_then(|()| stdout.flush())
                .context("cannot write to stdout")?;
        }
        Some(file) => write(file, merged)?,
    }
    Ok(Outcome::Success)
}

/// Atomically, where it is asked for (a missing directory is an error, not a wish).
fn write(path: &Path, contents: String) -> anyhow::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        anyhow::bail!(
            "cannot write {}: no directory {}",
            path.display(),
            dir.display()
        );
    }
    let name = path
        .file_name()
        .ok_or_else(|| anyhow::anyhow!("cannot write {}: not a file name", path.display()))?;
    let file = crate::render::RenderedFile {
        path: name.into(),
        contents,
    };
    crate::render::write::write_all(dir, std::slice::from_ref(&file), Default::default())?;
    Ok(())
}
