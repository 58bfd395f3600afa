//! Mutation tests: every example's rendered artifact, in every format, verifies
//! clean; each mutation of its text/structure is caught with exit 1, naming the flow or
//! rule and the layer. Mutations edit the artifact, never the plan.

use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

const FORMATS: &[&str] = &["terraform", "terraform-json", "cloudformation", "cdk-json"];

/// Every example folder (each has an intent and its rendered outputs).
fn examples() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(examples_dir())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("intent.yaml").exists())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect();
    v.sort();
    assert!(v.len() >= 4, "examples: {v:?}");
    v
}

fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples")
}

/// The artifact's files, relative to its directory.
fn load(dir: &Path) -> BTreeMap<PathBuf, String> {
    let mut out = BTreeMap::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_file() {
            out.insert(
                PathBuf::from(p.file_name().unwrap()),
                std::fs::read_to_string(&p).unwrap(),
            );
        }
    }
    out
}

fn verify(example: &str, files: &BTreeMap<PathBuf, String>) -> (i32, String) {
    let tmp = tempfile::tempdir().unwrap();
    for (p, text) in files {
        std::fs::write(tmp.path().join(p), text).unwrap();
    }
    let out = Command::new(env!("CARGO_BIN_EXE_shibori"))
        .args(["--color", "never", "verify"])
        .arg(examples_dir().join(example).join("intent.yaml"))
        .arg("--artifact")
        .arg(tmp.path())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr),
    )
}

fn supernet8(cidr: &str) -> String {
    let first = cidr.split('.').next().unwrap();
    format!("{first}.0.0.0/8")
}

// ---------------------------------------------------------------- CloudFormation

struct Cfn {
    path: PathBuf,
    yaml: bool,
    doc: Value,
}

impl Cfn {
    fn load(files: &BTreeMap<PathBuf, String>) -> Cfn {
        let (path, text) = files
            .iter()
            .find(|(p, _)| {
                let s = p.to_string_lossy();
                s.ends_with(".yaml") || s.ends_with(".json")
            })
            .unwrap();
        let yaml = path.to_string_lossy().ends_with(".yaml");
        let doc: Value = if yaml {
            serde_yaml::from_str(text).unwrap()
        } else {
            serde_json::from_str(text).unwrap()
        };
        Cfn {
            path: path.clone(),
            yaml,
            doc,
        }
    }

    fn save(&self, files: &mut BTreeMap<PathBuf, String>) {
        let text = if self.yaml {
            serde_yaml::to_string(&self.doc).unwrap()
        } else {
            serde_json::to_string_pretty(&self.doc).unwrap()
        };
        files.insert(self.path.clone(), text);
    }

    fn resources(&mut self) -> &mut serde_json::Map<String, Value> {
        self.doc["Resources"].as_object_mut().unwrap()
    }

    fn find(&mut self, ty: &str, pred: impl Fn(&Value) -> bool) -> Option<String> {
        self.resources()
            .iter()
            .find(|(_, r)| r["Type"] == ty && pred(&r["Properties"]))
            .map(|(k, _)| k.clone())
    }

    fn props(&mut self, id: &str) -> &mut Value {
        &mut self.resources()[id]["Properties"]
    }
}

fn is_reply(p: &Value) -> bool {
    p["PortRange"]["From"] == json!(1024) || p["Icmp"]["Type"] == json!(0)
}

/// A literal IPv6 CIDR.
fn is_ipv6(v: &Value) -> bool {
    v.as_str().is_some_and(|s| s.contains(':'))
}

/// A carve-out deny: the allow-shaped mutations leave these alone.
fn is_deny(p: &Value) -> bool {
    p["RuleAction"] == json!("deny")
}

