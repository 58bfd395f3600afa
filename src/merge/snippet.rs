//! The snippet side of a merge: its intent name, its record for the host's `Metadata`,
//! and its resources and outputs in order.

use super::{Doc, MergeError};
use crate::render::snippet::OWNER_KEY;
use serde_json::Value as Json;
use std::collections::BTreeSet;

pub struct Snippet {
    pub name: String,
    /// `Metadata.shibori.<name>` of the snippet: prefix, bindings, resources, outputs.
    pub record: Json,
    pub resources: Vec<(String, Json)>,
    pub outputs: Vec<(String, Json)>,
}

fn entries(doc: &Json, section: &str) -> Vec<(String, Json)> {
    doc.get(section)
        .and_then(Json::as_object)
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default()
}

impl Snippet {
    pub fn read(doc: &Doc) -> Result<Snippet, MergeError> {
        let json = doc.parse()?;
        let not_snippet = || {
            doc.shape(format!(
                "not a shibori snippet: no `Metadata.{OWNER_KEY}` record with exactly one intent (write one with `shibori render --snippet`)"
            ))
        };
        let records = json
            .pointer(&format!("/Metadata/{OWNER_KEY}"))
            .and_then(Json::as_object)
            .ok_or_else(not_snippet)?;
        let (name, record) = match records.iter().next() {
            Some((n, r)) if records.len() == 1 && r.is_object() => (n.clone(), r.clone()),
            _ => return Err(not_snippet()),
        };
        if json.get("Parameters").is_some() {
            return Err(doc.shape(
                "a snippet has no `Parameters` (this looks like a whole template: render it with `--snippet`)",
            ));
        }
        let resources = entries(&json, "Resources");
        if resources.is_empty() {
            return Err(doc.shape("the snippet has no resources"));
        }
        let outputs = entries(&json, "Outputs");
        // The record must describe the snippet itself, or a later merge would remove
        // the wrong entries.
        let listed = |k: &str| -> Vec<String> {
            record
                .get(k)
                .and_then(Json::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Json::as_str)
                        .map(String::from)
                        .collect()
                })
                .unwrap_or_default()
        };
        let names =
            |v: &[(String, Json)]| -> Vec<String> { v.iter().map(|(k, _)| k.clone()).collect() };
        if listed("resources") != names(&resources) || listed("outputs") != names(&outputs) {
            return Err(doc.shape(format!(
                "`Metadata.{OWNER_KEY}.{name}` does not list the snippet's resources and outputs (was the snippet edited by hand?)"
            )));
        }
        Ok(Snippet {
            name,
            record,
            resources,
            outputs,
        })
    }

    /// Every logical ID the snippet's resources and outputs refer to (`Ref`, `Fn::GetAtt`,
    /// `DependsOn`).
    pub fn references(&self) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        for (_, v) in self.resources.iter().chain(&self.outputs) {
            collect(v, &mut out);
        }
        out
    }
}

fn collect(v: &Json, out: &mut BTreeSet<String>) {
    match v {
        Json::Object(m) => {
            for (k, x) in m {
                match (k.as_str(), x) {
                    ("Ref" | "DependsOn", Json::String(id)) => {
                        out.insert(id.clone());
                    }
                    ("DependsOn", Json::Array(ids)) => {
                        out.extend(ids.iter().filter_map(Json::as_str).map(String::from));
                    }
                    ("Fn::GetAtt", Json::Array(a)) => {
                        if let Some(id) = a.first().and_then(Json::as_str) {
                            out.insert(id.to_string());
                        }
                    }
                    ("Fn::GetAtt", Json::String(s)) => {
                        if let Some((id, _)) = s.split_once('.') {
                            out.insert(id.to_string());
                        }
                    }
                    _ => collect(x, out),
                }
            }
        }
        Json::Array(a) => a.iter().for_each(|x| collect(x, out)),
        _ => {}
    }
}
