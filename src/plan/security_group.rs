//! docs/semantics.md#endpoint-security-group and #destination-security-groups: the dedicated endpoint security group and the destination groups
//! that admit it. Because of the source NAT, the endpoint SG is the only identity a
//! destination can see, so destinations reference it rather than any address.

use super::{
    quotas, text, Direction, Names, Peer, Reason, Role, SecurityGroup, SecurityGroupRule, SgRole,
};
use crate::diagnostic::Diagnostic;
use crate::fast_hash::FastMap;
use crate::intent::file::Egress;
use crate::intent::{Destination, Intent, Protocol, Service, Target};
use crate::net::{PortRange, PortSet, Prefix};
use ipnet::{IpNet, Ipv6Net};
use std::collections::BTreeMap;

pub const ENDPOINT_KEY: &str = "endpoint";

/// The key of the security group a target's instances carry: the existing group's ID,
/// or the target's name for a group shibori creates.
pub fn destination_key<N>(t: &Target<N>) -> String {
    t.security_group.clone().unwrap_or_else(|| t.name.clone())
}

/// AWS's FromPort/ToPort for a service towards `peer`: ICMP echo request is type 8, any
/// code; towards an IPv6 peer the rule is ICMPv6, whose echo request is type 128.
fn aws_ports(protocol: Protocol, range: PortRange, peer: &Peer) -> (i32, i32) {
    match protocol {
        Protocol::Tcp | Protocol::Udp => (i32::from(range.from), i32::from(range.to)),
        Protocol::Icmp => {
            let family = match peer {
                Peer::Cidr(IpNet::V6(_)) => crate::net::Family::Ipv6,
                Peer::Cidr(IpNet::V4(_)) | Peer::SecurityGroup(_) => crate::net::Family::Ipv4,
            };
            (i32::from(super::nacl::echo(family).0), -1)
        }
        Protocol::All => (-1, -1),
    }
}

/// The ports wanted towards one peer and protocol, and who wants each range
/// (`ranges[i]` is what `reasons[i]` wants).
#[derive(Default)]
struct Wanted {
    set: PortSet,
    ranges: Vec<PortRange>,
    reasons: Vec<Reason>,
}

/// Rules of one group and direction, merged exactly per peer and protocol. Keyed by
/// peer first so that a repeated peer is found by reference, without building a key;
/// the few protocols of a peer live in a short list kept in protocol order.
#[derive(Default)]
struct Pending {
    ports: BTreeMap<Peer, Vec<(Protocol, Wanted)>>,
}

impl Pending {
    /// Adds what one target wants towards `peer`: its services share the peer, so the
    /// peer is looked up once.
    fn add<'s>(&mut self, peer: &Peer, wants: impl IntoIterator<Item = (&'s Service, Reason)>) {
        let by_protocol = match self.ports.get_mut(peer) {
            Some(m) => m,
            None => self.ports.entry(peer.clone()).or_default(),
        };
        for (s, reason) in wants {
            let i = match by_protocol.binary_search_by_key(&s.protocol, |(p, _)| *p) {
                Ok(i) => i,
                Err(i) => {
                    by_protocol.insert(i, (s.protocol, Wanted::default()));
                    i
                }
            };
            let w = &mut by_protocol[i].1;
            w.set.insert(s.ports);
            w.ranges.push(s.ports);
            w.reasons.push(reason);
        }
    }

    fn into_rules(
        self,
        sg: &str,
        direction: Direction,
        describe: impl Fn(&[Reason]) -> String,
    ) -> Vec<SecurityGroupRule> {
        let count = self
            .ports
            .values()
            .flatten()
            .map(|(_, w)| w.set.ranges().len())
            .sum();
        let mut out = Vec::with_capacity(count);
        for (peer, by_protocol) in self.ports {
            for (protocol, wanted) in by_protocol {
                for (range, reasons) in split(wanted) {
                    let (from_port, to_port) = aws_ports(protocol, range, &peer);
                    out.push(SecurityGroupRule {
                        key: rule_key(sg, direction, protocol, &range, &peer),
                        logical_id: String::new(),
                        security_group: sg.to_string(),
                        direction,
                        protocol,
                        from_port,
                        to_port,
                        peer: peer.clone(),
                        description: describe(&reasons),
                        reasons,
                    });
                }
            }
        }
        out
    }
}

