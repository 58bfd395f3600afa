//! CloudFormation limits (500 resources, 200 outputs and parameters per template, 1 MB
//! template body from S3): a plan above them becomes a parent template plus nested
//! stacks (`AWS::CloudFormation::Stack`, relative `TemplateURL` for
//! `aws cloudformation package`), chunked by target. The endpoint, its security group and
//! the associations stay in the parent; each network ACL's entries go to the chunk of the
//! first target they serve, so the parent's size does not grow with the targets.
//! Everything a child needs from the parent is passed down as a parameter.

use super::cloudformation;
use super::parameter_lists;
use super::tree::{self, map, Key, Node};
use super::FastMap;
use crate::plan::text::concat;
use crate::plan::{Peer, Plan, Reason};
use std::borrow::Cow;
use std::collections::BTreeSet;
use std::path::PathBuf;

pub const MAX_RESOURCES: usize = 500;
pub const MAX_OUTPUTS: usize = 200;
pub const MAX_PARAMETERS: usize = 200;
pub const MAX_BYTES: usize = 1_000_000;

/// Children are filled below the limits, leaving room for what a chunk's last target adds.
const CHUNK_RESOURCES: usize = 400;
const CHUNK_OUTPUTS: usize = 180;
/// A chunk takes one parameter per network ACL it writes to, and a few more (the VPC, the
/// endpoint, its security group).
const CHUNK_ACLS: usize = 150;

type Entries<'a> = Vec<(Key<'a>, Node<'a>)>;

/// The syntax the templates are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    /// `cloudformation`: YAML, `.yaml`.
    Yaml,
    /// `cdk-json`: pretty JSON, `.template.json`.
    Json,
}

impl Syntax {
    pub fn ext(self) -> &'static str {
        match self {
            Syntax::Yaml => ".yaml",
            Syntax::Json => ".template.json",
        }
    }

    fn write(self, template: &Node) -> String {
        // The written size, guessed a tenth over what the examples and the benchmark
        // intents measure per resource or output (YAML ~300 bytes, pretty JSON ~420): the
        // buffer rarely grows, and little of it is allocated for nothing, which costs
        // page clearing in huge-page arenas.
        let n = count(template, "Resources") + count(template, "Outputs");
        match self {
            Syntax::Yaml => tree::to_yaml(template, 4096 + 336 * n),
            Syntax::Json => with_newline(tree::to_json_pretty(template, 4096 + 464 * n)),
        }
    }
}

/// A text file ends with a newline (the YAML writer ends every line with one already).
fn with_newline(mut text: String) -> String {
    text.push('\n');
    text
}

/// The templates as files (parent first), and the trees they were written from.
pub fn rendering(plan: &Plan, syntax: Syntax) -> super::Rendering<'_> {
    let (files, trees) = stacks(plan, syntax)
        .into_iter()
        .map(|s| {
            let file = super::RenderedFile {
                path: PathBuf::from(concat(&[&s.stem, syntax.ext()])),
                contents: s.text,
            };
            (file, s.template)
        })
        .unzip();
    super::Rendering {
        files,
        _trees: trees,
    }
}

/// One template of the rendering: file stem (no extension), the tree and its text.
struct Stack<'a> {
    pub stem: String,
    pub template: Node<'a>,
    pub text: String,
}

fn count(t: &Node, section: &str) -> usize {
    t.get(section).and_then(Node::as_map).map_or(0, <[_]>::len)
}

/// The template, or the parent and its children when one template would be too large,
/// each written out in `syntax`. A child is written on the thread that builds it, while
/// its tree is still in cache.
fn stacks(plan: &Plan, syntax: Syntax) -> Vec<Stack<'_>> {
    let whole = cloudformation::template(plan);
    let within_counts = count(&whole, "Resources") <= MAX_RESOURCES
        && count(&whole, "Outputs") <= MAX_OUTPUTS
        && count(&whole, "Parameters") <= MAX_PARAMETERS;
    if within_counts {
        // The 1 MB limit is on the JSON a template is uploaded as.
        let json = tree::to_json_pretty(&whole, 64 * 1024);
        if json.len() <= MAX_BYTES {
            let text = match syntax {
                Syntax::Json => with_newline(json),
                Syntax::Yaml => syntax.write(&whole),
            };
            return vec![Stack {
                stem: plan.name.clone(),
                template: whole,
                text,
            }];
        }
    }
    split(plan, whole, syntax)
}

/// The one target a rule serves, if it serves exactly one.
fn sole_target(reasons: &[Reason]) -> Option<&str> {
    let first = reasons.first()?.target.as_str();
    reasons.iter().all(|r| r.target == first).then_some(first)
}

