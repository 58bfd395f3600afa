//! docs/semantics.md#excess: rules that permit more than the intended flows need at their layer's
//! granularity, judged one layer at a time (even where another layer blocks the flow).
//! Not excess by design: `egress: all` on the endpoint group, NACL entries at subnet-CIDR
//! granularity, the ephemeral range on reply entries.

use super::bind::Binding;
use super::expect::{audience, nacl_needs, packet, NaclNeed};
use super::findings::{Finding, Kind, Layer};
use super::flows::Index;
use super::model::{
    proto_name, Action, Direction, Ident, NaclRule, Proto, RuleSet, SgPeer, SgRule,
};
use crate::aws::cut::pieces;
use crate::aws::nacl::{self, universe};
use crate::aws::{describe, set};
use crate::intent::file::Egress;
use crate::intent::{AclRef, Destination, Intent};
use crate::net::{aggregate, contains, overlaps, supernets, Family, PortSet, Prefix};
use ipnet::{IpNet, Ipv4Net};
use std::collections::{BTreeMap, BTreeSet};

/// The CDK "no traffic" placeholder that keeps CloudFormation from adding allow-all egress.
fn is_placeholder<N: Prefix>(r: &SgRule<N>) -> bool {
    let placeholder =
        IpNet::V4(Ipv4Net::new(std::net::Ipv4Addr::BROADCAST, 32).unwrap_or_default());
    r.direction == Direction::Egress && matches!(r.peer, SgPeer::Cidr(c) if c.into() == placeholder)
}

/// The excess of family `N`'s rules. `other_groups`: destination groups of the other
/// family's targets (a group that only IPv6 targets use is still a target's group).
pub fn check<N: Prefix>(
    intent: &Intent<N>,
    rs: &RuleSet<N>,
    bind: &Binding,
    ix: &Index<N>,
    other_groups: &BTreeSet<&Ident>,
) -> Vec<Finding> {
    let mut out = Vec::new();
    if intent.carried {
        nacl_excess(intent, rs, bind, ix, &mut out);
        sg_excess(intent, rs, bind, other_groups, &mut out);
        auth_excess(intent, rs, &mut out);
        route_excess(intent, rs, bind, &mut out);
    } else {
        out.extend(uncarried(rs, intent, bind));
    }
    // Associations carry both families: judged once, in the IPv4 view.
    let associations = match N::FAMILY {
        Family::Ipv4 => rs.associations.as_slice(),
        Family::Ipv6 => &[],
    };
    for a in associations {
        if let Some(s) = bind.subnet(&a.subnet) {
            if !intent.target_networks.contains(&s) {
                out.push(
                    Finding::new(
                        Kind::Excess,
                        format!(
                            "subnet `{}` is associated with the endpoint but is not a target network",
                            intent.subnets[s].name
                        ),
                    )
                    .layer(Layer::Association)
                    .origins([&a.origin]),
                );
            }
        }
    }
    out
}

fn layer_of<N>(egress: bool, acl: &AclRef, intent: &Intent<N>) -> Layer {
    let is_t = intent
        .target_networks
        .iter()
        .any(|&t| intent.subnets[t].acl == *acl);
    match (egress, is_t) {
        (true, true) => Layer::NaclRequestOut,
        (false, true) => Layer::NaclReplyIn,
        (false, false) => Layer::NaclRequestIn,
        (true, false) => Layer::NaclReplyOut,
    }
}

/// The part of `r`'s rectangle (cidr × ports) that no need covers, as a description.
fn beyond_needs<N: Prefix>(r: &NaclRule<N>, needs: &[&NaclNeed<N>]) -> Option<String> {
    let relevant: Vec<&&NaclNeed<N>> = needs
        .iter()
        .filter(|n| {
            n.egress == r.egress
                && overlaps(&n.cidr, &r.cidr)
                && (n.proto == r.protocol || n.proto == Proto::All)
        })
        .collect();
    let span = if r.protocol == Proto::All {
        universe(Proto::All)
    } else {
        r.span
    };
    let bounds: Vec<N> = relevant.iter().map(|n| n.cidr).collect();
    let mut extra: Vec<String> = Vec::new();
    for piece in pieces(&[r.cidr], &bounds) {
        let mut covered = PortSet::new();
        for n in relevant.iter().filter(|n| contains(&n.cidr, &piece)) {
            covered = covered.union(&set(if n.proto == Proto::All {
                universe(r.protocol)
            } else {
                n.span
            }));
        }
        let left = set(span).difference(&covered);
        if r.protocol == Proto::All
            && !relevant
                .iter()
                .any(|n| n.proto == Proto::All && contains(&n.cidr, &piece))
        {
            extra.push(format!("every protocol to/from {piece}"));
        } else if !left.is_empty() {
            extra.push(format!(
                "{} {} to/from {piece}",
                proto_name::<N>(r.protocol),
                describe(&left)
            ));
        }
    }
    if extra.is_empty() {
        None
    } else {
        extra.truncate(4);
        Some(extra.join("; "))
    }
}

