//! `cloudformation`: the plan as one CloudFormation template (long-form intrinsics, so the
//! same tree serializes to YAML here and to JSON for `cdk-json`).
//!
//! Every security group shibori creates declares the CDK "no traffic" egress placeholder
//! inline: without an inline egress rule CloudFormation keeps EC2's default allow-all
//! egress, which the plan never asks for (and which would make a separate all-traffic
//! egress rule fail as a duplicate). All of the plan's rules are separate
//! `SecurityGroupIngress`/`SecurityGroupEgress` resources, so groups never reference each
//! other circularly.

use super::{RenderError, RenderedFile};
use crate::intent::Protocol;
use crate::plan::{Direction, InputKind, Peer, Plan, SecurityGroup};
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::path::PathBuf;

/// The egress rule AWS CDK declares for `allowAllOutbound: false`: ICMP type 252 code 86
/// to the broadcast address matches nothing.
pub fn no_traffic_placeholder() -> Value {
    json!({
        "CidrIp": "255.255.255.255/32",
        "Description": "Disallow all traffic",
        "IpProtocol": "icmp",
        "FromPort": 252,
        "ToPort": 86
    })
}

pub fn render(plan: &Plan) -> Result<Vec<RenderedFile>, RenderError> {
    super::nested::stacks(plan, ".yaml")
        .into_iter()
        .map(|s| {
            Ok(RenderedFile {
                path: PathBuf::from(format!("{}.yaml", s.stem)),
                contents: serde_yaml::to_string(&s.template)
                    .map_err(|e| RenderError::Yaml(e.to_string()))?,
            })
        })
        .collect()
}

fn r#ref(id: &str) -> Value {
    json!({ "Ref": id })
}

fn get_att(id: &str, attr: &str) -> Value {
    json!({ "Fn::GetAtt": [id, attr] })
}

fn input_or(plan: &Plan, kind: InputKind, subject: Option<&str>, known: Option<&str>) -> Value {
    match known {
        Some(id) => Value::String(id.to_string()),
        None => plan
            .inputs
            .iter()
            .find(|i| i.kind == kind && i.subject.as_deref() == subject)
            .map_or(Value::Null, |i| r#ref(&i.logical_id)),
    }
}

fn vpc_id(plan: &Plan) -> Value {
    input_or(plan, InputKind::VpcId, None, plan.vpc.id.as_deref())
}

fn subnet_id(plan: &Plan, name: &str) -> Value {
    input_or(
        plan,
        InputKind::SubnetId,
        Some(name),
        plan.known_subnet_id(name),
    )
}

fn acl_id(plan: &Plan, key: &str) -> Value {
    input_or(
        plan,
        InputKind::NetworkAclId,
        Some(key),
        plan.known_acl_id(key),
    )
}

/// Security groups by key: rules look groups up thousands of times in large plans.
pub type Groups<'a> = HashMap<&'a str, &'a SecurityGroup>;

pub fn groups(plan: &Plan) -> Groups<'_> {
    plan.security_groups
        .iter()
        .map(|g| (g.key.as_str(), g))
        .collect()
}

pub fn sg_id(groups: &Groups, key: &str) -> Value {
    match groups.get(key) {
        Some(g) => match &g.id {
            Some(id) => Value::String(id.clone()),
            None => get_att(&g.logical_id, "GroupId"),
        },
        None => Value::Null,
    }
}

fn endpoint_id(plan: &Plan) -> Value {
    match &plan.endpoint.id {
        Some(id) => Value::String(id.clone()),
        None => r#ref(ENDPOINT),
    }
}

pub const ENDPOINT: &str = "ClientVpnEndpoint";

fn tags(name: &str) -> Value {
    json!([
        { "Key": "Name", "Value": name },
        { "Key": "ManagedBy", "Value": "shibori" }
    ])
}

