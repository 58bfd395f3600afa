//! A Terraform file's body as the items both HCL readers produce: the direct reader
//! (`hcl_scan`) and the conversion of hcl-edit's tree (`items`) used where that reader
//! declines. A module of its own so that the direct reader does not import its caller.

use super::terraform::Node;
use hcl::edit::expr::{Expression as EditExpr, ObjectKey};
use hcl::edit::structure::{Body, Structure};

/// A body item, as the reader consumes it.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Attribute(String, Node),
    Block {
        ident: String,
        labels: Vec<String>,
        body: Vec<Item>,
    },
}

/// hcl-edit's body as the items the reader consumes.
pub fn items(body: &Body) -> Vec<Item> {
    body.iter()
        .map(|s| match s {
            Structure::Attribute(a) => Item::Attribute(a.key.as_str().to_string(), node(&a.value)),
            Structure::Block(b) => Item::Block {
                ident: b.ident.as_str().to_string(),
                labels: b.labels.iter().map(|l| l.as_str().to_string()).collect(),
                body: items(&b.body),
            },
        })
        .collect()
}

/// Objects and arrays become nodes of their own; everything else an hcl-rs expression.
pub fn node(e: &EditExpr) -> Node {
    match e {
        EditExpr::Object(o) => {
            let mut items = Vec::new();
            for (k, v) in o.iter() {
                let key = match k {
                    ObjectKey::Ident(i) => i.as_str().to_string(),
                    ObjectKey::Expression(EditExpr::String(s)) => s.as_str().to_string(),
                    ObjectKey::Expression(_) => {
                        return Node::Expr(hcl::Expression::from(e.clone()))
                    }
                };
                items.push((key, node(v.expr())));
            }
            Node::Map(items)
        }
        EditExpr::Array(a) => Node::List(a.iter().map(node).collect()),
        other => Node::Expr(hcl::Expression::from(other.clone())),
    }
}
