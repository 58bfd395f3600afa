//! Renderers: format the plan as Terraform, Terraform JSON, CloudFormation, CDK-ready JSON.
//! They decide nothing; every rule and number comes from the plan.

pub mod cdk_json;
pub mod cloudformation;
pub mod escape;
pub mod hcl;
pub mod nested;
mod templates;
pub mod terraform;
pub mod terraform_json;
pub mod tree;
pub mod write;

use crate::plan::Plan;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::path::PathBuf;

/// FxHash, the hasher rustc uses for its own tables. The renderers' maps are keyed by
/// the plan's identifiers and looked up tens of thousands of times per large plan;
/// SipHash's resistance to crafted collisions buys nothing for one's own intent file.
#[derive(Default, Clone, Copy)]
pub struct FastHasher(u64);

impl FastHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

impl Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(w));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// `items.map(f)` in order, on up to 4 threads: the templates of a nested rendering are
/// independent and each takes a few milliseconds to write out.
pub(crate) fn par_map<T: Send, R: Send>(items: Vec<T>, f: impl Fn(T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(4)
        .min(items.len());
    if threads <= 1 {
        return items.into_iter().map(f).collect();
    }
    let per = items.len().div_ceil(threads);
    let mut chunks: Vec<Vec<T>> = Vec::with_capacity(threads);
    let mut rest = items.into_iter();
    loop {
        let chunk: Vec<T> = rest.by_ref().take(per).collect();
        if chunk.is_empty() {
            break;
        }
        chunks.push(chunk);
    }
    std::thread::scope(|scope| {
        let f = &f;
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| scope.spawn(move || chunk.into_iter().map(f).collect::<Vec<R>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

pub type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FastHasher>>;
pub type FastSet<K> = HashSet<K, BuildHasherDefault<FastHasher>>;

pub use crate::cli::RenderFormat;

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
    let mut files = match format {
        RenderFormat::Terraform => terraform::render(plan)?,
        RenderFormat::TerraformJson => terraform_json::render(plan)?,
        RenderFormat::Cloudformation => cloudformation::render(plan)?,
        RenderFormat::CdkJson => cdk_json::render(plan)?,
    };
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}
