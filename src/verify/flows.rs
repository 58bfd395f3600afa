//! docs/semantics.md#flows, #missing and #surplus: every (group, target, service, target network) flow, end to end.
//! Missing: an intended flow some layer blocks (for some address of the target or some
//! address of the ENI's subnet). Surplus: a flow every layer lets through that the
//! intent does not ask for — another group, all users, or other ports.

use super::bind::Binding;
use super::expect::{audience, intended_auth, intent_admits, packet, Packet};
use super::findings::{who, Finding, Kind, Layer};
use super::model::{
    proto_name, Direction, Ident, NaclRule, Origin, Proto, RuleSet, SgPeer, SgRule, Span,
};
use crate::aws::auth::{auth_table, winner, Admitted, AuthTable};
use crate::aws::cut::pieces;
use crate::aws::nacl;
use crate::aws::sg::{self, Peer};
use crate::aws::{covers, describe, set};
use crate::fast_hash::FastMap;
use crate::intent::{AclRef, Destination, Intent};
use crate::net::{contains, within, Family, PortSet, Prefix};
use ipnet::Ipv4Net;
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

type Outcome<'a, N> = nacl::Outcome<'a, NaclRule<N>>;
/// NACL outcomes per (list, peer piece, protocol).
type Memo<'a, N> = FastMap<(usize, N, Proto), Rc<Outcome<'a, N>>>;

/// The artifact's rules, indexed for evaluation.
pub struct Index<'a, N: Prefix = Ipv4Net> {
    pub intent: &'a Intent<N>,
    pub bind: &'a Binding,
    pub auth: AuthTable<N>,
    pub auth_origin: BTreeMap<N, Vec<Origin>>,
    /// Route CIDRs per target network (subnet index).
    pub routes: BTreeMap<usize, Vec<N>>,
    /// The same CIDRs in address order, for the range query of those inside a target.
    route_cidrs: BTreeMap<usize, BTreeMap<N, ()>>,
    pub associated: BTreeSet<usize>,
    /// Rules per (ACL, egress), by ascending rule number.
    pub nacl: BTreeMap<(AclRef, bool), Vec<&'a NaclRule<N>>>,
    /// The same lists by number (0: an ACL without rules), for the memo below.
    nacl_ids: BTreeMap<(AclRef, bool), usize>,
    nacl_lists: Vec<Vec<&'a NaclRule<N>>>,
    /// The rule CIDRs of each list in address order: the pieces of a path need those
    /// inside its destination or source, found by range query rather than a scan.
    nacl_cidrs: Vec<BTreeMap<N, ()>>,
    /// NACL outcomes per (list, peer piece, protocol): the destination subnet's ACL sees
    /// the same target-network piece for every target behind it.
    memo: RefCell<Memo<'a, N>>,
    /// Rules per (group, direction): by referenced group, and those with a CIDR peer.
    /// Per group: [ingress, egress].
    pub sg: BTreeMap<Ident, [SgRules<'a, N>; 2]>,
    /// Each target's CIDRs, computed once.
    pub cidrs: Vec<Vec<N>>,
    /// Per target, the targets whose intended services count at its addresses: same
    /// kind (in-VPC with the same destination group, or outside) and overlapping CIDRs.
    pub peers: Vec<Vec<usize>>,
}

pub struct SgRules<'a, N> {
    pub by_peer: BTreeMap<Ident, Vec<&'a SgRule<N>>>,
    pub cidr: Vec<&'a SgRule<N>>,
    /// The CIDR-peer rules by their peer network, and the prefix lengths in use: the
    /// rules whose peer contains an address take one lookup per length, not a scan of
    /// every rule (an endpoint group has one rule per outside destination).
    by_cidr: FastMap<N, Vec<&'a SgRule<N>>>,
    lengths: Vec<u8>,
    /// The same peer networks in address order, for the range query of the peers that
    /// lie inside a destination: scanning every rule of an endpoint group per path was
    /// quadratic in the number of outside destinations.
    sorted: BTreeMap<N, ()>,
}

impl<N> Default for SgRules<'_, N> {
    fn default() -> Self {
        SgRules {
            by_peer: BTreeMap::new(),
            cidr: Vec::new(),
            by_cidr: FastMap::default(),
            lengths: Vec::new(),
            sorted: BTreeMap::new(),
        }
    }
}

