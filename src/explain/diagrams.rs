//! The handout's diagrams as layered lanes (see `layout`): an overview with one node
//! per layer, and one diagram per kind of user with a lane per target it reaches.
//! Target networks are one lane, "× N AZs": their paths are the same rules in each AZ.

use super::layout::{Diagram, Kind, Node};
use super::matrix::{Entry, Matrix};
use super::Handout;
use crate::plan::{Action, TargetPlan};

const COLUMNS: [&str; 7] = [
    "users",
    "endpoint",
    "ENIs\n(source NAT)",
    "network ACL\nENI side",
    "network ACL\ntarget side",
    "security group\nor gateway",
    "target",
];
const CLIENT: usize = 0;
const ENDPOINT: usize = 1;
const ENI: usize = 2;
const ACL_OUT: usize = 3;
const ACL_IN: usize = 4;
const GUARD: usize = 5;
const TARGET: usize = 6;

/// Targets beyond this many are left out of a group's diagram: a slide holds no more.
const MAX_LANES: usize = 8;

/// Lines of a list beyond this many are summarised: the tables list them all.
const MAX_LINES: usize = 5;

/// Characters per text line in a node before a list wraps (at its separators).
const WRAP: usize = 40;

fn capped(mut lines: Vec<String>, what: &str) -> Vec<String> {
    if lines.len() > MAX_LINES {
        let more = lines.len() - (MAX_LINES - 1);
        lines.truncate(MAX_LINES - 1);
        lines.push(format!("… and {more} more {what}"));
    }
    lines
}

