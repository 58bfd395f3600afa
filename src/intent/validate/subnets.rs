//! `subnets`: names, IDs, ACL IDs, CIDRs inside the VPC and not overlapping each other; and
//! the lookup by name that target networks and targets use.

use super::super::file::IntentFile;
use super::super::model::{AclRef, Subnet};
use super::context::{list, valid_name, Ctx};
use crate::diagnostic::Diagnostic;
use crate::net::{contains, overlaps};
use ipnet::{Ipv4Net, Ipv6Net};
use std::collections::BTreeMap;

/// The subnets whose CIDR is valid, in the order declared, and their index by name.
pub(super) struct Subnets<'f> {
    pub(super) list: Vec<Subnet>,
    index: BTreeMap<&'f str, usize>,
    file: &'f IntentFile,
}

impl Subnets<'_> {
    /// The index of the subnet `name`, if it is declared with a valid CIDR.
    pub(super) fn get(&self, name: &str) -> Option<usize> {
        self.index.get(name).copied()
    }

    /// Reports a reference to a subnet that is not declared. A subnet that is declared but
    /// invalid has been reported already and is not reported again.
    pub(super) fn unknown(&self, cx: &mut Ctx, path: &str, name: &str) {
        if self.file.subnets.contains_key(name) {
            return;
        }
        let declared: Vec<&str> = self.file.subnets.keys().map(String::as_str).collect();
        cx.error(
            path,
            format!("subnet `{name}` is not declared under `subnets`"),
        )
        .help(format!(
            "declared subnets: {}",
            if declared.is_empty() {
                "none".to_string()
            } else {
                declared.join(", ")
            }
        ));
    }
}

pub(super) fn check<'f>(
    f: &'f IntentFile,
    cx: &mut Ctx,
    vpc_cidrs: &[Ipv4Net],
    vpc_ipv6_cidrs: &[Ipv6Net],
) -> Subnets<'f> {
    let mut subnets: Vec<Subnet> = Vec::new();
    let mut subnet_index: BTreeMap<&str, usize> = BTreeMap::new();
    for (name, s) in &f.subnets {
        let path = format!("subnets.{name}");
        if !valid_name(name) {
            let d = Diagnostic::error(format!("subnet name `{name}` is not a valid name"))
                .rule(crate::findings::Rule::InvalidName)
                .at(path.clone())
                .with_span(cx.spans.key(&path))
                .help("use 1-40 characters: a lowercase letter, then lowercase letters, digits or `-`");
            cx.diags.push(d);
        }
        if let Some(id) = &s.id {
            cx.aws_id(format_args!("{path}.id"), id, "subnet-");
        }
        if let Some(acl) = &s.network_acl {
            cx.aws_id(format_args!("{path}.network_acl"), acl, "acl-");
        }
        let Some(cidr) = cx.cidr(format_args!("{path}.cidr"), &s.cidr) else {
            continue;
        };
        if !vpc_cidrs.is_empty() && !vpc_cidrs.iter().any(|v| contains(v, &cidr)) {
            cx.error(
                format_args!("{path}.cidr"),
                format!("subnet `{cidr}` is not inside the VPC"),
            )
            .help(format!(
                "the VPC's CIDRs are {}; add a `secondary_cidrs` entry or fix the subnet",
                list(vpc_cidrs)
            ));
        }
        if let Some(other) = subnets.iter().find(|o| overlaps(&o.cidr, &cidr)) {
            let msg = format!(
                "subnet `{cidr}` overlaps subnet `{}` ({})",
                other.name, other.cidr
            );
            cx.error(format_args!("{path}.cidr"), msg)
                .help("subnets of one VPC never overlap; check the CIDRs");
        }
        let ipv6_cidr = s
            .ipv6_cidr
            .as_ref()
            .and_then(|c| ipv6_cidr(cx, &path, c, vpc_ipv6_cidrs, &subnets));
        let acl = match &s.network_acl {
            Some(id) => AclRef::Existing(id.clone()),
            None => AclRef::InputOf(name.clone()),
        };
        subnet_index.insert(name.as_str(), subnets.len());
        subnets.push(Subnet {
            name: name.clone(),
            id: s.id.clone(),
            cidr,
            ipv6_cidr,
            az: s.az.clone(),
            acl,
            vpc_id: None,
        });
    }
    Subnets {
        list: subnets,
        index: subnet_index,
        file: f,
    }
}

/// A subnet's IPv6 CIDR: inside a VPC IPv6 CIDR, overlapping no other subnet's.
fn ipv6_cidr(
    cx: &mut Ctx,
    path: &str,
    text: &str,
    vpc_ipv6_cidrs: &[Ipv6Net],
    earlier: &[Subnet],
) -> Option<Ipv6Net> {
    let path = format!("{path}.ipv6_cidr");
    let cidr = cx.cidr6(&path, text)?;
    if vpc_ipv6_cidrs.is_empty() {
        cx.error(
            &path,
            format!("subnet IPv6 CIDR `{cidr}` and the VPC has no IPv6 CIDR"),
        )
        .help("add the VPC's IPv6 block under `vpc.ipv6_cidrs`");
    } else if !vpc_ipv6_cidrs.iter().any(|v| contains(v, &cidr)) {
        cx.error(
            &path,
            format!("subnet `{cidr}` is not inside the VPC's IPv6 CIDRs"),
        )
        .help(format!("the VPC's IPv6 CIDRs are {}", list(vpc_ipv6_cidrs)));
    }
    if let Some(other) = earlier
        .iter()
        .find(|o| o.ipv6_cidr.is_some_and(|o| overlaps(&o, &cidr)))
    {
        cx.error(
            &path,
            format!("subnet `{cidr}` overlaps subnet `{}`", other.name),
        )
        .help("subnets of one VPC never overlap; check the CIDRs");
    }
    Some(cidr)
}