fn cfn_mutate(m: &str, files: &mut BTreeMap<PathBuf, String>) -> bool {
    let mut c = Cfn::load(files);
    const NACL: &str = "AWS::EC2::NetworkAclEntry";
    let applied = match m {
        "delete-nacl-reply" => c
            .find(NACL, |p| is_reply(p) && !is_deny(p))
            .map(|id| c.resources().remove(&id))
            .is_some(),
        "widen-nacl-ports" => c
            .find(NACL, |p| {
                !is_reply(p)
                    && !is_deny(p)
                    && p["PortRange"]["To"].as_i64().is_some_and(|t| t < 65535)
            })
            .map(|id| {
                let p = c.props(&id);
                let to = p["PortRange"]["To"].as_i64().unwrap();
                p["PortRange"]["To"] = json!(to + 1);
            })
            .is_some(),
        "widen-nacl-cidr" => c
            .find(NACL, |p| {
                p["CidrBlock"].is_string() && p["CidrBlock"] != "0.0.0.0/0" && !is_deny(p)
            })
            .map(|id| {
                let p = c.props(&id);
                p["CidrBlock"] = json!(supernet8(p["CidrBlock"].as_str().unwrap()));
            })
            .is_some(),
        "deny-in-front" => c
            .find(NACL, |p| !is_reply(p) && !is_deny(p))
            .map(|id| {
                let mut r = c.resources()[&id].clone();
                r["Properties"]["RuleNumber"] = json!(1);
                r["Properties"]["RuleAction"] = json!("deny");
                c.resources().insert("MutationDeny".into(), r);
            })
            .is_some(),
        "dest-sg-cidr" => c
            .find("AWS::EC2::SecurityGroupIngress", |p| {
                p.get("SourceSecurityGroupId").is_some()
            })
            .map(|id| {
                let p = c.props(&id).as_object_mut().unwrap();
                p.remove("SourceSecurityGroupId");
                p.insert("CidrIp".into(), json!("0.0.0.0/0"));
            })
            .is_some(),
        "endpoint-inbound" => {
            c.resources().insert(
                "MutationEndpointIngress".into(),
                json!({"Type": "AWS::EC2::SecurityGroupIngress", "Properties": {
                    "GroupId": {"Fn::GetAtt": ["EndpointSecurityGroup", "GroupId"]},
                    "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": "0.0.0.0/0"}}),
            );
            true
        }
        "route-missing" => c
            .find("AWS::EC2::ClientVpnRoute", |_| true)
            .map(|id| c.resources().remove(&id))
            .is_some(),
        "auth-widen" => c
            .find("AWS::EC2::ClientVpnAuthorizationRule", |p| {
                p.get("AccessGroupId").is_some()
            })
            .map(|id| {
                let p = c.props(&id).as_object_mut().unwrap();
                p.remove("AccessGroupId");
                p.insert("AuthorizeAllGroups".into(), json!(true));
            })
            .is_some(),
        "auth-widen-cidr" => c
            .find("AWS::EC2::ClientVpnAuthorizationRule", |p| {
                p["TargetNetworkCidr"] != "0.0.0.0/0"
            })
            .map(|id| {
                let p = c.props(&id);
                p["TargetNetworkCidr"] = json!(supernet8(p["TargetNetworkCidr"].as_str().unwrap()));
            })
            .is_some(),
        "auth-remove" => c
            .find("AWS::EC2::ClientVpnAuthorizationRule", |_| true)
            .map(|id| c.resources().remove(&id))
            .is_some(),
        "client-cidr-source-widen" => c
            .find("AWS::EC2::SecurityGroupIngress", |p| {
                p.get("CidrIp").is_some()
            })
            .map(|id| {
                c.props(&id)["CidrIp"] = json!("0.0.0.0/0");
            })
            .is_some(),
        "delete-carve-out-deny" => c
            .find(NACL, is_deny)
            .map(|id| c.resources().remove(&id))
            .is_some(),
        "auth-add-all-users" => c
            .find("AWS::EC2::ClientVpnAuthorizationRule", |p| {
                p.get("AccessGroupId").is_some()
            })
            .map(|id| {
                let mut r = c.resources()[&id].clone();
                let p = r["Properties"].as_object_mut().unwrap();
                p.remove("AccessGroupId");
                p.insert("AuthorizeAllGroups".into(), json!(true));
                c.resources().insert("MutationAllUsers".into(), r);
            })
            .is_some(),
        "ipv6-widen-nacl-cidr" => c
            .find(NACL, |p| {
                p["Ipv6CidrBlock"].is_string() && p["Ipv6CidrBlock"] != "::/0" && !is_deny(p)
            })
            .map(|id| c.props(&id)["Ipv6CidrBlock"] = json!("::/0"))
            .is_some(),
        "ipv6-sg-from-any" => c
            .find("AWS::EC2::SecurityGroupIngress", |p| {
                p["CidrIpv6"].is_string()
            })
            .map(|id| {
                let mut r = c.resources()[&id].clone();
                r["Properties"]["CidrIpv6"] = json!("::/0");
                c.resources().insert("MutationIpv6Any".into(), r);
            })
            .is_some(),
        "ipv6-route-missing" => c
            .find("AWS::EC2::ClientVpnRoute", |p| {
                is_ipv6(&p["DestinationCidrBlock"])
            })
            .map(|id| c.resources().remove(&id))
            .is_some(),
        "ipv6-auth-remove" => c
            .find("AWS::EC2::ClientVpnAuthorizationRule", |p| {
                is_ipv6(&p["TargetNetworkCidr"])
            })
            .map(|id| c.resources().remove(&id))
            .is_some(),
        "ipv4-entry-beside-ipv6" => c
            .find(NACL, |p| p["Ipv6CidrBlock"].is_string() && !is_deny(p))
            .map(|id| {
                let mut r = c.resources()[&id].clone();
                let p = r["Properties"].as_object_mut().unwrap();
                p.remove("Ipv6CidrBlock");
                p.insert("CidrBlock".into(), json!("10.0.0.0/8"));
                p.insert("RuleNumber".into(), json!(990));
                c.resources().insert("MutationIpv4Entry".into(), r);
            })
            .is_some(),
        _ => unreachable!("{m}"),
    };
    c.save(files);
    applied
}

