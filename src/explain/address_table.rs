//! One sample flow, hop by hop: the addresses a packet carries before and after the
//! endpoint's source NAT, and the reply's way back on an ephemeral port.
//! Addresses are examples derived from the plan's CIDRs; the rules named at each hop are
//! looked up in the plan by their reasons, never recomputed.

use super::Handout;
use crate::intent::Protocol;
use crate::plan::{Direction, Peer, Reason, Role, SecurityGroupRule, TargetPlan};
use ipnet::Ipv4Net;
use std::net::Ipv4Addr;

/// Where a sample client port is taken from when the reply range allows it: high
/// enough to look like what client operating systems pick.
const SAMPLE_CLIENT_PORT: u16 = 50_000;

/// AWS reserves the first four addresses of every subnet; the fifth is the first an
/// ENI or instance can have.
const AWS_RESERVED: u32 = 4;

/// An internet address for a target as wide as the internet (RFC 5737 documentation range).
const DOCUMENTATION_HOST: Ipv4Addr = Ipv4Addr::new(203, 0, 113, 10);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hop {
    /// Where the packet is.
    pub at: String,
    pub source: String,
    pub destination: String,
    /// The rules that decide at this hop.
    pub checked: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SampleFlow {
    pub target: String,
    pub service: String,
    pub target_network: String,
    pub client: Ipv4Addr,
    pub eni: Ipv4Addr,
    pub server: Ipv4Addr,
    pub client_port: Option<u16>,
    pub server_port: Option<u16>,
    /// How the target's sample address was chosen.
    pub server_note: String,
    pub hops: Vec<Hop>,
}

fn host(net: &Ipv4Net, offset: u32) -> Ipv4Addr {
    if net.prefix_len() >= 31 {
        return net.network();
    }
    let first = u32::from(net.network());
    let last = u32::from(net.broadcast());
    Ipv4Addr::from((first + offset).min(last - 1))
}

fn server_address(t: &TargetPlan) -> Option<Ipv4Addr> {
    let cidrs = v4(&t.cidrs);
    let net = cidrs.first()?;
    // An outside target's sample address lies in what it owns, not in a range it
    // yields to the VPC or a narrower target.
    let owned = v4(t.owned());
    Some(if t.subnet.is_some() {
        host(net, AWS_RESERVED)
    } else if net.prefix_len() <= 8 && owned.iter().any(|n| n.contains(&DOCUMENTATION_HOST)) {
        DOCUMENTATION_HOST
    } else {
        host(owned.first().unwrap_or(net), 1)
    })
}

/// The flow the table follows: a target across subnets if there is one (it shows
/// every layer), its first TCP/UDP service, through the first target network.
fn choose(h: &Handout) -> Option<(usize, String)> {
    let plan = h.plan;
    let tn = plan.target_networks.first()?;
    let crosses = |t: &TargetPlan| t.subnet.as_ref().is_some_and(|s| s != tn);
    let order = (0..plan.targets.len())
        .filter(|&i| crosses(&plan.targets[i]))
        .chain((0..plan.targets.len()).filter(|&i| plan.targets[i].subnet.is_some()))
        .chain(0..plan.targets.len());
    let i = order.into_iter().next()?;
    let t = &plan.targets[i];
    let service = t
        .services
        .iter()
        .find(|s| s.starts_with("tcp/") || s.starts_with("udp/"))
        .or(t.services.first())?
        .clone();
    Some((i, service))
}

fn with_port(ip: Ipv4Addr, port: Option<u16>) -> String {
    match port {
        Some(p) => format!("{ip}:{p}"),
        None => ip.to_string(),
    }
}

/// `NACL <acl> <direction> rule <n> (request|reply)`: a NACL entry as a hop names it.
pub(super) fn nacl_text(h: &Handout, e: &crate::plan::NaclEntry, role: Role) -> String {
    format!(
        "NACL {} {} rule {} ({})",
        h.acl_name(&e.network_acl),
        e.direction().as_str(),
        e.rule_number,
        if role == Role::Request {
            "request"
        } else {
            "reply"
        }
    )
}

/// The authorization rules whose CIDR holds `server`, as a hop names them: only those take
/// part in its longest-prefix match, and the longest decides.
pub(super) fn authorization_texts(
    plan: &crate::plan::Plan,
    server: std::net::IpAddr,
) -> Vec<String> {
    let covering: Vec<_> = plan
        .authorization_rules
        .iter()
        .filter(|a| a.cidr.contains(&server))
        .collect();
    let longest = covering.iter().map(|a| a.cidr.prefix_len()).max();
    covering
        .iter()
        .map(|a| {
            format!(
                "authorization {} for {}{}",
                a.cidr,
                a.group.as_deref().unwrap_or("all users"),
                if Some(a.cidr.prefix_len()) == longest && covering.len() > 1 {
                    " (longest prefix: decides)"
                } else {
                    ""
                }
            )
        })
        .collect()
}

pub(super) fn serves(
    reasons: &[Reason],
    target: &str,
    service: &str,
    tn: Option<&str>,
    role: Role,
) -> bool {
    reasons.iter().any(|r| {
        r.target == target
            && r.port == service
            && r.role == role
            && (tn.is_none() || r.target_network.as_deref() == tn)
    })
}

pub fn sample_flow(h: &Handout) -> Option<SampleFlow> {
    if h.plan.endpoint.transit_gateway.is_some() {
        return super::tgw_flow::sample_flow(h);
    }
    let plan = h.plan;
    let (ti, service) = choose(h)?;
    let t = &plan.targets[ti];
    let tn_name = plan.target_networks.first()?;
    let tn = h.subnet(tn_name)?;
    let client = host(plan.endpoint.client_cidr.as_ref()?, 1);
    let eni = host(&tn.cidr, AWS_RESERVED);
    let mut server = server_address(t)?;
    if server == eni {
        // Same subnet and no `hosts`: the target cannot share the ENI's address.
        if let Some(net) = v4(&t.cidrs).first() {
            let next = Ipv4Addr::from(u32::from(eni).saturating_add(1));
            if net.contains(&next) {
                server = next;
            }
        }
    }

    let (client_port, server_port) = match service.split_once('/') {
        Some((_, range)) => {
            let eph = h.nacl.ephemeral;
            let cp = if eph.from <= SAMPLE_CLIENT_PORT && SAMPLE_CLIENT_PORT <= eph.to {
                SAMPLE_CLIENT_PORT
            } else {
                eph.from + (eph.to - eph.from) / 2
            };
            let sp = range.split('-').next().and_then(|p| p.parse::<u16>().ok());
            (Some(cp), sp)
        }
        None => (None, None),
    };
    let server_note = match t.cidrs.first() {
        Some(n) if n.prefix_len() == 32 => "the host the intent names for the target",
        Some(_) if server == DOCUMENTATION_HOST => {
            "a documentation address (RFC 5737) standing for any internet host"
        }
        _ => "an address inside the target's CIDR",
    }
    .to_string();
    let c = with_port(client, client_port);
    let n = with_port(eni, client_port);
    let s = with_port(server, server_port);
    let icmp = service == "icmp";
    let what = |request: bool| -> String {
        if icmp {
            if request {
                " (ICMP echo request)"
            } else {
                " (ICMP echo reply)"
            }
            .to_string()
        } else {
            String::new()
        }
    };

    let mut hops = Vec::new();
    let auth = authorization_texts(plan, std::net::IpAddr::V4(server));
    let mut first = auth;
    if t.subnet.is_some() {
        first.push("route: the VPC's local route (added by AWS)".to_string());
    } else {
        first.extend(
            plan.routes
                .iter()
                .filter(|r| {
                    r.target_network.as_ref() == Some(tn_name)
                        && r.reasons.iter().any(|re| re.target == t.name)
                })
                .map(|r| {
                    format!(
                        "Client VPN route {} via {}",
                        r.cidr,
                        r.target_network.as_deref().unwrap_or("the transit gateway")
                    )
                }),
        );
    }
    hops.push(Hop {
        at: format!("client → endpoint, inside the VPN tunnel{}", what(true)),
        source: c.clone(),
        destination: s.clone(),
        checked: first,
    });
    let sg_rule = |r: &SecurityGroupRule| -> String {
        let peer = match &r.peer {
            Peer::SecurityGroup(k) => format!("SG {}", h.sg_name(k)),
            Peer::Cidr(c) => c.to_string(),
        };
        let what = match r.protocol {
            Protocol::All => "all traffic".to_string(),
            p => format!("{p} {}", ports(p, r.from_port, r.to_port)),
        };
        match r.direction {
            Direction::Ingress => format!(
                "SG {} ingress {what} from {peer}",
                h.sg_name(&r.security_group)
            ),
            Direction::Egress => format!(
                "SG {} egress {what} to {peer}",
                h.sg_name(&r.security_group)
            ),
        }
    };
    let endpoint_egress: Vec<String> = plan
        .security_group_rules
        .iter()
        .filter(|r| {
            Some(&r.security_group) == plan.endpoint.security_group.as_ref()
                && r.direction == Direction::Egress
                && serves(&r.reasons, &t.name, &service, None, Role::Request)
        })
        .map(sg_rule)
        .collect();
    hops.push(Hop {
        at: format!(
            "source NAT at the endpoint's ENI in {} ({}): the client address is replaced{}",
            tn.name,
            tn.cidr,
            if client_port.is_some() {
                "; the source port may be too"
            } else {
                ""
            }
        ),
        source: n.clone(),
        destination: s.clone(),
        checked: endpoint_egress,
    });

    let nacl = |acl: &str, egress: bool, role: Role| -> Vec<String> {
        plan.nacl_entries
            .iter()
            .filter(|e| {
                e.network_acl == acl
                    && e.egress == egress
                    && serves(&e.reasons, &t.name, &service, Some(tn_name), role)
            })
            .map(|e| nacl_text(h, e, role))
            .collect()
    };
    let dest_sg: Vec<String> = plan
        .security_group_rules
        .iter()
        .filter(|r| {
            Some(&r.security_group) == t.security_group.as_ref()
                && r.direction == Direction::Ingress
                && serves(&r.reasons, &t.name, &service, None, Role::Request)
        })
        .map(sg_rule)
        .collect();
    let acl_t = tn.network_acl.clone();
    match t.subnet.as_deref().and_then(|s| h.subnet(s)) {
        Some(dest) if dest.name == tn.name => {
            hops.push(Hop {
                at: format!(
                    "inside subnet {}: network ACLs do not see this traffic",
                    tn.name
                ),
                source: n.clone(),
                destination: s.clone(),
                checked: dest_sg,
            });
            hops.push(Hop {
                at: format!(
                    "reply{}, inside subnet {} (security groups are stateful)",
                    what(false),
                    tn.name
                ),
                source: s.clone(),
                destination: n.clone(),
                checked: Vec::new(),
            });
        }
        Some(dest) => {
            let acl_s = dest.network_acl.clone();
            hops.push(Hop {
                at: format!("leaves {}", tn.name),
                source: n.clone(),
                destination: s.clone(),
                checked: nacl(&acl_t, true, Role::Request),
            });
            hops.push(Hop {
                at: format!("enters {} and reaches the target {}", dest.name, t.name),
                source: n.clone(),
                destination: s.clone(),
                checked: [nacl(&acl_s, false, Role::Request), dest_sg].concat(),
            });
            hops.push(Hop {
                at: format!(
                    "reply{} leaves {} (security groups are stateful: no rule)",
                    what(false),
                    dest.name
                ),
                source: s.clone(),
                destination: n.clone(),
                checked: nacl(&acl_s, true, Role::Reply),
            });
            hops.push(Hop {
                at: format!("reply enters {}", tn.name),
                source: s.clone(),
                destination: n.clone(),
                checked: nacl(&acl_t, false, Role::Reply),
            });
        }
        None => {
            hops.push(Hop {
                at: format!(
                    "leaves {} for {} outside the VPC, through the subnet's route table",
                    tn.name, t.name
                ),
                source: n.clone(),
                destination: s.clone(),
                checked: [
                    nacl(&acl_t, true, Role::Request),
                    vec![
                        "route table, remote network and its firewall: not managed by shibori"
                            .to_string(),
                    ],
                ]
                .concat(),
            });
            hops.push(Hop {
                at: format!("reply{} enters {}", what(false), tn.name),
                source: s.clone(),
                destination: n.clone(),
                checked: nacl(&acl_t, false, Role::Reply),
            });
        }
    }
    hops.push(Hop {
        at: "endpoint reverses the NAT and sends the reply through the tunnel".to_string(),
        source: s,
        destination: c,
        checked: Vec::new(),
    });

    Some(SampleFlow {
        target: t.name.clone(),
        service,
        target_network: tn.name.clone(),
        client,
        eni,
        server,
        client_port,
        server_port,
        server_note,
        hops,
    })
}

/// `22`, `8080-8081`, `type 8`, `all`: AWS's FromPort/ToPort as people read them.
pub fn ports(protocol: Protocol, from: i32, to: i32) -> String {
    match protocol {
        Protocol::Tcp | Protocol::Udp if from == to => from.to_string(),
        Protocol::Tcp | Protocol::Udp => format!("{from}-{to}"),
        Protocol::Icmp => format!("type {from}"),
        Protocol::All => "all".to_string(),
    }
}

/// The IPv4 prefixes of a list of either family: the sample flow here is IPv4's.
fn v4(nets: &[ipnet::IpNet]) -> Vec<Ipv4Net> {
    use crate::net::Prefix;
    nets.iter()
        .filter_map(|n| Ipv4Net::from_ipnet(*n))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net(s: &str) -> Ipv4Net {
        s.parse().expect("cidr")
    }

    #[test]
    fn sample_hosts_stay_inside_their_network() {
        assert_eq!(
            host(&net("192.168.10.0/24"), AWS_RESERVED),
            Ipv4Addr::new(192, 168, 10, 4)
        );
        assert_eq!(
            host(&net("192.168.1.63/32"), AWS_RESERVED),
            Ipv4Addr::new(192, 168, 1, 63)
        );
        assert_eq!(
            host(&net("10.0.1.10/31"), AWS_RESERVED),
            Ipv4Addr::new(10, 0, 1, 10)
        );
        // Too small for the offset: the last host before the broadcast address.
        assert_eq!(
            host(&net("10.0.0.0/30"), AWS_RESERVED),
            Ipv4Addr::new(10, 0, 0, 2)
        );
        assert_eq!(host(&net("172.31.0.0/22"), 1), Ipv4Addr::new(172, 31, 0, 1));
    }
}
