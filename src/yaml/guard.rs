//! Bounds on a YAML text, checked in one linear pass before any YAML library sees it.
//!
//! libyaml's scanner (serde_yaml) takes time quadratic in the nesting depth of flow
//! collections, and serde_yaml expands aliases into copies: a few kilobytes of anchors
//! that refer to each other become gigabytes. serde_yaml itself refuses nesting deeper
//! than 128 levels, but only after scanning; this pass refuses it first, and counts
//! what aliases would expand to.
//!
//! The pass is a lexer of YAML's indicators, not a parser: it follows quotes, comments,
//! block scalars and flow brackets well enough to measure depth. Where it cannot tell,
//! it errs towards counting less, so that no valid document of ordinary depth is refused;
//! the YAML library still has the last word on everything else.

/// serde_yaml's recursion limit.
pub const MAX_DEPTH: usize = 128;

/// How many nodes aliases may add to a document: as many as it writes, plus this.
const EXPANSION_ALLOWANCE: u64 = 100_000;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GuardError {
    #[error("the YAML nests deeper than {MAX_DEPTH} levels")]
    TooDeep { offset: usize },
    #[error("YAML aliases (`*name`) are not accepted here")]
    Alias { offset: usize },
    #[error(
        "the YAML's aliases expand to {expanded} nodes from {written} written; at most {limit} are read"
    )]
    Expansion {
        written: u64,
        expanded: u64,
        limit: u64,
    },
}

impl GuardError {
    /// The byte offset the error points at, when it has one.
    pub fn offset(&self) -> Option<usize> {
        match self {
            GuardError::TooDeep { offset } | GuardError::Alias { offset } => Some(*offset),
            GuardError::Expansion { .. } => None,
        }
    }
}

impl GuardError {
    /// The message with the line and column it points at, for readers that report text.
    pub fn located(&self, text: &str) -> String {
        match self.offset() {
            Some(offset) => {
                let before = &text[..offset.min(text.len())];
                let line = before.matches('\n').count() + 1;
                let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                format!("{self} at line {line} column {column}")
            }
            None => self.to_string(),
        }
    }
}

/// For intents: bounded depth and no aliases at all (an intent has nothing to repeat
/// that a reviewer should have to expand in their head).
pub fn check_intent(text: &str) -> Result<(), GuardError> {
    let shape = scan(text)?;
    match shape.first_alias {
        Some(offset) => Err(GuardError::Alias { offset }),
        None => Ok(()),
    }
}

/// For templates read back by `verify`: bounded depth, and aliases that repeat rather
/// than multiply.
pub fn check_document(text: &str) -> Result<(), GuardError> {
    let shape = scan(text)?;
    if shape.first_alias.is_some() {
        expansion(text)?;
    }
    Ok(())
}

struct Shape {
    first_alias: Option<usize>,
}

#[derive(Clone, Copy, PartialEq)]
enum Quote {
    None,
    Single,
    Double,
}

/// Depth and aliases in one pass over the bytes (every indicator is ASCII).
fn scan(text: &str) -> Result<Shape, GuardError> {
    let b = text.as_bytes();
    let mut first_alias = None;
    let mut flow = 0usize;
    let mut quote = Quote::None;
    // Indentation of the block nodes open around the current line.
    let mut indents: Vec<usize> = Vec::new();
    // Inside a block scalar (`|`, `>`): lines indented deeper than this are its text.
    let mut block_scalar: Option<usize> = None;
    let mut pos = 0;
    while pos < b.len() {
        let end = b[pos..]
            .iter()
            .position(|&c| c == b'\n')
            .map_or(b.len(), |i| pos + i);
        let line = &b[pos..end];
        let indent = line.iter().take_while(|&&c| c == b' ').count();
        let blank = line[indent..]
            .iter()
            .all(|c| c.is_ascii_whitespace() || *c == b'\r');
        if let Some(parent) = block_scalar {
            if blank || indent > parent {
                pos = end + 1;
                continue;
            }
            block_scalar = None;
        }
        let mut block_depth = 0;
        if quote == Quote::None && flow == 0 && !blank {
            while indents.last().is_some_and(|&i| i > indent) {
                indents.pop();
            }
            if indents.last() != Some(&indent) {
                indents.push(indent);
            }
            block_depth = indents.len();
        }
        let mut i = indent;
        let mut node_start = quote == Quote::None && flow == 0;
        while i < line.len() {
            let c = line[i];
            let prev = if i == 0 { b' ' } else { line[i - 1] };
            match quote {
                Quote::Single => {
                    if c == b'\'' {
                        if line.get(i + 1) == Some(&b'\'') {
                            i += 1;
                        } else {
                            quote = Quote::None;
                        }
                    }
                    i += 1;
                    continue;
                }
                Quote::Double => {
                    if c == b'\\' {
                        i += 1;
                    } else if c == b'"' {
                        quote = Quote::None;
                    }
                    i += 1;
                    continue;
                }
                Quote::None => {}
            }
            let token_start =
                prev.is_ascii_whitespace() || (flow > 0 && matches!(prev, b'[' | b'{' | b','));
            if c == b'#' && prev.is_ascii_whitespace() {
                break;
            }
            if flow > 0 {
                match c {
                    b'[' | b'{' => {
                        flow += 1;
                        if block_depth + flow > MAX_DEPTH {
                            return Err(GuardError::TooDeep { offset: pos + i });
                        }
                    }
                    b']' | b'}' => flow = flow.saturating_sub(1),
                    b'"' if token_start || prev == b':' => quote = Quote::Double,
                    b'\'' if token_start || prev == b':' => quote = Quote::Single,
                    b'*' if token_start => {
                        first_alias.get_or_insert(pos + i);
                    }
                    _ => {}
                }
                i += 1;
                continue;
            }
            let next_blank = line.get(i + 1).is_none_or(|n| n.is_ascii_whitespace());
            if node_start {
                match c {
                    b' ' | b'\t' => {}
                    b'-' | b'?' if next_blank => {
                        block_depth += 1;
                        if block_depth > MAX_DEPTH {
                            return Err(GuardError::TooDeep { offset: pos + i });
                        }
                    }
                    b'[' | b'{' => {
                        flow = 1;
                        if block_depth + flow > MAX_DEPTH {
                            return Err(GuardError::TooDeep { offset: pos + i });
                        }
                        node_start = false;
                    }
                    b'"' => {
                        quote = Quote::Double;
                        node_start = false;
                    }
                    b'\'' => {
                        quote = Quote::Single;
                        node_start = false;
                    }
                    b'|' | b'>' => {
                        block_scalar = Some(indent);
                        break;
                    }
                    b'&' | b'!' => {
                        // An anchor or a tag: the node follows it.
                        while i + 1 < line.len() && !line[i + 1].is_ascii_whitespace() {
                            i += 1;
                        }
                    }
                    b'*' => {
                        first_alias.get_or_insert(pos + i);
                        node_start = false;
                    }
                    _ => node_start = false,
                }
                i += 1;
                continue;
            }
            // Inside a plain scalar or key: `: ` starts the value.
            if c == b':' && next_blank {
                node_start = true;
            }
            i += 1;
        }
        pos = end + 1;
    }
    Ok(Shape { first_alias })
}

