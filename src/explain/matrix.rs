//! The "who can reach what" matrix: one row per target, one column per kind of user,
//! each cell the services the evaluated rules let through (`reach`), with what the
//! intent did not ask for marked as surplus and explained. The Markdown and HTML
//! handouts print the same matrix.

use super::reach::{self, Cell};
use super::Handout;
use crate::aws::{Proto, Span};
use crate::net::{PortRange, PortSet};
use std::collections::{BTreeMap, BTreeSet};

/// One service a user reaches, as the room reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub label: String,
    /// Not asked for by the intent for this user at this target.
    pub surplus: bool,
}

/// The reachable services of one (target, user), per target network where they differ.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// `(None, items)` when every target network gives the same; else one per network.
    pub by_network: Vec<(Option<String>, Vec<Item>)>,
}

impl Entry {
    pub fn is_empty(&self) -> bool {
        self.by_network.iter().all(|(_, i)| i.is_empty())
    }
}

/// Why a surplus cell is reachable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub user: String,
    pub target: String,
    pub services: String,
    pub why: String,
}

pub struct Matrix {
    /// Column titles.
    pub users: Vec<String>,
    /// (target name, its destination, intended services and audience, one entry per user).
    pub rows: Vec<Row>,
    pub notes: Vec<Note>,
}

pub struct Row {
    pub target: String,
    pub destination: String,
    pub intended: String,
    pub entries: Vec<Entry>,
}

fn user_title(who: &Option<String>, any_group: bool) -> String {
    match who {
        Some(g) => g.clone(),
        None if any_group => "users in no listed group".to_string(),
        None => "all users".to_string(),
    }
}

/// `tcp/22`, `udp/1000-2000`, `icmp` (echo), `icmp types 0-255`, `all`.
fn labels(proto: Proto, ports: &PortSet) -> Vec<String> {
    if ports.is_empty() {
        return Vec::new();
    }
    match proto {
        Proto::All => vec!["all".to_string()],
        Proto::Icmp if ports.ranges() == [PortRange { from: 8, to: 8 }] => {
            vec!["icmp".to_string()]
        }
        Proto::Icmp => ports
            .ranges()
            .iter()
            .map(|r| format!("icmp type {r}"))
            .collect(),
        p => ports.ranges().iter().map(|r| format!("{p}/{r}")).collect(),
    }
}

fn span_set(s: Span) -> PortSet {
    PortSet::from_ranges([PortRange {
        from: s.from,
        to: s.to,
    }])
}

/// What the intent asks for `who` at target `xi`'s addresses: the services of every
/// target there with the same destination security group (or, outside, every outside
/// target) whose audience includes `who`.
fn intended(h: &Handout, xi: usize, who: &Option<String>, proto: Proto) -> PortSet {
    let plan = h.plan;
    let x = &plan.targets[xi];
    let mut out = PortSet::new();
    for z in &plan.targets {
        let same_kind = z.security_group == x.security_group;
        let shares = z
            .owned()
            .iter()
            .any(|a| x.owned().iter().any(|b| crate::net::ip_overlaps(a, b)));
        let audience = z.groups.is_empty() || who.as_ref().is_some_and(|g| z.groups.contains(g));
        if !(same_kind && shares && audience) {
            continue;
        }
        for s in &z.services {
            match reach::service(s) {
                Some((Proto::All, _)) => {
                    out = out.union(&span_set(crate::aws::nacl::universe(proto)));
                }
                Some((p, span)) if p == proto => out = out.union(&span_set(span)),
                _ => {}
            }
        }
    }
    out
}

fn why(h: &Handout, xi: usize, who: &Option<String>, via: &BTreeSet<ipnet::IpNet>) -> String {
    let plan = h.plan;
    let x = &plan.targets[xi];
    let in_audience = x.groups.is_empty() || who.as_ref().is_some_and(|g| x.groups.contains(g));
    if in_audience {
        return "the security group and network ACL rules at these addresses let these ports through for another target".to_string();
    }
    let rules: Vec<String> = via
        .iter()
        .map(|prefix| {
            let served: BTreeSet<&str> = plan
                .authorization_rules
                .iter()
                .filter(|a| a.cidr == *prefix)
                .flat_map(|a| a.reasons.iter().map(|r| r.target.as_str()))
                .filter(|t| *t != x.name)
                .collect();
            if served.is_empty() {
                prefix.to_string()
            } else {
                format!(
                    "{prefix} (for {})",
                    served.into_iter().collect::<Vec<_>>().join(", ")
                )
            }
        })
        .collect();
    format!(
        "the authorization for {} admits them, and security groups and network ACLs cannot tell users apart after the source NAT; give the targets `hosts:` or separate subnets",
        rules.join(", ")
    )
}

