//! A Terraform module directory as Terraform loads it: every `.tf` and `.tf.json` file of
//! the top folder, then the override files (`override.tf`, `*_override.tf`, and their
//! `.tf.json` twins) in lexical order, merged into the blocks they name: an argument of
//! the override replaces the original's, and a nested block type replaces every block of
//! that type. What cannot be merged faithfully is unresolved, never dropped. Variable
//! values files that Terraform loads by itself from the directory (`terraform.tfvars`,
//! `*.auto.tfvars`, and their `.json` twins) set the variables, in Terraform's order.

use super::artifact::Artifact;
use super::terraform::{evaluate, Module, Node, DYNAMIC};
use super::{terraform_hcl, terraform_json, ReadError};
use crate::verify::model::{Origin, RuleSet, Unresolved};
use std::path::{Path, PathBuf};

/// Reads the module's files (`.tf` and `.tf.json` alike) and evaluates them.
pub fn read(artifact: &Artifact, files: &[PathBuf]) -> Result<RuleSet, ReadError> {
    let mut module = Module::default();
    let (tfvars, files): (Vec<&PathBuf>, Vec<&PathBuf>) = files.iter().partition(|f| is_tfvars(f));
    let (overrides, plain): (Vec<&PathBuf>, Vec<&PathBuf>) =
        files.into_iter().partition(|f| is_override(f));
    for f in plain {
        add_file(&mut module, artifact, f)?;
    }
    let mut overrides = overrides;
    overrides.sort_by_key(|f| f.file_name().map(|n| n.to_os_string()));
    for f in overrides {
        let mut ov = Module::default();
        add_file(&mut ov, artifact, f)?;
        merge(&mut module, ov, &f.display().to_string());
    }
    let mut tfvars = tfvars;
    tfvars.sort_by_key(|f| {
        let name = file_name(f);
        (name.contains(".auto."), name)
    });
    for f in tfvars {
        let path = f.display().to_string();
        let text = artifact.get(f).unwrap_or("");
        let values = if path.ends_with(".json") {
            terraform_json::assignments(&path, text)?
        } else {
            terraform_hcl::assignments(&path, text)?
        };
        for (name, value) in values {
            if let Some(v) = module.variables.iter_mut().find(|v| v.name == name) {
                v.default = Some(value);
            }
        }
    }
    evaluate(&module)
}

fn file_name(f: &Path) -> String {
    f.file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default()
}

/// The variable values files Terraform loads without being asked.
pub fn is_tfvars(f: &Path) -> bool {
    let name = file_name(f);
    ["terraform.tfvars", "terraform.tfvars.json"].contains(&name.as_str())
        || name.ends_with(".auto.tfvars")
        || name.ends_with(".auto.tfvars.json")
}

fn add_file(module: &mut Module, artifact: &Artifact, f: &Path) -> Result<(), ReadError> {
    let path = f.display().to_string();
    let text = artifact.get(f).unwrap_or("");
    if path.ends_with(".tf.json") {
        terraform_json::add_file(module, &path, text)
    } else {
        terraform_hcl::add_file(module, &path, text)
    }
}

/// Terraform's override file names.
pub fn is_override(f: &Path) -> bool {
    let name = file_name(f);
    ["override.tf", "override.tf.json"].contains(&name.as_str())
        || name.ends_with("_override.tf")
        || name.ends_with("_override.tf.json")
}

fn unresolved(file: &str, what: String, message: String) -> Unresolved {
    Unresolved {
        origin: Origin {
            file: file.to_string(),
            resource: what,
        },
        message,
    }
}