/// Counts the nodes the document holds once its aliases are expanded, from the events
/// of a parser that does not expand them (the depth is bounded by now, so its scanner
/// is linear).
fn expansion(text: &str) -> Result<(), GuardError> {
    use yaml_rust2::parser::{Event, Parser};
    let mut parser = Parser::new(text.chars());
    // Expanded size of each anchored node, by anchor id.
    let mut sizes: Vec<u64> = Vec::new();
    // Open collections: (anchor id, expanded size so far).
    let mut open: Vec<(usize, u64)> = Vec::new();
    let mut written = 0u64;
    let mut expanded = 0u64;
    let limit = |written: u64| written.saturating_mul(2) + EXPANSION_ALLOWANCE;
    // No document writes more nodes than twice its length: past this, stop early.
    let hopeless = limit((text.len() as u64).saturating_mul(2));
    loop {
        let Ok((event, _)) = parser.next_token() else {
            // The YAML library reports the syntax error itself.
            return Ok(());
        };
        let (anchor, size) = match event {
            Event::StreamEnd => break,
            Event::Scalar(_, _, anchor, _) => {
                written += 1;
                expanded += 1;
                (anchor, 1)
            }
            Event::Alias(id) => {
                written += 1;
                let size = sizes.get(id).copied().unwrap_or(1);
                expanded = expanded.saturating_add(size);
                (0, size)
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                written += 1;
                expanded += 1;
                open.push((anchor, 1));
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => match open.pop() {
                Some(frame) => frame,
                None => continue,
            },
            _ => continue,
        };
        if anchor > 0 {
            if sizes.len() <= anchor {
                sizes.resize(anchor + 1, 0);
            }
            sizes[anchor] = size;
        }
        if let Some((_, total)) = open.last_mut() {
            *total = total.saturating_add(size);
        }
        if expanded > hopeless {
            break;
        }
    }
    if expanded > limit(written) {
        return Err(GuardError::Expansion {
            written,
            expanded,
            limit: limit(written),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_documents_pass() {
        let text = "a: [1, {b: '[[[', c: \"]]}\"}]\n# [[[[\nd: |\n  [[[[{{{\ne: x[y\n- f: *g\n";
        assert!(check_document(text).is_ok());
        assert!(check_intent("a: [1, 2]\nb: 'it''s'\nc: x*y\n").is_ok());
    }

    #[test]
    fn deep_flow_nesting_is_refused_where_it_goes_too_deep() {
        let ok = format!("a: {}{}\n", "[".repeat(100), "]".repeat(100));
        assert!(check_document(&ok).is_ok());
        let deep = format!("a: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
        assert_eq!(
            check_document(&deep),
            Err(GuardError::TooDeep { offset: 3 + 127 })
        );
        let dashes = "- ".repeat(10_000) + "x\n";
        assert!(matches!(
            check_intent(&dashes),
            Err(GuardError::TooDeep { .. })
        ));
    }

    #[test]
    fn aliases_are_refused_in_intents() {
        let text = "ports: &p [ssh]\nother: *p\n";
        assert_eq!(check_intent(text), Err(GuardError::Alias { offset: 23 }));
        assert!(check_document(text).is_ok());
    }

    #[test]
    fn alias_bombs_are_refused_in_documents() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let prev = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"
            ));
        }
        assert!(matches!(
            check_document(&text),
            Err(GuardError::Expansion { .. })
        ));
    }
}
