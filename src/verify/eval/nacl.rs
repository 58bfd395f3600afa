//! Network ACLs: stateless, rules in ascending number, the first match decides, and
//! whatever no rule matches hits the default deny.

use super::set;
use crate::net::{contains, PortSet};
use crate::verify::model::{Action, NaclRule, Proto, Span};
use ipnet::Ipv4Net;

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
pub struct Outcome<'a> {
    pub allowed: PortSet,
    /// `(ports decided, rule)`; ports left over hit the default deny.
    pub decided: Vec<(PortSet, &'a NaclRule)>,
}

impl<'a> Outcome<'a> {
    /// The rule that decides `port` (`None`: the default deny).
    pub fn decider(&self, port: u16) -> Option<&'a NaclRule> {
        self.decided
            .iter()
            .find(|(s, _)| s.contains(port))
            .map(|(_, r)| *r)
    }
}

/// `rules` must be one ACL and direction, sorted by rule number.
pub fn evaluate<'a>(rules: &[&'a NaclRule], peer: &Ipv4Net, packet: Proto) -> Outcome<'a> {
    let mut remaining = set(universe(packet));
    let mut allowed = PortSet::new();
    let mut decided = Vec::new();
    for r in rules {
        if remaining.is_empty() {
            break;
        }
        if !matches(r.protocol, packet) || !contains(&r.cidr, peer) {
            continue;
        }
        let span = if r.protocol == Proto::All {
            universe(packet)
        } else {
            r.span
        };
        let hit = remaining.difference(&remaining.difference(&set(span)));
        if hit.is_empty() {
            continue;
        }
        remaining = remaining.difference(&hit);
        if r.action == Action::Allow {
            allowed = allowed.union(&hit);
        }
        decided.push((hit, *r));
    }
    Outcome { allowed, decided }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::model::{Ident, Origin};

    fn rule(number: u32, action: Action, from: u16, to: u16) -> NaclRule {
        NaclRule {
            origin: Origin {
                file: "f".into(),
                resource: format!("r{number}"),
            },
            acl: Ident::Id("acl-1".into()),
            egress: true,
            number,
            action,
            protocol: Proto::Tcp,
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
