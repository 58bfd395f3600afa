//! CloudFormation templates, YAML (short-form intrinsics included) or JSON.
//!
//! `Ref` to a parameter stays symbolic (an input of the template), `Ref`/`GetAtt` to a
//! resource become that resource's logical ID; nested stacks (`AWS::CloudFormation::Stack`
//! with a relative `TemplateURL`) are read with their parameters bound to what the parent
//! passes. Anything else that does not resolve to a literal is reported, not guessed.

use super::artifact::{normalize, within, Artifact};
use super::value::Val;
use super::{aws, ReadError};
use crate::verify::model::{Ident, Origin, RuleSet, Unresolved};
use serde_json::Value as Json;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const MAX_DEPTH: usize = 8;

/// Templates parsed once, by path.
type Docs = BTreeMap<PathBuf, Json>;

/// Reads every root template (those no other template nests) with its nested stacks.
pub fn read_all(artifact: &Artifact, paths: &[PathBuf]) -> Result<RuleSet, ReadError> {
    let mut docs = Docs::new();
    for (p, doc) in paths.iter().zip(parse_all(artifact, paths)) {
        docs.insert(p.clone(), doc?);
    }
    let nested = nested_urls(&docs);
    let mut rs = RuleSet::default();
    for p in paths.iter().filter(|p| !nested.contains(*p)) {
        let mut nesting = Nesting::root(artifact, p);
        read_template(
            artifact,
            &mut docs,
            p,
            &BTreeMap::new(),
            "",
            &mut nesting,
            &mut rs,
        )?;
    }
    Ok(rs)
}

/// Every template, parsed side by side: they are independent until bound, and a large
/// nested stack's templates take most of the reading time. Results in path order.
fn parse_all(artifact: &Artifact, paths: &[PathBuf]) -> Vec<Result<Json, ReadError>> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let one = |p: &PathBuf| parse(p, artifact.get(p).unwrap_or(""));
    let threads = crate::parallel::cores().min(paths.len());
    if threads <= 1 {
        return paths.iter().map(one).collect();
    }
    let next = AtomicUsize::new(0);
    let mut done: Vec<(usize, Result<Json, ReadError>)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(p) = paths.get(i) else {
                            return mine;
                        };
                        mine.push((i, one(p)));
                    }
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}

/// Reads one root template and every nested stack below it.
pub fn read(artifact: &Artifact, path: &Path) -> Result<RuleSet, ReadError> {
    let mut rs = RuleSet::default();
    read_template(
        artifact,
        &mut Docs::new(),
        path,
        &BTreeMap::new(),
        "",
        &mut Nesting::root(artifact, path),
        &mut rs,
    )?;
    Ok(rs)
}

/// Template paths that some template includes as a nested stack.
fn nested_urls(docs: &Docs) -> BTreeSet<PathBuf> {
    let mut out = BTreeSet::new();
    for (p, doc) in docs {
        let Some(Json::Object(resources)) = doc.get("Resources") else {
            continue;
        };
        for r in resources.values() {
            if r.get("Type").and_then(Json::as_str) == Some("AWS::CloudFormation::Stack") {
                if let Some(url) = r.pointer("/Properties/TemplateURL").and_then(Json::as_str) {
                    out.extend(relative(p, url));
                }
            }
        }
    }
    out
}

/// A `TemplateURL` relative to the template that names it, exactly as `aws cloudformation
/// package` resolves it; `None` when it leaves the artifact's root.
fn relative(from: &Path, url: &str) -> Option<PathBuf> {
    let base = from.parent().unwrap_or(Path::new(""));
    if Path::new(url).is_absolute() {
        return None;
    }
    within(&base.join(url))
}

/// YAML or JSON into JSON, with short-form intrinsics spelled in long form.
pub fn parse(path: &Path, text: &str) -> Result<Json, ReadError> {
    let err = |message: String| ReadError::Parse {
        path: path.display().to_string(),
        message,
    };
    // A byte order mark before the template, as Windows editors write it: CloudFormation
    // and cfn-lint read such a template, so it is not part of the text (docs/semantics.md, AWS facts).
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if path.extension().is_some_and(|e| e == "json") {
        return serde_json::from_str(text).map_err(|e| err(e.to_string()));
    }
    // Templates shibori wrote (and most others) are block YAML of the kind
    // `crate::yaml` reads directly, at a fraction of libyaml's cost per byte.
    if let Some(Cfn(doc)) = crate::yaml::from_str::<Cfn>(text) {
        return Ok(doc);
    }
    // Bounded before libyaml reads it: nesting and aliases cost more than their bytes.
    crate::yaml::guard::check_document(text).map_err(|e| err(e.located(text)))?;
    // Straight from the YAML events into JSON: going through `serde_yaml::Value` built
    // a second tree (hashing every key) only to convert and drop it.
    serde_yaml::from_str::<Cfn>(text)
        .map(|c| c.0)
        .map_err(|e| err(e.to_string()))
}

/// A YAML merge key (`<<: *defaults`), as `aws cloudformation package` expands it before
/// CloudFormation sees the template: the merged mappings' keys are added where the
/// mapping does not set them itself, earlier mappings of a list first.
fn merge_key(m: &mut serde_json::Map<String, Json>) {
    let sources = match m.get("<<") {
        Some(Json::Object(_)) => m.remove("<<").into_iter().collect(),
        Some(Json::Array(a)) if a.iter().all(Json::is_object) => match m.remove("<<") {
            Some(Json::Array(a)) => a,
            _ => Vec::new(),
        },
        _ => Vec::new(),
    };
    for src in sources {
        if let Json::Object(src) = src {
            for (k, x) in src {
                m.entry(k).or_insert(x);
            }
        }
    }
}

/// A YAML node as JSON; a tagged node (`!Ref x`, `!GetAtt A.B`, `!Sub …`) becomes the
/// long form (`{"Ref": x}`, `{"Fn::GetAtt": [A, B]}`, `{"Fn::Sub": …}`).
struct Cfn(Json);

