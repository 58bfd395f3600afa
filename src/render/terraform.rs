//! `terraform`: the plan as a Terraform module. Every rule-bearing resource iterates a
//! `locals` map keyed by the plan's rule keys (`for_each`, never `count`), so a changed
//! intent changes only the entries it touches. Rule attributes are literals, `var.*`,
//! `each.*` or resource references — never function calls — so readers can evaluate
//! them without a Terraform runtime.

use super::cloudformation::{groups as index_groups, Groups};
use super::escape::markdown_cell;
use super::hcl::{Block, Expr, File, Item, Text};
use super::{FastMap, RenderError, RenderedFile};
use crate::intent::{IpAddressType, Protocol};
use crate::plan::{Action, Direction, InputKind, Peer, Plan, SecurityGroupRule};
use ipnet::IpNet;
use serde::Serialize;
use std::borrow::Cow;
use std::path::PathBuf;

pub const SG: &str = "aws_security_group.this";
pub const ENDPOINT: &str = "aws_ec2_client_vpn_endpoint.this";
const ENDPOINT_ID: &str = "aws_ec2_client_vpn_endpoint.this.id";
pub const ASSOCIATION: &str = "aws_ec2_client_vpn_network_association.this";

/// The module in the syntax-neutral model, plus what the README documents.
pub struct Module<'a> {
    pub files: Vec<(&'static str, File<'a>)>,
    pub variables: Vec<DocVariable>,
    pub outputs: Vec<DocOutput>,
}

#[derive(Serialize)]
pub struct DocVariable {
    name: String,
    description: String,
    type_: String,
    default: String,
    required: bool,
}

#[derive(Serialize)]
pub struct DocOutput {
    name: String,
    description: String,
}

pub fn render(plan: &Plan) -> Result<Vec<RenderedFile>, RenderError> {
    let module = module(plan);
    let mut files: Vec<RenderedFile> = module
        .files
        .iter()
        .map(|(name, f)| RenderedFile {
            path: PathBuf::from(format!("{name}.tf")),
            contents: f.to_hcl(),
        })
        .collect();
    files.push(RenderedFile {
        path: PathBuf::from("README.md"),
        contents: readme(plan, &module, "terraform")?,
    });
    Ok(files)
}

pub fn module(plan: &Plan) -> Module<'_> {
    let mut m = Module {
        files: Vec::new(),
        variables: Vec::new(),
        outputs: Vec::new(),
    };
    m.files.push(("versions", versions(plan)));
    let variables = variables(plan, &mut m.variables);
    m.files.push(("variables", variables));
    m.files.push(("security_groups", security_groups(plan)));
    m.files.push(("network_acls", network_acls(plan)));
    m.files.push(("client_vpn", client_vpn(plan)));
    let outputs = outputs(plan, &mut m.outputs);
    m.files.push(("outputs", outputs));
    m
}

/// The hashicorp/aws release that a transit gateway attachment needs: routes without
/// `target_vpc_subnet_id` (hashicorp/terraform-provider-aws pull request 49274, merged
/// 2026-08-09, `internal/service/ec2/vpnclient_route.go`); it comes after
/// `transit_gateway_configuration` on `aws_ec2_client_vpn_endpoint` (pull request 47635,
/// merged 2026-05-04, `internal/service/ec2/vpnclient_endpoint.go`). The number is the
/// first weekly release after that merge; see `docs/transit-gateway.md`.
pub const TRANSIT_GATEWAY_PROVIDER: &str = ">= 6.59";

/// The hashicorp/aws release whose `aws_ec2_client_vpn_endpoint` takes
/// `endpoint_ip_address_type` and `traffic_ip_address_type` and no longer requires
/// `client_cidr_block` (hashicorp/terraform-provider-aws pull request 44059, in 6.11.0).
pub const ADDRESS_TYPES_PROVIDER: &str = ">= 6.11";

