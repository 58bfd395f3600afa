//! SARIF 2.1.0, what GitHub code scanning and most CI viewers ingest. The rule catalogue
//! goes into `tool.driver.rules`; each finding becomes a result with its rule, level,
//! message, locations (file URIs relative to the working directory, under `%SRCROOT%`)
//! and a `partialFingerprints` entry that hashes the rule and what the finding is about,
//! never its line, so that a finding keeps its identity when the file around it moves.

use super::{Finding, Location, Report, Rule, Severity};
use serde_json::{json, Map, Value};
use std::path::{Component, Path};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// The key of our fingerprint in `partialFingerprints`; versioned so that a change of
/// what is hashed does not collide with the old values.
pub const FINGERPRINT_KEY: &str = "shibori/v1";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn rule(r: Rule) -> Value {
    let mut v = json!({
        "id": r.id(),
        "name": r.name(),
        "shortDescription": { "text": r.description() },
        "help": { "text": format!("See docs/findings.md, section {}.", r.id()) },
        "defaultConfiguration": { "level": level(r.default_severity()) },
    });
    if let (Some(uri), Some(o)) = (r.help_uri(), v.as_object_mut()) {
        o.insert("helpUri".into(), Value::String(uri));
    }
    v
}

/// A path as a URI reference relative to the working directory when it lies below it
/// (`%SRCROOT%` is the directory the tool ran in), else an absolute `file:` URI.
pub fn uri(file: &str) -> (String, bool) {
    let path = Path::new(file);
    let relative = if path.is_absolute() {
        std::env::current_dir()
            .ok()
            .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf))
    } else {
        Some(path.to_path_buf())
    };
    match relative {
        Some(rel) => {
            let parts: Vec<String> = rel
                .components()
                .filter_map(|c| match c {
                    Component::Normal(s) => Some(encode(&s.to_string_lossy())),
                    Component::ParentDir => Some("..".to_string()),
                    _ => None,
                })
                .collect();
            (parts.join("/"), true)
        }
        None => (format!("file://{}", encode(&path.to_string_lossy())), false),
    }
}

/// Percent-encodes what may not appear in a URI path.
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn physical(file: &str, line: Option<usize>, column: Option<usize>) -> Value {
    let (uri, relative) = uri(file);
    let mut artifact = Map::new();
    artifact.insert("uri".into(), Value::String(uri));
    if relative {
        artifact.insert("uriBaseId".into(), Value::String("%SRCROOT%".into()));
    }
    let mut p = Map::new();
    p.insert("artifactLocation".into(), Value::Object(artifact));
    if let Some(line) = line {
        let mut region = Map::new();
        region.insert("startLine".into(), json!(line));
        if let Some(c) = column {
            region.insert("startColumn".into(), json!(c));
        }
        p.insert("region".into(), Value::Object(region));
    }
    Value::Object(p)
}

fn location(l: &Location) -> Value {
    let mut v = Map::new();
    match l {
        Location::Intent {
            file, path, start, ..
        } => {
            if file != "<stdin>" {
                v.insert(
                    "physicalLocation".into(),
                    physical(file, start.map(|s| s.line), start.map(|s| s.column)),
                );
            }
            if !path.is_empty() {
                v.insert(
                    "logicalLocations".into(),
                    json!([{ "fullyQualifiedName": path, "kind": "property" }]),
                );
            }
        }
        Location::Artifact {
            file,
            resource,
            line,
            on_disk,
        } => {
            if *on_disk {
                v.insert("physicalLocation".into(), physical(file, *line, None));
            }
            v.insert(
                "logicalLocations".into(),
                json!([{ "name": resource, "fullyQualifiedName": format!("{file}#{resource}"), "kind": "resource" }]),
            );
        }
        Location::File { file } => {
            v.insert("physicalLocation".into(), physical(file, None, None));
        }
    }
    Value::Object(v)
}

fn result(f: &Finding) -> Value {
    let index = Rule::ALL.iter().position(|r| *r == f.rule).unwrap_or(0);
    let text = match &f.help {
        Some(h) => format!("{}\nhelp: {h}", super::text::title(f)),
        None => super::text::title(f),
    };
    json!({
        "ruleId": f.rule.id(),
        "ruleIndex": index,
        "level": level(f.severity),
        "message": { "text": text },
        "locations": f.locations.iter().map(location).collect::<Vec<_>>(),
        "partialFingerprints": { FINGERPRINT_KEY: f.fingerprint() },
    })
}

/// The SARIF log of one run, pretty-printed.
pub fn render(report: &Report) -> String {
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "shibori",
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": Rule::ALL.iter().map(|r| rule(*r)).collect::<Vec<_>>(),
            }},
            "automationDetails": { "id": format!("shibori/{}/", report.command.replace(' ', "-")) },
            "columnKind": "unicodeCodePoints",
            "results": report.findings.iter().map(result).collect::<Vec<_>>(),
        }],
    });
    let mut s = serde_json::to_string_pretty(&log).unwrap_or_default();
    s.push('\n');
    s
}
