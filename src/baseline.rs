//! Baselines: the findings a repository had when it adopted iam-lint, recorded by their
//! line-independent fingerprint, so that a run reports only what is new (`--baseline`) and
//! counts what was fixed since. `--write-baseline` records the current findings.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::discover::{display_path, io_reason};
use crate::error::ToolError;
use crate::lint::FileReport;
use crate::rules::RuleSet;

const VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct BaselineFile {
    version: u32,
    /// Per file, the fingerprints of its findings with the rule id, for people reading diffs.
    files: BTreeMap<String, Vec<Entry>>,
}

#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, PartialOrd, Ord)]
#[serde(deny_unknown_fields)]
struct Entry {
    rule: String,
    fingerprint: String,
}

/// A loaded baseline.
pub struct Baseline {
    known: BTreeSet<(String, String)>,
}

/// What applying a baseline did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct BaselineCounts {
    /// Findings in the baseline, left out of the report.
    pub baselined: usize,
    /// Baseline entries no finding matched: fixed since.
    pub fixed: usize,
    /// `baselined` by rule (its index in the run's rule set).
    pub by_rule: BTreeMap<usize, usize>,
}

fn entries(files: &[FileReport], rules: &RuleSet) -> BTreeMap<String, Vec<Entry>> {
    let mut out: BTreeMap<String, Vec<Entry>> = BTreeMap::new();
    for file in files {
        for finding in &file.findings {
            let rule = rules.rules[finding.rule].id.clone();
            let fingerprint = finding.fingerprint(&rule, &file.source.name);
            out.entry(file.source.name.clone()).or_default().push(Entry { rule, fingerprint });
        }
    }
    for list in out.values_mut() {
        list.sort();
        list.dedup();
    }
    out
}

/// Records the findings of `files` in `path`; returns how many.
pub fn write_baseline(path: &Path, files: &[FileReport], rules: &RuleSet) -> Result<usize, ToolError> {
    let files = entries(files, rules);
    let count = files.values().map(Vec::len).sum();
    let text = serde_json::to_string_pretty(&BaselineFile { version: VERSION, files }).unwrap_or_default();
    std::fs::write(path, text + "\n").map_err(|err| {
        ToolError::in_file(display_path(path), format!("cannot write the baseline: {}", io_reason(&err)))
    })?;
    Ok(count)
}

impl Baseline {
    pub fn load(path: &Path) -> Result<Baseline, ToolError> {
        let name = display_path(path);
        let text = std::fs::read_to_string(path)
            .map_err(|err| ToolError::in_file(&name, format!("cannot read the baseline: {}", io_reason(&err))))?;
        let file: BaselineFile = serde_json::from_str(&text).map_err(|err| {
            ToolError::in_file(&name, format!("not an iam-lint baseline: {err}"))
                .with_help("write one with `iam-lint check --write-baseline FILE`")
        })?;
        if file.version != VERSION {
            return Err(ToolError::in_file(&name, format!("baseline version {} is not {VERSION}", file.version)));
        }
        let known = file
            .files
            .into_iter()
            .flat_map(|(name, list)| list.into_iter().map(move |e| (name.clone(), e.fingerprint)));
        Ok(Baseline { known: known.collect() })
    }

    /// Leaves out the findings the baseline knows.
    pub fn apply(&self, files: &mut [FileReport], rules: &RuleSet) -> BaselineCounts {
        let mut seen = BTreeSet::new();
        let mut by_rule: BTreeMap<usize, usize> = BTreeMap::new();
        for file in files.iter_mut() {
            let name = file.source.name.clone();
            file.findings.retain(|finding| {
                let key = (name.clone(), finding.fingerprint(&rules.rules[finding.rule].id, &name));
                let known = self.known.contains(&key);
                if known {
                    *by_rule.entry(finding.rule).or_default() += 1;
                    seen.insert(key);
                }
                !known
            });
        }
        BaselineCounts { baselined: by_rule.values().sum(), fixed: self.known.len() - seen.len(), by_rule }
    }
}