/// The reasons of each range of the wanted set, sorted and deduplicated. The set is
/// the union of the wanted ranges, so each lies inside exactly one of its ranges: the
/// reasons move there instead of being cloned per overlapping range.
fn split(wanted: Wanted) -> Vec<(PortRange, Vec<Reason>)> {
    let Wanted {
        set,
        ranges: wants,
        mut reasons,
    } = wanted;
    let ranges = set.ranges();
    if let [only] = ranges {
        // The usual case: every reason belongs to the one range, in one sort.
        reasons.sort();
        reasons.dedup();
        return vec![(*only, reasons)];
    }
    let mut out: Vec<(PortRange, Vec<Reason>)> = ranges.iter().map(|&r| (r, Vec::new())).collect();
    for (r, reason) in wants.iter().zip(reasons) {
        let i = ranges.partition_point(|x| x.to < r.from);
        debug_assert!(ranges.get(i).is_some_and(|x| x.contains_range(r)));
        if let Some((_, list)) = out.get_mut(i) {
            list.push(reason);
        }
    }
    for (_, list) in &mut out {
        list.sort();
        list.dedup();
    }
    out
}

/// `<group>.<direction>.<protocol>[-<ports>].<peer>`, the rule's stable key.
fn rule_key(
    sg: &str,
    direction: Direction,
    protocol: Protocol,
    range: &PortRange,
    peer: &Peer,
) -> String {
    let mut key = String::with_capacity(sg.len() + 48);
    key.push_str(sg);
    key.push('.');
    key.push_str(direction.as_str());
    key.push('.');
    key.push_str(protocol.as_str());
    if protocol.has_ports() {
        key.push('-');
        text::push_ports(&mut key, range);
    }
    key.push('.');
    match peer {
        Peer::SecurityGroup(k) => {
            key.push_str("sg-");
            key.push_str(k);
        }
        Peer::Cidr(c) => text::push_ip_cidr(&mut key, c),
    }
    key
}

/// SG rule descriptions allow only `a-zA-Z0-9. _-:/()#,@[]+=&;{}!$*` and 255 characters;
/// target names and canonical ports stay inside that alphabet by construction.
fn describe(reasons: &[Reason]) -> String {
    text::description(reasons.iter().map(|r| [r.target.as_str(), r.port.as_str()]))
}

/// The endpoint group and the destination groups, for the IPv4 view `intent` and, when the
/// tunnel carries IPv6, its IPv6 view `v6` (with its own names).
pub fn plan(
    intent: &Intent,
    names: &Names,
    v6: Option<(&Intent<Ipv6Net>, &Names)>,
    warnings: &mut Vec<Diagnostic>,
) -> (Vec<SecurityGroup>, Vec<SecurityGroupRule>) {
    if intent.endpoint.transit_gateway().is_some() {
        return transit_gateway_plan(intent, names, warnings);
    }
    let groups = vec![SecurityGroup {
        key: ENDPOINT_KEY.to_string(),
        logical_id: String::new(),
        id: None,
        name: format!("{}-client-vpn-endpoint", intent.name),
        role: SgRole::Endpoint,
        description: format!(
            "Client VPN endpoint {} (no inbound; managed by shibori)",
            intent.name
        ),
        targets: Vec::new(),
        vpc_id: None,
    }];
    let mut rules = Vec::new();

    // Endpoint SG egress, per family the tunnel carries.
    let mut endpoint_rules = Vec::new();
    if intent.carried {
        endpoint_rules.extend(endpoint_egress(intent, names));
    }
    if let Some((v6, names6)) = v6 {
        endpoint_rules.extend(endpoint_egress(v6, names6));
    }
    rules.extend(endpoint_rules);

    // Destination SGs: one per in-VPC target, or the existing group it names.
    // `pending[i]` holds the rules of `groups[i]` (none for the endpoint group).
    let mut dest = Destinations {
        groups,
        pending: vec![Pending::default()],
        index: FastMap::default(),
    };
    // IPv4: the endpoint translates clients to its ENIs' addresses, so the endpoint
    // security group is the one identity destinations see.
    let endpoint = Peer::SecurityGroup(ENDPOINT_KEY.to_string());
    dest.add(intent, names, std::slice::from_ref(&endpoint));
    // IPv6 is not translated: destinations see the clients' own addresses, which AWS
    // takes from the target networks' IPv6 CIDRs (docs/semantics.md, "IPv6 and
    // dual-stack").
    if let Some((v6, names6)) = v6 {
        let networks: Vec<Ipv6Net> = crate::net::aggregate(
            &v6.target_networks
                .iter()
                .map(|&i| v6.subnets[i].cidr)
                .collect::<Vec<_>>(),
        );
        let peers: Vec<Peer> = networks.into_iter().map(|n| Peer::Cidr(n.into())).collect();
        dest.add(v6, names6, &peers);
    }
    let Destinations {
        groups, pending, ..
    } = dest;
    // Keep groups in intent order (endpoint first), rules grouped by their group.
    for (g, p) in groups.iter().zip(pending).skip(1) {
        rules.extend(p.into_rules(&g.key, Direction::Ingress, describe));
    }

    warnings.extend(quota_warnings(&rules));
    (groups, rules)
}

