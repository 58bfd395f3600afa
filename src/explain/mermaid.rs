//! The graph as a Mermaid flowchart. Labels are always quoted and every character that
//! Mermaid or the HTML it renders to treats specially is written as a numeric entity
//! code (`#34;`), which Mermaid decodes for display: a group called `a"]-->x` stays text.

use super::graph::{Graph, Node, Shape};
use std::fmt::Write as _;

/// One label line, safe inside `"…"` in a node or edge label.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' | '#' | '&' | '<' | '>' | '|' | '`' | '%' | ';' | '\\' | '{' | '}' | '[' | ']' => {
                let _ = write!(out, "#{};", u32::from(c));
            }
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

fn label(lines: &[String]) -> String {
    lines
        .iter()
        .map(|l| escape(l))
        .collect::<Vec<_>>()
        .join("<br/>")
}

fn node(out: &mut String, indent: &str, n: &Node) {
    let l = label(&n.lines);
    let shaped = match n.shape {
        Shape::Client => format!("([\"{l}\"])"),
        Shape::Endpoint => format!("{{{{\"{l}\"}}}}"),
        Shape::Eni => format!("[\"{l}\"]"),
        Shape::Nacl => format!("[[\"{l}\"]]"),
        Shape::SecurityGroup => format!("[(\"{l}\")]"),
        Shape::Route => format!(">\"{l}\"]"),
        Shape::Target => format!("(\"{l}\")"),
    };
    let _ = writeln!(out, "{indent}{}{shaped}", n.id);
}

pub fn render(g: &Graph) -> String {
    let mut out = String::from("flowchart LR\n");
    for n in g.nodes.iter().filter(|n| !n.in_vpc) {
        node(&mut out, "  ", n);
    }
    let inside: Vec<&Node> = g.nodes.iter().filter(|n| n.in_vpc).collect();
    if !inside.is_empty() {
        let _ = writeln!(out, "  subgraph vpc[\"{}\"]", escape(&g.vpc_label));
        for n in inside {
            node(&mut out, "    ", n);
        }
        out.push_str("  end\n");
    }
    for e in &g.edges {
        let arrow = if e.reply { "-.->" } else { "-->" };
        if e.labels.is_empty() {
            let _ = writeln!(out, "  {} {arrow} {}", e.from, e.to);
        } else {
            let _ = writeln!(
                out,
                "  {} {arrow}|\"{}\"| {}",
                e.from,
                label(&e.labels),
                e.to
            );
        }
    }
    if !g.legend.is_empty() {
        let _ = writeln!(out, "  legend[\"{}\"]", label(&g.legend));
        out.push_str("  class legend legend\n");
    }
    for n in &g.nodes {
        let class = match n.shape {
            Shape::Client | Shape::Endpoint => "vpn",
            Shape::Eni => "eni",
            Shape::Nacl => "nacl",
            Shape::SecurityGroup => "sg",
            Shape::Route | Shape::Target => "target",
        };
        let _ = writeln!(out, "  class {} {class}", n.id);
    }
    out.push_str(
        "  classDef vpn fill:#eef5ff,stroke:#3b6fb6\n  classDef eni fill:#fff4e0,stroke:#c77d00\n  classDef nacl fill:#f3f3f3,stroke:#666\n  classDef sg fill:#e9f7ef,stroke:#2e8b57\n  classDef target fill:#fdf0f5,stroke:#b03a6f\n  classDef legend fill:#ffffff,stroke:#999,stroke-dasharray:4 3\n",
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_text_cannot_close_a_label() {
        let e = escape("a\"]-->|x| <b>#1;`%%\n");
        assert!(!e.contains('"') && !e.contains(']') && !e.contains('|') && !e.contains('<'));
        assert!(!e.contains('\n') && !e.contains('`'));
        assert_eq!(escape("sre"), "sre");
    }
}
