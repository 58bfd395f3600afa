//! The Markdown handout: overview, Mermaid flowchart, the sample flow's address table,
//! every rule with its reasons, quotas, warnings and what is left to the user.

use super::address_table::sample_flow;
use super::matrix::{self, Entry, Matrix};
use super::text::{code, md, table};
use super::{graph, mermaid, rules, Handout};
use crate::diagnostic::Severity;
use crate::plan::{quotas, Direction, RequirementKind};
use std::collections::BTreeMap;

/// Text that shibori wrote, with `code` spans around names: the spans stay code, the
/// rest is escaped, so names from the intent inside it cannot inject markup.
fn prose(s: &str) -> String {
    let parts: Vec<&str> = s.split('`').collect();
    if parts.len() % 2 == 0 {
        // Unbalanced backticks: treat it all as text.
        return md(s);
    }
    parts
        .iter()
        .enumerate()
        .map(|(i, p)| if i % 2 == 1 { code(p) } else { md(p) })
        .collect()
}

fn entry(e: &Entry) -> String {
    if e.is_empty() {
        return "-".to_string();
    }
    e.by_network
        .iter()
        .map(|(net, items)| {
            let list = if items.is_empty() {
                "-".to_string()
            } else {
                items
                    .iter()
                    .map(|i| {
                        if i.surplus {
                            format!("**{}** (surplus)", code(&i.label))
                        } else {
                            code(&i.label)
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            match net {
                Some(n) => format!("via {}: {list}", code(n)),
                None => list,
            }
        })
        .collect::<Vec<_>>()
        .join("<br>")
}

/// Groups beyond this many make the matrix a list: a column per group no longer fits
/// a page.
const MATRIX_COLUMNS: usize = 4;

/// The room's first question, answered from the evaluated rules.
fn reachability(m: &Matrix, out: &mut String) {
    out.push_str(
        "## Who can reach what

",
    );
    out.push_str("What the rules actually let through, evaluated layer by layer as AWS does (longest-prefix authorization, routes, security groups, first-match network ACLs both ways), per user group and target. **Surplus** marks access the intent does not ask for.

");
    if m.users.len() <= MATRIX_COLUMNS {
        let users: Vec<String> = m.users.iter().map(|u| md(u)).collect();
        let mut head: Vec<&str> = vec!["target", "asked for"];
        head.extend(users.iter().map(String::as_str));
        let rows: Vec<Vec<String>> = m
            .rows
            .iter()
            .map(|r| {
                let mut row = vec![
                    format!("{}<br>{}", code(&r.target), code(&r.destination)),
                    md(&r.intended),
                ];
                row.extend(r.entries.iter().map(entry));
                row
            })
            .collect();
        table(out, &head, &rows);
    } else {
        // Too many groups for columns: one row per target and group that reaches it.
        let mut rows: Vec<Vec<String>> = Vec::new();
        for r in &m.rows {
            for (u, e) in m.users.iter().zip(&r.entries) {
                if e.is_empty() {
                    continue;
                }
                rows.push(vec![
                    format!("{}<br>{}", code(&r.target), code(&r.destination)),
                    md(&r.intended),
                    md(u),
                    entry(e),
                ]);
            }
        }
        table(out, &["target", "asked for", "who", "reaches"], &rows);
    }
    if !m.notes.is_empty() {
        out.push('\n');
        for n in &m.notes {
            out.push_str(&format!(
                "- **surplus**: {} reaches {} {}: {}\n",
                md(&n.user),
                code(&n.target),
                code(&n.services),
                prose(&n.why)
            ));
        }
    }
    out.push('\n');
}

fn overview(h: &Handout, out: &mut String) {
    let plan = h.plan;
    let e = &plan.endpoint;
    out.push_str("## At a glance\n\n");
    let mut items = vec![
        format!(
            "**Endpoint**: {}; client CIDR {}; {} tunnel; {} authentication; {}/{}; endpoint security group {}",
            match &e.id {
                Some(id) => format!("existing {}", code(id)),
                None => "created by shibori".to_string(),
            },
            code(&client_cidr(e)),
            if e.split_tunnel { "split" } else { "full" },
            md(&e.authentication),
            e.transport,
            e.vpn_port,
            e.security_group
                .as_deref()
                .map_or("none (transit gateway attachment)".to_string(), |g| code(
                    &h.sg_name(g)
                )),
        ),
        format!(
            "**VPC**: {}{}",
            plan.vpc
                .id
                .as_deref()
                .map_or("ID given when you deploy".to_string(), code),
            format!(
                ", CIDRs {}",
                plan.vpc
                    .all_cidrs()
                    .iter()
                    .map(|c| code(&c.to_string()))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        ),
    ];
    if !e.split_tunnel {
        items.push("**Full tunnel**: clients send all their traffic through the VPC, internet included; reaching the internet needs a `0.0.0.0/0` target, its authorization and a NAT or internet gateway path from the target networks".to_string());
    }
    if !e.dns_servers.is_empty() {
        items.push(format!(
            "DNS servers pushed to clients: {}",
            e.dns_servers
                .iter()
                .map(|s| code(s))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if let Some(t) = e.session_timeout_hours {
        items.push(format!(
            "session timeout {t} h{}",
            match e.disconnect_on_session_timeout {
                Some(true) => ", users disconnected at timeout",
                _ => "",
            }
        ));
    }
    if let Some(p) = e.self_service_portal {
        items.push(format!(
            "self-service portal {}",
            if p { "on" } else { "off" }
        ));
    }
    if let Some(b) = &e.client_login_banner {
        items.push(format!("login banner: “{}”", md(b)));
    }
    if e.client_route_enforcement == Some(true) {
        items.push("client route enforcement on".to_string());
    }
    if let Some(l) = &e.connection_log {
        items.push(format!(
            "connection log to {}{}",
            code(&l.group),
            l.stream
                .as_deref()
                .map_or(String::new(), |s| format!(" / {}", code(s)))
        ));
    }
    if let Some(f) = &e.client_connect_handler {
        items.push(format!("client connect handler {}", code(f)));
    }
    for i in items {
        out.push_str(&format!("- {i}\n"));
    }

    if let Some(t) = &e.transit_gateway {
        out.push_str(&format!(
            "\nAttached to transit gateway {} in {}: no target networks, no ENIs in the VPCs, no endpoint security group, and no source NAT: the destinations see the clients' own addresses from {}.\n",
            code(&t.id),
            t.availability_zones
                .iter()
                .map(|z| code(z))
                .collect::<Vec<_>>()
                .join(", "),
            code(&client_cidr(e))
        ));
    } else {
        target_networks(h, out);
    }
    targets(h, out);
}

fn target_networks(h: &Handout, out: &mut String) {
    let plan = h.plan;
    out.push_str(
        "\nTarget networks (the endpoint's ENIs live here, one per Availability Zone):\n\n",
    );
    let rows: Vec<Vec<String>> = plan
        .target_networks
        .iter()
        .filter_map(|n| h.subnet(n))
        .map(|s| {
            vec![
                code(&s.name),
                match s.ipv6_cidr {
                    Some(v6) => {
                        format!("{}<br>{}", code(&s.cidr.to_string()), code(&v6.to_string()))
                    }
                    None => code(&s.cidr.to_string()),
                },
                s.az.as_deref().map_or("-".to_string(), code),
                code(&h.acl_name(&s.network_acl)),
            ]
        })
        .collect();
    table(out, &["subnet", "CIDR", "AZ", "network ACL"], &rows);
}

fn targets(h: &Handout, out: &mut String) {
    let plan = h.plan;
    out.push_str("\nTargets:\n\n");
    let rows: Vec<Vec<String>> = plan
        .targets
        .iter()
        .map(|t| {
            vec![
                code(&t.name),
                format!(
                    "{} {}",
                    t.cidrs
                        .iter()
                        .map(|c| code(&c.to_string()))
                        .collect::<Vec<_>>()
                        .join(", "),
                    match (&t.subnet, t.carve_outs(&plan.vpc.all_cidrs())) {
                        (Some(s), _) => format!("in {}", code(s)),
                        (None, None) => "outside the VPC".to_string(),
                        (None, Some(except)) => format!(
                            "outside the VPC, except {} (longest-prefix match gives those to their own rules)",
                            md(&except)
                        ),
                    }
                ),
                t.services
                    .iter()
                    .map(|s| code(s))
                    .collect::<Vec<_>>()
                    .join(", "),
                if t.groups.is_empty() {
                    "all users".to_string()
                } else {
                    t.groups
                        .iter()
                        .map(|g| md(g))
                        .collect::<Vec<_>>()
                        .join(", ")
                },
                t.security_group
                    .as_deref()
                    .map_or("-".to_string(), |k| code(&h.sg_name(k))),
            ]
        })
        .collect();
    table(
        out,
        &[
            "target",
            "destination",
            "ports",
            "users",
            "security group to attach",
        ],
        &rows,
    );
}

fn diagram(h: &Handout, m: &Matrix, out: &mut String) {
    if let Some(t) = &h.plan.endpoint.transit_gateway {
        // The overview diagram draws the VPC attachment's ENIs; this path has none.
        out.push_str(&format!(
            "\n## The path\n\nclient → Client VPN endpoint (authorization; routes without a target subnet) → transit gateway {} → the destination subnet's network ACL (in: requests from the client CIDR) → the destination security group (in: from the client CIDR) → target; replies go back out through the same network ACL and the transit gateway. Outside targets are reached through the transit gateway's route tables.\n\n",
            code(&t.id)
        ));
        out.push_str("Through the transit gateway the clients keep their addresses (no source NAT), so the destination subnets' network ACLs and the destination security groups admit the client CIDR itself; they still cannot tell users apart (any client may hold any address of the pool): separating user groups happens at authorization alone. The overview drawing below is the one of a VPC attachment: its ENI and endpoint security group do not exist here.\n\n```mermaid\n");
        out.push_str(&mermaid::render(&graph::build(h, m)));
        out.push_str("```\n");
        return;
    }
    out.push_str("\n## The path\n\n```mermaid\n");
    out.push_str(&mermaid::render(&graph::build(h, m)));
    out.push_str("```\n\n");
    out.push_str("Solid arrows carry requests, labelled with the ports allowed; dashed arrows are the replies that the stateless network ACLs must let back. Because the endpoint translates every client address to its ENI's address (source NAT), security groups and network ACLs only ever see the target networks' addresses, never a user: separating user groups happens at authorization alone.\n");
    if let Some(note) = ipv6_note(h) {
        out.push('\n');
        out.push_str(note);
    }
}

fn address_table(h: &Handout, out: &mut String) {
    ipv4_address_table(h, out);
    ipv6_address_table(h, out);
}

/// The IPv6 sample flow, when the tunnel carries IPv6: no source NAT step.
fn ipv6_address_table(h: &Handout, out: &mut String) {
    let Some(f) = super::ipv6_flow::sample_flow(h) else {
        return;
    };
    out.push_str("\n## One IPv6 flow, address by address\n\n");
    out.push_str(&format!(
        "A sample IPv6 packet to {} ({}) through {}. **The addresses and the client port are examples.** AWS does not translate IPv6 tunnel traffic: the destination sees the client's own IPv6 address, which AWS takes from the target networks' IPv6 CIDRs, so the rules name those CIDRs rather than the endpoint security group, and the reply goes back to the client's own source port.\n\n",
        code(&f.target),
        code(&f.service),
        code(&f.target_network),
    ));
    hop_table(&f.hops, out);
}

/// A sample flow's hops as a table: where, source, destination, the rules that decide.
fn hop_table(hops: &[super::Hop], out: &mut String) {
    let rows: Vec<Vec<String>> = hops
        .iter()
        .enumerate()
        .map(|(i, hop)| {
            vec![
                (i + 1).to_string(),
                prose(&hop.at),
                code(&hop.source),
                code(&hop.destination),
                if hop.checked.is_empty() {
                    "-".to_string()
                } else {
                    hop.checked
                        .iter()
                        .map(|c| md(c))
                        .collect::<Vec<_>>()
                        .join("<br>")
                },
            ]
        })
        .collect();
    table(
        out,
        &["#", "where", "source", "destination", "checked by"],
        &rows,
    );
}

fn ipv4_address_table(h: &Handout, out: &mut String) {
    let Some(f) = sample_flow(h) else {
        return;
    };
    out.push_str("\n## One flow, address by address\n\n");
    let tgw = h.plan.endpoint.transit_gateway.is_some();
    if tgw {
        out.push_str(&format!(
            "A sample packet to {} ({}) through the {}. **The addresses and the client port are examples**, derived from the plan's CIDRs: the first host of the client CIDR, {}. Without source NAT the destination sees the client's own source address and port; AWS gives each connecting client an address from the client CIDR, which is why the rules name the whole client CIDR.\n\n",
            code(&f.target),
            code(&f.service),
            f.target_network,
            f.server_note
        ));
    } else {
        out.push_str(&format!(
        "A sample packet to {} ({}) through {}. **The addresses and the client port are examples**, derived from the plan's CIDRs: the first host of the client CIDR, the first address AWS leaves free in a subnet (the first four are reserved), {}. AWS replaces ENIs and their addresses change, which is why no rule names one.\n\n",
        code(&f.target),
        code(&f.service),
        code(&f.target_network),
        f.server_note
    ));
    }
    hop_table(&f.hops, out);
    if let (true, Some(p)) = (tgw, f.client_port) {
        out.push_str(&format!(
            "\nThe reply goes back to port {p}, the client's own source port: the reply entries therefore allow the whole range {}.\n",
            code(&h.nacl.ephemeral.to_string())
        ));
    } else if let Some(p) = f.client_port {
        out.push_str(&format!(
            "\nThe reply goes back to port {p}, the (possibly translated) source port after the NAT: the reply entries therefore allow the whole range {}.\n",
            code(&h.nacl.ephemeral.to_string())
        ));
    }
}

fn quota_table(h: &Handout, out: &mut String) {
    let plan = h.plan;
    let mut routes: BTreeMap<&str, usize> = BTreeMap::new();
    for r in &plan.routes {
        *routes
            .entry(r.target_network.as_deref().unwrap_or("transit gateway"))
            .or_default() += 1;
    }
    let mut nacl: BTreeMap<(&str, bool), usize> = BTreeMap::new();
    for n in &plan.nacl_entries {
        *nacl.entry((n.network_acl.as_str(), n.egress)).or_default() += 1;
    }
    let mut sg: BTreeMap<(&str, Direction), usize> = BTreeMap::new();
    for r in &plan.security_group_rules {
        *sg.entry((r.security_group.as_str(), r.direction))
            .or_default() += 1;
    }
    let max = |m: Option<&usize>| m.copied().unwrap_or(0).to_string();
    out.push_str("\n## Quotas\n\n");
    table(
        out,
        &["quota", "most used", "limit"],
        &[
            vec![
                "authorization rules per endpoint".to_string(),
                plan.authorization_rules.len().to_string(),
                quotas::AUTHORIZATION_RULES.to_string(),
            ],
            vec![
                "routes per target network".to_string(),
                max(routes.values().max()),
                quotas::ROUTES_PER_TARGET_NETWORK.to_string(),
            ],
            vec![
                "network ACL entries per ACL and direction".to_string(),
                max(nacl.values().max()),
                format!(
                    "{} (quota {}, one is the default deny)",
                    h.nacl.quota.saturating_sub(1),
                    h.nacl.quota
                ),
            ],
            vec![
                "security group rules per group and direction".to_string(),
                max(sg.values().max()),
                quotas::SG_RULES_PER_DIRECTION.to_string(),
            ],
        ],
    );
}

fn warnings(h: &Handout, out: &mut String) {
    out.push_str("\n## Warnings\n\n");
    let list: Vec<_> = h
        .warnings
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .collect();
    if list.is_empty() {
        out.push_str("None.\n");
        return;
    }
    for d in list {
        let mut line = format!("- **warning**: {}", prose(&d.message));
        if let Some(p) = &d.path {
            line.push_str(&format!(" (at {})", code(p)));
        }
        if let Some(help) = &d.help {
            line.push_str(&format!("  \n  help: {}", prose(help)));
        }
        out.push_str(&line);
        out.push('\n');
    }
}

fn requirements(h: &Handout, out: &mut String) {
    let by_hand = |k: &RequirementKind| {
        matches!(
            k,
            RequirementKind::AttachSecurityGroup
                | RequirementKind::Credentials
                | RequirementKind::ExistingEndpoint
        )
    };
    out.push_str("\n## What you must do by hand\n\n");
    let mine: Vec<_> = h
        .plan
        .requirements
        .iter()
        .filter(|r| by_hand(&r.kind))
        .collect();
    if mine.is_empty() {
        out.push_str("Nothing.\n");
    }
    for r in mine {
        out.push_str(&format!("- [ ] {}\n", prose(&r.text)));
    }
    out.push_str("\n## Requirements shibori does not manage\n\n");
    let rest: Vec<_> = h
        .plan
        .requirements
        .iter()
        .filter(|r| !by_hand(&r.kind))
        .collect();
    if rest.is_empty() {
        out.push_str("None.\n");
    }
    for r in rest {
        out.push_str(&format!("- {}\n", prose(&r.text)));
    }
}

pub fn render(h: &Handout) -> String {
    let m = matrix::build(h);
    let mut section = String::new();
    diagram(h, &m, &mut section);
    render_with(h, &m, &section)
}

/// The handout with `diagrams` (a whole section, heading included) after the overview.
pub fn render_with(h: &Handout, m: &Matrix, diagrams: &str) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "# {}: AWS Client VPN access, rule by rule\n\n",
        code(&h.plan.name)
    ));
    out.push_str("Generated by `shibori explain` from the plan of the intent. The handout decides nothing: every rule in it is in the plan, listed with the intent items it exists for.\n\n");
    if h.plan.endpoint.transit_gateway.is_none() {
        reachability(m, &mut out);
    } else {
        out.push_str("## Who can reach what\n\nThe matrix is evaluated for endpoints associated with target networks; for this transit gateway attachment, `shibori verify` proves every group, target and port end to end, and the address table below follows one flow.\n\n");
    }
    overview(h, &mut out);
    out.push_str(diagrams);
    address_table(h, &mut out);
    out.push('\n');
    rules::render(h, &mut out);
    quota_table(h, &mut out);
    warnings(h, &mut out);
    requirements(h, &mut out);
    out
}

fn client_cidr(e: &crate::plan::EndpointPlan) -> String {
    e.client_cidr
        .map_or_else(|| "none (IPv6 only)".to_string(), |c| c.to_string())
}

/// What changes for IPv6 in the picture, when the tunnel carries it.
pub(super) fn ipv6_note(h: &Handout) -> Option<&'static str> {
    h.plan
        .endpoint
        .traffic_ip_address_type
        .has_ipv6()
        .then_some("IPv6 is not translated: security groups and network ACLs see the clients' own IPv6 addresses, which AWS takes from the target networks' IPv6 CIDRs. Those CIDRs hold every client, so user groups are still separated at authorization alone.\n")
}
