//! `shibori import SNAPSHOT_DIR --endpoint ID [--out FILE]`: a commented starter intent
//! from an AWS snapshot (see `docs/audit.md`). Exit 2 when the snapshot cannot be read or
//! lacks the endpoint.

use super::Context;
use crate::cli::Outcome;
use crate::verify::read::{snapshot, Artifact};
use anyhow::Context as _;
use std::path::Path;

pub fn run(
    _ctx: &Context,
    dir: &Path,
    endpoint: &str,
    out: Option<&Path>,
) -> anyhow::Result<Outcome> {
    // An I/O error names the file and the OS's reason already.
    let artifact = Artifact::load(dir)?;
    let snap = snapshot::parse(&artifact)
        .with_context(|| format!("cannot read snapshot {}", dir.display()))?;
    let text = crate::import::import(&snap, endpoint)?;
    match out {
        Some(path) => {
            super::explain::write_file(path, text, crate::render::write::Durability::Atomic)?;
            super::output::eprint(&format!(
                "wrote {}: review its `# check:` lines, then `shibori verify {} --artifact {}`\n",
                path.display(),
                path.display(),
                dir.display()
            ));
        }
        None => super::output::print(&text)?,
    }
    Ok(Outcome::Success)
}
