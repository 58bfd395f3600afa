//! The intent file: parse (YAML/JSON with positions), the typed model, validation.

pub mod destinations;
pub mod file;
pub mod model;
pub mod parse;
pub mod ports;
pub mod schema;
pub mod spans;
pub mod validate;
mod words;

pub use model::*;

use crate::diagnostic::{Diagnostic, Source};

/// A valid intent with its warnings and the position index for later diagnostics.
pub struct Loaded {
    pub intent: Intent,
    pub warnings: Vec<Diagnostic>,
    pub spans: spans::SpanMap,
}

/// Parse and validate. `Err` carries every diagnostic found (at least one error).
pub fn load(source: &Source) -> Result<Loaded, Vec<Diagnostic>> {
    let parsed = parse::parse(source).map_err(|d| vec![*d])?;
    match validate::validate(&parsed.file, &parsed.spans) {
        (Some(intent), warnings) => Ok(Loaded {
            intent,
            warnings,
            spans: parsed.spans,
        }),
        (None, diags) => Err(diags),
    }
}

/// Gives diagnostics that carry only a YAML path (from the planner) their position.
pub fn locate(diagnostics: &mut [Diagnostic], spans: &spans::SpanMap) {
    for d in diagnostics.iter_mut().filter(|d| d.span.is_none()) {
        if let Some(path) = &d.path {
            d.span = spans.value(path);
        }
    }
}
