//! Findings are plain data: which rule, how severe, what to say and where (a JSON pointer and
//! its span). Output adapters turn them into text; nothing here knows about formats.

use serde::Serialize;

use crate::iam::model::{Kind, Loc};

/// SARIF's levels, most severe first in `Ord`'s reverse: `Error > Warning > Note`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[cfg_attr(test, schemars(rename = "severity", description = "A finding's severity: SARIF's levels"))]
#[serde(rename_all = "lowercase")]
pub(crate) enum Severity {
    Note,
    Warning,
    Error,
}

impl Severity {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub(crate) fn from_name(name: &str) -> Option<Severity> {
        [Severity::Note, Severity::Warning, Severity::Error].into_iter().find(|s| s.name() == name)
    }
}

/// The lowest severity that fails a run (`--fail-on`, a config's `fail-on`): the exit code's
/// threshold over [`Severity`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum FailOn {
    Error,
    Warning,
    Note,
    /// Exit 0 whatever is found (errors of the tool still exit 2)
    Never,
}

impl FailOn {
    pub(crate) fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Error => Some(Severity::Error),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Note => Some(Severity::Note),
            FailOn::Never => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Finding {
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
    /// `loc.pointer` with each statement's position replaced by its `Sid` where it has one
    /// (`/Statement/Sid=Deploy/Action/0`): statements added above do not move it.
    pub anchor: String,
    /// Where in a template the finding is; `None` in a bare policy file.
    pub origin: Option<Origin>,
}

impl Finding {
    /// The finding's line-independent key (SARIF `partialFingerprints`, baselines): rule,
    /// file, anchor (the JSON pointer, statements named by `Sid`) and the offending text.
    /// Lines may move, and statements with a `Sid` may be added or reordered; the key stays.
    pub(crate) fn fingerprint(&self, rule_id: &str, file: &str) -> String {
        fingerprint(&[rule_id, file, &self.anchor, &self.element])
    }
}

/// A line-independent key: rule, file, JSON pointer and the offending text (FNV-1a, 64 bits,
/// written out so that it never changes with the compiler's hasher).
fn fingerprint(parts: &[&str]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.bytes().chain([0]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

/// A finding's place in a CloudFormation template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Origin {
    pub logical_id: String,
    /// The path below the resource, dotted: `Properties.Policies.0.PolicyDocument`.
    pub property_path: String,
    /// The CDK construct path (`Metadata.aws:cdk:path`), in synthesized templates.
    pub construct: Option<String>,
    /// The `Fn::If` conditions the element is deployed under, as "`IsProd` is false".
    pub conditions: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_are_stable_and_separate_parts() {
        assert_eq!(fingerprint(&["a", "b"]), fingerprint(&["a", "b"]));
        assert_ne!(fingerprint(&["ab", ""]), fingerprint(&["a", "b"]));
        // Pinned (computed independently): a change here re-opens every dismissed alert on GitHub.
        assert_eq!(fingerprint(&["LP003", "p.json", "/Statement/0/Action", "iam:PassRole"]), "ae92f5a2a2f44a6a");
    }
}