impl<'de> serde::Deserialize<'de> for Cfn {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(CfnVisitor).map(Cfn)
    }
}

struct CfnVisitor;

impl<'de> serde::de::Visitor<'de> for CfnVisitor {
    type Value = Json;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a YAML value")
    }

    fn visit_bool<E>(self, b: bool) -> Result<Json, E> {
        Ok(Json::Bool(b))
    }

    fn visit_i64<E>(self, i: i64) -> Result<Json, E> {
        Ok(Json::from(i))
    }

    fn visit_u64<E>(self, u: u64) -> Result<Json, E> {
        Ok(Json::from(u))
    }

    fn visit_f64<E>(self, f: f64) -> Result<Json, E> {
        Ok(serde_json::Number::from_f64(f).map_or(Json::Null, Json::Number))
    }

    fn visit_str<E>(self, s: &str) -> Result<Json, E> {
        Ok(Json::String(s.to_string()))
    }

    fn visit_string<E>(self, s: String) -> Result<Json, E> {
        Ok(Json::String(s))
    }

    fn visit_unit<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }

    fn visit_none<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }

    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Json, D::Error> {
        d.deserialize_any(CfnVisitor)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let mut v = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(Cfn(x)) = seq.next_element()? {
            v.push(x);
        }
        Ok(Json::Array(v))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let mut m = serde_json::Map::new();
        let mut merge = false;
        while let Some(Cfn(k)) = map.next_key()? {
            // A string key (nearly all of them) moves into the map; any other keeps its
            // value for the message, which is only built for a duplicate: formatting
            // every key of every template showed in profiles.
            let (key, other) = match k {
                Json::String(s) => (s, None),
                other => (other.to_string(), Some(other)),
            };
            // Noted here, where each key passes anyway: a lookup per mapping showed.
            merge |= key == "<<";
            match m.entry(key) {
                serde_json::map::Entry::Occupied(o) => {
                    let duplicate = match other {
                        None => format!("with key {:?}", o.key()),
                        Some(Json::Null) => "with null key".to_string(),
                        Some(Json::Bool(b)) => format!("with key `{b}`"),
                        Some(Json::Number(n)) => format!("with key {n}"),
                        Some(Json::String(s)) => format!("with key {s:?}"),
                        Some(Json::Array(_) | Json::Object(_)) => "in YAML map".to_string(),
                    };
                    return Err(serde::de::Error::custom(format_args!(
                        "duplicate entry {duplicate}"
                    )));
                }
                serde_json::map::Entry::Vacant(slot) => {
                    let Cfn(v) = map.next_value()?;
                    slot.insert(v);
                }
            }
        }
        if merge {
            merge_key(&mut m);
        }
        Ok(Json::Object(m))
    }

    fn visit_enum<A: serde::de::EnumAccess<'de>>(self, data: A) -> Result<Json, A::Error> {
        use serde::de::VariantAccess as _;
        let (tag, contents): (String, _) = data.variant()?;
        if tag.is_empty() {
            return Err(serde::de::Error::custom("empty YAML tag is not allowed"));
        }
        let Cfn(value) = contents.newtype_variant()?;
        Ok(short_form(tag.trim_start_matches('!'), value))
    }
}

/// The long form of a short-form intrinsic: `!Ref X` is `{Ref: X}`, `!Sub s` is
/// `{Fn::Sub: s}`, and `!GetAtt A.B` is `{Fn::GetAtt: [A, B]}` (the attribute may itself
/// contain dots).
fn short_form(name: &str, value: Json) -> Json {
    let (key, value) = match name {
        "Ref" | "Condition" => (name.to_string(), value),
        "GetAtt" => (
            "Fn::GetAtt".to_string(),
            match value {
                Json::String(s) => match s.split_once('.') {
                    Some((a, b)) => Json::Array(vec![a.into(), b.into()]),
                    None => Json::String(s),
                },
                other => other,
            },
        ),
        other => (format!("Fn::{other}"), value),
    };
    let mut m = serde_json::Map::new();
    m.insert(key, value);
    Json::Object(m)
}

/// One template's resolution scope.
struct Scope<'a> {
    path: &'a Path,
    prefix: &'a str,
    parameters: BTreeMap<String, Val>,
    resources: BTreeSet<String>,
    /// Outputs of nested stacks already read, by stack logical ID.
    stack_outputs: BTreeMap<String, BTreeMap<String, Val>>,
    /// The template's `Conditions`, evaluated when they depend on literals only.
    conditions: BTreeMap<String, Result<bool, String>>,
}

