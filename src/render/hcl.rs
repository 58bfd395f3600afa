//! A tiny model of a Terraform configuration, written out either as native HCL (laid out
//! exactly as `terraform fmt` would) or as Terraform JSON. Both syntaxes come from one
//! model, so the two formats cannot drift apart.

use super::escape::{hcl_string, template_literal, tf_json_string};
use serde_json::{Map, Value};

#[derive(Debug, Clone)]
pub enum Expr {
    Str(String),
    Num(i64),
    Bool(bool),
    Null,
    /// A reference such as `var.vpc_id` or `aws_security_group.this["web"].id`; build
    /// indexed ones with [`Expr::index`] so that keys are quoted.
    Ref(String),
    /// A type constraint (`string`, `map(string)`): bare in HCL, a plain string in JSON.
    Type(String),
    List(Vec<Expr>),
    /// Written one attribute per line.
    Object(Vec<(String, Expr)>),
    /// Like `Object`, but every key is quoted: maps keyed by data (rule keys, names).
    Map(Vec<(String, Expr)>),
    /// Written on one line: `{ a = 1, b = 2 }` (only inside calls).
    InlineObject(Vec<(String, Expr)>),
    Call(&'static str, Vec<Expr>),
}

impl Expr {
    pub fn str(s: impl Into<String>) -> Expr {
        Expr::Str(s.into())
    }

    pub fn r(s: impl Into<String>) -> Expr {
        Expr::Ref(s.into())
    }

    /// `resource.name["key"].attr`
    pub fn index(prefix: &str, key: &str, attr: &str) -> Expr {
        Expr::Ref(format!("{prefix}[{}].{attr}", hcl_string(key)))
    }

    pub fn opt_str(s: Option<&str>) -> Expr {
        s.map_or(Expr::Null, Expr::str)
    }
}

#[derive(Debug, Clone)]
pub enum Item {
    Attr(String, Expr),
    Block(Block),
    Blank,
}

#[derive(Debug, Clone)]
pub struct Block {
    pub ident: String,
    pub labels: Vec<String>,
    pub body: Vec<Item>,
}

impl Block {
    pub fn new(ident: &str, labels: &[&str]) -> Block {
        Block {
            ident: ident.to_string(),
            labels: labels.iter().map(|l| (*l).to_string()).collect(),
            body: Vec::new(),
        }
    }

    pub fn attr(mut self, key: &str, value: Expr) -> Block {
        self.body.push(Item::Attr(key.to_string(), value));
        self
    }

    pub fn blank(mut self) -> Block {
        self.body.push(Item::Blank);
        self
    }

    pub fn block(mut self, block: Block) -> Block {
        self.body.push(Item::Block(block));
        self
    }

