//! `targets`: names unique and valid, exactly one of `subnet` (with `hosts` inside it) and
//! `cidr` (outside the VPC), a `security_group` only on a subnet target, destinations clear
//! of the client CIDR, ports that parse, groups only with directory or SAML authentication
//! (docs/semantics.md#validation).

use super::super::file::{Authentication, IntentFile};
use super::super::model::{Destination, Protocol, Target};
use super::super::ports::parse_port;
use super::context::{Ctx, Field, Index};
use super::limits;
use super::subnets::Subnets;
use crate::net::{contains, overlaps};
use ipnet::Ipv4Net;
use std::collections::BTreeSet;

/// The targets whose destination is valid, in the order written.
pub(super) fn check(
    f: &IntentFile,
    cx: &mut Ctx,
    vpc_cidrs: &[Ipv4Net],
    subnets: &Subnets,
    client_cidr: Option<Ipv4Net>,
) -> Vec<Target> {
    let auth_groups = matches!(
        f.endpoint.authentication,
        Authentication::ActiveDirectory | Authentication::Saml
    );
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
            (Some(name), None) => match subnets.get(name) {
                None => {
                    subnets.unknown(cx, &Field(p, "subnet").to_string(), name);
                    None
                }
                Some(idx) => {
                    let sn = subnets.list[idx].cidr;
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
    targets
}