/// Which target's chunk each resource and output belongs to (absent = the parent), and
/// the target each network ACL's entries go with.
struct Owners<'a> {
    resources: FastMap<&'a str, &'a str>,
    outputs: FastMap<String, &'a str>,
    acls: FastMap<&'a str, &'a str>,
}

fn owners(plan: &Plan) -> Owners<'_> {
    // Sized up front: growing these tables rehashes every key several times over.
    let mut res = FastMap::default();
    res.reserve(
        plan.security_groups.len()
            + plan.security_group_rules.len()
            + plan.authorization_rules.len()
            + plan.routes.len()
            + plan.nacl_entries.len(),
    );
    let mut out = FastMap::default();
    out.reserve(plan.security_groups.len() + plan.targets.len());
    let mut group_owner: FastMap<&str, &str> = FastMap::default();
    group_owner.reserve(plan.security_groups.len());
    for g in &plan.security_groups {
        if let (None, Some(t)) = (&g.id, g.targets.first()) {
            group_owner.insert(&g.key, t);
            res.insert(g.logical_id.as_str(), t.as_str());
            out.insert(concat(&[&g.logical_id, "Id"]), t.as_str());
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
            res.insert(r.logical_id.as_str(), t);
        }
    }
    for a in &plan.authorization_rules {
        if let Some(t) = sole_target(&a.reasons) {
            res.insert(a.logical_id.as_str(), t);
        }
    }
    for r in &plan.routes {
        if let Some(t) = sole_target(&r.reasons) {
            res.insert(r.logical_id.as_str(), t);
        }
    }
    // A network ACL's entries stay together, with the first target they serve: they refer
    // to nothing but the ACL, so any stack can hold them, and one subnet per target would
    // otherwise leave every ACL's entries in the parent.
    let mut acl_owner: FastMap<&str, &str> = FastMap::default();
    for e in &plan.nacl_entries {
        if let Some(r) = e.reasons.first() {
            acl_owner
                .entry(e.network_acl.as_str())
                .or_insert(r.target.as_str());
        }
    }
    for e in &plan.nacl_entries {
        if let Some(t) = acl_owner.get(e.network_acl.as_str()) {
            res.insert(e.logical_id.as_str(), t);
        }
    }
    for t in &plan.targets {
        if t.security_group.is_some() {
            out.insert(concat(&[&t.logical_id, "SecurityGroupId"]), t.name.as_str());
        }
    }
    Owners {
        resources: res,
        outputs: out,
        acls: acl_owner,
    }
}

/// Turns references to what is not in the child into references to child parameters,
/// recording for each the parameter's definition and the value the parent passes.
struct Rewriter<'p, 'a> {
    chunk: usize,
    res_owner: &'p FastMap<&'a str, &'a str>,
    chunk_of: &'p FastMap<&'a str, usize>,
    parent_params: &'p [(Key<'a>, Node<'a>)],
    params: Entries<'a>,
    passed: Entries<'a>,
    /// Parameter name of each external reference met so far: (id, attribute) → name.
    names: Vec<(Key<'a>, Option<Key<'a>>, String)>,
}

impl<'a> Rewriter<'_, 'a> {
    fn is_local(&self, id: &str) -> bool {
        self.res_owner
            .get(id)
            .and_then(|t| self.chunk_of.get(t))
            .is_some_and(|&c| c == self.chunk)
    }

    fn known(&self, id: &str, attr: Option<&str>) -> Option<&str> {
        self.names
            .iter()
            .find(|(i, a, _)| i == id && a.as_deref() == attr)
            .map(|(_, _, n)| n.as_str())
    }

    fn has(&self, name: &str) -> bool {
        self.params.iter().any(|(k, _)| k == name)
    }

    fn param(&mut self, name: String, definition: Node<'a>, passed: Node<'a>) {
        self.params.push((Cow::Owned(name.clone()), definition));
        self.passed.push((Cow::Owned(name), passed));
    }

    fn rewrite(&mut self, v: &mut Node<'a>) {
        match v {
            Node::Ref(id) if !self.is_local(id) => {
                if let Some(name) = self.known(id, None) {
                    if name != id {
                        *v = Node::Ref(Cow::Owned(name.to_string()));
                    }
                    return;
                }
                if let Some((_, def)) = self.parent_params.iter().find(|(k, _)| k == id) {
                    // The child's parameter has the parent parameter's name: the
                    // reference itself stays as it is.
                    if !self.has(id) {
                        let def = def.clone();
                        self.param(id.to_string(), def, Node::Ref(id.clone()));
                    }
                    self.names.push((id.clone(), None, id.to_string()));
                    return;
                }
                let name = format!("{id}Id");
                if !self.has(&name) {
                    let description = format!("ID of {id} in the parent stack");
                    let def = map! { "Type" => "String", "Description" => description };
                    self.param(name.clone(), def, Node::Ref(id.clone()));
                }
                self.names.push((id.clone(), None, name.clone()));
                *v = Node::Ref(Cow::Owned(name));
            }
            Node::GetAtt(id, attr) if !self.is_local(id) => {
                if let Some(name) = self.known(id, Some(attr)) {
                    *v = Node::Ref(Cow::Owned(name.to_string()));
                    return;
                }
                let (name, ty) = if attr == "GroupId" {
                    (format!("{id}Id"), "AWS::EC2::SecurityGroup::Id")
                } else {
                    (format!("{id}{attr}"), "String")
                };
                if !self.has(&name) {
                    let description = format!("{attr} of {id} in the parent stack");
                    let def = map! { "Type" => ty, "Description" => description };
                    let passed = Node::GetAtt(id.clone(), attr.clone());
                    self.param(name.clone(), def, passed);
                }
                self.names
                    .push((id.clone(), Some(attr.clone()), name.clone()));
                *v = Node::Ref(Cow::Owned(name));
            }
            Node::Map(m) => m.iter_mut().for_each(|(_, v)| self.rewrite(v)),
            Node::Seq(a) => a.iter_mut().for_each(|v| self.rewrite(v)),
            _ => {}
        }
    }
}

