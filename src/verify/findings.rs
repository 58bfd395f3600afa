//! What verify reports: missing and surplus flows, excess rules per layer, and what it
//! could not resolve. Each names the group, target, service, target network and layer
//! (or the rule) so that a reader can act on it, and becomes a finding of the one
//! findings model (`crate::findings`) with its rule ID and locations.

use super::model::Origin;
use crate::findings::{self as model, Case, Location, Rule, Suite};
use crate::intent::Intent;
use crate::net::Prefix;
use serde::Serialize;
use std::collections::BTreeSet;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Missing,
    Surplus,
    Excess,
    /// A reference the reader could not resolve: never guessed, always a failure.
    Unresolved,
    /// Something the intent names that the deployed artifact does not hold (or holds
    /// differently), or something the endpoint uses that the intent does not name.
    Unmapped,
}

impl Kind {
    /// The rule ID this kind reports under (`docs/findings.md`).
    pub fn rule(self) -> Rule {
        match self {
            Kind::Missing => Rule::MissingFlow,
            Kind::Surplus => Rule::SurplusFlow,
            Kind::Excess => Rule::ExcessRule,
            Kind::Unresolved => Rule::Unresolved,
            Kind::Unmapped => Rule::Unmapped,
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Kind::Missing => "missing",
            Kind::Surplus => "surplus",
            Kind::Excess => "excess",
            Kind::Unresolved => "unresolved",
            Kind::Unmapped => "unmapped",
        })
    }
}

/// The hops of docs/semantics.md#flows, in path order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Layer {
    Authorization,
    Association,
    Route,
    EndpointSecurityGroup,
    /// a_t egress: the request leaves the target network.
    NaclRequestOut,
    /// a_s ingress: the request enters the destination subnet.
    NaclRequestIn,
    DestinationSecurityGroup,
    /// a_s egress: the reply leaves the destination subnet.
    NaclReplyOut,
    /// a_t ingress: the reply enters the target network.
    NaclReplyIn,
}

impl fmt::Display for Layer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Layer::Authorization => "authorization rules",
            Layer::Association => "target network association",
            Layer::Route => "Client VPN routes",
            Layer::EndpointSecurityGroup => "endpoint security group egress",
            Layer::NaclRequestOut => "network ACL egress of the target network (request)",
            Layer::NaclRequestIn => "network ACL ingress of the destination subnet (request)",
            Layer::DestinationSecurityGroup => "destination security group ingress",
            Layer::NaclReplyOut => "network ACL egress of the destination subnet (reply)",
            Layer::NaclReplyIn => "network ACL ingress of the target network (reply)",
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub kind: Kind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub layer: Option<Layer>,
    /// `group `g``, `all users` or `any user`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub who: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_network: Option<String>,
    /// The artifact rule concerned (resource and file).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// The artifact rules of `rule`, one by one, for locations.
    #[serde(skip)]
    pub origins: Vec<Origin>,
}

