//! Linting every file of a run: files in parallel, then what needs a whole cloud assembly (a
//! managed policy that one template uses as another's boundary; the CDK app's `cdk.json`).
//!
//! Reports go out in path order, whatever the thread count, as soon as every report before
//! them is done: the run goes through its files a chunk at a time, so that memory holds one
//! chunk's reports, not the run's. A cloud assembly is linted whole, in one chunk, since its
//! templates are judged together.

use std::collections::{BTreeMap, BTreeSet};
use std::panic::AssertUnwindSafe;
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;

use crate::discover::{Discovery, Input};
use crate::error::ToolError;
use crate::lint::{FileReport, LintOptions, TemplateSummary, lint_app, lint_file};
use crate::paths::display_path;
use crate::source::Source;
use crate::suppress;

/// Files linted at once, per thread: enough to keep every thread busy between two chunks,
/// few enough that a chunk's reports stay small.
const CHUNK_FILES_PER_THREAD: usize = 32;

/// What a run counted; its reports went out as they came.
pub(crate) struct RunCounts {
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

/// What is linted together: a file alone, or a cloud assembly's templates with its app.
enum Unit {
    File(usize),
    Assembly { assembly: usize, members: Vec<usize> },
}

/// The order reports go out in: every input, and every CDK app's `cdk.json`, by path.
struct Plan {
    units: Vec<Unit>,
    /// The place of each input's report, and of each assembly's app's.
    input_place: Vec<usize>,
    app_place: Vec<Option<usize>>,
}

impl Plan {
    fn of(discovery: &Discovery) -> Plan {
        enum Report {
            Input(usize),
            App(usize),
        }
        let inputs = discovery.inputs.iter().enumerate().map(|(i, input)| (input.path.as_path(), Report::Input(i)));
        let apps = discovery.assemblies.iter().enumerate();
        let apps = apps.filter_map(|(a, assembly)| Some((assembly.app.as_ref()?.config.as_path(), Report::App(a))));
        let mut places: Vec<(&Path, Report)> = inputs.chain(apps).collect();
        places.sort_by_key(|(path, _)| *path);
        let mut input_place = vec![0; discovery.inputs.len()];
        let mut app_place = vec![None; discovery.assemblies.len()];
        for (place, (_, report)) in places.iter().enumerate() {
            match *report {
                Report::Input(i) => input_place[i] = place,
                Report::App(a) => app_place[a] = Some(place),
            }
        }
        let mut members = vec![Vec::new(); discovery.assemblies.len()];
        let mut units = Vec::new();
        for (i, input) in discovery.inputs.iter().enumerate() {
            match input.assembly {
                Some(assembly) => members[assembly].push(i),
                None => units.push(Unit::File(i)),
            }
        }
        units.extend(members.into_iter().enumerate().map(|(assembly, members)| Unit::Assembly { assembly, members }));
        let mut plan = Plan { units: Vec::new(), input_place, app_place };
        // A unit goes when its first report's turn comes.
        units.sort_by_key(|unit| plan.first_place(unit));
        plan.units = units;
        plan
    }

    fn first_place(&self, unit: &Unit) -> usize {
        match unit {
            Unit::File(i) => self.input_place[*i],
            Unit::Assembly { assembly, members } => {
                let app = self.app_place[*assembly];
                members.iter().map(|&i| self.input_place[i]).chain(app).min().unwrap_or(usize::MAX)
            }
        }
    }