/// The hashicorp/aws release whose `aws_ec2_client_vpn_route` accepts an IPv6
/// `destination_cidr_block` (pull request 44926, in 6.20.0; the same change documents IPv6
/// `target_network_cidr` on authorization rules). It comes after
/// [`ADDRESS_TYPES_PROVIDER`], which an IPv6 route needs anyway.
pub const IPV6_ROUTES_PROVIDER: &str = ">= 6.20";

/// Does the endpoint carry `endpoint_ip_address_type` or `traffic_ip_address_type`? Only
/// when one differs from AWS's default (ipv4).
fn writes_address_types(plan: &Plan) -> bool {
    let e = &plan.endpoint;
    e.ip_address_type != IpAddressType::Ipv4 || e.traffic_ip_address_type != IpAddressType::Ipv4
}

/// The oldest hashicorp/aws release that knows every argument the module uses:
/// `client_route_enforcement_options` and `disconnect_on_session_timeout` are recent
/// (both present in 5.100).
pub fn aws_provider_constraint(plan: &Plan) -> &'static str {
    let e = &plan.endpoint;
    let creates = e.id.is_none();
    if e.transit_gateway.is_some() {
        TRANSIT_GATEWAY_PROVIDER
    } else if plan.routes.iter().any(|r| matches!(r.cidr, IpNet::V6(_)))
        || plan
            .authorization_rules
            .iter()
            .any(|r| matches!(r.cidr, IpNet::V6(_)))
    {
        IPV6_ROUTES_PROVIDER
    } else if creates && writes_address_types(plan) {
        ADDRESS_TYPES_PROVIDER
    } else if creates
        && (e.client_route_enforcement.is_some() || e.disconnect_on_session_timeout.is_some())
    {
        ">= 5.100"
    } else {
        ">= 5.0"
    }
}

fn versions(plan: &Plan) -> File<'static> {
    File {
        blocks: vec![Block::new("terraform", &[])
            .attr("required_version", Expr::str(">= 1.5"))
            .blank()
            .block(Block::new("required_providers", &[]).attr(
                "aws",
                Expr::Object(vec![
                    ("source".into(), Expr::str("hashicorp/aws")),
                    ("version".into(), Expr::str(aws_provider_constraint(plan))),
                ]),
            ))],
    }
}

// ------------------------------------------------------------ references

/// The known ID as a literal, or the variable that stands for it.
fn input_or<'a>(
    plan: &'a Plan,
    kind: InputKind,
    subject: Option<&str>,
    known: Option<&'a str>,
) -> Expr<'a> {
    match known {
        Some(id) => Expr::str(id),
        None => plan
            .input(kind, subject)
            .map_or(Expr::Null, |i| Expr::r(format!("var.{}", i.name))),
    }
}

fn vpc_id(plan: &Plan) -> Expr<'_> {
    input_or(plan, InputKind::VpcId, None, plan.vpc.id.as_deref())
}

fn subnet_id<'a>(plan: &'a Plan, name: &str) -> Expr<'a> {
    input_or(
        plan,
        InputKind::SubnetId,
        Some(name),
        plan.known_subnet_id(name),
    )
}

fn acl_id<'a>(plan: &'a Plan, key: &str) -> Expr<'a> {
    input_or(
        plan,
        InputKind::NetworkAclId,
        Some(key),
        plan.known_acl_id(key),
    )
}

fn sg_id<'a>(groups: &Groups<'a>, key: &str) -> Expr<'a> {
    match groups.get(key).copied().and_then(|g| g.id.as_deref()) {
        Some(id) => Expr::str(id),
        None => Expr::index(SG, key, "id"),
    }
}

/// [`sg_id`] of every group, worked out once: rules refer to groups thousands of times.
struct SgIds<'a> {
    groups: Groups<'a>,
    ids: FastMap<&'a str, Expr<'a>>,
}

impl<'a> SgIds<'a> {
    fn new(plan: &'a Plan) -> Self {
        let groups = index_groups(plan);
        let ids = plan
            .security_groups
            .iter()
            .map(|g| (g.key.as_str(), sg_id(&groups, &g.key)))
            .collect();
        SgIds { groups, ids }
    }

