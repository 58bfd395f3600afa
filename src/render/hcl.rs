//! A tiny model of a Terraform configuration, written out either as native HCL (laid out
//! exactly as `terraform fmt` would) or as Terraform JSON. Both syntaxes come from one
//! model, so the two formats cannot drift apart.

use super::escape::{hcl_string, push_hcl_string, push_tf_json_string, template_literal};
use super::tree::json_string;
use std::borrow::Cow;
use std::fmt::Write as _;

/// Text is borrowed from the plan where it can be: a large module holds tens of
/// thousands of strings.
pub type Text<'a> = Cow<'a, str>;

#[derive(Debug, Clone)]
pub enum Expr<'a> {
    Str(Text<'a>),
    Num(i64),
    Bool(bool),
    Null,
    /// A reference such as `var.vpc_id` or `aws_security_group.this["web"].id`; build
    /// indexed ones with [`Expr::index`] so that keys are quoted.
    Ref(Text<'a>),
    /// A type constraint (`string`, `map(string)`): bare in HCL, a plain string in JSON.
    Type(&'static str),
    List(Vec<Expr<'a>>),
    /// Written one attribute per line.
    Object(Vec<(Text<'a>, Expr<'a>)>),
    /// Like `Object`, but every key is quoted: maps keyed by data (rule keys, names).
    Map(Vec<(Text<'a>, Expr<'a>)>),
    /// Written on one line: `{ a = 1, b = 2 }` (only inside calls).
    InlineObject(Vec<(Text<'a>, Expr<'a>)>),
    Call(&'static str, Vec<Expr<'a>>),
}

impl<'a> Expr<'a> {
    pub fn str(s: impl Into<Text<'a>>) -> Expr<'a> {
        Expr::Str(s.into())
    }

    pub fn r(s: impl Into<Text<'a>>) -> Expr<'a> {
        Expr::Ref(s.into())
    }

    /// `resource.name["key"].attr`
    pub fn index(prefix: &str, key: &str, attr: &str) -> Expr<'a> {
        let mut r = String::with_capacity(prefix.len() + key.len() + attr.len() + 5);
        r.push_str(prefix);
        r.push('[');
        push_hcl_string(&mut r, key);
        r.push_str("].");
        r.push_str(attr);
        Expr::Ref(Cow::Owned(r))
    }

    pub fn opt_str(s: Option<&'a str>) -> Expr<'a> {
        s.map_or(Expr::Null, Expr::str)
    }
}

#[derive(Debug, Clone)]
pub enum Item<'a> {
    Attr(Text<'a>, Expr<'a>),
    Block(Block<'a>),
    Blank,
    /// A `# …` line in HCL; Terraform JSON has no comments and leaves it out.
    Comment(&'static str),
}

#[derive(Debug, Clone)]
pub struct Block<'a> {
    pub ident: &'static str,
    pub labels: Vec<Text<'a>>,
    pub body: Vec<Item<'a>>,
}

impl<'a> Block<'a> {
    pub fn new(ident: &'static str, labels: &[&'a str]) -> Block<'a> {
        Block {
            ident,
            labels: labels.iter().map(|l| Cow::Borrowed(*l)).collect(),
            body: Vec::new(),
        }
    }

    pub fn attr(mut self, key: &'static str, value: Expr<'a>) -> Block<'a> {
        self.body.push(Item::Attr(Cow::Borrowed(key), value));
        self
    }

    /// An attribute only when there is a value.
    pub fn attr_opt(self, key: &'static str, value: Option<Expr<'a>>) -> Block<'a> {
        match value {
            Some(v) => self.attr(key, v),
            None => self,
        }
    }

    pub fn blank(mut self) -> Block<'a> {
        self.body.push(Item::Blank);
        self
    }

    pub fn block(mut self, block: Block<'a>) -> Block<'a> {
        self.body.push(Item::Block(block));
        self
    }

    pub fn push_attr(&mut self, key: impl Into<Text<'a>>, value: Expr<'a>) {
        self.body.push(Item::Attr(key.into(), value));
    }
}

/// One `.tf` / `.tf.json` file: top-level blocks, in order.
#[derive(Debug, Clone, Default)]
pub struct File<'a> {
    pub blocks: Vec<Block<'a>>,
}

