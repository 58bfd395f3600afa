//! `targets`: names unique and valid, exactly one of `subnet` (with `hosts` inside it) and
//! `cidr` (outside the VPC), a `security_group` only on a subnet target, destinations clear
//! of the client CIDR, ports that parse, groups only with directory or SAML authentication
//! (docs/semantics.md#validation).

use super::super::file::{Authentication, IntentFile, IpAddressType, TargetFile};
use super::super::model::{Destination, Protocol, Target};
use super::super::ports::parse_port;
use super::context::{Ctx, Field, Index};
use super::limits;
use super::subnets::Subnets;
use crate::net::{contains, overlaps, Family, Prefix};
use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use std::collections::BTreeSet;

/// The targets whose destination is valid, in the order written.
pub(super) fn check(
    f: &IntentFile,
    cx: &mut Ctx,
    vpc_cidrs: &[Ipv4Net],
    vpc_ipv6_cidrs: &[Ipv6Net],
    subnets: &Subnets,
    client_cidr: Option<Ipv4Net>,
) -> (Vec<Target>, Vec<Target<Ipv6Net>>) {
    let traffic = f.endpoint.traffic_ip_address_type;
    let auth_groups = matches!(
        f.endpoint.authentication,
        Authentication::ActiveDirectory | Authentication::Saml
    );
    if f.targets.is_empty() {
        cx.error("targets", "no targets: the intent grants no access")
            .help("add at least one target with `name`, `subnet` or `cidr`, and `ports`");
    }
    let mut targets = Vec::new();
    let mut targets6 = Vec::new();
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
        let (destination, destination6) = match (&t.subnet, &t.cidr) {
            (Some(_), Some(_)) | (None, None) => {
                cx.error(
                    p,
                    format!(
                        "target `{}` needs exactly one of `subnet` and `cidr`",
                        t.name
                    ),
                )
                .help("`subnet:` for a destination inside the VPC, `cidr:` for one outside it");
                (None, None)
            }
            (Some(name), None) => match subnets.get(name) {
                None => {
                    subnets.unknown(cx, &Field(p, "subnet").to_string(), name);
                    (None, None)
                }
                Some(idx) => subnet_destination(cx, t, p, name, idx, subnets, traffic),
            },
            (None, Some(c)) => {
                if !t.hosts.is_empty() {
                    cx.error(
                        format_args!("{p}.hosts"),
                        "`hosts` only narrows a `subnet` target",
                    )
                    .help("for an outside destination, make `cidr` itself narrower");
                }
                match cx.ip_cidr(format_args!("{p}.cidr"), c) {
                    Some(IpNet::V4(c)) => {
                        family_carried(cx, Field(p, "cidr"), Family::Ipv4, traffic);
                        (outside(cx, p, c, vpc_cidrs), None)
                    }
                    Some(IpNet::V6(c)) => {
                        family_carried(cx, Field(p, "cidr"), Family::Ipv6, traffic);
                        (None, outside(cx, p, c, vpc_ipv6_cidrs))
                    }
                    None => (None, None),
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
                        .rule(crate::findings::Rule::ClientCidr)
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
                        .rule(crate::findings::Rule::AllProtocols)
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
        if let Some(destination) = destination6 {
            targets6.push(Target {
                name: t.name.clone(),
                position: i,
                destination,
                services: services.clone(),
                groups: groups.clone(),
                security_group: t.security_group.clone(),
            });
        }
        if let Some(destination) = destination {
            targets.push(Target {
                name: t.name.clone(),
                position: i,
                destination,
                services,
                groups,
                security_group: t.security_group.clone(),
            });
        }
    }
    (targets, targets6)
}

/// A subnet target's destinations per family: its `hosts` of each family, or else the
/// subnet's own CIDR of every family the tunnel carries and the subnet has.
fn subnet_destination(
    cx: &mut Ctx,
    t: &TargetFile,
    p: Index<&str>,
    name: &str,
    idx: usize,
    subnets: &Subnets,
    traffic: IpAddressType,
) -> (Option<Destination>, Option<Destination<Ipv6Net>>) {
    let sn = subnets.list[idx].cidr;
    let sn6 = subnets.list[idx].ipv6_cidr;
    let mut cidrs = Vec::new();
    let mut cidrs6 = Vec::new();
    for (j, h) in t.hosts.iter().enumerate() {
        let hp = Index(Field(p, "hosts"), j);
        match cx.ip_cidr(hp, h) {
            Some(IpNet::V4(c)) => {
                family_carried(cx, hp, Family::Ipv4, traffic);
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
            Some(IpNet::V6(c)) => {
                family_carried(cx, hp, Family::Ipv6, traffic);
                match sn6 {
                    Some(sn6) if contains(&sn6, &c) => cidrs6.push(c),
                    Some(sn6) => {
                        cx.error(
                            hp,
                            format!("host `{c}` is not inside subnet `{name}` ({sn6})"),
                        )
                        .help("hosts narrow a target inside its own subnet");
                    }
                    None => {
                        cx.error(
                            hp,
                            format!("host `{c}` is IPv6 and subnet `{name}` has no `ipv6_cidr`"),
                        )
                        .rule(crate::findings::Rule::AddressFamily)
                        .help(format!("add `ipv6_cidr:` to `subnets.{name}`"));
                    }
                }
            }
            None => {}
        }
    }
    if t.hosts.is_empty() {
        if traffic.has_ipv4() {
            cidrs.push(sn);
        }
        match sn6 {
            Some(sn6) if traffic.has_ipv6() => cidrs6.push(sn6),
            None if !traffic.has_ipv4() => {
                cx.error(
                    Field(p, "subnet"),
                    format!("the tunnel carries IPv6 only and subnet `{name}` has no `ipv6_cidr`"),
                )
                .rule(crate::findings::Rule::AddressFamily)
                .help(format!(
                    "add `ipv6_cidr:` to `subnets.{name}`, or set `endpoint.traffic_ip_address_type: dual-stack`"
                ));
            }
            _ => {}
        }
    }
    let cidrs = crate::net::aggregate(&cidrs);
    let cidrs6 = crate::net::aggregate(&cidrs6);
    (
        (!cidrs.is_empty()).then_some(Destination::Subnet { subnet: idx, cidrs }),
        (!cidrs6.is_empty()).then_some(Destination::Subnet {
            subnet: idx,
            cidrs: cidrs6,
        }),
    )
}

/// An outside destination of either family, unless it lies in the VPC.
fn outside<N: Prefix>(
    cx: &mut Ctx,
    p: Index<&str>,
    c: N,
    vpc_cidrs: &[N],
) -> Option<Destination<N>> {
    if c.prefix_len() > 0 {
        if let Some(v) = vpc_cidrs.iter().find(|v| overlaps(*v, &c)) {
            cx.error(
                format_args!("{p}.cidr"),
                format!("`{c}` is inside the VPC ({v})"),
            )
            .help("use `subnet:` (and `hosts:`) for destinations inside the VPC");
            return None;
        }
    }
    Some(Destination::Outside { cidr: c })
}

/// A destination of a family the tunnel does not carry is an error.
fn family_carried(
    cx: &mut Ctx,
    path: impl std::fmt::Display,
    family: Family,
    traffic: IpAddressType,
) {
    if !traffic.has(family) {
        let fix = match family {
            Family::Ipv4 => "`dual-stack` or `ipv4`",
            Family::Ipv6 => "`dual-stack` or `ipv6`",
        };
        cx.error(
            path,
            format!(
                "an {family} destination, and the tunnel carries {} traffic only",
                match traffic {
                    IpAddressType::Ipv4 => "IPv4",
                    _ => "IPv6",
                }
            ),
        )
        .rule(crate::findings::Rule::AddressFamily)
        .help(format!("set `endpoint.traffic_ip_address_type` to {fix}"));
    }
}
