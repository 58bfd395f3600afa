//! CloudFormation logical IDs: alphanumeric, derived from each rule's key so that they
//! stay stable when unrelated rules change, and made unique deterministically.

use super::Plan;
use std::collections::HashSet;

/// `private-a.ingress.tcp-22.192.168.10.0/24` → `PrivateAIngressTcp2219216810024`.
pub fn pascal(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    let mut start = true;
    for c in key.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(if start { c.to_ascii_uppercase() } else { c });
            start = false;
        } else {
            start = true;
        }
    }
    out
}

struct Namer {
    used: HashSet<String>,
}

impl Namer {
    fn name(&mut self, prefix: &str, key: &str) -> String {
        let mut base = String::with_capacity(prefix.len() + key.len());
        base.push_str(prefix);
        base.push_str(&pascal(key));
        // CloudFormation logical IDs are at most 255 characters; leave room for a suffix.
        base.truncate(240);
        let mut id = base.clone();
        let mut n = 2;
        while self.used.contains(&id) {
            id = format!("{base}X{n}");
            n += 1;
        }
        self.used.insert(id.clone());
        id
    }
}

pub fn assign_logical_ids(plan: &mut Plan) {
    let mut namer = Namer {
        used: HashSet::new(),
    };
    // Names the renderers use for resources that are not rules.
    for fixed in ["ClientVpnEndpoint", "EndpointSecurityGroup"] {
        namer.used.insert(fixed.to_string());
    }
    for g in &mut plan.security_groups {
        g.logical_id = if g.key == super::security_group::ENDPOINT_KEY {
            "EndpointSecurityGroup".to_string()
        } else {
            namer.name("TargetSecurityGroup", &g.key)
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
        r.logical_id = namer.name(prefix, &format!("{} {key}", r.security_group));
    }
    for e in &mut plan.nacl_entries {
        e.logical_id = namer.name("NaclEntry", &e.key);
    }
    for a in &mut plan.authorization_rules {
        a.logical_id = namer.name("Authorization", &a.key);
    }
    for r in &mut plan.routes {
        r.logical_id = namer.name("Route", &r.key);
    }
    for a in &mut plan.associations {
        a.logical_id = namer.name("Association", &a.target_network);
    }
    for t in &mut plan.targets {
        t.logical_id = namer.name("Target", &t.name);
    }
    for i in &mut plan.inputs {
        i.logical_id = namer.name("", &i.name);
    }
}
