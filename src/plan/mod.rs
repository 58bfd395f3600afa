//! The plan: every rule shibori will emit, in a deterministic order, each with the
//! reasons it exists. It is the single source of truth: renderers, `explain` and
//! `plan --json` only format it. Its JSON shape is documented in `docs/plan-json.md`.

mod ids;
mod inputs;
#[cfg(test)]
mod ipv6_tests;
pub mod nacl;
mod name;
mod requirements;
pub mod security_group;
pub mod surplus;
pub mod text;
pub mod tgw;
pub mod vpn;

pub use crate::aws::Action;
use crate::diagnostic::Diagnostic;
use crate::intent::{AclRef, Destination, Intent, IpAddressType, Protocol};
use crate::net::PortRange;
use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use serde::Serialize;

pub use name::{Name, Names};

/// Version of the plan's JSON shape; bumped on any breaking change.
pub const PLAN_FORMAT: u32 = 1;

#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    pub format: u32,
    pub name: String,
    pub vpc: VpcPlan,
    pub endpoint: EndpointPlan,
    pub subnets: Vec<SubnetPlan>,
    /// Names of the subnets associated with the endpoint.
    pub target_networks: Vec<String>,
    pub network_acls: Vec<NetworkAcl>,
    pub security_groups: Vec<SecurityGroup>,
    pub security_group_rules: Vec<SecurityGroupRule>,
    pub nacl_entries: Vec<NaclEntry>,
    /// How many NACL entries one entry per target × port × target network × row would be.
    pub nacl_entries_unmerged: usize,
    pub authorization_rules: Vec<AuthorizationRule>,
    pub routes: Vec<Route>,
    pub targets: Vec<TargetPlan>,
    pub requirements: Vec<Requirement>,
    pub warnings: Vec<Diagnostic>,
    /// IDs the intent does not know and some resource needs: Terraform variables,
    /// CloudFormation parameters.
    pub inputs: Vec<Input>,
    /// Target network associations the plan creates (none for an existing endpoint).
    pub associations: Vec<Association>,
}

#[derive(Debug, Clone, Serialize)]
pub struct VpcPlan {
    /// Known VPC ID, or `null` when it is an input.
    pub id: Option<String>,
    pub cidrs: Vec<Ipv4Net>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ipv6_cidrs: Vec<Ipv6Net>,
}

