//! Paired, stateless NACL entries at subnet-CIDR granularity, and the carve-out denies
//! that keep an outside target's rows out of the narrower targets inside it (see
//! docs/semantics.md, "Network ACL entries").
//!
//! Each needed (peer CIDR × port range) rectangle comes from one row of the four-row
//! table. Per ACL, direction and protocol they are merged exactly: the port axis is
//! cut at every range boundary, each slice's CIDRs are aggregated, and slices that
//! touch under the same prefix are joined again. The union of the emitted entries is
//! the union of the needs, never more.

use super::{acl_key, Name, Names, Reason, Role};
use crate::aws::Action;
use crate::diagnostic::Diagnostic;
use crate::fast_hash::FastMap;
use crate::intent::validate::limits::NACL_MAX_RULE_NUMBER;
use crate::intent::{Destination, Intent, Protocol};
use crate::net::{aggregate, contains, Family, PortRange, PortSet, Prefix};
use ipnet::Ipv4Net;
use std::collections::BTreeMap;

pub const ICMP_ECHO_REQUEST: u16 = 8;
pub const ICMP_ECHO_REPLY: u16 = 0;
pub const ICMPV6_ECHO_REQUEST: u16 = 128;
pub const ICMPV6_ECHO_REPLY: u16 = 129;

/// The echo request and reply types of the family's ICMP (ICMPv6 for IPv6).
pub fn echo(family: Family) -> (u16, u16) {
    match family {
        Family::Ipv4 => (ICMP_ECHO_REQUEST, ICMP_ECHO_REPLY),
        Family::Ipv6 => (ICMPV6_ECHO_REQUEST, ICMPV6_ECHO_REPLY),
    }
}

/// Why a rectangle is needed, as indexes into the intent: cheap to copy, sort and
/// deduplicate at scale; turned into a `Reason` only for the final entries.
/// Indexes are `u32`: 16 bytes a need instead of 32, for tens of thousands of them (an
/// intent of four billion items would not fit in memory anyway).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Why {
    pub target: u32,
    pub service: u32,
    pub target_network: u32,
    pub role: Role,
}

impl Why {
    pub fn reason(&self, names: &Names) -> Reason {
        let (target, service) = (self.target as usize, self.service as usize);
        Reason {
            target: names.target(target).clone(),
            port: names.service(target, service).clone(),
            target_network: Some(names.subnet(self.target_network as usize).clone()),
            role: self.role,
        }
    }
}

/// The four rows of docs/semantics.md#network-acl-entries for every target network and target (two for outside ones),
/// gathered into their distinct rectangles as they are made: at scale most needs share
/// a rectangle (every target behind the same subnet, per port), so they are never kept
/// one by one. Returns the ACL names in name order (which the groups' ACL ranks index),
/// the rectangles grouped and in group order, and how many needs there were.
fn needs<N: Prefix>(intent: &Intent<N>) -> (Vec<Name>, Vec<Rect<N>>, usize) {
    let eph = intent.nacl.ephemeral;
    let (echo_request, echo_reply) = echo(N::FAMILY);
    let acls: Vec<Name> = intent
        .subnets
        .iter()
        .map(|s| acl_key(&s.acl).into())
        .collect();
    let mut order: Vec<&Name> = acls.iter().collect();
    order.sort();
    order.dedup();
    let ranks: Vec<usize> = acls
        .iter()
        .map(|a| order.binary_search(&a).unwrap_or_default())
        .collect();
    let mut rects = Rects::default();
    let mut count = 0usize;
    for &ti in &intent.target_networks {
        let tn = &intent.subnets[ti];
        let a_t = ranks[ti];
        for (xi, x) in intent.targets.iter().enumerate() {
            let (peer, dest) = match &x.destination {
                Destination::Subnet { subnet, .. } if *subnet == ti => continue, // NACLs don't see intra-subnet traffic
                Destination::Subnet { subnet, .. } => {
                    (intent.subnets[*subnet].cidr, Some(ranks[*subnet]))
                }
                Destination::Outside { cidr } => (*cidr, None),
            };
            for (si, svc) in x.services.iter().enumerate() {
                let (req, rep) = match svc.protocol {
                    Protocol::Tcp | Protocol::Udp => (svc.ports, eph),
                    Protocol::Icmp => (
                        PortRange::single(echo_request),
                        PortRange::single(echo_reply),
                    ),
                    Protocol::All => (PortRange::ALL, PortRange::ALL),
                };
                let mut push = |acl_rank: usize, egress: bool, cidr: N, ports, role| {
                    count += 1;
                    let group = (acl_rank, egress, Action::Allow, svc.protocol);
                    rects.add(
                        group,
                        cidr,
                        ports,
                        Why {
                            target: xi as u32,
                            service: si as u32,
                            target_network: ti as u32,
                            role,
                        },
                    );
                };
                push(a_t, true, peer, req, Role::Request);
                if let Some(a_s) = dest {
                    push(a_s, false, tn.cidr, req, Role::Request);
                    push(a_s, true, tn.cidr, rep, Role::Reply);
                }
                push(a_t, false, peer, rep, Role::Reply);
            }
        }
    }
    carve_out_denies(intent, &ranks, &mut rects);
    // Stable: within a group, rectangles stay in first-seen order (merge and the
    // reasons' sort do not depend on it, but the order stays deterministic anyway).
    let mut rects = rects.rects;
    rects.sort_by_key(|r| r.group);
    (order.into_iter().cloned().collect(), rects, count)
}

