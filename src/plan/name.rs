//! Names from the intent (targets, services, target networks) that many rules cite.
//! At a thousand targets the plan holds tens of thousands of reasons; sharing each
//! name makes citing it a reference count, not an allocation.

use crate::intent::Intent;
use serde::{Serialize, Serializer};
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

/// A shared name. `Arc<String>` rather than `Arc<str>`: one pointer instead of two, so
/// a reason (three names) takes 32 bytes instead of 56, and the tens of thousands of
/// them touch that much less memory.
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Name(Arc<String>);

impl Name {
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    pub fn is_empty(&self) -> bool {
        self.as_str().is_empty()
    }
}

impl Deref for Name {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Name {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl std::borrow::Borrow<str> for Name {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl From<&str> for Name {
    fn from(s: &str) -> Name {
        Name(Arc::new(s.to_string()))
    }
}

impl From<String> for Name {
    fn from(s: String) -> Name {
        Name(Arc::new(s))
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl Serialize for Name {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl PartialEq<str> for Name {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Name {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Name {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other.as_str()
    }
}

impl PartialEq<Name> for String {
    fn eq(&self, other: &Name) -> bool {
        self.as_str() == other.as_str()
    }
}

impl PartialEq<Name> for str {
    fn eq(&self, other: &Name) -> bool {
        self == other.as_str()
    }
}

/// Every name the planner cites, made once per intent.
pub struct Names {
    targets: Vec<Name>,
    services: Vec<Vec<Name>>,
    subnets: Vec<Name>,
}

impl Names {
    pub fn new<N: crate::net::Prefix>(intent: &Intent<N>) -> Names {
        Names {
            targets: intent
                .targets
                .iter()
                .map(|t| t.name.as_str().into())
                .collect(),
            services: intent
                .targets
                .iter()
                .map(|t| t.services.iter().map(|s| s.canonical().into()).collect())
                .collect(),
            subnets: intent
                .subnets
                .iter()
                .map(|s| s.name.as_str().into())
                .collect(),
        }
    }

    pub fn target(&self, i: usize) -> &Name {
        &self.targets[i]
    }

    /// The canonical spelling of service `s` of target `t` (`tcp/22`).
    pub fn service(&self, t: usize, s: usize) -> &Name {
        &self.services[t][s]
    }

    pub fn subnet(&self, i: usize) -> &Name {
        &self.subnets[i]
    }
}
