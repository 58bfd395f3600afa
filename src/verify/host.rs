//! A host template with a merged snippet (docs/snippets.md): verify proves the intent
//! from shibori's resources and judges the host's own only where they change the
//! verdict — entries in an ACL the intent manages, rules on the endpoint's or a
//! destination's security group, rules that admit the endpoint's group — exactly as it
//! would judge them anywhere. Everything else of the host (its other ACLs, security
//! groups and their rules) is not the intent's business and is left out.

use super::bind;
use super::model::{RuleSet, SgPeer};
use crate::intent::Intent;
use std::borrow::Cow;
use std::collections::BTreeSet;

/// The rule set to prove: `rs` itself unless a snippet of this intent was merged into it.
pub fn scope<'r, C: Clone>(intent: &Intent, rs: &'r RuleSet<C>) -> Cow<'r, RuleSet<C>> {
    let owned: BTreeSet<&str> = rs
        .host
        .snippets
        .iter()
        .filter(|s| s.intent == intent.name)
        .flat_map(|s| s.resources.iter().map(String::as_str))
        .collect();
    if owned.is_empty() {
        return Cow::Borrowed(rs);
    }
    let mine = |resource: &str| owned.contains(resource);
    // Security groups the host declares are its own; shibori's are listed.
    let mut scoped = rs.clone();
    scoped.security_groups.retain(|g| mine(&g.origin.resource));
    let b = bind::bind(intent, &scoped);
    // Destination groups of targets with an IPv6 destination only are managed too.
    let b6 = intent
        .ipv6
        .as_deref()
        .map(|v6| bind::view(&b, intent, v6, &scoped));
    let managed: BTreeSet<_> = b
        .endpoint_groups
        .iter()
        .chain(b.target_groups.iter().flatten())
        .chain(b6.iter().flat_map(|b| b.target_groups.iter().flatten()))
        .collect();
    scoped
        .nacl_rules
        .retain(|r| mine(&r.origin.resource) || b.acls.contains_key(&r.acl));
    scoped.sg_rules.retain(|r| {
        mine(&r.origin.resource)
            || managed.contains(&r.group)
            || matches!(&r.peer, SgPeer::Group(g) if managed.contains(g))
    });
    // The host's other subnets and their ACLs are its own: only associations of the
    // intent's subnets can move them to an ACL the proof did not read.
    scoped
        .nacl_associations
        .retain(|a| mine(&a.origin.resource) || b.subnets.contains_key(&a.subnet));
    // The host's VPC route tables are its own too: shibori lists what they must provide
    // as requirements and proves the layers it writes (docs/snippets.md).
    scoped.unresolved.retain(|u| {
        mine(&u.origin.resource) || !crate::verify::read::aws::is_route_table_finding(&u.message)
    });
    Cow::Owned(scoped)
}
