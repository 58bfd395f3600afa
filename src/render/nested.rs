//! CloudFormation limits (500 resources, 200 outputs and parameters per template, 1 MB
//! template body from S3): a plan above them becomes a parent template plus nested
//! stacks (`AWS::CloudFormation::Stack`, relative `TemplateURL` for
//! `aws cloudformation package`), chunked by target. The endpoint, its security group,
//! the associations and the NACL entries (bounded by the ACL quota) stay in the parent;
//! everything a child needs from the parent is passed down as a parameter.

use super::cloudformation;
use crate::plan::{Peer, Plan, Reason};
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet};

pub const MAX_RESOURCES: usize = 500;
pub const MAX_OUTPUTS: usize = 200;
pub const MAX_PARAMETERS: usize = 200;
pub const MAX_BYTES: usize = 1_000_000;

/// Children are filled below the limits, leaving room for what a chunk's last target adds.
const CHUNK_RESOURCES: usize = 400;
const CHUNK_OUTPUTS: usize = 180;

/// One template of the rendering: file stem (no extension) and content.
pub struct Stack {
    pub stem: String,
    pub template: Value,
}

fn count(t: &Value, section: &str) -> usize {
    t.get(section)
        .and_then(Value::as_object)
        .map_or(0, Map::len)
}

fn fits(t: &Value) -> bool {
    count(t, "Resources") <= MAX_RESOURCES
        && count(t, "Outputs") <= MAX_OUTPUTS
        && count(t, "Parameters") <= MAX_PARAMETERS
        && serde_json::to_string_pretty(t).is_ok_and(|s| s.len() <= MAX_BYTES)
}

/// The template, or the parent and its children when one template would be too large.
/// `ext` is the file extension the templates are written with (for `TemplateURL`).
pub fn stacks(plan: &Plan, ext: &str) -> Vec<Stack> {
    let whole = cloudformation::template(plan);
    if fits(&whole) {
        return vec![Stack {
            stem: plan.name.clone(),
            template: whole,
        }];
    }
    split(plan, whole, ext)
}

/// The one target a rule serves, if it serves exactly one.
fn sole_target(reasons: &[Reason]) -> Option<&str> {
    let first = reasons.first()?.target.as_str();
    reasons.iter().all(|r| r.target == first).then_some(first)
}

/// Which target's chunk each resource and output belongs to; absent = the parent.
fn owners(plan: &Plan) -> (BTreeMap<String, String>, BTreeMap<String, String>) {
    let mut res = BTreeMap::new();
    let mut out = BTreeMap::new();
    let mut group_owner: BTreeMap<&str, &str> = BTreeMap::new();
    for g in &plan.security_groups {
        if let (None, Some(t)) = (&g.id, g.targets.first()) {
            group_owner.insert(&g.key, t);
            res.insert(g.logical_id.clone(), t.clone());
            out.insert(format!("{}Id", g.logical_id), t.clone());
        }
    }
    for r in &plan.security_group_rules {
        // A rule lives with the created group it references, so no child refers to
        // another child.
        let by_group = group_owner
            .get(r.security_group.as_str())
            .or_else(|| match &r.peer {
                Peer::SecurityGroup(k) => group_owner.get(k.as_str()),
                Peer::Cidr(_) => None,
            })
            .copied();
        if let Some(t) = by_group.or_else(|| sole_target(&r.reasons)) {
            res.insert(r.logical_id.clone(), t.to_string());
        }
    }
    for a in &plan.authorization_rules {
        if let Some(t) = sole_target(&a.reasons) {
            res.insert(a.logical_id.clone(), t.to_string());
        }
    }
    for r in &plan.routes {
        if let Some(t) = sole_target(&r.reasons) {
            res.insert(r.logical_id.clone(), t.to_string());
        }
    }
    for t in &plan.targets {
        if t.security_group.is_some() {
            out.insert(format!("{}SecurityGroupId", t.logical_id), t.name.clone());
        }
    }
    (res, out)
}

