//! Findings for a terminal, in the rustc style: `error: path: message`, `--> file:line:col`,
//! the offending line with a marker, `= help: …`. The rule ID is left out: the terminal
//! reader wants the fix, and `--format json|sarif|junit` carry the ID.

use super::lines::Lines;
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
    let lines = Lines::new(&shown);
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
            // Only the lines the span touches: the whole text per finding made many
            // findings quadratic.
            let (first, around) = lines.around(&span);
            let local = span.start - around.start..span.end.min(around.end) - around.start;
            message = message.snippet(
                Snippet::source(&shown[around])
                    .line_start(first)
                    .origin(name)
                    .fold(true)
                    .annotation(level.span(local)),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::findings::Rule;

    /// The rendering this file did before it cut the source to the span's lines.
    fn whole_source(span: std::ops::Range<usize>, text: &str) -> String {
        let (shown, moved) = visible(text);
        let span = shifted(span.start, &moved)..shifted(span.end, &moved);
        let message = Level::Error.title("t").snippet(
            Snippet::source(&shown)
                .line_start(1)
                .origin("f.yaml")
                .fold(true)
                .annotation(Level::Error.span(span)),
        );
        format!("{}\n", Renderer::plain().render(message))
    }

    #[test]
    fn the_spans_lines_render_as_the_whole_source_did() {
        let text = "a: 1\nb: [x,\n  y]\nc: \u{1b}[2J here\nd: é\nlast";
        let spans = [
            0..1,
            3..4,
            4..5,
            5..15,
            8..9,
            18..24,
            22..23,
            31..33,
            text.len() - 1..text.len(),
            text.len()..text.len(),
        ];
        for span in spans {
            let mut f = Finding::new(Rule::IntentSchema, "t");
            f.locations.push(Location::Intent {
                file: "f.yaml".into(),
                path: String::new(),
                start: None,
                span: Some(span.clone()),
            });
            assert_eq!(
                render(&[f], "f.yaml", text, false),
                whole_source(span.clone(), text),
                "{span:?}"
            );
        }
    }
}
