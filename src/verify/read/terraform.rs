//! The Terraform evaluation both syntaxes share: variables (defaults, else inputs),
//! `locals` (to a fixpoint), `for_each`/`count` instances with `each.key`/`each.value`,
//! indexing and resource references. It evaluates exactly the subset a generated module
//! needs for its rules; functions, operators and `for` expressions are reported as
//! unresolved rather than guessed.

use super::value::Val;
use super::{aws, ReadError};
use crate::verify::model::{Ident, Origin, RuleSet, Unresolved};
use hcl::expr::{Expression, ObjectKey, TraversalOperator};
use hcl::template::{Element, Template};
use std::cell::Cell;
use std::collections::btree_map::Entry;
use std::collections::BTreeMap;

/// An unevaluated value: HCL expressions, templates from JSON strings, or containers.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Expr(Expression),
    Template(Template),
    Literal(Val),
    List(Vec<Node>),
    Map(Vec<(String, Node)>),
}

#[derive(Debug, Clone)]
pub struct Variable {
    pub name: String,
    pub default: Option<Node>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Mode {
    Managed,
    Data,
}

#[derive(Debug, Clone)]
pub struct Resource {
    pub mode: Mode,
    pub ty: String,
    pub name: String,
    pub file: String,
    pub for_each: Option<Node>,
    pub count: Option<Node>,
    /// Arguments and nested blocks (meta-arguments removed).
    pub body: Vec<(String, Node)>,
}

#[derive(Debug, Clone, Default)]
pub struct Module {
    pub variables: Vec<Variable>,
    pub locals: Vec<(String, String, Node)>,
    pub resources: Vec<Resource>,
    /// What the module holds that verify does not read (`module` calls, overrides it
    /// cannot merge): each an unresolved finding.
    pub unread: Vec<Unresolved>,
}

/// Arguments that steer Terraform rather than describe the resource.
pub const META: &[&str] = &[
    "for_each",
    "count",
    "depends_on",
    "lifecycle",
    "provider",
    "provisioner",
    "connection",
    "timeouts",
];

#[derive(Debug)]
enum Fail {
    /// Depends on a local or resource not evaluated yet: retry later.
    Pending,
    Error(String),
}

type R = Result<Val, Fail>;

fn err<T>(s: impl Into<String>) -> Result<T, Fail> {
    Err(Fail::Error(s.into()))
}

/// What a resource name stands for once its instances are known.
#[derive(Debug, Clone)]
enum Instances {
    Single,
    Keyed(Vec<(String, Val)>),
    Counted(i64),
}

struct Env<'a> {
    vars: &'a BTreeMap<String, Val>,
    locals: &'a BTreeMap<String, Val>,
    /// `(mode, type, name)` → instances, for the resources whose instances are known.
    resources: &'a BTreeMap<(Mode, String, String), Instances>,
    each: Option<(&'a Val, &'a Val)>,
    count: Option<i64>,
    /// The iterators of the `dynamic` blocks being expanded: name, key, value.
    iters: &'a [(String, Val, Val)],
    /// What the evaluation has copied so far, in [`Val::weight_within`] units.
    spent: &'a Cell<u64>,
}

fn address(mode: Mode, ty: &str, name: &str) -> String {
    match mode {
        Mode::Managed => format!("{ty}.{name}"),
        Mode::Data => format!("data.{ty}.{name}"),
    }
}

fn instance_address(base: &str, key: &InstanceKey) -> String {
    match key {
        InstanceKey::None => base.to_string(),
        InstanceKey::Key(k) => format!("{base}[\"{k}\"]"),
        InstanceKey::Index(i) => format!("{base}[{i}]"),
    }
}

/// The most instances one `count` may ask for: far above any module shibori writes, and
/// low enough that a hostile `count = 1e9` is reported instead of exhausting memory.
pub const MAX_COUNT: i64 = 100_000;