impl Finding {
    pub fn new(kind: Kind, message: impl Into<String>) -> Self {
        Finding {
            kind,
            layer: None,
            who: None,
            target: None,
            service: None,
            target_network: None,
            rule: None,
            message: message.into(),
            help: None,
            origins: Vec::new(),
        }
    }
    pub fn layer(mut self, l: Layer) -> Self {
        self.layer = Some(l);
        self
    }
    pub fn who(mut self, w: impl Into<String>) -> Self {
        self.who = Some(w.into());
        self
    }
    pub fn target(mut self, t: impl Into<String>) -> Self {
        self.target = Some(t.into());
        self
    }
    pub fn service(mut self, s: impl Into<String>) -> Self {
        self.service = Some(s.into());
        self
    }
    pub fn network(mut self, n: impl Into<String>) -> Self {
        self.target_network = Some(n.into());
        self
    }
    pub fn rule(mut self, r: impl Into<String>) -> Self {
        self.rule = Some(r.into());
        self
    }
    pub fn help(mut self, h: impl Into<String>) -> Self {
        self.help = Some(h.into());
        self
    }
    /// The artifact rules concerned: named in `rule` and kept for locations.
    pub fn origins<'a>(mut self, origins: impl IntoIterator<Item = &'a Origin>) -> Self {
        for o in origins {
            let shown = o.to_string();
            self.rule = Some(match self.rule.take() {
                Some(r) => format!("{r}, {shown}"),
                None => shown,
            });
            self.origins.push(o.clone());
        }
        self
    }

    /// The YAML path of the intent item the finding concerns: its target, else its
    /// target network, else the whole intent.
    pub fn intent_path(&self, intent: &Intent) -> String {
        // `position` is the target's index in the file: a view of one family may lack
        // some targets (those with a destination of the other family only).
        if let Some(i) = self.target.as_ref().and_then(|t| {
            let v6 = intent.ipv6.as_deref().map(|v| v.targets.as_slice());
            let v6 = v6.unwrap_or_default().iter().find(|x| &x.name == t);
            intent
                .targets
                .iter()
                .find(|x| &x.name == t)
                .map(|x| x.position)
                .or(v6.map(|x| x.position))
        }) {
            return format!("targets[{i}]");
        }
        if let Some(j) = self.target_network.as_ref().and_then(|n| {
            intent
                .target_networks
                .iter()
                .position(|&s| &intent.subnets[s].name == n)
        }) {
            return format!("target_networks[{j}]");
        }
        String::new()
    }

    /// This finding in the findings model. `at_intent` positions a YAML path of the
    /// intent, `at_artifact` a rule of the artifact. A missing or surplus flow points at
    /// the intent first (its target), excess and unresolved at the artifact's rule first.
    pub fn to_finding(
        &self,
        intent: &Intent,
        at_intent: &dyn Fn(&str) -> Location,
        at_artifact: &dyn Fn(&Origin) -> Location,
    ) -> model::Finding {
        let mut f = model::Finding::new(self.kind.rule(), self.message.clone());
        f.help = self.help.clone();
        let field = |v: &Option<String>| v.clone().unwrap_or_default();
        f.subject = [
            self.layer.map(|l| l.to_string()).unwrap_or_default(),
            field(&self.who),
            field(&self.target),
            field(&self.service),
            field(&self.target_network),
            field(&self.rule),
            self.message.clone(),
        ]
        .join("\0");
        let path = self.intent_path(intent);
        let artifacts = self.origins.iter().map(at_artifact);
        match self.kind {
            Kind::Missing | Kind::Surplus => {
                f.locations.push(at_intent(&path));
                f.locations.extend(artifacts);
            }
            Kind::Excess | Kind::Unresolved | Kind::Unmapped => {
                f.locations.extend(artifacts);
                if !path.is_empty() {
                    f.locations.push(at_intent(&path));
                }
            }
        }
        // Every finding points somewhere: at least at the intent as a whole.
        if f.locations.is_empty() {
            f.locations.push(at_intent(""));
        }
        f
    }
}

/// JUnit's view of one verified artifact: one case per group × target × port × target
/// network (the flows verify proves), failing with its missing findings; then one case
/// per other finding (surplus flows, excess rules, what could not be resolved).
/// `found[k]` is finding `first + k` of the report; `class` prefixes the case classes
/// (the artifact's format).
pub fn junit_suite(
    intent: &Intent,
    name: &str,
    class: &str,
    found: &[Finding],
    first: usize,
) -> Suite {
    let mut cases = Vec::new();
    let mut in_flow = vec![false; found.len()];
    let mut flows = Flows {
        class,
        found,
        first,
        cases: &mut cases,
        in_flow: &mut in_flow,
    };
    flows.add(intent, &BTreeSet::new());
    // Targets with an IPv6 destination only are in the IPv6 view alone.
    if let Some(v6) = intent.ipv6.as_deref() {
        let seen: BTreeSet<&str> = intent.targets.iter().map(|t| t.name.as_str()).collect();
        flows.add(v6, &seen);
    }
    for (k, f) in found.iter().enumerate() {
        if !in_flow[k] {
            cases.push(Case {
                classname: format!("{class}.{}", f.kind),
                name: f.message.clone(),
                findings: vec![first + k],
            });
        }
    }
    Suite {
        name: name.to_string(),
        cases,
    }
}

/// The per-flow cases of `junit_suite`, gathered over the views of the intent.
struct Flows<'a> {
    class: &'a str,
    found: &'a [Finding],
    first: usize,
    cases: &'a mut Vec<Case>,
    in_flow: &'a mut Vec<bool>,
}

impl Flows<'_> {
    /// One case per group × target × port × target network of `view`, but for the
    /// targets in `seen`.
    fn add<N: Prefix>(&mut self, view: &Intent<N>, seen: &BTreeSet<&str>) {
        for x in view
            .targets
            .iter()
            .filter(|x| !seen.contains(x.name.as_str()))
        {
            let groups: Vec<Option<&str>> = if x.groups.is_empty() {
                vec![None]
            } else {
                x.groups.iter().map(|g| Some(g.as_str())).collect()
            };
            for g in &groups {
                let whom = who(*g);
                for svc in &x.services {
                    for &t in &view.target_networks {
                        let tname = &view.subnets[t].name;
                        let mut case = Case {
                            classname: format!("{}.{}", self.class, x.name),
                            name: format!("{whom} -> {} {} via {tname}", x.name, svc.canonical()),
                            findings: Vec::new(),
                        };
                        for (k, f) in self.found.iter().enumerate() {
                            let hit = f.kind == Kind::Missing
                                && f.target.as_deref() == Some(x.name.as_str())
                                && f.service.as_deref() == Some(svc.canonical())
                                && f.target_network.as_deref() == Some(tname.as_str())
                                && f.who.as_ref().is_none_or(|w| *w == whom);
                            if hit {
                                case.findings.push(self.first + k);
                                self.in_flow[k] = true;
                            }
                        }
                        self.cases.push(case);
                    }
                }
            }
        }
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind, self.message)?;
        if let Some(r) = &self.rule {
            write!(f, "\n    rule: {r}")?;
        }
        if let Some(h) = &self.help {
            write!(f, "\n    help: {h}")?;
        }
        Ok(())
    }
}