    fn get(&self, key: &str) -> Expr<'a> {
        match self.ids.get(key) {
            Some(e) => e.clone(),
            None => sg_id(&self.groups, key),
        }
    }
}

fn endpoint_id(plan: &Plan) -> Expr<'_> {
    match &plan.endpoint.id {
        Some(id) => Expr::str(id),
        None => Expr::r(ENDPOINT_ID),
    }
}

fn tags(name: Expr<'_>) -> Expr<'_> {
    Expr::Call(
        "merge",
        vec![
            Expr::r("var.tags"),
            Expr::InlineObject(vec![
                ("Name".into(), name),
                ("ManagedBy".into(), Expr::str("shibori")),
            ]),
        ],
    )
}

fn each(attrs: &[&'static str]) -> Vec<(Text<'static>, Expr<'static>)> {
    attrs
        .iter()
        .map(|a| (Cow::Borrowed(*a), Expr::r(format!("each.value.{a}"))))
        .collect()
}

/// The caller attaches the destination groups to the targets' instances.
const CHECKOV_SKIP_SG_ATTACHMENT: &str = "checkov:skip=CKV2_AWS_5:the caller attaches these groups to the targets' instances, through the target_security_group_ids output";

fn for_each_resource<'a>(
    ty: &'static str,
    local: &str,
    body: Vec<(Text<'a>, Expr<'a>)>,
) -> Block<'a> {
    let mut b = Block::new("resource", &[ty, "this"])
        .attr("for_each", Expr::r(format!("local.{local}")))
        .blank();
    for (k, v) in body {
        b.push_attr(k, v);
    }
    b
}

fn locals<'a>(entries: Vec<(&'static str, Expr<'a>)>) -> Block<'a> {
    let mut b = Block::new("locals", &[]);
    for (k, v) in entries {
        b.push_attr(k, v);
    }
    b
}

// ------------------------------------------------------------ variables

fn variables<'a>(plan: &'a Plan, docs: &mut Vec<DocVariable>) -> File<'a> {
    let mut f = File::default();
    for i in &plan.inputs {
        docs.push(DocVariable {
            name: i.name.clone(),
            description: i.description.clone(),
            type_: "string".into(),
            default: "n/a".into(),
            required: true,
        });
        f.blocks.push(
            Block::new("variable", &[&i.name])
                .attr("description", Expr::str(&i.description))
                .attr("type", Expr::Type("string"))
                .blank()
                .block(
                    Block::new("validation", &[])
                        .attr(
                            "condition",
                            Expr::Call(
                                "can",
                                vec![Expr::Call(
                                    "regex",
                                    vec![
                                        Expr::str(i.kind.pattern()),
                                        Expr::r(format!("var.{}", i.name)),
                                    ],
                                )],
                            ),
                        )
                        .attr(
                            "error_message",
                            Expr::str(format!("{} must be {}.", i.name, i.kind.format_hint())),
                        ),
                ),
        );
    }
    let tags_description =
        "Tags for every taggable resource; shibori sets Name and ManagedBy itself";
    docs.push(DocVariable {
        name: "tags".into(),
        description: tags_description.into(),
        type_: "map(string)".into(),
        default: "{}".into(),
        required: false,
    });
    f.blocks.push(
        Block::new("variable", &["tags"])
            .attr("description", Expr::str(tags_description))
            .attr("type", Expr::Type("map(string)"))
            .attr("default", Expr::Object(Vec::new())),
    );
    f
}

// ------------------------------------------------------------ security groups

/// `ip_protocol` of a rule: ICMP towards an IPv6 peer is ICMPv6.
fn ip_protocol(r: &SecurityGroupRule) -> &'static str {
    match r.protocol {
        Protocol::Icmp if r.is_icmpv6() => "icmpv6",
        Protocol::Tcp => "tcp",
        Protocol::Udp => "udp",
        Protocol::Icmp => "icmp",
        Protocol::All => "-1",
    }
}

