//! The validated intent: typed, resolved (names → indexes), ready to plan.
//! Only `validate` builds it, so the planner may rely on every invariant of docs/semantics.md#validation.

pub use super::file::IpAddressType;
use super::file::{Authentication, Egress, Transport};
use crate::net::{Family, PortRange, Prefix};
use ipnet::{Ipv4Net, Ipv6Net};
use serde::Serialize;
use std::fmt;

/// The intent as one address family sees it (`docs/semantics.md`, "IPv6 and dual-stack").
/// `Intent` (IPv4) is the whole intent: every subnet, the endpoint, and the targets that
/// have an IPv4 destination; its `ipv6` holds the IPv6 view when the tunnel carries IPv6:
/// the subnets that have an IPv6 CIDR and the targets that have an IPv6 destination, with
/// indexes of their own. Planner and `verify` run once per view; the sets never mix.
#[derive(Debug, Clone)]
pub struct Intent<N = Ipv4Net> {
    pub name: String,
    pub vpc: Vpc<N>,
    pub endpoint: Endpoint,
    pub subnets: Vec<Subnet<N>>,
    /// Indexes into `subnets`, in the order written.
    pub target_networks: Vec<usize>,
    pub targets: Vec<Target<N>>,
    pub nacl: NaclSettings,
    /// Whether the tunnel carries this family (`endpoint.traffic_ip_address_type`).
    pub carried: bool,
    /// The IPv6 view (in the IPv4 one only), when the tunnel carries IPv6.
    pub ipv6: Option<Box<Intent<Ipv6Net>>>,
}

impl<N: Prefix> Intent<N> {
    pub fn family(&self) -> Family {
        N::FAMILY
    }
}

#[derive(Debug, Clone)]
pub struct Vpc<N = Ipv4Net> {
    pub id: Option<String>,
    /// Primary first, then secondary CIDRs, then those of the further VPCs (`vpcs`,
    /// transit gateway attachment only): every address the intent calls "in a VPC".
    /// The IPv6 view holds the VPC's IPv6 CIDRs.
    pub cidrs: Vec<N>,
}

#[derive(Debug, Clone)]
pub struct Endpoint {
    pub id: Option<String>,
    /// Absent only for IPv6-only tunnel traffic (clients get IPv6 addresses from the
    /// associated subnets).
    pub client_cidr: Option<Ipv4Net>,
    /// How clients reach the endpoint.
    pub ip_address_type: IpAddressType,
    /// Which families the tunnel carries.
    pub traffic_ip_address_type: IpAddressType,
    pub split_tunnel: bool,
    pub authentication: Authentication,
    pub egress: Egress,
    pub transport: Transport,
    pub vpn_port: u16,
    pub dns_servers: Vec<String>,
    pub session_timeout_hours: Option<u32>,
    pub disconnect_on_session_timeout: Option<bool>,
    pub self_service_portal: Option<bool>,
    pub client_login_banner: Option<String>,
    pub client_route_enforcement: Option<bool>,
    pub connection_log: Option<ConnectionLog>,
    pub client_connect_handler: Option<String>,
    pub attachment: Attachment,
}

/// Where the endpoint attaches (`docs/transit-gateway.md`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attachment {
    /// Target network associations: ENIs in the target networks, source NAT.
    Vpc,
    /// A transit gateway attachment: no ENIs in the VPCs, no endpoint security group,
    /// client addresses preserved.
    TransitGateway(TransitGateway),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TransitGateway {
    pub id: String,
    pub availability_zones: Vec<String>,
}

impl Endpoint {
    /// The IPv4 client CIDR. Validation requires one for IPv4 tunnel traffic and for every
    /// transit gateway attachment, so the code of those paths may rely on it; the fallback
    /// (`0.0.0.0/32`, no client's address) could only ever narrow, never widen.
    pub fn ipv4_clients(&self) -> Ipv4Net {
        self.client_cidr.unwrap_or_else(|| {
            Ipv4Net::new(std::net::Ipv4Addr::UNSPECIFIED, 32).unwrap_or_default()
        })
    }