/// `group `sre``, or `any user` for targets open to everyone.
pub fn who(group: Option<&str>) -> String {
    match group {
        Some(g) => format!("group `{g}`"),
        None => "any user".to_string(),
    }
}

/// The line (1-based) where `resource` is declared in `file`, read textually from the
/// layout shibori and hand-written templates use: a CloudFormation logical ID as a key
/// under `Resources` (YAML or JSON), a Terraform `resource "type" "name"` block (HCL) or
/// a `"name"` key under `"type"` (Terraform JSON). `None` where the text does not say;
/// a finding then names the resource without a line.
pub fn resource_line(file: &str, text: &str, resource: &str) -> Option<usize> {
    // A nested stack's logical IDs are prefixed with the stack's (`Stack/Resource`);
    // a Terraform instance carries its key (`aws_x.y["k"]`).
    let resource = resource.rsplit('/').next().unwrap_or(resource);
    let resource = resource.split('[').next().unwrap_or(resource);
    let lines = || text.lines().enumerate().map(|(i, l)| (i + 1, l));
    if file.ends_with(".tf") {
        let mut parts = resource.split('.').collect::<Vec<_>>();
        if parts.first() == Some(&"data") {
            parts.remove(0);
        }
        let [ty, name] = parts[..] else { return None };
        let want = format!("\"{ty}\" \"{name}\"");
        return lines()
            .find(|(_, l)| {
                let l = l.trim_start();
                (l.starts_with("resource ") || l.starts_with("data ")) && l.contains(&want)
            })
            .map(|(n, _)| n);
    }
    if file.ends_with(".tf.json") {
        let mut parts = resource.split('.').collect::<Vec<_>>();
        if parts.first() == Some(&"data") {
            parts.remove(0);
        }
        let [ty, name] = parts[..] else { return None };
        let (ty, name) = (format!("\"{ty}\""), format!("\"{name}\""));
        let start = lines().find(|(_, l)| l.trim_start().starts_with(&ty))?.0;
        return lines()
            .skip(start)
            .find(|(_, l)| l.trim_start().starts_with(&name))
            .map(|(n, _)| n);
    }
    if file.ends_with(".json") {
        let key = format!("\"{resource}\"");
        let start = lines()
            .find(|(_, l)| l.trim_start().starts_with("\"Resources\""))?
            .0;
        return lines()
            .skip(start)
            .find(|(_, l)| l.trim_start().starts_with(&key))
            .map(|(n, _)| n);
    }
    // CloudFormation YAML: the logical ID at the indentation of the first key under
    // `Resources:`.
    let start = lines().find(|(_, l)| l.trim_end() == "Resources:")?.0;
    let indent = text
        .lines()
        .skip(start)
        .find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .map(|l| l.len() - l.trim_start().len())?;
    let key = format!("{}{resource}:", " ".repeat(indent));
    lines()
        .skip(start)
        .find(|(_, l)| l.trim_end() == key || l.starts_with(&format!("{key} ")))
        .map(|(n, _)| n)
}

#[cfg(test)]
mod tests {
    use super::resource_line;

    #[test]
    fn finds_resources_in_every_syntax() {
        let yaml = "Parameters:\n  X:\n    Type: String\nResources:\n  Ep:\n    Type: A\n  DestIn:\n    Type: B\n";
        assert_eq!(resource_line("t.yaml", yaml, "DestIn"), Some(7));
        assert_eq!(resource_line("t.yaml", yaml, "Stack/Ep"), Some(5));
        assert_eq!(resource_line("t.yaml", yaml, "X"), None);
        let hcl = "variable \"a\" {}\n\nresource \"aws_x\" \"b\" {\n}\n";
        assert_eq!(resource_line("m.tf", hcl, "aws_x.b"), Some(3));
        let tfj = "{\n  \"resource\": {\n    \"aws_x\": {\n      \"a\": {},\n      \"b\": {}\n";
        assert_eq!(resource_line("m.tf.json", tfj, "aws_x.b"), Some(5));
        let cfj = "{\n  \"Resources\": {\n    \"Ep\": {\n";
        assert_eq!(resource_line("t.template.json", cfj, "Ep"), Some(3));
    }
}
