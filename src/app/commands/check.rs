//! `iam-lint check`: config and rules, the inputs (files, directories, standard input), the
//! run, then the report in the chosen format and the exit code.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use super::{best_effort, load_rules};
use crate::app::baseline::{Baseline, BaselineFilter, BaselineRecorder};
use crate::app::cli::{CheckArgs, OutputFormat};
use crate::app::config::{Config, find_config, load_config};
use crate::app::parameters::load_parameters;
use crate::discover::{Discovery, Input, discover};
use crate::error::ToolError;
use crate::error::io_reason;
use crate::finding::FailOn;
use crate::iam::catalog::catalog;
use crate::lint::{FileReport, LintOptions};
use crate::lint_run::lint_all;
use crate::paths::display_path;
use crate::read::{DEFAULT_MAX_FILE_BYTES, read_stdin};
use crate::report::{
    DeferredErrors, Format, HumanStyle, MAX_SARIF_RESULTS, ReportStream, Run, SarifOptions, SourceRoot, Totals,
    plain_error_line,
};
use crate::rules::{RuleSet, Selection};
use crate::{Exit, Io};

/// How old the catalog may be, relative to the build, before `check` says so.
const CATALOG_STALE_DAYS: u64 = 180;

/// The path that stands for standard input.
const STDIN: &str = "-";

/// What `check` reads: paths to discover, and standard input under a name.
struct Inputs {
    paths: Vec<PathBuf>,
    stdin_name: Option<PathBuf>,
}

impl Inputs {
    /// `.` when no path is given; `-` when only `--stdin-filename` is.
    fn of(args: &CheckArgs) -> Result<Inputs, Vec<ToolError>> {
        let reads_stdin = args.paths.iter().any(|p| p.as_os_str() == STDIN);
        let stdin_name = match (&args.stdin_filename, reads_stdin, args.paths.is_empty()) {
            (Some(name), _, true) | (Some(name), true, _) => Some(name.clone()),
            (None, true, _) => Some(PathBuf::from(STDIN)),
            (Some(_), false, false) => {
                let error = ToolError::general("--stdin-filename names standard input, but no path is `-`")
                    .with_help("pass `-` among the paths, or leave the other paths out");
                return Err(vec![error]);
            }
            (None, false, _) => None,
        };
        let mut paths: Vec<PathBuf> = args.paths.iter().filter(|p| p.as_os_str() != STDIN).cloned().collect();
        if paths.is_empty() && stdin_name.is_none() {
            paths.push(PathBuf::from("."));
        }
        Ok(Inputs { paths, stdin_name })
    }

    /// Where the config is looked for: the first path given, standard input by its name.
    fn first(&self, args: &CheckArgs) -> Vec<PathBuf> {
        let first = args.paths.first().filter(|p| p.as_os_str() != STDIN).or(self.stdin_name.as_ref());
        first.or(self.paths.first()).into_iter().cloned().collect()
    }

    /// The files of the run, standard input among them.
    fn discover(&self, args: &CheckArgs, limit: u64, io: &mut Io<'_>, errors: &mut Vec<ToolError>) -> Discovery {
        let mut discovery = discover(&self.paths, !args.no_ignore, errors);
        if let Some(name) = &self.stdin_name {
            match read_stdin(io.stdin, limit) {
                Ok(contents) => discovery.inputs.push(Input::stdin(name.clone(), contents)),
                Err(message) => errors.push(ToolError::in_file(display_path(name), message)),
            }
        }
        discovery
    }

    /// Named on the command line (or standard input): linted even when the config excludes it.
    fn named(&self, input: &Input) -> bool {
        input.contents.is_some() || self.paths.contains(&input.path)
    }

