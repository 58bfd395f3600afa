//! What every section's checks share: the diagnostics collected so far, paths written out
//! only when a diagnostic needs them, and the checks of a CIDR, a name and an AWS ID.

use super::super::spans::SpanMap;
use crate::diagnostic::Diagnostic;
use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use std::fmt::Display;
use std::net::Ipv4Addr;

/// The diagnostics found so far, and the positions to give them.
pub(super) struct Ctx<'a> {
    pub(super) spans: &'a SpanMap,
    pub(super) diags: Vec<Diagnostic>,
}

/// A diagnostic just recorded, to which a `help:` line may be added.
pub(super) struct Recorded<'a>(&'a mut Diagnostic);

impl Recorded<'_> {
    /// Names the rule, where the path's section does not (`docs/findings.md`).
    pub(super) fn rule(self, rule: crate::findings::Rule) -> Self {
        self.0.rule = Some(rule);
        self
    }

    pub(super) fn help(self, help: impl Into<String>) {
        self.0.help = Some(help.into());
    }
}

/// `parent[i]`: a path written out only when a diagnostic needs it, since a valid
/// intent of a thousand targets would otherwise format thousands of them for nothing.
#[derive(Clone, Copy)]
pub(super) struct Index<P>(pub(super) P, pub(super) usize);

impl<P: Display> Display for Index<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(f, "{}[{}]", self.0, self.1)
    }
}

/// `parent.field`, written out on demand like [`Index`].
#[derive(Clone, Copy)]
pub(super) struct Field<P>(pub(super) P, pub(super) &'static str);

impl<P: Display> Display for Field<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(f, "{}.{}", self.0, self.1)
    }
}

impl Ctx<'_> {
    fn push(&mut self, d: Diagnostic) -> Recorded<'_> {
        self.diags.push(d);
        let last = self.diags.len() - 1;
        Recorded(&mut self.diags[last])
    }

    // Paths are `impl Display` so that the common, valid case never formats them.
    pub(super) fn error(&mut self, path: impl Display, message: impl Into<String>) -> Recorded<'_> {
        let path = path.to_string();
        let d = Diagnostic::error(message)
            .at(&path)
            .with_span(self.spans.value(&path));
        self.push(d)
    }

    pub(super) fn warning(
        &mut self,
        path: impl Display,
        message: impl Into<String>,
    ) -> Recorded<'_> {
        let path = path.to_string();
        let d = Diagnostic::warning(message)
            .at(&path)
            .with_span(self.spans.value(&path));
        self.push(d)
    }

    pub(super) fn cidr(&mut self, path: impl Display, text: &str) -> Option<Ipv4Net> {
        let text = text.trim();
        // `172.020.0.0` is 172.20.0.0 to this parser and 172.16.0.0 to tools that read
        // a leading zero as octal: refuse the ambiguity.
        let address = text.split('/').next().unwrap_or("");
        if address
            .split('.')
            .any(|o| o.len() > 1 && o.starts_with('0') && o.bytes().all(|b| b.is_ascii_digit()))
        {
            let fixed: Vec<String> = address
                .split('.')
                .map(|o| o.trim_start_matches('0'))
                .map(|o| {
                    if o.is_empty() {
                        "0".into()
                    } else {
                        o.to_string()
                    }
                })
                .collect();
            let prefix = text
                .split_once('/')
                .map_or(String::new(), |(_, p)| format!("/{p}"));
            self.error(path, format!("`{text}` has an octet with a leading zero"))
                .help(format!(
                    "write `{}{prefix}`; some tools read a leading zero as octal",
                    fixed.join(".")
                ));
            return None;
        }
        match text.parse::<Ipv4Net>() {
            Ok(net) if net == net.trunc() => Some(net),
            Ok(net) => {
                let fixed = net.trunc();
                self.error(path, format!("`{text}` has host bits set"))
                    .rule(crate::findings::Rule::InvalidCidr)
                    .help(format!(
                        "write the network address: `{fixed}`, or `{}/32` for the single host",
                        net.addr()
                    ));
                None
            }
            Err(_) => {
                let help = if text.parse::<Ipv4Addr>().is_ok() {
                    format!("add a prefix length: `{text}/32` for one host")
                } else if text.contains(':') {
                    "this field takes an IPv4 CIDR; IPv6 CIDRs go in `vpc.ipv6_cidrs`, \
                     `subnets.*.ipv6_cidr`, or a target's `hosts` and `cidr`"
                        .to_string()
                } else {
                    "write an IPv4 CIDR such as `10.0.0.0/16`".to_string()
                };
                self.error(path, format!("`{text}` is not an IPv4 CIDR"))
                    .rule(crate::findings::Rule::InvalidCidr)
                    .help(help);
                None
            }
        }
    }

    /// An IPv6 CIDR in its network form.
    pub(super) fn cidr6(&mut self, path: impl Display, text: &str) -> Option<Ipv6Net> {
        let text = text.trim();
        match text.parse::<Ipv6Net>() {
            Ok(net) if net == net.trunc() => Some(net),
            Ok(net) => {
                let fixed = net.trunc();
                self.error(path, format!("`{text}` has host bits set"))
                    .rule(crate::findings::Rule::InvalidCidr)
                    .help(format!(
                        "write the network address: `{fixed}`, or `{}/128` for the single host",
                        net.addr()
                    ));
                None
            }
            Err(_) => {
                let help = if text.parse::<std::net::Ipv6Addr>().is_ok() {
                    format!("add a prefix length: `{text}/128` for one host")
                } else {
                    "write an IPv6 CIDR such as `2001:db8:1234::/56`".to_string()
                };
                self.error(path, format!("`{text}` is not an IPv6 CIDR"))
                    .rule(crate::findings::Rule::InvalidCidr)
                    .help(help);
                None
            }
        }
    }

    /// A CIDR of either family: IPv6 when it has a `:`, else IPv4.
    pub(super) fn ip_cidr(&mut self, path: impl Display, text: &str) -> Option<IpNet> {
        if text.contains(':') {
            self.cidr6(path, text).map(IpNet::V6)
        } else {
            self.cidr(path, text).map(IpNet::V4)
        }
    }

    pub(super) fn name(&mut self, path: impl Display, name: &str, what: &str) {
        if !valid_name(name) {
            self.error(path, format!("{what} `{name}` is not a valid name"))
                .rule(crate::findings::Rule::InvalidName)
                .help(
                "use 1-40 characters: a lowercase letter, then lowercase letters, digits or `-`; \
                 names become resource names and rule descriptions",
            );
        }
    }

    pub(super) fn aws_id(&mut self, path: impl Display, id: &str, prefix: &str) {
        if !valid_id(id, prefix) {
            self.error(path, format!("`{id}` is not a {prefix} ID"))
                .rule(crate::findings::Rule::InvalidAwsId)
                .help(format!(
                "AWS IDs look like `{prefix}0123456789abcdef0` ({prefix} and 8 or 17 hex digits)"
            ));
        }
    }
}

pub fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some('a'..='z'))
        && name.len() <= 40
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

pub(super) fn valid_id(id: &str, prefix: &str) -> bool {
    id.strip_prefix(prefix).is_some_and(|hex| {
        (hex.len() == 8 || hex.len() == 17) && hex.chars().all(|c| c.is_ascii_hexdigit())
    })
}

pub(super) fn list<N: Display>(nets: &[N]) -> String {
    nets.iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
