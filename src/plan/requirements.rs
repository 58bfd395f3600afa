//! What the user must do outside what shibori manages (docs/semantics.md#destination-security-groups, #routes, #the-endpoint).

use super::{Plan, Requirement, RequirementKind as K};
use crate::intent::{AclRef, Destination, Intent};
use ipnet::Ipv6Net;

pub fn derive(intent: &Intent, plan: &Plan) -> Vec<Requirement> {
    let mut out = Vec::new();
    if super::tgw::attached(intent) {
        return transit_gateway(intent, plan, out);
    }
    let mut push = |kind, text: String| out.push(Requirement { kind, text });
    let tn_names: Vec<&str> = plan.target_networks.iter().map(String::as_str).collect();

    for g in plan
        .security_groups
        .iter()
        .filter(|g| g.role == super::SgRole::Destination)
    {
        push(K::AttachSecurityGroup, attach_text(g));
    }
    for t in &intent.targets {
        if let Destination::Outside { cidr } = t.destination {
            if cidr.prefix_len() == 0 {
                push(
                    K::SubnetRoute,
                    format!(
                        "the route tables of target networks {} need 0.0.0.0/0 via a NAT gateway (private subnet) or an internet gateway (public subnet)",
                        tn_names.join(", ")
                    ),
                );
            } else {
                push(K::SubnetRoute, route_to(&tn_names, &cidr, &t.name));
                let sources: Vec<String> = intent
                    .target_networks
                    .iter()
                    .map(|&i| intent.subnets[i].cidr.to_string())
                    .collect();
                push(
                    K::RemoteFirewall,
                    format!(
                        "the network at {cidr} sees connections from {} (the endpoint's source NAT), not from client addresses: allow them there, and the replies back",
                        sources.join(", ")
                    ),
                );
            }
        }
    }
    if let Some(v6) = intent.ipv6.as_deref() {
        ipv6(v6, &tn_names, &mut push);
    }
    push(
        K::SubnetRoute,
        format!("keep at least 20 free IP addresses in each target network ({}) at all times: AWS places and replaces the endpoint's ENIs there", tn_names.join(", ")),
    );
    push(
        K::VpcCidr,
        "Client VPN adds the VPC's local route for the CIDRs the VPC has when a subnet is associated; a CIDR added later needs re-association or a manual route".to_string(),
    );
    let inputs: Vec<&str> = intent
        .subnets
        .iter()
        .filter_map(|s| match &s.acl {
            AclRef::InputOf(name) => Some(name.as_str()),
            AclRef::Existing(_) => None,
        })
        .collect();
    if inputs.len() > 1 {
        push(
            K::NetworkAclInput,
            format!(
                "the network ACLs of subnets {} are inputs and planned as distinct ACLs; if some of them share one ACL, declare `network_acl` in the intent so rule numbers do not collide",
                inputs.join(", ")
            ),
        );
    }
    if let Some(id) = &intent.endpoint.id {
        push(
            K::ExistingEndpoint,
            format!(
                "endpoint {id} exists with its target network associations ({}), which shibori takes as given: apply the endpoint security group to the endpoint (replacing any default VPC security group)",
                tn_names.join(", ")
            ),
        );
    } else {
        let creds = match intent.endpoint.authentication {
            crate::intent::file::Authentication::Certificate => {
                "the server certificate ARN and the client root certificate chain ARN (ACM)"
            }
            crate::intent::file::Authentication::ActiveDirectory => {
                "the server certificate ARN (ACM) and the AWS Directory Service directory ID"
            }
            crate::intent::file::Authentication::Saml => {
                "the server certificate ARN (ACM) and the IAM SAML provider ARN"
            }
        };
        push(K::Credentials, format!("provide {creds} as inputs"));
    }
    out
}

/// What the target networks' route tables need for an outside target of either family.
fn route_to(tn_names: &[&str], cidr: &impl std::fmt::Display, target: &str) -> String {
    format!(
        "the route tables of target networks {} need a route to {cidr} (VPC peering, transit gateway or virtual private gateway) for target `{target}`",
        tn_names.join(", ")
    )
}