fn nacl_excess<N: Prefix>(
    intent: &Intent<N>,
    rs: &RuleSet<N>,
    bind: &Binding,
    ix: &Index<N>,
    out: &mut Vec<Finding>,
) {
    let needs = nacl_needs(intent, false);
    let mut by_acl: BTreeMap<(&AclRef, bool), Vec<&NaclNeed<N>>> = BTreeMap::new();
    for n in &needs {
        by_acl.entry((&n.acl, n.egress)).or_default().push(n);
    }
    for r in &rs.nacl_rules {
        let Some(acl) = bind.acls.get(&r.acl) else {
            continue; // reported as unbound
        };
        let mine: &[&NaclNeed<N>] = by_acl.get(&(acl, r.egress)).map_or(&[], Vec::as_slice);
        let layer = layer_of(r.egress, acl, intent);
        if r.action == Action::Allow {
            if let Some(extra) = beyond_needs(r, mine) {
                out.push(
                    Finding::new(
                        Kind::Excess,
                        format!(
                            "network ACL {} {} rule {} allows more than the intended flows need: {extra}",
                            r.acl,
                            r.direction(),
                            r.number
                        ),
                    )
                    .layer(layer)
                    .origins([&r.origin]),
                );
            }
        }
    }
    // A lower-numbered rule that changes the outcome for a needed rectangle: a deny in
    // front of the allow (the flow is blocked), reported at the rule itself.
    // Outside targets' needs cover only what they own: a carve-out deny in front of a
    // wider allow is by design.
    let owned = nacl_needs(intent, true);
    let mut reported: Vec<&str> = Vec::new();
    for n in &owned {
        let rules = ix
            .nacl
            .get(&(n.acl.clone(), n.egress))
            .map_or(&[][..], Vec::as_slice);
        let o = nacl::evaluate(rules, &n.cidr, n.proto);
        let ps = pieces(&[n.cidr], &rules.iter().map(|r| r.cidr).collect::<Vec<_>>());
        for p in ps {
            let o2 = if p == n.cidr {
                None
            } else {
                Some(nacl::evaluate(rules, &p, n.proto))
            };
            let o = o2.as_ref().unwrap_or(&o);
            for (ports, r) in &o.decided {
                let hit = ports.difference(&ports.difference(&set(n.span)));
                if r.action == Action::Deny
                    && !hit.is_empty()
                    && !reported.contains(&r.origin.resource.as_str())
                {
                    reported.push(&r.origin.resource);
                    out.push(
                        Finding::new(
                            Kind::Excess,
                            format!(
                                "network ACL {} {} rule {} denies {} {} for {p}, which a later allow is there to let through: it changes the outcome of a needed flow",
                                r.acl,
                                r.direction(),
                                r.number,
                                proto_name::<N>(n.proto),
                                describe(&hit)
                            ),
                        )
                        .layer(layer_of(n.egress, &n.acl, intent))
                        .origins([&r.origin]),
                    );
                }
            }
        }
    }
}