    /// `--skip-unrecognized`, and the config's `exclude` and `[kinds]`.
    fn apply_settings(&self, discovery: &mut Discovery, args: &CheckArgs, config: Option<&Config>) {
        if args.skip_unrecognized {
            for input in discovery.inputs.iter_mut().filter(|input| self.paths.contains(&input.path)) {
                input.explicit = false;
            }
        }
        let Some(config) = config else { return };
        // Files named on the command line are linted even when excluded, unless
        // `--force-exclude` (pre-commit names every changed file).
        let named = |input: &Input| !args.force_exclude && self.named(input);
        discovery.inputs.retain(|input| named(input) || !config.excludes(&input.path));
        for input in &mut discovery.inputs {
            input.kind = config.kind_of(&input.path);
            input.config_suppressions = config.suppressions_for(&input.path);
        }
    }
}

/// The config of a run: `--config`, else the nearest one, unless `--no-config`.
fn run_config(args: &CheckArgs, inputs: &Inputs) -> Result<Option<Config>, Vec<ToolError>> {
    let path = match (&args.config, args.no_config) {
        (_, true) => None,
        (Some(path), false) => Some(path.clone()),
        (None, false) => find_config(&inputs.first(args)),
    };
    path.map(|path| load_config(&path)).transpose()
}

/// The rules of a run: the config's packs and `--rules` loaded with the built-in ones, the
/// config's severities and parameters applied, then the selection, `--select` replacing the
/// config's and `--ignore` adding to it.
fn run_rules(args: &CheckArgs, config: Option<&Config>) -> Result<RuleSet, Vec<ToolError>> {
    let packs: Vec<PathBuf> =
        config.iter().flat_map(|c| c.packs.iter().cloned()).chain(args.rule_packs.iter().cloned()).collect();
    let mut rules = load_rules(&packs)?;
    if let Some(config) = config {
        config.apply(&mut rules)?;
    }
    let config_select = config.and_then(|c| c.select.as_ref()).map(|s| s.iter().map(|n| n.value.clone()).collect());
    let select = if args.select.is_empty() { config_select.unwrap_or_default() } else { args.select.clone() };
    let config_ignore = config.iter().flat_map(|c| c.ignore.iter().map(|n| n.value.clone()));
    let ignore = config_ignore.chain(args.ignore.iter().cloned()).collect();
    rules.select(&Selection { select, ignore }).map_err(|e| vec![e])
}

/// What a run does with the findings a baseline holds: leaves them out (`--baseline`), or
/// records them all (`--write-baseline`).
enum KnownFindings<'a> {
    None,
    Filtered(BaselineFilter<'a>),
    Recorded(BaselineRecorder),
}

impl KnownFindings<'_> {
    fn take(&mut self, file: &mut FileReport, rules: &RuleSet) {
        match self {
            KnownFindings::None => {}
            KnownFindings::Filtered(filter) => filter.filter(file, rules),
            KnownFindings::Recorded(recorder) => recorder.record(file, rules),
        }
    }
}

