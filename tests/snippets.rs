//! Snippets for an existing stack: `render --snippet`, `shibori merge`, and `verify` of
//! the merged host template (docs/snippets.md). The host is a VPC stack written the way
//! teams write them (tests/fixtures/host/vpc-stack.yaml, and its JSON form).

mod common;

use common::{read, root, shibori, Run};
use proptest::prelude::*;
use shibori::merge::{merge as merge_docs, Doc};
use std::path::Path;
use std::process::Command;

const HOST_YAML: &str = "tests/fixtures/host/vpc-stack.yaml";
const HOST_JSON: &str = "tests/fixtures/host/vpc-stack.json";
const CERT: &str =
    "arn:aws:acm:us-east-1:123456789012:certificate/0f0e0d0c-1111-2222-3333-444455556666";

/// Each example's inputs bound to the host: its resources and parameters where the host
/// has them, literal IDs where it does not.
fn bindings(example: &str) -> Vec<String> {
    let cert = "ServerCertificateArn=!Ref ServerCertificateArn";
    let client_ca = format!("ClientRootCertificateChainArn={CERT}");
    let vpn = [
        "VpcId=!Ref Vpc",
        "SubnetIdVpnA=!Ref VpnSubnetA",
        "SubnetIdVpnB=!Ref VpnSubnetB",
    ];
    let ad = "ActiveDirectoryId=d-0123456789";
    let saml = "SamlProviderArn=arn:aws:iam::123456789012:saml-provider/Okta";
    let b: Vec<&str> = match example {
        // An existing endpoint and every ID known: nothing to bind.
        "brownfield" => vec![],
        "seed-ssh" => vec![cert, &client_ca],
        "same-subnet" => vec![
            cert,
            "VpcId=!Ref Vpc",
            "SubnetIdAppC=!Ref AppSubnetA",
            &client_ca,
        ],
        "full-tunnel" => [cert, ad, "NetworkAclIdTools=!Ref AppAcl"]
            .into_iter()
            .chain(vpn)
            .chain([
                "NetworkAclIdVpnA=!Ref VpnAclA",
                "NetworkAclIdVpnB=!Ref VpnAclB",
            ])
            .collect(),
        "full-tunnel-groups" => [cert, saml, "NetworkAclIdApp=!Ref AppAcl"]
            .into_iter()
            .chain(vpn)
            .chain([
                "NetworkAclIdDb=!Ref DataAcl",
                "NetworkAclIdVpnA=!Ref VpnAclA",
                "NetworkAclIdVpnB=!Ref VpnAclB",
            ])
            .collect(),
        "multi-az-saml" => [cert, saml, "NetworkAclIdData=!Ref DataAcl"]
            .into_iter()
            .chain(vpn)
            .collect(),
        "partner-carveout" => [cert, ad].into_iter().chain(vpn).collect(),
        "merge-economy" => [
            cert,
            ad,
            "SubnetIdVpnC=subnet-0c0c0c0c0c0c0c0c3",
            "SubnetIdVpnD=subnet-0d0d0d0d0d0d0d0d4",
        ]
        .into_iter()
        .chain(vpn)
        .collect(),
        "dual-stack" => [cert, saml, "NetworkAclIdApp=!Ref AppAcl"]
            .into_iter()
            .chain(vpn)
            .chain([
                "NetworkAclIdVpnA=!Ref VpnAclA",
                "NetworkAclIdVpnB=!Ref VpnAclB",
            ])
            .collect(),
        "ipv6-only" => vec![
            cert,
            ad,
            "VpcId=!Ref Vpc",
            "SubnetIdVpnA=!Ref VpnSubnetA",
            "NetworkAclIdVpnA=!Ref VpnAclA",
            "NetworkAclIdWeb=!Ref AppAcl",
            "NetworkAclIdBuild=!Ref DataAcl",
        ],
        other => panic!("no host bindings for example `{other}`: add them here"),
    };
    b.into_iter().map(|s| format!("--bind={s}")).collect()
}

