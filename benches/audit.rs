//! `cargo bench --bench audit`: proving what exists at account scale (see `docs/audit.md`).
//! A generated AWS snapshot of 200 authorization rules, 5 associations × 100 routes,
//! 60 security groups × 60 rules and 20 ACLs × 40 entries each way (read + verify, budget
//! 100 ms), and a generated `terraform show -json` plan of 6,000 resources whose rules
//! reference groups of the same plan (read + verify, budget 500 ms). Each is also run at half
//! and double size: the ratios are the growth per doubling. Best of 9 runs, one thread.

use serde_json::{json, Value};

// The allocator of the shibori binary (src/main.rs), as `pipeline` uses it.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use shibori::diagnostic::Source;
use shibori::verify::read::{self, Artifact};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Best of `runs`: the machine is shared, so the fastest run is the one least disturbed.
fn best<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..runs {
        let t = Instant::now();
        last = Some(f());
        times.push(t.elapsed());
    }
    times.sort();
    (times[0], last.expect("at least one run"))
}

/// Sizes of one generated account; `scale` 1.0 is the size the budget is for.
struct Size {
    auth: usize,
    routes_per_assoc: usize,
    groups: usize,
    rules_per_group: usize,
    acls: usize,
    entries_per_direction: usize,
}

impl Size {
    fn at(scale: f64) -> Size {
        let s = |n: usize| ((n as f64 * scale).round() as usize).max(1);
        Size {
            auth: s(200),
            routes_per_assoc: s(100),
            groups: s(60),
            rules_per_group: 60,
            acls: s(20).max(6),
            entries_per_direction: 40,
        }
    }
}

const ASSOCS: usize = 5;

fn sg_id(i: usize) -> String {
    format!("sg-{i:017x}")
}
fn acl_id(i: usize) -> String {
    format!("acl-{i:017x}")
}
fn subnet_id(i: usize) -> String {
    format!("subnet-{i:017x}")
}
/// Subnet i: 10.0.i.0/24; the first 5 are the target networks.
fn subnet_cidr(i: usize) -> String {
    format!("10.{}.{}.0/24", i / 256, i % 256)
}
fn outside(i: usize) -> String {
    format!("100.{}.{}.0/24", 64 + i / 256, i % 256)
}

/// The intent a platform team would write for that account: 5 target networks, one
/// target per destination subnet (its own group), and outside networks.
fn intent(size: &Size) -> String {
    let mut y = String::from(
        "version: 1\nname: big\nvpc: {id: vpc-0000000000000000a, cidr: 10.0.0.0/8}\n\
         endpoint: {id: cvpn-endpoint-0000000000000000a, client_cidr: 172.16.0.0/12, split_tunnel: true, authentication: saml}\n\
         nacl: {quota: 40}\nsubnets:\n",
    );
    for i in 0..size.acls {
        y.push_str(&format!(
            "  s{i}: {{id: {}, cidr: {}, network_acl: {}{}}}\n",
            subnet_id(i),
            subnet_cidr(i),
            acl_id(i),
            if i < ASSOCS {
                format!(", az: eu-west-1{}", (b'a' + i as u8) as char)
            } else {
                String::new()
            }
        ));
    }
    y.push_str("target_networks: [s0, s1, s2, s3, s4]\ntargets:\n");
    for i in ASSOCS..size.acls {
        y.push_str(&format!(
            "  - {{name: t{i}, subnet: s{i}, ports: [tcp/{}], groups: [g{i}], security_group: {}}}\n",
            1000 + i,
            sg_id(1 + (i % size.groups.saturating_sub(1).max(1)))
        ));
    }
    // Fewer outside targets than routes: the ACL quota of the target networks holds 40.
    for i in 0..20.min(size.routes_per_assoc) {
        y.push_str(&format!(
            "  - {{name: o{i}, cidr: {}, ports: [tcp/443], groups: [g{i}]}}\n",
            outside(i)
        ));
    }
    y
}

