//! A Terraform plan or state as JSON (`terraform show -json`), recognised by content:
//! `format_version` with `planned_values` (a plan) or `values` (a state). Every module's
//! resources are read, whatever their layout. A value unknown at plan time (the ID of a
//! group the same plan creates) is absent from `planned_values`; it is resolved through the
//! `configuration` block's `references` to the resource it names, through module inputs
//! where needed. What cannot be resolved that way is an unresolved finding.

use super::artifact::Artifact;
use super::value::Val;
use super::{aws, ReadError};
use crate::verify::model::{
    Action, Direction, Ident, NaclRule, Origin, Proto, RuleSet, SubnetFact, Unresolved,
};
use serde_json::{Map, Value as Json};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// The first JSON file of the artifact that looks like `terraform show -json` output: a
/// JSON object naming `format_version` and `root_module`. Textual, so that a large plan is
/// parsed once, by `read`, which checks the structure.
pub fn find(artifact: &Artifact) -> Option<PathBuf> {
    artifact
        .files
        .iter()
        .find(|(p, t)| {
            p.to_string_lossy().ends_with(".json")
                && t.trim_start().starts_with('{')
                && t.contains("\"format_version\"")
                && t.contains("\"root_module\"")
        })
        .map(|(p, _)| p.clone())
}

/// `format_version` and either `planned_values` or `values` with a `root_module`.
pub fn is_show_json(doc: &Json) -> bool {
    doc.get("format_version").is_some_and(Json::is_string)
        && ["planned_values", "values"]
            .iter()
            .any(|k| doc.get(*k).and_then(|v| v.get("root_module")).is_some())
}

pub fn read(artifact: &Artifact, files: &[PathBuf]) -> Result<RuleSet, ReadError> {
    let mut rs = RuleSet {
        describes_more: true,
        ..RuleSet::default()
    };
    for f in files {
        let path = f.display().to_string();
        let doc: Json =
            serde_json::from_str(artifact.get(f).unwrap_or("")).map_err(|e| ReadError::Parse {
                path: path.clone(),
                message: e.to_string(),
            })?;
        if !is_show_json(&doc) {
            return Err(ReadError::Format {
                path,
                message: "not `terraform show -json` output: `format_version` with `planned_values` or `values` holding a `root_module` expected".into(),
            });
        }
        read_doc(&mut rs, &doc, &path);
    }
    Ok(rs)
}

/// One module's configuration: resource expressions by address (without instance key),
/// module calls by name, and the calling module's path.
#[derive(Default)]
struct Config<'a> {
    /// `module.a.module.b.` → (resource address → expressions).
    resources: BTreeMap<String, BTreeMap<String, &'a Map<String, Json>>>,
    /// `module.a.module.b.` → module calls (name → expressions).
    calls: BTreeMap<String, BTreeMap<String, &'a Map<String, Json>>>,
    /// `module.a.` → outputs (name → expression).
    outputs: BTreeMap<String, BTreeMap<String, &'a Json>>,
}

fn collect_config<'a>(cfg: &'a Json, prefix: &str, out: &mut Config<'a>) {
    if let Some(outputs) = cfg.get("outputs").and_then(Json::as_object) {
        for (name, o) in outputs {
            if let Some(e) = o.get("expression") {
                out.outputs
                    .entry(prefix.to_string())
                    .or_default()
                    .insert(name.clone(), e);
            }
        }
    }
    for r in cfg
        .get("resources")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
    {
        if let (Some(addr), Some(ex)) = (
            r.get("address").and_then(Json::as_str),
            r.get("expressions").and_then(Json::as_object),
        ) {
            out.resources
                .entry(prefix.to_string())
                .or_default()
                .insert(addr.to_string(), ex);
        }
    }
    if let Some(calls) = cfg.get("module_calls").and_then(Json::as_object) {
        for (name, call) in calls {
            if let Some(ex) = call.get("expressions").and_then(Json::as_object) {
                out.calls
                    .entry(prefix.to_string())
                    .or_default()
                    .insert(name.clone(), ex);
            }
            if let Some(m) = call.get("module") {
                collect_config(m, &format!("{prefix}module.{name}."), out);
            }
        }
    }
}

/// A resource instance of `planned_values` / `values`.
struct Instance<'a> {
    /// Module path prefix: `""` or `module.net.` (instance keys of modules removed).
    prefix: String,
    address: String,
    ty: String,
    /// Address without module path and instance key, as `configuration` names it.
    config_address: String,
    values: &'a Map<String, Json>,
    /// `resource_changes[].change.after_unknown` for this instance.
    unknown: Option<&'a Json>,
}

