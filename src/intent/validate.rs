//! SPEC §2.2 and §4.6: every rule checked, every problem reported at once.

use super::file::{self, Authentication, IntentFile};
use super::model::*;
use super::ports::{parse_port, parse_range};
use super::spans::SpanMap;
use crate::diagnostic::Diagnostic;
use crate::net::{contains, overlaps};
use ipnet::Ipv4Net;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Display;
use std::net::Ipv4Addr;

/// AWS's limits and defaults that validation enforces (SPEC §9).
pub mod limits {
    pub const MAX_TARGET_NETWORKS: usize = 5;
    /// Availability Zones of a transit gateway attachment.
    pub const MAX_TGW_AVAILABILITY_ZONES: usize = 5;
    pub const MIN_TARGET_NETWORK_PREFIX: u8 = 27;
    pub const CLIENT_CIDR_PREFIX: std::ops::RangeInclusive<u8> = 12..=22;
    pub const MAX_DNS_SERVERS: usize = 2;
    pub const SESSION_TIMEOUTS: [u32; 4] = [8, 10, 12, 24];
    pub const MAX_BANNER_CHARS: usize = 1400;
    pub const MAX_GROUP_ID_CHARS: usize = 255;
    pub const NACL_MAX_RULE_NUMBER: u32 = 32766;
    pub const NACL_MAX_QUOTA: u32 = 40;
}

struct Ctx<'a> {
    spans: &'a SpanMap,
    diags: Vec<Diagnostic>,
}

/// A diagnostic just recorded, to which a `help:` line may be added.
struct Recorded<'a>(&'a mut Diagnostic);

impl Recorded<'_> {
    fn help(self, help: impl Into<String>) {
        self.0.help = Some(help.into());
    }
}

/// `parent[i]`: a path written out only when a diagnostic needs it, since a valid
/// intent of a thousand targets would otherwise format thousands of them for nothing.
#[derive(Clone, Copy)]
struct Index<P>(P, usize);

impl<P: Display> Display for Index<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(f, "{}[{}]", self.0, self.1)
    }
}

/// `parent.field`, written out on demand like [`Index`].
#[derive(Clone, Copy)]
struct Field<P>(P, &'static str);

impl<P: Display> Display for Field<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(f, "{}.{}", self.0, self.1)
    }
}

impl Ctx<'_> {
    fn push(&mut self, d: Diagnostic) -> Recorded<'_> {
        self.diags.push(d);
        let last = self.diags.len() - 1;
        Recorded(&mut self.diags[last])
    }

    // Paths are `impl Display` so that the common, valid case never formats them.
    fn error(&mut self, path: impl Display, message: impl Into<String>) -> Recorded<'_> {
        let path = path.to_string();
        let d = Diagnostic::error(message)
            .at(&path)
            .with_span(self.spans.value(&path));
        self.push(d)
    }

    fn warning(&mut self, path: impl Display, message: impl Into<String>) -> Recorded<'_> {
        let path = path.to_string();
        let d = Diagnostic::warning(message)
            .at(&path)
            .with_span(self.spans.value(&path));
        self.push(d)
    }

    fn cidr(&mut self, path: impl Display, text: &str) -> Option<Ipv4Net> {
        let text = text.trim();
        match text.parse::<Ipv4Net>() {
            Ok(net) if net == net.trunc() => Some(net),
            Ok(net) => {
                let fixed = net.trunc();
                self.error(path, format!("`{text}` has host bits set"))
                    .help(format!(
                        "write the network address: `{fixed}`, or `{}/32` for the single host",
                        net.addr()
                    ));
                None
            }
            Err(_) => {
                let help = if text.parse::<Ipv4Addr>().is_ok() {
                    format!("add a prefix length: `{text}/32` for one host")
                } else if text.contains(':') {
                    "IPv6 is not supported yet (SPEC §10); use an IPv4 CIDR".to_string()
                } else {
                    "write an IPv4 CIDR such as `10.0.0.0/16`".to_string()
                };
                self.error(path, format!("`{text}` is not an IPv4 CIDR"))
                    .help(help);
                None
            }
        }
    }

    fn name(&mut self, path: impl Display, name: &str, what: &str) {
        if !valid_name(name) {
            self.error(path, format!("{what} `{name}` is not a valid name")).help(
                "use 1-40 characters: a lowercase letter, then lowercase letters, digits or `-`; \
                 names become resource names and rule descriptions",
            );
        }
    }

    fn aws_id(&mut self, path: impl Display, id: &str, prefix: &str) {
        if !valid_id(id, prefix) {
            self.error(path, format!("`{id}` is not a {prefix} ID"))
                .help(format!(
                "AWS IDs look like `{prefix}0123456789abcdef0` ({prefix} and 8 or 17 hex digits)"
            ));
        }
    }
}