    pub fn push_attr(&mut self, key: &str, value: Expr) {
        self.body.push(Item::Attr(key.to_string(), value));
    }
}

/// One `.tf` / `.tf.json` file: top-level blocks, in order.
#[derive(Debug, Clone, Default)]
pub struct File {
    pub blocks: Vec<Block>,
}

fn is_identifier(s: &str) -> bool {
    let mut c = s.chars();
    matches!(c.next(), Some(f) if f.is_ascii_alphabetic() || f == '_')
        && c.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

fn hcl_key(k: &str) -> String {
    // Already quoted by a `Map`.
    if is_identifier(k) || k.starts_with('"') {
        k.to_string()
    } else {
        hcl_string(k)
    }
}

// ---------------------------------------------------------------- HCL

impl File {
    pub fn to_hcl(&self) -> String {
        let mut out = String::new();
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

fn write_block(out: &mut String, b: &Block, level: usize) {
    indent(out, level);
    out.push_str(&b.ident);
    for l in &b.labels {
        out.push(' ');
        out.push_str(&hcl_string(l));
    }
    if b.body.is_empty() {
        out.push_str(" {}\n");
        return;
    }
    out.push_str(" {\n");
    write_body(out, &b.body, level + 1);
    indent(out, level);
    out.push_str("}\n");
}

/// A multi-line value opens a bracket on its first line; `terraform fmt` leaves such a
/// line out of the `=` alignment of its neighbours.
fn is_multiline(e: &Expr) -> bool {
    matches!(e, Expr::Object(items) | Expr::Map(items) if !items.is_empty())
}

/// Writes attributes and blocks; consecutive single-line attributes have their `=`
/// aligned, as `terraform fmt` does.
fn write_body(out: &mut String, items: &[Item], level: usize) {
    let mut i = 0;
    while i < items.len() {
        match &items[i] {
            Item::Blank => {
                out.push('\n');
                i += 1;
            }
            Item::Block(b) => {
                write_block(out, b, level);
                i += 1;
            }
            Item::Attr(k, v) if is_multiline(v) => {
                write_attr(out, &hcl_key(k), 0, v, level);
                i += 1;
            }
            Item::Attr(..) => {
                let start = i;
                while i < items.len() && matches!(&items[i], Item::Attr(_, v) if !is_multiline(v)) {
                    i += 1;
                }
                let group = &items[start..i];
                let width = group
                    .iter()
                    .map(|it| match it {
                        Item::Attr(k, _) => hcl_key(k).chars().count(),
                        _ => 0,
                    })
                    .max()
                    .unwrap_or(0);
                for it in group {
                    if let Item::Attr(k, v) = it {
                        write_attr(out, &hcl_key(k), width, v, level);
                    }
                }
            }
        }
    }
}

fn write_attr(out: &mut String, key: &str, width: usize, v: &Expr, level: usize) {
    indent(out, level);
    out.push_str(key);
    for _ in key.chars().count()..width {
        out.push(' ');
    }
    out.push_str(" = ");
    write_expr(out, v, level);
    out.push('\n');
}

fn write_expr(out: &mut String, e: &Expr, level: usize) {
    match e {
        Expr::Str(s) => out.push_str(&hcl_string(s)),
        Expr::Num(n) => out.push_str(&n.to_string()),
        Expr::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Expr::Null => out.push_str("null"),
        Expr::Ref(r) | Expr::Type(r) => out.push_str(r),
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
            let body: Vec<Item> = items
                .iter()
                .map(|(k, v)| Item::Attr(if quote { hcl_string(k) } else { k.clone() }, v.clone()))
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

fn inline_hcl(e: &Expr) -> String {
    let mut s = String::new();
    write_expr(&mut s, e, 0);
    s
}

// ---------------------------------------------------------------- JSON

impl File {
    pub fn to_json(&self) -> Value {
        let mut root = Map::new();
        for b in &self.blocks {
            let body = body_json(&b.body);
            // `locals` and `terraform` have no labels; resources and data sources two,
            // variables and outputs one: nest one object level per label.
            let mut value = Value::Object(body);
            for l in b.labels.iter().rev() {
                let mut m = Map::new();
                m.insert(template_literal(l), value);
                value = Value::Object(m);
            }
            merge_into(&mut root, &b.ident, value);
        }
        Value::Object(root)
    }
}

fn merge_into(map: &mut Map<String, Value>, key: &str, value: Value) {
    match (map.get_mut(key), value) {
        (Some(Value::Object(existing)), Value::Object(new)) => {
            for (k, v) in new {
                merge_into(existing, &k, v);
            }
        }
        (_, v) => {
            map.insert(key.to_string(), v);
        }
    }
}

fn body_json(items: &[Item]) -> Map<String, Value> {
    let mut m = Map::new();
    for it in items {
        match it {
            Item::Blank => {}
            Item::Attr(k, v) if k == "depends_on" => {
                // Meta-argument: bare references, not templates.
                let refs = match v {
                    Expr::List(items) => {
                        items.iter().map(|e| Value::String(inline_hcl(e))).collect()
                    }
                    e => vec![Value::String(inline_hcl(e))],
                };
                m.insert(k.clone(), Value::Array(refs));
            }
            Item::Attr(k, v) => {
                m.insert(k.clone(), expr_json(v));
            }
            Item::Block(b) => {
                let mut value = Value::Object(body_json(&b.body));
                for l in b.labels.iter().rev() {
                    let mut inner = Map::new();
                    inner.insert(template_literal(l), value);
                    value = Value::Object(inner);
                }
                // A repeated block becomes an array of its bodies.
                match m.get_mut(&b.ident) {
                    Some(Value::Array(a)) => a.push(value),
                    Some(existing) => {
                        let first = existing.take();
                        *existing = Value::Array(vec![first, value]);
                    }
                    None => {
                        m.insert(b.ident.clone(), value);
                    }
                }
            }
        }
    }
    m
}

fn expr_json(e: &Expr) -> Value {
    match e {
        Expr::Str(s) => tf_json_string(s),
        Expr::Num(n) => Value::from(*n),
        Expr::Bool(b) => Value::Bool(*b),
        Expr::Null => Value::Null,
        Expr::Type(t) => Value::String(t.clone()),
        Expr::Ref(_) | Expr::Call(..) => Value::String(format!("${{{}}}", inline_hcl(e))),
        Expr::List(items) => Value::Array(items.iter().map(expr_json).collect()),
        Expr::Object(items) | Expr::Map(items) | Expr::InlineObject(items) => Value::Object(
            items
                .iter()
                .map(|(k, v)| (template_literal(k), expr_json(v)))
                .collect(),
        ),
    }
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
            f.to_json().to_string(),
            r#"{"locals":{"a":"${var.x}","b":"$${y}"}}"#
        );
    }
}