fn security_groups(plan: &Plan) -> File<'_> {
    let index = SgIds::new(plan);
    // Groups in several VPCs (a transit gateway attachment's further VPCs) carry their
    // VPC each; otherwise every group is in the one VPC.
    let per_vpc = plan.security_groups.iter().any(|g| g.vpc_id.is_some());
    // `cidr_ipv6` is declared only when some rule has an IPv6 peer, so IPv4 modules stay
    // as they were; then every rule carries both (one of them null).
    let ipv6 = plan.security_group_rules.iter().any(|r| r.peer.is_ipv6());
    let groups: Vec<(Text, Expr)> = plan
        .security_groups
        .iter()
        .filter(|g| g.id.is_none())
        .map(|g| {
            let mut fields = vec![
                ("name".into(), Expr::str(&g.name)),
                ("description".into(), Expr::str(&g.description)),
            ];
            if per_vpc {
                fields.push((
                    "vpc_id".into(),
                    g.vpc_id.as_deref().map_or_else(|| vpc_id(plan), Expr::str),
                ));
            }
            (Cow::Borrowed(g.key.as_str()), Expr::Object(fields))
        })
        .collect();
    let rules = |direction: Direction| -> Expr<'_> {
        Expr::Map(
            plan.security_group_rules
                .iter()
                .filter(|r| r.direction == direction)
                .map(|r| {
                    // AWS takes no ports for "all protocols".
                    let (from, to) = if r.protocol == Protocol::All {
                        (Expr::Null, Expr::Null)
                    } else {
                        (
                            Expr::Num(i64::from(r.from_port)),
                            Expr::Num(i64::from(r.to_port)),
                        )
                    };
                    let (cidr4, cidr6, peer_sg) = match &r.peer {
                        Peer::Cidr(c @ IpNet::V4(_)) => {
                            (Expr::str(c.to_string()), Expr::Null, Expr::Null)
                        }
                        Peer::Cidr(c @ IpNet::V6(_)) => {
                            (Expr::Null, Expr::str(c.to_string()), Expr::Null)
                        }
                        Peer::SecurityGroup(k) => (Expr::Null, Expr::Null, index.get(k)),
                    };
                    let mut fields = vec![
                        ("security_group_id".into(), index.get(&r.security_group)),
                        ("ip_protocol".into(), Expr::str(ip_protocol(r))),
                        ("from_port".into(), from),
                        ("to_port".into(), to),
                        ("cidr_ipv4".into(), cidr4),
                    ];
                    if ipv6 {
                        fields.push(("cidr_ipv6".into(), cidr6));
                    }
                    fields.extend([
                        ("referenced_security_group_id".into(), peer_sg),
                        ("description".into(), Expr::str(&r.description)),
                    ]);
                    (Cow::Borrowed(r.key.as_str()), Expr::Object(fields))
                })
                .collect(),
        )
    };
    let mut rule_attrs = vec![
        "security_group_id",
        "ip_protocol",
        "from_port",
        "to_port",
        "cidr_ipv4",
    ];
    if ipv6 {
        rule_attrs.push("cidr_ipv6");
    }
    rule_attrs.extend(["referenced_security_group_id", "description"]);
    let rule_resource = |ty: &'static str, local: &str| {
        let mut body = each(&rule_attrs);
        body.push(("tags".into(), tags(Expr::r("each.key"))));
        for_each_resource(ty, local, body)
    };
    let mut sg_body = if per_vpc {
        each(&["name", "description", "vpc_id"])
    } else {
        let mut body = each(&["name", "description"]);
        body.push(("vpc_id".into(), vpc_id(plan)));
        body
    };
    sg_body.push(("tags".into(), tags(Expr::r("each.value.name"))));
    File {
        blocks: vec![
            locals(vec![
                ("security_groups", Expr::Map(groups)),
                ("security_group_ingress_rules", rules(Direction::Ingress)),
                ("security_group_egress_rules", rules(Direction::Egress)),
            ]),
            // checkov's CKV2_AWS_5 ("attached to another resource") cannot see the
            // attachment: the caller attaches the destination groups to the targets'
            // instances, through the `target_security_group_ids` output.
            {
                let mut sg = for_each_resource("aws_security_group", "security_groups", sg_body);
                sg.body.insert(0, Item::Comment(CHECKOV_SKIP_SG_ATTACHMENT));
                sg
            },
            rule_resource(
                "aws_vpc_security_group_ingress_rule",
                "security_group_ingress_rules",
            ),
            rule_resource(
                "aws_vpc_security_group_egress_rule",
                "security_group_egress_rules",
            ),
        ],
    }
}