impl Scope<'_> {
    fn resolve(&self, v: &Json) -> Val {
        match v {
            Json::Null => Val::Null,
            Json::Bool(b) => Val::Bool(*b),
            Json::Number(n) => n.as_f64().map_or(Val::Null, Val::Num),
            Json::String(s) => Val::Str(s.clone()),
            // `!Ref AWS::NoValue` removes an element of a list.
            Json::Array(a) => Val::List(
                a.iter()
                    .map(|x| self.resolve(x))
                    .filter(|v| *v != Val::Null)
                    .collect(),
            ),
            Json::Object(m) => {
                if m.len() == 1 {
                    if let Some((k, arg)) = m.iter().next() {
                        if k == "Ref" || k.starts_with("Fn::") {
                            return self.intrinsic(k, arg);
                        }
                    }
                }
                Val::Map(
                    m.iter()
                        .map(|(k, x)| (k.clone(), self.resolve(x)))
                        .collect(),
                )
            }
        }
    }

    /// A condition of `Conditions` (`Fn::Equals` of values that resolve to literals,
    /// `Fn::Not`/`And`/`Or`, `Condition`); an error says why it has no value before
    /// deployment (an input, a pseudo parameter, …).
    fn condition(
        &self,
        v: &Json,
        all: &serde_json::Map<String, Json>,
        depth: usize,
    ) -> Result<bool, String> {
        if depth > 32 {
            return Err("conditions nest too deep (or refer to each other)".into());
        }
        let Json::Object(m) = v else {
            return Err(format!("`{v}` is not a condition"));
        };
        let Some((k, arg)) = m.iter().next().filter(|_| m.len() == 1) else {
            return Err("a condition is one intrinsic function".into());
        };
        let args = || match arg {
            Json::Array(a) => Ok(a),
            _ => Err(format!("`{k}` takes a list")),
        };
        match k.as_str() {
            "Fn::Equals" => match args()?.as_slice() {
                [a, b] => {
                    let literal = |x: &Json| match self.resolve(x) {
                        v @ (Val::Str(_) | Val::Num(_) | Val::Bool(_)) => v.text(),
                        Val::Unknown(why) => Err(why),
                        Val::Sym(i) => Err(format!("{i} has no value before deployment")),
                        other => Err(format!("`Fn::Equals` of {}", other.kind())),
                    };
                    Ok(literal(a)? == literal(b)?)
                }
                _ => Err("`Fn::Equals` takes two values".into()),
            },
            "Fn::Not" => match args()?.as_slice() {
                [c] => Ok(!self.condition(c, all, depth + 1)?),
                _ => Err("`Fn::Not` takes one condition".into()),
            },
            "Fn::And" | "Fn::Or" => {
                let mut vals = Vec::new();
                for c in args()? {
                    vals.push(self.condition(c, all, depth + 1)?);
                }
                Ok(if k == "Fn::And" {
                    vals.iter().all(|b| *b)
                } else {
                    vals.iter().any(|b| *b)
                })
            }
            "Condition" => match arg.as_str().and_then(|n| all.get(n)) {
                Some(c) => self.condition(c, all, depth + 1),
                None => Err(format!("`Condition: {arg}` names no condition")),
            },
            other => Err(format!("`{other}` is not a condition function")),
        }
    }

    /// Whether a resource with `Condition: name` exists.
    fn exists(&self, name: &Json) -> Result<bool, String> {
        let n = name.as_str().unwrap_or_default();
        match self.conditions.get(n) {
            Some(Ok(b)) => Ok(*b),
            Some(Err(why)) => Err(format!(
                "condition `{n}` has no value before deployment ({why}): the resource may exist"
            )),
            None => Err(format!(
                "`Condition: {name}` names no condition of the template"
            )),
        }
    }

    fn reference(&self, name: &str) -> Val {
        if name == "AWS::NoValue" {
            return Val::Null;
        }
        if let Some(v) = self.parameters.get(name) {
            return v.clone();
        }
        if self.resources.contains(name) {
            return Val::Sym(Ident::Resource(format!("{}{name}", self.prefix)));
        }
        if name.starts_with("AWS::") {
            return Val::Unknown(format!(
                "pseudo parameter `{name}` has no value before deployment"
            ));
        }
        Val::Unknown(format!("`Ref: {name}` names no parameter or resource"))
    }

    /// `Fn::Select` of an element of a list input: the input's name and the index.
    fn list_element(&self, v: &Json) -> Option<(String, i64)> {
        let Json::Object(m) = v else { return None };
        let Some(Json::Array(a)) = m.get("Fn::Select").filter(|_| m.len() == 1) else {
            return None;
        };
        let [index, list] = a.as_slice() else {
            return None;
        };
        let index = self.resolve(index).int().ok()?;
        match self.resolve(list) {
            Val::Sym(Ident::Input(name)) if index >= 0 => Some((name, index)),
            _ => None,
        }
    }

    fn get_att(&self, resource: &str, attr: &str) -> Val {
        if let Some(outputs) = self.stack_outputs.get(resource) {
            if let Some(name) = attr.strip_prefix("Outputs.") {
                return outputs.get(name).cloned().unwrap_or_else(|| {
                    Val::Unknown(format!("nested stack `{resource}` has no output `{name}`"))
                });
            }
        }
        if self.resources.contains(resource) {
            // Every attribute verify needs (GroupId, Id) names the resource itself.
            return Val::Sym(Ident::Resource(format!("{}{resource}", self.prefix)));
        }
        Val::Unknown(format!("`GetAtt {resource}.{attr}` names no resource"))
    }

    fn intrinsic(&self, k: &str, arg: &Json) -> Val {
        match (k, arg) {
            ("Ref", Json::String(name)) => self.reference(name),
            ("Fn::GetAtt", Json::Array(a)) if a.len() == 2 => {
                match (a[0].as_str(), self.resolve(&a[1])) {
                    (Some(r), Val::Str(attr)) => self.get_att(r, &attr),
                    _ => Val::Unknown("malformed `Fn::GetAtt`".into()),
                }
            }
            ("Fn::GetAtt", Json::String(s)) => match s.split_once('.') {
                Some((r, attr)) => self.get_att(r, attr),
                None => Val::Unknown(format!("malformed `Fn::GetAtt {s}`")),
            },
            ("Fn::Sub", Json::String(t)) => self.sub(t, &BTreeMap::new()),
            ("Fn::Sub", Json::Array(a)) if a.len() == 2 => {
                let vars = match self.resolve(&a[1]) {
                    Val::Map(m) => m,
                    _ => BTreeMap::new(),
                };
                match a[0].as_str() {
                    Some(t) => self.sub(t, &vars),
                    None => Val::Unknown("malformed `Fn::Sub`".into()),
                }
            }
            ("Fn::Join", Json::Array(a)) if a.len() == 2 => {
                let sep = match a[0].as_str() {
                    Some(s) => s,
                    None => return Val::Unknown("malformed `Fn::Join`".into()),
                };
                let parts = match self.resolve(&a[1]) {
                    Val::List(v) => v,
                    other => return other,
                };
                let mut out = Vec::new();
                for p in parts {
                    match p.text() {
                        Ok(t) => out.push(t),
                        Err(why) => return Val::Unknown(why),
                    }
                }
                Val::Str(out.join(sep))
            }
            ("Fn::If", Json::Array(a)) if a.len() == 3 => match a[0].as_str() {
                Some(name) => match self.conditions.get(name) {
                    Some(Ok(true)) => self.resolve(&a[1]),
                    Some(Ok(false)) => self.resolve(&a[2]),
                    Some(Err(why)) => Val::Unknown(format!(
                        "`Fn::If` on condition `{name}`, which has no value before deployment ({why})"
                    )),
                    None => Val::Unknown(format!("`Fn::If` names no condition `{name}`")),
                },
                None => Val::Unknown("malformed `Fn::If`".into()),
            },
            ("Fn::Select", Json::Array(a)) if a.len() == 2 => {
                match (self.resolve(&a[0]).int(), self.resolve(&a[1])) {
                    (Ok(i), Val::List(v)) => usize::try_from(i)
                        .ok()
                        .and_then(|i| v.get(i).cloned())
                        .unwrap_or_else(|| Val::Unknown("`Fn::Select` index out of range".into())),
                    _ => Val::Unknown("`Fn::Select` does not resolve".into()),
                }
            }
            _ => Val::Unknown(format!("`{k}` is not resolved by verify")),
        }
    }

    /// `${Name}`, `${Res.Attr}` and `${!Literal}`. A template that is exactly one
    /// reference keeps the reference's value, so `!Sub ${SubnetId}` stays symbolic.
    fn sub(&self, template: &str, vars: &BTreeMap<String, Val>) -> Val {
        let lookup = |name: &str| -> Val {
            if let Some(v) = vars.get(name) {
                return v.clone();
            }
            match name.split_once('.') {
                Some((r, a)) if !self.parameters.contains_key(name) => self.get_att(r, a),
                _ => self.reference(name),
            }
        };
        let t = template.trim();
        if let Some(inner) = t.strip_prefix("${").and_then(|r| r.strip_suffix('}')) {
            if !inner.contains("${") && !inner.starts_with('!') && !inner.contains('}') {
                return lookup(inner.trim());
            }
        }
        let mut out = String::new();
        let mut rest = template;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let Some(end) = after.find('}') else {
                return Val::Unknown("unterminated `${` in `Fn::Sub`".into());
            };
            let name = &after[..end];
            if let Some(lit) = name.strip_prefix('!') {
                out.push_str("${");
                out.push_str(lit);
                out.push('}');
            } else {
                match lookup(name.trim()).text() {
                    Ok(t) => out.push_str(&t),
                    Err(why) => return Val::Unknown(why),
                }
            }
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        Val::Str(out)
    }
}

