//! What a deployed endpoint seems to grant, per authorization-rule CIDR: the targets of a
//! starter intent. Every inference is returned with the note that `import` writes as a
//! `# check:` comment (see `docs/audit.md`): a snapshot holds no instances, so which
//! security group protects which subnet is read from names, never known.

use crate::aws::{nacl, set, Proto, Span};
use crate::net::contains;
use crate::verify::model::{Ident, NaclRule};

/// A port of the starter intent: its text (`tcp/22`), and what a packet of it is.
type Port = (String, Proto, Span);
use crate::verify::read::snapshot::{Authorization, Endpoint, SecurityGroup, Snapshot};
use ipnet::Ipv4Net;
use std::collections::BTreeMap;

/// A subnet of the starter intent.
#[derive(Debug, Clone)]
pub struct SubnetOut {
    pub name: String,
    pub id: String,
    pub cidr: Ipv4Net,
    pub ipv6_cidr: Option<ipnet::Ipv6Net>,
    pub az: Option<String>,
    pub acl: Option<String>,
}

#[derive(Debug, Clone)]
pub enum Dest {
    Subnet { subnet: String, hosts: Vec<Ipv4Net> },
    Outside(Ipv4Net),
}

#[derive(Debug, Clone)]
pub struct TargetOut {
    pub name: String,
    pub dest: Dest,
    pub ports: Vec<String>,
    pub groups: Vec<String>,
    pub security_group: Option<String>,
    pub checks: Vec<String>,
}

/// `Name` tag → `[a-z][a-z0-9-]{0,39}`, else the fallback.
pub fn sanitize(raw: &str, fallback: &str) -> String {
    let mut s: String = raw
        .to_ascii_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    while s.contains("--") {
        s = s.replace("--", "-");
    }
    let s = s.trim_matches('-').to_string();
    let s = match s.chars().next() {
        Some(c) if c.is_ascii_lowercase() => s,
        Some(_) => format!("s-{s}"),
        None => fallback.to_string(),
    };
    let mut s: String = s.chars().take(40).collect();
    while s.ends_with('-') {
        s.pop();
    }
    s
}

fn unique(name: String, taken: &mut Vec<String>) -> String {
    let mut n = name.clone();
    let mut i = 2;
    while taken.contains(&n) {
        let suffix = format!("-{i}");
        n = format!(
            "{}{suffix}",
            &name[..name.len().min(40 - suffix.len())].trim_end_matches('-')
        );
        i += 1;
    }
    taken.push(n.clone());
    n
}

fn net(text: &str) -> Option<Ipv4Net> {
    text.trim().parse::<Ipv4Net>().ok().map(|n| n.trunc())
}

/// The subnets the starter intent declares: the target networks and every subnet that an
/// authorization rule reaches, named by their `Name` tag.
pub fn subnets(
    snap: &Snapshot,
    vpc: &str,
    associated: &[String],
    auth: &[&Authorization],
) -> Vec<SubnetOut> {
    let mut taken = Vec::new();
    let acl_of: BTreeMap<&str, &str> = snap
        .network_acls
        .iter()
        .flat_map(|(_, a)| {
            a.associations
                .iter()
                .map(move |s| (s.subnet_id.as_str(), a.network_acl_id.as_str()))
        })
        .collect();
    let mut out = Vec::new();
    let mut subnets: Vec<_> = snap
        .subnets
        .iter()
        .map(|(_, s)| s)
        .filter(|s| s.vpc_id.as_deref().is_none_or(|v| v == vpc))
        .collect();
    subnets.sort_by(|a, b| {
        (!associated.contains(&a.subnet_id), net(&a.cidr_block))
            .cmp(&(!associated.contains(&b.subnet_id), net(&b.cidr_block)))
    });
    for s in subnets {
        let Some(cidr) = net(&s.cidr_block) else {
            continue;
        };
        let is_tn = associated.contains(&s.subnet_id);
        let reached = auth
            .iter()
            .filter_map(|a| net(&a.destination_cidr))
            .any(|a| contains(&a, &cidr) || contains(&cidr, &a));
        if !is_tn && !reached {
            continue;
        }
        let tag = s
            .tags
            .iter()
            .find(|t| t.key == "Name")
            .map(|t| t.value.as_str());
        let chars: Vec<char> = s.subnet_id.chars().collect();
        let tail: String = chars[chars.len().saturating_sub(6)..].iter().collect();
        let fallback = sanitize(&format!("subnet-{tail}"), "subnet");
        let name = unique(sanitize(tag.unwrap_or(""), &fallback), &mut taken);
        out.push(SubnetOut {
            name,
            id: s.subnet_id.clone(),
            cidr,
            ipv6_cidr: s
                .ipv6_cidr_block_association_set
                .iter()
                .find_map(|c| c.live()),
            az: is_tn.then(|| s.availability_zone.clone()).flatten(),
            acl: acl_of.get(s.subnet_id.as_str()).map(|a| a.to_string()),
        });
    }
    out
}

