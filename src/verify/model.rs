//! What `verify` reads back from an artifact: its own rule types, deliberately unrelated
//! to the planner's, so that a planner bug cannot be inherited by the proof.

use crate::net::{Family, Prefix};
use ipnet::{IpNet, Ipv4Net};
use serde::Serialize;
use std::fmt;

pub use crate::aws::{Action, Proto, Span};

/// How an artifact names a network object (subnet, ACL, security group).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Ident {
    /// A literal AWS ID (`subnet-…`, `acl-…`, `sg-…`).
    Id(String),
    /// A Terraform variable or CloudFormation parameter (an input of the artifact).
    Input(String),
    /// A resource of the artifact itself (CloudFormation logical ID, Terraform address).
    Resource(String),
}

impl fmt::Display for Ident {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ident::Id(s) => f.write_str(s),
            Ident::Input(s) => write!(f, "input `{s}`"),
            Ident::Resource(s) => write!(f, "resource `{s}`"),
        }
    }
}

/// Where a rule came from in the artifact, for findings.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Origin {
    pub file: String,
    /// CloudFormation logical ID or Terraform resource address.
    pub resource: String,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.resource, self.file)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Ingress,
    Egress,
}

impl fmt::Display for Direction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Direction::Ingress => "ingress",
            Direction::Egress => "egress",
        })
    }
}

/// The other side of a security group rule. `C` is the CIDR type: [`IpNet`] as read from
/// an artifact, one family's prefix in that family's view ([`RuleSet::family`]).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SgPeer<C = IpNet> {
    Group(Ident),
    Cidr(C),
}

impl<C: fmt::Display> fmt::Display for SgPeer<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SgPeer::Group(g) => write!(f, "security group {g}"),
            SgPeer::Cidr(c) => write!(f, "{c}"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SgRule<C = IpNet> {
    pub origin: Origin,
    pub group: Ident,
    pub direction: Direction,
    pub protocol: Proto,
    /// Ports for tcp/udp, types for icmp; all for `All`.
    pub span: Span,
    pub peer: SgPeer<C>,
}

/// A security group the artifact creates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SgDecl {
    pub origin: Origin,
    pub ident: Ident,
    /// `GroupName` / `name`, when it is a literal.
    pub name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NaclRule<C = IpNet> {
    pub origin: Origin,
    pub acl: Ident,
    pub egress: bool,
    pub number: u32,
    pub action: Action,
    pub protocol: Proto,
    /// Ports for tcp/udp, the ICMP type for icmp, everything for `All`.
    pub span: Span,
    pub cidr: C,
}

impl<N: Prefix> crate::aws::nacl::AclEntry for NaclRule<N> {
    type Net = N;
    fn action(&self) -> Action {
        self.action
    }
    fn protocol(&self) -> Proto {
        self.protocol
    }
    fn span(&self) -> Span {
        self.span
    }
    fn cidr(&self) -> &N {
        &self.cidr
    }
}

impl<C: Copy + Into<IpNet>> crate::aws::sg::SgEntry for SgRule<C> {
    type Group = Ident;
    fn protocol(&self) -> Proto {
        self.protocol
    }
    fn span(&self) -> Span {
        self.span
    }
    fn peer<N: crate::net::Prefix>(&self) -> crate::aws::sg::RulePeer<'_, Ident, N> {
        match &self.peer {
            SgPeer::Cidr(c) => match N::from_ipnet((*c).into()) {
                Some(c) => crate::aws::sg::RulePeer::Cidr(c),
                None => crate::aws::sg::RulePeer::OtherFamily,
            },
            SgPeer::Group(g) => crate::aws::sg::RulePeer::Group(g),
        }
    }
}

