//! Client VPN authorization: longest-prefix match across all rules; rules for the same
//! CIDR combine their groups (AWS admin guide, auth-rule-example-scenarios). `check`
//! and `plan` use this evaluator too, so that all three agree on who reaches what.

use super::cut::pieces;
use crate::net::{supernets, within, Prefix};
use ipnet::Ipv4Net;
use std::collections::{BTreeMap, BTreeSet};

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

/// Authorization rules as AWS evaluates them: per CIDR, everyone its rules admit.
pub type AuthTable<N = Ipv4Net> = BTreeMap<N, Admitted>;

/// Rules as `(CIDR, group)`, `None` = all users.
pub fn auth_table<'a, N: Prefix>(
    rules: impl IntoIterator<Item = (N, Option<&'a str>)>,
) -> AuthTable<N> {
    let mut t = AuthTable::new();
    for (cidr, group) in rules {
        let a = t.entry(cidr).or_default();
        match group {
            None => a.all_users = true,
            Some(g) => {
                a.groups.insert(g.to_string());
            }
        }
    }
    t
}

/// The rule that decides every address of `piece` (which no rule boundary cuts): the
/// longest prefix that contains it. `None` when no rule covers it.
pub fn winner<'a, N: Prefix>(table: &'a AuthTable<N>, piece: &N) -> Option<(N, &'a Admitted)> {
    std::iter::once(*piece)
        .chain(supernets(piece))
        .find_map(|p| table.get_key_value(&p))
        .map(|(p, a)| (*p, a))
}

/// The addresses of `cidr` cut at every rule boundary inside it, each with its winner.
pub fn decide<'a, N: Prefix>(
    table: &'a AuthTable<N>,
    cidr: &N,
) -> Vec<(N, Option<(N, &'a Admitted)>)> {
    let inside: Vec<N> = within(table, cidr).map(|(n, _)| *n).collect();
    pieces(&[*cidr], &inside)
        .into_iter()
        .map(|p| (p, winner(table, &p)))
        .collect()
}

/// Each longest-prefix-match winner that decides some address of `cidr`, with who it
/// admits (addresses no rule covers are absent).
pub fn lpm_winners<'a, N: Prefix>(table: &'a AuthTable<N>, cidr: &N) -> Vec<(N, &'a Admitted)> {
    let mut out: Vec<(N, &Admitted)> = Vec::new();
    for (_, w) in decide(table, cidr) {
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
        let t = auth_table([(n("10.0.0.0/16"), Some("a")), (n("10.0.1.0/24"), Some("b"))]);
        let d = decide(&t, &n("10.0.1.5/32"));
        let (_, a) = d[0].1.unwrap();
        assert!(a.admits(Some("b")) && !a.admits(Some("a")));
        let d = decide(&t, &n("10.0.2.0/24"));
        assert!(d[0].1.unwrap().1.admits(Some("a")));
        let w = lpm_winners(&t, &n("10.0.0.0/16"));
        assert_eq!(w.len(), 2, "both rules decide some address of the /16");
    }

    #[test]
    fn same_cidr_combines_groups() {
        let t = auth_table([(n("10.0.1.0/24"), Some("a")), (n("10.0.1.0/24"), Some("b"))]);
        let w = lpm_winners(&t, &n("10.0.1.0/24"));
        assert_eq!(w.len(), 1);
        assert!(w[0].1.admits(Some("a")) && w[0].1.admits(Some("b")));
    }
}
