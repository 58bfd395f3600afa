//! Which artifact names stand for which intent objects. Literal IDs match the intent's
//! IDs; inputs match by the name a renderer derives from the subnet's name
//! (`subnet_vpn_a_id`, `VpnASubnetId`, `subnet_ids["vpn-a"]`, `network_acl_vpn_a_id`, …);
//! deployed subnets and ACLs without a matching ID through `map` (by CIDR, by association);
//! destination groups by the name shibori gives them (`<name>-<target>`). Anything
//! that matches nothing, or more than one thing, stays unbound and is reported.

use super::model::{Ident, RuleSet};
use crate::intent::{AclRef, Intent};
use std::collections::BTreeMap;

/// A network ACL as the intent knows it: its ID, or the subnet whose ACL is an input.
pub type AclKey = AclRef;

pub struct Binding {
    pub subnets: BTreeMap<Ident, usize>,
    pub acls: BTreeMap<Ident, AclKey>,
    /// Destination security group of each target (by index), when in the VPC.
    pub target_groups: Vec<Option<Ident>>,
    pub endpoint_groups: Vec<Ident>,
    /// Idents that name nothing in the intent, with what they were expected to be.
    pub unbound: Vec<(Ident, &'static str)>,
    /// ACLs of an artifact that describes more than the intent, mapped to nothing: out
    /// of scope, not reported.
    pub unbound_quiet: Vec<Ident>,
}

fn norm(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

const SUBNET_WORDS: &[&str] = &["subnet", "subnets", "subnetid", "subnetids"];
const ACL_WORDS: &[&str] = &[
    "acl",
    "acls",
    "aclid",
    "aclids",
    "nacl",
    "naclid",
    "naclids",
    "networkacl",
    "networkaclid",
    "networkaclids",
    "networkacls",
    "subnetacl",
    "subnetnacl",
    "subnetnetworkacl",
    "subnetaclid",
    "subnetnaclid",
    "subnetnetworkaclid",
];

/// Does input `input` name the object of subnet `name` for these kind words?
fn input_names(input: &str, name: &str, words: &[&str]) -> bool {
    let (i, n) = (norm(input), norm(name));
    if n.is_empty() {
        return false;
    }
    // `subnet_vpn_a_id`, `vpn_a_subnet_id`, `subnet_ids[vpn-a]`: the kind word on one side.
    i.match_indices(&n).any(|(pos, _)| {
        let (pre, post) = (&i[..pos], &i[pos + n.len()..]);
        let id_only = post.is_empty() || post == "id" || post == "ids";
        (words.contains(&pre) && id_only) || (pre.is_empty() && words.contains(&post))
    })
}

fn input_subnet(intent: &Intent, input: &str, words: &[&str]) -> Option<usize> {
    let hits: Vec<usize> = intent
        .subnets
        .iter()
        .enumerate()
        .filter(|(_, s)| input_names(input, &s.name, words))
        .map(|(i, _)| i)
        .collect();
    match hits.as_slice() {
        [one] => Some(*one),
        _ => None,
    }
}

pub fn bind(intent: &Intent, rs: &RuleSet) -> Binding {
    let mut b = Binding {
        subnets: BTreeMap::new(),
        acls: BTreeMap::new(),
        target_groups: Vec::new(),
        endpoint_groups: Vec::new(),
        unbound: Vec::new(),
        unbound_quiet: Vec::new(),
    };
    let subnet_idents = rs
        .associations
        .iter()
        .map(|a| &a.subnet)
        .chain(rs.routes.iter().filter_map(|r| r.subnet.as_ref()));
    for id in subnet_idents {
        if b.subnets.contains_key(id) {
            continue;
        }
        let hit = match id {
            Ident::Id(s) => intent
                .subnets
                .iter()
                .position(|x| x.id.as_deref() == Some(s)),
            Ident::Input(name) => {
                input_subnet(intent, name, SUBNET_WORDS).filter(|&i| intent.subnets[i].id.is_none())
            }
            Ident::Resource(_) => None,
        }
        .or_else(|| super::map::subnet(intent, rs, id));
        match hit {
            Some(i) => {
                b.subnets.insert(id.clone(), i);
            }
            None => b.unbound.push((id.clone(), "subnet")),
        }
    }
    for r in &rs.nacl_rules {
        if b.acls.contains_key(&r.acl)
            || b.unbound.iter().any(|(u, _)| *u == r.acl)
            || b.unbound_quiet.contains(&r.acl)
        {
            continue;
        }
        let hit = match &r.acl {
            Ident::Id(s) => intent
                .subnets
                .iter()
                .find(|x| x.acl == AclRef::Existing(s.clone()))
                .map(|x| x.acl.clone()),
            Ident::Input(name) => input_subnet(intent, name, ACL_WORDS)
                .map(|i| intent.subnets[i].acl.clone())
                .filter(|a| matches!(a, AclRef::InputOf(_))),
            Ident::Resource(_) => None,
        }
        .or_else(|| super::map::acl(intent, rs, &r.acl));
        match hit {
            Some(a) => {
                b.acls.insert(r.acl.clone(), a);
            }
            // A snapshot or a whole plan holds the ACLs of other subnets too.
            None if rs.describes_more => b.unbound_quiet.push(r.acl.clone()),
            None => b.unbound.push((r.acl.clone(), "network ACL")),
        }
    }
    let by_name: BTreeMap<&str, &Ident> = rs
        .security_groups
        .iter()
        .filter_map(|g| g.name.as_deref().map(|n| (n, &g.ident)))
        .collect();
    for t in &intent.targets {
        let g = match (&t.security_group, t.subnet()) {
            (_, None) => None,
            (Some(id), Some(_)) => Some(Ident::Id(id.clone())),
            (None, Some(_)) => by_name
                .get(format!("{}-{}", intent.name, t.name).as_str())
                .map(|i| (*i).clone()),
        };
        b.target_groups.push(g);
    }
    b.endpoint_groups = if !rs.endpoint_groups.is_empty() {
        rs.endpoint_groups.clone()
    } else {
        // An existing endpoint: the group shibori creates that is no target's.
        let others: Vec<Ident> = rs
            .security_groups
            .iter()
            .map(|g| g.ident.clone())
            .filter(|g| !b.target_groups.iter().any(|t| t.as_ref() == Some(g)))
            .collect();
        if others.len() == 1 {
            others
        } else {
            Vec::new()
        }
    };
    b
}

impl Binding {
    pub fn subnet(&self, id: &Ident) -> Option<usize> {
        self.subnets.get(id).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_naming_conventions() {
        assert!(input_names("subnet_vpn_a_id", "vpn-a", SUBNET_WORDS));
        assert!(input_names("VpnASubnetId", "vpn-a", SUBNET_WORDS));
        assert!(input_names("SubnetVpnA", "vpn-a", SUBNET_WORDS));
        assert!(input_names("subnet_ids[vpn-a]", "vpn-a", SUBNET_WORDS));
        assert!(!input_names("subnet_vpn_a_id", "a", SUBNET_WORDS));
        assert!(!input_names("network_acl_vpn_a_id", "vpn-a", SUBNET_WORDS));
        assert!(input_names("network_acl_vpn_a_id", "vpn-a", ACL_WORDS));
        assert!(input_names("VpnANetworkAclId", "vpn-a", ACL_WORDS));
        assert!(input_names(
            "PrivateASubnetNetworkAclId",
            "private-a",
            ACL_WORDS
        ));
    }
}
