//! Text → `IntentFile`. The only place that knows which YAML library is used:
//! serde_yaml is unmaintained, and swapping it must touch this file alone. The common
//! case, block YAML of a plain kind, is read by `crate::yaml` first, which hands
//! anything else, and every error, back to serde_yaml.

use super::file::IntentFile;
use super::spans::SpanMap;
use crate::diagnostic::{Diagnostic, Source};
use crate::findings::Rule;
use crate::yaml::guard::GuardError;
use serde::Deserialize as _;

/// The parsed file with the position index diagnostics need.
pub struct Parsed {
    pub file: IntentFile,
    pub spans: SpanMap,
}

fn looks_like_json(text: &str) -> bool {
    text.trim_start().starts_with('{')
}

/// Parses YAML, or JSON when the document starts with `{`. A structural problem
/// (syntax, unknown key, wrong type, missing field) is one error diagnostic.
pub fn parse(source: &Source) -> Result<Parsed, Box<Diagnostic>> {
    let text = source.text.as_str();
    let spans = SpanMap::build(text);
    // A carriage return that ends a line on its own (classic Mac OS line endings): YAML
    // reads the file as one line, which would be called empty or a syntax error.
    if let Some(at) = text
        .match_indices('\r')
        .map(|(i, _)| i)
        .find(|&i| text.as_bytes().get(i + 1) != Some(&b'\n'))
    {
        return Err(Box::new(
            Diagnostic::error("the file ends its lines with a carriage return alone")
                .with_span(Some(at..at + 1))
                .help("save it with LF (or CRLF) line endings"),
        ));
    }
    let blank = text.lines().all(|l| {
        let l = l.trim();
        l.is_empty() || l.starts_with('#') || l == "---"
    });
    if blank {
        return Err(Box::new(
            Diagnostic::error("the intent file is empty")
                .rule(Rule::IntentSyntax)
                .help("start from one of the examples, or run `shibori schema` for the format"),
        ));
    }
    // Bounded before any YAML library reads it: their cost grows faster than the text
    // with nesting and with aliases.
    if let Err(e) = crate::yaml::guard::check_intent(text) {
        let help = match e {
            GuardError::Alias { .. } => "write the value out where the alias stands",
            _ => "an intent needs a few levels; flatten the document",
        };
        return Err(Box::new(
            Diagnostic::error(e.to_string())
                .with_span(e.offset().map(|o| o..o + 1))
                .help(help),
        ));
    }
    // The common case, a well-formed file, skips path tracking (it allocates a path
    // segment per key); only a failing file is read again to say where it fails.
    let fast = if looks_like_json(text) {
        serde_json::from_str::<IntentFile>(text).ok()
    } else {
        crate::yaml::from_str::<IntentFile>(text)
            .or_else(|| IntentFile::deserialize(serde_yaml::Deserializer::from_str(text)).ok())
    };
    if let Some(file) = fast {
        return Ok(Parsed { file, spans });
    }
    let result = if looks_like_json(text) {
        let mut de = serde_json::Deserializer::from_str(text);
        serde_path_to_error::deserialize::<_, IntentFile>(&mut de).map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner();
            let offset = offset_of(text, inner.line(), inner.column());
            structural(
                &strip_position(&inner.to_string()),
                &path,
                Some(offset),
                &spans,
            )
        })
    } else {
        let de = serde_yaml::Deserializer::from_str(text);
        serde_path_to_error::deserialize::<_, IntentFile>(de).map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner();
            let message = inner.to_string();
            // libyaml's reader (control characters, invalid UTF-8 sequences) leaves the
            // mark at 1:1 and says where in the message, as a byte offset.
            let offset = reader_offset(&message)
                .or_else(|| inner.location().map(|l| l.index()))
                .map(|o| o.min(text.len()));
            structural(&strip_position(&message), &path, offset, &spans)
        })
    };
    result.map(|file| Parsed { file, spans }).map_err(Box::new)
}

fn structural(message: &str, path: &str, offset: Option<usize>, spans: &SpanMap) -> Diagnostic {
    // serde_path_to_error writes `?` when it has no path (syntax errors) and `.` for the root.
    let path = if path == "." || path == "?" { "" } else { path };
    let duplicate = quoted_after(message, "duplicate field `")
        .or_else(|| quoted_after(message, "duplicate subnet `"))
        .map(|field| super::spans::join_key(path, field));
    let span = if let Some(key) = &duplicate {
        // The index keeps the last occurrence of a key: the duplicate.
        spans.key(key)
    } else if message.starts_with("unknown field") {
        // The path already ends with the unknown key; mark the key, not its value.
        spans.key(path)
    } else if message.starts_with("invalid type")
        || message.starts_with("invalid value")
        || message.starts_with("unknown variant")
    {
        spans.value(path)
    } else {
        None
    };
    let span = span
        .or_else(|| offset.map(|o| o..o + 1))
        .or_else(|| spans.value(path));
    // A message of serde's about the document's shape is a schema problem; anything
    // else (the YAML or JSON scanner's) is one of syntax.
    let schema = [
        "unknown field",
        "missing field",
        "duplicate field",
        "invalid type",
        "invalid value",
        "invalid length",
        "unknown variant",
    ]
    .iter()
    .any(|m| message.contains(m));
    let rule = if schema {
        Rule::IntentSchema
    } else {
        Rule::IntentSyntax
    };
    let mut d = Diagnostic::error(super::words::user_words(message, path))
        .rule(rule)
        .with_span(span);
    if !path.is_empty() {
        d = d.at(path);
    }
    if message.contains("unknown field") {
        d = d.help("remove the key, or check its spelling against `shibori schema`");
    } else if message.contains("missing field") {
        d = d.help("add the field; `shibori schema` lists what each section needs");
    } else if message.contains("unknown variant") {
        d = d.help("use one of the values listed above");
    } else if message.starts_with("control characters") {
        d = d.help("delete the character (shown above as a visible stand-in)");
    } else if let Some(key) = &duplicate {
        let first = spans.first_key(key).map(|r| spans.line_col(r.start));
        d = d.help(match first {
            Some((line, col)) => format!("first written at {line}:{col}; keep one of the two"),
            None => "keep one of the two".to_string(),
        });
    }
    d
}

fn quoted_after<'a>(message: &'a str, prefix: &str) -> Option<&'a str> {
    message.strip_prefix(prefix)?.split('`').next()
}

/// The byte offset in serde_yaml's " at position N", which it writes for errors of
/// libyaml's reader instead of a line and column.
fn reader_offset(message: &str) -> Option<usize> {
    let (_, tail) = message.rsplit_once(" at position ")?;
    let digits = tail.split(|c: char| !c.is_ascii_digit()).next()?;
    digits.parse().ok()
}

/// serde appends " at line N column M" or " at position N" (and serde_yaml a path
/// prefix); the diagnostic carries both already.
fn strip_position(message: &str) -> String {
    let m = match message
        .find(" at line ")
        .or_else(|| message.find(" at position "))
    {
        Some(i) => &message[..i],
        None => message,
    };
    // serde_yaml: "targets[0]: unknown field ..." – drop the path prefix it adds.
    match m.split_once(": ") {
        Some((head, tail)) if !head.contains(' ') && !tail.is_empty() => tail.to_string(),
        _ => m.to_string(),
    }
}

fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    (start + column.saturating_sub(1)).min(text.len())
}