// ---------------------------------------------------------------- Terraform (HCL, JSON)

/// One entry of a `locals` map, as the renderers write rule-bearing data.
struct Entry {
    key: String,
    attrs: BTreeMap<String, Value>,
}

/// An HCL literal as JSON (strings, numbers, null, booleans); references stay text.
fn hcl_value(text: &str) -> Value {
    serde_json::from_str(text.trim())
        .unwrap_or_else(|_| Value::String(format!("<expr>{}", text.trim())))
}

fn hcl_literal(v: &Value) -> String {
    match v {
        Value::String(s) if s.starts_with("<expr>") => s["<expr>".len()..].to_string(),
        other => other.to_string(),
    }
}

/// `(file, first line, last line)` of an entry `"key" = { … }` inside `locals { map = { … } }`.
fn hcl_entries(
    files: &BTreeMap<PathBuf, String>,
    map: &str,
) -> Vec<(PathBuf, usize, usize, Entry)> {
    let mut out = Vec::new();
    for (p, text) in files
        .iter()
        .filter(|(p, _)| p.to_string_lossy().ends_with(".tf"))
    {
        let lines: Vec<&str> = text.lines().collect();
        let mut in_map = false;
        let mut i = 0;
        while i < lines.len() {
            let l = lines[i];
            if l.starts_with("  ") && !l.starts_with("   ") && l.trim_end().ends_with("= {") {
                in_map = l.trim().starts_with(&format!("{map} "));
            }
            if in_map && l.starts_with("    \"") && l.trim_end().ends_with("= {") {
                let key = l.trim().split('"').nth(1).unwrap().to_string();
                let mut attrs = BTreeMap::new();
                let mut j = i + 1;
                while lines[j] != "    }" {
                    if let Some((k, v)) = lines[j].split_once('=') {
                        attrs.insert(k.trim().to_string(), hcl_value(v));
                    }
                    j += 1;
                }
                out.push((p.clone(), i, j, Entry { key, attrs }));
                i = j;
            }
            i += 1;
        }
    }
    out
}

fn json_locals_file(files: &BTreeMap<PathBuf, String>, map: &str) -> Option<(PathBuf, Value)> {
    files
        .iter()
        .filter(|(p, _)| p.to_string_lossy().ends_with(".tf.json"))
        .map(|(p, t)| (p.clone(), serde_json::from_str::<Value>(t).unwrap()))
        .find(|(_, v)| v["locals"].get(map).is_some())
}

fn tf_entries(files: &BTreeMap<PathBuf, String>, map: &str, json_syntax: bool) -> Vec<Entry> {
    if json_syntax {
        let Some((_, v)) = json_locals_file(files, map) else {
            return Vec::new();
        };
        v["locals"][map]
            .as_object()
            .map(|m| {
                m.iter()
                    .map(|(k, e)| Entry {
                        key: k.clone(),
                        attrs: e
                            .as_object()
                            .unwrap()
                            .iter()
                            .map(|(a, x)| (a.clone(), x.clone()))
                            .collect(),
                    })
                    .collect()
            })
            .unwrap_or_default()
    } else {
        hcl_entries(files, map).into_iter().map(|e| e.3).collect()
    }
}

