//! Checks the rendered Terraform (`examples/*/terraform/*.tf`, read back with hcl-rs, and
//! `examples/*/terraform-json/*.tf.json`) against the hashicorp/aws 6.25.0 provider schema in
//! `tests/data/terraform-schema/` (vendored; its README there gives the provenance) — offline,
//! because `terraform init`/`validate` need the provider binary, which cannot be downloaded on
//! these machines.
//!
//! For every `resource` and `data` block it reports: an unknown resource type, an unknown
//! argument, a missing required argument, an attribute written as a block, a block written as
//! an attribute, a single block given more than once, and a literal value of the wrong shape.
//! `variable`, `output`, `locals` and `terraform` blocks are checked for known keys, the aws
//! provider constraint must admit 6.25.0 (or, for a module that relies on an argument the
//! provider added later, admit that release and exclude the ones before it: such arguments
//! are patched into the schema one by one, each citing the provider's pull request and
//! source file, in `add_later_arguments`; likewise for arguments of an earlier 6.x release, in
//! `mark_earlier_changes`), and every reference (`var.x`, `local.x`,
//! `aws_x.name`, `data.aws_x.name`, `each`, `count`) must resolve inside the module.
//!
//! The `checker_tests` module tests the checker itself on bad snippets; run only those with
//! `cargo test --test terraform_schema checker_tests`. The `examples_*` tests fail loudly when
//! no rendered example exists yet: they never pass vacuously.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use hcl::expr::{Expression, ObjectKey, TemplateExpr, TraversalOperator};
use hcl::template::{Directive, Element, Template};
use serde_json::Value;

// ---------------------------------------------------------------------------------------------
// The provider schema
// ---------------------------------------------------------------------------------------------

const SCHEMA_RELATIVE_PATH: &str = "tests/data/terraform-schema/aws-6.25.0-schema.json.gz";
const PROVIDER_VERSION: [u64; 3] = [6, 25, 0];

/// The type of one argument, as the schema file writes it.
#[derive(Debug, Clone)]
enum Ty {
    /// `"string"`, `"number"`, `"boolean"`, `"any"`, or a type name the extractor could not
    /// resolve (accepted as anything).
    Scalar(String),
    List(Box<Ty>),
    Map(Box<Ty>),
    Block(SchemaBody),
}

#[derive(Debug, Clone)]
struct Arg {
    required: bool,
    ty: Ty,
    /// Added by a provider release after the schema's: (release, citation).
    since: Option<Later>,
    /// Required in the schema's release, optional since: (release, citation).
    optional_since: Option<Later>,
}

/// A provider release after the schema's and the provider source that says what it changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Later {
    release: [u64; 3],
    citation: &'static str,
}

type SchemaBody = BTreeMap<String, Arg>;

#[derive(Debug)]
struct Schema {
    resource: BTreeMap<String, SchemaBody>,
    data: BTreeMap<String, SchemaBody>,
}

impl Arg {
    /// `Some((body, repeated))` when this argument is a nested block.
    fn block(&self) -> Option<(&SchemaBody, bool)> {
        match &self.ty {
            Ty::Block(b) => Some((b, false)),
            Ty::List(of) | Ty::Map(of) => match of.as_ref() {
                Ty::Block(b) => Some((b, true)),
                _ => None,
            },
            Ty::Scalar(_) => None,
        }
    }
}

fn parse_ty(v: &Value) -> Result<Ty, String> {
    match v {
        Value::String(s) => Ok(Ty::Scalar(s.clone())),
        Value::Object(o) => {
            if let Some(b) = o.get("block") {
                return Ok(Ty::Block(parse_body(b)?));
            }
            let of = parse_ty(o.get("of").ok_or("type without `of`")?)?;
            match o.get("kind").and_then(Value::as_str) {
                Some("array") => Ok(Ty::List(Box::new(of))),
                Some("map") => Ok(Ty::Map(Box::new(of))),
                other => Err(format!("unknown type kind {other:?}")),
            }
        }
        other => Err(format!("unexpected type {other}")),
    }
}

fn parse_body(v: &Value) -> Result<SchemaBody, String> {
    let o = v.as_object().ok_or("a body is not an object")?;
    o.iter()
        .map(|(name, arg)| {
            let required = arg
                .get("required")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            let ty = parse_ty(arg.get("type").ok_or_else(|| format!("{name}: no type"))?)?;
            Ok((
                name.clone(),
                Arg {
                    required,
                    ty,
                    since: None,
                    optional_since: None,
                },
            ))
        })
        .collect()
}

fn schema_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(SCHEMA_RELATIVE_PATH)
}

fn load_schema_from(path: &Path) -> Result<Schema, String> {
    let file = std::fs::File::open(path).map_err(|e| {
        format!(
            "the Terraform provider schema is missing: expected {} ({e}); it is vendored in \
             tests/data/terraform-schema/ (see its README.md)",
            path.display()
        )
    })?;
    let mut text = String::new();
    flate2::read::GzDecoder::new(file)
        .read_to_string(&mut text)
        .map_err(|e| format!("{}: not a gzip-compressed text file: {e}", path.display()))?;
    let v: Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: bad JSON: {e}", path.display()))?;
    let section = |key: &str| -> Result<BTreeMap<String, SchemaBody>, String> {
        v.get(key)
            .and_then(Value::as_object)
            .ok_or_else(|| format!("{}: no `{key}` section", path.display()))?
            .iter()
            .map(|(t, b)| Ok((t.clone(), parse_body(b).map_err(|e| format!("{t}: {e}"))?)))
            .collect()
    };
    let mut schema = Schema {
        resource: section("resource")?,
        data: section("data")?,
    };
    add_later_arguments(&mut schema)?;
    mark_earlier_changes(&mut schema)?;
    Ok(schema)
}

// ---------------------------------------------------------------------------------------------
// Arguments the provider added after the vendored schema's release
// ---------------------------------------------------------------------------------------------

/// `transit_gateway_configuration` on `aws_ec2_client_vpn_endpoint`.
const TGW_CONFIGURATION: Later = Later {
    // The renderer's `TRANSIT_GATEWAY_PROVIDER`: the release the module asks for.
    release: [6, 59, 0],
    citation: "hashicorp/terraform-provider-aws pull request 47635 \
               (internal/service/ec2/vpnclient_endpoint.go, merged 2026-05-04): \
               `transit_gateway_configuration` block {transit_gateway_id, availability_zones, \
               availability_zone_ids, transit_gateway_attachment_id (computed)}, conflicting \
               with `vpc_id` and `security_group_ids`",
};

/// `target_vpc_subnet_id` of `aws_ec2_client_vpn_route` made optional.
const ROUTE_WITHOUT_SUBNET: Later = Later {
    release: [6, 59, 0],
    citation: "hashicorp/terraform-provider-aws pull request 49274 \
               (internal/service/ec2/vpnclient_route.go, merged 2026-08-09): \
               `target_vpc_subnet_id` Optional instead of Required, new computed \
               `transit_gateway_attachment_id`",
};

/// `endpoint_ip_address_type` and `traffic_ip_address_type` on `aws_ec2_client_vpn_endpoint`:
/// in the vendored schema already, but only since 6.11.
const ENDPOINT_ADDRESS_TYPES: Later = Later {
    // The renderer's `ADDRESS_TYPES_PROVIDER`.
    release: [6, 11, 0],
    citation: "hashicorp/terraform-provider-aws pull request 44059 \
               (internal/service/ec2/vpnclient_endpoint.go, in 6.11.0): \
               `endpoint_ip_address_type` and `traffic_ip_address_type` (ForceNew), \
               `client_cidr_block` Optional instead of Required (the renderer leaves it out \
               only for IPv6-only traffic, which writes `traffic_ip_address_type`)",
};

/// Marks what the vendored schema has but an earlier 6.x release added, for the arguments
/// shibori writes: a module that relies on one must exclude the releases before it, as
/// for the later arguments.
fn mark_earlier_changes(schema: &mut Schema) -> Result<(), String> {
    let endpoint = schema
        .resource
        .get_mut("aws_ec2_client_vpn_endpoint")
        .ok_or("no aws_ec2_client_vpn_endpoint in the schema")?;
    for name in ["endpoint_ip_address_type", "traffic_ip_address_type"] {
        endpoint
            .get_mut(name)
            .ok_or_else(|| format!("no `{name}` on aws_ec2_client_vpn_endpoint"))?
            .since = Some(ENDPOINT_ADDRESS_TYPES);
    }
    Ok(())
}

/// Patches exactly what the provider changed after 6.25.0 in the resources shibori
/// writes, each change citing its source; a module that relies on one must exclude the
/// releases before it (checked with the provider constraint).
fn add_later_arguments(schema: &mut Schema) -> Result<(), String> {
    let scalar = |t: &str, since| Arg {
        required: false,
        ty: Ty::Scalar(t.into()),
        since,
        optional_since: None,
    };
    let list = |since| Arg {
        required: false,
        ty: Ty::List(Box::new(Ty::Scalar("string".into()))),
        since,
        optional_since: None,
    };
    let endpoint = schema
        .resource
        .get_mut("aws_ec2_client_vpn_endpoint")
        .ok_or("no aws_ec2_client_vpn_endpoint in the schema")?;
    if endpoint.contains_key("transit_gateway_configuration") {
        return Err(
            "the schema already has `transit_gateway_configuration`: drop the patch".into(),
        );
    }
    let mut block = SchemaBody::new();
    block.insert("transit_gateway_id".into(), scalar("string", None));
    block.insert("availability_zones".into(), list(None));
    block.insert("availability_zone_ids".into(), list(None));
    block.insert(
        "transit_gateway_attachment_id".into(),
        scalar("string", None),
    );
    endpoint.insert(
        "transit_gateway_configuration".into(),
        Arg {
            required: false,
            ty: Ty::Block(block),
            since: Some(TGW_CONFIGURATION),
            optional_since: None,
        },
    );
    let route = schema
        .resource
        .get_mut("aws_ec2_client_vpn_route")
        .ok_or("no aws_ec2_client_vpn_route in the schema")?;
    let subnet = route
        .get_mut("target_vpc_subnet_id")
        .ok_or("no target_vpc_subnet_id on aws_ec2_client_vpn_route")?;
    if !subnet.required {
        return Err(
            "`target_vpc_subnet_id` is optional in the schema already: drop the patch".into(),
        );
    }
    subnet.required = false;
    subnet.optional_since = Some(ROUTE_WITHOUT_SUBNET);
    route.insert(
        "transit_gateway_attachment_id".into(),
        scalar("string", Some(ROUTE_WITHOUT_SUBNET)),
    );
    Ok(())
}

fn schema() -> &'static Schema {
    static SCHEMA: OnceLock<Schema> = OnceLock::new();
    SCHEMA.get_or_init(|| load_schema_from(&schema_path()).unwrap_or_else(|e| panic!("{e}")))
}

// ---------------------------------------------------------------------------------------------
// Findings
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Syntax,
    UnknownResourceType,
    UnknownArgument,
    MissingRequired,
    AttributeAsBlock,
    BlockAsAttribute,
    TooManyBlocks,
    TypeMismatch,
    Labels,
    Duplicate,
    UndeclaredReference,
    Provider,
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Kind::Syntax => "syntax error",
            Kind::UnknownResourceType => "unknown resource type",
            Kind::UnknownArgument => "unknown argument",
            Kind::MissingRequired => "missing required argument",
            Kind::AttributeAsBlock => "attribute written as a block",
            Kind::BlockAsAttribute => "block written as an attribute",
            Kind::TooManyBlocks => "too many blocks",
            Kind::TypeMismatch => "wrong value type",
            Kind::Labels => "wrong block labels",
            Kind::Duplicate => "duplicate",
            Kind::UndeclaredReference => "undeclared reference",
            Kind::Provider => "provider requirement",
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Finding {
    file: String,
    at: String,
    kind: Kind,
    message: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}: {}: {}",
            self.file, self.at, self.kind, self.message
        )
    }
}

