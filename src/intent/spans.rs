//! Where each value of the intent sits in the source text, by YAML path
//! (`targets[1].ports[0]`). serde gives us typed data without positions; this
//! index, built from a second, event-level pass over the same text, puts the
//! positions back so that every diagnostic can point at the user's line.

use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;
use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::Marker;

/// The index is built lazily and only as far into the file as the lookups need: a
/// valid intent with nothing to report never pays for it, and a warning about
/// `targets` reads the file up to `targets:`, not to its end. Every lookup resumes the
/// one event-level pass where the previous one stopped.
pub struct SpanMap {
    text: Arc<str>,
    scan: RefCell<Scan>,
}

#[derive(Debug, Default, Clone)]
struct Index {
    /// Each path once, with its value's span and, in a mapping, its key's: a path stored
    /// twice (once as a key, once as a value) and 16-byte ranges made the index of a
    /// 50 MB intent ~500 MB (docs/benchmarks.md, "Bounds").
    paths: HashMap<Box<str>, Spans>,
    /// The first occurrence of a key written more than once (`paths` has the last).
    first_keys: HashMap<String, Range<usize>>,
}

/// Byte offsets as `u32`: a text longer than 4 GiB has no spans past that point.
type Packed = (u32, u32);

#[derive(Debug, Default, Clone, Copy)]
struct Spans {
    value: Option<Packed>,
    key: Option<Packed>,
}

fn pack(r: &Range<usize>) -> Option<Packed> {
    Some((u32::try_from(r.start).ok()?, u32::try_from(r.end).ok()?))
}

fn unpack(p: Packed) -> Range<usize> {
    p.0 as usize..p.1 as usize
}

impl Index {
    fn value(&self, path: &str) -> Option<Range<usize>> {
        self.paths.get(path)?.value.map(unpack)
    }

    fn has_value(&self, path: &str) -> bool {
        self.paths.get(path).is_some_and(|s| s.value.is_some())
    }

    fn key(&self, path: &str) -> Option<Range<usize>> {
        self.paths.get(path)?.key.map(unpack)
    }

    fn spans_mut(&mut self, path: String) -> &mut Spans {
        self.paths.entry(path.into_boxed_str()).or_default()
    }

    fn set_value(&mut self, path: String, span: &Range<usize>) {
        match self.paths.get_mut(path.as_str()) {
            Some(s) => s.value = pack(span),
            None => self.spans_mut(path).value = pack(span),
        }
    }

    /// Records a key's span; the span of an earlier occurrence of the same key, if any.
    fn set_key(&mut self, path: String, span: &Range<usize>) -> Option<Range<usize>> {
        let slot = match self.paths.get_mut(path.as_str()) {
            Some(s) => s,
            None => self.spans_mut(path),
        };
        std::mem::replace(&mut slot.key, pack(span)).map(unpack)
    }
}

struct Scan {
    /// `None` before the first lookup and after the end of the document.
    parser: Option<Parser<OwnedChars>>,
    started: bool,
    builder: Builder,
}

/// The characters of the shared text, so that the parser can outlive a borrow of it.
struct OwnedChars {
    text: Arc<str>,
    pos: usize,
}

impl Iterator for OwnedChars {
    type Item = char;
    fn next(&mut self) -> Option<char> {
        let c = self.text.get(self.pos..)?.chars().next()?;
        self.pos += c.len_utf8();
        Some(c)
    }
}

impl Default for SpanMap {
    fn default() -> Self {
        SpanMap::build("")
    }
}

impl Clone for SpanMap {
    fn clone(&self) -> Self {
        SpanMap::build(&self.text)
    }
}

impl std::fmt::Debug for SpanMap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SpanMap")
            .field("bytes", &self.text.len())
            .finish_non_exhaustive()
    }
}

impl Scan {
    /// Feeds events to the builder until `done` holds or the document ends. A document
    /// the event parser cannot read ends the index there (serde reports the syntax
    /// error itself).
    fn advance(&mut self, text: &Arc<str>, done: impl Fn(&Index) -> bool) {
        if !self.started {
            self.started = true;
            self.parser = Some(Parser::new(OwnedChars {
                text: Arc::clone(text),
                pos: 0,
            }));
            self.builder.line_starts = line_starts(text);
        }
        while !done(&self.builder.map) {
            let Some(parser) = self.parser.as_mut() else {
                return;
            };
            match parser.next_token() {
                Ok((Event::DocumentEnd | Event::StreamEnd, _)) | Err(_) => self.parser = None,
                Ok((ev, mark)) => self.builder.on_event(text, ev, mark),
            }
        }
    }
}