fn collect_instances<'a>(
    module: &'a Json,
    unknown: &BTreeMap<&'a str, &'a Json>,
    out: &mut Vec<Instance<'a>>,
) {
    for r in module
        .get("resources")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
    {
        if r.get("mode").and_then(Json::as_str) == Some("data") {
            continue;
        }
        let (Some(address), Some(ty), Some(name)) = (
            r.get("address").and_then(Json::as_str),
            r.get("type").and_then(Json::as_str),
            r.get("name").and_then(Json::as_str),
        ) else {
            continue;
        };
        let empty: &'static Map<String, Json> = empty_map();
        let values = r.get("values").and_then(Json::as_object).unwrap_or(empty);
        out.push(Instance {
            prefix: module_prefix(address),
            address: address.to_string(),
            ty: ty.to_string(),
            config_address: format!("{ty}.{name}"),
            values,
            unknown: unknown.get(address).copied(),
        });
    }
    for c in module
        .get("child_modules")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
    {
        collect_instances(c, unknown, out);
    }
}

fn empty_map() -> &'static Map<String, Json> {
    static EMPTY: std::sync::OnceLock<Map<String, Json>> = std::sync::OnceLock::new();
    EMPTY.get_or_init(Map::new)
}

/// `module.a["x"].module.b.aws_x.y[0]` → `module.a.module.b.`.
fn module_prefix(address: &str) -> String {
    let mut out = String::new();
    let mut rest = address;
    while let Some(after) = rest.strip_prefix("module.") {
        let end = after.find(['.', '[']).unwrap_or(after.len());
        out.push_str("module.");
        out.push_str(&after[..end]);
        out.push('.');
        let mut tail = &after[end..];
        if tail.starts_with('[') {
            tail = tail.find("].").map_or("", |i| &tail[i + 1..]);
        }
        rest = tail.strip_prefix('.').unwrap_or(tail);
    }
    out
}

/// Resource address → its instances' addresses (for references by base address).
type Instances = BTreeMap<String, Vec<String>>;

fn read_doc(rs: &mut RuleSet, doc: &Json, file: &str) {
    let root = doc
        .get("planned_values")
        .or_else(|| doc.get("values"))
        .and_then(|v| v.get("root_module"));
    let Some(root) = root else {
        return;
    };
    let mut unknown = BTreeMap::new();
    for c in doc
        .get("resource_changes")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
    {
        if let (Some(a), Some(u)) = (
            c.get("address").and_then(Json::as_str),
            c.get("change").and_then(|ch| ch.get("after_unknown")),
        ) {
            unknown.insert(a, u);
        }
    }
    let mut config = Config::default();
    if let Some(c) = doc.get("configuration").and_then(|c| c.get("root_module")) {
        collect_config(c, "", &mut config);
    }
    let mut instances = Vec::new();
    collect_instances(root, &unknown, &mut instances);
    let mut by_base: Instances = BTreeMap::new();
    for i in &instances {
        by_base
            .entry(format!("{}{}", i.prefix, i.config_address))
            .or_default()
            .push(i.address.clone());
    }
    // The ID each instance is known by: its `id` once it exists, else its address.
    let ids: BTreeMap<String, Ident> = instances
        .iter()
        .map(|i| {
            let id = match i.values.get("id").and_then(Json::as_str) {
                Some(id) if !id.is_empty() => Ident::Id(id.to_string()),
                _ => Ident::Resource(i.address.clone()),
            };
            (i.address.clone(), id)
        })
        .collect();
    let ctx = Ctx {
        config: &config,
        by_base: &by_base,
        ids: &ids,
    };
    for i in &instances {
        let origin = Origin {
            file: file.to_string(),
            resource: i.address.clone(),
        };
        let me = ids
            .get(&i.address)
            .cloned()
            .unwrap_or_else(|| Ident::Resource(i.address.clone()));
        let attrs = ctx.attrs(i);
        match i.ty.as_str() {
            "aws_network_acl" => network_acl(rs, &origin, &attrs, &me),
            "aws_network_acl_association" => {
                match (
                    ident_of(&attrs, "subnet_id"),
                    ident_of(&attrs, "network_acl_id"),
                ) {
                    (Ok(s), Ok(a)) => fact(rs, s, None, Some(a)),
                    (Err(m), _) | (_, Err(m)) => unresolved(rs, &origin, m),
                }
            }
            "aws_subnet" => {
                let cidr = attrs.get("cidr_block").and_then(|c| c.cidr().ok());
                fact(rs, me.clone(), cidr, None);
            }
            "aws_security_group" => {
                if let Some(m) = inline_prefix_lists(&attrs) {
                    rs.unresolved_in.push((
                        me.clone(),
                        Unresolved {
                            origin: origin.clone(),
                            message: m,
                        },
                    ));
                }
                aws::terraform(rs, &origin, &i.ty, &attrs, me);
            }
            _ => aws::terraform(rs, &origin, &i.ty, &attrs, me),
        }
    }
}