/// Replaces (or with `None` removes) one entry.
fn tf_set(
    files: &mut BTreeMap<PathBuf, String>,
    map: &str,
    key: &str,
    new: Option<&Entry>,
    json_syntax: bool,
) {
    if json_syntax {
        let (p, mut v) = json_locals_file(files, map).unwrap();
        let m = v["locals"][map].as_object_mut().unwrap();
        match new {
            Some(e) => {
                m.insert(
                    key.to_string(),
                    Value::Object(e.attrs.clone().into_iter().collect()),
                );
            }
            None => {
                m.remove(key);
            }
        }
        files.insert(p, serde_json::to_string_pretty(&v).unwrap());
    } else {
        let (p, a, b, _) = hcl_entries(files, map)
            .into_iter()
            .find(|e| e.3.key == key)
            .unwrap();
        let text = files[&p].clone();
        let lines: Vec<&str> = text.lines().collect();
        let mut out: Vec<String> = lines[..a].iter().map(|s| s.to_string()).collect();
        if let Some(e) = new {
            out.push(format!("    \"{key}\" = {{"));
            for (k, v) in &e.attrs {
                out.push(format!("      {k} = {}", hcl_literal(v)));
            }
            out.push("    }".into());
        }
        out.extend(lines[b + 1..].iter().map(|s| s.to_string()));
        files.insert(p, out.join("\n") + "\n");
    }
}

/// Adds a resource in a file of its own.
fn tf_add(
    files: &mut BTreeMap<PathBuf, String>,
    ty: &str,
    attrs: &[(&str, Value)],
    json_syntax: bool,
) {
    if json_syntax {
        let body: serde_json::Map<String, Value> = attrs
            .iter()
            .map(|(k, v)| {
                let v = match v {
                    Value::String(s) if s.starts_with("<expr>") => {
                        json!(format!("${{{}}}", &s[6..]))
                    }
                    other => other.clone(),
                };
                (k.to_string(), v)
            })
            .collect();
        let doc = json!({"resource": {ty: {"mutation": body}}});
        files.insert(
            "mutation.tf.json".into(),
            serde_json::to_string_pretty(&doc).unwrap(),
        );
    } else {
        let mut s = format!("resource \"{ty}\" \"mutation\" {{\n");
        for (k, v) in attrs {
            s.push_str(&format!("  {k} = {}\n", hcl_literal(v)));
        }
        s.push_str("}\n");
        files.insert("mutation.tf".into(), s);
    }
}

fn tf_is_reply(e: &Entry) -> bool {
    e.attrs.get("from_port") == Some(&json!(1024)) || e.attrs.get("icmp_type") == Some(&json!(0))
}

fn tf_is_deny(e: &Entry) -> bool {
    e.attrs.get("rule_action") == Some(&json!("deny"))
}

/// Adds an entry next to an existing one of the same map.
fn tf_insert(
    files: &mut BTreeMap<PathBuf, String>,
    map: &str,
    after: &str,
    new: &Entry,
    json_syntax: bool,
) {
    if json_syntax {
        tf_set(files, map, &new.key, Some(new), true);
        return;
    }
    let (p, _, b, _) = hcl_entries(files, map)
        .into_iter()
        .find(|e| e.3.key == after)
        .unwrap();
    let text = files[&p].clone();
    let lines: Vec<&str> = text.lines().collect();
    let mut out: Vec<String> = lines[..=b].iter().map(|s| s.to_string()).collect();
    out.push(format!("    \"{}\" = {{", new.key));
    for (k, v) in &new.attrs {
        out.push(format!("      {k} = {}", hcl_literal(v)));
    }
    out.push("    }".into());
    out.extend(lines[b + 1..].iter().map(|s| s.to_string()));
    files.insert(p, out.join("\n") + "\n");
}

