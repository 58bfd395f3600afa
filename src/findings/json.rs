//! Findings as JSON: each with its rule ID, severity, message, help, locations and
//! fingerprint. Commands embed this list in their own JSON document.

use super::{Finding, Report};
use serde::Serialize;

#[derive(Serialize)]
struct JsonFinding<'a> {
    #[serde(flatten)]
    finding: &'a Finding,
    fingerprint: String,
}

pub fn findings(report: &Report) -> serde_json::Value {
    serde_json::Value::Array(report.findings.iter().map(finding).collect())
}

pub fn finding(f: &Finding) -> serde_json::Value {
    serde_json::to_value(JsonFinding {
        finding: f,
        fingerprint: f.fingerprint(),
    })
    .unwrap_or(serde_json::Value::Null)
}