/// `tcp/22`, `udp/53`, `icmp`, `all` for what a group opens to the endpoint.
fn port_specs(g: &SecurityGroup, ep: &Endpoint, tn_cidrs: &[Ipv4Net]) -> Vec<Port> {
    let mut specs: Vec<Port> = Vec::new();
    for p in &g.ip_permissions {
        let admits = p.user_id_group_pairs.iter().any(|u| {
            u.group_id
                .as_ref()
                .is_some_and(|id| ep.security_group_ids.contains(id))
        }) || p
            .ip_ranges
            .iter()
            .filter_map(|r| net(&r.cidr_ip))
            .any(|c| tn_cidrs.iter().any(|t| contains(&c, t)));
        if !admits {
            continue;
        }
        let proto = match p.ip_protocol.as_str() {
            "6" => "tcp",
            "17" => "udp",
            "1" => "icmp",
            other => other,
        };
        let span = |f: Option<i64>, t: Option<i64>| match (f, t) {
            (Some(f), Some(t)) if (0..=65535).contains(&f) && (f..=65535).contains(&t) => Span {
                from: f as u16,
                to: t as u16,
            },
            _ => Span::ALL_PORTS,
        };
        let port = match (proto, p.from_port, p.to_port) {
            ("-1", _, _) => ("all".to_string(), Proto::All, Span::ALL_PORTS),
            // The endpoint's clients ping: echo request, as the intent's `icmp` means.
            ("icmp", _, _) => ("icmp".to_string(), Proto::Icmp, Span { from: 8, to: 8 }),
            (pr @ ("tcp" | "udp"), f, t) => {
                let sp = span(f, t);
                let text = if sp.from == sp.to {
                    format!("{pr}/{}", sp.from)
                } else {
                    format!("{pr}/{}-{}", sp.from, sp.to)
                };
                let proto = if pr == "tcp" { Proto::Tcp } else { Proto::Udp };
                (text, proto, sp)
            }
            _ => continue,
        };
        if !specs.iter().any(|s| s.0 == port.0) {
            specs.push(port);
        }
    }
    specs
}

fn group_label(g: &SecurityGroup) -> String {
    g.group_name.clone().unwrap_or_else(|| g.group_id.clone())
}

/// The groups of the most specific authorization rules that contain `cidr`.
fn audience(auth: &[&Authorization], cidr: &Ipv4Net) -> Option<(Ipv4Net, Vec<String>)> {
    let best = auth
        .iter()
        .filter_map(|a| net(&a.destination_cidr))
        .filter(|a| contains(a, cidr))
        .max_by_key(|a| a.prefix_len())?;
    let mut groups: Vec<String> = Vec::new();
    let mut all = false;
    for a in auth {
        if net(&a.destination_cidr) == Some(best) {
            match (&a.group_id, a.access_all) {
                (_, Some(true)) => all = true,
                (Some(g), _) if !g.is_empty() => groups.push(g.clone()),
                _ => all = true,
            }
        }
    }
    groups.sort();
    groups.dedup();
    Some((best, if all { Vec::new() } else { groups }))
}

