//! Which artifact names stand for which intent objects. Literal IDs match the intent's
//! IDs; inputs match by the name a renderer derives from the subnet's name
//! (`subnet_vpn_a_id`, `VpnASubnetId`, `subnet_ids["vpn-a"]`, `network_acl_vpn_a_id`, …);
//! deployed subnets and ACLs without a matching ID through `map` (by CIDR, by association);
//! destination groups by the name shibori gives them (`<name>-<target>`). In a host
//! template with a merged snippet (docs/snippets.md), the host's resources bind through
//! the snippet's recorded bindings, a subnet's literal CIDR, or the subnet whose ACL
//! association names them. Anything
//! that matches nothing, or more than one thing, stays unbound and is reported.

use super::model::{Ident, RuleSet};
use crate::intent::{AclRef, Intent};
use crate::net::Prefix;
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

/// What the inputs of this intent's merged snippet were bound to in a host template
/// (docs/snippets.md): (input name, what the artifact calls it).
fn host_bindings<'r, C>(intent: &Intent, rs: &'r RuleSet<C>) -> Vec<(&'r str, &'r Ident)> {
    rs.host
        .snippets
        .iter()
        .filter(|s| s.intent == intent.name)
        .flat_map(|s| s.bindings.iter().map(|(n, i)| (n.as_str(), i)))
        .collect()
}

/// The intent subnet `id` stands for: by literal ID, by an input named after the
/// subnet, by the host binding of such an input, or by a host subnet's literal CIDR.
fn subnet_of<C>(
    intent: &Intent,
    rs: &RuleSet<C>,
    host: &[(&str, &Ident)],
    id: &Ident,
) -> Option<usize> {
    let direct = match id {
        Ident::Id(s) => intent
            .subnets
            .iter()
            .position(|x| x.id.as_deref() == Some(s)),
        Ident::Input(name) => {
            input_subnet(intent, name, SUBNET_WORDS).filter(|&i| intent.subnets[i].id.is_none())
        }
        Ident::Resource(_) => None,
    };
    direct
        .or_else(|| {
            host.iter()
                .filter(|(_, b)| *b == id)
                .find_map(|(input, _)| input_subnet(intent, input, SUBNET_WORDS))
                .filter(|&i| intent.subnets[i].id.is_none())
        })
        .or_else(|| {
            let cidr = rs.host.subnets.iter().find(|(s, _)| s == id)?.1;
            intent.subnets.iter().position(|s| s.cidr == cidr)
        })
}

/// The intent ACL `id` stands for: by literal ID, by an input named after a subnet, by
/// the host binding of such an input, or by a host association with a bound subnet.
fn acl_of<C>(
    intent: &Intent,
    rs: &RuleSet<C>,
    host: &[(&str, &Ident)],
    id: &Ident,
) -> Option<AclKey> {
    let as_input = |name: &str| {
        input_subnet(intent, name, ACL_WORDS)
            .map(|i| intent.subnets[i].acl.clone())
            .filter(|a| matches!(a, AclRef::InputOf(_)))
    };
    let direct = match id {
        Ident::Id(s) => intent
            .subnets
            .iter()
            .find(|x| x.acl == AclRef::Existing(s.clone()))
            .map(|x| x.acl.clone()),
        Ident::Input(name) => as_input(name),
        Ident::Resource(_) => None,
    };
    direct
        .or_else(|| {
            host.iter()
                .filter(|(_, b)| *b == id)
                .find_map(|(input, _)| as_input(input))
        })
        .or_else(|| {
            rs.host
                .acl_associations
                .iter()
                .filter(|(_, acl)| acl == id)
                .find_map(|(subnet, _)| {
                    let i = subnet_of(intent, rs, host, subnet)?;
                    Some(intent.subnets[i].acl.clone()).filter(|a| matches!(a, AclRef::InputOf(_)))
                })
        })
}

