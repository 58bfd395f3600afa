//! Properties of the per-family planning over generated mixed-family intents
//! (docs/semantics.md, "IPv6 and dual-stack"): adding IPv6 to an intent never changes its
//! IPv4 rules, IPv6 NACL entries come after the IPv4 ones of their ACL and direction, and no
//! rule mixes families.

use crate::diagnostic::Source;
use crate::plan::{plan, Peer, Plan};
use ipnet::IpNet;
use proptest::prelude::*;

/// One generated target: subnet index (or outside), hosts per family, ports, group.
#[derive(Debug, Clone)]
struct Gen {
    subnet: Option<usize>,
    host4: bool,
    host6: bool,
    outside6: bool,
    port: u16,
    group: bool,
}

fn gen_target() -> impl Strategy<Value = Gen> {
    (
        prop::option::of(0usize..4),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        prop::sample::select(vec![22u16, 443, 5432, 8080]),
        any::<bool>(),
    )
        .prop_map(|(subnet, host4, host6, outside6, port, group)| Gen {
            subnet,
            host4,
            host6,
            outside6,
            port,
            group,
        })
}

/// The intent's YAML, dual-stack when `v6`, else the same intent IPv4 only.
fn intent(targets: &[(usize, Gen)], v6: bool, strict: bool) -> String {
    let mut y = String::from("version: 1\nname: p\nvpc:\n  cidr: 10.0.0.0/16\n");
    if v6 {
        y.push_str("  ipv6_cidrs: [\"2001:db8:0:100::/56\"]\n");
    }
    y.push_str(
        "endpoint:\n  client_cidr: 172.31.0.0/22\n  authentication: saml\n  split_tunnel: true\n",
    );
    if strict {
        y.push_str("  egress: strict\n");
    }
    if v6 {
        y.push_str("  traffic_ip_address_type: dual-stack\n");
    }
    y.push_str("subnets:\n");
    for i in 0..6 {
        y.push_str(&format!("  s{i}: {{cidr: 10.0.{i}.0/24"));
        if v6 {
            y.push_str(&format!(", ipv6_cidr: \"2001:db8:0:10{i}::/64\""));
        }
        if i >= 4 {
            y.push_str(&format!(", az: az-{i}"));
        }
        y.push_str("}\n");
    }
    y.push_str("target_networks: [s4, s5]\ntargets:\n");
    for &(k, ref t) in targets {
        y.push_str(&format!("  - name: t{k}\n    ports: [tcp/{}]\n", t.port));
        if t.group {
            y.push_str("    groups: [eng]\n");
        }
        match t.subnet {
            Some(s) => {
                y.push_str(&format!("    subnet: s{s}\n"));
                // A target with IPv6 hosts keeps an IPv4 host beside them, so that its
                // IPv4-only twin names the same IPv4 destination.
                let mut hosts = Vec::new();
                if t.host4 || t.host6 {
                    hosts.push(format!("10.0.{s}.{}/32", 10 + k));
                }
                if t.host6 && v6 {
                    hosts.push(format!("\"2001:db8:0:10{s}::{:x}/128\"", 16 + k));
                }
                if !hosts.is_empty() {
                    y.push_str(&format!("    hosts: [{}]\n", hosts.join(", ")));
                }
            }
            None if t.outside6 && v6 => {
                y.push_str(&format!("    cidr: \"2001:db8:{:x}::/48\"\n", 0x100 + k));
            }
            None if t.outside6 => {
                // The IPv4-only twin of an IPv6 outside target: none.
                y.push_str(&format!("    cidr: 192.168.{k}.0/24\n"));
            }
            None => y.push_str(&format!("    cidr: 192.168.{k}.0/24\n")),
        }
    }
    y
}

fn load(text: String) -> crate::intent::Intent {
    match crate::intent::load(&Source {
        name: "p.yaml".into(),
        text,
    }) {
        Ok(l) => l.intent,
        Err(d) => panic!("{d:?}"),
    }
}

fn is_v6(c: &IpNet) -> bool {
    matches!(c, IpNet::V6(_))
}

