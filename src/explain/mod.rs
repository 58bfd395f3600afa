//! explain: the design-workshop handout (Markdown + Mermaid, or Graphviz dot).
//!
//! Everything here formats the plan; nothing decides. Where the handout names the rule
//! that a sample packet meets, it looks that rule up in the plan by its reasons.

mod address_table;
mod dot;
mod graph;
mod markdown;
mod mermaid;
mod rules;
mod text;
mod tgw_flow;

use crate::diagnostic::Diagnostic;
use crate::intent::NaclSettings;
use crate::plan::{Plan, SecurityGroup, SubnetPlan};

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

/// The flowchart for Graphviz.
pub fn dot(h: &Handout) -> String {
    dot::render(&graph::build(h), &h.plan.name)
}

/// The flowchart in Mermaid syntax (the block the Markdown handout embeds).
pub fn mermaid(h: &Handout) -> String {
    mermaid::render(&graph::build(h))
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

    /// A network ACL as a diagram node names it.
    fn acl_title(&self, key: &str) -> String {
        match self.plan.network_acls.iter().find(|a| a.key == key) {
            Some(a) if a.id.is_none() => format!("network ACL of {key} (an input)"),
            _ => format!("network ACL {}", self.acl_name(key)),
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