#[derive(Debug, Clone, Serialize)]
pub struct EndpointPlan {
    /// Existing endpoint ID: when set, the endpoint and its associations are not created.
    pub id: Option<String>,
    /// `null` for IPv6-only tunnel traffic.
    pub client_cidr: Option<Ipv4Net>,
    /// How clients reach the endpoint; absent: `ipv4`.
    #[serde(skip_serializing_if = "is_ipv4")]
    pub ip_address_type: IpAddressType,
    /// Which families the tunnel carries; absent: `ipv4`.
    #[serde(skip_serializing_if = "is_ipv4")]
    pub traffic_ip_address_type: IpAddressType,
    pub split_tunnel: bool,
    pub authentication: String,
    pub transport: String,
    pub vpn_port: u16,
    /// Key of the endpoint security group in `security_groups`; `null` for a transit
    /// gateway attachment, which has none.
    pub security_group: Option<String>,
    /// The transit gateway the endpoint attaches to (instead of target networks).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transit_gateway: Option<crate::intent::TransitGateway>,
    /// `Name` tag of a created endpoint.
    pub name: String,
    pub description: String,
    pub dns_servers: Vec<String>,
    pub session_timeout_hours: Option<u32>,
    pub disconnect_on_session_timeout: Option<bool>,
    pub self_service_portal: Option<bool>,
    pub client_login_banner: Option<String>,
    pub client_route_enforcement: Option<bool>,
    pub connection_log: Option<crate::intent::ConnectionLog>,
    pub client_connect_handler: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SubnetPlan {
    pub name: String,
    pub id: Option<String>,
    pub cidr: Ipv4Net,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ipv6_cidr: Option<Ipv6Net>,
    pub az: Option<String>,
    /// Key of its network ACL in `network_acls`.
    pub network_acl: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct NetworkAcl {
    /// The ACL ID when known, else the name of the one subnet whose ACL is an input.
    pub key: String,
    pub id: Option<String>,
    pub subnets: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Lets the request through (SG rule, NACL request row).
    Request,
    /// Lets the stateless reply back (NACL reply row).
    Reply,
    /// Grants the user group access (authorization rule).
    Access,
    /// Added so that longest-prefix matching does not take a broader rule's access away.
    LpmClosure,
    /// Client VPN route to a destination outside the VPC.
    Route,
    /// NACL deny that keeps a wider outside row out of a narrower target's range.
    CarveOut,
}

/// Why a rule exists: the intent items it serves.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Reason {
    pub target: Name,
    /// Canonical service, e.g. `tcp/22`, `icmp`, `all`; empty for authorization and routes.
    #[serde(skip_serializing_if = "Name::is_empty")]
    pub port: Name,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_network: Option<Name>,
    pub role: Role,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SgRole {
    Endpoint,
    Destination,
}

#[derive(Debug, Clone, Serialize)]
pub struct SecurityGroup {
    pub key: String,
    pub logical_id: String,
    /// Existing group ID: rules are added to it, the group is not created.
    pub id: Option<String>,
    /// Group name for a new group.
    pub name: String,
    pub role: SgRole,
    pub description: String,
    /// Targets whose instances must carry this group (destination groups).
    pub targets: Vec<String>,
    /// The VPC of a new group when it is not the VPC of `vpc` (a further VPC of a transit
    /// gateway attachment).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vpc_id: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Ingress,
    Egress,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Ingress => "ingress",
            Direction::Egress => "egress",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Peer {
    /// Key of a security group in `security_groups`.
    SecurityGroup(String),
    /// An IPv4 or IPv6 CIDR.
    Cidr(IpNet),
}

#[derive(Debug, Clone, Serialize)]
pub struct SecurityGroupRule {
    pub key: String,
    pub logical_id: String,
    pub security_group: String,
    pub direction: Direction,
    pub protocol: Protocol,
    /// AWS's FromPort/ToPort: ports for tcp/udp, ICMP type/code for icmp, -1/-1 for all.
    pub from_port: i32,
    pub to_port: i32,
    pub peer: Peer,
    pub description: String,
    pub reasons: Vec<Reason>,
}

#[derive(Debug, Clone, Serialize)]
pub struct NaclEntry {
    pub key: String,
    pub logical_id: String,
    pub network_acl: String,
    pub egress: bool,
    /// `deny` for carve-out denies; absent (allow) otherwise, as in earlier plans.
    #[serde(skip_serializing_if = "is_allow")]
    pub action: Action,
    pub rule_number: u32,
    pub protocol: Protocol,
    /// IPv4 or IPv6; for IPv6 an `icmp` entry is ICMPv6 (protocol 58).
    pub cidr: IpNet,
    /// tcp/udp only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ports: Option<PortRange>,
    /// icmp only: type (8 echo request, 0 echo reply; ICMPv6 128 and 129); the code is
    /// always -1 (any).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub icmp_type: Option<i32>,
    pub reasons: Vec<Reason>,
}

/// IANA protocol number of ICMPv6, which AWS writes for IPv6 ICMP rules.
pub const ICMPV6_PROTOCOL: i32 = 58;

impl Peer {
    /// An IPv6 CIDR (every other peer is IPv4 or a security group).
    pub fn is_ipv6(&self) -> bool {
        matches!(self, Peer::Cidr(IpNet::V6(_)))
    }
}

impl SecurityGroupRule {
    /// An `icmp` rule towards an IPv6 peer is ICMPv6 (its types are ICMPv6 types).
    pub fn is_icmpv6(&self) -> bool {
        self.protocol == Protocol::Icmp && self.peer.is_ipv6()
    }
}

impl NaclEntry {
    /// AWS's protocol number: an IPv6 `icmp` entry is ICMPv6 (58).
    pub fn protocol_number(&self) -> i32 {
        match (self.protocol, self.cidr) {
            (Protocol::Icmp, IpNet::V6(_)) => ICMPV6_PROTOCOL,
            (p, _) => p.number(),
        }
    }
}

fn is_ipv4(t: &IpAddressType) -> bool {
    *t == IpAddressType::Ipv4
}

fn is_allow(a: &Action) -> bool {
    *a == Action::Allow
}

/// Which half of the stateless request/reply pair a NACL entry carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Half {
    Request,
    Reply,
    /// One entry serves both (e.g. an `all` rule whose request and reply rows coincide).
    Both,
    /// A carve-out deny: keeps a wider outside row out of a narrower target's range.
    CarveOut,
}

impl Half {
    pub fn as_str(self) -> &'static str {
        match self {
            Half::Request => "request",
            Half::Reply => "reply",
            Half::Both => "request + reply",
            Half::CarveOut => "carve-out deny",
        }
    }
}

impl NaclEntry {
    pub fn half(&self) -> Half {
        if self.action == Action::Deny {
            return Half::CarveOut;
        }
        let request = self.reasons.iter().any(|r| r.role == Role::Request);
        let reply = self.reasons.iter().any(|r| r.role == Role::Reply);
        match (request, reply) {
            (true, true) => Half::Both,
            (false, true) => Half::Reply,
            _ => Half::Request,
        }
    }