fn tf_mutate(m: &str, files: &mut BTreeMap<PathBuf, String>, js: bool) -> bool {
    let nacl = tf_entries(files, "network_acl_rules", js);
    match m {
        "delete-nacl-reply" => match nacl.iter().find(|e| tf_is_reply(e) && !tf_is_deny(e)) {
            Some(e) => {
                tf_set(files, "network_acl_rules", &e.key, None, js);
                true
            }
            None => false,
        },
        "widen-nacl-ports" => match nacl.into_iter().find(|e| {
            !tf_is_reply(e)
                && !tf_is_deny(e)
                && e.attrs["to_port"].as_i64().is_some_and(|t| t < 65535)
        }) {
            Some(mut e) => {
                let to = e.attrs["to_port"].as_i64().unwrap();
                e.attrs.insert("to_port".into(), json!(to + 1));
                tf_set(files, "network_acl_rules", &e.key.clone(), Some(&e), js);
                true
            }
            None => false,
        },
        "widen-nacl-cidr" => match nacl.into_iter().find(|e| {
            e.attrs["cidr_block"].is_string()
                && e.attrs["cidr_block"] != "0.0.0.0/0"
                && !tf_is_deny(e)
        }) {
            Some(mut e) => {
                let c = supernet8(e.attrs["cidr_block"].as_str().unwrap());
                e.attrs.insert("cidr_block".into(), json!(c));
                tf_set(files, "network_acl_rules", &e.key.clone(), Some(&e), js);
                true
            }
            None => false,
        },
        "deny-in-front" => match nacl.into_iter().find(|e| !tf_is_reply(e) && !tf_is_deny(e)) {
            Some(e) => {
                let a = &e.attrs;
                tf_add(
                    files,
                    "aws_network_acl_rule",
                    &[
                        ("network_acl_id", a["network_acl_id"].clone()),
                        ("rule_number", json!(1)),
                        ("egress", a["egress"].clone()),
                        ("protocol", a["protocol"].clone()),
                        ("rule_action", json!("deny")),
                        ("cidr_block", a["cidr_block"].clone()),
                        (
                            "ipv6_cidr_block",
                            a.get("ipv6_cidr_block").cloned().unwrap_or(Value::Null),
                        ),
                        ("from_port", a["from_port"].clone()),
                        ("to_port", a["to_port"].clone()),
                        ("icmp_type", a["icmp_type"].clone()),
                        ("icmp_code", a["icmp_code"].clone()),
                    ],
                    js,
                );
                true
            }
            None => false,
        },
        "dest-sg-cidr" => {
            let rules = tf_entries(files, "security_group_ingress_rules", js);
            match rules
                .into_iter()
                .find(|e| e.attrs["referenced_security_group_id"] != Value::Null)
            {
                Some(mut e) => {
                    e.attrs
                        .insert("referenced_security_group_id".into(), Value::Null);
                    e.attrs.insert("cidr_ipv4".into(), json!("0.0.0.0/0"));
                    tf_set(
                        files,
                        "security_group_ingress_rules",
                        &e.key.clone(),
                        Some(&e),
                        js,
                    );
                    true
                }
                None => false,
            }
        }
        "endpoint-inbound" => {
            tf_add(
                files,
                "aws_vpc_security_group_ingress_rule",
                &[
                    (
                        "security_group_id",
                        json!("<expr>aws_security_group.this[\"endpoint\"].id"),
                    ),
                    ("ip_protocol", json!("tcp")),
                    ("from_port", json!(22)),
                    ("to_port", json!(22)),
                    ("cidr_ipv4", json!("0.0.0.0/0")),
                ],
                js,
            );
            true
        }
        "route-missing" => match tf_entries(files, "routes", js).first() {
            Some(e) => {
                tf_set(files, "routes", &e.key.clone(), None, js);
                true
            }
            None => false,
        },
        "auth-widen" => {
            let rules = tf_entries(files, "authorization_rules", js);
            match rules
                .into_iter()
                .find(|e| e.attrs["access_group_id"].is_string())
            {
                Some(mut e) => {
                    e.attrs.insert("access_group_id".into(), Value::Null);
                    e.attrs.insert("authorize_all_groups".into(), json!(true));
                    tf_set(files, "authorization_rules", &e.key.clone(), Some(&e), js);
                    true
                }
                None => false,
            }
        }
        "auth-widen-cidr" => {
            let rules = tf_entries(files, "authorization_rules", js);
            match rules
                .into_iter()
                .find(|e| e.attrs["target_network_cidr"] != "0.0.0.0/0")
            {
                Some(mut e) => {
                    let c = supernet8(e.attrs["target_network_cidr"].as_str().unwrap());
                    e.attrs.insert("target_network_cidr".into(), json!(c));
                    tf_set(files, "authorization_rules", &e.key.clone(), Some(&e), js);
                    true
                }
                None => false,
            }
        }
        "auth-remove" => match tf_entries(files, "authorization_rules", js).first() {
            Some(e) => {
                tf_set(files, "authorization_rules", &e.key.clone(), None, js);
                true
            }
            None => false,
        },
        "client-cidr-source-widen" => {
            let rules = tf_entries(files, "security_group_ingress_rules", js);
            match rules.into_iter().find(|e| e.attrs["cidr_ipv4"].is_string()) {
                Some(mut e) => {
                    e.attrs.insert("cidr_ipv4".into(), json!("0.0.0.0/0"));
                    tf_set(
                        files,
                        "security_group_ingress_rules",
                        &e.key.clone(),
                        Some(&e),
                        js,
                    );
                    true
                }
                None => false,
            }
        }
        "delete-carve-out-deny" => match nacl.iter().find(|e| tf_is_deny(e)) {
            Some(e) => {
                tf_set(files, "network_acl_rules", &e.key, None, js);
                true
            }
            None => false,
        },
        "auth-add-all-users" => {
            let rules = tf_entries(files, "authorization_rules", js);
            match rules
                .into_iter()
                .find(|e| e.attrs["access_group_id"].is_string())
            {
                Some(e) => {
                    let mut attrs = e.attrs.clone();
                    attrs.insert("access_group_id".into(), Value::Null);
                    attrs.insert("authorize_all_groups".into(), json!(true));
                    let new = Entry {
                        key: format!("{}.mutation", e.key),
                        attrs,
                    };
                    tf_insert(files, "authorization_rules", &e.key, &new, js);
                    true
                }
                None => false,
            }
        }
        "ipv6-widen-nacl-cidr" => match nacl.into_iter().find(|e| {
            e.attrs["ipv6_cidr_block"].is_string()
                && e.attrs["ipv6_cidr_block"] != "::/0"
                && !tf_is_deny(e)
        }) {
            Some(mut e) => {
                e.attrs.insert("ipv6_cidr_block".into(), json!("::/0"));
                tf_set(files, "network_acl_rules", &e.key.clone(), Some(&e), js);
                true
            }
            None => false,
        },
        "ipv6-sg-from-any" => {
            let rules = tf_entries(files, "security_group_ingress_rules", js);
            match rules.into_iter().find(|e| e.attrs["cidr_ipv6"].is_string()) {
                Some(e) => {
                    let mut attrs = e.attrs.clone();
                    attrs.insert("cidr_ipv6".into(), json!("::/0"));
                    let new = Entry {
                        key: format!("{}.mutation", e.key),
                        attrs,
                    };
                    tf_insert(files, "security_group_ingress_rules", &e.key, &new, js);
                    true
                }
                None => false,
            }
        }
        "ipv6-route-missing" => match tf_entries(files, "routes", js)
            .iter()
            .find(|e| is_ipv6(&e.attrs["destination_cidr_block"]))
        {
            Some(e) => {
                tf_set(files, "routes", &e.key.clone(), None, js);
                true
            }
            None => false,
        },
        "ipv6-auth-remove" => match tf_entries(files, "authorization_rules", js)
            .iter()
            .find(|e| is_ipv6(&e.attrs["target_network_cidr"]))
        {
            Some(e) => {
                tf_set(files, "authorization_rules", &e.key.clone(), None, js);
                true
            }
            None => false,
        },
        "ipv4-entry-beside-ipv6" => match nacl
            .iter()
            .find(|e| e.attrs["ipv6_cidr_block"].is_string() && !tf_is_deny(e))
        {
            Some(e) => {
                let mut attrs = e.attrs.clone();
                attrs.insert("ipv6_cidr_block".into(), Value::Null);
                attrs.insert("cidr_block".into(), json!("10.0.0.0/8"));
                attrs.insert("rule_number".into(), json!(990));
                let new = Entry {
                    key: format!("{}.mutation", e.key),
                    attrs,
                };
                tf_insert(files, "network_acl_rules", &e.key, &new, js);
                true
            }
            None => false,
        },
        _ => unreachable!("{m}"),
    }
}

