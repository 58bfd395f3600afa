//! verify: read rendered artifacts back into a rule set of their own and prove that
//! they allow exactly the intended flows (docs/semantics.md#verification-model). Only the intent and the artifact
//! are inputs: nothing here reads the planner's data.

pub mod bind;
pub mod excess;
pub mod expect;
pub mod findings;
pub mod flows;
pub mod host;
pub mod map;
pub mod model;
pub mod read;
pub mod tgw;

use crate::intent::Intent;
use crate::net::Prefix;
use findings::{Finding, Kind};
use ipnet::{Ipv4Net, Ipv6Net};
use model::{Ident, RuleSet};
use std::collections::BTreeSet;

/// Every finding for one artifact, in a stable order.
pub fn verify(intent: &Intent, rs: &RuleSet) -> Vec<Finding> {
    let scoped = host::scope(intent, rs);
    let rs = scoped.as_ref();
    let bind = bind::bind(intent, rs);
    // The IPv6 view's own binding: its subnets renumbered, its targets' groups.
    let v6 = intent
        .ipv6
        .as_deref()
        .map(|v6| (v6, bind::view(&bind, intent, v6, rs)));
    let scoped;
    let rs = if rs.describes_more {
        scoped = scope(rs, &bind, v6.as_ref().map(|(_, b)| b));
        &scoped
    } else {
        rs
    };
    let mut out: Vec<Finding> = rs
        .unresolved
        .iter()
        .chain(rs.unresolved_in.iter().map(|(_, u)| u))
        .map(|u| Finding::new(Kind::Unresolved, u.message.clone()).origins([&u.origin]))
        .collect();
    out.extend(map::unmapped(intent, rs, &bind.endpoint_groups));
    let unbound_kind = if rs.describes_more {
        Kind::Unmapped
    } else {
        Kind::Unresolved
    };
    for (id, what) in &bind.unbound {
        out.push(Finding::new(
            unbound_kind,
            format!(
                "{id} names no {what} of the intent (by ID, or by an input named after the subnet)"
            ),
        ));
    }
    out.extend(groupless(intent, &bind));
    for a in &rs.nacl_associations {
        let subnet = bind.subnet(&a.subnet).map(|i| &intent.subnets[i]);
        let acl = bind.acls.get(&a.acl);
        if let (Some(s), Some(acl)) = (subnet, acl) {
            if s.acl == *acl {
                continue;
            }
        }
        let whose = match subnet {
            Some(s) => format!("subnet `{}`", s.name),
            None => format!("subnet {}", a.subnet),
        };
        out.push(
            Finding::new(
                Kind::Unresolved,
                format!(
                    "{whose} is associated with network ACL {}, which is not the ACL the intent gives it: \
                     its traffic would meet that ACL's rules, not the ones verified",
                    a.acl
                ),
            )
            .rule(a.origin.to_string())
            .help("associate subnets with network ACLs outside this artifact, as the intent describes them"),
        );
    }
    let attached_to_tgw = intent.endpoint.transit_gateway().is_some();
    if attached_to_tgw {
        out.extend(tgw::check(intent, &rs.family::<Ipv4Net>(), &bind));
        // A transit gateway attachment carries IPv4 only: IPv6 rules are needed by none.
        out.extend(excess::uncarried(&rs.family::<Ipv6Net>(), intent, &bind));
        sort(&mut out);
        return out;
    }
    if bind.endpoint_groups.is_empty() {
        out.push(Finding::new(
            Kind::Unresolved,
            "cannot tell which security group is the endpoint's",
        ));
    }
    // One proof per family (docs/semantics.md, "IPv6 and dual-stack"): each view of the
    // intent against the rules of its family.
    let groups = |b: &bind::Binding| -> BTreeSet<Ident> {
        b.target_groups.iter().flatten().cloned().collect()
    };
    let (groups4, groups6) = (
        groups(&bind),
        v6.as_ref().map(|(_, b)| groups(b)).unwrap_or_default(),
    );
    let rs4 = rs.family::<Ipv4Net>();
    let ix = flows::Index::new(intent, &rs4, &bind);
    if intent.carried {
        out.extend(flows::check(&ix));
    }
    out.extend(excess::check(
        intent,
        &rs4,
        &bind,
        &ix,
        &groups6.iter().collect(),
    ));
    let rs6 = rs.family::<Ipv6Net>();
    match &v6 {
        Some((v6, bind6)) => {
            let known: BTreeSet<&str> = intent.targets.iter().map(|t| t.name.as_str()).collect();
            out.extend(
                groupless(v6, bind6)
                    .into_iter()
                    .filter(|f| f.target.as_deref().is_some_and(|t| !known.contains(t))),
            );
            let ix6 = flows::Index::new(v6, &rs6, bind6);
            out.extend(flows::check(&ix6));
            out.extend(excess::check(
                v6,
                &rs6,
                bind6,
                &ix6,
                &groups4.iter().collect(),
            ));
        }
        None => out.extend(excess::uncarried(&rs6, intent, &bind)),
    }
    sort(&mut out);
    out
}