fn sg_excess<N: Prefix>(
    intent: &Intent<N>,
    rs: &RuleSet<N>,
    bind: &Binding,
    other_groups: &BTreeSet<&Ident>,
    out: &mut Vec<Finding>,
) {
    let v6 = N::FAMILY == Family::Ipv6;
    // IPv6 clients keep their addresses in the target networks: what a destination group
    // may admit them from (docs/semantics.md, "IPv6 and dual-stack").
    let clients: Vec<N> = aggregate(
        &intent
            .target_networks
            .iter()
            .map(|&t| intent.subnets[t].cidr)
            .collect::<Vec<_>>(),
    );
    let is_endpoint = |g: &Ident| bind.endpoint_groups.contains(g);
    let mut users_of: BTreeMap<&Ident, Vec<usize>> = BTreeMap::new();
    for (i, g) in bind.target_groups.iter().enumerate() {
        if let Some(g) = g {
            users_of.entry(g).or_default().push(i);
        }
    }
    // The targets an endpoint egress rule to a CIDR can serve, by the CIDR they are
    // reached at: outside targets, and in-VPC ones reached by address (IPv6).
    let mut by_cidr: BTreeMap<N, Vec<usize>> = BTreeMap::new();
    for (i, t) in intent.targets.iter().enumerate() {
        let cidrs = match &t.destination {
            Destination::Outside { cidr } => vec![*cidr],
            Destination::Subnet { .. } if v6 => t.cidrs(),
            Destination::Subnet { .. } => Vec::new(),
        };
        for c in cidrs {
            by_cidr.entry(c).or_default().push(i);
        }
    }
    for r in &rs.sg_rules {
        // A group peer is of both families: judged once, in the IPv4 view.
        if is_placeholder(r) || (v6 && matches!(r.peer, SgPeer::Group(_))) {
            continue;
        }
        let users: Vec<usize> = users_of.get(&r.group).cloned().unwrap_or_default();
        let finding = |msg: String, layer: Layer| {
            Finding::new(Kind::Excess, msg)
                .layer(layer)
                .origins([&r.origin])
        };
        if is_endpoint(&r.group) {
            match r.direction {
                Direction::Ingress => out.push(finding(
                    format!(
                        "the endpoint security group {} has an inbound rule ({} {}); it must have none",
                        r.group,
                        proto_name::<N>(r.protocol),
                        r.span
                    ),
                    Layer::EndpointSecurityGroup,
                )),
                Direction::Egress => {
                    if intent.endpoint.egress == Egress::Strict {
                        if let Some(why) = strict_egress_excess(intent, &users_of, &by_cidr, r) {
                            out.push(finding(why, Layer::EndpointSecurityGroup));
                        }
                    }
                }
            }
            continue;
        }
        if users.is_empty() && !other_groups.contains(&r.group) {
            out.push(finding(
                format!(
                    "rule on security group {}, which is neither the endpoint's nor any target's",
                    r.group
                ),
                Layer::DestinationSecurityGroup,
            ));
            continue;
        }
        if r.direction == Direction::Egress {
            out.push(finding(
                format!(
                    "destination security group {} has an outbound rule ({} {}); replies need none (security groups are stateful)",
                    r.group,
                    proto_name::<N>(r.protocol),
                    r.span
                ),
                Layer::DestinationSecurityGroup,
            ));
            continue;
        }
        match &r.peer {
            SgPeer::Cidr(c) if !v6 => out.push(finding(
                format!(
                    "destination security group {} admits {} {} from CIDR {c}; the source must be the endpoint security group",
                    r.group, r.protocol, r.span
                ),
                Layer::DestinationSecurityGroup,
            )),
            SgPeer::Cidr(c) if !clients.iter().any(|n| contains(n, c)) => out.push(finding(
                format!(
                    "destination security group {} admits {} {} from {c}, wider than the target networks' IPv6 CIDRs ({}), where IPv6 clients take their addresses",
                    r.group,
                    proto_name::<N>(r.protocol),
                    r.span,
                    clients.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
                ),
                Layer::DestinationSecurityGroup,
            )),
            SgPeer::Group(g) if !is_endpoint(g) => out.push(finding(
                format!(
                    "destination security group {} admits {} {} from security group {g}, not the endpoint's",
                    r.group, r.protocol, r.span
                ),
                Layer::DestinationSecurityGroup,
            )),
            // The endpoint's group (IPv4), or the IPv6 clients' addresses: the ports.
            SgPeer::Group(_) | SgPeer::Cidr(_) => {
                let mut want = PortSet::new();
                for &i in &users {
                    for s in &intent.targets[i].services {
                        let p = packet(intent, s);
                        if p.proto == r.protocol || p.proto == Proto::All {
                            want = want.union(&set(if p.proto == Proto::All {
                                universe(r.protocol)
                            } else {
                                p.request
                            }));
                        }
                    }
                }
                let span = if r.protocol == Proto::All { universe(Proto::All) } else { r.span };
                let all_needed = users.iter().any(|&i| {
                    intent.targets[i]
                        .services
                        .iter()
                        .any(|s| packet(intent, s).proto == Proto::All)
                });
                let extra = set(span).difference(&want);
                if (r.protocol == Proto::All && !all_needed) || (r.protocol != Proto::All && !extra.is_empty()) {
                    let message = if users.is_empty() {
                        // The group of targets that only the other family's view has.
                        format!(
                            "destination security group {} admits {} {} over {}, which none of its targets is reached by",
                            r.group,
                            proto_name::<N>(r.protocol),
                            describe(&extra),
                            N::FAMILY
                        )
                    } else {
                        format!(
                            "destination security group {} admits {} {} but its targets need only {}",
                            r.group,
                            proto_name::<N>(r.protocol),
                            describe(&extra),
                            describe(&want)
                        )
                    };
                    out.push(finding(message, Layer::DestinationSecurityGroup));
                }
            }
        }
    }
}

