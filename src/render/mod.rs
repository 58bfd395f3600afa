//! Renderers: format the plan as Terraform, Terraform JSON, CloudFormation, CDK-ready JSON.
//! They decide nothing; every rule and number comes from the plan.

pub mod cdk_json;
pub mod cloudformation;
pub mod escape;
pub mod hcl;
pub mod manifest;
pub mod nested;
mod parameter_lists;
pub mod snippet;
mod templates;
pub mod terraform;
pub mod terraform_json;
pub mod tree;
pub mod write;

use crate::plan::Plan;
use std::path::PathBuf;

pub use crate::fast_hash::{FastMap, FastSet};
pub(crate) use crate::parallel::par_map;

pub use crate::cli::args::RenderFormat;

/// One file of a rendering, with a path relative to the output directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedFile {
    pub path: PathBuf,
    pub contents: String,
}

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("template error: {0}")]
    Template(String),
    #[error("cannot serialize YAML: {0}")]
    Yaml(String),
    #[error("cannot serialize JSON: {0}")]
    Json(String),
    #[error(transparent)]
    Snippet(#[from] snippet::SnippetError),
}

impl RenderFormat {
    /// Formats whose rendering is one file (for plans within CloudFormation's limits)
    /// can go to stdout.
    pub fn is_single_file(self) -> bool {
        matches!(self, RenderFormat::Cloudformation)
    }

    pub fn name(self) -> &'static str {
        match self {
            RenderFormat::Terraform => "terraform",
            RenderFormat::TerraformJson => "terraform-json",
            RenderFormat::Cloudformation => "cloudformation",
            RenderFormat::CdkJson => "cdk-json",
        }
    }

    pub const ALL: [RenderFormat; 4] = [
        RenderFormat::Terraform,
        RenderFormat::TerraformJson,
        RenderFormat::Cloudformation,
        RenderFormat::CdkJson,
    ];
}

/// Renders the plan; files come back sorted by path, so the output is deterministic.
pub fn render(plan: &Plan, format: RenderFormat) -> Result<Vec<RenderedFile>, RenderError> {
    Ok(rendering(plan, format)?.files)
}

/// A rendering and the document trees it was written from.
pub struct Rendering<'p> {
    /// Sorted by path.
    pub files: Vec<RenderedFile>,
    /// Freeing a large tree node by node costs about a third of writing it out, so the
    /// trees are handed to the caller: a process about to exit forgets the rendering
    /// (`commands::exit_without_freeing`) and the OS takes the memory back at once.
    _trees: Vec<tree::Node<'p>>,
}

impl Rendering<'_> {
    fn files(files: Vec<RenderedFile>) -> Self {
        Rendering {
            files,
            _trees: Vec::new(),
        }
    }

    /// The parameters the first tree (a template, or a nested-stack parent) declares.
    fn parameter_names(&self) -> Vec<&str> {
        self._trees
            .first()
            .and_then(|t| t.get("Parameters"))
            .and_then(tree::Node::as_map)
            .map(|ps| ps.iter().map(|(k, _)| k.as_ref()).collect())
            .unwrap_or_default()
    }

    /// The files, leaving the trees behind (to be forgotten by a process about to exit).
    pub fn take_files(&mut self) -> Vec<RenderedFile> {
        std::mem::take(&mut self.files)
    }
}

/// `render`, with the trees behind the files handed over rather than freed.
pub fn rendering(plan: &Plan, format: RenderFormat) -> Result<Rendering<'_>, RenderError> {
    let mut rendering = match format {
        RenderFormat::Terraform => Rendering::files(terraform::render(plan)?),
        RenderFormat::TerraformJson => Rendering::files(terraform_json::render(plan)?),
        RenderFormat::Cloudformation => nested::rendering(plan, nested::Syntax::Yaml),
        RenderFormat::CdkJson => cdk_json::rendering(plan)?,
    };
    rendering.files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(rendering)
}

/// `render --snippet`: the plan as one snippet file for an existing stack (docs/snippets.md):
/// YAML for `cloudformation`, JSON for `cdk-json`.
pub fn snippet(
    plan: &Plan,
    format: RenderFormat,
    opts: &snippet::Options,
) -> Result<RenderedFile, RenderError> {
    let doc = snippet::template(plan, opts)?;
    let (ext, contents) = match format {
        RenderFormat::CdkJson => {
            let mut text = tree::to_json_pretty(&doc, 64 * 1024);
            text.push('\n');
            (".snippet.template.json", text)
        }
        _ => (".snippet.yaml", tree::to_yaml(&doc, 64 * 1024)),
    };
    Ok(RenderedFile {
        path: PathBuf::from(format!("{}{ext}", plan.name)),
        contents,
    })
}