// ------------------------------------------------------------ network ACLs

fn network_acls(plan: &Plan) -> File<'_> {
    // Carve-out denies make the action vary; without them every entry allows, and the
    // module says so once.
    let any_deny = plan.nacl_entries.iter().any(|e| e.action == Action::Deny);
    // Likewise `ipv6_cidr_block` only when some entry is IPv6; then every entry carries
    // both CIDR attributes, one of them null.
    let ipv6 = plan
        .nacl_entries
        .iter()
        .any(|e| matches!(e.cidr, IpNet::V6(_)));
    let entries = plan
        .nacl_entries
        .iter()
        .map(|e| {
            let (from, to) = match e.ports {
                Some(p) => (Expr::Num(i64::from(p.from)), Expr::Num(i64::from(p.to))),
                None => (Expr::Null, Expr::Null),
            };
            let (icmp_type, icmp_code) = match e.icmp_type {
                Some(t) => (Expr::Num(i64::from(t)), Expr::Num(-1)),
                None => (Expr::Null, Expr::Null),
            };
            let mut fields = vec![
                ("network_acl_id".into(), acl_id(plan, &e.network_acl)),
                ("rule_number".into(), Expr::Num(i64::from(e.rule_number))),
                ("egress".into(), Expr::Bool(e.egress)),
                (
                    "protocol".into(),
                    Expr::str(e.protocol_number().to_string()),
                ),
            ];
            if any_deny {
                fields.push(("rule_action".into(), Expr::str(action_word(e.action))));
            }
            let (cidr4, cidr6) = match e.cidr {
                IpNet::V4(c) => (Expr::str(c.to_string()), Expr::Null),
                IpNet::V6(c) => (Expr::Null, Expr::str(c.to_string())),
            };
            fields.push(("cidr_block".into(), cidr4));
            if ipv6 {
                fields.push(("ipv6_cidr_block".into(), cidr6));
            }
            fields.extend([
                ("from_port".into(), from),
                ("to_port".into(), to),
                ("icmp_type".into(), icmp_type),
                ("icmp_code".into(), icmp_code),
            ]);
            (Cow::Borrowed(e.key.as_str()), Expr::Object(fields))
        })
        .collect();
    let mut body = each(&["network_acl_id", "rule_number", "egress", "protocol"]);
    if any_deny {
        body.extend(each(&["rule_action"]));
    } else {
        body.push(("rule_action".into(), Expr::str("allow")));
    }
    body.extend(each(&["cidr_block"]));
    if ipv6 {
        body.extend(each(&["ipv6_cidr_block"]));
    }
    body.extend(each(&["from_port", "to_port", "icmp_type", "icmp_code"]));
    File {
        blocks: vec![
            locals(vec![("network_acl_rules", Expr::Map(entries))]),
            for_each_resource("aws_network_acl_rule", "network_acl_rules", body),
        ],
    }
}

fn action_word(a: Action) -> &'static str {
    match a {
        Action::Allow => "allow",
        Action::Deny => "deny",
    }
}

// ------------------------------------------------------------ Client VPN