fn is_identifier(s: &str) -> bool {
    let mut c = s.chars();
    matches!(c.next(), Some(f) if f.is_ascii_alphabetic() || f == '_')
        && c.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

fn hcl_key(k: &str) -> Cow<'_, str> {
    // Already quoted by a `Map`.
    if is_identifier(k) || k.starts_with('"') {
        Cow::Borrowed(k)
    } else {
        Cow::Owned(hcl_string(k))
    }
}

// ---------------------------------------------------------------- HCL

impl File<'_> {
    pub fn to_hcl(&self) -> String {
        let mut out = String::with_capacity(4096);
        for (i, b) in self.blocks.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            write_block(&mut out, b, 0);
        }
        out
    }
}

fn indent(out: &mut String, level: usize) {
    for _ in 0..level {
        out.push_str("  ");
    }
}

fn write_block(out: &mut String, b: &Block<'_>, level: usize) {
    indent(out, level);
    out.push_str(b.ident);
    for l in &b.labels {
        out.push(' ');
        push_hcl_string(out, l);
    }
    if b.body.is_empty() {
        out.push_str(" {}\n");
        return;
    }
    out.push_str(" {\n");
    let items: Vec<Line> = b
        .body
        .iter()
        .map(|it| match it {
            Item::Attr(k, v) => Line::Attr(hcl_key(k), v),
            Item::Block(b) => Line::Block(b),
            Item::Blank => Line::Blank,
            Item::Comment(c) => Line::Comment(c),
        })
        .collect();
    write_body(out, &items, level + 1);
    indent(out, level);
    out.push_str("}\n");
}

/// A body item as written: attribute keys already in their HCL form (borrowed where
/// they need no quoting), values borrowed from the model.
enum Line<'m> {
    Attr(Cow<'m, str>, &'m Expr<'m>),
    Block(&'m Block<'m>),
    Blank,
    Comment(&'m str),
}

/// A multi-line value opens a bracket on its first line; `terraform fmt` leaves such a
/// line out of the `=` alignment of its neighbours.
fn is_multiline(e: &Expr<'_>) -> bool {
    matches!(e, Expr::Object(items) | Expr::Map(items) if !items.is_empty())
}

/// Writes attributes and blocks; consecutive single-line attributes have their `=`
/// aligned, as `terraform fmt` does.
fn write_body(out: &mut String, items: &[Line], level: usize) {
    let mut i = 0;
    while i < items.len() {
        match &items[i] {
            Line::Blank => {
                out.push('\n');
                i += 1;
            }
            Line::Comment(c) => {
                indent(out, level);
                out.push_str("# ");
                out.push_str(c);
                out.push('\n');
                i += 1;
            }
            Line::Block(b) => {
                write_block(out, b, level);
                i += 1;
            }
            Line::Attr(k, v) if is_multiline(v) => {
                write_attr(out, k, 0, v, level);
                i += 1;
            }
            Line::Attr(..) => {
                let start = i;
                while i < items.len() && matches!(&items[i], Line::Attr(_, v) if !is_multiline(v)) {
                    i += 1;
                }
                let group = &items[start..i];
                let width = group
                    .iter()
                    .map(|it| match it {
                        Line::Attr(k, _) => k.chars().count(),
                        _ => 0,
                    })
                    .max()
                    .unwrap_or(0);
                for it in group {
                    if let Line::Attr(k, v) = it {
                        write_attr(out, k, width, v, level);
                    }
                }
            }
        }
    }
}

fn write_attr(out: &mut String, key: &str, width: usize, v: &Expr<'_>, level: usize) {
    indent(out, level);
    out.push_str(key);
    for _ in key.chars().count()..width {
        out.push(' ');
    }
    out.push_str(" = ");
    write_expr(out, v, level);
    out.push('\n');
}

fn write_expr(out: &mut String, e: &Expr<'_>, level: usize) {
    match e {
        Expr::Str(s) => push_hcl_string(out, s),
        Expr::Num(n) => {
            let _ = write!(out, "{n}");
        }
        Expr::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Expr::Null => out.push_str("null"),
        Expr::Ref(r) => out.push_str(r),
        Expr::Type(t) => out.push_str(t),
        Expr::List(items) => {
            out.push('[');
            for (i, it) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_expr(out, it, level);
            }
            out.push(']');
        }
        Expr::Object(items) | Expr::Map(items) | Expr::InlineObject(items) if items.is_empty() => {
            out.push_str("{}")
        }
        Expr::Object(items) | Expr::Map(items) => {
            out.push_str("{\n");
            let quote = matches!(e, Expr::Map(_));
            let body: Vec<Line> = items
                .iter()
                .map(|(k, v)| {
                    let key = if quote {
                        Cow::Owned(hcl_string(k))
                    } else {
                        hcl_key(k)
                    };
                    Line::Attr(key, v)
                })
                .collect();
            write_body(out, &body, level + 1);
            indent(out, level);
            out.push('}');
        }
        Expr::InlineObject(items) => {
            out.push_str("{ ");
            for (i, (k, v)) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(&hcl_key(k));
                out.push_str(" = ");
                write_expr(out, v, level);
            }
            out.push_str(" }");
        }
        Expr::Call(name, args) => {
            out.push_str(name);
            out.push('(');
            for (i, a) in args.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_expr(out, a, level);
            }
            out.push(')');
        }
    }
}

