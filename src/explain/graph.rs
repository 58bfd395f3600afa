//! The flowchart as data, built once from the plan and written out by `mermaid` and
//! `dot`, so both formats show the same graph. Node IDs are made from positions in the
//! plan (`tn0`, `sg2`, …): user text only ever appears in labels.

use super::Handout;
use crate::plan::{Role, SgRole};

/// Authorization rules beyond this many are summarised in the endpoint node: the
/// tables list them all, and a 200-line node helps nobody in a workshop.
const MAX_AUTH_LINES: usize = 12;

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

fn acl_index(h: &Handout, key: &str) -> usize {
    h.plan
        .network_acls
        .iter()
        .position(|a| a.key == key)
        .unwrap_or(usize::MAX)
}

fn sg_index(h: &Handout, key: &str) -> usize {
    h.plan
        .security_groups
        .iter()
        .position(|g| g.key == key)
        .unwrap_or(usize::MAX)
}

pub fn build(h: &Handout) -> Graph {
    let plan = h.plan;
    let e = &plan.endpoint;
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

    g.node(
        "client".into(),
        Shape::Client,
        vec![
            "VPN clients".into(),
            format!("client CIDR {}", e.client_cidr),
            format!("{} tunnel", if e.split_tunnel { "split" } else { "full" }),
        ],
        false,
    );
    let mut auth = vec![
        match &e.id {
            Some(id) => format!("Client VPN endpoint {id}"),
            None => "Client VPN endpoint".to_string(),
        },
        format!("authorization ({} authentication):", e.authentication),
    ];
    for a in plan.authorization_rules.iter().take(MAX_AUTH_LINES) {
        auth.push(format!(
            "{} → {}",
            a.cidr,
            a.group.as_deref().unwrap_or("all users")
        ));
    }
    if plan.authorization_rules.len() > MAX_AUTH_LINES {
        auth.push(format!(
            "… and {} more rules",
            plan.authorization_rules.len() - MAX_AUTH_LINES
        ));
    }
    g.node("cvpn".into(), Shape::Endpoint, auth, false);
    g.edge(
        "client",
        "cvpn",
        &[format!("VPN tunnel {}/{}", e.transport, e.vpn_port)],
        false,
    );

    if e.transit_gateway.is_some() {
        // The box holds every VPC behind the transit gateway.
        g.vpc_label = format!(
            "VPCs {}",
            plan.vpc
                .cidrs
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        );
        transit_gateway_paths(h, &mut g);
        return g;
    }
    for (i, tn_name) in plan.target_networks.iter().enumerate() {
        let Some(tn) = h.subnet(tn_name) else {
            continue;
        };
        let eni = format!("tn{i}");
        g.node(
            eni.clone(),
            Shape::Eni,
            vec![
                format!("endpoint ENI in {}", tn.name),
                format!("{} · {}", tn.cidr, tn.az.as_deref().unwrap_or("?")),
                "source NAT: targets see this subnet's addresses".into(),
                format!(
                    "endpoint SG {}",
                    h.sg_name(e.security_group.as_deref().unwrap_or_default())
                ),
            ],
            true,
        );
        g.edge(
            "cvpn",
            &eni,
            &["authorized flows, any target network (DNS round-robin)".to_string()],
            false,
        );

        let acl_t = &tn.network_acl;
        let nacl_out = format!("acl{}out", acl_index(h, acl_t));
        for (j, x) in plan.targets.iter().enumerate() {
            let ports = x.services.clone();
            let target = format!("t{j}");
            g.node(
                target.clone(),
                Shape::Target,
                target_lines(h, j),
                x.subnet.is_some(),
            );
            match (&x.subnet, &x.security_group) {
                (Some(s), Some(sg_key)) => {
                    let sg = format!("sg{}", sg_index(h, sg_key));
                    g.node(sg.clone(), Shape::SecurityGroup, sg_lines(h, sg_key), true);
                    if s == tn_name {
                        let same = ports
                            .iter()
                            .map(|p| format!("{p} (same subnet: no NACL)"))
                            .collect::<Vec<_>>();
                        g.edge(&eni, &sg, &same, false);
                    } else {
                        let Some(dest) = h.subnet(s) else {
                            continue;
                        };
                        let nacl_in = format!("acl{}in", acl_index(h, &dest.network_acl));
                        g.node(
                            nacl_out.clone(),
                            Shape::Nacl,
                            nacl_lines(h, acl_t, true),
                            true,
                        );
                        g.node(
                            nacl_in.clone(),
                            Shape::Nacl,
                            nacl_lines(h, &dest.network_acl, false),
                            true,
                        );
                        g.edge(&eni, &nacl_out, &ports, false);
                        g.edge(&nacl_out, &nacl_in, &ports, false);
                        g.edge(&nacl_in, &sg, &ports, false);
                        g.edge(
                            &nacl_in,
                            &nacl_out,
                            &reply_labels(h, tn_name, &x.name),
                            true,
                        );
                    }
                    g.edge(&sg, &target, &ports, false);
                }
                _ => {
                    // Outside the VPC: the Client VPN route carries it to the subnet's route table.
                    let route = format!("rt{j}");
                    let via: Vec<&str> = plan
                        .routes
                        .iter()
                        .filter(|r| r.reasons.iter().any(|re| re.target == x.name))
                        .map(|r| r.target_network.as_deref().unwrap_or("transit gateway"))
                        .collect();
                    let cidr = x.cidrs.first().map(ToString::to_string).unwrap_or_default();
                    g.node(
                        route.clone(),
                        Shape::Route,
                        vec![
                            format!("Client VPN route {cidr}"),
                            format!(
                                "via {}",
                                if via.is_empty() {
                                    "-".to_string()
                                } else {
                                    via.join(", ")
                                }
                            ),
                            "then the subnet route table (not managed)".into(),
                        ],
                        false,
                    );
                    g.node(
                        nacl_out.clone(),
                        Shape::Nacl,
                        nacl_lines(h, acl_t, true),
                        true,
                    );
                    g.edge(&eni, &nacl_out, &ports, false);
                    g.edge(&nacl_out, &route, &ports, false);
                    g.edge(&route, &target, &ports, false);
                    g.edge(&route, &nacl_out, &reply_labels(h, tn_name, &x.name), true);
                }
            }
        }
    }
    g
}