fn endpoint(plan: &Plan) -> Block<'_> {
    let groups = index_groups(plan);
    let e = &plan.endpoint;
    let credential = |kind| input_or(plan, kind, None, None);
    let mut b = Block::new("resource", &["aws_ec2_client_vpn_endpoint", "this"])
        .attr("description", Expr::str(&e.description))
        .attr_opt(
            "client_cidr_block",
            e.client_cidr.map(|c| Expr::str(c.to_string())),
        )
        // Written only when not AWS's default (ipv4), so IPv4 modules stay as they were.
        .attr_opt(
            "endpoint_ip_address_type",
            (e.ip_address_type != IpAddressType::Ipv4)
                .then(|| Expr::str(e.ip_address_type.as_str())),
        )
        .attr_opt(
            "traffic_ip_address_type",
            (e.traffic_ip_address_type != IpAddressType::Ipv4)
                .then(|| Expr::str(e.traffic_ip_address_type.as_str())),
        )
        .attr(
            "server_certificate_arn",
            credential(InputKind::ServerCertificateArn),
        )
        .attr("split_tunnel", Expr::Bool(e.split_tunnel))
        .attr("transport_protocol", Expr::str(&e.transport))
        .attr("vpn_port", Expr::Num(i64::from(e.vpn_port)));
    match (&e.transit_gateway, &e.security_group) {
        // Attached to a transit gateway: no VPC, no security groups.
        (Some(tgw), _) => {
            b = b.blank().block(
                Block::new("transit_gateway_configuration", &[])
                    .attr("transit_gateway_id", Expr::str(&tgw.id))
                    .attr(
                        "availability_zones",
                        Expr::List(tgw.availability_zones.iter().map(Expr::str).collect()),
                    ),
            );
        }
        (None, sg) => {
            b = b.attr("vpc_id", vpc_id(plan)).attr(
                "security_group_ids",
                Expr::List(vec![sg_id(&groups, sg.as_deref().unwrap_or_default())]),
            );
        }
    }
    if !e.dns_servers.is_empty() {
        b.push_attr(
            "dns_servers",
            Expr::List(e.dns_servers.iter().map(Expr::str).collect()),
        );
    }
    if let Some(h) = e.session_timeout_hours {
        b.push_attr("session_timeout_hours", Expr::Num(i64::from(h)));
    }
    if let Some(d) = e.disconnect_on_session_timeout {
        b.push_attr("disconnect_on_session_timeout", Expr::Bool(d));
    }
    if let Some(p) = e.self_service_portal {
        b.push_attr(
            "self_service_portal",
            Expr::str(if p { "enabled" } else { "disabled" }),
        );
    }
    let auth = match e.authentication.as_str() {
        "certificate" => Block::new("authentication_options", &[])
            .attr("type", Expr::str("certificate-authentication"))
            .attr(
                "root_certificate_chain_arn",
                credential(InputKind::ClientRootCertificateChainArn),
            ),
        "active-directory" => Block::new("authentication_options", &[])
            .attr("type", Expr::str("directory-service-authentication"))
            .attr(
                "active_directory_id",
                credential(InputKind::ActiveDirectoryId),
            ),
        _ => Block::new("authentication_options", &[])
            .attr("type", Expr::str("federated-authentication"))
            .attr("saml_provider_arn", credential(InputKind::SamlProviderArn)),
    };
    b = b.blank().block(auth).blank();
    let mut log = Block::new("connection_log_options", &[]);
    match &e.connection_log {
        None => log.push_attr("enabled", Expr::Bool(false)),
        Some(l) => {
            log.push_attr("enabled", Expr::Bool(true));
            log.push_attr("cloudwatch_log_group", Expr::str(&l.group));
            if let Some(s) = &l.stream {
                log.push_attr("cloudwatch_log_stream", Expr::str(s));
            }
        }
    }
    b = b.block(log);
    if let Some(text) = &e.client_login_banner {
        b = b.blank().block(
            Block::new("client_login_banner_options", &[])
                .attr("enabled", Expr::Bool(true))
                .attr("banner_text", Expr::str(text)),
        );
    }
    if let Some(arn) = &e.client_connect_handler {
        b = b.blank().block(
            Block::new("client_connect_options", &[])
                .attr("enabled", Expr::Bool(true))
                .attr("lambda_function_arn", Expr::str(arn)),
        );
    }
    if let Some(enforced) = e.client_route_enforcement {
        b = b.blank().block(
            Block::new("client_route_enforcement_options", &[])
                .attr("enforced", Expr::Bool(enforced)),
        );
    }
    b.blank().attr("tags", tags(Expr::str(&e.name)))
}

