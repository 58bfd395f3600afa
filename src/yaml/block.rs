//! A reader for the block-style YAML that intents and shibori's own templates are
//! written in: block mappings and sequences, one-line flow sequences of simple scalars,
//! plain and one-line quoted scalars, comments. It builds the structure libyaml reports
//! for such text, and returns `None` for anything else (anchors, tags, block scalars,
//! scalars over several lines, flow mappings, empty values, tabs, non-ASCII text,
//! several documents) so that the caller reads the text with serde_yaml instead.
//!
//! It never decides that a text is invalid: only serde_yaml does, so the messages users
//! see stay serde_yaml's. The subset is the common case done quickly, nothing more.

use std::borrow::Cow;

#[derive(Debug, Clone, PartialEq)]
pub enum Node<'a> {
    Scalar(Scalar<'a>),
    Seq(Vec<Node<'a>>),
    /// Entries in document order, duplicates included, as libyaml reports them; the
    /// keys are scalars.
    Map(Vec<(Node<'a>, Node<'a>)>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Scalar<'a> {
    pub text: Cow<'a, str>,
    /// A plain scalar is typed by its text (`80` is a number, `true` a boolean); a
    /// quoted one is always a string.
    pub plain: bool,
}

impl<'a> Scalar<'a> {
    fn plain(text: &'a str) -> Node<'a> {
        Node::Scalar(Scalar {
            text: Cow::Borrowed(text),
            plain: true,
        })
    }
}

/// Well below serde_yaml's recursion limit (128), so nothing it would refuse for depth
/// is accepted here.
const MAX_DEPTH: usize = 64;

/// A line that holds something: neither blank nor only a comment.
struct Line<'a> {
    indent: usize,
    /// The line after its indentation.
    text: &'a str,
}

/// The document in `text`, or `None` when it is not in the subset.
pub fn read(text: &str) -> Option<Node<'_>> {
    let mut reader = Reader {
        lines: lines(text)?,
        pos: 0,
        depth: 0,
    };
    if reader.lines.is_empty() {
        return None;
    }
    let root = reader.block()?;
    (reader.pos == reader.lines.len()).then_some(root)
}

fn lines(text: &str) -> Option<Vec<Line<'_>>> {
    if !text
        .bytes()
        .all(|b| b == b'\n' || (0x20..0x7f).contains(&b) || b >= 0x80)
        || (!text.is_ascii() && !text.chars().all(ordinary))
    {
        return None;
    }
    let mut lines = Vec::with_capacity(text.len() / 16);
    let mut marker_seen = false;
    for raw in text.split('\n') {
        let body = raw.trim_start_matches(' ');
        if body.is_empty() || body.starts_with('#') {
            continue;
        }
        let indent = raw.len() - body.len();
        if indent == 0
            && (body.starts_with("---") || body.starts_with("...") || body.starts_with('%'))
        {
            // One `---` before any content opens the single document; directives, a
            // second document or an explicit end are serde_yaml's to handle.
            if body == "---" && lines.is_empty() && !marker_seen {
                marker_seen = true;
                continue;
            }
            return None;
        }
        lines.push(Line { indent, text: body });
    }
    Some(lines)
}

/// Characters libyaml takes as they are. Tabs, carriage returns and other control
/// characters, the byte order mark and Unicode's own line breaks (which libyaml breaks
/// lines at) are left to serde_yaml.
fn ordinary(c: char) -> bool {
    c == '\n'
        || (' '..='~').contains(&c)
        || (c >= '\u{a0}'
            && !matches!(
                c,
                '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
            ))
}

struct Reader<'a> {
    lines: Vec<Line<'a>>,
    pos: usize,
    depth: usize,
}

/// A block sequence entry: `-` alone or followed by a space.
fn is_item(text: &str) -> bool {
    text == "-" || text.starts_with("- ")
}

