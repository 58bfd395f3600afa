//! AWS resource types → rules. One function per syntax (CloudFormation property names,
//! Terraform attribute names); both feed the same `RuleSet`. Readers know these types,
//! never the planner.

use super::value::Val;
use crate::verify::model::{
    Action, Association, AuthRule, Direction, Ident, NaclAssociation, NaclRule, Origin, Proto,
    RuleSet, SgDecl, SgPeer, SgRule, Span, Unresolved, VpnRoute, ICMPV6,
};
use ipnet::IpNet;

/// Types not read here that can still change the path verify proves (security groups,
/// network ACLs, Client VPN, routes and route tables, interfaces, prefix lists):
/// unresolved, never skipped. Subnets and VPCs themselves change no rule and stay ignored.
const CFN_PATH_PREFIXES: &[&str] = &[
    "AWS::EC2::SecurityGroup",
    "AWS::EC2::NetworkAcl",
    "AWS::EC2::SubnetNetworkAclAssociation",
    "AWS::EC2::ClientVpn",
    "AWS::EC2::Route",
    "AWS::EC2::SubnetRouteTableAssociation",
    "AWS::EC2::GatewayRouteTableAssociation",
    "AWS::EC2::NetworkInterface",
    "AWS::EC2::PrefixList",
];

const TF_PATH_PREFIXES: &[&str] = &[
    "aws_security_group",
    "aws_vpc_security_group",
    "aws_default_security_group",
    "aws_network_acl",
    "aws_default_network_acl",
    "aws_ec2_client_vpn",
    "aws_route",
    "aws_default_route_table",
    "aws_main_route_table_association",
    "aws_network_interface",
    "aws_ec2_managed_prefix_list",
    // The Cloud Control provider's twins of the same CloudFormation types.
    "awscc_ec2_security_group",
    "awscc_ec2_network_acl",
    "awscc_ec2_subnet_network_acl_association",
    "awscc_ec2_client_vpn",
    "awscc_ec2_route",
    "awscc_ec2_subnet_route_table_association",
    "awscc_ec2_gateway_route_table_association",
    "awscc_ec2_network_interface",
    "awscc_ec2_prefix_list",
];

/// VPC route-table types: a host template's own routing (see `verify::host`).
const ROUTE_TABLE_TYPES: &[&str] = &[
    "AWS::EC2::Route",
    "AWS::EC2::RouteTable",
    "AWS::EC2::SubnetRouteTableAssociation",
    "AWS::EC2::GatewayRouteTableAssociation",
];

/// Is this unresolved message the one `unread` gives a VPC route-table type?
pub fn is_route_table_finding(message: &str) -> bool {
    ROUTE_TABLE_TYPES
        .iter()
        .any(|t| message.starts_with(&format!("resource type `{t}` ")))
}

fn unread(ty: &str, prefixes: &[&str]) -> Result<(), String> {
    if prefixes.iter().any(|p| ty.starts_with(p)) {
        Err(format!(
            "resource type `{ty}` can change the network path and is not read by verify"
        ))
    } else {
        Ok(())
    }
}

/// Maps one CloudFormation resource. Types that cannot affect the path are ignored;
/// those that can and are not read here are unresolved.
pub fn cloudformation(rs: &mut RuleSet, origin: &Origin, ty: &str, props: &Val, me: Ident) {
    let r = match ty {
        "AWS::EC2::SecurityGroup" => cfn_security_group(rs, origin, props, me),
        "AWS::EC2::SecurityGroupIngress" => {
            cfn_sg_rule(rs, origin, props, None, Direction::Ingress)
        }
        "AWS::EC2::SecurityGroupEgress" => cfn_sg_rule(rs, origin, props, None, Direction::Egress),
        "AWS::EC2::NetworkAclEntry" => nacl(
            rs,
            origin,
            props,
            &NaclKeys {
                acl: "NetworkAclId",
                number: "RuleNumber",
                action: "RuleAction",
                egress: "Egress",
                protocol: "Protocol",
                cidr: "CidrBlock",
                ipv6: "Ipv6CidrBlock",
                numbers_only: true,
            },
            |p, proto| match proto {
                Proto::Tcp | Proto::Udp => {
                    let range = p.req("PortRange")?;
                    ports(range.get("From"), range.get("To"))
                }
                Proto::Icmp | Proto::Other(ICMPV6) => {
                    icmp(p.get("Icmp").and_then(|i| i.get("Type")))
                }
                _ => Ok(Span::ALL_PORTS),
            },
        ),
        "AWS::EC2::ClientVpnEndpoint" => endpoint(
            rs,
            props,
            [
                "SecurityGroupIds",
                "TransitGatewayConfiguration",
                "TransitGatewayId",
            ],
        ),
        "AWS::EC2::ClientVpnTargetNetworkAssociation" => association(rs, origin, props, "SubnetId"),
        "AWS::EC2::ClientVpnAuthorizationRule" => authorization(
            rs,
            origin,
            props,
            ["TargetNetworkCidr", "AccessGroupId", "AuthorizeAllGroups"],
        ),
        "AWS::EC2::ClientVpnRoute" => route(
            rs,
            origin,
            props,
            ["DestinationCidrBlock", "TargetVpcSubnetId"],
        ),
        "AWS::EC2::SubnetNetworkAclAssociation" => {
            nacl_association(rs, origin, props, "SubnetId", "NetworkAclId")
        }
        // A network ACL without entries or associations of its own: those are resources.
        "AWS::EC2::NetworkAcl" => Ok(()),
        "AWS::CloudFormation::CustomResource" => Err(CUSTOM.into()),
        other if other.starts_with("Custom::") => Err(CUSTOM.into()),
        other => unread(other, CFN_PATH_PREFIXES),
    };
    note(rs, origin, r);
}