pub fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some('a'..='z'))
        && name.len() <= 40
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

fn valid_id(id: &str, prefix: &str) -> bool {
    id.strip_prefix(prefix).is_some_and(|hex| {
        (hex.len() == 8 || hex.len() == 17) && hex.chars().all(|c| c.is_ascii_hexdigit())
    })
}

fn list(nets: &[Ipv4Net]) -> String {
    nets.iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Validates the parsed file. Returns the typed intent only when there is no error;
/// the diagnostics (errors and warnings) come back either way.
pub fn validate(file: &IntentFile, spans: &SpanMap) -> (Option<Intent>, Vec<Diagnostic>) {
    let mut cx = Ctx {
        spans,
        diags: Vec::new(),
    };
    let intent = build(file, &mut cx);
    let has_error = cx.diags.iter().any(Diagnostic::is_error);
    (if has_error { None } else { intent }, cx.diags)
}

fn build(f: &IntentFile, cx: &mut Ctx) -> Option<Intent> {
    if f.version != 1 {
        cx.error(
            "version",
            format!("unsupported intent version {}", f.version),
        )
        .help("this shibori reads `version: 1`");
    }
    cx.name("name", &f.name, "intent name");

    // --- VPC
    if let Some(id) = &f.vpc.id {
        cx.aws_id("vpc.id", id, "vpc-");
    }
    let mut vpc_cidrs = Vec::new();
    if let Some(c) = cx.cidr("vpc.cidr", &f.vpc.cidr) {
        vpc_cidrs.push(c);
    }
    for (i, s) in f.vpc.secondary_cidrs.iter().enumerate() {
        let path = format!("vpc.secondary_cidrs[{i}]");
        if let Some(c) = cx.cidr(&path, s) {
            if let Some(o) = vpc_cidrs.iter().find(|o| overlaps(o, &c)) {
                let o = *o;
                cx.error(&path, format!("`{c}` overlaps VPC CIDR `{o}`"))
                    .help("a VPC's CIDR blocks must not overlap each other");
            } else {
                vpc_cidrs.push(c);
            }
        }
    }

    let tgw = f.endpoint.attachment == file::Attachment::TransitGateway;
    let further_vpcs = further_vpcs(f, tgw, &mut vpc_cidrs, cx);

    // --- Subnets
    let mut subnets: Vec<Subnet> = Vec::new();
    let mut subnet_index: BTreeMap<&str, usize> = BTreeMap::new();
    for (name, s) in &f.subnets {
        let path = format!("subnets.{name}");
        if !valid_name(name) {
            let d = Diagnostic::error(format!("subnet name `{name}` is not a valid name"))
                .at(path.clone())
                .with_span(cx.spans.key(&path))
                .help("use 1-40 characters: a lowercase letter, then lowercase letters, digits or `-`");
            cx.diags.push(d);
        }
        if let Some(id) = &s.id {
            cx.aws_id(format_args!("{path}.id"), id, "subnet-");
        }
        if let Some(acl) = &s.network_acl {
            cx.aws_id(format_args!("{path}.network_acl"), acl, "acl-");
        }
        let Some(cidr) = cx.cidr(format_args!("{path}.cidr"), &s.cidr) else {
            continue;
        };
        if !vpc_cidrs.is_empty() && !vpc_cidrs.iter().any(|v| contains(v, &cidr)) {
            cx.error(
                format_args!("{path}.cidr"),
                format!("subnet `{cidr}` is not inside the VPC"),
            )
            .help(format!(
                "the VPC's CIDRs are {}; add a `secondary_cidrs` entry or fix the subnet",
                list(&vpc_cidrs)
            ));
        }
        if let Some(other) = subnets.iter().find(|o| overlaps(&o.cidr, &cidr)) {
            let msg = format!(
                "subnet `{cidr}` overlaps subnet `{}` ({})",
                other.name, other.cidr
            );
            cx.error(format_args!("{path}.cidr"), msg)
                .help("subnets of one VPC never overlap; check the CIDRs");
        }
        let acl = match &s.network_acl {
            Some(id) => AclRef::Existing(id.clone()),
            None => AclRef::InputOf(name.clone()),
        };
        let vpc_id = further_vpcs
            .iter()
            .find(|(_, cidrs)| cidrs.iter().any(|v| contains(v, &cidr)))
            .map(|(id, _)| id.clone());
        subnet_index.insert(name.as_str(), subnets.len());
        subnets.push(Subnet {
            name: name.clone(),
            id: s.id.clone(),
            cidr,
            az: s.az.clone(),
            acl,
            vpc_id,
        });
    }
    let declared: Vec<&str> = f.subnets.keys().map(String::as_str).collect();
    let unknown_subnet = |cx: &mut Ctx, path: &str, name: &str| {
        if f.subnets.contains_key(name) {
            return; // declared but invalid: already reported
        }
        cx.error(
            path,
            format!("subnet `{name}` is not declared under `subnets`"),
        )
        .help(format!(
            "declared subnets: {}",
            if declared.is_empty() {
                "none".to_string()
            } else {
                declared.join(", ")
            }
        ));
    };

    // --- Target networks
    let mut target_networks = Vec::new();
    if tgw && !f.target_networks.is_empty() {
        cx.error(
            "target_networks",
            "a transit-gateway-attached endpoint has no target networks",
        )
        .help("remove `target_networks`: the endpoint reaches the VPCs through the transit gateway (list its Availability Zones under `endpoint.transit_gateway.availability_zones`)");
    } else if !tgw
        && (f.target_networks.is_empty() || f.target_networks.len() > limits::MAX_TARGET_NETWORKS)
    {
        cx.error(
            "target_networks",
            format!(
                "{} target networks given; an endpoint has 1 to 5",
                f.target_networks.len()
            ),
        )
        .help("associate one subnet per Availability Zone, at most 5");
    }
    let mut azs: BTreeMap<String, String> = BTreeMap::new();
    for (i, name) in f.target_networks.iter().enumerate() {
        let path = format!("target_networks[{i}]");
        let Some(&idx) = subnet_index.get(name.as_str()) else {
            unknown_subnet(cx, &path, name);
            continue;
        };
        if target_networks.contains(&idx) {
            cx.error(&path, format!("`{name}` is listed twice"))
                .help("list each target network once");
            continue;
        }
        let sn = &subnets[idx];
        if sn.cidr.prefix_len() > limits::MIN_TARGET_NETWORK_PREFIX {
            cx.error(
                &path,
                format!("target network `{name}` ({}) is smaller than /27", sn.cidr),
            )
            .help("AWS needs a /27 or larger subnet for a Client VPN association");
        } else if sn.cidr.prefix_len() >= 26 {
            // Every target network must keep 20 free addresses (a requirement of the plan);
            // in a /26 or /27 that leaves little room for anything else, so say it here.
            cx.warning(&path, format!("target network `{name}` ({}) is small: AWS needs at least 20 free IP addresses in it at all times", sn.cidr))
                .help("keep other workloads out of it, or associate a larger subnet");
        }
        match &sn.az {
            None => {
                cx.error(&path, format!("target network `{name}` has no `az`"))
                    .help(format!("add `az:` to `subnets.{name}`; at most one target network per Availability Zone"));
            }
            Some(az) => {
                if let Some(prev) = azs.insert(az.clone(), name.clone()) {
                    cx.error(&path, format!("`{name}` and `{prev}` are both in {az}"))
                        .help("Client VPN allows one associated subnet per Availability Zone");
                }
            }
        }
        target_networks.push(idx);
    }

    // --- Endpoint
    let e = &f.endpoint;
    if let Some(id) = &e.id {
        cx.aws_id("endpoint.id", id, "cvpn-endpoint-");
    }
    let attachment = attachment(f, cx);
    let client_cidr = cx.cidr("endpoint.client_cidr", &e.client_cidr);
    if let Some(c) = client_cidr {
        if !limits::CLIENT_CIDR_PREFIX.contains(&c.prefix_len()) {
            cx.error("endpoint.client_cidr", format!("client CIDR `{c}` is a /{}; AWS accepts /12 to /22", c.prefix_len()))
                .help("pick a block between /12 and /22 (e.g. a /22 gives 1,024 addresses); it cannot be changed later");
        }
        if let Some(v) = vpc_cidrs.iter().find(|v| overlaps(v, &c)) {
            let v = *v;
            cx.error(
                "endpoint.client_cidr",
                format!("client CIDR `{c}` overlaps VPC CIDR `{v}`"),
            )
            .help("choose a client CIDR that overlaps neither the VPC nor any destination");
        }
        for s in &subnets {
            if overlaps(&s.cidr, &c) && !vpc_cidrs.iter().any(|v| overlaps(v, &c)) {
                cx.error(
                    "endpoint.client_cidr",
                    format!("client CIDR `{c}` overlaps subnet `{}`", s.name),
                );
            }
        }
    }
    let auth_groups = matches!(
        e.authentication,
        Authentication::ActiveDirectory | Authentication::Saml
    );
    let vpn_port = match e.vpn_port {
        443 => 443,
        1194 => 1194,
        other => {
            cx.error(
                "endpoint.vpn_port",
                format!("VPN port {other} is not offered by AWS"),
            )
            .help("use 443 (default) or 1194");
            443
        }
    };
    if e.dns_servers.len() > limits::MAX_DNS_SERVERS {
        cx.error(
            "endpoint.dns_servers",
            format!("{} DNS servers given; at most 2", e.dns_servers.len()),
        );
    }
    for (i, d) in e.dns_servers.iter().enumerate() {
        if d.parse::<Ipv4Addr>().is_err() {
            cx.error(
                format_args!("endpoint.dns_servers[{i}]"),
                format!("`{d}` is not an IPv4 address"),
            )
            .help("the VPC's resolver is the VPC CIDR's base address plus two, e.g. 192.168.0.2");
        }
    }
    if let Some(h) = e.session_timeout_hours {
        if !limits::SESSION_TIMEOUTS.contains(&h) {
            cx.error(
                "endpoint.session_timeout_hours",
                format!("session timeout {h} h is not offered by AWS"),
            )
            .help("use 8, 10, 12 or 24");
        }
    }
    if let Some(b) = &e.client_login_banner {
        let n = b.chars().count();
        if n > limits::MAX_BANNER_CHARS {
            cx.error(
                "endpoint.client_login_banner",
                format!("the login banner has {n} characters; at most 1400"),
            );
        }
    }
    if e.self_service_portal == Some(true) && e.authentication != Authentication::Saml {
        cx.error(
            "endpoint.self_service_portal",
            "the self-service portal needs SAML authentication",
        )
        .help("set `authentication: saml`, or remove `self_service_portal`");
    }
    if let Some(arn) = &e.client_connect_handler {
        let function = arn.strip_prefix("arn:").and_then(|rest| {
            let parts: Vec<&str> = rest.split(':').collect();
            (parts.len() >= 6 && parts[1] == "lambda" && parts[4] == "function").then(|| parts[5])
        });
        match function {
            None => {
                cx.error(
                    "endpoint.client_connect_handler",
                    format!("`{arn}` is not a Lambda function ARN"),
                )
                .help("write arn:aws:lambda:REGION:ACCOUNT:function:AWSClientVPN-NAME");
            }
            Some(name) if !name.starts_with("AWSClientVPN-") => {
                cx.error(
                    "endpoint.client_connect_handler",
                    format!("function `{name}` does not start with `AWSClientVPN-`"),
                )
                .help(
                    "AWS only invokes client connect handlers whose name starts with AWSClientVPN-",
                );
            }
            Some(_) => {}
        }
    }
    if let Some(log) = &e.connection_log {
        if log.group.trim().is_empty() {
            cx.error(
                "endpoint.connection_log.group",
                "the log group name is empty",
            );
        }
    }

    // --- Targets
    if f.targets.is_empty() {
        cx.error("targets", "no targets: the intent grants no access")
            .help("add at least one target with `name`, `subnet` or `cidr`, and `ports`");
    }
    let mut targets = Vec::new();
    let mut seen_names: BTreeSet<&str> = BTreeSet::new();
    for (i, t) in f.targets.iter().enumerate() {
        let p = Index("targets", i);
        cx.name(format_args!("{p}.name"), &t.name, "target name");
        if !seen_names.insert(&t.name) {
            cx.error(
                format_args!("{p}.name"),
                format!("target name `{}` is used twice", t.name),
            )
            .help("target names become resource names; make them unique");
        }
        let destination = match (&t.subnet, &t.cidr) {
            (Some(_), Some(_)) | (None, None) => {
                cx.error(
                    p,
                    format!(
                        "target `{}` needs exactly one of `subnet` and `cidr`",
                        t.name
                    ),
                )
                .help("`subnet:` for a destination inside the VPC, `cidr:` for one outside it");
                None
            }
            (Some(name), None) => match subnet_index.get(name.as_str()) {
                None => {
                    unknown_subnet(cx, &Field(p, "subnet").to_string(), name);
                    None
                }
                Some(&idx) => {
                    let sn = subnets[idx].cidr;
                    let mut cidrs = Vec::new();
                    for (j, h) in t.hosts.iter().enumerate() {
                        let hp = Index(Field(p, "hosts"), j);
                        if let Some(c) = cx.cidr(hp, h) {
                            if contains(&sn, &c) {
                                cidrs.push(c);
                            } else {
                                cx.error(
                                    hp,
                                    format!("host `{c}` is not inside subnet `{name}` ({sn})"),
                                )
                                .help("hosts narrow a target inside its own subnet");
                            }
                        }
                    }
                    if t.hosts.is_empty() {
                        cidrs.push(sn);
                    }
                    cidrs = crate::net::aggregate(&cidrs);
                    Some(Destination::Subnet { subnet: idx, cidrs })
                }
            },
            (None, Some(c)) => {
                if !t.hosts.is_empty() {
                    cx.error(
                        format_args!("{p}.hosts"),
                        "`hosts` only narrows a `subnet` target",
                    )
                    .help("for an outside destination, make `cidr` itself narrower");
                }
                match cx.cidr(format_args!("{p}.cidr"), c) {
                    Some(c) if c.prefix_len() > 0 && vpc_cidrs.iter().any(|v| overlaps(v, &c)) => {
                        let v = vpc_cidrs.iter().find(|v| overlaps(v, &c)).copied();
                        cx.error(
                            format_args!("{p}.cidr"),
                            format!(
                                "`{c}` is inside the VPC ({})",
                                v.map(|v| v.to_string()).unwrap_or_default()
                            ),
                        )
                        .help("use `subnet:` (and `hosts:`) for destinations inside the VPC");
                        None
                    }
                    Some(c) => Some(Destination::Outside { cidr: c }),
                    None => None,
                }
            }
        };
        if t.security_group.is_some() && t.cidr.is_some() {
            cx.error(
                format_args!("{p}.security_group"),
                "`security_group` only applies to a `subnet` target",
            )
            .help("destinations outside the VPC cannot reference the endpoint security group");
        }
        if let Some(sg) = &t.security_group {
            cx.aws_id(format_args!("{p}.security_group"), sg, "sg-");
        }
        if let (Some(cc), Some(d)) = (client_cidr, &destination) {
            for c in match d {
                Destination::Subnet { cidrs, .. } => cidrs.clone(),
                Destination::Outside { cidr } => vec![*cidr],
            } {
                if c.prefix_len() > 0 && overlaps(&c, &cc) {
                    cx.error(format_args!("{p}.cidr"), format!("destination `{c}` overlaps the client CIDR `{cc}`"))
                        .help("client addresses and destinations must not overlap; pick another client CIDR");
                }
            }
        }
        if t.ports.is_empty() {
            cx.error(
                format_args!("{p}.ports"),
                format!("target `{}` has no ports", t.name),
            )
            .help("list at least one, e.g. `ports: [ssh]` or `ports: [tcp/8000-8080]`");
        }
        let mut services = Vec::new();
        for (j, port) in t.ports.iter().enumerate() {
            let pp = Index(Field(p, "ports"), j);
            match parse_port(&port.0) {
                Ok(s) => {
                    if s.iter().any(|s| s.protocol == Protocol::All) {
                        cx.warning(
                            pp,
                            format!("target `{}` opens every protocol and port", t.name),
                        )
                        .help("list the ports the service needs; `all` is rarely least privilege");
                    }
                    services.extend(s);
                }
                Err(msg) => {
                    cx.error(pp, msg).help(
                        "write `tcp/22`, `tcp/8000-8080`, `udp/53`, `icmp`, `all`, or a name: \
                         ssh, rdp, http, https, postgres, mysql, mssql, redis, dns",
                    );
                }
            }
        }
        services.sort();
        services.dedup_by(|a, b| a.protocol == b.protocol && a.ports == b.ports);
        if !t.groups.is_empty() && !auth_groups {
            cx.error(format_args!("{p}.groups"), "user groups need active-directory or saml authentication")
                .help("with certificate authentication every client is the same user: remove `groups`, or change `endpoint.authentication`");
        }
        for (j, g) in t.groups.iter().enumerate() {
            let n = g.chars().count();
            if n == 0 || n > limits::MAX_GROUP_ID_CHARS {
                cx.error(
                    format_args!("{p}.groups[{j}]"),
                    format!("group ID has {n} characters; AWS accepts 1 to 255"),
                );
            }
        }
        let mut groups = t.groups.clone();
        groups.sort();
        groups.dedup();
        if let Some(destination) = destination {
            targets.push(Target {
                name: t.name.clone(),
                destination,
                services,
                groups,
                security_group: t.security_group.clone(),
            });
        }
    }

    // --- Tunnel shape warnings
    let covers_all = targets
        .iter()
        .any(|t| matches!(t.destination, Destination::Outside { cidr } if cidr.prefix_len() == 0));
    if !e.split_tunnel && !covers_all {
        cx.warning(
            "endpoint.split_tunnel",
            "full tunnel without a 0.0.0.0/0 target: clients lose internet access while connected",
        )
        .help("add a target with `cidr: 0.0.0.0/0`, or set `split_tunnel: true`");
    }
    if e.split_tunnel && covers_all {
        cx.warning(
            "endpoint.split_tunnel",
            "a 0.0.0.0/0 target with split tunnel: all client traffic is tunnelled anyway",
        )
        .help("set `split_tunnel: false` to say so, or narrow the target");
    }

    // --- NACL settings
    let n = &f.nacl;
    if n.rule_start == 0 || n.rule_start > limits::NACL_MAX_RULE_NUMBER {
        cx.error(
            "nacl.rule_start",
            format!("rule number {} is outside 1-32766", n.rule_start),
        );
    }
    if n.rule_step == 0 {
        cx.error("nacl.rule_step", "the rule step must be at least 1");
    }
    if n.quota < 2 || n.quota > limits::NACL_MAX_QUOTA {
        cx.error(
            "nacl.quota",
            format!("NACL quota {} is outside 2-40", n.quota),
        )
        .help("AWS's default is 20 entries per direction, adjustable up to 40");
    }
    let ephemeral = match parse_range(&n.ephemeral_ports) {
        Ok(r) => r,
        Err(msg) => {
            cx.error("nacl.ephemeral_ports", msg)
                .help("AWS's guidance for NAT-ed sources is 1024-65535");
            crate::net::PortRange {
                from: 1024,
                to: 65535,
            }
        }
    };

    let client_cidr = client_cidr?;
    Some(Intent {
        name: f.name.clone(),
        vpc: Vpc {
            id: f.vpc.id.clone(),
            cidrs: vpc_cidrs,
        },
        endpoint: Endpoint {
            id: e.id.clone(),
            client_cidr,
            split_tunnel: e.split_tunnel,
            authentication: e.authentication,
            egress: e.egress,
            transport: e.transport,
            vpn_port,
            dns_servers: e.dns_servers.clone(),
            session_timeout_hours: e.session_timeout_hours,
            disconnect_on_session_timeout: e.disconnect_on_session_timeout,
            self_service_portal: e.self_service_portal,
            client_login_banner: e.client_login_banner.clone(),
            client_route_enforcement: e.client_route_enforcement,
            connection_log: e.connection_log.as_ref().map(|l| ConnectionLog {
                group: l.group.clone(),
                stream: l.stream.clone(),
            }),
            client_connect_handler: e.client_connect_handler.clone(),
            attachment: attachment?,
        },
        subnets,
        target_networks,
        targets,
        nacl: NaclSettings {
            rule_start: n.rule_start,
            rule_step: n.rule_step,
            ephemeral,
            quota: n.quota,
        },
    })
}

/// `vpcs`: the further VPCs of a transit-gateway-attached endpoint, as (ID, CIDRs). Their
/// CIDRs join `vpc_cidrs`, since everything the intent calls "in a VPC" lies in one.
fn further_vpcs(
    f: &IntentFile,
    tgw: bool,
    vpc_cidrs: &mut Vec<Ipv4Net>,
    cx: &mut Ctx,
) -> Vec<(String, Vec<Ipv4Net>)> {
    let mut out = Vec::new();
    if !tgw && !f.vpcs.is_empty() {
        cx.error("vpcs", "further VPCs need `endpoint.attachment: transit-gateway`")
            .help("an endpoint associated with target networks reaches one VPC (and what its route tables lead to): declare destinations in other VPCs as `cidr:` targets, or attach the endpoint to a transit gateway");
        return out;
    }
    for (i, v) in f.vpcs.iter().enumerate() {
        let p = Index("vpcs", i);
        let id = match &v.id {
            Some(id) => {
                cx.aws_id(Field(p, "id"), id, "vpc-");
                id.clone()
            }
            None => {
                cx.error(p, "a further VPC needs its `id`").help(
                    "security groups created for targets in this VPC are created in it by ID",
                );
                continue;
            }
        };
        if f.vpc.id.as_deref() == Some(id.as_str())
            || f.vpcs[..i]
                .iter()
                .any(|o| o.id.as_deref() == Some(id.as_str()))
        {
            cx.error(Field(p, "id"), format!("VPC `{id}` is declared twice"))
                .help("declare each VPC once, with all its CIDRs");
        }
        let mut cidrs = Vec::new();
        let texts = std::iter::once((Field(p, "cidr").to_string(), &v.cidr)).chain(
            v.secondary_cidrs
                .iter()
                .enumerate()
                .map(|(j, c)| (Index(Field(p, "secondary_cidrs"), j).to_string(), c)),
        );
        for (path, text) in texts {
            let Some(c) = cx.cidr(&path, text) else {
                continue;
            };
            if let Some(o) = vpc_cidrs.iter().find(|o| overlaps(o, &c)) {
                let o = *o;
                cx.error(&path, format!("`{c}` overlaps VPC CIDR `{o}`"))
                    .help("VPCs connected through one transit gateway need distinct CIDRs");
            } else {
                vpc_cidrs.push(c);
                cidrs.push(c);
            }
        }
        out.push((id, cidrs));
    }
    out
}

/// `endpoint.attachment` and `endpoint.transit_gateway`, and what a transit gateway
/// attachment rules out (`docs/transit-gateway.md`).
fn attachment(f: &IntentFile, cx: &mut Ctx) -> Option<Attachment> {
    let e = &f.endpoint;
    match (e.attachment, &e.transit_gateway) {
        (file::Attachment::Vpc, None) => Some(Attachment::Vpc),
        (file::Attachment::Vpc, Some(_)) => {
            cx.error(
                "endpoint.transit_gateway",
                "`transit_gateway` needs `endpoint.attachment: transit-gateway`",
            )
            .help("AWS does not mix VPC and transit gateway associations: set `attachment: transit-gateway` (and remove `target_networks`), or remove `transit_gateway`");
            None
        }
        (file::Attachment::TransitGateway, None) => {
            cx.error(
                "endpoint.attachment",
                "a transit-gateway attachment needs `endpoint.transit_gateway`",
            )
            .help("add `transit_gateway: {id: tgw-…, availability_zones: [...]}` to `endpoint`");
            None
        }
        (file::Attachment::TransitGateway, Some(t)) => {
            cx.aws_id("endpoint.transit_gateway.id", &t.id, "tgw-");
            let n = t.availability_zones.len();
            if n == 0 || n > limits::MAX_TGW_AVAILABILITY_ZONES {
                cx.error(
                    "endpoint.transit_gateway.availability_zones",
                    format!(
                        "{n} Availability Zones given; a transit gateway attachment has 1 to 5"
                    ),
                )
                .help("list the Availability Zones the endpoint serves clients from, at most 5");
            }
            let mut seen = BTreeSet::new();
            for (i, az) in t.availability_zones.iter().enumerate() {
                let path = Index("endpoint.transit_gateway.availability_zones", i);
                if az.trim().is_empty() {
                    cx.error(path, "empty Availability Zone name");
                } else if !seen.insert(az.as_str()) {
                    cx.error(path, format!("`{az}` is listed twice"))
                        .help("list each Availability Zone once");
                }
            }
            // What an attachment without ENIs or security groups cannot have.
            if cx.spans.has("endpoint.egress") {
                cx.error(
                    "endpoint.egress",
                    "a transit-gateway-attached endpoint has no security group, so no egress rules",
                )
                .help("remove `egress`: destinations admit the client CIDR in their own security groups");
            }
            Some(Attachment::TransitGateway(TransitGateway {
                id: t.id.clone(),
                availability_zones: t.availability_zones.clone(),
            }))
        }
    }
}
