//! Findings for a terminal, in the rustc style: `error: path: message`, `--> file:line:col`,
//! the offending line with a marker, `= help: …`. The rule ID is left out: the terminal
//! reader wants the fix, and `--format json|sarif|junit` carry the ID.

use super::{Finding, Location, Severity};
use crate::diagnostic::{shifted, visible};
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
    // Values from an intent must not move the cursor or recolour the terminal: control
    // characters are shown as visible stand-ins, one character each so columns stay.
    let (shown, moved) = visible(text);
    for f in findings {
        let level = match f.severity {
            Severity::Error => Level::Error,
            Severity::Warning => Level::Warning,
        };
        let title = visible(&title(f)).0;
        let help = f.help.as_deref().map(|h| visible(h).0);
        let mut message = level.title(&title);
        let span = f.locations.first().and_then(|l| match l {
            Location::Intent { span, .. } => span.clone(),
            _ => None,
        });
        if let Some(span) = span {
            let end = floor_char_boundary(text, span.end.min(text.len()));
            let start = floor_char_boundary(text, span.start.min(end));
            let span = shifted(start, &moved)..shifted(end, &moved);
            message = message.snippet(
                Snippet::source(&shown)
                    .line_start(1)
                    .origin(name)
                    .fold(true)
                    .annotation(level.span(span)),
            );
        }
        if let Some(help) = &help {
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
