//! `cloudformation`: the plan as one CloudFormation template (long-form intrinsics, so the
//! same tree is written as YAML here and as JSON for `cdk-json`).
//!
//! Every security group shibori creates declares the CDK "no traffic" egress placeholder
//! inline: without an inline egress rule CloudFormation keeps EC2's default allow-all
//! egress, which the plan never asks for (and which would make a separate all-traffic
//! egress rule fail as a duplicate). All of the plan's rules are separate
//! `SecurityGroupIngress`/`SecurityGroupEgress` resources, so groups never reference each
//! other circularly.

use super::tree::{self, map, Key, Node};
use super::FastMap;
use crate::intent::{IpAddressType, Protocol};
use crate::plan::text::concat;
use crate::plan::{Action, Direction, InputKind, Peer, Plan, SecurityGroup, SecurityGroupRule};
use ipnet::IpNet;
use std::borrow::Cow;

/// The egress rule AWS CDK declares for `allowAllOutbound: false`: ICMP type 252 code 86
/// to the broadcast address matches nothing.
pub fn no_traffic_placeholder() -> Node<'static> {
    map! {
        "CidrIp" => "255.255.255.255/32",
        "Description" => "Disallow all traffic",
        "IpProtocol" => "icmp",
        "FromPort" => 252i64,
        "ToPort" => 86i64,
    }
}

fn borrowed(s: &str) -> Node<'_> {
    Node::Str(Cow::Borrowed(s))
}

fn r#ref(id: &str) -> Node<'_> {
    Node::Ref(Cow::Borrowed(id))
}

fn input_or<'a>(
    plan: &'a Plan,
    kind: InputKind,
    subject: Option<&str>,
    known: Option<&'a str>,
) -> Node<'a> {
    match known {
        Some(id) => borrowed(id),
        None => plan
            .input(kind, subject)
            .map_or(Node::Null, |i| r#ref(&i.logical_id)),
    }
}

fn vpc_id(plan: &Plan) -> Node<'_> {
    input_or(plan, InputKind::VpcId, None, plan.vpc.id.as_deref())
}

fn subnet_id<'a>(plan: &'a Plan, name: &str) -> Node<'a> {
    input_or(
        plan,
        InputKind::SubnetId,
        Some(name),
        plan.known_subnet_id(name),
    )
}

fn acl_id<'a>(plan: &'a Plan, key: &str) -> Node<'a> {
    input_or(
        plan,
        InputKind::NetworkAclId,
        Some(key),
        plan.known_acl_id(key),
    )
}

/// Security groups by key: rules look groups up thousands of times in large plans.
pub type Groups<'a> = FastMap<&'a str, &'a SecurityGroup>;

pub fn groups(plan: &Plan) -> Groups<'_> {
    plan.security_groups
        .iter()
        .map(|g| (g.key.as_str(), g))
        .collect()
}

pub fn sg_id<'a>(groups: &Groups<'a>, key: &str) -> Node<'a> {
    match groups.get(key) {
        Some(g) => match &g.id {
            Some(id) => borrowed(id),
            None => Node::GetAtt(Cow::Borrowed(&g.logical_id), Cow::Borrowed("GroupId")),
        },
        None => Node::Null,
    }
}

fn endpoint_id(plan: &Plan) -> Node<'_> {
    match &plan.endpoint.id {
        Some(id) => borrowed(id),
        None => r#ref(ENDPOINT),
    }
}

pub const ENDPOINT: &str = "ClientVpnEndpoint";

fn tags(name: &str) -> Node<'_> {
    Node::Seq(vec![
        map! { "Key" => "Name", "Value" => name },
        map! { "Key" => "ManagedBy", "Value" => "shibori" },
    ])
}

/// `IpProtocol` of a rule: ICMP towards an IPv6 peer is ICMPv6, by the name AWS documents
/// as honouring the type and code (`icmpv6`; a number other than the named ones allows
/// every port).
fn ip_protocol(r: &SecurityGroupRule) -> &'static str {
    if r.is_icmpv6() {
        return "icmpv6";
    }
    match r.protocol {
        Protocol::Tcp => "tcp",
        Protocol::Udp => "udp",
        Protocol::Icmp => "icmp",
        Protocol::All => "-1",
    }
}