/// `1 route`, `2 routes`.
fn count(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

/// `a, b, c` wrapped into lines of at most `WRAP` characters, never inside an item.
fn wrap(items: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut cur = String::new();
    for i in items {
        if !cur.is_empty() && cur.chars().count() + 2 + i.chars().count() > WRAP {
            out.push(format!("{cur},"));
            cur.clear();
        }
        if !cur.is_empty() {
            cur.push_str(", ");
        }
        cur.push_str(i);
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// How a target's path runs, as the lanes sort and merge it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Way {
    /// Crosses from the ENIs' subnets into its own: (ACL key, SG key).
    Across(String, String),
    /// Outside the VPC, through the subnet route table to a gateway.
    Outside(&'static str),
    /// In a target network's own subnet, with only one target network: no ACL.
    Inside(String),
}

fn way(h: &Handout, x: &TargetPlan) -> Way {
    let sg = x.security_group.clone().unwrap_or_default();
    match x.subnet.as_deref().and_then(|s| h.subnet(s)) {
        Some(s) => {
            let only_own = h.plan.target_networks.iter().all(|t| *t == s.name);
            if only_own {
                Way::Inside(sg)
            } else {
                Way::Across(s.network_acl.clone(), sg)
            }
        }
        None => Way::Outside(gateway(x)),
    }
}

/// The gateway a requirement names for an outside target.
fn gateway(x: &TargetPlan) -> &'static str {
    if x.cidrs.iter().any(|c| c.prefix_len() == 0) {
        "NAT or internet gateway"
    } else {
        "peering, transit or VPN gateway"
    }
}

/// A network ACL as the room knows it: by its subnets (the tables give its ID).
fn of_subnets(h: &Handout, key: &str) -> String {
    let subnets = h.acl_subnets(key);
    if subnets.len() > 3 {
        format!(
            "of {} … {} ({} subnets)",
            subnets[0],
            subnets[subnets.len() - 1],
            subnets.len()
        )
    } else {
        format!("of {}", subnets.join(", "))
    }
}

fn acl_lines(h: &Handout, key: &str) -> Vec<String> {
    vec![of_subnets(h, key)]
}

/// A security group as the room knows it: an existing group by its ID, a new one by
/// the targets whose instances carry it.
fn sg_line(h: &Handout, key: &str) -> String {
    match h.security_group(key) {
        Some(g) if g.id.is_none() && !g.targets.is_empty() => {
            format!("of {}", g.targets.join(", "))
        }
        _ => h.sg_name(key),
    }
}

/// A target's addresses for a diagram: merged hosts spelled out on their own line.
fn destination_lines(h: &Handout, x: &TargetPlan) -> Vec<String> {
    let subnet_cidr = x
        .subnet
        .as_deref()
        .and_then(|s| h.subnet(s))
        .map(|s| ipnet::IpNet::V4(s.cidr));
    let cidrs: Vec<String> = x.cidrs.iter().map(ToString::to_string).collect();
    let mut lines = vec![match &x.subnet {
        Some(s) => format!("{} in {s}", cidrs.join(", ")),
        None => cidrs.join(", "),
    }];
    if let Some(except) = x.carve_outs(&h.plan.vpc.all_cidrs()) {
        lines.push(format!("except {except}"));
    }
    for c in &x.cidrs {
        if let Some(m) = super::merged_hosts(c).filter(|_| subnet_cidr != Some(*c)) {
            lines.push(format!("({m})"));
        }
    }
    lines
}

fn client_node(h: &Handout, title: String, last: usize) -> Node {
    let e = &h.plan.endpoint;
    Node {
        col: CLIENT,
        first_lane: 0,
        last_lane: last,
        kind: Kind::Client,
        title,
        lines: vec![
            match e.client_cidr {
                Some(c) => format!("clients {c}"),
                None => "IPv6 clients (addresses from the target networks)".to_string(),
            },
            format!(
                "{} tunnel, {}/{}",
                if e.split_tunnel { "split" } else { "full" },
                e.transport,
                e.vpn_port
            ),
        ],
    }
}

fn eni_node(h: &Handout, last: usize) -> Node {
    let tns: Vec<String> = h
        .plan
        .target_networks
        .iter()
        .filter_map(|n| h.subnet(n))
        .map(|s| s.name.clone())
        .collect();
    let n = tns.len();
    let mut lines = vec![format!("in {}", tns.join(", "))];
    lines.push("endpoint security group".to_string());
    Node {
        col: ENI,
        first_lane: 0,
        last_lane: last,
        kind: Kind::Eni,
        title: if n > 1 {
            format!("ENI\u{a0}×\u{a0}{n}\u{a0}AZs")
        } else {
            "ENI".to_string()
        },
        lines,
    }
}

fn acl_out_node(h: &Handout, first: usize, last: usize) -> Node {
    let mut acls: Vec<&str> = Vec::new();
    for t in &h.plan.target_networks {
        if let Some(s) = h.subnet(t) {
            if !acls.contains(&s.network_acl.as_str()) {
                acls.push(&s.network_acl);
            }
        }
    }
    let n = acls.len();
    let mut lines = capped(acls.iter().map(|a| of_subnets(h, a)).collect(), "ACLs");
    lines.push("out: requests".to_string());
    lines.push("in: replies".to_string());
    // Carve-out denies: an outside row kept out of a narrower target's range.
    let mut denies: Vec<String> = Vec::new();
    for e in &h.plan.nacl_entries {
        if e.action == Action::Deny && acls.contains(&e.network_acl.as_str()) {
            let what = match (e.ports, e.icmp_type) {
                (Some(p), _) => format!("{}/{p}", e.protocol),
                (None, Some(_)) => "icmp".to_string(),
                (None, None) => e.protocol.to_string(),
            };
            let line = format!("deny {} {what}", e.cidr);
            if !denies.contains(&line) {
                denies.push(line);
            }
        }
    }
    lines.extend(capped(denies, "denies"));
    Node {
        col: ACL_OUT,
        first_lane: first,
        last_lane: last,
        kind: Kind::Nacl,
        title: if n > 1 {
            format!("network ACL\u{a0}×\u{a0}{n}")
        } else {
            "network ACL".to_string()
        },
        lines,
    }
}

/// The services of a matrix entry as node lines, surplus called so.
fn reach_lines(e: &Entry) -> (Vec<String>, bool) {
    let mut lines = Vec::new();
    let mut all_surplus = true;
    for (net, items) in &e.by_network {
        let ok: Vec<String> = items
            .iter()
            .filter(|i| !i.surplus)
            .map(|i| i.label.clone())
            .collect();
        let extra: Vec<String> = items
            .iter()
            .filter(|i| i.surplus)
            .map(|i| i.label.clone())
            .collect();
        all_surplus &= ok.is_empty();
        if let Some(n) = net {
            lines.push(format!("via {n}:"));
        }
        lines.extend(wrap(&ok));
        if !extra.is_empty() {
            let mut w = wrap(&extra);
            if let Some(first) = w.first_mut() {
                *first = format!("surplus: {first}");
            }
            lines.extend(w);
        }
    }
    (lines, all_surplus)
}

/// Lanes for the given targets, in an order that keeps shared nodes adjacent.
fn lanes(h: &Handout, targets: &[usize]) -> Vec<(usize, Way)> {
    let mut v: Vec<(usize, Way)> = targets
        .iter()
        .map(|&i| (i, way(h, &h.plan.targets[i])))
        .collect();
    v.sort_by(|a, b| (&a.1, a.0).cmp(&(&b.1, b.0)));
    v
}

/// Adds one node per run of adjacent lanes with the same key in `col`.
fn runs<K: PartialEq>(
    nodes: &mut Vec<Node>,
    keys: &[Option<K>],
    col: usize,
    mut make: impl FnMut(&K, usize, usize) -> Node,
) -> Vec<Option<usize>> {
    let mut at = vec![None; keys.len()];
    let mut i = 0;
    while i < keys.len() {
        let Some(k) = &keys[i] else {
            i += 1;
            continue;
        };
        let mut j = i;
        while j + 1 < keys.len() && keys[j + 1].as_ref() == Some(k) {
            j += 1;
        }
        let mut n = make(k, i, j);
        n.col = col;
        n.first_lane = i;
        n.last_lane = j;
        nodes.push(n);
        for a in at.iter_mut().take(j + 1).skip(i) {
            *a = Some(nodes.len() - 1);
        }
        i = j + 1;
    }
    at
}

fn node(kind: Kind, title: impl Into<String>, lines: Vec<String>) -> Node {
    Node {
        col: 0,
        first_lane: 0,
        last_lane: 0,
        kind,
        title: title.into(),
        lines,
    }
}

/// One diagram per kind of user that reaches something: a lane per target reached.
pub fn per_user(h: &Handout, m: &Matrix) -> Vec<Diagram> {
    let plan = h.plan;
    let mut out = Vec::new();
    for (u, user) in m.users.iter().enumerate() {
        let reached: Vec<usize> = (0..plan.targets.len())
            .filter(|&t| !m.rows[t].entries[u].is_empty())
            .collect();
        if reached.is_empty() {
            continue;
        }
        let mut lanes = lanes(h, &reached);
        let all = lanes.len();
        lanes.truncate(MAX_LANES);
        let reached: Vec<usize> = lanes.iter().map(|(t, _)| *t).collect();
        let last = lanes.len() - 1;
        let mut nodes = vec![client_node(h, user.clone(), last)];
        // The authorization rules this user meets on the way to these targets.
        let mut auth: Vec<String> = Vec::new();
        for a in &plan.authorization_rules {
            let admits = match &a.group {
                None => true,
                Some(g) => g == user,
            };
            let serves = reached.iter().any(|&t| {
                plan.targets[t]
                    .cidrs
                    .iter()
                    .any(|c| crate::net::ip_overlaps(c, &a.cidr))
            });
            if admits && serves {
                let who = a.group.as_deref().map_or(" (all users)", |_| "");
                let line = format!("allow {}{who}", a.cidr);
                if !auth.contains(&line) {
                    auth.push(line);
                }
            }
        }
        let mut lines = capped(auth, "rules");
        let mut routes: Vec<String> = Vec::new();
        for r in &plan.routes {
            if reached
                .iter()
                .any(|&t| r.reasons.iter().any(|x| x.target == plan.targets[t].name))
            {
                let line = format!("route {}", r.cidr);
                if !routes.contains(&line) {
                    routes.push(line);
                }
            }
        }
        lines.extend(capped(routes, "routes"));
        let mut ep = node(Kind::Endpoint, "Client VPN endpoint", lines);
        ep.col = ENDPOINT;
        ep.last_lane = last;
        nodes.push(ep);
        nodes.push(eni_node(h, last));

        let crossing: Vec<usize> = lanes
            .iter()
            .enumerate()
            .filter(|(_, (_, w))| !matches!(w, Way::Inside(_)))
            .map(|(i, _)| i)
            .collect();
        let acl_out = match (crossing.first(), crossing.last()) {
            (Some(&a), Some(&b)) => {
                nodes.push(acl_out_node(h, a, b));
                Some(nodes.len() - 1)
            }
            _ => None,
        };
        let acl_keys: Vec<Option<String>> = lanes
            .iter()
            .map(|(_, w)| match w {
                Way::Across(a, _) => Some(a.clone()),
                _ => None,
            })
            .collect();
        let acl_in = runs(&mut nodes, &acl_keys, ACL_IN, |k, _, _| {
            let mut lines = acl_lines(h, k);
            lines.push("in: requests".into());
            lines.push("out: replies".into());
            node(Kind::Nacl, "network ACL", lines)
        });
        let guard_keys: Vec<Option<(bool, String)>> = lanes
            .iter()
            .map(|(_, w)| match w {
                Way::Across(_, sg) | Way::Inside(sg) => Some((true, sg.clone())),
                Way::Outside(g) => Some((false, (*g).to_string())),
            })
            .collect();
        let guard = runs(&mut nodes, &guard_keys, GUARD, |(sg, k), _, _| {
            if *sg {
                node(
                    Kind::SecurityGroup,
                    "security group",
                    vec![sg_line(h, k), sg_source(h).into()],
                )
            } else {
                node(
                    Kind::Gateway,
                    "route table",
                    vec![k.clone(), "not managed by shibori".into()],
                )
            }
        });
        for (lane, (t, _)) in lanes.iter().enumerate() {
            let x = &plan.targets[*t];
            let (reach, surplus) = reach_lines(&m.rows[*t].entries[u]);
            let mut lines = destination_lines(h, x);
            lines.extend(reach);
            let mut n = node(
                if surplus { Kind::Surplus } else { Kind::Target },
                x.name.clone(),
                lines,
            );
            n.col = TARGET;
            n.first_lane = lane;
            n.last_lane = lane;
            nodes.push(n);
        }
        let mut replies = Vec::new();
        if let Some(o) = acl_out {
            for lane in &crossing {
                let next = acl_in[*lane].or(guard[*lane]);
                if let Some(n) = next {
                    if !replies.contains(&(o, n)) {
                        replies.push((o, n));
                    }
                }
            }
        }
        out.push(Diagram {
            title: if all > lanes.len() {
                format!(
                    "What {user} reaches: {} of {all} targets (the matrix lists them all)",
                    lanes.len()
                )
            } else {
                format!("What {user} reaches")
            },
            columns: COLUMNS.iter().map(ToString::to_string).collect(),
            lanes: lanes.len(),
            nodes,
            replies,
        });
    }
    out
}

/// The overview: one node per layer, in-VPC targets on one lane, outside on another.
pub fn overview(h: &Handout, m: &Matrix) -> Diagram {
    let plan = h.plan;
    let all: Vec<usize> = (0..plan.targets.len()).collect();
    let ways = lanes(h, &all);
    let inside: Vec<usize> = ways
        .iter()
        .filter(|(_, w)| !matches!(w, Way::Outside(_)))
        .map(|(t, _)| *t)
        .collect();
    let outside: Vec<usize> = ways
        .iter()
        .filter(|(_, w)| matches!(w, Way::Outside(_)))
        .map(|(t, _)| *t)
        .collect();
    let mut lane_sets: Vec<Vec<usize>> = Vec::new();
    if !inside.is_empty() {
        lane_sets.push(inside);
    }
    if !outside.is_empty() {
        lane_sets.push(outside);
    }
    let last = lane_sets.len().saturating_sub(1);
    let mut nodes = vec![client_node(
        h,
        if m.users.len() == 1 {
            m.users[0].clone()
        } else {
            format!("{} user groups", m.users.len())
        },
        last,
    )];
    if m.users.len() > 1 {
        nodes[0].lines.extend(capped(m.users.clone(), "groups"));
    }
    let mut ep = node(
        Kind::Endpoint,
        "Client VPN endpoint",
        [
            Some(count(plan.authorization_rules.len(), "authorization rule")),
            (!plan.routes.is_empty()).then(|| count(plan.routes.len(), "route")),
            Some(format!("{} authentication", plan.endpoint.authentication)),
        ]
        .into_iter()
        .flatten()
        .collect(),
    );
    ep.col = ENDPOINT;
    ep.last_lane = last;
    nodes.push(ep);
    nodes.push(eni_node(h, last));
    let crosses = |set: &Vec<usize>| {
        set.iter()
            .any(|&t| !matches!(way(h, &plan.targets[t]), Way::Inside(_)))
    };
    let crossing: Vec<usize> = (0..lane_sets.len())
        .filter(|&l| crosses(&lane_sets[l]))
        .collect();
    let acl_out = match (crossing.first(), crossing.last()) {
        (Some(&a), Some(&b)) => {
            nodes.push(acl_out_node(h, a, b));
            Some(nodes.len() - 1)
        }
        _ => None,
    };
    let mut replies = Vec::new();
    for (lane, set) in lane_sets.iter().enumerate() {
        let outside = set
            .first()
            .is_some_and(|&t| matches!(way(h, &plan.targets[t]), Way::Outside(_)));
        let mut next: Option<usize> = None;
        if outside {
            let mut gws: Vec<String> = Vec::new();
            for &t in set {
                let g = gateway(&plan.targets[t]).to_string();
                if !gws.contains(&g) {
                    gws.push(g);
                }
            }
            gws.push("not managed by shibori".into());
            let mut n = node(Kind::Gateway, "route table", gws);
            n.col = GUARD;
            n.first_lane = lane;
            n.last_lane = lane;
            nodes.push(n);
            next = Some(nodes.len() - 1);
        } else {
            let mut acls: Vec<String> = Vec::new();
            let mut sgs: Vec<String> = Vec::new();
            for &t in set {
                if let Way::Across(a, _) = way(h, &plan.targets[t]) {
                    let name = of_subnets(h, &a);
                    if !acls.contains(&name) {
                        acls.push(name);
                    }
                }
                if let Some(k) = &plan.targets[t].security_group {
                    let name = sg_line(h, k);
                    if !sgs.contains(&name) {
                        sgs.push(name);
                    }
                }
            }
            if !acls.is_empty() {
                let n_acls = acls.len();
                let mut lines = capped(acls, "ACLs");
                lines.push("in: requests".into());
                lines.push("out: replies".into());
                let mut n = node(
                    Kind::Nacl,
                    if n_acls > 1 {
                        format!("network ACL\u{a0}×\u{a0}{n_acls}")
                    } else {
                        "network ACL".to_string()
                    },
                    lines,
                );
                n.col = ACL_IN;
                n.first_lane = lane;
                n.last_lane = lane;
                nodes.push(n);
                next = Some(nodes.len() - 1);
            }
            let n_sgs = sgs.len();
            let mut lines = capped(sgs, "groups");
            lines.push(sg_source(h).into());
            let mut n = node(
                Kind::SecurityGroup,
                if n_sgs > 1 {
                    format!("security group\u{a0}×\u{a0}{n_sgs}")
                } else {
                    "security group".to_string()
                },
                lines,
            );
            n.col = GUARD;
            n.first_lane = lane;
            n.last_lane = lane;
            nodes.push(n);
        }
        if let (Some(o), Some(n)) = (acl_out, next) {
            if crossing.contains(&lane) {
                replies.push((o, n));
            }
        }
        let tl: Vec<String> = set
            .iter()
            .map(|&t| {
                let x = &plan.targets[t];
                format!("{}: {}", x.name, x.services.join(", "))
            })
            .collect();
        let mut lines = Vec::new();
        for l in capped(tl, "targets") {
            if l.chars().count() > WRAP {
                let (name, rest) = l.split_once(": ").unwrap_or((&l, ""));
                let items: Vec<String> = rest.split(", ").map(ToString::to_string).collect();
                let mut w = wrap(&items);
                if let Some(f) = w.first_mut() {
                    *f = format!("{name}: {f}");
                }
                lines.extend(w);
            } else {
                lines.push(l);
            }
        }
        let mut n = node(
            Kind::Target,
            if set.len() > 1 {
                format!("{} targets", set.len())
            } else {
                "target".to_string()
            },
            lines,
        );
        n.col = TARGET;
        n.first_lane = lane;
        n.last_lane = lane;
        nodes.push(n);
    }
    Diagram {
        title: format!("{}: the path, layer by layer", plan.name),
        columns: COLUMNS.iter().map(ToString::to_string).collect(),
        lanes: lane_sets.len(),
        nodes,
        replies,
    }
}

/// Where a destination security group admits requests from.
fn sg_source(h: &Handout) -> &'static str {
    match h.plan.endpoint.traffic_ip_address_type {
        crate::intent::IpAddressType::Ipv4 => "in: from the endpoint SG",
        crate::intent::IpAddressType::DualStack => "in: endpoint SG, IPv6 target networks",
        crate::intent::IpAddressType::Ipv6 => "in: from the IPv6 target networks",
    }
}
