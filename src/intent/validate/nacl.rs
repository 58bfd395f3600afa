//! `nacl`: the first rule number, the step, the quota (2 to 40) and the ephemeral port range
//! of the replies (docs/semantics.md#validation).

use super::super::file::IntentFile;
use super::super::model::NaclSettings;
use super::super::ports::parse_range;
use super::context::Ctx;
use super::limits;

pub(super) fn check(f: &IntentFile, cx: &mut Ctx) -> NaclSettings {
    let n = &f.nacl;
    if n.rule_start == 0 || n.rule_start > limits::NACL_MAX_RULE_NUMBER {
        cx.error(
            "nacl.rule_start",
            format!("rule number {} is outside 1-32766", n.rule_start),
        );
    }
    if n.rule_step == 0 {
        cx.error("nacl.rule_step", "the rule step must be at least 1");
    }
    if n.quota < 2 || n.quota > limits::NACL_MAX_QUOTA {
        cx.error(
            "nacl.quota",
            format!("NACL quota {} is outside 2-40", n.quota),
        )
        .help("AWS's default is 20 entries per direction, adjustable up to 40");
    }
    let ephemeral = match parse_range(&n.ephemeral_ports) {
        Ok(r) => r,
        Err(msg) => {
            cx.error("nacl.ephemeral_ports", msg)
                .help("AWS's guidance for NAT-ed sources is 1024-65535");
            crate::net::PortRange {
                from: 1024,
                to: 65535,
            }
        }
    };
    NaclSettings {
        rule_start: n.rule_start,
        rule_step: n.rule_step,
        ephemeral,
        quota: n.quota,
    }
}