fn snapshot(size: &Size) -> Artifact {
    let ep = "cvpn-endpoint-0000000000000000a";
    let mut files = BTreeMap::new();
    let mut put = |name: &str, v: Value| {
        files.insert(PathBuf::from(name), v.to_string());
    };
    put(
        "endpoints.json",
        json!({"ClientVpnEndpoints": [{"ClientVpnEndpointId": ep, "ClientCidrBlock": "172.16.0.0/12",
            "SplitTunnel": true, "VpcId": "vpc-0000000000000000a", "SecurityGroupIds": [sg_id(0)],
            "AuthenticationOptions": [{"Type": "federated-authentication"}]}]}),
    );
    put(
        "assoc.json",
        json!({"ClientVpnTargetNetworks": (0..ASSOCS).map(|i| json!({
        "ClientVpnEndpointId": ep, "TargetNetworkId": subnet_id(i), "AssociationId": format!("cvpn-assoc-{i}"),
        "Status": {"Code": "associated"}})).collect::<Vec<_>>()}),
    );
    put(
        "auth.json",
        json!({"AuthorizationRules": (0..size.auth).map(|i| {
        let cidr = if i < size.routes_per_assoc { outside(i) } else { subnet_cidr(ASSOCS + i % (size.acls - ASSOCS)) };
        json!({"ClientVpnEndpointId": ep, "GroupId": format!("g{i}"), "AccessAll": false,
               "DestinationCidr": cidr, "Status": {"Code": "active"}})
    }).collect::<Vec<_>>()}),
    );
    put(
        "routes.json",
        json!({"Routes": (0..ASSOCS).flat_map(|a| (0..size.routes_per_assoc).map(move |i| json!({
        "ClientVpnEndpointId": ep, "DestinationCidr": outside(i), "TargetSubnet": subnet_id(a),
        "Type": "Nat", "Origin": "add-route"}))).collect::<Vec<_>>()}),
    );
    let mut rules = Vec::new();
    for g in 0..size.groups {
        for r in 0..size.rules_per_group {
            let mut rule = json!({"SecurityGroupRuleId": format!("sgr-{g:08x}{r:09x}"), "GroupId": sg_id(g),
                "IsEgress": g == 0, "IpProtocol": "tcp", "FromPort": 1000 + r, "ToPort": 1000 + r});
            if g == 0 || r % 2 == 1 {
                rule["CidrIpv4"] = json!(if g == 0 {
                    outside(r)
                } else {
                    subnet_cidr(r % ASSOCS)
                });
            } else {
                rule["ReferencedGroupInfo"] = json!({"GroupId": sg_id(0)});
            }
            rules.push(rule);
        }
    }
    put("sgr.json", json!({"SecurityGroupRules": rules}));
    put(
        "sg.json",
        json!({"SecurityGroups": (0..size.groups).map(|g| json!({
        "GroupId": sg_id(g), "GroupName": format!("group-{g}"), "VpcId": "vpc-0000000000000000a"})).collect::<Vec<_>>()}),
    );
    put(
        "acls.json",
        json!({"NetworkAcls": (0..size.acls).map(|a| {
        let entries: Vec<Value> = (0..size.entries_per_direction).flat_map(|e| [true, false].map(|egress| json!({
            "RuleNumber": 100 + e * 10, "Protocol": "6", "RuleAction": "allow", "Egress": egress,
            "CidrBlock": if a < ASSOCS { subnet_cidr(ASSOCS + e % (size.acls - ASSOCS)) } else { subnet_cidr(e % ASSOCS) },
            "PortRange": if (a < ASSOCS) == egress { json!({"From": 1000 + e, "To": 1000 + e}) } else { json!({"From": 1024, "To": 65535}) }
        }))).collect();
        json!({"NetworkAclId": acl_id(a), "VpcId": "vpc-0000000000000000a", "IsDefault": false,
               "Associations": [{"SubnetId": subnet_id(a), "NetworkAclId": acl_id(a)}], "Entries": entries})
    }).collect::<Vec<_>>()}),
    );
    put(
        "subnets.json",
        json!({"Subnets": (0..size.acls).map(|i| json!({
        "SubnetId": subnet_id(i), "CidrBlock": subnet_cidr(i), "VpcId": "vpc-0000000000000000a"})).collect::<Vec<_>>()}),
    );
    put(
        "vpcs.json",
        json!({"Vpcs": [{"VpcId": "vpc-0000000000000000a", "CidrBlock": "10.0.0.0/8"}]}),
    );
    Artifact::from_files("bench-snapshot", files)
}

