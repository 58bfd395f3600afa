//! The sample flow of a transit-gateway-attached endpoint (`docs/transit-gateway.md`):
//! no ENI and no source NAT, so the destination sees the client's own address and port,
//! and the only network ACL crossed is the destination subnet's. As for the VPC model,
//! the addresses are examples and every rule named is looked up in the plan by its
//! reasons.

use super::address_table::{nacl_text, Hop, SampleFlow};
use super::Handout;
use crate::plan::{Direction, Peer, Reason, Role, TargetPlan};
use ipnet::Ipv4Net;
use std::net::Ipv4Addr;

/// As in the VPC model's table: a client port from the reply range, and the fifth
/// address of a subnet (AWS reserves the first four).
const SAMPLE_CLIENT_PORT: u16 = 50_000;
const AWS_RESERVED: u32 = 4;

fn host(net: &Ipv4Net, offset: u32) -> Ipv4Addr {
    if net.prefix_len() >= 31 {
        return net.network();
    }
    let first = u32::from(net.network());
    let last = u32::from(net.broadcast());
    Ipv4Addr::from((first + offset).min(last - 1))
}

fn with_port(ip: Ipv4Addr, port: Option<u16>) -> String {
    match port {
        Some(p) => format!("{ip}:{p}"),
        None => ip.to_string(),
    }
}

fn serves(reasons: &[Reason], target: &str, service: &str, role: Role) -> bool {
    reasons
        .iter()
        .any(|r| r.target == target && r.port == service && r.role == role)
}

/// The flow through the transit gateway to the first in-VPC target's first TCP/UDP
/// service (the one that crosses every layer), else the first target's.
pub fn sample_flow(h: &Handout) -> Option<SampleFlow> {
    let plan = h.plan;
    let tgw = plan.endpoint.transit_gateway.as_ref()?;
    let pick = |t: &&TargetPlan| t.subnet.is_some();
    let t = plan.targets.iter().find(pick).or(plan.targets.first())?;
    let service = t
        .services
        .iter()
        .find(|s| s.starts_with("tcp/") || s.starts_with("udp/"))
        .or(t.services.first())?
        .clone();
    let client = host(plan.endpoint.client_cidr.as_ref()?, 1);
    // Transit gateway attachments are IPv4 only.
    let v4 = |n: &ipnet::IpNet| match n {
        ipnet::IpNet::V4(n) => Some(*n),
        ipnet::IpNet::V6(_) => None,
    };
    let net = t
        .owned()
        .iter()
        .find_map(v4)
        .or_else(|| t.cidrs.iter().find_map(v4))?;
    let net = &net;
    let server = if t.subnet.is_some() {
        host(net, AWS_RESERVED)
    } else {
        host(net, 1)
    };
    let (client_port, server_port) = match service.split_once('/') {
        Some((_, range)) => {
            let eph = h.nacl.ephemeral;
            let cp = if eph.from <= SAMPLE_CLIENT_PORT && SAMPLE_CLIENT_PORT <= eph.to {
                SAMPLE_CLIENT_PORT
            } else {
                eph.from + (eph.to - eph.from) / 2
            };
            (
                Some(cp),
                range.split('-').next().and_then(|p| p.parse().ok()),
            )
        }
        None => (None, None),
    };
    let c = with_port(client, client_port);
    let s = with_port(server, server_port);

    let mut first: Vec<String> = plan
        .authorization_rules
        .iter()
        .filter(|a| a.reasons.iter().any(|r| r.target == t.name))
        .map(|a| {
            format!(
                "authorization {} for {}",
                a.cidr,
                a.group.as_deref().unwrap_or("all users")
            )
        })
        .collect();
    first.extend(
        plan.routes
            .iter()
            .filter(|r| r.reasons.iter().any(|re| re.target == t.name))
            .map(|r| format!("Client VPN route {} (no target subnet)", r.cidr)),
    );
    let mut hops = vec![
        Hop {
            at: "client → endpoint, inside the VPN tunnel".to_string(),
            source: c.clone(),
            destination: s.clone(),
            checked: first,
        },
        Hop {
            at: format!(
                "through transit gateway {}: no source NAT, the client address stays",
                tgw.id
            ),
            source: c.clone(),
            destination: s.clone(),
            checked: vec!["transit gateway route tables (not managed)".to_string()],
        },
    ];
    let nacl = |acl: &str, egress: bool, role: Role| -> Vec<String> {
        plan.nacl_entries
            .iter()
            .filter(|e| {
                e.network_acl == acl
                    && e.egress == egress
                    && serves(&e.reasons, &t.name, &service, role)
            })
            .map(|e| nacl_text(h, e, role))
            .collect()
    };
    match t.subnet.as_deref().and_then(|n| h.subnet(n)) {
        Some(dest) => {
            let dest_sg: Vec<String> = plan
                .security_group_rules
                .iter()
                .filter(|r| {
                    Some(&r.security_group) == t.security_group.as_ref()
                        && r.direction == Direction::Ingress
                        && serves(&r.reasons, &t.name, &service, Role::Request)
                })
                .map(|r| {
                    let peer = match &r.peer {
                        Peer::SecurityGroup(k) => format!("SG {}", h.sg_name(k)),
                        Peer::Cidr(c) => c.to_string(),
                    };
                    format!(
                        "SG {} ingress {} from {peer}",
                        h.sg_name(&r.security_group),
                        service
                    )
                })
                .collect();
            hops.push(Hop {
                at: format!("enters {} and reaches the target {}", dest.name, t.name),
                source: c.clone(),
                destination: s.clone(),
                checked: [nacl(&dest.network_acl, false, Role::Request), dest_sg].concat(),
            });
            hops.push(Hop {
                at: format!(
                    "reply leaves {} (security groups are stateful: no rule), back through the transit gateway",
                    dest.name
                ),
                source: s,
                destination: c,
                checked: nacl(&dest.network_acl, true, Role::Reply),
            });
        }
        None => hops.push(Hop {
            at: format!("on to {} outside the VPCs (its own firewall)", t.name),
            source: c,
            destination: s,
            checked: Vec::new(),
        }),
    }
    Some(SampleFlow {
        target: t.name.clone(),
        service,
        target_network: format!("transit gateway {}", tgw.id),
        client,
        eni: client,
        server,
        client_port,
        server_port,
        server_note: "an address inside the target's CIDR".to_string(),
        hops,
    })
}
