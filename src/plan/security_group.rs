//! SPEC §4.1–4.2: the dedicated endpoint security group and the destination groups
//! that admit it. Because of the source NAT, the endpoint SG is the only identity a
//! destination can see, so destinations reference it rather than any address.

use super::{
    quotas, Direction, Names, Peer, Reason, Role, SecurityGroup, SecurityGroupRule, SgRole,
};
use crate::diagnostic::Diagnostic;
use crate::intent::file::Egress;
use crate::intent::{Destination, Intent, Protocol, Service, Target};
use crate::net::{PortRange, PortSet};
use std::collections::BTreeMap;

pub const ENDPOINT_KEY: &str = "endpoint";

/// The key of the security group a target's instances carry: the existing group's ID,
/// or the target's name for a group shibori creates.
pub fn destination_key(t: &Target) -> String {
    t.security_group.clone().unwrap_or_else(|| t.name.clone())
}

/// AWS's FromPort/ToPort for a service: ICMP echo request is type 8, any code.
fn aws_ports(protocol: Protocol, range: PortRange) -> (i32, i32) {
    match protocol {
        Protocol::Tcp | Protocol::Udp => (i32::from(range.from), i32::from(range.to)),
        Protocol::Icmp => (8, -1),
        Protocol::All => (-1, -1),
    }
}

/// The ports wanted towards one peer and protocol, and who wants each range.
type Wanted = (PortSet, Vec<(PortRange, Reason)>);

/// Rules of one group and direction towards one peer, merged exactly per protocol.
#[derive(Default)]
struct Pending {
    ports: BTreeMap<(Peer, Protocol), Wanted>,
}

impl Pending {
    fn add(&mut self, peer: Peer, s: &Service, reason: Reason) {
        let e = self.ports.entry((peer, s.protocol)).or_default();
        e.0.insert(s.ports);
        e.1.push((s.ports, reason));
    }

    fn into_rules(
        self,
        sg: &str,
        direction: Direction,
        describe: impl Fn(&[Reason]) -> String,
    ) -> Vec<SecurityGroupRule> {
        use std::fmt::Write as _;
        let mut out = Vec::new();
        for ((peer, protocol), (set, contributions)) in self.ports {
            for range in set.ranges() {
                let mut reasons: Vec<Reason> = contributions
                    .iter()
                    .filter(|(r, _)| r.overlaps(range))
                    .map(|(_, reason)| reason.clone())
                    .collect();
                reasons.sort();
                reasons.dedup();
                let (from_port, to_port) = aws_ports(protocol, *range);
                // `<group>.<direction>.<protocol>[-<ports>].<peer>`, the rule's stable key.
                let mut key = String::with_capacity(sg.len() + 48);
                let _ = write!(key, "{sg}.{}.{protocol}", direction.as_str());
                if protocol.has_ports() {
                    let _ = write!(key, "-{range}");
                }
                let _ = match &peer {
                    Peer::SecurityGroup(k) => write!(key, ".sg-{k}"),
                    Peer::Cidr(c) => write!(key, ".{c}"),
                };
                out.push(SecurityGroupRule {
                    key,
                    logical_id: String::new(),
                    security_group: sg.to_string(),
                    direction,
                    protocol,
                    from_port,
                    to_port,
                    peer: peer.clone(),
                    description: describe(&reasons),
                    reasons,
                });
            }
        }
        out
    }
}

/// SG rule descriptions allow only `a-zA-Z0-9. _-:/()#,@[]+=&;{}!$*` and 255 characters;
/// target names and canonical ports stay inside that alphabet by construction.
fn describe(reasons: &[Reason]) -> String {
    let mut s = String::from("shibori: ");
    let mut last: Option<(&str, &str)> = None;
    for r in reasons {
        let item = (r.target.as_str(), r.port.as_str());
        if last == Some(item) {
            continue;
        }
        if last.is_some() {
            s.push_str(", ");
        }
        s.push_str(item.0);
        s.push(' ');
        s.push_str(item.1);
        last = Some(item);
    }
    truncate(&s, 255)
}

pub fn truncate(s: &str, max: usize) -> String {
    // Bytes bound characters: most descriptions are short and skip the count.
    if s.len() <= max || s.chars().count() <= max {
        return s.to_string();
    }
    let mut t: String = s.chars().take(max.saturating_sub(3)).collect();
    t.push_str("...");
    t
}