    pub fn direction(&self) -> Direction {
        if self.egress {
            Direction::Egress
        } else {
            Direction::Ingress
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct AuthorizationRule {
    pub key: String,
    pub logical_id: String,
    pub cidr: IpNet,
    /// Access group ID; `null` = all users.
    pub group: Option<String>,
    pub description: String,
    pub reasons: Vec<Reason>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Route {
    pub key: String,
    pub logical_id: String,
    pub cidr: IpNet,
    /// Name of the target network (subnet) the route sends traffic through; `null` for a
    /// transit gateway attachment (routes without a target subnet).
    pub target_network: Option<String>,
    pub description: String,
    pub reasons: Vec<Reason>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TargetPlan {
    pub name: String,
    /// Subnet name for in-VPC targets.
    pub subnet: Option<String>,
    /// The destination as written: the subnet CIDR or hosts, or the outside CIDR; IPv4
    /// first, then IPv6.
    pub cidrs: Vec<IpNet>,
    /// Outside targets that yield to the VPC or narrower targets: the addresses they
    /// own (`cidrs` minus `except`). Absent when the target owns `cidrs` whole.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effective: Option<Vec<IpNet>>,
    /// The CIDRs an outside target yields (VPC CIDRs, narrower outside targets).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub except: Vec<IpNet>,
    /// The targets whose destinations lie inside an outside target's CIDR.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub yields_to: Vec<String>,
    pub services: Vec<String>,
    pub groups: Vec<String>,
    /// Key of the security group its instances must carry (in-VPC targets).
    pub security_group: Option<String>,
    /// Unique alphanumeric name (CloudFormation outputs about this target).
    pub logical_id: String,
}

impl VpcPlan {
    /// The VPC's CIDRs of both families, IPv4 first.
    pub fn all_cidrs(&self) -> Vec<IpNet> {
        self.cidrs
            .iter()
            .map(|&c| IpNet::V4(c))
            .chain(self.ipv6_cidrs.iter().map(|&c| IpNet::V6(c)))
            .collect()
    }
}

impl TargetPlan {
    /// The addresses the target owns: `effective` when it yields some, else `cidrs`.
    pub fn owned(&self) -> &[IpNet] {
        self.effective.as_deref().unwrap_or(&self.cidrs)
    }

    /// What an outside target yields, in words: `the VPC (10.0.0.0/16) and app-ssh, pg`
    /// (at most six names). `None` when it yields nothing.
    pub fn carve_outs(&self, vpc: &[IpNet]) -> Option<String> {
        if self.except.is_empty() && self.yields_to.is_empty() {
            return None;
        }
        let mut parts: Vec<String> = Vec::new();
        let vpc_cidrs: Vec<String> = self
            .except
            .iter()
            .filter(|c| vpc.contains(c))
            .map(ToString::to_string)
            .collect();
        if !vpc_cidrs.is_empty() {
            parts.push(format!("the VPC ({})", vpc_cidrs.join(", ")));
        }
        if !self.yields_to.is_empty() {
            const SHOWN: usize = 6;
            let mut names = self.yields_to[..self.yields_to.len().min(SHOWN)].join(", ");
            if self.yields_to.len() > SHOWN {
                names.push_str(&format!(" and {} more", self.yields_to.len() - SHOWN));
            }
            parts.push(names);
        }
        Some(parts.join(" and "))
    }
}

/// An ID that becomes a Terraform variable (`name`) / CloudFormation parameter
/// (`logical_id`).
#[derive(Debug, Clone, Serialize)]
pub struct Input {
    pub name: String,
    pub logical_id: String,
    pub kind: InputKind,
    /// The subnet (subnet_id) or ACL key (network_acl_id) it identifies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    pub description: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InputKind {
    VpcId,
    SubnetId,
    NetworkAclId,
    ServerCertificateArn,
    ClientRootCertificateChainArn,
    ActiveDirectoryId,
    SamlProviderArn,
}

impl InputKind {
    /// Regular expression of a well-formed value (RE2 and Java compatible).
    pub fn pattern(self) -> &'static str {
        match self {
            InputKind::VpcId => "^vpc-([0-9a-f]{8}|[0-9a-f]{17})$",
            InputKind::SubnetId => "^subnet-([0-9a-f]{8}|[0-9a-f]{17})$",
            InputKind::NetworkAclId => "^acl-([0-9a-f]{8}|[0-9a-f]{17})$",
            InputKind::ServerCertificateArn | InputKind::ClientRootCertificateChainArn => {
                "^arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/[0-9a-f-]+$"
            }
            InputKind::ActiveDirectoryId => "^d-[0-9a-f]{10}$",
            InputKind::SamlProviderArn => {
                "^arn:aws[a-z-]*:iam::[0-9]{12}:saml-provider/[A-Za-z0-9_.-]+$"
            }
        }
    }

    /// What a value must look like, for error messages.
    pub fn format_hint(self) -> &'static str {
        match self {
            InputKind::VpcId => "a VPC ID: vpc- and 8 or 17 hex digits",
            InputKind::SubnetId => "a subnet ID: subnet- and 8 or 17 hex digits",
            InputKind::NetworkAclId => "a network ACL ID: acl- and 8 or 17 hex digits",
            InputKind::ServerCertificateArn | InputKind::ClientRootCertificateChainArn => {
                "an ACM certificate ARN (arn:aws:acm:REGION:ACCOUNT:certificate/ID)"
            }
            InputKind::ActiveDirectoryId => "a directory ID: d- and 10 hex digits",
            InputKind::SamlProviderArn => {
                "an IAM SAML provider ARN (arn:aws:iam::ACCOUNT:saml-provider/NAME)"
            }
        }
    }
}

/// One target network association: the endpoint's ENIs in that subnet.
#[derive(Debug, Clone, Serialize)]
pub struct Association {
    /// Subnet name (a member of `target_networks`).
    pub target_network: String,
    pub logical_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RequirementKind {
    AttachSecurityGroup,
    SubnetRoute,
    RemoteFirewall,
    VpcCidr,
    NetworkAclInput,
    ExistingEndpoint,
    Credentials,
    TransitGatewayAttachment,
    TransitGatewayPropagation,
    VpcReturnRoute,
    /// An IPv6 behaviour AWS does not document, which the plan relies on.
    Ipv6Assumption,
}

/// Something the user must do outside what shibori manages.
#[derive(Debug, Clone, Serialize)]
pub struct Requirement {
    pub kind: RequirementKind,
    pub text: String,
}

/// AWS quotas the plan is checked against (docs/semantics.md#aws-facts).
pub mod quotas {
    pub const AUTHORIZATION_RULES: usize = 200;
    pub const ROUTES_PER_TARGET_NETWORK: usize = 100;
    pub const SG_RULES_PER_DIRECTION: usize = 60;
}

impl Plan {
    /// The input that stands for an unknown value of `kind` (for `subject`, when the
    /// kind is per subnet or per ACL).
    pub fn input(&self, kind: InputKind, subject: Option<&str>) -> Option<&Input> {
        self.inputs
            .iter()
            .find(|i| i.kind == kind && i.subject.as_deref() == subject)
    }

    /// The subnet's ID when the intent gives it (else it is an input).
    pub fn known_subnet_id(&self, name: &str) -> Option<&str> {
        self.subnets
            .iter()
            .find(|s| s.name == name)
            .and_then(|s| s.id.as_deref())
    }

    /// The network ACL's ID when the intent gives it (else it is an input).
    pub fn known_acl_id(&self, key: &str) -> Option<&str> {
        self.network_acls
            .iter()
            .find(|a| a.key == key)
            .and_then(|a| a.id.as_deref())
    }
}

/// The key of the ACL that guards a subnet.
pub fn acl_key(acl: &AclRef) -> String {
    match acl {
        AclRef::Existing(id) => id.clone(),
        AclRef::InputOf(subnet) => subnet.clone(),
    }
}

/// Derives the plan (docs/semantics.md#what-the-planner-derives). Errors (NACL numbering and quota) come back as diagnostics
/// that carry a YAML path; the caller places them in the source.
pub fn plan(intent: &Intent) -> Result<Plan, Vec<Diagnostic>> {
    let names = Names::new(intent);
    // The IPv6 view, when the tunnel carries IPv6: planned like the IPv4 one, with its
    // own names (its indexes are its own).
    let v6 = intent.ipv6.as_deref();
    let names6 = v6.map(Names::new);
    let v6 = v6.zip(names6.as_ref());
    // The layers are independent: the NACLs, authorization rules and the surplus they
    // leave are planned on a second core while this one plans the security groups and
    // routes, the two halves of about equal work at scale. Each half names its own
    // items; the results and warnings join in a fixed order.
    let (
        (nacls, authorization_rules, targets, auth_warnings, surplus),
        (security_groups, security_group_rules, routes, sg_warnings, route_warnings),
    ) = crate::parallel::join(
        || {
            let nacls = if tgw::attached(intent) {
                tgw::nacl_entries(intent, &names)
            } else {
                nacl_entries(intent, &names, v6)
            };
            let nacls = nacls.map(|(mut entries, unmerged)| {
                ids::name_nacl_entries(&mut entries);
                (entries, unmerged)
            });
            let mut warnings = Vec::new();
            let mut rules = vpn::authorization_rules(intent, &names);
            if let Some((v6, names6)) = v6 {
                rules.extend(vpn::authorization_rules(v6, names6));
            }
            vpn::authorization_quota(&rules, &mut warnings);
            ids::name_authorization_rules(&mut rules);
            let mut targets = targets(intent);
            ids::name_targets(&mut targets);
            let nat = intent.endpoint.transit_gateway().is_none();
            let mut surplus = surplus::analyse(&rules, &targets, &intent.vpc.cidrs, nat);
            if let Some((v6, _)) = v6 {
                surplus.extend(surplus::analyse(&rules, &targets, &v6.vpc.cidrs, nat));
            }
            (nacls, rules, targets, warnings, surplus)
        },
        || {
            let mut sg_warnings = Vec::new();
            let (mut groups, mut rules) =
                security_group::plan(intent, &names, v6, &mut sg_warnings);
            ids::name_security_groups(&mut groups);
            ids::name_security_group_rules(&mut rules);
            let mut route_warnings = Vec::new();
            let mut routes = if tgw::attached(intent) {
                tgw::routes(intent, &names, &mut route_warnings)
            } else {
                let mut routes = vpn::routes(intent, &names);
                if let Some((v6, names6)) = v6 {
                    routes.extend(vpn::routes(v6, names6));
                }
                vpn::route_quota(&routes, &mut route_warnings);
                routes
            };
            ids::name_routes(&mut routes);
            (groups, rules, routes, sg_warnings, route_warnings)
        },
    );
    let (nacl_entries, nacl_entries_unmerged) = nacls?;
    let mut warnings = sg_warnings;
    warnings.extend(auth_warnings);
    warnings.extend(route_warnings);
    warnings.extend(surplus);

    let mut network_acls: Vec<NetworkAcl> = Vec::new();
    for s in &intent.subnets {
        let key = acl_key(&s.acl);
        match network_acls.iter_mut().find(|a| a.key == key) {
            Some(a) => a.subnets.push(s.name.clone()),
            None => network_acls.push(NetworkAcl {
                key,
                id: match &s.acl {
                    AclRef::Existing(id) => Some(id.clone()),
                    AclRef::InputOf(_) => None,
                },
                subnets: vec![s.name.clone()],
            }),
        }
    }

    let e = &intent.endpoint;
    let mut plan = Plan {
        format: PLAN_FORMAT,
        name: intent.name.clone(),
        vpc: VpcPlan {
            id: intent.vpc.id.clone(),
            cidrs: intent.vpc.cidrs.clone(),
            ipv6_cidrs: intent
                .ipv6
                .as_ref()
                .map(|v6| v6.vpc.cidrs.clone())
                .unwrap_or_default(),
        },
        endpoint: EndpointPlan {
            id: e.id.clone(),
            client_cidr: e.client_cidr,
            ip_address_type: e.ip_address_type,
            traffic_ip_address_type: e.traffic_ip_address_type,
            split_tunnel: e.split_tunnel,
            authentication: match e.authentication {
                crate::intent::file::Authentication::Certificate => "certificate",
                crate::intent::file::Authentication::ActiveDirectory => "active-directory",
                crate::intent::file::Authentication::Saml => "saml",
            }
            .to_string(),
            transport: match e.transport {
                crate::intent::file::Transport::Udp => "udp",
                crate::intent::file::Transport::Tcp => "tcp",
            }
            .to_string(),
            vpn_port: e.vpn_port,
            security_group: security_groups
                .iter()
                .any(|g| g.role == SgRole::Endpoint)
                .then(|| security_group::ENDPOINT_KEY.to_string()),
            transit_gateway: e.transit_gateway().cloned(),
            name: format!("{}-client-vpn", intent.name),
            description: format!("Client VPN endpoint {} (managed by shibori)", intent.name),
            dns_servers: e.dns_servers.clone(),
            session_timeout_hours: e.session_timeout_hours,
            disconnect_on_session_timeout: e.disconnect_on_session_timeout,
            self_service_portal: e.self_service_portal,
            client_login_banner: e.client_login_banner.clone(),
            client_route_enforcement: e.client_route_enforcement,
            connection_log: e.connection_log.clone(),
            client_connect_handler: e.client_connect_handler.clone(),
        },
        subnets: intent
            .subnets
            .iter()
            .map(|s| SubnetPlan {
                name: s.name.clone(),
                id: s.id.clone(),
                cidr: s.cidr,
                ipv6_cidr: s.ipv6_cidr,
                az: s.az.clone(),
                network_acl: acl_key(&s.acl),
            })
            .collect(),
        target_networks: intent
            .target_networks
            .iter()
            .map(|&i| intent.subnets[i].name.clone())
            .collect(),
        network_acls,
        security_groups,
        security_group_rules,
        nacl_entries,
        nacl_entries_unmerged,
        authorization_rules,
        routes,
        targets,
        requirements: Vec::new(),
        warnings: Vec::new(),
        inputs: Vec::new(),
        associations: Vec::new(),
    };
    plan.requirements = requirements::derive(intent, &plan);
    plan.warnings = warnings;
    plan.inputs = inputs::derive(&plan);
    plan.associations = inputs::associations(&plan);
    ids::assign_logical_ids(&mut plan);
    Ok(plan)
}

/// The NACL entries of both families: IPv6 entries are numbered after the IPv4 ones of
/// the same ACL and direction, and counted against the quota on their own.
fn nacl_entries(
    intent: &Intent,
    names: &Names,
    v6: Option<(&Intent<Ipv6Net>, &Names)>,
) -> Result<(Vec<NaclEntry>, usize), Vec<Diagnostic>> {
    let none = std::collections::BTreeMap::new();
    let (mut entries, mut unmerged) = nacl::plan(intent, names, &none)?;
    if let Some((v6, names6)) = v6 {
        let mut before: std::collections::BTreeMap<(String, bool), usize> =
            std::collections::BTreeMap::new();
        for e in &entries {
            *before.entry((e.network_acl.clone(), e.egress)).or_default() += 1;
        }
        let (more, n) = nacl::plan(v6, names6, &before)?;
        entries.extend(more);
        unmerged += n;
    }
    Ok((entries, unmerged))
}

/// What the plan says about each target (its logical ID is given by `ids`): one entry
/// per target of the intent, in intent order, with the CIDRs of both families.
fn targets(intent: &Intent) -> Vec<TargetPlan> {
    let mut out: Vec<(usize, TargetPlan)> = family_targets(intent);
    if let Some(v6) = intent.ipv6.as_deref() {
        // Where each target of the IPv4 view is, by its position in the intent.
        let at: std::collections::HashMap<usize, usize> = out
            .iter()
            .enumerate()
            .map(|(i, (position, _))| (*position, i))
            .collect();
        for (position, t) in family_targets(v6) {
            match at.get(&position).and_then(|&i| out.get_mut(i)) {
                Some((_, existing)) => {
                    existing.cidrs.extend(t.cidrs);
                    existing.except.extend(t.except);
                    for y in t.yields_to {
                        if !existing.yields_to.contains(&y) {
                            existing.yields_to.push(y);
                        }
                    }
                    existing.effective = match (existing.effective.take(), t.effective) {
                        (None, None) => None,
                        (a, b) => {
                            let mut all = a.unwrap_or_else(|| existing.cidrs.clone());
                            all.retain(|c| matches!(c, IpNet::V4(_)));
                            all.extend(b.unwrap_or_else(|| {
                                existing
                                    .cidrs
                                    .iter()
                                    .filter(|c| matches!(c, IpNet::V6(_)))
                                    .copied()
                                    .collect()
                            }));
                            Some(all)
                        }
                    };
                }
                None => out.push((position, t)),
            }
        }
        out.sort_by_key(|(p, _)| *p);
    }
    out.into_iter().map(|(_, t)| t).collect()
}

fn family_targets<N: crate::net::Prefix>(intent: &Intent<N>) -> Vec<(usize, TargetPlan)> {
    let effective = intent.effective_destinations();
    intent
        .targets
        .iter()
        .zip(effective)
        .map(|(t, e)| {
            (
                t.position,
                TargetPlan {
                    name: t.name.clone(),
                    subnet: t.subnet().map(|i| intent.subnets[i].name.clone()),
                    cidrs: t.cidrs().into_iter().map(Into::into).collect(),
                    effective: (!e.except.is_empty())
                        .then(|| e.nets.into_iter().map(Into::into).collect()),
                    except: e.except.into_iter().map(Into::into).collect(),
                    yields_to: e
                        .yields_to
                        .iter()
                        .map(|&i| intent.targets[i].name.clone())
                        .collect(),
                    services: t
                        .services
                        .iter()
                        .map(|s| s.canonical().to_string())
                        .collect(),
                    groups: t.groups.clone(),
                    security_group: match t.destination {
                        Destination::Subnet { .. } => Some(security_group::destination_key(t)),
                        Destination::Outside { .. } => None,
                    },
                    logical_id: String::new(),
                },
            )
        })
        .collect()
}
