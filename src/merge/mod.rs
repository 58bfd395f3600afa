//! `shibori merge`: a snippet (`render --snippet`) into a host CloudFormation template
//! (docs/snippets.md). What shibori owns in the host is listed in the template's
//! `Metadata` (`shibori: {<intent name>: {resources, outputs, bindings}}`): a merge
//! replaces exactly those entries and refuses to touch any other. YAML hosts are edited
//! line by line, so every host byte outside shibori's entries stays as it was (comments
//! and short-form intrinsics included); JSON hosts are parsed and written back in their
//! key order and indentation.

mod json;
mod parse;
mod snippet;
mod yaml;

use crate::render::snippet::OWNER_KEY;
use serde_json::Value as Json;
use std::collections::BTreeSet;
use std::path::Path;

pub use snippet::Snippet;

#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    #[error("cannot parse {path}: {why}")]
    Parse { path: String, why: String },
    #[error("{path}: {why}")]
    Shape { path: String, why: String },
    #[error("{path}: the snippet's {what} {ids} already exist in the host template and are not shibori's (`{owner}`)\n  help: render the snippet again with a `--prefix` (e.g. `--prefix Cvpn`) so its logical IDs cannot collide")]
    Collision {
        path: String,
        what: &'static str,
        ids: String,
        owner: String,
    },
    #[error("{path}: the snippet refers to {ids}, which the host template does not define\n  help: bind the inputs to resources or parameters of this host (`shibori render --list-inputs`)")]
    Dangling { path: String, ids: String },
    #[error("{path}: the merged template would hold {count} resources; CloudFormation allows {max} per stack\n  help: deploy shibori's whole template as its own stack (`render --format cloudformation`)")]
    TooManyResources {
        path: String,
        count: usize,
        max: usize,
    },
}

/// A template file: its name (for messages), syntax and text.
pub struct Doc<'a> {
    pub path: String,
    pub json: bool,
    pub text: &'a str,
}

impl<'a> Doc<'a> {
    pub fn new(path: &Path, text: &'a str) -> Self {
        let json =
            path.extension().is_some_and(|e| e == "json") || text.trim_start().starts_with('{');
        Doc {
            path: path.display().to_string(),
            json,
            text,
        }
    }

    fn parse(&self) -> Result<Json, MergeError> {
        parse::parse(self.json, self.text).map_err(|why| MergeError::Parse {
            path: self.path.clone(),
            why,
        })
    }

    fn shape(&self, why: impl Into<String>) -> MergeError {
        MergeError::Shape {
            path: self.path.clone(),
            why: why.into(),
        }
    }
}

/// What the host template holds, and what of it an earlier merge of this intent owns.
struct Host {
    resources: BTreeSet<String>,
    parameters: BTreeSet<String>,
    outputs: BTreeSet<String>,
    owned_resources: BTreeSet<String>,
    owned_outputs: BTreeSet<String>,
    /// `Metadata.shibori` as it is, for the other intents' records.
    owner_record: serde_json::Map<String, Json>,
}

fn keys(doc: &Json, section: &str) -> BTreeSet<String> {
    doc.get(section)
        .and_then(Json::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

fn strings(v: Option<&Json>) -> BTreeSet<String> {
    v.and_then(Json::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Json::as_str)
                .map(String::from)
                .collect()
        })
        .unwrap_or_default()
}

impl Host {
    fn read(doc: &Json, name: &str) -> Host {
        let owner_record = doc
            .pointer(&format!("/Metadata/{OWNER_KEY}"))
            .and_then(Json::as_object)
            .cloned()
            .unwrap_or_default();
        let mine = owner_record.get(name);
        Host {
            resources: keys(doc, "Resources"),
            parameters: keys(doc, "Parameters"),
            outputs: keys(doc, "Outputs"),
            owned_resources: strings(mine.and_then(|m| m.get("resources"))),
            owned_outputs: strings(mine.and_then(|m| m.get("outputs"))),
            owner_record,
        }
    }
}

/// The host template with the snippet merged in.
pub fn merge(host: &Doc, snippet_doc: &Doc) -> Result<String, MergeError> {
    let snip = Snippet::read(snippet_doc)?;
    let host_json = host.parse()?;
    if !host_json.get("Resources").is_some_and(Json::is_object) {
        return Err(host.shape("not a CloudFormation template: no `Resources` map"));
    }
    let h = Host::read(&host_json, &snip.name);
    check(host, &h, &snip)?;
    let mut record = h.owner_record.clone();
    record.insert(snip.name.clone(), snip.record.clone());
    if host.json {
        json::merge(host, host_json, &h, &snip, record)
    } else {
        yaml::merge(host, &h, &snip, record)
    }
}

