//! One diagnostic model for every user-facing finding, and its renderers
//! (terminal text in the rustc style, JSON). Knows nothing about AWS.

use annotate_snippets::{Level, Renderer, Snippet};
use serde::Serialize;
use std::fmt::Write as _;
use std::ops::Range;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// A finding about the user's intent. `path` is the YAML path (`targets[1].ports[0]`);
/// `span` is the byte range of the offending value in the source, when known.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(skip)]
    pub span: Option<Range<usize>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            path: None,
            span: None,
            help: None,
        }
    }

    pub fn warning(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            message: message.into(),
            path: None,
            span: None,
            help: None,
        }
    }

    pub fn at(mut self, path: impl Into<String>) -> Self {
        self.path = Some(path.into());
        self
    }

    pub fn with_span(mut self, span: Option<Range<usize>>) -> Self {
        self.span = span;
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// The text a diagnostic points into.
#[derive(Clone, Debug)]
pub struct Source {
    pub name: String,
    pub text: String,
}

impl Source {
    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let before = &self.text[..floor_char_boundary(&self.text, offset)];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        (line, before[line_start..].chars().count() + 1)
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn title(d: &Diagnostic) -> String {
    let title = match &d.path {
        Some(p) if !p.is_empty() => format!("{p}: {}", d.message),
        _ => d.message.clone(),
    };
    visible(&title).0
}

/// The visible stand-in for a terminal control character (C0 but tab and line feed, a
/// carriage return that does not end a line, DEL, C1), or `None` for any other.
fn stand_in(c: char, next: Option<char>) -> Option<char> {
    match c {
        '\t' | '\n' => None,
        '\r' if next == Some('\n') => None,
        // Unicode's Control Pictures: U+2400 + the C0 code, U+2421 for DEL.
        '\0'..='\x1f' => char::from_u32(0x2400 + c as u32),
        '\x7f' => Some('\u{2421}'),
        '\u{80}'..='\u{9f}' => Some('\u{fffd}'),
        _ => None,
    }
}

/// `text` with terminal control characters replaced by visible stand-ins, one character
/// each (so columns stay), and where each replaced byte offset was, with the bytes it
/// grew by: values from an intent must not move the cursor or recolour the terminal.
pub fn visible(text: &str) -> (String, Vec<(usize, usize)>) {
    let mut out = String::with_capacity(text.len());
    let mut moved = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match stand_in(c, chars.peek().map(|&(_, n)| n)) {
            Some(s) => {
                out.push(s);
                moved.push((i, s.len_utf8() - c.len_utf8()));
            }
            None => out.push(c),
        }
    }
    (out, moved)
}

/// A byte offset of the original text in the text [`visible`] made of it.
fn shifted(offset: usize, moved: &[(usize, usize)]) -> usize {
    offset
        + moved
            .iter()
            .take_while(|(at, _)| *at < offset)
            .map(|(_, grew)| grew)
            .sum::<usize>()
}

/// Renders diagnostics for a terminal: `error: path: message`, `--> file:line:col`,
/// the offending line with a marker, `= help: …`.
pub fn render_text(diagnostics: &[Diagnostic], source: Option<&Source>, color: bool) -> String {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = String::new();
    let shown = source.map(|s| visible(&s.text));
    for d in diagnostics {
        let level = match d.severity {
            Severity::Error => Level::Error,
            Severity::Warning => Level::Warning,
        };
        let title = title(d);
        let help = d.help.as_deref().map(|h| visible(h).0);
        let mut message = level.title(&title);
        if let (Some(src), Some(span), Some((text, moved))) =
            (source, d.span.clone(), shown.as_ref())
        {
            let end = span.end.min(src.text.len());
            let start = span.start.min(end);
            let span = shifted(floor_char_boundary(&src.text, start), moved)
                ..shifted(floor_char_boundary(&src.text, end), moved);
            message = message.snippet(
                Snippet::source(text)
                    .line_start(1)
                    .origin(&src.name)
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

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    #[serde(flatten)]
    diagnostic: &'a Diagnostic,
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    column: Option<usize>,
}

/// Machine-readable diagnostics with file, line and column resolved.
pub fn to_json(diagnostics: &[Diagnostic], source: Option<&Source>) -> serde_json::Value {
    let items: Vec<serde_json::Value> = diagnostics
        .iter()
        .map(|d| {
            let pos = match (source, &d.span) {
                (Some(src), Some(span)) => Some(src.line_col(span.start)),
                _ => None,
            };
            serde_json::to_value(JsonDiagnostic {
                diagnostic: d,
                file: source.map(|s| s.name.as_str()),
                line: pos.map(|p| p.0),
                column: pos.map(|p| p.1),
            })
            .unwrap_or(serde_json::Value::Null)
        })
        .collect();
    serde_json::Value::Array(items)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_path_position_line_and_help() {
        let src = Source {
            name: "intent.yaml".into(),
            text: "version: 1\nvpc:\n  cidr: 10.0.0.5/16\n".into(),
        };
        let d = Diagnostic::error("host bits are set")
            .at("vpc.cidr")
            .with_span(Some(24..35))
            .help("use 10.0.0.0/16");
        let text = render_text(&[d], Some(&src), false);
        assert!(
            text.contains("error: vpc.cidr: host bits are set"),
            "{text}"
        );
        assert!(text.contains("--> intent.yaml:3:9"), "{text}");
        assert!(text.contains("cidr: 10.0.0.5/16"), "{text}");
        assert!(text.contains("help: use 10.0.0.0/16"), "{text}");
    }
}
