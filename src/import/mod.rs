//! `shibori import`: a starter intent from an AWS snapshot (see `docs/audit.md`): the VPC
//! and subnets (CIDR, AZ, ACL ID), target networks from the associations, the endpoint's
//! settings, and one target per authorization-rule CIDR with its groups and the ports the
//! security groups open to the endpoint and the network ACLs let through. Every inference carries a `# check:` comment;
//! `verify` of the result against the same snapshot lists what the setup allows beyond it.

pub mod infer;

use crate::verify::read::snapshot::Snapshot;
use infer::{Dest, Inputs};
use ipnet::Ipv4Net;
use std::fmt::Write as _;

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("the snapshot has no endpoint {0} (run the commands of `shibori snapshot-commands --endpoint {0}`)")]
    NoEndpoint(String),
    #[error("endpoint {0} has no VPC in the snapshot (`describe-vpcs` output for {1} is missing)")]
    NoVpc(String, String),
    #[error(
        "endpoint {0} names no VPC (an endpoint attached to a transit gateway is not imported)"
    )]
    NoVpcId(String),
}

/// YAML double-quoted scalar.
fn q(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

fn authentication(types: &[String]) -> (&'static str, Option<String>) {
    let has = |t: &str| types.iter().any(|x| x == t);
    if has("federated-authentication") {
        ("saml", None)
    } else if has("directory-service-authentication") {
        ("active-directory", None)
    } else if has("certificate-authentication") {
        ("certificate", None)
    } else {
        (
            "certificate",
            Some(format!(
                "authentication types {types:?} not recognised: set `authentication`"
            )),
        )
    }
}

pub fn import(snap: &Snapshot, endpoint: &str) -> Result<String, ImportError> {
    let ep = snap
        .endpoints
        .iter()
        .map(|(_, e)| e)
        .find(|e| e.client_vpn_endpoint_id == endpoint)
        .ok_or_else(|| ImportError::NoEndpoint(endpoint.to_string()))?;
    let vpc_id = ep
        .vpc_id
        .clone()
        .ok_or_else(|| ImportError::NoVpcId(endpoint.to_string()))?;
    let vpc = snap
        .vpcs
        .iter()
        .map(|(_, v)| v)
        .find(|v| v.vpc_id == vpc_id)
        .ok_or_else(|| ImportError::NoVpc(endpoint.to_string(), vpc_id.clone()))?;
    let primary: Option<Ipv4Net> = vpc.cidr_block.parse().ok();
    let mut vpc_cidrs: Vec<Ipv4Net> = primary.into_iter().collect();
    for c in &vpc.cidr_block_association_set {
        let live = c
            .cidr_block_state
            .as_ref()
            .is_none_or(|s| s.state == "associated");
        if let Ok(n) = c.cidr_block.parse::<Ipv4Net>() {
            if live && !vpc_cidrs.contains(&n) {
                vpc_cidrs.push(n);
            }
        }
    }
    let associated: Vec<String> = snap
        .target_networks
        .iter()
        .map(|(_, t)| t)
        .filter(|t| t.client_vpn_endpoint_id == endpoint)
        .filter(|t| {
            t.status
                .as_ref()
                .is_none_or(|s| s.code == "associated" || s.code == "associating")
        })
        .map(|t| t.target_network_id.clone())
        .collect();
    let auth: Vec<_> = snap
        .authorization_rules
        .iter()
        .map(|(_, a)| a)
        .filter(|a| a.client_vpn_endpoint_id == endpoint)
        .collect();
    let subnets = infer::subnets(snap, &vpc_id, &associated, &auth);
    let target_networks: Vec<String> = subnets
        .iter()
        .filter(|s| associated.contains(&s.id))
        .map(|s| s.name.clone())
        .collect();
    // The ACL entries as verify reads them (the `*` entries left out).
    let rules = crate::verify::read::snapshot::to_rules(snap, Some(endpoint), "snapshot")
        .map(|rs| rs.nacl_rules)
        .unwrap_or_default();
    let acl_rules = infer::acl_rules(&rules);
    let targets = infer::targets(&Inputs {
        snap,
        ep,
        vpc_cidrs: &vpc_cidrs,
        subnets: &subnets,
        target_networks: &target_networks,
        auth: &auth,
        acl_rules: &acl_rules,
    });

    let mut y = String::new();
    let w = &mut y;
    let _ = writeln!(
        w,
        "# Starter intent imported by shibori from a snapshot of {endpoint}.\n\
         # It describes what the endpoint seems meant to grant. Review every `# check:` line,\n\
         # then run `shibori verify THIS_FILE --artifact SNAPSHOT_DIR` to list what the\n\
         # current setup allows beyond it."
    );
    let _ = writeln!(w, "version: 1");
    let name_tag = ep
        .description
        .clone()
        .filter(|d| !d.is_empty())
        .unwrap_or_default();
    let name = infer::sanitize(&name_tag, "imported");
    let _ = writeln!(
        w,
        "name: {name}   # check: from the endpoint's description; prefixes resource names"
    );
    let _ = writeln!(w, "vpc:\n  id: {vpc_id}");
    match vpc_cidrs.split_first() {
        Some((p, rest)) => {
            let _ = writeln!(w, "  cidr: {p}");
            if !rest.is_empty() {
                let list: Vec<String> = rest.iter().map(|c| c.to_string()).collect();
                let _ = writeln!(w, "  secondary_cidrs: [{}]", list.join(", "));
            }
        }
        None => {
            let _ = writeln!(
                w,
                "  cidr: {}   # check: not an IPv4 CIDR in the snapshot",
                q(&vpc.cidr_block)
            );
        }
    }
    let vpc_ipv6: Vec<String> = vpc
        .ipv6_cidr_block_association_set
        .iter()
        .filter_map(|c| c.live())
        .map(|c| q(&c.to_string()))
        .collect();
    if !vpc_ipv6.is_empty() {
        let _ = writeln!(w, "  ipv6_cidrs: [{}]", vpc_ipv6.join(", "));
    }
    let _ = writeln!(w, "endpoint:\n  id: {endpoint}");
    if let Some(c) = &ep.client_cidr_block {
        let _ = writeln!(w, "  client_cidr: {c}");
    }
    for (key, value) in [
        ("ip_address_type", &ep.endpoint_ip_address_type),
        ("traffic_ip_address_type", &ep.traffic_ip_address_type),
    ] {
        if let Some(v) = value.as_deref().filter(|v| *v != "ipv4") {
            let _ = writeln!(w, "  {key}: {v}");
        }
    }
    let _ = writeln!(w, "  split_tunnel: {}", ep.split_tunnel.unwrap_or(false));
    let types: Vec<String> = ep
        .authentication_options
        .iter()
        .map(|a| a.kind.clone())
        .collect();
    let (auth_kind, note) = authentication(&types);
    let _ = writeln!(
        w,
        "  authentication: {auth_kind}{}",
        note.map(|n| format!("   # check: {n}")).unwrap_or_default()
    );
    if let Some(t) = ep.transport_protocol.as_deref() {
        let _ = writeln!(w, "  transport: {}", t.to_ascii_lowercase());
    }
    if let Some(p) = ep.vpn_port {
        let _ = writeln!(w, "  vpn_port: {p}");
    }
    if !ep.dns_servers.is_empty() {
        let _ = writeln!(w, "  dns_servers: [{}]", ep.dns_servers.join(", "));
    }
    if let Some(h) = ep
        .session_timeout_hours
        .filter(|h| [8, 10, 12, 24].contains(h))
    {
        let _ = writeln!(w, "  session_timeout_hours: {h}");
    }
    let _ = writeln!(
        w,
        "  # check: egress is `all` (the default); `strict` narrows the endpoint group to the targets"
    );
    let _ = writeln!(w, "subnets:");
    for s in &subnets {
        let _ = writeln!(w, "  {}:", s.name);
        let _ = writeln!(w, "    id: {}", s.id);
        let _ = writeln!(w, "    cidr: {}", s.cidr);
        if let Some(v6) = &s.ipv6_cidr {
            let _ = writeln!(w, "    ipv6_cidr: {}", q(&v6.to_string()));
        }
        if let Some(az) = &s.az {
            let _ = writeln!(w, "    az: {az}");
        }
        if let Some(acl) = &s.acl {
            let _ = writeln!(w, "    network_acl: {acl}");
        }
    }
    let _ = writeln!(
        w,
        "target_networks: [{}]   # from the endpoint's associations",
        target_networks.join(", ")
    );
    let _ = writeln!(w, "targets:");
    // Targets are inferred from IPv4 rules; IPv6 ones are listed for the reader to add.
    for a in auth.iter().filter(|a| a.destination_cidr.contains(':')) {
        let who = match (&a.group_id, a.access_all) {
            (_, Some(true)) | (None, _) => "all users".to_string(),
            (Some(g), _) => format!("group {}", q(g)),
        };
        let _ = writeln!(
            w,
            "  # check: IPv6 authorization rule {} for {who}: add its target (`hosts:` in its subnet, or `cidr:`) and ports",
            a.destination_cidr
        );
    }
    if targets.is_empty() {
        let _ = writeln!(
            w,
            "  []   # check: no authorization rule reaches a subnet of the snapshot: add the targets"
        );
    }
    for t in &targets {
        let _ = writeln!(w, "  - name: {}", t.name);
        for c in &t.checks {
            let _ = writeln!(w, "    # check: {c}");
        }
        match &t.dest {
            Dest::Subnet { subnet, hosts } => {
                let _ = writeln!(w, "    subnet: {subnet}");
                if !hosts.is_empty() {
                    let list: Vec<String> = hosts.iter().map(|h| h.to_string()).collect();
                    let _ = writeln!(w, "    hosts: [{}]", list.join(", "));
                }
            }
            Dest::Outside(c) => {
                let _ = writeln!(w, "    cidr: {c}");
            }
        }
        let _ = writeln!(w, "    ports: [{}]", t.ports.join(", "));
        let groups: Vec<String> = t.groups.iter().map(|g| q(g)).collect();
        let _ = writeln!(
            w,
            "    groups: [{}]{}",
            groups.join(", "),
            if t.groups.is_empty() {
                "   # all users: the authorization rule allows every user"
            } else {
                ""
            }
        );
        if let Some(sg) = &t.security_group {
            let _ = writeln!(w, "    security_group: {sg}");
        }
    }
    Ok(y)
}