/// The most a module's evaluation may copy, in [`Val::weight_within`] units (about
/// bytes): every value reached by a reference and every literal is charged each time it
/// is copied. Locals that double (`b = "${local.a}${local.a}"`, `c = [local.b,
/// local.b]`, …) grow exponentially in the text's length; past this budget they are
/// unresolved instead of exhausting memory. The largest module shibori renders copies
/// a few percent of it (docs/benchmarks.md, "Bounds").
pub const MAX_EVALUATED: u64 = 128 << 20;

/// One instance: its key, `each.key`/`each.value`, `count.index`.
type InstanceEnv<'v> = (InstanceKey, Option<(Val, &'v Val)>, Option<i64>);

enum InstanceKey {
    None,
    Key(String),
    Index(i64),
}

impl Env<'_> {
    /// Charges a copy of `v` to the module's budget, or fails once the budget is spent.
    fn charge(&self, v: &Val) -> Result<(), Fail> {
        let spent = self.spent.get();
        match v.weight_within(MAX_EVALUATED.saturating_sub(spent)) {
            Some(w) => self.spend(spent + w),
            None => self.spend(u64::MAX),
        }
    }

    /// Charges a copy of a literal string.
    fn charge_text(&self, s: &str) -> Result<(), Fail> {
        self.spend(
            self.spent
                .get()
                .saturating_add((std::mem::size_of::<Val>() + s.len()) as u64),
        )
    }

    fn spend(&self, total: u64) -> Result<(), Fail> {
        if total > MAX_EVALUATED {
            self.spent.set(u64::MAX);
            return err(format!(
                "the module's values grow past {} MiB when evaluated (values copied into one another), more than verify evaluates",
                MAX_EVALUATED >> 20
            ));
        }
        self.spent.set(total);
        Ok(())
    }

    /// A copy of `v`, charged.
    fn copy(&self, v: &Val) -> R {
        self.charge(v)?;
        Ok(v.clone())
    }

    fn node(&self, n: &Node) -> R {
        match n {
            Node::Expr(e) => self.expr(e),
            Node::Template(t) => self.template(t),
            Node::Literal(v) => self.copy(v),
            Node::List(v) => Ok(Val::List(
                v.iter().map(|x| self.node(x)).collect::<Result<_, _>>()?,
            )),
            Node::Map(m) => {
                let mut out = BTreeMap::new();
                for (k, x) in m {
                    // A nested block's own `dynamic` blocks (an object that merely has
                    // a `dynamic` key has no labelled `content`).
                    if k == DYNAMIC && is_dynamic(x) {
                        for (label, v) in self.dynamic(x).map_err(Fail::Error)? {
                            append_block(&mut out, label, v);
                        }
                        continue;
                    }
                    // A nested block may repeat: collect repeats into a list.
                    let v = match self.node(x) {
                        Err(Fail::Error(e)) => Val::Unknown(e),
                        other => other?,
                    };
                    match out.entry(k.clone()) {
                        Entry::Vacant(slot) => {
                            slot.insert(v);
                        }
                        Entry::Occupied(mut slot) => match slot.get_mut() {
                            Val::List(prev) if matches!(x, Node::Map(_)) => prev.push(v),
                            prev => {
                                let first = std::mem::replace(prev, Val::Null);
                                *prev = Val::List(vec![first, v]);
                            }
                        },
                    }
                }
                Ok(Val::Map(out))
            }
        }
    }

    fn expr(&self, e: &Expression) -> R {
        match e {
            Expression::Null => Ok(Val::Null),
            Expression::Bool(b) => Ok(Val::Bool(*b)),
            Expression::Number(n) => Ok(n.as_f64().map_or(Val::Null, Val::Num)),
            Expression::String(s) => {
                self.charge_text(s)?;
                Ok(Val::Str(s.clone()))
            }
            Expression::Array(a) => Ok(Val::List(
                a.iter().map(|x| self.expr(x)).collect::<Result<_, _>>()?,
            )),
            Expression::Object(o) => {
                let mut out = BTreeMap::new();
                for (k, v) in o.iter() {
                    let key = match k {
                        ObjectKey::Identifier(i) => i.to_string(),
                        ObjectKey::Expression(x) => self.expr(x)?.text().map_err(Fail::Error)?,
                        _ => return err("unsupported object key"),
                    };
                    // One bad value must not take its neighbours down with it.
                    let val = match self.expr(v) {
                        Err(Fail::Error(e)) => Val::Unknown(e),
                        other => other?,
                    };
                    out.insert(key, val);
                }
                Ok(Val::Map(out))
            }
            Expression::TemplateExpr(t) => {
                let t = Template::from_expr(t.as_ref())
                    .map_err(|e| Fail::Error(format!("bad template: {e}")))?;
                self.template(&t)
            }
            Expression::Variable(v) => self.root(v.as_str(), &[]),
            Expression::Traversal(t) => match &t.expr {
                Expression::Variable(v) => self.root(v.as_str(), &t.operators),
                other => {
                    let base = self.expr(other)?;
                    self.walk(base, &t.operators)
                }
            },
            Expression::Parenthesis(inner) => self.expr(inner),
            Expression::Conditional(c) => {
                let cond = self.expr(&c.cond_expr)?.boolean().map_err(Fail::Error)?;
                self.expr(if cond { &c.true_expr } else { &c.false_expr })
            }
            other => err(format!(
                "`{}` is not evaluated by verify (functions, operators and for expressions are not)",
                hcl::format::to_string(other).unwrap_or_else(|_| "expression".into())
            )),
        }
    }

    /// A template that is exactly one interpolation keeps the value's type (Terraform's rule).
    fn template(&self, t: &Template) -> R {
        let els = t.elements();
        if let [Element::Interpolation(i)] = els {
            return self.expr(&i.expr);
        }
        let mut s = String::new();
        for el in els {
            match el {
                Element::Literal(l) => s.push_str(l),
                Element::Interpolation(i) => match self.expr(&i.expr)? {
                    Val::Sym(id) => {
                        return Ok(Val::Unknown(format!("{id} is interpolated into a string")))
                    }
                    v => s.push_str(&v.text().map_err(Fail::Error)?),
                },
                Element::Directive(_) => return err("template directives are not evaluated"),
            }
        }
        Ok(Val::Str(s))
    }

    fn root(&self, name: &str, ops: &[TraversalOperator]) -> R {
        let (first, rest) = match ops.split_first() {
            Some((TraversalOperator::GetAttr(a), rest)) => (Some(a.as_str()), rest),
            _ => (None, ops),
        };
        if let Some((_, key, value)) = self.iters.iter().rev().find(|(n, _, _)| n == name) {
            return match first {
                Some("key") => self.walk_ref(key, rest),
                Some("value") => self.walk_ref(value, rest),
                _ => err(format!(
                    "`{name}` of a dynamic block has only `key` and `value`"
                )),
            };
        }
        match (name, first) {
            ("var", Some(v)) => match self.vars.get(v) {
                Some(val) => self.walk_ref(val, rest),
                None => err(format!("`var.{v}` is not declared")),
            },
            ("local", Some(l)) => match self.locals.get(l) {
                Some(val) => self.walk_ref(val, rest),
                None => Err(Fail::Pending),
            },
            ("each", Some("key")) => match self.each {
                Some((k, _)) => self.walk_ref(k, rest),
                None => err("`each.key` outside a `for_each` resource"),
            },
            ("each", Some("value")) => match self.each {
                Some((_, v)) => self.walk_ref(v, rest),
                None => err("`each.value` outside a `for_each` resource"),
            },
            ("count", Some("index")) => match self.count {
                Some(i) => self.walk(Val::Num(i as f64), rest),
                None => err("`count.index` outside a `count` resource"),
            },
            ("data", Some(ty)) => match rest.split_first() {
                Some((TraversalOperator::GetAttr(n), rest)) => {
                    self.resource(Mode::Data, ty, n.as_str(), rest)
                }
                _ => err(format!("incomplete reference `data.{ty}`")),
            },
            (ty, Some(n)) if ty.contains('_') => self.resource(Mode::Managed, ty, n, rest),
            _ => err(format!("unknown reference `{name}`")),
        }
    }

    fn resource(&self, mode: Mode, ty: &str, name: &str, ops: &[TraversalOperator]) -> R {
        let base = address(mode, ty, name);
        let Some(inst) = self
            .resources
            .get(&(mode, ty.to_string(), name.to_string()))
        else {
            return Err(Fail::Pending);
        };
        match inst {
            Instances::Single => self.walk(Val::Sym(Ident::Resource(base)), ops),
            Instances::Keyed(_) if matches!(ops.first(), Some(TraversalOperator::Index(_))) => {
                // `type.name[key]`: name the instance without building the whole map.
                let k = self.key(&ops[0])?.text().map_err(Fail::Error)?;
                let addr = instance_address(&base, &InstanceKey::Key(k));
                self.walk(Val::Sym(Ident::Resource(addr)), &ops[1..])
            }
            Instances::Keyed(keys) => {
                let m = keys
                    .iter()
                    .map(|(k, _)| {
                        (
                            k.clone(),
                            Val::Sym(Ident::Resource(instance_address(
                                &base,
                                &InstanceKey::Key(k.clone()),
                            ))),
                        )
                    })
                    .collect();
                self.walk(Val::Map(m), ops)
            }
            Instances::Counted(n) => {
                let v = (0..*n)
                    .map(|i| {
                        Val::Sym(Ident::Resource(instance_address(
                            &base,
                            &InstanceKey::Index(i),
                        )))
                    })
                    .collect();
                self.walk(Val::List(v), ops)
            }
        }
    }

    /// A resource's `dynamic "label" { for_each, iterator, content }` blocks, expanded
    /// into one `label` block per element, as Terraform does; a `for_each` that does not
    /// evaluate to a known collection is an error (the blocks cannot be known).
    fn dynamic(&self, spec: &Node) -> Result<Vec<(String, Val)>, String> {
        let mut out = Vec::new();
        let labelled: Vec<&(String, Node)> = match spec {
            Node::Map(m) => m.iter().collect(),
            Node::List(l) => l
                .iter()
                .flat_map(|x| match x {
                    Node::Map(m) => m.iter().collect(),
                    _ => Vec::new(),
                })
                .collect(),
            _ => return Err("a `dynamic` block must be labelled".into()),
        };
        for (label, body) in labelled {
            let Node::Map(body) = body else {
                return Err(format!("dynamic \"{label}\" is not a block"));
            };
            let get = |k: &str| body.iter().find(|(n, _)| n == k).map(|(_, v)| v);
            let collection = match get("for_each").map(|n| self.node(n)) {
                None => return Err(format!("dynamic \"{label}\" has no `for_each`")),
                Some(Err(Fail::Pending)) => {
                    return Err(format!("dynamic \"{label}\": `for_each` does not resolve"))
                }
                Some(Err(Fail::Error(e))) => {
                    return Err(format!("dynamic \"{label}\": `for_each`: {e}"))
                }
                Some(Ok(v)) => v,
            };
            let elements: Vec<(Val, Val)> = match collection {
                Val::Map(m) => m.into_iter().map(|(k, v)| (Val::Str(k), v)).collect(),
                Val::List(l) => l
                    .into_iter()
                    .enumerate()
                    .map(|(i, v)| (Val::Num(i as f64), v))
                    .collect(),
                Val::Null => Vec::new(),
                Val::Sym(i) => {
                    return Err(format!(
                    "dynamic \"{label}\": `for_each` is {i}, which has no value before deployment"
                ))
                }
                other => {
                    return Err(format!(
                        "dynamic \"{label}\": `for_each` is {}, not a map or a list",
                        other.kind()
                    ))
                }
            };
            let name = match get("iterator") {
                None => label.clone(),
                Some(Node::Expr(Expression::Variable(v))) => v.to_string(),
                Some(Node::Literal(Val::Str(s))) => s.clone(),
                Some(_) => return Err(format!("dynamic \"{label}\": bad `iterator`")),
            };
            let content =
                get("content").ok_or_else(|| format!("dynamic \"{label}\" has no `content`"))?;
            for (key, value) in elements {
                let mut iters = self.iters.to_vec();
                iters.push((name.clone(), key, value));
                let env = Env {
                    iters: &iters,
                    ..*self
                };
                let v = match env.node(content) {
                    Ok(v) => v,
                    Err(Fail::Pending) => {
                        return Err(format!("dynamic \"{label}\": content does not resolve"))
                    }
                    Err(Fail::Error(e)) => return Err(format!("dynamic \"{label}\": {e}")),
                };
                out.push((label.clone(), v));
            }
        }
        Ok(out)
    }

    fn key(&self, op: &TraversalOperator) -> R {
        match op {
            TraversalOperator::GetAttr(a) => Ok(Val::Str(a.to_string())),
            TraversalOperator::Index(e) => self.expr(e),
            TraversalOperator::LegacyIndex(i) => Ok(Val::Num(*i as f64)),
            TraversalOperator::AttrSplat | TraversalOperator::FullSplat => {
                err("splat expressions are not evaluated")
            }
        }
    }

    /// Descends by reference and clones only what is reached: locals can be large maps
    /// that every resource instance indexes.
    fn walk_ref(&self, v: &Val, ops: &[TraversalOperator]) -> R {
        let mut cur = v;
        for (i, op) in ops.iter().enumerate() {
            match cur {
                Val::Map(m) => {
                    let k = self.key(op)?.text().map_err(Fail::Error)?;
                    match m.get(&k) {
                        Some(x) => cur = x,
                        None => return err(format!("no key `{k}`")),
                    }
                }
                Val::List(l) => {
                    let idx = self.key(op)?.int().map_err(Fail::Error)?;
                    match usize::try_from(idx).ok().and_then(|j| l.get(j)) {
                        Some(x) => cur = x,
                        None => return err(format!("index {idx} out of range")),
                    }
                }
                _ => return self.walk(self.copy(cur)?, &ops[i..]),
            }
        }
        self.copy(cur)
    }

    fn walk(&self, mut v: Val, ops: &[TraversalOperator]) -> R {
        for (i, op) in ops.iter().enumerate() {
            v = match v {
                Val::Map(_) | Val::List(_) => return self.walk_ref(&v, &ops[i..]),
                // Any attribute of a resource (`id`, `arn`, …) identifies that resource.
                Val::Sym(Ident::Resource(r)) if matches!(op, TraversalOperator::GetAttr(_)) => {
                    Val::Sym(Ident::Resource(r))
                }
                // An input that is a map or object: the element is an input of its own.
                Val::Sym(Ident::Input(name)) => {
                    let k = self.key(op)?.text().map_err(Fail::Error)?;
                    Val::Sym(Ident::Input(format!("{name}[{k}]")))
                }
                Val::Unknown(why) => return Ok(Val::Unknown(why)),
                other => return err(format!("cannot index {}", other.kind())),
            };
        }
        Ok(v)
    }
}

