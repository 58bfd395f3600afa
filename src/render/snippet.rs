//! `render --snippet`: the CloudFormation template as a snippet for an existing stack
//! (docs/snippets.md). No `Parameters`: every input of the plan is bound to something the
//! host template has (`!Ref`, `!GetAtt`) or to a literal value; logical IDs may carry a
//! prefix; the template `Metadata` records which resources and outputs shibori owns and
//! how its inputs were bound, so that `shibori merge` can replace exactly them and
//! `verify` can tell the host's resources from shibori's.

use super::tree::{Key, Node};
use crate::plan::{InputKind, Plan};
use std::borrow::Cow;
use std::collections::BTreeMap;

/// What one input is bound to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Bound {
    /// `!Ref LogicalId`: a resource or parameter of the host template.
    Ref(String),
    /// `!GetAtt LogicalId.Attribute`.
    GetAtt(String, String),
    /// A literal value (an ID or ARN).
    Value(String),
}

impl Bound {
    /// `!Ref X`, `!GetAtt X.Y`, or the value itself: the spelling of `--bind`, of a
    /// bindings file, and of the bindings recorded in the template `Metadata`.
    pub fn parse(text: &str) -> Result<Bound, String> {
        let text = text.trim();
        let logical = |s: &str| {
            !s.is_empty() && s.len() <= 255 && s.bytes().all(|b| b.is_ascii_alphanumeric())
        };
        if let Some(id) = text.strip_prefix("!Ref") {
            let id = id.trim();
            // Pseudo parameters (`AWS::Region`) are not IDs of anything the intent names.
            return if logical(id) {
                Ok(Bound::Ref(id.to_string()))
            } else {
                Err(format!(
                    "`!Ref {id}`: a logical ID is letters and digits only"
                ))
            };
        }
        if let Some(rest) = text.strip_prefix("!GetAtt") {
            let rest = rest.trim();
            return match rest.split_once('.') {
                Some((id, attr)) if logical(id) && !attr.is_empty() => {
                    Ok(Bound::GetAtt(id.to_string(), attr.to_string()))
                }
                _ => Err(format!(
                    "`!GetAtt {rest}`: expected `!GetAtt LogicalId.Attribute`"
                )),
            };
        }
        if text.starts_with('!') {
            return Err(format!(
                "`{text}`: only `!Ref` and `!GetAtt` bind an input (or a literal value)"
            ));
        }
        if text.is_empty() {
            return Err("empty value".to_string());
        }
        Ok(Bound::Value(text.to_string()))
    }

    /// The spelling `parse` reads.
    pub fn text(&self) -> String {
        match self {
            Bound::Ref(id) => format!("!Ref {id}"),
            Bound::GetAtt(id, attr) => format!("!GetAtt {id}.{attr}"),
            Bound::Value(v) => v.clone(),
        }
    }

    fn node(&self) -> Node<'static> {
        match self {
            Bound::Ref(id) => Node::Ref(Cow::Owned(id.clone())),
            Bound::GetAtt(id, attr) => {
                Node::GetAtt(Cow::Owned(id.clone()), Cow::Owned(attr.clone()))
            }
            Bound::Value(v) => Node::Str(Cow::Owned(v.clone())),
        }
    }
}

/// The options of snippet mode: bindings by input name (CloudFormation parameter name
/// or the snake-case input name) and the logical-ID prefix.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub bindings: BTreeMap<String, Bound>,
    pub prefix: String,
}

