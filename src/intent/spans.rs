//! Where each value of the intent sits in the source text, by YAML path
//! (`targets[1].ports[0]`). serde gives us typed data without positions; this
//! index, built from a second, event-level pass over the same text, puts the
//! positions back so that every diagnostic can point at the user's line.

use std::collections::HashMap;
use std::ops::Range;
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

/// The index is built on first use: a valid intent with nothing to report never pays
/// for it (it costs about as much as parsing the file again).
#[derive(Debug, Default, Clone)]
pub struct SpanMap {
    text: String,
    index: std::cell::OnceCell<Index>,
}

#[derive(Debug, Default, Clone)]
struct Index {
    values: HashMap<String, Range<usize>>,
    keys: HashMap<String, Range<usize>>,
}

impl SpanMap {
    pub fn build(text: &str) -> SpanMap {
        SpanMap {
            text: text.to_string(),
            index: std::cell::OnceCell::new(),
        }
    }

    /// A document the event parser cannot read gives an empty index (serde reports the
    /// syntax error itself).
    fn index(&self) -> &Index {
        self.index.get_or_init(|| {
            let text = self.text.as_str();
            let mut builder = Builder {
                text,
                line_starts: line_starts(text),
                stack: Vec::new(),
                map: Index::default(),
            };
            let mut parser = Parser::new_from_str(text);
            let _ = parser.load(&mut builder, false);
            builder.map
        })
    }

    /// The span of the value at `path`, or of the nearest ancestor that has one.
    pub fn value(&self, path: &str) -> Option<Range<usize>> {
        let index = self.index();
        let mut p = path;
        loop {
            if let Some(r) = index.values.get(p) {
                return Some(r.clone());
            }
            p = parent(p)?;
        }
    }

    /// The span of the key that introduces `path` (for unknown or misplaced keys).
    pub fn key(&self, path: &str) -> Option<Range<usize>> {
        self.index()
            .keys
            .get(path)
            .cloned()
            .or_else(|| self.value(path))
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

struct Builder<'a> {
    text: &'a str,
    line_starts: Vec<usize>,
    stack: Vec<Frame>,
    map: Index,
}

fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

impl Builder<'_> {
    /// yaml-rust2 marks positions by line and character column; we need bytes.
    fn offset(&self, mark: &Marker) -> usize {
        let Some(&start) = self.line_starts.get(mark.line().saturating_sub(1)) else {
            return self.text.len();
        };
        let line = &self.text[start..];
        start
            + line
                .char_indices()
                .nth(mark.col())
                .map_or(line.len(), |(i, _)| i)
    }

    /// A scalar's extent on its line: to the closing quote, or to the end of the plain text.
    fn scalar_span(&self, start: usize, is_key: bool) -> Range<usize> {
        let rest = &self.text[start..];
        let line = rest.split('\n').next().unwrap_or("");
        let len = match line.chars().next() {
            Some(q @ ('"' | '\'')) => line[1..].find(q).map_or(line.len(), |i| i + 2),
            _ => {
                let mut end = line.len();
                for (i, c) in line.char_indices() {
                    let key_end = is_key
                        && c == ':'
                        && line[i + 1..].chars().next().is_none_or(char::is_whitespace);
                    if key_end
                        || c == ','
                        || c == ']'
                        || c == '}'
                        || (c == '#' && line[..i].ends_with(' '))
                    {
                        end = i;
                        break;
                    }
                }
                line[..end].trim_end().len()
            }
        };
        start..start + len.max(1)
    }

    /// A flow collection (`[a, b]`, `{k: v}`) closed on its own line is marked whole;
    /// a block collection by its first character.
    fn collection_span(&self, start: usize) -> Range<usize> {
        let line = self.text[start..].split('\n').next().unwrap_or("");
        let mut depth = 0usize;
        for (i, c) in line.char_indices() {
            match c {
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
                    self.map.keys.insert(p.clone(), span);
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
}

impl MarkedEventReceiver for Builder<'_> {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        let start = self.offset(&mark);
        match ev {
            Event::Scalar(value, ..) => {
                if self.expecting_key() {
                    let span = self.scalar_span(start, true);
                    if let Some(Frame::Map { path, pending_key }) = self.stack.last_mut() {
                        self.map.keys.insert(join_key(path, &value), span);
                        *pending_key = Some(value);
                    }
                } else if let Some(p) = self.child_path(None) {
                    let span = self.scalar_span(start, false);
                    self.map.values.insert(p, span);
                }
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                let is_map = matches!(ev, Event::MappingStart(..));
                let path = self.child_path(None).unwrap_or_default();
                self.map
                    .values
                    .insert(path.clone(), self.collection_span(start));
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