// ---------------------------------------------------------------- JSON

/// Terraform JSON of one file, before it is written: blocks nest one object level per
/// label and blocks of one kind merge, so this much is built first; attribute values
/// stay borrowed from the model and are written straight from it.
enum Json<'m> {
    Object(Vec<(Cow<'m, str>, Json<'m>)>),
    Array(Vec<Json<'m>>),
    Expr(&'m Expr<'m>),
    /// `depends_on`: bare references, not templates.
    References(&'m Expr<'m>),
}

impl File<'_> {
    /// The file in Terraform JSON syntax, laid out as `serde_json::to_string_pretty`
    /// lays it out, without a final line break.
    pub fn to_json_string(&self) -> String {
        let mut root = Vec::new();
        for b in &self.blocks {
            // `locals` and `terraform` have no labels; resources and data sources two,
            // variables and outputs one: nest one object level per label.
            let mut value = Json::Object(body_json(&b.body));
            for l in b.labels.iter().rev() {
                value = Json::Object(vec![(Cow::Owned(template_literal(l)), value)]);
            }
            merge_into(&mut root, Cow::Borrowed(b.ident), value);
        }
        let mut out = String::with_capacity(4096);
        write_json(&mut out, &Json::Object(root), 0);
        out
    }
}

fn merge_into<'m>(map: &mut Vec<(Cow<'m, str>, Json<'m>)>, key: Cow<'m, str>, value: Json<'m>) {
    match (map.iter_mut().find(|(k, _)| *k == key), value) {
        (Some((_, Json::Object(existing))), Json::Object(new)) => {
            for (k, v) in new {
                merge_into(existing, k, v);
            }
        }
        (Some((_, slot)), v) => *slot = v,
        (None, v) => map.push((key, v)),
    }
}

fn body_json<'m>(items: &'m [Item<'m>]) -> Vec<(Cow<'m, str>, Json<'m>)> {
    let mut m: Vec<(Cow<'m, str>, Json<'m>)> = Vec::with_capacity(items.len());
    for it in items {
        match it {
            Item::Blank | Item::Comment(_) => {}
            Item::Attr(k, v) => {
                let value = if k == "depends_on" {
                    Json::References(v)
                } else {
                    Json::Expr(v)
                };
                match m.iter_mut().find(|(key, _)| key == k) {
                    Some((_, slot)) => *slot = value,
                    None => m.push((Cow::Borrowed(k.as_ref()), value)),
                }
            }
            Item::Block(b) => {
                let mut value = Json::Object(body_json(&b.body));
                for l in b.labels.iter().rev() {
                    value = Json::Object(vec![(Cow::Owned(template_literal(l)), value)]);
                }
                // A repeated block becomes an array of its bodies.
                match m.iter_mut().find(|(key, _)| *key == b.ident) {
                    Some((_, Json::Array(a))) => a.push(value),
                    Some((_, existing)) => {
                        let first = std::mem::replace(existing, Json::Array(Vec::new()));
                        *existing = Json::Array(vec![first, value]);
                    }
                    None => m.push((Cow::Borrowed(b.ident), value)),
                }
            }
        }
    }
    m
}

