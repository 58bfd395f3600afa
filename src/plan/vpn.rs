//! Authorization rules (closed under longest-prefix match inside the VPC; outside
//! targets yield to narrower ones) and Client VPN routes (identical on every target
//! network). See docs/semantics.md.

use super::{quotas, text, AuthorizationRule, Name, Names, Reason, Role, Route};
use crate::diagnostic::Diagnostic;
use crate::intent::{Destination, Intent, Target};
use crate::net::{contains, Prefix};
use std::collections::{BTreeMap, BTreeSet};

/// Who may reach one destination CIDR.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Access {
    pub all_users: bool,
    pub groups: BTreeSet<String>,
}

impl Access {
    pub fn merge(&mut self, other: &Access) {
        self.all_users |= other.all_users;
        self.groups.extend(other.groups.iter().cloned());
    }

    pub fn admits(&self, group: Option<&str>) -> bool {
        self.all_users || group.is_some_and(|g| self.groups.contains(g))
    }
}

/// The CIDRs a target's traffic goes to, borrowed: `Target::cidrs` would copy them.
fn cidrs_of<N: Prefix>(t: &Target<N>) -> &[N] {
    match &t.destination {
        Destination::Subnet { cidrs, .. } => cidrs,
        Destination::Outside { cidr } => std::slice::from_ref(cidr),
    }
}

/// The authorization the intent asks for, before closure: CIDR → access and reasons.
pub fn intended_access<N: Prefix>(
    intent: &Intent<N>,
    names: &Names,
) -> BTreeMap<N, (Access, Vec<Reason>)> {
    let mut map: BTreeMap<N, (Access, Vec<Reason>)> = BTreeMap::new();
    for (ti, t) in intent.targets.iter().enumerate() {
        for &cidr in cidrs_of(t) {
            let e = map.entry(cidr).or_default();
            if t.groups.is_empty() {
                e.0.all_users = true;
            }
            e.0.groups.extend(t.groups.iter().cloned());
            e.1.push(Reason {
                target: names.target(ti).clone(),
                port: Name::default(),
                target_network: None,
                role: Role::Access,
            });
        }
    }
    map
}

/// AWS picks the longest matching prefix across all rules, so a narrower rule hides a
/// broader one. Inside the VPC both targets are literal (admins who reach every server
/// of a subnet still reach the host that developers reach): give every narrower CIDR the
/// access of every broader in-VPC CIDR around it. An outside target's CIDR yields to the
/// narrower targets inside it instead (`Intent::effective_destinations`): no closure
/// from it. See docs/semantics.md, "Authorization rules".
pub fn close_under_lpm<N: Prefix>(map: &mut BTreeMap<N, (Access, Vec<Reason>)>, vpc: &[N]) {
    let mut cidrs: Vec<N> = map.keys().copied().collect();
    // Broader first: when a CIDR is closed, every CIDR around it already is.
    cidrs.sort_by_key(|c| (c.prefix_len(), *c));
    // Only prefix lengths that some rule has can hold a broader rule.
    let mut lengths = [false; 129];
    for c in &cidrs {
        lengths[usize::from(c.prefix_len())] = true;
    }
    for n in cidrs {
        // The broader rules are n's supernets that are rules, narrowest first: at most
        // one lookup per prefix length in use.
        let broader: Vec<(Access, Vec<Reason>)> = (0..n.prefix_len())
            .rev()
            .filter(|&len| lengths[usize::from(len)])
            .filter_map(|len| N::with_len(n.network(), len))
            .filter(|b| vpc.iter().any(|v| contains(v, b)))
            .filter_map(|b| map.get(&b).cloned())
            .collect();
        if let Some(entry) = map.get_mut(&n) {
            for (access, reasons) in broader {
                let before = entry.0.clone();
                entry.0.merge(&access);
                if entry.0 != before {
                    entry.1.extend(reasons.into_iter().map(|r| Reason {
                        role: Role::LpmClosure,
                        ..r
                    }));
                }
            }
        }
    }
}

/// `<cidr>.<group>`, or `<cidr>.all-users`: the rule's stable key.
fn authorization_key(cidr: &ipnet::IpNet, group: Option<&str>) -> String {
    let mut key = String::with_capacity(24 + group.map_or(9, str::len));
    text::push_ip_cidr(&mut key, cidr);
    key.push('.');
    key.push_str(group.unwrap_or("all-users"));
    key
}

/// The authorization rules of one family's view. Their quota is shared by both families:
/// see [`authorization_quota`].
pub fn authorization_rules<N: Prefix>(intent: &Intent<N>, names: &Names) -> Vec<AuthorizationRule> {
    let mut map = intended_access(intent, names);
    close_under_lpm(&mut map, &intent.vpc.cidrs);
    let mut rules = Vec::new();
    for (cidr, (access, mut reasons)) in map {
        reasons.sort();
        reasons.dedup();
        let mut description = text::description(reasons.iter().map(|r| [r.target.as_str()]));
        let groups: Vec<Option<String>> = if access.all_users {
            vec![None]
        } else {
            access.groups.into_iter().map(Some).collect()
        };
        // Usually one group per CIDR: the last rule takes the reasons, the others copy.
        let mut groups = groups.into_iter().peekable();
        while let Some(group) = groups.next() {
            let (reasons, description) = if groups.peek().is_some() {
                (reasons.clone(), description.clone())
            } else {
                (
                    std::mem::take(&mut reasons),
                    std::mem::take(&mut description),
                )
            };
            let cidr = cidr.into();
            rules.push(AuthorizationRule {
                key: authorization_key(&cidr, group.as_deref()),
                logical_id: String::new(),
                cidr,
                group,
                description,
                reasons,
            });
        }
    }
    rules
}