/// Destination groups being gathered, over both families' views.
struct Destinations {
    groups: Vec<SecurityGroup>,
    pending: Vec<Pending>,
    index: FastMap<String, usize>,
}

impl Destinations {
    /// Each in-VPC target of `intent` admits its services from every one of `peers`.
    fn add<N: Prefix>(&mut self, intent: &Intent<N>, names: &Names, peers: &[Peer]) {
        for (ti, t) in intent.targets.iter().enumerate() {
            let Destination::Subnet { .. } = t.destination else {
                continue;
            };
            let key = t.security_group.as_deref().unwrap_or(&t.name);
            let i = match self.index.get(key) {
                Some(&i) => {
                    if !self.groups[i].targets.contains(&t.name) {
                        self.groups[i].targets.push(t.name.clone());
                    }
                    i
                }
                None => {
                    self.index.insert(key.to_string(), self.groups.len());
                    self.groups.push(destination_group(intent, t));
                    self.pending.push(Pending::default());
                    self.groups.len() - 1
                }
            };
            for peer in peers {
                self.pending[i].add(peer, requests(names, ti, t));
            }
        }
    }
}

/// The endpoint group's egress for one family's view.
fn endpoint_egress<N: Prefix>(intent: &Intent<N>, names: &Names) -> Vec<SecurityGroupRule> {
    let any: IpNet = N::any().into();
    match intent.endpoint.egress {
        Egress::All => vec![SecurityGroupRule {
            key: format!("{ENDPOINT_KEY}.egress.all.{any}"),
            logical_id: String::new(),
            security_group: ENDPOINT_KEY.to_string(),
            direction: Direction::Egress,
            protocol: Protocol::All,
            from_port: -1,
            to_port: -1,
            peer: Peer::Cidr(any),
            description: "shibori: all traffic out (egress: all); destinations filter".to_string(),
            reasons: intent
                .targets
                .iter()
                .enumerate()
                .flat_map(|(ti, t)| {
                    (0..t.services.len()).map(move |si| Reason {
                        target: names.target(ti).clone(),
                        port: names.service(ti, si).clone(),
                        target_network: None,
                        role: Role::Request,
                    })
                })
                .collect(),
        }],
        Egress::Strict => {
            let mut pending = Pending::default();
            for (ti, t) in intent.targets.iter().enumerate() {
                let peers: Vec<Peer> = match &t.destination {
                    // IPv4 destinations are reached through their security group; IPv6
                    // ones by address, which needs no assumption about how a group
                    // reference treats untranslated traffic.
                    Destination::Subnet { cidrs, .. } if N::FAMILY == crate::net::Family::Ipv6 => {
                        cidrs.iter().map(|c| Peer::Cidr((*c).into())).collect()
                    }
                    Destination::Subnet { .. } => vec![Peer::SecurityGroup(destination_key(t))],
                    Destination::Outside { cidr } => vec![Peer::Cidr((*cidr).into())],
                };
                for peer in &peers {
                    pending.add(peer, requests(names, ti, t));
                }
            }
            pending.into_rules(ENDPOINT_KEY, Direction::Egress, describe)
        }
    }
}

