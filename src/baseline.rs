//! Baselines: the findings a repository had when it adopted iam-lint, recorded by their
//! line-independent fingerprint, so that a run reports only what is new (`--baseline`) and
//! counts what was fixed since. `--write-baseline` records the current findings. Files are
//! named relative to the baseline's directory, so that it works from any working directory;
//! each fingerprint is kept as often as it occurs, so a new copy of a finding is new.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::config::absolute;
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

/// A loaded baseline: how many findings of each fingerprint, per file.
pub struct Baseline {
    root: PathBuf,
    known: BTreeMap<(String, String), usize>,
}

/// `file` (as reports show it) relative to `root`, with forward slashes.
fn key(root: &Path, file: &str) -> String {
    let path = absolute(Path::new(file));
    match path.strip_prefix(root) {
        Ok(relative) => relative.to_string_lossy().replace('\\', "/"),
        Err(_) => file.to_owned(),
    }
}

fn root_of(baseline: &Path) -> PathBuf {
    absolute(baseline).parent().map(Path::to_owned).unwrap_or_default()
}

/// What applying a baseline did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct BaselineCounts {
    /// Baseline entries no finding matched: fixed since.
    pub fixed: usize,
    /// Findings in the baseline, left out of the report, by rule (its index in the run's rule
    /// set).
    pub by_rule: BTreeMap<usize, usize>,
}

impl BaselineCounts {
    /// Findings in the baseline, left out of the report.
    pub fn baselined(&self) -> usize {
        self.by_rule.values().sum()
    }
}

fn entries(root: &Path, files: &[FileReport], rules: &RuleSet) -> BTreeMap<String, Vec<Entry>> {
    let mut out: BTreeMap<String, Vec<Entry>> = BTreeMap::new();
    for file in files {
        let name = key(root, &file.source.name);
        for finding in &file.findings {
            let rule = rules.rules[finding.rule].id.clone();
            let fingerprint = finding.fingerprint(&rule, &name);
            out.entry(name.clone()).or_default().push(Entry { rule, fingerprint });
        }
    }
    for list in out.values_mut() {
        list.sort();
    }
    out
}

/// Records the findings of `files` in `path`; returns the baseline, as `load` would read it,
/// and how many findings it holds.
pub fn write_baseline(path: &Path, files: &[FileReport], rules: &RuleSet) -> Result<(Baseline, usize), ToolError> {
    let root = root_of(path);
    let file = BaselineFile { version: VERSION, files: entries(&root, files, rules) };
    let count = file.files.values().map(Vec::len).sum();
    let text = serde_json::to_string_pretty(&file).unwrap_or_default();
    std::fs::write(path, text + "\n").map_err(|err| {
        ToolError::in_file(display_path(path), format!("cannot write the baseline: {}", io_reason(&err)))
    })?;
    Ok((Baseline::of(root, file.files), count))
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
        Ok(Baseline::of(root_of(path), file.files))
    }

    fn of(root: PathBuf, files: BTreeMap<String, Vec<Entry>>) -> Baseline {
        let mut known: BTreeMap<(String, String), usize> = BTreeMap::new();
        for (name, list) in files {
            for entry in list {
                *known.entry((name.clone(), entry.fingerprint)).or_default() += 1;
            }
        }
        Baseline { root, known }
    }

    /// Leaves out the findings the baseline knows.
    pub fn apply(&self, files: &mut [FileReport], rules: &RuleSet) -> BaselineCounts {
        let mut left = self.known.clone();
        let mut by_rule: BTreeMap<usize, usize> = BTreeMap::new();
        for file in files.iter_mut() {
            let name = key(&self.root, &file.source.name);
            file.findings.retain(|finding| {
                let fingerprint = finding.fingerprint(&rules.rules[finding.rule].id, &name);
                match left.get_mut(&(name.clone(), fingerprint)) {
                    Some(count) if *count > 0 => {
                        *count -= 1;
                        *by_rule.entry(finding.rule).or_default() += 1;
                        false
                    }
                    _ => true,
                }
            });
        }
        BaselineCounts { fixed: left.values().sum(), by_rule }
    }
}