pub fn build(h: &Handout) -> Matrix {
    let plan = h.plan;
    let cells = reach::evaluate(h);
    let whos = reach::users(plan);
    let any_group = whos.iter().any(Option::is_some);
    // (target, who) → network → (labels with surplus flags); and the prefixes that admit.
    type Key = (usize, usize);
    let mut grid: BTreeMap<Key, BTreeMap<String, Vec<Item>>> = BTreeMap::new();
    let mut via: BTreeMap<Key, BTreeSet<ipnet::IpNet>> = BTreeMap::new();
    let who_index = |w: &Option<String>| whos.iter().position(|x| x == w).unwrap_or(0);
    let mut sorted: Vec<&Cell> = cells.iter().collect();
    sorted.sort_by_key(|c| (c.target, who_index(&c.who), c.proto));
    for c in sorted {
        let wi = who_index(&c.who);
        let want = intended(h, c.target, &c.who, c.proto);
        let extra = c.ports.difference(&want);
        let ok = c.ports.difference(&extra);
        let items = grid
            .entry((c.target, wi))
            .or_default()
            .entry(c.network.clone())
            .or_default();
        for l in labels(c.proto, &ok) {
            items.push(Item {
                label: l,
                surplus: false,
            });
        }
        for l in labels(c.proto, &extra) {
            items.push(Item {
                label: l,
                surplus: true,
            });
        }
        if !extra.is_empty() {
            via.entry((c.target, wi))
                .or_default()
                .extend(c.via.iter().copied());
        }
    }
    // An `all` cell says everything: the per-protocol cells under it repeat it.
    for nets in grid.values_mut() {
        for items in nets.values_mut() {
            if let Some(all) = items.iter().find(|i| i.label == "all").cloned() {
                items.retain(|i| i.label == "all" || (all.surplus && !i.surplus));
            }
        }
    }

    let mut users: Vec<String> = Vec::new();
    let mut keep: Vec<usize> = Vec::new();
    for (wi, w) in whos.iter().enumerate() {
        let reaches = grid.keys().any(|(_, u)| *u == wi);
        // A column for users in no group only when some rule admits them.
        if w.is_some() || reaches || !any_group {
            users.push(user_title(w, any_group));
            keep.push(wi);
        }
    }

    let mut rows = Vec::new();
    let mut notes = Vec::new();
    for (xi, x) in plan.targets.iter().enumerate() {
        let mut entries = Vec::new();
        for &wi in &keep {
            let nets = grid.get(&(xi, wi));
            let per: Vec<(String, Vec<Item>)> = plan
                .target_networks
                .iter()
                .map(|n| {
                    (
                        n.clone(),
                        nets.and_then(|m| m.get(n)).cloned().unwrap_or_default(),
                    )
                })
                .collect();
            let same = per.windows(2).all(|w| w[0].1 == w[1].1);
            let by_network = if same {
                vec![(None, per.first().map(|p| p.1.clone()).unwrap_or_default())]
            } else {
                per.into_iter().map(|(n, i)| (Some(n), i)).collect()
            };
            let entry = Entry { by_network };
            let surplus: Vec<String> = {
                let mut seen = Vec::new();
                for (_, items) in &entry.by_network {
                    for i in items.iter().filter(|i| i.surplus) {
                        if !seen.contains(&i.label) {
                            seen.push(i.label.clone());
                        }
                    }
                }
                seen
            };
            if !surplus.is_empty() {
                notes.push(Note {
                    user: user_title(&whos[wi], any_group),
                    target: x.name.clone(),
                    services: surplus.join(", "),
                    why: why(
                        h,
                        xi,
                        &whos[wi],
                        via.get(&(xi, wi)).unwrap_or(&BTreeSet::new()),
                    ),
                });
            }
            entries.push(entry);
        }
        rows.push(Row {
            target: x.name.clone(),
            destination: super::destination(h, x),
            intended: format!(
                "{} for {}",
                x.services.join(", "),
                if x.groups.is_empty() {
                    "all users".to_string()
                } else {
                    x.groups.join(", ")
                }
            ),
            entries,
        });
    }
    Matrix { users, rows, notes }
}
