//! Terraform JSON (`*.tf.json`): the same module semantics as HCL; `"${…}"` strings are
//! parsed as HCL templates, so a string that is one interpolation keeps its value's type.

use super::terraform::{template_node, Mode, Module, Node, Resource, Variable, META};
use super::terraform_hcl::{module_call, provisioner};
use super::value::Val;
use super::ReadError;
use serde_json::Value as Json;

/// Adds one `.tf.json` file's variables, locals and resources to the module.
pub fn add_file(module: &mut Module, path: &str, text: &str) -> Result<(), ReadError> {
    let doc: Json = serde_json::from_str(text).map_err(|e| ReadError::Parse {
        path: path.to_string(),
        message: e.to_string(),
    })?;
    add(module, &doc, path).map_err(|message| ReadError::Format {
        path: path.to_string(),
        message,
    })
}

/// A variable values file in JSON (`*.tfvars.json`): literal values, no templates.
pub fn assignments(path: &str, text: &str) -> Result<Vec<(String, Node)>, ReadError> {
    match serde_json::from_str(text) {
        Ok(Json::Object(m)) => Ok(m.iter().map(|(k, v)| (k.clone(), literal(v))).collect()),
        Ok(_) => Err(ReadError::Format {
            path: path.to_string(),
            message: "a variable values file must be an object".into(),
        }),
        Err(e) => Err(ReadError::Parse {
            path: path.to_string(),
            message: e.to_string(),
        }),
    }
}

/// Terraform JSON allows a block to be an object or an array of objects.
fn objects(v: &Json) -> Vec<&serde_json::Map<String, Json>> {
    match v {
        Json::Object(m) => vec![m],
        Json::Array(a) => a.iter().filter_map(Json::as_object).collect(),
        _ => Vec::new(),
    }
}

fn add(module: &mut Module, doc: &Json, file: &str) -> Result<(), String> {
    let Json::Object(top) = doc else {
        return Err("a Terraform JSON file must be an object".into());
    };
    for (kind, v) in top {
        match kind.as_str() {
            "variable" => {
                for m in objects(v) {
                    for (name, decl) in m {
                        module.variables.push(Variable {
                            name: name.clone(),
                            default: decl.get("default").map(literal),
                        });
                    }
                }
            }
            "locals" => {
                for m in objects(v) {
                    for (name, value) in m {
                        module
                            .locals
                            .push((name.clone(), file.to_string(), node(value)));
                    }
                }
            }
            "resource" | "data" => {
                let mode = if kind == "resource" {
                    Mode::Managed
                } else {
                    Mode::Data
                };
                for by_type in objects(v) {
                    for (ty, named) in by_type {
                        for by_name in objects(named) {
                            for (name, body) in by_name {
                                for b in objects(body) {
                                    if mode == Mode::Managed && b.contains_key("provisioner") {
                                        module.unread.push(provisioner(file, ty, name));
                                    }
                                    module.resources.push(Resource {
                                        mode,
                                        ty: ty.clone(),
                                        name: name.clone(),
                                        file: file.to_string(),
                                        for_each: b.get("for_each").map(node),
                                        count: b.get("count").map(node),
                                        body: b
                                            .iter()
                                            .filter(|(k, _)| !META.contains(&k.as_str()))
                                            .map(|(k, x)| (k.clone(), node(x)))
                                            .collect(),
                                    });
                                }
                            }
                        }
                    }
                }
            }
            "module" => {
                for m in objects(v) {
                    for name in m.keys() {
                        module.unread.push(module_call(file, name));
                    }
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// Variable defaults are literal values: no interpolation.
fn literal(v: &Json) -> Node {
    Node::Literal(json_val(v))
}

fn json_val(v: &Json) -> Val {
    match v {
        Json::Null => Val::Null,
        Json::Bool(b) => Val::Bool(*b),
        Json::Number(n) => n.as_f64().map_or(Val::Null, Val::Num),
        Json::String(s) => Val::Str(s.clone()),
        Json::Array(a) => Val::List(a.iter().map(json_val).collect()),
        Json::Object(m) => Val::Map(m.iter().map(|(k, x)| (k.clone(), json_val(x))).collect()),
    }
}

fn node(v: &Json) -> Node {
    match v {
        Json::String(s) => template_node(s),
        Json::Array(a) => Node::List(a.iter().map(node).collect()),
        Json::Object(m) => Node::Map(m.iter().map(|(k, x)| (k.clone(), node(x))).collect()),
        other => Node::Literal(json_val(other)),
    }
}

#[cfg(test)]
mod tests {
    use crate::verify::model::{Ident, SgPeer};
    use crate::verify::read::Artifact;
    use std::collections::BTreeMap;
    use std::path::PathBuf;

    #[test]
    fn interpolations_keep_references() {
        let text = r#"{
  "variable": {"subnet_vpn_a_id": {"type": "string"}},
  "locals": {"targets": {"ssh": {"port": 22}}},
  "resource": {
    "aws_security_group": {"endpoint": {"name": "e"}, "target": {"for_each": "${local.targets}", "name": "t-${each.key}"}},
    "aws_vpc_security_group_ingress_rule": {"t": {
      "for_each": "${local.targets}",
      "security_group_id": "${aws_security_group.target[each.key].id}",
      "ip_protocol": "tcp", "from_port": "${each.value.port}", "to_port": "${each.value.port}",
      "referenced_security_group_id": "${aws_security_group.endpoint.id}"}},
    "aws_ec2_client_vpn_route": {"r": {"client_vpn_endpoint_id": "x", "destination_cidr_block": "10.9.0.0/16",
      "target_vpc_subnet_id": "${var.subnet_vpn_a_id}"}}
  }
}"#;
        let mut files = BTreeMap::new();
        files.insert(PathBuf::from("main.tf.json"), text.to_string());
        let rs = crate::verify::read::terraform_module::read(
            &Artifact::from_files("m", files),
            &[PathBuf::from("main.tf.json")],
        )
        .unwrap();
        assert!(rs.unresolved.is_empty(), "{:?}", rs.unresolved);
        assert_eq!(rs.sg_rules[0].span.from, 22);
        assert_eq!(
            rs.sg_rules[0].peer,
            SgPeer::Group(Ident::Resource("aws_security_group.endpoint".into()))
        );
        assert_eq!(rs.security_groups[1].name.as_deref(), Some("t-ssh"));
        assert_eq!(
            rs.routes[0].subnet,
            Some(Ident::Input("subnet_vpn_a_id".into()))
        );
    }
}