#[derive(Debug, thiserror::Error)]
pub enum SnippetError {
    #[error("invalid binding `{given}`: {why}\n  help: write `NAME=!Ref LogicalId`, `NAME=!GetAtt LogicalId.Attribute` or `NAME=value`")]
    Syntax { given: String, why: String },
    #[error("cannot read the bindings file {path}: {why}")]
    File { path: String, why: String },
    #[error("{count} input(s) of the intent are not bound: {names}\n{listing}  help: bind each with `--bind NAME=!Ref LogicalId` (or `!GetAtt LogicalId.Attr`, or a literal value), or in a `--bind-file`")]
    Unbound {
        count: usize,
        names: String,
        listing: String,
    },
    #[error("`{name}` is not an input of this intent\n{listing}")]
    Unknown { name: String, listing: String },
    #[error("`{a}` and `{b}` are both bound to `{to}`, but the intent describes two different objects\n  help: bind each to its own subnet or ACL of the host; subnets that share one ACL need its ID in the intent (`network_acl:`)")]
    SameObject { a: String, b: String, to: String },
    #[error(
        "invalid prefix `{0}`: logical IDs are letters and digits only, starting with a letter"
    )]
    Prefix(String),
    #[error("the plan exceeds CloudFormation's per-template limits ({0}); a snippet must fit in the host template: render whole templates (nested stacks) instead")]
    TooLarge(String),
}

/// Reads `NAME=BINDING`.
pub fn parse_bind(arg: &str) -> Result<(String, Bound), SnippetError> {
    let err = |why: String| SnippetError::Syntax {
        given: arg.to_string(),
        why,
    };
    let (name, value) = arg
        .split_once('=')
        .ok_or_else(|| err("no `=`".to_string()))?;
    let name = name.trim();
    if name.is_empty() {
        return Err(err("no input name before `=`".to_string()));
    }
    Ok((name.to_string(), Bound::parse(value).map_err(err)?))
}

/// Reads a bindings file: a YAML (or JSON) map from input name to `!Ref X`,
/// `!GetAtt X.Y` (short-form tags or quoted strings) or a literal value.
pub fn parse_bind_file(path: &str, text: &str) -> Result<Vec<(String, Bound)>, SnippetError> {
    use serde_yaml::Value as Y;
    let err = |why: String| SnippetError::File {
        path: path.to_string(),
        why,
    };
    let doc: Y = serde_yaml::from_str(text).map_err(|e| err(e.to_string()))?;
    let Y::Mapping(m) = doc else {
        return Err(err("expected a map from input name to binding".to_string()));
    };
    let mut out = Vec::with_capacity(m.len());
    for (k, v) in m {
        let Y::String(name) = k else {
            return Err(err("input names are strings".to_string()));
        };
        let text = match v {
            Y::String(s) => s,
            Y::Number(n) => n.to_string(),
            Y::Tagged(t) => match (t.tag.to_string().trim_start_matches('!'), t.value) {
                (tag @ ("Ref" | "GetAtt"), Y::String(s)) => format!("!{tag} {s}"),
                (tag, _) => return Err(err(format!("`{name}`: unsupported tag `!{tag}`"))),
            },
            _ => {
                return Err(err(format!(
                    "`{name}`: expected `!Ref X`, `!GetAtt X.Y` or a value"
                )))
            }
        };
        let b = Bound::parse(&text).map_err(|why| err(format!("`{name}`: {why}")))?;
        out.push((name, b));
    }
    Ok(out)
}

/// Every input of the plan, one per line: name, what it is, what it must look like.
pub fn list_inputs(plan: &Plan) -> String {
    let width = plan
        .inputs
        .iter()
        .map(|i| i.logical_id.len())
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for i in &plan.inputs {
        out.push_str(&format!(
            "  {:width$}  {} ({})\n",
            i.logical_id,
            i.description,
            i.kind.format_hint()
        ));
    }
    out
}