impl SpanMap {
    pub fn build(text: &str) -> SpanMap {
        SpanMap {
            text: Arc::from(text),
            scan: RefCell::new(Scan {
                parser: None,
                started: false,
                builder: Builder::default(),
            }),
        }
    }

    /// The span of the value at `path`, or of the nearest ancestor that has one.
    pub fn value(&self, path: &str) -> Option<Range<usize>> {
        let mut scan = self.scan.borrow_mut();
        scan.advance(&self.text, |ix| ix.has_value(path));
        // An ancestor starts before its descendants, so it is indexed already.
        let index = &scan.builder.map;
        let mut p = path;
        loop {
            if let Some(r) = index.value(p) {
                return Some(r);
            }
            p = parent(p)?;
        }
    }

    /// Whether the file itself writes a value at `path` (a default does not count).
    pub fn has(&self, path: &str) -> bool {
        let mut scan = self.scan.borrow_mut();
        scan.advance(&self.text, |ix| ix.has_value(path));
        scan.builder.map.has_value(path)
    }

    /// The span of the key that introduces `path` (for unknown or misplaced keys). The
    /// whole file is read: a duplicated key is marked at its last occurrence.
    pub fn key(&self, path: &str) -> Option<Range<usize>> {
        let found = {
            let mut scan = self.scan.borrow_mut();
            scan.advance(&self.text, |_| false);
            scan.builder.map.key(path)
        };
        found.or_else(|| self.value(path))
    }
}

impl SpanMap {
    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let before = &self.text[..offset.min(self.text.len())];
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        (line, col)
    }

    /// The first occurrence of a key written more than once (the whole file is read).
    pub fn first_key(&self, path: &str) -> Option<Range<usize>> {
        let mut scan = self.scan.borrow_mut();
        scan.advance(&self.text, |_| false);
        scan.builder.map.first_keys.get(path).cloned()
    }
}

/// `a.b[2].c` → `a.b[2]` → `a.b` → `a` → ``.
pub fn parent(path: &str) -> Option<&str> {
    if path.is_empty() {
        return None;
    }
    let cut = path.rfind(['.', '[']).unwrap_or(0);
    Some(&path[..cut])
}

pub fn join_key(base: &str, key: &str) -> String {
    if base.is_empty() {
        key.to_string()
    } else {
        format!("{base}.{key}")
    }
}

enum Frame {
    Map {
        path: String,
        pending_key: Option<String>,
    },
    Seq {
        path: String,
        next: usize,
    },
}

#[derive(Default)]
struct Builder {
    line_starts: Vec<usize>,
    /// The last mark converted: (character index, byte offset).
    cursor: (usize, usize),
    stack: Vec<Frame>,
    map: Index,
}

fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

impl Builder {
    /// yaml-rust2 marks positions by character index; we need bytes. Events arrive in
    /// document order, so a cursor that only moves forward converts each mark in time
    /// proportional to the distance from the previous one: linear over the file, even
    /// when it is one long line (a JSON intent).
    fn offset(&mut self, text: &str, mark: &Marker) -> usize {
        let (chars, bytes) = self.cursor;
        if mark.index() < chars {
            // Not seen in practice; fall back to the line index.
            let Some(&start) = self.line_starts.get(mark.line().saturating_sub(1)) else {
                return text.len();
            };
            let line = &text[start..];
            return start
                + line
                    .char_indices()
                    .nth(mark.col())
                    .map_or(line.len(), |(i, _)| i);
        }
        let rest = &text[bytes..];
        let byte = bytes
            + rest
                .char_indices()
                .nth(mark.index() - chars)
                .map_or(rest.len(), |(i, _)| i);
        self.cursor = (mark.index(), byte);
        byte
    }