/// Maps one Terraform resource instance.
pub fn terraform(rs: &mut RuleSet, origin: &Origin, ty: &str, attrs: &Val, me: Ident) {
    let r = match ty {
        "aws_security_group" => tf_security_group(rs, origin, attrs, me),
        "aws_vpc_security_group_ingress_rule" => tf_sg_rule(rs, origin, attrs, Direction::Ingress),
        "aws_vpc_security_group_egress_rule" => tf_sg_rule(rs, origin, attrs, Direction::Egress),
        "aws_security_group_rule" => tf_legacy_sg_rule(rs, origin, attrs),
        "aws_network_acl_rule" => nacl(
            rs,
            origin,
            attrs,
            &NaclKeys {
                acl: "network_acl_id",
                number: "rule_number",
                action: "rule_action",
                egress: "egress",
                protocol: "protocol",
                cidr: "cidr_block",
                ipv6: "ipv6_cidr_block",
                numbers_only: false,
            },
            |a, proto| match proto {
                Proto::Tcp | Proto::Udp => ports(a.get("from_port"), a.get("to_port")),
                Proto::Icmp | Proto::Other(ICMPV6) => icmp(a.get("icmp_type")),
                _ => Ok(Span::ALL_PORTS),
            },
        ),
        "aws_network_acl" => tf_network_acl(rs, origin, attrs, me),
        "aws_network_acl_association" => {
            nacl_association(rs, origin, attrs, "subnet_id", "network_acl_id")
        }
        "aws_ec2_client_vpn_endpoint" => endpoint(
            rs,
            attrs,
            [
                "security_group_ids",
                "transit_gateway_configuration",
                "transit_gateway_id",
            ],
        ),
        "aws_ec2_client_vpn_network_association" => association(rs, origin, attrs, "subnet_id"),
        "aws_ec2_client_vpn_authorization_rule" => authorization(
            rs,
            origin,
            attrs,
            [
                "target_network_cidr",
                "access_group_id",
                "authorize_all_groups",
            ],
        ),
        "aws_ec2_client_vpn_route" => route(
            rs,
            origin,
            attrs,
            ["destination_cidr_block", "target_vpc_subnet_id"],
        ),
        other => unread(other, TF_PATH_PREFIXES),
    };
    note(rs, origin, r);
}

fn note(rs: &mut RuleSet, origin: &Origin, r: Result<(), String>) {
    if let Err(message) = r {
        rs.unresolved.push(Unresolved {
            origin: origin.clone(),
            message,
        });
    }
}

const CUSTOM: &str =
    "a custom resource runs code at deployment that verify does not read: it may change the rules";

/// Peers verify does not evaluate (prefix lists, EC2-Classic names): an error when any is
/// set, so that a rule opening them is never read as a narrower one.
fn unverified_peers(p: &Val, keys: &[&str]) -> Result<(), String> {
    for k in keys {
        if p.get(k).is_some_and(|v| !v.items().is_empty()) {
            return Err(format!(
                "`{k}` is set: prefix-list peers are not verified, and may open more than the intent"
            ));
        }
    }
    Ok(())
}

