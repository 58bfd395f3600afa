//! SPEC §5.4: flows that the plan lets through but the intent does not ask for.
//! Security groups and NACLs only ever see the endpoint's ENIs (source NAT), so the
//! only per-group control is authorization; a group authorized for a CIDR reaches
//! every target inside it.

use super::Plan;
use crate::diagnostic::Diagnostic;
use crate::net::{supernets, within, CidrSet};
use ipnet::Ipv4Net;
use std::collections::{BTreeMap, BTreeSet};

/// Who is admitted at some address.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Admitted {
    pub all_users: bool,
    pub groups: BTreeSet<String>,
}

/// Authorization rules as AWS evaluates them: per CIDR, everyone its rules admit
/// (rules for the same CIDR combine).
pub type AuthTable = BTreeMap<Ipv4Net, Admitted>;

pub fn auth_table<'a>(rules: impl IntoIterator<Item = (Ipv4Net, Option<&'a str>)>) -> AuthTable {
    let mut t = AuthTable::new();
    for (cidr, group) in rules {
        let a = t.entry(cidr).or_default();
        match group {
            None => a.all_users = true,
            Some(g) => {
                a.groups.insert(g.to_string());
            }
        }
    }
    t
}

/// For the addresses of `cidr`, each longest-prefix-match winner that some of them
/// reach, with who it admits. Addresses no rule covers are absent.
pub fn lpm_winners<'a>(table: &'a AuthTable, cidr: &Ipv4Net) -> Vec<(Ipv4Net, &'a Admitted)> {
    let inside: Vec<(&Ipv4Net, &Admitted)> = within(table, cidr).collect();
    let mut out = Vec::new();
    for (a, admitted) in &inside {
        let narrower: Vec<Ipv4Net> = within(table, a)
            .map(|(n, _)| *n)
            .filter(|n| n != *a)
            .collect();
        if narrower.is_empty()
            || !CidrSet::from_nets(&[**a])
                .difference(&CidrSet::from_nets(&narrower))
                .is_empty()
        {
            out.push((**a, *admitted));
        }
    }
    let inside_nets: Vec<Ipv4Net> = inside.iter().map(|(n, _)| **n).collect();
    if !inside_nets.contains(cidr)
        && !CidrSet::from_nets(&[*cidr])
            .difference(&CidrSet::from_nets(&inside_nets))
            .is_empty()
    {
        if let Some((b, admitted)) = supernets(cidr).find_map(|b| table.get_key_value(&b)) {
            out.push((*b, admitted));
        }
    }
    out
}

/// Surplus warnings for the plan, one per (target, admitted group) with the fix.
pub fn analyse(plan: &Plan) -> Vec<Diagnostic> {
    let table = auth_table(
        plan.authorization_rules
            .iter()
            .map(|r| (r.cidr, r.group.as_deref())),
    );
    let mut out = Vec::new();
    for (i, y) in plan.targets.iter().enumerate() {
        if y.groups.is_empty() {
            continue; // open to all users: nobody is surplus
        }
        let mut extra: BTreeSet<(String, Ipv4Net)> = BTreeSet::new();
        for c in &y.cidrs {
            for (prefix, admitted) in lpm_winners(&table, c) {
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