/// The authorization rule quota, counted across both families.
pub fn authorization_quota(rules: &[AuthorizationRule], warnings: &mut Vec<Diagnostic>) {
    if rules.len() > quotas::AUTHORIZATION_RULES {
        warnings.push(
            Diagnostic::warning(format!(
                "{} authorization rules; AWS's default quota is {} per endpoint",
                rules.len(),
                quotas::AUTHORIZATION_RULES
            ))
            .at("targets")
            .rule(crate::findings::Rule::AwsQuota)
            .help("request a quota increase for `Authorization rules per Client VPN endpoint`, or group targets under fewer CIDRs"),
        );
    }
}

/// Destinations that need a Client VPN route: everything outside the VPC's CIDRs, minus
/// CIDRs already inside another routed CIDR (the broader route carries them).
pub fn routed_cidrs<N: Prefix>(intent: &Intent<N>) -> Vec<N> {
    let outside: BTreeSet<N> = intent
        .targets
        .iter()
        .filter_map(|t| match t.destination {
            Destination::Outside { cidr } => Some(cidr),
            Destination::Subnet { .. } => None,
        })
        .collect();
    // In address order a CIDR's containers come before it, and everything between the
    // outermost one and it lies inside that one too: the last CIDR kept is the only
    // candidate container, so one pass keeps exactly the outermost CIDRs.
    let mut kept: Vec<N> = Vec::new();
    for c in outside {
        if kept.last().is_some_and(|k| contains(k, &c)) {
            continue;
        }
        kept.push(c);
    }
    kept
}

/// The routes of one family's view. Their quota is shared by both families: see
/// [`route_quota`].
pub fn routes<N: Prefix>(intent: &Intent<N>, names: &Names) -> Vec<Route> {
    let cidrs = routed_cidrs(intent);
    // The outside targets by address: each route finds the targets inside it by a range
    // query, not by a scan of every target (quadratic at thousands of destinations).
    let mut outside: Vec<(N, usize)> = intent
        .targets
        .iter()
        .enumerate()
        .filter_map(|(i, t)| match t.destination {
            Destination::Outside { cidr } => Some((cidr, i)),
            Destination::Subnet { .. } => None,
        })
        .collect();
    outside.sort_unstable_by_key(|&(c, i)| (c.network(), i));
    let served: Vec<Vec<usize>> = cidrs
        .iter()
        .map(|r| {
            let from = outside.partition_point(|(c, _)| c.network() < r.network());
            let mut targets: Vec<usize> = outside[from..]
                .iter()
                .take_while(|(c, _)| c.network() <= r.broadcast())
                .filter(|(c, _)| contains(r, c))
                .map(|&(_, i)| i)
                .collect();
            // Reasons in intent order.
            targets.sort_unstable();
            targets
        })
        .collect();
    let mut routes = Vec::with_capacity(intent.target_networks.len() * cidrs.len());
    for &ti in &intent.target_networks {
        let tn = &intent.subnets[ti];
        let tn_name = names.subnet(ti);
        for (cidr, targets) in cidrs.iter().zip(&served) {
            let reasons: Vec<Reason> = targets
                .iter()
                .map(|&i| Reason {
                    target: names.target(i).clone(),
                    port: Name::default(),
                    target_network: Some(tn_name.clone()),
                    role: Role::Route,
                })
                .collect();
            routes.push(Route {
                key: format!("{}.{cidr}", tn.name),
                logical_id: String::new(),
                cidr: (*cidr).into(),
                target_network: Some(tn.name.clone()),
                description: text::description(reasons.iter().map(|r| [r.target.as_str()])),
                reasons,
            });
        }
    }
    routes
}

/// The route quota per target network, counted across both families.
pub fn route_quota(routes: &[Route], warnings: &mut Vec<Diagnostic>) {
    let mut per_network: BTreeMap<Option<&str>, usize> = BTreeMap::new();
    for r in routes {
        *per_network.entry(r.target_network.as_deref()).or_default() += 1;
    }
    let most = per_network.values().copied().max().unwrap_or(0);
    if most > quotas::ROUTES_PER_TARGET_NETWORK {
        warnings.push(
            Diagnostic::warning(format!(
                "{} routes per target network; AWS's default quota is {}",
                most,
                quotas::ROUTES_PER_TARGET_NETWORK
            ))
            .at("targets")
            .rule(crate::findings::Rule::AwsQuota)
            .help("request a quota increase for `Routes per Client VPN endpoint`, or summarise outside destinations into fewer CIDRs"),
        );
    }
}