/// IPv6: the routes the target networks need, what remote networks see, and every
/// assumption AWS does not document, to confirm (docs/semantics.md, "IPv6 and dual-stack").
fn ipv6(v6: &Intent<Ipv6Net>, tn_names: &[&str], push: &mut impl FnMut(K, String)) {
    let sources: Vec<String> = v6
        .target_networks
        .iter()
        .map(|&i| v6.subnets[i].cidr.to_string())
        .collect();
    for t in &v6.targets {
        let Destination::Outside { cidr } = t.destination else {
            continue;
        };
        if cidr.prefix_len() == 0 {
            push(
                K::SubnetRoute,
                format!(
                    "the route tables of target networks {} need ::/0 via an egress-only internet gateway (private subnet) or an internet gateway (public subnet)",
                    tn_names.join(", ")
                ),
            );
        } else {
            push(K::SubnetRoute, route_to(tn_names, &cidr, &t.name));
            push(
                K::RemoteFirewall,
                format!(
                    "the network at {cidr} sees connections from the clients' own IPv6 addresses (IPv6 is not translated), which AWS takes from the target networks' IPv6 CIDRs {}: allow them there, and the replies back",
                    sources.join(", ")
                ),
            );
        }
    }
    push(
        K::Ipv6Assumption,
        format!(
            "to confirm: IPv6 tunnel traffic is not translated, so destination security groups and network ACLs admit the clients' IPv6 addresses by the target networks' IPv6 CIDRs ({}); AWS documents the endpoint security group as the source for IPv4 only",
            sources.join(", ")
        ),
    );
    push(
        K::Ipv6Assumption,
        format!(
            "to confirm: the network ACL reply rows for IPv6 use the ephemeral ports {}; without translation the source ports are the client devices' own (common systems use ranges inside 1024-65535)",
            v6.nacl.ephemeral
        ),
    );
    if v6
        .targets
        .iter()
        .any(|t| matches!(t.destination, Destination::Outside { .. }))
    {
        push(
            K::Ipv6Assumption,
            "to confirm, with CloudFormation: the AWS::EC2::ClientVpnRoute resource schema still describes DestinationCidrBlock as an IPv4 range, while the EC2 API and hashicorp/aws 6.20 and later take IPv6 routes; if a stack rejects an IPv6 route, create it with the Terraform module or the API".to_string(),
        );
    }
    if !v6.vpc.cidrs.is_empty() {
        push(
            K::Ipv6Assumption,
            format!(
                "to confirm: Client VPN adds the VPC's local route for its IPv6 CIDRs ({}) on association, as it does for IPv4",
                v6.vpc
                    .cidrs
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
    }
}

/// `attach … to the instances of target(s) …`, pushed rather than formatted: there is
/// one per destination group, a thousand in a large intent.
fn attach_text(g: &super::SecurityGroup) -> String {
    let mut s = String::with_capacity(96 + g.name.len());
    s.push_str("attach ");
    match &g.id {
        Some(id) => {
            s.push_str("existing security group ");
            s.push_str(id);
        }
        None => {
            s.push_str("security group `");
            s.push_str(&g.name);
            s.push('`');
        }
    }
    s.push_str(" to the instances of target(s) ");
    for (i, t) in g.targets.iter().enumerate() {
        if i > 0 {
            s.push_str(", ");
        }
        s.push_str(t);
    }
    s
}

/// A transit gateway attachment: the destination groups to attach, the transit gateway's
/// own requirements, the network ACL inputs and the credentials, as for a VPC attachment.
fn transit_gateway(intent: &Intent, plan: &Plan, mut out: Vec<Requirement>) -> Vec<Requirement> {
    for g in plan
        .security_groups
        .iter()
        .filter(|g| g.role == super::SgRole::Destination)
    {
        out.push(Requirement {
            kind: K::AttachSecurityGroup,
            text: attach_text(g),
        });
    }
    super::tgw::requirements(intent, &mut out);
    if let Some(id) = &intent.endpoint.id {
        out.push(Requirement {
            kind: K::ExistingEndpoint,
            text: format!("endpoint {id} exists: it must be attached to the transit gateway"),
        });
    } else {
        out.push(Requirement {
            kind: K::Credentials,
            text: credentials(intent).to_string(),
        });
    }
    out
}

fn credentials(intent: &Intent) -> &'static str {
    match intent.endpoint.authentication {
        crate::intent::file::Authentication::Certificate => "provide the server certificate ARN and the client root certificate chain ARN (ACM) as inputs",
        crate::intent::file::Authentication::ActiveDirectory => "provide the server certificate ARN (ACM) and the AWS Directory Service directory ID as inputs",
        crate::intent::file::Authentication::Saml => "provide the server certificate ARN (ACM) and the IAM SAML provider ARN as inputs",
    }
}
