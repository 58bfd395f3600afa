//! Who can reach what: the plan's rules evaluated layer by layer with the AWS semantics
//! that the planner and the verifier share (`crate::aws`):
//! longest-prefix authorization, the route, the endpoint security group's egress, the
//! target network's ACL out, the destination ACL in, the destination security group,
//! and both ACLs again for the stateless reply. The result is the actual reachability
//! of the rules, not a restatement of the intent: a group that an authorization rule
//! admits reaches every server behind it, whatever the intent meant. Each family is
//! evaluated on its own: for IPv6 the source is the client's own address in a target
//! network's IPv6 CIDR (no translation, no endpoint security group as the source).

use super::Handout;
use crate::aws::auth::{auth_table, winner, AuthTable};
use crate::aws::cut::pieces;
use crate::aws::nacl::{self, AclEntry};
use crate::aws::sg::{self, Peer, RulePeer, SgEntry};
use crate::aws::{set, Action, Proto, Span};
use crate::intent::Protocol;
use crate::net::Family;
use crate::net::Prefix;
use crate::net::{contains, overlaps, within, CidrSet, PortRange, PortSet};
use crate::plan::{NaclEntry, Peer as PlanPeer, Plan, SecurityGroupRule};
use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use std::collections::{BTreeMap, BTreeSet};

/// What one kind of user reaches at one target through one target network.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    /// A group, or `None`: a user in none of the intent's groups.
    pub who: Option<String>,
    /// Index into the plan's targets.
    pub target: usize,
    /// Name of the target network.
    pub network: String,
    pub proto: Proto,
    /// Request ports (ICMP types) that pass every layer and whose replies come back, at
    /// some address of the target.
    pub ports: PortSet,
    /// The authorization prefixes that admitted this user where the ports pass.
    pub via: BTreeSet<IpNet>,
}

fn proto(p: Protocol) -> Proto {
    match p {
        Protocol::Tcp => Proto::Tcp,
        Protocol::Udp => Proto::Udp,
        Protocol::Icmp => Proto::Icmp,
        Protocol::All => Proto::All,
    }
}

/// AWS's `-1` (or any negative bound) means every ICMP type.
fn icmp_span(t: i32) -> Span {
    match u16::try_from(t) {
        Ok(t) => Span { from: t, to: t },
        Err(_) => Span::ALL_ICMP,
    }
}

/// A plan NACL entry of family `N`, as the evaluation of that family reads it.
struct Entry<'p, N> {
    entry: &'p NaclEntry,
    cidr: N,
}

impl<N: Prefix> AclEntry for Entry<'_, N> {
    type Net = N;
    fn action(&self) -> Action {
        self.entry.action
    }
    fn protocol(&self) -> Proto {
        self.entry.protocol()
    }
    fn span(&self) -> Span {
        self.entry.span()
    }
    fn cidr(&self) -> &N {
        &self.cidr
    }
}

impl NaclEntry {
    fn protocol(&self) -> Proto {
        proto(self.protocol)
    }
    fn span(&self) -> Span {
        match (self.ports, self.icmp_type) {
            (Some(p), _) => Span {
                from: p.from,
                to: p.to,
            },
            (None, Some(t)) => icmp_span(t),
            (None, None) => Span::ALL_PORTS,
        }
    }
}

impl SgEntry for SecurityGroupRule {
    type Group = String;
    fn protocol(&self) -> Proto {
        proto(self.protocol)
    }
    fn span(&self) -> Span {
        match self.protocol {
            Protocol::Icmp => icmp_span(self.from_port),
            Protocol::All => Span::ALL_PORTS,
            Protocol::Tcp | Protocol::Udp => Span {
                from: u16::try_from(self.from_port).unwrap_or(0),
                to: u16::try_from(self.to_port).unwrap_or(u16::MAX),
            },
        }
    }
    fn peer<N: Prefix>(&self) -> RulePeer<'_, String, N> {
        match &self.peer {
            PlanPeer::SecurityGroup(k) => RulePeer::Group(k),
            PlanPeer::Cidr(c) => N::from_ipnet(*c).map_or(RulePeer::OtherFamily, RulePeer::Cidr),
        }
    }
}

/// A canonical service of the plan (`tcp/22`, `udp/1000-2000`, `icmp`, `all`) as the
/// packet class it asks for.
pub fn service(s: &str) -> Option<(Proto, Span)> {
    match s {
        "icmp" => return Some((Proto::Icmp, Span { from: 8, to: 8 })),
        "all" => return Some((Proto::All, Span::ALL_PORTS)),
        _ => {}
    }
    let (p, range) = s.split_once('/')?;
    let p = match p {
        "tcp" => Proto::Tcp,
        "udp" => Proto::Udp,
        _ => return None,
    };
    let (from, to) = match range.split_once('-') {
        Some((a, b)) => (a.parse().ok()?, b.parse().ok()?),
        None => {
            let v = range.parse().ok()?;
            (v, v)
        }
    };
    Some((p, Span { from, to }))
}