/// The same for a rule with several peers: each unverified peer is unresolved on its
/// own, and the IPv4 peers beside it are still evaluated. Whether there was any.
fn note_unverified_peers(rs: &mut RuleSet, origin: &Origin, p: &Val, keys: &[&str]) -> bool {
    let mut any = false;
    for k in keys {
        if let Err(message) = unverified_peers(p, &[k]) {
            rs.unresolved.push(Unresolved {
                origin: origin.clone(),
                message,
            });
            any = true;
        }
    }
    any
}

/// `self = true` (a string `"true"` too, as Terraform converts it).
fn flag(p: &Val, key: &str) -> Result<bool, String> {
    match p.get(key) {
        None => Ok(false),
        Some(v) => v.boolean().map_err(|e| format!("`{key}`: {e}")),
    }
}

fn nacl_association(
    rs: &mut RuleSet,
    origin: &Origin,
    p: &Val,
    subnet_key: &str,
    acl_key: &str,
) -> Result<(), String> {
    let subnet = p.req(subnet_key)?.ident()?;
    let acl = p.req(acl_key)?.ident()?;
    rs.nacl_associations.push(NaclAssociation {
        origin: origin.clone(),
        subnet,
        acl,
    });
    Ok(())
}

/// `aws_network_acl`: its `subnet_ids` move subnets to it; inline rules are not read.
fn tf_network_acl(rs: &mut RuleSet, origin: &Origin, a: &Val, me: Ident) -> Result<(), String> {
    for s in a.get("subnet_ids").map(Val::items).unwrap_or_default() {
        rs.nacl_associations.push(NaclAssociation {
            origin: origin.clone(),
            subnet: s.ident()?,
            acl: me.clone(),
        });
    }
    for key in ["ingress", "egress"] {
        if a.get(key).is_some_and(|v| !v.items().is_empty()) {
            return Err(format!(
                "inline network ACL rules (`{key}`) are not read by verify; use aws_network_acl_rule"
            ));
        }
    }
    Ok(())
}

fn proto(v: &Val) -> Result<Proto, String> {
    let t = v.text()?;
    if t.trim().eq_ignore_ascii_case("icmpv6") {
        // IANA protocol 58: ICMP of the IPv6 view (`model::family_proto`).
        return Ok(Proto::Other(ICMPV6));
    }
    Proto::parse(&t).ok_or_else(|| format!("unknown protocol `{t}`"))
}

/// A protocol given as a number only: -1 for all, else an IANA protocol number.
fn proto_number(v: &Val) -> Result<Proto, String> {
    let n = v.int().map_err(|_| match v.text() {
        Ok(t) => format!("protocol `{t}` is not a number: `Protocol` takes -1 or an IANA protocol number (6 for TCP, 17 for UDP, 1 for ICMP)"),
        Err(why) => why,
    })?;
    match n {
        -1..=255 => Proto::parse(&n.to_string()).ok_or_else(|| format!("unknown protocol `{n}`")),
        _ => Err(format!(
            "protocol {n} is not -1 or an IANA protocol number (0 to 255)"
        )),
    }
}

/// TCP/UDP port bounds; -1 (or absent) on both sides means every port.
fn ports(from: Option<&Val>, to: Option<&Val>) -> Result<Span, String> {
    let get = |v: Option<&Val>| -> Result<Option<i64>, String> {
        match v {
            None | Some(Val::Null) => Ok(None),
            Some(v) => v.int().map(Some),
        }
    };
    match (get(from)?, get(to)?) {
        (None | Some(-1), None | Some(-1)) => Ok(Span::ALL_PORTS),
        (Some(f), Some(t)) if (0..=65535).contains(&f) && (f..=65535).contains(&t) => Ok(Span {
            from: f as u16,
            to: t as u16,
        }),
        (f, t) => Err(invalid_port_range(f, t)),
    }
}

/// The message for port bounds AWS would refuse, in the artifact's words.
pub(super) fn invalid_port_range(from: Option<i64>, to: Option<i64>) -> String {
    let bound = |b: Option<i64>| b.map_or_else(|| "unset".to_string(), |n| n.to_string());
    format!(
        "invalid port range: from {} to {} (ports are 0 to 65535, the first no greater than the last)",
        bound(from),
        bound(to)
    )
}

/// ICMP: the type, -1 (or absent) for every type; the code is not narrowed further.
fn icmp(ty: Option<&Val>) -> Result<Span, String> {
    match ty {
        None | Some(Val::Null) => Ok(Span::ALL_ICMP),
        Some(v) => match v.int()? {
            -1 => Ok(Span::ALL_ICMP),
            t @ 0..=255 => Ok(Span {
                from: t as u16,
                to: t as u16,
            }),
            t => Err(format!("invalid ICMP type {t}")),
        },
    }
}