/// Collisions with the host's own entries, references to what the host lacks, the
/// resource quota.
fn check(host: &Doc, h: &Host, snip: &Snippet) -> Result<(), MergeError> {
    let owner = format!("Metadata.{OWNER_KEY}.{}", snip.name);
    let clash = |ids: Vec<&String>, what| {
        if ids.is_empty() {
            return Ok(());
        }
        Err(MergeError::Collision {
            path: host.path.clone(),
            what,
            ids: ids
                .iter()
                .map(|i| format!("`{i}`"))
                .collect::<Vec<_>>()
                .join(", "),
            owner: owner.clone(),
        })
    };
    clash(
        snip.resources
            .iter()
            .map(|(k, _)| k)
            .filter(|k| {
                (h.resources.contains(*k) && !h.owned_resources.contains(*k))
                    || h.parameters.contains(*k)
            })
            .collect(),
        "logical IDs",
    )?;
    clash(
        snip.outputs
            .iter()
            .map(|(k, _)| k)
            .filter(|k| h.outputs.contains(*k) && !h.owned_outputs.contains(*k))
            .collect(),
        "outputs",
    )?;
    let own: BTreeSet<&str> = snip.resources.iter().map(|(k, _)| k.as_str()).collect();
    let dangling: Vec<String> = snip
        .references()
        .into_iter()
        .filter(|r| {
            let host_has = h.parameters.contains(r)
                || (h.resources.contains(r) && !h.owned_resources.contains(r));
            !own.contains(r.as_str()) && !r.starts_with("AWS::") && !host_has
        })
        .map(|r| format!("`{r}`"))
        .collect();
    if !dangling.is_empty() {
        return Err(MergeError::Dangling {
            path: host.path.clone(),
            ids: dangling.join(", "),
        });
    }
    let kept = h.resources.difference(&h.owned_resources).count();
    let count = kept + snip.resources.len();
    let max = crate::render::nested::MAX_RESOURCES;
    if count > max {
        return Err(MergeError::TooManyResources {
            path: host.path.clone(),
            count,
            max,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SNIPPET: &str = "Metadata:
  shibori:
    demo:
      bindings: {VpcId: '!Ref Vpc'}
      resources: [CvpnSg]
      outputs: [CvpnSgId]
Resources:
  CvpnSg:
    Type: AWS::EC2::SecurityGroup
    Properties: {GroupDescription: d, VpcId: {Ref: Vpc}}
Outputs:
  CvpnSgId:
    Value: {Ref: CvpnSg}
";

    fn run(host: &str, snippet: &str) -> Result<String, MergeError> {
        merge(
            &Doc::new(Path::new("host.yaml"), host),
            &Doc::new(Path::new("s.yaml"), snippet),
        )
    }

    #[test]
    fn four_space_host_without_metadata_or_outputs() {
        let host = "# team header\nResources:\n    Vpc:   # ours\n        Type: AWS::EC2::VPC\n        Properties: {CidrBlock: 10.0.0.0/16}\n\n# trailing comment\n";
        let once = run(host, SNIPPET).unwrap_or_default();
        // A comment right above `Resources:` stays with it.
        assert!(once.starts_with("Metadata:\n    shibori:\n"), "{once}");
        assert!(
            once.contains("\n\n# team header\nResources:\n    Vpc:   # ours\n"),
            "{once}"
        );
        assert!(
            once.contains("\n    CvpnSg:\n      Type: AWS::EC2::SecurityGroup\n"),
            "{once}"
        );
        assert!(
            once.contains("\n\n# trailing comment\nOutputs:\n"),
            "{once}"
        );
        // Merging again changes nothing: the same entries are replaced by themselves.
        assert_eq!(run(&once, SNIPPET).unwrap_or_default(), once);
        let parsed = Doc::new(Path::new("m.yaml"), &once).parse().ok();
        assert!(parsed.is_some_and(|p| p.pointer("/Outputs/CvpnSgId").is_some()));
    }

    #[test]
    fn crlf_host_stays_crlf() {
        let host = "Resources:\r\n  Vpc:\r\n    Type: AWS::EC2::VPC\r\n";
        let out = run(host, SNIPPET).unwrap_or_default();
        assert!(out.starts_with("Metadata:\r\n"), "{out:?}");
        assert!(!out.replace("\r\n", "").contains('\n'), "{out:?}");
        assert_eq!(run(&out, SNIPPET).unwrap_or_default(), out);
    }

    #[test]
    fn other_intents_records_are_kept() {
        let host = "Metadata:\n  shibori:\n    other: {resources: [X], outputs: []}\nResources:\n  X: {Type: AWS::SNS::Topic}\n  Vpc: {Type: AWS::EC2::VPC}\n";
        let out = run(host, SNIPPET).unwrap_or_default();
        assert!(out.contains("    other:\n"), "{out}");
        assert!(out.contains("    demo:\n"), "{out}");
        assert!(out.contains("  X: {Type: AWS::SNS::Topic}\n"), "{out}");
    }

    #[test]
    fn flow_style_resources_are_refused() {
        let err = run("Resources: {Vpc: {Type: AWS::EC2::VPC}}\n", SNIPPET).err();
        assert!(err.is_some_and(|e| e.to_string().contains("flow style")));
    }

    #[test]
    fn json_host_keeps_order_and_indent() {
        let host = "{\n    \"Resources\": {\n        \"Vpc\": {\"Type\": \"AWS::EC2::VPC\"},\n        \"Zed\": {\"Type\": \"AWS::SNS::Topic\"}\n    }\n}\n";
        let out = merge(
            &Doc::new(Path::new("h.json"), host),
            &Doc::new(Path::new("s.yaml"), SNIPPET),
        )
        .unwrap_or_default();
        let vpc = out.find("\"Vpc\"").unwrap_or(usize::MAX);
        let zed = out.find("\"Zed\"").unwrap_or(0);
        let sg = out.find("\"CvpnSg\"").unwrap_or(0);
        assert!(vpc < zed && zed < sg, "{out}");
        assert!(out.contains("\n        \"Vpc\": {\n"), "{out}");
        let again = merge(
            &Doc::new(Path::new("h.json"), &out),
            &Doc::new(Path::new("s.yaml"), SNIPPET),
        )
        .unwrap_or_default();
        assert_eq!(again, out);
    }
}