    fn files(unit: &Unit) -> &[usize] {
        match unit {
            Unit::File(i) => std::slice::from_ref(i),
            Unit::Assembly { members, .. } => members,
        }
    }
}

/// Lints every file of `discovery`, handing each report with something to show to `emit`, in
/// path order; the config's own report, judged once every file has used it, comes last.
pub(crate) fn lint_all(
    discovery: &Discovery,
    options: &LintOptions<'_>,
    emit: &mut dyn FnMut(FileReport),
) -> RunCounts {
    let chunk_files = CHUNK_FILES_PER_THREAD * rayon::current_num_threads();
    // Reports are written here while a thread of its own lints the next chunk; the channel's
    // bound keeps a slow writer (a terminal) from letting reports pile up.
    let (sender, reports) = std::sync::mpsc::sync_channel(chunk_files);
    std::thread::scope(|scope| {
        let linting = scope.spawn(move || {
            // Sending fails only once the receiving side has stopped (a panic while writing),
            // and then the run is over anyway.
            lint_in_chunks(discovery, options, chunk_files, &mut |report| drop(sender.send(report)))
        });
        reports.into_iter().for_each(emit);
        linting.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

fn lint_in_chunks(
    discovery: &Discovery,
    options: &LintOptions<'_>,
    chunk_files: usize,
    emit: &mut dyn FnMut(FileReport),
) -> RunCounts {
    let plan = Plan::of(discovery);
    let mut run = RunState::new(options);
    let mut units = plan.units.iter().peekable();
    while units.peek().is_some() {
        let mut chunk = Vec::new();
        let mut files = 0;
        while let Some(unit) = units.next_if(|_| chunk.is_empty() || files < chunk_files) {
            files += Plan::files(unit).len();
            chunk.push(unit);
        }
        let inputs: Vec<usize> = chunk.iter().flat_map(|unit| Plan::files(unit)).copied().collect();
        let linted: Vec<Option<Linted>> = inputs
            .par_iter()
            .map(|&i| lint_file_guarded(&discovery.inputs[i], options).map(|report| Linted::new(i, report)))
            .collect();
        let mut linted = linted.into_iter();
        for unit in chunk {
            let members: Vec<Option<Linted>> = linted.by_ref().take(Plan::files(unit).len()).collect();
            run.finish_unit(&plan, unit, members, discovery, options);
        }
        run.emit_ready(emit);
    }
    if let Some(config) = judge_config_suppressions(&run.offered, &run.used, options).filter(FileReport::has_output) {
        run.files_checked += 1;
        emit(config);
    }
    RunCounts { files_checked: run.files_checked, policies: run.policies }
}

/// What the run has counted, and the reports waiting for their turn.
struct RunState {
    files_checked: usize,
    policies: usize,
    /// The config's `[[suppress]]` entries offered to some file, and used by one.
    offered: Vec<bool>,
    used: Vec<bool>,
    /// By place; `None` for a file with nothing to show.
    waiting: BTreeMap<usize, Option<FileReport>>,
    next_place: usize,
}

impl RunState {
    fn new(options: &LintOptions<'_>) -> RunState {
        let entries = options.config_suppressions.map_or(0, |c| c.entries.len());
        let (offered, used) = (vec![false; entries], vec![false; entries]);
        RunState { files_checked: 0, policies: 0, offered, used, waiting: BTreeMap::new(), next_place: 0 }
    }

    /// Counts a unit's files and puts their reports in their places: for an assembly, after
    /// what needs all its templates.
    fn finish_unit(
        &mut self,
        plan: &Plan,
        unit: &Unit,
        members: Vec<Option<Linted>>,
        discovery: &Discovery,
        options: &LintOptions<'_>,
    ) {
        for &i in Plan::files(unit) {
            self.waiting.insert(plan.input_place[i], None);
        }
        let mut members: Vec<Linted> = members.into_iter().flatten().collect();
        if let Unit::Assembly { assembly, .. } = unit {
            relint_with_boundaries_named_elsewhere(&mut members, &discovery.inputs, options);
            if let (Some(app), Some(place)) = (&discovery.assemblies[*assembly].app, plan.app_place[*assembly]) {
                // A CDK app's cdk.json is judged with what its assembly's templates show.
                let unbounded = members.iter().flat_map(|m| m.summary.unbounded_principals.clone()).collect();
                let report = lint_app(app, unbounded, options.rules);
                self.files_checked += usize::from(report.errors.is_empty());
                self.waiting.insert(place, Some(report).filter(FileReport::has_output));
            }
        }
        for member in members {
            self.files_checked += usize::from(member.clean);
            self.policies += member.policies;
            for &(entry, matched) in &member.config_entries {
                self.offered[entry] = true;
                self.used[entry] |= matched;
            }
            self.waiting.insert(plan.input_place[member.input], member.shown);
        }
    }

    /// Hands out the waiting reports in order, up to the first place not done yet: the first
    /// of a unit still to come, whose reports go out when it is done.
    fn emit_ready(&mut self, emit: &mut dyn FnMut(FileReport)) {
        while let Some(report) = self.waiting.remove(&self.next_place) {
            self.next_place += 1;
            if let Some(report) = report {
                emit(report);
            }
        }
    }
}

/// A managed policy of one template that another template of the same assembly uses as a
/// permissions boundary (by name) is a boundary too: lint its template again knowing so. Rare,
/// so the common run pays nothing for it.
fn relint_with_boundaries_named_elsewhere(members: &mut [Linted], inputs: &[Input], options: &LintOptions<'_>) {
    let used: BTreeSet<String> = members.iter().flat_map(|m| m.summary.boundary_names.iter().cloned()).collect();
    for member in members.iter_mut() {
        if member.summary.other_policy_names.iter().any(|name| used.contains(name)) {
            let options = LintOptions { boundary_names: &used, ..*options };
            if let Some(report) = lint_file_guarded(&inputs[member.input], &options) {
                *member = Linted::new(member.input, report);
            }
        }
    }
}

/// S001, S002 and expiry of the config's `[[suppress]]` entries, once every file has used
/// them: a report on the config file (not a linted file: what it reports is about the
/// suppressions it holds).
fn judge_config_suppressions(offered: &[bool], used: &[bool], options: &LintOptions<'_>) -> Option<FileReport> {
    let config = options.config_suppressions.filter(|c| !c.entries.is_empty())?;
    // Entries for files this run did not lint (pre-commit lints the changed ones) are not
    // unused: only those offered to some file are judged for use.
    let entries = config.entries.iter().copied();
    let outcome = suppress::judge_config(entries, offered, used, options.rules, suppress::today());
    let report = FileReport {
        findings: outcome.findings,
        notices: outcome.notices,
        ..FileReport::empty(config.source.clone(), Vec::new())
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

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::discover::discover;
    use crate::rules::RuleSet;

    /// The reports of a run, by name with their rules, and its counts.
    fn run_in_chunks(discovery: &Discovery, chunk_files: usize) -> (Vec<(String, Vec<usize>)>, usize, usize) {
        let rules = RuleSet::builtin().unwrap();
        let options = LintOptions::with_rules(rules, &discovery.assemblies);
        let mut reports = Vec::new();
        let counts = lint_in_chunks(discovery, &options, chunk_files, &mut |report| {
            reports.push((report.source.name.clone(), report.findings.iter().map(|f| f.rule).collect()));
        });
        (reports, counts.files_checked, counts.policies)
    }

    #[test]
    fn reports_come_in_path_order_whatever_the_chunk_size() {
        // The rule fixtures hold cloud assemblies, nested ones and CDK apps among plain files.
        let mut errors = Vec::new();
        let discovery = discover(&[PathBuf::from("testdata/rules")], true, &mut errors);
        assert!(errors.is_empty() && discovery.assemblies.len() > 5, "{errors:?}");
        let whole = run_in_chunks(&discovery, usize::MAX);
        let names: Vec<&Path> = whole.0.iter().map(|(name, _)| Path::new(name)).collect();
        assert!(names.is_sorted(), "{names:?}");
        assert!(names.iter().any(|name| name.ends_with("cdk.json")), "an app's report is among them");
        for chunk_files in [1, 2, 7] {
            assert_eq!(run_in_chunks(&discovery, chunk_files), whole, "chunks of {chunk_files} files");
        }
    }
}