struct Ctx<'a> {
    config: &'a Config<'a>,
    by_base: &'a Instances,
    ids: &'a BTreeMap<String, Ident>,
}

impl Ctx<'_> {
    /// The instance's attributes: known values as they are, unknown ones resolved through
    /// the configuration.
    fn attrs(&self, i: &Instance) -> Val {
        let mut m: BTreeMap<String, Val> = i
            .values
            .iter()
            .map(|(k, v)| (k.clone(), json_val(v)))
            .collect();
        let exprs = self
            .config
            .resources
            .get(&i.prefix)
            .and_then(|r| r.get(&i.config_address));
        // Attributes that are unknown (after_unknown true) or absent but configured.
        let mut keys: Vec<String> = Vec::new();
        if let Some(Json::Object(u)) = i.unknown {
            for (k, v) in u {
                if v == &Json::Bool(true) || contains_true(v) {
                    keys.push(k.clone());
                }
            }
        }
        // Without `after_unknown` (a hand-trimmed plan), an attribute that the configuration
        // sets but `planned_values` lacks is taken as unknown: Terraform writes unset
        // attributes as null and leaves out only the unknown ones.
        if let (Some(ex), None) = (exprs, i.unknown) {
            for k in ex.keys() {
                if !i.values.contains_key(k) || matches!(i.values.get(k), Some(Json::Null)) {
                    keys.push(k.clone());
                }
            }
        }
        keys.sort();
        keys.dedup();
        for k in keys {
            let known = i.values.get(&k).filter(|v| !v.is_null());
            if known.is_some() && !i.unknown.and_then(|u| u.get(&k)).is_some_and(contains_true) {
                continue;
            }
            // Unknown and not configured: computed by the provider (the inline rules of a
            // group whose rules are separate resources), so nothing the user set.
            if let Some(e) = exprs.and_then(|e| e.get(&k)) {
                m.insert(
                    k,
                    self.expression(e, &i.prefix, known, instance_key(&i.address)),
                );
            } else {
                m.remove(&k);
            }
        }
        Val::Map(m)
    }

    /// An expression of `configuration`: a constant, or the resources its references name.
    /// `known` is the planned value, when partly known (a list with unknown elements).
    /// `each_key`: the instance key of the resource the expression belongs to, so that
    /// `group[each.key]` names the group instance with the same key.
    fn expression(
        &self,
        e: &Json,
        prefix: &str,
        known: Option<&Json>,
        each_key: Option<&str>,
    ) -> Val {
        if let Some(c) = e.get("constant_value") {
            return json_val(c);
        }
        if let Some(refs) = e.get("references").and_then(Json::as_array) {
            let refs: Vec<&str> = refs.iter().filter_map(Json::as_str).collect();
            return self.references(&refs, prefix, known, each_key);
        }
        match e {
            // A nested block: a list of blocks, each an object of expressions.
            Json::Array(blocks) => Val::List(
                blocks
                    .iter()
                    .map(|b| match b {
                        Json::Object(o) => Val::Map(
                            o.iter()
                                .map(|(k, x)| {
                                    (k.clone(), self.expression(x, prefix, None, each_key))
                                })
                                .collect(),
                        ),
                        other => json_val(other),
                    })
                    .collect(),
            ),
            _ => Val::Unknown("an expression that is neither a constant nor a reference".into()),
        }
    }

    fn references(
        &self,
        refs: &[&str],
        prefix: &str,
        known: Option<&Json>,
        each_key: Option<&str>,
    ) -> Val {
        // Only `each.key` itself is evaluated: `each.value…` needs the `for_each` value.
        let each_key = each_key.filter(|_| refs.contains(&"each.key"));
        let mut found: Vec<Ident> = Vec::new();
        let mut why = None;
        for r in refs {
            match self.reference(r, prefix, each_key) {
                Ok(Some(ids)) => {
                    for id in ids {
                        if !found.contains(&id) {
                            found.push(id);
                        }
                    }
                }
                Ok(None) => {}
                Err(e) => why = Some(e),
            }
        }
        // Keep the known elements of a partly known list.
        let mut known_items: Vec<Val> = match known {
            Some(Json::Array(a)) => a.iter().filter(|v| !v.is_null()).map(json_val).collect(),
            _ => Vec::new(),
        };
        match (found.len(), why) {
            (0, Some(e)) => Val::Unknown(e),
            (0, None) => Val::Unknown(format!(
                "cannot resolve {} to a resource of the plan",
                refs.join(", ")
            )),
            (1, _) if known_items.is_empty() => Val::Sym(found.remove(0)),
            _ => {
                known_items.extend(found.into_iter().map(Val::Sym));
                Val::List(known_items)
            }
        }
    }

    /// One reference: `aws_security_group.app.id`, `aws_security_group.app`,
    /// `module.net.subnet_id`, `var.x` (through the module call). `None`: not a resource
    /// (an attribute path covered by a shorter reference, `each.key`, …).
    fn reference(
        &self,
        r: &str,
        prefix: &str,
        each_key: Option<&str>,
    ) -> Result<Option<Vec<Ident>>, String> {
        if let Some(var) = r.strip_prefix("var.") {
            let name = var.split(['.', '[']).next().unwrap_or(var);
            let Some((parent, call)) = split_module(prefix) else {
                return Err(format!(
                    "`var.{name}` is a root-module input the plan does not show"
                ));
            };
            let expr = self
                .config
                .calls
                .get(&parent)
                .and_then(|c| c.get(&call))
                .and_then(|e| e.get(name))
                .ok_or_else(|| format!("module input `{name}` has no expression"))?;
            return self.symbols(self.expression(expr, &parent, None, None));
        }
        if r.starts_with("each.") || r.starts_with("count.") || r.starts_with("local.") {
            return Ok(None);
        }
        if let Some(rest) = r.strip_prefix("module.") {
            // `module.NAME.OUTPUT`: the output's expression, inside that module.
            let mut it = rest.splitn(3, '.');
            let (Some(name), Some(output)) = (it.next(), it.next()) else {
                return Ok(None);
            };
            let name = name.split('[').next().unwrap_or(name);
            let output = output.split('[').next().unwrap_or(output);
            let inner = format!("{prefix}module.{name}.");
            let expr = self
                .config
                .outputs
                .get(&inner)
                .and_then(|o| o.get(output))
                .ok_or_else(|| format!("`{r}` names no output of the configuration"))?;
            return self.symbols(self.expression(expr, &inner, None, None));
        }
        if r.starts_with("data.") {
            return Err(format!(
                "`{r}` is a data source, which the plan does not resolve"
            ));
        }
        // `type.name[...]...`: the resource is the first two segments.
        let mut parts = r.splitn(3, '.');
        let (Some(ty), Some(name)) = (parts.next(), parts.next()) else {
            return Ok(None);
        };
        let (name, key) = match name.find('[') {
            Some(i) => (&name[..i], Some(&name[i..])),
            None => (name, None),
        };
        let base = format!("{prefix}{ty}.{name}");
        let Some(instances) = self.by_base.get(&base) else {
            return Err(format!("`{r}` names no resource of the plan"));
        };
        let chosen: Vec<&String> = match (key, each_key) {
            (Some(k), _) => instances.iter().filter(|a| a.ends_with(k)).collect(),
            // `group[each.key]`: Terraform lists it as `group` and `each.key`.
            (None, Some(k)) if instances.len() > 1 => instances
                .iter()
                .filter(|a| instance_key(a) == Some(k))
                .collect(),
            (None, _) => instances.iter().collect(),
        };
        match chosen.as_slice() {
            [one] => Ok(Some(vec![self
                .ids
                .get(*one)
                .cloned()
                .unwrap_or_else(|| Ident::Resource((*one).clone()))])),
            [] => Err(format!("`{r}` names no instance of the plan")),
            _ => Err(format!(
                "`{r}` names {} instances; which one depends on an expression verify does not evaluate",
                chosen.len()
            )),
        }
    }
}