impl<'a> Reader<'a> {
    /// The block node (mapping or sequence) that starts on the current line.
    fn block(&mut self) -> Option<Node<'a>> {
        let line = self.lines.get(self.pos)?;
        let (indent, text) = (line.indent, line.text);
        if is_item(text) {
            self.nested(|r| r.seq(indent))
        } else {
            self.nested(|r| r.map(indent, text))
        }
    }

    fn nested(&mut self, read: impl FnOnce(&mut Self) -> Option<Node<'a>>) -> Option<Node<'a>> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return None;
        }
        let node = read(self);
        self.depth -= 1;
        node
    }

    fn next_indent(&self) -> Option<usize> {
        self.lines.get(self.pos).map(|l| l.indent)
    }

    /// A block sequence whose entries start at column `indent`.
    fn seq(&mut self, indent: usize) -> Option<Node<'a>> {
        let mut items = Vec::new();
        while let Some(line) = self.lines.get(self.pos) {
            if line.indent != indent || !is_item(line.text) {
                break;
            }
            let after = &line.text[1..];
            let rest = after.trim_start_matches(' ');
            if rest.is_empty() || rest.starts_with('#') {
                // `-` alone: the entry is the deeper block on the following lines.
                self.pos += 1;
                match self.next_indent() {
                    Some(next) if next > indent => items.push(self.block()?),
                    _ => return None,
                }
            } else if is_item(rest) {
                return None;
            } else if split_key(rest).is_some() {
                // `- key: value`: a mapping whose keys line up after the dash.
                let column = indent + 1 + (after.len() - rest.len());
                items.push(self.nested(|r| r.map(column, rest))?);
            } else {
                items.push(inline(rest)?);
                self.pos += 1;
            }
            if self.next_indent().is_some_and(|next| next > indent) {
                // A continuation line or a misplaced entry.
                return None;
            }
        }
        Some(Node::Seq(items))
    }

    /// A block mapping at column `indent` whose first entry is `text`, the rest of the
    /// current line from that column on.
    fn map(&mut self, indent: usize, mut text: &'a str) -> Option<Node<'a>> {
        let mut entries = Vec::new();
        loop {
            let (key, rest) = split_key(text)?;
            let rest = rest.trim_start_matches(' ');
            let value = if rest.is_empty() || rest.starts_with('#') {
                self.pos += 1;
                let next = self.lines.get(self.pos)?;
                if next.indent > indent {
                    self.block()?
                } else if next.indent == indent && is_item(next.text) {
                    // A sequence may sit at its key's own indentation.
                    self.nested(|r| r.seq(indent))?
                } else {
                    // An empty value (null): left to serde_yaml.
                    return None;
                }
            } else {
                let value = inline(rest)?;
                self.pos += 1;
                value
            };
            entries.push((key, value));
            match self.lines.get(self.pos) {
                Some(next) if next.indent == indent && !is_item(next.text) => text = next.text,
                Some(next) if next.indent >= indent => return None,
                _ => return Some(Node::Map(entries)),
            }
        }
    }
}

/// Letters, digits and `_-./+@`: the characters of simple plain keys and flow
/// scalars (keys also allow `:`), which nothing in YAML reads as an indicator there.
const SIMPLE: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'/' | b'+' | b'@');
        c += 1;
    }
    t
};

/// `key: rest` with a simple plain key or a one-line quoted key.
fn split_key(text: &str) -> Option<(Node<'_>, &str)> {
    if text.starts_with(['\'', '"']) {
        let (key, after) = quoted(text)?;
        let rest = after.strip_prefix(':')?;
        return (rest.is_empty() || rest.starts_with(' ')).then_some((Node::Scalar(key), rest));
    }
    let b = text.as_bytes();
    // The key ends at the first `:` followed by a space or the end of the line, so
    // `Fn::GetAtt:` is the key `Fn::GetAtt`.
    let mut from = 0;
    let colon = loop {
        let i = from + text[from..].find(':')?;
        if b.get(i + 1).is_none_or(|&c| c == b' ') {
            break i;
        }
        from = i + 1;
    };
    let key = &text[..colon];
    let simple = key
        .bytes()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_')
        && key.bytes().all(|c| SIMPLE[usize::from(c)] || c == b':');
    simple.then(|| (Scalar::plain(key), &text[colon + 1..]))
}

/// A value written on its key's or dash's line.
fn inline(text: &str) -> Option<Node<'_>> {
    match text.as_bytes().first()? {
        b'[' | b'{' => {
            let (node, after) = flow(text, 0)?;
            end_of_line(after).then_some(node)
        }
        b'\'' | b'"' => {
            let (s, after) = quoted(text)?;
            end_of_line(after).then_some(Node::Scalar(s))
        }
        _ => plain(text),
    }
}

/// Nothing but spaces and perhaps a comment (which needs a space before its `#`).
fn end_of_line(after: &str) -> bool {
    let t = after.trim_start_matches(' ');
    t.is_empty() || (t.starts_with('#') && t.len() < after.len())
}