fn reply_span(p: Proto, ephemeral: PortRange, family: Family) -> Span {
    match p {
        Proto::Icmp => {
            let (_, reply) = crate::plan::nacl::echo(family);
            Span {
                from: reply,
                to: reply,
            }
        }
        Proto::All => Span::ALL_PORTS,
        _ => Span {
            from: ephemeral.from,
            to: ephemeral.to,
        },
    }
}

fn inter(a: &PortSet, b: &PortSet) -> PortSet {
    a.difference(&a.difference(b))
}

/// The plan's rules of one family, grouped as AWS looks them up.
struct Rules<'p, N> {
    plan: &'p Plan,
    auth: AuthTable<N>,
    /// NACL entries per (ACL key, egress), by ascending rule number.
    nacl: BTreeMap<(&'p str, bool), Vec<&'p Entry<'p, N>>>,
    /// Security group rules per (group key, egress).
    sg: BTreeMap<(&'p str, bool), Vec<&'p SecurityGroupRule>>,
}

impl<'p, N: Prefix> Rules<'p, N> {
    /// `entries`: the plan's NACL entries of family `N`.
    fn new(plan: &'p Plan, entries: &'p [Entry<'p, N>]) -> Self {
        let mut nacl: BTreeMap<(&str, bool), Vec<&Entry<N>>> = BTreeMap::new();
        for n in entries {
            nacl.entry((n.entry.network_acl.as_str(), n.entry.egress))
                .or_default()
                .push(n);
        }
        for v in nacl.values_mut() {
            v.sort_by_key(|n| n.entry.rule_number);
        }
        let mut sg: BTreeMap<(&str, bool), Vec<&SecurityGroupRule>> = BTreeMap::new();
        for r in &plan.security_group_rules {
            sg.entry((
                r.security_group.as_str(),
                r.direction == crate::plan::Direction::Egress,
            ))
            .or_default()
            .push(r);
        }
        Rules {
            plan,
            auth: auth_table(
                plan.authorization_rules
                    .iter()
                    .filter_map(|a| Some((N::from_ipnet(a.cidr)?, a.group.as_deref()))),
            ),
            nacl,
            sg,
        }
    }

    fn acl(&self, key: &'p str, egress: bool) -> &[&'p Entry<'p, N>] {
        self.nacl.get(&(key, egress)).map_or(&[], Vec::as_slice)
    }

    fn sg_allowed(&self, group: &str, egress: bool, peer: &Peer<String, N>, p: Proto) -> PortSet {
        let rules = self.sg.get(&(group, egress)).map_or(&[][..], Vec::as_slice);
        sg::allowed(rules.iter().copied(), peer, p)
    }

    fn acl_allowed(&self, key: Option<&str>, egress: bool, peer: &N, p: Proto) -> PortSet {
        match key {
            Some(k) => nacl::evaluate(self.acl(k, egress), peer, p).allowed,
            None => set(nacl::universe(p)),
        }
    }

    fn routed(&self, network: &str, d: &N, vpc: &[N]) -> bool {
        vpc.iter().any(|v| contains(v, d))
            || self.plan.routes.iter().any(|r| {
                r.target_network.as_deref() == Some(network)
                    && N::from_ipnet(r.cidr).is_some_and(|c| contains(&c, d))
            })
    }
}

/// Every (user kind, target, target network, protocol) with the ports that pass, in
/// either family.
pub fn evaluate(h: &Handout) -> Vec<Cell> {
    let mut out = evaluate_family::<Ipv4Net>(h, &h.plan.vpc.cidrs);
    let v6 = evaluate_family::<Ipv6Net>(h, &h.plan.vpc.ipv6_cidrs);
    // One cell per (user, target, network, protocol): the families' ports and prefixes
    // joined.
    let mut at: BTreeMap<(Option<String>, usize, String, Proto), usize> = out
        .iter()
        .enumerate()
        .map(|(i, c)| ((c.who.clone(), c.target, c.network.clone(), c.proto), i))
        .collect();
    for c in v6 {
        let key = (c.who.clone(), c.target, c.network.clone(), c.proto);
        match at.get(&key).and_then(|&i| out.get_mut(i)) {
            Some(o) => {
                o.ports = o.ports.union(&c.ports);
                o.via.extend(c.via);
            }
            None => {
                at.insert(key, out.len());
                out.push(c);
            }
        }
    }
    out
}

fn evaluate_family<N: Prefix>(h: &Handout, vpc_cidrs: &[N]) -> Vec<Cell> {
    let plan = h.plan;
    let entries: Vec<Entry<N>> = plan
        .nacl_entries
        .iter()
        .filter_map(|entry| {
            Some(Entry {
                entry,
                cidr: N::from_ipnet(entry.cidr)?,
            })
        })
        .collect();
    let rules = Rules::new(plan, &entries);
    let ephemeral = h.nacl.ephemeral;
    let whos = users(plan);
    // A transit gateway attachment has no endpoint group (and no target network to
    // evaluate here).
    let endpoint_sg = plan.endpoint.security_group.clone().unwrap_or_default();
    // IPv4 leaves the ENI translated, as the endpoint group; IPv6 keeps the client's own
    // address, which no group reference matches.
    let endpoint_groups: &[String] = match N::FAMILY {
        Family::Ipv4 => std::slice::from_ref(&endpoint_sg),
        Family::Ipv6 => &[],
    };
    let vpc = CidrSet::from_nets(vpc_cidrs);
    let mut out = Vec::new();
    for (xi, x) in plan.targets.iter().enumerate() {
        let dest_subnet = x.subnet.as_deref().and_then(|s| h.subnet(s));
        // An outside target owns its CIDR minus the VPC and narrower targets: those
        // addresses are reached, if at all, as the targets that own them.
        let dests: Vec<N> = match dest_subnet {
            Some(_) => family(&x.cidrs),
            None => CidrSet::from_nets(&family(x.owned()))
                .difference(&vpc)
                .nets()
                .to_vec(),
        };
        let dest_groups: Vec<String> = x.security_group.iter().cloned().collect();
        // The endpoint group's egress rules that can match this target: those towards
        // its security group, or towards addresses that overlap it. Looked up once per
        // target, not per piece (an endpoint group with `egress: strict` has one rule
        // per target and port).
        let endpoint_rules: Vec<&SecurityGroupRule> = rules
            .sg
            .get(&(endpoint_sg.as_str(), true))
            .into_iter()
            .flatten()
            .copied()
            .filter(|r| match &r.peer {
                PlanPeer::SecurityGroup(g) => dest_groups.contains(g),
                PlanPeer::Cidr(c) => {
                    N::from_ipnet(*c).is_some_and(|c| dests.iter().any(|d| overlaps(&c, d)))
                }
            })
            .collect();
        let protos: BTreeSet<Proto> = [Proto::Tcp, Proto::Udp, Proto::Icmp]
            .into_iter()
            .chain(x.services.iter().filter_map(|s| service(s).map(|p| p.0)))
            .collect();
        for tn_name in &plan.target_networks {
            let Some(tn) = h.subnet(tn_name) else {
                continue;
            };
            // Where the request comes from: the ENIs' addresses (IPv4, translated) or the
            // clients' own IPv6 addresses, both in the target network.
            let source: Option<N> = match N::FAMILY {
                Family::Ipv4 => N::from_ipnet(tn.cidr.into()),
                Family::Ipv6 => tn.ipv6_cidr.and_then(|c| N::from_ipnet(c.into())),
            };
            let Some(source) = source else {
                continue;
            };
            let (a_t, a_s) = match dest_subnet {
                Some(s) if s.name == tn.name => (None, None),
                Some(s) => (Some(tn.network_acl.as_str()), Some(s.network_acl.as_str())),
                None => (Some(tn.network_acl.as_str()), None),
            };
            // Cut the destination at every boundary a rule on its side draws.
            let mut bounds: Vec<N> = Vec::new();
            for c in &dests {
                bounds.extend(within(&rules.auth, c).map(|(n, _)| *n));
            }
            bounds.extend(
                plan.routes
                    .iter()
                    .filter(|r| r.target_network.as_ref() == Some(tn_name))
                    .filter_map(|r| N::from_ipnet(r.cidr)),
            );
            bounds.extend(endpoint_rules.iter().filter_map(|r| match &r.peer {
                PlanPeer::Cidr(c) => N::from_ipnet(*c),
                PlanPeer::SecurityGroup(_) => None,
            }));
            if let Some(a) = a_t {
                bounds.extend(rules.acl(a, true).iter().map(|n| *AclEntry::cidr(*n)));
                bounds.extend(rules.acl(a, false).iter().map(|n| *AclEntry::cidr(*n)));
            }
            bounds.retain(|b| dests.iter().any(|c| overlaps(b, c)));
            bounds.sort();
            bounds.dedup();
            let dps = pieces(&dests, &bounds);
            // And the ENI's subnet at every boundary the destination's side draws.
            let mut sb: Vec<N> = Vec::new();
            if let Some(a) = a_s {
                sb.extend(rules.acl(a, true).iter().map(|n| *AclEntry::cidr(*n)));
                sb.extend(rules.acl(a, false).iter().map(|n| *AclEntry::cidr(*n)));
            }
            if let Some(g) = &x.security_group {
                sb.extend(
                    rules
                        .sg
                        .get(&(g.as_str(), false))
                        .into_iter()
                        .flatten()
                        .filter_map(|r| match &r.peer {
                            PlanPeer::Cidr(c) => N::from_ipnet(*c),
                            PlanPeer::SecurityGroup(_) => None,
                        }),
                );
            }
            sb.retain(|b| overlaps(b, &source));
            sb.sort();
            sb.dedup();
            let sps = pieces(&[source], &sb);

            let mut acc: BTreeMap<(usize, Proto), (PortSet, BTreeSet<IpNet>)> = BTreeMap::new();
            for d in &dps {
                let Some((prefix, admitted)) = winner(&rules.auth, d) else {
                    continue;
                };
                if !rules.routed(tn_name, d, vpc_cidrs) {
                    continue;
                }
                for &p in &protos {
                    let reply = set(reply_span(p, ephemeral, N::FAMILY));
                    let endpoint = sg::allowed(
                        endpoint_rules.iter().copied(),
                        &Peer {
                            addr: *d,
                            groups: &dest_groups,
                        },
                        p,
                    );
                    if endpoint.is_empty() {
                        continue;
                    }
                    let out_t = rules.acl_allowed(a_t, true, d, p);
                    let back_t = rules.acl_allowed(a_t, false, d, p);
                    let mut through = PortSet::new();
                    for s in &sps {
                        let mut ok = inter(&endpoint, &out_t);
                        ok = inter(&ok, &rules.acl_allowed(a_s, false, s, p));
                        if let Some(g) = &x.security_group {
                            let peer = Peer {
                                addr: *s,
                                groups: endpoint_groups,
                            };
                            ok = inter(&ok, &rules.sg_allowed(g, false, &peer, p));
                        } else if dest_subnet.is_some() {
                            ok = PortSet::new();
                        }
                        let replies = [rules.acl_allowed(a_s, true, s, p), back_t.clone()];
                        if replies.iter().any(|r| inter(r, &reply).is_empty()) {
                            continue;
                        }
                        through = through.union(&ok);
                    }
                    if through.is_empty() {
                        continue;
                    }
                    for (wi, w) in whos.iter().enumerate() {
                        if admitted.admits(w.as_deref()) {
                            let e = acc.entry((wi, p)).or_default();
                            e.0 = e.0.union(&through);
                            e.1.insert(prefix.into());
                        }
                    }
                }
            }
            for ((wi, p), (mut ports, via)) in acc {
                if p == Proto::Icmp && N::FAMILY == Family::Ipv6 {
                    // Cells speak of the echo request as IPv4 numbers it (type 8), so
                    // that both families' cells join.
                    let (request, _) = crate::plan::nacl::echo(Family::Ipv6);
                    if ports.contains(request) {
                        ports = ports
                            .difference(&set(Span {
                                from: request,
                                to: request,
                            }))
                            .union(&set(Span { from: 8, to: 8 }));
                    }
                }
                out.push(Cell {
                    who: whos[wi].clone(),
                    target: xi,
                    network: tn_name.clone(),
                    proto: p,
                    ports,
                    via,
                });
            }
        }
    }
    out
}

/// The rows of the matrix: every group the plan names, then a user in none of them.
pub fn users(plan: &Plan) -> Vec<Option<String>> {
    let groups: BTreeSet<&str> = plan
        .targets
        .iter()
        .flat_map(|t| t.groups.iter().map(String::as_str))
        .chain(
            plan.authorization_rules
                .iter()
                .filter_map(|a| a.group.as_deref()),
        )
        .collect();
    groups
        .into_iter()
        .map(|g| Some(g.to_string()))
        .chain([None])
        .collect()
}

/// The prefixes of family `N` in a list of either family.
fn family<N: Prefix>(nets: &[IpNet]) -> Vec<N> {
    nets.iter().filter_map(|n| N::from_ipnet(*n)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn services_parse_as_packet_classes() {
        assert_eq!(
            service("tcp/22"),
            Some((Proto::Tcp, Span { from: 22, to: 22 }))
        );
        assert_eq!(
            service("udp/1000-2000"),
            Some((
                Proto::Udp,
                Span {
                    from: 1000,
                    to: 2000
                }
            ))
        );
        assert_eq!(
            service("icmp"),
            Some((Proto::Icmp, Span { from: 8, to: 8 }))
        );
        assert_eq!(service("all"), Some((Proto::All, Span::ALL_PORTS)));
        assert_eq!(service("sctp/1"), None);
    }
}