/// Carve-out denies (docs/semantics.md, "Carve-out denies"). An outside target `x`
/// yields the outside ranges of narrower targets `z` inside it, but its request row at
/// each target network's ACL (its whole CIDR × its ports) still passes them: a user whom
/// authorization admits at `z` would reach `z`'s range on `x`'s ports too. So for each
/// such pair, deny `z`'s effective range × the ports of `x` that no target at `z`'s CIDR
/// intends, in every target network's ACL, egress. The VPC needs none: destination
/// subnets' ACLs and security groups close it.
fn carve_out_denies<N: Prefix>(intent: &Intent<N>, ranks: &[usize], rects: &mut Rects<N>) {
    let outside: Vec<bool> = intent
        .targets
        .iter()
        .map(|t| matches!(t.destination, Destination::Outside { .. }))
        .collect();
    if outside.iter().filter(|o| **o).count() < 2 {
        return; // nothing to nest: the common case costs one pass
    }
    let effective = intent.effective_destinations();
    for (xi, x) in intent.targets.iter().enumerate() {
        let Destination::Outside { cidr: e } = x.destination else {
            continue;
        };
        for &zi in &effective[xi].yields_to {
            let Destination::Outside { cidr: f } = intent.targets[zi].destination else {
                continue;
            };
            if f == e {
                continue;
            }
            // What every target at exactly `f` intends there.
            let mut open = Open {
                echo_request: echo(N::FAMILY).0,
                ..Open::default()
            };
            for w in intent.targets.iter() {
                if matches!(w.destination, Destination::Outside { cidr } if cidr == f) {
                    for svc in &w.services {
                        open.add(svc.protocol, svc.ports);
                    }
                }
            }
            for (si, svc) in x.services.iter().enumerate() {
                for (protocol, ports) in open.closing(svc.protocol, svc.ports) {
                    for &ti in &intent.target_networks {
                        for net in &effective[zi].nets {
                            let group = (ranks[ti], true, Action::Deny, protocol);
                            rects.add(
                                group,
                                *net,
                                ports,
                                Why {
                                    target: xi as u32,
                                    service: si as u32,
                                    target_network: ti as u32,
                                    role: Role::CarveOut,
                                },
                            );
                        }
                    }
                }
            }
        }
    }
}

/// The distinct rectangles met so far, each with every need that asks for it.
struct Rects<N> {
    index: FastMap<(usize, u128, usize, usize), usize>,
    rects: Vec<Rect<N>>,
}

impl<N> Default for Rects<N> {
    fn default() -> Self {
        Rects {
            index: FastMap::default(),
            rects: Vec::new(),
        }
    }
}

impl<N: Prefix> Rects<N> {
    fn add(&mut self, group: GroupKey, cidr: N, ports: PortRange, why: Why) {
        let rects = &mut self.rects;
        let i = *self
            .index
            .entry(rect_key(group, &cidr, &ports))
            .or_insert_with(|| {
                rects.push(Rect {
                    group,
                    cidr,
                    ports,
                    whys: Vec::new(),
                });
                rects.len() - 1
            });
        rects[i].whys.push(why);
    }
}