fn sg_span(p: Proto, from: Option<&Val>, to: Option<&Val>) -> Result<Span, String> {
    match p {
        Proto::Tcp | Proto::Udp => ports(from, to),
        // For ICMP and ICMPv6, AWS's FromPort is the type and ToPort the code.
        Proto::Icmp | Proto::Other(ICMPV6) => icmp(from),
        _ => Ok(Span::ALL_PORTS),
    }
}

struct NaclKeys {
    acl: &'static str,
    number: &'static str,
    action: &'static str,
    egress: &'static str,
    protocol: &'static str,
    cidr: &'static str,
    ipv6: &'static str,
    /// CloudFormation's `Protocol` is an integer (-1 or an IANA number): a name such as
    /// `tcp` fails the deployment (docs/semantics.md, AWS facts), where Terraform's
    /// provider translates names.
    numbers_only: bool,
}

fn nacl(
    rs: &mut RuleSet,
    origin: &Origin,
    p: &Val,
    k: &NaclKeys,
    span: impl Fn(&Val, Proto) -> Result<Span, String>,
) -> Result<(), String> {
    let acl = p.req(k.acl)?.ident()?;
    let number = p.req(k.number)?.int()?;
    let number = u32::try_from(number).map_err(|_| format!("invalid rule number {number}"))?;
    let action = match p.req(k.action)?.text()?.to_ascii_lowercase().as_str() {
        "allow" => Action::Allow,
        "deny" => Action::Deny,
        other => return Err(format!("unknown rule action `{other}`")),
    };
    let egress = match p.get(k.egress) {
        None | Some(Val::Null) => false,
        Some(v) => v.boolean()?,
    };
    let protocol = if k.numbers_only {
        proto_number(p.req(k.protocol)?)?
    } else {
        proto(p.req(k.protocol)?)?
    };
    // One entry holds one family: `CidrBlock` or `Ipv6CidrBlock`.
    let set = |k: &str| {
        p.get(k)
            .filter(|v| !matches!(v, Val::Str(t) if t.is_empty()))
    };
    let cidr = match (set(k.cidr), set(k.ipv6)) {
        (Some(_), Some(_)) => return Err(format!("both `{}` and `{}` are set", k.cidr, k.ipv6)),
        (None, Some(v6)) => IpNet::V6(v6.ipv6_cidr()?),
        _ => IpNet::V4(p.req(k.cidr)?.cidr()?),
    };
    let span = span(p, protocol)?;
    rs.nacl_rules.push(NaclRule {
        origin: origin.clone(),
        acl,
        egress,
        number,
        action,
        protocol,
        span,
        cidr,
    });
    Ok(())
}

fn endpoint(
    rs: &mut RuleSet,
    p: &Val,
    [key, tgw_key, tgw_id_key]: [&str; 3],
) -> Result<(), String> {
    rs.creates_endpoint = true;
    let groups = p.get(key).map(Val::items).unwrap_or_default();
    // A transit gateway attachment (a CloudFormation object, a Terraform block: one item).
    let tgw = p.get(tgw_key).map(|v| match v {
        Val::List(items) => items.first().unwrap_or(v),
        _ => v,
    });
    if let Some(t) = tgw {
        rs.transit_gateways.push(t.req(tgw_id_key)?.ident()?);
        for g in groups {
            rs.endpoint_groups.push(g.ident()?);
        }
        return Ok(());
    }
    if groups.is_empty() {
        return Err(format!(
            "the endpoint has no `{key}`: AWS would attach the VPC default security group"
        ));
    }
    for g in groups {
        rs.endpoint_groups.push(g.ident()?);
    }
    Ok(())
}

fn association(rs: &mut RuleSet, origin: &Origin, p: &Val, key: &str) -> Result<(), String> {
    let subnet = p.req(key)?.ident()?;
    rs.associations.push(Association {
        origin: origin.clone(),
        subnet,
    });
    Ok(())
}

fn authorization(
    rs: &mut RuleSet,
    origin: &Origin,
    p: &Val,
    [cidr_key, group_key, all_key]: [&str; 3],
) -> Result<(), String> {
    let cidr = p.req(cidr_key)?.ip_cidr()?;
    let all = match p.get(all_key) {
        None | Some(Val::Null) => false,
        Some(v) => v.boolean()?,
    };
    let group = if all {
        None
    } else {
        Some(
            p.req(group_key)
                .map_err(|e| format!("{e} and `{all_key}` is not true"))?
                .text()?,
        )
    };
    rs.auth_rules.push(AuthRule {
        origin: origin.clone(),
        cidr,
        group,
    });
    Ok(())
}

