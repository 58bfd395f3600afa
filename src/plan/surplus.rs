//! SPEC §5.4: flows that the plan lets through but the intent does not ask for.
//! Security groups and NACLs only ever see the endpoint's ENIs (source NAT), so the
//! only per-group control is authorization; a group authorized for a CIDR reaches
//! every target inside it.

use super::{AuthorizationRule, TargetPlan};
use crate::diagnostic::Diagnostic;
use ipnet::Ipv4Net;
use std::collections::BTreeSet;

// The longest-prefix evaluation is verify's, so that `check`, `plan` and `verify` agree
// on who reaches what (issue 5, item 4).
pub use crate::aws::auth::{auth_table, lpm_winners, Admitted, AuthTable};

/// Surplus warnings for the plan, one per (target, admitted group) with the fix.
pub fn analyse(
    authorization_rules: &[AuthorizationRule],
    targets: &[TargetPlan],
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
                .rule(crate::findings::Rule::ImpliedSurplus)
                .help(
                    "security groups and NACLs cannot tell user groups apart (source NAT); give the targets `hosts:` \
                     so each group is authorized only for its own servers, or split the subnet",
                ),
            );
        }
    }
    out
}