/// What the targets at one outside CIDR intend, per protocol.
#[derive(Default)]
struct Open {
    tcp: PortSet,
    udp: PortSet,
    icmp: bool,
    all: bool,
    /// The family's echo request type.
    echo_request: u16,
}

impl Open {
    fn add(&mut self, protocol: Protocol, ports: PortRange) {
        match protocol {
            Protocol::Tcp => self.tcp.insert(ports),
            Protocol::Udp => self.udp.insert(ports),
            Protocol::Icmp => self.icmp = true,
            Protocol::All => self.all = true,
        }
    }

    /// The (protocol, ports) of a wider row's service that these targets do not
    /// intend: what a carve-out deny must close. ICMP denies close the echo request.
    /// An `all` row is closed on TCP, UDP and ICMP; other IP protocols cannot be denied
    /// one by one, and the planner warns about them.
    fn closing(&self, protocol: Protocol, ports: PortRange) -> Vec<(Protocol, PortRange)> {
        if self.all {
            return Vec::new();
        }
        let rest = |open: &PortSet, proto: Protocol, ports: PortRange| {
            PortSet::from_ranges([ports])
                .difference(open)
                .ranges()
                .iter()
                .map(|r| (proto, *r))
                .collect::<Vec<_>>()
        };
        let echo = || (Protocol::Icmp, PortRange::single(self.echo_request));
        match protocol {
            Protocol::Tcp => rest(&self.tcp, Protocol::Tcp, ports),
            Protocol::Udp => rest(&self.udp, Protocol::Udp, ports),
            Protocol::Icmp if self.icmp => Vec::new(),
            Protocol::Icmp => vec![echo()],
            Protocol::All => {
                let mut out = rest(&self.tcp, Protocol::Tcp, PortRange::ALL);
                out.extend(rest(&self.udp, Protocol::Udp, PortRange::ALL));
                if !self.icmp {
                    out.push(echo());
                }
                out
            }
        }
    }
}

/// A merged entry before numbering.
#[derive(Debug, Clone)]
pub struct Merged<N = Ipv4Net> {
    pub action: Action,
    pub protocol: Protocol,
    pub cidr: N,
    pub ports: PortRange,
    pub reasons: Vec<Why>,
}