fn ip_protocol(p: Protocol) -> &'static str {
    match p {
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

fn parameters(plan: &Plan) -> Map<String, Value> {
    let mut m = Map::new();
    for i in &plan.inputs {
        let mut p = Map::new();
        p.insert("Type".into(), parameter_type(i.kind).into());
        p.insert("Description".into(), i.description.clone().into());
        if parameter_type(i.kind) == "String" {
            p.insert("AllowedPattern".into(), i.kind.pattern().into());
            p.insert(
                "ConstraintDescription".into(),
                format!("must be {}", i.kind.format_hint()).into(),
            );
        }
        m.insert(i.logical_id.clone(), Value::Object(p));
    }
    m
}

fn resources(plan: &Plan) -> Map<String, Value> {
    let groups = groups(plan);
    let mut m = Map::new();
    for g in plan.security_groups.iter().filter(|g| g.id.is_none()) {
        m.insert(
            g.logical_id.clone(),
            json!({
                "Type": "AWS::EC2::SecurityGroup",
                "Properties": {
                    "GroupName": g.name,
                    "GroupDescription": g.description,
                    "VpcId": vpc_id(plan),
                    "SecurityGroupEgress": [no_traffic_placeholder()],
                    "Tags": tags(&g.name)
                }
            }),
        );
    }
    for r in &plan.security_group_rules {
        let mut p = Map::new();
        p.insert("GroupId".into(), sg_id(&groups, &r.security_group));
        p.insert("IpProtocol".into(), ip_protocol(r.protocol).into());
        if r.protocol != Protocol::All {
            p.insert("FromPort".into(), r.from_port.into());
            p.insert("ToPort".into(), r.to_port.into());
        }
        let (ty, cidr_key, sg_key) = match r.direction {
            Direction::Ingress => (
                "AWS::EC2::SecurityGroupIngress",
                "CidrIp",
                "SourceSecurityGroupId",
            ),
            Direction::Egress => (
                "AWS::EC2::SecurityGroupEgress",
                "CidrIp",
                "DestinationSecurityGroupId",
            ),
        };
        match &r.peer {
            Peer::Cidr(c) => p.insert(cidr_key.into(), c.to_string().into()),
            Peer::SecurityGroup(k) => p.insert(sg_key.into(), sg_id(&groups, k)),
        };
        p.insert("Description".into(), r.description.clone().into());
        m.insert(
            r.logical_id.clone(),
            json!({ "Type": ty, "Properties": Value::Object(p) }),
        );
    }
    for e in &plan.nacl_entries {
        let mut p = Map::new();
        p.insert("NetworkAclId".into(), acl_id(plan, &e.network_acl));
        p.insert("RuleNumber".into(), e.rule_number.into());
        p.insert("Protocol".into(), e.protocol.number().into());
        p.insert("RuleAction".into(), "allow".into());
        p.insert("Egress".into(), e.egress.into());
        p.insert("CidrBlock".into(), e.cidr.to_string().into());
        if let Some(ports) = e.ports {
            p.insert(
                "PortRange".into(),
                json!({ "From": ports.from, "To": ports.to }),
            );
        }
        if let Some(t) = e.icmp_type {
            p.insert("Icmp".into(), json!({ "Code": -1, "Type": t }));
        }
        m.insert(
            e.logical_id.clone(),
            json!({ "Type": "AWS::EC2::NetworkAclEntry", "Properties": Value::Object(p) }),
        );
    }
    if plan.endpoint.id.is_none() {
        m.insert(ENDPOINT.into(), endpoint(plan));
        for a in &plan.associations {
            m.insert(
                a.logical_id.clone(),
                json!({
                    "Type": "AWS::EC2::ClientVpnTargetNetworkAssociation",
                    "Properties": {
                        "ClientVpnEndpointId": endpoint_id(plan),
                        "SubnetId": subnet_id(plan, &a.target_network)
                    }
                }),
            );
        }
    }
    for r in &plan.authorization_rules {
        let mut p = Map::new();
        p.insert("ClientVpnEndpointId".into(), endpoint_id(plan));
        p.insert("TargetNetworkCidr".into(), r.cidr.to_string().into());
        match &r.group {
            Some(g) => p.insert("AccessGroupId".into(), g.clone().into()),
            None => p.insert("AuthorizeAllGroups".into(), true.into()),
        };
        p.insert("Description".into(), r.description.clone().into());
        m.insert(
            r.logical_id.clone(),
            json!({ "Type": "AWS::EC2::ClientVpnAuthorizationRule", "Properties": Value::Object(p) }),
        );
    }
    for r in &plan.routes {
        let mut res = Map::new();
        res.insert("Type".into(), "AWS::EC2::ClientVpnRoute".into());
        // The route's subnet must be associated before the route can be created.
        if let Some(a) = plan
            .associations
            .iter()
            .find(|a| a.target_network == r.target_network)
        {
            res.insert("DependsOn".into(), a.logical_id.clone().into());
        }
        res.insert(
            "Properties".into(),
            json!({
                "ClientVpnEndpointId": endpoint_id(plan),
                "DestinationCidrBlock": r.cidr.to_string(),
                "TargetVpcSubnetId": subnet_id(plan, &r.target_network),
                "Description": r.description
            }),
        );
        m.insert(r.logical_id.clone(), Value::Object(res));
    }
    m
}

fn endpoint(plan: &Plan) -> Value {
    let groups = groups(plan);
    let e = &plan.endpoint;
    let credential = |kind| input_or(plan, kind, None, None);
    let auth = match e.authentication.as_str() {
        "certificate" => json!({
            "Type": "certificate-authentication",
            "MutualAuthentication": {
                "ClientRootCertificateChainArn": credential(InputKind::ClientRootCertificateChainArn)
            }
        }),
        "active-directory" => json!({
            "Type": "directory-service-authentication",
            "ActiveDirectory": { "DirectoryId": credential(InputKind::ActiveDirectoryId) }
        }),
        _ => json!({
            "Type": "federated-authentication",
            "FederatedAuthentication": { "SAMLProviderArn": credential(InputKind::SamlProviderArn) }
        }),
    };
    let log = match &e.connection_log {
        None => json!({ "Enabled": false }),
        Some(l) => {
            let mut o = Map::new();
            o.insert("Enabled".into(), true.into());
            o.insert("CloudwatchLogGroup".into(), l.group.clone().into());
            if let Some(s) = &l.stream {
                o.insert("CloudwatchLogStream".into(), s.clone().into());
            }
            Value::Object(o)
        }
    };
    let mut p = Map::new();
    p.insert("Description".into(), e.description.clone().into());
    p.insert("ClientCidrBlock".into(), e.client_cidr.to_string().into());
    p.insert(
        "ServerCertificateArn".into(),
        credential(InputKind::ServerCertificateArn),
    );
    p.insert("AuthenticationOptions".into(), json!([auth]));
    p.insert("ConnectionLogOptions".into(), log);
    p.insert("SplitTunnel".into(), e.split_tunnel.into());
    p.insert("TransportProtocol".into(), e.transport.clone().into());
    p.insert("VpnPort".into(), e.vpn_port.into());
    p.insert("VpcId".into(), vpc_id(plan));
    p.insert(
        "SecurityGroupIds".into(),
        json!([sg_id(&groups, &e.security_group)]),
    );
    if !e.dns_servers.is_empty() {
        p.insert("DnsServers".into(), json!(e.dns_servers));
    }
    if let Some(h) = e.session_timeout_hours {
        p.insert("SessionTimeoutHours".into(), h.into());
    }
    if let Some(d) = e.disconnect_on_session_timeout {
        p.insert("DisconnectOnSessionTimeout".into(), d.into());
    }
    if let Some(s) = e.self_service_portal {
        p.insert(
            "SelfServicePortal".into(),
            if s { "enabled" } else { "disabled" }.into(),
        );
    }
    if let Some(text) = &e.client_login_banner {
        p.insert(
            "ClientLoginBannerOptions".into(),
            json!({ "Enabled": true, "BannerText": text }),
        );
    }
    if let Some(arn) = &e.client_connect_handler {
        p.insert(
            "ClientConnectOptions".into(),
            json!({ "Enabled": true, "LambdaFunctionArn": arn }),
        );
    }
    if let Some(enforced) = e.client_route_enforcement {
        p.insert(
            "ClientRouteEnforcementOptions".into(),
            json!({ "Enforced": enforced }),
        );
    }
    p.insert(
        "TagSpecifications".into(),
        json!([{ "ResourceType": "client-vpn-endpoint", "Tags": tags(&e.name) }]),
    );
    json!({ "Type": "AWS::EC2::ClientVpnEndpoint", "Properties": Value::Object(p) })
}

fn outputs(plan: &Plan) -> Map<String, Value> {
    let groups = groups(plan);
    let mut m = Map::new();
    m.insert(
        "ClientVpnEndpointId".into(),
        json!({ "Description": "ID of the Client VPN endpoint", "Value": endpoint_id(plan) }),
    );
    for g in &plan.security_groups {
        m.insert(
            format!("{}Id", g.logical_id),
            json!({
                "Description": format!("ID of security group `{}`", g.id.as_deref().unwrap_or(&g.name)),
                "Value": sg_id(&groups, &g.key)
            }),
        );
    }
    for t in &plan.targets {
        if let Some(k) = &t.security_group {
            m.insert(
                format!("{}SecurityGroupId", t.logical_id),
                json!({
                    "Description": format!("Security group the instances of target `{}` must carry", t.name),
                    "Value": sg_id(&groups, k)
                }),
            );
        }
    }
    m
}

/// The whole template as a JSON value (also the `cdk-json` artifact).
pub fn template(plan: &Plan) -> Value {
    let mut t = Map::new();
    t.insert("AWSTemplateFormatVersion".into(), "2010-09-09".into());
    t.insert(
        "Description".into(),
        format!(
            "Client VPN access rules for {} (generated by shibori from its intent; edit the intent, not this file)",
            plan.name
        )
        .into(),
    );
    let params = parameters(plan);
    if !params.is_empty() {
        t.insert("Parameters".into(), Value::Object(params));
    }
    t.insert("Resources".into(), Value::Object(resources(plan)));
    t.insert("Outputs".into(), Value::Object(outputs(plan)));
    Value::Object(t)
}