/// What each kind of user reaches through the artifact, over both families: per (user
/// kind, target, target network, protocol) the union of the families' ports, ICMPv6
/// types under `icmp` with the echo request as type 8 (how `explain`'s matrix shows a
/// dual-stack target).
pub fn reach(intent: &Intent, rs: &RuleSet) -> Vec<flows::Reach> {
    let bind = bind::bind(intent, rs);
    let rs4 = rs.family::<Ipv4Net>();
    let mut out = flows::reach(&flows::Index::new(intent, &rs4, &bind));
    if let Some(v6) = intent.ipv6.as_deref() {
        let bind6 = bind::view(&bind, intent, v6, rs);
        let rs6 = rs.family::<Ipv6Net>();
        for mut r in flows::reach(&flows::Index::new(v6, &rs6, &bind6)) {
            // An ICMPv6 echo request is named as IPv4 numbers the echo request (type 8),
            // so that both families' cells join, as `explain` writes them.
            let one = |t: u16| {
                crate::net::PortSet::from_ranges([crate::net::PortRange { from: t, to: t }])
            };
            if r.proto == model::Proto::Icmp && r.ports.contains(expect::ICMPV6_ECHO_REQUEST) {
                r.ports = r
                    .ports
                    .difference(&one(expect::ICMPV6_ECHO_REQUEST))
                    .union(&one(expect::ICMP_ECHO_REQUEST));
            }
            match out.iter_mut().find(|o| {
                (&o.who, &o.target, &o.network, o.proto) == (&r.who, &r.target, &r.network, r.proto)
            }) {
                Some(o) => o.ports = o.ports.union(&r.ports),
                None => out.push(r),
            }
        }
    }
    out
}

/// In-VPC targets of one family's view whose destination group the artifact lacks.
fn groupless<N: Prefix>(intent: &Intent<N>, bind: &bind::Binding) -> Vec<Finding> {
    let mut out = Vec::new();
    for (i, t) in intent.targets.iter().enumerate() {
        if t.subnet().is_some() && bind.target_groups.get(i).is_some_and(Option::is_none) {
            out.push(
                Finding::new(
                    Kind::Unresolved,
                    format!(
                        "no security group named `{}-{}` for target `{}`",
                        intent.name, t.name, t.name
                    ),
                )
                .target(&t.name),
            );
        }
    }
    out
}

fn sort(out: &mut Vec<Finding>) {
    out.sort_by(|a, b| {
        (a.kind, &a.target, &a.who, &a.service, &a.message)
            .cmp(&(b.kind, &b.target, &b.who, &b.service, &b.message))
    });
    out.dedup();
}

