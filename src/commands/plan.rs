//! `shibori plan`: the rules as tables for people, or as JSON for tools.

use super::{load_and_plan, Context};
use crate::cli::args::Outcome;
use crate::plan::{Peer, Plan, Reason, Role};
use std::fmt::Write as _;
use std::path::Path;

pub fn run(ctx: &Context, path: &Path, json: bool) -> anyhow::Result<Outcome> {
    let Some(planned) = load_and_plan(ctx, path)? else {
        return Ok(Outcome::Failure);
    };
    super::print_diagnostics(ctx, &planned.warnings, &planned.source);
    if json {
        super::output::print(&format!(
            "{}\n",
            serde_json::to_string_pretty(&planned.plan)?
        ))?;
    } else {
        // Group IDs and other values come from the intent: no raw control characters.
        super::output::print(&crate::diagnostic::visible(&tables(&planned.plan)).0)?;
    }
    super::exit_without_freeing(planned);
    Ok(Outcome::Success)
}

/// Plain-text table with left-aligned columns.
fn table(out: &mut String, header: &[&str], rows: &[Vec<String>]) {
    if rows.is_empty() {
        out.push_str("  (none)\n");
        return;
    }
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let mut s = String::from(" ");
        for (i, (c, w)) in cells.iter().zip(&widths).enumerate() {
            if i + 1 == cells.len() {
                let _ = write!(s, " {c}");
            } else {
                let _ = write!(s, " {c:<w$}");
            }
        }
        s.trim_end().to_string() + "\n"
    };
    out.push_str(&line(header.to_vec()));
    for r in rows {
        out.push_str(&line(r.iter().map(String::as_str).collect()));
    }
}

/// `ssh tcp/22 via vpn-a, vpn-b; web tcp/443 via vpn-a (+3 more)`: grouped by target and
/// port, capped for a table; `--json` and `explain` carry every reason.
pub fn why(reasons: &[Reason]) -> String {
    const SHOWN: usize = 3;
    let mut groups: Vec<(String, Vec<&str>)> = Vec::new();
    for r in reasons {
        let mut head = r.target.to_string();
        if !r.port.is_empty() {
            let _ = write!(head, " {}", r.port);
        }
        if r.role == Role::LpmClosure {
            head.push_str(" (longest-prefix closure)");
        }
        let net = r.target_network.as_deref();
        match groups.iter_mut().find(|(h, _)| *h == head) {
            Some((_, nets)) => nets.extend(net),
            None => groups.push((head, net.into_iter().collect())),
        }
    }
    let total = groups.len();
    let mut items: Vec<String> = groups
        .into_iter()
        .take(SHOWN)
        .map(|(head, nets)| {
            if nets.is_empty() {
                head
            } else {
                format!("{head} via {}", nets.join(", "))
            }
        })
        .collect();
    if total > SHOWN {
        items.push(format!("+{} more", total - SHOWN));
    }
    items.join("; ")
}

fn ports(protocol: crate::intent::Protocol, from: i32, to: i32) -> String {
    use crate::intent::Protocol::*;
    match protocol {
        Tcp | Udp if from == to => from.to_string(),
        Tcp | Udp => format!("{from}-{to}"),
        Icmp => format!("type {from}"),
        All => "all".to_string(),
    }
}

