//! verify: read rendered artifacts back into a rule set of their own and prove that
//! they allow exactly the intended flows (SPEC §5). Only the intent and the artifact
//! are inputs: nothing here reads the planner's data.

pub mod bind;
pub mod eval;
pub mod excess;
pub mod expect;
pub mod findings;
pub mod flows;
pub mod model;
pub mod read;

use crate::intent::Intent;
use findings::{Finding, Kind};
use model::RuleSet;

/// Every finding for one artifact, in a stable order.
pub fn verify(intent: &Intent, rs: &RuleSet) -> Vec<Finding> {
    let bind = bind::bind(intent, rs);
    let mut out: Vec<Finding> = rs
        .unresolved
        .iter()
        .map(|u| Finding::new(Kind::Unresolved, u.message.clone()).rule(u.origin.to_string()))
        .collect();
    for (id, what) in &bind.unbound {
        out.push(Finding::new(
            Kind::Unresolved,
            format!(
                "{id} names no {what} of the intent (by ID, or by an input named after the subnet)"
            ),
        ));
    }
    for (i, t) in intent.targets.iter().enumerate() {
        if t.subnet().is_some() && bind.target_groups[i].is_none() {
            out.push(
                Finding::new(
                    Kind::Unresolved,
                    format!(
                        "no security group named `{}-{}` for target `{}`",
                        intent.name, t.name, t.name
                    ),
                )
                .target(&t.name),
            );
        }
    }
    if bind.endpoint_groups.is_empty() {
        out.push(Finding::new(
            Kind::Unresolved,
            "cannot tell which security group is the endpoint's",
        ));
    }
    let ix = flows::Index::new(intent, rs, &bind);
    out.extend(flows::check(&ix));
    out.extend(excess::check(intent, rs, &bind, &ix));
    out.sort_by(|a, b| {
        (a.kind, &a.target, &a.who, &a.service, &a.message)
            .cmp(&(b.kind, &b.target, &b.who, &b.service, &b.message))
    });
    out.dedup();
    out
}
