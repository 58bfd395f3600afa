//! Flows that the plan lets through but the intent does not ask for (see
//! docs/semantics.md, "Surplus"). Security groups and NACLs only ever see the endpoint's
//! ENIs (source NAT), so the only per-group control is authorization; a group authorized
//! for a CIDR reaches every target inside it. Outside targets own only what they yield
//! nothing of (`TargetPlan::owned`).

use super::{AuthorizationRule, TargetPlan};
use crate::aws::auth::decide;
use crate::diagnostic::Diagnostic;
use crate::net::{contains, CidrSet, Family, Prefix};
use std::collections::{BTreeMap, BTreeSet};

// The longest-prefix evaluation is the shared AWS semantics, so that `check`, `plan`
// and `verify` agree on who reaches what.
pub use crate::aws::auth::{auth_table, lpm_winners, Admitted, AuthTable};

/// Surplus warnings for the plan's rules of family `N`, one per (target, admitted group)
/// with the fix. Longest-prefix match never crosses families: each is judged alone.
pub fn analyse<N: Prefix>(
    authorization_rules: &[AuthorizationRule],
    targets: &[TargetPlan],
    vpc: &[N],
    nat: bool,
) -> Vec<Diagnostic> {
    let table = auth_table(
        authorization_rules
            .iter()
            .filter_map(|r| Some((N::from_ipnet(r.cidr)?, r.group.as_deref()))),
    );
    let mut out = Vec::new();
    for (i, y) in targets.iter().enumerate() {
        if y.groups.is_empty() {
            continue; // open to all users: nobody is surplus
        }
        let mut extra: BTreeSet<(String, N)> = BTreeSet::new();
        for c in y.owned().iter().filter_map(|c| N::from_ipnet(*c)) {
            for (prefix, admitted) in lpm_winners(&table, &c) {
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
                .filter(|r| r.cidr == prefix.into())
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
                .rule(crate::findings::Rule::ImpliedSurplus)
                .help(
                    "security groups and NACLs cannot tell user groups apart (source NAT); give the targets `hosts:` \
                     so each group is authorized only for its own servers, or split the subnet",
                ),
            );
        }
    }
    out.extend(vpc_exposure(authorization_rules, targets, vpc, &table, nat));
    if N::FAMILY == Family::Ipv4 {
        out.extend(open_protocols(targets));
    }
    out
}

/// An outside target that serves every protocol, around a narrower outside target that
/// does not: carve-out denies close TCP, UDP and ICMP, but a NACL cannot deny "every
/// other protocol" in one entry, so those still pass into the narrower range for the
/// users authorization admits there (docs/semantics.md, "Carve-out denies").
fn open_protocols(targets: &[TargetPlan]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (i, x) in targets.iter().enumerate() {
        if x.subnet.is_some() || !x.services.iter().any(|s| s == "all") {
            continue;
        }
        for z in targets
            .iter()
            .filter(|z| z.subnet.is_none() && x.yields_to.contains(&z.name))
            .filter(|z| !z.services.iter().any(|s| s == "all"))
        {
            out.push(
                Diagnostic::warning(format!(
                    "surplus: target `{}` serves every protocol, and its network ACL row still passes IP protocols other than TCP, UDP and ICMP into the range of target `{}`, which intends only {}",
                    x.name,
                    z.name,
                    z.services.join(", ")
                ))
                .at(format!("targets[{i}]"))
                .rule(crate::findings::Rule::OpenProtocols)
                .help("a network ACL cannot deny every other protocol in one entry: give the wider target explicit ports instead of `all`, or give the narrower target `all`"),
            );
        }
    }
    out
}