/// Every `Ref` below `v`.
fn refs<'n>(v: &'n Node, out: &mut BTreeSet<&'n str>) {
    match v {
        Node::Ref(id) => {
            out.insert(id);
        }
        Node::Map(m) => m.iter().for_each(|(_, v)| refs(v, out)),
        Node::Seq(a) => a.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

/// Takes a top-level section out of the template (no copy of large trees).
fn take_section<'a>(t: &mut Node<'a>, name: &str) -> Entries<'a> {
    match t {
        Node::Map(m) => match m.iter_mut().find(|(k, _)| k == name) {
            Some((_, Node::Map(section))) => std::mem::take(section),
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

fn split<'a>(plan: &'a Plan, mut whole: Node<'a>, syntax: Syntax) -> Vec<Stack<'a>> {
    let ext = syntax.ext();
    let Owners {
        resources: res_owner,
        outputs: out_owner,
        acls: acl_owner,
    } = owners(plan);
    let resources = take_section(&mut whole, "Resources");
    let outputs = take_section(&mut whole, "Outputs");
    let parent_params: Entries = whole
        .get("Parameters")
        .and_then(Node::as_map)
        .map(<[_]>::to_vec)
        .unwrap_or_default();

    // Greedy chunks of consecutive targets.
    let mut per_target: FastMap<&str, (usize, usize, usize)> = FastMap::default();
    per_target.reserve(plan.targets.len());
    for t in res_owner.values() {
        per_target.entry(t).or_default().0 += 1;
    }
    for t in out_owner.values() {
        per_target.entry(t).or_default().1 += 1;
    }
    for t in acl_owner.values() {
        per_target.entry(t).or_default().2 += 1;
    }
    let mut chunk_of: FastMap<&str, usize> = FastMap::default();
    chunk_of.reserve(plan.targets.len());
    let (mut chunk, mut n_res, mut n_out, mut n_acl) = (0usize, 0usize, 0usize, 0usize);
    for t in &plan.targets {
        let (r, o, a) = per_target.get(t.name.as_str()).copied().unwrap_or_default();
        let full =
            n_res + r > CHUNK_RESOURCES || n_out + o > CHUNK_OUTPUTS || n_acl + a > CHUNK_ACLS;
        if full && (n_res + n_out) > 0 {
            chunk += 1;
            n_res = 0;
            n_out = 0;
            n_acl = 0;
        }
        n_res += r;
        n_out += o;
        n_acl += a;
        chunk_of.insert(&t.name, chunk);
    }
    let chunks = chunk + 1;

    let mut child_res: Vec<Entries> = (0..chunks).map(|_| Vec::new()).collect();
    let mut child_out: Vec<Entries> = (0..chunks).map(|_| Vec::new()).collect();
    let mut parent_res = Vec::new();
    let mut parent_out = Vec::new();
    for (id, r) in resources {
        match res_owner.get(id.as_ref()).and_then(|t| chunk_of.get(t)) {
            Some(&c) => child_res[c].push((id, r)),
            None => parent_res.push((id, r)),
        }
    }
    for (id, o) in outputs {
        match out_owner.get(id.as_ref()).and_then(|t| chunk_of.get(t)) {
            Some(&c) => child_out[c].push((id, o)),
            None => parent_out.push((id, o)),
        }
    }

    // Each chunk's references are rewritten, and its template assembled, on its own:
    // the chunks share only read-only tables, so they go side by side.
    let work: Vec<(usize, (Entries, Entries))> =
        child_res.into_iter().zip(child_out).enumerate().collect();
    let (res_owner, chunk_of, parent_params) = (&res_owner, &chunk_of, &parent_params);
    let built = super::par_map(work, |(c, (mut resources, mut outputs))| {
        let mut rw = Rewriter {
            chunk: c,
            res_owner,
            chunk_of,
            parent_params,
            params: Vec::new(),
            passed: Vec::new(),
            names: Vec::new(),
        };
        // Cross-stack DependsOn is impossible: the nested stack resource depends on them.
        let mut parent_deps: BTreeSet<String> = BTreeSet::new();
        for (_, r) in resources.iter_mut() {
            rw.rewrite(r);
            if let Node::Map(obj) = r {
                if let Some(i) = obj.iter().position(|(k, _)| k == "DependsOn") {
                    if let Node::Str(dep) = &obj[i].1 {
                        if !rw.is_local(dep) {
                            parent_deps.insert(dep.to_string());
                            obj.remove(i);
                        }
                    }
                }
            }
        }
        for (_, o) in outputs.iter_mut() {
            rw.rewrite(o);
        }
        let Rewriter { params, passed, .. } = rw;
        let stem = format!("{}-targets-{}", plan.name, c + 1);
        let mut t: Entries = Vec::with_capacity(5);
        t.push(("AWSTemplateFormatVersion".into(), "2010-09-09".into()));
        t.push((
            "Description".into(),
            format!(
                "Client VPN access rules for {}, nested stack {} of {} (generated by shibori)",
                plan.name,
                c + 1,
                chunks
            )
            .into(),
        ));
        if !params.is_empty() {
            t.push(("Parameters".into(), Node::Map(params)));
        }
        t.push(("Resources".into(), Node::Map(resources)));
        if !outputs.is_empty() {
            t.push(("Outputs".into(), Node::Map(outputs)));
        }
        let mut stack: Entries = Vec::with_capacity(3);
        stack.push(("Type".into(), "AWS::CloudFormation::Stack".into()));
        if !parent_deps.is_empty() {
            stack.push((
                "DependsOn".into(),
                Node::Seq(parent_deps.into_iter().map(Node::from).collect()),
            ));
        }
        let mut props: Entries = Vec::with_capacity(2);
        props.push(("TemplateURL".into(), format!("./{stem}{ext}").into()));
        if !passed.is_empty() {
            props.push(("Parameters".into(), Node::Map(passed)));
        }
        stack.push(("Properties".into(), Node::Map(props)));
        let stack_resource = (
            Cow::Owned(format!("TargetsStack{}", c + 1)),
            Node::Map(stack),
        );
        let template = Node::Map(t);
        let child = Stack {
            text: syntax.write(&template),
            stem,
            template,
        };
        (child, stack_resource)
    });
    let mut stacks = Vec::with_capacity(chunks + 1);
    let mut stack_resources = Vec::with_capacity(chunks);
    for (child, stack_resource) in built {
        stacks.push(child);
        stack_resources.push(stack_resource);
    }
    // The parameters the parent's own resources and outputs refer to stay single.
    let mut used = BTreeSet::new();
    for (_, v) in parent_res.iter().chain(&parent_out) {
        refs(v, &mut used);
    }
    let mut params = take_section(&mut whole, "Parameters");
    parameter_lists::pack(
        plan,
        &mut params,
        &mut stack_resources,
        &used,
        MAX_PARAMETERS,
    );
    parent_res.extend(stack_resources);
    tree::dedup(&mut parent_res);
    let top = match whole {
        Node::Map(m) => m,
        _ => Vec::new(),
    };
    let mut parent: Entries = Vec::with_capacity(top.len() + 1);
    for (k, v) in top {
        match k.as_ref() {
            "Resources" => {
                // Relative TemplateURLs are what `aws cloudformation package` expects
                // (docs/semantics.md#renderers); cfn-lint warns about exactly that by design.
                parent.push((
                    "Metadata".into(),
                    map! { "cfn-lint" => map! { "config" => map! {
                        "ignore_checks" => Node::Seq(vec![Node::from("W3002")]),
                    } } },
                ));
                parent.push((k, Node::Map(std::mem::take(&mut parent_res))));
            }
            "Outputs" => parent.push((k, Node::Map(std::mem::take(&mut parent_out)))),
            "Parameters" => parent.push((k, Node::Map(std::mem::take(&mut params)))),
            _ => parent.push((k, v)),
        }
    }
    let template = Node::Map(parent);
    stacks.insert(
        0,
        Stack {
            stem: plan.name.clone(),
            text: syntax.write(&template),
            template,
        },
    );
    stacks
}