impl<'a, N: Prefix> SgRules<'a, N> {
    fn containing<'s>(&'s self, addr: &N) -> impl Iterator<Item = &'a SgRule<N>> + 's {
        let addr = *addr;
        self.lengths
            .iter()
            .filter(move |&&len| len <= addr.prefix_len())
            .filter_map(move |&len| N::with_len(addr.network(), len))
            .filter_map(|net| self.by_cidr.get(&net))
            .flatten()
            .copied()
    }
}

impl<'a, N: Prefix> Index<'a, N> {
    pub fn new(intent: &'a Intent<N>, rs: &'a RuleSet<N>, bind: &'a Binding) -> Self {
        let mut routes: BTreeMap<usize, Vec<N>> = BTreeMap::new();
        for r in &rs.routes {
            if let Some(s) = r.subnet.as_ref().and_then(|s| bind.subnet(s)) {
                routes.entry(s).or_default().push(r.cidr);
            }
        }
        let route_cidrs = routes
            .iter()
            .map(|(t, rs)| (*t, rs.iter().map(|r| (*r, ())).collect()))
            .collect();
        let mut nacl: BTreeMap<(AclRef, bool), Vec<&NaclRule<N>>> = BTreeMap::new();
        for r in &rs.nacl_rules {
            if let Some(a) = bind.acls.get(&r.acl) {
                nacl.entry((a.clone(), r.egress)).or_default().push(r);
            }
        }
        for v in nacl.values_mut() {
            v.sort_by_key(|r| r.number);
        }
        let mut sgs: BTreeMap<Ident, [SgRules<N>; 2]> = BTreeMap::new();
        for r in &rs.sg_rules {
            let e = &mut sgs.entry(r.group.clone()).or_default()[dir_index(r.direction)];
            match &r.peer {
                SgPeer::Group(g) => e.by_peer.entry(g.clone()).or_default().push(r),
                SgPeer::Cidr(c) => {
                    e.cidr.push(r);
                    let key = N::with_len(c.network(), c.prefix_len()).unwrap_or(*c);
                    e.by_cidr.entry(key).or_default().push(r);
                    e.sorted.insert(*c, ());
                    if !e.lengths.contains(&c.prefix_len()) {
                        e.lengths.push(c.prefix_len());
                    }
                }
            }
        }
        let mut nacl_ids = BTreeMap::new();
        let mut nacl_lists = vec![Vec::new()];
        for (k, v) in &nacl {
            nacl_ids.insert(k.clone(), nacl_lists.len());
            nacl_lists.push(v.clone());
        }
        let nacl_cidrs = nacl_lists
            .iter()
            .map(|l| l.iter().map(|r| (r.cidr, ())).collect())
            .collect();
        // Outside targets own their CIDR minus the VPC and narrower targets.
        let cidrs: Vec<Vec<N>> = intent
            .effective_destinations()
            .into_iter()
            .map(|e| e.nets)
            .collect();
        let peers = peers(intent, bind, &cidrs);
        let mut auth_origin: BTreeMap<N, Vec<Origin>> = BTreeMap::new();
        for r in &rs.auth_rules {
            auth_origin
                .entry(r.cidr)
                .or_default()
                .push(r.origin.clone());
        }
        Index {
            intent,
            bind,
            auth: auth_table(rs.auth_rules.iter().map(|r| (r.cidr, r.group.as_deref()))),
            auth_origin,
            routes,
            route_cidrs,
            // An existing endpoint comes with its associations: the artifact creates
            // none, and the intent's target networks are taken as associated.
            associated: rs
                .associations
                .iter()
                .filter_map(|a| bind.subnet(&a.subnet))
                .chain(
                    intent
                        .endpoint
                        .id
                        .is_some()
                        .then(|| intent.target_networks.iter().copied())
                        .into_iter()
                        .flatten(),
                )
                .collect(),
            nacl,
            sg: sgs,
            nacl_ids,
            nacl_lists,
            nacl_cidrs,
            memo: RefCell::new(FastMap::default()),
            cidrs,
            peers,
        }
    }

    fn nacl_id(&self, acl: &AclRef, egress: bool) -> usize {
        self.nacl_ids
            .get(&(acl.clone(), egress))
            .copied()
            .unwrap_or(0)
    }

