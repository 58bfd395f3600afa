//! The resolved value of a property or attribute, common to every reader: literals,
//! references that stay symbolic (inputs, resources), and what could not be resolved.

use crate::verify::model::Ident;
use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    List(Vec<Val>),
    Map(BTreeMap<String, Val>),
    /// An input or a resource, kept by name.
    Sym(Ident),
    /// Could not be resolved; the text says why.
    Unknown(String),
}

impl Val {
    /// A property; `null` counts as absent (Terraform's way of leaving one unset).
    pub fn get(&self, key: &str) -> Option<&Val> {
        match self {
            Val::Map(m) => m.get(key).filter(|v| !matches!(v, Val::Null)),
            _ => None,
        }
    }

    /// A property that must be present.
    pub fn req(&self, key: &str) -> Result<&Val, String> {
        match self.get(key) {
            None | Some(Val::Null) => Err(format!("`{key}` is missing")),
            Some(v) => Ok(v),
        }
    }

    pub fn text(&self) -> Result<String, String> {
        match self {
            Val::Str(s) => Ok(s.clone()),
            Val::Num(n) if n.fract() == 0.0 => Ok(format!("{}", *n as i64)),
            Val::Bool(b) => Ok(b.to_string()),
            Val::Unknown(why) => Err(why.clone()),
            Val::Sym(i) => Err(format!("{i} has no literal value")),
            other => Err(format!("expected a string, found {}", other.kind())),
        }
    }

    pub fn int(&self) -> Result<i64, String> {
        match self {
            Val::Num(n) if n.fract() == 0.0 => Ok(*n as i64),
            Val::Str(s) => s
                .trim()
                .parse::<i64>()
                .map_err(|_| format!("`{s}` is not an integer")),
            Val::Unknown(why) => Err(why.clone()),
            other => Err(format!("expected an integer, found {}", other.kind())),
        }
    }

    pub fn boolean(&self) -> Result<bool, String> {
        match self {
            Val::Bool(b) => Ok(*b),
            Val::Str(s) if s.eq_ignore_ascii_case("true") => Ok(true),
            Val::Str(s) if s.eq_ignore_ascii_case("false") => Ok(false),
            Val::Unknown(why) => Err(why.clone()),
            other => Err(format!("expected a boolean, found {}", other.kind())),
        }
    }

    pub fn cidr(&self) -> Result<Ipv4Net, String> {
        let t = self.text()?;
        let net: Ipv4Net = t
            .trim()
            .parse()
            .map_err(|_| format!("`{t}` is not an IPv4 CIDR"))?;
        if net.trunc() != net {
            return Err(format!("`{t}` has host bits set"));
        }
        Ok(net)
    }

    /// An IPv6 CIDR (`Ipv6CidrBlock`, `CidrIpv6`, `ipv6_cidr_block`, …).
    pub fn ipv6_cidr(&self) -> Result<Ipv6Net, String> {
        let t = self.text()?;
        let net: Ipv6Net = t
            .trim()
            .parse()
            .map_err(|_| format!("`{t}` is not an IPv6 CIDR"))?;
        if net.trunc() != net {
            return Err(format!("`{t}` has host bits set"));
        }
        Ok(net)
    }

    /// A CIDR of either family (authorization rules and routes take both).
    pub fn ip_cidr(&self) -> Result<IpNet, String> {
        let t = self.text()?;
        if t.contains(':') {
            self.ipv6_cidr().map(IpNet::V6)
        } else {
            self.cidr().map(IpNet::V4)
        }
    }

    /// A network object's name: a literal ID, an input or a resource.
    pub fn ident(&self) -> Result<Ident, String> {
        match self {
            Val::Sym(i) => Ok(i.clone()),
            Val::Str(s) if !s.is_empty() => Ok(Ident::Id(s.clone())),
            Val::Unknown(why) => Err(why.clone()),
            other => Err(format!(
                "expected an ID or reference, found {}",
                other.kind()
            )),
        }
    }

    /// A list (a scalar counts as a list of one).
    pub fn items(&self) -> Vec<&Val> {
        match self {
            Val::List(v) => v.iter().collect(),
            Val::Null => Vec::new(),
            other => vec![other],
        }
    }

    /// About the memory the value takes (its nodes, keys and text, in bytes), or `None`
    /// as soon as that exceeds `limit`: a reader that copies values charges this much
    /// for each copy, and stops counting where its budget ends.
    pub fn weight_within(&self, limit: u64) -> Option<u64> {
        const NODE: u64 = std::mem::size_of::<Val>() as u64;
        const KEY: u64 = std::mem::size_of::<String>() as u64;
        let mut total = 0u64;
        let mut stack = vec![self];
        while let Some(v) = stack.pop() {
            total += NODE
                + match v {
                    Val::Str(s) | Val::Unknown(s) => s.len() as u64,
                    Val::Sym(Ident::Id(s) | Ident::Input(s) | Ident::Resource(s)) => s.len() as u64,
                    Val::List(items) => {
                        stack.extend(items);
                        0
                    }
                    Val::Map(m) => {
                        stack.extend(m.values());
                        m.keys().map(|k| KEY + k.len() as u64).sum()
                    }
                    Val::Null | Val::Bool(_) | Val::Num(_) => 0,
                };
            if total > limit {
                return None;
            }
        }
        Some(total)
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Val::Null => "null",
            Val::Bool(_) => "a boolean",
            Val::Num(_) => "a number",
            Val::Str(_) => "a string",
            Val::List(_) => "a list",
            Val::Map(_) => "a map",
            Val::Sym(_) => "a reference",
            Val::Unknown(_) => "an unresolved value",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weight_counts_nodes_keys_and_text_and_stops_at_the_limit() {
        let node = std::mem::size_of::<Val>() as u64;
        assert_eq!(
            Val::Str("abcd".into()).weight_within(1 << 20),
            Some(node + 4)
        );
        let list = Val::List(vec![Val::Null; 1000]);
        assert_eq!(list.weight_within(1 << 20), Some(1001 * node));
        assert_eq!(list.weight_within(10 * node), None);
        let map = Val::Map(BTreeMap::from([("key".to_string(), Val::Bool(true))]));
        let key = std::mem::size_of::<String>() as u64 + 3;
        assert_eq!(map.weight_within(1 << 20), Some(2 * node + key));
    }
}
