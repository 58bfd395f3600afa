//! `shibori schema` (issue: explain/schema).

use crate::cli::Outcome;

pub fn run() -> anyhow::Result<Outcome> {
    anyhow::bail!("`schema` is not implemented yet")
}
