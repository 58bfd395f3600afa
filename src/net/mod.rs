//! Address and port arithmetic, exact by construction: every operation returns
//! precisely the union/difference of its inputs, never a superset. Nothing here
//! knows about AWS.

mod cidr_set;
mod port_set;
mod prefix;

pub use cidr_set::{aggregate, contains, overlaps, subtract, supernets, within, CidrSet};
pub use port_set::{PortRange, PortSet};
pub use prefix::{ip_contains, ip_overlaps, Family, Prefix};
