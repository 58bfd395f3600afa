//! `shibori snapshot-commands --endpoint ID [--region R]`: the AWS CLI commands whose
//! output `verify --artifact DIR` and `import DIR` read, one file each (see `docs/audit.md`).

use crate::cli::Outcome;
use crate::verify::read::snapshot::COMMANDS;

/// The script, as text: a bash script that writes the snapshot into `./snapshot`.
pub fn script(endpoint: &str, region: Option<&str>) -> String {
    let region = region.map(|r| format!(" --region {r}")).unwrap_or_default();
    let mut s = format!(
        "#!/usr/bin/env bash\n\
         # Snapshot of Client VPN endpoint {endpoint} for `shibori verify --artifact snapshot`\n\
         # and `shibori import snapshot --endpoint {endpoint}`. Read-only describe calls; the\n\
         # AWS CLI merges pages itself (files of separate pages are merged by shibori too).\n\
         set -euo pipefail\n\
         mkdir -p snapshot\n\
         VPC=$(aws ec2 describe-client-vpn-endpoints{region} --client-vpn-endpoint-ids {endpoint} \
         --query 'ClientVpnEndpoints[0].VpcId' --output text)\n\
         SG_IDS=$(aws ec2 describe-security-groups{region} --filters Name=vpc-id,Values=\"$VPC\" \
         --query 'join(`,`, SecurityGroups[].GroupId)' --output text)\n"
    );
    for (_, cmd, file) in COMMANDS {
        let cmd = cmd
            .replace("{ID}", endpoint)
            .replace("{VPC}", "\"$VPC\"")
            .replace("{GROUPS}", "\"$SG_IDS\"");
        s.push_str(&format!(
            "aws {cmd}{region} --output json > snapshot/{file}\n"
        ));
    }
    s
}

pub fn run(endpoint: &str, region: Option<&str>) -> anyhow::Result<Outcome> {
    super::output::print(&script(endpoint, region))?;
    Ok(Outcome::Success)
}

#[cfg(test)]
mod tests {
    #[test]
    fn nine_commands_one_file_each() {
        let s = super::script("cvpn-endpoint-0123456789abcdef0", Some("eu-west-1"));
        assert_eq!(s.matches("> snapshot/").count(), 9, "{s}");
        assert!(s.contains("describe-client-vpn-routes --client-vpn-endpoint-id cvpn-endpoint-0123456789abcdef0 --region eu-west-1 --output json > snapshot/client-vpn-routes.json"), "{s}");
    }
}
