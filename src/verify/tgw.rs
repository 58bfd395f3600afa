//! `verify` for a transit-gateway-attached endpoint (`docs/transit-gateway.md`): no
//! target networks, no ENIs, no endpoint security group and no source NAT, so the path
//! of a flow is
//! client (an address of the client CIDR) → authorization → a Client VPN route (no
//! target subnet) → the transit gateway → destination subnet's NACL ingress (peer: the
//! client address) → destination security group ingress (source: the client address)
//! → destination subnet's NACL egress for the reply.
//! Outside targets are filtered only by authorization and routes here: no layer of the
//! artifact sees their ports (their own firewalls are a requirement of the plan).
//!
//! Derived from the intent and the artifact only, like the VPC model's checks.

use super::bind::Binding;
use super::expect::{audience, packet};
use super::findings::{who, Finding, Kind, Layer};
use super::model::{Action, Direction, Ident, NaclRule, Proto, RuleSet, SgPeer, SgRule, Span};
use crate::aws::auth::{auth_table, winner, AuthTable};
use crate::aws::cut::pieces;
use crate::aws::nacl::{self, universe};
use crate::aws::sg::{self, Peer};
use crate::aws::{covers, describe, set};
use crate::intent::{AclRef, Destination, Intent};
use crate::net::{contains, PortSet};
use ipnet::Ipv4Net;
use std::collections::{BTreeMap, BTreeSet};

/// Every finding of the transit gateway model (bindings are reported by the caller).
pub fn check(intent: &Intent, rs: &RuleSet, bind: &Binding) -> Vec<Finding> {
    let mut out = Vec::new();
    attachment(intent, rs, &mut out);
    let ix = Index::new(intent, rs, bind);
    flows(&ix, &mut out);
    sg_excess(&ix, rs, &mut out);
    nacl_excess(&ix, rs, &mut out);
    route_excess(intent, rs, &mut out);
    super::excess::auth_excess(intent, rs, &mut out);
    out
}

/// The endpoint attaches to the intent's transit gateway, with no security groups and
/// no VPC associations (AWS mixes neither with a transit gateway attachment).
fn attachment(intent: &Intent, rs: &RuleSet, out: &mut Vec<Finding>) {
    let Some(tgw) = intent.endpoint.transit_gateway() else {
        return;
    };
    if rs.creates_endpoint && !rs.transit_gateways.contains(&Ident::Id(tgw.id.clone())) {
        let found = if rs.transit_gateways.is_empty() {
            "it is associated with a VPC instead".to_string()
        } else {
            format!(
                "it attaches to {}",
                rs.transit_gateways
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        out.push(
            Finding::new(
                Kind::Missing,
                format!(
                    "the endpoint is not attached to transit gateway {}: {found}",
                    tgw.id
                ),
            )
            .layer(Layer::Association),
        );
    }
    for g in &rs.endpoint_groups {
        out.push(
            Finding::new(
                Kind::Excess,
                format!(
                    "the endpoint names security group {g}: a transit gateway attachment has none"
                ),
            )
            .layer(Layer::EndpointSecurityGroup),
        );
    }
    for a in &rs.associations {
        out.push(
            Finding::new(
                Kind::Excess,
                format!(
                    "subnet {} is associated with the endpoint: a transit gateway attachment has no target networks",
                    a.subnet
                ),
            )
            .layer(Layer::Association)
            .rule(a.origin.to_string()),
        );
    }
}

/// The artifact's rules, indexed for the flows.
struct Index<'a> {
    intent: &'a Intent,
    bind: &'a Binding,
    auth: AuthTable,
    auth_origin: BTreeMap<Ipv4Net, Vec<String>>,
    routes: Vec<Ipv4Net>,
    /// Each target's effective destination (an outside target yields the VPCs' and
    /// narrower targets' addresses).
    dests: Vec<Vec<Ipv4Net>>,
    /// Rules per (ACL, egress), by ascending rule number.
    nacl: BTreeMap<(AclRef, bool), Vec<&'a NaclRule>>,
    /// Ingress rules per destination group.
    sg_in: BTreeMap<&'a Ident, Vec<&'a SgRule>>,
}

impl<'a> Index<'a> {
    fn new(intent: &'a Intent, rs: &'a RuleSet, bind: &'a Binding) -> Self {
        let mut nacl: BTreeMap<(AclRef, bool), Vec<&NaclRule>> = BTreeMap::new();
        for r in &rs.nacl_rules {
            if let Some(a) = bind.acls.get(&r.acl) {
                nacl.entry((a.clone(), r.egress)).or_default().push(r);
            }
        }
        for v in nacl.values_mut() {
            v.sort_by_key(|r| r.number);
        }
        let mut sg_in: BTreeMap<&Ident, Vec<&SgRule>> = BTreeMap::new();
        for r in rs
            .sg_rules
            .iter()
            .filter(|r| r.direction == Direction::Ingress)
        {
            sg_in.entry(&r.group).or_default().push(r);
        }
        let mut auth_origin: BTreeMap<Ipv4Net, Vec<String>> = BTreeMap::new();
        for r in &rs.auth_rules {
            auth_origin
                .entry(r.cidr)
                .or_default()
                .push(r.origin.to_string());
        }
        Index {
            intent,
            bind,
            auth: auth_table(rs.auth_rules.iter().map(|r| (r.cidr, r.group.as_deref()))),
            auth_origin,
            routes: rs.routes.iter().map(|r| r.cidr).collect(),
            dests: intent
                .effective_destinations()
                .into_iter()
                .map(|e| e.nets)
                .collect(),
            nacl,
            sg_in,
        }
    }

    fn acl(&self, acl: &AclRef, egress: bool) -> &[&'a NaclRule] {
        self.nacl
            .get(&(acl.clone(), egress))
            .map_or(&[], Vec::as_slice)
    }

    fn routed(&self, d: &Ipv4Net) -> bool {
        self.routes.iter().any(|r| contains(r, d))
    }
}

/// One in-VPC target's layers for one client piece and protocol.
struct Layers<'a> {
    req_in: nacl::Outcome<'a, NaclRule>,
    dest: PortSet,
    rep_out: nacl::Outcome<'a, NaclRule>,
}