pub(super) fn check(args: CheckArgs, style: HumanStyle, io: &mut Io<'_>) -> Result<Exit, Vec<ToolError>> {
    let started = Instant::now();
    let inputs = Inputs::of(&args)?;
    let config = run_config(&args, &inputs)?;
    let rules = run_rules(&args, config.as_ref())?;
    let mut errors = Vec::new();
    let max_file_mib = args.max_file_size.or(config.as_ref().and_then(|c| c.max_file_size));
    let max_file_bytes = max_file_mib.map_or(DEFAULT_MAX_FILE_BYTES, |mib| mib * 1024 * 1024);
    let mut discovery = inputs.discover(&args, max_file_bytes, io, &mut errors);
    inputs.apply_settings(&mut discovery, &args, config.as_ref());
    if !args.quiet {
        for note in &discovery.notes {
            best_effort(writeln!(io.stderr, "note: {note}"));
        }
    }
    let parameters = load_parameters(&args.parameters, &args.parameter_files)?;
    let baseline = args.baseline.as_deref().map(Baseline::load).transpose().map_err(|e| vec![e])?;
    let mut known = match (&baseline, &args.write_baseline) {
        (Some(baseline), _) => KnownFindings::Filtered(baseline.filter()),
        (None, Some(path)) => KnownFindings::Recorded(BaselineRecorder::create(path).map_err(|e| vec![e])?),
        (None, None) => KnownFindings::None,
    };
    let mut sarif_options = None;
    let format = format_of(&args, style, &mut sarif_options)?;
    let mut output = ReportOutput::open(args.output.as_deref(), io.stdout)?;
    let config_suppressions = config.as_ref().map(Config::suppressions);
    let options = LintOptions {
        kind: args.kind.map(Into::into),
        parameters: &parameters,
        config_suppressions: config_suppressions.as_ref(),
        parse_only: args.parse_only,
        max_file_bytes,
        ..LintOptions::with_rules(&rules, &discovery.assemblies)
    };
    let run = Run { rules: &rules, include_suppressed: args.include_suppressed, quiet: args.quiet };
    let mut report = ReportStream::new(format, run, output.writer());
    let mut echoed = EchoedErrors::for_format(format, &args);
    for error in &errors {
        report.error(error);
        echoed.push(error);
    }
    let counts = lint_all(&discovery, &options, &mut |mut file| {
        known.take(&mut file, &rules);
        file.errors.iter().for_each(|error| echoed.push(error));
        report.file(&file);
    });
    let baselined = match known {
        KnownFindings::None => None,
        KnownFindings::Filtered(filter) => Some(filter.counts()),
        KnownFindings::Recorded(recorder) => match recorder.write() {
            Ok(counts) => {
                if !args.quiet {
                    let path = args.write_baseline.as_deref().map(display_path).unwrap_or_default();
                    let count = counts.baselined();
                    best_effort(writeln!(io.stderr, "note: wrote {count} findings to the baseline {path}"));
                }
                Some(counts)
            }
            Err(error) => {
                report.error(&error);
                echoed.push(&error);
                None
            }
        },
    };
    let (totals, written) = report.finish(counts.files_checked, counts.policies, baselined);
    if matches!(format, Format::Sarif(_)) {
        warn_of_hidden_results(totals.shown, io);
    }
    // Findings of unknown actions depend on the catalog's age: say when it is old.
    if let Some(age) = catalog().staleness(CATALOG_STALE_DAYS).filter(|_| !args.quiet) {
        let updated = catalog().updated;
        let note = format!(
            "note: the IAM catalog (data of {updated}) is {age} days older than this build of iam-lint; actions AWS added since then read as unknown (G007, G008): update iam-lint\n"
        );
        best_effort(io.stderr.write_all(note.as_bytes()));
    }
    echoed.write(io);
    if let Err(err) = written
        && err.kind() != io::ErrorKind::BrokenPipe
    {
        let target = args.output.as_deref().map(display_path).unwrap_or_else(|| "standard output".into());
        return Err(vec![ToolError::general(format!("cannot write the report to {target}: {}", io_reason(&err)))]);
    }
    if args.verbose {
        say_what_ran(config.as_ref(), &rules, &totals, started, io);
    }
    if totals.tool_errors > 0 {
        return Ok(Exit::Error);
    }
    let fail_on = args.fail_on.or(config.as_ref().and_then(|c| c.fail_on)).unwrap_or(FailOn::Warning);
    let failing = fail_on.threshold().is_some_and(|t| totals.counts.at_least(t) > 0);
    Ok(if failing { Exit::Findings } else { Exit::Clean })
}

/// Tool errors repeated on standard error, one line each, when the report goes to a file or
/// to a parser (JSON, SARIF) or is a table (`--statistics`): the user must see what failed.
struct EchoedErrors(Option<DeferredErrors<String>>);

impl EchoedErrors {
    fn for_format(format: Format<'_>, args: &CheckArgs) -> EchoedErrors {
        let echoed = matches!(format, Format::Json | Format::Sarif(_) | Format::Statistics) || args.output.is_some();
        EchoedErrors(echoed.then(DeferredErrors::default))
    }

    fn push(&mut self, error: &ToolError) {
        if let Some(kept) = &mut self.0 {
            kept.push(error, plain_error_line(error));
        }
    }

    fn write(mut self, io: &mut Io<'_>) {
        for line in self.0.iter_mut().flat_map(DeferredErrors::drain_in_order) {
            best_effort(writeln!(io.stderr, "{line}"));
        }
    }
}

