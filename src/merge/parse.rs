//! Templates as JSON values for a merge: JSON as is (in key order), YAML with its
//! short-form intrinsics in long form (`!Ref X` → `{"Ref": "X"}`, `!GetAtt A.B` →
//! `{"Fn::GetAtt": ["A", "B"]}`). The merge only reads names from it; YAML hosts are
//! written back from their own lines, never from this value.

use serde_json::{Map, Value as Json};
use serde_yaml::Value as Yaml;

pub fn parse(json: bool, text: &str) -> Result<Json, String> {
    if json {
        return serde_json::from_str(text).map_err(|e| e.to_string());
    }
    let doc: Yaml = serde_yaml::from_str(text).map_err(|e| e.to_string())?;
    Ok(to_json(doc))
}

fn to_json(y: Yaml) -> Json {
    match y {
        Yaml::Null => Json::Null,
        Yaml::Bool(b) => Json::Bool(b),
        Yaml::Number(n) => n
            .as_i64()
            .map(Json::from)
            .or_else(|| n.as_u64().map(Json::from))
            .or_else(|| {
                n.as_f64()
                    .and_then(serde_json::Number::from_f64)
                    .map(Json::Number)
            })
            .unwrap_or(Json::Null),
        Yaml::String(s) => Json::String(s),
        Yaml::Sequence(v) => Json::Array(v.into_iter().map(to_json).collect()),
        Yaml::Mapping(m) => Json::Object(
            m.into_iter()
                .map(|(k, v)| {
                    let key = match to_json(k) {
                        Json::String(s) => s,
                        other => other.to_string(),
                    };
                    (key, to_json(v))
                })
                .collect(),
        ),
        Yaml::Tagged(t) => {
            let tag = t.tag.to_string();
            let name = tag.trim_start_matches('!');
            let value = to_json(t.value);
            let (key, value) = match (name, value) {
                ("Ref" | "Condition", v) => (name.to_string(), v),
                ("GetAtt", Json::String(s)) => match s.split_once('.') {
                    Some((a, b)) => ("Fn::GetAtt".to_string(), Json::from(vec![a, b])),
                    None => ("Fn::GetAtt".to_string(), Json::String(s)),
                },
                (other, v) => (format!("Fn::{other}"), v),
            };
            let mut m = Map::new();
            m.insert(key, value);
            Json::Object(m)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_forms_become_long_forms() {
        let j = parse(
            false,
            "A: !Ref X\nB: !GetAtt S.GroupId\nC: !Sub '${X}-y'\nD: !Select [0, !GetAZs '']\n",
        )
        .unwrap_or_default();
        assert_eq!(j["A"]["Ref"], "X");
        assert_eq!(j["B"]["Fn::GetAtt"][1], "GroupId");
        assert_eq!(j["C"]["Fn::Sub"], "${X}-y");
        assert_eq!(j["D"]["Fn::Select"][1]["Fn::GetAZs"], "");
    }
}