pub struct Inputs<'a> {
    pub snap: &'a Snapshot,
    pub ep: &'a Endpoint,
    pub vpc_cidrs: &'a [Ipv4Net],
    pub subnets: &'a [SubnetOut],
    pub target_networks: &'a [String],
    pub auth: &'a [&'a Authorization],
    /// The snapshot's ACL entries per (ACL ID, egress), by rule number.
    pub acl_rules: &'a BTreeMap<(String, bool), Vec<&'a NaclRule>>,
}

/// Do the ACLs on the request path (target network egress, destination ingress) let any of
/// `port` through from at least one target network? An ACL the snapshot lacks is open.
fn acl_open(x: &Inputs, dest: &SubnetOut, port: &Port) -> bool {
    let (_, proto, span) = port;
    let allows = |acl: &Option<String>, egress: bool, peer: &Ipv4Net| -> bool {
        let Some(acl) = acl else {
            return true;
        };
        let empty = Vec::new();
        let rules = x.acl_rules.get(&(acl.clone(), egress)).unwrap_or(&empty);
        let o = nacl::evaluate(rules, peer, *proto);
        let wanted = set(*span);
        // Some of the port's range passes: allowed ∩ wanted is not empty.
        wanted.difference(&o.allowed) != wanted
    };
    x.subnets
        .iter()
        .filter(|t| x.target_networks.contains(&t.name))
        .any(|t| allows(&t.acl, true, &dest.cidr) && allows(&dest.acl, false, &t.cidr))
}

/// The snapshot's ACL entries, grouped for `acl_open`.
pub fn acl_rules(rules: &[NaclRule]) -> BTreeMap<(String, bool), Vec<&NaclRule>> {
    let mut out: BTreeMap<(String, bool), Vec<&NaclRule>> = BTreeMap::new();
    for r in rules {
        if let Ident::Id(a) = &r.acl {
            out.entry((a.clone(), r.egress)).or_default().push(r);
        }
    }
    for v in out.values_mut() {
        v.sort_by_key(|r| r.number);
    }
    out
}

