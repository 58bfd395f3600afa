//! What verify reports: missing and surplus flows, excess rules per layer, and what it
//! could not resolve. Each names the group, target, service, target network and layer
//! (or the rule) so that a reader can act on it.

use serde::Serialize;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Missing,
    Surplus,
    Excess,
    /// A reference the reader could not resolve: never guessed, always a failure.
    Unresolved,
    /// Something the intent names that the deployed artifact does not hold (or holds
    /// differently), or something the endpoint uses that the intent does not name.
    Unmapped,
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Kind::Missing => "missing",
            Kind::Surplus => "surplus",
            Kind::Excess => "excess",
            Kind::Unresolved => "unresolved",
            Kind::Unmapped => "unmapped",
        })
    }
}

/// The hops of SPEC §5.1, in path order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Layer {
    Authorization,
    Association,
    Route,
    EndpointSecurityGroup,
    /// a_t egress: the request leaves the target network.
    NaclRequestOut,
    /// a_s ingress: the request enters the destination subnet.
    NaclRequestIn,
    DestinationSecurityGroup,
    /// a_s egress: the reply leaves the destination subnet.
    NaclReplyOut,
    /// a_t ingress: the reply enters the target network.
    NaclReplyIn,
}

impl fmt::Display for Layer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Layer::Authorization => "authorization rules",
            Layer::Association => "target network association",
            Layer::Route => "Client VPN routes",
            Layer::EndpointSecurityGroup => "endpoint security group egress",
            Layer::NaclRequestOut => "network ACL egress of the target network (request)",
            Layer::NaclRequestIn => "network ACL ingress of the destination subnet (request)",
            Layer::DestinationSecurityGroup => "destination security group ingress",
            Layer::NaclReplyOut => "network ACL egress of the destination subnet (reply)",
            Layer::NaclReplyIn => "network ACL ingress of the target network (reply)",
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub kind: Kind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub layer: Option<Layer>,
    /// `group `g``, `all users` or `any user`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub who: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_network: Option<String>,
    /// The artifact rule concerned (resource and file).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

impl Finding {
    pub fn new(kind: Kind, message: impl Into<String>) -> Self {
        Finding {
            kind,
            layer: None,
            who: None,
            target: None,
            service: None,
            target_network: None,
            rule: None,
            message: message.into(),
            help: None,
        }
    }
    pub fn layer(mut self, l: Layer) -> Self {
        self.layer = Some(l);
        self
    }
    pub fn who(mut self, w: impl Into<String>) -> Self {
        self.who = Some(w.into());
        self
    }
    pub fn target(mut self, t: impl Into<String>) -> Self {
        self.target = Some(t.into());
        self
    }
    pub fn service(mut self, s: impl Into<String>) -> Self {
        self.service = Some(s.into());
        self
    }
    pub fn network(mut self, n: impl Into<String>) -> Self {
        self.target_network = Some(n.into());
        self
    }
    pub fn rule(mut self, r: impl Into<String>) -> Self {
        self.rule = Some(r.into());
        self
    }
    pub fn help(mut self, h: impl Into<String>) -> Self {
        self.help = Some(h.into());
        self
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind, self.message)?;
        if let Some(r) = &self.rule {
            write!(f, "\n    rule: {r}")?;
        }
        if let Some(h) = &self.help {
            write!(f, "\n    help: {h}")?;
        }
        Ok(())
    }
}

/// `group `sre``, or `any user` for targets open to everyone.
pub fn who(group: Option<&str>) -> String {
    match group {
        Some(g) => format!("group `{g}`"),
        None => "any user".to_string(),
    }
}