pub fn bind<C>(intent: &Intent, rs: &RuleSet<C>) -> Binding {
    let host = host_bindings(intent, rs);
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
        .chain(rs.routes.iter().filter_map(|r| r.subnet.as_ref()))
        .chain(rs.nacl_associations.iter().map(|a| &a.subnet));
    for id in subnet_idents {
        if b.subnets.contains_key(id) {
            continue;
        }
        let hit = subnet_of(intent, rs, &host, id).or_else(|| super::map::subnet(intent, rs, id));
        match hit {
            Some(i) => {
                b.subnets.insert(id.clone(), i);
            }
            None => b.unbound.push((id.clone(), "subnet")),
        }
    }
    let acl_idents = rs
        .nacl_rules
        .iter()
        .map(|r| &r.acl)
        .chain(rs.nacl_associations.iter().map(|a| &a.acl));
    for acl in acl_idents {
        if b.acls.contains_key(acl)
            || b.unbound.iter().any(|(u, _)| u == acl)
            || b.unbound_quiet.contains(acl)
        {
            continue;
        }
        let hit = acl_of(intent, rs, &host, acl).or_else(|| super::map::acl(intent, rs, acl));
        match hit {
            Some(a) => {
                b.acls.insert(acl.clone(), a);
            }
            // A snapshot or a whole plan holds the ACLs of other subnets too.
            None if rs.describes_more => b.unbound_quiet.push(acl.clone()),
            None => b.unbound.push((acl.clone(), "network ACL")),
        }
    }
    b.target_groups = target_groups(intent, rs);
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

/// The destination security group of each target of `intent` (one family's view).
fn target_groups<N: Prefix, C>(intent: &Intent<N>, rs: &RuleSet<C>) -> Vec<Option<Ident>> {
    let by_name: BTreeMap<&str, &Ident> = rs
        .security_groups
        .iter()
        .filter_map(|g| g.name.as_deref().map(|n| (n, &g.ident)))
        .collect();
    intent
        .targets
        .iter()
        .map(|t| match (&t.security_group, t.subnet()) {
            (_, None) => None,
            (Some(id), Some(_)) => Some(Ident::Id(id.clone())),
            (None, Some(_)) => by_name
                .get(format!("{}-{}", intent.name, t.name).as_str())
                .map(|i| (*i).clone()),
        })
        .collect()
}

/// The binding of `whole` (made for the IPv4 view, which holds every subnet) as another
/// family's `view` sees it: subnets by that view's indexes (matched by name), the
/// destination groups of that view's targets. What names nothing was reported once.
pub fn view<N: Prefix, C>(
    whole: &Binding,
    base: &Intent,
    view: &Intent<N>,
    rs: &RuleSet<C>,
) -> Binding {
    let renumber = |i: usize| {
        let name = &base.subnets.get(i)?.name;
        view.subnets.iter().position(|s| &s.name == name)
    };
    Binding {
        subnets: whole
            .subnets
            .iter()
            .filter_map(|(id, &i)| Some((id.clone(), renumber(i)?)))
            .collect(),
        acls: whole.acls.clone(),
        target_groups: target_groups(view, rs),
        endpoint_groups: whole.endpoint_groups.clone(),
        unbound: Vec::new(),
        unbound_quiet: whole.unbound_quiet.clone(),
    }
}

impl Binding {
    pub fn subnet(&self, id: &Ident) -> Option<usize> {
        self.subnets.get(id).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A template that names the host's subnets and ACLs by logical ID, with no
    /// recorded bindings: subnets bind by their literal CIDR, ACLs by the association
    /// of a bound subnet.
    #[test]
    fn host_objects_bind_by_cidr_and_acl_association() {
        use crate::diagnostic::Source;
        use crate::verify::read::{self, Artifact};
        let intent = crate::intent::load(&Source {
            name: "i.yaml".into(),
            text: "version: 1
name: demo
vpc: {cidr: 10.0.0.0/16}
endpoint: {client_cidr: 172.31.0.0/22, split_tunnel: true, authentication: certificate}
subnets:
  vpn-a: {cidr: 10.0.1.0/24, az: us-east-1a}
  app: {cidr: 10.0.2.0/24}
target_networks: [vpn-a]
targets:
  - {name: ssh, subnet: app, ports: [ssh]}
"
            .into(),
        })
        .map(|l| l.intent);
        let Ok(intent) = intent else {
            panic!("intent does not load");
        };
        let template = "Resources:
  VpnSubnet: {Type: AWS::EC2::Subnet, Properties: {VpcId: vpc-1, CidrBlock: 10.0.1.0/24}}
  AppSubnet: {Type: AWS::EC2::Subnet, Properties: {VpcId: vpc-1, CidrBlock: 10.0.2.0/24}}
  OtherSubnet: {Type: AWS::EC2::Subnet, Properties: {VpcId: vpc-1, CidrBlock: 10.0.9.0/24}}
  AppAcl: {Type: AWS::EC2::NetworkAcl, Properties: {VpcId: vpc-1}}
  AppAssoc:
    Type: AWS::EC2::SubnetNetworkAclAssociation
    Properties: {SubnetId: !Ref AppSubnet, NetworkAclId: !Ref AppAcl}
  Assoc:
    Type: AWS::EC2::ClientVpnTargetNetworkAssociation
    Properties: {ClientVpnEndpointId: cvpn-endpoint-1, SubnetId: !Ref VpnSubnet}
  Entry:
    Type: AWS::EC2::NetworkAclEntry
    Properties:
      NetworkAclId: !Ref AppAcl
      RuleNumber: 100
      Protocol: 6
      RuleAction: allow
      CidrBlock: 10.0.1.0/24
      PortRange: {From: 22, To: 22}
";
        let files = [(std::path::PathBuf::from("t.yaml"), template.to_string())].into();
        let Ok((_, rs)) = read::read(&Artifact::from_files("t", files)) else {
            panic!("template does not read");
        };
        let b = bind(&intent, &rs);
        let vpn_a = intent.subnets.iter().position(|s| s.name == "vpn-a");
        assert_eq!(b.subnet(&Ident::Resource("VpnSubnet".into())), vpn_a);
        assert_eq!(
            b.acls.get(&Ident::Resource("AppAcl".into())),
            Some(&AclRef::InputOf("app".into()))
        );
        assert!(b.unbound.is_empty(), "{:?}", b.unbound);
    }

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