/// A plan of `n` resources: groups created by the plan, their rules referencing them
/// (unknown IDs resolved through `configuration`), ACL rules, authorizations and routes.
fn plan(n: usize) -> Artifact {
    let groups = 60;
    let mut planned = Vec::new();
    let mut config = Vec::new();
    let mut changes = Vec::new();
    let mut push = |address: String, ty: &str, values: Value, exprs: Value| {
        let name = address.split('.').nth(1).unwrap_or("x").to_string();
        let base = address.split('[').next().unwrap_or(&address).to_string();
        planned.push(
            json!({"address": address, "mode": "managed", "type": ty, "name": name,
            "provider_name": "registry.terraform.io/hashicorp/aws", "values": values}),
        );
        changes.push(json!({"address": address, "mode": "managed", "type": ty, "name": name,
            "provider_name": "registry.terraform.io/hashicorp/aws",
            "change": {"actions": ["create"], "before": null, "after": {}, "after_unknown": {"id": true, "security_group_id": true, "referenced_security_group_id": true}}}));
        config.push(json!({"address": base, "mode": "managed", "type": ty, "name": name, "expressions": exprs}));
    };
    for g in 0..groups {
        push(
            format!("aws_security_group.g{g}"),
            "aws_security_group",
            json!({"name": format!("big-t{g}"), "vpc_id": "vpc-0000000000000000a"}),
            json!({}),
        );
    }
    let mut i = 0;
    while planned_len(i, groups) < n {
        let g = 1 + i % (groups - 1);
        match i % 4 {
            0 | 1 => push(
                format!("aws_vpc_security_group_ingress_rule.r{i}"),
                "aws_vpc_security_group_ingress_rule",
                json!({"ip_protocol": "tcp", "from_port": 1000 + i % 60, "to_port": 1000 + i % 60}),
                json!({"security_group_id": {"references": [format!("aws_security_group.g{g}.id"), format!("aws_security_group.g{g}")]},
                       "referenced_security_group_id": {"references": ["aws_security_group.g0.id", "aws_security_group.g0"]}}),
            ),
            2 => push(
                format!("aws_network_acl_rule.n{i}"),
                "aws_network_acl_rule",
                json!({"network_acl_id": acl_id(i % 20), "rule_number": 100 + (i / 4) % 3000, "egress": i % 8 == 2,
                       "protocol": "tcp", "rule_action": "allow", "cidr_block": subnet_cidr(i % 20), "from_port": 1024, "to_port": 65535}),
                json!({}),
            ),
            _ => push(
                format!("aws_ec2_client_vpn_authorization_rule.a{i}"),
                "aws_ec2_client_vpn_authorization_rule",
                json!({"target_network_cidr": outside(i % 1000), "access_group_id": format!("g{}", i % 50)}),
                json!({}),
            ),
        }
        i += 1;
    }
    let doc = json!({"format_version": "1.2", "planned_values": {"root_module": {"resources": planned}},
        "resource_changes": changes, "configuration": {"root_module": {"resources": config}}});
    let mut files = BTreeMap::new();
    files.insert(PathBuf::from("plan.json"), doc.to_string());
    Artifact::from_files("bench-plan", files)
}

fn planned_len(i: usize, groups: usize) -> usize {
    i + groups
}

fn run(label: &str, intent_text: &str, artifact: &Artifact, budget_ms: f64) -> f64 {
    let source = Source {
        name: "bench.yaml".into(),
        text: intent_text.to_string(),
    };
    let loaded = shibori::intent::load(&source)
        .map_err(|d| format!("{d:?}"))
        .expect("valid bench intent");
    let intent = &loaded.intent;
    let (t, (findings, rules)) = best(9, || {
        let (_, rs) = read::read_for(artifact, None).expect("readable");
        let f = shibori::verify::verify(intent, &rs);
        (
            f.len(),
            rs.sg_rules.len() + rs.nacl_rules.len() + rs.auth_rules.len() + rs.routes.len(),
        )
    });
    let ms = t.as_secs_f64() * 1e3;
    let (read_t, _) = best(9, || read::read_for(artifact, None).expect("readable"));
    println!(
        "{label:<44} {rules:>6} rules {findings:>5} findings {ms:8.1} ms (read {:.1} ms){}",
        read_t.as_secs_f64() * 1e3,
        if budget_ms > 0.0 {
            format!(
                "  (budget {budget_ms:.0} ms{})",
                if ms <= budget_ms { "" } else { ", OVER" }
            )
        } else {
            String::new()
        }
    );
    ms
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        println!("audit benchmark: skipped (run it with `cargo bench`)");
        return;
    }
    println!("audit: read + verify, best of 9, one thread");
    let mut snap = Vec::new();
    for scale in [0.5, 1.0, 2.0] {
        let size = Size::at(scale);
        let budget = if scale == 1.0 { 100.0 } else { 0.0 };
        snap.push(run(
            &format!(
                "snapshot x{scale} ({} auth, {}x{} SG rules)",
                size.auth, size.groups, size.rules_per_group
            ),
            &intent(&size),
            &snapshot(&size),
            budget,
        ));
    }
    let size = Size::at(1.0);
    let mut plans = Vec::new();
    for n in [3000, 6000, 12000] {
        let budget = if n == 6000 { 500.0 } else { 0.0 };
        plans.push(run(
            &format!("plan JSON of {n} resources"),
            &intent(&size),
            &plan(n),
            budget,
        ));
    }
    println!(
        "growth per doubling: snapshot {:.2}x, {:.2}x; plan {:.2}x, {:.2}x",
        snap[1] / snap[0],
        snap[2] / snap[1],
        plans[1] / plans[0],
        plans[2] / plans[1]
    );
}