fn requests<'a, N>(
    names: &'a Names,
    ti: usize,
    t: &'a Target<N>,
) -> impl Iterator<Item = (&'a Service, Reason)> + 'a {
    t.services.iter().enumerate().map(move |(si, s)| {
        let reason = Reason {
            target: names.target(ti).clone(),
            port: names.service(ti, si).clone(),
            target_network: None,
            role: Role::Request,
        };
        (s, reason)
    })
}

/// The group a target's instances carry, first seen at target `t`.
fn destination_group<N>(intent: &Intent<N>, t: &Target<N>) -> SecurityGroup {
    let mut name = String::with_capacity(intent.name.len() + 1 + t.name.len());
    name.push_str(&intent.name);
    name.push('-');
    name.push_str(&t.name);
    let mut description = String::with_capacity(t.name.len() + 44);
    description.push_str("Client VPN access to ");
    description.push_str(&t.name);
    description.push_str(" (managed by shibori)");
    SecurityGroup {
        key: destination_key(t),
        logical_id: String::new(),
        id: t.security_group.clone(),
        name,
        role: SgRole::Destination,
        description,
        targets: vec![t.name.clone()],
        vpc_id: match t.destination {
            Destination::Subnet { subnet, .. } if t.security_group.is_none() => {
                intent.subnets[subnet].vpc_id.clone()
            }
            _ => None,
        },
    }
}

/// A transit gateway attachment has no endpoint security group and does not NAT: the
/// destination groups admit the client CIDR itself, on the targets' ports
/// (`docs/transit-gateway.md`).
fn transit_gateway_plan(
    intent: &Intent,
    names: &Names,
    warnings: &mut Vec<Diagnostic>,
) -> (Vec<SecurityGroup>, Vec<SecurityGroupRule>) {
    let mut groups: Vec<SecurityGroup> = Vec::new();
    let mut pending: Vec<Pending> = Vec::new();
    let mut index: FastMap<String, usize> = FastMap::default();
    let clients = Peer::Cidr(intent.endpoint.ipv4_clients().into());
    for (ti, t) in intent.targets.iter().enumerate() {
        let Destination::Subnet { .. } = t.destination else {
            continue;
        };
        let key = t.security_group.as_deref().unwrap_or(&t.name);
        let i = match index.get(key) {
            Some(&i) => {
                groups[i].targets.push(t.name.clone());
                i
            }
            None => {
                index.insert(key.to_string(), groups.len());
                groups.push(destination_group(intent, t));
                pending.push(Pending::default());
                groups.len() - 1
            }
        };
        pending[i].add(&clients, requests(names, ti, t));
    }
    let mut rules = Vec::new();
    for (g, p) in groups.iter().zip(pending) {
        rules.extend(p.into_rules(&g.key, Direction::Ingress, describe));
    }
    warnings.extend(quota_warnings(&rules));
    (groups, rules)
}

/// A warning per group and direction over AWS's default rule quota, in name order.
/// Rules come in runs per group and direction: counting runs, not rules, keeps the
/// name comparisons to one per run.
/// AWS counts a group's rules per direction and per family (60 each by default); a rule
/// that references a group counts in both families.
fn quota_warnings(rules: &[SecurityGroupRule]) -> Vec<Diagnostic> {
    let mut counts: BTreeMap<(&str, Direction), (usize, usize)> = BTreeMap::new();
    for r in rules {
        let c = counts
            .entry((r.security_group.as_str(), r.direction))
            .or_default();
        match &r.peer {
            Peer::Cidr(IpNet::V4(_)) => c.0 += 1,
            Peer::Cidr(IpNet::V6(_)) => c.1 += 1,
            Peer::SecurityGroup(_) => {
                c.0 += 1;
                c.1 += 1;
            }
        }
    }
    let counts = counts.into_iter().map(|(k, (v4, v6))| (k, v4.max(v6)));
    let mut warnings = Vec::new();
    for ((group, dir), n) in counts {
        if n > quotas::SG_RULES_PER_DIRECTION {
            warnings.push(
                Diagnostic::warning(format!(
                    "security group `{group}` needs {n} {} rules; AWS's default quota is {}",
                    dir.as_str(),
                    quotas::SG_RULES_PER_DIRECTION
                ))
                .at("targets")
                .rule(crate::findings::Rule::AwsQuota)
                .help("ask AWS to raise `Inbound or outbound rules per security group`, or merge port ranges in the intent"),
            );
        }
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn icmp_towards_an_ipv6_peer_is_icmpv6_echo_request() {
        let any = PortRange::new(0, 65535).expect("valid range");
        let v6 = Peer::Cidr("2600:1f18::/64".parse().expect("constant CIDR"));
        let v4 = Peer::Cidr("10.0.0.0/24".parse().expect("constant CIDR"));
        let group = Peer::SecurityGroup(ENDPOINT_KEY.to_string());
        assert_eq!(aws_ports(Protocol::Icmp, any, &v6), (128, -1));
        assert_eq!(aws_ports(Protocol::Icmp, any, &v4), (8, -1));
        assert_eq!(aws_ports(Protocol::Icmp, any, &group), (8, -1));
        let ssh = PortRange::single(22);
        assert_eq!(aws_ports(Protocol::Tcp, ssh, &v6), (22, 22));
        assert_eq!(aws_ports(Protocol::All, any, &v6), (-1, -1));
    }
}
