//! Security groups: allow-only and stateful, so the union of the matching rules decides
//! the request and the reply needs no rule.

use super::nacl::universe;
use super::{Proto, Span};
use crate::net::{contains, PortRange, PortSet, Prefix};
use ipnet::Ipv4Net;

/// The other side of a security group rule: an address range, or the interfaces that
/// carry a group `G` (however the caller names groups).
pub enum RulePeer<'a, G, N = Ipv4Net> {
    Cidr(N),
    /// A CIDR of the other family: never matches this family's packets.
    OtherFamily,
    Group(&'a G),
}

/// One security group rule as AWS evaluates it.
pub trait SgEntry {
    type Group: PartialEq;
    fn protocol(&self) -> Proto;
    /// Ports for tcp/udp, types for icmp; ignored for `All`.
    fn span(&self) -> Span;
    fn peer<N: Prefix>(&self) -> RulePeer<'_, Self::Group, N>;
}

/// The peer of a packet as a security group sees it: an address (piece) and the groups
/// that the sending/receiving interface carries.
pub struct Peer<'a, G, N = Ipv4Net> {
    pub addr: N,
    pub groups: &'a [G],
}

/// Ports of `packet` that `rules` (one group and direction) allow towards `peer`.
/// One normalization of every matching range: union by union allocated per rule.
pub fn allowed<'r, R: SgEntry + 'r, N: Prefix>(
    rules: impl IntoIterator<Item = &'r R>,
    peer: &Peer<R::Group, N>,
    packet: Proto,
) -> PortSet {
    PortSet::from_ranges(rules.into_iter().filter_map(|r| {
        let proto_ok = if packet == Proto::All {
            r.protocol() == Proto::All
        } else {
            r.protocol().matches(packet)
        };
        let peer_ok = match r.peer::<N>() {
            RulePeer::Cidr(c) => contains(&c, &peer.addr),
            RulePeer::OtherFamily => false,
            RulePeer::Group(g) => peer.groups.contains(g),
        };
        (proto_ok && peer_ok).then(|| {
            let span = if r.protocol() == Proto::All {
                universe(packet)
            } else {
                r.span()
            };
            PortRange {
                from: span.from,
                to: span.to,
            }
        })
    }))
}
