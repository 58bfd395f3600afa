//! Synthetic intents of any size, shaped like a real VPC: contiguous application
//! subnets behind one shared ACL, per-host targets cycling through a handful of common ports (so every subnet ends
//! up with the same port set and their NACL entries aggregate) and
//! SAML groups, and one outside destination in ten. Stays inside AWS's NACL quota so
//! the whole pipeline runs (authorization/route quotas only warn).

use std::fmt::Write as _;

pub fn intent(targets: usize, networks: usize) -> String {
    intent_of(targets, networks, false)
}

/// The same intent dual-stack: the VPC and every subnet with an IPv6 CIDR, every in-VPC
/// target with an IPv6 host beside its IPv4 one, and an IPv6 outside target beside every
/// other IPv4 one.
#[allow(dead_code)]
pub fn dual_stack_intent(targets: usize, networks: usize) -> String {
    intent_of(targets, networks, true)
}

fn intent_of(targets: usize, networks: usize, dual: bool) -> String {
    let subnets = 32usize;
    let mut y = String::new();
    let _ = writeln!(
        y,
        "version: 1\nname: bench-{targets}-{networks}\nvpc:\n  cidr: 10.0.0.0/16"
    );
    if dual {
        let _ = writeln!(y, "  ipv6_cidrs: [\"2001:db8:1200::/56\"]");
    }
    let _ = writeln!(y, "endpoint:\n  client_cidr: 172.20.0.0/16\n  split_tunnel: true\n  authentication: saml\n  egress: strict");
    if dual {
        let _ = writeln!(y, "  traffic_ip_address_type: dual-stack");
    }
    let _ = writeln!(y, "subnets:");
    for n in 0..networks {
        let _ = writeln!(y, "  vpn-{n}:\n    cidr: 10.0.{}.0/24\n    az: eu-west-1{}\n    network_acl: acl-00000000000000001", 200 + n, (b'a' + n as u8) as char);
        if dual {
            let _ = writeln!(y, "    ipv6_cidr: \"2001:db8:1200:{:x}::/64\"", 200 + n);
        }
    }
    for s in 0..subnets {
        let _ = writeln!(
            y,
            "  app-{s}:\n    cidr: 10.0.{}.0/24\n    network_acl: acl-00000000000000002",
            32 + s
        );
        if dual {
            let _ = writeln!(y, "    ipv6_cidr: \"2001:db8:1200:{:x}::/64\"", 32 + s);
        }
    }
    let list: Vec<String> = (0..networks).map(|n| format!("vpn-{n}")).collect();
    let _ = writeln!(y, "target_networks: [{}]\ntargets:", list.join(", "));
    let ports = [
        "[ssh]",
        "[https, tcp/8080-8089]",
        "[ssh, https]",
        "[tcp/8080-8089, icmp]",
    ];
    for i in 0..targets {
        if dual && i % 20 == 19 {
            // An IPv6 outside destination beside the IPv4 one, in contiguous /64s.
            let _ = writeln!(
                y,
                "  - name: ext6-{i}\n    cidr: \"2001:db8:4000:{:x}::/64\"\n    ports: [postgres]\n    groups: [g{}]",
                i / 20,
                i % 10
            );
        }
        if i % 10 == 9 {
            let _ = writeln!(
                y,
                "  - name: ext-{i}\n    cidr: 192.168.{}.{}/30\n    ports: [postgres]\n    groups: [g{}]",
                i / 10 / 64 % 256,
                i / 10 % 64 * 4,
                i % 10
            );
        } else {
            let s = i % subnets;
            let h = i / subnets + 1;
            let _ = writeln!(
                y,
                "  - name: t-{i}\n    subnet: app-{s}\n    hosts: [10.0.{}.{}/32{}]\n    ports: {}\n    groups: [g{}]",
                32 + s,
                h,
                if dual {
                    format!(", \"2001:db8:1200:{:x}::{:x}/128\"", 32 + s, h)
                } else {
                    String::new()
                },
                ports[(i / subnets) % ports.len()],
                i % 10
            );
        }
    }
    let _ = writeln!(y, "nacl:\n  quota: 40");
    y
}