fn route(
    rs: &mut RuleSet,
    origin: &Origin,
    p: &Val,
    [cidr_key, subnet_key]: [&str; 2],
) -> Result<(), String> {
    let cidr = p.req(cidr_key)?.ip_cidr()?;
    // Absent on a transit-gateway-attached endpoint's routes.
    let subnet = p.get(subnet_key).map(Val::ident).transpose()?;
    rs.routes.push(VpnRoute {
        origin: origin.clone(),
        cidr,
        subnet,
    });
    Ok(())
}

fn literal_name(v: Option<&Val>) -> Option<String> {
    match v {
        Some(Val::Str(s)) => Some(s.clone()),
        _ => None,
    }
}

fn cfn_security_group(rs: &mut RuleSet, origin: &Origin, p: &Val, me: Ident) -> Result<(), String> {
    rs.security_groups.push(SgDecl {
        origin: origin.clone(),
        ident: me.clone(),
        name: literal_name(p.get("GroupName")),
    });
    for (key, dir) in [
        ("SecurityGroupIngress", Direction::Ingress),
        ("SecurityGroupEgress", Direction::Egress),
    ] {
        for rule in p.get(key).map(Val::items).unwrap_or_default() {
            cfn_sg_rule(rs, origin, rule, Some(me.clone()), dir)?;
        }
    }
    Ok(())
}

fn cfn_sg_rule(
    rs: &mut RuleSet,
    origin: &Origin,
    p: &Val,
    group: Option<Ident>,
    direction: Direction,
) -> Result<(), String> {
    let group = match group {
        Some(g) => g,
        None => p.req("GroupId")?.ident()?,
    };
    unverified_peers(
        p,
        &[
            "SourcePrefixListId",
            "DestinationPrefixListId",
            "SourceSecurityGroupName",
        ],
    )?;
    let protocol = proto(p.req("IpProtocol")?)?;
    let span = sg_span(protocol, p.get("FromPort"), p.get("ToPort"))?;
    let group_key = match direction {
        Direction::Ingress => "SourceSecurityGroupId",
        Direction::Egress => "DestinationSecurityGroupId",
    };
    let peer = if let Some(g) = p.get(group_key) {
        SgPeer::Group(g.ident()?)
    } else if let Some(c) = p.get("CidrIp") {
        SgPeer::Cidr(IpNet::V4(c.cidr()?))
    } else if let Some(c) = p.get("CidrIpv6") {
        SgPeer::Cidr(IpNet::V6(c.ipv6_cidr()?))
    } else {
        return Err(format!(
            "security group rule without `{group_key}`, `CidrIp` or `CidrIpv6` (prefix lists are not verified)"
        ));
    };
    rs.sg_rules.push(SgRule {
        origin: origin.clone(),
        group,
        direction,
        protocol,
        span,
        peer,
    });
    Ok(())
}

fn tf_security_group(rs: &mut RuleSet, origin: &Origin, a: &Val, me: Ident) -> Result<(), String> {
    rs.security_groups.push(SgDecl {
        origin: origin.clone(),
        ident: me.clone(),
        name: literal_name(a.get("name")),
    });
    // Inline blocks: read so that they are judged, although shibori never writes them.
    for (key, direction) in [
        ("ingress", Direction::Ingress),
        ("egress", Direction::Egress),
    ] {
        for block in a.get(key).map(Val::items).unwrap_or_default() {
            if let Val::Unknown(why) = block {
                return Err(format!("`{key}`: {why}"));
            }
            let unverified = note_unverified_peers(rs, origin, block, &["prefix_list_ids"]);
            let protocol = proto(block.req("protocol")?)?;
            let span = sg_span(protocol, block.get("from_port"), block.get("to_port"))?;
            let mut peers = cidr_peers(block)?;
            for g in block
                .get("security_groups")
                .map(Val::items)
                .unwrap_or_default()
            {
                peers.push(SgPeer::Group(g.ident()?));
            }
            if flag(block, "self")? {
                peers.push(SgPeer::Group(me.clone()));
            }
            if peers.is_empty() && !unverified {
                return Err(format!("an inline `{key}` rule names no peer verify reads"));
            }
            for peer in peers {
                rs.sg_rules.push(SgRule {
                    origin: origin.clone(),
                    group: me.clone(),
                    direction,
                    protocol,
                    span,
                    peer,
                });
            }
        }
    }
    Ok(())
}