    fn outcome(&self, id: usize, peer: &N, proto: Proto) -> Rc<Outcome<'a, N>> {
        let key = (id, *peer, proto);
        if let Some(o) = self.memo.borrow().get(&key) {
            return o.clone();
        }
        let o = Rc::new(nacl::evaluate(&self.nacl_lists[id], peer, proto));
        self.memo.borrow_mut().insert(key, o.clone());
        o
    }

    /// The rules of `group` in `dir`, if it has any.
    fn sg_rules(&self, group: &Ident, dir: Direction) -> Option<&SgRules<'a, N>> {
        self.sg.get(group).map(|d| &d[dir_index(dir)])
    }

    /// The CIDR peers of `group` in `dir` that lie inside `net`.
    fn sg_cidr_peers_within<'s>(
        &'s self,
        group: &Ident,
        dir: Direction,
        net: &'s N,
    ) -> impl Iterator<Item = N> + 's {
        self.sg
            .get(group)
            .map(|d| &d[dir_index(dir)])
            .into_iter()
            .flat_map(move |e| within(&e.sorted, net).map(|(c, _)| *c))
    }

    fn sg_cidr_peers(&self, group: &Ident, dir: Direction) -> impl Iterator<Item = N> + '_ {
        self.sg
            .get(group)
            .map(|d| &d[dir_index(dir)])
            .into_iter()
            .flat_map(|e| e.cidr.iter())
            .filter_map(|r| match r.peer {
                SgPeer::Cidr(c) => Some(c),
                SgPeer::Group(_) => None,
            })
    }
}

/// The rules of `rules` that can match a peer at `addr` carrying `peer_groups`.
fn sg_candidates<'s, 'a: 's, N: Prefix>(
    rules: Option<&'s SgRules<'a, N>>,
    addr: &N,
    peer_groups: &'s [Ident],
) -> impl Iterator<Item = &'a SgRule<N>> + 's {
    let addr = *addr;
    rules.into_iter().flat_map(move |e| {
        e.containing(&addr).chain(
            peer_groups
                .iter()
                .filter_map(move |g| e.by_peer.get(g))
                .flatten()
                .copied(),
        )
    })
}

fn dir_index(d: Direction) -> usize {
    match d {
        Direction::Ingress => 0,
        Direction::Egress => 1,
    }
}

/// The hops one target is reached through from one target network.
struct Path<'i, 'a, N: Prefix> {
    ix: &'i Index<'a, N>,
    t: usize,
    xi: usize,
    /// Destination security group of an in-VPC target (None: not found or outside).
    dest_sg: Option<&'i Ident>,
    /// ACLs crossed: (a_t, a_s); none inside one subnet, only a_t for outside targets.
    a_t: Option<&'i AclRef>,
    a_s: Option<&'i AclRef>,
    in_vpc: bool,
    dest_groups: Vec<Ident>,
    /// The groups the request's source carries at the destination: the endpoint's for
    /// IPv4 (source NAT to its ENIs), none for IPv6, whose clients keep their own
    /// addresses in the target networks (docs/semantics.md, "IPv6 and dual-stack").
    src_groups: &'i [Ident],
    /// Memo ids of a_t egress/ingress and a_s ingress/egress.
    ids: [usize; 4],
    /// Egress rules of each endpoint group and ingress rules of the destination group,
    /// looked up once per path instead of once per verdict.
    endpoint_rules: Vec<Option<&'i SgRules<'a, N>>>,
    dest_rules: Option<&'i SgRules<'a, N>>,
}

/// Every layer's verdict for one destination piece and ENI-subnet piece.
struct Verdict<'r, N> {
    route: bool,
    /// NACLs not evaluated: nothing passes anyway.
    skipped: bool,
    endpoint: PortSet,
    req_out: Option<Rc<Outcome<'r, N>>>,
    req_in: Option<Rc<Outcome<'r, N>>>,
    dest: Option<PortSet>,
    rep_out: Option<Rc<Outcome<'r, N>>>,
    rep_in: Option<Rc<Outcome<'r, N>>>,
}