pub fn tables(plan: &Plan) -> String {
    let mut out = String::new();
    let e = &plan.endpoint;
    let _ = writeln!(out, "plan `{}`", plan.name);
    let _ = writeln!(
        out,
        "  endpoint: {}, client CIDR {}, {} tunnel, {} authentication, {}/{}",
        e.id.as_deref()
            .map_or("new".to_string(), |id| format!("existing {id}")),
        e.client_cidr
            .map_or_else(|| "none (IPv6 only)".to_string(), |c| c.to_string()),
        if e.split_tunnel { "split" } else { "full" },
        e.authentication,
        e.transport,
        e.vpn_port
    );
    let tns: Vec<String> = plan
        .target_networks
        .iter()
        .filter_map(|n| plan.subnets.iter().find(|s| &s.name == n))
        .map(|s| {
            format!(
                "{} ({}, {})",
                s.name,
                s.cidr,
                s.az.as_deref().unwrap_or("?")
            )
        })
        .collect();
    match &e.transit_gateway {
        Some(t) => {
            let _ = writeln!(
                out,
                "  attached to transit gateway {} ({}): no target networks, no source NAT",
                t.id,
                t.availability_zones.join(", ")
            );
        }
        None => {
            let _ = writeln!(out, "  target networks: {}", tns.join(", "));
        }
    }

    let sg_name = |key: &str| {
        plan.security_groups
            .iter()
            .find(|g| g.key == key)
            .map_or(key.to_string(), |g| match &g.id {
                Some(id) => id.clone(),
                None => g.name.clone(),
            })
    };
    let _ = writeln!(
        out,
        "\nsecurity group rules ({})",
        plan.security_group_rules.len()
    );
    let rows: Vec<Vec<String>> = plan
        .security_group_rules
        .iter()
        .map(|r| {
            vec![
                sg_name(&r.security_group),
                r.direction.as_str().to_string(),
                r.protocol.to_string(),
                ports(r.protocol, r.from_port, r.to_port),
                match &r.peer {
                    Peer::SecurityGroup(k) => format!("sg {}", sg_name(k)),
                    Peer::Cidr(c) => c.to_string(),
                },
                why(&r.reasons),
            ]
        })
        .collect();
    table(
        &mut out,
        &["GROUP", "DIR", "PROTO", "PORTS", "PEER", "WHY"],
        &rows,
    );
    if e.security_group.is_some() {
        let _ = writeln!(out, "  (endpoint security group: no inbound rules)");
    } else {
        let _ = writeln!(
            out,
            "  (no endpoint security group: destinations admit the client CIDR itself)"
        );
    }

    let _ = writeln!(
        out,
        "\nnetwork ACL entries ({}; {} before merging)",
        plan.nacl_entries.len(),
        plan.nacl_entries_unmerged
    );
    let rows: Vec<Vec<String>> = plan
        .nacl_entries
        .iter()
        .map(|n| {
            let role = n.half().as_str();
            vec![
                n.network_acl.clone(),
                n.direction().as_str().to_string(),
                n.rule_number.to_string(),
                n.protocol.to_string(),
                match (n.ports, n.icmp_type) {
                    (Some(p), _) => p.to_string(),
                    (None, Some(t)) => format!("type {t}"),
                    _ => "all".to_string(),
                },
                n.cidr.to_string(),
                role.to_string(),
                why(&n.reasons),
            ]
        })
        .collect();
    table(
        &mut out,
        &[
            "ACL", "DIR", "RULE", "PROTO", "PORTS", "CIDR", "ROLE", "WHY",
        ],
        &rows,
    );

    let _ = writeln!(
        out,
        "\nauthorization rules ({})",
        plan.authorization_rules.len()
    );
    let rows: Vec<Vec<String>> = plan
        .authorization_rules
        .iter()
        .map(|a| {
            vec![
                a.cidr.to_string(),
                a.group.clone().unwrap_or_else(|| "all users".to_string()),
                why(&a.reasons),
            ]
        })
        .collect();
    table(&mut out, &["CIDR", "GROUP", "WHY"], &rows);
    // Outside targets that yield ranges to the VPC or narrower targets: printed only when
    // there are any, so plans without carve-outs read as before.
    for t in &plan.targets {
        if let Some(except) = t.carve_outs(&plan.vpc.all_cidrs()) {
            let _ = writeln!(
                out,
                "  ({}: {} except {except}: longest-prefix match gives those to their own rules)",
                t.name,
                cidrs(&t.cidrs)
            );
        }
    }

    let _ = writeln!(out, "\nroutes ({})", plan.routes.len());
    let rows: Vec<Vec<String>> = plan
        .routes
        .iter()
        .map(|r| {
            vec![
                r.target_network
                    .clone()
                    .unwrap_or_else(|| "(transit gateway)".to_string()),
                r.cidr.to_string(),
                why(&r.reasons),
            ]
        })
        .collect();
    table(&mut out, &["TARGET NETWORK", "CIDR", "WHY"], &rows);
    if e.transit_gateway.is_none() {
        let _ = writeln!(
            out,
            "  (the VPC's local route for {} is added by AWS on association)",
            cidrs(&plan.vpc.all_cidrs())
        );
    }

    let _ = writeln!(out, "\nrequirements (outside what shibori manages)");
    for r in &plan.requirements {
        let _ = writeln!(out, "  - {}", r.text);
    }
    out
}

fn cidrs(c: &[ipnet::IpNet]) -> String {
    c.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}