fn valid_prefix(p: &str) -> bool {
    p.is_empty()
        || (p.len() <= 64
            && p.starts_with(|c: char| c.is_ascii_alphabetic())
            && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// The snippet's document tree: `Metadata`, `Resources`, `Outputs`.
pub fn template<'a>(plan: &'a Plan, opts: &Options) -> Result<Node<'a>, SnippetError> {
    if !valid_prefix(&opts.prefix) {
        return Err(SnippetError::Prefix(opts.prefix.clone()));
    }
    // Bindings by parameter logical ID, whichever name they were given under.
    let mut by_input: BTreeMap<&str, &Bound> = BTreeMap::new();
    for (name, b) in &opts.bindings {
        let Some(i) = plan
            .inputs
            .iter()
            .find(|i| i.logical_id == *name || i.name == *name)
        else {
            return Err(SnippetError::Unknown {
                name: name.clone(),
                listing: format!("the inputs are:\n{}", list_inputs(plan)),
            });
        };
        by_input.insert(i.logical_id.as_str(), b);
    }
    let missing: Vec<&str> = plan
        .inputs
        .iter()
        .map(|i| i.logical_id.as_str())
        .filter(|id| !by_input.contains_key(id))
        .collect();
    if !missing.is_empty() {
        return Err(SnippetError::Unbound {
            count: missing.len(),
            names: missing.join(", "),
            listing: list_inputs(plan),
        });
    }
    // Two subnets (or two ACLs) the intent keeps apart cannot be one object of the host:
    // the plan numbers each ACL's entries on its own, so one ACL would get both sets.
    for (i, a) in plan.inputs.iter().enumerate() {
        for b in &plan.inputs[i + 1..] {
            let kinds =
                a.kind == b.kind && matches!(a.kind, InputKind::SubnetId | InputKind::NetworkAclId);
            if kinds && by_input.get(a.logical_id.as_str()) == by_input.get(b.logical_id.as_str()) {
                return Err(SnippetError::SameObject {
                    a: a.logical_id.clone(),
                    b: b.logical_id.clone(),
                    to: by_input
                        .get(a.logical_id.as_str())
                        .map(|x| x.text())
                        .unwrap_or_default(),
                });
            }
        }
    }
    let whole = super::cloudformation::template(plan);
    let count = |s: &str| whole.get(s).and_then(Node::as_map).map_or(0, <[_]>::len);
    let (resources, outputs) = (count("Resources"), count("Outputs"));
    if resources > super::nested::MAX_RESOURCES || outputs > super::nested::MAX_OUTPUTS {
        return Err(SnippetError::TooLarge(format!(
            "{resources} resources, {outputs} outputs"
        )));
    }
    let Node::Map(sections) = whole else {
        return Ok(Node::Map(Vec::new()));
    };
    let bound: BTreeMap<&str, Node<'static>> =
        by_input.iter().map(|(k, b)| (*k, b.node())).collect();
    let mut ids: BTreeMap<String, String> = BTreeMap::new();
    let mut out_resources = Vec::new();
    let mut out_outputs = Vec::new();
    for (k, v) in sections {
        match (k.as_ref(), v) {
            ("Resources", Node::Map(m)) => {
                for (id, _) in &m {
                    ids.insert(id.to_string(), format!("{}{id}", opts.prefix));
                }
                out_resources = m;
            }
            ("Outputs", Node::Map(m)) => out_outputs = m,
            _ => {}
        }
    }
    let rw = Rewrite {
        ids: &ids,
        bound: &bound,
    };
    let resources: Vec<(Key, Node)> = out_resources
        .into_iter()
        .map(|(id, v)| (Cow::Owned(rw.id(&id)), rw.node(v)))
        .collect();
    let outputs: Vec<(Key, Node)> = out_outputs
        .into_iter()
        .map(|(id, v)| (Cow::Owned(format!("{}{id}", opts.prefix)), rw.node(v)))
        .collect();
    let list = |m: &[(Key, Node)]| -> Node<'static> {
        Node::Seq(m.iter().map(|(k, _)| Node::from(k.to_string())).collect())
    };
    let mut record: Vec<(Key, Node)> = Vec::new();
    if !opts.prefix.is_empty() {
        record.push(("prefix".into(), Node::from(opts.prefix.clone())));
    }
    record.push((
        "bindings".into(),
        Node::Map(
            plan.inputs
                .iter()
                .filter_map(|i| {
                    let b = by_input.get(i.logical_id.as_str())?;
                    Some((Cow::Owned(i.logical_id.clone()), Node::from(b.text())))
                })
                .collect(),
        ),
    ));
    record.push(("resources".into(), list(&resources)));
    record.push(("outputs".into(), list(&outputs)));
    let metadata = Node::Map(vec![(
        Cow::Borrowed(OWNER_KEY),
        Node::Map(vec![(Cow::Borrowed(plan.name.as_str()), Node::Map(record))]),
    )]);
    Ok(Node::Map(vec![
        ("Metadata".into(), metadata),
        ("Resources".into(), Node::Map(resources)),
        ("Outputs".into(), Node::Map(outputs)),
    ]))
}

