//! The transit gateway attachment (`docs/transit-gateway.md`): an
//! endpoint with no target networks, no ENIs in the VPCs and no security group, whose
//! clients keep their own addresses (no source NAT). What changes against the VPC model:
//! - NACL rows only at the destination subnets: ingress from the client CIDR on the
//!   ports, egress back to it on the ephemeral range (there is no ENI subnet in between);
//! - one Client VPN route per destination, without a target subnet, the VPC CIDRs
//!   included (no association adds a local route);
//! - requirements: the attachment's acceptance, route table propagation, and return
//!   routes to the client CIDR through the transit gateway in the VPCs' route tables.
//!
//! Security groups (the client CIDR as source) are planned by `security_group`, and the
//! authorization rules exactly as for a VPC attachment, by `vpn`.

use super::nacl::merge;
use super::{
    quotas, text, NaclEntry, Name, Names, Reason, Requirement, RequirementKind as K, Role, Route,
};
use crate::diagnostic::Diagnostic;
use crate::intent::validate::limits::NACL_MAX_RULE_NUMBER;
use crate::intent::{Destination, Intent, Protocol};
use crate::net::{contains, PortRange};
use ipnet::Ipv4Net;
use std::collections::{BTreeMap, BTreeSet};

/// ICMP echo request / reply types (as in the VPC model's NACL rows).
const ICMP_ECHO_REQUEST: u16 = 8;
const ICMP_ECHO_REPLY: u16 = 0;

/// One merged entry before numbering: protocol, ports and who needs them.
type Entry = (Protocol, PortRange, Vec<Reason>);

/// Whether the intent's endpoint attaches to a transit gateway.
pub fn attached(intent: &Intent) -> bool {
    intent.endpoint.transit_gateway().is_some()
}

