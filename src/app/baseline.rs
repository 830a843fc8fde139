//! Baselines: the findings a repository had when it adopted iam-lint, recorded by their
//! line-independent fingerprint, so that a run reports only what is new (`--baseline`) and
//! counts what was fixed since. `--write-baseline` records the current findings. Files are
//! named relative to the baseline's directory, so that it works from any working directory;
//! each fingerprint is kept as often as it occurs, so a new copy of a finding is new.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::ToolError;
use crate::error::io_reason;
use crate::lint::FileReport;
use crate::paths::{absolute, display_path};
use crate::report::BaselineCounts;
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
pub(crate) struct Baseline {
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

/// Records the findings of a run, file by file, for `--write-baseline`.
pub(crate) struct BaselineRecorder {
    path: PathBuf,
    root: PathBuf,
    files: BTreeMap<String, Vec<Entry>>,
    counts: BaselineCounts,
}

impl BaselineRecorder {
    /// Checks that `path` can be written before the run, which writes it at the end (an
    /// existing baseline is kept until then: a run stopped halfway must not empty it).
    pub(crate) fn create(path: &Path) -> Result<BaselineRecorder, ToolError> {
        let writable = std::fs::OpenOptions::new().write(true).create(true).truncate(false).open(path);
        writable.map_err(|err| cannot_write(path, &err))?;
        let counts = BaselineCounts::default();
        Ok(BaselineRecorder { path: path.to_owned(), root: root_of(path), files: BTreeMap::new(), counts })
    }

    /// Takes the findings of `file` into the baseline: the run reports none of them.
    pub(crate) fn record(&mut self, file: &mut FileReport, rules: &RuleSet) {
        if file.findings.is_empty() {
            return;
        }
        let name = key(&self.root, &file.source.name);
        let entries = self.files.entry(name.clone()).or_default();
        for finding in file.findings.drain(..) {
            let rule = rules.rules[finding.rule].id.clone();
            entries.push(Entry { fingerprint: finding.fingerprint(&rule, &name), rule });
            *self.counts.by_rule.entry(finding.rule).or_default() += 1;
        }
    }

    /// Writes the baseline; returns what it left out of the report.
    pub(crate) fn write(mut self) -> Result<BaselineCounts, ToolError> {
        for list in self.files.values_mut() {
            list.sort();
        }
        let file = BaselineFile { version: VERSION, files: self.files };
        let text = serde_json::to_string_pretty(&file).unwrap_or_default();
        std::fs::write(&self.path, text + "\n").map_err(|err| cannot_write(&self.path, &err))?;
        Ok(self.counts)
    }
}

fn cannot_write(path: &Path, err: &std::io::Error) -> ToolError {
    ToolError::in_file(display_path(path), format!("cannot write the baseline: {}", io_reason(err)))
}

/// A loaded baseline being applied to a run, file by file.
pub(crate) struct BaselineFilter<'a> {
    baseline: &'a Baseline,
    left: BTreeMap<(String, String), usize>,
    by_rule: BTreeMap<usize, usize>,
}

impl BaselineFilter<'_> {
    /// Leaves out the findings of `file` the baseline knows.
    pub(crate) fn filter(&mut self, file: &mut FileReport, rules: &RuleSet) {
        if file.findings.is_empty() {
            return;
        }
        let name = key(&self.baseline.root, &file.source.name);
        file.findings.retain(|finding| {
            let fingerprint = finding.fingerprint(&rules.rules[finding.rule].id, &name);
            match self.left.get_mut(&(name.clone(), fingerprint)) {
                Some(count) if *count > 0 => {
                    *count -= 1;
                    *self.by_rule.entry(finding.rule).or_default() += 1;
                    false
                }
                _ => true,
            }
        });
    }

    /// What the baseline left out, and its entries no finding matched (fixed since).
    pub(crate) fn counts(self) -> BaselineCounts {
        BaselineCounts { fixed: self.left.values().sum(), by_rule: self.by_rule }
    }
}

impl Baseline {
    pub(crate) fn load(path: &Path) -> Result<Baseline, ToolError> {
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

    /// Starts applying the baseline to a run.
    pub(crate) fn filter(&self) -> BaselineFilter<'_> {
        BaselineFilter { baseline: self, left: self.known.clone(), by_rule: BTreeMap::new() }
    }
}