pub fn parameter_type(kind: InputKind) -> &'static str {
    match kind {
        InputKind::VpcId => "AWS::EC2::VPC::Id",
        InputKind::SubnetId => "AWS::EC2::Subnet::Id",
        _ => "String",
    }
}

type Entries<'a> = Vec<(Key<'a>, Node<'a>)>;

fn parameters(plan: &Plan) -> Entries<'_> {
    let mut m = Vec::with_capacity(plan.inputs.len());
    for i in &plan.inputs {
        let ty = parameter_type(i.kind);
        let mut p = vec![
            (Cow::Borrowed("Type"), Node::from(ty)),
            (Cow::Borrowed("Description"), borrowed(&i.description)),
        ];
        if ty == "String" {
            p.push((
                Cow::Borrowed("AllowedPattern"),
                Node::from(i.kind.pattern()),
            ));
            p.push((
                Cow::Borrowed("ConstraintDescription"),
                Node::from(format!("must be {}", i.kind.format_hint())),
            ));
        }
        m.push((Cow::Borrowed(i.logical_id.as_str()), Node::Map(p)));
    }
    tree::dedup(&mut m);
    m
}

fn resource<'a>(ty: &'static str, properties: Entries<'a>) -> Node<'a> {
    map! { "Type" => ty, "Properties" => Node::Map(properties) }
}