/// The host as a team running that example would have it: without the certificate
/// parameter when the endpoint exists already (an unused parameter is a cfn-lint warning).
fn host_for(example: &str, host: &str) -> String {
    if bindings(example)
        .iter()
        .any(|b| b.contains("ServerCertificateArn"))
    {
        return host.to_string();
    }
    let yaml = "  ServerCertificateArn:\n    Type: String\n    Description: ACM certificate of the Client VPN endpoint\n";
    let json = ",\n        \"ServerCertificateArn\": {\n            \"Type\": \"String\",\n            \"Description\": \"ACM certificate of the Client VPN endpoint\"\n        }";
    assert!(
        host.contains(yaml) || host.contains(json),
        "host fixture changed"
    );
    host.replace(yaml, "").replace(json, "")
}

fn snippet(intent: &str, format: &str, extra: &[String]) -> Run {
    let mut args: Vec<&str> = vec!["render", intent, "--format", format, "--snippet"];
    args.extend(extra.iter().map(String::as_str));
    shibori(&args)
}

fn example_snippet(name: &str, format: &str) -> String {
    let mut extra = bindings(name);
    extra.push("--prefix=Cvpn".into());
    let r = snippet(&format!("examples/{name}/intent.yaml"), format, &extra);
    assert_eq!(r.code, 0, "{name}: {}", r.stderr);
    r.stdout
}

