//! `shibori completions` (issue: explain/schema).

use crate::cli::{Outcome, Shell};

pub fn run(_shell: Shell) -> anyhow::Result<Outcome> {
    anyhow::bail!("`completions` is not implemented yet")
}
