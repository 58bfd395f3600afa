//! Network ACLs: stateless, rules in ascending number, the first match decides, and
//! whatever no rule matches hits the default deny.

use super::{set, Action, Proto, Span};
use crate::net::{contains, PortSet, Prefix};
#[cfg(test)]
use ipnet::Ipv4Net;

/// The number AWS gives the `*` entry of every ACL and direction: deny everything. It is
/// the default deny that evaluation ends in anyway, so readers of deployed ACLs drop it.
pub const DEFAULT_ENTRY_NUMBER: u32 = 32767;

/// One network ACL entry as AWS evaluates it.
pub trait AclEntry {
    fn action(&self) -> Action;
    fn protocol(&self) -> Proto;
    /// Ports for tcp/udp, the ICMP type for icmp; ignored for `All`.
    fn span(&self) -> Span;
    /// The entry's family (an ACL's IPv4 and IPv6 entries are evaluated apart: a packet
    /// only meets the entries of its own family).
    type Net: Prefix;
    fn cidr(&self) -> &Self::Net;
}

/// The universe of "ports" of a packet protocol: ports, ICMP types, or one point for
/// "all protocols".
pub fn universe(p: Proto) -> Span {
    match p {
        Proto::Icmp => Span::ALL_ICMP,
        _ => Span::ALL_PORTS,
    }
}

/// Does `rule` match packets of protocol `packet`? An intent's `all` service is
/// carried only by rules for every protocol.
fn matches(rule: Proto, packet: Proto) -> bool {
    if packet == Proto::All {
        rule == Proto::All
    } else {
        rule.matches(packet)
    }
}

/// The outcome for packets to/from `peer` (a piece that no rule CIDR straddles):
/// allowed ports, and the rules that decided, in evaluation order.
pub struct Outcome<'a, R> {
    pub allowed: PortSet,
    /// `(ports decided, rule)`; ports left over hit the default deny.
    pub decided: Vec<(PortSet, &'a R)>,
}

impl<'a, R> Outcome<'a, R> {
    /// The rule that decides `port` (`None`: the default deny).
    pub fn decider(&self, port: u16) -> Option<&'a R> {
        self.decided
            .iter()
            .find(|(s, _)| s.contains(port))
            .map(|(_, r)| *r)
    }
}

/// `rules` must be one ACL and direction, sorted by rule number.
pub fn evaluate<'a, R: AclEntry>(rules: &[&'a R], peer: &R::Net, packet: Proto) -> Outcome<'a, R> {
    let mut remaining = set(universe(packet));
    let mut allowed = PortSet::new();
    let mut decided = Vec::new();
    for r in rules {
        if remaining.is_empty() {
            break;
        }
        if !matches(r.protocol(), packet) || !contains(r.cidr(), peer) {
            continue;
        }
        let span = if r.protocol() == Proto::All {
            universe(packet)
        } else {
            r.span()
        };
        let hit = remaining.difference(&remaining.difference(&set(span)));
        if hit.is_empty() {
            continue;
        }
        remaining = remaining.difference(&hit);
        if r.action() == Action::Allow {
            allowed = allowed.union(&hit);
        }
        decided.push((hit, *r));
    }
    Outcome { allowed, decided }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Rule {
        number: u32,
        action: Action,
        span: Span,
        cidr: Ipv4Net,
    }

    impl AclEntry for Rule {
        type Net = Ipv4Net;
        fn action(&self) -> Action {
            self.action
        }
        fn protocol(&self) -> Proto {
            Proto::Tcp
        }
        fn span(&self) -> Span {
            self.span
        }
        fn cidr(&self) -> &Ipv4Net {
            &self.cidr
        }
    }

    fn rule(number: u32, action: Action, from: u16, to: u16) -> Rule {
        Rule {
            number,
            action,
            span: Span { from, to },
            cidr: "10.0.0.0/16".parse().unwrap(),
        }
    }

    #[test]
    fn first_match_wins() {
        let deny = rule(50, Action::Deny, 22, 22);
        let allow = rule(100, Action::Allow, 0, 1000);
        let rules = [&deny, &allow];
        let o = evaluate(&rules, &"10.0.1.0/24".parse().unwrap(), Proto::Tcp);
        assert!(!o.allowed.contains(22));
        assert!(o.allowed.contains(23));
        assert_eq!(o.decider(22).map(|r| r.number), Some(50));
        assert!(o.decider(2000).is_none(), "default deny");
        let o = evaluate(&rules, &"10.1.0.0/24".parse().unwrap(), Proto::Tcp);
        assert!(o.allowed.is_empty(), "other peers hit the default deny");
    }
}