/// The key of the template `Metadata` entry that lists what shibori owns, per intent name.
pub const OWNER_KEY: &str = "shibori";

/// Renames resources (prefix) and replaces references to inputs by their bindings.
struct Rewrite<'r> {
    ids: &'r BTreeMap<String, String>,
    bound: &'r BTreeMap<&'r str, Node<'static>>,
}

impl Rewrite<'_> {
    fn id(&self, id: &str) -> String {
        self.ids.get(id).cloned().unwrap_or_else(|| id.to_string())
    }

    fn node<'a>(&self, n: Node<'a>) -> Node<'a> {
        match n {
            Node::Ref(id) => match self.bound.get(id.as_ref()) {
                Some(b) => b.clone(),
                None => Node::Ref(Cow::Owned(self.id(&id))),
            },
            Node::GetAtt(id, attr) => Node::GetAtt(Cow::Owned(self.id(&id)), attr),
            Node::Seq(v) => Node::Seq(v.into_iter().map(|x| self.node(x)).collect()),
            Node::Map(m) => Node::Map(
                m.into_iter()
                    .map(|(k, v)| match (k.as_ref(), v) {
                        ("DependsOn", Node::Str(s)) => {
                            let renamed = self.id(&s);
                            (k, Node::Str(Cow::Owned(renamed)))
                        }
                        (_, v) => {
                            let v = self.node(v);
                            (k, v)
                        }
                    })
                    .collect(),
            ),
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bindings_parse() {
        assert_eq!(Bound::parse("!Ref Vpc"), Ok(Bound::Ref("Vpc".into())));
        assert_eq!(
            Bound::parse("!GetAtt Cert.Arn"),
            Ok(Bound::GetAtt("Cert".into(), "Arn".into()))
        );
        assert_eq!(
            Bound::parse("subnet-0123"),
            Ok(Bound::Value("subnet-0123".into()))
        );
        assert!(Bound::parse("!Ref AWS::Region").is_err());
        assert!(Bound::parse("!Sub x").is_err());
        assert!(Bound::parse("!GetAtt Cert").is_err());
        for b in ["!Ref A1", "!GetAtt A.B.C", "acl-1"] {
            assert_eq!(Bound::parse(b).map(|x| x.text()).as_deref(), Ok(b));
        }
        assert!(parse_bind("VpcId").is_err());
        assert_eq!(
            parse_bind("VpcId=!Ref Vpc").ok(),
            Some(("VpcId".into(), Bound::Ref("Vpc".into())))
        );
    }

    #[test]
    fn bind_file_accepts_tags_and_strings() {
        let b = parse_bind_file(
            "b.yaml",
            "VpcId: !Ref Vpc\nCert: '!GetAtt C.Arn'\nDir: d-0123456789\n",
        )
        .unwrap_or_default();
        assert_eq!(b.len(), 3);
        assert_eq!(b[0].1, Bound::Ref("Vpc".into()));
        assert_eq!(b[1].1, Bound::GetAtt("C".into(), "Arn".into()));
        assert!(parse_bind_file("b.yaml", "X: !Sub y\n").is_err());
    }

    #[test]
    fn prefixes() {
        assert!(valid_prefix("Cvpn"));
        assert!(valid_prefix(""));
        assert!(!valid_prefix("1x"));
        assert!(!valid_prefix("C-vpn"));
    }
}
