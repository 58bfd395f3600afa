//! serde's type errors in the words of the intent file.
//!
//! serde says "invalid type: integer `5`, expected struct VpcFile": Rust's names for the
//! types the parser deserializes into (`struct VpcFile`, `u32`, serde_yaml's "a YAML tag
//! starting with '!'" for an enum). A user wrote YAML or JSON, so the message says what
//! the file needs there and what it holds: "expected a mapping, found the number 5".
//! Enum values are listed from the schema (`schema.rs`), which derives from the same
//! types as the parser. Messages of any other shape pass through unchanged.

use serde_json::Value;

/// `message` (serde's, position already stripped) in the file's words, for the value at
/// `path` (serde_path_to_error's syntax: `targets[0].ports`).
pub fn user_words(message: &str, path: &str) -> String {
    let Some((kind, rest)) = message
        .strip_prefix("invalid type: ")
        .map(|r| ("type", r))
        .or_else(|| {
            message
                .strip_prefix("invalid value: ")
                .map(|r| ("value", r))
        })
    else {
        return message.to_string();
    };
    let Some((found, expected)) = rest.split_once(", expected ") else {
        return message.to_string();
    };
    let expected = expected_words(expected, path);
    let found = found_words(found);
    match kind {
        "value" => format!("{found} is out of range: expected {expected}"),
        _ => format!("expected {expected}, found {found}"),
    }
}

/// serde's `Unexpected` as the file shows it.
fn found_words(found: &str) -> String {
    let quoted = |prefix: &str| {
        found
            .strip_prefix(prefix)
            .map(|v| v.trim_matches('`').to_string())
    };
    if let Some(n) = quoted("integer ").or_else(|| quoted("floating point ")) {
        return format!("the number {n}");
    }
    if let Some(b) = quoted("boolean ") {
        return format!("`{b}`");
    }
    if let Some(s) = found.strip_prefix("string ") {
        return format!("the text {s}");
    }
    match found {
        "sequence" => "a list".into(),
        "map" => "a mapping".into(),
        "unit value" => "an empty value".into(),
        other => other.into(),
    }
}

/// serde's "expected …" (a Rust type or a visitor's own words) as the file needs it.
fn expected_words(expected: &str, path: &str) -> String {
    let whole = |max: u64| format!("a whole number from 0 to {max}");
    match expected {
        "u8" => whole(u8::MAX.into()),
        "u16" => whole(u16::MAX.into()),
        "u32" => whole(u32::MAX.into()),
        "u64" | "usize" => whole(u64::MAX),
        "i8" | "i16" | "i32" | "i64" | "isize" => "a whole number".into(),
        "f32" | "f64" => "a number".into(),
        "a boolean" => "`true` or `false`".into(),
        "a sequence" => "a list".into(),
        "a borrowed string" | "a string" | "a character" => "a string".into(),
        "a YAML tag starting with '!'" => enum_values(path)
            .map(|v| format!("one of {v}"))
            .unwrap_or_else(|| "one of the names `shibori schema` lists".into()),
        e if e.starts_with("struct ") => match section(path) {
            Some(name) => format!("a mapping with the keys of `{name}`"),
            None => "a mapping".into(),
        },
        e if e.starts_with("enum ") => enum_values(path)
            .map(|v| format!("one of {v}"))
            .unwrap_or_else(|| "one of the names `shibori schema` lists".into()),
        other => other.into(),
    }
}

/// The last key of a path (`endpoint.connection_log` → `connection_log`), without indexes.
fn section(path: &str) -> Option<&str> {
    let last = path.rsplit('.').next()?;
    let name = last.split('[').next()?;
    (!name.is_empty()).then_some(name)
}

/// The values the schema allows at `path`, when it is an enumeration: "`a`, `b` or `c`".
fn enum_values(path: &str) -> Option<String> {
    let schema = super::schema::intent_schema();
    let node = at_path(&schema, &schema, path)?;
    let node = follow(&schema, node);
    let values: Vec<String> = match (node.get("oneOf"), node.get("enum")) {
        (Some(Value::Array(items)), _) => items
            .iter()
            .filter_map(|i| i.get("const").and_then(Value::as_str))
            .map(|s| format!("`{s}`"))
            .collect(),
        (_, Some(Value::Array(items))) => items
            .iter()
            .filter_map(Value::as_str)
            .map(|s| format!("`{s}`"))
            .collect(),
        _ => return None,
    };
    match values.as_slice() {
        [] => None,
        [one] => Some(one.clone()),
        [init @ .., last] => Some(format!("{} or {last}", init.join(", "))),
    }
}

/// A `$ref` resolved within the same schema.
fn follow<'a>(root: &'a Value, node: &'a Value) -> &'a Value {
    match node
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#"))
        .and_then(|p| root.pointer(p))
    {
        Some(target) => target,
        None => node,
    }
}

/// The schema of the value at `path`: keys through `properties` (or a map's
/// `additionalProperties`), `[n]` through `items`.
fn at_path<'a>(root: &'a Value, mut node: &'a Value, path: &str) -> Option<&'a Value> {
    for segment in path.split('.').filter(|s| !s.is_empty()) {
        let mut parts = segment.split('[');
        let key = parts.next().unwrap_or("");
        if !key.is_empty() {
            node = follow(root, node);
            node = match node.get("properties").and_then(|p| p.get(key)) {
                Some(n) => n,
                None => node.get("additionalProperties")?,
            };
        }
        for _index in parts {
            node = follow(root, node).get("items")?;
        }
    }
    Some(node)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rust_type_names_become_the_files_words() {
        let cases = [
            (
                "invalid type: integer `5`, expected struct VpcFile",
                "vpc",
                "expected a mapping with the keys of `vpc`, found the number 5",
            ),
            (
                "invalid type: string \"1\", expected u32",
                "version",
                "expected a whole number from 0 to 4294967295, found the text \"1\"",
            ),
            (
                "invalid type: sequence, expected a YAML tag starting with '!'",
                "endpoint.authentication",
                "expected one of `certificate`, `active-directory` or `saml`, found a list",
            ),
            (
                "invalid type: string \"yes please\", expected a boolean",
                "endpoint.split_tunnel",
                "expected `true` or `false`, found the text \"yes please\"",
            ),
            (
                "invalid type: map, expected a sequence",
                "targets",
                "expected a list, found a mapping",
            ),
            (
                "invalid value: integer `70000`, expected u16",
                "endpoint.vpn_port",
                "the number 70000 is out of range: expected a whole number from 0 to 65535",
            ),
            (
                "unknown field `prots`, expected one of `name`",
                "targets[0].prots",
                "unknown field `prots`, expected one of `name`",
            ),
        ];
        for (serde, path, want) in cases {
            assert_eq!(user_words(serde, path), want, "{serde}");
        }
    }

    #[test]
    fn enum_values_are_found_through_lists_and_maps() {
        assert!(enum_values("endpoint.transport").is_some());
        assert_eq!(enum_values("targets[3].name"), None);
        assert_eq!(enum_values("subnets.vpn-a.cidr"), None);
        assert_eq!(enum_values("no.such.path"), None);
    }
}
