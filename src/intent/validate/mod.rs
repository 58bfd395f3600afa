//! Validation of the intent file, one file per section it checks: every rule of
//! docs/semantics.md#validation checked, every problem reported at once, in the order of the
//! sections below.

mod context;
mod endpoint;
mod ipv6;
mod nacl;
mod subnets;
mod target_networks;
mod targets;
mod transit_gateway;
mod vpc;

use super::file::IntentFile;
use super::model::{Endpoint, Intent, Vpc};
use super::spans::SpanMap;
use crate::diagnostic::Diagnostic;
use context::Ctx;

pub use context::valid_name;

/// AWS's limits and defaults that validation enforces (docs/semantics.md#aws-facts).
pub mod limits {
    pub const MAX_TARGET_NETWORKS: usize = 5;
    /// Availability Zones of a transit gateway attachment.
    pub const MAX_TGW_AVAILABILITY_ZONES: usize = 5;
    pub const MIN_TARGET_NETWORK_PREFIX: u8 = 27;
    pub const CLIENT_CIDR_PREFIX: std::ops::RangeInclusive<u8> = 12..=22;
    pub const MAX_DNS_SERVERS: usize = 2;
    pub const SESSION_TIMEOUTS: [u32; 4] = [8, 10, 12, 24];
    pub const MAX_BANNER_CHARS: usize = 1400;
    pub const MAX_GROUP_ID_CHARS: usize = 255;
    pub const NACL_MAX_RULE_NUMBER: u32 = 32766;
    pub const NACL_MAX_QUOTA: u32 = 40;
}

/// Validates the parsed file. Returns the typed intent only when there is no error;
/// the diagnostics (errors and warnings) come back either way.
pub fn validate(file: &IntentFile, spans: &SpanMap) -> (Option<Intent>, Vec<Diagnostic>) {
    let mut cx = Ctx {
        spans,
        diags: Vec::new(),
    };
    let intent = build(file, &mut cx);
    let has_error = cx.diags.iter().any(Diagnostic::is_error);
    (if has_error { None } else { intent }, cx.diags)
}

fn build(f: &IntentFile, cx: &mut Ctx) -> Option<Intent> {
    if f.version != 1 {
        cx.error(
            "version",
            format!("unsupported intent version {}", f.version),
        )
        .help("this shibori reads `version: 1`");
    }
    cx.name("name", &f.name, "intent name");

    let mut vpc_cidrs = vpc::check(f, cx);
    let vpc_ipv6_cidrs = vpc::check_ipv6(f, cx);
    let tgw = f.endpoint.attachment == super::file::Attachment::TransitGateway;
    let further_vpcs = transit_gateway::further_vpcs(f, tgw, &mut vpc_cidrs, cx);
    let mut subnets = subnets::check(f, cx, &vpc_cidrs, &vpc_ipv6_cidrs);
    transit_gateway::place_subnets(&mut subnets.list, &further_vpcs);
    let target_networks = if tgw {
        transit_gateway::no_target_networks(f, cx)
    } else {
        target_networks::check(f, cx, &subnets)
    };
    let attachment = transit_gateway::attachment(f, cx);
    ipv6::check(f, cx);
    let endpoint = endpoint::check(f, cx, &vpc_cidrs, &subnets.list);
    let (targets, targets6) = targets::check(
        f,
        cx,
        &vpc_cidrs,
        &vpc_ipv6_cidrs,
        &subnets,
        endpoint.client_cidr,
    );
    endpoint::tunnel_shape(&f.endpoint, &targets, &targets6, cx);
    let nacl = nacl::check(f, cx);

    let traffic = f.endpoint.traffic_ip_address_type;
    let mut intent = Intent {
        name: f.name.clone(),
        vpc: Vpc {
            id: f.vpc.id.clone(),
            cidrs: vpc_cidrs,
        },
        endpoint: Endpoint {
            attachment: attachment?,
            ..endpoint::model(&f.endpoint, endpoint.client_cidr, endpoint.vpn_port)
        },
        subnets: subnets.list,
        target_networks,
        targets,
        nacl,
        carried: traffic.has_ipv4(),
        ipv6: None,
    };
    if traffic.has_ipv6() {
        intent.ipv6 = Some(Box::new(ipv6::view(&intent, vpc_ipv6_cidrs, targets6)));
    }
    Some(intent)
}