fn mutate(format: &str, m: &str, files: &mut BTreeMap<PathBuf, String>) -> bool {
    match format {
        "terraform" => tf_mutate(m, files, false),
        "terraform-json" => tf_mutate(m, files, true),
        _ => cfn_mutate(m, files),
    }
}

/// Each mutation and what its report must contain (all of these substrings).
const MUTATIONS: &[(&str, &[&str])] = &[
    (
        "delete-nacl-reply",
        &["missing:", "(reply)", "default deny"],
    ),
    (
        "widen-nacl-ports",
        &[
            "excess:",
            "network ACL",
            "more than the intended flows need",
            "rule:",
        ],
    ),
    (
        "widen-nacl-cidr",
        &[
            "excess:",
            "network ACL",
            "more than the intended flows need",
            "rule:",
        ],
    ),
    (
        "deny-in-front",
        &[
            "missing:",
            "rule 1 denies",
            "excess:",
            "changes the outcome",
        ],
    ),
    (
        "dest-sg-cidr",
        &[
            "excess:",
            "destination security group",
            "from CIDR 0.0.0.0/0",
        ],
    ),
    (
        "endpoint-inbound",
        &["excess:", "endpoint security group", "inbound rule"],
    ),
    (
        "route-missing",
        &["missing:", "Client VPN routes", "through target network"],
    ),
    (
        "auth-widen",
        &["surplus:", "all users can reach target", "authorization"],
    ),
    (
        "auth-remove",
        &["missing:", "blocked by authorization rules"],
    ),
    (
        "delete-carve-out-deny",
        &["surplus:", "can reach target", "tcp/443"],
    ),
    (
        "auth-add-all-users",
        &[
            "surplus:",
            "all users can reach target",
            "excess:",
            "needed by no target",
        ],
    ),
];

