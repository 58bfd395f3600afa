//! CloudFormation logical IDs: alphanumeric, derived from each rule's key so that they
//! stay stable when unrelated rules change, and made unique deterministically.
//!
//! Base names are built once each, where the items are planned, then made unique in one
//! pass that borrows them: a name costs one allocation, not a build, a copy and two
//! lookups.

use super::{
    AuthorizationRule, NaclEntry, Plan, Route, SecurityGroup, SecurityGroupRule, TargetPlan,
};
use crate::fast_hash::FastSet;

const FIXED_ENDPOINT_GROUP: &str = "EndpointSecurityGroup";

/// Names the renderers use for resources that are not rules.
const FIXED: [&str; 2] = ["ClientVpnEndpoint", FIXED_ENDPOINT_GROUP];

/// CloudFormation logical IDs are at most 255 characters; leave room for a suffix.
const MAX_BASE: usize = 240;

/// `private-a.ingress.tcp-22.192.168.10.0/24` → `PrivateAIngressTcp2219216810024`.
/// Byte-wise: a non-ASCII character's bytes are all non-alphanumeric, so it separates
/// words exactly as the character itself would.
fn push_pascal(out: &mut String, key: &str) {
    let mut start = true;
    for &b in key.as_bytes() {
        if b.is_ascii_alphanumeric() {
            out.push(char::from(if start { b.to_ascii_uppercase() } else { b }));
            start = false;
        } else {
            start = true;
        }
    }
}

/// The prefix, then every part in Pascal case, each part starting a new word.
fn base_name(prefix: &str, parts: &[&str]) -> String {
    let mut base =
        String::with_capacity(prefix.len() + parts.iter().map(|p| p.len()).sum::<usize>());
    base.push_str(prefix);
    for part in parts {
        push_pascal(&mut base, part);
    }
    // Only ASCII is pushed, so any length is a character boundary.
    base.truncate(MAX_BASE);
    base
}

/// Makes the names unique in order: a name already taken (by a fixed name, an earlier
/// name or an earlier suffixed name) becomes `<name>X2`, `<name>X3`, … whichever is
/// free first.
fn make_unique(names: &mut [String]) {
    let mut renamed: Vec<(usize, String)> = Vec::new();
    {
        let mut used: FastSet<&str> =
            FastSet::with_capacity_and_hasher(names.len() + FIXED.len(), Default::default());
        used.extend(FIXED);
        // Suffixed names are rare; they live apart so that `used` can borrow `names`.
        let mut suffixed: FastSet<String> = FastSet::default();
        for (i, name) in names.iter().enumerate() {
            let taken = |s: &str, used: &FastSet<&str>, suffixed: &FastSet<String>| {
                used.contains(s) || suffixed.contains(s)
            };
            if !taken(name, &used, &suffixed) {
                used.insert(name);
                continue;
            }
            let mut n = 2;
            let id = loop {
                let id = format!("{name}X{n}");
                if !taken(&id, &used, &suffixed) {
                    break id;
                }
                n += 1;
            };
            suffixed.insert(id.clone());
            renamed.push((i, id));
        }
    }
    for (i, id) in renamed {
        names[i] = id;
    }
}

// Base names are given where the items are planned, on whichever core plans them
// (pure functions of each item's key); `assign_logical_ids` then only makes them unique,
// in one fixed naming order.

pub fn name_security_groups(groups: &mut [SecurityGroup]) {
    for g in groups {
        g.logical_id = if g.key == super::security_group::ENDPOINT_KEY {
            FIXED_ENDPOINT_GROUP.to_string()
        } else {
            base_name("TargetSecurityGroup", &[&g.key])
        };
    }
}

pub fn name_security_group_rules(rules: &mut [SecurityGroupRule]) {
    for r in rules {
        let prefix = match r.direction {
            super::Direction::Ingress => "SgIngress",
            super::Direction::Egress => "SgEgress",
        };
        let key = r
            .key
            .split_once('.')
            .map_or(r.key.as_str(), |(_, rest)| rest);
        r.logical_id = base_name(prefix, &[&r.security_group, key]);
    }
}

pub fn name_nacl_entries(entries: &mut [NaclEntry]) {
    for e in entries {
        e.logical_id = base_name("NaclEntry", &[&e.key]);
    }
}

pub fn name_authorization_rules(rules: &mut [AuthorizationRule]) {
    for a in rules {
        a.logical_id = base_name("Authorization", &[&a.key]);
    }
}

pub fn name_routes(routes: &mut [Route]) {
    for r in routes {
        r.logical_id = base_name("Route", &[&r.key]);
    }
}

pub fn name_targets(targets: &mut [TargetPlan]) {
    for t in targets {
        t.logical_id = base_name("Target", &[&t.name]);
    }
}

/// Names the associations and inputs, then makes every logical ID unique in naming
/// order: security groups, their rules, NACL entries, authorization rules, routes,
/// associations, targets, inputs. The other items carry their base names already.
pub fn assign_logical_ids(plan: &mut Plan) {
    for a in &mut plan.associations {
        a.logical_id = base_name("Association", &[&a.target_network]);
    }
    for i in &mut plan.inputs {
        i.logical_id = base_name("", &[&i.name]);
    }
    let mut slots: Vec<&mut String> = Vec::with_capacity(
        plan.security_groups.len()
            + plan.security_group_rules.len()
            + plan.nacl_entries.len()
            + plan.authorization_rules.len()
            + plan.routes.len()
            + plan.associations.len()
            + plan.targets.len()
            + plan.inputs.len(),
    );
    slots.extend(
        plan.security_groups
            .iter_mut()
            .filter(|g| g.key != super::security_group::ENDPOINT_KEY)
            .map(|g| &mut g.logical_id),
    );
    slots.extend(
        plan.security_group_rules
            .iter_mut()
            .map(|r| &mut r.logical_id),
    );
    slots.extend(plan.nacl_entries.iter_mut().map(|e| &mut e.logical_id));
    slots.extend(
        plan.authorization_rules
            .iter_mut()
            .map(|a| &mut a.logical_id),
    );
    slots.extend(plan.routes.iter_mut().map(|r| &mut r.logical_id));
    slots.extend(plan.associations.iter_mut().map(|a| &mut a.logical_id));
    slots.extend(plan.targets.iter_mut().map(|t| &mut t.logical_id));
    slots.extend(plan.inputs.iter_mut().map(|i| &mut i.logical_id));
    let mut names: Vec<String> = slots.iter_mut().map(|s| std::mem::take(*s)).collect();
    make_unique(&mut names);
    for (slot, name) in slots.into_iter().zip(names) {
        *slot = name;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeats_take_the_first_free_suffix() {
        let mut names: Vec<String> = ["A", "AX2", "A", "A", "EndpointSecurityGroup"]
            .map(String::from)
            .to_vec();
        make_unique(&mut names);
        assert_eq!(
            names,
            ["A", "AX2", "AX3", "AX4", "EndpointSecurityGroupX2"].map(String::from)
        );
    }

    #[test]
    fn pascal_case_drops_separators_and_non_ascii() {
        let mut s = String::new();
        push_pascal(&mut s, "private-a.ingress.tcp-22.10.0.0/24 é-b");
        assert_eq!(s, "PrivateAIngressTcp22100024B");
    }
}