fn layers<'a>(
    ix: &Index<'a>,
    acl: &AclRef,
    group: Option<&Ident>,
    s: &Ipv4Net,
    proto: Proto,
) -> Layers<'a> {
    let req_in = nacl::evaluate(ix.acl(acl, false), s, proto);
    let rep_out = nacl::evaluate(ix.acl(acl, true), s, proto);
    let no_groups: [Ident; 0] = [];
    let dest = group
        .and_then(|g| ix.sg_in.get(g))
        .map_or_else(PortSet::new, |rules| {
            sg::allowed(
                rules.iter().copied(),
                &Peer {
                    addr: *s,
                    groups: &no_groups,
                },
                proto,
            )
        });
    Layers {
        req_in,
        dest,
        rep_out,
    }
}

/// The effective destination of target `xi`, cut at every authorization and route
/// boundary.
fn dest_pieces(ix: &Index, xi: usize) -> Vec<Ipv4Net> {
    let cidrs = ix.dests.get(xi).cloned().unwrap_or_default();
    let bounds: Vec<Ipv4Net> = ix
        .auth
        .keys()
        .chain(ix.routes.iter())
        .copied()
        .filter(|b| cidrs.iter().any(|c| contains(c, b)))
        .collect();
    pieces(&cidrs, &bounds)
}

/// The client CIDR cut at every NACL and security group boundary the target's path has.
fn source_pieces(ix: &Index, acl: &AclRef, group: Option<&Ident>) -> Vec<Ipv4Net> {
    let client = ix.intent.endpoint.ipv4_clients();
    let mut b: Vec<Ipv4Net> = ix
        .acl(acl, false)
        .iter()
        .chain(ix.acl(acl, true))
        .map(|r| r.cidr)
        .collect();
    if let Some(rules) = group.and_then(|g| ix.sg_in.get(g)) {
        b.extend(rules.iter().filter_map(|r| match r.peer {
            SgPeer::Cidr(c) => Some(c),
            SgPeer::Group(_) => None,
        }));
    }
    b.retain(|c| contains(&client, c));
    pieces(&[client], &b)
}

const NETWORK: &str = "transit gateway";

