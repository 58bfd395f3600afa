//! An AWS snapshot: a directory of the JSON the AWS CLI prints for the nine describe
//! commands of `docs/audit.md`. Files are recognised by their top-level key, not their
//! name; pages of one command (several files, or `--no-paginate` off) are merged and
//! duplicates (by ID) dropped. What AWS returns that shibori never writes is read like any
//! rule: deny entries, `0.0.0.0/0`, inline SG rules, the VPC default group. Only the `*`
//! entry of each ACL (the default deny, see `docs/audit.md`) and the endpoint's local
//! routes (added by AWS on association) are left out: evaluation implies both.

use super::artifact::Artifact;
use super::ReadError;
use crate::aws::nacl::DEFAULT_ENTRY_NUMBER;
use crate::verify::model::{
    Action, Association, AuthRule, Direction, Ident, NaclRule, Origin, Proto, RuleSet, SgDecl,
    SgPeer, SgRule, Span, SubnetFact, Unresolved, VpnRoute, ICMPV6,
};
use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use serde::Deserialize;
use serde_json::Value as Json;
use std::collections::BTreeSet;

/// The top-level keys of the nine describe commands, with the command that prints each.
pub const COMMANDS: &[(&str, &str, &str)] = &[
    (
        "ClientVpnEndpoints",
        "ec2 describe-client-vpn-endpoints --client-vpn-endpoint-ids {ID}",
        "client-vpn-endpoints.json",
    ),
    (
        "ClientVpnTargetNetworks",
        "ec2 describe-client-vpn-target-networks --client-vpn-endpoint-id {ID}",
        "client-vpn-target-networks.json",
    ),
    (
        "AuthorizationRules",
        "ec2 describe-client-vpn-authorization-rules --client-vpn-endpoint-id {ID}",
        "client-vpn-authorization-rules.json",
    ),
    (
        "Routes",
        "ec2 describe-client-vpn-routes --client-vpn-endpoint-id {ID}",
        "client-vpn-routes.json",
    ),
    (
        "SecurityGroups",
        "ec2 describe-security-groups --filters Name=vpc-id,Values={VPC}",
        "security-groups.json",
    ),
    (
        "SecurityGroupRules",
        "ec2 describe-security-group-rules --filters Name=group-id,Values={GROUPS}",
        "security-group-rules.json",
    ),
    (
        "NetworkAcls",
        "ec2 describe-network-acls --filters Name=vpc-id,Values={VPC}",
        "network-acls.json",
    ),
    (
        "Subnets",
        "ec2 describe-subnets --filters Name=vpc-id,Values={VPC}",
        "subnets.json",
    ),
    ("Vpcs", "ec2 describe-vpcs --vpc-ids {VPC}", "vpcs.json"),
];

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Endpoint {
    pub client_vpn_endpoint_id: String,
    #[serde(default)]
    pub client_cidr_block: Option<String>,
    #[serde(default)]
    pub split_tunnel: Option<bool>,
    #[serde(default)]
    pub vpc_id: Option<String>,
    #[serde(default)]
    pub security_group_ids: Vec<String>,
    #[serde(default)]
    pub dns_servers: Vec<String>,
    #[serde(default)]
    pub vpn_port: Option<u16>,
    #[serde(default)]
    pub transport_protocol: Option<String>,
    #[serde(default)]
    pub authentication_options: Vec<AuthOption>,
    #[serde(default)]
    pub session_timeout_hours: Option<u8>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub endpoint_ip_address_type: Option<String>,
    #[serde(default)]
    pub traffic_ip_address_type: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AuthOption {
    #[serde(rename = "Type", default)]
    pub kind: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TargetNetwork {
    #[serde(default)]
    pub association_id: String,
    pub client_vpn_endpoint_id: String,
    pub target_network_id: String,
    #[serde(default)]
    pub status: Option<Status>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Status {
    #[serde(default)]
    pub code: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Authorization {
    pub client_vpn_endpoint_id: String,
    #[serde(default)]
    pub group_id: Option<String>,
    #[serde(default)]
    pub access_all: Option<bool>,
    pub destination_cidr: String,
    #[serde(default)]
    pub status: Option<Status>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Route {
    pub client_vpn_endpoint_id: String,
    pub destination_cidr: String,
    pub target_subnet: String,
    #[serde(rename = "Type", default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub origin: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SecurityGroup {
    pub group_id: String,
    #[serde(default)]
    pub group_name: Option<String>,
    #[serde(default)]
    pub owner_id: Option<String>,
    #[serde(default)]
    pub vpc_id: Option<String>,
    #[serde(default)]
    pub ip_permissions: Vec<Permission>,
    #[serde(default)]
    pub ip_permissions_egress: Vec<Permission>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Permission {
    pub ip_protocol: String,
    #[serde(default)]
    pub from_port: Option<i64>,
    #[serde(default)]
    pub to_port: Option<i64>,
    #[serde(default)]
    pub ip_ranges: Vec<IpRange>,
    #[serde(default)]
    pub ipv6_ranges: Vec<Ipv6Range>,
    #[serde(default)]
    pub prefix_list_ids: Vec<PrefixList>,
    #[serde(default)]
    pub user_id_group_pairs: Vec<GroupPair>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct IpRange {
    pub cidr_ip: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Ipv6Range {
    pub cidr_ipv6: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PrefixList {
    #[serde(default)]
    pub prefix_list_id: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GroupPair {
    #[serde(default)]
    pub group_id: Option<String>,
    #[serde(default)]
    pub user_id: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SecurityGroupRule {
    pub security_group_rule_id: String,
    pub group_id: String,
    #[serde(default)]
    pub group_owner_id: Option<String>,
    pub is_egress: bool,
    pub ip_protocol: String,
    #[serde(default)]
    pub from_port: Option<i64>,
    #[serde(default)]
    pub to_port: Option<i64>,
    #[serde(default)]
    pub cidr_ipv4: Option<String>,
    #[serde(default)]
    pub cidr_ipv6: Option<String>,
    #[serde(default)]
    pub prefix_list_id: Option<String>,
    #[serde(default)]
    pub referenced_group_info: Option<GroupPair>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct NetworkAcl {
    pub network_acl_id: String,
    #[serde(default)]
    pub vpc_id: Option<String>,
    #[serde(default)]
    pub is_default: bool,
    #[serde(default)]
    pub associations: Vec<AclAssociation>,
    #[serde(default)]
    pub entries: Vec<AclEntry>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AclAssociation {
    pub subnet_id: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AclEntry {
    pub rule_number: i64,
    pub protocol: String,
    pub rule_action: String,
    pub egress: bool,
    #[serde(default)]
    pub cidr_block: Option<String>,
    #[serde(default)]
    pub ipv6_cidr_block: Option<String>,
    #[serde(default)]
    pub port_range: Option<PortRange>,
    #[serde(default)]
    pub icmp_type_code: Option<IcmpTypeCode>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PortRange {
    #[serde(default)]
    pub from: Option<i64>,
    #[serde(default)]
    pub to: Option<i64>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct IcmpTypeCode {
    #[serde(rename = "Type", default)]
    pub kind: Option<i64>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Subnet {
    pub subnet_id: String,
    pub cidr_block: String,
    #[serde(default)]
    pub vpc_id: Option<String>,
    #[serde(default)]
    pub availability_zone: Option<String>,
    #[serde(default)]
    pub tags: Vec<Tag>,
    #[serde(default)]
    pub ipv6_cidr_block_association_set: Vec<Ipv6Cidr>,
}

/// An IPv6 CIDR association of a VPC or a subnet.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Ipv6Cidr {
    pub ipv6_cidr_block: String,
    #[serde(default)]
    pub ipv6_cidr_block_state: Option<VpcCidrState>,
}

impl Ipv6Cidr {
    /// The CIDR, when it parses and its association is live.
    pub fn live(&self) -> Option<ipnet::Ipv6Net> {
        let live = self
            .ipv6_cidr_block_state
            .as_ref()
            .is_none_or(|s| s.state == "associated");
        live.then(|| self.ipv6_cidr_block.trim().parse::<ipnet::Ipv6Net>().ok())
            .flatten()
            .map(|n| n.trunc())
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Tag {
    pub key: String,
    pub value: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Vpc {
    pub vpc_id: String,
    pub cidr_block: String,
    #[serde(default)]
    pub cidr_block_association_set: Vec<VpcCidr>,
    #[serde(default)]
    pub ipv6_cidr_block_association_set: Vec<Ipv6Cidr>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct VpcCidr {
    pub cidr_block: String,
    #[serde(default)]
    pub cidr_block_state: Option<VpcCidrState>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct VpcCidrState {
    #[serde(default)]
    pub state: String,
}

/// Every page of every describe command, merged. Each item remembers its file.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub endpoints: Vec<(String, Endpoint)>,
    pub target_networks: Vec<(String, TargetNetwork)>,
    pub authorization_rules: Vec<(String, Authorization)>,
    pub routes: Vec<(String, Route)>,
    pub security_groups: Vec<(String, SecurityGroup)>,
    pub security_group_rules: Vec<(String, SecurityGroupRule)>,
    pub network_acls: Vec<(String, NetworkAcl)>,
    pub subnets: Vec<(String, Subnet)>,
    pub vpcs: Vec<(String, Vpc)>,
    /// Which of the nine commands the snapshot holds output of (by top-level key).
    pub present: BTreeSet<&'static str>,
}

/// Does this JSON look like the output of one of the nine describe commands?
pub fn is_describe_output(doc: &Json) -> bool {
    doc.as_object()
        .is_some_and(|o| COMMANDS.iter().any(|(k, _, _)| o.contains_key(*k)))
}

/// Whether the artifact's JSON files are a snapshot: one of them opens with the top-level
/// key of a describe command, as the AWS CLI prints it. Textual, so that templates are not
/// parsed twice; `parse` reads the files properly.
pub fn looks_like_snapshot(artifact: &Artifact) -> bool {
    artifact.files.iter().any(|(p, text)| {
        let head = text.trim_start().strip_prefix('{').map(str::trim_start);
        p.to_string_lossy().ends_with(".json")
            && head.is_some_and(|h| {
                COMMANDS
                    .iter()
                    .any(|(k, _, _)| h.starts_with(&format!("\"{k}\"")))
            })
    })
}

fn items<T: for<'de> Deserialize<'de>>(
    doc: &Json,
    key: &str,
    file: &str,
    out: &mut Vec<(String, T)>,
) -> Result<(), ReadError> {
    let Some(list) = doc.get(key) else {
        return Ok(());
    };
    let list = list.as_array().ok_or_else(|| ReadError::Format {
        path: file.to_string(),
        message: format!("`{key}` is not a list"),
    })?;
    for (i, item) in list.iter().enumerate() {
        let v = T::deserialize(item).map_err(|e| ReadError::Format {
            path: file.to_string(),
            message: format!("{key}[{i}]: {e}"),
        })?;
        out.push((file.to_string(), v));
    }
    Ok(())
}

/// Parses every describe output among the artifact's files; other files are ignored.
pub fn parse(artifact: &Artifact) -> Result<Snapshot, ReadError> {
    let mut s = Snapshot::default();
    for (path, text) in &artifact.files {
        if !path.to_string_lossy().ends_with(".json") {
            continue;
        }
        let file = path.display().to_string();
        let Ok(doc) = serde_json::from_str::<Json>(text) else {
            continue;
        };
        if !is_describe_output(&doc) {
            continue;
        }
        for (key, _, _) in COMMANDS {
            if doc.get(*key).is_some() {
                s.present.insert(key);
            }
        }
        items(&doc, "ClientVpnEndpoints", &file, &mut s.endpoints)?;
        items(
            &doc,
            "ClientVpnTargetNetworks",
            &file,
            &mut s.target_networks,
        )?;
        items(
            &doc,
            "AuthorizationRules",
            &file,
            &mut s.authorization_rules,
        )?;
        items(&doc, "Routes", &file, &mut s.routes)?;
        items(&doc, "SecurityGroups", &file, &mut s.security_groups)?;
        items(
            &doc,
            "SecurityGroupRules",
            &file,
            &mut s.security_group_rules,
        )?;
        items(&doc, "NetworkAcls", &file, &mut s.network_acls)?;
        items(&doc, "Subnets", &file, &mut s.subnets)?;
        items(&doc, "Vpcs", &file, &mut s.vpcs)?;
    }
    // Pages may overlap (a retried page, the same command saved twice): one item per ID.
    dedup(&mut s.endpoints, |e| e.client_vpn_endpoint_id.clone());
    dedup(&mut s.target_networks, |t| {
        format!("{}/{}", t.client_vpn_endpoint_id, t.target_network_id)
    });
    dedup(&mut s.authorization_rules, |a| {
        format!(
            "{}/{}/{:?}/{:?}",
            a.client_vpn_endpoint_id, a.destination_cidr, a.group_id, a.access_all
        )
    });
    dedup(&mut s.routes, |r| {
        format!(
            "{}/{}/{}",
            r.client_vpn_endpoint_id, r.destination_cidr, r.target_subnet
        )
    });
    dedup(&mut s.security_groups, |g| g.group_id.clone());
    dedup(&mut s.security_group_rules, |r| {
        r.security_group_rule_id.clone()
    });
    dedup(&mut s.network_acls, |a| a.network_acl_id.clone());
    dedup(&mut s.subnets, |x| x.subnet_id.clone());
    dedup(&mut s.vpcs, |v| v.vpc_id.clone());
    Ok(s)
}

fn dedup<T>(v: &mut Vec<(String, T)>, key: impl Fn(&T) -> String) {
    let mut seen = BTreeSet::new();
    v.retain(|(_, x)| seen.insert(key(x)));
}

impl Snapshot {
    /// The endpoint to prove: `id` when given, else the only one.
    pub fn endpoint(&self, id: Option<&str>, label: &str) -> Result<&Endpoint, ReadError> {
        let fail = |message: String| ReadError::Format {
            path: label.to_string(),
            message,
        };
        match id {
            Some(id) => self
                .endpoints
                .iter()
                .map(|(_, e)| e)
                .find(|e| e.client_vpn_endpoint_id == id)
                .ok_or_else(|| {
                    fail(format!(
                        "the snapshot has no endpoint {id} (run the commands of `shibori snapshot-commands --endpoint {id}`)"
                    ))
                }),
            None => match self.endpoints.as_slice() {
                [(_, one)] => Ok(one),
                [] => Err(fail(
                    "the snapshot has no `describe-client-vpn-endpoints` output".into(),
                )),
                many => Err(fail(format!(
                    "the snapshot holds {} endpoints ({}): give the intent's `endpoint.id`",
                    many.len(),
                    many.iter()
                        .map(|(_, e)| e.client_vpn_endpoint_id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ))),
            },
        }
    }
}

/// Reads a snapshot directory into a rule set for the endpoint `id` (or the only one).
pub fn read(artifact: &Artifact, id: Option<&str>) -> Result<RuleSet, ReadError> {
    let snap = parse(artifact)?;
    to_rules(&snap, id, &artifact.label)
}

fn origin(file: &str, resource: String) -> Origin {
    Origin {
        file: file.to_string(),
        resource,
    }
}

fn cidr(text: &str) -> Result<Ipv4Net, String> {
    let net: Ipv4Net = text
        .trim()
        .parse()
        .map_err(|_| format!("`{text}` is not an IPv4 CIDR"))?;
    Ok(net.trunc())
}

/// A CIDR of either family: authorization rules, routes and rule peers take both.
fn ip_cidr(text: &str) -> Result<IpNet, String> {
    if text.contains(':') {
        let net: Ipv6Net = text
            .trim()
            .parse()
            .map_err(|_| format!("`{text}` is not an IPv6 CIDR"))?;
        Ok(IpNet::V6(net.trunc()))
    } else {
        cidr(text).map(IpNet::V4)
    }
}

fn span(proto: Proto, from: Option<i64>, to: Option<i64>) -> Result<Span, String> {
    match proto {
        Proto::Tcp | Proto::Udp => match (from, to) {
            (None | Some(-1), None | Some(-1)) => Ok(Span::ALL_PORTS),
            (Some(f), Some(t)) if (0..=65535).contains(&f) && (f..=65535).contains(&t) => {
                Ok(Span {
                    from: f as u16,
                    to: t as u16,
                })
            }
            (f, t) => Err(super::aws::invalid_port_range(f, t)),
        },
        // FromPort is the ICMP (ICMPv6) type for security group rules.
        Proto::Icmp | Proto::Other(ICMPV6) => match from {
            None | Some(-1) => Ok(Span::ALL_ICMP),
            Some(t @ 0..=255) => Ok(Span {
                from: t as u16,
                to: t as u16,
            }),
            Some(t) => Err(format!("invalid ICMP type {t}")),
        },
        _ => Ok(Span::ALL_PORTS),
    }
}

fn proto(text: &str) -> Result<Proto, String> {
    Proto::parse(text).ok_or_else(|| format!("unknown protocol `{text}`"))
}

fn who(a: &Authorization) -> String {
    match (&a.group_id, a.access_all) {
        (_, Some(true)) => "all users".into(),
        (Some(g), _) if !g.is_empty() => format!("group {g}"),
        _ => "all users".into(),
    }
}

pub fn to_rules(snap: &Snapshot, id: Option<&str>, label: &str) -> Result<RuleSet, ReadError> {
    let ep = snap.endpoint(id, label)?;
    let eid = ep.client_vpn_endpoint_id.as_str();
    let mut rs = RuleSet {
        describes_more: true,
        complete_inventory: snap.present.contains("Subnets"),
        ..RuleSet::default()
    };
    let ep_file = snap
        .endpoints
        .iter()
        .find(|(_, e)| e.client_vpn_endpoint_id == eid)
        .map(|(f, _)| f.as_str())
        .unwrap_or("");
    if ep.security_group_ids.is_empty() {
        rs.unresolved.push(Unresolved {
            origin: origin(ep_file, eid.to_string()),
            message: format!("{eid} lists no security group"),
        });
    }
    rs.endpoint_groups = ep
        .security_group_ids
        .iter()
        .map(|g| Ident::Id(g.clone()))
        .collect();
    for (file, t) in &snap.target_networks {
        if t.client_vpn_endpoint_id != eid || !associated(t) {
            continue;
        }
        rs.associations.push(Association {
            origin: origin(file, format!("{eid} association {}", t.target_network_id)),
            subnet: Ident::Id(t.target_network_id.clone()),
        });
    }
    for (file, a) in &snap.authorization_rules {
        if a.client_vpn_endpoint_id != eid || !active(a.status.as_ref()) {
            continue;
        }
        let o = origin(
            file,
            format!("{eid} authorization {} {}", a.destination_cidr, who(a)),
        );
        match ip_cidr(&a.destination_cidr) {
            Ok(c) => rs.auth_rules.push(AuthRule {
                origin: o,
                cidr: c,
                group: match (a.access_all, &a.group_id) {
                    (Some(true), _) => None,
                    (_, Some(g)) if !g.is_empty() => Some(g.clone()),
                    _ => None,
                },
            }),
            Err(message) => rs.unresolved.push(Unresolved { origin: o, message }),
        }
    }
    for (file, r) in &snap.routes {
        if r.client_vpn_endpoint_id != eid
            || crate::aws::route::is_local(r.origin.as_deref(), r.kind.as_deref())
        {
            continue;
        }
        let o = origin(
            file,
            format!("{eid} route {} via {}", r.destination_cidr, r.target_subnet),
        );
        match ip_cidr(&r.destination_cidr) {
            Ok(c) => rs.routes.push(VpnRoute {
                origin: o,
                cidr: c,
                subnet: Some(Ident::Id(r.target_subnet.clone())),
            }),
            Err(message) => rs.unresolved.push(Unresolved { origin: o, message }),
        }
    }
    for (file, g) in &snap.security_groups {
        rs.security_groups.push(SgDecl {
            origin: origin(file, g.group_id.clone()),
            ident: Ident::Id(g.group_id.clone()),
            name: g.group_name.clone(),
        });
    }
    if snap.present.contains("SecurityGroupRules") {
        for (file, r) in &snap.security_group_rules {
            sg_rule(&mut rs, file, r);
        }
    } else {
        for (file, g) in &snap.security_groups {
            for (perms, dir) in [
                (&g.ip_permissions, Direction::Ingress),
                (&g.ip_permissions_egress, Direction::Egress),
            ] {
                for p in perms {
                    permission(&mut rs, file, g, p, dir);
                }
            }
        }
    }
    for (file, acl) in &snap.network_acls {
        for e in &acl.entries {
            nacl_entry(&mut rs, file, acl, e);
        }
        for a in &acl.associations {
            if let Some(s) = rs
                .subnet_facts
                .iter_mut()
                .find(|f| f.subnet == Ident::Id(a.subnet_id.clone()))
            {
                s.acl = Some(Ident::Id(acl.network_acl_id.clone()));
            } else {
                rs.subnet_facts.push(SubnetFact {
                    subnet: Ident::Id(a.subnet_id.clone()),
                    cidr: None,
                    acl: Some(Ident::Id(acl.network_acl_id.clone())),
                });
            }
        }
    }
    for (_, s) in &snap.subnets {
        let c = cidr(&s.cidr_block).ok();
        if let Some(f) = rs
            .subnet_facts
            .iter_mut()
            .find(|f| f.subnet == Ident::Id(s.subnet_id.clone()))
        {
            f.cidr = c;
        } else {
            rs.subnet_facts.push(SubnetFact {
                subnet: Ident::Id(s.subnet_id.clone()),
                cidr: c,
                acl: None,
            });
        }
    }
    Ok(rs)
}

fn associated(t: &TargetNetwork) -> bool {
    t.status
        .as_ref()
        .is_none_or(|s| s.code.is_empty() || s.code == "associated" || s.code == "associating")
}

fn active(s: Option<&Status>) -> bool {
    s.is_none_or(|s| s.code.is_empty() || s.code == "active" || s.code == "authorizing")
}

/// One rule of `describe-security-group-rules`, named by its `sgr-…` ID.
fn sg_rule(rs: &mut RuleSet, file: &str, r: &SecurityGroupRule) {
    let o = origin(file, r.security_group_rule_id.clone());
    let group = Ident::Id(r.group_id.clone());
    match build_sg_rule(r, &o) {
        Ok(rule) => rs.sg_rules.push(rule),
        Err(message) => rs.unresolved_in.push((
            group,
            Unresolved {
                origin: o,
                message: format!("{}: {message}", r.group_id),
            },
        )),
    }
}

fn build_sg_rule(r: &SecurityGroupRule, o: &Origin) -> Result<SgRule, String> {
    let protocol = proto(&r.ip_protocol)?;
    let span = span(protocol, r.from_port, r.to_port)?;
    let peer = if let Some(g) = &r.referenced_group_info {
        foreign(g, r.group_owner_id.as_deref())?;
        match &g.group_id {
            Some(id) => SgPeer::Group(Ident::Id(id.clone())),
            None => return Err("a group reference without a group ID".into()),
        }
    } else if let Some(c) = r.cidr_ipv4.as_ref().or(r.cidr_ipv6.as_ref()) {
        SgPeer::Cidr(ip_cidr(c)?)
    } else if let Some(p) = &r.prefix_list_id {
        return Err(prefix_list(p));
    } else {
        return Err("a rule without a peer".into());
    };
    Ok(SgRule {
        origin: o.clone(),
        group: Ident::Id(r.group_id.clone()),
        direction: if r.is_egress {
            Direction::Egress
        } else {
            Direction::Ingress
        },
        protocol,
        span,
        peer,
    })
}

/// A reference to another account's group: its rules are not in the snapshot.
fn foreign(pair: &GroupPair, owner: Option<&str>) -> Result<(), String> {
    match (pair.user_id.as_deref(), owner) {
        (Some(user), Some(owner)) if user != owner => Err(format!(
            "references {} of account {user}: another account's group cannot be evaluated",
            pair.group_id.as_deref().unwrap_or("a group"),
        )),
        _ => Ok(()),
    }
}

fn prefix_list(id: &str) -> String {
    format!("references prefix list {id}, whose CIDRs the snapshot does not hold")
}

/// One permission of `describe-security-groups` (used when the snapshot has no
/// `describe-security-group-rules`): one rule per peer, named by group and direction.
fn permission(rs: &mut RuleSet, file: &str, g: &SecurityGroup, p: &Permission, dir: Direction) {
    let group = Ident::Id(g.group_id.clone());
    let o = origin(
        file,
        format!(
            "{} {dir} {} {}",
            g.group_id,
            p.ip_protocol,
            match (p.from_port, p.to_port) {
                (Some(f), Some(t)) if f != t => format!("{f}-{t}"),
                (Some(f), _) => f.to_string(),
                _ => "all".into(),
            }
        ),
    );
    let fail = |rs: &mut RuleSet, message: String| {
        rs.unresolved_in.push((
            group.clone(),
            Unresolved {
                origin: o.clone(),
                message: format!("{} {dir} rule: {message}", g.group_id),
            },
        ));
    };
    let (protocol, span) = match proto(&p.ip_protocol)
        .and_then(|pr| span(pr, p.from_port, p.to_port).map(|s| (pr, s)))
    {
        Ok(x) => x,
        Err(m) => return fail(rs, m),
    };
    let mut peers = Vec::new();
    let ranges = p.ip_ranges.iter().map(|r| &r.cidr_ip);
    for c in ranges.chain(p.ipv6_ranges.iter().map(|r| &r.cidr_ipv6)) {
        match ip_cidr(c) {
            Ok(c) => peers.push(SgPeer::Cidr(c)),
            Err(m) => fail(rs, m),
        }
    }
    for pair in &p.user_id_group_pairs {
        if let Err(m) = foreign(pair, g.owner_id.as_deref()) {
            fail(rs, m);
            continue;
        }
        match &pair.group_id {
            Some(id) => peers.push(SgPeer::Group(Ident::Id(id.clone()))),
            None => fail(rs, "a group reference without a group ID".into()),
        }
    }
    for pl in &p.prefix_list_ids {
        fail(rs, prefix_list(&pl.prefix_list_id));
    }
    for peer in peers {
        rs.sg_rules.push(SgRule {
            origin: o.clone(),
            group: group.clone(),
            direction: dir,
            protocol,
            span,
            peer,
        });
    }
}

/// One ACL entry of either family, named as the console names it (`acl-… rule 100 ingress`).
fn nacl_entry(rs: &mut RuleSet, file: &str, acl: &NetworkAcl, e: &AclEntry) {
    if e.rule_number == i64::from(DEFAULT_ENTRY_NUMBER)
        || (e.cidr_block.is_none() && e.ipv6_cidr_block.is_none())
    {
        return;
    }
    let dir = if e.egress { "egress" } else { "ingress" };
    let o = origin(
        file,
        format!("{} rule {} {dir}", acl.network_acl_id, e.rule_number),
    );
    let acl_id = Ident::Id(acl.network_acl_id.clone());
    match build_nacl(e, &acl_id, &o) {
        Ok(r) => rs.nacl_rules.push(r),
        Err(message) => rs.unresolved_in.push((
            acl_id,
            Unresolved {
                message: format!("{}: {message}", o.resource),
                origin: o,
            },
        )),
    }
}

fn build_nacl(e: &AclEntry, acl: &Ident, o: &Origin) -> Result<NaclRule, String> {
    let number = u32::try_from(e.rule_number)
        .ok()
        .filter(|n| (1..DEFAULT_ENTRY_NUMBER).contains(n))
        .ok_or_else(|| format!("invalid rule number {}", e.rule_number))?;
    let protocol = proto(&e.protocol)?;
    let action = match e.rule_action.to_ascii_lowercase().as_str() {
        "allow" => Action::Allow,
        "deny" => Action::Deny,
        other => return Err(format!("unknown rule action `{other}`")),
    };
    let c = ip_cidr(
        e.cidr_block
            .as_deref()
            .or(e.ipv6_cidr_block.as_deref())
            .unwrap_or_default(),
    )?;
    let span = match protocol {
        Proto::Tcp | Proto::Udp => {
            let r = e.port_range.clone().unwrap_or_default();
            span(protocol, r.from, r.to)?
        }
        Proto::Icmp | Proto::Other(ICMPV6) => {
            match e.icmp_type_code.as_ref().and_then(|t| t.kind) {
                None | Some(-1) => Span::ALL_ICMP,
                Some(t @ 0..=255) => Span {
                    from: t as u16,
                    to: t as u16,
                },
                Some(t) => return Err(format!("invalid ICMP type {t}")),
            }
        }
        _ => Span::ALL_PORTS,
    };
    Ok(NaclRule {
        origin: o.clone(),
        acl: acl.clone(),
        egress: e.egress,
        number,
        action,
        protocol,
        span,
        cidr: c,
    })
}
