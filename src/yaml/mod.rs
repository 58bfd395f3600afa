//! YAML that shibori reads and writes itself, next to serde_yaml.

pub mod resolve;