fn flows(ix: &Index, out: &mut Vec<Finding>) {
    let intent = ix.intent;
    for (xi, x) in intent.targets.iter().enumerate() {
        let groups: Vec<Option<&str>> = if x.groups.is_empty() {
            vec![None]
        } else {
            x.groups.iter().map(|g| Some(g.as_str())).collect()
        };
        let dest = match x.destination {
            Destination::Subnet { subnet, .. } => Some((
                &intent.subnets[subnet].acl,
                ix.bind.target_groups.get(xi).and_then(Option::as_ref),
            )),
            Destination::Outside { .. } => None,
        };
        let sps = dest.map_or_else(Vec::new, |(acl, g)| source_pieces(ix, acl, g));
        let mut missing_done: BTreeSet<(Option<&str>, String)> = BTreeSet::new();
        let mut surplus_done: BTreeSet<(String, String)> = BTreeSet::new();
        for d in dest_pieces(ix, xi) {
            let admitted = winner(&ix.auth, &d);
            let routed = ix.routed(&d);
            // Missing: every intended (group, service), for every client address.
            for svc in &x.services {
                let p = packet(intent, svc);
                for g in &groups {
                    let key = (*g, svc.canonical().to_string());
                    if missing_done.contains(&key) {
                        continue;
                    }
                    let block = if !admitted.as_ref().is_some_and(|(_, a)| a.admits(*g)) {
                        Some((
                            Layer::Authorization,
                            match &admitted {
                                None => format!("no authorization rule covers {d}"),
                                Some((prefix, _)) => format!(
                                    "the longest matching authorization rule for {d} is {prefix}, which does not admit {}",
                                    who(*g)
                                ),
                            },
                        ))
                    } else if !routed {
                        Some((Layer::Route, format!("no Client VPN route covers {d}")))
                    } else {
                        dest.and_then(|(acl, group)| {
                            sps.iter().find_map(|s| {
                                first_block(ix, acl, group, s, &d, p.proto, p.request, p.reply)
                            })
                        })
                    };
                    if let Some((layer, why)) = block {
                        missing_done.insert(key);
                        out.push(
                            Finding::new(
                                Kind::Missing,
                                format!(
                                    "{} cannot reach target `{}` {} through the transit gateway: blocked by {layer}: {why}",
                                    who(*g),
                                    x.name,
                                    svc.canonical()
                                ),
                            )
                            .layer(layer)
                            .who(who(*g))
                            .target(&x.name)
                            .service(svc.canonical())
                            .network(NETWORK),
                        );
                    }
                }
            }
            // Surplus: who the winning rule admits, on what the layers let through.
            let Some((prefix, adm)) = admitted else {
                continue;
            };
            if !routed {
                continue;
            }
            let mut whos: Vec<Option<&str>> = adm.groups.iter().map(|g| Some(g.as_str())).collect();
            if adm.all_users {
                whos.push(None);
            }
            for w in whos {
                let whom = match w {
                    Some(g) => format!("group `{g}`"),
                    None => "all users".to_string(),
                };
                let extra: Vec<String> = match dest {
                    // No layer here sees an outside target's ports: only who matters.
                    None => {
                        if audience(x, w) {
                            Vec::new()
                        } else {
                            vec!["every port".to_string()]
                        }
                    }
                    Some((acl, group)) => [Proto::Tcp, Proto::Udp, Proto::Icmp, Proto::All]
                        .into_iter()
                        .filter_map(|proto| {
                            let through = through(ix, acl, group, &sps, proto);
                            let want = intended(ix, xi, &d, w, proto);
                            let extra = through.difference(&want);
                            (!extra.is_empty()).then(|| match proto {
                                Proto::Icmp => format!("icmp type {}", describe(&extra)),
                                Proto::All => "every protocol".to_string(),
                                p => format!("{p}/{}", describe(&extra)),
                            })
                        })
                        .collect(),
                };
                for label in extra {
                    if !surplus_done.insert((whom.clone(), label.clone())) {
                        continue;
                    }
                    let (layer, why) = if audience(x, w) {
                        (
                            Layer::DestinationSecurityGroup,
                            "every layer, down to the destination security group, lets these ports through".to_string(),
                        )
                    } else {
                        (
                            Layer::Authorization,
                            format!("the authorization rule for {prefix} admits {whom}"),
                        )
                    };
                    let mut f = Finding::new(
                        Kind::Surplus,
                        format!(
                            "{whom} can reach target `{}` {label} through the transit gateway ({}), which the intent does not allow: {why}",
                            x.name,
                            if x.groups.is_empty() {
                                "open to all users".to_string()
                            } else {
                                format!("intended for {}", x.groups.join(", "))
                            }
                        ),
                    )
                    .layer(layer)
                    .who(&whom)
                    .target(&x.name)
                    .service(&label)
                    .network(NETWORK);
                    if layer == Layer::Authorization {
                        if let Some(o) = ix.auth_origin.get(&prefix) {
                            f = f.rule(o.join(", "));
                        }
                    }
                    out.push(f);
                }
            }
        }
    }
}

