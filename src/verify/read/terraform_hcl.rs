//! Terraform HCL (`*.tf`): a module directory read as a whole, parsed with hcl-rs.

use super::artifact::Artifact;
use super::hcl_items::{items, Item};
use super::hcl_scan;
use super::terraform::{evaluate, Mode, Module, Node, Resource, Variable, META};
use super::ReadError;
use crate::verify::model::RuleSet;
use hcl::edit::parser::parse_body;
use std::path::PathBuf;

pub fn read(artifact: &Artifact, files: &[PathBuf]) -> Result<RuleSet, ReadError> {
    let mut module = Module::default();
    for f in files {
        let text = artifact.get(f).unwrap_or("");
        if let Some(offset) = super::hcl_depth::too_deep(text) {
            let line = text[..offset].matches('\n').count() + 1;
            return Err(ReadError::Parse {
                path: f.display().to_string(),
                message: format!(
                    "nests deeper than {} levels at line {line}",
                    super::hcl_depth::MAX_DEPTH
                ),
            });
        }
        let items = match hcl_scan::parse(text) {
            Some(items) => items,
            // hcl-edit's tree, converted here: building hcl-rs's `Body` re-inserts every
            // object key with a linear search, quadratic in a generated module's large maps.
            None => items(&parse_body(text).map_err(|e| ReadError::Parse {
                path: f.display().to_string(),
                message: e.to_string(),
            })?),
        };
        add(&mut module, items, &f.display().to_string());
    }
    evaluate(&module)
}

fn add(module: &mut Module, body: Vec<Item>, file: &str) {
    for item in body {
        let Item::Block {
            ident,
            labels,
            body,
        } = item
        else {
            continue;
        };
        match (ident.as_str(), labels.as_slice()) {
            ("variable", [name]) => module.variables.push(Variable {
                name: name.clone(),
                default: attr(body, "default"),
            }),
            ("locals", []) => {
                for i in body {
                    if let Item::Attribute(key, value) = i {
                        module.locals.push((key, file.to_string(), value));
                    }
                }
            }
            ("resource", [ty, name]) => {
                module
                    .resources
                    .push(resource(Mode::Managed, ty, name, body, file))
            }
            ("data", [ty, name]) => {
                module
                    .resources
                    .push(resource(Mode::Data, ty, name, body, file))
            }
            _ => {}
        }
    }
}

fn attr(body: Vec<Item>, key: &str) -> Option<Node> {
    body.into_iter().find_map(|i| match i {
        Item::Attribute(k, v) if k == key => Some(v),
        _ => None,
    })
}

fn resource(mode: Mode, ty: &str, name: &str, body: Vec<Item>, file: &str) -> Resource {
    let mut for_each = None;
    let mut count = None;
    let mut args = Vec::new();
    for i in body {
        match i {
            Item::Attribute(k, v) if k == "for_each" => for_each = Some(v),
            Item::Attribute(k, v) if k == "count" => count = Some(v),
            other => args.extend(argument(other)),
        }
    }
    Resource {
        mode,
        ty: ty.to_string(),
        name: name.to_string(),
        file: file.to_string(),
        for_each,
        count,
        body: args,
    }
}

/// An argument as a node, a nested block as a map (repeats are listed by the
/// evaluator); meta-arguments dropped.
fn argument(i: Item) -> Option<(String, Node)> {
    match i {
        Item::Attribute(k, v) => (!META.contains(&k.as_str())).then_some((k, v)),
        Item::Block { ident, body, .. } => (!META.contains(&ident.as_str())).then(|| {
            (
                ident,
                Node::Map(body.into_iter().filter_map(argument).collect()),
            )
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::model::{Ident, Proto, SgPeer};
    use std::collections::BTreeMap;

    fn read_text(text: &str) -> RuleSet {
        let mut files = BTreeMap::new();
        files.insert(PathBuf::from("main.tf"), text.to_string());
        read(
            &Artifact::from_files("m", files),
            &[PathBuf::from("main.tf")],
        )
        .unwrap()
    }

    #[test]
    fn for_each_over_locals_with_references() {
        let rs = read_text(
            r#"
variable "subnet_vpn_a_id" { type = string }
variable "name" {
  type    = string
  default = "x"
}
locals {
  acl = "acl-1"
  nacl = {
    "req" = { egress = true, cidr = "10.0.1.0/24", from = 22, to = 22, number = 100 }
    "rep" = { egress = false, cidr = "10.0.1.0/24", from = 1024, to = 65535, number = 100 }
  }
  targets = { ssh = { port = 22 } }
}
resource "aws_security_group" "endpoint" {
  name   = "${var.name}-client-vpn-endpoint"
  vpc_id = "vpc-1"
}
resource "aws_security_group" "target" {
  for_each = local.targets
  name     = "${var.name}-${each.key}"
}
resource "aws_vpc_security_group_ingress_rule" "t" {
  for_each                     = local.targets
  security_group_id            = aws_security_group.target[each.key].id
  ip_protocol                  = "tcp"
  from_port                    = each.value.port
  to_port                      = each.value.port
  referenced_security_group_id = aws_security_group.endpoint.id
}
resource "aws_network_acl_rule" "r" {
  for_each       = local.nacl
  network_acl_id = local.acl
  rule_number    = each.value.number
  egress         = each.value.egress
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = each.value.cidr
  from_port      = each.value.from
  to_port        = each.value.to
}
resource "aws_ec2_client_vpn_network_association" "a" {
  client_vpn_endpoint_id = "cvpn-endpoint-1"
  subnet_id              = var.subnet_vpn_a_id
}
"#,
        );
        assert!(rs.unresolved.is_empty(), "{:?}", rs.unresolved);
        assert_eq!(rs.security_groups.len(), 2);
        assert_eq!(rs.security_groups[1].name.as_deref(), Some("x-ssh"));
        assert_eq!(rs.sg_rules.len(), 1);
        assert_eq!(
            rs.sg_rules[0].group,
            Ident::Resource("aws_security_group.target[\"ssh\"]".into())
        );
        assert_eq!(
            rs.sg_rules[0].peer,
            SgPeer::Group(Ident::Resource("aws_security_group.endpoint".into()))
        );
        assert_eq!(rs.nacl_rules.len(), 2);
        assert_eq!(rs.nacl_rules[0].protocol, Proto::Tcp);
        assert_eq!(
            rs.associations[0].subnet,
            Ident::Input("subnet_vpn_a_id".into())
        );
    }

    #[test]
    fn functions_are_reported_not_guessed() {
        let rs = read_text(
            r#"
resource "aws_ec2_client_vpn_route" "r" {
  client_vpn_endpoint_id = "cvpn-endpoint-1"
  destination_cidr_block = cidrsubnet("10.0.0.0/8", 8, 1)
  target_vpc_subnet_id   = "subnet-1"
}
"#,
        );
        assert!(rs.routes.is_empty());
        assert!(
            rs.unresolved[0].message.contains("not evaluated"),
            "{:?}",
            rs.unresolved
        );
    }
}