/// Exact merge of rectangles (cidr × ports) of one protocol, into few entries.
///
/// 1. Cut the port axis at every range boundary; in each slice, aggregate the CIDRs.
/// 2. Stretch every (prefix, slice) candidate over the neighbouring slices that the
///    prefix is wholly covered in: entries may overlap, which NACL allows.
/// 3. Drop candidates that the others already cover, smallest first.
///
/// Every step keeps the union exactly equal to the input union.
pub fn merge<N: Prefix>(rects: &[(N, PortRange)]) -> Vec<(N, PortRange)> {
    let mut cuts: Vec<u32> = rects
        .iter()
        .flat_map(|(_, r)| [u32::from(r.from), u32::from(r.to) + 1])
        .collect();
    cuts.sort_unstable();
    cuts.dedup();
    let mut slices: Vec<(u32, u32, Vec<N>)> = Vec::new();
    // A sweep over the slices keeps the rectangles that span the current one: every
    // rectangle starts and ends on a cut, so each slice lies wholly inside or outside it.
    // (Filtering all rectangles per slice was quadratic in one target's ports.)
    let mut by_from: Vec<usize> = (0..rects.len()).collect();
    by_from.sort_by_key(|&i| rects[i].1.from);
    let mut next = 0;
    let mut spanning: Vec<usize> = Vec::new();
    for w in cuts.windows(2) {
        let (lo, hi) = (w[0], w[1] - 1);
        while let Some(&i) = by_from
            .get(next)
            .filter(|&&i| u32::from(rects[i].1.from) <= lo)
        {
            spanning.push(i);
            next += 1;
        }
        spanning.retain(|&i| hi <= u32::from(rects[i].1.to));
        let mut here = spanning.clone();
        here.sort_unstable();
        let nets: Vec<N> = here.iter().map(|&i| rects[i].0).collect();
        if !nets.is_empty() {
            slices.push((lo, hi, aggregate(&nets)));
        }
    }
    let covered = |p: &N, k: usize| slices[k].2.iter().any(|n| contains(n, p));
    let adjacent = |k: usize| slices[k].1 + 1 == slices[k + 1].0;

    let mut candidates: Vec<(N, usize, usize)> = Vec::new();
    for k in 0..slices.len() {
        for p in &slices[k].2 {
            let (mut s, mut e) = (k, k);
            while s > 0 && adjacent(s - 1) && covered(p, s - 1) {
                s -= 1;
            }
            while e + 1 < slices.len() && adjacent(e) && covered(p, e + 1) {
                e += 1;
            }
            candidates.push((*p, s, e));
        }
    }
    candidates.sort_unstable();
    candidates.dedup();

    let area = |c: &(N, usize, usize)| {
        let ports = u128::from(slices[c.2].1 - slices[c.1].0 + 1);
        ports.saturating_mul(c.0.size())
    };
    let mut active: Vec<Vec<usize>> = vec![Vec::new(); slices.len()];
    for (i, c) in candidates.iter().enumerate() {
        for a in &mut active[c.1..=c.2] {
            a.push(i);
        }
    }
    let mut order: Vec<usize> = (0..candidates.len()).collect();
    order.sort_by_key(|&i| (area(&candidates[i]), candidates[i]));
    let mut alive = vec![true; candidates.len()];
    for i in order {
        let (p, s, e) = candidates[i];
        let redundant = (s..=e).all(|k| {
            let others: Vec<N> = active[k]
                .iter()
                .filter(|&&j| j != i && alive[j] && crate::net::overlaps(&candidates[j].0, &p))
                .map(|&j| candidates[j].0)
                .collect();
            others.iter().any(|n| contains(n, &p))
                || aggregate(&others).iter().any(|n| contains(n, &p))
        });
        if redundant {
            alive[i] = false;
        }
    }
    candidates
        .iter()
        .zip(alive)
        .filter(|(_, a)| *a)
        .map(|(&(p, s, e), _)| {
            (
                p,
                PortRange {
                    from: slices[s].0 as u16,
                    to: slices[e].1 as u16,
                },
            )
        })
        .collect()
}

/// Which ACL, direction, action and protocol a need is merged within; orders the groups.
type GroupKey = (usize, bool, Action, Protocol);

/// One distinct rectangle of a group and every need that asks for it. At scale many
/// needs share a rectangle (every target behind the same subnet, per port), so merging
/// and citing distinct rectangles is far less work than visiting every need.
struct Rect<N> {
    group: GroupKey,
    cidr: N,
    ports: PortRange,
    whys: Vec<Why>,
}

/// A need's group and rectangle as plain words: FxHash takes a word in one step, while
/// the fields' own `Hash` goes through byte slices.
fn rect_key<N: Prefix>(
    (acl_rank, egress, action, protocol): GroupKey,
    cidr: &N,
    ports: &PortRange,
) -> (usize, u128, usize, usize) {
    let deny = usize::from(action == Action::Deny);
    let group = acl_rank << 4 | deny << 3 | usize::from(egress) << 2 | protocol as usize;
    let net = N::addr_bits(cidr.network());
    let ports = usize::from(ports.from) << 16 | usize::from(ports.to);
    (group, net, usize::from(cidr.prefix_len()), ports)
}

/// The needs behind one merged entry: every rectangle it overlaps, sorted, deduplicated.
/// A group's rectangles by first port, with the furthest last port reached up to each:
/// the rectangles whose ports overlap a range are found without scanning the whole
/// group (one target with thousands of ports made that quadratic).
struct ByPort<'a, N> {
    rects: Vec<&'a Rect<N>>,
    reach: Vec<u16>,
}

impl<'a, N> ByPort<'a, N> {
    fn new(group: &'a [Rect<N>]) -> Self {
        let mut rects: Vec<&Rect<N>> = group.iter().collect();
        rects.sort_by_key(|r| r.ports.from);
        let mut reach = Vec::with_capacity(rects.len());
        let mut far = 0u16;
        for r in &rects {
            far = far.max(r.ports.to);
            reach.push(far);
        }
        ByPort { rects, reach }
    }

