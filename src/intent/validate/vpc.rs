//! `vpc`: its ID, and primary and secondary CIDRs that parse and do not overlap.

use super::super::file::IntentFile;
use super::context::Ctx;
use crate::net::overlaps;
use ipnet::{Ipv4Net, Ipv6Net};

/// The VPC's valid CIDRs, primary first; a CIDR that overlaps an earlier one is reported
/// and left out.
pub(super) fn check(f: &IntentFile, cx: &mut Ctx) -> Vec<Ipv4Net> {
    if let Some(id) = &f.vpc.id {
        cx.aws_id("vpc.id", id, "vpc-");
    }
    let mut vpc_cidrs = Vec::new();
    if let Some(c) = cx.cidr("vpc.cidr", &f.vpc.cidr) {
        vpc_cidrs.push(c);
    }
    for (i, s) in f.vpc.secondary_cidrs.iter().enumerate() {
        let path = format!("vpc.secondary_cidrs[{i}]");
        if let Some(c) = cx.cidr(&path, s) {
            if let Some(o) = vpc_cidrs.iter().find(|o| overlaps(*o, &c)) {
                let o = *o;
                cx.error(&path, format!("`{c}` overlaps VPC CIDR `{o}`"))
                    .help("a VPC's CIDR blocks must not overlap each other");
            } else {
                vpc_cidrs.push(c);
            }
        }
    }
    vpc_cidrs
}

/// The VPC's valid IPv6 CIDRs, in the order written; overlapping ones are reported.
pub(super) fn check_ipv6(f: &IntentFile, cx: &mut Ctx) -> Vec<Ipv6Net> {
    let mut out: Vec<Ipv6Net> = Vec::new();
    for (i, s) in f.vpc.ipv6_cidrs.iter().enumerate() {
        let path = format!("vpc.ipv6_cidrs[{i}]");
        if let Some(c) = cx.cidr6(&path, s) {
            if let Some(o) = out.iter().find(|o| overlaps(*o, &c)) {
                let o = *o;
                cx.error(&path, format!("`{c}` overlaps VPC IPv6 CIDR `{o}`"))
                    .help("a VPC's CIDR blocks must not overlap each other");
            } else {
                out.push(c);
            }
        }
    }
    out
}