/// A reference found in an expression, with where it was found.
#[derive(Debug, Clone)]
struct Ref {
    file: String,
    at: String,
    path: Vec<String>,
    /// The enclosing resource/data block sets `count` / `for_each`.
    has_count: bool,
    has_for_each: bool,
}

/// What one module (one directory) declares and uses, plus what its files got wrong.
#[derive(Debug, Default)]
struct Module {
    findings: Vec<Finding>,
    resources: BTreeSet<(String, String)>,
    data: BTreeSet<(String, String)>,
    variables: BTreeSet<String>,
    locals: BTreeSet<String>,
    outputs: BTreeSet<String>,
    modules: BTreeSet<String>,
    refs: Vec<Ref>,
    aws_requirement: Option<AwsRequirement>,
    /// Later provider changes the module relies on.
    later: BTreeSet<Later>,
}

#[derive(Debug)]
struct AwsRequirement {
    file: String,
    source: Option<String>,
    version: Option<String>,
}

/// Where the checker is: file, address path, and the enclosing block's meta-arguments.
#[derive(Clone)]
struct Ctx {
    file: String,
    at: String,
    has_count: bool,
    has_for_each: bool,
}

impl Ctx {
    fn child(&self, segment: &str) -> Ctx {
        Ctx {
            at: format!("{}.{segment}", self.at),
            ..self.clone()
        }
    }
}

impl Module {
    fn report(&mut self, ctx: &Ctx, kind: Kind, message: impl Into<String>) {
        self.findings.push(Finding {
            file: ctx.file.clone(),
            at: ctx.at.clone(),
            kind,
            message: message.into(),
        });
    }

    fn declare(&mut self, ctx: &Ctx, what: &str, fresh: bool) {
        if !fresh {
            self.report(
                ctx,
                Kind::Duplicate,
                format!("{what} is declared more than once"),
            );
        }
    }
}

const RESOURCE_META_ATTRS: &[&str] = &["count", "for_each", "depends_on", "provider"];
const RESOURCE_META_BLOCKS: &[&str] = &["lifecycle", "provisioner", "connection"];
const LIFECYCLE_ATTRS: &[&str] = &[
    "create_before_destroy",
    "prevent_destroy",
    "ignore_changes",
    "replace_triggered_by",
];
const CONDITION_BLOCKS: &[&str] = &["precondition", "postcondition"];
const VARIABLE_ATTRS: &[&str] = &[
    "type",
    "default",
    "description",
    "sensitive",
    "nullable",
    "ephemeral",
];
const OUTPUT_ATTRS: &[&str] = &[
    "value",
    "description",
    "sensitive",
    "ephemeral",
    "depends_on",
];
const TERRAFORM_ATTRS: &[&str] = &["required_version", "experiments"];
const TERRAFORM_BLOCKS: &[&str] = &["required_providers", "backend", "cloud", "provider_meta"];
const REQUIRED_PROVIDER_KEYS: &[&str] = &["source", "version", "configuration_aliases"];
const TOP_LEVEL: &[&str] = &[
    "resource",
    "data",
    "variable",
    "output",
    "locals",
    "terraform",
    "provider",
    "module",
    "moved",
    "import",
    "removed",
    "check",
];

/// Blocks the provider also accepts in attribute syntax (`egress = []`), the SDK's
/// "attributes as blocks" mode, which the schema file cannot express.
fn attribute_as_blocks_allowed(resource_type: &str, arg: &str) -> bool {
    matches!(
        (resource_type, arg),
        (
            "aws_security_group" | "aws_default_security_group" | "aws_network_acl",
            "ingress" | "egress"
        ) | ("aws_default_network_acl", "ingress" | "egress")
            | ("aws_route_table" | "aws_default_route_table", "route")
    )
}

// ---------------------------------------------------------------------------------------------
// Value shapes (for literal type checks)
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Null,
    Bool,
    Number,
    /// A string with no interpolation: its text decides whether it converts.
    Str,
    List,
    Object,
    /// Not a literal (reference, function call, template, …): anything goes.
    Unknown,
}

fn shape_name(s: Shape) -> &'static str {
    match s {
        Shape::Null => "null",
        Shape::Bool => "a bool",
        Shape::Number => "a number",
        Shape::Str => "a string",
        Shape::List => "a list",
        Shape::Object => "an object",
        Shape::Unknown => "a value",
    }
}

fn ty_name(ty: &Ty) -> String {
    match ty {
        Ty::Scalar(s) if s == "boolean" => "bool".into(),
        Ty::Scalar(s) if s.starts_with('@') => "object".into(),
        Ty::Scalar(s) => s.clone(),
        Ty::List(of) => format!("list({})", ty_name(of)),
        Ty::Map(of) => format!("map({})", ty_name(of)),
        Ty::Block(_) => "block".into(),
    }
}

/// Does a literal of `shape` (with text `text` for strings) fit `ty`? `None` when unknowable.
fn fits(ty: &Ty, shape: Shape, text: Option<&str>) -> bool {
    if matches!(shape, Shape::Null | Shape::Unknown) {
        return true;
    }
    match ty {
        Ty::Scalar(s) => match s.as_str() {
            "string" => matches!(shape, Shape::Str | Shape::Number | Shape::Bool),
            "number" => match shape {
                Shape::Number => true,
                Shape::Str => text.is_some_and(|t| t.trim().parse::<f64>().is_ok()),
                _ => false,
            },
            "boolean" => match shape {
                Shape::Bool => true,
                Shape::Str => matches!(text, Some("true" | "false")),
                _ => false,
            },
            _ => true,
        },
        Ty::List(_) => shape == Shape::List,
        Ty::Map(_) => shape == Shape::Object,
        Ty::Block(_) => matches!(shape, Shape::Object | Shape::List),
    }
}

fn hcl_shape(e: &Expression) -> (Shape, Option<String>) {
    match e {
        Expression::Null => (Shape::Null, None),
        Expression::Bool(_) => (Shape::Bool, None),
        Expression::Number(_) => (Shape::Number, None),
        Expression::String(s) => (Shape::Str, Some(s.clone())),
        Expression::Array(_) => (Shape::List, None),
        Expression::Object(_) => (Shape::Object, None),
        Expression::ForExpr(f) if f.key_expr.is_some() => (Shape::Object, None),
        Expression::ForExpr(_) => (Shape::List, None),
        Expression::Parenthesis(inner) => hcl_shape(inner),
        _ => (Shape::Unknown, None),
    }
}

fn json_shape(v: &Value) -> (Shape, Option<String>) {
    match v {
        Value::Null => (Shape::Null, None),
        Value::Bool(_) => (Shape::Bool, None),
        Value::Number(_) => (Shape::Number, None),
        Value::String(s) if s.contains("${") || s.contains("%{") => (Shape::Unknown, None),
        Value::String(s) => (Shape::Str, Some(s.clone())),
        Value::Array(_) => (Shape::List, None),
        Value::Object(_) => (Shape::Object, None),
    }
}

fn object_key_name(k: &ObjectKey) -> String {
    match k {
        ObjectKey::Identifier(i) => i.to_string(),
        ObjectKey::Expression(Expression::String(s)) => s.clone(),
        ObjectKey::Expression(Expression::Variable(v)) => v.to_string(),
        _ => "<expr>".to_string(),
    }
}

/// Checks an HCL literal against the argument type, element by element.
fn check_hcl_value(m: &mut Module, ctx: &Ctx, ty: &Ty, e: &Expression) {
    let (shape, text) = hcl_shape(e);
    if !fits(ty, shape, text.as_deref()) {
        m.report(
            ctx,
            Kind::TypeMismatch,
            format!("expects {}, got {}", ty_name(ty), shape_name(shape)),
        );
        return;
    }
    match (ty, e) {
        (Ty::List(of), Expression::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                check_hcl_value(m, &ctx.child(&format!("[{i}]")), of, item);
            }
        }
        (Ty::Map(of), Expression::Object(obj)) => {
            for (k, v) in obj.iter() {
                let key = object_key_name(k);
                check_hcl_value(m, &ctx.child(&key), of, v);
            }
        }
        _ => {}
    }
}

fn check_json_value(m: &mut Module, ctx: &Ctx, ty: &Ty, v: &Value) {
    let (shape, text) = json_shape(v);
    if !fits(ty, shape, text.as_deref()) {
        m.report(
            ctx,
            Kind::TypeMismatch,
            format!("expects {}, got {}", ty_name(ty), shape_name(shape)),
        );
        return;
    }
    match (ty, v) {
        (Ty::List(of), Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                check_json_value(m, &ctx.child(&format!("[{i}]")), of, item);
            }
        }
        (Ty::Map(of), Value::Object(obj)) => {
            for (k, v) in obj {
                check_json_value(m, &ctx.child(k), of, v);
            }
        }
        _ => {}
    }
}

// ---------------------------------------------------------------------------------------------
// References
// ---------------------------------------------------------------------------------------------

/// Collects the references (`var.x`, `aws_x.y.id`, …) in an expression; names bound by `for`
/// expressions and template `for` directives are skipped.
fn refs_in_expr(e: &Expression, scope: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    match e {
        Expression::Variable(v) => push_ref(vec![v.to_string()], scope, out),
        Expression::Traversal(t) => {
            if let Expression::Variable(v) = &t.expr {
                let mut path = vec![v.to_string()];
                for op in &t.operators {
                    match op {
                        TraversalOperator::GetAttr(name) => path.push(name.to_string()),
                        _ => break,
                    }
                }
                push_ref(path, scope, out);
            } else {
                refs_in_expr(&t.expr, scope, out);
            }
            for op in &t.operators {
                if let TraversalOperator::Index(ix) = op {
                    refs_in_expr(ix, scope, out);
                }
            }
        }
        Expression::TemplateExpr(t) => refs_in_template_expr(t, scope, out),
        Expression::Array(items) => items.iter().for_each(|i| refs_in_expr(i, scope, out)),
        Expression::Object(obj) => {
            for (k, v) in obj.iter() {
                if let ObjectKey::Expression(k) = k {
                    // `{ name = … }` parses its key as a bare variable: not a reference.
                    if !matches!(k, Expression::Variable(_)) {
                        refs_in_expr(k, scope, out);
                    }
                }
                refs_in_expr(v, scope, out);
            }
        }
        Expression::FuncCall(f) => f.args.iter().for_each(|a| refs_in_expr(a, scope, out)),
        Expression::Parenthesis(inner) => refs_in_expr(inner, scope, out),
        Expression::Conditional(c) => {
            refs_in_expr(&c.cond_expr, scope, out);
            refs_in_expr(&c.true_expr, scope, out);
            refs_in_expr(&c.false_expr, scope, out);
        }
        Expression::Operation(op) => match op.as_ref() {
            hcl::expr::Operation::Unary(u) => refs_in_expr(&u.expr, scope, out),
            hcl::expr::Operation::Binary(b) => {
                refs_in_expr(&b.lhs_expr, scope, out);
                refs_in_expr(&b.rhs_expr, scope, out);
            }
        },
        Expression::ForExpr(f) => {
            refs_in_expr(&f.collection_expr, scope, out);
            let n = scope.len();
            scope.extend(f.key_var.iter().map(|k| k.to_string()));
            scope.push(f.value_var.to_string());
            if let Some(k) = &f.key_expr {
                refs_in_expr(k, scope, out);
            }
            refs_in_expr(&f.value_expr, scope, out);
            if let Some(c) = &f.cond_expr {
                refs_in_expr(c, scope, out);
            }
            scope.truncate(n);
        }
        Expression::Null | Expression::Bool(_) | Expression::Number(_) | Expression::String(_) => {}
        _ => {}
    }
}

fn push_ref(path: Vec<String>, scope: &[String], out: &mut Vec<Vec<String>>) {
    if !scope.contains(&path[0]) {
        out.push(path);
    }
}

