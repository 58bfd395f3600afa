//! `cdk-json`: the CloudFormation template as JSON, for AWS CDK v2's
//! `cloudformation_include.CfnInclude`, with a README showing how to include it.

use super::{RenderError, RenderedFile};
use crate::plan::Plan;
use serde::Serialize;
use std::path::PathBuf;

#[derive(Serialize)]
struct Param {
    name: String,
    description: String,
    example: String,
}

pub fn render(plan: &Plan) -> Result<Vec<RenderedFile>, RenderError> {
    Ok(rendering(plan)?.files)
}

pub(super) fn rendering(plan: &Plan) -> Result<super::Rendering<'_>, RenderError> {
    let syntax = super::nested::Syntax::Json;
    let ext = syntax.ext();
    let stacks = super::nested::stacks(plan, syntax);
    let nested: Vec<Nested> = stacks
        .iter()
        .enumerate()
        .skip(1)
        .map(|(i, s)| Nested {
            logical_id: format!("TargetsStack{i}"),
            file: format!("{}{ext}", s.stem),
        })
        .collect();
    let (mut files, trees): (Vec<RenderedFile>, Vec<_>) = stacks
        .into_iter()
        .map(|s| {
            let mut json = s.text;
            json.push('\n');
            let file = RenderedFile {
                path: PathBuf::from(format!("{}{ext}", s.stem)),
                contents: json,
            };
            (file, s.template)
        })
        .unzip();
    let file_name = format!("{}{ext}", plan.name);
    let params: Vec<Param> = plan
        .inputs
        .iter()
        .map(|i| Param {
            name: i.logical_id.clone(),
            description: super::escape::markdown_cell(&i.description),
            example: example(i.kind).to_string(),
        })
        .collect();
    let mut ctx = tera::Context::new();
    ctx.insert("name", &plan.name);
    ctx.insert("file", &file_name);
    ctx.insert("params", &params);
    ctx.insert("construct", &construct_id(&plan.name));
    ctx.insert("nested", &nested);
    files.push(RenderedFile {
        path: PathBuf::from("README.md"),
        contents: super::templates::render("cdk-json/README.md", &ctx)?,
    });
    Ok(super::Rendering {
        files,
        _trees: trees,
    })
}

#[derive(Serialize)]
struct Nested {
    logical_id: String,
    file: String,
}

/// `tokyo-ssh` → `TokyoSsh`: the construct ID in the example code.
fn construct_id(name: &str) -> String {
    name.split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

fn example(kind: crate::plan::InputKind) -> &'static str {
    use crate::plan::InputKind as K;
    match kind {
        K::VpcId => "vpc-0123456789abcdef0",
        K::SubnetId => "subnet-0123456789abcdef0",
        K::NetworkAclId => "acl-0123456789abcdef0",
        K::ServerCertificateArn => "arn:aws:acm:REGION:ACCOUNT:certificate/SERVER-CERT-ID",
        K::ClientRootCertificateChainArn => "arn:aws:acm:REGION:ACCOUNT:certificate/CLIENT-CA-ID",
        K::ActiveDirectoryId => "d-0123456789",
        K::SamlProviderArn => "arn:aws:iam::ACCOUNT:saml-provider/NAME",
    }
}
