//! SPEC §5.4: flows that the plan lets through but the intent does not ask for.
//! Security groups and NACLs only ever see the endpoint's ENIs (source NAT), so the
//! only per-group control is authorization; a group authorized for a CIDR reaches
//! every target inside it.

use super::Plan;
use crate::diagnostic::Diagnostic;
use crate::net::{contains, CidrSet};
use ipnet::Ipv4Net;
use std::collections::BTreeSet;

/// One authorization rule as AWS evaluates it: CIDR and group (`None` = all users).
pub type AuthRule<'a> = (Ipv4Net, Option<&'a str>);

/// Who is admitted at some address.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Admitted {
    pub all_users: bool,
    pub groups: BTreeSet<String>,
}

/// For the addresses of `cidr`, each longest-prefix-match winner among `rules` that some
/// of them reach, with who it admits. Addresses no rule covers are absent.
pub fn lpm_winners(rules: &[AuthRule], cidr: &Ipv4Net) -> Vec<(Ipv4Net, Admitted)> {
    let prefixes: BTreeSet<Ipv4Net> = rules.iter().map(|r| r.0).collect();
    let admitted = |p: &Ipv4Net| {
        let mut a = Admitted::default();
        for (c, g) in rules.iter().filter(|(c, _)| c == p) {
            let _ = c;
            match g {
                None => a.all_users = true,
                Some(g) => {
                    a.groups.insert((*g).to_string());
                }
            }
        }
        a
    };
    let inside: Vec<Ipv4Net> = prefixes
        .iter()
        .filter(|p| contains(cidr, p))
        .copied()
        .collect();
    let mut out = Vec::new();
    for a in &inside {
        let narrower: Vec<Ipv4Net> = inside
            .iter()
            .filter(|n| n.prefix_len() > a.prefix_len() && contains(a, n))
            .copied()
            .collect();
        if !CidrSet::from_nets(&[*a])
            .difference(&CidrSet::from_nets(&narrower))
            .is_empty()
        {
            out.push((*a, admitted(a)));
        }
    }
    let rest = CidrSet::from_nets(&[*cidr]).difference(&CidrSet::from_nets(&inside));
    if !rest.is_empty() {
        if let Some(b) = prefixes
            .iter()
            .filter(|p| contains(p, cidr))
            .max_by_key(|p| p.prefix_len())
        {
            out.push((*b, admitted(b)));
        }
    }
    out
}

/// Surplus warnings for the plan, one per (target, admitted group) with the fix.
pub fn analyse(plan: &Plan) -> Vec<Diagnostic> {
    let rules: Vec<AuthRule> = plan
        .authorization_rules
        .iter()
        .map(|r| (r.cidr, r.group.as_deref()))
        .collect();
    let mut out = Vec::new();
    for (i, y) in plan.targets.iter().enumerate() {
        if y.groups.is_empty() {
            continue; // open to all users: nobody is surplus
        }
        let mut extra: BTreeSet<(String, Ipv4Net)> = BTreeSet::new();
        for c in &y.cidrs {
            for (prefix, admitted) in lpm_winners(&rules, c) {
                if admitted.all_users {
                    extra.insert(("all users".to_string(), prefix));
                }
                for g in admitted.groups.iter().filter(|g| !y.groups.contains(g)) {
                    extra.insert((format!("group `{g}`"), prefix));
                }
            }
        }
        for (who, prefix) in extra {
            let via: Vec<&str> = plan
                .authorization_rules
                .iter()
                .filter(|r| r.cidr == prefix)
                .flat_map(|r| r.reasons.iter().map(|x| x.target.as_str()))
                .filter(|t| *t != y.name)
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect();
            out.push(
                Diagnostic::warning(format!(
                    "surplus: {who} can reach target `{}` ({}) through the authorization for {prefix}{}",
                    y.name,
                    y.services.join(", "),
                    if via.is_empty() { String::new() } else { format!(" (for {})", via.join(", ")) }
                ))
                .at(format!("targets[{i}]"))
                .help(
                    "security groups and NACLs cannot tell user groups apart (source NAT); give the targets `hosts:` \
                     so each group is authorized only for its own servers, or split the subnet",
                ),
            );
        }
    }
    out
}