/// The mutations of a transit-gateway-attached example and what each report must contain:
/// no ENI and no endpoint security group, so the destination groups admit the client CIDR
/// and every route (VPC CIDRs included) is the artifact's own.
const TGW_MUTATIONS: &[(&str, &[&str])] = &[
    (
        "delete-nacl-reply",
        &[
            "missing:",
            "(reply)",
            "default deny",
            "through the transit gateway",
        ],
    ),
    (
        "widen-nacl-ports",
        &[
            "excess:",
            "network ACL",
            "more than the intended flows need",
            "rule:",
        ],
    ),
    (
        "widen-nacl-cidr",
        &[
            "excess:",
            "network ACL",
            "wider than the client CIDR",
            "rule:",
        ],
    ),
    (
        "deny-in-front",
        &[
            "missing:",
            "rule 1 denies",
            "excess:",
            "changes the outcome",
        ],
    ),
    (
        "client-cidr-source-widen",
        &[
            "excess:",
            "ingress rule: it admits 0.0.0.0/0, more than the client CIDR",
            "rule:",
        ],
    ),
    (
        "route-missing",
        &[
            "missing:",
            "Client VPN routes",
            "no Client VPN route covers 10.10.1.0/24",
        ],
    ),
    (
        "auth-widen",
        &["surplus:", "all users can reach target", "authorization"],
    ),
    (
        "auth-remove",
        &["missing:", "blocked by authorization rules"],
    ),
];

/// The mutations of IPv6 entries (examples whose tunnel carries IPv6) and what each
/// report must contain: IPv6 is not translated, so destination groups admit the target
/// networks' IPv6 CIDRs, and the findings name the family.
const IPV6_MUTATIONS: &[(&str, &[&str])] = &[
    (
        "ipv6-widen-nacl-cidr",
        &[
            "excess:",
            "network ACL",
            "more than the intended flows need",
            "to/from ",
            "rule:",
        ],
    ),
    (
        "ipv6-sg-from-any",
        &[
            "excess:",
            "destination security group",
            "from ::/0, wider than the target networks' IPv6 CIDRs",
            "rule:",
        ],
    ),
    (
        "ipv6-route-missing",
        &[
            "missing:",
            "over IPv6 through target network",
            "no Client VPN route covers",
        ],
    ),
    (
        "ipv6-auth-remove",
        &["missing:", "over IPv6", "blocked by authorization rules"],
    ),
];

fn carries_ipv6(example: &str) -> bool {
    std::fs::read_to_string(examples_dir().join(example).join("intent.yaml"))
        .unwrap()
        .lines()
        .any(|l| {
            l.contains("traffic_ip_address_type: ipv6")
                || l.contains("traffic_ip_address_type: dual-stack")
        })
}

fn attached_to_transit_gateway(example: &str) -> bool {
    std::fs::read_to_string(examples_dir().join(example).join("intent.yaml"))
        .unwrap()
        .contains("attachment: transit-gateway")
}

#[test]
fn examples_verify_clean_in_every_format() {
    for ex in &examples() {
        for f in FORMATS {
            let files = load(&examples_dir().join(ex).join(f));
            let (code, out) = verify(ex, &files);
            assert_eq!(code, 0, "{ex} {f}:\n{out}");
        }
    }
}

