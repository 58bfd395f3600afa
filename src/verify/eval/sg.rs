//! Security groups: allow-only and stateful, so the union of the matching rules decides
//! the request and the reply needs no rule.

use super::nacl::universe;
use crate::net::{contains, PortRange, PortSet};
use crate::verify::model::{Ident, Proto, SgPeer, SgRule};
use ipnet::Ipv4Net;

/// The peer of a packet as a security group sees it: an address (piece) and the groups
/// that the sending/receiving interface carries.
pub struct Peer<'a> {
    pub addr: Ipv4Net,
    pub groups: &'a [Ident],
}

/// Ports of `packet` that `rules` (one group and direction) allow towards `peer`.
/// One normalization of every matching range: union by union allocated per rule.
pub fn allowed<'r>(
    rules: impl IntoIterator<Item = &'r SgRule>,
    peer: &Peer,
    packet: Proto,
) -> PortSet {
    PortSet::from_ranges(rules.into_iter().filter_map(|r| {
        let proto_ok = if packet == Proto::All {
            r.protocol == Proto::All
        } else {
            r.protocol.matches(packet)
        };
        let peer_ok = match &r.peer {
            SgPeer::Cidr(c) => contains(c, &peer.addr),
            SgPeer::Group(g) => peer.groups.contains(g),
        };
        (proto_ok && peer_ok).then(|| {
            let span = if r.protocol == Proto::All {
                universe(packet)
            } else {
                r.span
            };
            PortRange {
                from: span.from,
                to: span.to,
            }
        })
    }))
}