/// The first in-VPC layer that blocks the packet class from client piece `s`.
#[allow(clippy::too_many_arguments)]
fn first_block(
    ix: &Index,
    acl: &AclRef,
    group: Option<&Ident>,
    s: &Ipv4Net,
    d: &Ipv4Net,
    proto: Proto,
    request: Span,
    reply: Span,
) -> Option<(Layer, String)> {
    let l = layers(ix, acl, group, s, proto);
    if !covers(&l.req_in.allowed, request) {
        return Some((
            Layer::NaclRequestIn,
            nacl_why(&l.req_in, request, acl, &format!("ingress from {s} to {d}")),
        ));
    }
    if !covers(&l.dest, request) {
        return Some((
            Layer::DestinationSecurityGroup,
            match group {
                Some(g) => format!(
                    "destination security group {g} admits only `{}` from {s}",
                    describe(&l.dest)
                ),
                None => "the target's destination security group is not in the artifact".into(),
            },
        ));
    }
    if !covers(&l.rep_out.allowed, reply) {
        return Some((
            Layer::NaclReplyOut,
            nacl_why(&l.rep_out, reply, acl, &format!("egress (reply) to {s}")),
        ));
    }
    None
}

/// Why a NACL layer does not cover `span`: the deciding rule of its first uncovered port.
fn nacl_why(o: &nacl::Outcome<NaclRule>, span: Span, acl: &AclRef, dir: &str) -> String {
    let missing = set(span).difference(&o.allowed);
    let port = missing.ranges().first().map_or(span.from, |r| r.from);
    let name = match acl {
        AclRef::Existing(id) => id.clone(),
        AclRef::InputOf(s) => format!("the network ACL of `{s}` (input)"),
    };
    match o.decider(port) {
        Some(r) => format!(
            "{name} {dir} rule {} denies {} ({})",
            r.number,
            describe(&missing),
            r.origin
        ),
        None => format!(
            "no rule of {name} {dir} allows {} (default deny)",
            describe(&missing)
        ),
    }
}

/// Request "ports" of `proto` that pass every in-VPC layer for some client piece.
fn through(
    ix: &Index,
    acl: &AclRef,
    group: Option<&Ident>,
    sps: &[Ipv4Net],
    proto: Proto,
) -> PortSet {
    let reply = match proto {
        Proto::Icmp => Span { from: 0, to: 0 },
        Proto::All => Span::ALL_PORTS,
        _ => Span {
            from: ix.intent.nacl.ephemeral.from,
            to: ix.intent.nacl.ephemeral.to,
        },
    };
    let inter = |a: &PortSet, b: &PortSet| a.difference(&a.difference(b));
    let mut out = PortSet::new();
    for s in sps {
        let l = layers(ix, acl, group, s, proto);
        if inter(&l.rep_out.allowed, &set(reply)).is_empty() {
            continue;
        }
        out = out.union(&inter(&l.req_in.allowed, &l.dest));
    }
    out
}

/// What the intent lets `who` reach at piece `d` of target `xi` with `proto`: the
/// services of every target of the same destination group that covers `d`.
fn intended(ix: &Index, xi: usize, d: &Ipv4Net, w: Option<&str>, proto: Proto) -> PortSet {
    let intent = ix.intent;
    let group = ix.bind.target_groups.get(xi).and_then(Option::as_ref);
    let mut out = PortSet::new();
    for (zi, z) in intent.targets.iter().enumerate() {
        let same =
            z.subnet().is_some() && ix.bind.target_groups.get(zi).and_then(Option::as_ref) == group;
        if !same || !audience(z, w) || !z.cidrs().iter().any(|c| contains(c, d)) {
            continue;
        }
        for svc in &z.services {
            let p = packet(intent, svc);
            if p.proto == proto {
                out = out.union(&set(p.request));
            } else if p.proto == Proto::All {
                out = out.union(&set(universe(proto)));
            }
        }
    }
    out
}

