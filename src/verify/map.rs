//! Mapping the intent onto what exists (see `docs/audit.md`): a snapshot or a plan names
//! subnets and ACLs by their AWS IDs (or plan addresses); the intent names them by ID where
//! it has one, else a subnet is found by its CIDR and an ACL by the subnets associated with
//! it. Whatever the intent names that the artifact does not hold is `unmapped`, and so is
//! what the endpoint uses that the intent does not name: never a guess.

use super::findings::{Finding, Kind, Layer};
use super::model::{Ident, RuleSet};
use crate::intent::{AclRef, Intent};

/// The intent subnet a deployed subnet stands for: by the intent's ID, else by CIDR
/// (only for intent subnets without an ID).
pub fn subnet<C>(intent: &Intent, rs: &RuleSet<C>, id: &Ident) -> Option<usize> {
    if let Ident::Id(s) = id {
        if let Some(i) = intent
            .subnets
            .iter()
            .position(|x| x.id.as_deref() == Some(s))
        {
            return Some(i);
        }
    }
    let cidr = rs
        .subnet_facts
        .iter()
        .find(|f| f.subnet == *id)
        .and_then(|f| f.cidr)?;
    intent
        .subnets
        .iter()
        .position(|x| x.id.is_none() && x.cidr == cidr)
}

/// The intent's ACL for a deployed ACL: the one of the intent subnets it is associated
/// with, when they agree.
pub fn acl<C>(intent: &Intent, rs: &RuleSet<C>, id: &Ident) -> Option<AclRef> {
    let mut hits: Vec<&AclRef> = rs
        .subnet_facts
        .iter()
        .filter(|f| f.acl.as_ref() == Some(id))
        .filter_map(|f| subnet(intent, rs, &f.subnet))
        .map(|i| &intent.subnets[i].acl)
        .collect();
    hits.sort();
    hits.dedup();
    match hits.as_slice() {
        [one] => Some((*one).clone()),
        _ => None,
    }
}

/// What the intent names that the artifact does not hold, or holds differently.
pub fn unmapped<C>(intent: &Intent, rs: &RuleSet<C>, endpoint_groups: &[Ident]) -> Vec<Finding> {
    let mut out = Vec::new();
    if rs.subnet_facts.is_empty() {
        return out;
    }
    for (i, s) in intent.subnets.iter().enumerate() {
        let fact = rs
            .subnet_facts
            .iter()
            .find(|f| subnet(intent, rs, &f.subnet) == Some(i));
        let Some(fact) = fact else {
            if s.id.is_some() && !rs.complete_inventory {
                continue;
            }
            out.push(Finding::new(
                Kind::Unmapped,
                match &s.id {
                    Some(id) => format!("subnet `{}` ({id}) is not in the artifact", s.name),
                    None => format!(
                        "subnet `{}` ({}) matches no subnet of the artifact by CIDR",
                        s.name, s.cidr
                    ),
                },
            ).help("check the subnet's `id`/`cidr` in the intent, or that the snapshot covers its VPC"));
            continue;
        };
        if let (AclRef::Existing(want), Some(Ident::Id(have))) = (&s.acl, &fact.acl) {
            if want != have {
                out.push(
                    Finding::new(
                        Kind::Unmapped,
                        format!(
                            "subnet `{}` is associated with {have}, not {want} as the intent says",
                            s.name
                        ),
                    )
                    .help(format!("set `subnets.{}.network_acl: {have}`", s.name)),
                );
            }
        }
    }
    if !rs.security_groups.is_empty() {
        for t in &intent.targets {
            if let Some(sg) = &t.security_group {
                let known = rs
                    .security_groups
                    .iter()
                    .any(|g| g.ident == Ident::Id(sg.clone()));
                if !known {
                    out.push(
                        Finding::new(
                            Kind::Unmapped,
                            format!(
                                "security group {sg} of target `{}` is not in the artifact",
                                t.name
                            ),
                        )
                        .target(&t.name),
                    );
                }
            }
        }
        for g in endpoint_groups {
            let decl = rs.security_groups.iter().find(|d| d.ident == *g);
            if decl.is_some_and(|d| d.name.as_deref() == Some("default")) {
                out.push(
                    Finding::new(
                        Kind::Excess,
                        format!(
                            "the endpoint uses {g}, the VPC's default security group, which allows all traffic between its members"
                        ),
                    )
                    .layer(Layer::EndpointSecurityGroup)
                    .help("give the endpoint a dedicated security group"),
                );
            }
        }
    }
    out
}
