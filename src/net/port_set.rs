use serde::Serialize;
use std::fmt;

/// An inclusive port range, `from <= to`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct PortRange {
    pub from: u16,
    pub to: u16,
}

impl PortRange {
    pub const ALL: PortRange = PortRange { from: 0, to: 65535 };

    pub fn new(from: u16, to: u16) -> Option<Self> {
        (from <= to).then_some(PortRange { from, to })
    }

    pub fn single(port: u16) -> Self {
        PortRange {
            from: port,
            to: port,
        }
    }

    pub fn contains_range(&self, other: &PortRange) -> bool {
        self.from <= other.from && other.to <= self.to
    }

    pub fn overlaps(&self, other: &PortRange) -> bool {
        self.from <= other.to && other.from <= self.to
    }

    pub fn len(&self) -> u32 {
        u32::from(self.to) - u32::from(self.from) + 1
    }

    pub fn is_empty(&self) -> bool {
        false
    }
}

impl fmt::Display for PortRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.from == self.to {
            write!(f, "{}", self.from)
        } else {
            write!(f, "{}-{}", self.from, self.to)
        }
    }
}

/// A set of ports kept as sorted, disjoint, non-touching ranges: ranges that touch
/// (`22-25` and `26-30`) are joined, so the representation is canonical.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct PortSet {
    ranges: Vec<PortRange>,
}

impl PortSet {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn from_ranges(ranges: impl IntoIterator<Item = PortRange>) -> Self {
        // Merged in place: verify builds one of these per rule lookup, so one
        // allocation (none for an empty set) matters.
        let mut v: Vec<PortRange> = ranges.into_iter().collect();
        v.sort_unstable();
        let mut kept = 0;
        for i in 0..v.len() {
            let r = v[i];
            if kept > 0 && u32::from(r.from) <= u32::from(v[kept - 1].to) + 1 {
                v[kept - 1].to = v[kept - 1].to.max(r.to);
            } else {
                v[kept] = r;
                kept += 1;
            }
        }
        v.truncate(kept);
        PortSet { ranges: v }
    }

    pub fn insert(&mut self, range: PortRange) {
        let mut v = std::mem::take(&mut self.ranges);
        v.push(range);
        *self = Self::from_ranges(v);
    }

    pub fn ranges(&self) -> &[PortRange] {
        &self.ranges
    }

    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    pub fn contains(&self, port: u16) -> bool {
        self.ranges.iter().any(|r| r.from <= port && port <= r.to)
    }

    pub fn contains_range(&self, range: &PortRange) -> bool {
        self.ranges.iter().any(|r| r.contains_range(range))
    }

    pub fn union(&self, other: &PortSet) -> PortSet {
        Self::from_ranges(self.ranges.iter().chain(other.ranges.iter()).copied())
    }

    /// Ports in `self` but not in `other`.
    pub fn difference(&self, other: &PortSet) -> PortSet {
        let mut out = Vec::new();
        for r in &self.ranges {
            let mut from = u32::from(r.from);
            let to = u32::from(r.to);
            for o in &other.ranges {
                let (of, ot) = (u32::from(o.from), u32::from(o.to));
                if ot < from || of > to {
                    continue;
                }
                if of > from {
                    out.push(PortRange {
                        from: from as u16,
                        to: (of - 1) as u16,
                    });
                }
                from = ot + 1;
                if from > to {
                    break;
                }
            }
            if from <= to {
                out.push(PortRange {
                    from: from as u16,
                    to: to as u16,
                });
            }
        }
        PortSet { ranges: out }
    }

    pub fn len(&self) -> u32 {
        self.ranges.iter().map(PortRange::len).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn range() -> impl Strategy<Value = PortRange> {
        (0u16..400, 0u16..40).prop_map(|(a, w)| PortRange {
            from: a,
            to: a.saturating_add(w),
        })
    }

    #[test]
    fn touching_ranges_join() {
        let s = PortSet::from_ranges([PortRange::single(22), PortRange::new(23, 30).unwrap()]);
        assert_eq!(s.ranges(), &[PortRange::new(22, 30).unwrap()]);
    }

    #[test]
    fn difference_splits() {
        let a = PortSet::from_ranges([PortRange::new(0, 100).unwrap()]);
        let b = PortSet::from_ranges([PortRange::new(10, 20).unwrap(), PortRange::single(100)]);
        assert_eq!(
            a.difference(&b).ranges(),
            &[
                PortRange::new(0, 9).unwrap(),
                PortRange::new(21, 99).unwrap()
            ]
        );
    }

    proptest! {
        #[test]
        fn union_is_exact(rs in proptest::collection::vec(range(), 0..12), probe in 0u16..500) {
            let set = PortSet::from_ranges(rs.clone());
            let expected = rs.iter().any(|r| r.from <= probe && probe <= r.to);
            prop_assert_eq!(set.contains(probe), expected);
            // canonical: sorted, disjoint, non-touching
            for w in set.ranges().windows(2) {
                prop_assert!(u32::from(w[0].to) + 1 < u32::from(w[1].from));
            }
        }

        #[test]
        fn difference_is_exact(a in proptest::collection::vec(range(), 0..8),
                               b in proptest::collection::vec(range(), 0..8), probe in 0u16..500) {
            let (sa, sb) = (PortSet::from_ranges(a), PortSet::from_ranges(b));
            let d = sa.difference(&sb);
            prop_assert_eq!(d.contains(probe), sa.contains(probe) && !sb.contains(probe));
        }
    }
}