/// The IPv4 rules of a plan, as comparable text.
fn ipv4_rules(p: &Plan) -> Vec<String> {
    let mut out = Vec::new();
    for r in &p.security_group_rules {
        if !matches!(&r.peer, Peer::Cidr(c) if is_v6(c)) {
            out.push(format!(
                "sg {} {:?} {} {}-{} {:?}",
                r.security_group, r.direction, r.protocol, r.from_port, r.to_port, r.peer
            ));
        }
    }
    for e in p.nacl_entries.iter().filter(|e| !is_v6(&e.cidr)) {
        out.push(format!(
            "nacl {} {} {} {:?} {} {:?} {:?} {:?}",
            e.network_acl,
            e.egress,
            e.rule_number,
            e.action,
            e.cidr,
            e.protocol,
            e.ports,
            e.icmp_type
        ));
    }
    for a in p.authorization_rules.iter().filter(|a| !is_v6(&a.cidr)) {
        out.push(format!("auth {} {:?}", a.cidr, a.group));
    }
    for r in p.routes.iter().filter(|r| !is_v6(&r.cidr)) {
        out.push(format!("route {} {:?}", r.cidr, r.target_network));
    }
    out.sort();
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn ipv6_leaves_the_ipv4_rules_alone(targets in proptest::collection::vec(gen_target(), 1..6), strict in any::<bool>()) {
        // Outside IPv6 targets have no IPv4 twin: compare without them.
        let targets: Vec<(usize, Gen)> = targets.into_iter().enumerate().collect();
        let twin: Vec<(usize, Gen)> = targets.iter().filter(|(_, t)| !(t.subnet.is_none() && t.outside6)).cloned().collect();
        prop_assume!(!twin.is_empty());
        let dual = plan(&load(intent(&targets, true, strict)));
        let only4 = plan(&load(intent(&twin, false, strict)));
        let (Ok(dual), Ok(only4)) = (dual, only4) else {
            return Ok(()); // a NACL quota error: nothing to compare
        };
        prop_assert_eq!(ipv4_rules(&dual), ipv4_rules(&only4));

        // IPv6 entries follow the IPv4 ones of their ACL and direction.
        for e6 in dual.nacl_entries.iter().filter(|e| is_v6(&e.cidr)) {
            for e4 in dual.nacl_entries.iter().filter(|e| !is_v6(&e.cidr)) {
                if e4.network_acl == e6.network_acl && e4.egress == e6.egress {
                    prop_assert!(e4.rule_number < e6.rule_number);
                }
            }
        }
        // No IPv6 rule admits the endpoint group (IPv6 is not translated); ICMP on IPv6
        // uses the ICMPv6 echo types.
        for e in dual.nacl_entries.iter().filter(|e| is_v6(&e.cidr)) {
            if let Some(t) = e.icmp_type {
                prop_assert!(t == 128 || t == 129, "{:?}", e);
            }
        }
    }
}

/// ICMPv6's echo request (128) and reply (129) touch, but an ICMP entry names one type:
/// rows of the two types to one peer stay two entries.
#[test]
fn icmpv6_request_and_reply_rows_stay_apart() {
    let text = "version: 1\nname: m\nvpc:\n  cidr: 10.0.0.0/16\n  ipv6_cidrs: [\"2600:1f18:7:100::/56\"]\n\
        endpoint:\n  split_tunnel: true\n  authentication: saml\n  traffic_ip_address_type: ipv6\n\
        subnets:\n  s0: {cidr: 10.0.0.0/24, ipv6_cidr: \"2600:1f18:7:100::/64\", az: a, network_acl: acl-00000000000000002}\n\
        \x20 s1: {cidr: 10.0.1.0/24, ipv6_cidr: \"2600:1f18:7:101::/64\", az: b}\n\
        \x20 s2: {cidr: 10.0.2.0/24, ipv6_cidr: \"2600:1f18:7:102::/64\", network_acl: acl-00000000000000002}\n\
        target_networks: [s0, s1]\ntargets:\n\
        \x20 - {name: t0, subnet: s1, ports: [icmp]}\n\
        \x20 - {name: t1, subnet: s2, ports: [icmp]}\n";
    let p = plan(&load(text.to_string())).unwrap();
    let s1: IpNet = "2600:1f18:7:101::/64".parse().unwrap();
    let types: Vec<i32> = p
        .nacl_entries
        .iter()
        .filter(|e| e.network_acl == "acl-00000000000000002" && !e.egress && e.cidr == s1)
        .filter_map(|e| e.icmp_type)
        .collect();
    // The reply of t0 via s0 comes in from s1; t1's request via s1 is the /63's.
    assert_eq!(types, vec![129], "{:#?}", p.nacl_entries);
}