impl<'i, 'a, N: Prefix> Path<'i, 'a, N> {
    fn new(ix: &'i Index<'a, N>, t: usize, xi: usize) -> Self {
        let intent = ix.intent;
        let x = &intent.targets[xi];
        let tn = &intent.subnets[t];
        let (a_t, a_s, in_vpc) = match &x.destination {
            Destination::Subnet { subnet, .. } if *subnet == t => (None, None, true),
            Destination::Subnet { subnet, .. } => {
                (Some(&tn.acl), Some(&intent.subnets[*subnet].acl), true)
            }
            Destination::Outside { .. } => (Some(&tn.acl), None, false),
        };
        let dest_sg = ix.bind.target_groups.get(xi).and_then(Option::as_ref);
        let id = |a: Option<&AclRef>, e| a.map_or(0, |a| ix.nacl_id(a, e));
        let ids = [id(a_t, true), id(a_t, false), id(a_s, false), id(a_s, true)];
        Path {
            ids,
            endpoint_rules: ix
                .bind
                .endpoint_groups
                .iter()
                .map(|g| ix.sg_rules(g, Direction::Egress))
                .collect(),
            dest_rules: dest_sg.and_then(|g| ix.sg_rules(g, Direction::Ingress)),
            ix,
            t,
            xi,
            dest_groups: dest_sg.cloned().into_iter().collect(),
            src_groups: match N::FAMILY {
                Family::Ipv4 => &ix.bind.endpoint_groups,
                Family::Ipv6 => &[],
            },
            dest_sg,
            a_t,
            a_s,
            in_vpc,
        }
    }

    /// The target's addresses; for an outside target, without the VPC's own addresses
    /// and those of narrower targets (a `0.0.0.0/0` target does not reach in-VPC servers
    /// or a partner network with its own target through the outside path).
    fn dest_addresses(&self) -> Vec<N> {
        self.ix.cidrs[self.xi].clone()
    }

    fn dest_pieces(&self) -> Vec<N> {
        let cidrs = self.dest_addresses();
        let mut b: Vec<N> = cidrs
            .iter()
            .flat_map(|c| within(&self.ix.auth, c).map(|(n, _)| *n))
            .collect();
        if let Some(rs) = self.ix.route_cidrs.get(&self.t) {
            for c in &cidrs {
                b.extend(within(rs, c).map(|(n, _)| *n));
            }
        }
        for g in &self.ix.bind.endpoint_groups {
            for c in &cidrs {
                b.extend(self.ix.sg_cidr_peers_within(g, Direction::Egress, c));
            }
        }
        if self.a_t.is_some() {
            for id in [self.ids[0], self.ids[1]] {
                for c in &cidrs {
                    b.extend(within(&self.ix.nacl_cidrs[id], c).map(|(n, _)| *n));
                }
            }
        }
        b.sort();
        b.dedup();
        pieces(&cidrs, &b)
    }

    fn source_pieces(&self) -> Vec<N> {
        let c_t = self.ix.intent.subnets[self.t].cidr;
        let near = |c: &N| contains(&c_t, c);
        let mut b = Vec::new();
        if self.a_s.is_some() {
            for id in [self.ids[3], self.ids[2]] {
                b.extend(within(&self.ix.nacl_cidrs[id], &c_t).map(|(n, _)| *n));
            }
        }
        if let Some(g) = self.dest_sg {
            b.extend(self.ix.sg_cidr_peers(g, Direction::Ingress).filter(near));
        }
        b.sort();
        b.dedup();
        pieces(&[c_t], &b)
    }

    fn routed(&self, d: &N) -> bool {
        self.ix.intent.vpc.cidrs.iter().any(|v| contains(v, d))
            || self
                .ix
                .routes
                .get(&self.t)
                .is_some_and(|rs| rs.iter().any(|r| contains(r, d)))
    }

    /// With `full` false (a protocol the target does not serve), the NACLs are only
    /// evaluated when the security groups and route let something through.
    fn verdict(&self, d: &N, s: &N, proto: Proto, full: bool) -> Verdict<'a, N> {
        let ix = self.ix;
        let dest_groups = &self.dest_groups;
        let mut endpoint = PortSet::new();
        for rules in &self.endpoint_rules {
            let allowed = sg::allowed(
                sg_candidates(*rules, d, dest_groups),
                &Peer {
                    addr: *d,
                    groups: dest_groups,
                },
                proto,
            );
            // One endpoint group is the rule: no union to build.
            endpoint = if endpoint.is_empty() {
                allowed
            } else {
                endpoint.union(&allowed)
            };
        }
        let dest = self.in_vpc.then(|| match self.dest_sg {
            Some(_) => sg::allowed(
                sg_candidates(self.dest_rules, s, self.src_groups),
                &Peer {
                    addr: *s,
                    groups: self.src_groups,
                },
                proto,
            ),
            None => PortSet::new(),
        });
        let route = self.routed(d);
        if !full && (!route || endpoint.is_empty() || dest.as_ref().is_some_and(PortSet::is_empty))
        {
            return Verdict {
                route,
                endpoint,
                skipped: true,
                req_out: None,
                req_in: None,
                dest,
                rep_out: None,
                rep_in: None,
            };
        }
        Verdict {
            route,
            skipped: false,
            endpoint,
            req_out: self.a_t.map(|_| ix.outcome(self.ids[0], d, proto)),
            req_in: self.a_s.map(|_| ix.outcome(self.ids[2], s, proto)),
            dest,
            rep_out: self.a_s.map(|_| ix.outcome(self.ids[3], s, proto)),
            rep_in: self.a_t.map(|_| ix.outcome(self.ids[1], d, proto)),
        }
    }
}

