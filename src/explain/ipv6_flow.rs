//! The IPv6 sample flow: like the IPv4 one, hop by hop, but without the source NAT step.
//! AWS does not translate IPv6 tunnel traffic, so the destination sees the client's own
//! address, which comes from the target networks' IPv6 CIDRs (docs/semantics.md, "IPv6 and
//! dual-stack"). The rules named at each hop are looked up in the plan by their reasons.

use super::address_table::{authorization_texts, nacl_text, ports, serves, Hop};
use super::Handout;
use crate::intent::Protocol;
use crate::plan::{Direction, Peer, Role, SecurityGroupRule};
use ipnet::{IpNet, Ipv6Net};
use std::net::Ipv6Addr;

/// A sample IPv6 flow: the target, its service, the target network, and the hops.
pub struct Ipv6Flow {
    pub target: String,
    pub service: String,
    pub target_network: String,
    pub hops: Vec<Hop>,
}

fn v6(net: &IpNet) -> Option<Ipv6Net> {
    match net {
        IpNet::V6(n) => Some(*n),
        IpNet::V4(_) => None,
    }
}

/// An example address inside `net`: `::10` past its network address when it fits.
fn sample(net: &Ipv6Net, offset: u128) -> Ipv6Addr {
    let first = u128::from(net.network());
    let last = u128::from(net.broadcast());
    Ipv6Addr::from(first.saturating_add(offset).min(last))
}

fn bracket(ip: Ipv6Addr, port: Option<u16>) -> String {
    match port {
        Some(p) => format!("[{ip}]:{p}"),
        None => ip.to_string(),
    }
}

pub fn sample_flow(h: &Handout) -> Option<Ipv6Flow> {
    let plan = h.plan;
    // A target with an IPv6 destination, in-VPC first.
    let (t, dest) = plan
        .targets
        .iter()
        .filter_map(|t| Some((t, t.owned().iter().find_map(v6)?)))
        .min_by_key(|(t, _)| t.subnet.is_none())?;
    let service = t
        .services
        .iter()
        .find(|s| s.starts_with("tcp/") || s.starts_with("udp/"))
        .or(t.services.first())?
        .clone();
    let tn_name = plan.target_networks.first()?;
    let tn = plan.subnets.iter().find(|s| &s.name == tn_name)?;
    let tn6 = tn.ipv6_cidr?;
    let client = sample(&tn6, 0x1000);
    let server = sample(&dest, if t.subnet.is_some() { 0x10 } else { 1 });
    let (cp, sp) = match service.split_once('/') {
        Some((_, range)) => {
            let eph = h.nacl.ephemeral;
            let cp = if eph.from <= 50_000 && 50_000 <= eph.to {
                50_000
            } else {
                eph.from
            };
            (
                Some(cp),
                range.split('-').next().and_then(|p| p.parse().ok()),
            )
        }
        None => (None, None),
    };
    let c = bracket(client, cp);
    let s = bracket(server, sp);
    let is_v6 = |n: &IpNet| matches!(n, IpNet::V6(_));
    let sg_rule = |r: &SecurityGroupRule| -> String {
        let peer = match &r.peer {
            Peer::SecurityGroup(k) => format!("SG {}", h.sg_name(k)),
            Peer::Cidr(c) => c.to_string(),
        };
        let what = match r.protocol {
            Protocol::All => "all traffic".to_string(),
            Protocol::Icmp => format!("icmpv6 {}", ports(Protocol::Icmp, r.from_port, r.to_port)),
            p => format!("{p} {}", ports(p, r.from_port, r.to_port)),
        };
        let dir = match r.direction {
            Direction::Ingress => "ingress",
            Direction::Egress => "egress",
        };
        let to = match r.direction {
            Direction::Ingress => "from",
            Direction::Egress => "to",
        };
        format!(
            "SG {} {dir} {what} {to} {peer}",
            h.sg_name(&r.security_group)
        )
    };
    let sg = |group: Option<&String>, direction: Direction| -> Vec<String> {
        plan.security_group_rules
            .iter()
            .filter(|r| {
                Some(&r.security_group) == group
                    && r.direction == direction
                    && matches!(&r.peer, Peer::Cidr(c) if is_v6(c))
                    && serves(&r.reasons, &t.name, &service, None, Role::Request)
            })
            .map(sg_rule)
            .collect()
    };
    let nacl = |acl: &str, egress: bool, role: Role| -> Vec<String> {
        plan.nacl_entries
            .iter()
            .filter(|e| {
                e.network_acl == acl
                    && e.egress == egress
                    && is_v6(&e.cidr)
                    && serves(&e.reasons, &t.name, &service, Some(tn_name), role)
            })
            .map(|e| nacl_text(h, e, role))
            .collect()
    };
    let mut first = authorization_texts(plan, std::net::IpAddr::V6(server));
    first.extend(
        plan.routes
            .iter()
            .filter(|r| {
                r.target_network.as_ref() == Some(tn_name)
                    && r.cidr.contains(&std::net::IpAddr::V6(server))
            })
            .map(|r| format!("Client VPN route {} via {tn_name}", r.cidr)),
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
                "the endpoint's ENI in {tn_name}: no address translation for IPv6; the client's address comes from {tn6}"
            ),
            source: c.clone(),
            destination: s.clone(),
            checked: sg(plan.endpoint.security_group.as_ref(), Direction::Egress),
        },
    ];
    let acl_t = tn.network_acl.clone();
    let dest_subnet = t
        .subnet
        .as_deref()
        .and_then(|n| plan.subnets.iter().find(|s| s.name == n));
    match dest_subnet {
        Some(d) if d.name == tn.name => hops.push(Hop {
            at: format!(
                "inside subnet {}: network ACLs do not see this traffic",
                tn.name
            ),
            source: c.clone(),
            destination: s.clone(),
            checked: sg(t.security_group.as_ref(), Direction::Ingress),
        }),
        Some(d) => {
            hops.push(Hop {
                at: format!("leaves {tn_name}"),
                source: c.clone(),
                destination: s.clone(),
                checked: nacl(&acl_t, true, Role::Request),
            });
            let mut checked = nacl(&d.network_acl, false, Role::Request);
            checked.extend(sg(t.security_group.as_ref(), Direction::Ingress));
            hops.push(Hop {
                at: format!("enters {} and reaches the target {}", d.name, t.name),
                source: c.clone(),
                destination: s.clone(),
                checked,
            });
            hops.push(Hop {
                at: format!("reply leaves {}", d.name),
                source: s.clone(),
                destination: c.clone(),
                checked: nacl(&d.network_acl, true, Role::Reply),
            });
            hops.push(Hop {
                at: format!("reply enters {tn_name}, back through the tunnel"),
                source: s.clone(),
                destination: c.clone(),
                checked: nacl(&acl_t, false, Role::Reply),
            });
        }
        None => {
            hops.push(Hop {
                at: format!("leaves {tn_name} towards {}", t.name),
                source: c.clone(),
                destination: s.clone(),
                checked: nacl(&acl_t, true, Role::Request),
            });
            hops.push(Hop {
                at: format!("reply enters {tn_name}, back through the tunnel"),
                source: s.clone(),
                destination: c.clone(),
                checked: nacl(&acl_t, false, Role::Reply),
            });
        }
    }
    Some(Ipv6Flow {
        target: t.name.clone(),
        service,
        target_network: tn_name.clone(),
        hops,
    })
}
