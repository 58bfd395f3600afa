//! Cutting address space at rule boundaries: every returned piece is either inside or
//! disjoint from every boundary prefix, so a rule applies to a whole piece or not at all.

use crate::net::{contains, subtract, Prefix};

/// Pieces of `nets` such that each boundary contains a piece or misses it.
pub fn pieces<N: Prefix>(nets: &[N], boundaries: &[N]) -> Vec<N> {
    let mut out: Vec<N> = nets.to_vec();
    for b in boundaries {
        if !out
            .iter()
            .any(|p| p.prefix_len() < b.prefix_len() && contains(p, b))
        {
            continue;
        }
        let mut next = Vec::with_capacity(out.len() + 8);
        for p in out {
            if p.prefix_len() < b.prefix_len() && contains(&p, b) {
                next.push(*b);
                next.extend(subtract(&p, &[*b]));
            } else {
                next.push(p);
            }
        }
        out = next;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ipnet::Ipv4Net;

    #[test]
    fn pieces_respect_boundaries() {
        let n = |s: &str| -> Ipv4Net { s.parse().unwrap() };
        let got = pieces(&[n("10.0.0.0/24")], &[n("10.0.0.5/32"), n("10.0.0.0/16")]);
        assert_eq!(
            got.iter()
                .map(|p| 1u64 << (32 - p.prefix_len()))
                .sum::<u64>(),
            256
        );
        for p in &got {
            for b in [n("10.0.0.5/32"), n("10.0.0.0/16")] {
                assert!(contains(&b, p) || !crate::net::overlaps(&b, p));
            }
        }
    }
}