fn strict_egress_excess<N: Prefix>(
    intent: &Intent<N>,
    users_of: &BTreeMap<&Ident, Vec<usize>>,
    by_cidr: &BTreeMap<N, Vec<usize>>,
    r: &SgRule<N>,
) -> Option<String> {
    let mut want = PortSet::new();
    let mut all_needed = false;
    let serving: Vec<usize> = match &r.peer {
        SgPeer::Group(g) => users_of.get(g).cloned().unwrap_or_default(),
        // IPv4 reaches in-VPC targets through their group, IPv6 by their addresses: the
        // targets whose CIDR holds the rule's, found among its supernets (one lookup per
        // prefix length, not a scan of every target).
        SgPeer::Cidr(c) => {
            let mut serving: Vec<usize> = std::iter::once(*c)
                .chain(supernets(c))
                .filter_map(|k| by_cidr.get(&k))
                .flatten()
                .copied()
                .collect();
            serving.sort_unstable();
            serving.dedup();
            serving
        }
    };
    for t in serving.iter().map(|&i| &intent.targets[i]) {
        for s in &t.services {
            let p = packet(intent, s);
            all_needed |= p.proto == Proto::All;
            if p.proto == r.protocol || p.proto == Proto::All {
                want = want.union(&set(if p.proto == Proto::All {
                    universe(r.protocol)
                } else {
                    p.request
                }));
            }
        }
    }
    let extra = set(r.span).difference(&want);
    let wider = if r.protocol == Proto::All {
        !all_needed
    } else {
        !extra.is_empty()
    };
    wider.then(|| {
        format!(
            "endpoint security group egress {} {} to {} is wider than `egress: strict` needs",
            proto_name::<N>(r.protocol),
            describe(&extra),
            r.peer
        )
    })
}

/// Authorization is the same layer for both attachments (`verify::tgw` uses it too).
pub(super) fn auth_excess<N: Prefix>(intent: &Intent<N>, rs: &RuleSet<N>, out: &mut Vec<Finding>) {
    let mut by_cidr: BTreeMap<N, Vec<usize>> = BTreeMap::new();
    for (i, t) in intent.targets.iter().enumerate() {
        for c in t.cidrs() {
            by_cidr.entry(c).or_default().push(i);
        }
    }
    for r in &rs.auth_rules {
        // Needed: a target's own CIDR, for a group of that target or of a broader
        // in-VPC target around it (the longest-prefix closure inside the VPC; outside
        // targets yield instead: docs/semantics.md, "Authorization rules").
        let needed = by_cidr.contains_key(&r.cidr)
            && std::iter::once(r.cidr)
                .chain(supernets(&r.cidr))
                .filter_map(|c| by_cidr.get(&c).map(|zs| (c, zs)))
                .flat_map(|(c, zs)| zs.iter().map(move |&zi| (c, zi)))
                .any(|(c, zi)| {
                    let z = &intent.targets[zi];
                    if c != r.cidr && z.subnet().is_none() {
                        return false;
                    }
                    match &r.group {
                        None => z.groups.is_empty(),
                        Some(g) => audience(z, Some(g)) && !z.groups.is_empty(),
                    }
                });
        if !needed {
            out.push(
                Finding::new(
                    Kind::Excess,
                    format!(
                        "authorization rule for {} ({}) is needed by no target",
                        r.cidr,
                        match &r.group {
                            Some(g) => format!("group `{g}`"),
                            None => "all users".into(),
                        }
                    ),
                )
                .layer(Layer::Authorization)
                .origins([&r.origin]),
            );
        }
    }
}