    fn overlapping(&self, ports: &PortRange) -> impl Iterator<Item = &'a Rect<N>> + '_ {
        let end = self.rects.partition_point(|r| r.ports.from <= ports.to);
        let ports = *ports;
        (0..end)
            .rev()
            .take_while(move |&i| self.reach[i] >= ports.from)
            .map(|i| self.rects[i])
            .filter(move |r| r.ports.overlaps(&ports))
    }
}

fn reasons_of<N: Prefix>(rects: &ByPort<N>, cidr: &N, ports: &PortRange) -> Vec<Why> {
    let hits: Vec<&Rect<N>> = rects
        .overlapping(ports)
        .filter(|r| contains(cidr, &r.cidr) || contains(&r.cidr, cidr))
        .collect();
    let mut reasons = Vec::with_capacity(hits.iter().map(|r| r.whys.len()).sum());
    for r in hits {
        reasons.extend_from_slice(&r.whys);
    }
    // Each rectangle's needs are already in order: the sort merges a few sorted runs.
    reasons.sort();
    reasons.dedup();
    reasons
}

/// Entries per (ACL, egress), merged, with reasons, in a stable order. `acls` are the
/// ACL names that the rectangles' ACL ranks index.
fn merged<N: Prefix>(
    rects: &[Rect<N>],
    acls: &[Name],
    vpc: &[N],
) -> BTreeMap<(Name, bool), Vec<Merged<N>>> {
    let mut out: BTreeMap<(Name, bool), Vec<Merged<N>>> = BTreeMap::new();
    for group in rects.chunk_by(|a, b| a.group == b.group) {
        let Some(first) = group.first() else {
            continue;
        };
        let (rank, egress, action, protocol) = first.group;
        let Some(acl) = acls.get(rank) else {
            continue;
        };
        let pairs: Vec<(N, PortRange)> = group.iter().map(|r| (r.cidr, r.ports)).collect();
        let list = out.entry((acl.clone(), egress)).or_default();
        let by_port = ByPort::new(group);
        // An ICMP entry names one type: types merge only with themselves (ICMPv6's echo
        // request 128 and reply 129 touch, and must not become one range).
        let merged = if protocol == Protocol::Icmp {
            let mut types: Vec<PortRange> = pairs.iter().map(|p| p.1).collect();
            types.sort_unstable();
            types.dedup();
            types
                .into_iter()
                .flat_map(|t| {
                    let same: Vec<(N, PortRange)> =
                        pairs.iter().filter(|p| p.1 == t).copied().collect();
                    merge(&same)
                })
                .collect()
        } else {
            merge(&pairs)
        };
        for (cidr, ports) in merged {
            list.push(Merged {
                action,
                protocol,
                cidr,
                ports,
                reasons: reasons_of(&by_port, &cidr, &ports),
            });
        }
    }
    // An all-protocol entry makes narrower entries for the same peer redundant.
    for list in out.values_mut() {
        let all: Vec<N> = list
            .iter()
            .filter(|m| m.protocol == Protocol::All && m.action == Action::Allow)
            .map(|m| m.cidr)
            .collect();
        if all.is_empty() {
            continue;
        }
        let mut moved: Vec<(N, Vec<Why>)> = Vec::new();
        list.retain(|m| {
            if m.protocol == Protocol::All || m.action == Action::Deny {
                return true;
            }
            match all.iter().find(|a| contains(*a, &m.cidr)) {
                Some(a) => {
                    moved.push((*a, m.reasons.clone()));
                    false
                }
                None => true,
            }
        });
        for (a, reasons) in moved {
            if let Some(m) = list
                .iter_mut()
                .find(|m| m.protocol == Protocol::All && m.action == Action::Allow && m.cidr == a)
            {
                m.reasons.extend(reasons);
                m.reasons.sort();
                m.reasons.dedup();
            }
        }
    }
    for list in out.values_mut() {
        if list.iter().all(|m| m.action == Action::Allow) {
            list.sort_by_key(|m| (m.cidr, m.protocol, m.ports));
        } else {
            // First match decides: a carve-out deny goes before every outside allow it
            // cuts. In-VPC allows first, then the denies, then the outside allows.
            let class = |m: &Merged<N>| match m.action {
                Action::Deny => 1,
                Action::Allow if vpc.iter().any(|v| contains(v, &m.cidr)) => 0,
                Action::Allow => 2,
            };
            list.sort_by_key(|m| (class(m), m.cidr, m.protocol, m.ports));
        }
    }
    out
}

