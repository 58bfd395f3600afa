use super::prefix::Prefix;
use ipnet::Ipv4Net;

/// `outer` contains all of `inner`.
pub fn contains<N: Prefix>(outer: &N, inner: &N) -> bool {
    outer.prefix_len() <= inner.prefix_len() && outer.contains_addr(&inner.network())
}

pub fn overlaps<N: Prefix>(a: &N, b: &N) -> bool {
    contains(a, b) || contains(b, a)
}

/// The strict supernets of `net`, narrowest first (at most 32 or 128).
pub fn supernets<N: Prefix>(net: &N) -> impl Iterator<Item = N> {
    std::iter::successors(net.supernet(), |n| n.supernet())
}

/// Every prefix of `sorted` (ordered by address, then length) that lies inside `net`:
/// a range query, not a scan.
pub fn within<'a, N: Prefix, V>(
    sorted: &'a std::collections::BTreeMap<N, V>,
    net: &N,
) -> impl Iterator<Item = (&'a N, &'a V)> {
    // Ordered by (address, length): everything inside `net` lies between its network
    // address at length 0 and its last address at full length. The bounds keep their
    // host bits (a truncated lower bound would be `0.0.0.0/0` and scan from the start).
    let lo = N::bound(net.network(), 0).unwrap_or(*net);
    let hi = N::bound(net.broadcast(), N::BITS).unwrap_or(*net);
    let net = *net;
    sorted
        .range(lo..=hi)
        .filter(move |(p, _)| contains(&net, p))
}

/// The fewest prefixes whose union is exactly the union of `nets`: duplicates and
/// nested prefixes vanish, siblings that form an exact supernet are joined.
pub fn aggregate<N: Prefix>(nets: &[N]) -> Vec<N> {
    // ipnet's aggregate is exact (it never widens) and returns sorted output.
    N::aggregate(nets)
}

/// `from` minus `remove`, as the fewest prefixes.
pub fn subtract<N: Prefix>(from: &N, remove: &[N]) -> Vec<N> {
    let mut pieces = vec![*from];
    for r in remove {
        let mut next = Vec::with_capacity(pieces.len() + 32);
        for p in pieces {
            if contains(r, &p) {
                continue;
            }
            if !contains(&p, r) {
                next.push(p);
                continue;
            }
            // Walk down from p to r, keeping the sibling that does not hold r at each level.
            let mut cur = p;
            while cur.prefix_len() < r.prefix_len() {
                let Some((lo, hi)) = cur.halves() else {
                    break;
                };
                if lo.contains_addr(&r.network()) {
                    next.push(hi);
                    cur = lo;
                } else {
                    next.push(lo);
                    cur = hi;
                }
            }
        }
        pieces = next;
    }
    aggregate(&pieces)
}

/// A set of addresses of one family as canonical (aggregated, sorted) prefixes.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CidrSet<N = Ipv4Net> {
    nets: Vec<N>,
}

impl<N> Default for CidrSet<N> {
    fn default() -> Self {
        CidrSet { nets: Vec::new() }
    }
}

impl<N: Prefix> CidrSet<N> {
    pub fn from_nets(nets: &[N]) -> Self {
        CidrSet {
            nets: aggregate(nets),
        }
    }

    pub fn nets(&self) -> &[N] {
        &self.nets
    }

    pub fn is_empty(&self) -> bool {
        self.nets.is_empty()
    }

    pub fn contains_addr(&self, addr: N::Addr) -> bool {
        self.nets.iter().any(|n| n.contains_addr(&addr))
    }

    pub fn contains_net(&self, net: &N) -> bool {
        self.nets.iter().any(|n| contains(n, net))
    }

    pub fn union(&self, other: &CidrSet<N>) -> CidrSet<N> {
        let all: Vec<N> = self.nets.iter().chain(other.nets.iter()).copied().collect();
        CidrSet::from_nets(&all)
    }

    pub fn difference(&self, other: &CidrSet<N>) -> CidrSet<N> {
        let mut out = Vec::new();
        for n in &self.nets {
            let inside: Vec<N> = other
                .nets
                .iter()
                .filter(|o| overlaps(n, *o))
                .copied()
                .collect();
            out.extend(subtract(n, &inside));
        }
        CidrSet::from_nets(&out)
    }

    /// Number of addresses, saturating at `u128::MAX` for all of IPv6.
    pub fn size(&self) -> u128 {
        self.nets
            .iter()
            .fold(0u128, |acc, n| acc.saturating_add(n.size()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::net::Ipv4Addr;

    fn net(s: &str) -> Ipv4Net {
        s.parse().unwrap()
    }

    /// Small prefixes inside 10.0.0.0/24 so that probes hit them often.
    fn small_net() -> impl Strategy<Value = Ipv4Net> {
        (0u8..=255, 24u8..=32).prop_map(|(host, len)| {
            Ipv4Net::new(Ipv4Addr::new(10, 0, 0, host), len)
                .unwrap()
                .trunc()
        })
    }

    #[test]
    fn siblings_join_exactly() {
        let got = aggregate(&[net("192.168.0.0/25"), net("192.168.0.128/25")]);
        assert_eq!(got, vec![net("192.168.0.0/24")]);
        let got = aggregate(&[net("192.168.0.0/25"), net("192.168.1.0/25")]);
        assert_eq!(got.len(), 2, "non-siblings must not widen");
    }

    #[test]
    fn subtract_leaves_the_rest() {
        let got = subtract(&net("10.0.0.0/24"), &[net("10.0.0.64/26")]);
        assert_eq!(got, vec![net("10.0.0.0/26"), net("10.0.0.128/25")]);
    }

    proptest! {
        #[test]
        fn aggregate_is_exact(nets in proptest::collection::vec(small_net(), 0..10), probe in 0u8..=255) {
            let addr = Ipv4Addr::new(10, 0, 0, probe);
            let set = CidrSet::from_nets(&nets);
            prop_assert_eq!(set.contains_addr(addr), nets.iter().any(|n| n.contains(&addr)));
            prop_assert!(set.nets().len() <= nets.len().max(1));
        }

        #[test]
        fn difference_is_exact(a in proptest::collection::vec(small_net(), 0..6),
                               b in proptest::collection::vec(small_net(), 0..6), probe in 0u8..=255) {
            let addr = Ipv4Addr::new(10, 0, 0, probe);
            let (sa, sb) = (CidrSet::from_nets(&a), CidrSet::from_nets(&b));
            prop_assert_eq!(sa.difference(&sb).contains_addr(addr), sa.contains_addr(addr) && !sb.contains_addr(addr));
        }
    }
}
