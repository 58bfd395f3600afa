//! `shibori verify` (issue: verify).

use super::Context;
use crate::cli::Outcome;
use std::path::Path;

pub fn run(
    _ctx: &Context,
    _intent: &Path,
    _artifact: Option<&Path>,
    _json: bool,
) -> anyhow::Result<Outcome> {
    anyhow::bail!("`verify` is not implemented yet")
}
