//! The intent file exactly as written (schema version 1): serde types with
//! `deny_unknown_fields`. Values whose syntax we check ourselves (CIDRs, ports)
//! stay strings here so that `validate` can report every problem at once, with
//! its position, instead of serde stopping at the first.
//!
//! `shibori schema` derives the JSON Schema from these same types, so the schema
//! cannot drift from the parser: the doc comments below are its descriptions.

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Deserializer, Serialize};
use std::borrow::Cow;
use std::collections::BTreeMap;

/// A shibori intent: the remote access an AWS Client VPN endpoint must give, from which
/// shibori derives the least-privilege security groups, network ACL entries,
/// authorization rules and routes.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IntentFile {
    /// Schema version of the intent file; only `1` exists.
    pub version: u32,
    /// Prefix of resource names and tags: `[a-z][a-z0-9-]{0,39}`.
    pub name: String,
    /// The VPC the endpoint is associated with (with `endpoint.attachment: transit-gateway`:
    /// the first VPC whose subnets hold targets).
    pub vpc: VpcFile,
    /// Further VPCs whose subnets hold targets, reached through the transit gateway
    /// (`endpoint.attachment: transit-gateway` only). A subnet belongs to the VPC whose
    /// CIDR contains it.
    #[serde(default)]
    pub vpcs: Vec<VpcFile>,
    /// The Client VPN endpoint.
    pub endpoint: EndpointFile,
    /// Every subnet the intent mentions, declared once, by name.
    #[serde(deserialize_with = "unique_subnets")]
    #[schemars(with = "BTreeMap<String, SubnetFile>")]
    pub subnets: BTreeMap<String, SubnetFile>,
    /// Subnets associated with the endpoint (where its ENIs live): 1 to 5 names from
    /// `subnets`, at most one per Availability Zone, each /27 or larger. None with
    /// `endpoint.attachment: transit-gateway`.
    #[serde(default)]
    pub target_networks: Vec<String>,
    /// What the users may reach: at least one target.
    pub targets: Vec<TargetFile>,
    /// How network ACL entries are numbered and bounded.
    #[serde(default)]
    pub nacl: NaclFile,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VpcFile {
    /// Existing VPC ID (`vpc-…`); absent → an input (Terraform variable / CloudFormation
    /// parameter).
    pub id: Option<String>,
    /// Primary IPv4 CIDR of the VPC, e.g. `192.168.0.0/16`.
    pub cidr: String,
    /// Additional IPv4 CIDRs of the VPC.
    #[serde(default)]
    pub secondary_cidrs: Vec<String>,
    /// IPv6 CIDRs of the VPC, for IPv6 or dual-stack tunnel traffic.
    #[serde(default)]
    pub ipv6_cidrs: Vec<String>,
}

/// How users authenticate to the endpoint. User groups need `active-directory` or `saml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Authentication {
    /// Mutual TLS with client certificates (ACM).
    Certificate,
    /// AWS Directory Service.
    ActiveDirectory,
    /// SAML 2.0 federation (IAM SAML provider).
    Saml,
}

/// Egress rules of the endpoint security group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Egress {
    /// One explicit all-traffic egress rule to 0.0.0.0/0.
    #[default]
    All,
    /// Exactly the target ports to each destination, nothing else.
    Strict,
}

/// Transport protocol of the VPN tunnel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Transport {
    #[default]
    Udp,
    Tcp,
}

/// Where the endpoint attaches: to subnets of a VPC (target network associations) or to
/// a transit gateway.
/// `ipv4` (default), `ipv6` or `dual-stack`: how clients reach the endpoint, and which
/// families the tunnel carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum IpAddressType {
    #[default]
    Ipv4,
    Ipv6,
    DualStack,
}