fn json_indent(out: &mut String, n: usize) {
    for _ in 0..n {
        out.push_str("  ");
    }
}

/// serde_json's pretty layout: `[`/`{`, one element per line, `]`/`}` on its own line;
/// empty collections as `[]`/`{}`.
fn write_json_seq<T>(
    out: &mut String,
    items: &[T],
    level: usize,
    mut each: impl FnMut(&mut String, &T, usize),
) {
    if items.is_empty() {
        out.push_str("[]");
        return;
    }
    out.push('[');
    for (i, it) in items.iter().enumerate() {
        out.push_str(if i == 0 { "\n" } else { ",\n" });
        json_indent(out, level + 1);
        each(out, it, level + 1);
    }
    out.push('\n');
    json_indent(out, level);
    out.push(']');
}

fn write_json_object<K: AsRef<str>, T>(
    out: &mut String,
    items: &[(K, T)],
    level: usize,
    template_keys: bool,
    mut each: impl FnMut(&mut String, &T, usize),
) {
    if items.is_empty() {
        out.push_str("{}");
        return;
    }
    out.push('{');
    for (i, (k, v)) in items.iter().enumerate() {
        out.push_str(if i == 0 { "\n" } else { ",\n" });
        json_indent(out, level + 1);
        if template_keys {
            push_tf_json_string(out, k.as_ref());
        } else {
            json_string(out, k.as_ref());
        }
        out.push_str(": ");
        each(out, v, level + 1);
    }
    out.push('\n');
    json_indent(out, level);
    out.push('}');
}

fn write_json(out: &mut String, j: &Json<'_>, level: usize) {
    match j {
        Json::Object(m) => write_json_object(out, m, level, false, |o, v, l| write_json(o, v, l)),
        Json::Array(a) => write_json_seq(out, a, level, |o, v, l| write_json(o, v, l)),
        Json::Expr(e) => write_expr_json(out, e, level),
        Json::References(e) => {
            let one = std::slice::from_ref(*e);
            let refs = match e {
                Expr::List(items) => items.as_slice(),
                _ => one,
            };
            write_json_seq(out, refs, level, |o, r, _| json_string(o, &inline_hcl(r)));
        }
    }
}

fn write_expr_json(out: &mut String, e: &Expr<'_>, level: usize) {
    match e {
        Expr::Str(s) => push_tf_json_string(out, s),
        Expr::Num(n) => {
            let _ = write!(out, "{n}");
        }
        Expr::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Expr::Null => out.push_str("null"),
        Expr::Type(t) => json_string(out, t),
        Expr::Ref(_) | Expr::Call(..) => {
            let mut inline = String::from("${");
            write_expr(&mut inline, e, 0);
            inline.push('}');
            json_string(out, &inline);
        }
        Expr::List(items) => write_json_seq(out, items, level, write_expr_json),
        Expr::Object(items) | Expr::Map(items) | Expr::InlineObject(items) => {
            write_json_object(out, items, level, true, write_expr_json)
        }
    }
}

fn inline_hcl(e: &Expr<'_>) -> String {
    let mut s = String::new();
    write_expr(&mut s, e, 0);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligns_consecutive_single_line_attributes() {
        let f = File {
            blocks: vec![Block::new("resource", &["a_b", "this"])
                .attr("for_each", Expr::r("local.x"))
                .blank()
                .attr("a", Expr::Num(1))
                .attr("long_name", Expr::str("v"))
                .attr("m", Expr::Object(vec![("k-1".into(), Expr::Bool(true))]))
                .attr("b", Expr::Null)],
        };
        assert_eq!(
            f.to_hcl(),
            "resource \"a_b\" \"this\" {\n  for_each = local.x\n\n  a         = 1\n  long_name = \"v\"\n  m = {\n    k-1 = true\n  }\n  b = null\n}\n"
        );
    }

    #[test]
    fn json_wraps_references_and_escapes_literals() {
        let f = File {
            blocks: vec![Block::new("locals", &[])
                .attr("a", Expr::r("var.x"))
                .attr("b", Expr::str("${y}"))],
        };
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&f.to_json_string())
                .unwrap()
                .to_string(),
            r#"{"locals":{"a":"${var.x}","b":"$${y}"}}"#
        );
    }
}