#[test]
fn every_mutation_is_caught_in_every_format() {
    let mut applied: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for ex in examples()
        .iter()
        .filter(|ex| !attached_to_transit_gateway(ex))
    {
        for f in FORMATS {
            let original = load(&examples_dir().join(ex).join(f));
            for (m, expect) in MUTATIONS {
                let mut files = original.clone();
                if !mutate(f, m, &mut files) {
                    continue; // nothing of that kind in this example (e.g. no NACL entries)
                }
                *applied.entry((m, f)).or_default() += 1;
                let (code, out) = verify(ex, &files);
                assert_eq!(code, 1, "{ex} {f} {m} not caught:\n{out}");
                for e in *expect {
                    assert!(out.contains(e), "{ex} {f} {m}: expected `{e}` in:\n{out}");
                }
            }
        }
    }
    eprintln!("mutations applied (mutation, format) -> examples: {applied:?}");
    for (m, _) in MUTATIONS {
        for f in FORMATS {
            assert!(
                applied.get(&(*m, *f)).copied().unwrap_or(0) > 0,
                "mutation {m} never applied in {f}"
            );
        }
    }
}

#[test]
fn every_transit_gateway_mutation_is_caught_in_every_format() {
    let tgw: Vec<String> = examples()
        .into_iter()
        .filter(|ex| attached_to_transit_gateway(ex))
        .collect();
    assert!(!tgw.is_empty(), "no transit-gateway example");
    for ex in &tgw {
        for f in FORMATS {
            let original = load(&examples_dir().join(ex).join(f));
            for (m, expect) in TGW_MUTATIONS {
                let mut files = original.clone();
                assert!(
                    mutate(f, m, &mut files),
                    "{ex} {f}: {m} found nothing to mutate"
                );
                let (code, out) = verify(ex, &files);
                assert_eq!(code, 1, "{ex} {f} {m} not caught:\n{out}");
                for e in *expect {
                    assert!(out.contains(e), "{ex} {f} {m}: expected `{e}` in:\n{out}");
                }
            }
        }
    }
}

#[test]
fn every_ipv6_mutation_is_caught_in_every_format() {
    let v6: Vec<String> = examples()
        .into_iter()
        .filter(|ex| carries_ipv6(ex))
        .collect();
    assert!(v6.len() >= 2, "IPv6 examples: {v6:?}");
    let mut applied: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for ex in &v6 {
        for f in FORMATS {
            let original = load(&examples_dir().join(ex).join(f));
            for (m, expect) in IPV6_MUTATIONS {
                let mut files = original.clone();
                if !mutate(f, m, &mut files) {
                    continue;
                }
                *applied.entry((m, f)).or_default() += 1;
                let (code, out) = verify(ex, &files);
                assert_eq!(code, 1, "{ex} {f} {m} not caught:\n{out}");
                for e in *expect {
                    assert!(out.contains(e), "{ex} {f} {m}: expected `{e}` in:\n{out}");
                }
            }
        }
    }
    for (m, _) in IPV6_MUTATIONS {
        for f in FORMATS {
            assert_eq!(
                applied.get(&(*m, *f)).copied().unwrap_or(0),
                v6.len(),
                "mutation {m} not applied to every IPv6 example in {f}"
            );
        }
    }
}

/// An IPv4 entry in an IPv6-only tunnel's artifact: no flow of the intent needs it.
#[test]
fn ipv4_entry_in_an_ipv6_only_tunnel_is_caught_in_every_format() {
    let only: Vec<String> = examples()
        .into_iter()
        .filter(|ex| {
            std::fs::read_to_string(examples_dir().join(ex).join("intent.yaml"))
                .unwrap()
                .contains("traffic_ip_address_type: ipv6\n")
        })
        .collect();
    assert!(!only.is_empty(), "no IPv6-only example");
    for ex in &only {
        for f in FORMATS {
            let mut files = load(&examples_dir().join(ex).join(f));
            assert!(mutate(f, "ipv4-entry-beside-ipv6", &mut files), "{ex} {f}");
            let (code, out) = verify(ex, &files);
            assert_eq!(code, 1, "{ex} {f} not caught:\n{out}");
            for e in [
                "excess:",
                "to/from 10.0.0.0/8",
                "the tunnel carries no IPv4",
            ] {
                assert!(out.contains(e), "{ex} {f}: expected `{e}` in:\n{out}");
            }
        }
    }
}
