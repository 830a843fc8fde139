//! Findings are plain data: which rule, how severe, what to say and where (a JSON pointer and
//! its span). Output adapters turn them into text; nothing here knows about formats.

use serde::Serialize;

use crate::model::{Kind, Loc};

/// SARIF's levels, most severe first in `Ord`'s reverse: `Error > Warning > Note`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Note,
    Warning,
    Error,
}

impl Severity {
    pub fn name(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn from_name(name: &str) -> Option<Severity> {
        [Severity::Note, Severity::Warning, Severity::Error].into_iter().find(|s| s.name() == name)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Index of the rule in the run's rule set.
    pub rule: usize,
    pub severity: Severity,
    pub message: String,
    pub loc: Loc,
    /// The kind of the policy the finding is about.
    pub kind: Kind,
    /// The offending element's text, part of the line-independent fingerprint.
    pub element: String,
    /// The text at `loc`, when it is not `element` (LP002's `*`, reported for each action).
    pub located: Option<String>,
    /// Where in a template the finding is; `None` in a bare policy file.
    pub origin: Option<Origin>,
}

/// A finding's place in a CloudFormation template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Origin {
    pub logical_id: String,
    /// The path below the resource, dotted: `Properties.Policies.0.PolicyDocument`.
    pub property_path: String,
    /// The CDK construct path (`Metadata.aws:cdk:path`), in synthesized templates.
    pub construct: Option<String>,
    /// The `Fn::If` conditions the element is deployed under, as "`IsProd` is false".
    pub conditions: Vec<String>,
}