fn acl_name(a: &AclRef) -> String {
    match a {
        AclRef::Existing(id) => id.clone(),
        AclRef::InputOf(s) => format!("the network ACL of `{s}` (input)"),
    }
}

/// Why a NACL layer does not cover `span`: the deciding rule of its first uncovered port.
fn nacl_why<N: Prefix>(
    o: &Outcome<N>,
    span: Span,
    acl: &AclRef,
    dir: &str,
) -> (String, Vec<Origin>) {
    let missing = set(span).difference(&o.allowed);
    let port = missing.ranges().first().map_or(span.from, |r| r.from);
    match o.decider(port) {
        Some(r) => (
            format!(
                "{} {dir} rule {} denies {}",
                acl_name(acl),
                r.number,
                describe(&missing)
            ),
            vec![r.origin.clone()],
        ),
        None => (
            format!(
                "no rule of {} {dir} allows {} (default deny)",
                acl_name(acl),
                describe(&missing)
            ),
            Vec::new(),
        ),
    }
}

/// The first layer, in path order, that blocks `p` for these pieces.
fn first_block<N: Prefix>(
    path: &Path<N>,
    v: &Verdict<N>,
    p: &Packet,
    d: &N,
    s: &N,
) -> Option<(Layer, String, Vec<Origin>)> {
    if !v.route {
        return Some((
            Layer::Route,
            format!("no Client VPN route covers {d} on this target network"),
            Vec::new(),
        ));
    }
    if !covers(&v.endpoint, p.request) {
        return Some((
            Layer::EndpointSecurityGroup,
            format!(
                "the endpoint security group allows only `{}` of {} {} towards {d}",
                describe(&v.endpoint),
                proto_name::<N>(p.proto),
                p.request
            ),
            Vec::new(),
        ));
    }
    let (a_t, a_s) = (path.a_t, path.a_s);
    if let (Some(o), Some(a)) = (&v.req_out, a_t) {
        if !covers(&o.allowed, p.request) {
            let (m, r) = nacl_why(o, p.request, a, &format!("egress to {d}"));
            return Some((Layer::NaclRequestOut, m, r));
        }
    }
    if let (Some(o), Some(a)) = (&v.req_in, a_s) {
        if !covers(&o.allowed, p.request) {
            let (m, r) = nacl_why(o, p.request, a, &format!("ingress from {s}"));
            return Some((Layer::NaclRequestIn, m, r));
        }
    }
    if let Some(dest) = &v.dest {
        if !covers(dest, p.request) {
            let m = match path.dest_sg {
                Some(g) => match N::FAMILY {
                    Family::Ipv4 => format!(
                        "destination security group {g} admits only `{}` from the endpoint security group",
                        describe(dest)
                    ),
                    Family::Ipv6 => format!(
                        "destination security group {g} admits only `{}` from client address {s} (IPv6 is not translated: the group must admit the target networks' IPv6 CIDRs)",
                        describe(dest)
                    ),
                },
                None => "the target's destination security group is not in the artifact".into(),
            };
            return Some((Layer::DestinationSecurityGroup, m, Vec::new()));
        }
    }
    if let (Some(o), Some(a)) = (&v.rep_out, a_s) {
        if !covers(&o.allowed, p.reply) {
            let (m, r) = nacl_why(o, p.reply, a, &format!("egress (reply) to {s}"));
            return Some((Layer::NaclReplyOut, m, r));
        }
    }
    if let (Some(o), Some(a)) = (&v.rep_in, a_t) {
        if !covers(&o.allowed, p.reply) {
            let (m, r) = nacl_why(o, p.reply, a, &format!("ingress (reply) from {d}"));
            return Some((Layer::NaclReplyIn, m, r));
        }
    }
    None
}

