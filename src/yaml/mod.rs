//! YAML that shibori reads and writes itself, beside serde_yaml.
//!
//! Reading: intents and templates are nearly always block YAML of a plain kind, and
//! serde_yaml (libyaml's scanner, event by event) spent ~40% of `check` and most of
//! `verify`'s reading time on them. [`from_str`] reads that kind directly and gives up
//! on anything else, so the caller falls back to serde_yaml for the rest of YAML and
//! for every error message.
//!
//! Kept because it pays: see docs/benchmarks.md#the-yaml-reader.

pub mod block;
mod de;
pub mod guard;
pub mod resolve;

/// `text` as a `T`, when it is block YAML of the common kind and fits `T` with
/// serde_yaml's semantics; `None` means "ask serde_yaml", never "invalid".
pub fn from_str<T: serde::de::DeserializeOwned>(text: &str) -> Option<T> {
    let node = block::read(text)?;
    T::deserialize(&node).ok()
}