/// Evaluates the module and maps its AWS resources to rules.
pub fn evaluate(module: &Module) -> Result<RuleSet, ReadError> {
    let mut rs = RuleSet {
        unresolved: module.unread.clone(),
        ..RuleSet::default()
    };
    let empty_vars = BTreeMap::new();
    let empty_locals = BTreeMap::new();
    let empty_res = BTreeMap::new();
    let spent = Cell::new(0u64);
    let bare = Env {
        vars: &empty_vars,
        locals: &empty_locals,
        resources: &empty_res,
        each: None,
        count: None,
        iters: &[],
        spent: &spent,
    };
    let mut vars = BTreeMap::new();
    for v in &module.variables {
        let val = match &v.default {
            Some(d) => match bare.node(d) {
                Ok(Val::Null) | Err(_) => Val::Sym(Ident::Input(v.name.clone())),
                Ok(x) => x,
            },
            None => Val::Sym(Ident::Input(v.name.clone())),
        };
        vars.insert(v.name.clone(), val);
    }

    let mut locals: BTreeMap<String, Val> = BTreeMap::new();
    let mut resources: BTreeMap<(Mode, String, String), Instances> = BTreeMap::new();
    let mut failures: BTreeMap<String, (String, String)> = BTreeMap::new();
    let mut pass = 0usize;
    let mut declared = std::collections::BTreeSet::new();
    for r in &module.resources {
        if !declared.insert((r.mode, &r.ty, &r.name)) {
            failures.insert(
                address(r.mode, &r.ty, &r.name),
                (
                    r.file.clone(),
                    "declared more than once: Terraform rejects a duplicate resource (only override files merge)".into(),
                ),
            );
        }
    }
    loop {
        let mut progress = false;
        // Passes alternate direction: locals declared in dependency order, or in its
        // reverse, resolve in two passes instead of one pass per local.
        pass += 1;
        let order: Box<dyn Iterator<Item = &(String, String, Node)>> = if pass % 2 == 1 {
            Box::new(module.locals.iter())
        } else {
            Box::new(module.locals.iter().rev())
        };
        for (name, file, node) in order {
            if locals.contains_key(name) {
                continue;
            }
            let env = Env {
                vars: &vars,
                locals: &locals,
                resources: &resources,
                each: None,
                count: None,
                iters: &[],
                spent: &spent,
            };
            match env.node(node) {
                Ok(v) => {
                    locals.insert(name.clone(), v);
                    progress = true;
                }
                Err(Fail::Pending) => {}
                Err(Fail::Error(e)) => {
                    failures.insert(format!("local.{name}"), (file.clone(), e.clone()));
                    locals.insert(name.clone(), Val::Unknown(format!("local.{name}: {e}")));
                    progress = true;
                }
            }
        }
        for r in &module.resources {
            let key = (r.mode, r.ty.clone(), r.name.clone());
            if resources.contains_key(&key) {
                continue;
            }
            let env = Env {
                vars: &vars,
                locals: &locals,
                resources: &resources,
                each: None,
                count: None,
                iters: &[],
                spent: &spent,
            };
            let inst = match (&r.for_each, &r.count) {
                (Some(fe), _) => match env.node(fe) {
                    Ok(Val::Map(m)) => Some(Instances::Keyed(m.into_iter().collect())),
                    Ok(Val::List(l)) => {
                        let mut keys = Vec::new();
                        for x in l {
                            match x.text() {
                                Ok(t) => keys.push((t.clone(), Val::Str(t))),
                                Err(e) => {
                                    failures.insert(
                                        address(r.mode, &r.ty, &r.name),
                                        (r.file.clone(), format!("for_each: {e}")),
                                    );
                                }
                            }
                        }
                        Some(Instances::Keyed(keys))
                    }
                    Ok(other) => {
                        failures.insert(
                            address(r.mode, &r.ty, &r.name),
                            (
                                r.file.clone(),
                                format!("for_each is {}, not a map or a set", other.kind()),
                            ),
                        );
                        Some(Instances::Keyed(Vec::new()))
                    }
                    Err(Fail::Pending) => None,
                    Err(Fail::Error(e)) => {
                        failures.insert(
                            address(r.mode, &r.ty, &r.name),
                            (r.file.clone(), format!("for_each: {e}")),
                        );
                        Some(Instances::Keyed(Vec::new()))
                    }
                },
                (None, Some(c)) => match env.node(c).map(|v| v.int()) {
                    Ok(Ok(n)) if !(0..=MAX_COUNT).contains(&n) => {
                        failures.insert(
                            address(r.mode, &r.ty, &r.name),
                            (
                                r.file.clone(),
                                if n < 0 {
                                    format!("count = {n}: Terraform rejects a negative count")
                                } else {
                                    format!(
                                        "count asks for more than {MAX_COUNT} instances, more than verify reads"
                                    )
                                },
                            ),
                        );
                        Some(Instances::Counted(0))
                    }
                    Ok(Ok(n)) => Some(Instances::Counted(n)),
                    Err(Fail::Pending) => None,
                    Ok(Err(e)) | Err(Fail::Error(e)) => {
                        failures.insert(
                            address(r.mode, &r.ty, &r.name),
                            (r.file.clone(), format!("count: {e}")),
                        );
                        Some(Instances::Counted(0))
                    }
                },
                (None, None) => Some(Instances::Single),
            };
            if let Some(i) = inst {
                resources.insert(key, i);
                progress = true;
            }
        }
        if !progress {
            break;
        }
    }
    // What never resolved depends on itself or on something missing.
    for (name, file, _) in &module.locals {
        if !locals.contains_key(name) {
            failures.insert(
                format!("local.{name}"),
                (file.clone(), "depends on a reference that never resolves (a cycle, or an undeclared local or resource)".into()),
            );
            locals.insert(
                name.clone(),
                Val::Unknown(format!("local.{name} does not resolve")),
            );
        }
    }
    for r in &module.resources {
        let key = (r.mode, r.ty.clone(), r.name.clone());
        if let std::collections::btree_map::Entry::Vacant(v) = resources.entry(key) {
            failures.insert(
                address(r.mode, &r.ty, &r.name),
                (
                    r.file.clone(),
                    "for_each/count depends on a reference that never resolves".into(),
                ),
            );
            v.insert(Instances::Keyed(Vec::new()));
        }
    }
    for (what, (file, message)) in failures {
        rs.unresolved.push(Unresolved {
            origin: Origin {
                file,
                resource: what,
            },
            message,
        });
    }

    for r in module.resources.iter().filter(|r| r.mode == Mode::Managed) {
        let base = address(r.mode, &r.ty, &r.name);
        let Some(inst) = resources.get(&(r.mode, r.ty.clone(), r.name.clone())) else {
            continue;
        };
        // Instances borrow their `each.value` from the instance table: a generated
        // module's values are maps, and cloning one per instance showed in profiles.
        let keyed: Vec<InstanceEnv> = match inst {
            Instances::Single => vec![(InstanceKey::None, None, None)],
            Instances::Keyed(keys) => keys
                .iter()
                .map(|(k, v)| {
                    (
                        InstanceKey::Key(k.clone()),
                        Some((Val::Str(k.clone()), v)),
                        None,
                    )
                })
                .collect(),
            Instances::Counted(n) => (0..*n)
                .map(|i| (InstanceKey::Index(i), None, Some(i)))
                .collect(),
        };
        for (key, each, count) in &keyed {
            let addr = instance_address(&base, key);
            let env = Env {
                vars: &vars,
                locals: &locals,
                resources: &resources,
                each: each.as_ref().map(|(k, v)| (k, *v)),
                count: *count,
                iters: &[],
                spent: &spent,
            };
            let mut attrs = BTreeMap::new();
            for (k, n) in &r.body {
                if k == DYNAMIC {
                    match env.dynamic(n) {
                        Ok(blocks) => {
                            for (label, v) in blocks {
                                append_block(&mut attrs, label, v);
                            }
                        }
                        Err(message) => rs.unresolved.push(Unresolved {
                            origin: Origin {
                                file: r.file.clone(),
                                resource: addr.clone(),
                            },
                            message,
                        }),
                    }
                    continue;
                }
                let v = match env.node(n) {
                    Ok(v) => v,
                    Err(Fail::Pending) => {
                        Val::Unknown(format!("`{k}` refers to something that does not resolve"))
                    }
                    Err(Fail::Error(e)) => Val::Unknown(format!("`{k}`: {e}")),
                };
                // Repeated nested blocks of one kind become a list.
                match attrs.remove(k) {
                    None => {
                        attrs.insert(k.clone(), v);
                    }
                    Some(Val::List(mut prev)) => {
                        prev.push(v);
                        attrs.insert(k.clone(), Val::List(prev));
                    }
                    Some(prev) => {
                        attrs.insert(k.clone(), Val::List(vec![prev, v]));
                    }
                }
            }
            let origin = Origin {
                file: r.file.clone(),
                resource: addr.clone(),
            };
            aws::terraform(
                &mut rs,
                &origin,
                &r.ty,
                &Val::Map(attrs),
                Ident::Resource(addr),
            );
        }
    }
    Ok(rs)
}

