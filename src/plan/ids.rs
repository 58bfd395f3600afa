//! CloudFormation logical IDs: alphanumeric, derived from each rule's key so that they
//! stay stable when unrelated rules change, and made unique deterministically.
//!
//! Names are built once each, in naming order, then made unique in a second pass that
//! borrows them: a name costs one allocation, not a build, a copy and two lookups.

use super::Plan;
use crate::fast_hash::FastSet;

/// Names the renderers use for resources that are not rules.
const FIXED: [&str; 2] = ["ClientVpnEndpoint", "EndpointSecurityGroup"];

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

/// Every named item's base name, in naming order (the endpoint group is fixed).
fn base_names(plan: &Plan) -> Vec<String> {
    let mut out = Vec::with_capacity(
        plan.security_groups.len()
            + plan.security_group_rules.len()
            + plan.nacl_entries.len()
            + plan.authorization_rules.len()
            + plan.routes.len()
            + plan.associations.len()
            + plan.targets.len()
            + plan.inputs.len(),
    );
    for g in &plan.security_groups {
        if g.key != super::security_group::ENDPOINT_KEY {
            out.push(base_name("TargetSecurityGroup", &[&g.key]));
        }
    }
    for r in &plan.security_group_rules {
        let prefix = match r.direction {
            super::Direction::Ingress => "SgIngress",
            super::Direction::Egress => "SgEgress",
        };
        let key = r
            .key
            .split_once('.')
            .map_or(r.key.as_str(), |(_, rest)| rest);
        out.push(base_name(prefix, &[&r.security_group, key]));
    }
    out.extend(
        plan.nacl_entries
            .iter()
            .map(|e| base_name("NaclEntry", &[&e.key])),
    );
    out.extend(
        plan.authorization_rules
            .iter()
            .map(|a| base_name("Authorization", &[&a.key])),
    );
    out.extend(plan.routes.iter().map(|r| base_name("Route", &[&r.key])));
    out.extend(
        plan.associations
            .iter()
            .map(|a| base_name("Association", &[&a.target_network])),
    );
    out.extend(plan.targets.iter().map(|t| base_name("Target", &[&t.name])));
    out.extend(plan.inputs.iter().map(|i| base_name("", &[&i.name])));
    out
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

pub fn assign_logical_ids(plan: &mut Plan) {
    let mut names = base_names(plan);
    make_unique(&mut names);
    // Hand the names out in the order `base_names` made them.
    let mut names = names.into_iter();
    let mut next = || names.next().unwrap_or_default();
    for g in &mut plan.security_groups {
        g.logical_id = if g.key == super::security_group::ENDPOINT_KEY {
            "EndpointSecurityGroup".to_string()
        } else {
            next()
        };
    }
    for r in &mut plan.security_group_rules {
        r.logical_id = next();
    }
    for e in &mut plan.nacl_entries {
        e.logical_id = next();
    }
    for a in &mut plan.authorization_rules {
        a.logical_id = next();
    }
    for r in &mut plan.routes {
        r.logical_id = next();
    }
    for a in &mut plan.associations {
        a.logical_id = next();
    }
    for t in &mut plan.targets {
        t.logical_id = next();
    }
    for i in &mut plan.inputs {
        i.logical_id = next();
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