/// CloudFormation's per-template quotas: a template over one of them does not deploy,
/// so it proves nothing.
const TEMPLATE_LIMITS: [(&str, usize); 4] = [
    ("Resources", 500),
    ("Parameters", 200),
    ("Outputs", 200),
    ("Mappings", 200),
];
/// The largest template body CloudFormation reads (from S3).
const TEMPLATE_BYTES: usize = 1 << 20;

fn over_limits(doc: &Json, bytes: usize) -> Vec<String> {
    let mut out: Vec<String> = TEMPLATE_LIMITS
        .iter()
        .filter_map(|&(section, limit)| {
            let n = doc
                .get(section)
                .and_then(Json::as_object)
                .map_or(0, |m| m.len());
            (n > limit).then(|| {
                format!(
                    "the template has {n} {}; CloudFormation accepts at most {limit}",
                    section.to_lowercase()
                )
            })
        })
        .collect();
    if bytes > TEMPLATE_BYTES {
        out.push(format!(
            "the template is {bytes} bytes; CloudFormation accepts at most {TEMPLATE_BYTES} (1 MiB)"
        ));
    }
    out
}

/// The nested stacks above the template being read, and how much nested-stack text
/// has been read: a template that nests itself is a cycle, and one that nests another
/// several times over several levels multiplies; both are reported, not followed. A
/// template may be nested more than once, up to four times the artifact's size in all.
struct Nesting {
    chain: Vec<PathBuf>,
    read: usize,
    budget: usize,
    /// Elements of list inputs passed to nested stacks, each under one parameter name:
    /// (list input, index) → name, and name → (list input, index).
    elements: BTreeMap<(String, i64), String>,
    element_names: BTreeMap<String, (String, i64)>,
    /// The root template's parameters: the inputs that keep their own names.
    inputs: BTreeSet<String>,
}

impl Nesting {
    fn root(artifact: &Artifact, path: &Path) -> Self {
        let size: usize = artifact.files.values().map(String::len).sum();
        Nesting {
            chain: vec![normalize(path)],
            read: 0,
            budget: size.saturating_mul(4).saturating_add(1 << 20),
            elements: BTreeMap::new(),
            element_names: BTreeMap::new(),
            inputs: BTreeSet::new(),
        }
    }

    /// A nested stack's parameter `name` given element `index` of list input `list`
    /// (`Fn::Select`): it stands for that element under its own name, which binds it to
    /// the intent like any input, as long as each element is passed under one name and
    /// each name is given one element (otherwise two names could be one object, or one
    /// name two objects).
    fn element(&mut self, list: String, index: i64, name: &str) -> Val {
        if self.inputs.contains(name) {
            return Val::Unknown(format!(
                "parameter `{name}` is passed an element of list input `{list}`, and the root template has an input of that name too"
            ));
        }
        let key = (list, index);
        let by_element = self.elements.get(&key);
        let by_name = self.element_names.get(name);
        match (by_element, by_name) {
            (None, None) => {
                self.elements.insert(key.clone(), name.to_string());
                self.element_names.insert(name.to_string(), key);
                Val::Sym(Ident::Input(name.to_string()))
            }
            (Some(n), Some(k)) if n == name && *k == key => Val::Sym(Ident::Input(name.to_string())),
            (Some(other), _) if other != name => Val::Unknown(format!(
                "element {} of list input `{}` is passed as both `{other}` and `{name}`",
                key.1, key.0
            )),
            _ => Val::Unknown(format!(
                "parameter `{name}` is passed different elements of list inputs in different nested stacks"
            )),
        }
    }