impl IpAddressType {
    pub fn as_str(self) -> &'static str {
        match self {
            IpAddressType::Ipv4 => "ipv4",
            IpAddressType::Ipv6 => "ipv6",
            IpAddressType::DualStack => "dual-stack",
        }
    }

    pub fn has_ipv4(self) -> bool {
        self != IpAddressType::Ipv6
    }

    pub fn has_ipv6(self) -> bool {
        self != IpAddressType::Ipv4
    }

    pub fn has(self, family: crate::net::Family) -> bool {
        match family {
            crate::net::Family::Ipv4 => self.has_ipv4(),
            crate::net::Family::Ipv6 => self.has_ipv6(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Attachment {
    /// Target network associations in `target_networks`; the endpoint NATs clients to
    /// its ENIs' addresses.
    #[default]
    Vpc,
    /// A Client VPN attachment of `endpoint.transit_gateway`: no target networks, no
    /// endpoint security group, client addresses preserved (no source NAT).
    TransitGateway,
}

/// The transit gateway a `transit-gateway` endpoint attaches to.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TransitGatewayFile {
    /// Transit gateway ID (`tgw-…`).
    pub id: String,
    /// Availability Zones the endpoint is present in: 1 to 5 names, e.g. `ap-northeast-1a`.
    pub availability_zones: Vec<String>,
}

fn default_true() -> bool {
    true
}

fn default_vpn_port() -> u32 {
    443
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EndpointFile {
    /// Existing endpoint ID (`cvpn-endpoint-…`); present → the endpoint is not created.
    pub id: Option<String>,
    /// IPv4 CIDR that client addresses come from, /12 to /22; must not overlap the VPC,
    /// its subnets or any target. Required for `ipv4` and `dual-stack` traffic, absent for
    /// `ipv6` traffic (IPv6 clients get addresses from the associated subnets).
    pub client_cidr: Option<String>,
    /// How clients reach the endpoint: `ipv4` (default), `ipv6` or `dual-stack`.
    #[serde(default)]
    pub ip_address_type: IpAddressType,
    /// Which families the tunnel carries: `ipv4` (default), `ipv6` or `dual-stack`.
    /// IPv6 traffic needs target networks with `ipv6_cidr`.
    #[serde(default)]
    pub traffic_ip_address_type: IpAddressType,
    /// `vpc` (default): associated with `target_networks`; `transit-gateway`: attached to
    /// `transit_gateway`.
    #[serde(default)]
    pub attachment: Attachment,
    /// The transit gateway of a `transit-gateway` endpoint.
    pub transit_gateway: Option<TransitGatewayFile>,
    /// Send only the targets' traffic through the tunnel (`false`: everything).
    #[serde(default = "default_true")]
    pub split_tunnel: bool,
    pub authentication: Authentication,
    #[serde(default)]
    pub egress: Egress,
    #[serde(default)]
    pub transport: Transport,
    /// VPN port: 443 or 1194.
    #[serde(default = "default_vpn_port")]
    pub vpn_port: u32,
    /// Up to 2 DNS server addresses pushed to clients.
    #[serde(default)]
    pub dns_servers: Vec<String>,
    /// Maximum VPN session duration: 8, 10, 12 or 24 hours (AWS default 24).
    pub session_timeout_hours: Option<u32>,
    /// Disconnect users when their session times out.
    pub disconnect_on_session_timeout: Option<bool>,
    /// Self-service portal for downloading the client configuration (SAML only).
    pub self_service_portal: Option<bool>,
    /// Text shown by the AWS client at login, up to 1400 characters.
    pub client_login_banner: Option<String>,
    /// Keep clients from overriding the routes the endpoint pushes.
    pub client_route_enforcement: Option<bool>,
    /// CloudWatch Logs destination for connection logging; absent → logging off.
    pub connection_log: Option<ConnectionLogFile>,
    /// ARN of the client connect handler Lambda; its name must start with `AWSClientVPN-`.
    pub client_connect_handler: Option<String>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConnectionLogFile {
    /// CloudWatch Logs log group name.
    pub group: String,
    /// Log stream name within the group.
    pub stream: Option<String>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SubnetFile {
    /// Existing subnet ID (`subnet-…`); absent → an input.
    pub id: Option<String>,
    /// IPv4 CIDR of the subnet, inside a VPC CIDR.
    pub cidr: String,
    /// IPv6 CIDR of the subnet, inside one of `vpc.ipv6_cidrs`.
    pub ipv6_cidr: Option<String>,
    /// Availability Zone; required for subnets used as target networks.
    pub az: Option<String>,
    /// Existing network ACL ID (`acl-…`); absent → an input. Several subnets may share one ACL.
    pub network_acl: Option<String>,
}

/// One destination and the ports users may reach on it. Exactly one of `subnet` and
/// `cidr`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TargetFile {
    /// Unique name, `[a-z][a-z0-9-]{0,39}`; becomes part of resource names.
    pub name: String,
    /// A destination inside the VPC: the name of a declared subnet.
    pub subnet: Option<String>,
    /// A destination outside the VPC (peering, TGW, VPN, internet), e.g. `10.50.0.0/24` or
    /// `0.0.0.0/0`.
    pub cidr: Option<String>,
    /// Narrower CIDRs inside `subnet`, e.g. `192.168.1.63/32`.
    #[serde(default)]
    pub hosts: Vec<String>,
    /// At least one port.
    pub ports: Vec<PortItem>,
    /// User groups allowed (Active Directory group SIDs or SAML group names); empty = all users.
    #[serde(default)]
    pub groups: Vec<String>,
    /// Existing security group to add the rules to instead of creating one.
    pub security_group: Option<String>,
}

/// A port entry as written: `ssh`, `tcp/22`, `udp/1000-2000`, `icmp`, `all`, or a bare
/// number (TCP, like the well-known names).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortItem(pub String);

impl<'de> Deserialize<'de> for PortItem {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = PortItem;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a port such as `ssh`, `tcp/22`, `udp/1000-2000`, `icmp` or `all`")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<PortItem, E> {
                Ok(PortItem(v.to_string()))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<PortItem, E> {
                Ok(PortItem(v.to_string()))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<PortItem, E> {
                Ok(PortItem(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

/// Written by hand because the deserializer above is: it takes a string or an integer.
/// The schema stays as permissive as the parser (ranges and names are checked by
/// `validate`, which can point at the entry); descriptions carry the syntax.
impl JsonSchema for PortItem {
    fn schema_name() -> Cow<'static, str> {
        "Port".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A port: `tcp/22`, `tcp/8000-8080`, `udp/53`, `udp/1000-2000`, `icmp` (echo), `all` (every protocol, always warned about), a well-known name (`ssh`, `rdp`, `http`, `https`, `postgres`, `mysql`, `mssql`, `redis`: TCP; `dns`: udp/53 + tcp/53), or a bare TCP port number 0-65535.",
            "anyOf": [
                {
                    "type": "string",
                    "examples": ["ssh", "tcp/22", "tcp/8000-8080", "udp/53", "icmp", "all"]
                },
                { "type": "integer" }
            ]
        })
    }
}

fn default_rule_start() -> u32 {
    100
}
fn default_rule_step() -> u32 {
    10
}
fn default_ephemeral() -> String {
    "1024-65535".to_string()
}
fn default_quota() -> u32 {
    20
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NaclFile {
    /// First rule number the plan may use in each ACL and direction.
    #[serde(default = "default_rule_start")]
    pub rule_start: u32,
    /// Distance between consecutive rule numbers.
    #[serde(default = "default_rule_step")]
    pub rule_step: u32,
    /// Port range that replies come back on (AWS guidance for NAT-ed sources: `1024-65535`).
    #[serde(default = "default_ephemeral")]
    pub ephemeral_ports: String,
    /// Entries per ACL per direction, counting the default deny (AWS default 20, max 40).
    #[serde(default = "default_quota")]
    pub quota: u32,
}

impl Default for NaclFile {
    fn default() -> Self {
        NaclFile {
            rule_start: default_rule_start(),
            rule_step: default_rule_step(),
            ephemeral_ports: default_ephemeral(),
            quota: default_quota(),
        }
    }
}

/// A map that refuses a key written twice: a map type keeps the last value silently,
/// and two `vpn-a:` entries are a mistake, not an override.
fn unique_subnets<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<BTreeMap<String, SubnetFile>, D::Error> {
    struct Unique;
    impl<'de> serde::de::Visitor<'de> for Unique {
        type Value = BTreeMap<String, SubnetFile>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a mapping of subnet names to subnets")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut map: A,
        ) -> Result<Self::Value, A::Error> {
            let mut out = BTreeMap::new();
            while let Some(key) = map.next_key::<String>()? {
                if out.contains_key(&key) {
                    return Err(serde::de::Error::custom(format!(
                        "duplicate subnet `{key}`"
                    )));
                }
                let value = map.next_value::<SubnetFile>()?;
                out.insert(key, value);
            }
            Ok(out)
        }
    }
    d.deserialize_map(Unique)
}
