//! explain: the design-workshop handout (Markdown + Mermaid, or Graphviz dot).
//!
//! Everything here formats the plan; nothing decides. Where the handout names the rule
//! that a sample packet meets, it looks that rule up in the plan by its reasons.

mod address_table;
mod diagrams;
mod dot;
mod graph;
mod html;
mod ipv6_flow;
mod layout;
mod markdown;
mod matrix;
mod mermaid;
pub mod reach;
mod rules;
mod svg;
mod text;
mod tgw_flow;

use crate::diagnostic::Diagnostic;
use crate::intent::NaclSettings;
use crate::plan::{Plan, SecurityGroup, SubnetPlan, TargetPlan};

pub use address_table::{sample_flow, Hop, SampleFlow};

/// What the handout is made from: the plan, the warnings found on the way to it, and
/// the NACL settings it was numbered with (the reply range and the quota are not rules).
pub struct Handout<'a> {
    pub plan: &'a Plan,
    pub warnings: &'a [Diagnostic],
    pub nacl: &'a NaclSettings,
}

/// The Markdown handout with its Mermaid flowchart.
pub fn markdown(h: &Handout) -> String {
    markdown::render(h)
}

/// One self-contained HTML page: the handout with SVG diagrams and print CSS.
pub fn html(h: &Handout) -> String {
    html::render(h)
}

/// The overview diagram as a standalone SVG image.
pub fn svg(h: &Handout) -> String {
    html::overview_svg(h)
}

/// The flowchart for Graphviz.
pub fn dot(h: &Handout) -> String {
    dot::render(&graph::build(h, &matrix::build(h)), &h.plan.name)
}

/// The flowchart in Mermaid syntax (the block the Markdown handout embeds).
pub fn mermaid(h: &Handout) -> String {
    mermaid::render(&graph::build(h, &matrix::build(h)))
}

impl Handout<'_> {
    fn subnet(&self, name: &str) -> Option<&SubnetPlan> {
        self.plan.subnets.iter().find(|s| s.name == name)
    }

    fn security_group(&self, key: &str) -> Option<&SecurityGroup> {
        self.plan.security_groups.iter().find(|g| g.key == key)
    }

    /// How people know a security group: its ID when it exists, else the name shibori gives it.
    fn sg_name(&self, key: &str) -> String {
        match self.security_group(key) {
            Some(g) => g.id.clone().unwrap_or_else(|| g.name.clone()),
            None => key.to_string(),
        }
    }

    /// How people know a network ACL: its ID, or the subnet whose ACL is an input.
    fn acl_name(&self, key: &str) -> String {
        match self.plan.network_acls.iter().find(|a| a.key == key) {
            Some(a) => match &a.id {
                Some(id) => id.clone(),
                None => format!("ACL of {key}"),
            },
            None => key.to_string(),
        }
    }

    fn acl_subnets(&self, key: &str) -> Vec<String> {
        self.plan
            .network_acls
            .iter()
            .find(|a| a.key == key)
            .map(|a| a.subnets.clone())
            .unwrap_or_default()
    }
}

/// A small CIDR spelled out as its hosts: the planner merges adjacent `hosts` into one
/// CIDR, and `10.0.1.10/31` reads as one network to a room that wrote two hosts.
pub(crate) fn merged_hosts(c: &ipnet::IpNet) -> Option<String> {
    let n = 1u128.checked_shl(u32::from(c.max_prefix_len() - c.prefix_len()))?;
    (2..=16)
        .contains(&n)
        .then(|| format!("{n} hosts {}–{}", c.network(), c.broadcast()))
}

/// A target's destination in words: its CIDRs (merged hosts spelled out) and where.
pub(crate) fn destination(h: &Handout, x: &TargetPlan) -> String {
    let subnet_cidr = x
        .subnet
        .as_deref()
        .and_then(|s| h.subnet(s))
        .map(|s| ipnet::IpNet::V4(s.cidr));
    let cidrs: Vec<String> = x
        .cidrs
        .iter()
        .map(|c| match merged_hosts(c) {
            Some(m) if subnet_cidr != Some(*c) => format!("{c} ({m})"),
            _ => c.to_string(),
        })
        .collect();
    match (&x.subnet, x.carve_outs(&h.plan.vpc.all_cidrs())) {
        (Some(s), _) => format!("{} in {s}", cidrs.join(", ")),
        (None, None) => format!("{} outside the VPC", cidrs.join(", ")),
        (None, Some(except)) => format!("{} outside the VPC, except {except}", cidrs.join(", ")),
    }
}
