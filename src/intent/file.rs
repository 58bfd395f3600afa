//! The intent file exactly as written (schema version 1): serde types with
//! `deny_unknown_fields`. Values whose syntax we check ourselves (CIDRs, ports)
//! stay strings here so that `validate` can report every problem at once, with
//! its position, instead of serde stopping at the first.

use serde::{Deserialize, Deserializer};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IntentFile {
    /// Schema version of the intent file; only `1` exists.
    pub version: u32,
    /// Prefix of resource names and tags: `[a-z][a-z0-9-]{0,39}`.
    pub name: String,
    pub vpc: VpcFile,
    pub endpoint: EndpointFile,
    /// Every subnet the intent mentions, declared once, by name.
    pub subnets: BTreeMap<String, SubnetFile>,
    /// Subnets associated with the endpoint (where its ENIs live), at most one per AZ.
    pub target_networks: Vec<String>,
    pub targets: Vec<TargetFile>,
    #[serde(default)]
    pub nacl: NaclFile,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VpcFile {
    /// Existing VPC ID; absent → an input (Terraform variable / CloudFormation parameter).
    pub id: Option<String>,
    pub cidr: String,
    #[serde(default)]
    pub secondary_cidrs: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Authentication {
    Certificate,
    ActiveDirectory,
    Saml,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Egress {
    /// One explicit all-traffic egress rule to 0.0.0.0/0.
    #[default]
    All,
    /// Exactly the target ports to each destination, nothing else.
    Strict,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Transport {
    #[default]
    Udp,
    Tcp,
}

fn default_true() -> bool {
    true
}

fn default_vpn_port() -> u32 {
    443
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EndpointFile {
    /// Existing endpoint ID; present → the endpoint is not created.
    pub id: Option<String>,
    pub client_cidr: String,
    #[serde(default = "default_true")]
    pub split_tunnel: bool,
    pub authentication: Authentication,
    #[serde(default)]
    pub egress: Egress,
    #[serde(default)]
    pub transport: Transport,
    #[serde(default = "default_vpn_port")]
    pub vpn_port: u32,
    #[serde(default)]
    pub dns_servers: Vec<String>,
    pub session_timeout_hours: Option<u32>,
    pub disconnect_on_session_timeout: Option<bool>,
    pub self_service_portal: Option<bool>,
    pub client_login_banner: Option<String>,
    pub client_route_enforcement: Option<bool>,
    pub connection_log: Option<ConnectionLogFile>,
    pub client_connect_handler: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConnectionLogFile {
    pub group: String,
    pub stream: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubnetFile {
    /// Existing subnet ID; absent → an input.
    pub id: Option<String>,
    pub cidr: String,
    /// Required for subnets used as target networks.
    pub az: Option<String>,
    /// Existing network ACL ID; absent → an input. Several subnets may share one ACL.
    pub network_acl: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetFile {
    pub name: String,
    /// A destination inside the VPC: the name of a declared subnet.
    pub subnet: Option<String>,
    /// A destination outside the VPC (peering, TGW, VPN, internet).
    pub cidr: Option<String>,
    /// Narrower CIDRs inside `subnet`.
    #[serde(default)]
    pub hosts: Vec<String>,
    pub ports: Vec<PortItem>,
    /// User groups allowed; empty = all users.
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

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NaclFile {
    #[serde(default = "default_rule_start")]
    pub rule_start: u32,
    #[serde(default = "default_rule_step")]
    pub rule_step: u32,
    #[serde(default = "default_ephemeral")]
    pub ephemeral_ports: String,
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