    /// A scalar's extent on its line: to the closing quote, or to the end of the plain text.
    fn scalar_span(text: &str, start: usize, is_key: bool) -> Range<usize> {
        // Only as far as the scalar goes, never to the end of its line: a one-line
        // JSON intent would make that quadratic.
        let rest = &text[start..];
        let line_end = |from: usize| rest[from..].find('\n').map_or(rest.len(), |i| from + i);
        let len = match rest.chars().next() {
            Some(q @ ('"' | '\'')) => match rest[1..].find([q, '\n']) {
                Some(i) if rest[1 + i..].starts_with(q) => i + 2,
                _ => line_end(0),
            },
            _ => {
                let mut end = None;
                for (i, c) in rest.char_indices() {
                    let key_end = is_key
                        && c == ':'
                        && rest[i + 1..].chars().next().is_none_or(char::is_whitespace);
                    if c == '\n'
                        || key_end
                        || c == ','
                        || c == ']'
                        || c == '}'
                        || (c == '#' && rest[..i].ends_with(' '))
                    {
                        end = Some(i);
                        break;
                    }
                }
                let end = end.unwrap_or(rest.len());
                rest[..end].trim_end().len()
            }
        };
        start..start + len.max(1)
    }

    /// A flow collection (`[a, b]`, `{k: v}`) closed on its own line is marked whole;
    /// a block collection by its first character.
    fn collection_span(text: &str, start: usize) -> Range<usize> {
        let mut depth = 0usize;
        for (i, c) in text[start..].char_indices() {
            match c {
                '\n' => break,
                '[' | '{' => depth += 1,
                ']' | '}' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return start..start + i + 1;
                    }
                }
                _ if depth == 0 => break,
                _ => {}
            }
        }
        start..start + 1
    }

    /// The path of the value that the next event starts, advancing the parent.
    fn child_path(&mut self, key_span: Option<Range<usize>>) -> Option<String> {
        match self.stack.last_mut() {
            None => Some(String::new()),
            Some(Frame::Seq { path, next }) => {
                let p = format!("{path}[{next}]");
                *next += 1;
                Some(p)
            }
            Some(Frame::Map { path, pending_key }) => {
                let key = pending_key.take()?;
                let p = join_key(path, &key);
                if let Some(span) = key_span {
                    self.map.set_key(p.clone(), &span);
                }
                Some(p)
            }
        }
    }

    /// In a map with no pending key, a scalar is the next key.
    fn expecting_key(&self) -> bool {
        matches!(
            self.stack.last(),
            Some(Frame::Map {
                pending_key: None,
                ..
            })
        )
    }

    fn on_event(&mut self, text: &str, ev: Event, mark: Marker) {
        let start = self.offset(text, &mark);
        match ev {
            Event::Scalar(value, ..) => {
                if self.expecting_key() {
                    let span = Self::scalar_span(text, start, true);
                    if let Some(Frame::Map { path, pending_key }) = self.stack.last_mut() {
                        let key = join_key(path, &value);
                        if let Some(first) = self.map.set_key(key.clone(), &span) {
                            self.map.first_keys.entry(key).or_insert(first);
                        }
                        *pending_key = Some(value);
                    }
                } else if let Some(p) = self.child_path(None) {
                    let span = Self::scalar_span(text, start, false);
                    self.map.set_value(p, &span);
                }
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                let is_map = matches!(ev, Event::MappingStart(..));
                let path = self.child_path(None).unwrap_or_default();
                self.map
                    .set_value(path.clone(), &Self::collection_span(text, start));
                self.stack.push(if is_map {
                    Frame::Map {
                        path,
                        pending_key: None,
                    }
                } else {
                    Frame::Seq { path, next: 0 }
                });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.stack.pop();
            }
            Event::Alias(_) => {
                let _ = self.child_path(None);
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_nested_values() {
        let text = "vpc:\n  cidr: 10.0.0.0/16 # main\ntargets:\n  - name: ssh\n    ports: [ssh, \"tcp/22\"]\n";
        let m = SpanMap::build(text);
        assert_eq!(&text[m.value("vpc.cidr").unwrap()], "10.0.0.0/16");
        assert_eq!(&text[m.value("targets[0].name").unwrap()], "ssh");
        assert_eq!(&text[m.value("targets[0].ports[1]").unwrap()], "\"tcp/22\"");
        assert_eq!(&text[m.key("targets[0].ports").unwrap()], "ports");
        // missing paths fall back to the nearest ancestor
        assert_eq!(&text[m.value("targets[0].ports[7]").unwrap()][..1], "[");
    }

    #[test]
    fn reads_json_too() {
        let text = "{\"vpc\": {\"cidr\": \"10.0.0.0/16\"}}";
        let m = SpanMap::build(text);
        assert_eq!(&text[m.value("vpc.cidr").unwrap()], "\"10.0.0.0/16\"");
    }
}
