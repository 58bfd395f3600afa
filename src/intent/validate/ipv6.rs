//! IPv6 and dual-stack: what the address types require of the rest of the intent, and
//! the IPv6 view of the validated intent (`docs/semantics.md`, "IPv6 and dual-stack").

use super::super::file::IntentFile;
use super::super::model::{Destination, Intent, Subnet, Target, Vpc};
use super::context::Ctx;
use ipnet::Ipv6Net;

/// IPv6 tunnel traffic needs every target network to have an IPv6 CIDR (clients get their
/// IPv6 addresses there); a transit gateway attachment is IPv4 only in shibori.
pub(super) fn check(f: &IntentFile, cx: &mut Ctx) {
    let e = &f.endpoint;
    let traffic = e.traffic_ip_address_type;
    if e.attachment == super::super::file::Attachment::TransitGateway
        && (traffic.has_ipv6() || !f.vpc.ipv6_cidrs.is_empty())
    {
        cx.error(
            "endpoint.traffic_ip_address_type",
            "IPv6 with a transit gateway attachment is not supported by shibori",
        )
        .rule(crate::findings::Rule::AddressFamily)
        .help("use `traffic_ip_address_type: ipv4` and no `vpc.ipv6_cidrs` for a transit gateway attachment, or associate target networks");
        return;
    }
    if !traffic.has_ipv6() {
        return;
    }
    if f.vpc.ipv6_cidrs.is_empty() {
        cx.error(
            "endpoint.traffic_ip_address_type",
            format!("{} tunnel traffic and the VPC has no IPv6 CIDR", traffic.as_str()),
        )
        .rule(crate::findings::Rule::AddressFamily)
        .help("add the VPC's IPv6 block under `vpc.ipv6_cidrs`, and `ipv6_cidr` to the target networks");
    }
    for (i, name) in f.target_networks.iter().enumerate() {
        // A subnet whose IPv6 CIDR is written but invalid is reported there already.
        let Some(s) = f.subnets.get(name) else {
            continue;
        };
        if s.ipv6_cidr.is_none() {
            cx.error(
                format_args!("target_networks[{i}]"),
                format!("target network `{name}` has no `ipv6_cidr`, and the tunnel carries IPv6"),
            )
            .rule(crate::findings::Rule::AddressFamily)
            .help(format!(
                "add `ipv6_cidr:` to `subnets.{name}`: IPv6 clients get their addresses from the target networks"
            ));
        }
    }
}

/// The IPv6 view: the subnets with an IPv6 CIDR (indexes renumbered), the target networks
/// among them, and the targets with an IPv6 destination.
pub(super) fn view(
    base: &Intent,
    vpc_ipv6_cidrs: Vec<Ipv6Net>,
    targets: Vec<Target<Ipv6Net>>,
) -> Intent<Ipv6Net> {
    let mut renumber: Vec<Option<usize>> = vec![None; base.subnets.len()];
    let mut subnets = Vec::new();
    for (i, s) in base.subnets.iter().enumerate() {
        if let Some(cidr) = s.ipv6_cidr {
            renumber[i] = Some(subnets.len());
            subnets.push(Subnet {
                name: s.name.clone(),
                id: s.id.clone(),
                cidr,
                ipv6_cidr: Some(cidr),
                az: s.az.clone(),
                acl: s.acl.clone(),
                vpc_id: s.vpc_id.clone(),
            });
        }
    }
    let at = |i: usize| renumber.get(i).copied().flatten();
    let targets = targets
        .into_iter()
        .filter_map(|mut t| {
            if let Destination::Subnet { subnet, .. } = &mut t.destination {
                *subnet = at(*subnet)?;
            }
            Some(t)
        })
        .collect();
    Intent {
        name: base.name.clone(),
        vpc: Vpc {
            id: base.vpc.id.clone(),
            cidrs: vpc_ipv6_cidrs,
        },
        endpoint: base.endpoint.clone(),
        target_networks: base.target_networks.iter().filter_map(|&i| at(i)).collect(),
        subnets,
        targets,
        nacl: base.nacl.clone(),
        carried: base.endpoint.traffic_ip_address_type.has_ipv6(),
        ipv6: None,
    }
}
