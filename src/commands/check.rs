//! `shibori check`: validate, print warnings, exit 0/1.

use super::{load_and_plan, Context};
use crate::cli::Outcome;
use crate::diagnostic;
use crate::findings::{self, Format, Report};
use std::path::Path;

pub fn run(ctx: &Context, path: &Path, format: Format) -> anyhow::Result<Outcome> {
    if format != Format::Text {
        return machine(path, format);
    }
    let Some(planned) = load_and_plan(ctx, path)? else {
        return Ok(Outcome::Failure);
    };
    super::print_diagnostics(ctx, &planned.warnings, &planned.source);
    eprintln!(
        "{}: ok ({})",
        planned.source.name,
        super::summary_line(0, planned.warnings.len())
    );
    super::exit_without_freeing(planned);
    Ok(Outcome::Success)
}

/// `--format json|sarif|junit`: every diagnostic on stdout, nothing on stderr.
fn machine(path: &Path, format: Format) -> anyhow::Result<Outcome> {
    let (source, diags, ok) = match super::load(path)? {
        Ok(p) => (p.source, p.warnings, true),
        Err(invalid) => (invalid.source, invalid.diagnostics, false),
    };
    let mut report = Report::new("check");
    report.findings = super::intent_findings(&diags, &source);
    if format == Format::Json {
        let v = serde_json::json!({
            "valid": ok,
            "diagnostics": diagnostic::to_json(&diags, Some(&source)),
            "findings": findings::json::findings(&report),
        });
        println!("{}", serde_json::to_string_pretty(&v)?);
    } else {
        let suite = super::intent_suite(&report, 0, &source);
        report.suites.push(suite);
        super::print_report(&report, format);
    }
    Ok(if ok {
        Outcome::Success
    } else {
        Outcome::Failure
    })
}
