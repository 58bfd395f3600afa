//! `terraform-json`: the same module as `terraform`, in Terraform's JSON syntax
//! (`*.tf.json`), the form that CDK for Terraform synthesizes.

use super::{terraform, RenderError, RenderedFile};
use crate::plan::Plan;
use std::path::PathBuf;

pub fn render(plan: &Plan) -> Result<Vec<RenderedFile>, RenderError> {
    let module = terraform::module(plan);
    let mut files = Vec::new();
    for (name, f) in &module.files {
        let mut contents = f.to_json_string();
        contents.push('\n');
        files.push(RenderedFile {
            path: PathBuf::from(format!("{name}.tf.json")),
            contents,
        });
    }
    files.push(RenderedFile {
        path: PathBuf::from("README.md"),
        contents: terraform::readme(plan, &module, "terraform-json")?,
    });
    Ok(files)
}
