//! The nesting depth of an HCL text, measured in one linear pass before a parser that
//! recurses once per level (hcl-rs, and the scanner beside it) reads it: 20,000 nested
//! brackets overflowed the stack. Terraform modules nest a handful of levels; a text
//! that nests deeper than [`MAX_DEPTH`] is refused with its position.

/// hcl-edit's own limit (it refuses deeper expressions): far above any module, far
/// below what the parsers' stacks hold.
pub const MAX_DEPTH: usize = 64;

enum Frame {
    /// `{`, `[` or `(` in expression or body context.
    Bracket,
    /// `${` or `%{` inside a string or heredoc: code until the matching `}`.
    Template,
    Str,
    Heredoc(String),
}

/// The byte offset where `text` first nests deeper than [`MAX_DEPTH`], if it does.
pub fn too_deep(text: &str) -> Option<usize> {
    let b = text.as_bytes();
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    let mut line_start = true;
    while i < b.len() {
        let c = b[i];
        let at_line_start = line_start;
        line_start = c == b'\n';
        match stack.last() {
            Some(Frame::Str) => {
                match c {
                    b'\\' => i += 1,
                    b'"' | b'\n' => {
                        stack.pop();
                    }
                    b'$' | b'%' if b.get(i + 1) == Some(&b'{') => {
                        if b.get(i.wrapping_sub(1)) != Some(&c) {
                            stack.push(Frame::Template);
                        }
                        i += 1;
                    }
                    _ => {}
                }
                i += 1;
            }
            Some(Frame::Heredoc(marker)) => {
                if at_line_start {
                    let end = b[i..]
                        .iter()
                        .position(|&x| x == b'\n')
                        .map_or(b.len(), |e| i + e);
                    if text[i..end].trim() == marker {
                        stack.pop();
                        i = end;
                        continue;
                    }
                }
                if matches!(c, b'$' | b'%')
                    && b.get(i + 1) == Some(&b'{')
                    && b.get(i.wrapping_sub(1)) != Some(&c)
                {
                    stack.push(Frame::Template);
                    i += 1;
                }
                i += 1;
            }
            _ => {
                match c {
                    b'#' => i = skip_line(b, i),
                    b'/' if b.get(i + 1) == Some(&b'/') => i = skip_line(b, i),
                    b'/' if b.get(i + 1) == Some(&b'*') => {
                        i = text[i + 2..].find("*/").map_or(b.len(), |e| i + 2 + e + 1);
                    }
                    b'"' => stack.push(Frame::Str),
                    b'<' if b.get(i + 1) == Some(&b'<') => {
                        let rest = &text[i + 2..];
                        let rest = rest.strip_prefix('-').unwrap_or(rest);
                        let marker: String = rest
                            .chars()
                            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                            .collect();
                        if !marker.is_empty() {
                            stack.push(Frame::Heredoc(marker));
                            i = skip_line(b, i);
                            line_start = true;
                        }
                    }
                    b'{' | b'[' | b'(' => stack.push(Frame::Bracket),
                    b'}' | b']' | b')' => {
                        if matches!(stack.last(), Some(Frame::Bracket | Frame::Template)) {
                            stack.pop();
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
        }
        if stack.len() > MAX_DEPTH {
            return Some(i.saturating_sub(1).min(b.len()));
        }
    }
    None
}

/// The index of the newline that ends the line at `i` (or the end of the text).
fn skip_line(b: &[u8], i: usize) -> usize {
    b[i..]
        .iter()
        .position(|&x| x == b'\n')
        .map_or(b.len(), |e| i + e)
        .saturating_sub(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modules_pass() {
        let text = "locals {\n  a = [\"${x}{{{[[[\", { b = (1) }] # {{{{\n  c = <<EOT\n  {{{{ ${y}\nEOT\n}\n/* [[[ */\n";
        assert_eq!(too_deep(text), None);
    }

    #[test]
    fn deep_nesting_is_found_in_linear_time() {
        let text = format!("a = {}1{}\n", "[".repeat(20_000), "]".repeat(20_000));
        assert_eq!(too_deep(&text), Some(4 + MAX_DEPTH));
        let text = format!("a = \"{}\"\n", "${\"".repeat(20_000));
        assert!(too_deep(&text).is_some());
    }

    #[test]
    fn the_parsers_hold_the_depth_allowed() {
        // The test thread's stack (2 MiB) is smaller than the main thread's.
        let text = format!("a = {}1{}\n", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert_eq!(too_deep(&text), None);
        assert!(hcl::edit::parser::parse_body(&text).is_ok());
        let _ = super::super::hcl_scan::parse(&text);
    }
}