/// Merges one override file into the module, block by block.
fn merge(module: &mut Module, ov: Module, file: &str) {
    module.unread.extend(ov.unread);
    for v in ov.variables {
        match module.variables.iter_mut().find(|x| x.name == v.name) {
            Some(base) => {
                if v.default.is_some() {
                    base.default = v.default;
                }
            }
            None => module.unread.push(unresolved(
                file,
                format!("var.{}", v.name),
                "an override of a variable that is not declared (Terraform rejects it)".into(),
            )),
        }
    }
    for (name, f, node) in ov.locals {
        match module.locals.iter_mut().find(|(n, _, _)| *n == name) {
            Some(base) => *base = (name, f, node),
            None => module.unread.push(unresolved(
                file,
                format!("local.{name}"),
                "an override of a local value that is not defined (Terraform rejects it)".into(),
            )),
        }
    }
    for r in ov.resources {
        let what = match r.mode {
            super::terraform::Mode::Managed => format!("{}.{}", r.ty, r.name),
            super::terraform::Mode::Data => format!("data.{}.{}", r.ty, r.name),
        };
        let Some(base) = module
            .resources
            .iter_mut()
            .find(|b| b.mode == r.mode && b.ty == r.ty && b.name == r.name)
        else {
            module.unread.push(unresolved(
                file,
                what,
                "an override of a resource that is not declared (Terraform rejects it)".into(),
            ));
            continue;
        };
        if touches_dynamic(&base.body, &r.body) {
            module.unread.push(unresolved(
                file,
                what,
                "an override involving `dynamic` blocks is not merged by verify".into(),
            ));
            continue;
        }
        if r.for_each.is_some() || r.count.is_some() {
            base.for_each = r.for_each;
            base.count = r.count;
        }
        let keys: Vec<String> = r.body.iter().map(|(k, _)| k.clone()).collect();
        base.body.retain(|(k, _)| !keys.contains(k));
        base.body.extend(r.body);
    }
}

/// Does the override replace blocks that a `dynamic` block generates, or add one?
fn touches_dynamic(base: &[(String, Node)], ov: &[(String, Node)]) -> bool {
    if ov.iter().any(|(k, _)| k == DYNAMIC) {
        return true;
    }
    base.iter().any(|(k, n)| {
        k == DYNAMIC
            && match n {
                Node::Map(labels) => labels
                    .iter()
                    .any(|(label, _)| ov.iter().any(|(k, _)| k == label)),
                _ => true,
            }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::model::Proto;
    use std::collections::BTreeMap;

    fn module(files: &[(&str, &str)]) -> RuleSet {
        let map: BTreeMap<PathBuf, String> = files
            .iter()
            .map(|(p, t)| (PathBuf::from(p), t.to_string()))
            .collect();
        let paths: Vec<PathBuf> = map.keys().cloned().collect();
        read(&Artifact::from_files("m", map), &paths).unwrap()
    }

    const BASE: &str = r#"
resource "aws_network_acl_rule" "r" {
  network_acl_id = "acl-1"
  rule_number    = 100
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.1.0/24"
  from_port      = 22
  to_port        = 22
}
"#;

    #[test]
    fn override_replaces_arguments_last() {
        let rs = module(&[
            (
                "a_override.tf",
                "resource \"aws_network_acl_rule\" \"r\" {\n  protocol = \"-1\"\n}\n",
            ),
            ("main.tf", BASE),
        ]);
        assert!(rs.unresolved.is_empty(), "{:?}", rs.unresolved);
        assert_eq!(rs.nacl_rules.len(), 1);
        assert_eq!(rs.nacl_rules[0].protocol, Proto::All);
        assert_eq!(rs.nacl_rules[0].cidr.to_string(), "10.0.1.0/24");
    }

    #[test]
    fn json_beside_hcl_is_read_and_overrides_in_json_merge() {
        let rs = module(&[
            ("main.tf", BASE),
            (
                "extra.tf.json",
                r#"{"resource": {"aws_network_acl_rule": {"x": {"network_acl_id": "acl-1",
                  "rule_number": 90, "egress": false, "protocol": "-1", "rule_action": "allow",
                  "cidr_block": "0.0.0.0/0"}}}}"#,
            ),
            (
                "override.tf.json",
                r#"{"resource": {"aws_network_acl_rule": {"r": {"cidr_block": "0.0.0.0/0"}}}}"#,
            ),
        ]);
        assert!(rs.unresolved.is_empty(), "{:?}", rs.unresolved);
        assert_eq!(rs.nacl_rules.len(), 2);
        assert!(rs.nacl_rules.iter().all(|r| r.cidr.prefix_len() == 0));
    }

    #[test]
    fn unmergeable_overrides_and_duplicates_are_unresolved() {
        let rs = module(&[
            ("main.tf", BASE),
            ("dup.tf", BASE),
            (
                "x_override.tf",
                "resource \"aws_network_acl_rule\" \"nope\" {\n  protocol = \"-1\"\n}\n",
            ),
        ]);
        let text = format!("{:?}", rs.unresolved);
        assert!(text.contains("more than once"), "{text}");
        assert!(text.contains("not declared"), "{text}");
    }
}
