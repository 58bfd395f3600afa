//! Property test: for generated valid intents — several subnets, shared and
//! separate ACLs, groups, outside destinations, port ranges — `verify` of every rendered
//! format is clean. Intents whose own authorization implies surplus are left to
//! `intent_implied_surplus` in `verify_cli.rs`. The same over mixed-family intents (IPv4,
//! IPv6 only, dual-stack; targets of either family and `::/0`).

use proptest::prelude::*;
use shibori::diagnostic::Source;
use shibori::render::RenderFormat;
use shibori::verify::read::{read, Artifact};

#[derive(Debug, Clone)]
struct Gen {
    subnets: usize,
    target_networks: usize,
    /// Per subnet: 0 = ACL is an input, 1/2 = one of two shared ACLs.
    acls: Vec<u8>,
    targets: Vec<(u8, Option<u8>, Vec<&'static str>, u8)>,
    strict: bool,
}

const PORTS: &[&str] = &[
    "ssh",
    "https",
    "tcp/8000-8080",
    "udp/53",
    "icmp",
    "udp/1000-2000",
    "dns",
    "tcp/5432",
];

fn gen() -> impl Strategy<Value = Gen> {
    (2usize..=5, 1usize..=3, any::<bool>()).prop_flat_map(|(subnets, tn, strict)| {
        let tn = tn.min(subnets);
        (
            proptest::collection::vec(0u8..3, subnets),
            proptest::collection::vec(
                (
                    0u8..8,                       // where: subnet index, or outside when ≥ subnets
                    proptest::option::of(0u8..4), // hosts: a /28 inside the subnet
                    proptest::sample::subsequence(PORTS, 1..3),
                    0u8..3, // groups: none, [a], [a, b]
                ),
                1..6,
            ),
        )
            .prop_map(move |(acls, targets)| Gen {
                subnets,
                target_networks: tn,
                acls,
                targets,
                strict,
            })
    })
}

fn yaml(g: &Gen) -> String {
    let mut s = String::from("version: 1\nname: prop\nvpc:\n  cidr: 10.0.0.0/16\nendpoint:\n  client_cidr: 172.16.0.0/22\n  split_tunnel: true\n  authentication: saml\n");
    if g.strict {
        s.push_str("  egress: strict\n");
    }
    s.push_str("subnets:\n");
    for i in 0..g.subnets {
        s.push_str(&format!("  s{i}:\n    cidr: 10.0.{i}.0/24\n"));
        if i < g.target_networks {
            s.push_str(&format!("    az: eu-west-1{}\n", (b'a' + i as u8) as char));
        }
        match g.acls[i] {
            0 => {}
            k => s.push_str(&format!("    network_acl: acl-0000000000000000{k}\n")),
        }
    }
    s.push_str("target_networks: [");
    s.push_str(
        &(0..g.target_networks)
            .map(|i| format!("s{i}"))
            .collect::<Vec<_>>()
            .join(", "),
    );
    s.push_str("]\ntargets:\n");
    for (n, (place, hosts, ports, groups)) in g.targets.iter().enumerate() {
        s.push_str(&format!("  - name: t{n}\n"));
        let place = *place as usize;
        if place < g.subnets {
            s.push_str(&format!("    subnet: s{place}\n"));
            // Distinct /28s per target, so that targets never share addresses by accident.
            if let Some(h) = hosts {
                s.push_str(&format!(
                    "    hosts: [10.0.{place}.{}/28]\n",
                    16 * ((n as u8 * 4 + h) % 16)
                ));
            }
        } else {
            s.push_str(&format!("    cidr: 192.168.{}.0/24\n", place * 10 + n));
        }
        s.push_str(&format!("    ports: [{}]\n", ports.join(", ")));
        s.push_str(match groups {
            0 => "    groups: []\n",
            1 => "    groups: [a]\n",
            _ => "    groups: [a, b]\n",
        });
    }
    s
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn rendered_artifacts_verify_clean(g in gen()) {
        let text = yaml(&g);
        let loaded = shibori::intent::load(&Source { name: "gen.yaml".into(), text: text.clone() });
        prop_assume!(loaded.is_ok());
        let loaded = loaded.unwrap();
        let plan = shibori::plan::plan(&loaded.intent);
        prop_assume!(plan.is_ok());
        let plan = plan.unwrap();
        // Intents that imply surplus cannot verify clean by design
        // (docs/semantics.md#surplus-warnings-in-check-and-plan).
        prop_assume!(!plan.warnings.iter().any(|w| w.message.contains("surplus")));
        for format in RenderFormat::ALL {
            let files = shibori::render::render(&plan, format).unwrap();
            let artifact = Artifact::from_files(format.name(), files.into_iter().map(|f| (f.path, f.contents)).collect());
            let (_, rs) = read(&artifact).unwrap();
            let findings = shibori::verify::verify(&loaded.intent, &rs);
            prop_assert!(findings.is_empty(), "{}:\n{}\n{}", format.name(), text,
                findings.iter().map(|f| f.to_string()).collect::<Vec<_>>().join("\n"));
        }
    }
}

/// The generator must mostly produce intents that get past the assumptions above,
/// or the property would hold vacuously.
#[test]
fn generator_yields_verifiable_intents() {
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let (mut valid, mut clean_candidates) = (0, 0);
    for _ in 0..64 {
        let g = gen().new_tree(&mut runner).unwrap().current();
        let text = yaml(&g);
        let Ok(loaded) = shibori::intent::load(&Source {
            name: "gen.yaml".into(),
            text: text.clone(),
        }) else {
            eprintln!("invalid:\n{text}");
            continue;
        };
        valid += 1;
        if let Ok(plan) = shibori::plan::plan(&loaded.intent) {
            if !plan.warnings.iter().any(|w| w.message.contains("surplus")) {
                clean_candidates += 1;
            }
        }
    }
    assert!(
        valid >= 48 && clean_candidates >= 24,
        "{valid} valid, {clean_candidates} without intent-implied surplus"
    );
}

/// Outside destinations nested inside each other and around the VPC, as in real
/// designs: the internet, a corporate supernet, team networks inside it.
const NESTED: &[&str] = &[
    "0.0.0.0/0",
    "192.168.0.0/16",
    "192.168.0.0/20",
    "192.168.16.0/20",
    "192.168.1.0/24",
    "192.168.17.0/24",
    "192.168.1.128/25",
];

/// Targets: (destination, ports, groups). A destination below `NESTED.len()` is an
/// outside CIDR (each at most once), else in-VPC subnet `d - NESTED.len()` (each at most
/// once): no two groups share an in-VPC range, the one case that implies surplus.
/// One generated target: destination index, ports, groups (0: all users, 1: a, 2: b).
type NestedTarget = (usize, Vec<&'static str>, u8);

fn nested_gen() -> impl Strategy<Value = (bool, Vec<NestedTarget>)> {
    (
        any::<bool>(),
        proptest::sample::subsequence((0..NESTED.len() + 3).collect::<Vec<_>>(), 2..5),
        proptest::collection::vec((proptest::sample::subsequence(PORTS, 1..3), 0u8..3), 5),
    )
        .prop_map(|(split, places, attrs)| {
            let targets = places
                .into_iter()
                .zip(attrs)
                .map(|(d, (ports, groups))| (d, ports, groups))
                .collect();
            (split, targets)
        })
}

fn nested_yaml(split: bool, targets: &[NestedTarget]) -> String {
    let mut s = format!(
        "version: 1\nname: nested\nvpc:\n  cidr: 10.0.0.0/16\nendpoint:\n  client_cidr: 172.16.0.0/22\n  split_tunnel: {split}\n  authentication: saml\nsubnets:\n  vpn-a:\n    cidr: 10.0.100.0/24\n    az: eu-west-1a\n  vpn-b:\n    cidr: 10.0.101.0/24\n    az: eu-west-1b\n    network_acl: acl-00000000000000001\n"
    );
    for i in 0..3 {
        s.push_str(&format!("  s{i}:\n    cidr: 10.0.{i}.0/24\n"));
    }
    s.push_str("target_networks: [vpn-a, vpn-b]\ntargets:\n");
    for (n, (d, ports, groups)) in targets.iter().enumerate() {
        s.push_str(&format!("  - name: t{n}\n"));
        match NESTED.get(*d) {
            Some(cidr) => s.push_str(&format!("    cidr: {cidr}\n")),
            None => s.push_str(&format!("    subnet: s{}\n", d - NESTED.len())),
        }
        s.push_str(&format!("    ports: [{}]\n", ports.join(", ")));
        s.push_str(match groups {
            0 => "    groups: []\n",
            1 => "    groups: [a]\n",
            _ => "    groups: [b]\n",
        });
    }
    s
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Outside targets yield to narrower ones (docs/semantics.md, "Outside targets
    /// yield"): with no two groups sharing an in-VPC range, the plan warns of no surplus
    /// and every rendered format verifies clean, carve-out denies included.
    #[test]
    fn nested_outside_targets_verify_clean((split, targets) in nested_gen()) {
        let text = nested_yaml(split, &targets);
        let loaded = shibori::intent::load(&Source { name: "nested.yaml".into(), text: text.clone() });
        let loaded = match loaded {
            Ok(l) => l,
            Err(d) => return Err(TestCaseError::fail(format!("invalid:\n{text}\n{d:?}"))),
        };
        let plan = shibori::plan::plan(&loaded.intent);
        // Only NACL quota errors may stop a plan here.
        prop_assume!(plan.is_ok());
        let plan = plan.unwrap();
        let surplus: Vec<String> = plan.warnings.iter().filter(|w| w.message.contains("surplus")).map(|w| w.message.clone()).collect();
        prop_assert!(surplus.is_empty(), "{}\n{}", text, surplus.join("\n"));
        for format in RenderFormat::ALL {
            let files = shibori::render::render(&plan, format).unwrap();
            let artifact = Artifact::from_files(format.name(), files.into_iter().map(|f| (f.path, f.contents)).collect());
            let (_, rs) = read(&artifact).unwrap();
            let findings = shibori::verify::verify(&loaded.intent, &rs);
            prop_assert!(findings.is_empty(), "{}:\n{}\n{}", format.name(), text,
                findings.iter().map(|f| f.to_string()).collect::<Vec<_>>().join("\n"));
        }
    }
}

/// The same generated intent attached to a transit gateway: no target networks and no
/// egress setting; subnets s3 and s4 live in a second VPC (`vpcs:`).
fn yaml_tgw(g: &Gen) -> String {
    let net = |i: usize| if i < 3 { 0 } else { 1 };
    let mut s = String::from(
        "version: 1\nname: prop\nvpc:\n  cidr: 10.0.0.0/16\nvpcs:\n  - {id: vpc-0b2b2b2b2b2b2b2b2, cidr: 10.1.0.0/16}\nendpoint:\n  attachment: transit-gateway\n  transit_gateway: {id: tgw-0123456789abcdef0, availability_zones: [eu-west-1a, eu-west-1b]}\n  client_cidr: 172.16.0.0/22\n  split_tunnel: true\n  authentication: saml\nsubnets:\n",
    );
    for i in 0..g.subnets {
        s.push_str(&format!("  s{i}:\n    cidr: 10.{}.{i}.0/24\n", net(i)));
        match g.acls[i] {
            0 => {}
            k => s.push_str(&format!("    network_acl: acl-0000000000000000{k}\n")),
        }
    }
    s.push_str("targets:\n");
    for (n, (place, hosts, ports, groups)) in g.targets.iter().enumerate() {
        s.push_str(&format!("  - name: t{n}\n"));
        let place = *place as usize;
        if place < g.subnets {
            s.push_str(&format!("    subnet: s{place}\n"));
            if let Some(h) = hosts {
                s.push_str(&format!(
                    "    hosts: [10.{}.{place}.{}/28]\n",
                    net(place),
                    16 * ((n as u8 * 4 + h) % 16)
                ));
            }
        } else {
            s.push_str(&format!("    cidr: 192.168.{}.0/24\n", place * 10 + n));
        }
        s.push_str(&format!("    ports: [{}]\n", ports.join(", ")));
        s.push_str(match groups {
            0 => "    groups: []\n",
            1 => "    groups: [a]\n",
            _ => "    groups: [a, b]\n",
        });
    }
    s
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    /// Transit-gateway-attached intents, planned and rendered, verify clean in every format.
    #[test]
    fn transit_gateway_artifacts_verify_clean(g in gen()) {
        let text = yaml_tgw(&g);
        let loaded = shibori::intent::load(&Source { name: "gen.yaml".into(), text: text.clone() });
        prop_assert!(loaded.is_ok(), "invalid:\n{text}");
        let loaded = loaded.unwrap();
        let plan = shibori::plan::plan(&loaded.intent);
        prop_assume!(plan.is_ok());
        let plan = plan.unwrap();
        prop_assume!(!plan.warnings.iter().any(|w| w.message.contains("surplus")));
        for format in RenderFormat::ALL {
            let files = shibori::render::render(&plan, format).unwrap();
            let artifact = Artifact::from_files(format.name(), files.into_iter().map(|f| (f.path, f.contents)).collect());
            let (_, rs) = read(&artifact).unwrap();
            let findings = shibori::verify::verify(&loaded.intent, &rs);
            prop_assert!(findings.is_empty(), "{}:\n{}\n{}", format.name(), text,
                findings.iter().map(|f| f.to_string()).collect::<Vec<_>>().join("\n"));
        }
    }
}

/// A mixed-family intent: the tunnel's traffic type and targets of either family.
#[derive(Debug, Clone)]
struct Mixed {
    /// 0: IPv4 only, 1: IPv6 only, 2: dual-stack.
    traffic: u8,
    strict: bool,
    acls: Vec<u8>,
    /// (where: subnet index or outside, host family 0 none / 1 IPv4 / 2 IPv6, ports, groups)
    targets: Vec<(u8, u8, Vec<&'static str>, u8)>,
}

fn mixed() -> impl Strategy<Value = Mixed> {
    (
        0u8..3,
        any::<bool>(),
        proptest::collection::vec(0u8..3, 4),
        proptest::collection::vec(
            (
                0u8..7, // 0-3: subnet s0-s3; 4: outside IPv4; 5: outside IPv6; 6: ::/0
                0u8..3,
                proptest::sample::subsequence(PORTS, 1..3),
                0u8..3,
            ),
            1..5,
        ),
    )
        .prop_map(|(traffic, strict, acls, targets)| Mixed {
            traffic,
            strict,
            acls,
            targets,
        })
}

fn mixed_yaml(g: &Mixed) -> String {
    let mut s = String::from(
        "version: 1\nname: mixed\nvpc:\n  cidr: 10.0.0.0/16\n  ipv6_cidrs: [\"2600:1f18:7:100::/56\"]\nendpoint:\n  split_tunnel: true\n  authentication: saml\n",
    );
    if g.traffic != 1 {
        s.push_str("  client_cidr: 172.16.0.0/22\n");
    }
    s.push_str(match g.traffic {
        0 => "  traffic_ip_address_type: ipv4\n",
        1 => "  traffic_ip_address_type: ipv6\n",
        _ => "  traffic_ip_address_type: dual-stack\n",
    });
    if g.strict {
        s.push_str("  egress: strict\n");
    }
    s.push_str("subnets:\n");
    for i in 0..4 {
        s.push_str(&format!(
            "  s{i}:\n    cidr: 10.0.{i}.0/24\n    ipv6_cidr: \"2600:1f18:7:10{i}::/64\"\n"
        ));
        if i < 2 {
            s.push_str(&format!("    az: eu-west-1{}\n", (b'a' + i as u8) as char));
        }
        if g.acls[i] != 0 {
            s.push_str(&format!(
                "    network_acl: acl-0000000000000000{}\n",
                g.acls[i]
            ));
        }
    }
    s.push_str("target_networks: [s0, s1]\ntargets:\n");
    for (n, (place, host, ports, groups)) in g.targets.iter().enumerate() {
        s.push_str(&format!("  - name: t{n}\n"));
        match *place {
            p @ 0..=3 => {
                s.push_str(&format!("    subnet: s{p}\n"));
                match host {
                    1 => s.push_str(&format!("    hosts: [10.0.{p}.{}/28]\n", 16 * n)),
                    2 => s.push_str(&format!(
                        "    hosts: [\"2600:1f18:7:10{p}::{:x}00/120\"]\n",
                        n + 1
                    )),
                    _ => {}
                }
            }
            4 => s.push_str(&format!("    cidr: 192.168.{n}.0/24\n")),
            5 => s.push_str(&format!("    cidr: \"2001:db8:{n}::/48\"\n")),
            _ => s.push_str("    cidr: \"::/0\"\n"),
        }
        s.push_str(&format!("    ports: [{}]\n", ports.join(", ")));
        s.push_str(match groups {
            0 => "    groups: []\n",
            1 => "    groups: [a]\n",
            _ => "    groups: [a, b]\n",
        });
    }
    s
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// verify(render(plan(intent))) is clean for intents of either family and both: the
    /// IPv6 view's flows pass (nothing missing) and nothing else does (no surplus).
    #[test]
    fn mixed_family_artifacts_verify_clean(g in mixed()) {
        let text = mixed_yaml(&g);
        let loaded = shibori::intent::load(&Source { name: "mixed.yaml".into(), text: text.clone() });
        prop_assume!(loaded.is_ok());
        let loaded = loaded.unwrap();
        let plan = shibori::plan::plan(&loaded.intent);
        prop_assume!(plan.is_ok());
        let plan = plan.unwrap();
        prop_assume!(!plan.warnings.iter().any(|w| w.message.contains("surplus")));
        for format in RenderFormat::ALL {
            let files = shibori::render::render(&plan, format).unwrap();
            let artifact = Artifact::from_files(format.name(), files.into_iter().map(|f| (f.path, f.contents)).collect());
            let (_, rs) = read(&artifact).unwrap();
            let findings = shibori::verify::verify(&loaded.intent, &rs);
            prop_assert!(findings.is_empty(), "{}:\n{}\n{}", format.name(), text,
                findings.iter().map(|f| f.to_string()).collect::<Vec<_>>().join("\n"));
        }
    }
}
