//! The JSON Schema (draft 2020-12) of the intent file, derived from the serde types in
//! `file.rs`, which are also what the parser deserializes into: one definition, so the
//! schema cannot drift from what `shibori` accepts.

use super::file::IntentFile;
use serde_json::{Map, Value};

/// Identifies this schema; a URN because the schema ships inside the binary
/// (`shibori schema`), not at a web address.
pub const SCHEMA_ID: &str = "urn:shibori:intent-file:v1";

/// The schema as a JSON value, with `$schema` first, then `$id` and `title`.
pub fn intent_schema() -> Value {
    let generated = schemars::generate::SchemaSettings::draft2020_12()
        .into_generator()
        .into_root_schema_for::<IntentFile>();
    let fields = match generated.to_value() {
        Value::Object(fields) => fields,
        // schemars always produces an object for a struct; keep whatever came out.
        other => return other,
    };
    let mut out = Map::new();
    if let Some(dialect) = fields.get("$schema") {
        out.insert("$schema".into(), dialect.clone());
    }
    out.insert("$id".into(), Value::String(SCHEMA_ID.into()));
    out.insert("title".into(), Value::String("shibori intent file".into()));
    for (k, v) in fields {
        if !out.contains_key(&k) {
            out.insert(k, v);
        }
    }
    let mut schema = Value::Object(out);
    tidy(&mut schema);
    schema
}

/// Doc comments are wrapped at 90 columns; editors show descriptions as flowing text,
/// so single line breaks become spaces (paragraph breaks stay). schemars marks `u32`
/// with a lower bound only; the parser also rejects values above `u32::MAX`.
fn tidy(v: &mut Value) {
    match v {
        Value::Object(map) => {
            if map.get("format").and_then(Value::as_str) == Some("uint32") {
                map.entry("maximum").or_insert(Value::from(u32::MAX));
            }
            for (k, child) in map.iter_mut() {
                match child {
                    Value::String(s) if k == "description" => {
                        *s = s
                            .split("\n\n")
                            .map(|p| p.split('\n').map(str::trim).collect::<Vec<_>>().join(" "))
                            .collect::<Vec<_>>()
                            .join("\n\n");
                    }
                    _ => tidy(child),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(tidy),
        _ => {}
    }
}