    fn refuse(&self, artifact: &Artifact, child: &Path) -> Option<String> {
        let size = artifact.get(child).map_or(0, str::len);
        if self.chain.iter().any(|p| p == child) {
            Some("nests a template that contains it (a cycle)".into())
        } else if self.read.saturating_add(size) > self.budget {
            Some(format!(
                "is one nested stack too many: verify reads at most {} bytes of nested templates (four times the artifact)",
                self.budget
            ))
        } else {
            None
        }
    }

    fn enter(&mut self, artifact: &Artifact, child: PathBuf) -> &mut Self {
        self.read = self
            .read
            .saturating_add(artifact.get(&child).map_or(0, str::len));
        self.chain.push(child);
        self
    }
}

fn read_template(
    artifact: &Artifact,
    docs: &mut Docs,
    path: &Path,
    bindings: &BTreeMap<String, Val>,
    prefix: &str,
    nesting: &mut Nesting,
    rs: &mut RuleSet,
) -> Result<BTreeMap<String, Val>, ReadError> {
    let doc = match docs.remove(path) {
        Some(d) => d,
        None => {
            let text = artifact.get(path).ok_or_else(|| ReadError::Io {
                path: path.display().to_string(),
                message: "no such file in the artifact".into(),
            })?;
            parse(path, text)?
        }
    };
    let format = |message: &str| ReadError::Format {
        path: path.display().to_string(),
        message: message.to_string(),
    };
    let Some(Json::Object(resources)) = doc.get("Resources") else {
        return Err(format("not a CloudFormation template: no `Resources` map"));
    };
    for message in over_limits(&doc, artifact.get(path).map_or(0, str::len)) {
        rs.unresolved.push(crate::verify::model::Unresolved {
            origin: Origin {
                file: path.display().to_string(),
                resource: match prefix.trim_end_matches('/') {
                    "" => "the template".to_string(),
                    stack => stack.to_string(),
                },
            },
            message,
        });
    }
    let mut parameters = BTreeMap::new();
    if let Some(Json::Object(ps)) = doc.get("Parameters") {
        if bindings.is_empty() && nesting.chain.len() == 1 {
            nesting.inputs.extend(ps.keys().cloned());
        }
        for name in ps.keys() {
            let v = bindings
                .get(name)
                .cloned()
                .unwrap_or_else(|| Val::Sym(Ident::Input(name.clone())));
            parameters.insert(name.clone(), v);
        }
    }
    let mut scope = Scope {
        path,
        prefix,
        parameters,
        resources: resources.keys().cloned().collect(),
        stack_outputs: BTreeMap::new(),
        conditions: BTreeMap::new(),
    };
    if let Some(Json::Object(cs)) = doc.get("Conditions") {
        let conditions = cs
            .iter()
            .map(|(name, c)| (name.clone(), scope.condition(c, cs, 0)))
            .collect();
        scope.conditions = conditions;
    }
    let file = path.display().to_string();
    let note = |rs: &mut RuleSet, what: &str, message: String| {
        rs.unresolved.push(Unresolved {
            origin: Origin {
                file: file.clone(),
                resource: format!("{prefix}{what}"),
            },
            message,
        })
    };
    // A transform (a macro such as `AWS::LanguageExtensions` or `AWS::Serverless`)
    // rewrites the template at deployment: what is written here is not what deploys.
    if let Some(t) = doc.get("Transform") {
        note(
            rs,
            "Transform",
            format!("the template declares `Transform: {t}`, which verify does not expand: the deployed template is not this one"),
        );
    }
    // Only a template whose text names a transform can hold one (`!Transform` too).
    let named = artifact
        .get(path)
        .is_none_or(|text| memchr::memmem::find(text.as_bytes(), b"Transform").is_some());
    if let Some(at) = named.then(|| transform_inside(&doc)).flatten() {
        note(
            rs,
            &at,
            "`Fn::Transform` runs a macro at deployment, which verify does not expand".into(),
        );
    }
    // Whether CloudFormation creates the resource: its condition, when it has one.
    let exists = |rs: &mut RuleSet, scope: &Scope, id: &str, r: &Json| -> bool {
        let Some(c) = r.get("Condition") else {
            return true;
        };
        match scope.exists(c) {
            Ok(b) => b,
            Err(why) => {
                note(rs, id, why);
                true
            }
        }
    };
    // Nested stacks first, so that the parent's `GetAtt Stack.Outputs.X` resolve.
    for (id, r) in resources {
        if r.get("Type").and_then(Json::as_str) != Some("AWS::CloudFormation::Stack")
            || !exists(rs, &scope, id, r)
        {
            continue;
        }
        let origin = Origin {
            file: file.clone(),
            resource: format!("{prefix}{id}"),
        };
        let props = scope.resolve(r.get("Properties").unwrap_or(&Json::Null));
        let url = match props.req("TemplateURL").and_then(|u| u.text()) {
            Ok(u) => u,
            Err(message) => {
                rs.unresolved
                    .push(crate::verify::model::Unresolved { origin, message });
                continue;
            }
        };
        if url.contains("://") || nesting.chain.len() > MAX_DEPTH {
            rs.unresolved.push(crate::verify::model::Unresolved {
                origin,
                message: format!(
                    "nested stack `{url}` is not a relative path inside the artifact (or nests too deep)"
                ),
            });
            continue;
        }
        let Some(child) = relative(scope.path, &url) else {
            rs.unresolved.push(crate::verify::model::Unresolved {
                origin,
                message: format!(
                    "nested stack `{url}` leaves the artifact's folder: verify reads only the artifact's own files"
                ),
            });
            continue;
        };
        if let Some(message) = nesting.refuse(artifact, &child) {
            rs.unresolved.push(crate::verify::model::Unresolved {
                origin,
                message: format!("nested stack `{url}` {message}"),
            });
            continue;
        }
        let mut passed = match props.get("Parameters") {
            Some(Val::Map(m)) => m.clone(),
            _ => BTreeMap::new(),
        };
        if let Some(Json::Object(raw)) = r.pointer("/Properties/Parameters") {
            for (name, v) in raw {
                if let Some((list, index)) = scope.list_element(v) {
                    passed.insert(name.clone(), nesting.element(list, index, name));
                }
            }
        }
        let outputs = read_template(
            artifact,
            docs,
            &child,
            &passed,
            &format!("{prefix}{id}/"),
            nesting.enter(artifact, child.clone()),
            rs,
        )?;
        nesting.chain.pop();
        scope.stack_outputs.insert(id.clone(), outputs);
    }
    for (id, r) in resources {
        let Some(ty) = r.get("Type").and_then(Json::as_str) else {
            note(
                rs,
                id,
                "a resource without a `Type` (CloudFormation rejects the template)".into(),
            );
            continue;
        };
        if ty == "AWS::CloudFormation::Stack" || !exists(rs, &scope, id, r) {
            continue;
        }
        let origin = Origin {
            file: file.clone(),
            resource: format!("{prefix}{id}"),
        };
        let props = scope.resolve(r.get("Properties").unwrap_or(&Json::Null));
        let me = Ident::Resource(format!("{prefix}{id}"));
        aws::cloudformation(rs, &origin, ty, &props, me);
    }
    host_facts(&doc, &scope, rs);
    let mut outputs = BTreeMap::new();
    if let Some(Json::Object(os)) = doc.get("Outputs") {
        for (name, o) in os {
            outputs.insert(
                name.clone(),
                scope.resolve(o.get("Value").unwrap_or(&Json::Null)),
            );
        }
    }
    Ok(outputs)
}