/// Plans the numbered entries, or errors for ACLs over their quota or rule-number range.
/// Also returns how many entries the naive one-per-row derivation would need.
///
/// `before` holds, per (ACL, egress), how many entries of the other family come first:
/// an ACL numbers its IPv4 and IPv6 entries in one sequence, but counts the quota per
/// family (each family has its own default deny).
pub fn plan<N: Prefix>(
    intent: &Intent<N>,
    names: &Names,
    before: &BTreeMap<(String, bool), usize>,
) -> Result<(Vec<super::NaclEntry>, usize), Vec<Diagnostic>> {
    let settings = &intent.nacl;
    let mut entries = Vec::new();
    let mut errors = Vec::new();
    let (acls, rects, unmerged) = needs(intent);
    for ((acl, egress), list) in merged(&rects, &acls, &intent.vpc.cidrs) {
        let direction = if egress { "egress" } else { "ingress" };
        let limit = settings.quota.saturating_sub(1) as usize;
        let offset = before.get(&(acl.to_string(), egress)).copied().unwrap_or(0);
        let last = u64::from(settings.rule_start)
            + u64::from(settings.rule_step) * ((list.len() + offset).max(1) as u64 - 1);
        if list.len() > limit {
            errors.push(quota_error(intent, &acl, direction, list.len(), limit));
        } else if last > u64::from(NACL_MAX_RULE_NUMBER) {
            errors.push(
                Diagnostic::error(format!(
                    "network ACL `{acl}` {direction}: {} entries from rule {} by {} end at rule {last}, past 32766",
                    list.len() + offset,
                    settings.rule_start,
                    settings.rule_step
                ))
                .at("nacl.rule_start")
                .rule(crate::findings::Rule::NaclCapacity)
                .help("lower `nacl.rule_start` or `nacl.rule_step`"),
            );
        }
        for (i, m) in list.into_iter().enumerate() {
            let i = i + offset;
            let rule_number = settings
                .rule_start
                .saturating_add(settings.rule_step.saturating_mul(i as u32));
            let svc = match m.protocol {
                Protocol::Tcp | Protocol::Udp => format!("{}-{}", m.protocol, m.ports),
                Protocol::Icmp if N::FAMILY == Family::Ipv6 => {
                    format!("icmpv6-type-{}", m.ports.from)
                }
                Protocol::Icmp => format!("icmp-type-{}", m.ports.from),
                Protocol::All => "all".to_string(),
            };
            let action = match m.action {
                Action::Allow => "",
                Action::Deny => "deny.",
            };
            entries.push(super::NaclEntry {
                key: format!("{acl}.{direction}.{action}{svc}.{}", m.cidr),
                action: m.action,
                logical_id: String::new(),
                network_acl: acl.to_string(),
                egress,
                rule_number,
                protocol: m.protocol,
                cidr: m.cidr.into(),
                ports: m.protocol.has_ports().then_some(m.ports),
                icmp_type: (m.protocol == Protocol::Icmp).then_some(i32::from(m.ports.from)),
                reasons: m.reasons.iter().map(|w| w.reason(names)).collect(),
            });
        }
    }
    if errors.is_empty() {
        Ok((entries, unmerged))
    } else {
        Err(errors)
    }
}

fn quota_error<N: Prefix>(
    intent: &Intent<N>,
    acl: &str,
    direction: &str,
    count: usize,
    limit: usize,
) -> Diagnostic {
    let quota = intent.nacl.quota;
    let mut options = Vec::new();
    if quota < 40 && count < 40 {
        options.push(format!("raise `nacl.quota` to {} (AWS allows up to 40 per direction; request the increase first)", count + 1));
    }
    options.push("give targets `hosts:` or fewer port ranges so that entries merge".to_string());
    // Subnets reached through this ACL whose CIDRs would aggregate if merged into one supernet.
    let peers: Vec<Ipv4Net> = intent
        .subnets
        .iter()
        .filter(|s| acl_key(&s.acl) != acl)
        .filter_map(|s| Ipv4Net::from_ipnet(s.cidr.into()))
        .collect();
    if let Some(hint) = aggregation_hint(&peers) {
        options.push(hint);
    }
    Diagnostic::error(format!(
        "network ACL `{acl}` needs {count} {}{direction} entries; quota {quota} allows {limit} (one is the default deny)",
        if N::FAMILY == Family::Ipv6 { "IPv6 " } else { "" }
    ))
    .at("nacl.quota")
    .rule(crate::findings::Rule::NaclCapacity)
    .help(options.join("; or "))
}