/// The NACL entries of a transit gateway attachment: per destination subnet's ACL,
/// ingress from the client CIDR on each target's ports and egress to it on the
/// ephemeral range (ICMP: echo request in, echo reply out). Merged exactly and numbered
/// per ACL and direction like the VPC model's entries. Also returns the unmerged count.
pub fn nacl_entries(
    intent: &Intent,
    names: &Names,
) -> Result<(Vec<NaclEntry>, usize), Vec<Diagnostic>> {
    let client = intent.endpoint.ipv4_clients();
    let eph = intent.nacl.ephemeral;
    // (ACL key, egress, protocol) → wanted ranges and who wants each.
    type Wants = Vec<(PortRange, Reason)>;
    let mut groups: BTreeMap<(String, bool, Protocol), Wants> = BTreeMap::new();
    let mut unmerged = 0usize;
    for (xi, x) in intent.targets.iter().enumerate() {
        let Destination::Subnet { subnet, .. } = x.destination else {
            continue; // outside the VPCs: their own firewalls (a requirement)
        };
        let acl = super::acl_key(&intent.subnets[subnet].acl);
        for (si, svc) in x.services.iter().enumerate() {
            let (req, rep) = match svc.protocol {
                Protocol::Tcp | Protocol::Udp => (svc.ports, eph),
                Protocol::Icmp => (
                    PortRange::single(ICMP_ECHO_REQUEST),
                    PortRange::single(ICMP_ECHO_REPLY),
                ),
                Protocol::All => (PortRange::ALL, PortRange::ALL),
            };
            for (egress, ports, role) in [(false, req, Role::Request), (true, rep, Role::Reply)] {
                unmerged += 1;
                groups
                    .entry((acl.clone(), egress, svc.protocol))
                    .or_default()
                    .push((
                        ports,
                        Reason {
                            target: names.target(xi).clone(),
                            port: names.service(xi, si).clone(),
                            target_network: None,
                            role,
                        },
                    ));
            }
        }
    }
    // Per (ACL, egress): the merged entries of every protocol, all to the client CIDR.
    let mut lists: BTreeMap<(String, bool), Vec<Entry>> = BTreeMap::new();
    for ((acl, egress, protocol), wants) in groups {
        let rects: Vec<(Ipv4Net, PortRange)> = wants.iter().map(|(p, _)| (client, *p)).collect();
        let list = lists.entry((acl, egress)).or_default();
        for (_, ports) in merge(&rects) {
            let mut reasons: Vec<Reason> = wants
                .iter()
                .filter(|(p, _)| p.overlaps(&ports))
                .map(|(_, r)| r.clone())
                .collect();
            reasons.sort();
            reasons.dedup();
            list.push((protocol, ports, reasons));
        }
    }
    let settings = &intent.nacl;
    let mut entries = Vec::new();
    let mut errors = Vec::new();
    for ((acl, egress), mut list) in lists {
        // An all-protocol entry makes the others of the same ACL and direction redundant.
        if let Some(all) = list.iter().position(|(p, _, _)| *p == Protocol::All) {
            let mut reasons: Vec<Reason> = list.iter().flat_map(|(_, _, r)| r.clone()).collect();
            reasons.sort();
            reasons.dedup();
            let (p, ports, _) = list.swap_remove(all);
            list = vec![(p, ports, reasons)];
        }
        list.sort_by_key(|(p, ports, _)| (*p, *ports));
        let direction = if egress { "egress" } else { "ingress" };
        let limit = settings.quota.saturating_sub(1) as usize;
        let last = u64::from(settings.rule_start)
            + u64::from(settings.rule_step) * (list.len().max(1) as u64 - 1);
        if list.len() > limit {
            errors.push(
                Diagnostic::error(format!(
                    "network ACL `{acl}` {direction} needs {} entries; its quota allows {limit} besides the default deny",
                    list.len()
                ))
                .at("nacl.quota")
                .help("raise `nacl.quota` (AWS allows up to 40 after a quota increase), or merge port ranges in the intent"),
            );
        } else if last > u64::from(NACL_MAX_RULE_NUMBER) {
            errors.push(
                Diagnostic::error(format!(
                    "network ACL `{acl}` {direction}: {} entries from rule {} by {} end at rule {last}, past 32766",
                    list.len(),
                    settings.rule_start,
                    settings.rule_step
                ))
                .at("nacl.rule_start")
                .help("lower `nacl.rule_start` or `nacl.rule_step`"),
            );
        }
        for (i, (protocol, ports, reasons)) in list.into_iter().enumerate() {
            let rule_number = settings
                .rule_start
                .saturating_add(settings.rule_step.saturating_mul(i as u32));
            let svc = match protocol {
                Protocol::Tcp | Protocol::Udp => format!("{protocol}-{ports}"),
                Protocol::Icmp => format!("icmp-type-{}", ports.from),
                Protocol::All => "all".to_string(),
            };
            entries.push(NaclEntry {
                key: format!("{acl}.{direction}.{svc}.{client}"),
                logical_id: String::new(),
                network_acl: acl.clone(),
                egress,
                action: super::Action::Allow,
                rule_number,
                protocol,
                cidr: client.into(),
                ports: protocol.has_ports().then_some(ports),
                icmp_type: (protocol == Protocol::Icmp).then_some(i32::from(ports.from)),
                reasons,
            });
        }
    }
    if errors.is_empty() {
        Ok((entries, unmerged))
    } else {
        Err(errors)
    }
}

/// The CIDRs routed through the attachment: each VPC CIDR that holds an in-VPC target
/// (no association adds a local route), and the outermost outside destinations.
pub fn routed_cidrs(intent: &Intent) -> Vec<(Ipv4Net, Vec<usize>)> {
    let mut routed: BTreeMap<Ipv4Net, BTreeSet<usize>> = BTreeMap::new();
    for (i, t) in intent.targets.iter().enumerate() {
        match &t.destination {
            Destination::Subnet { subnet, .. } => {
                let c = intent.subnets[*subnet].cidr;
                if let Some(v) = intent.vpc.cidrs.iter().find(|v| contains(*v, &c)) {
                    routed.entry(*v).or_default().insert(i);
                }
            }
            Destination::Outside { cidr } => {
                routed.entry(*cidr).or_default().insert(i);
            }
        }
    }
    // In address order a CIDR's containers come first: keep the outermost ones, and
    // let them carry the reasons of the CIDRs inside them.
    let mut kept: Vec<(Ipv4Net, Vec<usize>)> = Vec::new();
    for (c, targets) in routed {
        match kept.last_mut() {
            Some((k, ts)) if contains(k, &c) => ts.extend(targets),
            _ => kept.push((c, targets.into_iter().collect())),
        }
    }
    for (_, ts) in &mut kept {
        ts.sort_unstable();
        ts.dedup();
    }
    kept
}

