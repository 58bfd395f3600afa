//! `target_networks`: 1 to 5 declared subnets, each listed once, /27 or larger, with an `az`,
//! at most one per Availability Zone (docs/semantics.md#validation).

use super::super::file::IntentFile;
use super::context::Ctx;
use super::limits;
use super::subnets::Subnets;
use std::collections::BTreeMap;

/// The target networks as indexes into the valid subnets, in the order written.
pub(super) fn check(f: &IntentFile, cx: &mut Ctx, subnets: &Subnets) -> Vec<usize> {
    let mut target_networks = Vec::new();
    if f.target_networks.is_empty() || f.target_networks.len() > limits::MAX_TARGET_NETWORKS {
        cx.error(
            "target_networks",
            format!(
                "{} target networks given; an endpoint has 1 to 5",
                f.target_networks.len()
            ),
        )
        .help("associate one subnet per Availability Zone, at most 5");
    }
    let mut azs: BTreeMap<String, String> = BTreeMap::new();
    for (i, name) in f.target_networks.iter().enumerate() {
        let path = format!("target_networks[{i}]");
        let Some(idx) = subnets.get(name) else {
            subnets.unknown(cx, &path, name);
            continue;
        };
        if target_networks.contains(&idx) {
            cx.error(&path, format!("`{name}` is listed twice"))
                .help("list each target network once");
            continue;
        }
        let sn = &subnets.list[idx];
        if sn.cidr.prefix_len() > limits::MIN_TARGET_NETWORK_PREFIX {
            cx.error(
                &path,
                format!("target network `{name}` ({}) is smaller than /27", sn.cidr),
            )
            .help("AWS needs a /27 or larger subnet for a Client VPN association");
        } else if sn.cidr.prefix_len() >= 26 {
            // Every target network must keep 20 free addresses (a requirement of the plan);
            // in a /26 or /27 that leaves little room for anything else, so say it here.
            cx.warning(&path, format!("target network `{name}` ({}) is small: AWS needs at least 20 free IP addresses in it at all times", sn.cidr))
                .help("keep other workloads out of it, or associate a larger subnet");
        }
        match &sn.az {
            None => {
                cx.error(&path, format!("target network `{name}` has no `az`"))
                    .help(format!("add `az:` to `subnets.{name}`; at most one target network per Availability Zone"));
            }
            Some(az) => {
                if let Some(prev) = azs.insert(az.clone(), name.clone()) {
                    cx.error(&path, format!("`{name}` and `{prev}` are both in {az}"))
                        .help("Client VPN allows one associated subnet per Availability Zone");
                }
            }
        }
        target_networks.push(idx);
    }
    target_networks
}