/// An all-users authorization for an outside CIDR that covers VPC addresses no target
/// names: longest-prefix match gives those addresses to that rule, and the endpoint NATs
/// clients to VPC addresses, so every user reaches any host there whose security group
/// trusts the VPC CIDR (docs/semantics.md, "VPC exposure").
fn vpc_exposure<N: Prefix>(
    rules: &[AuthorizationRule],
    targets: &[TargetPlan],
    vpc: &[N],
    table: &AuthTable<N>,
    nat: bool,
) -> Vec<Diagnostic> {
    let in_vpc = |c: &N| vpc.iter().any(|v| contains(v, c));
    // Only an all-users rule for an outside CIDR around a VPC CIDR can expose it: the
    // usual intent has none and skips the cut of the VPC at every rule boundary.
    if !rules.iter().any(|r| {
        N::from_ipnet(r.cidr).is_some_and(|c| {
            r.group.is_none() && !in_vpc(&c) && vpc.iter().any(|v| contains(&c, v))
        })
    }) {
        return Vec::new();
    }
    // Winning outside rules for all users → the VPC pieces they decide.
    let mut exposed: BTreeMap<N, Vec<N>> = BTreeMap::new();
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
            .filter(|r| r.cidr == prefix.into() && r.group.is_none())
            .flat_map(|r| r.reasons.iter().map(|x| x.target.as_str()))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let at = targets
            .iter()
            .position(|t| by.contains(&t.name.as_str()) && t.cidrs.contains(&prefix.into()));
        let vpcs: Vec<String> = vpc
            .iter()
            .filter(|v| set.nets().iter().any(|p| contains(*v, p)))
            .map(ToString::to_string)
            .collect();
        let mut d = Diagnostic::warning(format!(
            "the all-users authorization for {prefix}{} also decides the VPC addresses that no target names ({} outside the targets' own ranges, {} addresses): every user reaches any host there whose security group trusts {}",
            if by.is_empty() { String::new() } else { format!(" (for {})", by.join(", ")) },
            vpcs.join(", "),
            set.size(),
            if N::FAMILY == Family::Ipv6 {
                "the VPC's IPv6 CIDR, because IPv6 clients get their addresses in the target networks"
            } else if nat {
                "the VPC CIDR, because the endpoint translates clients to VPC addresses"
            } else {
                "the client CIDR (a transit gateway attachment keeps the clients' own addresses)"
            },
        ))
        .rule(crate::findings::Rule::VpcExposure)
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

#[cfg(test)]
mod tests {
    use crate::diagnostic::Source;

    fn warnings(targets: &str) -> Vec<String> {
        let text = format!(
            "version: 1\nname: t\nvpc: {{cidr: 10.0.0.0/16}}\nendpoint: {{client_cidr: 172.31.0.0/22, split_tunnel: true, authentication: saml}}\n\
             subnets:\n  vpn-a: {{cidr: 10.0.0.0/24, az: ap-northeast-1a}}\n  app: {{cidr: 10.0.1.0/24}}\n\
             target_networks: [vpn-a]\ntargets:\n{targets}"
        );
        let loaded = match crate::intent::load(&Source {
            name: "t.yaml".into(),
            text,
        }) {
            Ok(l) => l,
            Err(d) => panic!("{d:?}"),
        };
        match crate::plan::plan(&loaded.intent) {
            Ok(p) => p.warnings.into_iter().map(|w| w.message).collect(),
            Err(d) => panic!("{d:?}"),
        }
    }

    #[test]
    fn group_subnets_inside_an_outside_target_stay_with_their_groups() {
        let w = warnings(
            "  - {name: corp, cidr: 192.168.0.0/16, ports: [https]}\n\
             \x20 - {name: ops, cidr: 192.168.5.0/24, ports: [rdp], groups: [ops]}\n\
             \x20 - {name: app, subnet: app, ports: [ssh], groups: [eng]}\n",
        );
        assert!(w.is_empty(), "{w:?}");
    }

    #[test]
    fn every_protocol_around_a_narrower_target_is_reported() {
        let w = warnings(
            "  - {name: corp, cidr: 192.168.0.0/16, ports: [all]}\n\
             \x20 - {name: ops, cidr: 192.168.5.0/24, ports: [rdp], groups: [ops]}\n",
        );
        assert!(
            w.iter()
                .any(|m| m.contains("other than TCP, UDP and ICMP") && m.contains("`ops`")),
            "{w:?}"
        );
    }

    #[test]
    fn all_users_outside_rule_over_the_vpc_is_reported() {
        let w = warnings(
            "  - {name: internet, cidr: 0.0.0.0/0, ports: [https]}\n\
             \x20 - {name: app, subnet: app, ports: [ssh], groups: [eng]}\n",
        );
        assert!(
            w.iter()
                .any(|m| m.contains("also decides the VPC addresses that no target names")),
            "{w:?}"
        );
    }
}
