//! What the address arithmetic needs of a prefix, for either family. IPv4 and IPv6 sets
//! stay separate and exact: every set, rectangle and authorization table holds one family,
//! and the planner and `verify` run once per family the tunnel carries
//! (`docs/semantics.md`, "IPv6 and dual-stack").

use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use std::fmt::{Debug, Display};
use std::hash::Hash;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// An address family: IPv4 or IPv6.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    Ipv4,
    Ipv6,
}

impl Family {
    pub fn as_str(self) -> &'static str {
        match self {
            Family::Ipv4 => "IPv4",
            Family::Ipv6 => "IPv6",
        }
    }

    /// `0.0.0.0/0` or `::/0`.
    pub fn any(self) -> IpNet {
        match self {
            Family::Ipv4 => IpNet::V4(Ipv4Net::default()),
            Family::Ipv6 => IpNet::V6(Ipv6Net::default()),
        }
    }

    pub fn of(net: &IpNet) -> Family {
        match net {
            IpNet::V4(_) => Family::Ipv4,
            IpNet::V6(_) => Family::Ipv6,
        }
    }
}

impl Display for Family {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A network prefix of one family: [`Ipv4Net`] or [`Ipv6Net`].
pub trait Prefix:
    Copy + Ord + Eq + Hash + Debug + Display + Default + Send + Sync + Into<IpNet> + 'static
{
    type Addr: Copy + Ord + Eq + Hash + Debug + Display + Into<IpAddr>;
    const FAMILY: Family;
    /// Address width in bits (32 or 128).
    const BITS: u8;

    fn prefix_len(&self) -> u8;
    fn network(&self) -> Self::Addr;
    fn broadcast(&self) -> Self::Addr;
    fn contains_addr(&self, addr: &Self::Addr) -> bool;
    fn with_len(addr: Self::Addr, len: u8) -> Option<Self>;
    /// `addr/len` as written, host bits kept: a bound for range queries over prefixes
    /// ordered by (address, length).
    fn bound(addr: Self::Addr, len: u8) -> Option<Self>;
    fn supernet(&self) -> Option<Self>;
    /// The two halves one bit longer; `None` for a host prefix.
    fn halves(&self) -> Option<(Self, Self)>;
    fn aggregate(nets: &[Self]) -> Vec<Self>;
    /// The address as a number, for interval arithmetic.
    fn addr_bits(addr: Self::Addr) -> u128;
    fn addr_from_bits(bits: u128) -> Self::Addr;
    /// This family's prefix inside an [`IpNet`], if it is of this family.
    fn from_ipnet(net: IpNet) -> Option<Self>;

    /// Number of addresses, saturating at `u128::MAX` for `::/0`.
    fn size(&self) -> u128 {
        let host_bits = u32::from(Self::BITS - self.prefix_len());
        1u128.checked_shl(host_bits).unwrap_or(u128::MAX)
    }

    /// `0.0.0.0/0` or `::/0`.
    fn any() -> Self {
        Self::default()
    }
}

impl Prefix for Ipv4Net {
    type Addr = Ipv4Addr;
    const FAMILY: Family = Family::Ipv4;
    const BITS: u8 = 32;

    fn prefix_len(&self) -> u8 {
        Ipv4Net::prefix_len(self)
    }
    fn network(&self) -> Ipv4Addr {
        Ipv4Net::network(self)
    }
    fn broadcast(&self) -> Ipv4Addr {
        Ipv4Net::broadcast(self)
    }
    fn contains_addr(&self, addr: &Ipv4Addr) -> bool {
        self.contains(addr)
    }
    fn with_len(addr: Ipv4Addr, len: u8) -> Option<Self> {
        Ipv4Net::new(addr, len).ok().map(|n| n.trunc())
    }
    fn bound(addr: Ipv4Addr, len: u8) -> Option<Self> {
        Ipv4Net::new(addr, len).ok()
    }
    fn supernet(&self) -> Option<Self> {
        Ipv4Net::supernet(self)
    }
    fn halves(&self) -> Option<(Self, Self)> {
        let mut it = self.subnets(self.prefix_len().checked_add(1)?).ok()?;
        Some((it.next()?, it.next()?))
    }
    fn aggregate(nets: &[Self]) -> Vec<Self> {
        Ipv4Net::aggregate(&nets.to_vec())
    }
    fn addr_bits(addr: Ipv4Addr) -> u128 {
        u128::from(u32::from(addr))
    }
    fn addr_from_bits(bits: u128) -> Ipv4Addr {
        Ipv4Addr::from(u32::try_from(bits).unwrap_or(u32::MAX))
    }
    fn from_ipnet(net: IpNet) -> Option<Self> {
        match net {
            IpNet::V4(n) => Some(n),
            IpNet::V6(_) => None,
        }
    }
}

impl Prefix for Ipv6Net {
    type Addr = Ipv6Addr;
    const FAMILY: Family = Family::Ipv6;
    const BITS: u8 = 128;

    fn prefix_len(&self) -> u8 {
        Ipv6Net::prefix_len(self)
    }
    fn network(&self) -> Ipv6Addr {
        Ipv6Net::network(self)
    }
    fn broadcast(&self) -> Ipv6Addr {
        Ipv6Net::broadcast(self)
    }
    fn contains_addr(&self, addr: &Ipv6Addr) -> bool {
        self.contains(addr)
    }
    fn with_len(addr: Ipv6Addr, len: u8) -> Option<Self> {
        Ipv6Net::new(addr, len).ok().map(|n| n.trunc())
    }
    fn bound(addr: Ipv6Addr, len: u8) -> Option<Self> {
        Ipv6Net::new(addr, len).ok()
    }
    fn supernet(&self) -> Option<Self> {
        Ipv6Net::supernet(self)
    }
    fn halves(&self) -> Option<(Self, Self)> {
        let mut it = self.subnets(self.prefix_len().checked_add(1)?).ok()?;
        Some((it.next()?, it.next()?))
    }
    fn aggregate(nets: &[Self]) -> Vec<Self> {
        Ipv6Net::aggregate(&nets.to_vec())
    }
    fn addr_bits(addr: Ipv6Addr) -> u128 {
        u128::from(addr)
    }
    fn addr_from_bits(bits: u128) -> Ipv6Addr {
        Ipv6Addr::from(bits)
    }
    fn from_ipnet(net: IpNet) -> Option<Self> {
        match net {
            IpNet::V6(n) => Some(n),
            IpNet::V4(_) => None,
        }
    }
}

/// `outer` contains all of `inner`; never across families.
pub fn ip_contains(outer: &IpNet, inner: &IpNet) -> bool {
    match (outer, inner) {
        (IpNet::V4(a), IpNet::V4(b)) => super::contains(a, b),
        (IpNet::V6(a), IpNet::V6(b)) => super::contains(a, b),
        _ => false,
    }
}

/// The two prefixes share an address; never across families.
pub fn ip_overlaps(a: &IpNet, b: &IpNet) -> bool {
    ip_contains(a, b) || ip_contains(b, a)
}
