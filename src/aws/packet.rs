//! The vocabulary of a packet class as AWS's rules speak of it: protocol, the span of
//! ports (or ICMP types) a rule covers, and a NACL entry's action.

use serde::Serialize;
use std::fmt;

/// IP protocol as the rule states it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Proto {
    Tcp,
    Udp,
    Icmp,
    All,
    /// Any other IANA number: matches none of the intent's services.
    Other(u8),
}

impl Proto {
    /// `6`, `tcp`, `-1`, `all`, … as AWS and Terraform accept them.
    pub fn parse(text: &str) -> Option<Proto> {
        match text.trim().to_ascii_lowercase().as_str() {
            "6" | "tcp" => Some(Proto::Tcp),
            "17" | "udp" => Some(Proto::Udp),
            "1" | "icmp" => Some(Proto::Icmp),
            "-1" | "all" => Some(Proto::All),
            "icmpv6" => Some(Proto::Other(58)),
            other => other.parse::<u8>().ok().map(Proto::Other),
        }
    }

    /// Does a rule of this protocol match packets of `packet`?
    pub fn matches(self, packet: Proto) -> bool {
        self == Proto::All || self == packet
    }
}

impl fmt::Display for Proto {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Proto::Tcp => f.write_str("tcp"),
            Proto::Udp => f.write_str("udp"),
            Proto::Icmp => f.write_str("icmp"),
            Proto::All => f.write_str("all"),
            Proto::Other(n) => write!(f, "protocol {n}"),
        }
    }
}

/// The "ports" a rule covers on one axis: TCP/UDP ports, or ICMP types (0–255).
/// `None` bounds mean "all" (AWS's -1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Span {
    pub from: u16,
    pub to: u16,
}

impl Span {
    pub const ALL_PORTS: Span = Span { from: 0, to: 65535 };
    pub const ALL_ICMP: Span = Span { from: 0, to: 255 };
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.from == self.to {
            write!(f, "{}", self.from)
        } else {
            write!(f, "{}-{}", self.from, self.to)
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Allow,
    Deny,
}
