//! Diagnostics: what the intent side (parse, validate, plan) finds about the user's
//! intent, and how each becomes a [`Finding`] of the one findings model
//! (`crate::findings`), which prints it. Knows nothing about AWS.

use crate::findings::lines::Lines;
use crate::findings::{self, Finding, Location, Position, Rule};
use serde::Serialize;
use std::ops::Range;

pub use crate::findings::Severity;

/// A finding about the user's intent. `path` is the YAML path (`targets[1].ports[0]`);
/// `span` is the byte range of the offending value in the source, when known.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// The rule, when the producer names it; else it follows from `path`
    /// ([`Rule::for_intent_path`]).
    #[serde(skip)]
    pub rule: Option<Rule>,
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
            rule: None,
            severity: Severity::Error,
            message: message.into(),
            path: None,
            span: None,
            help: None,
        }
    }

    pub fn warning(message: impl Into<String>) -> Self {
        Diagnostic {
            rule: None,
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

    /// Names the rule this diagnostic reports under.
    pub fn rule(mut self, rule: Rule) -> Self {
        self.rule = Some(rule);
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The rule: the producer's, or the one of the intent section the path is in.
    pub fn rule_id(&self) -> Rule {
        self.rule
            .unwrap_or_else(|| Rule::for_intent_path(self.path.as_deref()))
    }

    /// This diagnostic in the findings model, positioned in `source` (whose line index
    /// `lines` is, built once for all its diagnostics).
    pub fn to_finding(&self, source: &Source, lines: &Lines) -> Finding {
        let path = self.path.clone().unwrap_or_default();
        let mut f = Finding::new(self.rule_id(), self.message.clone());
        f.severity = self.severity;
        f.help = self.help.clone();
        f.subject = format!("{path}\0{}", self.message);
        f.locations.push(Location::Intent {
            file: source.name.clone(),
            path,
            start: self.span.as_ref().map(|s| {
                let (line, column) = lines.line_col(s.start);
                Position { line, column }
            }),
            span: self.span.clone(),
        });
        f
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
        let before = &self.text[..findings::text::floor_char_boundary(&self.text, offset)];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        (line, before[line_start..].chars().count() + 1)
    }
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
/// each (so columns stay), and where each replaced byte offset was, with how many bytes
/// the text had grown by up to and including it: values from an intent must not move the
/// cursor or recolour the terminal.
pub fn visible(text: &str) -> (String, Vec<(usize, usize)>) {
    let mut out = String::with_capacity(text.len());
    let mut moved = Vec::new();
    let mut grown = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match stand_in(c, chars.peek().map(|&(_, n)| n)) {
            Some(s) => {
                out.push(s);
                grown += s.len_utf8() - c.len_utf8();
                moved.push((i, grown));
            }
            None => out.push(c),
        }
    }
    (out, moved)
}

/// A byte offset of the original text in the text [`visible`] made of it (a binary
/// search: it runs once per diagnostic).
pub fn shifted(offset: usize, moved: &[(usize, usize)]) -> usize {
    let before = moved.partition_point(|(at, _)| *at < offset);
    offset
        + before
            .checked_sub(1)
            .and_then(|i| moved.get(i))
            .map_or(0, |(_, grown)| *grown)
}

/// Renders diagnostics for a terminal: `error: path: message`, `--> file:line:col`,
/// the offending line with a marker, `= help: …`.
pub fn render_text(diagnostics: &[Diagnostic], source: Option<&Source>, color: bool) -> String {
    let fallback = Source {
        name: String::new(),
        text: String::new(),
    };
    let src = source.unwrap_or(&fallback);
    let lines = Lines::new(&src.text);
    let found: Vec<Finding> = diagnostics
        .iter()
        .map(|d| {
            let mut f = d.to_finding(src, &lines);
            if source.is_none() {
                f.locations.clear();
                if let Some(p) = &d.path {
                    f.locations.push(Location::Intent {
                        file: String::new(),
                        path: p.clone(),
                        start: None,
                        span: None,
                    });
                }
            }
            f
        })
        .collect();
    findings::text::render(&found, &src.name, &src.text, color)
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    rule: &'static str,
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
    let lines = source.map(|s| Lines::new(&s.text));
    let items: Vec<serde_json::Value> = diagnostics
        .iter()
        .map(|d| {
            let pos = match (&lines, &d.span) {
                (Some(lines), Some(span)) => Some(lines.line_col(span.start)),
                _ => None,
            };
            serde_json::to_value(JsonDiagnostic {
                rule: d.rule_id().id(),
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
