//! CloudFormation logical IDs: alphanumeric, derived from each rule's key so that they
//! stay stable when unrelated rules change, and made unique deterministically.

use super::Plan;
use std::collections::BTreeSet;

/// `private-a.ingress.tcp-22.192.168.10.0/24` → `PrivateAIngressTcp2219216810024`.
pub fn pascal(key: &str) -> String {
    key.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

struct Namer {
    used: BTreeSet<String>,
}

impl Namer {
    fn name(&mut self, prefix: &str, key: &str) -> String {
        let base: String = format!("{prefix}{}", pascal(key))
            .chars()
            .take(240)
            .collect();
        let mut id = base.clone();
        let mut n = 2;
        while !self.used.insert(id.clone()) {
            id = format!("{base}X{n}");
            n += 1;
        }
        id
    }
}

pub fn assign_logical_ids(plan: &mut Plan) {
    let mut namer = Namer {
        used: BTreeSet::new(),
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