/// Request ports that get through every layer for some ENI address, replies included.
fn passes<N: Prefix>(v: &Verdict<N>, proto: Proto, reply: Span) -> PortSet {
    let mut ok = if v.route && !v.skipped {
        v.endpoint.clone()
    } else {
        PortSet::new()
    };
    let inter = |a: &PortSet, b: &PortSet| a.difference(&a.difference(b));
    for o in [&v.req_out, &v.req_in].into_iter().flatten() {
        ok = inter(&ok, &o.allowed);
    }
    if let Some(d) = &v.dest {
        ok = inter(&ok, d);
    }
    let reply_set = set(reply);
    for o in [&v.rep_out, &v.rep_in].into_iter().flatten() {
        if inter(&o.allowed, &reply_set).is_empty() {
            return PortSet::new();
        }
    }
    let _ = proto;
    ok
}

/// Targets whose intended services count at each target's addresses.
fn peers<N: Prefix>(intent: &Intent<N>, bind: &Binding, cidrs: &[Vec<N>]) -> Vec<Vec<usize>> {
    let mut by_kind: BTreeMap<Option<&Ident>, Vec<usize>> = BTreeMap::new();
    for (i, t) in intent.targets.iter().enumerate() {
        let kind = match t.subnet() {
            Some(_) => match bind.target_groups.get(i).and_then(Option::as_ref) {
                Some(g) => Some(g),
                None => continue,
            },
            None => None,
        };
        by_kind.entry(kind).or_default().push(i);
    }
    let mut out = vec![Vec::new(); intent.targets.len()];
    for members in by_kind.values() {
        for &x in members {
            for &z in members {
                if cidrs[x]
                    .iter()
                    .any(|a| cidrs[z].iter().any(|b| crate::net::overlaps(a, b)))
                {
                    out[x].push(z);
                }
            }
        }
    }
    out
}

/// Intended request "ports" of `proto` for `group` at piece `d` of target `xi`: the
/// union over the targets that cover `d` and carry the same destination group.
fn intended<N: Prefix>(
    ix: &Index<N>,
    xi: usize,
    d: &N,
    group: Option<&str>,
    proto: Proto,
) -> PortSet {
    let mut out = PortSet::new();
    for &zi in &ix.peers[xi] {
        let z = &ix.intent.targets[zi];
        if !audience(z, group) || !ix.cidrs[zi].iter().any(|c| contains(c, d)) {
            continue;
        }
        for svc in &z.services {
            let p = packet(ix.intent, svc);
            if p.proto == proto || p.proto == Proto::All {
                out = out.union(&set(if p.proto == Proto::All {
                    nacl::universe(proto)
                } else {
                    p.request
                }));
            }
        }
    }
    out
}

fn svc_label<N: Prefix>(proto: Proto, ports: &PortSet) -> String {
    match proto {
        Proto::Icmp => format!("{} type {}", proto_name::<N>(proto), describe(ports)),
        p => format!("{p}/{}", describe(ports)),
    }
}

/// How findings name the family of a flow: IPv4 findings read as they always have.
pub(super) fn over<N: Prefix>() -> &'static str {
    match N::FAMILY {
        Family::Ipv4 => "",
        Family::Ipv6 => " over IPv6",
    }
}

