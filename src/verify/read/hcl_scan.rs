//! A direct reader for the part of HCL native syntax that modules are mostly made of:
//! blocks, attributes, numbers, booleans, plain strings, tuples, objects and traversals.
//!
//! Why not hcl-edit alone: its parser checks every object key against all the keys
//! before it, quadratic in the maps of thousands of entries a large generated module
//! holds (most of `verify`'s time at 1,000 targets). Generality stays hcl-edit's: an
//! attribute whose expression uses anything else (function calls, operators,
//! conditionals, `for`, templates, heredocs, …) has that expression parsed by hcl-edit,
//! and anything unusual at the structure level, or anything invalid, returns `None` so
//! that the caller parses the whole file with hcl-edit (and reports its errors).
//!
//! Kept because it pays: see docs/benchmarks.md#the-hcl-reader.

use super::hcl_items::{node, Item};
use super::terraform::Node;
use crate::fast_hash::FastSet;
use hcl::expr::{Expression, Traversal, Variable};

/// The file's items, or `None` when it is not (all) in the subset read here.
pub fn parse(text: &str) -> Option<Vec<Item>> {
    let mut p = Parser {
        text,
        s: text.as_bytes(),
        i: 0,
    };
    let body = p.body()?;
    p.ws()?;
    (p.i == p.s.len()).then_some(body)
}

struct Parser<'t> {
    text: &'t str,
    s: &'t [u8],
    i: usize,
}

/// Identifiers are read in ASCII only: a non-ASCII letter sends the file to hcl-edit.
fn id_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_'
}

fn id_continue(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'-'
}

