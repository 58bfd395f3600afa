//! Findings for a terminal, in the rustc style: `error: path: message`, `--> file:line:col`,
//! the offending line with a marker, `= help: …`. The rule ID is left out: the terminal
//! reader wants the fix, and `--format json|sarif|junit` carry the ID.

use super::{Finding, Location, Severity};
use annotate_snippets::{Level, Renderer, Snippet};
use std::fmt::Write as _;

/// `path: message` for a finding about an item of the intent (as `check` prints it), else
/// the message alone.
pub fn title(f: &Finding) -> String {
    match f.locations.first() {
        Some(Location::Intent { path, .. }) if !path.is_empty() && f.rule.is_intent() => {
            format!("{path}: {}", f.message)
        }
        _ => f.message.clone(),
    }
}

/// Renders findings about one source file; `name` and `text` are that file's.
pub fn render(findings: &[Finding], name: &str, text: &str, color: bool) -> String {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = String::new();
    for f in findings {
        let level = match f.severity {
            Severity::Error => Level::Error,
            Severity::Warning => Level::Warning,
        };
        let title = title(f);
        let mut message = level.title(&title);
        let span = f.locations.first().and_then(|l| match l {
            Location::Intent { span, .. } => span.clone(),
            _ => None,
        });
        if let Some(span) = span {
            let end = floor_char_boundary(text, span.end.min(text.len()));
            let start = floor_char_boundary(text, span.start.min(end));
            message = message.snippet(
                Snippet::source(text)
                    .line_start(1)
                    .origin(name)
                    .fold(true)
                    .annotation(level.span(start..end)),
            );
        }
        if let Some(help) = &f.help {
            message = message.footer(Level::Help.title(help));
        }
        let _ = writeln!(out, "{}", renderer.render(message));
    }
    out
}

pub fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}