/// Destination groups admit the client CIDR on their targets' ports and nothing else:
/// no other source (no group can be referenced across a transit gateway attachment,
/// and a wider CIDR admits more than the endpoint's clients), no other port, no egress.
fn sg_excess(ix: &Index, rs: &RuleSet, out: &mut Vec<Finding>) {
    let intent = ix.intent;
    let client = intent.endpoint.ipv4_clients();
    let mut needs: BTreeMap<&Ident, Vec<(Proto, Span)>> = BTreeMap::new();
    for (xi, x) in intent.targets.iter().enumerate() {
        if let Some(g) = ix.bind.target_groups.get(xi).and_then(Option::as_ref) {
            let list = needs.entry(g).or_default();
            for svc in &x.services {
                let p = packet(intent, svc);
                list.push((p.proto, p.request));
            }
        }
    }
    for r in &rs.sg_rules {
        let Some(need) = needs.get(&r.group) else {
            continue;
        };
        let why = match (r.direction, &r.peer) {
            (Direction::Egress, SgPeer::Cidr(c)) if *c == placeholder() => None,
            (Direction::Egress, _) => Some("a destination group needs no outbound rule (security groups are stateful)".to_string()),
            (Direction::Ingress, SgPeer::Group(g)) => Some(format!(
                "it admits security group {g}: clients of a transit gateway attachment arrive from the client CIDR {client}"
            )),
            (Direction::Ingress, SgPeer::Cidr(c)) if !contains(&client, c) => Some(format!(
                "it admits {c}, more than the client CIDR {client}"
            )),
            (Direction::Ingress, SgPeer::Cidr(_)) => {
                let span = if r.protocol == Proto::All {
                    universe(Proto::All)
                } else {
                    r.span
                };
                let mut covered = PortSet::new();
                for (proto, s) in need {
                    if *proto == r.protocol || *proto == Proto::All {
                        covered = covered.union(&set(if *proto == Proto::All {
                            universe(r.protocol)
                        } else {
                            *s
                        }));
                    }
                }
                let left = set(span).difference(&covered);
                (!left.is_empty()).then(|| {
                    format!(
                        "it opens {} {} that no target of the group serves",
                        r.protocol,
                        describe(&left)
                    )
                })
            }
        };
        if let Some(why) = why {
            out.push(
                Finding::new(
                    Kind::Excess,
                    format!("security group {} {} rule: {why}", r.group, r.direction),
                )
                .layer(Layer::DestinationSecurityGroup)
                .rule(r.origin.to_string()),
            );
        }
    }
}

/// The CDK "no traffic" placeholder peer that keeps CloudFormation's default egress out.
fn placeholder() -> Ipv4Net {
    Ipv4Net::new(std::net::Ipv4Addr::BROADCAST, 32).unwrap_or_default()
}

