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
    /// A comma-delimited list: CfnInclude replaces it by an array, not a string.
    list: bool,
}

pub(super) fn rendering(plan: &Plan) -> Result<super::Rendering<'_>, RenderError> {
    let syntax = super::nested::Syntax::Json;
    let ext = syntax.ext();
    let mut rendering = super::nested::rendering(plan, syntax);
    let nested: Vec<Nested> = rendering
        .files
        .iter()
        .enumerate()
        .skip(1)
        .map(|(i, f)| Nested {
            logical_id: format!("TargetsStack{i}"),
            file: f.path.display().to_string(),
        })
        .collect();
    let file_name = format!("{}{ext}", plan.name);
    // The parent's parameters: the plan's inputs, and when they are too many for one
    // template, the lists that take the IDs only nested stacks use.
    let declared = rendering.parameter_names();
    let mut params: Vec<Param> = plan
        .inputs
        .iter()
        .filter(|i| declared.contains(&i.logical_id.as_str()))
        .map(|i| Param {
            name: i.logical_id.clone(),
            description: super::escape::markdown_cell(&i.description),
            example: example(i.kind).to_string(),
            list: false,
        })
        .collect();
    for name in &declared {
        if let Some((kind, what)) = super::parameter_lists::kind_of(name) {
            params.push(Param {
                name: name.to_string(),
                description: super::escape::markdown_cell(&format!(
                    "{what} (an array in `parameters`), in the order the parameter's description in the template gives"
                )),
                example: example(kind).to_string(),
                list: true,
            });
        }
    }
    let mut ctx = tera::Context::new();
    ctx.insert("name", &plan.name);
    ctx.insert("file", &file_name);
    ctx.insert("params", &params);
    ctx.insert("construct", &construct_id(&plan.name));
    ctx.insert("nested", &nested);
    rendering.files.push(RenderedFile {
        path: PathBuf::from("README.md"),
        contents: super::templates::render("cdk-json/README.md", &ctx)?,
    });
    Ok(rendering)
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
