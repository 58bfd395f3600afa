//! The graph for Graphviz. Every ID and label is a double-quoted string with `\` and
//! `"` escaped, so user text cannot end it; line breaks are the `\n` escape.

use super::graph::{Graph, Node, Shape};
use std::fmt::Write as _;

/// Text inside a double-quoted dot string. Backslashes are doubled so that user text
/// cannot form Graphviz escapes such as `\N` or `\l`.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
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
        .join("\\n")
}

fn node(out: &mut String, indent: &str, n: &Node) {
    let (shape, fill) = match n.shape {
        Shape::Client => ("oval", "#eef5ff"),
        Shape::Endpoint => ("hexagon", "#eef5ff"),
        Shape::Eni => ("box", "#fff4e0"),
        Shape::Nacl => ("box3d", "#f3f3f3"),
        Shape::SecurityGroup => ("cylinder", "#e9f7ef"),
        Shape::Route => ("cds", "#fdf0f5"),
        Shape::Target => ("box", "#fdf0f5"),
    };
    let style = if n.shape == Shape::Target {
        "\"rounded,filled\""
    } else {
        "filled"
    };
    let _ = writeln!(
        out,
        "{indent}\"{}\" [label=\"{}\", shape={shape}, style={style}, fillcolor=\"{fill}\"];",
        n.id,
        label(&n.lines)
    );
}

pub fn render(g: &Graph, name: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "digraph \"{}\" {{", escape(&format!("shibori {name}")));
    out.push_str("  rankdir=LR;\n  node [fontname=\"Helvetica\", fontsize=10];\n  edge [fontname=\"Helvetica\", fontsize=9];\n");
    for n in g.nodes.iter().filter(|n| !n.in_vpc) {
        node(&mut out, "  ", n);
    }
    let inside: Vec<&Node> = g.nodes.iter().filter(|n| n.in_vpc).collect();
    if !inside.is_empty() {
        out.push_str("  subgraph \"cluster_vpc\" {\n");
        let _ = writeln!(out, "    label=\"{}\";", escape(&g.vpc_label));
        out.push_str("    style=dashed;\n");
        for n in inside {
            node(&mut out, "    ", n);
        }
        out.push_str("  }\n");
    }
    if !g.legend.is_empty() {
        let _ = writeln!(
            out,
            "  \"legend\" [label=\"{}\", shape=note, style=filled, fillcolor=\"#ffffff\"];",
            label(&g.legend)
        );
    }
    for e in &g.edges {
        let mut attrs = Vec::new();
        if !e.labels.is_empty() {
            attrs.push(format!("label=\"{}\"", label(&e.labels)));
        }
        if e.reply {
            attrs.push("style=dashed".to_string());
            attrs.push("color=\"#777777\"".to_string());
            attrs.push("constraint=false".to_string());
        }
        let _ = writeln!(
            out,
            "  \"{}\" -> \"{}\"{};",
            e.from,
            e.to,
            if attrs.is_empty() {
                String::new()
            } else {
                format!(" [{}]", attrs.join(", "))
            }
        );
    }
    out.push_str("}\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_text_cannot_end_a_string() {
        assert_eq!(escape("a\"b\\N\nc"), "a\\\"b\\\\N c");
    }
}
