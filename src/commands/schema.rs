//! `shibori schema`: the JSON Schema of the intent file on stdout.

use crate::cli::args::Outcome;

pub fn run() -> anyhow::Result<Outcome> {
    let text = serde_json::to_string_pretty(&crate::intent::schema::intent_schema())?;
    super::output::print(&format!("{text}\n"))?;
    Ok(Outcome::Success)
}