impl Ctx<'_> {
    /// The resources a resolved module input or output stands for.
    fn symbols(&self, v: Val) -> Result<Option<Vec<Ident>>, String> {
        match v {
            Val::Sym(i) => Ok(Some(vec![i])),
            Val::List(l) => Ok(Some(
                l.into_iter()
                    .filter_map(|v| match v {
                        Val::Sym(i) => Some(i),
                        _ => None,
                    })
                    .collect(),
            )),
            Val::Unknown(e) => Err(e),
            _ => Ok(None),
        }
    }
}

/// `aws_x.y["k"]` → `k`; `aws_x.y[0]` → `0`; no key → `None`.
fn instance_key(address: &str) -> Option<&str> {
    let inner = address.strip_suffix(']')?;
    let open = inner.rfind('[')?;
    Some(inner[open + 1..].trim_matches('"'))
}

/// `module.a.module.b.` → (`module.a.`, `b`).
fn split_module(prefix: &str) -> Option<(String, String)> {
    let trimmed = prefix.strip_suffix('.')?;
    let i = trimmed.rfind("module.")?;
    Some((trimmed[..i].to_string(), trimmed[i + 7..].to_string()))
}

fn contains_true(v: &Json) -> bool {
    match v {
        Json::Bool(b) => *b,
        Json::Array(a) => a.iter().any(contains_true),
        Json::Object(o) => o.values().any(contains_true),
        _ => false,
    }
}