fn refs_in_template_expr(t: &TemplateExpr, scope: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    match Template::from_expr(t) {
        Ok(tpl) => refs_in_template(&tpl, scope, out),
        Err(_) => out.push(vec![format!("<unparsable template {t}>")]),
    }
}

fn refs_in_template(t: &Template, scope: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    for el in t.elements() {
        match el {
            Element::Literal(_) => {}
            Element::Interpolation(i) => refs_in_expr(&i.expr, scope, out),
            Element::Directive(d) => match d.as_ref() {
                Directive::If(d) => {
                    refs_in_expr(&d.cond_expr, scope, out);
                    refs_in_template(&d.true_template, scope, out);
                    if let Some(f) = &d.false_template {
                        refs_in_template(f, scope, out);
                    }
                }
                Directive::For(d) => {
                    refs_in_expr(&d.collection_expr, scope, out);
                    let n = scope.len();
                    scope.extend(d.key_var.iter().map(|k| k.to_string()));
                    scope.push(d.value_var.to_string());
                    refs_in_template(&d.template, scope, out);
                    scope.truncate(n);
                }
            },
        }
    }
}

fn record_hcl_refs(m: &mut Module, ctx: &Ctx, e: &Expression, scope: &[String]) {
    let mut found = Vec::new();
    refs_in_expr(e, &mut scope.to_vec(), &mut found);
    record(m, ctx, found);
}

/// A JSON-syntax string is a template; `depends_on` entries and a few others are bare
/// expressions.
fn record_json_refs(m: &mut Module, ctx: &Ctx, v: &Value, bare_expressions: bool) {
    let mut found = Vec::new();
    json_refs(v, bare_expressions, &mut found);
    record(m, ctx, found);
}

fn json_refs(v: &Value, bare: bool, out: &mut Vec<Vec<String>>) {
    match v {
        Value::String(s) if bare => match s.parse::<Expression>() {
            Ok(e) => refs_in_expr(&e, &mut Vec::new(), out),
            Err(_) => out.push(vec![format!("<unparsable expression {s}>")]),
        },
        Value::String(s) if s.contains("${") || s.contains("%{") => match s.parse::<Template>() {
            Ok(t) => refs_in_template(&t, &mut Vec::new(), out),
            Err(_) => out.push(vec![format!("<unparsable template {s}>")]),
        },
        Value::Array(items) => items.iter().for_each(|i| json_refs(i, bare, out)),
        Value::Object(o) => o.values().for_each(|i| json_refs(i, bare, out)),
        _ => {}
    }
}

fn record(m: &mut Module, ctx: &Ctx, found: Vec<Vec<String>>) {
    for path in found {
        m.refs.push(Ref {
            file: ctx.file.clone(),
            at: ctx.at.clone(),
            path,
            has_count: ctx.has_count,
            has_for_each: ctx.has_for_each,
        });
    }
}

