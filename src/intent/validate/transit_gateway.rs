//! A transit gateway attachment (`docs/transit-gateway.md`): `endpoint.attachment` and
//! `endpoint.transit_gateway`, the further VPCs (`vpcs`) behind the gateway, and what the
//! attachment rules out (target networks, endpoint egress settings).

use super::super::file::{self, IntentFile};
use super::super::model::{Attachment, Subnet, TransitGateway};
use super::context::{Ctx, Field, Index};
use super::limits;
use crate::net::{contains, overlaps};
use ipnet::Ipv4Net;
use std::collections::BTreeSet;

/// A transit-gateway-attached endpoint lists no target networks.
pub(super) fn no_target_networks(f: &IntentFile, cx: &mut Ctx) -> Vec<usize> {
    if !f.target_networks.is_empty() {
        cx.error(
            "target_networks",
            "a transit-gateway-attached endpoint has no target networks",
        )
        .help("remove `target_networks`: the endpoint reaches the VPCs through the transit gateway (list its Availability Zones under `endpoint.transit_gateway.availability_zones`)");
    }
    Vec::new()
}

/// Each subnet in a further VPC carries that VPC's ID.
pub(super) fn place_subnets(subnets: &mut [Subnet], further_vpcs: &[(String, Vec<Ipv4Net>)]) {
    for s in subnets {
        s.vpc_id = further_vpcs
            .iter()
            .find(|(_, cidrs)| cidrs.iter().any(|v| contains(v, &s.cidr)))
            .map(|(id, _)| id.clone());
    }
}

/// `vpcs`: the further VPCs of a transit-gateway-attached endpoint, as (ID, CIDRs). Their
/// CIDRs join `vpc_cidrs`, since everything the intent calls "in a VPC" lies in one.
pub(super) fn further_vpcs(
    f: &IntentFile,
    tgw: bool,
    vpc_cidrs: &mut Vec<Ipv4Net>,
    cx: &mut Ctx,
) -> Vec<(String, Vec<Ipv4Net>)> {
    let mut out = Vec::new();
    if !tgw && !f.vpcs.is_empty() {
        cx.error("vpcs", "further VPCs need `endpoint.attachment: transit-gateway`")
            .help("an endpoint associated with target networks reaches one VPC (and what its route tables lead to): declare destinations in other VPCs as `cidr:` targets, or attach the endpoint to a transit gateway");
        return out;
    }
    for (i, v) in f.vpcs.iter().enumerate() {
        let p = Index("vpcs", i);
        let id = match &v.id {
            Some(id) => {
                cx.aws_id(Field(p, "id"), id, "vpc-");
                id.clone()
            }
            None => {
                cx.error(p, "a further VPC needs its `id`").help(
                    "security groups created for targets in this VPC are created in it by ID",
                );
                continue;
            }
        };
        if f.vpc.id.as_deref() == Some(id.as_str())
            || f.vpcs[..i]
                .iter()
                .any(|o| o.id.as_deref() == Some(id.as_str()))
        {
            cx.error(Field(p, "id"), format!("VPC `{id}` is declared twice"))
                .help("declare each VPC once, with all its CIDRs");
        }
        let mut cidrs = Vec::new();
        let texts = std::iter::once((Field(p, "cidr").to_string(), &v.cidr)).chain(
            v.secondary_cidrs
                .iter()
                .enumerate()
                .map(|(j, c)| (Index(Field(p, "secondary_cidrs"), j).to_string(), c)),
        );
        for (path, text) in texts {
            let Some(c) = cx.cidr(&path, text) else {
                continue;
            };
            if let Some(o) = vpc_cidrs.iter().find(|o| overlaps(*o, &c)) {
                let o = *o;
                cx.error(&path, format!("`{c}` overlaps VPC CIDR `{o}`"))
                    .help("VPCs connected through one transit gateway need distinct CIDRs");
            } else {
                vpc_cidrs.push(c);
                cidrs.push(c);
            }
        }
        out.push((id, cidrs));
    }
    out
}

/// `endpoint.attachment` and `endpoint.transit_gateway`, and what a transit gateway
/// attachment rules out (`docs/transit-gateway.md`).
pub(super) fn attachment(f: &IntentFile, cx: &mut Ctx) -> Option<Attachment> {
    let e = &f.endpoint;
    match (e.attachment, &e.transit_gateway) {
        (file::Attachment::Vpc, None) => Some(Attachment::Vpc),
        (file::Attachment::Vpc, Some(_)) => {
            cx.error(
                "endpoint.transit_gateway",
                "`transit_gateway` needs `endpoint.attachment: transit-gateway`",
            )
            .help("AWS does not mix VPC and transit gateway associations: set `attachment: transit-gateway` (and remove `target_networks`), or remove `transit_gateway`");
            None
        }
        (file::Attachment::TransitGateway, None) => {
            cx.error(
                "endpoint.attachment",
                "a transit-gateway attachment needs `endpoint.transit_gateway`",
            )
            .help("add `transit_gateway: {id: tgw-…, availability_zones: [...]}` to `endpoint`");
            None
        }
        (file::Attachment::TransitGateway, Some(t)) => {
            cx.aws_id("endpoint.transit_gateway.id", &t.id, "tgw-");
            let n = t.availability_zones.len();
            if n == 0 || n > limits::MAX_TGW_AVAILABILITY_ZONES {
                cx.error(
                    "endpoint.transit_gateway.availability_zones",
                    format!(
                        "{n} Availability Zones given; a transit gateway attachment has 1 to 5"
                    ),
                )
                .help("list the Availability Zones the endpoint serves clients from, at most 5");
            }
            let mut seen = BTreeSet::new();
            for (i, az) in t.availability_zones.iter().enumerate() {
                let path = Index("endpoint.transit_gateway.availability_zones", i);
                if az.trim().is_empty() {
                    cx.error(path, "empty Availability Zone name");
                } else if !seen.insert(az.as_str()) {
                    cx.error(path, format!("`{az}` is listed twice"))
                        .help("list each Availability Zone once");
                }
            }
            // What an attachment without ENIs or security groups cannot have.
            if cx.spans.has("endpoint.egress") {
                cx.error(
                    "endpoint.egress",
                    "a transit-gateway-attached endpoint has no security group, so no egress rules",
                )
                .help("remove `egress`: destinations admit the client CIDR in their own security groups");
            }
            Some(Attachment::TransitGateway(TransitGateway {
                id: t.id.clone(),
                availability_zones: t.availability_zones.clone(),
            }))
        }
    }
}
