//! `shibori schema`: the JSON Schema of the intent file on stdout.

use crate::cli::args::Outcome;
use std::io::Write as _;

pub fn run() -> anyhow::Result<Outcome> {
    let text = serde_json::to_string_pretty(&crate::intent::schema::intent_schema())?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}")?;
    out.flush()?;
    Ok(Outcome::Success)
}