/// Resolves every recorded reference against the module's declarations.
fn resolve_refs(m: &mut Module, schema: &Schema) {
    let refs = std::mem::take(&mut m.refs);
    for r in &refs {
        let ctx = Ctx {
            file: r.file.clone(),
            at: r.at.clone(),
            has_count: r.has_count,
            has_for_each: r.has_for_each,
        };
        let p = &r.path;
        let name = |i: usize| p.get(i).cloned().unwrap_or_default();
        let problem = match p[0].as_str() {
            "var" if !m.variables.contains(&name(1)) => Some(format!(
                "var.{} is not declared by any variable block",
                name(1)
            )),
            "local" if !m.locals.contains(&name(1)) => Some(format!(
                "local.{} is not defined in any locals block",
                name(1)
            )),
            "data" if !m.data.contains(&(name(1), name(2))) => {
                Some(format!("data.{}.{} is not declared", name(1), name(2)))
            }
            "module" if !m.modules.contains(&name(1)) => {
                Some(format!("module.{} is not declared", name(1)))
            }
            "each" if !r.has_for_each => {
                Some("each.* used in a block without for_each".to_string())
            }
            "count" if !r.has_count => Some("count.* used in a block without count".to_string()),
            "var" | "local" | "data" | "module" | "each" | "count" | "path" | "terraform"
            | "self" => None,
            t if schema.resource.contains_key(t) => {
                if m.resources.contains(&(t.to_string(), name(1))) {
                    None
                } else {
                    Some(format!("{t}.{} is not declared in this module", name(1)))
                }
            }
            other => Some(format!("`{other}` is not a known reference root")),
        };
        if let Some(problem) = problem {
            m.report(&ctx, Kind::UndeclaredReference, problem);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// HCL syntax
// ---------------------------------------------------------------------------------------------

fn label_str(l: &hcl::BlockLabel) -> &str {
    l.as_str()
}

fn expect_labels(m: &mut Module, ctx: &Ctx, block: &hcl::Block, n: usize) -> bool {
    if block.labels.len() == n {
        true
    } else {
        m.report(
            ctx,
            Kind::Labels,
            format!(
                "`{}` takes {n} label(s), found {}",
                block.identifier,
                block.labels.len()
            ),
        );
        false
    }
}

fn check_hcl_file(m: &mut Module, schema: &Schema, file: &str, src: &str) {
    let top = Ctx {
        file: file.to_string(),
        at: "(file)".to_string(),
        has_count: false,
        has_for_each: false,
    };
    let body = match hcl::parse(src) {
        Ok(b) => b,
        Err(e) => return m.report(&top, Kind::Syntax, format!("HCL does not parse: {e}")),
    };
    for attr in body.attributes() {
        m.report(
            &top.child(attr.key()),
            Kind::UnknownArgument,
            "attributes are not allowed at the top level of a Terraform file",
        );
    }
    for block in body.blocks() {
        let kind = block.identifier();
        let labels: Vec<&str> = block.labels.iter().map(label_str).collect();
        let ctx = Ctx {
            at: if labels.is_empty() {
                kind.to_string()
            } else {
                format!("{kind}.{}", labels.join("."))
            },
            ..top.clone()
        };
        match kind {
            "resource" | "data" => {
                if expect_labels(m, &ctx, block, 2) {
                    let (t, n) = (labels[0].to_string(), labels[1].to_string());
                    let ctx = Ctx {
                        at: if kind == "data" {
                            format!("data.{t}.{n}")
                        } else {
                            format!("{t}.{n}")
                        },
                        ..ctx
                    };
                    let fresh = if kind == "data" {
                        m.data.insert((t.clone(), n))
                    } else {
                        m.resources.insert((t.clone(), n))
                    };
                    m.declare(&ctx, &ctx.at.clone(), fresh);
                    check_hcl_resource(m, schema, &ctx, kind, &t, block.body());
                }
            }
            "variable" => {
                if expect_labels(m, &ctx, block, 1) {
                    let fresh = m.variables.insert(labels[0].to_string());
                    m.declare(&ctx, &format!("variable {}", labels[0]), fresh);
                    check_hcl_fixed(
                        m,
                        &ctx,
                        block.body(),
                        VARIABLE_ATTRS,
                        &["validation"],
                        |n| n != "type",
                    );
                }
            }
            "output" => {
                if expect_labels(m, &ctx, block, 1) {
                    let fresh = m.outputs.insert(labels[0].to_string());
                    m.declare(&ctx, &format!("output {}", labels[0]), fresh);
                    check_hcl_fixed(
                        m,
                        &ctx,
                        block.body(),
                        OUTPUT_ATTRS,
                        &["precondition"],
                        |_| true,
                    );
                    if !block.body().attributes().any(|a| a.key() == "value") {
                        m.report(&ctx, Kind::MissingRequired, "output without `value`");
                    }
                }
            }
            "locals" => {
                expect_labels(m, &ctx, block, 0);
                for a in block.body().attributes() {
                    let fresh = m.locals.insert(a.key().to_string());
                    let c = Ctx {
                        at: format!("local.{}", a.key()),
                        ..ctx.clone()
                    };
                    m.declare(&c, &c.at.clone(), fresh);
                    record_hcl_refs(m, &c, a.expr(), &[]);
                }
                for b in block.body().blocks() {
                    m.report(
                        &ctx.child(b.identifier()),
                        Kind::AttributeAsBlock,
                        "locals holds attributes only",
                    );
                }
            }
            "terraform" => {
                expect_labels(m, &ctx, block, 0);
                check_hcl_terraform(m, &ctx, block.body());
            }
            "module" => {
                if expect_labels(m, &ctx, block, 1) {
                    m.modules.insert(labels[0].to_string());
                }
            }
            k if TOP_LEVEL.contains(&k) => {}
            other => m.report(
                &ctx,
                Kind::UnknownArgument,
                format!("`{other}` is not a Terraform top-level block"),
            ),
        }
    }
}

/// A block with a fixed set of attributes and condition-like nested blocks
/// (`variable`, `output`). `refs_for` says which attributes hold expressions.
fn check_hcl_fixed(
    m: &mut Module,
    ctx: &Ctx,
    body: &hcl::Body,
    attrs: &[&str],
    blocks: &[&str],
    refs_for: impl Fn(&str) -> bool,
) {
    let mut seen = BTreeSet::new();
    for a in body.attributes() {
        let c = ctx.child(a.key());
        if !seen.insert(a.key().to_string()) {
            m.report(&c, Kind::Duplicate, "attribute set more than once");
        }
        if attrs.contains(&a.key()) {
            if refs_for(a.key()) {
                record_hcl_refs(m, &c, a.expr(), &[]);
            }
        } else if blocks.contains(&a.key()) {
            m.report(
                &c,
                Kind::BlockAsAttribute,
                format!("`{}` is a block", a.key()),
            );
        } else {
            m.report(
                &c,
                Kind::UnknownArgument,
                format!("`{}` is not allowed here", a.key()),
            );
        }
    }
    for b in body.blocks() {
        let c = ctx.child(b.identifier());
        if blocks.contains(&b.identifier()) {
            check_hcl_condition(m, &c, b.body());
        } else if attrs.contains(&b.identifier()) {
            m.report(
                &c,
                Kind::AttributeAsBlock,
                format!("`{}` is an attribute", b.identifier()),
            );
        } else {
            m.report(
                &c,
                Kind::UnknownArgument,
                format!("`{}` is not allowed here", b.identifier()),
            );
        }
    }
}

/// `validation`, `precondition`, `postcondition`: `condition` and `error_message`, both required.
fn check_hcl_condition(m: &mut Module, ctx: &Ctx, body: &hcl::Body) {
    for key in ["condition", "error_message"] {
        if !body.attributes().any(|a| a.key() == key) {
            m.report(ctx, Kind::MissingRequired, format!("`{key}` is required"));
        }
    }
    for a in body.attributes() {
        if !["condition", "error_message"].contains(&a.key()) {
            m.report(
                &ctx.child(a.key()),
                Kind::UnknownArgument,
                "not allowed here",
            );
        }
        record_hcl_refs(m, &ctx.child(a.key()), a.expr(), &[]);
    }
    for b in body.blocks() {
        m.report(
            &ctx.child(b.identifier()),
            Kind::UnknownArgument,
            "no blocks allowed here",
        );
    }
}

fn check_hcl_terraform(m: &mut Module, ctx: &Ctx, body: &hcl::Body) {
    for a in body.attributes() {
        if !TERRAFORM_ATTRS.contains(&a.key()) {
            let kind = if TERRAFORM_BLOCKS.contains(&a.key()) {
                Kind::BlockAsAttribute
            } else {
                Kind::UnknownArgument
            };
            m.report(
                &ctx.child(a.key()),
                kind,
                "not allowed in a terraform block",
            );
        }
    }
    for b in body.blocks() {
        let c = ctx.child(b.identifier());
        match b.identifier() {
            "required_providers" => {
                for b2 in b.body().blocks() {
                    m.report(
                        &c.child(b2.identifier()),
                        Kind::AttributeAsBlock,
                        "write `name = { source = …, version = … }`",
                    );
                }
                for p in b.body().attributes() {
                    let c = c.child(p.key());
                    let (source, version) = match p.expr() {
                        Expression::Object(o) => {
                            let mut source = None;
                            let mut version = None;
                            for (k, v) in o.iter() {
                                let key = object_key_name(k);
                                if !REQUIRED_PROVIDER_KEYS.contains(&key.as_str()) {
                                    m.report(
                                        &c.child(&key),
                                        Kind::UnknownArgument,
                                        "not allowed in required_providers",
                                    );
                                }
                                let text = match v {
                                    Expression::String(s) => Some(s.clone()),
                                    _ => None,
                                };
                                match key.as_str() {
                                    "source" => source = text,
                                    "version" => version = text,
                                    _ => {}
                                }
                            }
                            (source, version)
                        }
                        Expression::String(s) => (None, Some(s.clone())),
                        _ => {
                            m.report(
                                &c,
                                Kind::TypeMismatch,
                                "expects { source = …, version = … }",
                            );
                            (None, None)
                        }
                    };
                    if p.key() == "aws" {
                        m.aws_requirement = Some(AwsRequirement {
                            file: ctx.file.clone(),
                            source,
                            version,
                        });
                    }
                }
            }
            k if TERRAFORM_BLOCKS.contains(&k) => {}
            k if TERRAFORM_ATTRS.contains(&k) => m.report(
                &c,
                Kind::AttributeAsBlock,
                "an attribute of the terraform block",
            ),
            _ => m.report(
                &c,
                Kind::UnknownArgument,
                "not allowed in a terraform block",
            ),
        }
    }
}

fn check_hcl_resource(
    m: &mut Module,
    schema: &Schema,
    ctx: &Ctx,
    kind: &str,
    t: &str,
    body: &hcl::Body,
) {
    let table = if kind == "data" {
        &schema.data
    } else {
        &schema.resource
    };
    let ctx = Ctx {
        has_count: body.attributes().any(|a| a.key() == "count"),
        has_for_each: body.attributes().any(|a| a.key() == "for_each"),
        ..ctx.clone()
    };
    if ctx.has_count && ctx.has_for_each {
        m.report(
            &ctx,
            Kind::Duplicate,
            "count and for_each are mutually exclusive",
        );
    }
    let Some(sb) = table.get(t) else {
        let what = if kind == "data" {
            "data source"
        } else {
            "resource"
        };
        m.report(
            &ctx,
            Kind::UnknownResourceType,
            format!("hashicorp/aws 6.25.0 has no {what} type `{t}`"),
        );
        // Still resolve its references.
        for a in body.attributes() {
            record_hcl_refs(m, &ctx.child(a.key()), a.expr(), &[]);
        }
        return;
    };
    for a in body.attributes() {
        if RESOURCE_META_ATTRS.contains(&a.key()) && a.key() != "provider" {
            record_hcl_refs(m, &ctx.child(a.key()), a.expr(), &[]);
        }
    }
    for b in body.blocks() {
        if b.identifier() == "lifecycle" {
            check_hcl_lifecycle(m, &ctx.child("lifecycle"), b.body());
        }
    }
    let skip_attrs: &[&str] = RESOURCE_META_ATTRS;
    let skip_blocks: &[&str] = RESOURCE_META_BLOCKS;
    check_hcl_body(m, &ctx, t, sb, body, skip_attrs, skip_blocks, &[]);
}

fn check_hcl_lifecycle(m: &mut Module, ctx: &Ctx, body: &hcl::Body) {
    for a in body.attributes() {
        if !LIFECYCLE_ATTRS.contains(&a.key()) {
            m.report(
                &ctx.child(a.key()),
                Kind::UnknownArgument,
                "not a lifecycle argument",
            );
        }
    }
    for b in body.blocks() {
        if CONDITION_BLOCKS.contains(&b.identifier()) {
            check_hcl_condition(m, &ctx.child(b.identifier()), b.body());
        } else {
            m.report(
                &ctx.child(b.identifier()),
                Kind::UnknownArgument,
                "not a lifecycle block",
            );
        }
    }
}

/// Checks a resource body (or a nested block body) against its schema.
#[allow(clippy::too_many_arguments)]
fn check_hcl_body(
    m: &mut Module,
    ctx: &Ctx,
    resource_type: &str,
    sb: &SchemaBody,
    body: &hcl::Body,
    skip_attrs: &[&str],
    skip_blocks: &[&str],
    scope: &[String],
) {
    let mut present: BTreeMap<String, usize> = BTreeMap::new();
    let mut seen_attrs = BTreeSet::new();
    for a in body.attributes() {
        let key = a.key();
        let c = ctx.child(key);
        if !seen_attrs.insert(key.to_string()) {
            m.report(&c, Kind::Duplicate, "attribute set more than once");
        }
        if skip_attrs.contains(&key) {
            continue;
        }
        *present.entry(key.to_string()).or_default() += 1;
        record_hcl_refs(m, &c, a.expr(), scope);
        match sb.get(key) {
            None => m.report(
                &c,
                Kind::UnknownArgument,
                unknown_arg_message(resource_type, key, sb),
            ),
            Some(arg) => match arg.block() {
                Some(_)
                    if attribute_as_blocks_allowed(resource_type, key)
                        && matches!(
                            hcl_shape(a.expr()).0,
                            Shape::List | Shape::Null | Shape::Unknown
                        ) => {}
                Some((_, repeated)) => m.report(
                    &c,
                    Kind::BlockAsAttribute,
                    format!(
                        "`{key}` is a {} block: write `{key} {{ … }}`, not `{key} = …`",
                        if repeated { "repeatable" } else { "single" }
                    ),
                ),
                None => check_hcl_value(m, &c, &arg.ty, a.expr()),
            },
        }
    }
    let mut blocks_seen: BTreeMap<String, usize> = BTreeMap::new();
    for b in body.blocks() {
        let ident = b.identifier();
        if skip_blocks.contains(&ident) {
            continue;
        }
        if ident == "dynamic" {
            check_hcl_dynamic(m, ctx, resource_type, sb, b, scope);
            if let Some(l) = b.labels.first() {
                *present.entry(l.as_str().to_string()).or_default() += 1;
            }
            continue;
        }
        let c = ctx.child(ident);
        *present.entry(ident.to_string()).or_default() += 1;
        if !b.labels.is_empty() {
            m.report(&c, Kind::Labels, "a nested block takes no labels");
        }
        match sb.get(ident) {
            None => m.report(&c, Kind::UnknownArgument, unknown_arg_message(resource_type, ident, sb)),
            Some(arg) => match arg.block() {
                None => m.report(
                    &c,
                    Kind::AttributeAsBlock,
                    format!(
                        "`{ident}` is an attribute of type {}: write `{ident} = …`, not `{ident} {{ … }}`",
                        ty_name(&arg.ty)
                    ),
                ),
                Some((inner, repeated)) => {
                    let n = blocks_seen.entry(ident.to_string()).or_default();
                    *n += 1;
                    if !repeated && *n == 2 {
                        m.report(&c, Kind::TooManyBlocks, format!("`{ident}` allows at most one block"));
                    }
                    check_hcl_body(m, &c, resource_type, inner, b.body(), &[], &[], scope);
                }
            },
        }
    }
    missing_required(m, ctx, sb, &present);
}

fn check_hcl_dynamic(
    m: &mut Module,
    ctx: &Ctx,
    resource_type: &str,
    sb: &SchemaBody,
    b: &hcl::Block,
    scope: &[String],
) {
    let Some(name) = b.labels.first().map(|l| l.as_str().to_string()) else {
        return m.report(
            &ctx.child("dynamic"),
            Kind::Labels,
            "dynamic takes one label",
        );
    };
    let c = ctx.child(&format!("dynamic.{name}"));
    let mut iterator = name.clone();
    let mut has_for_each = false;
    for a in b.body().attributes() {
        match a.key() {
            "for_each" => {
                has_for_each = true;
                record_hcl_refs(m, &c.child("for_each"), a.expr(), scope);
            }
            "iterator" => {
                if let Expression::Variable(v) = a.expr() {
                    iterator = v.to_string();
                }
            }
            "labels" => {}
            k => m.report(
                &c.child(k),
                Kind::UnknownArgument,
                "not a dynamic block argument",
            ),
        }
    }
    if !has_for_each {
        m.report(&c, Kind::MissingRequired, "dynamic block without for_each");
    }
    let Some((inner, _)) = sb.get(&name).and_then(Arg::block) else {
        let kind = if sb.contains_key(&name) {
            Kind::AttributeAsBlock
        } else {
            Kind::UnknownArgument
        };
        return m.report(
            &c,
            kind,
            format!("`{name}` is not a nested block of {resource_type}"),
        );
    };
    let contents: Vec<_> = b
        .body()
        .blocks()
        .filter(|x| x.identifier() == "content")
        .collect();
    if contents.len() != 1 {
        m.report(
            &c,
            Kind::MissingRequired,
            "dynamic block needs exactly one content block",
        );
    }
    let mut inner_scope = scope.to_vec();
    inner_scope.push(iterator);
    for content in contents {
        check_hcl_body(
            m,
            &c.child("content"),
            resource_type,
            inner,
            content.body(),
            &[],
            &[],
            &inner_scope,
        );
    }
}

fn missing_required(m: &mut Module, ctx: &Ctx, sb: &SchemaBody, present: &BTreeMap<String, usize>) {
    for (name, arg) in sb {
        match (present.contains_key(name), arg.since, arg.optional_since) {
            (true, Some(later), _) | (false, _, Some(later)) => {
                m.later.insert(later);
            }
            _ => {}
        }
        if arg.required && !present.contains_key(name) {
            let what = if arg.block().is_some() {
                "block"
            } else {
                "argument"
            };
            m.report(
                ctx,
                Kind::MissingRequired,
                format!("required {what} `{name}` is missing"),
            );
        }
    }
}

fn unknown_arg_message(resource_type: &str, key: &str, sb: &SchemaBody) -> String {
    let mut close: Vec<&str> = sb
        .keys()
        .filter(|k| k.contains(key) || key.contains(k.as_str()) || edit_distance(k, key) <= 2)
        .map(String::as_str)
        .collect();
    close.truncate(3);
    if close.is_empty() {
        format!("`{key}` is not an argument of {resource_type}")
    } else {
        format!(
            "`{key}` is not an argument of {resource_type} (did you mean {})",
            close.join(", ")
        )
    }
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

// ---------------------------------------------------------------------------------------------
// JSON syntax
// ---------------------------------------------------------------------------------------------

/// In JSON syntax a block (or a set of labelled blocks) may be an object or an array of objects.
fn json_objects(v: &Value) -> Option<Vec<&serde_json::Map<String, Value>>> {
    match v {
        Value::Object(o) => Some(vec![o]),
        Value::Array(items) => items.iter().map(Value::as_object).collect(),
        _ => None,
    }
}

fn check_json_file(m: &mut Module, schema: &Schema, file: &str, src: &str) {
    let top = Ctx {
        file: file.to_string(),
        at: "(file)".to_string(),
        has_count: false,
        has_for_each: false,
    };
    let root: Value = match serde_json::from_str(src) {
        Ok(v) => v,
        Err(e) => return m.report(&top, Kind::Syntax, format!("JSON does not parse: {e}")),
    };
    let Some(root) = root.as_object() else {
        return m.report(
            &top,
            Kind::Syntax,
            "a .tf.json file must hold a JSON object",
        );
    };
    for (kind, v) in root {
        let ctx = Ctx {
            at: kind.clone(),
            ..top.clone()
        };
        if kind == "//" {
            continue;
        }
        if !TOP_LEVEL.contains(&kind.as_str()) {
            m.report(
                &ctx,
                Kind::UnknownArgument,
                format!("`{kind}` is not a Terraform top-level block"),
            );
            continue;
        }
        let Some(objs) = json_objects(v) else {
            m.report(
                &ctx,
                Kind::BlockAsAttribute,
                format!("`{kind}` must be a JSON object"),
            );
            continue;
        };
        for obj in objs {
            match kind.as_str() {
                "resource" | "data" => {
                    for (t, by_name) in obj {
                        let Some(names) = by_name.as_object() else {
                            m.report(
                                &ctx.child(t),
                                Kind::Labels,
                                "expects an object keyed by resource name",
                            );
                            continue;
                        };
                        for (n, body) in names {
                            let at = if kind == "data" {
                                format!("data.{t}.{n}")
                            } else {
                                format!("{t}.{n}")
                            };
                            let c = Ctx { at, ..top.clone() };
                            let fresh = if kind == "data" {
                                m.data.insert((t.clone(), n.clone()))
                            } else {
                                m.resources.insert((t.clone(), n.clone()))
                            };
                            m.declare(&c, &c.at.clone(), fresh);
                            match json_objects(body) {
                                Some(bodies) if bodies.len() == 1 => {
                                    check_json_resource(m, schema, &c, kind, t, bodies[0])
                                }
                                _ => m.report(
                                    &c,
                                    Kind::Syntax,
                                    "a resource body must be one JSON object",
                                ),
                            }
                        }
                    }
                }
                "variable" => {
                    for (n, body) in obj {
                        let c = Ctx {
                            at: format!("variable.{n}"),
                            ..top.clone()
                        };
                        let fresh = m.variables.insert(n.clone());
                        m.declare(&c, &format!("variable {n}"), fresh);
                        check_json_fixed(m, &c, body, VARIABLE_ATTRS, &["validation"], |k| {
                            k != "type"
                        });
                    }
                }
                "output" => {
                    for (n, body) in obj {
                        let c = Ctx {
                            at: format!("output.{n}"),
                            ..top.clone()
                        };
                        let fresh = m.outputs.insert(n.clone());
                        m.declare(&c, &format!("output {n}"), fresh);
                        check_json_fixed(m, &c, body, OUTPUT_ATTRS, &["precondition"], |_| true);
                        if body.get("value").is_none() {
                            m.report(&c, Kind::MissingRequired, "output without `value`");
                        }
                    }
                }
                "locals" => {
                    for (n, v) in obj {
                        if n == "//" {
                            continue;
                        }
                        let c = Ctx {
                            at: format!("local.{n}"),
                            ..top.clone()
                        };
                        let fresh = m.locals.insert(n.clone());
                        m.declare(&c, &c.at.clone(), fresh);
                        record_json_refs(m, &c, v, false);
                    }
                }
                "terraform" => check_json_terraform(m, &ctx, obj),
                "module" => {
                    for n in obj.keys() {
                        m.modules.insert(n.clone());
                    }
                }
                _ => {}
            }
        }
    }
}

fn check_json_fixed(
    m: &mut Module,
    ctx: &Ctx,
    body: &Value,
    attrs: &[&str],
    blocks: &[&str],
    refs_for: impl Fn(&str) -> bool,
) {
    let Some(o) = body.as_object() else {
        return m.report(ctx, Kind::Syntax, "expects a JSON object");
    };
    for (k, v) in o {
        let c = ctx.child(k);
        if k == "//" {
            continue;
        }
        if attrs.contains(&k.as_str()) {
            if refs_for(k) {
                record_json_refs(m, &c, v, k == "depends_on");
            }
        } else if blocks.contains(&k.as_str()) {
            match json_objects(v) {
                Some(list) => {
                    for cond in list {
                        check_json_condition(m, &c, cond);
                    }
                }
                None => m.report(
                    &c,
                    Kind::BlockAsAttribute,
                    format!("`{k}` is a block: a JSON object"),
                ),
            }
        } else {
            m.report(
                &c,
                Kind::UnknownArgument,
                format!("`{k}` is not allowed here"),
            );
        }
    }
}

fn check_json_condition(m: &mut Module, ctx: &Ctx, o: &serde_json::Map<String, Value>) {
    for key in ["condition", "error_message"] {
        if !o.contains_key(key) {
            m.report(ctx, Kind::MissingRequired, format!("`{key}` is required"));
        }
    }
    for (k, v) in o {
        if k == "//" {
            continue;
        }
        if !["condition", "error_message"].contains(&k.as_str()) {
            m.report(&ctx.child(k), Kind::UnknownArgument, "not allowed here");
        }
        record_json_refs(m, &ctx.child(k), v, false);
    }
}

fn check_json_terraform(m: &mut Module, ctx: &Ctx, o: &serde_json::Map<String, Value>) {
    for (k, v) in o {
        let c = ctx.child(k);
        match k.as_str() {
            "//" => {}
            "required_providers" => {
                let Some(list) = json_objects(v) else {
                    m.report(
                        &c,
                        Kind::BlockAsAttribute,
                        "required_providers is a block: a JSON object",
                    );
                    continue;
                };
                for providers in list {
                    for (p, req) in providers {
                        let c = c.child(p);
                        let (source, version) = match req {
                            Value::Object(r) => {
                                for key in r.keys() {
                                    if !REQUIRED_PROVIDER_KEYS.contains(&key.as_str()) {
                                        m.report(
                                            &c.child(key),
                                            Kind::UnknownArgument,
                                            "not allowed in required_providers",
                                        );
                                    }
                                }
                                let s = |key: &str| {
                                    r.get(key).and_then(Value::as_str).map(str::to_string)
                                };
                                (s("source"), s("version"))
                            }
                            Value::String(s) => (None, Some(s.clone())),
                            _ => {
                                m.report(
                                    &c,
                                    Kind::TypeMismatch,
                                    "expects {\"source\": …, \"version\": …}",
                                );
                                (None, None)
                            }
                        };
                        if p == "aws" {
                            m.aws_requirement = Some(AwsRequirement {
                                file: ctx.file.clone(),
                                source,
                                version,
                            });
                        }
                    }
                }
            }
            k if TERRAFORM_ATTRS.contains(&k) || TERRAFORM_BLOCKS.contains(&k) => {}
            _ => m.report(
                &c,
                Kind::UnknownArgument,
                "not allowed in a terraform block",
            ),
        }
    }
}

fn check_json_resource(
    m: &mut Module,
    schema: &Schema,
    ctx: &Ctx,
    kind: &str,
    t: &str,
    body: &serde_json::Map<String, Value>,
) {
    let table = if kind == "data" {
        &schema.data
    } else {
        &schema.resource
    };
    let ctx = Ctx {
        has_count: body.contains_key("count"),
        has_for_each: body.contains_key("for_each"),
        ..ctx.clone()
    };
    if ctx.has_count && ctx.has_for_each {
        m.report(
            &ctx,
            Kind::Duplicate,
            "count and for_each are mutually exclusive",
        );
    }
    for (k, v) in body {
        match k.as_str() {
            "count" | "for_each" => record_json_refs(m, &ctx.child(k), v, false),
            "depends_on" => record_json_refs(m, &ctx.child(k), v, true),
            "lifecycle" => match json_objects(v) {
                Some(list) => {
                    for l in list {
                        for (lk, lv) in l {
                            let c = ctx.child("lifecycle").child(lk);
                            if CONDITION_BLOCKS.contains(&lk.as_str()) {
                                for cond in json_objects(lv).unwrap_or_default() {
                                    check_json_condition(m, &c, cond);
                                }
                            } else if !LIFECYCLE_ATTRS.contains(&lk.as_str()) && lk != "//" {
                                m.report(&c, Kind::UnknownArgument, "not a lifecycle argument");
                            }
                        }
                    }
                }
                None => m.report(
                    &ctx.child(k),
                    Kind::BlockAsAttribute,
                    "lifecycle is a block: a JSON object",
                ),
            },
            _ => {}
        }
    }
    let Some(sb) = table.get(t) else {
        let what = if kind == "data" {
            "data source"
        } else {
            "resource"
        };
        m.report(
            &ctx,
            Kind::UnknownResourceType,
            format!("hashicorp/aws 6.25.0 has no {what} type `{t}`"),
        );
        return;
    };
    let mut skip: Vec<&str> = RESOURCE_META_ATTRS.to_vec();
    skip.extend_from_slice(RESOURCE_META_BLOCKS);
    check_json_body(m, &ctx, t, sb, body, &skip);
}

fn check_json_body(
    m: &mut Module,
    ctx: &Ctx,
    resource_type: &str,
    sb: &SchemaBody,
    body: &serde_json::Map<String, Value>,
    skip: &[&str],
) {
    let mut present: BTreeMap<String, usize> = BTreeMap::new();
    for (key, v) in body {
        if key == "//" || skip.contains(&key.as_str()) {
            continue;
        }
        let c = ctx.child(key);
        if key == "dynamic" {
            check_json_dynamic(m, ctx, resource_type, sb, v, &mut present);
            continue;
        }
        *present.entry(key.clone()).or_default() += 1;
        match sb.get(key) {
            None => m.report(&c, Kind::UnknownArgument, unknown_arg_message(resource_type, key, sb)),
            Some(arg) => match arg.block() {
                Some((inner, repeated)) => match json_objects(v) {
                    Some(list) => {
                        if !repeated && list.len() > 1 {
                            m.report(&c, Kind::TooManyBlocks, format!("`{key}` allows at most one block"));
                        }
                        for (i, o) in list.iter().enumerate() {
                            let ci = if list.len() > 1 { c.child(&format!("[{i}]")) } else { c.clone() };
                            check_json_body(m, &ci, resource_type, inner, o, &[]);
                        }
                    }
                    None if attribute_as_blocks_allowed(resource_type, key)
                        && matches!(json_shape(v).0, Shape::Unknown | Shape::Null) => {}
                    None => m.report(
                        &c,
                        Kind::BlockAsAttribute,
                        format!(
                            "`{key}` is a {} block: in JSON syntax an object or an array of objects",
                            if repeated { "repeatable" } else { "single" }
                        ),
                    ),
                },
                None => {
                    record_json_refs(m, &c, v, false);
                    let scalar_like = match &arg.ty {
                        Ty::Scalar(s) => ["string", "number", "boolean"].contains(&s.as_str()),
                        Ty::List(of) => matches!(of.as_ref(), Ty::Scalar(_)),
                        _ => false,
                    };
                    if scalar_like && v.is_object() {
                        m.report(
                            &c,
                            Kind::AttributeAsBlock,
                            format!("`{key}` is an attribute of type {}, written as a block (a JSON object)", ty_name(&arg.ty)),
                        );
                    } else {
                        check_json_value(m, &c, &arg.ty, v);
                    }
                }
            },
        }
    }
    missing_required(m, ctx, sb, &present);
}

fn check_json_dynamic(
    m: &mut Module,
    ctx: &Ctx,
    resource_type: &str,
    sb: &SchemaBody,
    v: &Value,
    present: &mut BTreeMap<String, usize>,
) {
    let Some(o) = v.as_object() else {
        return m.report(
            &ctx.child("dynamic"),
            Kind::Syntax,
            "dynamic expects an object keyed by block name",
        );
    };
    for (name, spec) in o {
        let c = ctx.child(&format!("dynamic.{name}"));
        *present.entry(name.clone()).or_default() += 1;
        let Some((inner, _)) = sb.get(name).and_then(Arg::block) else {
            m.report(
                &c,
                Kind::UnknownArgument,
                format!("`{name}` is not a nested block of {resource_type}"),
            );
            continue;
        };
        for spec in json_objects(spec).unwrap_or_default() {
            if let Some(f) = spec.get("for_each") {
                record_json_refs(m, &c.child("for_each"), f, false);
            } else {
                m.report(&c, Kind::MissingRequired, "dynamic block without for_each");
            }
            match spec.get("content").and_then(Value::as_object) {
                // References inside content use the iterator; they are not resolved here.
                Some(content) => {
                    let mut sub = Module::default();
                    check_json_body(
                        &mut sub,
                        &c.child("content"),
                        resource_type,
                        inner,
                        content,
                        &[],
                    );
                    m.findings.extend(sub.findings);
                }
                None => m.report(
                    &c,
                    Kind::MissingRequired,
                    "dynamic block needs a content object",
                ),
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Module-level checks
// ---------------------------------------------------------------------------------------------

fn parse_version(s: &str) -> Option<Vec<u64>> {
    let core = s.trim().trim_start_matches('v');
    let core = core.split(['-', '+']).next()?;
    core.split('.').map(|p| p.parse().ok()).collect()
}

fn cmp_version(a: &[u64], b: &[u64]) -> std::cmp::Ordering {
    let n = a.len().max(b.len());
    let get = |v: &[u64], i: usize| v.get(i).copied().unwrap_or(0);
    (0..n)
        .map(|i| get(a, i).cmp(&get(b, i)))
        .find(|o| o.is_ne())
        .unwrap_or(std::cmp::Ordering::Equal)
}

/// Does a Terraform version constraint (`>= 5.0, < 7.0`, `~> 6.2`) admit `version`?
fn constraint_admits(constraint: &str, version: &[u64]) -> Result<bool, String> {
    use std::cmp::Ordering::*;
    for part in constraint.split(',') {
        let part = part.trim();
        let (op, rest) = ["~>", ">=", "<=", "!=", "=", ">", "<"]
            .iter()
            .find_map(|op| part.strip_prefix(op).map(|r| (*op, r)))
            .unwrap_or(("=", part));
        let v = parse_version(rest).ok_or_else(|| format!("cannot read version `{rest}`"))?;
        let c = cmp_version(version, &v);
        let ok = match op {
            "~>" => {
                let mut upper: Vec<u64> = if v.len() <= 1 {
                    vec![v.first().copied().unwrap_or(0) + 1]
                } else {
                    v[..v.len() - 1].to_vec()
                };
                if v.len() > 1 {
                    *upper.last_mut().expect("non-empty") += 1;
                }
                c != Less && cmp_version(version, &upper) == Less
            }
            ">=" => c != Less,
            "<=" => c != Greater,
            ">" => c == Greater,
            "<" => c == Less,
            "!=" => c != Equal,
            _ => c == Equal,
        };
        if !ok {
            return Ok(false);
        }
    }
    Ok(true)
}

fn check_provider_requirement(m: &mut Module) {
    let uses_aws = m
        .resources
        .iter()
        .chain(m.data.iter())
        .any(|(t, _)| t.starts_with("aws_"));
    let file = m
        .aws_requirement
        .as_ref()
        .map(|r| r.file.clone())
        .unwrap_or_else(|| "(module)".into());
    let ctx = Ctx {
        file,
        at: "terraform.required_providers.aws".into(),
        has_count: false,
        has_for_each: false,
    };
    match &m.aws_requirement {
        None if uses_aws => m.report(
            &ctx,
            Kind::Provider,
            "the module uses aws resources but declares no required_providers.aws",
        ),
        None => {}
        Some(r) => {
            let (source, version) = (r.source.clone(), r.version.clone());
            match source.as_deref() {
                Some("hashicorp/aws" | "registry.terraform.io/hashicorp/aws") => {}
                other => m.report(
                    &ctx,
                    Kind::Provider,
                    format!("source is {other:?}, expected \"hashicorp/aws\""),
                ),
            }
            match version {
                None => m.report(&ctx, Kind::Provider, "no version constraint"),
                Some(v) => match constraint_admits(&v, &PROVIDER_VERSION) {
                    Ok(true) => {}
                    // A module that relies on later arguments must exclude the releases
                    // before them instead (and may then exclude 6.25.0 too).
                    Ok(false) if !m.later.is_empty() => {}
                    Ok(false) => m.report(
                        &ctx,
                        Kind::Provider,
                        format!("the constraint `{v}` excludes 6.25.0, the provider version of the schema"),
                    ),
                    Err(e) => m.report(&ctx, Kind::Provider, format!("constraint `{v}`: {e}")),
                },
            }
        }
    }
    // Each change the module relies on: the releases before it excluded, and the newest
    // release it relies on (or the schema's, when newer) admitted.
    let version = m.aws_requirement.as_ref().and_then(|r| r.version.clone());
    let later: Vec<Later> = m.later.iter().copied().collect();
    let newest = later
        .iter()
        .map(|l| l.release)
        .chain([PROVIDER_VERSION])
        .max()
        .unwrap_or(PROVIDER_VERSION);
    for l in later {
        let Some(v) = &version else { break };
        let [major, minor, _] = l.release;
        let before = [major, minor.saturating_sub(1), u64::MAX];
        let r = l.release;
        match (constraint_admits(v, &before), constraint_admits(v, &newest)) {
            (Ok(false), Ok(true)) => {}
            (Ok(_), Ok(_)) => m.report(
                &ctx,
                Kind::Provider,
                format!(
                    "the module relies on a change of {}.{}.{} ({}): the constraint `{v}` must admit that release and exclude the earlier ones",
                    r[0], r[1], r[2], l.citation
                ),
            ),
            (Err(e), _) | (_, Err(e)) => {
                m.report(&ctx, Kind::Provider, format!("constraint `{v}`: {e}"))
            }
        }
    }
}

/// Checks one module: `files` are (display name, contents), all HCL or all JSON.
fn check_module(schema: &Schema, files: &[(String, String)], json: bool) -> Module {
    let mut m = Module::default();
    for (name, src) in files {
        if json {
            check_json_file(&mut m, schema, name, src);
        } else {
            check_hcl_file(&mut m, schema, name, src);
        }
    }
    resolve_refs(&mut m, schema);
    check_provider_requirement(&mut m);
    m.findings.sort();
    m.findings.dedup();
    m
}

// ---------------------------------------------------------------------------------------------
// The examples
// ---------------------------------------------------------------------------------------------

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The examples directory: `examples/` of this repository, or `$SHIBORI_EXAMPLES_DIR` (to try
/// the check on rendered outputs elsewhere).
fn examples_root() -> PathBuf {
    std::env::var_os("SHIBORI_EXAMPLES_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("examples"))
}

/// `examples/*/<sub>` directories, sorted.
fn example_dirs(sub: &str) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(examples_root())
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path().join(sub))
                .filter(|p| p.is_dir())
                .collect()
        })
        .unwrap_or_default();
    dirs.sort();
    dirs
}

fn read_module(dir: &Path, suffix: &str) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().ends_with(suffix))
        .map(|p| {
            let base = examples_root()
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_default();
            let name = p.strip_prefix(&base).unwrap_or(&p).display().to_string();
            let src = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{name}: {e}"));
            (name, src)
        })
        .collect();
    files.sort();
    files
}

fn check_examples(sub: &str, suffix: &str, json: bool) -> Vec<Module> {
    let dirs = example_dirs(sub);
    assert!(
        !dirs.is_empty(),
        "NO RENDERED TERRAFORM FOUND: no examples/*/{sub}/ directory in {}. The rendered \
         outputs of every example must be checked in (shibori render … --format {} --out \
         examples/<x>/{sub}); this test never passes vacuously.",
        examples_root().display(),
        sub
    );
    let schema = schema();
    let mut report = Vec::new();
    let mut modules = Vec::new();
    let mut resources = 0;
    for dir in &dirs {
        let files = read_module(dir, suffix);
        if files.is_empty() {
            report.push(format!("{}: no *{suffix} file", dir.display()));
            continue;
        }
        let m = check_module(schema, &files, json);
        resources += m.resources.len() + m.data.len();
        report.extend(m.findings.iter().map(ToString::to_string));
        modules.push(m);
    }
    assert!(
        report.is_empty(),
        "{} problem(s) in examples/*/{sub} against hashicorp/aws 6.25.0:\n  {}",
        report.len(),
        report.join("\n  ")
    );
    assert!(
        resources > 0,
        "examples/*/{sub}: no resource or data block at all"
    );
    println!(
        "examples/*/{sub}: {} module(s), {resources} resource/data blocks, all match the schema",
        dirs.len()
    );
    modules
}

#[test]
fn examples_terraform_hcl_match_provider_schema() {
    check_examples("terraform", ".tf", false);
}

#[test]
fn examples_terraform_json_match_provider_schema() {
    check_examples("terraform-json", ".tf.json", true);
}

/// `terraform-json` is "the same module in Terraform's JSON syntax": same addresses.
#[test]
fn examples_terraform_json_declares_what_terraform_declares() {
    let hcl_dirs = example_dirs("terraform");
    let json_dirs = example_dirs("terraform-json");
    assert!(
        !hcl_dirs.is_empty() && !json_dirs.is_empty(),
        "NO RENDERED TERRAFORM FOUND under examples/*/terraform and examples/*/terraform-json"
    );
    let schema = schema();
    let mut problems = Vec::new();
    for hcl_dir in &hcl_dirs {
        let example = hcl_dir.parent().expect("examples/<x>");
        let json_dir = example.join("terraform-json");
        if !json_dir.is_dir() {
            problems.push(format!(
                "{}: terraform/ without terraform-json/",
                example.display()
            ));
            continue;
        }
        let h = check_module(schema, &read_module(hcl_dir, ".tf"), false);
        let j = check_module(schema, &read_module(&json_dir, ".tf.json"), true);
        let pairs = [
            ("resources", fmt_set(&h.resources), fmt_set(&j.resources)),
            ("data sources", fmt_set(&h.data), fmt_set(&j.data)),
            ("variables", h.variables.clone(), j.variables.clone()),
            ("outputs", h.outputs.clone(), j.outputs.clone()),
            ("locals", h.locals.clone(), j.locals.clone()),
        ];
        for (what, a, b) in pairs {
            if a != b {
                problems.push(format!(
                    "{}: {what} differ: only in HCL {:?}, only in JSON {:?}",
                    example.display(),
                    a.difference(&b).collect::<Vec<_>>(),
                    b.difference(&a).collect::<Vec<_>>()
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

fn fmt_set(s: &BTreeSet<(String, String)>) -> BTreeSet<String> {
    s.iter().map(|(t, n)| format!("{t}.{n}")).collect()
}

// ---------------------------------------------------------------------------------------------
// Tests of the checker itself
// ---------------------------------------------------------------------------------------------

mod checker_tests {
    use super::*;

    const VERSIONS: &str = r#"
terraform {
  required_version = ">= 1.5"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
  }
}
"#;

    fn hcl(src: &str) -> Vec<Finding> {
        let files = vec![
            ("versions.tf".to_string(), VERSIONS.to_string()),
            ("main.tf".to_string(), src.to_string()),
        ];
        check_module(schema(), &files, false).findings
    }

    fn json(src: &str) -> Vec<Finding> {
        let versions = r#"{"terraform": {"required_providers": {"aws": {"source": "hashicorp/aws", "version": ">= 5.0"}}}}"#;
        let files = vec![
            ("versions.tf.json".to_string(), versions.to_string()),
            ("main.tf.json".to_string(), src.to_string()),
        ];
        check_module(schema(), &files, true).findings
    }

    fn kinds(f: &[Finding]) -> Vec<Kind> {
        f.iter().map(|f| f.kind).collect()
    }

    #[track_caller]
    fn assert_only(findings: &[Finding], kind: Kind, needle: &str) {
        assert!(
            !findings.is_empty() && findings.iter().all(|f| f.kind == kind),
            "expected only {kind:?}, got:\n{}",
            findings
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        );
        assert!(
            findings.iter().any(|f| f.to_string().contains(needle)),
            "no finding mentions {needle:?}: {findings:#?}"
        );
    }

    #[track_caller]
    fn assert_clean(findings: &[Finding]) {
        assert!(
            findings.is_empty(),
            "expected no finding, got:\n{}",
            findings
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        );
    }

    /// A module shaped like shibori's output for the first seed: must be clean.
    const GOOD_HCL: &str = r#"
variable "vpc_id" {
  type        = string
  description = "The VPC"
  validation {
    condition     = can(regex("^vpc-[0-9a-f]+$", var.vpc_id))
    error_message = "Must be a VPC ID."
  }
}

variable "server_certificate_arn" {
  type = string
}

variable "subnet_ids" {
  type    = map(string)
  default = {}
}

locals {
  tags = { ManagedBy = "shibori" }
  nacl_entries = {
    "request-out-22" = { rule_number = 100, egress = true, from = 22, to = 22, cidr = "192.168.1.0/24" }
  }
}

resource "aws_security_group" "endpoint" {
  name        = "shibori-endpoint"
  description = "Client VPN endpoint: no inbound; $${not_interpolated} %%{literal}"
  vpc_id      = var.vpc_id
  tags        = merge(local.tags, { Name = "shibori-endpoint" })
}

resource "aws_vpc_security_group_egress_rule" "endpoint_all" {
  security_group_id = aws_security_group.endpoint.id
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
  description       = "all traffic \"quoted\" \\ back"
}

resource "aws_network_acl_rule" "entry" {
  for_each       = local.nacl_entries
  network_acl_id = "acl-0123456789abcdef0"
  rule_number    = each.value.rule_number
  egress         = each.value.egress
  protocol       = "6"
  rule_action    = "allow"
  cidr_block     = each.value.cidr
  from_port      = each.value.from
  to_port        = each.value.to
}

resource "aws_ec2_client_vpn_endpoint" "this" {
  description            = "shibori"
  server_certificate_arn = var.server_certificate_arn
  client_cidr_block      = "10.100.0.0/22"
  split_tunnel           = true
  vpc_id                 = var.vpc_id
  security_group_ids     = [aws_security_group.endpoint.id]

  authentication_options {
    type                       = "certificate-authentication"
    root_certificate_chain_arn = var.server_certificate_arn
  }

  connection_log_options {
    enabled = false
  }

  tags = { for k, v in local.tags : k => "${v}-x" }

  lifecycle {
    ignore_changes = [tags]
  }
}

resource "aws_ec2_client_vpn_network_association" "az" {
  for_each               = var.subnet_ids
  client_vpn_endpoint_id = aws_ec2_client_vpn_endpoint.this.id
  subnet_id              = each.value
}

resource "aws_ec2_client_vpn_route" "outside" {
  count                  = 0
  client_vpn_endpoint_id = aws_ec2_client_vpn_endpoint.this.id
  destination_cidr_block = "203.0.113.0/24"
  target_vpc_subnet_id   = var.subnet_ids["a"]
  depends_on             = [aws_ec2_client_vpn_network_association.az]
}

resource "aws_security_group" "dyn" {
  vpc_id = var.vpc_id
  dynamic "ingress" {
    for_each = local.nacl_entries
    content {
      from_port   = ingress.value.from
      to_port     = ingress.value.to
      protocol    = "tcp"
      cidr_blocks = [ingress.value.cidr]
    }
  }
  egress = []
}

data "aws_vpc" "selected" {
  id = var.vpc_id
}

output "endpoint_id" {
  description = "Client VPN endpoint"
  value       = aws_ec2_client_vpn_endpoint.this.id
}

output "vpc_cidr" {
  value = data.aws_vpc.selected.cidr_block
}
"#;

    #[test]
    fn a_correct_module_has_no_finding() {
        assert_clean(&hcl(GOOD_HCL));
    }

    #[test]
    fn schema_loads_and_knows_client_vpn() {
        let s = schema();
        assert!(
            s.resource.len() > 1000,
            "{} resource types",
            s.resource.len()
        );
        let ep = &s.resource["aws_ec2_client_vpn_endpoint"];
        assert!(ep["server_certificate_arn"].required);
        assert!(matches!(
            ep["authentication_options"].block(),
            Some((_, true))
        ));
        assert!(matches!(
            ep["connection_log_options"].block(),
            Some((_, false))
        ));
        assert!(s.data.contains_key("aws_vpc"));
    }

    #[test]
    fn missing_schema_file_names_the_expected_path() {
        let missing = Path::new("/nonexistent/terraform-schema/aws-6.25.0-schema.json.gz");
        let err = load_schema_from(missing).unwrap_err();
        assert!(
            err.contains("/nonexistent/terraform-schema/aws-6.25.0-schema.json.gz"),
            "{err}"
        );
        assert!(err.contains("missing"), "{err}");
        assert!(schema_path().ends_with("tests/data/terraform-schema/aws-6.25.0-schema.json.gz"));
    }

    #[test]
    fn unknown_resource_type() {
        let f = hcl(r#"resource "aws_security_groupp" "x" { vpc_id = "vpc-1" }"#);
        assert_only(&f, Kind::UnknownResourceType, "aws_security_groupp");
        let f = hcl(r#"data "aws_no_such_thing" "x" {}"#);
        assert_only(
            &f,
            Kind::UnknownResourceType,
            "data source type `aws_no_such_thing`",
        );
        let f = json(r#"{"resource": {"aws_client_vpn_endpoint": {"x": {}}}}"#);
        assert_only(&f, Kind::UnknownResourceType, "aws_client_vpn_endpoint");
    }

    #[test]
    fn unknown_argument() {
        let f = hcl(r#"resource "aws_network_acl_rule" "x" {
  network_acl_id = "acl-1"
  rule_number    = 100
  protocol       = "6"
  rule_action    = "allow"
  cidr           = "10.0.0.0/8"
}"#);
        assert_only(
            &f,
            Kind::UnknownArgument,
            "`cidr` is not an argument of aws_network_acl_rule",
        );
        let f = json(
            r#"{"resource": {"aws_network_acl_rule": {"x": {"network_acl_id": "acl-1", "rule_number": 100,
                "protocol": "6", "rule_action": "allow", "port": 22}}}}"#,
        );
        assert_only(&f, Kind::UnknownArgument, "`port`");
        // Unknown arguments inside nested blocks too.
        let f = hcl(r#"resource "aws_ec2_client_vpn_endpoint" "x" {
  server_certificate_arn = "arn"
  authentication_options {
    type = "certificate-authentication"
    root_certificate_arn = "arn"
  }
  connection_log_options { enabled = false }
}"#);
        assert_only(
            &f,
            Kind::UnknownArgument,
            "authentication_options.root_certificate_arn",
        );
    }

    #[test]
    fn missing_required_argument() {
        let f = hcl(r#"resource "aws_vpc_security_group_ingress_rule" "x" {
  security_group_id = "sg-1"
  cidr_ipv4         = "10.0.0.0/8"
}"#);
        assert_only(&f, Kind::MissingRequired, "`ip_protocol`");
        let f = json(
            r#"{"resource": {"aws_vpc_security_group_ingress_rule": {"x": {"ip_protocol": "tcp"}}}}"#,
        );
        assert_only(&f, Kind::MissingRequired, "`security_group_id`");
        // A required block.
        let f = hcl(r#"resource "aws_ec2_client_vpn_endpoint" "x" {
  server_certificate_arn = "arn"
  connection_log_options { enabled = false }
}"#);
        assert_only(
            &f,
            Kind::MissingRequired,
            "required block `authentication_options`",
        );
        // A required argument inside a nested block.
        let f = hcl(r#"resource "aws_ec2_client_vpn_endpoint" "x" {
  server_certificate_arn = "arn"
  authentication_options { type = "certificate-authentication" }
  connection_log_options {}
}"#);
        assert_only(&f, Kind::MissingRequired, "`enabled`");
    }

    #[test]
    fn attribute_written_as_block() {
        let f = hcl(r#"resource "aws_security_group" "x" {
  vpc_id = "vpc-1"
  tags {
    Name = "x"
  }
}"#);
        assert_only(
            &f,
            Kind::AttributeAsBlock,
            "`tags` is an attribute of type map(string)",
        );
        let f = json(r#"{"resource": {"aws_security_group": {"x": {"vpc_id": {"id": "vpc-1"}}}}}"#);
        assert_only(&f, Kind::AttributeAsBlock, "`vpc_id`");
    }

    #[test]
    fn block_written_as_attribute() {
        let f = hcl(r#"resource "aws_ec2_client_vpn_endpoint" "x" {
  server_certificate_arn = "arn"
  authentication_options = [{ type = "certificate-authentication" }]
  connection_log_options = { enabled = false }
}"#);
        assert_eq!(
            kinds(&f),
            vec![Kind::BlockAsAttribute, Kind::BlockAsAttribute],
            "{f:#?}"
        );
        let f = json(
            r#"{"resource": {"aws_ec2_client_vpn_endpoint": {"x": {"server_certificate_arn": "arn",
                "authentication_options": "certificate-authentication",
                "connection_log_options": {"enabled": false}}}}}"#,
        );
        assert_only(&f, Kind::BlockAsAttribute, "authentication_options");
    }

    #[test]
    fn single_block_given_twice() {
        let f = hcl(r#"resource "aws_ec2_client_vpn_endpoint" "x" {
  server_certificate_arn = "arn"
  authentication_options { type = "certificate-authentication" }
  connection_log_options { enabled = false }
  connection_log_options { enabled = true }
}"#);
        assert_only(&f, Kind::TooManyBlocks, "connection_log_options");
        let f = json(
            r#"{"resource": {"aws_ec2_client_vpn_endpoint": {"x": {"server_certificate_arn": "arn",
                "authentication_options": [{"type": "a"}, {"type": "b"}],
                "connection_log_options": [{"enabled": false}, {"enabled": true}]}}}}"#,
        );
        assert_only(&f, Kind::TooManyBlocks, "connection_log_options");
    }

    #[test]
    fn literal_of_the_wrong_shape() {
        let f = hcl(r#"resource "aws_network_acl_rule" "x" {
  network_acl_id = ["acl-1"]
  rule_number    = "one hundred"
  egress         = "yes"
  protocol       = 6
  rule_action    = "allow"
}"#);
        assert_eq!(kinds(&f), vec![Kind::TypeMismatch; 3], "{f:#?}");
        let f = hcl(r#"resource "aws_security_group" "x" {
  tags = ["a"]
}"#);
        assert_only(&f, Kind::TypeMismatch, "expects map(string), got a list");
        let f = json(r#"{"resource": {"aws_security_group": {"x": {"tags": "Name"}}}}"#);
        assert_only(&f, Kind::TypeMismatch, "expects map(string)");
    }

    #[test]
    fn meta_arguments_are_always_allowed() {
        let src = r#"
variable "rules" {
  type = map(number)
}
resource "aws_vpc_security_group_ingress_rule" "x" {
  for_each          = var.rules
  provider          = aws
  security_group_id = "sg-1"
  ip_protocol       = "tcp"
  from_port         = each.value
  to_port           = each.value
  depends_on        = [aws_vpc_security_group_ingress_rule.y]
  lifecycle {
    create_before_destroy = true
    precondition {
      condition     = each.value > 0
      error_message = "port"
    }
  }
}
resource "aws_vpc_security_group_ingress_rule" "y" {
  count             = 2
  security_group_id = "sg-${count.index}"
  ip_protocol       = "tcp"
}"#;
        assert_clean(&hcl(src));
        let f = hcl(r#"resource "aws_security_group" "x" {
  lifecycle {
    prevent_destroy = true
    ignore = true
  }
}"#);
        assert_only(&f, Kind::UnknownArgument, "lifecycle.ignore");
    }

    #[test]
    fn undeclared_references() {
        let f = hcl(r#"resource "aws_vpc_security_group_ingress_rule" "x" {
  security_group_id            = aws_security_group.missing.id
  referenced_security_group_id = var.nope
  ip_protocol                  = local.proto
  description                  = "from ${data.aws_vpc.v.id} ${each.key} ${count.index}"
}"#);
        assert_eq!(kinds(&f), vec![Kind::UndeclaredReference; 6], "{f:#?}");
        let text: Vec<String> = f.iter().map(ToString::to_string).collect();
        for needle in [
            "aws_security_group.missing",
            "var.nope",
            "local.proto",
            "data.aws_vpc.v",
            "each.*",
            "count.*",
        ] {
            assert!(
                text.iter().any(|t| t.contains(needle)),
                "{needle}: {text:#?}"
            );
        }
        let f = json(
            r#"{"resource": {"aws_vpc_security_group_ingress_rule": {"x": {"security_group_id": "${aws_security_group.missing.id}",
                "ip_protocol": "tcp", "depends_on": ["aws_security_group.other"]}}}}"#,
        );
        assert_eq!(kinds(&f), vec![Kind::UndeclaredReference; 2], "{f:#?}");
    }

    #[test]
    fn variable_output_locals_terraform_keys() {
        let f = hcl(r#"variable "x" {
  type    = string
  default = "a"
  descripton = "typo"
}
output "y" {
  value = var.x
  secret = true
}
output "z" {
  description = "no value"
}
variable "v" {
  validation {
    condition = true
  }
}
terraform {
  required_versions = ">= 1.5"
}
locals {
  nested {
    a = 1
  }
}
"#);
        let text: Vec<String> = f.iter().map(ToString::to_string).collect();
        for needle in [
            "descripton",
            "secret",
            "output without `value`",
            "`error_message` is required",
            "required_versions",
            "locals holds attributes only",
        ] {
            assert!(
                text.iter().any(|t| t.contains(needle)),
                "{needle}: {text:#?}"
            );
        }
        assert_eq!(f.len(), 6, "{text:#?}");
        let f = json(
            r#"{"variable": {"x": {"type": "string", "nullable": false, "descripton": "typo"}},
                "output": {"y": {"value": "${var.x}", "sensitive": true, "secret": 1}, "z": {"description": "d"}}}"#,
        );
        assert_eq!(f.len(), 3, "{f:#?}");
    }

    #[test]
    fn duplicates_are_reported() {
        let f = hcl(r#"variable "a" {}
variable "a" {}
resource "aws_security_group" "x" {}
resource "aws_security_group" "x" {}"#);
        assert_eq!(kinds(&f), vec![Kind::Duplicate; 2], "{f:#?}");
        // hcl-rs, like Terraform, rejects a redefined attribute while parsing.
        let f = hcl(r#"resource "aws_security_group" "x" {
  vpc_id = "vpc-1"
  vpc_id = "vpc-2"
}"#);
        assert_only(&f, Kind::Syntax, "redefined attribute");
    }

    #[test]
    fn provider_requirement() {
        let files = |versions: &str| {
            vec![
                ("versions.tf".to_string(), versions.to_string()),
                (
                    "main.tf".to_string(),
                    r#"resource "aws_security_group" "x" {}"#.to_string(),
                ),
            ]
        };
        let m = check_module(schema(), &files(""), false);
        assert_only(
            &m.findings,
            Kind::Provider,
            "declares no required_providers.aws",
        );
        let narrow = r#"terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "~> 5.0" }
  }
}"#;
        let m = check_module(schema(), &files(narrow), false);
        assert_only(&m.findings, Kind::Provider, "excludes 6.25.0");
        assert_clean(&check_module(schema(), &files(VERSIONS), false).findings);
    }

    #[test]
    fn version_constraints() {
        let v = &PROVIDER_VERSION;
        for (c, ok) in [
            (">= 5.0", true),
            (">= 5", true),
            (">= 5.0, < 7.0", true),
            ("~> 6.0", true),
            ("~> 6.25.0", true),
            ("~> 6.24.0", false),
            ("~> 5.0", false),
            ("~> 6", true),
            ("6.25.0", true),
            ("= 6.24.0", false),
            ("!= 6.25.0", false),
            ("< 6.0", false),
            ("> 6.25.0", false),
        ] {
            assert_eq!(constraint_admits(c, v), Ok(ok), "{c}");
        }
    }

    #[test]
    fn attributes_as_blocks_may_be_written_as_attributes() {
        assert_clean(&hcl(r#"resource "aws_security_group" "x" {
  egress  = []
  ingress = []
}"#));
        // … but not every block.
        let f = hcl(r#"resource "aws_ec2_client_vpn_endpoint" "x" {
  server_certificate_arn = "arn"
  authentication_options = []
  connection_log_options { enabled = false }
}"#);
        assert_only(&f, Kind::BlockAsAttribute, "authentication_options");
    }

    #[test]
    fn dynamic_blocks_are_checked_against_the_block_schema() {
        let f = hcl(r#"resource "aws_security_group" "x" {
  dynamic "ingress" {
    for_each = ["10.0.0.0/8"]
    content {
      protocol = "tcp"
      cidr     = [ingress.value]
    }
  }
}"#);
        assert_only(&f, Kind::UnknownArgument, "dynamic.ingress.content.cidr");
        let f = hcl(r#"resource "aws_security_group" "x" {
  dynamic "tags" {
    for_each = {}
    content {}
  }
}"#);
        assert_only(&f, Kind::AttributeAsBlock, "tags");
    }

    #[test]
    fn syntax_errors_and_unknown_top_level_blocks() {
        assert_only(
            &hcl("resource \"aws_vpc\" \"x\" {"),
            Kind::Syntax,
            "HCL does not parse",
        );
        assert_only(
            &json("{\"resource\": "),
            Kind::Syntax,
            "JSON does not parse",
        );
        assert_only(
            &hcl("resources \"aws_vpc\" \"x\" {}"),
            Kind::UnknownArgument,
            "`resources`",
        );
        assert_only(
            &hcl("resource \"aws_vpc\" {}"),
            Kind::Labels,
            "takes 2 label(s)",
        );
        assert_only(
            &json(r#"{"resources": {}}"#),
            Kind::UnknownArgument,
            "`resources`",
        );
    }

    /// The same module as GOOD_HCL's core, in JSON syntax, with injection-style values.
    #[test]
    fn a_correct_json_module_has_no_finding() {
        let src = r#"{
  "//": "rendered by shibori",
  "variable": {
    "vpc_id": {"type": "string", "description": "VPC",
      "validation": [{"condition": "${can(regex(\"^vpc-\", var.vpc_id))}", "error_message": "VPC ID"}]},
    "cert": {"type": "string"}
  },
  "locals": {"tags": {"ManagedBy": "shibori"}},
  "resource": {
    "aws_security_group": {
      "endpoint": {"name": "e", "description": "quote \" $${x} %%{y} : # *", "vpc_id": "${var.vpc_id}",
                   "tags": "${merge(local.tags, {Name = \"e\"})}", "egress": []}
    },
    "aws_ec2_client_vpn_endpoint": {
      "this": {
        "server_certificate_arn": "${var.cert}",
        "client_cidr_block": "10.100.0.0/22",
        "split_tunnel": true,
        "vpn_port": 443,
        "security_group_ids": ["${aws_security_group.endpoint.id}"],
        "authentication_options": [{"type": "certificate-authentication", "root_certificate_chain_arn": "${var.cert}"}],
        "connection_log_options": {"enabled": false},
        "tags": {"Name": "x", "ManagedBy": "shibori"}
      }
    },
    "aws_network_acl_rule": {
      "r": {"for_each": "${local.tags}", "network_acl_id": "acl-1", "rule_number": 100, "protocol": "6",
            "rule_action": "allow", "egress": true, "cidr_block": "${each.value}", "from_port": 22, "to_port": 22}
    },
    "aws_ec2_client_vpn_route": {
      "o": {"client_vpn_endpoint_id": "${aws_ec2_client_vpn_endpoint.this.id}", "destination_cidr_block": "0.0.0.0/0",
            "target_vpc_subnet_id": "subnet-1", "depends_on": ["aws_ec2_client_vpn_endpoint.this"],
            "lifecycle": {"create_before_destroy": true}}
    }
  },
  "output": {"endpoint_id": {"value": "${aws_ec2_client_vpn_endpoint.this.id}", "description": "id"}}
}"#;
        assert_clean(&json(src));
    }

    #[test]
    fn later_arguments_need_a_constraint_that_excludes_older_releases() {
        let versions = |v: &str| {
            format!(
                r#"terraform {{
  required_providers {{
    aws = {{
      source  = "hashicorp/aws"
      version = "{v}"
    }}
  }}
}}"#
            )
        };
        let main = r#"resource "aws_ec2_client_vpn_endpoint" "x" {
  server_certificate_arn = "arn"
  client_cidr_block      = "172.16.0.0/22"
  authentication_options { type = "certificate-authentication" }
  connection_log_options { enabled = false }
  transit_gateway_configuration {
    transit_gateway_id = "tgw-0123456789abcdef0"
    availability_zones = ["ap-northeast-1a"]
  }
}