fn client_vpn(plan: &Plan) -> File<'_> {
    let associations = Expr::Map(
        plan.associations
            .iter()
            .map(|a| {
                (
                    Cow::Borrowed(a.target_network.as_str()),
                    Expr::Object(vec![(
                        "subnet_id".into(),
                        subnet_id(plan, &a.target_network),
                    )]),
                )
            })
            .collect(),
    );
    let authorization = Expr::Map(
        plan.authorization_rules
            .iter()
            .map(|r| {
                (
                    Cow::Borrowed(r.key.as_str()),
                    Expr::Object(vec![
                        ("target_network_cidr".into(), Expr::str(r.cidr.to_string())),
                        ("access_group_id".into(), Expr::opt_str(r.group.as_deref())),
                        (
                            "authorize_all_groups".into(),
                            if r.group.is_none() {
                                Expr::Bool(true)
                            } else {
                                Expr::Null
                            },
                        ),
                        ("description".into(), Expr::str(&r.description)),
                    ]),
                )
            })
            .collect(),
    );
    let routes = Expr::Map(
        plan.routes
            .iter()
            .map(|r| {
                let mut fields = Vec::with_capacity(4);
                if let Some(t) = &r.target_network {
                    fields.push(("target_network".into(), Expr::str(t)));
                }
                fields.push((
                    "destination_cidr_block".into(),
                    Expr::str(r.cidr.to_string()),
                ));
                // A transit gateway attachment's routes have no target subnet.
                if let Some(t) = &r.target_network {
                    fields.push(("target_vpc_subnet_id".into(), subnet_id(plan, t)));
                }
                fields.push(("description".into(), Expr::str(&r.description)));
                (Cow::Borrowed(r.key.as_str()), Expr::Object(fields))
            })
            .collect(),
    );
    let creates = plan.endpoint.id.is_none();
    let tgw = plan.endpoint.transit_gateway.is_some();
    let associates = creates && !tgw;
    let mut local_entries = Vec::new();
    if associates {
        local_entries.push(("target_network_associations", associations));
    }
    local_entries.push(("authorization_rules", authorization));
    local_entries.push(("routes", routes));
    let mut blocks = vec![locals(local_entries)];
    let endpoint_ref: (Text, Expr) = (Cow::Borrowed("client_vpn_endpoint_id"), endpoint_id(plan));
    if creates {
        blocks.push(endpoint(plan));
    }
    if associates {
        let mut body = vec![endpoint_ref.clone()];
        body.extend(each(&["subnet_id"]));
        blocks.push(for_each_resource(
            "aws_ec2_client_vpn_network_association",
            "target_network_associations",
            body,
        ));
    }
    let mut body = vec![endpoint_ref.clone()];
    body.extend(each(&[
        "target_network_cidr",
        "access_group_id",
        "authorize_all_groups",
        "description",
    ]));
    blocks.push(for_each_resource(
        "aws_ec2_client_vpn_authorization_rule",
        "authorization_rules",
        body,
    ));
    let mut body = vec![endpoint_ref];
    body.extend(each(if tgw {
        &["destination_cidr_block", "description"][..]
    } else {
        &[
            "destination_cidr_block",
            "target_vpc_subnet_id",
            "description",
        ][..]
    }));
    let mut route = for_each_resource("aws_ec2_client_vpn_route", "routes", body);
    if associates {
        // A route needs the association of its subnet to exist first.
        route = route
            .blank()
            .attr("depends_on", Expr::List(vec![Expr::r(ASSOCIATION)]));
    }
    blocks.push(route);
    File { blocks }
}

// ------------------------------------------------------------ outputs

