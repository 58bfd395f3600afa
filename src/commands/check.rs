//! `shibori check INTENT...`: validate, print warnings, exit 0/1 (1 when any intent is
//! invalid).

use super::{load_and_plan, Context};
use crate::cli::Outcome;
use crate::diagnostic;
use crate::findings::{self, Format, Report};
use std::path::{Path, PathBuf};

pub fn run(ctx: &Context, paths: &[PathBuf], format: Format) -> anyhow::Result<Outcome> {
    if format != Format::Text {
        return machine(paths, format);
    }
    let mut outcome = Outcome::Success;
    for path in paths {
        if one(ctx, path)? == Outcome::Failure {
            outcome = Outcome::Failure;
        }
    }
    Ok(outcome)
}

fn one(ctx: &Context, path: &Path) -> anyhow::Result<Outcome> {
    let Some(planned) = load_and_plan(ctx, path)? else {
        return Ok(Outcome::Failure);
    };
    super::print_diagnostics(ctx, &planned.warnings, &planned.source);
    super::output::eprint(&format!(
        "{}: ok ({})\n",
        planned.source.name,
        super::summary_line(0, planned.warnings.len())
    ));
    super::exit_without_freeing(planned);
    Ok(Outcome::Success)
}

/// `--format json|sarif|junit`: every diagnostic on stdout, nothing on stderr. Several
/// intents give one report (JSON: one document per intent under `files`).
fn machine(paths: &[PathBuf], format: Format) -> anyhow::Result<Outcome> {
    let mut report = Report::new("check");
    let mut docs = Vec::new();
    let mut all_ok = true;
    for path in paths {
        let (source, diags, ok) = match super::load(path)? {
            Ok(p) => (p.source, p.warnings, true),
            Err(invalid) => (invalid.source, invalid.diagnostics, false),
        };
        all_ok &= ok;
        let first = report.findings.len();
        for f in super::intent_findings(&diags, &source) {
            report.push(f);
        }
        let suite = super::intent_suite(&report, first, &source);
        report.suites.push(suite);
        let mine = Report {
            findings: report.findings[first..].to_vec(),
            ..Report::new("check")
        };
        docs.push(serde_json::json!({
            "valid": ok,
            "diagnostics": diagnostic::to_json(&diags, Some(&source)),
            "findings": findings::json::findings(&mine),
        }));
    }
    if format == Format::Json {
        let v = match docs.len() {
            1 => docs.swap_remove(0),
            _ => serde_json::json!({ "valid": all_ok, "files": docs }),
        };
        super::output::print(&format!("{}\n", serde_json::to_string_pretty(&v)?))?;
    } else {
        super::print_report(&report, format)?;
    }
    Ok(if all_ok {
        Outcome::Success
    } else {
        Outcome::Failure
    })
}