pub fn plan(
    intent: &Intent,
    names: &Names,
    warnings: &mut Vec<Diagnostic>,
) -> (Vec<SecurityGroup>, Vec<SecurityGroupRule>) {
    let mut groups = vec![SecurityGroup {
        key: ENDPOINT_KEY.to_string(),
        logical_id: String::new(),
        id: None,
        name: format!("{}-client-vpn-endpoint", intent.name),
        role: SgRole::Endpoint,
        description: format!(
            "Client VPN endpoint {} (no inbound; managed by shibori)",
            intent.name
        ),
        targets: Vec::new(),
    }];
    let mut rules = Vec::new();

    // Endpoint SG egress.
    let endpoint_rules = match intent.endpoint.egress {
        Egress::All => vec![SecurityGroupRule {
            key: format!("{ENDPOINT_KEY}.egress.all.0.0.0.0/0"),
            logical_id: String::new(),
            security_group: ENDPOINT_KEY.to_string(),
            direction: Direction::Egress,
            protocol: Protocol::All,
            from_port: -1,
            to_port: -1,
            peer: Peer::Cidr("0.0.0.0/0".parse().expect("constant CIDR")),
            description: "shibori: all traffic out (egress: all); destinations filter".to_string(),
            reasons: intent
                .targets
                .iter()
                .enumerate()
                .flat_map(|(ti, t)| {
                    (0..t.services.len()).map(move |si| Reason {
                        target: names.target(ti).clone(),
                        port: names.service(ti, si).clone(),
                        target_network: None,
                        role: Role::Request,
                    })
                })
                .collect(),
        }],
        Egress::Strict => {
            let mut pending = Pending::default();
            for (ti, t) in intent.targets.iter().enumerate() {
                let peer = match &t.destination {
                    Destination::Subnet { .. } => Peer::SecurityGroup(destination_key(t)),
                    Destination::Outside { cidr } => Peer::Cidr(*cidr),
                };
                for (si, s) in t.services.iter().enumerate() {
                    let reason = Reason {
                        target: names.target(ti).clone(),
                        port: names.service(ti, si).clone(),
                        target_network: None,
                        role: Role::Request,
                    };
                    pending.add(peer.clone(), s, reason);
                }
            }
            pending.into_rules(ENDPOINT_KEY, Direction::Egress, describe)
        }
    };
    rules.extend(endpoint_rules);

    // Destination SGs: one per in-VPC target, or the existing group it names.
    let mut per_group: BTreeMap<String, Pending> = BTreeMap::new();
    let mut index: BTreeMap<String, usize> = BTreeMap::new();
    for (ti, t) in intent.targets.iter().enumerate() {
        let Destination::Subnet { .. } = t.destination else {
            continue;
        };
        let key = destination_key(t);
        match index.get(&key) {
            Some(&i) => groups[i].targets.push(t.name.clone()),
            None => {
                index.insert(key.clone(), groups.len());
                groups.push(SecurityGroup {
                    key: key.clone(),
                    logical_id: String::new(),
                    id: t.security_group.clone(),
                    name: format!("{}-{}", intent.name, t.name),
                    role: SgRole::Destination,
                    description: format!("Client VPN access to {} (managed by shibori)", t.name),
                    targets: vec![t.name.clone()],
                })
            }
        }
        let pending = per_group.entry(key).or_default();
        for (si, s) in t.services.iter().enumerate() {
            let reason = Reason {
                target: names.target(ti).clone(),
                port: names.service(ti, si).clone(),
                target_network: None,
                role: Role::Request,
            };
            pending.add(Peer::SecurityGroup(ENDPOINT_KEY.to_string()), s, reason);
        }
    }
    // Keep groups in intent order (endpoint first), rules grouped by their group.
    for g in groups.iter().skip(1) {
        if let Some(p) = per_group.remove(&g.key) {
            rules.extend(p.into_rules(&g.key, Direction::Ingress, describe));
        }
    }

    let mut counts: BTreeMap<(&str, Direction), usize> = BTreeMap::new();
    for r in &rules {
        *counts
            .entry((r.security_group.as_str(), r.direction))
            .or_default() += 1;
    }
    for ((group, dir), n) in counts {
        if n > quotas::SG_RULES_PER_DIRECTION {
            warnings.push(
                Diagnostic::warning(format!(
                    "security group `{group}` needs {n} {} rules; AWS's default quota is {}",
                    dir.as_str(),
                    quotas::SG_RULES_PER_DIRECTION
                ))
                .at("targets")
                .help("ask AWS to raise `Inbound or outbound rules per security group`, or merge port ranges in the intent"),
            );
        }
    }
    (groups, rules)
}