/// One target per authorization-rule CIDR: a subnet (or hosts inside one), an outside
/// CIDR; a CIDR that spans several subnets (the whole VPC) becomes one target per subnet
/// it covers that no narrower rule claims.
pub fn targets(x: &Inputs) -> Vec<TargetOut> {
    let tn_cidrs: Vec<Ipv4Net> = x
        .subnets
        .iter()
        .filter(|s| x.target_networks.contains(&s.name))
        .map(|s| s.cidr)
        .collect();
    let candidates: Vec<&SecurityGroup> = x
        .snap
        .security_groups
        .iter()
        .map(|(_, g)| g)
        .filter(|g| !x.ep.security_group_ids.contains(&g.group_id))
        .filter(|g| !port_specs(g, x.ep, &tn_cidrs).is_empty())
        .collect();
    let mut cidrs: Vec<Ipv4Net> = x
        .auth
        .iter()
        .filter_map(|a| net(&a.destination_cidr))
        .collect();
    cidrs.sort();
    cidrs.dedup();
    let mut taken = Vec::new();
    let mut out = Vec::new();
    let in_vpc = |c: &Ipv4Net| x.vpc_cidrs.iter().any(|v| contains(v, c));
    for c in &cidrs {
        if !in_vpc(c) {
            let (_, groups) = audience(x.auth, c).unwrap_or((*c, Vec::new()));
            let name = unique(
                sanitize(&format!("net-{}", c.network()), "outside"),
                &mut taken,
            );
            out.push(TargetOut {
                name,
                dest: Dest::Outside(*c),
                ports: vec!["all".into()],
                groups,
                security_group: None,
                checks: vec![format!(
                    "authorization for {c} reaches outside the VPC; the snapshot cannot tell which ports are meant: narrow `ports`"
                )],
            });
            continue;
        }
        // Subnets this CIDR reaches, whole or in part.
        let inside: Vec<&SubnetOut> = x
            .subnets
            .iter()
            .filter(|s| !x.target_networks.contains(&s.name))
            .filter(|s| contains(c, &s.cidr) || contains(&s.cidr, c))
            .collect();
        for s in inside {
            let dest_cidr = if contains(&s.cidr, c) { *c } else { s.cidr };
            // A narrower rule claims this piece: the broader one yields it.
            let Some((best, groups)) = audience(x.auth, &dest_cidr) else {
                continue;
            };
            if best != *c {
                continue;
            }
            let hosts = if dest_cidr == s.cidr {
                Vec::new()
            } else {
                vec![dest_cidr]
            };
            let mut checks = Vec::new();
            if contains(c, &s.cidr) && *c != s.cidr {
                checks.push(format!(
                    "from the authorization for {c}, which covers all of subnet `{}`",
                    s.name
                ));
            }
            let by_name: Vec<&SecurityGroup> = candidates
                .iter()
                .copied()
                .filter(|g| {
                    let n = sanitize(&group_label(g), "");
                    !n.is_empty() && (n.contains(&s.name) || s.name.contains(&n))
                })
                .collect();
            let (sg, ports) = match (by_name.as_slice(), candidates.as_slice()) {
                ([g], _) | ([], [g]) => {
                    checks.push(format!(
                        "security group {} ({}) is taken to protect this target: it admits the endpoint; the snapshot does not say which instances use it",
                        g.group_id,
                        group_label(g)
                    ));
                    (Some(g.group_id.clone()), port_specs(g, x.ep, &tn_cidrs))
                }
                _ => {
                    let mut ports: Vec<Port> = Vec::new();
                    for g in &candidates {
                        for p in port_specs(g, x.ep, &tn_cidrs) {
                            if !ports.iter().any(|q| q.0 == p.0) {
                                ports.push(p);
                            }
                        }
                    }
                    checks.push(format!(
                        "which security group protects this target? candidates that admit the endpoint: {}",
                        candidates
                            .iter()
                            .map(|g| format!("{} ({})", g.group_id, group_label(g)))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                    (None, ports)
                }
            };
            let (open, blocked): (Vec<Port>, Vec<Port>) =
                ports.into_iter().partition(|p| acl_open(x, s, p));
            if !blocked.is_empty() {
                checks.push(format!(
                    "left out {}: the security group opens it, but the network ACLs block it from every target network",
                    blocked.iter().map(|p| p.0.as_str()).collect::<Vec<_>>().join(", ")
                ));
            }
            let ports: Vec<String> = open.into_iter().map(|p| p.0).collect();
            let ports = if ports.is_empty() {
                checks.push(
                    "no security group opens a port to the endpoint here: choose the ports".into(),
                );
                vec!["all".to_string()]
            } else {
                checks.push(
                    "ports are those the security group opens to the endpoint; keep only those meant"
                        .into(),
                );
                ports
            };
            let name = unique(s.name.clone(), &mut taken);
            out.push(TargetOut {
                name,
                dest: Dest::Subnet {
                    subnet: s.name.clone(),
                    hosts,
                },
                ports,
                groups,
                security_group: sg,
                checks,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_intent_pattern() {
        assert_eq!(sanitize("Private App (AZ-a)", "x"), "private-app-az-a");
        assert_eq!(sanitize("10.0.1.0", "x"), "s-10-0-1-0");
        assert_eq!(sanitize("日本", "fallback"), "fallback");
        assert_eq!(sanitize(&"a".repeat(60), "x").len(), 40);
        let mut taken = vec!["app".to_string()];
        assert_eq!(unique("app".into(), &mut taken), "app-2");
        assert_eq!(unique("app".into(), &mut taken), "app-3");
    }
}