/// A plain scalar running to the end of the line or to a comment.
fn plain(text: &str) -> Option<Node<'_>> {
    let b = text.as_bytes();
    let first = *b.first()?;
    if b"-?:,[]{}#&*!|>'\"%@`".contains(&first) {
        // Indicators, except a dash or a colon that starts a word (`-1`, `-x`, and IPv6
        // CIDRs such as `::/0`, which libyaml writes plain).
        if !matches!(first, b'-' | b':') || b.get(1).is_none_or(|&c| c == b' ') {
            return None;
        }
    }
    // One pass: the scalar ends at a comment (` #`); `: ` inside or a final `:` would
    // make it a key, not a value.
    let mut end = b.len();
    for i in 1..b.len() {
        match (b[i - 1], b[i]) {
            (b' ', b'#') => {
                end = i - 1;
                break;
            }
            (b':', b' ') => return None,
            _ => {}
        }
    }
    let s = text[..end].trim_end_matches(' ');
    if s.ends_with(':') {
        return None;
    }
    Some(Scalar::plain(s))
}

/// A quoted scalar that closes on its line, and the text after the closing quote.
/// Double-quoted scalars with escapes are left to serde_yaml.
fn quoted(text: &str) -> Option<(Scalar<'_>, &str)> {
    let body = &text[1..];
    if text.starts_with('"') {
        let end = body.find(['"', '\\'])?;
        if body.as_bytes()[end] == b'\\' {
            return None;
        }
        let s = Scalar {
            text: Cow::Borrowed(&body[..end]),
            plain: false,
        };
        return Some((s, &body[end + 1..]));
    }
    // Single quotes: `''` stands for one quote.
    let mut owned: Option<String> = None;
    let mut from = 0;
    loop {
        let q = from + body[from..].find('\'')?;
        if body.as_bytes().get(q + 1) == Some(&b'\'') {
            owned
                .get_or_insert_with(String::new)
                .push_str(&body[from..=q]);
            from = q + 2;
            continue;
        }
        let text = match owned {
            None => Cow::Borrowed(&body[..q]),
            Some(mut s) => {
                s.push_str(&body[from..q]);
                Cow::Owned(s)
            }
        };
        return Some((Scalar { text, plain: false }, &body[q + 1..]));
    }
}

/// A flow collection that closes on its line (`[a, 'b']`, `{cidr: 10.0.0.0/24, az: x}`,
/// nested), of simple plain or quoted scalars, and the text after it.
fn flow(text: &str, depth: usize) -> Option<(Node<'_>, &str)> {
    if depth > MAX_DEPTH {
        return None;
    }
    let map = text.starts_with('{');
    let close = if map { '}' } else { ']' };
    let mut rest = text[1..].trim_start_matches(' ');
    let mut items = Vec::new();
    let mut entries = Vec::new();
    if let Some(after) = rest.strip_prefix(close) {
        let node = if map {
            Node::Map(entries)
        } else {
            Node::Seq(items)
        };
        return Some((node, after));
    }
    loop {
        let (item, after) = flow_item(rest, depth)?;
        let after = after.trim_start_matches(' ');
        let after = if map {
            // `key: value`; a key alone, `key:value` or a collection as key are
            // serde_yaml's.
            if matches!(item, Node::Seq(_) | Node::Map(_)) {
                return None;
            }
            let value_text = after.strip_prefix(": ")?.trim_start_matches(' ');
            let (value, after) = flow_item(value_text, depth)?;
            entries.push((item, value));
            after.trim_start_matches(' ')
        } else {
            items.push(item);
            after
        };
        match after.chars().next()? {
            ',' => rest = after[1..].trim_start_matches(' '),
            c if c == close => {
                let node = if map {
                    Node::Map(entries)
                } else {
                    Node::Seq(items)
                };
                return Some((node, &after[1..]));
            }
            _ => return None,
        }
    }
}

