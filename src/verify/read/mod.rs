//! Readers: rebuild a `RuleSet` from an artifact. They know AWS resource types and the
//! artifact's syntax, never the planner.

mod artifact;
pub mod aws;
pub mod cloudformation;
mod hcl_depth;
mod hcl_items;
mod hcl_scan;
pub mod snapshot;
pub mod terraform;
pub mod terraform_hcl;
pub mod terraform_json;
pub mod terraform_module;
pub mod tfplan;
mod value;

pub use artifact::Artifact;

use super::model::RuleSet;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("cannot read {path}: {message}")]
    Io { path: String, message: String },
    #[error("cannot parse {path}: {message}")]
    Parse { path: String, message: String },
    #[error("{path}: {message}")]
    Format { path: String, message: String },
}

/// The syntaxes verify reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    CloudFormation,
    TerraformHcl,
    TerraformJson,
    /// `terraform show -json` of a plan or a state.
    TerraformPlanJson,
    /// A directory of AWS CLI describe output.
    AwsSnapshot,
}

impl Syntax {
    pub fn name(self) -> &'static str {
        match self {
            Syntax::CloudFormation => "cloudformation",
            Syntax::TerraformHcl => "terraform",
            Syntax::TerraformJson => "terraform-json",
            Syntax::TerraformPlanJson => "terraform-plan-json",
            Syntax::AwsSnapshot => "aws-snapshot",
        }
    }
}

/// Recognizes the artifact's syntax from its file names and, for `.json`, its content.
pub fn detect(artifact: &Artifact) -> Result<(Syntax, Vec<PathBuf>), ReadError> {
    // What exists (a plan, a state, a snapshot) is recognised by content, before syntax.
    if let Some(f) = tfplan::find(artifact) {
        return Ok((Syntax::TerraformPlanJson, vec![f]));
    }
    if snapshot::looks_like_snapshot(artifact) {
        return Ok((Syntax::AwsSnapshot, Vec::new()));
    }
    let names: Vec<&PathBuf> = artifact.files.keys().collect();
    let ends = |p: &PathBuf, ext: &str| p.to_string_lossy().ends_with(ext);
    // Terraform reads only the top directory of a module, `.tf` and `.tf.json` alike.
    let top = |p: &&&PathBuf| p.components().count() == 1;
    let tf: Vec<PathBuf> = names
        .iter()
        .filter(top)
        .filter(|p| ends(p, ".tf") || ends(p, ".tf.json") || terraform_module::is_tfvars(p))
        .map(|p| (*p).clone())
        .collect();
    if tf.iter().any(|p| ends(p, ".tf")) {
        return Ok((Syntax::TerraformHcl, tf));
    }
    if tf.iter().any(|p| ends(p, ".tf.json")) {
        return Ok((Syntax::TerraformJson, tf));
    }
    // CloudFormation: the top-level templates that are not someone's nested stack.
    let cfn: Vec<PathBuf> = names
        .iter()
        .filter(|p| {
            (ends(p, ".yaml") || ends(p, ".yml") || ends(p, ".template") || ends(p, ".json"))
                && looks_like_cfn(artifact.get(p).unwrap_or(""))
        })
        .map(|p| (*p).clone())
        .collect();
    if cfn.is_empty() {
        return Err(ReadError::Format {
            path: artifact.label.clone(),
            message: "no CloudFormation template, `.tf` or `.tf.json` file found".into(),
        });
    }
    Ok((Syntax::CloudFormation, cfn))
}

fn looks_like_cfn(text: &str) -> bool {
    text.contains("Resources")
}

/// Reads an artifact into one rule set.
pub fn read(artifact: &Artifact) -> Result<(Syntax, RuleSet), ReadError> {
    read_for(artifact, None)
}

/// `read`, proving endpoint `endpoint` when the artifact describes several (a snapshot).
pub fn read_for(
    artifact: &Artifact,
    endpoint: Option<&str>,
) -> Result<(Syntax, RuleSet), ReadError> {
    let (syntax, files) = detect(artifact)?;
    let rs = match syntax {
        Syntax::TerraformPlanJson => tfplan::read(artifact, &files)?,
        Syntax::AwsSnapshot => snapshot::read(artifact, endpoint)?,
        Syntax::CloudFormation => cloudformation::read_all(artifact, &files)?,
        Syntax::TerraformHcl | Syntax::TerraformJson => terraform_module::read(artifact, &files)?,
    };
    Ok((syntax, rs))
}

/// Reads a file or directory from disk.
pub fn read_path(path: &Path) -> Result<(Syntax, RuleSet), ReadError> {
    read(&Artifact::load(path)?)
}