fn json_val(v: &Json) -> Val {
    match v {
        Json::Null => Val::Null,
        Json::Bool(b) => Val::Bool(*b),
        Json::Number(n) => n.as_f64().map_or(Val::Null, Val::Num),
        Json::String(s) => Val::Str(s.clone()),
        Json::Array(a) => Val::List(a.iter().map(json_val).collect()),
        Json::Object(m) => Val::Map(m.iter().map(|(k, x)| (k.clone(), json_val(x))).collect()),
    }
}

fn ident_of(attrs: &Val, key: &str) -> Result<Ident, String> {
    attrs.req(key)?.ident()
}

fn unresolved(rs: &mut RuleSet, origin: &Origin, message: String) {
    rs.unresolved.push(Unresolved {
        origin: origin.clone(),
        message,
    });
}

fn fact(rs: &mut RuleSet, subnet: Ident, cidr: Option<ipnet::Ipv4Net>, acl: Option<Ident>) {
    if let Some(f) = rs.subnet_facts.iter_mut().find(|f| f.subnet == subnet) {
        f.cidr = f.cidr.or(cidr);
        if acl.is_some() {
            f.acl = acl;
        }
    } else {
        rs.subnet_facts.push(SubnetFact { subnet, cidr, acl });
    }
}

fn inline_prefix_lists(attrs: &Val) -> Option<String> {
    ["ingress", "egress"].iter().find_map(|k| {
        attrs
            .get(k)
            .map(Val::items)
            .unwrap_or_default()
            .iter()
            .find(|b| b.get("prefix_list_ids").is_some_and(|p| !p.items().is_empty()))
            .map(|_| format!("an inline {k} rule references a prefix list, whose CIDRs the plan does not hold"))
    })
}

/// `aws_network_acl`: the subnets it is associated with, and its inline rules.
fn network_acl(rs: &mut RuleSet, origin: &Origin, attrs: &Val, me: &Ident) {
    for s in attrs.get("subnet_ids").map(Val::items).unwrap_or_default() {
        match s.ident() {
            Ok(s) => fact(rs, s, None, Some(me.clone())),
            Err(m) => unresolved(rs, origin, m),
        }
    }
    for (key, egress) in [("ingress", false), ("egress", true)] {
        for b in attrs.get(key).map(Val::items).unwrap_or_default() {
            match inline_entry(b, egress, me, origin) {
                Ok(r) => rs.nacl_rules.push(r),
                Err(m) => rs.unresolved_in.push((
                    me.clone(),
                    Unresolved {
                        origin: origin.clone(),
                        message: format!("inline {key} rule: {m}"),
                    },
                )),
            }
        }
    }
}