/// Rewrites references to what is not in the child into references to child
/// parameters, recording for each the parameter's type and the value the parent passes.
struct Rewriter<'a> {
    local: &'a BTreeSet<String>,
    parent_params: &'a Map<String, Value>,
    params: Map<String, Value>,
    passed: Map<String, Value>,
}

impl Rewriter<'_> {
    fn param(&mut self, name: &str, definition: Value, passed: Value) -> Value {
        if !self.params.contains_key(name) {
            self.params.insert(name.to_string(), definition);
            self.passed.insert(name.to_string(), passed);
        }
        json!({ "Ref": name })
    }

    fn rewrite(&mut self, v: Value) -> Value {
        match v {
            Value::Object(m) => {
                if m.len() == 1 {
                    if let Some(Value::String(id)) = m.get("Ref") {
                        if !self.local.contains(id) {
                            let id = id.clone();
                            return self.external_ref(&id);
                        }
                    }
                    if let Some(Value::Array(a)) = m.get("Fn::GetAtt") {
                        if let [Value::String(id), Value::String(attr)] = a.as_slice() {
                            if !self.local.contains(id) {
                                let (id, attr) = (id.clone(), attr.clone());
                                return self.external_att(&id, &attr, Value::Object(m));
                            }
                        }
                    }
                }
                Value::Object(m.into_iter().map(|(k, v)| (k, self.rewrite(v))).collect())
            }
            Value::Array(a) => Value::Array(a.into_iter().map(|v| self.rewrite(v)).collect()),
            other => other,
        }
    }

    fn external_att(&mut self, id: &str, attr: &str, passed: Value) -> Value {
        let (name, ty) = if attr == "GroupId" {
            (format!("{id}Id"), "AWS::EC2::SecurityGroup::Id")
        } else {
            (format!("{id}{attr}"), "String")
        };
        self.param(
            &name,
            json!({ "Type": ty, "Description": format!("{attr} of {id} in the parent stack") }),
            passed,
        )
    }

    fn external_ref(&mut self, id: &str) -> Value {
        if let Some(def) = self.parent_params.get(id) {
            return self.param(id, def.clone(), json!({ "Ref": id }));
        }
        let name = format!("{id}Id");
        self.param(
            &name,
            json!({ "Type": "String", "Description": format!("ID of {id} in the parent stack") }),
            json!({ "Ref": id }),
        )
    }
}

/// Takes a top-level section out of the template (no copy of large trees).
fn take_section(t: &mut Value, name: &str) -> Map<String, Value> {
    match t.as_object_mut().and_then(|m| m.get_mut(name)) {
        Some(Value::Object(m)) => std::mem::take(m),
        _ => Map::new(),
    }
}