/// One route per routed CIDR, with no target subnet.
pub fn routes(intent: &Intent, names: &Names, warnings: &mut Vec<Diagnostic>) -> Vec<Route> {
    let cidrs = routed_cidrs(intent);
    if cidrs.len() > quotas::ROUTES_PER_TARGET_NETWORK {
        warnings.push(
            Diagnostic::warning(format!(
                "{} routes; AWS's default quota is {} per endpoint route table",
                cidrs.len(),
                quotas::ROUTES_PER_TARGET_NETWORK
            ))
            .at("targets")
            .help("request a quota increase for `Routes per Client VPN endpoint`, or summarise destinations into fewer CIDRs"),
        );
    }
    cidrs
        .into_iter()
        .map(|(cidr, targets)| {
            let reasons: Vec<Reason> = targets
                .iter()
                .map(|&i| Reason {
                    target: names.target(i).clone(),
                    port: Name::default(),
                    target_network: None,
                    role: Role::Route,
                })
                .collect();
            Route {
                key: format!("tgw.{cidr}"),
                logical_id: String::new(),
                cidr: cidr.into(),
                target_network: None,
                description: text::description(reasons.iter().map(|r| [r.target.as_str()])),
                reasons,
            }
        })
        .collect()
}

/// What the user must do outside shibori for a transit gateway attachment.
pub fn requirements(intent: &Intent, out: &mut Vec<Requirement>) {
    let Some(tgw) = intent.endpoint.transit_gateway() else {
        return;
    };
    let client = intent.endpoint.ipv4_clients();
    let mut push = |kind, text: String| out.push(Requirement { kind, text });
    push(
        K::TransitGatewayAttachment,
        format!(
            "transit gateway {} needs an assigned CIDR block before the attachment can be created, and its owner must accept the endpoint's Client VPN attachment (it stays `pending-acceptance` until then) unless the gateway accepts shared attachments automatically",
            tgw.id
        ),
    );
    push(
        K::TransitGatewayPropagation,
        format!(
            "enable route propagation of the Client VPN attachment into the transit gateway route tables of the VPC attachments (so {client} is routed back to the endpoint), and associate the Client VPN attachment with a route table that reaches every destination VPC"
        ),
    );
    let mut vpcs: Vec<&Ipv4Net> = Vec::new();
    for t in &intent.targets {
        if let Destination::Subnet { subnet, .. } = t.destination {
            let c = intent.subnets[subnet].cidr;
            if let Some(v) = intent.vpc.cidrs.iter().find(|v| contains(*v, &c)) {
                if !vpcs.contains(&v) {
                    vpcs.push(v);
                }
            }
        }
    }
    let subnets: Vec<&str> = {
        let mut s: Vec<&str> = intent
            .targets
            .iter()
            .filter_map(|t| t.subnet())
            .map(|i| intent.subnets[i].name.as_str())
            .collect();
        s.sort_unstable();
        s.dedup();
        s
    };
    if !subnets.is_empty() {
        push(
            K::VpcReturnRoute,
            format!(
                "the route tables of subnets {} need a route to {client} via transit gateway {} (the return path: clients keep their own addresses), and the VPCs ({}) a transit gateway attachment",
                subnets.join(", "),
                tgw.id,
                vpcs.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
            ),
        );
    }
    for t in &intent.targets {
        if let Destination::Outside { cidr } = t.destination {
            push(
                K::RemoteFirewall,
                format!(
                    "the transit gateway must route {cidr} for target `{}`, and the network there sees connections from client addresses ({client}): allow them there, and the replies back",
                    t.name
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::Source;
    use crate::plan::{plan, Direction, Peer, SgRole};

    const HUB: &str = r#"
version: 1
name: hub
vpc: {id: vpc-0a1a1a1a1a1a1a1a1, cidr: 10.10.0.0/16}
vpcs:
  - {id: vpc-0b2b2b2b2b2b2b2b2, cidr: 10.20.0.0/16}
endpoint:
  attachment: transit-gateway
  transit_gateway: {id: tgw-0123456789abcdef0, availability_zones: [eu-west-1a]}
  client_cidr: 172.16.0.0/22
  authentication: saml
subnets:
  app: {cidr: 10.10.1.0/24, network_acl: acl-0a1a1a1a1a1a1a1a1}
  web: {cidr: 10.10.2.0/24, network_acl: acl-0a1a1a1a1a1a1a1a1}
  db: {cidr: 10.20.2.0/24, network_acl: acl-0b2b2b2b2b2b2b2b2}
targets:
  - {name: app, subnet: app, ports: [ssh, icmp], groups: [dev]}
  - {name: web, subnet: web, ports: [https], groups: [dev]}
  - {name: db, subnet: db, hosts: [10.20.2.10/32], ports: [postgres], groups: [dba]}
  - {name: corp, cidr: 10.50.0.0/16, ports: [https]}
  - {name: team, cidr: 10.50.1.0/24, ports: [rdp], groups: [dev]}
"#;

    fn hub() -> crate::plan::Plan {
        let loaded = crate::intent::load(&Source {
            name: "hub".into(),
            text: HUB.into(),
        })
        .map_err(|d| format!("{d:?}"))
        .unwrap();
        plan(&loaded.intent).map_err(|d| format!("{d:?}")).unwrap()
    }

    #[test]
    fn no_endpoint_group_and_destinations_admit_the_client_cidr() {
        let p = hub();
        assert!(p.endpoint.security_group.is_none());
        assert!(p
            .security_groups
            .iter()
            .all(|g| g.role == SgRole::Destination));
        let client: ipnet::IpNet = "172.16.0.0/22".parse().unwrap();
        assert!(p
            .security_group_rules
            .iter()
            .all(|r| r.direction == Direction::Ingress && r.peer == Peer::Cidr(client)));
        // The group of a target in the further VPC is created there.
        let db = p.security_groups.iter().find(|g| g.key == "db").unwrap();
        assert_eq!(db.vpc_id.as_deref(), Some("vpc-0b2b2b2b2b2b2b2b2"));
        let app = p.security_groups.iter().find(|g| g.key == "app").unwrap();
        assert_eq!(app.vpc_id, None);
        assert!(p.associations.is_empty() && p.target_networks.is_empty());
    }

    #[test]
    fn nacl_rows_only_at_destination_acls_to_the_client_cidr() {
        let p = hub();
        let client: ipnet::IpNet = "172.16.0.0/22".parse().unwrap();
        assert!(p.nacl_entries.iter().all(|e| e.cidr == client));
        let shared = |egress: bool| -> Vec<String> {
            p.nacl_entries
                .iter()
                .filter(|e| e.network_acl == "acl-0a1a1a1a1a1a1a1a1" && e.egress == egress)
                .map(|e| match (e.ports, e.icmp_type) {
                    (Some(r), _) => format!("{}/{r}@{}", e.protocol, e.rule_number),
                    (None, t) => format!("{}:{t:?}@{}", e.protocol, e.rule_number),
                })
                .collect()
        };
        // ssh and https share the ACL: touching nothing, two ingress rows plus echo request.
        assert_eq!(
            shared(false),
            ["tcp/22@100", "tcp/443@110", "icmp:Some(8)@120"]
        );
        assert_eq!(shared(true), ["tcp/1024-65535@100", "icmp:Some(0)@110"]);
        // Outside targets have no rows: no ACL of the plan sees them.
        assert_eq!(p.nacl_entries.len(), 7);
    }

    #[test]
    fn routes_cover_vpc_cidrs_and_outermost_outside_destinations_without_subnet() {
        let p = hub();
        let routes: Vec<String> = p.routes.iter().map(|r| r.cidr.to_string()).collect();
        assert_eq!(routes, ["10.10.0.0/16", "10.20.0.0/16", "10.50.0.0/16"]);
        assert!(p.routes.iter().all(|r| r.target_network.is_none()));
        let corp = p
            .routes
            .iter()
            .find(|r| r.cidr.to_string() == "10.50.0.0/16")
            .unwrap();
        let served: Vec<&str> = corp.reasons.iter().map(|r| r.target.as_str()).collect();
        assert_eq!(served, ["corp", "team"]);
    }

    #[test]
    fn requirements_name_acceptance_propagation_and_return_routes() {
        let p = hub();
        use crate::plan::RequirementKind as K;
        for kind in [
            K::TransitGatewayAttachment,
            K::TransitGatewayPropagation,
            K::VpcReturnRoute,
        ] {
            assert!(p.requirements.iter().any(|r| r.kind == kind), "{kind:?}");
        }
        assert!(!p.requirements.iter().any(|r| r.kind == K::VpcCidr));
    }
}