fn route_excess<N: Prefix>(
    intent: &Intent<N>,
    rs: &RuleSet<N>,
    bind: &Binding,
    out: &mut Vec<Finding>,
) {
    for r in &rs.routes {
        let in_vpc = intent.vpc.cidrs.iter().any(|v| contains(v, &r.cidr));
        let outside_need = intent
            .targets
            .iter()
            .any(|z| matches!(z.destination, Destination::Outside { cidr } if cidr == r.cidr));
        let on_target_network = r
            .subnet
            .as_ref()
            .and_then(|s| bind.subnet(s))
            .is_some_and(|s| intent.target_networks.contains(&s));
        let why = if in_vpc {
            Some("it lies inside a VPC CIDR, which the local route already carries")
        } else if !outside_need {
            Some("no outside target has this CIDR")
        } else if !on_target_network {
            Some("its subnet is not a target network")
        } else {
            None
        };
        if let Some(why) = why {
            out.push(
                Finding::new(
                    Kind::Excess,
                    format!(
                        "Client VPN route to {} via {}: {why}",
                        r.cidr,
                        r.subnet
                            .as_ref()
                            .map_or("no target subnet".to_string(), ToString::to_string)
                    ),
                )
                .layer(Layer::Route)
                .origins([&r.origin]),
            );
        }
    }
}

/// Rules of family `N` when the tunnel carries none of it: no intended flow needs any of
/// them, and each may open traffic the proof does not cover. Group peers belong to the
/// IPv4 view (an IPv6 flow is admitted by address), so an IPv6-only tunnel needs none.
/// `intent` (a view of either family) and `bind` place the rules in their layers.
pub fn uncarried<N: Prefix, M>(
    rs: &RuleSet<N>,
    intent: &Intent<M>,
    bind: &Binding,
) -> Vec<Finding> {
    let endpoint_groups = &bind.endpoint_groups;
    let why = format!(
        "the tunnel carries no {} (`endpoint.traffic_ip_address_type`), so no intended flow needs it",
        N::FAMILY
    );
    let mut out = Vec::new();
    for r in &rs.nacl_rules {
        if r.action == Action::Allow {
            let f = Finding::new(
                Kind::Excess,
                format!(
                    "network ACL {} {} rule {} allows {} {} to/from {}: {why}",
                    r.acl,
                    r.direction(),
                    r.number,
                    proto_name::<N>(r.protocol),
                    r.span,
                    r.cidr
                ),
            )
            .origins([&r.origin]);
            out.push(match bind.acls.get(&r.acl) {
                Some(acl) => f.layer(layer_of(r.egress, acl, intent)),
                None => f,
            });
        }
    }
    for r in &rs.sg_rules {
        if is_placeholder(r) {
            continue;
        }
        let peer = match &r.peer {
            SgPeer::Cidr(c) => format!("{} peer {c}", N::FAMILY),
            SgPeer::Group(g) if N::FAMILY == Family::Ipv4 => format!("peer security group {g}"),
            SgPeer::Group(_) => continue,
        };
        if endpoint_groups.contains(&r.group) && r.direction == Direction::Ingress {
            out.push(
                Finding::new(
                    Kind::Excess,
                    format!(
                        "the endpoint security group {} has an inbound rule ({} {}); it must have none",
                        r.group,
                        proto_name::<N>(r.protocol),
                        r.span
                    ),
                )
                .layer(Layer::EndpointSecurityGroup)
                .origins([&r.origin]),
            );
            continue;
        }
        let (whose, layer) = if endpoint_groups.contains(&r.group) {
            ("the endpoint security group", Layer::EndpointSecurityGroup)
        } else {
            ("security group", Layer::DestinationSecurityGroup)
        };
        out.push(
            Finding::new(
                Kind::Excess,
                format!(
                    "{whose} {} {} rule ({} {}) with {peer}: {why}",
                    r.group,
                    r.direction,
                    proto_name::<N>(r.protocol),
                    r.span
                ),
            )
            .layer(layer)
            .origins([&r.origin]),
        );
    }
    for r in &rs.auth_rules {
        out.push(
            Finding::new(
                Kind::Excess,
                format!("authorization rule for {}: {why}", r.cidr),
            )
            .layer(Layer::Authorization)
            .origins([&r.origin]),
        );
    }
    for r in &rs.routes {
        out.push(
            Finding::new(
                Kind::Excess,
                format!("Client VPN route to {}: {why}", r.cidr),
            )
            .layer(Layer::Route)
            .origins([&r.origin]),
        );
    }
    out
}