/// Where a `Fn::Transform` sits in the template, if anywhere (it may share a map with
/// other keys, so the resolver alone would not see it).
fn transform_inside(doc: &Json) -> Option<String> {
    match doc {
        Json::Object(m) => m.iter().find_map(|(k, v)| {
            if k == "Fn::Transform" {
                Some(k.clone())
            } else {
                transform_inside(v).map(|at| format!("{k}/{at}"))
            }
        }),
        Json::Array(a) => a.iter().find_map(transform_inside),
        _ => None,
    }
}

/// What a host template with merged snippets says around them (docs/snippets.md): the
/// `Metadata.shibori` records, the subnets with a literal CIDR, the subnets' ACLs.
fn host_facts(doc: &Json, scope: &Scope, rs: &mut RuleSet) {
    use crate::verify::model::MergedSnippet;
    if let Some(Json::Object(records)) = doc.pointer("/Metadata/shibori") {
        for (intent, r) in records {
            let resources = r
                .get("resources")
                .and_then(Json::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Json::as_str)
                        .map(|id| format!("{}{id}", scope.prefix))
                        .collect()
                })
                .unwrap_or_default();
            let mut bindings = Vec::new();
            if let Some(Json::Object(bs)) = r.get("bindings") {
                for (input, b) in bs {
                    let Some(text) = b.as_str().map(str::trim) else {
                        continue;
                    };
                    // The spelling of `render --snippet --bind`.
                    let v = if let Some(id) = text.strip_prefix("!Ref ") {
                        scope.reference(id.trim())
                    } else if let Some(att) = text.strip_prefix("!GetAtt ") {
                        match att.trim().split_once('.') {
                            Some((r, a)) => scope.get_att(r, a),
                            None => continue,
                        }
                    } else {
                        Val::Str(text.to_string())
                    };
                    if let Ok(id) = v.ident() {
                        bindings.push((input.clone(), id));
                    }
                }
            }
            rs.host.snippets.push(MergedSnippet {
                intent: intent.clone(),
                resources,
                bindings,
            });
        }
    }
    let Some(Json::Object(resources)) = doc.get("Resources") else {
        return;
    };
    for (id, r) in resources {
        let props = || scope.resolve(r.get("Properties").unwrap_or(&Json::Null));
        match r.get("Type").and_then(Json::as_str) {
            Some("AWS::EC2::Subnet") => {
                let cidr = props().get("CidrBlock").and_then(|c| c.text().ok());
                if let Some(net) = cidr.and_then(|c| c.parse().ok()) {
                    let me = Ident::Resource(format!("{}{id}", scope.prefix));
                    rs.host.subnets.push((me, net));
                }
            }
            Some("AWS::EC2::SubnetNetworkAclAssociation") => {
                let p = props();
                let ident = |k: &str| p.get(k).and_then(|v| v.ident().ok());
                if let (Some(subnet), Some(acl)) = (ident("SubnetId"), ident("NetworkAclId")) {
                    rs.host.acl_associations.push((subnet, acl));
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::model::{Action, Proto, SgPeer};

    fn read_one(name: &str, text: &str) -> RuleSet {
        let mut files = BTreeMap::new();
        files.insert(PathBuf::from(name), text.to_string());
        read(&Artifact::from_files("t", files), Path::new(name)).unwrap()
    }

    /// The conversion `parse` replaced: through `serde_yaml::Value`, kept as the oracle.
    fn via_value(y: serde_yaml::Value) -> Json {
        use serde_yaml::Value as Y;
        match y {
            Y::Null => Json::Null,
            Y::Bool(b) => Json::Bool(b),
            Y::Number(n) => {
                if let Some(i) = n.as_i64() {
                    Json::from(i)
                } else if let Some(u) = n.as_u64() {
                    Json::from(u)
                } else {
                    n.as_f64()
                        .and_then(serde_json::Number::from_f64)
                        .map_or(Json::Null, Json::Number)
                }
            }
            Y::String(s) => Json::String(s),
            Y::Sequence(v) => Json::Array(v.into_iter().map(via_value).collect()),
            Y::Mapping(m) => Json::Object(
                m.into_iter()
                    .map(|(k, v)| {
                        let key = match via_value(k) {
                            Json::String(s) => s,
                            other => other.to_string(),
                        };
                        (key, via_value(v))
                    })
                    .collect(),
            ),
            Y::Tagged(t) => {
                let tag = t.tag.to_string();
                let name = tag.trim_start_matches('!');
                short_form(name, via_value(t.value))
            }
        }
    }

    #[test]
    fn yaml_reads_as_through_serde_yaml_value() {
        let text = r#"
AWSTemplateFormatVersion: 2010-09-09
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Parameters:
  Env: {Type: String, Default: "dev", AllowedValues: [dev, prod]}
Resources:
  Sg: &sg
    Type: AWS::EC2::SecurityGroup
    Condition: IsProd
    Properties:
      GroupName: !Sub "x-${Env}"
      GroupDescription: !Join ["-", [a, !Ref Env, 'b c']]
      VpcId: !If [IsProd, !ImportValue vpc, !Ref "AWS::NoValue"]
      SecurityGroupEgress:
        - {CidrIp: 255.255.255.255/32, IpProtocol: icmp, FromPort: 252, ToPort: 86}
  Copy: *sg
  In:
    Type: AWS::EC2::SecurityGroupIngress
    Properties:
      GroupId: !GetAtt Sg.GroupId
      Other: !GetAtt [Sg, GroupId]
      Nested: !GetAtt Stack.Outputs.Thing
      Sub2: !Sub
        - "${A}-${B}"
        - {A: !Ref Env, B: !Select [0, !GetAZs '']}
      Numbers: [0, -1, 1.5, 1e3, 0x1F, 0o17, .inf, -.nan, 18446744073709551615]
      Bools: [true, false, True, FALSE, yes, no, ~, null, '']
      Block: |
        two
        lines
      1: numeric key
      true: bool key
      ~: null key
      [a, b]: seq key
"#;
        let want = via_value(serde_yaml::from_str(text).unwrap());
        let got = parse(Path::new("t.yaml"), text).unwrap();
        assert_eq!(got, want);
        assert_eq!(
            serde_json::to_string(&got).unwrap(),
            serde_json::to_string(&want).unwrap(),
            "same key order"
        );
        let dup = parse(Path::new("t.yaml"), "Resources: {A: 1, A: 2}").unwrap_err();
        let old = serde_yaml::from_str::<serde_yaml::Value>("Resources: {A: 1, A: 2}")
            .unwrap_err()
            .to_string();
        assert!(dup.to_string().ends_with(&old), "{dup} vs {old}");
    }

    #[test]
    fn short_form_intrinsics() {
        let rs = read_one(
            "t.yaml",
            r#"
Parameters:
  SubnetVpnAId: {Type: "AWS::EC2::Subnet::Id"}
Resources:
  Sg:
    Type: AWS::EC2::SecurityGroup
    Properties: {GroupName: !Sub "x-${SubnetVpnAId}", GroupDescription: d}
  In:
    Type: AWS::EC2::SecurityGroupIngress
    Properties:
      GroupId: !GetAtt Sg.GroupId
      IpProtocol: tcp
      FromPort: 22
      ToPort: 22
      SourceSecurityGroupId: !Ref Sg
  Entry:
    Type: AWS::EC2::NetworkAclEntry
    Properties:
      NetworkAclId: acl-1
      RuleNumber: 100
      Protocol: 6
      RuleAction: allow
      Egress: true
      CidrBlock: 10.0.0.0/24
      PortRange: {From: 22, To: 22}
  Assoc:
    Type: AWS::EC2::ClientVpnTargetNetworkAssociation
    Properties: {ClientVpnEndpointId: !Ref Ep, SubnetId: !Ref SubnetVpnAId}
"#,
        );
        assert_eq!(rs.sg_rules.len(), 1);
        assert_eq!(rs.sg_rules[0].group, Ident::Resource("Sg".into()));
        assert_eq!(
            rs.sg_rules[0].peer,
            SgPeer::Group(Ident::Resource("Sg".into()))
        );
        assert_eq!(
            rs.security_groups[0].name, None,
            "Sub of an input has no literal"
        );
        assert_eq!(rs.nacl_rules[0].protocol, Proto::Tcp);
        assert_eq!(rs.nacl_rules[0].action, Action::Allow);
        assert_eq!(
            rs.associations[0].subnet,
            Ident::Input("SubnetVpnAId".into())
        );
    }

    #[test]
    fn unresolvable_reference_is_reported() {
        let rs = read_one(
            "t.json",
            r#"{"Resources": {"R": {"Type": "AWS::EC2::ClientVpnRoute",
                "Properties": {"DestinationCidrBlock": "10.1.0.0/16", "TargetVpcSubnetId": {"Ref": "Nope"}}}}}"#,
        );
        assert!(rs.routes.is_empty());
        assert!(
            rs.unresolved[0].message.contains("Nope"),
            "{:?}",
            rs.unresolved
        );
    }

    #[test]
    fn literal_conditions_decide_and_others_are_unresolved() {
        let rs = read_one(
            "t.yaml",
            r#"
Parameters:
  Env: {Type: String, Default: prod}
Conditions:
  Always: !Equals [a, a]
  Never: !Not [!Condition Always]
  Both: !And [!Condition Always, !Or [!Condition Never, !Equals [1, "1"]]]
  ByInput: !Equals [!Ref Env, prod]
Resources:
  Kept:
    Type: AWS::EC2::ClientVpnRoute
    Condition: Both
    Properties:
      DestinationCidrBlock: !If [Never, 10.9.0.0/16, 10.8.0.0/16]
      TargetVpcSubnetId: subnet-1
      Description: !Ref AWS::NoValue
  Dropped:
    Type: AWS::EC2::ClientVpnRoute
    Condition: Never
    Properties: {DestinationCidrBlock: 10.7.0.0/16, TargetVpcSubnetId: subnet-1}
  Maybe:
    Type: AWS::EC2::ClientVpnRoute
    Condition: ByInput
    Properties: {DestinationCidrBlock: 10.6.0.0/16, TargetVpcSubnetId: subnet-1}
"#,
        );
        let routes: Vec<String> = rs.routes.iter().map(|r| r.cidr.to_string()).collect();
        assert_eq!(routes, ["10.8.0.0/16", "10.6.0.0/16"]);
        assert_eq!(rs.unresolved.len(), 1, "{:?}", rs.unresolved);
        assert!(rs.unresolved[0].message.contains("`ByInput`"));
    }

    #[test]
    fn template_urls_resolve_exactly_and_stay_inside() {
        let p = Path::new("stacks/parent.yaml");
        assert_eq!(
            relative(p, "../child.yaml"),
            Some(PathBuf::from("child.yaml"))
        );
        assert_eq!(
            relative(p, "./nested/../c.yaml"),
            Some(PathBuf::from("stacks/c.yaml"))
        );
        assert_eq!(relative(Path::new("parent.yaml"), "../child.yaml"), None);
        assert_eq!(relative(Path::new("parent.yaml"), "/etc/child.yaml"), None);
    }

    #[test]
    fn templates_over_a_quota_are_unresolved() {
        let section = |name: &str, n: usize| {
            let entries: Vec<String> = (0..n).map(|i| format!("  {name}{i}: {{}}")).collect();
            format!("{name}:\n{}\n", entries.join("\n"))
        };
        let ok = read_one(
            "t.yaml",
            &format!(
                "{}{}Resources: {{}}\n",
                section("Mappings", 200),
                section("Outputs", 200)
            ),
        );
        assert!(ok.unresolved.is_empty(), "{:?}", ok.unresolved);
        let over = read_one(
            "t.yaml",
            &format!(
                "{}{}Resources: {{}}\n",
                section("Mappings", 201),
                section("Parameters", 201)
            ),
        );
        let messages: Vec<&str> = over.unresolved.iter().map(|u| u.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "the template has 201 parameters; CloudFormation accepts at most 200",
                "the template has 201 mappings; CloudFormation accepts at most 200",
            ]
        );
    }

    #[test]
    fn nested_stack_binds_parameters() {
        let mut files = BTreeMap::new();
        files.insert(
            PathBuf::from("parent.yaml"),
            r#"
Resources:
  Ep: {Type: AWS::EC2::SecurityGroup, Properties: {GroupDescription: e}}
  Child:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: ./nested/child.yaml
      Parameters: {EndpointSg: !GetAtt Ep.GroupId}
"#
            .to_string(),
        );
        files.insert(
            PathBuf::from("nested/child.yaml"),
            r#"
Parameters: {EndpointSg: {Type: String}}
Resources:
  In:
    Type: AWS::EC2::SecurityGroupIngress
    Properties: {GroupId: sg-1, IpProtocol: "-1", SourceSecurityGroupId: !Ref EndpointSg}
"#
            .to_string(),
        );
        let a = Artifact::from_files("t", files);
        let (syntax, rs) = super::super::read(&a).unwrap();
        assert_eq!(syntax, super::super::Syntax::CloudFormation);
        assert_eq!(
            rs.sg_rules[0].peer,
            SgPeer::Group(Ident::Resource("Ep".into()))
        );
        assert_eq!(rs.sg_rules[0].origin.resource, "Child/In");
    }

    /// The children of a parent that takes its ACL IDs as a list, each passed its ACL
    /// with `Fn::Select`; `second` is what the second child is passed.
    fn list_passing(second: &str, child_param: &str) -> RuleSet {
        let mut files = BTreeMap::new();
        files.insert(
            PathBuf::from("parent.yaml"),
            format!(
                r#"
Parameters:
  NetworkAclIds1: {{Type: CommaDelimitedList}}
  NetworkAclIdB: {{Type: String}}
Resources:
  One:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: ./one.yaml
      Parameters: {{NetworkAclIdA: !Select [0, !Ref NetworkAclIds1]}}
  Two:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: ./two.yaml
      Parameters: {{{child_param}: {second}}}
"#
            ),
        );
        for (file, param) in [("one.yaml", "NetworkAclIdA"), ("two.yaml", child_param)] {
            files.insert(
                PathBuf::from(file),
                format!(
                    r#"
Parameters: {{{param}: {{Type: String}}}}
Resources:
  In:
    Type: AWS::EC2::NetworkAclEntry
    Properties: {{NetworkAclId: !Ref {param}, RuleNumber: 100, Protocol: 6, RuleAction: allow, Egress: false, CidrBlock: 10.0.0.0/24, PortRange: {{From: 22, To: 22}}}}
"#
                ),
            );
        }
        read(&Artifact::from_files("t", files), Path::new("parent.yaml")).unwrap()
    }

    #[test]
    fn list_elements_passed_to_nested_stacks_are_inputs_by_the_childs_name() {
        let rs = list_passing("!Select [1, !Ref NetworkAclIds1]", "NetworkAclIdB2");
        assert!(rs.unresolved.is_empty(), "{:?}", rs.unresolved);
        let acls: Vec<&Ident> = rs.nacl_rules.iter().map(|r| &r.acl).collect();
        assert_eq!(
            acls,
            [
                &Ident::Input("NetworkAclIdA".into()),
                &Ident::Input("NetworkAclIdB2".into())
            ]
        );
    }

    #[test]
    fn list_elements_and_names_must_pair_one_to_one() {
        // One element under two names: two ACLs in the artifact, one in AWS.
        let rs = list_passing("!Select [0, !Ref NetworkAclIds1]", "NetworkAclIdB2");
        assert_eq!(rs.unresolved.len(), 1, "{:?}", rs.unresolved);
        assert!(rs.unresolved[0].message.contains("passed as both"));
        // One name for two elements: one ACL in the artifact, two in AWS.
        let rs = list_passing("!Select [1, !Ref NetworkAclIds1]", "NetworkAclIdA");
        assert_eq!(rs.unresolved.len(), 1, "{:?}", rs.unresolved);
        // A name that is also a root input.
        let rs = list_passing("!Select [1, !Ref NetworkAclIds1]", "NetworkAclIdB");
        assert_eq!(rs.unresolved.len(), 1, "{:?}", rs.unresolved);
        assert!(rs.unresolved[0].message.contains("root template"));
    }
}
