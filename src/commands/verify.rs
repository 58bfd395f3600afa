//! `shibori verify INTENT [--artifact PATH] [--json]`: read rendered artifacts back and
//! prove them (SPEC §5). Exit 0 only without findings; 1 with any; 2 when an artifact
//! cannot be read.

use super::{load_and_plan, Context};
use crate::cli::args::Outcome;
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
    let intent = &planned.intent;
    let results: Vec<Verified> = match artifact {
        Some(p) => {
            let a = Artifact::load(p)
                .with_context(|| format!("cannot read artifact {}", p.display()))?;
            let (verified, rules) = prove(intent, &a)?;
            super::exit_without_freeing((a, rules));
            vec![verified]
        }
        None => verify_rendered(&planned.plan, intent)?,
    };
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
        super::output::print(&format!(
            "{}\n",
            serde_json::to_string_pretty(&serde_json::json!({ "clean": clean, "artifacts": v }))?
        ))?;
    } else {
        super::output::print(&crate::diagnostic::visible(&text(&results)).0)?;
    }
    super::exit_without_freeing(planned);
    Ok(if clean {
        Outcome::Success
    } else {
        Outcome::Failure
    })
}

/// Reads and verifies one artifact. A read error is an error of the run (exit 2).
pub fn verify_artifact(intent: &Intent, a: &Artifact) -> anyhow::Result<Verified> {
    Ok(prove(intent, a)?.0)
}

/// `verify_artifact`, handing back the rules read as well, so that the command, which
/// ends after its report, can forget them rather than free them one by one.
fn prove(
    intent: &Intent,
    a: &Artifact,
) -> anyhow::Result<(Verified, crate::verify::model::RuleSet)> {
    let (syntax, rs) = read::read_for(a, intent.endpoint.id.as_deref())
        .with_context(|| format!("cannot read artifact {}", a.label))?;
    let findings = crate::verify::verify(intent, &rs);
    let verified = Verified {
        format: syntax.name().to_string(),
        label: a.label.clone(),
        findings,
    };
    Ok((verified, rs))
}

/// Every format rendered in memory and proved. Formats are independent, so each is
/// rendered and proved on a thread of its own: rendering them all before proving any
/// left a core idle for a third of the run. Results in format order; render errors
/// first, as if every format had been rendered before any was proved.
fn verify_rendered(plan: &crate::plan::Plan, intent: &Intent) -> anyhow::Result<Vec<Verified>> {
    type Outcome = (anyhow::Result<()>, anyhow::Result<Verified>);
    let outcomes: Vec<Outcome> = std::thread::scope(|scope| {
        let handles: Vec<_> = crate::render::RenderFormat::ALL
            .into_iter()
            .map(|format| {
                scope.spawn(move || match render_in_memory(plan, format) {
                    Ok((a, rendering)) => {
                        let verified = prove(intent, &a).map(|(verified, rules)| {
                            super::exit_without_freeing(rules);
                            verified
                        });
                        super::exit_without_freeing((a, rendering));
                        (Ok(()), verified)
                    }
                    Err(e) => (Err(e), Err(anyhow::anyhow!("not rendered"))),
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join().unwrap_or_else(|_| {
                    (Ok(()), Err(anyhow::anyhow!("verification thread panicked")))
                })
            })
            .collect()
    });
    let (renders, proofs): (Vec<_>, Vec<_>) = outcomes.into_iter().unzip();
    renders.into_iter().collect::<anyhow::Result<Vec<()>>>()?;
    proofs.into_iter().collect()
}

/// One format, rendered in memory.
pub fn rendered(
    plan: &crate::plan::Plan,
    format: crate::render::RenderFormat,
) -> anyhow::Result<Artifact> {
    Ok(render_in_memory(plan, format)?.0)
}

/// `rendered`, and the rendering's trees for the caller to free or forget.
fn render_in_memory(
    plan: &crate::plan::Plan,
    format: crate::render::RenderFormat,
) -> anyhow::Result<(Artifact, crate::render::Rendering<'_>)> {
    let mut rendering = crate::render::rendering(plan, format)
        .with_context(|| format!("cannot render {}", format.name()))?;
    let files = rendering
        .take_files()
        .into_iter()
        .map(|f| (f.path, f.contents))
        .collect();
    let artifact = Artifact::from_files(format!("{} (rendered in memory)", format.name()), files);
    Ok((artifact, rendering))
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
            "{} {}: FAILED ({} missing, {} surplus, {} excess, {} unresolved{})",
            r.format,
            r.label,
            count(Kind::Missing),
            count(Kind::Surplus),
            count(Kind::Excess),
            count(Kind::Unresolved),
            match count(Kind::Unmapped) {
                0 => String::new(),
                n => format!(", {n} unmapped"),
            }
        );
        for f in &r.findings {
            let _ = writeln!(s, "  {}", f.to_string().replace('\n', "\n  "));
        }
    }
    s
}