fn tf_sg_rule(
    rs: &mut RuleSet,
    origin: &Origin,
    a: &Val,
    direction: Direction,
) -> Result<(), String> {
    unverified_peers(a, &["prefix_list_id"])?;
    let group = a.req("security_group_id")?.ident()?;
    let protocol = proto(a.req("ip_protocol")?)?;
    let span = sg_span(protocol, a.get("from_port"), a.get("to_port"))?;
    let peer = if let Some(g) = a.get("referenced_security_group_id") {
        SgPeer::Group(g.ident()?)
    } else if let Some(c) = a.get("cidr_ipv4") {
        SgPeer::Cidr(IpNet::V4(c.cidr()?))
    } else if let Some(c) = a.get("cidr_ipv6") {
        SgPeer::Cidr(IpNet::V6(c.ipv6_cidr()?))
    } else {
        return Err("security group rule without `referenced_security_group_id`, `cidr_ipv4` or `cidr_ipv6` (prefix lists are not verified)".into());
    };
    rs.sg_rules.push(SgRule {
        origin: origin.clone(),
        group,
        direction,
        protocol,
        span,
        peer,
    });
    Ok(())
}

fn tf_legacy_sg_rule(rs: &mut RuleSet, origin: &Origin, a: &Val) -> Result<(), String> {
    let direction = match a.req("type")?.text()?.as_str() {
        "ingress" => Direction::Ingress,
        "egress" => Direction::Egress,
        other => return Err(format!("unknown rule type `{other}`")),
    };
    let unverified = note_unverified_peers(rs, origin, a, &["prefix_list_ids"]);
    let group = a.req("security_group_id")?.ident()?;
    let protocol = proto(a.req("protocol")?)?;
    let span = sg_span(protocol, a.get("from_port"), a.get("to_port"))?;
    let mut peers = cidr_peers(a)?;
    if let Some(g) = a.get("source_security_group_id") {
        peers.push(SgPeer::Group(g.ident()?));
    }
    if flag(a, "self")? {
        peers.push(SgPeer::Group(group.clone()));
    }
    if peers.is_empty() && !unverified {
        return Err("security group rule names no peer verify reads".into());
    }
    for peer in peers {
        rs.sg_rules.push(SgRule {
            origin: origin.clone(),
            group: group.clone(),
            direction,
            protocol,
            span,
            peer,
        });
    }
    Ok(())
}

/// The CIDR peers of a Terraform rule with lists of them: `cidr_blocks` (IPv4) and
/// `ipv6_cidr_blocks`.
fn cidr_peers(a: &Val) -> Result<Vec<SgPeer>, String> {
    let mut peers = Vec::new();
    for c in a.get("cidr_blocks").map(Val::items).unwrap_or_default() {
        peers.push(SgPeer::Cidr(IpNet::V4(c.cidr()?)));
    }
    for c in a
        .get("ipv6_cidr_blocks")
        .map(Val::items)
        .unwrap_or_default()
    {
        peers.push(SgPeer::Cidr(IpNet::V6(c.ipv6_cidr()?)));
    }
    Ok(peers)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn port_range_messages_use_the_artifacts_words() {
        let m = invalid_port_range(None, Some(22));
        assert!(m.contains("from unset to 22"), "{m}");
        assert!(!m.contains("Some(") && !m.contains("None"), "{m}");
        let v = |n: f64| Val::Num(n);
        assert!(ports(Some(&v(80.0)), Some(&v(22.0))).is_err());
        assert_eq!(ports(Some(&v(-1.0)), None), Ok(Span::ALL_PORTS));
    }

    #[test]
    fn cloudformation_nacl_protocol_is_a_number() {
        let n = |n: f64| proto_number(&Val::Num(n));
        assert_eq!(n(6.0), Ok(Proto::Tcp));
        assert_eq!(n(-1.0), Ok(Proto::All));
        assert_eq!(proto_number(&Val::Str("17".into())), Ok(Proto::Udp));
        assert!(n(256.0).is_err());
        let e = proto_number(&Val::Str("tcp".into())).unwrap_err();
        assert!(e.contains("`tcp` is not a number"), "{e}");
        // Terraform's provider translates names; its reader keeps them.
        assert_eq!(proto(&Val::Str("tcp".into())), Ok(Proto::Tcp));
    }
}