/// The key under which both syntaxes keep a body's `dynamic` blocks, by label.
pub const DYNAMIC: &str = "dynamic";

/// The shape both syntaxes give `dynamic` blocks: labels, each with a `content`.
fn is_dynamic(n: &Node) -> bool {
    let labelled = |m: &Vec<(String, Node)>| {
        m.iter().all(|(_, spec)| match spec {
            Node::Map(body) => body.iter().any(|(k, _)| k == "content"),
            _ => false,
        })
    };
    match n {
        Node::Map(m) => labelled(m),
        Node::List(l) => l.iter().all(|x| matches!(x, Node::Map(m) if labelled(m))),
        _ => false,
    }
}

/// One more nested block of kind `label`: repeated blocks are a list.
fn append_block(attrs: &mut BTreeMap<String, Val>, label: String, v: Val) {
    match attrs.entry(label) {
        Entry::Vacant(slot) => {
            slot.insert(Val::List(vec![v]));
        }
        Entry::Occupied(mut slot) => match slot.get_mut() {
            Val::List(prev) => prev.push(v),
            prev => {
                let first = std::mem::replace(prev, Val::Null);
                *prev = Val::List(vec![first, v]);
            }
        },
    }
}

/// JSON strings and HCL quoted strings share the template parser.
pub fn template_node(s: &str) -> Node {
    if !s.contains("${") && !s.contains("%{") {
        return Node::Literal(Val::Str(s.to_string()));
    }
    if let Some(e) = simple_reference(s) {
        return Node::Expr(e);
    }
    match s.parse::<Template>() {
        Ok(t) => Node::Template(t),
        Err(e) => Node::Literal(Val::Unknown(format!("bad template `{s}`: {e}"))),
    }
}