/// A transit gateway attachment: from the endpoint through the transit gateway straight
/// to the destination subnets' ACLs and security groups (no ENI, no source NAT).
fn transit_gateway_paths(h: &Handout, g: &mut Graph) {
    let plan = h.plan;
    let Some(t) = &plan.endpoint.transit_gateway else {
        return;
    };
    let routes: Vec<String> = plan.routes.iter().map(|r| r.cidr.to_string()).collect();
    g.node(
        "tgw".into(),
        Shape::Route,
        vec![
            format!("transit gateway {}", t.id),
            format!("in {}", t.availability_zones.join(", ")),
            "no source NAT: targets see client addresses".into(),
        ],
        false,
    );
    g.edge(
        "cvpn",
        "tgw",
        &[format!("Client VPN routes {}", routes.join(", "))],
        false,
    );
    for (j, x) in plan.targets.iter().enumerate() {
        let ports = x.services.clone();
        let target = format!("t{j}");
        g.node(
            target.clone(),
            Shape::Target,
            target_lines(h, j),
            x.subnet.is_some(),
        );
        let (Some(s), Some(sg_key)) = (&x.subnet, &x.security_group) else {
            // Outside the VPCs: the transit gateway's route tables carry it on.
            g.edge("tgw", &target, &ports, false);
            continue;
        };
        let Some(dest) = h.subnet(s) else {
            continue;
        };
        let sg = format!("sg{}", sg_index(h, sg_key));
        let mut lines = sg_lines(h, sg_key);
        if let Some(l) = lines.get_mut(1) {
            *l = format!(
                "inbound: from the client CIDR {}",
                plan.endpoint.client_cidr
            );
        }
        g.node(sg.clone(), Shape::SecurityGroup, lines, true);
        let nacl_in = format!("acl{}in", acl_index(h, &dest.network_acl));
        g.node(
            nacl_in.clone(),
            Shape::Nacl,
            nacl_lines(h, &dest.network_acl, false),
            true,
        );
        g.edge("tgw", &nacl_in, &ports, false);
        g.edge(&nacl_in, &sg, &ports, false);
        g.edge(&sg, &target, &ports, false);
        let replies: Vec<String> = plan
            .nacl_entries
            .iter()
            .filter(|n| {
                n.egress
                    && n.reasons
                        .iter()
                        .any(|r| r.role == Role::Reply && r.target == x.name)
            })
            .map(|n| match (n.ports, n.icmp_type) {
                (Some(p), _) => format!("reply {}/{}", n.protocol, p),
                (None, Some(0)) => "reply icmp echo reply".to_string(),
                (None, Some(t)) => format!("reply icmp type {t}"),
                (None, None) => format!("reply {}", n.protocol),
            })
            .collect();
        g.edge(&nacl_in, "tgw", &replies, true);
    }
}

fn target_lines(h: &Handout, j: usize) -> Vec<String> {
    let x = &h.plan.targets[j];
    let cidrs: Vec<String> = x.cidrs.iter().map(ToString::to_string).collect();
    vec![
        format!("target {}", x.name),
        cidrs.join(", "),
        match &x.subnet {
            Some(s) => format!("in subnet {s}"),
            None => "outside the VPC".to_string(),
        },
        if x.groups.is_empty() {
            "users: all".to_string()
        } else {
            format!("groups: {}", x.groups.join(", "))
        },
    ]
}

fn sg_lines(h: &Handout, key: &str) -> Vec<String> {
    let mut lines = vec![format!("security group {}", h.sg_name(key))];
    lines.push("inbound: from the endpoint SG only".into());
    if let Some(g) = h.security_group(key) {
        if g.role == SgRole::Destination {
            lines.push(format!("attach to: {}", g.targets.join(", ")));
        }
    }
    lines
}

fn nacl_lines(h: &Handout, key: &str, at_target_network: bool) -> Vec<String> {
    vec![
        h.acl_title(key),
        format!("subnets: {}", h.acl_subnets(key).join(", ")),
        if at_target_network {
            "egress: request · ingress: reply".into()
        } else {
            "ingress: request · egress: reply".into()
        },
    ]
}

/// The reply rows that bring a target's answers back into the target network.
fn reply_labels(h: &Handout, target_network: &str, target: &str) -> Vec<String> {
    let mut out = Vec::new();
    for n in h.plan.nacl_entries.iter().filter(|n| !n.egress) {
        let serves = n.reasons.iter().any(|r| {
            r.role == Role::Reply
                && r.target == target
                && r.target_network.as_deref() == Some(target_network)
        });
        if !serves {
            continue;
        }
        let label = match (n.ports, n.icmp_type) {
            (Some(p), _) => format!("reply {}/{}", n.protocol, p),
            (None, Some(0)) => "reply icmp echo reply".to_string(),
            (None, Some(t)) => format!("reply icmp type {t}"),
            (None, None) => format!("reply {}", n.protocol),
        };
        if !out.contains(&label) {
            out.push(label);
        }
    }
    out
}
