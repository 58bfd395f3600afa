//! `endpoint`: its ID, the client CIDR (/12 to /22, overlapping neither the VPC nor a subnet),
//! the VPN port, and the optional settings AWS constrains: DNS servers, session timeout, login
//! banner, self-service portal, client connect handler, connection log
//! (docs/semantics.md#validation). Also the warnings on the tunnel's shape, which need the
//! targets.

use super::super::file::{Authentication, EndpointFile, IntentFile, IpAddressType};
use super::super::model::{ConnectionLog, Destination, Endpoint, Subnet, Target};
use super::context::Ctx;
use super::limits;
use crate::net::overlaps;
use ipnet::{Ipv4Net, Ipv6Net};

/// What the endpoint's checks hand to the rest: the client CIDR when valid, and the VPN port
/// (443 when the one written is not offered, so that checking goes on).
pub(super) struct Checked {
    pub(super) client_cidr: Option<Ipv4Net>,
    pub(super) vpn_port: u16,
}

pub(super) fn check(
    f: &IntentFile,
    cx: &mut Ctx,
    vpc_cidrs: &[Ipv4Net],
    subnets: &[Subnet],
) -> Checked {
    let e = &f.endpoint;
    if let Some(id) = &e.id {
        cx.aws_id("endpoint.id", id, "cvpn-endpoint-");
    }
    let traffic = e.traffic_ip_address_type;
    let client_cidr = match &e.client_cidr {
        Some(_) if !traffic.has_ipv4() => {
            cx.error(
                "endpoint.client_cidr",
                "a client CIDR with IPv6-only tunnel traffic",
            )
            .rule(crate::findings::Rule::AddressFamily)
            .help("IPv6 clients get their addresses from the associated subnets: remove `client_cidr`, or set `traffic_ip_address_type: dual-stack`");
            None
        }
        Some(text) => cx.cidr("endpoint.client_cidr", text),
        None if traffic.has_ipv4() => {
            let d = crate::diagnostic::Diagnostic::error("missing `client_cidr`")
                .rule(crate::findings::Rule::AddressFamily)
                .at("endpoint")
                .with_span(cx.spans.key("endpoint"))
                .help("IPv4 tunnel traffic needs a client CIDR, /12 to /22, e.g. `client_cidr: 172.31.0.0/22`");
            cx.diags.push(d);
            None
        }
        None => None,
    };
    if let Some(c) = client_cidr {
        if !limits::CLIENT_CIDR_PREFIX.contains(&c.prefix_len()) {
            cx.error("endpoint.client_cidr", format!("client CIDR `{c}` is a /{}; AWS accepts /12 to /22", c.prefix_len()))
                .help("pick a block between /12 and /22 (e.g. a /22 gives 1,024 addresses); it cannot be changed later");
        }
        if let Some(v) = vpc_cidrs.iter().find(|v| overlaps(*v, &c)) {
            let v = *v;
            cx.error(
                "endpoint.client_cidr",
                format!("client CIDR `{c}` overlaps VPC CIDR `{v}`"),
            )
            .help("choose a client CIDR that overlaps neither the VPC nor any destination");
        }
        for s in subnets {
            if overlaps(&s.cidr, &c) && !vpc_cidrs.iter().any(|v| overlaps(v, &c)) {
                cx.error(
                    "endpoint.client_cidr",
                    format!("client CIDR `{c}` overlaps subnet `{}`", s.name),
                );
            }
        }
    }
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
        let path = format!("endpoint.dns_servers[{i}]");
        match d.parse::<std::net::IpAddr>() {
            Err(_) => {
                cx.error(&path, format!("`{d}` is not an IP address")).help(
                    "the VPC's resolver is the VPC CIDR's base address plus two, e.g. 192.168.0.2",
                );
            }
            // A DNS server the tunnel cannot carry is unreachable for the clients.
            Ok(std::net::IpAddr::V4(_)) if !traffic.has_ipv4() => {
                cx.error(&path, format!("`{d}` is an IPv4 address and the tunnel carries IPv6 only"))
                    .rule(crate::findings::Rule::AddressFamily)
                    .help("name an IPv6 DNS server, e.g. the VPC resolver fd00:ec2::253, or carry dual-stack traffic");
            }
            Ok(std::net::IpAddr::V6(_)) if !traffic.has_ipv6() => {
                cx.error(&path, format!("`{d}` is an IPv6 address and the tunnel carries IPv4 only"))
                    .rule(crate::findings::Rule::AddressFamily)
                    .help("name an IPv4 DNS server, e.g. the VPC CIDR's base address plus two, or carry dual-stack traffic");
            }
            Ok(_) => {}
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
    Checked {
        client_cidr,
        vpn_port,
    }
}

/// Warns when the tunnel's shape and the targets disagree: a full tunnel without a
/// `0.0.0.0/0` (or, for IPv6-only traffic, `::/0`) target, or such a target with a split
/// tunnel.
pub(super) fn tunnel_shape(
    e: &EndpointFile,
    targets: &[Target],
    targets6: &[Target<Ipv6Net>],
    cx: &mut Ctx,
) {
    let covers_all4 = targets
        .iter()
        .any(|t| matches!(t.destination, Destination::Outside { cidr } if cidr.prefix_len() == 0));
    let covers_all6 = targets6
        .iter()
        .any(|t| matches!(t.destination, Destination::Outside { cidr } if cidr.prefix_len() == 0));
    let covers_all = covers_all4 || covers_all6;
    let traffic = e.traffic_ip_address_type;
    // Per family the tunnel carries: without its `/0` target, a full tunnel takes that
    // family's internet away.
    let missing: Vec<&str> = [
        (traffic.has_ipv4() && !covers_all4).then_some("0.0.0.0/0"),
        (traffic.has_ipv6() && !covers_all6).then_some("::/0"),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !e.split_tunnel && !missing.is_empty() {
        let what = match (missing.as_slice(), traffic) {
            (["0.0.0.0/0"], IpAddressType::DualStack) => "IPv4 internet access",
            (["::/0"], IpAddressType::DualStack) => "IPv6 internet access",
            _ => "internet access",
        };
        cx.warning(
            "endpoint.split_tunnel",
            format!(
                "full tunnel without a {} target: clients lose {what} while connected",
                missing.join(" or ")
            ),
        )
        .rule(crate::findings::Rule::FullTunnelWithoutInternet)
        .help(format!(
            "add a target with `cidr: {}`, or set `split_tunnel: true`",
            missing.join("` and one with `cidr: ")
        ));
    }
    if e.split_tunnel && covers_all {
        cx.warning(
            "endpoint.split_tunnel",
            format!(
                "a {} target with split tunnel: all client traffic is tunnelled anyway",
                if covers_all4 { "0.0.0.0/0" } else { "::/0" }
            ),
        )
        .rule(crate::findings::Rule::SplitTunnelCoversAll)
        .help("set `split_tunnel: false` to say so, or narrow the target");
    }
}

/// The endpoint of the validated intent, from the file and what [`check`] found valid.
pub(super) fn model(e: &EndpointFile, client_cidr: Option<Ipv4Net>, vpn_port: u16) -> Endpoint {
    Endpoint {
        id: e.id.clone(),
        client_cidr,
        ip_address_type: e.ip_address_type,
        traffic_ip_address_type: e.traffic_ip_address_type,
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
        // Set by `transit_gateway::attachment` for a transit gateway.
        attachment: super::super::model::Attachment::Vpc,
    }
}
