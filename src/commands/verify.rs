//! `shibori verify INTENT [--artifact PATH] [--json]`: read rendered artifacts back and
//! prove them (SPEC §5). Exit 0 only without findings; 1 with any; 2 when an artifact
//! cannot be read.

use super::{load_and_plan, Context};
use crate::cli::Outcome;
use crate::intent::Intent;
use crate::verify::findings::{Finding, Kind};
use crate::verify::read::{self, Artifact};
use anyhow::Context as _;
use std::path::Path;

/// One verified artifact.
pub struct Verified {
    pub format: String,
    pub label: String,
    pub findings: Vec<Finding>,
}

pub fn run(
    ctx: &Context,
    intent_path: &Path,
    artifact: Option<&Path>,
    json: bool,
) -> anyhow::Result<Outcome> {
    let Some(planned) = load_and_plan(ctx, intent_path)? else {
        return Ok(Outcome::Failure);
    };
    super::print_diagnostics(ctx, &planned.warnings, &planned.source);
    let artifacts: Vec<Artifact> =
        match artifact {
            Some(p) => vec![Artifact::load(p)
                .with_context(|| format!("cannot read artifact {}", p.display()))?],
            None => rendered(&planned.plan)?,
        };
    // Artifacts are independent: prove them side by side.
    let intent = &planned.intent;
    let results: Vec<Verified> = std::thread::scope(|scope| {
        let handles: Vec<_> = artifacts
            .iter()
            .map(|a| scope.spawn(move || verify_artifact(intent, a)))
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(anyhow::anyhow!("verification thread panicked")))
            })
            .collect::<anyhow::Result<Vec<_>>>()
    })?;
    let clean = results.iter().all(|r| r.findings.is_empty());
    if json {
        let v: Vec<serde_json::Value> = results
            .iter()
            .map(|r| {
                serde_json::json!({
                    "format": r.format,
                    "artifact": r.label,
                    "clean": r.findings.is_empty(),
                    "findings": r.findings,
                })
            })
            .collect();
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({ "clean": clean, "artifacts": v }))?
        );
    } else {
        print!("{}", text(&results));
    }
    Ok(if clean {
        Outcome::Success
    } else {
        Outcome::Failure
    })
}

/// Reads and verifies one artifact. A read error is an error of the run (exit 2).
pub fn verify_artifact(intent: &Intent, a: &Artifact) -> anyhow::Result<Verified> {
    let (syntax, rs) =
        read::read(a).with_context(|| format!("cannot read artifact {}", a.label))?;
    let findings = crate::verify::verify(intent, &rs);
    Ok(Verified {
        format: syntax.name().to_string(),
        label: a.label.clone(),
        findings,
    })
}

/// Every format, rendered in memory.
pub fn rendered(plan: &crate::plan::Plan) -> anyhow::Result<Vec<Artifact>> {
    let mut out = Vec::new();
    for format in crate::render::RenderFormat::ALL {
        let files = crate::render::render(plan, format)
            .with_context(|| format!("cannot render {}", format.name()))?;
        let files = files.into_iter().map(|f| (f.path, f.contents)).collect();
        out.push(Artifact::from_files(
            format!("{} (rendered in memory)", format.name()),
            files,
        ));
    }
    Ok(out)
}

fn text(results: &[Verified]) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    for r in results {
        let count = |k: Kind| r.findings.iter().filter(|f| f.kind == k).count();
        if r.findings.is_empty() {
            let _ = writeln!(
                s,
                "{} {}: ok (every intended flow passes, nothing else does, no excess rule)",
                r.format, r.label
            );
            continue;
        }
        let _ = writeln!(
            s,
            "{} {}: FAILED ({} missing, {} surplus, {} excess, {} unresolved)",
            r.format,
            r.label,
            count(Kind::Missing),
            count(Kind::Surplus),
            count(Kind::Excess),
            count(Kind::Unresolved)
        );
        for f in &r.findings {
            let _ = writeln!(s, "  {}", f.to_string().replace('\n', "\n  "));
        }
    }
    s
}