resource "aws_ec2_client_vpn_route" "r" {
  client_vpn_endpoint_id = aws_ec2_client_vpn_endpoint.x.id
  destination_cidr_block = "10.10.0.0/16"
}"#;
        let module = |v: &str| {
            let files = vec![
                ("versions.tf".to_string(), versions(v)),
                ("main.tf".to_string(), main.to_string()),
            ];
            check_module(schema(), &files, false).findings
        };
        // The release that added both: clean.
        let f = module(">= 6.59");
        assert!(f.is_empty(), "{f:#?}");
        // Releases before it are admitted: each change says so, citing its source.
        let f = module(">= 5.0");
        assert_only(&f, Kind::Provider, "pull request 47635");
        assert!(
            f.iter()
                .any(|f| f.to_string().contains("pull request 49274")),
            "{f:#?}"
        );
        // A route that still names a subnet relies on nothing later.
        let plain = r#"resource "aws_ec2_client_vpn_route" "r" {
  client_vpn_endpoint_id = "cvpn-endpoint-0123456789abcdef0"
  destination_cidr_block = "10.10.0.0/16"
  target_vpc_subnet_id   = "subnet-1"
}"#;
        let files = vec![
            ("versions.tf".to_string(), versions(">= 5.0")),
            ("main.tf".to_string(), plain.to_string()),
        ];
        let f = check_module(schema(), &files, false).findings;
        assert!(f.is_empty(), "{f:#?}");
    }

    #[test]
    fn endpoint_address_types_need_6_11() {
        let module = |v: &str, endpoint: &str| {
            let versions = format!(
                "terraform {{\n  required_providers {{\n    aws = {{\n      source  = \"hashicorp/aws\"\n      version = \"{v}\"\n    }}\n  }}\n}}\n"
            );
            let files = vec![
                ("versions.tf".to_string(), versions),
                ("main.tf".to_string(), endpoint.to_string()),
            ];
            check_module(schema(), &files, false).findings
        };
        let ipv6_only = r#"resource "aws_ec2_client_vpn_endpoint" "x" {
  server_certificate_arn   = "arn"
  endpoint_ip_address_type = "ipv6"
  traffic_ip_address_type  = "ipv6"
  authentication_options { type = "certificate-authentication" }
  connection_log_options { enabled = false }
}"#;
        let f = module(">= 6.11", ipv6_only);
        assert!(f.is_empty(), "{f:#?}");
        let f = module(">= 5.0", ipv6_only);
        assert_only(&f, Kind::Provider, "pull request 44059");
        // A constraint raised further for another reason (IPv6 routes) still excludes them.
        let f = module(">= 6.20", ipv6_only);
        assert!(f.is_empty(), "{f:#?}");
        let f = module(">= 6.10, < 7.0", ipv6_only);
        assert_only(&f, Kind::Provider, "pull request 44059");
        let ipv4 = r#"resource "aws_ec2_client_vpn_endpoint" "x" {
  server_certificate_arn = "arn"
  client_cidr_block      = "172.16.0.0/22"
  authentication_options { type = "certificate-authentication" }
  connection_log_options { enabled = false }
}"#;
        let f = module(">= 5.0", ipv4);
        assert!(f.is_empty(), "{f:#?}");
    }
}