impl<C> NaclRule<C> {
    pub fn direction(&self) -> Direction {
        if self.egress {
            Direction::Egress
        } else {
            Direction::Ingress
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuthRule<C = IpNet> {
    pub origin: Origin,
    pub cidr: C,
    /// Access group ID; `None` = all users.
    pub group: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VpnRoute<C = IpNet> {
    pub origin: Origin,
    pub cidr: C,
    /// The target subnet; `None` on a transit-gateway-attached endpoint.
    pub subnet: Option<Ident>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Association {
    pub origin: Origin,
    pub subnet: Ident,
}

/// A subnet moved to a network ACL (`aws_network_acl_association`,
/// `AWS::EC2::SubnetNetworkAclAssociation`): it changes which ACL the subnet's traffic meets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NaclAssociation {
    pub origin: Origin,
    pub subnet: Ident,
    pub acl: Ident,
}

/// A reference or value the reader could not resolve: a finding, never a guess.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unresolved {
    pub origin: Origin,
    pub message: String,
}

/// A subnet the artifact describes (a deployed subnet, or an `aws_subnet` of a plan): what
/// lets an intent without IDs be mapped onto it by CIDR (see `docs/audit.md`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SubnetFact {
    pub subnet: Ident,
    pub cidr: Option<Ipv4Net>,
    /// The network ACL associated with the subnet, when the artifact says.
    pub acl: Option<Ident>,
}

/// Everything one artifact says about the network path. Readers fill `RuleSet<IpNet>`
/// (both families); [`RuleSet::family`] gives one family's view, which the proof
/// evaluates (`docs/semantics.md`, "IPv6 and dual-stack").
#[derive(Debug, Clone, Default, Serialize)]
pub struct RuleSet<C = IpNet> {
    /// Security groups named by the Client VPN endpoint(s) the artifact creates.
    pub endpoint_groups: Vec<Ident>,
    /// Whether the artifact creates an endpoint at all (absent: an existing endpoint).
    pub creates_endpoint: bool,
    /// Transit gateways the created endpoint(s) attach to (none: VPC-associated).
    pub transit_gateways: Vec<Ident>,
    pub security_groups: Vec<SgDecl>,
    pub sg_rules: Vec<SgRule<C>>,
    pub nacl_rules: Vec<NaclRule<C>>,
    pub auth_rules: Vec<AuthRule<C>>,
    pub routes: Vec<VpnRoute<C>>,
    pub associations: Vec<Association>,
    pub nacl_associations: Vec<NaclAssociation>,
    pub unresolved: Vec<Unresolved>,
    /// What could not be evaluated on one security group or network ACL: reported only
    /// when that object is the intent's (a snapshot holds a whole VPC).
    pub unresolved_in: Vec<(Ident, Unresolved)>,
    /// Subnets (with their ACLs) the artifact describes.
    pub subnet_facts: Vec<SubnetFact>,
    /// The artifact holds objects outside the intent (an AWS snapshot, a whole Terraform
    /// plan): those the intent maps to nothing are left out of the proof, not reported.
    pub describes_more: bool,
    /// The artifact lists every subnet of the VPC (a snapshot), so an intent subnet it lacks
    /// is unmapped; a plan may use subnets it does not manage.
    pub complete_inventory: bool,
    /// What a host template with merged snippets says around them (docs/snippets.md).
    pub host: HostFacts,
}

/// A host template's facts that bind shibori's resources to the intent: the snippets
/// merged into it (from its `Metadata`), its subnets and their ACLs.
#[derive(Debug, Clone, Default, Serialize)]
pub struct HostFacts {
    pub snippets: Vec<MergedSnippet>,
    /// `AWS::EC2::Subnet` resources whose CIDR is a literal.
    pub subnets: Vec<(Ident, Ipv4Net)>,
    /// `AWS::EC2::SubnetNetworkAclAssociation`: (subnet, ACL).
    pub acl_associations: Vec<(Ident, Ident)>,
}

/// One snippet merged into a host template: its intent's name, the resources it owns
/// (logical IDs as read), and what each of its inputs was bound to.
#[derive(Debug, Clone, Default, Serialize)]
pub struct MergedSnippet {
    pub intent: String,
    pub resources: Vec<String>,
    pub bindings: Vec<(String, Ident)>,
}

impl<C> RuleSet<C> {
    pub fn extend(&mut self, other: RuleSet<C>) {
        self.endpoint_groups.extend(other.endpoint_groups);
        self.creates_endpoint |= other.creates_endpoint;
        self.transit_gateways.extend(other.transit_gateways);
        self.security_groups.extend(other.security_groups);
        self.sg_rules.extend(other.sg_rules);
        self.nacl_rules.extend(other.nacl_rules);
        self.auth_rules.extend(other.auth_rules);
        self.routes.extend(other.routes);
        self.associations.extend(other.associations);
        self.nacl_associations.extend(other.nacl_associations);
        self.unresolved.extend(other.unresolved);
        self.unresolved_in.extend(other.unresolved_in);
        self.subnet_facts.extend(other.subnet_facts);
        self.describes_more |= other.describes_more;
        self.complete_inventory |= other.complete_inventory;
        self.host.snippets.extend(other.host.snippets);
        self.host.subnets.extend(other.host.subnets);
        self.host
            .acl_associations
            .extend(other.host.acl_associations);
    }
}

/// IANA protocol number of ICMPv6.
pub const ICMPV6: u8 = 58;

/// How a rule's protocol reads in family `N`'s view: ICMPv6 (58) is that family's ICMP
/// for IPv6, where protocol 1 (ICMP for IPv4) matches no packet.
pub fn family_proto<N: Prefix>(p: Proto) -> Proto {
    match (N::FAMILY, p) {
        (Family::Ipv6, Proto::Other(ICMPV6)) => Proto::Icmp,
        (Family::Ipv6, Proto::Icmp) => Proto::Other(1),
        _ => p,
    }
}

/// A protocol as findings of family `N` name it (`icmpv6` for ICMP in the IPv6 view).
pub fn proto_name<N: Prefix>(p: Proto) -> String {
    match (N::FAMILY, p) {
        (Family::Ipv6, Proto::Icmp) => "icmpv6".to_string(),
        _ => p.to_string(),
    }
}

impl RuleSet<IpNet> {
    /// Family `N`'s view: the rules whose CIDR is of that family, with their protocol as
    /// that family reads it ([`family_proto`]); a security group rule with a group peer
    /// belongs to both views. Everything else is the same.
    pub fn family<N: Prefix>(&self) -> RuleSet<N> {
        let cidr = |c: &IpNet| N::from_ipnet(*c);
        RuleSet {
            endpoint_groups: self.endpoint_groups.clone(),
            creates_endpoint: self.creates_endpoint,
            transit_gateways: self.transit_gateways.clone(),
            security_groups: self.security_groups.clone(),
            sg_rules: self
                .sg_rules
                .iter()
                .filter_map(|r| {
                    let peer = match &r.peer {
                        SgPeer::Group(g) => SgPeer::Group(g.clone()),
                        SgPeer::Cidr(c) => SgPeer::Cidr(cidr(c)?),
                    };
                    Some(SgRule {
                        origin: r.origin.clone(),
                        group: r.group.clone(),
                        direction: r.direction,
                        protocol: family_proto::<N>(r.protocol),
                        span: r.span,
                        peer,
                    })
                })
                .collect(),
            nacl_rules: self
                .nacl_rules
                .iter()
                .filter_map(|r| {
                    Some(NaclRule {
                        origin: r.origin.clone(),
                        acl: r.acl.clone(),
                        egress: r.egress,
                        number: r.number,
                        action: r.action,
                        protocol: family_proto::<N>(r.protocol),
                        span: r.span,
                        cidr: cidr(&r.cidr)?,
                    })
                })
                .collect(),
            auth_rules: self
                .auth_rules
                .iter()
                .filter_map(|r| {
                    Some(AuthRule {
                        origin: r.origin.clone(),
                        cidr: cidr(&r.cidr)?,
                        group: r.group.clone(),
                    })
                })
                .collect(),
            routes: self
                .routes
                .iter()
                .filter_map(|r| {
                    Some(VpnRoute {
                        origin: r.origin.clone(),
                        cidr: cidr(&r.cidr)?,
                        subnet: r.subnet.clone(),
                    })
                })
                .collect(),
            associations: self.associations.clone(),
            nacl_associations: self.nacl_associations.clone(),
            unresolved: self.unresolved.clone(),
            unresolved_in: self.unresolved_in.clone(),
            subnet_facts: self.subnet_facts.clone(),
            describes_more: self.describes_more,
            complete_inventory: self.complete_inventory,
            host: self.host.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ipnet::Ipv6Net;

    fn entry(cidr: &str, protocol: Proto) -> NaclRule {
        NaclRule {
            origin: Origin {
                file: "f".into(),
                resource: cidr.into(),
            },
            acl: Ident::Id("acl-1".into()),
            egress: false,
            number: 100,
            action: Action::Allow,
            protocol,
            span: Span { from: 8, to: 8 },
            cidr: cidr.parse().unwrap_or_else(|_| panic!("{cidr}")),
        }
    }

    /// Each view holds its family's entries; ICMP is protocol 1 for IPv4 and 58 for IPv6,
    /// and the other family's ICMP number matches nothing.
    #[test]
    fn family_views_split_rules_and_read_icmp_per_family() {
        let rs = RuleSet {
            nacl_rules: vec![
                entry("10.0.0.0/24", Proto::Icmp),
                entry("10.0.1.0/24", Proto::Other(ICMPV6)),
                entry("2001:db8::/64", Proto::Other(ICMPV6)),
                entry("2001:db8:1::/64", Proto::Icmp),
            ],
            ..RuleSet::default()
        };
        let v4: Vec<Proto> = rs
            .family::<Ipv4Net>()
            .nacl_rules
            .iter()
            .map(|r| r.protocol)
            .collect();
        assert_eq!(v4, [Proto::Icmp, Proto::Other(ICMPV6)]);
        let v6: Vec<(String, Proto)> = rs
            .family::<Ipv6Net>()
            .nacl_rules
            .iter()
            .map(|r| (r.cidr.to_string(), r.protocol))
            .collect();
        assert_eq!(
            v6,
            [
                ("2001:db8::/64".to_string(), Proto::Icmp),
                ("2001:db8:1::/64".to_string(), Proto::Other(1)),
            ]
        );
    }
}