pub fn check<N: Prefix>(ix: &Index<N>) -> Vec<Finding> {
    let intent = ix.intent;
    let mut out = Vec::new();
    let mut intended_rules: Option<AuthTable<N>> = None;
    // Surplus aggregated over target networks: (who, target, service) → networks, detail.
    let mut surplus: BTreeMap<(String, usize, String), (Vec<String>, Finding)> = BTreeMap::new();

    for (xi, x) in intent.targets.iter().enumerate() {
        let groups: Vec<Option<&str>> = if x.groups.is_empty() {
            vec![None]
        } else {
            x.groups.iter().map(|g| Some(g.as_str())).collect()
        };
        let mut missing_done: BTreeSet<(Option<&str>, String, usize)> = BTreeSet::new();
        for &t in &intent.target_networks {
            let tname = &intent.subnets[t].name;
            if !ix.associated.contains(&t) {
                for svc in &x.services {
                    out.push(
                        Finding::new(
                            Kind::Missing,
                            format!(
                                "target `{}` {}{} is not reachable through target network `{tname}`: the subnet is not associated with the endpoint",
                                x.name,
                                svc.canonical(),
                                over::<N>()
                            ),
                        )
                        .layer(Layer::Association)
                        .target(&x.name)
                        .service(svc.canonical())
                        .network(tname),
                    );
                }
                continue;
            }
            let path = Path::new(ix, t, xi);
            let dps = path.dest_pieces();
            let sps = path.source_pieces();
            let protos: BTreeSet<Proto> = [Proto::Tcp, Proto::Udp, Proto::Icmp]
                .into_iter()
                .chain(x.services.iter().map(|s| packet(intent, s).proto))
                .collect();
            let served: BTreeSet<Proto> =
                x.services.iter().map(|s| packet(intent, s).proto).collect();
            for d in &dps {
                let admitted: Option<(N, &Admitted)> = winner(&ix.auth, d);
                let verdicts: Vec<(N, Proto, Verdict<N>)> = sps
                    .iter()
                    .flat_map(|s| protos.iter().map(move |p| (*s, *p)))
                    .map(|(s, p)| (s, p, path.verdict(d, &s, p, served.contains(&p))))
                    .collect();
                // Missing: every intended (group, service) must pass for every ENI address.
                for svc in &x.services {
                    let p = packet(intent, svc);
                    for g in &groups {
                        let key = (*g, svc.canonical().to_string(), t);
                        if missing_done.contains(&key) {
                            continue;
                        }
                        let auth_ok = admitted.as_ref().is_some_and(|(_, a)| a.admits(*g));
                        let block = if !auth_ok {
                            Some((
                                Layer::Authorization,
                                match &admitted {
                                    None => format!("no authorization rule covers {d}"),
                                    Some((prefix, _)) => format!(
                                        "the longest matching authorization rule for {d} is {prefix}, which does not admit {}",
                                        who(*g)
                                    ),
                                },
                                admitted.as_ref().and_then(|(p, _)| ix.auth_origin.get(p)).cloned().unwrap_or_default(),
                            ))
                        } else {
                            verdicts
                                .iter()
                                .filter(|(_, pr, _)| *pr == p.proto)
                                .find_map(|(s, _, v)| first_block(&path, v, &p, d, s))
                        };
                        if let Some((layer, why, rule)) = block {
                            missing_done.insert(key);
                            let mut f = Finding::new(
                                Kind::Missing,
                                format!(
                                    "{} cannot reach target `{}` {}{} through target network `{tname}`: blocked by {layer}: {why}",
                                    who(*g),
                                    x.name,
                                    svc.canonical(),
                                    over::<N>()
                                ),
                            )
                            .layer(layer)
                            .who(who(*g))
                            .target(&x.name)
                            .service(svc.canonical())
                            .network(tname);
                            f = f.origins(&rule);
                            out.push(f);
                        }
                    }
                }
                // Surplus: who the winning rule admits, on what the network lets through.
                let Some((prefix, adm)) = &admitted else {
                    continue;
                };
                let mut whos: Vec<Option<&str>> =
                    adm.groups.iter().map(|g| Some(g.as_str())).collect();
                if adm.all_users {
                    whos.push(None);
                }
                for proto in &protos {
                    let reply = reply_span(intent, *proto);
                    let mut through = PortSet::new();
                    for (_, pr, v) in &verdicts {
                        if pr == proto {
                            through = through.union(&passes(v, *proto, reply));
                        }
                    }
                    if through.is_empty() {
                        continue;
                    }
                    for w in &whos {
                        let want = intended(ix, xi, d, *w, *proto);
                        let extra = through.difference(&want);
                        if extra.is_empty() {
                            continue;
                        }
                        let label = svc_label::<N>(*proto, &extra);
                        let whom = match w {
                            Some(g) => format!("group `{g}`"),
                            None => "all users".to_string(),
                        };
                        let implied = !audience(x, *w)
                            && intent_admits(
                                intended_rules.get_or_insert_with(|| intended_auth(intent)),
                                d,
                                *w,
                            );
                        let (layer, why) = if !audience(x, *w) {
                            (
                                Layer::Authorization,
                                format!("the authorization rule for {prefix} admits {whom}"),
                            )
                        } else if path.in_vpc {
                            (
                                Layer::DestinationSecurityGroup,
                                "every layer, down to the destination security group, lets these ports through".to_string(),
                            )
                        } else {
                            (
                                Layer::EndpointSecurityGroup,
                                "every layer lets these ports through".to_string(),
                            )
                        };
                        let key = (whom.clone(), xi, label.clone());
                        let entry = surplus.entry(key).or_insert_with(|| {
                            let mut f = Finding::new(Kind::Surplus, String::new())
                                .layer(layer)
                                .who(&whom)
                                .target(&x.name)
                                .service(&label);
                            if let Some(o) = ix.auth_origin.get(prefix) {
                                if layer == Layer::Authorization {
                                    f = f.origins(o);
                                }
                            }
                            if implied {
                                f = f.help(format!(
                                    "the intent itself implies this: security groups and NACLs cannot tell user groups apart ({}), so {whom} authorized for {prefix} reaches every server in it; give the targets `hosts:` so each group is authorized only for its own servers, or split the subnet",
                                    match N::FAMILY {
                                        Family::Ipv4 => "source NAT",
                                        Family::Ipv6 => "every IPv6 client takes its address in the target networks",
                                    }
                                ));
                            }
                            f.message = why;
                            (Vec::new(), f)
                        });
                        if !entry.0.contains(tname) {
                            entry.0.push(tname.clone());
                        }
                    }
                }
            }
        }
    }
    for ((whom, xi, label), (nets, mut f)) in surplus {
        let x = &intent.targets[xi];
        f.message = format!(
            "{whom} can reach target `{}` {label}{} through target network {} ({}), which the intent does not allow: {}",
            x.name,
            over::<N>(),
            nets.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", "),
            if x.groups.is_empty() { "open to all users".to_string() } else { format!("intended for {}", x.groups.join(", ")) },
            f.message
        );
        f.target_network = Some(nets.join(", "));
        out.push(f);
    }
    out
}

