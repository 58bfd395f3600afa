//! shibori (絞り, "to narrow down"): least-privilege AWS Client VPN network rules from a
//! small intent file. The modules read like the pipeline:
//! `intent` (parse, validate) → `plan` (the single source of truth) →
//! `render` / `verify` / `explain` (format or prove the plan).

pub mod aws;
pub mod cli;
pub mod commands;
pub mod diagnostic;
pub mod explain;
pub mod fast_hash;
pub mod import;
pub mod intent;
pub mod net;
pub mod parallel;
pub mod plan;
pub mod render;
pub mod verify;
pub mod yaml;