/// Merges `snippet` into the host text; returns the run and the merged text.
fn merge(dir: &Path, host_name: &str, host: &str, snippet: &str) -> (Run, String) {
    let ext = if host_name.ends_with(".json") {
        "json"
    } else {
        "yaml"
    };
    let h = dir.join(host_name);
    let s = dir.join(format!("snippet.{ext}"));
    let out = dir.join(format!("merged.{ext}"));
    std::fs::write(&h, host).unwrap();
    std::fs::write(&s, snippet).unwrap();
    let r = shibori(&[
        "merge",
        h.to_str().unwrap(),
        s.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let merged = std::fs::read_to_string(&out).unwrap_or_default();
    (r, merged)
}

fn verify(intent: &str, artifact: &Path) -> Run {
    shibori(&["verify", intent, "--artifact", artifact.to_str().unwrap()])
}

/// cfn-lint on all `paths` at once (its start-up is most of its time).
fn cfn_lint(paths: &[std::path::PathBuf]) {
    let venv = root().join(".venv/bin/cfn-lint");
    let tool = if venv.is_file() {
        venv.display().to_string()
    } else {
        "cfn-lint".to_string()
    };
    let Ok(out) = Command::new(&tool).args(paths).output() else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "cfn-lint is missing under CI=true (scripts/install-validators.sh installs it)"
        );
        eprintln!(
            "SKIPPED: cfn-lint not installed (scripts/install-validators.sh); CI installs it"
        );
        return;
    };
    assert!(
        out.status.success(),
        "cfn-lint findings:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Every line of `host` survives, in order, in `merged`.
fn host_lines_kept(host: &str, merged: &str) {
    let mut rest = merged.lines();
    for (n, line) in host.lines().enumerate() {
        assert!(
            rest.any(|m| m == line),
            "host line {} lost or reordered: {line:?}",
            n + 1
        );
    }
}

/// The host fixture is one VPC's stack: `tgw-hub` spans two spoke VPCs behind a transit
/// gateway and has no place in it.
fn fits_host((name, _): &(String, String)) -> bool {
    name != "tgw-hub"
}

/// Examples that name existing ACL IDs for their subnets (`multi-az-saml`,
/// `merge-economy`), while the host associates the subnets bound to them with ACLs of
/// its own: their traffic would meet the host's ACLs, not the ones the snippet's entries
/// go to, and verify must say so.
fn moves_acls(name: &str, v: &Run) -> bool {
    let intent = read(format!("examples/{name}/intent.yaml"));
    if !intent.contains("network_acl: acl-") || !v.stdout.contains("is associated with network ACL")
    {
        return false;
    }
    assert_eq!(v.code, 1, "{name}: {}{}", v.stdout, v.stderr);
    assert!(
        v.stdout.contains("is associated with network ACL"),
        "{name}: {}",
        v.stdout
    );
    true
}

#[test]
fn every_example_merges_into_the_yaml_host_lints_and_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let mut merged_files = Vec::new();
    for (name, intent) in common::examples().into_iter().filter(fits_host) {
        let host = host_for(&name, &read(HOST_YAML));
        let sub = dir.path().join(&name);
        std::fs::create_dir(&sub).unwrap();
        let (r, merged) = merge(
            &sub,
            "host.yaml",
            &host,
            &example_snippet(&name, "cloudformation"),
        );
        assert_eq!(r.code, 0, "{name}: {}", r.stderr);
        host_lines_kept(&host, &merged);
        assert!(merged.contains("CidrBlock: !Select [1, !Cidr [!GetAtt Vpc.CidrBlock, 16, 8]]"));
        let path = sub.join("merged.yaml");
        let v = verify(&intent, &path);
        if moves_acls(&name, &v) {
            merged_files.push(path);
            continue;
        }
        assert_eq!(
            v.code, 0,
            "{name}: verify of the merged host:\n{}{}",
            v.stdout, v.stderr
        );
        merged_files.push(path);
    }
    cfn_lint(&merged_files);
}

#[test]
fn every_cdk_json_snippet_merges_into_the_json_host() {
    let dir = tempfile::tempdir().unwrap();
    let mut merged_files = Vec::new();
    for (name, intent) in common::examples().into_iter().filter(fits_host) {
        let host = host_for(&name, &read(HOST_JSON));
        let sub = dir.path().join(&name);
        std::fs::create_dir(&sub).unwrap();
        let (r, _) = merge(
            &sub,
            "host.json",
            &host,
            &example_snippet(&name, "cdk-json"),
        );
        assert_eq!(r.code, 0, "{name}: {}", r.stderr);
        let path = sub.join("merged.json");
        let v = verify(&intent, &path);
        if moves_acls(&name, &v) {
            merged_files.push(path);
            continue;
        }
        assert_eq!(
            v.code, 0,
            "{name}: verify of the merged host:\n{}{}",
            v.stdout, v.stderr
        );
        merged_files.push(path);
    }
    cfn_lint(&merged_files);
}

#[test]
fn remerge_after_an_intent_change_replaces_only_shiboris_entries() {
    let host = read(HOST_YAML);
    let dir = tempfile::tempdir().unwrap();
    let (r, first) = merge(
        dir.path(),
        "host.yaml",
        &host,
        &example_snippet("full-tunnel", "cloudformation"),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    // The intent changes: the RDP target also gets SSH, the internet target loses ICMP.
    let changed = read("examples/full-tunnel/intent.yaml")
        .replace("ports: [rdp]", "ports: [rdp, ssh]")
        .replace(
            "ports: [http, https, dns, icmp]",
            "ports: [http, https, dns]",
        );
    let intent = dir.path().join("intent.yaml");
    std::fs::write(&intent, &changed).unwrap();
    let mut extra = bindings("full-tunnel");
    extra.push("--prefix=Cvpn".into());
    let s = snippet(intent.to_str().unwrap(), "cloudformation", &extra);
    assert_eq!(s.code, 0, "{}", s.stderr);
    let (r, second) = merge(dir.path(), "host.yaml", &first, &s.stdout);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // Exactly what merging the new snippet into the pristine host gives.
    let (_, fresh) = merge(dir.path(), "host.yaml", &host, &s.stdout);
    assert_eq!(second, fresh);
    host_lines_kept(&host, &second);
    assert!(second.contains("Tcp22"), "the new SSH rules are in");
    assert!(!second.contains("Icmp"), "the old ICMP rules are gone");
    assert_eq!(
        second.matches("# shibori office-vpn").count(),
        2,
        "one marker per section"
    );
    let path = dir.path().join("merged.yaml");
    let v = verify(intent.to_str().unwrap(), &path);
    assert_eq!(v.code, 0, "{}{}", v.stdout, v.stderr);
    // And the old intent no longer verifies against it.
    let old = verify("examples/full-tunnel/intent.yaml", &path);
    assert_eq!(old.code, 1, "{}", old.stdout);
}

#[test]
fn host_that_opens_a_managed_acl_to_the_world_is_excess() {
    let host = read(HOST_YAML).replace(
        "  VpnSubnetAAcl:\n",
        "  AppAclInAll:   # \"temporary\", from an incident in 2024\n    Type: AWS::EC2::NetworkAclEntry\n    Properties:\n      NetworkAclId: !Ref AppAcl\n      RuleNumber: 50\n      Protocol: -1\n      RuleAction: allow\n      CidrBlock: 0.0.0.0/0\n  VpnSubnetAAcl:\n",
    );
    let dir = tempfile::tempdir().unwrap();
    let (r, _) = merge(
        dir.path(),
        "host.yaml",
        &host,
        &example_snippet("full-tunnel", "cloudformation"),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = verify(
        "examples/full-tunnel/intent.yaml",
        &dir.path().join("merged.yaml"),
    );
    assert_eq!(v.code, 1, "{}", v.stdout);
    assert!(v.stdout.contains("excess"), "{}", v.stdout);
    assert!(v.stdout.contains("AppAclInAll"), "{}", v.stdout);
    // The public ACL's own 0.0.0.0/0 entries are not the intent's business.
    assert!(!v.stdout.contains("PublicAcl"), "{}", v.stdout);
}

#[test]
fn host_rule_on_a_destination_group_is_excess() {
    let dir = tempfile::tempdir().unwrap();
    let (r, merged) = merge(
        dir.path(),
        "host.yaml",
        &read(HOST_YAML),
        &example_snippet("full-tunnel", "cloudformation"),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let extra = merged.replace(
        "  AppFromLoadBalancer:\n",
        "  RdpFromOffice:\n    Type: AWS::EC2::SecurityGroupIngress\n    Properties:\n      GroupId: !GetAtt CvpnTargetSecurityGroupRdp.GroupId\n      IpProtocol: tcp\n      FromPort: 3389\n      ToPort: 3389\n      CidrIp: 10.0.0.0/8\n  AppFromLoadBalancer:\n",
    );
    let path = dir.path().join("tampered.yaml");
    std::fs::write(&path, extra).unwrap();
    let v = verify("examples/full-tunnel/intent.yaml", &path);
    assert_eq!(v.code, 1, "{}", v.stdout);
    assert!(v.stdout.contains("RdpFromOffice"), "{}", v.stdout);
}

#[test]
fn collision_with_a_host_logical_id_is_refused() {
    // The host has its own `ClientVpnEndpoint`; the snippet is rendered without a prefix.
    let host = read(HOST_YAML).replace(
        "  InternetGateway:\n",
        "  ClientVpnEndpoint:\n    Type: AWS::EC2::InternetGateway\n  InternetGateway:\n",
    );
    let s = snippet(
        "examples/full-tunnel/intent.yaml",
        "cloudformation",
        &bindings("full-tunnel"),
    );
    assert_eq!(s.code, 0, "{}", s.stderr);
    let dir = tempfile::tempdir().unwrap();
    let (r, merged) = merge(dir.path(), "host.yaml", &host, &s.stdout);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(merged.is_empty(), "nothing written");
    assert!(r.stderr.contains("`ClientVpnEndpoint`"), "{}", r.stderr);
    assert!(r.stderr.contains("--prefix"), "{}", r.stderr);
}

#[test]
fn binding_to_what_the_host_lacks_is_refused() {
    let mut extra = bindings("same-subnet");
    extra.push("--bind=SubnetIdAppC=!Ref NoSuchSubnet".into());
    let s = snippet("examples/same-subnet/intent.yaml", "cloudformation", &extra);
    assert_eq!(s.code, 0, "{}", s.stderr);
    let dir = tempfile::tempdir().unwrap();
    let (r, _) = merge(dir.path(), "host.yaml", &read(HOST_YAML), &s.stdout);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("`NoSuchSubnet`"), "{}", r.stderr);
}

#[test]
fn unbound_inputs_are_listed_with_what_they_are() {
    let r = snippet(
        "examples/full-tunnel/intent.yaml",
        "cloudformation",
        &["--bind=VpcId=!Ref Vpc".into()],
    );
    assert_eq!(r.code, 2);
    assert!(r.stdout.is_empty());
    for input in [
        "SubnetIdVpnA",
        "SubnetIdVpnB",
        "NetworkAclIdTools",
        "ServerCertificateArn",
        "ActiveDirectoryId",
    ] {
        assert!(
            r.stderr.contains(input),
            "{input} missing from:\n{}",
            r.stderr
        );
    }
    assert!(
        r.stderr.contains("7 input(s) of the intent are not bound"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("ID of subnet `vpn-a` (172.30.0.0/24)"),
        "{}",
        r.stderr
    );
    let listed = shibori(&[
        "render",
        "examples/full-tunnel/intent.yaml",
        "--list-inputs",
    ]);
    assert_eq!(listed.code, 0, "{}", listed.stderr);
    assert_eq!(listed.stdout.lines().count(), 8, "{}", listed.stdout);
    assert!(listed.stdout.contains("NetworkAclIdVpnB"));
}

#[test]
fn bad_bindings_are_usage_errors() {
    for (arg, says) in [
        ("--bind=VpcId", "no `=`"),
        ("--bind=VpcId=!Sub ${Vpc}", "only `!Ref` and `!GetAtt`"),
        ("--bind=Nope=!Ref Vpc", "`Nope` is not an input"),
        ("--prefix=C-vpn", "invalid prefix"),
        (
            "--bind=NetworkAclIdVpnA=!Ref VpnAclA",
            "both bound to `!Ref VpnAclA`",
        ),
    ] {
        let mut extra = bindings("full-tunnel");
        extra.push(arg.to_string());
        if arg.contains("NetworkAclIdVpnA") {
            extra.push("--bind=NetworkAclIdVpnB=!Ref VpnAclA".into());
        }
        let r = snippet("examples/full-tunnel/intent.yaml", "cloudformation", &extra);
        assert_eq!(r.code, 2, "{arg}: {}", r.stderr);
        assert!(r.stderr.contains(says), "{arg}: {}", r.stderr);
    }
    let r = shibori(&[
        "render",
        "examples/seed-ssh/intent.yaml",
        "-f",
        "terraform",
        "--snippet",
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
}

#[test]
fn bind_file_and_snippet_shape() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bindings.yaml");
    std::fs::write(
        &file,
        format!("ServerCertificateArn: !Ref ServerCertificateArn\nclient_root_certificate_chain_arn: {CERT}\n"),
    )
    .unwrap();
    let r = shibori(&[
        "render",
        "examples/seed-ssh/intent.yaml",
        "-f",
        "cloudformation",
        "--snippet",
        "--bind-file",
        file.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stdout.contains("Parameters"));
    assert!(r
        .stdout
        .starts_with("Metadata:\n  shibori:\n    tokyo-ssh:\n"));
    assert!(r
        .stdout
        .contains("ServerCertificateArn:\n        Ref: ServerCertificateArn\n"));
    // Whole-template output is unaffected by snippet mode's existence.
    let whole = shibori(&[
        "render",
        "examples/seed-ssh/intent.yaml",
        "-f",
        "cloudformation",
    ]);
    assert_eq!(
        whole.stdout,
        read("examples/seed-ssh/cloudformation/tokyo-ssh.yaml")
    );
}

// ---------------------------------------------------------------- merge, by property

/// A host written in one of the ways teams write them: 2- or 4-space indentation,
/// comments between and inside entries, blank lines, flow maps, short-form intrinsics,
/// with or without `Outputs` and `Metadata`.
fn host_text(indent: usize, entries: &[(u8, bool, bool)], outputs: bool, metadata: bool) -> String {
    let p = " ".repeat(indent);
    let mut t = String::from("AWSTemplateFormatVersion: \"2010-09-09\"\n# the network stack\n");
    if metadata {
        t += &format!("Metadata:\n{p}Team: {{owner: platform}}\n\n");
    }
    t += &format!(
        "Resources:\n{p}Vpc:\n{p}{p}Type: AWS::EC2::VPC\n{p}{p}Properties: {{CidrBlock: 10.0.0.0/16}}\n"
    );
    for (i, (kind, comment, blank)) in entries.iter().enumerate() {
        if *comment {
            t += &format!("{p}# entry {i}\n");
        }
        t += &match kind % 3 {
            0 => format!("{p}Topic{i}: {{Type: AWS::SNS::Topic}}\n"),
            1 => format!("{p}Sg{i}:   # app tier\n{p}{p}Type: AWS::EC2::SecurityGroup\n{p}{p}Properties:\n{p}{p}{p}GroupDescription: !Sub \"${{AWS::StackName}}-{i}\"\n{p}{p}{p}VpcId: !Ref Vpc\n"),
            _ => format!("{p}Subnet{i}:\n{p}{p}Type: AWS::EC2::Subnet\n{p}{p}Properties:\n{p}{p}{p}VpcId: !Ref Vpc\n\n{p}{p}{p}CidrBlock: !Select [{i}, !Cidr [!GetAtt Vpc.CidrBlock, 32, 8]]\n"),
        };
        if *blank {
            t += "\n";
        }
    }
    if outputs {
        t += &format!("# exported\nOutputs:\n{p}VpcId:\n{p}{p}Value: !Ref Vpc\n");
    }
    t
}

const SMALL_SNIPPET: &str = "Metadata:
  shibori:
    demo:
      bindings:
        VpcId: '!Ref Vpc'
      resources: [CvpnSg, CvpnIn]
      outputs: [CvpnSgId]
Resources:
  CvpnSg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: d
      VpcId:
        Ref: Vpc
  CvpnIn:
    Type: AWS::EC2::SecurityGroupIngress
    Properties:
      GroupId:
        Fn::GetAtt:
        - CvpnSg
        - GroupId
      IpProtocol: tcp
      FromPort: 22
      ToPort: 22
      SourceSecurityGroupId:
        Fn::GetAtt:
        - CvpnSg
        - GroupId
Outputs:
  CvpnSgId:
    Value:
      Ref: CvpnSg
";

/// The same snippet after an intent change: the ingress rule is gone.
const CHANGED_SNIPPET: &str = "Metadata:
  shibori:
    demo:
      bindings:
        VpcId: '!Ref Vpc'
      resources: [CvpnSg]
      outputs: [CvpnSgId]
Resources:
  CvpnSg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: d
      VpcId:
        Ref: Vpc
Outputs:
  CvpnSgId:
    Value:
      Ref: CvpnSg
";

fn merge_text(host: &str, snippet: &str) -> String {
    merge_docs(
        &Doc::new(Path::new("host.yaml"), host),
        &Doc::new(Path::new("snippet.yaml"), snippet),
    )
    .unwrap_or_else(|e| panic!("{e}\n{host}"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Merging keeps every host line in order, parses to the host's resources plus the
    /// snippet's, and a second merge (of the same or a changed snippet) equals a first
    /// merge into the pristine host.
    #[test]
    fn merge_keeps_the_host_and_is_stable(
        indent in prop_oneof![Just(2usize), Just(4usize)],
        entries in prop::collection::vec((any::<u8>(), any::<bool>(), any::<bool>()), 0..8),
        outputs in any::<bool>(),
        metadata in any::<bool>(),
    ) {
        let host = host_text(indent, &entries, outputs, metadata);
        let once = merge_text(&host, SMALL_SNIPPET);
        host_lines_kept(&host, &once);
        let doc: serde_yaml::Value =
            serde_yaml::from_str(&once).unwrap_or_else(|e| panic!("{e}\n{once}"));
        let count = |s: &str| doc.get(s).and_then(|r| r.as_mapping()).map_or(0, |m| m.len());
        prop_assert_eq!(count("Resources"), 1 + entries.len() + 2);
        prop_assert_eq!(count("Outputs"), usize::from(outputs) + 1);
        prop_assert_eq!(merge_text(&once, SMALL_SNIPPET), once.clone());
        prop_assert_eq!(merge_text(&once, CHANGED_SNIPPET), merge_text(&host, CHANGED_SNIPPET));
    }
}