    /// The transit gateway of a transit-gateway-attached endpoint.
    pub fn transit_gateway(&self) -> Option<&TransitGateway> {
        match &self.attachment {
            Attachment::Vpc => None,
            Attachment::TransitGateway(t) => Some(t),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ConnectionLog {
    pub group: String,
    pub stream: Option<String>,
}

/// Which network ACL guards a subnet: a known one (shared by every subnet that names
/// it) or an unknown one, which becomes an input of that subnet alone.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum AclRef {
    Existing(String),
    InputOf(String),
}

#[derive(Debug, Clone)]
pub struct Subnet<N = Ipv4Net> {
    pub name: String,
    pub id: Option<String>,
    /// The subnet's CIDR of this view's family.
    pub cidr: N,
    /// The IPv6 CIDR, in the IPv4 view (the whole intent), when the subnet has one.
    pub ipv6_cidr: Option<Ipv6Net>,
    pub az: Option<String>,
    pub acl: AclRef,
    /// ID of the further VPC (`vpcs`) that holds the subnet; `None`: the VPC of `vpc`.
    pub vpc_id: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Protocol {
    Tcp,
    Udp,
    Icmp,
    /// Every protocol (`-1`).
    All,
}

impl Protocol {
    /// IANA number as AWS writes it (`-1` for all).
    pub fn number(self) -> i32 {
        match self {
            Protocol::Tcp => 6,
            Protocol::Udp => 17,
            Protocol::Icmp => 1,
            Protocol::All => -1,
        }
    }

    pub fn has_ports(self) -> bool {
        matches!(self, Protocol::Tcp | Protocol::Udp)
    }

    /// The lowercase name, as in keys and the intent.
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Tcp => "tcp",
            Protocol::Udp => "udp",
            Protocol::Icmp => "icmp",
            Protocol::All => "all",
        }
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One protocol/port-range a target serves, with the label the user wrote.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Service {
    pub protocol: Protocol,
    /// For tcp/udp the destination ports; for icmp and all, `PortRange::ALL` (unused).
    pub ports: PortRange,
    pub label: String,
    canonical: String,
}

impl Service {
    pub fn new(label: &str, protocol: Protocol, ports: PortRange) -> Self {
        let canonical = if protocol.has_ports() {
            format!("{protocol}/{ports}")
        } else {
            protocol.to_string()
        };
        Service {
            protocol,
            ports,
            label: label.to_string(),
            canonical,
        }
    }

    /// `tcp/22`, `udp/1000-2000`, `icmp`, `all`: the canonical spelling.
    pub fn canonical(&self) -> &str {
        &self.canonical
    }
}

#[derive(Debug, Clone)]
pub enum Destination<N = Ipv4Net> {
    /// In the VPC: the subnet index and the CIDRs reached (`hosts`, or the subnet CIDR).
    Subnet { subnet: usize, cidrs: Vec<N> },
    /// Outside every VPC CIDR.
    Outside { cidr: N },
}

#[derive(Debug, Clone)]
pub struct Target<N = Ipv4Net> {
    pub name: String,
    /// Index in the intent's `targets` (the same in every family's view).
    pub position: usize,
    pub destination: Destination<N>,
    pub services: Vec<Service>,
    /// Empty = all users.
    pub groups: Vec<String>,
    pub security_group: Option<String>,
}

impl<N: Prefix> Target<N> {
    pub fn cidrs(&self) -> Vec<N> {
        match &self.destination {
            Destination::Subnet { cidrs, .. } => cidrs.clone(),
            Destination::Outside { cidr } => vec![*cidr],
        }
    }

    pub fn subnet(&self) -> Option<usize> {
        match self.destination {
            Destination::Subnet { subnet, .. } => Some(subnet),
            Destination::Outside { .. } => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct NaclSettings {
    pub rule_start: u32,
    pub rule_step: u32,
    pub ephemeral: PortRange,
    pub quota: u32,
}