/// The reply "ports" a stateless ACL must let back for a request of `proto`.
fn reply_span<N: Prefix>(intent: &Intent<N>, proto: Proto) -> Span {
    match proto {
        // The echo reply: ICMP type 0, ICMPv6 type 129.
        Proto::Icmp => {
            let reply = match N::FAMILY {
                Family::Ipv4 => super::expect::ICMP_ECHO_REPLY,
                Family::Ipv6 => super::expect::ICMPV6_ECHO_REPLY,
            };
            Span {
                from: reply,
                to: reply,
            }
        }
        Proto::All => Span::ALL_PORTS,
        _ => Span {
            from: intent.nacl.ephemeral.from,
            to: intent.nacl.ephemeral.to,
        },
    }
}

/// What one kind of user reaches at one target through one target network.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reach {
    /// A group, or `None`: a user in none of the intent's groups.
    pub who: Option<String>,
    pub target: String,
    pub network: String,
    pub proto: Proto,
    /// Request ports (ICMP types) that pass every layer, replies included, at some
    /// address of the target.
    pub ports: PortSet,
}

/// The artifact's actual reachability, per (user kind, target, target network,
/// protocol): the same per-piece verdicts as `check`, without comparing them to the
/// intent. `explain` evaluates the plan the same way and a test compares the two.
pub fn reach<N: Prefix>(ix: &Index<N>) -> Vec<Reach> {
    let intent = ix.intent;
    let groups: BTreeSet<&str> = intent
        .targets
        .iter()
        .flat_map(|t| t.groups.iter().map(String::as_str))
        .collect();
    let whos: Vec<Option<&str>> = groups.into_iter().map(Some).chain([None]).collect();
    let mut out = Vec::new();
    for (xi, x) in intent.targets.iter().enumerate() {
        for &t in intent
            .target_networks
            .iter()
            .filter(|t| ix.associated.contains(t))
        {
            let path = Path::new(ix, t, xi);
            let sps = path.source_pieces();
            let protos: BTreeSet<Proto> = [Proto::Tcp, Proto::Udp, Proto::Icmp]
                .into_iter()
                .chain(x.services.iter().map(|s| packet(intent, s).proto))
                .collect();
            let mut acc: BTreeMap<(usize, Proto), PortSet> = BTreeMap::new();
            for d in &path.dest_pieces() {
                let Some((_, admitted)) = winner(&ix.auth, d) else {
                    continue;
                };
                for &proto in &protos {
                    let reply = reply_span(intent, proto);
                    let mut through = PortSet::new();
                    for s in &sps {
                        through =
                            through.union(&passes(&path.verdict(d, s, proto, true), proto, reply));
                    }
                    if through.is_empty() {
                        continue;
                    }
                    for (wi, w) in whos.iter().enumerate() {
                        if admitted.admits(*w) {
                            let e = acc.entry((wi, proto)).or_default();
                            *e = e.union(&through);
                        }
                    }
                }
            }
            for ((wi, proto), ports) in acc {
                out.push(Reach {
                    who: whos[wi].map(str::to_string),
                    target: x.name.to_string(),
                    network: intent.subnets[t].name.to_string(),
                    proto,
                    ports,
                });
            }
        }
    }
    out
}