/// `"${a.b["k"].c[0]}"`: the reference form generated modules use everywhere, read
/// without the full template parser (thousands of them in a large module).
fn simple_reference(s: &str) -> Option<Expression> {
    use hcl::expr::{Traversal, Variable};
    let inner = s.strip_prefix("${")?.strip_suffix('}')?;
    let ident = |t: &str| {
        !t.is_empty()
            && t.chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && t.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    };
    let root_end = inner.find(['.', '[']).unwrap_or(inner.len());
    let root = &inner[..root_end];
    if !ident(root) {
        return None;
    }
    let mut b = Traversal::builder(Variable::unchecked(root));
    let mut rest = &inner[root_end..];
    if rest.is_empty() {
        return Some(Expression::Variable(Variable::unchecked(root)));
    }
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('.') {
            let end = r.find(['.', '[']).unwrap_or(r.len());
            if !ident(&r[..end]) {
                return None;
            }
            b = b.attr(hcl::Identifier::unchecked(&r[..end]));
            rest = &r[end..];
        } else if let Some(r) = rest.strip_prefix("[\"") {
            let end = r.find("\"]")?;
            let key = &r[..end];
            if key.contains(['\\', '"', '$', '%']) {
                return None;
            }
            b = b.index(Expression::String(key.to_string()));
            rest = &r[end + 2..];
        } else if let Some(r) = rest.strip_prefix('[') {
            let end = r.find(']')?;
            let n: u64 = r[..end].parse().ok()?;
            b = b.index(Expression::Number(n.into()));
            rest = &r[end + 1..];
        } else {
            return None;
        }
    }
    Some(Expression::Traversal(Box::new(b.build())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simple_references_match_the_full_parser() {
        for s in [
            "${aws_security_group.this[\"t-1\"].id}",
            "${var.subnet_id_vpn_a}",
            "${local.routes}",
            "${each.value.rule_number}",
            "${x[0].y}",
        ] {
            let fast = simple_reference(s).unwrap();
            let Ok(t) = s.parse::<Template>() else {
                panic!("{s}")
            };
            let [Element::Interpolation(i)] = t.elements() else {
                panic!("{s}")
            };
            assert_eq!(fast, i.expr, "{s}");
        }
        assert!(simple_reference("${a}-${b}").is_none());
        assert!(simple_reference("${f(x)}").is_none());
        assert!(simple_reference("${a[\"x\\\"y\"]}").is_none());
    }
}