/// Where the report goes: standard output, or the `-o` file, created before the run so that a
/// path that cannot be written stops it before any work.
enum ReportOutput<'a> {
    Stdout(&'a mut dyn Write),
    File(BufWriter<File>),
}

impl<'a> ReportOutput<'a> {
    fn open(path: Option<&Path>, stdout: &'a mut dyn Write) -> Result<ReportOutput<'a>, Vec<ToolError>> {
        let Some(path) = path else { return Ok(ReportOutput::Stdout(stdout)) };
        let create = || {
            if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent)?;
            }
            File::create(path)
        };
        let file = create().map_err(|err| {
            vec![ToolError::general(format!("cannot write the report to {}: {}", display_path(path), io_reason(&err)))]
        })?;
        Ok(ReportOutput::File(BufWriter::new(file)))
    }

    fn writer(&mut self) -> &mut dyn Write {
        match self {
            ReportOutput::Stdout(out) => *out,
            ReportOutput::File(file) => file,
        }
    }
}

/// The report's format; for SARIF, with its options, kept in `sarif_options`.
fn format_of<'a>(
    args: &CheckArgs,
    style: HumanStyle,
    sarif_options: &'a mut Option<SarifOptions>,
) -> Result<Format<'a>, Vec<ToolError>> {
    if args.statistics {
        return Ok(Format::Statistics);
    }
    Ok(match args.format {
        OutputFormat::Human => Format::Human(style),
        OutputFormat::Concise => Format::Concise,
        OutputFormat::Json => Format::Json,
        OutputFormat::Sarif => Format::Sarif(sarif_options.insert(sarif_options_of(args)?)),
        OutputFormat::Github => Format::Github,
    })
}

fn sarif_options_of(args: &CheckArgs) -> Result<SarifOptions, Vec<ToolError>> {
    let cwd = std::env::current_dir()
        .map_err(|err| vec![ToolError::general(format!("cannot read the current directory: {}", io_reason(&err)))])?;
    let root = SourceRoot::find(args.root.as_deref(), &cwd).map_err(|err| {
        let shown = args.root.as_deref().map(display_path).unwrap_or_else(|| ".".into());
        vec![ToolError::general(format!("cannot use {shown} as the --root: {}", io_reason(&err)))]
    })?;
    Ok(SarifOptions { category: args.sarif_category.clone(), root })
}

/// GitHub shows only the most severe results of a large upload, and takes no more than
/// [`MAX_SARIF_RESULTS`]: say so before the user wonders where the rest went.
fn warn_of_hidden_results(results: usize, io: &mut Io<'_>) {
    const SHOWN_BY_GITHUB: usize = 5_000;
    if results > MAX_SARIF_RESULTS {
        best_effort(writeln!(
            io.stderr,
            "warning: {results} results, over the {MAX_SARIF_RESULTS} GitHub code scanning accepts in one run: the SARIF keeps the most severe {MAX_SARIF_RESULTS}"
        ));
    } else if results > SHOWN_BY_GITHUB {
        best_effort(writeln!(
            io.stderr,
            "warning: {results} results: GitHub code scanning shows only the {SHOWN_BY_GITHUB} most severe of a run"
        ));
    }
}

/// `--verbose`: what the run used and how long it took, on standard error.
fn say_what_ran(config: Option<&Config>, rules: &RuleSet, totals: &Totals, started: Instant, io: &mut Io<'_>) {
    let config = config.map_or_else(|| "none".to_owned(), |c| c.source().name);
    let catalog = catalog();
    let lines = [
        format!("config: {config}"),
        format!("rules: {} selected", rules.rules.len()),
        format!("IAM catalog: {} (data of {})", catalog.package_version, catalog.updated),
        format!(
            "linted {} files, {} policies, in {} ms",
            totals.files_checked,
            totals.policies,
            started.elapsed().as_millis()
        ),
    ];
    for line in lines {
        best_effort(writeln!(io.stderr, "iam-lint: {line}"));
    }
}