/// NACL allows at the destination subnets' ACLs: the client CIDR (or part of it) on the
/// targets' ports inbound and the reply range outbound; nothing at other ACLs.
fn nacl_excess(ix: &Index, rs: &RuleSet, out: &mut Vec<Finding>) {
    let intent = ix.intent;
    let client = intent.endpoint.ipv4_clients();
    let mut needs: BTreeMap<(&AclRef, bool), Vec<(Proto, Span)>> = BTreeMap::new();
    for x in &intent.targets {
        let Some(s) = x.subnet() else {
            continue;
        };
        let acl = &intent.subnets[s].acl;
        for svc in &x.services {
            let p = packet(intent, svc);
            needs
                .entry((acl, false))
                .or_default()
                .push((p.proto, p.request));
            needs
                .entry((acl, true))
                .or_default()
                .push((p.proto, p.reply));
        }
    }
    for r in &rs.nacl_rules {
        let Some(acl) = ix.bind.acls.get(&r.acl) else {
            continue;
        };
        if r.action != Action::Allow {
            deny_excess(r, needs.get(&(acl, r.egress)), client, out);
            continue;
        }
        let layer = if r.egress {
            Layer::NaclReplyOut
        } else {
            Layer::NaclRequestIn
        };
        let why = match needs.get(&(acl, r.egress)) {
            None => Some("no target's subnet uses this ACL".to_string()),
            Some(_) if !contains(&client, &r.cidr) => Some(format!(
                "its CIDR {} is wider than the client CIDR {client}",
                r.cidr
            )),
            Some(need) => {
                let span = if r.protocol == Proto::All {
                    universe(Proto::All)
                } else {
                    r.span
                };
                let mut covered = PortSet::new();
                let mut all = false;
                for (proto, s) in need {
                    if *proto == Proto::All {
                        all = true;
                    } else if *proto == r.protocol {
                        covered = covered.union(&set(*s));
                    }
                }
                let left = set(span).difference(&covered);
                if all {
                    None
                } else if r.protocol == Proto::All {
                    Some("it allows every protocol, which no target there serves".to_string())
                } else {
                    (!left.is_empty()).then(|| {
                        format!(
                            "it allows {} {} that no target there needs",
                            r.protocol,
                            describe(&left)
                        )
                    })
                }
            }
        };
        if let Some(why) = why {
            out.push(
                Finding::new(
                    Kind::Excess,
                    format!(
                        "network ACL {} {} rule {} allows more than the intended flows need: {why}",
                        r.acl,
                        r.direction(),
                        r.number
                    ),
                )
                .layer(layer)
                .rule(r.origin.to_string()),
            );
        }
    }
}

/// A deny that covers part of a needed rectangle (the client CIDR × needed ports) changes
/// the outcome of an intended flow, whatever its number.
fn deny_excess(
    r: &NaclRule,
    need: Option<&Vec<(Proto, Span)>>,
    client: Ipv4Net,
    out: &mut Vec<Finding>,
) {
    let Some(need) = need else {
        return;
    };
    if !crate::net::overlaps(&r.cidr, &client) {
        return;
    }
    let hit = need.iter().any(|(proto, s)| {
        let same = *proto == r.protocol || r.protocol == Proto::All || *proto == Proto::All;
        let span = if r.protocol == Proto::All {
            universe(*proto)
        } else {
            r.span
        };
        same && !set(span)
            .difference(&set(span).difference(&set(*s)))
            .is_empty()
    });
    if hit {
        out.push(
            Finding::new(
                Kind::Excess,
                format!(
                    "network ACL {} {} rule {} denies {} {} for {}, which intended flows need: it changes the outcome of a needed flow",
                    r.acl,
                    r.direction(),
                    r.number,
                    r.protocol,
                    describe(&set(r.span)),
                    r.cidr
                ),
            )
            .layer(if r.egress {
                Layer::NaclReplyOut
            } else {
                Layer::NaclRequestIn
            })
            .rule(r.origin.to_string()),
        );
    }
}

/// Routes carry no target subnet, and each one is needed: a VPC CIDR that holds an
/// in-VPC target (no association adds a local route), or an outside destination.
fn route_excess(intent: &Intent, rs: &RuleSet, out: &mut Vec<Finding>) {
    let mut needed: Vec<Ipv4Net> = Vec::new();
    for x in &intent.targets {
        match &x.destination {
            Destination::Subnet { subnet, .. } => {
                let c = intent.subnets[*subnet].cidr;
                needed.extend(intent.vpc.cidrs.iter().filter(|v| contains(*v, &c)));
            }
            Destination::Outside { cidr } => needed.push(*cidr),
        }
    }
    for r in &rs.routes {
        let why = if let Some(s) = &r.subnet {
            Some(format!(
                "it names target subnet {s}; a transit gateway attachment's routes have none"
            ))
        } else if !needed.contains(&r.cidr) {
            Some("no target needs it".to_string())
        } else {
            None
        };
        if let Some(why) = why {
            out.push(
                Finding::new(
                    Kind::Excess,
                    format!("Client VPN route to {}: {why}", r.cidr),
                )
                .layer(Layer::Route)
                .rule(r.origin.to_string()),
            );
        }
    }
}