/// Suggests the smallest supernet that would hold two subnets, and how many addresses
/// beyond them it would open. Only a suggestion: the planner never widens by itself.
fn aggregation_hint(cidrs: &[Ipv4Net]) -> Option<String> {
    let mut best: Option<(u64, Ipv4Net, Ipv4Net, Ipv4Net)> = None;
    for (i, a) in cidrs.iter().enumerate() {
        for b in &cidrs[i + 1..] {
            let mut s = *a;
            while !contains(&s, b) {
                s = s.supernet()?;
            }
            let extra = (1u64 << (32 - s.prefix_len()))
                - (1u64 << (32 - a.prefix_len()))
                - (1u64 << (32 - b.prefix_len()));
            // Siblings (extra 0) merge already when their ports agree: nothing to suggest.
            if extra > 0 && best.as_ref().is_none_or(|(e, ..)| extra < *e) {
                best = Some((extra, s, *a, *b));
            }
        }
    }
    best.map(|(extra, s, a, b)| {
        format!("placing {a} and {b} in one subnet range {s} would let their entries merge, widening them by {extra} addresses")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::net::Ipv4Addr;

    fn net(s: &str) -> Ipv4Net {
        s.parse().unwrap()
    }

    #[test]
    fn shared_port_spans_siblings() {
        let r = merge(&[
            (net("10.0.0.0/25"), PortRange::single(22)),
            (net("10.0.0.0/25"), PortRange::single(443)),
            (net("10.0.0.128/25"), PortRange::single(22)),
        ]);
        assert_eq!(
            r,
            vec![
                (net("10.0.0.0/24"), PortRange::single(22)),
                (net("10.0.0.0/25"), PortRange::single(443))
            ]
        );
    }

    #[test]
    fn overlapping_ranges_stay_two_entries() {
        let r = merge(&[
            (net("10.0.0.0/25"), PortRange::new(0, 10).unwrap()),
            (net("10.0.0.128/25"), PortRange::new(5, 15).unwrap()),
        ]);
        assert_eq!(r.len(), 2, "{r:?}");
    }

    fn rect() -> impl Strategy<Value = (Ipv4Net, PortRange)> {
        (0u8..=255, 26u8..=32, 0u16..60, 0u16..10).prop_map(|(h, len, p, w)| {
            (
                Ipv4Net::new(Ipv4Addr::new(10, 0, 0, h), len)
                    .unwrap()
                    .trunc(),
                PortRange { from: p, to: p + w },
            )
        })
    }

    proptest! {
        /// The merged entries cover exactly the union of the input rectangles.
        #[test]
        fn merge_is_exact(rects in proptest::collection::vec(rect(), 1..8), host in 0u8..=255, port in 0u16..75) {
            let addr = Ipv4Addr::new(10, 0, 0, host);
            let hit = |set: &[(Ipv4Net, PortRange)]| set.iter().any(|(c, r)| c.contains(&addr) && r.from <= port && port <= r.to);
            let merged = merge(&rects);
            prop_assert_eq!(hit(&merged), hit(&rects));
            prop_assert!(merged.len() <= rects.len(), "{} entries from {} rectangles", merged.len(), rects.len());
        }

        /// The same merge over IPv6 prefixes (the last byte of a /120 varies): exact too.
        #[test]
        fn merge_is_exact_for_ipv6(rects in proptest::collection::vec(rect6(), 1..8), host in 0u8..=255, port in 0u16..75) {
            let addr = std::net::Ipv6Addr::from(V6_BASE | u128::from(host));
            let hit = |set: &[(ipnet::Ipv6Net, PortRange)]| set.iter().any(|(c, r)| c.contains(&addr) && r.from <= port && port <= r.to);
            let merged = merge(&rects);
            prop_assert_eq!(hit(&merged), hit(&rects));
            prop_assert!(merged.len() <= rects.len(), "{} entries from {} rectangles", merged.len(), rects.len());
        }
    }

    /// 2001:db8::/120, the documentation prefix.
    const V6_BASE: u128 = 0x2001_0db8_0000_0000_0000_0000_0000_0000;

    fn rect6() -> impl Strategy<Value = (ipnet::Ipv6Net, PortRange)> {
        (0u8..=255, 122u8..=128, 0u16..60, 0u16..10).prop_map(|(h, len, p, w)| {
            (
                ipnet::Ipv6Net::new(std::net::Ipv6Addr::from(V6_BASE | u128::from(h)), len)
                    .unwrap()
                    .trunc(),
                PortRange { from: p, to: p + w },
            )
        })
    }
}

/// Brute force: the fewest (prefix × contiguous port range) entries whose union is exactly
/// the needed set, on a universe small enough to enumerate (10.0.0.0/29 × ports 0–7).
#[cfg(test)]
mod oracle {
    use super::*;
    use proptest::prelude::*;
    use std::net::Ipv4Addr;

    const PORTS: u16 = 8;

    type Cells = u64; // bit (addr * 8 + port)

    fn cells(net: &Ipv4Net, r: &PortRange) -> Cells {
        let base = u32::from(Ipv4Addr::new(10, 0, 0, 0));
        let mut c = 0;
        for a in u32::from(net.network()) - base..=u32::from(net.broadcast()) - base {
            for p in r.from..=r.to {
                c |= 1u64 << (a * u32::from(PORTS) + u32::from(p));
            }
        }
        c
    }

    /// Every candidate entry inside the needed set that no other such candidate contains.
    fn maximal_candidates(need: Cells) -> Vec<Cells> {
        let mut all = Vec::new();
        for len in 29..=32u8 {
            for net in Ipv4Net::new(Ipv4Addr::new(10, 0, 0, 0), 29)
                .unwrap()
                .subnets(len)
                .unwrap()
            {
                for from in 0..PORTS {
                    for to in from..PORTS {
                        let c = cells(&net, &PortRange { from, to });
                        if c & !need == 0 {
                            all.push(c);
                        }
                    }
                }
            }
        }
        all.sort_unstable();
        all.dedup();
        let max: Vec<Cells> = all
            .iter()
            .copied()
            .filter(|c| !all.iter().any(|o| o != c && o & c == *c))
            .collect();
        max
    }

    fn min_cover(need: Cells, cands: &[Cells], depth: usize) -> bool {
        if need == 0 {
            return true;
        }
        if depth == 0 {
            return false;
        }
        let first = need.trailing_zeros();
        cands
            .iter()
            .filter(|c| *c >> first & 1 == 1)
            .any(|c| min_cover(need & !c, cands, depth - 1))
    }

    pub fn fewest(rects: &[(Ipv4Net, PortRange)]) -> usize {
        let need = rects.iter().fold(0, |acc, (n, r)| acc | cells(n, r));
        let cands = maximal_candidates(need);
        (0..).find(|&k| min_cover(need, &cands, k)).unwrap_or(0)
    }

    fn rect() -> impl Strategy<Value = (Ipv4Net, PortRange)> {
        (0u8..8, 29u8..=32, 0u16..PORTS, 0u16..PORTS).prop_map(|(h, len, a, b)| {
            let net = Ipv4Net::new(Ipv4Addr::new(10, 0, 0, h), len)
                .unwrap()
                .trunc();
            (
                net,
                PortRange {
                    from: a.min(b),
                    to: a.max(b),
                },
            )
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]
        /// The planner's merge emits exactly the minimum number of entries.
        #[test]
        fn merge_is_minimal(rects in proptest::collection::vec(rect(), 1..10)) {
            let merged = merge(&rects);
            let union = |set: &[(Ipv4Net, PortRange)]| set.iter().fold(0, |acc, (n, r)| acc | cells(n, r));
            prop_assert_eq!(union(&merged), union(&rects), "not exact");
            prop_assert_eq!(merged.len(), fewest(&rects), "{:?} -> {:?}", rects, merged);
        }
    }
}
