//! Every rule of every layer, each with the intent items it serves.

use super::address_table::ports;
use super::text::{code, md, table};
use super::Handout;
use crate::plan::{Direction, Half, NaclEntry, Peer, Reason, Role, SgRole};

/// (port, longest-prefix closure, target).
type Served<'a> = (&'a str, bool, &'a str);
/// (port, longest-prefix closure, target networks).
type Via<'a> = (&'a str, bool, Vec<&'a str>);

/// What a rule serves, grouped as `plan` groups it and tighter: per port, the targets
/// that need it, and the target networks only when they are not all of them:
/// `` `tcp/443`: `api-0`, `ops-0` ``.
fn serves(h: &Handout, reasons: &[Reason]) -> String {
    // (port, closure, target) → networks, in the plan's order.
    let mut per: Vec<(Served, Vec<&str>)> = Vec::new();
    for r in reasons {
        let key = (
            r.port.as_str(),
            r.role == Role::LpmClosure,
            r.target.as_str(),
        );
        let i = match per.iter().position(|(k, _)| *k == key) {
            Some(i) => i,
            None => {
                per.push((key, Vec::new()));
                per.len() - 1
            }
        };
        if let Some(t) = r.target_network.as_deref() {
            if !per[i].1.contains(&t) {
                per[i].1.push(t);
            }
        }
    }
    // (port, closure, networks) → targets.
    let mut groups: Vec<(Via, Vec<&str>)> = Vec::new();
    for ((port, closure, target), nets) in per {
        let key = (port, closure, nets);
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, ts)) => ts.push(target),
            None => groups.push((key, vec![target])),
        }
    }
    let every = h.plan.target_networks.len();
    groups
        .iter()
        .map(|((port, closure, nets), targets)| {
            let mut s = String::new();
            if !port.is_empty() {
                s.push_str(&code(port));
                s.push_str(": ");
            }
            s.push_str(
                &targets
                    .iter()
                    .map(|t| code(t))
                    .collect::<Vec<_>>()
                    .join(", "),
            );
            if !nets.is_empty() && nets.len() < every {
                s.push_str(" via ");
                s.push_str(&nets.iter().map(|n| code(n)).collect::<Vec<_>>().join(", "));
            }
            if *closure {
                s.push_str(" (longest-prefix closure)");
            }
            s
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Which half of the stateless pair an entry is, and what it lets through.
fn half(n: &NaclEntry) -> (&'static str, &'static str) {
    let why = match (n.half(), n.egress) {
        (Half::Both, _) => "both halves share this entry",
        (Half::CarveOut, _) => {
            "closes a wider outside row's ports inside a narrower target's range, ahead of the allow it cuts"
        }
        (Half::Reply, true) => "reply leaves the destination subnet",
        (Half::Reply, false) => "reply enters the ENI's subnet",
        (Half::Request, true) => "request leaves the ENI's subnet",
        (Half::Request, false) => "request enters the destination subnet",
    };
    (n.half().as_str(), why)
}

fn nacl_ports(n: &NaclEntry) -> String {
    match (n.ports, n.icmp_type) {
        (Some(p), _) => p.to_string(),
        (None, Some(8)) => "echo request (type 8)".to_string(),
        (None, Some(0)) => "echo reply (type 0)".to_string(),
        (None, Some(t)) => format!("type {t}"),
        (None, None) => "all".to_string(),
    }
}

pub fn render(h: &Handout, out: &mut String) {
    let plan = h.plan;
    out.push_str("## Every rule and why it exists\n\n");
    out.push_str("Each rule lists the intent items it serves: per port, the targets that need it, through every target network unless a `via` names some. Remove an item from the intent and its rules disappear.\n\n");

    out.push_str(&format!(
        "### Authorization rules ({})\n\n",
        plan.authorization_rules.len()
    ));
    out.push_str("The only per-user-group control: AWS picks the longest matching prefix across all rules.\n\n");
    let rows: Vec<Vec<String>> = plan
        .authorization_rules
        .iter()
        .map(|a| {
            let closure = a.reasons.iter().any(|r| r.role == Role::LpmClosure);
            vec![
                code(&a.cidr.to_string()),
                a.group.as_deref().map_or("all users".to_string(), md),
                serves(h, &a.reasons),
                if closure {
                    "keeps a broader rule's access alive inside this narrower CIDR".to_string()
                } else {
                    "access the intent asks for".to_string()
                },
            ]
        })
        .collect();
    table(out, &["destination", "group", "serves", "why"], &rows);

    out.push_str(&format!(
        "\n### Client VPN routes ({})\n\n",
        plan.routes.len()
    ));
    let vpc: Vec<String> = plan
        .vpc
        .cidrs
        .iter()
        .map(|c| code(&c.to_string()))
        .collect();
    if plan.endpoint.transit_gateway.is_some() {
        out.push_str("Attached to a transit gateway, the endpoint has no association and so no local route: shibori adds one route, without a target subnet, for each VPC CIDR that holds a target and for every destination outside the VPCs; the transit gateway's route tables carry the traffic on.\n\n");
    } else {
        out.push_str(&format!(
            "AWS adds the VPC's local route for {} itself when a subnet is associated; shibori adds one route per target network for every destination outside the VPC, so each association has the same set.\n\n",
            vpc.join(", ")
        ));
    }
    if plan.routes.is_empty() {
        out.push_str("No routes needed: every target is inside the VPC.\n");
    } else {
        let rows: Vec<Vec<String>> = plan
            .routes
            .iter()
            .map(|r| {
                vec![
                    code(r.target_network.as_deref().unwrap_or("(transit gateway)")),
                    code(&r.cidr.to_string()),
                    serves(h, &r.reasons),
                ]
            })
            .collect();
        table(out, &["target network", "destination", "serves"], &rows);
    }

    out.push_str(&format!(
        "\n### Security groups ({} groups, {} rules)\n\n",
        plan.security_groups.len(),
        plan.security_group_rules.len()
    ));
    let rows: Vec<Vec<String>> = plan
        .security_groups
        .iter()
        .map(|g| {
            vec![
                code(&h.sg_name(&g.key)),
                match g.role {
                    SgRole::Endpoint => "endpoint (no inbound rules, ever)".to_string(),
                    SgRole::Destination => "destination".to_string(),
                },
                if g.id.is_some() {
                    "existing: rules are added".to_string()
                } else {
                    "created".to_string()
                },
                if g.targets.is_empty() {
                    "the Client VPN endpoint".to_string()
                } else {
                    format!(
                        "instances of {}",
                        g.targets
                            .iter()
                            .map(|t| code(t))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                },
            ]
        })
        .collect();
    table(out, &["group", "role", "lifecycle", "attached to"], &rows);
    out.push('\n');
    let rows: Vec<Vec<String>> = plan
        .security_group_rules
        .iter()
        .map(|r| {
            vec![
                code(&h.sg_name(&r.security_group)),
                r.direction.as_str().to_string(),
                r.protocol.to_string(),
                ports(r.protocol, r.from_port, r.to_port),
                match &r.peer {
                    Peer::SecurityGroup(k) => format!("SG {}", code(&h.sg_name(k))),
                    Peer::Cidr(c) => code(&c.to_string()),
                },
                serves(h, &r.reasons),
            ]
        })
        .collect();
    table(
        out,
        &["group", "direction", "protocol", "ports", "peer", "serves"],
        &rows,
    );
    let has_outbound = plan.security_group_rules.iter().any(|r| {
        r.direction == Direction::Egress
            && Some(&r.security_group) != plan.endpoint.security_group.as_ref()
    });
    if !has_outbound {
        out.push_str("\nDestination groups have no outbound rules: security groups are stateful, replies need none.\n");
    }

    out.push_str(&format!(
        "\n### Network ACL entries ({})\n\n",
        plan.nacl_entries.len()
    ));
    if plan.nacl_entries.is_empty() {
        out.push_str("None: every target sits in a target network's own subnet, and network ACLs do not see traffic inside one subnet.\n");
        return;
    }
    if plan.endpoint.transit_gateway.is_some() {
        out.push_str(&format!(
            "NACLs are stateless, so every flow needs a **request** entry and a **reply** entry in each ACL it crosses. Through a transit gateway the only ACLs crossed are the destination subnets': requests come in from the client CIDR itself (no source NAT), replies go back to the client's source port, anywhere in {}. Each ACL ends with AWS's default deny (`*`).\n\n",
            code(&h.nacl.ephemeral.to_string())
        ));
    } else {
        out.push_str(&format!(
            "NACLs are stateless, so every flow needs a **request** entry and a **reply** entry in each ACL it crosses; replies come back to the NAT-ed source port, anywhere in {}. Each ACL ends with AWS's default deny (`*`).\n\n",
            code(&h.nacl.ephemeral.to_string())
        ));
    }
    if plan.nacl_entries_unmerged > plan.nacl_entries.len() {
        out.push_str(&format!(
            "Merged exactly: {} entries where one per target × port × target network × row would be {}; touching port ranges are joined and sibling subnets aggregated, never widened.\n\n",
            plan.nacl_entries.len(),
            plan.nacl_entries_unmerged
        ));
    }
    let rows: Vec<Vec<String>> = plan
        .nacl_entries
        .iter()
        .map(|n| {
            let (half, why) = half(n);
            vec![
                code(&h.acl_name(&n.network_acl)),
                h.acl_subnets(&n.network_acl)
                    .iter()
                    .map(|s| code(s))
                    .collect::<Vec<_>>()
                    .join(", "),
                n.direction().as_str().to_string(),
                n.rule_number.to_string(),
                n.protocol.to_string(),
                nacl_ports(n),
                code(&n.cidr.to_string()),
                format!("**{half}**"),
                why.to_string(),
                serves(h, &n.reasons),
            ]
        })
        .collect();
    table(
        out,
        &[
            "ACL",
            "subnets",
            "direction",
            "rule",
            "protocol",
            "ports",
            "peer",
            "half",
            "why",
            "serves",
        ],
        &rows,
    );
}