fn split(plan: &Plan, mut whole: Value, ext: &str) -> Vec<Stack> {
    let (res_owner, out_owner) = owners(plan);
    let resources = take_section(&mut whole, "Resources");
    let outputs = take_section(&mut whole, "Outputs");
    let parent_params = whole
        .get("Parameters")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();

    // Greedy chunks of consecutive targets.
    let mut per_target: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for t in res_owner.values() {
        per_target.entry(t).or_default().0 += 1;
    }
    for t in out_owner.values() {
        per_target.entry(t).or_default().1 += 1;
    }
    let mut chunk_of: BTreeMap<&str, usize> = BTreeMap::new();
    let (mut chunk, mut n_res, mut n_out) = (0usize, 0usize, 0usize);
    for t in &plan.targets {
        let (r, o) = per_target.get(t.name.as_str()).copied().unwrap_or_default();
        if (n_res + r > CHUNK_RESOURCES || n_out + o > CHUNK_OUTPUTS) && (n_res + n_out) > 0 {
            chunk += 1;
            n_res = 0;
            n_out = 0;
        }
        n_res += r;
        n_out += o;
        chunk_of.insert(&t.name, chunk);
    }
    let chunks = chunk + 1;

    let mut child_res: Vec<Map<String, Value>> = vec![Map::new(); chunks];
    let mut child_out: Vec<Map<String, Value>> = vec![Map::new(); chunks];
    let mut parent_res = Map::new();
    let mut parent_out = Map::new();
    for (id, r) in resources {
        match res_owner.get(&id).and_then(|t| chunk_of.get(t.as_str())) {
            Some(&c) => {
                child_res[c].insert(id, r);
            }
            None => {
                parent_res.insert(id, r);
            }
        }
    }
    for (id, o) in outputs {
        match out_owner.get(&id).and_then(|t| chunk_of.get(t.as_str())) {
            Some(&c) => {
                child_out[c].insert(id, o);
            }
            None => {
                parent_out.insert(id, o);
            }
        }
    }

    let mut stacks = Vec::new();
    let mut stack_resources = Map::new();
    for c in 0..chunks {
        let local: BTreeSet<String> = child_res[c].keys().cloned().collect();
        let mut rw = Rewriter {
            local: &local,
            parent_params: &parent_params,
            params: Map::new(),
            passed: Map::new(),
        };
        // Cross-stack DependsOn is impossible: the nested stack resource depends on them.
        let mut parent_deps: BTreeSet<String> = BTreeSet::new();
        let mut resources = Map::new();
        for (id, r) in std::mem::take(&mut child_res[c]) {
            let mut r = rw.rewrite(r);
            if let Some(obj) = r.as_object_mut() {
                if let Some(Value::String(dep)) = obj.get("DependsOn") {
                    if !local.contains(dep) {
                        parent_deps.insert(dep.clone());
                        obj.remove("DependsOn");
                    }
                }
            }
            resources.insert(id, r);
        }
        let outputs: Map<String, Value> = std::mem::take(&mut child_out[c])
            .into_iter()
            .map(|(k, v)| (k, rw.rewrite(v)))
            .collect();
        let stem = format!("{}-targets-{}", plan.name, c + 1);
        let mut t = Map::new();
        t.insert("AWSTemplateFormatVersion".into(), "2010-09-09".into());
        t.insert(
            "Description".into(),
            format!(
                "Client VPN access rules for {}, nested stack {} of {} (generated by shibori)",
                plan.name,
                c + 1,
                chunks
            )
            .into(),
        );
        if !rw.params.is_empty() {
            t.insert("Parameters".into(), Value::Object(rw.params));
        }
        t.insert("Resources".into(), Value::Object(resources));
        if !outputs.is_empty() {
            t.insert("Outputs".into(), Value::Object(outputs));
        }
        let mut stack = Map::new();
        stack.insert("Type".into(), "AWS::CloudFormation::Stack".into());
        if !parent_deps.is_empty() {
            stack.insert(
                "DependsOn".into(),
                Value::Array(parent_deps.into_iter().map(Value::String).collect()),
            );
        }
        let mut props = Map::new();
        props.insert("TemplateURL".into(), format!("./{stem}{ext}").into());
        if !rw.passed.is_empty() {
            props.insert("Parameters".into(), Value::Object(rw.passed));
        }
        stack.insert("Properties".into(), Value::Object(props));
        stack_resources.insert(format!("TargetsStack{}", c + 1), Value::Object(stack));
        stacks.push(Stack {
            stem,
            template: Value::Object(t),
        });
    }
    parent_res.extend(stack_resources);
    let mut parent = Map::new();
    let top = match whole {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    for (k, v) in top {
        if k == "Resources" {
            // Relative TemplateURLs are what `aws cloudformation package` expects (SPEC
            // §7); cfn-lint warns about exactly that by design.
            parent.insert(
                "Metadata".into(),
                json!({ "cfn-lint": { "config": { "ignore_checks": ["W3002"] } } }),
            );
        }
        match k.as_str() {
            "Resources" => {
                parent.insert(k, Value::Object(std::mem::take(&mut parent_res)));
            }
            "Outputs" => {
                parent.insert(k, Value::Object(std::mem::take(&mut parent_out)));
            }
            _ => {
                parent.insert(k, v);
            }
        }
    }
    stacks.insert(
        0,
        Stack {
            stem: plan.name.clone(),
            template: Value::Object(parent),
        },
    );
    stacks
}
