//! Linting every file of a run: the files in parallel, then what needs a whole cloud assembly
//! (a managed policy that one template uses as another's boundary; the CDK app's `cdk.json`).
//! Reports come back in a stable order, whatever the thread count.

use std::collections::BTreeSet;
use std::panic::AssertUnwindSafe;
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;

use crate::discover::{Discovery, Input, display_path};
use crate::error::ToolError;
use crate::lint::{FileReport, LintOptions, TemplateSummary, lint_app, lint_file};
use crate::source::Source;
use crate::suppress;

/// What a run found: the reports to show, in path order, and its counts.
pub struct RunOutcome {
    pub files: Vec<FileReport>,
    pub files_checked: usize,
    pub policies: usize,
}

/// What the run keeps of one linted file.
struct Linted {
    input: usize,
    /// Linted without a tool error.
    clean: bool,
    policies: usize,
    summary: TemplateSummary,
    config_entries: Vec<(usize, bool)>,
    /// The report, when it has findings or errors to show.
    shown: Option<FileReport>,
}

impl Linted {
    /// Files with nothing to show are dropped here, in the worker, so that their text is not kept.
    fn new(input: usize, mut report: FileReport) -> Linted {
        Linted {
            input,
            clean: report.errors.is_empty(),
            policies: report.policies,
            summary: std::mem::take(&mut report.summary),
            config_entries: std::mem::take(&mut report.config_entries),
            shown: report.has_output().then_some(report),
        }
    }
}

pub fn lint_all(discovery: &Discovery, options: &LintOptions<'_>) -> RunOutcome {
    let inputs = &discovery.inputs;
    let mut outcomes: Vec<Linted> = inputs
        .par_iter()
        .enumerate()
        .filter_map(|(index, input)| Some(Linted::new(index, lint_file_guarded(input, options)?)))
        .collect();
    let mut members = vec![Vec::new(); discovery.assemblies.len()];
    for (o, outcome) in outcomes.iter().enumerate() {
        if let Some(assembly) = inputs[outcome.input].assembly {
            members[assembly].push(o);
        }
    }
    let mut extra = Vec::new();
    for (assembly, members) in discovery.assemblies.iter().zip(members) {
        relint_with_boundaries_named_elsewhere(&mut outcomes, &members, inputs, options);
        if let Some(app) = &assembly.app {
            // A CDK app's cdk.json is judged with what its assembly's templates show.
            let unbounded = members.iter().flat_map(|&o| outcomes[o].summary.unbounded_principals.clone()).collect();
            extra.push(lint_app(app, unbounded, options.rules));
        }
    }
    // The config counts as a checked file when its suppressions have something to report.
    let config = judge_config_suppressions(&outcomes, options).filter(FileReport::has_output);
    let files_checked = outcomes.iter().filter(|o| o.clean).count()
        + extra.iter().filter(|r| r.errors.is_empty()).count()
        + usize::from(config.is_some());
    let policies = outcomes.iter().map(|o| o.policies).sum();
    let mut files: Vec<FileReport> = outcomes.into_iter().filter_map(|o| o.shown).collect();
    files.extend(extra.into_iter().filter(FileReport::has_output));
    files.extend(config);
    files.sort_by(|a, b| Path::new(&a.source.name).cmp(Path::new(&b.source.name)));
    RunOutcome { files, files_checked, policies }
}

/// A managed policy of one template that another template of the same assembly uses as a
/// permissions boundary (by name) is a boundary too: lint its template again knowing so. Rare,
/// so the common run pays nothing for it.
fn relint_with_boundaries_named_elsewhere(
    outcomes: &mut [Linted],
    members: &[usize],
    inputs: &[Input],
    options: &LintOptions<'_>,
) {
    let used: BTreeSet<String> =
        members.iter().flat_map(|&o| outcomes[o].summary.boundary_names.iter().cloned()).collect();
    for &o in members {
        if outcomes[o].summary.other_policy_names.iter().any(|name| used.contains(name)) {
            let options = LintOptions { boundary_names: &used, ..*options };
            if let Some(report) = lint_file_guarded(&inputs[outcomes[o].input], &options) {
                outcomes[o] = Linted::new(outcomes[o].input, report);
            }
        }
    }
}

/// S001, S002 and expiry of the config's `[[suppress]]` entries, once every file has used
/// them: a report on the config file (not a linted file: what it reports is about the
/// suppressions it holds).
fn judge_config_suppressions(outcomes: &[Linted], options: &LintOptions<'_>) -> Option<FileReport> {
    let config = options.config.filter(|c| !c.suppress.is_empty())?;
    // Entries for files this run did not lint (pre-commit lints the changed ones) are not
    // unused: only those offered to some file are judged for use.
    let mut offered = vec![false; config.suppress.len()];
    let mut used = vec![false; config.suppress.len()];
    for &(index, matched) in outcomes.iter().flat_map(|o| &o.config_entries) {
        offered[index] = true;
        used[index] |= matched;
    }
    let entries = config.suppress.iter().map(|(_, s)| s);
    let outcome = suppress::judge_config(entries, &offered, &used, options.rules, suppress::today());
    let report = FileReport {
        findings: outcome.findings,
        notices: outcome.notices,
        ..FileReport::empty(config.source(), Vec::new())
    };
    Some(report)
}

/// A bug in iam-lint must not lose the other files' results: a panic while linting one file
/// becomes an error about that file.
fn lint_file_guarded(input: &Input, options: &LintOptions<'_>) -> Option<FileReport> {
    std::panic::catch_unwind(AssertUnwindSafe(|| lint_file(input, options))).unwrap_or_else(|_| {
        let name = display_path(&input.path);
        let message = "internal error while linting this file; please report it with the file attached";
        let source = Source { name: name.clone(), text: Arc::from("") };
        Some(FileReport::empty(source, vec![ToolError::in_file(name, message)]))
    })
}