/// An artifact that describes more than the intent (a snapshot holds a whole VPC): only the
/// security groups the endpoint and the targets use, and the ACLs mapped to the intent's,
/// take part in the proof; the rest is out of scope.
fn scope<C: Clone>(
    rs: &RuleSet<C>,
    bind: &bind::Binding,
    bind6: Option<&bind::Binding>,
) -> RuleSet<C> {
    let groups: std::collections::BTreeSet<&model::Ident> = bind
        .endpoint_groups
        .iter()
        .chain(bind.target_groups.iter().flatten())
        .chain(
            bind6
                .into_iter()
                .flat_map(|b| b.target_groups.iter().flatten()),
        )
        .collect();
    let acl_in = |a: &model::Ident| bind.acls.contains_key(a);
    let relevant = |i: &model::Ident| groups.contains(i) || acl_in(i);
    RuleSet {
        sg_rules: rs
            .sg_rules
            .iter()
            .filter(|r| groups.contains(&r.group))
            .cloned()
            .collect(),
        nacl_rules: rs
            .nacl_rules
            .iter()
            .filter(|r| acl_in(&r.acl))
            .cloned()
            .collect(),
        unresolved_in: rs
            .unresolved_in
            .iter()
            .filter(|(i, _)| relevant(i))
            .cloned()
            .collect(),
        ..rs.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::model::*;
    use super::*;
    use crate::diagnostic::Source;

    const SEED: &str = r#"
version: 1
name: tokyo-ssh
vpc: {id: vpc-0123456789abcdef0, cidr: 192.168.0.0/16}
endpoint: {client_cidr: 172.31.0.0/22, split_tunnel: true, authentication: certificate}
subnets:
  vpn-a: {id: subnet-0aaaaaaaaaaaaaaaa, cidr: 192.168.10.0/24, az: ap-northeast-1a, network_acl: acl-0aaaaaaaaaaaaaaaa}
  private-a: {id: subnet-0cccccccccccccccc, cidr: 192.168.1.0/24, network_acl: acl-0cccccccccccccccc}
target_networks: [vpn-a]
targets:
  - {name: ssh, subnet: private-a, hosts: [192.168.1.63/32], ports: [ssh]}
"#;

    fn intent() -> Intent {
        crate::intent::load(&Source {
            name: "seed".into(),
            text: SEED.into(),
        })
        .map_err(|_| "invalid")
        .unwrap()
        .intent
    }

    fn o(r: &str) -> Origin {
        Origin {
            file: "hand".into(),
            resource: r.into(),
        }
    }

    fn entry(acl: &str, egress: bool, number: u32, cidr: &str, from: u16, to: u16) -> NaclRule {
        NaclRule {
            origin: o(&format!("{acl}-{egress}-{number}")),
            acl: Ident::Id(acl.into()),
            egress,
            number,
            action: Action::Allow,
            protocol: Proto::Tcp,
            span: Span { from, to },
            cidr: cidr.parse().unwrap(),
        }
    }

    /// The seed's rules, built by hand.
    fn seed_rules() -> RuleSet {
        let ep = Ident::Resource("Ep".into());
        let dest = Ident::Resource("Dest".into());
        RuleSet {
            endpoint_groups: vec![ep.clone()],
            creates_endpoint: true,
            transit_gateways: vec![],
            security_groups: vec![
                SgDecl {
                    origin: o("Ep"),
                    ident: ep.clone(),
                    name: Some("tokyo-ssh-client-vpn-endpoint".into()),
                },
                SgDecl {
                    origin: o("Dest"),
                    ident: dest.clone(),
                    name: Some("tokyo-ssh-ssh".into()),
                },
            ],
            sg_rules: vec![
                SgRule {
                    origin: o("EpOut"),
                    group: ep.clone(),
                    direction: Direction::Egress,
                    protocol: Proto::All,
                    span: Span::ALL_PORTS,
                    peer: SgPeer::Cidr("0.0.0.0/0".parse().unwrap()),
                },
                SgRule {
                    origin: o("DestIn"),
                    group: dest,
                    direction: Direction::Ingress,
                    protocol: Proto::Tcp,
                    span: Span { from: 22, to: 22 },
                    peer: SgPeer::Group(ep),
                },
            ],
            nacl_rules: vec![
                entry("acl-0aaaaaaaaaaaaaaaa", true, 100, "192.168.1.0/24", 22, 22),
                entry(
                    "acl-0aaaaaaaaaaaaaaaa",
                    false,
                    100,
                    "192.168.1.0/24",
                    1024,
                    65535,
                ),
                entry(
                    "acl-0cccccccccccccccc",
                    false,
                    100,
                    "192.168.10.0/24",
                    22,
                    22,
                ),
                entry(
                    "acl-0cccccccccccccccc",
                    true,
                    100,
                    "192.168.10.0/24",
                    1024,
                    65535,
                ),
            ],
            auth_rules: vec![AuthRule {
                origin: o("Auth"),
                cidr: "192.168.1.63/32".parse().unwrap(),
                group: None,
            }],
            routes: vec![],
            associations: vec![Association {
                origin: o("Assoc"),
                subnet: Ident::Id("subnet-0aaaaaaaaaaaaaaaa".into()),
            }],
            nacl_associations: vec![],
            unresolved: vec![],
            ..RuleSet::default()
        }
    }

    #[test]
    fn hand_built_seed_is_clean() {
        let f = verify(&intent(), &seed_rules());
        assert!(f.is_empty(), "{f:#?}");
    }

    #[test]
    fn missing_reply_names_the_layer() {
        let mut rs = seed_rules();
        rs.nacl_rules.remove(1);
        let f = verify(&intent(), &rs);
        assert_eq!(f.len(), 1, "{f:#?}");
        assert_eq!(f[0].kind, Kind::Missing);
        assert_eq!(f[0].layer, Some(findings::Layer::NaclReplyIn));
        assert_eq!(f[0].target_network.as_deref(), Some("vpn-a"));
    }

    #[test]
    fn wider_nacl_and_deny_in_front_are_excess() {
        let mut rs = seed_rules();
        rs.nacl_rules[0].span.to = 23;
        let mut deny = entry(
            "acl-0cccccccccccccccc",
            false,
            50,
            "192.168.10.0/24",
            22,
            22,
        );
        deny.action = Action::Deny;
        rs.nacl_rules.push(deny);
        let f = verify(&intent(), &rs);
        let kinds: Vec<Kind> = f.iter().map(|x| x.kind).collect();
        assert!(kinds.contains(&Kind::Missing), "{f:#?}");
        assert_eq!(
            kinds.iter().filter(|k| **k == Kind::Excess).count(),
            2,
            "{f:#?}"
        );
    }

    #[test]
    fn unknown_subnet_is_unresolved_not_guessed() {
        let mut rs = seed_rules();
        rs.associations[0].subnet = Ident::Input("whatever".into());
        let f = verify(&intent(), &rs);
        assert!(
            f.iter()
                .any(|x| x.kind == Kind::Unresolved && x.message.contains("whatever")),
            "{f:#?}"
        );
        assert!(f
            .iter()
            .any(|x| x.kind == Kind::Missing && x.layer == Some(findings::Layer::Association)));
    }
}
