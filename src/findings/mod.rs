//! One findings model for everything shibori reports — intent diagnostics, the findings of
//! `verify` and the drift of `render --check` — and one reporter per output format (like
//! ruff's diagnostics and cfn-guard's reporters). Producers turn their own records into
//! [`Finding`]s with a stable [`Rule`] ID (`docs/findings.md`); reporters know nothing of
//! intents, plans or artifacts.

pub mod json;
pub mod junit;
pub mod lines;
pub mod rules;
pub mod sarif;
pub mod text;

pub use rules::Rule;

use serde::Serialize;
use std::ops::Range;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// A 1-based line and column (in characters).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// Where a finding points.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Location {
    /// An item of the intent file, by YAML path (`targets[1].ports`), and where it is.
    Intent {
        file: String,
        path: String,
        #[serde(flatten, skip_serializing_if = "Option::is_none")]
        start: Option<Position>,
        /// The byte range of the item in the file, for the terminal's excerpt.
        #[serde(skip)]
        span: Option<Range<usize>>,
    },
    /// A resource of a rendered artifact. `file` is the path as the user named it (under
    /// `--artifact`), or, for an artifact rendered in memory, its name in that rendering
    /// (then `on_disk` is false).
    Artifact {
        file: String,
        resource: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        line: Option<usize>,
        #[serde(skip)]
        on_disk: bool,
    },
    /// A file as a whole (a drifted rendered file).
    File { file: String },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub rule: Rule,
    pub severity: Severity,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// The item the finding concerns first, then any others (the artifact rules).
    pub locations: Vec<Location>,
    /// What the finding is about, without positions: two runs that find the same problem
    /// give the same subject even when lines moved. Input of the fingerprint.
    #[serde(skip)]
    pub subject: String,
}

impl Finding {
    pub fn new(rule: Rule, message: impl Into<String>) -> Self {
        Finding {
            rule,
            severity: rule.default_severity(),
            message: message.into(),
            help: None,
            locations: Vec::new(),
            subject: String::new(),
        }
    }

    /// A stable hash of the rule ID and the subject: 16 hex digits of FNV-1a 64, an
    /// algorithm fixed by its specification, so fingerprints survive compiler upgrades.
    pub fn fingerprint(&self) -> String {
        use std::hash::Hasher as _;
        let mut h = fnv::FnvHasher::default();
        h.write(self.rule.id().as_bytes());
        h.write(&[0]);
        h.write(self.subject.as_bytes());
        format!("{:016x}", h.finish())
    }
}

impl Serialize for Rule {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

/// JUnit's shape of a run: suites of cases, each case failing with the findings it lists.
#[derive(Clone, Debug, Default)]
pub struct Suite {
    pub name: String,
    pub cases: Vec<Case>,
}

#[derive(Clone, Debug, Default)]
pub struct Case {
    pub classname: String,
    pub name: String,
    /// Indexes into [`Report::findings`]: errors fail the case, warnings are its output.
    pub findings: Vec<usize>,
}

/// Everything one command found, for any reporter.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// `check`, `verify`, `render --check`.
    pub command: String,
    pub findings: Vec<Finding>,
    /// The cases JUnit shows; a finding that no case lists gets a case of its own.
    pub suites: Vec<Suite>,
}

impl Report {
    pub fn new(command: impl Into<String>) -> Self {
        Report {
            command: command.into(),
            ..Report::default()
        }
    }

    /// Adds a finding and returns its index, for a [`Case`] to list.
    pub fn push(&mut self, f: Finding) -> usize {
        self.findings.push(f);
        self.findings.len() - 1
    }

    pub fn has_errors(&self) -> bool {
        self.findings.iter().any(|f| f.severity == Severity::Error)
    }
}

/// The output formats of `check`, `verify` and `render --check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// For a terminal (the default).
    #[default]
    Text,
    /// The command's JSON document, with the findings in this model.
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// JUnit XML, for CI test viewers.
    Junit,
}
