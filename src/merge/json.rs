//! JSON hosts: parsed in key order (serde_json `preserve_order`), edited, and written
//! back with the host's indentation.

use super::{Doc, Host, MergeError, Snippet};
use crate::render::snippet::OWNER_KEY;
use serde::Serialize as _;
use serde_json::{Map, Value as Json};

/// The indentation of the host's first indented line (2 if none).
fn indent_of(text: &str) -> usize {
    text.lines()
        .skip(1)
        .map(|l| l.len() - l.trim_start_matches(' ').len())
        .find(|&n| n > 0)
        .unwrap_or(2)
}

fn section<'j>(
    host: &Doc,
    doc: &'j mut Map<String, Json>,
    name: &str,
) -> Result<&'j mut Map<String, Json>, MergeError> {
    doc.entry(name.to_string())
        .or_insert_with(|| Json::Object(Map::new()))
        .as_object_mut()
        .ok_or_else(|| host.shape(format!("`{name}` is not a map")))
}

pub fn merge(
    host: &Doc,
    doc: Json,
    h: &Host,
    snip: &Snippet,
    record: Map<String, Json>,
) -> Result<String, MergeError> {
    let Json::Object(mut doc) = doc else {
        return Err(host.shape("not a CloudFormation template: not a JSON object"));
    };
    {
        let resources = section(host, &mut doc, "Resources")?;
        for id in &h.owned_resources {
            resources.shift_remove(id);
        }
        for (k, v) in &snip.resources {
            resources.insert(k.clone(), v.clone());
        }
    }
    if !snip.outputs.is_empty() || doc.contains_key("Outputs") {
        let outputs = section(host, &mut doc, "Outputs")?;
        for id in &h.owned_outputs {
            outputs.shift_remove(id);
        }
        for (k, v) in &snip.outputs {
            outputs.insert(k.clone(), v.clone());
        }
    }
    section(host, &mut doc, "Metadata")?.insert(OWNER_KEY.to_string(), Json::Object(record));
    let indent = " ".repeat(indent_of(host.text));
    let mut buf = Vec::with_capacity(host.text.len() * 2);
    let fmt = serde_json::ser::PrettyFormatter::with_indent(indent.as_bytes());
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, fmt);
    Json::Object(doc)
        .serialize(&mut ser)
        .map_err(|e| host.shape(e.to_string()))?;
    let mut text = String::from_utf8(buf).map_err(|e| host.shape(e.to_string()))?;
    if host.text.ends_with('\n') {
        text.push('\n');
    }
    Ok(text)
}
