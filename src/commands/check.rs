//! `shibori check`: validate, print warnings, exit 0/1.

use super::{load_and_plan, Context};
use crate::cli::args::Outcome;
use crate::diagnostic::{self};
use std::path::Path;

pub fn run(ctx: &Context, path: &Path, json: bool) -> anyhow::Result<Outcome> {
    if json {
        let source = super::read_source(path)?;
        let (diags, ok) = match crate::intent::load(&source) {
            Err(d) => (d, false),
            Ok(loaded) => match crate::plan::plan(&loaded.intent) {
                Ok(plan) => {
                    let mut w = loaded.warnings;
                    w.extend(plan.warnings);
                    crate::intent::locate(&mut w, &loaded.spans);
                    (w, true)
                }
                Err(mut e) => {
                    crate::intent::locate(&mut e, &loaded.spans);
                    let mut w = loaded.warnings;
                    w.extend(e);
                    (w, false)
                }
            },
        };
        let v = serde_json::json!({ "valid": ok, "diagnostics": diagnostic::to_json(&diags, Some(&source)) });
        super::output::print(&format!("{}\n", serde_json::to_string_pretty(&v)?))?;
        return Ok(if ok {
            Outcome::Success
        } else {
            Outcome::Failure
        });
    }
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
