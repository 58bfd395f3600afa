//! What `verify` reads back from an artifact: its own rule types, deliberately unrelated
//! to the planner's, so that a planner bug cannot be inherited by the proof.

use ipnet::Ipv4Net;
use serde::Serialize;
use std::fmt;

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

/// IP protocol as the rule states it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Proto {
    Tcp,
    Udp,
    Icmp,
    All,
    /// Any other IANA number: matches none of the intent's services.
    Other(u8),
}

impl Proto {
    /// `6`, `tcp`, `-1`, `all`, … as AWS and Terraform accept them.
    pub fn parse(text: &str) -> Option<Proto> {
        match text.trim().to_ascii_lowercase().as_str() {
            "6" | "tcp" => Some(Proto::Tcp),
            "17" | "udp" => Some(Proto::Udp),
            "1" | "icmp" => Some(Proto::Icmp),
            "-1" | "all" => Some(Proto::All),
            other => other.parse::<u8>().ok().map(Proto::Other),
        }
    }

    /// Does a rule of this protocol match packets of `packet`?
    pub fn matches(self, packet: Proto) -> bool {
        self == Proto::All || self == packet
    }
}

impl fmt::Display for Proto {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Proto::Tcp => f.write_str("tcp"),
            Proto::Udp => f.write_str("udp"),
            Proto::Icmp => f.write_str("icmp"),
            Proto::All => f.write_str("all"),
            Proto::Other(n) => write!(f, "protocol {n}"),
        }
    }
}

/// The "ports" a rule covers on one axis: TCP/UDP ports, or ICMP types (0–255).
/// `None` bounds mean "all" (AWS's -1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Span {
    pub from: u16,
    pub to: u16,
}

impl Span {
    pub const ALL_PORTS: Span = Span { from: 0, to: 65535 };
    pub const ALL_ICMP: Span = Span { from: 0, to: 255 };
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.from == self.to {
            write!(f, "{}", self.from)
        } else {
            write!(f, "{}-{}", self.from, self.to)
        }
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

/// The other side of a security group rule.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SgPeer {
    Group(Ident),
    Cidr(Ipv4Net),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SgRule {
    pub origin: Origin,
    pub group: Ident,
    pub direction: Direction,
    pub protocol: Proto,
    /// Ports for tcp/udp, types for icmp; all for `All`.
    pub span: Span,
    pub peer: SgPeer,
}

/// A security group the artifact creates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SgDecl {
    pub origin: Origin,
    pub ident: Ident,
    /// `GroupName` / `name`, when it is a literal.
    pub name: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Allow,
    Deny,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NaclRule {
    pub origin: Origin,
    pub acl: Ident,
    pub egress: bool,
    pub number: u32,
    pub action: Action,
    pub protocol: Proto,
    /// Ports for tcp/udp, the ICMP type for icmp, everything for `All`.
    pub span: Span,
    pub cidr: Ipv4Net,
}

impl NaclRule {
    pub fn direction(&self) -> Direction {
        if self.egress {
            Direction::Egress
        } else {
            Direction::Ingress
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuthRule {
    pub origin: Origin,
    pub cidr: Ipv4Net,
    /// Access group ID; `None` = all users.
    pub group: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VpnRoute {
    pub origin: Origin,
    pub cidr: Ipv4Net,
    pub subnet: Ident,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Association {
    pub origin: Origin,
    pub subnet: Ident,
}

/// A reference or value the reader could not resolve: a finding, never a guess.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unresolved {
    pub origin: Origin,
    pub message: String,
}

/// Everything one artifact says about the network path.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RuleSet {
    /// Security groups named by the Client VPN endpoint(s) the artifact creates.
    pub endpoint_groups: Vec<Ident>,
    /// Whether the artifact creates an endpoint at all (absent: an existing endpoint).
    pub creates_endpoint: bool,
    pub security_groups: Vec<SgDecl>,
    pub sg_rules: Vec<SgRule>,
    pub nacl_rules: Vec<NaclRule>,
    pub auth_rules: Vec<AuthRule>,
    pub routes: Vec<VpnRoute>,
    pub associations: Vec<Association>,
    pub unresolved: Vec<Unresolved>,
}

impl RuleSet {
    pub fn extend(&mut self, other: RuleSet) {
        self.endpoint_groups.extend(other.endpoint_groups);
        self.creates_endpoint |= other.creates_endpoint;
        self.security_groups.extend(other.security_groups);
        self.sg_rules.extend(other.sg_rules);
        self.nacl_rules.extend(other.nacl_rules);
        self.auth_rules.extend(other.auth_rules);
        self.routes.extend(other.routes);
        self.associations.extend(other.associations);
        self.unresolved.extend(other.unresolved);
    }
}
