//! docs/semantics.md#the-endpoint and #renderers: every ID the intent does not know becomes an input (a Terraform
//! variable, a CloudFormation parameter). Only inputs that some resource uses are
//! listed, because CloudFormation warns about unused parameters.

use super::{Association, Input, InputKind, Plan};

/// `vpn-a` → `vpn_a`: names are `[a-z][a-z0-9-]*`, so this is injective.
fn snake(name: &str) -> String {
    name.replace('-', "_")
}

pub fn derive(plan: &Plan) -> Vec<Input> {
    let mut out = Vec::new();
    let creates_endpoint = plan.endpoint.id.is_none();
    // A transit-gateway-attached endpoint names no VPC; new groups in a further VPC
    // carry that VPC's own ID.
    let tgw = plan.endpoint.transit_gateway.is_some();
    let creates_group = plan
        .security_groups
        .iter()
        .any(|g| g.id.is_none() && g.vpc_id.is_none());
    if plan.vpc.id.is_none() && ((creates_endpoint && !tgw) || creates_group) {
        out.push(Input {
            name: "vpc_id".to_string(),
            logical_id: String::new(),
            kind: InputKind::VpcId,
            subject: None,
            description: "ID of the VPC that holds the target networks".to_string(),
        });
    }
    for tn in &plan.target_networks {
        let Some(subnet) = plan.subnets.iter().find(|s| &s.name == tn) else {
            continue;
        };
        let routed = plan
            .routes
            .iter()
            .any(|r| r.target_network.as_ref() == Some(tn));
        if subnet.id.is_none() && (creates_endpoint || routed) {
            out.push(Input {
                name: format!("subnet_id_{}", snake(tn)),
                logical_id: String::new(),
                kind: InputKind::SubnetId,
                subject: Some(tn.clone()),
                description: format!(
                    "ID of subnet `{tn}` ({}), a target network of the endpoint",
                    subnet.cidr
                ),
            });
        }
    }
    for acl in &plan.network_acls {
        let used = plan.nacl_entries.iter().any(|e| e.network_acl == acl.key);
        if acl.id.is_none() && used {
            out.push(Input {
                name: format!("network_acl_id_{}", snake(&acl.key)),
                logical_id: String::new(),
                kind: InputKind::NetworkAclId,
                subject: Some(acl.key.clone()),
                description: format!(
                    "ID of the network ACL of subnet(s) {}",
                    acl.subnets.join(", ")
                ),
            });
        }
    }
    if creates_endpoint {
        let mut push = |name: &str, kind, description: &str| {
            out.push(Input {
                name: name.to_string(),
                logical_id: String::new(),
                kind,
                subject: None,
                description: description.to_string(),
            })
        };
        push(
            "server_certificate_arn",
            InputKind::ServerCertificateArn,
            "ARN of the endpoint's server certificate in ACM",
        );
        match plan.endpoint.authentication.as_str() {
            "certificate" => push(
                "client_root_certificate_chain_arn",
                InputKind::ClientRootCertificateChainArn,
                "ARN of the client root certificate chain in ACM (mutual authentication)",
            ),
            "active-directory" => push(
                "active_directory_id",
                InputKind::ActiveDirectoryId,
                "ID of the AWS Directory Service directory that authenticates users",
            ),
            _ => push(
                "saml_provider_arn",
                InputKind::SamlProviderArn,
                "ARN of the IAM SAML identity provider that authenticates users",
            ),
        }
    }
    out
}

pub fn associations(plan: &Plan) -> Vec<Association> {
    if plan.endpoint.id.is_some() {
        return Vec::new();
    }
    plan.target_networks
        .iter()
        .map(|tn| Association {
            target_network: tn.clone(),
            logical_id: String::new(),
        })
        .collect()
}
