//! AWS semantics, layer by layer, shared by the planner and the verifier (see
//! `docs/semantics.md`): longest-prefix authorization, first-match NACLs with denies,
//! stateful security groups, and cutting address space at rule boundaries. Address space
//! and port ranges are cut at rule boundaries, never enumerated, so a proof stays fast at
//! 1,000 targets. Nothing here knows the plan or an artifact reader: rules come in
//! through the small traits below.

pub mod auth;
pub mod cut;
pub mod nacl;
mod packet;
pub mod route;
pub mod sg;

pub use packet::{Action, Proto, Span};

use crate::net::{PortRange, PortSet};

pub fn set(span: Span) -> PortSet {
    PortSet::from_ranges([PortRange {
        from: span.from,
        to: span.to,
    }])
}

pub fn covers(set: &PortSet, span: Span) -> bool {
    set.contains_range(&PortRange {
        from: span.from,
        to: span.to,
    })
}

pub fn describe(set: &PortSet) -> String {
    set.ranges()
        .iter()
        .map(|r| r.to_string())
        .collect::<Vec<_>>()
        .join(",")
}
