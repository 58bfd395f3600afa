//! `shibori schema`: the JSON Schema is draft 2020-12, every example validates against
//! it, structurally invalid intents fail it, and it agrees with the parser on a table
//! of small documents.

mod common;
use common::{examples, read, root, shibori};
use serde_json::{json, Value};
use shibori::diagnostic::Source;

fn schema() -> Value {
    let run = shibori(&["schema"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    serde_json::from_str(&run.stdout).expect("schema is JSON")
}

fn validator() -> jsonschema::Validator {
    jsonschema::draft202012::new(&schema()).expect("schema compiles")
}

fn yaml_to_json(text: &str) -> Value {
    serde_yaml::from_str(text).expect("YAML")
}

/// Does the parser (not validation: the schema is structural) accept the document?
fn parser_accepts(text: &str) -> Result<(), String> {
    let source = Source {
        name: "doc".into(),
        text: text.to_string(),
    };
    shibori::intent::parse::parse(&source)
        .map(|_| ())
        .map_err(|d| d.message)
}

#[test]
fn schema_is_draft_2020_12_with_id_title_and_closed_objects() {
    let s = schema();
    assert_eq!(s["$schema"], "https://json-schema.org/draft/2020-12/schema");
    assert!(s["$id"].as_str().is_some_and(|id| !id.is_empty()));
    assert!(s["title"].as_str().is_some());
    assert!(s["description"].as_str().is_some());
    jsonschema::meta::validate(&s).expect("valid against the 2020-12 meta-schema");
    // deny_unknown_fields → additionalProperties: false, on the root and every struct.
    assert_eq!(s["additionalProperties"], false);
    let defs = s["$defs"].as_object().expect("$defs");
    for name in [
        "VpcFile",
        "EndpointFile",
        "SubnetFile",
        "TargetFile",
        "NaclFile",
        "ConnectionLogFile",
    ] {
        assert_eq!(defs[name]["additionalProperties"], false, "{name}");
    }
    // Port entries: a string or an integer, like the hand-written deserializer.
    let port = &defs["Port"]["anyOf"];
    assert_eq!(port[0]["type"], "string");
    assert_eq!(port[1]["type"], "integer");
    // Descriptions come from the doc comments of the serde types.
    assert!(s["properties"]["target_networks"]["description"]
        .as_str()
        .is_some_and(|d| d.contains("ENIs")));
}

#[test]
fn schema_output_is_deterministic() {
    assert_eq!(shibori(&["schema"]).stdout, shibori(&["schema"]).stdout);
}

#[test]
fn every_example_validates() {
    let v = validator();
    for (name, path) in examples() {
        let doc = yaml_to_json(&read(&path));
        let errors: Vec<String> = v.iter_errors(&doc).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{name}: {errors:?}");
    }
}

fn fixtures(dir: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = std::fs::read_dir(root().join(dir))
        .expect("fixture dir")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .map(|p| {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            (name, std::fs::read_to_string(&p).expect("read fixture"))
        })
        .collect();
    out.sort();
    out
}

/// What the parser must say for each kind of structural error, by file-name prefix.
fn expected_message(name: &str) -> &'static str {
    if name.starts_with("unknown-key") {
        "unknown field"
    } else if name.starts_with("wrong-type") {
        ", found "
    } else if name.starts_with("wrong-enum") || name.starts_with("authentication-unknown") {
        "unknown variant"
    } else if name.starts_with("missing") {
        "missing field"
    } else {
        panic!("no expectation for fixture {name}")
    }
}

#[test]
fn structural_errors_fail_both_schema_and_parser() {
    let v = validator();
    let mut cases = fixtures("tests/fixtures/schema-invalid");
    assert!(cases.len() >= 6, "schema-invalid fixtures missing");
    // The shared corpus's structural cases too.
    for (name, text) in fixtures("tests/fixtures/invalid") {
        if [
            "unknown-key.yaml",
            "wrong-type.yaml",
            "missing-field.yaml",
            "authentication-unknown.yaml",
        ]
        .contains(&name.as_str())
        {
            cases.push((name, text));
        }
    }
    for (name, text) in cases {
        let doc = yaml_to_json(&text);
        assert!(!v.is_valid(&doc), "{name}: the schema accepts it");
        let err = parser_accepts(&text).expect_err(&name);
        assert!(
            err.contains(expected_message(&name)),
            "{name}: parser said {err}"
        );
    }
}

/// Small documents around one valid intent; each is judged by the schema and by the
/// parser, and the two must agree.
#[test]
fn schema_and_parser_agree() {
    let base = json!({
        "version": 1,
        "name": "agree",
        "vpc": {"cidr": "10.0.0.0/16"},
        "endpoint": {"client_cidr": "172.16.0.0/22", "authentication": "saml"},
        "subnets": {
            "vpn-a": {"cidr": "10.0.100.0/24", "az": "eu-west-1a"},
            "app": {"cidr": "10.0.1.0/24"}
        },
        "target_networks": ["vpn-a"],
        "targets": [{"name": "ssh", "subnet": "app", "ports": ["ssh"]}]
    });
    let set = |path: &str, value: Value| {
        let mut d = base.clone();
        let (parent, key) = path.rsplit_once('/').unwrap_or(("", path));
        let target = if parent.is_empty() {
            &mut d
        } else {
            d.pointer_mut(parent).expect(path)
        };
        target[key] = value;
        d
    };
    let remove = |path: &str| {
        let mut d = base.clone();
        let (parent, key) = path.rsplit_once('/').unwrap_or(("", path));
        let target = if parent.is_empty() {
            &mut d
        } else {
            d.pointer_mut(parent).expect(path)
        };
        target.as_object_mut().expect("object").remove(key);
        d
    };
    let cases: Vec<(&str, Value)> = vec![
        ("base", base.clone()),
        (
            "every optional field",
            set(
                "/endpoint",
                json!({
            "id": "cvpn-endpoint-0123456789abcdef0", "client_cidr": "172.16.0.0/22",
            "split_tunnel": false, "authentication": "active-directory", "egress": "strict",
            "transport": "tcp", "vpn_port": 1194, "dns_servers": ["10.0.0.2"],
            "session_timeout_hours": 8, "disconnect_on_session_timeout": true,
            "self_service_portal": false, "client_login_banner": "hi",
            "client_route_enforcement": true, "connection_log": {"group": "g", "stream": "s"},
            "client_connect_handler": "arn:aws:lambda:eu-west-1:1:function:AWSClientVPN-x"}),
            ),
        ),
        (
            "nulls for optional values",
            set("/vpc", json!({"id": null, "cidr": "10.0.0.0/16"})),
        ),
        ("empty nacl", set("/nacl", json!({}))),
        (
            "full nacl",
            set(
                "/nacl",
                json!({"rule_start": 1, "rule_step": 1, "ephemeral_ports": "1024-65535", "quota": 40}),
            ),
        ),
        (
            "integer port",
            set("/targets/0/ports", json!([22, "tcp/8080"])),
        ),
        (
            "negative integer port (validation's job)",
            set("/targets/0/ports", json!([-1])),
        ),
        ("empty lists (validation's job)", set("/targets", json!([]))),
        ("missing version", remove("/version")),
        ("missing name", remove("/name")),
        ("missing vpc", remove("/vpc")),
        ("missing endpoint", remove("/endpoint")),
        ("missing subnets", remove("/subnets")),
        ("missing target_networks", remove("/target_networks")),
        ("missing targets", remove("/targets")),
        ("missing vpc.cidr", remove("/vpc/cidr")),
        ("missing client_cidr", remove("/endpoint/client_cidr")),
        ("missing authentication", remove("/endpoint/authentication")),
        ("missing target name", remove("/targets/0/name")),
        ("missing target ports", remove("/targets/0/ports")),
        (
            "missing connection_log.group",
            set("/endpoint/connection_log", json!({"stream": "s"})),
        ),
        ("unknown top-level key", set("/extra", json!(1))),
        ("unknown vpc key", set("/vpc/extra", json!(1))),
        (
            "unknown endpoint key",
            set("/endpoint/splittunnel", json!(true)),
        ),
        ("unknown subnet key", set("/subnets/app/extra", json!("x"))),
        (
            "unknown target key",
            set("/targets/0/prots", json!(["ssh"])),
        ),
        ("unknown nacl key", set("/nacl", json!({"quotas": 20}))),
        (
            "unknown connection_log key",
            set("/endpoint/connection_log", json!({"group": "g", "x": 1})),
        ),
        ("version as string", set("/version", json!("1"))),
        ("version negative", set("/version", json!(-1))),
        (
            "version above u32",
            set("/version", json!(4_294_967_296_u64)),
        ),
        ("name as number", set("/name", json!(5))),
        ("subnets as list", set("/subnets", json!(["app"]))),
        ("subnet as null", set("/subnets/app", json!(null))),
        (
            "target_networks as string",
            set("/target_networks", json!("vpn-a")),
        ),
        ("targets as object", set("/targets", json!({"name": "ssh"}))),
        ("port as boolean", set("/targets/0/ports", json!([true]))),
        ("port as float", set("/targets/0/ports", json!([22.5]))),
        (
            "port as object",
            set("/targets/0/ports", json!([{"tcp": 22}])),
        ),
        (
            "hosts as string",
            set("/targets/0/hosts", json!("10.0.1.5/32")),
        ),
        ("groups with a number", set("/targets/0/groups", json!([1]))),
        (
            "secondary_cidrs null",
            set("/vpc/secondary_cidrs", json!(null)),
        ),
        (
            "split_tunnel as string",
            set("/endpoint/split_tunnel", json!("yes")),
        ),
        (
            "unknown authentication",
            set("/endpoint/authentication", json!("ldap")),
        ),
        ("unknown egress", set("/endpoint/egress", json!("none"))),
        (
            "unknown transport",
            set("/endpoint/transport", json!("sctp")),
        ),
        (
            "vpn_port as string",
            set("/endpoint/vpn_port", json!("443")),
        ),
        ("quota as string", set("/nacl", json!({"quota": "20"}))),
        ("document is a list", json!([1, 2])),
    ];
    let v = validator();
    let mut disagreements = Vec::new();
    for (name, doc) in &cases {
        let text = serde_json::to_string_pretty(doc).expect("json");
        let schema_ok = v.is_valid(doc);
        let parser = parser_accepts(&text);
        if schema_ok != parser.is_ok() {
            disagreements.push(format!("{name}: schema {schema_ok}, parser {parser:?}"));
        }
    }
    assert!(disagreements.is_empty(), "{disagreements:#?}");
    // The table holds both kinds, or agreement would be trivial.
    assert!(cases.iter().filter(|(_, d)| v.is_valid(d)).count() >= 5);
    assert!(cases.iter().filter(|(_, d)| !v.is_valid(d)).count() >= 30);
}
