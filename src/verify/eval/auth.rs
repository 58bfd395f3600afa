//! Client VPN authorization: longest-prefix match across all rules; rules for the same
//! CIDR combine their groups (AWS admin guide, auth-rule-example-scenarios).

use super::cut::pieces;
use crate::net::contains;
use ipnet::Ipv4Net;
use std::collections::BTreeSet;

/// One authorization rule as AWS evaluates it: CIDR and group (`None` = all users).
pub type AuthRule<'a> = (Ipv4Net, Option<&'a str>);

/// Who is admitted at some address.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Admitted {
    pub all_users: bool,
    pub groups: BTreeSet<String>,
}

impl Admitted {
    /// `None` asks about a user in no particular group.
    pub fn admits(&self, group: Option<&str>) -> bool {
        self.all_users || group.is_some_and(|g| self.groups.contains(g))
    }
}

/// The rule that wins for every address of `piece` (which must not straddle a rule
/// boundary), and who it admits; `None` when no rule covers it.
pub fn winner(rules: &[AuthRule], piece: &Ipv4Net) -> Option<(Ipv4Net, Admitted)> {
    let best = rules
        .iter()
        .filter(|(c, _)| contains(c, piece))
        .map(|(c, _)| *c)
        .max_by_key(|c| c.prefix_len())?;
    let mut a = Admitted::default();
    for (_, g) in rules.iter().filter(|(c, _)| *c == best) {
        match g {
            None => a.all_users = true,
            Some(g) => {
                a.groups.insert((*g).to_string());
            }
        }
    }
    Some((best, a))
}

/// For the addresses of `cidr`: each piece with its winning rule, cut at every rule
/// boundary inside it. Pieces no rule covers have `None`.
pub fn decide(rules: &[AuthRule], cidr: &Ipv4Net) -> Vec<(Ipv4Net, Option<(Ipv4Net, Admitted)>)> {
    let inside: Vec<Ipv4Net> = rules
        .iter()
        .map(|r| r.0)
        .filter(|p| contains(cidr, p))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    pieces(&[*cidr], &inside)
        .into_iter()
        .map(|p| (p, winner(rules, &p)))
        .collect()
}

/// Each longest-prefix-match winner that decides some address of `cidr`, with who it
/// admits (addresses no rule covers are absent). `check`/`plan` use this too.
pub fn lpm_winners(rules: &[AuthRule], cidr: &Ipv4Net) -> Vec<(Ipv4Net, Admitted)> {
    let mut out: Vec<(Ipv4Net, Admitted)> = Vec::new();
    for (_, w) in decide(rules, cidr) {
        if let Some((p, a)) = w {
            if !out.iter().any(|(q, _)| *q == p) {
                out.push((p, a));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> Ipv4Net {
        s.parse().unwrap()
    }

    #[test]
    fn narrower_rule_hides_broader_group() {
        // AWS scenario: 10.0.0.0/16 for A, 10.0.1.0/24 for B: A loses 10.0.1.0/24.
        let rules = [(n("10.0.0.0/16"), Some("a")), (n("10.0.1.0/24"), Some("b"))];
        let d = decide(&rules, &n("10.0.1.5/32"));
        let (_, a) = d[0].1.clone().unwrap();
        assert!(a.admits(Some("b")) && !a.admits(Some("a")));
        let d = decide(&rules, &n("10.0.2.0/24"));
        assert!(d[0].1.as_ref().unwrap().1.admits(Some("a")));
    }

    #[test]
    fn same_cidr_combines_groups() {
        let rules = [(n("10.0.1.0/24"), Some("a")), (n("10.0.1.0/24"), Some("b"))];
        let w = lpm_winners(&rules, &n("10.0.1.0/24"));
        assert_eq!(w.len(), 1);
        assert!(w[0].1.admits(Some("a")) && w[0].1.admits(Some("b")));
    }
}