fn inline_entry(b: &Val, egress: bool, acl: &Ident, origin: &Origin) -> Result<NaclRule, String> {
    let number = b.req("rule_no")?.int()?;
    let number = u32::try_from(number).map_err(|_| format!("invalid rule number {number}"))?;
    let protocol = b.req("protocol")?.text()?;
    let protocol =
        Proto::parse(&protocol).ok_or_else(|| format!("unknown protocol `{protocol}`"))?;
    let action = match b.req("action")?.text()?.to_ascii_lowercase().as_str() {
        "allow" => Action::Allow,
        "deny" => Action::Deny,
        other => return Err(format!("unknown rule action `{other}`")),
    };
    // One family per entry; the provider sets the other to "" in a plan.
    let set = |k: &str| {
        b.get(k)
            .filter(|v| !matches!(v, Val::Str(t) if t.is_empty()))
    };
    let cidr = match (set("cidr_block"), set("ipv6_cidr_block")) {
        (None, Some(v6)) => ipnet::IpNet::V6(v6.ipv6_cidr()?),
        _ => ipnet::IpNet::V4(b.req("cidr_block")?.cidr()?),
    };
    let int = |k: &str| -> Result<Option<i64>, String> {
        match b.get(k) {
            None => Ok(None),
            Some(v) => v.int().map(Some),
        }
    };
    let span = match protocol {
        Proto::Tcp | Proto::Udp => match (int("from_port")?, int("to_port")?) {
            (Some(f), Some(t)) if (0..=65535).contains(&f) && (f..=65535).contains(&t) => {
                crate::aws::Span {
                    from: f as u16,
                    to: t as u16,
                }
            }
            (None, None) => crate::aws::Span::ALL_PORTS,
            (f, t) => return Err(super::aws::invalid_port_range(f, t)),
        },
        Proto::Icmp | Proto::Other(crate::verify::model::ICMPV6) => match int("icmp_type")? {
            None | Some(-1) => crate::aws::Span::ALL_ICMP,
            Some(t @ 0..=255) => crate::aws::Span {
                from: t as u16,
                to: t as u16,
            },
            Some(t) => return Err(format!("invalid ICMP type {t}")),
        },
        _ => crate::aws::Span::ALL_PORTS,
    };
    Ok(NaclRule {
        origin: Origin {
            file: origin.file.clone(),
            resource: format!(
                "{} rule {number} {}",
                origin.resource,
                if egress {
                    Direction::Egress
                } else {
                    Direction::Ingress
                }
            ),
        },
        acl: acl.clone(),
        egress,
        number,
        action,
        protocol,
        span,
        cidr,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_key_names_the_instance_with_the_same_key() {
        let doc = serde_json::json!({
            "format_version": "1.2",
            "planned_values": {"root_module": {"resources": [
                {"address": "aws_security_group.t[\"a\"]", "mode": "managed", "type": "aws_security_group", "name": "t", "index": "a", "values": {"name": "a"}},
                {"address": "aws_security_group.t[\"b\"]", "mode": "managed", "type": "aws_security_group", "name": "t", "index": "b", "values": {"name": "b"}},
                {"address": "aws_vpc_security_group_ingress_rule.r[\"b\"]", "mode": "managed", "type": "aws_vpc_security_group_ingress_rule", "name": "r", "index": "b",
                 "values": {"ip_protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_ipv4": "10.0.0.0/24"}}
            ]}},
            "resource_changes": [
                {"address": "aws_vpc_security_group_ingress_rule.r[\"b\"]", "change": {"after_unknown": {"security_group_id": true}}}
            ],
            "configuration": {"root_module": {"resources": [
                {"address": "aws_vpc_security_group_ingress_rule.r", "mode": "managed", "type": "aws_vpc_security_group_ingress_rule", "name": "r",
                 "expressions": {"security_group_id": {"references": ["aws_security_group.t[each.key].id", "aws_security_group.t", "each.key"]}}}
            ]}}
        });
        let mut rs = RuleSet::default();
        read_doc(&mut rs, &doc, "plan.json");
        assert!(rs.unresolved.is_empty(), "{:?}", rs.unresolved);
        assert_eq!(
            rs.sg_rules[0].group,
            Ident::Resource("aws_security_group.t[\"b\"]".into())
        );
        assert_eq!(instance_key("x.y[0]"), Some("0"));
        assert_eq!(instance_key("x.y"), None);
    }

    #[test]
    fn module_prefixes() {
        assert_eq!(module_prefix("aws_x.y"), "");
        assert_eq!(module_prefix("module.net.aws_x.y[0]"), "module.net.");
        assert_eq!(
            module_prefix("module.a[\"k\"].module.b.aws_x.y"),
            "module.a.module.b."
        );
        assert_eq!(
            split_module("module.a.module.b."),
            Some(("module.a.".into(), "b".into()))
        );
    }
}
