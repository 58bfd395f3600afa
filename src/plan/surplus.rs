//! Flows that the plan lets through but the intent does not ask for (see
//! docs/semantics.md, "Surplus"). Security groups and NACLs only ever see the endpoint's
//! ENIs (source NAT), so the only per-group control is authorization; a group authorized
//! for a CIDR reaches every target inside it. Outside targets own only what they yield
//! nothing of (`TargetPlan::owned`).

use super::{AuthorizationRule, TargetPlan};
use crate::aws::auth::decide;
use crate::diagnostic::Diagnostic;
use crate::net::{contains, CidrSet};
use ipnet::Ipv4Net;
use std::collections::{BTreeMap, BTreeSet};

// The longest-prefix evaluation is the shared AWS semantics, so that `check`, `plan`
// and `verify` agree on who reaches what.
pub use crate::aws::auth::{auth_table, lpm_winners, Admitted, AuthTable};

/// Surplus warnings for the plan, one per (target, admitted group) with the fix.
pub fn analyse(
    authorization_rules: &[AuthorizationRule],
    targets: &[TargetPlan],
    vpc: &[Ipv4Net],
) -> Vec<Diagnostic> {
    let table = auth_table(
        authorization_rules
            .iter()
            .map(|r| (r.cidr, r.group.as_deref())),
    );
    let mut out = Vec::new();
    for (i, y) in targets.iter().enumerate() {
        if y.groups.is_empty() {
            continue; // open to all users: nobody is surplus
        }
        let mut extra: BTreeSet<(String, Ipv4Net)> = BTreeSet::new();
        for c in y.owned() {
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
            let via: Vec<&str> = authorization_rules
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
    out.extend(vpc_exposure(authorization_rules, targets, vpc, &table));
    out
}

/// An all-users authorization for an outside CIDR that covers VPC addresses no target
/// names: longest-prefix match gives those addresses to that rule, and the endpoint NATs
/// clients to VPC addresses, so every user reaches any host there whose security group
/// trusts the VPC CIDR (docs/semantics.md, "VPC exposure").
fn vpc_exposure(
    rules: &[AuthorizationRule],
    targets: &[TargetPlan],
    vpc: &[Ipv4Net],
    table: &AuthTable,
) -> Vec<Diagnostic> {
    let in_vpc = |c: &Ipv4Net| vpc.iter().any(|v| contains(v, c));
    // Winning outside rules for all users → the VPC pieces they decide.
    let mut exposed: BTreeMap<Ipv4Net, Vec<Ipv4Net>> = BTreeMap::new();
    for v in vpc {
        for (piece, winner) in decide(table, v) {
            if let Some((prefix, admitted)) = winner {
                if admitted.all_users && !in_vpc(&prefix) {
                    exposed.entry(prefix).or_default().push(piece);
                }
            }
        }
    }
    let mut out = Vec::new();
    for (prefix, pieces) in exposed {
        let set = CidrSet::from_nets(&pieces);
        let by: Vec<&str> = rules
            .iter()
            .filter(|r| r.cidr == prefix && r.group.is_none())
            .flat_map(|r| r.reasons.iter().map(|x| x.target.as_str()))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let at = targets
            .iter()
            .position(|t| by.contains(&t.name.as_str()) && t.cidrs.contains(&prefix));
        let vpcs: Vec<String> = vpc
            .iter()
            .filter(|v| set.nets().iter().any(|p| contains(v, p)))
            .map(ToString::to_string)
            .collect();
        let mut d = Diagnostic::warning(format!(
            "the all-users authorization for {prefix}{} also decides the VPC addresses that no target names ({} outside the targets' own ranges, {} addresses): every user reaches any host there whose security group trusts the VPC CIDR, because the endpoint translates clients to VPC addresses",
            if by.is_empty() { String::new() } else { format!(" (for {})", by.join(", ")) },
            vpcs.join(", "),
            set.size(),
        ))
        .help(
            "narrow those hosts' security groups to the endpoint security group or to named sources, \
             or add a target for each such subnet so that its own groups own the range",
        );
        if let Some(i) = at {
            d = d.at(format!("targets[{i}]"));
        }
        out.push(d);
    }
    out
}
