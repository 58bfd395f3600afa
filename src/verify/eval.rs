//! AWS semantics, layer by layer (SPEC §5.1). Address space and port ranges are cut at
//! rule boundaries, never enumerated, so the proof stays fast at 1,000 targets.

pub mod auth;
pub mod cut;
pub mod nacl;
pub mod sg;

use crate::net::{PortRange, PortSet};
use crate::verify::model::Span;

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
