//! `shibori render` (issue: renderers).

use super::Context;
use crate::cli::{Outcome, RenderFormat};
use std::path::Path;

pub fn run(
    _ctx: &Context,
    _intent: &Path,
    _format: RenderFormat,
    _out: Option<&Path>,
    _check: bool,
) -> anyhow::Result<Outcome> {
    anyhow::bail!("`render` is not implemented yet")
}
