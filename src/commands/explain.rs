//! `shibori explain` (issue: explain).

use super::Context;
use crate::cli::{ExplainFormat, Outcome};
use std::path::Path;

pub fn run(
    _ctx: &Context,
    _intent: &Path,
    _format: ExplainFormat,
    _out: Option<&Path>,
) -> anyhow::Result<Outcome> {
    anyhow::bail!("`explain` is not implemented yet")
}