/// A resource's `Metadata` telling cfn-lint to skip checks that predate what AWS accepts
/// (docs/semantics.md#renderers).
fn cfn_lint_ignore(checks: &[&'static str]) -> Node<'static> {
    map! { "cfn-lint" => map! { "config" => map! {
        "ignore_checks" => Node::Seq(checks.iter().map(|c| Node::from(*c)).collect()),
    } } }
}

/// An ICMPv6 rule's FromPort is its type and ToPort -1 any code, as for ICMP. cfn-lint's
/// E3688 ("both -1 when one is") exempts only ICMP, and its W3687 claims ICMPv6 ignores
/// ports, which AWS documents otherwise (the type and code filter, as for ICMP).
const LINT_ICMPV6_PORTS: &[&str] = &["E3688", "W3687"];

/// cfn-lint's schema gives `AWS::EC2::ClientVpnRoute.DestinationCidrBlock` the IPv4 format
/// (E3002); Client VPN routes take IPv6 destinations too.
const LINT_IPV6_ROUTE: &[&str] = &["E3002"];

fn resources(plan: &Plan) -> Entries<'_> {
    let groups = groups(plan);
    // The security group resources and the rest are independent: built side by side,
    // joined in document order.
    let (mut m, rest) = crate::parallel::join(
        || security_group_resources(plan, &groups),
        || network_resources(plan, &groups),
    );
    m.extend(rest);
    tree::dedup(&mut m);
    m
}

/// Created security groups and every security group rule.
fn security_group_resources<'a>(plan: &'a Plan, groups: &Groups<'a>) -> Entries<'a> {
    let mut m: Entries =
        Vec::with_capacity(plan.security_groups.len() + plan.security_group_rules.len());
    for g in plan.security_groups.iter().filter(|g| g.id.is_none()) {
        m.push((
            Cow::Borrowed(g.logical_id.as_str()),
            map! {
                "Type" => "AWS::EC2::SecurityGroup",
                "Properties" => map! {
                    "GroupName" => g.name.as_str(),
                    "GroupDescription" => g.description.as_str(),
                    "VpcId" => g.vpc_id.as_deref().map_or_else(|| vpc_id(plan), borrowed),
                    "SecurityGroupEgress" => Node::Seq(vec![no_traffic_placeholder()]),
                    "Tags" => tags(&g.name),
                },
            },
        ));
    }
    for r in &plan.security_group_rules {
        let mut p: Entries = Vec::with_capacity(7);
        p.push(("GroupId".into(), sg_id(groups, &r.security_group)));
        p.push(("IpProtocol".into(), ip_protocol(r).into()));
        if r.protocol != Protocol::All {
            p.push(("FromPort".into(), r.from_port.into()));
            p.push(("ToPort".into(), r.to_port.into()));
        }
        let (ty, sg_key) = match r.direction {
            Direction::Ingress => ("AWS::EC2::SecurityGroupIngress", "SourceSecurityGroupId"),
            Direction::Egress => (
                "AWS::EC2::SecurityGroupEgress",
                "DestinationSecurityGroupId",
            ),
        };
        match &r.peer {
            Peer::Cidr(c @ IpNet::V4(_)) => p.push(("CidrIp".into(), c.to_string().into())),
            Peer::Cidr(c @ IpNet::V6(_)) => p.push(("CidrIpv6".into(), c.to_string().into())),
            Peer::SecurityGroup(k) => p.push((sg_key.into(), sg_id(groups, k))),
        };
        p.push(("Description".into(), borrowed(&r.description)));
        let res = if r.is_icmpv6() {
            map! {
                "Type" => ty,
                "Metadata" => cfn_lint_ignore(LINT_ICMPV6_PORTS),
                "Properties" => Node::Map(p),
            }
        } else {
            resource(ty, p)
        };
        m.push((Cow::Borrowed(r.logical_id.as_str()), res));
    }
    m
}

/// NACL entries, the endpoint and its associations, authorization rules and routes.
fn network_resources<'a>(plan: &'a Plan, groups: &Groups<'a>) -> Entries<'a> {
    let mut m: Entries = Vec::with_capacity(
        plan.nacl_entries.len()
            + plan.associations.len()
            + plan.authorization_rules.len()
            + plan.routes.len()
            + 1,
    );
    for e in &plan.nacl_entries {
        let mut p: Entries = Vec::with_capacity(8);
        p.push(("NetworkAclId".into(), acl_id(plan, &e.network_acl)));
        p.push(("RuleNumber".into(), e.rule_number.into()));
        p.push(("Protocol".into(), Node::Int(e.protocol_number().into())));
        p.push((
            "RuleAction".into(),
            match e.action {
                Action::Allow => "allow",
                Action::Deny => "deny",
            }
            .into(),
        ));
        p.push(("Egress".into(), e.egress.into()));
        let cidr_key = match e.cidr {
            IpNet::V4(_) => "CidrBlock",
            IpNet::V6(_) => "Ipv6CidrBlock",
        };
        p.push((cidr_key.into(), e.cidr.to_string().into()));
        if let Some(ports) = e.ports {
            p.push((
                "PortRange".into(),
                map! { "From" => ports.from, "To" => ports.to },
            ));
        }
        if let Some(t) = e.icmp_type {
            p.push(("Icmp".into(), map! { "Code" => -1i64, "Type" => t }));
        }
        m.push((
            Cow::Borrowed(e.logical_id.as_str()),
            resource("AWS::EC2::NetworkAclEntry", p),
        ));
    }
    if plan.endpoint.id.is_none() {
        m.push((Cow::Borrowed(ENDPOINT), endpoint(plan, groups)));
        for a in &plan.associations {
            m.push((
                Cow::Borrowed(a.logical_id.as_str()),
                map! {
                    "Type" => "AWS::EC2::ClientVpnTargetNetworkAssociation",
                    "Properties" => map! {
                        "ClientVpnEndpointId" => endpoint_id(plan),
                        "SubnetId" => subnet_id(plan, &a.target_network),
                    },
                },
            ));
        }
    }
    for r in &plan.authorization_rules {
        let mut p: Entries = Vec::with_capacity(4);
        p.push(("ClientVpnEndpointId".into(), endpoint_id(plan)));
        p.push(("TargetNetworkCidr".into(), r.cidr.to_string().into()));
        match &r.group {
            Some(g) => p.push(("AccessGroupId".into(), borrowed(g))),
            None => p.push(("AuthorizeAllGroups".into(), true.into())),
        };
        p.push(("Description".into(), borrowed(&r.description)));
        m.push((
            Cow::Borrowed(r.logical_id.as_str()),
            resource("AWS::EC2::ClientVpnAuthorizationRule", p),
        ));
    }
    // Association of each target network, for the routes' DependsOn.
    let associations: FastMap<&str, &str> = plan
        .associations
        .iter()
        .rev()
        .map(|a| (a.target_network.as_str(), a.logical_id.as_str()))
        .collect();
    for r in &plan.routes {
        let mut res: Entries = Vec::with_capacity(4);
        res.push(("Type".into(), "AWS::EC2::ClientVpnRoute".into()));
        // The route's subnet must be associated before the route can be created.
        if let Some(a) = r
            .target_network
            .as_deref()
            .and_then(|t| associations.get(t))
        {
            res.push(("DependsOn".into(), borrowed(a)));
        }
        if let IpNet::V6(_) = r.cidr {
            res.push(("Metadata".into(), cfn_lint_ignore(LINT_IPV6_ROUTE)));
        }
        let mut p: Entries = Vec::with_capacity(4);
        p.push(("ClientVpnEndpointId".into(), endpoint_id(plan)));
        p.push(("DestinationCidrBlock".into(), r.cidr.to_string().into()));
        // A transit gateway attachment's routes have no target subnet.
        if let Some(t) = &r.target_network {
            p.push(("TargetVpcSubnetId".into(), subnet_id(plan, t)));
        }
        p.push(("Description".into(), borrowed(&r.description)));
        res.push(("Properties".into(), Node::Map(p)));
        m.push((Cow::Borrowed(r.logical_id.as_str()), Node::Map(res)));
    }
    m
}

fn endpoint<'a>(plan: &'a Plan, groups: &Groups<'a>) -> Node<'a> {
    let e = &plan.endpoint;
    let credential = |kind| input_or(plan, kind, None, None);
    let auth = match e.authentication.as_str() {
        "certificate" => map! {
            "Type" => "certificate-authentication",
            "MutualAuthentication" => map! {
                "ClientRootCertificateChainArn" => credential(InputKind::ClientRootCertificateChainArn),
            },
        },
        "active-directory" => map! {
            "Type" => "directory-service-authentication",
            "ActiveDirectory" => map! { "DirectoryId" => credential(InputKind::ActiveDirectoryId) },
        },
        _ => map! {
            "Type" => "federated-authentication",
            "FederatedAuthentication" => map! {
                "SAMLProviderArn" => credential(InputKind::SamlProviderArn),
            },
        },
    };
    let log = match &e.connection_log {
        None => map! { "Enabled" => false },
        Some(l) => {
            let mut o: Entries = vec![
                ("Enabled".into(), true.into()),
                ("CloudwatchLogGroup".into(), borrowed(&l.group)),
            ];
            if let Some(s) = &l.stream {
                o.push(("CloudwatchLogStream".into(), borrowed(s)));
            }
            Node::Map(o)
        }
    };
    let mut p: Entries = Vec::with_capacity(20);
    p.push(("Description".into(), borrowed(&e.description)));
    if let Some(c) = e.client_cidr {
        p.push(("ClientCidrBlock".into(), c.to_string().into()));
    }
    // Written only when not AWS's default (ipv4), so IPv4 templates stay as they were.
    if e.ip_address_type != IpAddressType::Ipv4 {
        p.push((
            "EndpointIpAddressType".into(),
            e.ip_address_type.as_str().into(),
        ));
    }
    if e.traffic_ip_address_type != IpAddressType::Ipv4 {
        p.push((
            "TrafficIpAddressType".into(),
            e.traffic_ip_address_type.as_str().into(),
        ));
    }
    p.push((
        "ServerCertificateArn".into(),
        credential(InputKind::ServerCertificateArn),
    ));
    p.push(("AuthenticationOptions".into(), Node::Seq(vec![auth])));
    p.push(("ConnectionLogOptions".into(), log));
    p.push(("SplitTunnel".into(), e.split_tunnel.into()));
    p.push(("TransportProtocol".into(), borrowed(&e.transport)));
    p.push(("VpnPort".into(), e.vpn_port.into()));
    match (&e.transit_gateway, &e.security_group) {
        // Attached to a transit gateway: no VPC, no security groups.
        (Some(tgw), _) => p.push((
            "TransitGatewayConfiguration".into(),
            map! {
                "TransitGatewayId" => tgw.id.as_str(),
                "AvailabilityZones" => Node::Seq(tgw.availability_zones.iter().map(|z| borrowed(z)).collect()),
            },
        )),
        (None, sg) => {
            p.push(("VpcId".into(), vpc_id(plan)));
            p.push((
                "SecurityGroupIds".into(),
                Node::Seq(vec![sg_id(groups, sg.as_deref().unwrap_or_default())]),
            ));
        }
    }
    if !e.dns_servers.is_empty() {
        p.push((
            "DnsServers".into(),
            Node::Seq(e.dns_servers.iter().map(|s| borrowed(s)).collect()),
        ));
    }
    if let Some(h) = e.session_timeout_hours {
        p.push(("SessionTimeoutHours".into(), h.into()));
    }
    if let Some(d) = e.disconnect_on_session_timeout {
        p.push(("DisconnectOnSessionTimeout".into(), d.into()));
    }
    if let Some(s) = e.self_service_portal {
        p.push((
            "SelfServicePortal".into(),
            if s { "enabled" } else { "disabled" }.into(),
        ));
    }
    if let Some(text) = &e.client_login_banner {
        p.push((
            "ClientLoginBannerOptions".into(),
            map! { "Enabled" => true, "BannerText" => text.as_str() },
        ));
    }
    if let Some(arn) = &e.client_connect_handler {
        p.push((
            "ClientConnectOptions".into(),
            map! { "Enabled" => true, "LambdaFunctionArn" => arn.as_str() },
        ));
    }
    if let Some(enforced) = e.client_route_enforcement {
        p.push((
            "ClientRouteEnforcementOptions".into(),
            map! { "Enforced" => enforced },
        ));
    }
    p.push((
        "TagSpecifications".into(),
        Node::Seq(vec![map! {
            "ResourceType" => "client-vpn-endpoint",
            "Tags" => tags(&e.name),
        }]),
    ));
    resource("AWS::EC2::ClientVpnEndpoint", p)
}

fn outputs(plan: &Plan) -> Entries<'_> {
    let groups = groups(plan);
    let mut m: Entries = Vec::with_capacity(1 + plan.security_groups.len() + plan.targets.len());
    m.push((
        "ClientVpnEndpointId".into(),
        map! { "Description" => "ID of the Client VPN endpoint", "Value" => endpoint_id(plan) },
    ));
    for g in &plan.security_groups {
        m.push((
            Cow::Owned(concat(&[&g.logical_id, "Id"])),
            map! {
                "Description" => concat(&["ID of security group `", g.id.as_deref().unwrap_or(&g.name), "`"]),
                "Value" => sg_id(&groups, &g.key),
            },
        ));
    }
    for t in &plan.targets {
        if let Some(k) = &t.security_group {
            m.push((
                Cow::Owned(concat(&[&t.logical_id, "SecurityGroupId"])),
                map! {
                    "Description" => concat(&["Security group the instances of target `", &t.name, "` must carry"]),
                    "Value" => sg_id(&groups, k),
                },
            ));
        }
    }
    tree::dedup(&mut m);
    m
}

/// The whole template (also the `cdk-json` artifact).
pub fn template(plan: &Plan) -> Node<'_> {
    let mut t: Entries = Vec::with_capacity(5);
    t.push(("AWSTemplateFormatVersion".into(), "2010-09-09".into()));
    t.push((
        "Description".into(),
        format!(
            "Client VPN access rules for {} (generated by shibori from its intent; edit the intent, not this file)",
            plan.name
        )
        .into(),
    ));
    let params = parameters(plan);
    if !params.is_empty() {
        t.push(("Parameters".into(), Node::Map(params)));
    }
    t.push(("Resources".into(), Node::Map(resources(plan))));
    t.push(("Outputs".into(), Node::Map(outputs(plan))));
    Node::Map(t)
}