impl<'t> Parser<'t> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn at(&self, k: usize) -> Option<u8> {
        self.s.get(self.i + k).copied()
    }

    /// Past `/* … */`; `None` when unterminated.
    fn inline_comment(&mut self) -> Option<()> {
        let rest = &self.text[self.i + 2..];
        self.i += 2 + rest.find("*/")? + 2;
        Some(())
    }

    /// Up to (not past) the end of the line.
    fn line_comment(&mut self) {
        let rest = &self.s[self.i..];
        self.i += rest.iter().position(|&c| c == b'\n').unwrap_or(rest.len());
        if self.i > 0 && self.s[self.i - 1] == b'\r' && self.i < self.s.len() {
            self.i -= 1;
        }
    }

    fn at_line_comment(&self) -> bool {
        self.peek() == Some(b'#') || (self.peek() == Some(b'/') && self.at(1) == Some(b'/'))
    }

    /// Spaces, tabs and inline comments (hcl-edit's `sp`).
    fn sp(&mut self) -> Option<()> {
        loop {
            match self.peek() {
                Some(b' ' | b'\t') => self.i += 1,
                Some(b'/') if self.at(1) == Some(b'*') => self.inline_comment()?,
                _ => return Some(()),
            }
        }
    }

    /// Whitespace, line endings and comments (hcl-edit's `ws`).
    fn ws(&mut self) -> Option<()> {
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | b'\r' | b'\n') => self.i += 1,
                Some(b'/') if self.at(1) == Some(b'*') => self.inline_comment()?,
                _ if self.at_line_comment() => self.line_comment(),
                _ => return Some(()),
            }
        }
    }

    fn newline(&mut self) -> Option<()> {
        match (self.peek(), self.at(1)) {
            (Some(b'\n'), _) => self.i += 1,
            (Some(b'\r'), Some(b'\n')) => self.i += 2,
            _ => return None,
        }
        Some(())
    }

    /// What ends a structure: optional comment, then a line ending or the end of input.
    fn end_of_structure(&mut self) -> Option<()> {
        self.sp()?;
        if self.at_line_comment() {
            self.line_comment();
        }
        if self.peek().is_none() {
            return Some(());
        }
        self.newline()
    }

    fn ident(&mut self) -> Option<&'t str> {
        let start = self.i;
        if !id_start(self.peek()?) {
            return None;
        }
        while self.peek().is_some_and(id_continue) {
            self.i += 1;
        }
        if self.peek().is_some_and(|c| !c.is_ascii()) {
            return None;
        }
        Some(&self.text[start..self.i])
    }

    fn body(&mut self) -> Option<Vec<Item>> {
        let mut items = Vec::new();
        let mut attributes: FastSet<&str> = FastSet::default();
        loop {
            self.ws()?;
            if !self.peek().is_some_and(id_start) {
                return Some(items);
            }
            let ident = self.ident()?;
            self.sp()?;
            if self.peek()? == b'=' {
                if !attributes.insert(ident) {
                    return None; // redefined: hcl-edit says so
                }
                self.i += 1;
                self.sp()?;
                let value = self.attribute_value()?;
                items.push(Item::Attribute(ident.to_string(), value));
            } else {
                let mut labels = Vec::new();
                loop {
                    match self.peek()? {
                        b'{' => break,
                        b'"' => labels.push(self.plain_string()?),
                        _ => labels.push(self.ident()?.to_string()),
                    }
                    self.sp()?;
                }
                self.i += 1;
                self.sp()?;
                let body = if self.peek() == Some(b'}') {
                    Vec::new()
                } else {
                    // Only multi-line bodies here; one-line blocks go to hcl-edit.
                    if self.at_line_comment() {
                        self.line_comment();
                    }
                    self.newline()?;
                    let body = self.body()?;
                    self.ws()?;
                    body
                };
                if self.peek()? != b'}' {
                    return None;
                }
                self.i += 1;
                items.push(Item::Block {
                    ident: ident.to_string(),
                    labels,
                    body,
                });
            }
            self.end_of_structure()?;
        }
    }

    /// An attribute's expression: read here when in the subset, else by hcl-edit.
    fn attribute_value(&mut self) -> Option<Node> {
        let start = self.i;
        if let Some(n) = self.expr() {
            let end = self.i;
            self.sp()?;
            let at_end = matches!(self.peek(), None | Some(b'\n'))
                || (self.peek() == Some(b'\r') && self.at(1) == Some(b'\n'))
                || self.at_line_comment();
            if at_end {
                self.i = end;
                return Some(n);
            }
        }
        self.i = start;
        let end = self.extent()?;
        let e = hcl::edit::parser::parse_expr(&self.text[start..end]).ok()?;
        self.i = end;
        Some(node(&e))
    }

    /// Where an attribute's expression ends: the first line ending outside brackets
    /// (trailing blanks and comments excluded).
    fn extent(&mut self) -> Option<usize> {
        let mut depth = 0usize;
        let mut end = self.i;
        loop {
            match self.peek() {
                None => return (depth == 0).then_some(end),
                Some(b'\n') if depth == 0 => return Some(end),
                Some(b'\r') if depth == 0 && self.at(1) == Some(b'\n') => return Some(end),
                Some(b' ' | b'\t' | b'\r' | b'\n') => self.i += 1,
                Some(b'/') if self.at(1) == Some(b'*') => self.inline_comment()?,
                _ if self.at_line_comment() => self.line_comment(),
                Some(b'"') => {
                    self.skip_string()?;
                    end = self.i;
                }
                Some(b'<') if self.at(1) == Some(b'<') => return None, // heredoc
                Some(b'(' | b'[' | b'{') => {
                    depth += 1;
                    self.i += 1;
                    end = self.i;
                }
                Some(b')' | b']' | b'}') => {
                    depth = depth.checked_sub(1)?;
                    self.i += 1;
                    end = self.i;
                }
                Some(_) => {
                    self.i += 1;
                    end = self.i;
                }
            }
        }
    }

    /// Past a quoted template, interpolations and directives included.
    fn skip_string(&mut self) -> Option<()> {
        self.i += 1;
        loop {
            match self.peek()? {
                b'"' => {
                    self.i += 1;
                    return Some(());
                }
                b'\\' => self.i += 2,
                b'\n' => return None,
                c @ (b'$' | b'%') if self.at(1) == Some(c) && self.at(2) == Some(b'{') => {
                    self.i += 3
                }
                b'$' | b'%' if self.at(1) == Some(b'{') => {
                    self.i += 2;
                    self.skip_interpolation()?;
                }
                _ => self.i += 1,
            }
        }
    }

    fn skip_interpolation(&mut self) -> Option<()> {
        let mut depth = 0usize;
        loop {
            match self.peek()? {
                b'"' => self.skip_string()?,
                b'{' => {
                    depth += 1;
                    self.i += 1;
                }
                b'}' => {
                    self.i += 1;
                    match depth.checked_sub(1) {
                        Some(d) => depth = d,
                        None => return Some(()),
                    }
                }
                b'<' if self.at(1) == Some(b'<') => return None,
                b'/' if self.at(1) == Some(b'*') => self.inline_comment()?,
                _ if self.at_line_comment() => self.line_comment(),
                _ => self.i += 1,
            }
        }
    }

    /// `"…"` without interpolations or directives, escapes decoded.
    fn plain_string(&mut self) -> Option<String> {
        self.i += 1;
        let mut out = String::new();
        loop {
            let c = self.peek()?;
            match c {
                b'"' => {
                    self.i += 1;
                    return Some(out);
                }
                b'\\' => {
                    let (ch, len) = match self.at(1)? {
                        b'n' => ('\n', 2),
                        b'r' => ('\r', 2),
                        b't' => ('\t', 2),
                        b'"' => ('"', 2),
                        b'\\' => ('\\', 2),
                        b'u' => (self.hex(4)?, 6),
                        b'U' => (self.hex(8)?, 10),
                        _ => return None,
                    };
                    out.push(ch);
                    self.i += len;
                }
                b'\n' | b'\r' => return None,
                b'$' | b'%' if self.at(1) == Some(b'{') => return None,
                _ => {
                    let rest = &self.s[self.i + 1..];
                    let n = 1 + rest
                        .iter()
                        .position(|&c| matches!(c, b'"' | b'\\' | b'\n' | b'\r' | b'$' | b'%'))
                        .unwrap_or(rest.len());
                    out.push_str(&self.text[self.i..self.i + n]);
                    self.i += n;
                }
            }
        }
    }

    fn hex(&self, digits: usize) -> Option<char> {
        let h = self.text.get(self.i + 2..self.i + 2 + digits)?;
        if !h.bytes().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        char::from_u32(u32::from_str_radix(h, 16).ok()?)
    }

    /// `for` opening a `for` expression (as hcl-edit tells it from a name `for…`).
    fn at_for(&self) -> bool {
        self.s[self.i..].starts_with(b"for")
            && matches!(self.at(3), Some(b' ' | b'\t' | b'#' | b'/' | b'\n'))
    }

    fn expr(&mut self) -> Option<Node> {
        match self.peek()? {
            b'[' => self.tuple(),
            b'{' => self.object(),
            _ => self.term().map(Node::Expr),
        }
    }

    /// A string, number, keyword or traversal.
    fn term(&mut self) -> Option<Expression> {
        match self.peek()? {
            b'"' => self.plain_string().map(Expression::String),
            b'0'..=b'9' => self.number().map(Expression::Number),
            // hcl-edit reads `-1` as a negative number, not as negation.
            b'-' => {
                self.i += 1;
                self.sp()?;
                self.number().map(|n| Expression::Number(-n))
            }
            c if id_start(c) => self.traversal(),
            _ => None,
        }
    }

    fn number(&mut self) -> Option<hcl::Number> {
        let start = self.i;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.i += 1;
        }
        let digits = &self.text[start..self.i];
        // Fractions, exponents and leading zeros: hcl-edit's to read.
        if self
            .peek()
            .is_some_and(|c| c == b'.' || id_continue(c) || !c.is_ascii())
            || (digits.len() > 1 && digits.starts_with('0'))
        {
            return None;
        }
        digits.parse::<u64>().ok().map(hcl::Number::from)
    }

    fn traversal(&mut self) -> Option<Expression> {
        let root = self.ident()?;
        match root {
            "true" | "false" | "null" => {
                if matches!(self.peek(), Some(b'.' | b'[' | b'(' | b':')) {
                    return None;
                }
                return Some(match root {
                    "true" => Expression::Bool(true),
                    "false" => Expression::Bool(false),
                    _ => Expression::Null,
                });
            }
            _ => {}
        }
        if matches!(self.peek(), Some(b'(' | b':')) {
            return None; // a function call
        }
        let mut b = Traversal::builder(Variable::unchecked(root));
        let mut any = false;
        loop {
            match self.peek() {
                Some(b'.') if self.at(1).is_some_and(id_start) => {
                    self.i += 1;
                    b = b.attr(hcl::Identifier::unchecked(self.ident()?));
                }
                Some(b'.') => return None, // legacy index or splat
                Some(b'[') => {
                    self.i += 1;
                    self.ws()?;
                    let key = self.term()?;
                    self.ws()?;
                    if self.peek()? != b']' {
                        return None;
                    }
                    self.i += 1;
                    b = b.index(key);
                }
                _ => break,
            }
            any = true;
        }
        Some(if any {
            Expression::Traversal(Box::new(b.build()))
        } else {
            Expression::Variable(Variable::unchecked(root))
        })
    }

    fn tuple(&mut self) -> Option<Node> {
        self.i += 1;
        let mut items = Vec::new();
        loop {
            self.ws()?;
            if self.peek()? == b']' {
                self.i += 1;
                return Some(Node::List(items));
            }
            if items.is_empty() && self.at_for() {
                return None;
            }
            items.push(self.expr()?);
            self.ws()?;
            match self.peek()? {
                b',' => self.i += 1,
                b']' => {
                    self.i += 1;
                    return Some(Node::List(items));
                }
                _ => return None,
            }
        }
    }

    fn object(&mut self) -> Option<Node> {
        self.i += 1;
        let mut items = Vec::new();
        let mut keys: FastSet<(bool, String)> = FastSet::default();
        loop {
            self.ws()?;
            if self.peek()? == b'}' {
                self.i += 1;
                return Some(Node::Map(items));
            }
            if items.is_empty() && self.at_for() {
                return None;
            }
            let (key, is_ident) = match self.peek()? {
                b'"' => (self.plain_string()?, false),
                _ => match self.ident()? {
                    "true" | "false" | "null" => return None,
                    k => (k.to_string(), true),
                },
            };
            if !keys.insert((is_ident, key.clone())) {
                return None; // redefined key: hcl-edit says so
            }
            self.sp()?;
            match self.peek()? {
                b'=' | b':' => self.i += 1,
                _ => return None,
            }
            self.sp()?;
            let value = self.expr()?;
            self.sp()?;
            items.push((key, value));
            match self.peek()? {
                b'}' => {
                    self.i += 1;
                    return Some(Node::Map(items));
                }
                b',' => self.i += 1,
                _ if self.at_line_comment() => {
                    self.line_comment();
                    self.newline()?;
                }
                _ => self.newline()?,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::read::hcl_items::items;

    /// hcl-edit's reading of `text`, the oracle.
    fn oracle(text: &str) -> Option<Vec<Item>> {
        hcl::edit::parser::parse_body(text).ok().map(|b| items(&b))
    }

    /// Whatever this reader accepts, it reads as hcl-edit does.
    fn agrees(text: &str) -> Option<Vec<Item>> {
        let fast = parse(text);
        if let Some(f) = &fast {
            assert_eq!(Some(f), oracle(text).as_ref(), "{text}");
        }
        fast
    }

    #[test]
    fn rendered_examples_read_directly_and_alike() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
        let mut seen = 0;
        for e in std::fs::read_dir(root).unwrap() {
            let dir = e.unwrap().path().join("terraform");
            for f in std::fs::read_dir(&dir).into_iter().flatten() {
                let p = f.unwrap().path();
                if p.extension().is_some_and(|x| x == "tf") {
                    let text = std::fs::read_to_string(&p).unwrap();
                    assert!(agrees(&text).is_some(), "{} left the subset", p.display());
                    seen += 1;
                }
            }
        }
        assert!(seen >= 5);
    }

    #[test]
    fn subset_reads_alike() {
        for text in [
            "",
            "\n\n# only a comment",
            "a = 1",
            "a = 1\r\nb = \"x\"\r\n",
            "a = \"esc \\\" \\\\ \\n \\t \\u00e9 \\U0001F600 é $ % $x %y\"\n",
            "a = [1, \"two\", three, four.five, six[\"seven\"][8].nine,]\n",
            "a = [\n  1, # one\n  /* two */ 2\n  // end\n]\n",
            "a = {}\nb = { x = 1 }\nc = { x = 1, \"y\" = 2, z: 3 }\n",
            "a = {\n  x = 1 # c\n  \"x\" = 2\n  y = { z = [ ] }\n}\n",
            "a = aws_security_group.this[each.key].id\n",
            "a = var.m[ \"k\" ]\n",
            "a = true\nb = false\nc = null\n",
            "a = -1\nb = [- 2, -0]\nc = { d = -3 }\n",
            "a = forx\nb = [for]\n",
            "resource \"aws_x\" \"y\" {\n  a = 1\n\n  lifecycle {\n    ignore_changes = [tags]\n  }\n}\n",
            "variable \"v\" {}\nvariable v2 { }\nlocals { # c\n  x = 1\n}",
            "terraform {\n  required_providers {\n    aws = {\n      source  = \"hashicorp/aws\"\n      version = \">= 5.0\"\n    }\n  }\n}\n",
            "a = 1 /* inline */ # trailing\nb = 2 // trailing\n",
            "/* multi\nline */\na = 1",
        ] {
            assert!(agrees(text).is_some(), "left the subset: {text}");
        }
    }

    #[test]
    fn other_expressions_go_to_hcl_edit_alone() {
        for text in [
            "a = merge(var.tags, { Name = each.value.name })\nb = 1\n",
            "a = -x\nb = 1.5\nc = 1e3\nd = 007\ne = -1.5\nf = 1 - 2\ng = -1-2\n",
            "a = \"${var.name}-x\"\nb = \"$${literal}\"\nc = \"%{ if true }y%{ endif }\"\n",
            "a = \"${lookup(m, \"k\", \"}\")}\"\n",
            "a = x ? 1 : 2\nb = x == 1\nc = !x\nd = (x)\n",
            "a = [for x in y : x]\nb = {for k, v in m : k => v}\n",
            "a = x.*.id\nb = x[*].id\nc = x.0\n",
            "a = provider::aws::arn_parse(x)\n",
            "a = { (k) = 1 }\nb = { \"${k}\" = 1 }\nc = { null = 1 }\nd = { a.b = 1 }\n",
            "a = f(\n  1,\n  2\n)\nb = { x = f(1) }\nc = [f(1)]\n",
            "a = x /* c */ + 1 # c\n",
        ] {
            let items = agrees(text);
            assert!(items.is_some(), "whole file left the subset: {text}");
        }
    }

    #[test]
    fn unusual_structure_or_errors_go_to_hcl_edit() {
        for text in [
            "a = <<EOT\nhello\nEOT\n",
            "b { a = 1 }\n",
            "a = 1\na = 2\n",
            "a = { x = 1, x = 2 }\n",
            "a = 1 b = 2\n",
            "a = [1 2]\n",
            "a = \"unterminated\n",
            "a = \"\\q\"\n",
            "résumé = 1\n",
            "block {\n  a = 1\n",
            "}\n",
            "a = (1\n",
            "c = { for = 1 }\n",
        ] {
            assert!(agrees(text).is_none(), "read directly: {text}");
        }
    }
}