fn outputs<'a>(plan: &'a Plan, docs: &mut Vec<DocOutput>) -> File<'a> {
    let groups = index_groups(plan);
    let mut f = File::default();
    let mut out = |name: &'static str, description: String, value: Expr<'a>| {
        docs.push(DocOutput {
            name: name.to_string(),
            description: description.clone(),
        });
        f.blocks.push(
            Block::new("output", &[name])
                .attr("description", Expr::str(description))
                .attr("value", value),
        );
    };
    out(
        "client_vpn_endpoint_id",
        "ID of the Client VPN endpoint".into(),
        endpoint_id(plan),
    );
    if plan.endpoint.id.is_none() {
        out(
            "client_vpn_endpoint_dns_name",
            "DNS name of the Client VPN endpoint (for the client configuration)".into(),
            Expr::r(format!("{ENDPOINT}.dns_name")),
        );
    }
    out(
        "security_group_ids",
        "ID of every security group the rules use, by plan key (`endpoint` is the endpoint's)"
            .into(),
        Expr::Map(
            plan.security_groups
                .iter()
                .map(|g| (Cow::Borrowed(g.key.as_str()), sg_id(&groups, &g.key)))
                .collect(),
        ),
    );
    let attach: Vec<(Text, Expr)> = plan
        .targets
        .iter()
        .filter_map(|t| {
            t.security_group
                .as_ref()
                .map(|k| (Cow::Borrowed(t.name.as_str()), sg_id(&groups, k)))
        })
        .collect();
    out(
        "target_security_group_ids",
        "Security group that each target's instances must carry, by target name".into(),
        Expr::Map(attach),
    );
    f
}

// ------------------------------------------------------------ README

#[derive(Serialize)]
struct ReadmeResource {
    address: String,
    count: usize,
}

pub(super) fn readme(
    plan: &Plan,
    module: &Module<'_>,
    flavour: &str,
) -> Result<String, RenderError> {
    let created_groups = plan
        .security_groups
        .iter()
        .filter(|g| g.id.is_none())
        .count();
    let count = |d: Direction| {
        plan.security_group_rules
            .iter()
            .filter(|r| r.direction == d)
            .count()
    };
    let mut resources = vec![
        ("aws_security_group.this", created_groups),
        (
            "aws_vpc_security_group_ingress_rule.this",
            count(Direction::Ingress),
        ),
        (
            "aws_vpc_security_group_egress_rule.this",
            count(Direction::Egress),
        ),
        ("aws_network_acl_rule.this", plan.nacl_entries.len()),
    ];
    if plan.endpoint.id.is_none() {
        resources.push((ENDPOINT, 1));
        resources.push((ASSOCIATION, plan.associations.len()));
    }
    resources.push((
        "aws_ec2_client_vpn_authorization_rule.this",
        plan.authorization_rules.len(),
    ));
    resources.push(("aws_ec2_client_vpn_route.this", plan.routes.len()));
    let resources: Vec<ReadmeResource> = resources
        .into_iter()
        .map(|(a, n)| ReadmeResource {
            address: a.to_string(),
            count: n,
        })
        .collect();
    let variables: Vec<DocVariable> = module
        .variables
        .iter()
        .map(|v| DocVariable {
            name: v.name.clone(),
            description: markdown_cell(&v.description),
            type_: v.type_.clone(),
            default: v.default.clone(),
            required: v.required,
        })
        .collect();
    let outputs: Vec<DocOutput> = module
        .outputs
        .iter()
        .map(|o| DocOutput {
            name: o.name.clone(),
            description: markdown_cell(&o.description),
        })
        .collect();
    // Aligned as `terraform fmt` would, so the snippet can be pasted as is.
    let required: Vec<&DocVariable> = module.variables.iter().filter(|v| v.required).collect();
    let width = required.iter().map(|v| v.name.len()).max().unwrap_or(0);
    let usage: Vec<String> = required
        .iter()
        .map(|v| format!("{:width$} = \"…\"", v.name))
        .collect();
    let requirements: Vec<String> = plan
        .requirements
        .iter()
        .map(|r| markdown_cell(&r.text))
        .collect();
    let mut ctx = tera::Context::new();
    ctx.insert("name", &plan.name);
    ctx.insert("flavour", flavour);
    ctx.insert("aws_version", aws_provider_constraint(plan));
    ctx.insert("resources", &resources);
    ctx.insert("variables", &variables);
    ctx.insert("outputs", &outputs);
    ctx.insert("usage", &usage);
    ctx.insert("requirements", &requirements);
    super::templates::render("terraform/README.md", &ctx)
}
