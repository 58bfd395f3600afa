//! `shibori verify INTENT [--artifact PATH] [--format F]`: read rendered artifacts back
//! and prove them (`docs/semantics.md`). Exit 0 only without findings; 1 with any; 2 when
//! an artifact cannot be read.

use super::{load_and_plan, Context};
use crate::cli::Outcome;
use crate::findings::{self, Format, Location, Report};
use crate::intent::Intent;
use crate::verify::findings::{resource_line, Finding, Kind};
use crate::verify::model::Origin;
use crate::verify::read::{self, Artifact};
use anyhow::Context as _;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One verified artifact.
pub struct Verified {
    pub format: String,
    pub label: String,
    pub findings: Vec<Finding>,
    /// The declaring line of each artifact rule the findings name, by (file, resource).
    pub lines: BTreeMap<(String, String), usize>,
}

pub fn run(
    ctx: &Context,
    intent_path: &Path,
    artifact: Option<&Path>,
    format: Format,
) -> anyhow::Result<Outcome> {
    let planned = if format == Format::Text {
        let Some(planned) = load_and_plan(ctx, intent_path)? else {
            return Ok(Outcome::Failure);
        };
        super::print_diagnostics(ctx, &planned.warnings, &planned.source);
        planned
    } else {
        match super::load(intent_path)? {
            Ok(planned) => planned,
            Err(invalid) => {
                let mut report = Report::new("verify");
                report.findings = super::intent_findings(&invalid.diagnostics, &invalid.source);
                if format == Format::Json {
                    let v = serde_json::json!({
                        "clean": false,
                        "valid": false,
                        "artifacts": [],
                        "findings": findings::json::findings(&report),
                    });
                    super::output::print(&format!("{}\n", serde_json::to_string_pretty(&v)?))?;
                } else {
                    let suite = super::intent_suite(&report, 0, &invalid.source);
                    report.suites.push(suite);
                    super::print_report(&report, format)?;
                }
                return Ok(Outcome::Failure);
            }
        }
    };
    let intent = &planned.intent;
    let results: Vec<Verified> = match artifact {
        Some(p) => {
            let a = Artifact::load(p).map_err(|e| unreadable(e, &p.display().to_string()))?;
            let (verified, rules) = prove(intent, &a)?;
            super::exit_without_freeing((a, rules));
            vec![verified]
        }
        None => verify_rendered(&planned.plan, intent)?,
    };
    let clean = results.iter().all(|r| r.findings.is_empty());
    let report = (format != Format::Text).then(|| report(&planned, &results, artifact));
    if let Some(report) = report.as_ref().filter(|_| format != Format::Json) {
        super::print_report(report, format)?;
    } else if let Some(report) = &report {
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
            serde_json::to_string_pretty(&serde_json::json!({
                "clean": clean,
                "artifacts": v,
                "findings": findings::json::findings(report),
            }))?
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

/// A read error as the run's error: an I/O or parse error names its file and says
/// "cannot read"/"cannot parse" itself; any other is put in the artifact's context.
fn unreadable(e: read::ReadError, label: &str) -> anyhow::Error {
    match e {
        read::ReadError::Io { .. } | read::ReadError::Parse { .. } => anyhow::Error::new(e),
        other => anyhow::Error::new(other).context(format!("cannot read artifact {label}")),
    }
}

/// `verify_artifact`, handing back the rules read as well, so that the command, which
/// ends after its report, can forget them rather than free them one by one.
fn prove(
    intent: &Intent,
    a: &Artifact,
) -> anyhow::Result<(Verified, crate::verify::model::RuleSet)> {
    let (syntax, rs) =
        read::read_for(a, intent.endpoint.id.as_deref()).map_err(|e| unreadable(e, &a.label))?;
    let findings = crate::verify::verify(intent, &rs);
    let mut lines = BTreeMap::new();
    for o in findings.iter().flat_map(|f| f.origins.iter()) {
        let key = (o.file.clone(), o.resource.clone());
        if lines.contains_key(&key) {
            continue;
        }
        if let Some(n) = a
            .get(Path::new(&o.file))
            .and_then(|text| resource_line(&o.file, text, &o.resource))
        {
            lines.insert(key, n);
        }
    }
    let verified = Verified {
        format: syntax.name().to_string(),
        label: a.label.clone(),
        findings,
        lines,
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
            // A panic is a bug: it ends the run with the bug-report request and exit 101.
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
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

/// Every finding of the run in the findings model: the intent's warnings, then each
/// artifact's findings, located in the intent and in the artifact's files. A file of an
/// artifact read with `--artifact` is named as the user would (below that path); one
/// rendered in memory has no file on disk and is named by the resource alone.
fn report(planned: &super::Planned, results: &[Verified], artifact: Option<&Path>) -> Report {
    let mut report = Report::new("verify");
    report.findings = super::intent_findings(&planned.warnings, &planned.source);
    let intent_suite = super::intent_suite(&report, 0, &planned.source);
    report.suites.push(intent_suite);
    let root: Option<PathBuf> = artifact.map(|p| {
        if p.is_dir() {
            p.to_path_buf()
        } else {
            p.parent().map(Path::to_path_buf).unwrap_or_default()
        }
    });
    let at_intent = super::at_intent(&planned.source, &planned.spans);
    for r in results {
        let at_artifact = |o: &Origin| Location::Artifact {
            file: match &root {
                Some(dir) => dir.join(&o.file).display().to_string(),
                None => o.file.clone(),
            },
            resource: o.resource.clone(),
            line: r.lines.get(&(o.file.clone(), o.resource.clone())).copied(),
            on_disk: root.is_some(),
        };
        let first = report.findings.len();
        for f in &r.findings {
            let found = f.to_finding(&planned.intent, &at_intent, &at_artifact);
            report.push(found);
        }
        let suite = crate::verify::findings::junit_suite(
            &planned.intent,
            &format!("{} {}", r.format, r.label),
            &r.format,
            &r.findings,
            first,
        );
        report.suites.push(suite);
    }
    report
}
