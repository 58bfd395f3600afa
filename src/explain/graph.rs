//! The flowchart as data, built once from the overview diagram and written out by
//! `mermaid` and `dot`, so both formats show what the SVG shows. Node IDs are made
//! from positions (`n0`, `n1`, …): user text only ever appears in labels.

use super::layout::{self, Kind};
use super::matrix::Matrix;
use super::{diagrams, Handout};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Client,
    Endpoint,
    Eni,
    Nacl,
    SecurityGroup,
    Route,
    Target,
}

#[derive(Debug, Clone)]
pub struct Node {
    pub id: String,
    pub shape: Shape,
    /// Label lines, unescaped.
    pub lines: Vec<String>,
    /// Drawn inside the VPC box.
    pub in_vpc: bool,
}

#[derive(Debug, Clone)]
pub struct Edge {
    pub from: String,
    pub to: String,
    /// What may pass (ports), unescaped, in first-seen order.
    pub labels: Vec<String>,
    /// A return path for stateless replies (drawn dashed).
    pub reply: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Graph {
    pub vpc_label: String,
    /// Lines of the legend node, title first.
    pub legend: Vec<String>,
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
}

impl Graph {
    fn node(&mut self, id: String, shape: Shape, lines: Vec<String>, in_vpc: bool) {
        if !self.nodes.iter().any(|n| n.id == id) {
            self.nodes.push(Node {
                id,
                shape,
                lines,
                in_vpc,
            });
        }
    }

    /// Adds an edge, or the labels to the existing edge between the same nodes.
    fn edge(&mut self, from: &str, to: &str, labels: &[String], reply: bool) {
        let e = match self
            .edges
            .iter_mut()
            .find(|e| e.from == from && e.to == to && e.reply == reply)
        {
            Some(e) => e,
            None => {
                self.edges.push(Edge {
                    from: from.to_string(),
                    to: to.to_string(),
                    labels: Vec::new(),
                    reply,
                });
                let last = self.edges.len() - 1;
                &mut self.edges[last]
            }
        };
        for l in labels {
            if !e.labels.contains(l) {
                e.labels.push(l.clone());
            }
        }
    }
}

/// The flowchart of the overview diagram (`diagrams::overview`): one node per layer,
/// the target networks as one "× N AZs" node, ports written once in the target
/// nodes, so no edge carries a label and lanes cannot tangle.
pub fn build(h: &Handout, m: &Matrix) -> Graph {
    let plan = h.plan;
    let d = diagrams::overview(h, m);
    let mut g = Graph {
        vpc_label: format!(
            "VPC {}{}",
            plan.vpc
                .id
                .as_deref()
                .map_or(String::new(), |id| format!("{id} ")),
            plan.vpc
                .cidrs
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        ..Graph::default()
    };
    let outside_lane = |lane: usize| {
        d.nodes
            .iter()
            .any(|n| n.kind == Kind::Gateway && n.first_lane <= lane && lane <= n.last_lane)
    };
    for (i, n) in d.nodes.iter().enumerate() {
        let (shape, in_vpc) = match n.kind {
            Kind::Client => (Shape::Client, false),
            Kind::Endpoint => (Shape::Endpoint, false),
            Kind::Eni => (Shape::Eni, true),
            Kind::Nacl => (Shape::Nacl, true),
            Kind::SecurityGroup => (Shape::SecurityGroup, true),
            Kind::Gateway => (Shape::Route, false),
            Kind::Target | Kind::Surplus => (Shape::Target, !outside_lane(n.first_lane)),
        };
        let mut lines = vec![n.title.clone()];
        lines.extend(n.lines.iter().cloned());
        g.node(format!("n{i}"), shape, lines, in_vpc);
    }
    for (a, b) in layout::links(&d) {
        g.edge(&format!("n{a}"), &format!("n{b}"), &[], false);
        if d.replies.contains(&(a, b)) {
            g.edge(&format!("n{b}"), &format!("n{a}"), &[], true);
        }
    }
    g.legend = vec![
        "legend".to_string(),
        "solid arrow: request".to_string(),
        "dashed arrow: reply, let back by the stateless network ACLs".to_string(),
        "ports: in the target boxes".to_string(),
        "ENI × N AZs: the same rules in every Availability Zone".to_string(),
    ];
    g
}