/// One entry of a flow collection: a nested collection, a quoted scalar, or a plain
/// scalar of the characters that cannot end or start anything in flow context.
fn flow_item(text: &str, depth: usize) -> Option<(Node<'_>, &str)> {
    match text.as_bytes().first()? {
        b'[' | b'{' => flow(text, depth + 1),
        b'\'' | b'"' => {
            let (s, after) = quoted(text)?;
            Some((Node::Scalar(s), after))
        }
        c if c.is_ascii_alphanumeric() || *c == b'_' || *c == b'/' => {
            let end = text
                .bytes()
                .position(|c| !SIMPLE[usize::from(c)])
                .unwrap_or(text.len());
            Some((Scalar::plain(&text[..end]), &text[end..]))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Node<'_> {
        Scalar::plain(s)
    }

    fn q(s: &str) -> Node<'_> {
        Node::Scalar(Scalar {
            text: Cow::Borrowed(s),
            plain: false,
        })
    }

    #[test]
    fn reads_block_mappings_sequences_and_scalars() {
        let text = "---\n# intent\nversion: 1\nvpc:\n  cidr: 10.0.0.0/16 # primary\n\
                    target_networks: [a, 'b', \"c\"]\ntargets:\n  - name: t\n    ports: [ssh]\n  \
                    - name: u\nlist:\n- x\n- 'it''s'\nFn::GetAtt: [A, B]\n";
        let want = Node::Map(vec![
            (p("version"), p("1")),
            (p("vpc"), Node::Map(vec![(p("cidr"), p("10.0.0.0/16"))])),
            (
                p("target_networks"),
                Node::Seq(vec![p("a"), q("b"), q("c")]),
            ),
            (
                p("targets"),
                Node::Seq(vec![
                    Node::Map(vec![
                        (p("name"), p("t")),
                        (p("ports"), Node::Seq(vec![p("ssh")])),
                    ]),
                    Node::Map(vec![(p("name"), p("u"))]),
                ]),
            ),
            (
                p("list"),
                Node::Seq(vec![
                    p("x"),
                    Node::Scalar(Scalar {
                        text: Cow::Owned("it's".into()),
                        plain: false,
                    }),
                ]),
            ),
            (p("Fn::GetAtt"), Node::Seq(vec![p("A"), p("B")])),
        ]);
        assert_eq!(read(text), Some(want));
    }

    #[test]
    fn leaves_everything_else_to_serde_yaml() {
        for text in [
            "",
            "# only a comment\n",
            "a: &x 1\nb: *x\n",
            "a: !Ref b\n",
            "a: |\n  text\n",
            "a: >\n  text\n",
            "a: {b: 1, c}\n",
            "a: {b:1}\n",
            "a: {[b]: 1}\n",
            "a: [b: 1]\n",
            "a: [b c]\n",
            "a:\nb: 1\n",
            "a: one\n  two\n",
            "a: \"esc\\n\"\n",
            "a: 'open\n  close'\n",
            "a:\tb\n",
            "a: b\r\n",
            "a: b\u{2028}c\n",
            "\u{feff}a: b\n",
            "a: \u{85}\n",
            "a: 1\n---\nb: 2\n",
            "%YAML 1.2\n---\na: 1\n",
            "a: 1\n...\n",
            "- - a\n",
            "a: 1\n - b\n",
            "a: 1\n- b\n",
            "a:\n  - x\n  b: 1\n",
            "? a\n: b\n",
            "a: b: c\n",
            "a: b:\n",
            "a: [b, ]\n",
            "a: [b,\n  c]\n",
            "'a' : b\n",
            "a: 'b'c\n",
            "a: 'b'#c\n",
            "<<: {a: 1}\n",
            "just a scalar\n",
            "[a, b]\n",
        ] {
            assert_eq!(read(text), None, "{text:?}");
        }
    }

    #[test]
    fn reads_flow_mappings_on_one_line() {
        assert_eq!(
            read("s: {cidr: 10.0.0.0/24, az: 'x', tags: [a, {b: c}]} # c\n"),
            Some(Node::Map(vec![(
                p("s"),
                Node::Map(vec![
                    (p("cidr"), p("10.0.0.0/24")),
                    (p("az"), q("x")),
                    (
                        p("tags"),
                        Node::Seq(vec![p("a"), Node::Map(vec![(p("b"), p("c"))])])
                    ),
                ])
            )]))
        );
    }

    #[test]
    fn a_comment_needs_a_space_before_it() {
        assert_eq!(
            read("a: b#c # d\n"),
            Some(Node::Map(vec![(p("a"), p("b#c"))]))
        );
    }

    #[test]
    fn deep_nesting_is_declined_not_overflowed() {
        let mut text = String::new();
        for i in 0..200 {
            text.push_str(&" ".repeat(i));
            text.push_str("a:\n");
        }
        text.push_str(&" ".repeat(200));
        text.push_str("b: 1\n");
        assert_eq!(read(&text), None);
    }
}
