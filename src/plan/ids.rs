//! CloudFormation logical IDs: alphanumeric, derived from each rule's key so that they
//! stay stable when unrelated rules change, and made unique deterministically.

use super::Plan;
use crate::fast_hash::FastSet;

/// `private-a.ingress.tcp-22.192.168.10.0/24` → `PrivateAIngressTcp2219216810024`.
fn push_pascal(out: &mut String, key: &str) {
    let mut start = true;
    for c in key.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(if start { c.to_ascii_uppercase() } else { c });
            start = false;
        } else {
            start = true;
        }
    }
}

struct Namer {
    used: FastSet<String>,
}

impl Namer {
    /// The prefix, then every part in Pascal case, each part starting a new word.
    fn name(&mut self, prefix: &str, parts: &[&str]) -> String {
        let mut base =
            String::with_capacity(prefix.len() + parts.iter().map(|p| p.len()).sum::<usize>());
        base.push_str(prefix);
        for part in parts {
            push_pascal(&mut base, part);
        }
        // CloudFormation logical IDs are at most 255 characters; leave room for a suffix.
        // Only ASCII is pushed, so any length is a character boundary.
        base.truncate(240);
        if !self.used.contains(&base) {
            self.used.insert(base.clone());
            return base;
        }
        let mut n = 2;
        loop {
            let id = format!("{base}X{n}");
            if !self.used.contains(&id) {
                self.used.insert(id.clone());
                return id;
            }
            n += 1;
        }
    }
}

pub fn assign_logical_ids(plan: &mut Plan) {
    let mut namer = Namer {
        used: FastSet::with_capacity_and_hasher(
            plan.security_group_rules.len()
                + plan.nacl_entries.len()
                + plan.authorization_rules.len()
                + plan.targets.len()
                + 16,
            Default::default(),
        ),
    };
    // Names the renderers use for resources that are not rules.
    for fixed in ["ClientVpnEndpoint", "EndpointSecurityGroup"] {
        namer.used.insert(fixed.to_string());
    }
    for g in &mut plan.security_groups {
        g.logical_id = if g.key == super::security_group::ENDPOINT_KEY {
            "EndpointSecurityGroup".to_string()
        } else {
            namer.name("TargetSecurityGroup", &[&g.key])
        };
    }
    for r in &mut plan.security_group_rules {
        let prefix = match r.direction {
            super::Direction::Ingress => "SgIngress",
            super::Direction::Egress => "SgEgress",
        };
        let key = r
            .key
            .split_once('.')
            .map_or(r.key.as_str(), |(_, rest)| rest);
        r.logical_id = namer.name(prefix, &[&r.security_group, key]);
    }
    for e in &mut plan.nacl_entries {
        e.logical_id = namer.name("NaclEntry", &[&e.key]);
    }
    for a in &mut plan.authorization_rules {
        a.logical_id = namer.name("Authorization", &[&a.key]);
    }
    for r in &mut plan.routes {
        r.logical_id = namer.name("Route", &[&r.key]);
    }
    for a in &mut plan.associations {
        a.logical_id = namer.name("Association", &[&a.target_network]);
    }
    for t in &mut plan.targets {
        t.logical_id = namer.name("Target", &[&t.name]);
    }
    for i in &mut plan.inputs {
        i.logical_id = namer.name("", &[&i.name]);
    }
}
