//! What each subcommand does with its validated arguments.

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;

use clap::Parser;

use crate::baseline::{Baseline, write_baseline};
use crate::catalog::catalog;
use crate::cli::{
    CatalogArgs, CheckArgs, Cli, Command, ExplainArgs, FailOn, InitArgs, OutputFormat, RulesArgs, RulesFormat,
};
use crate::config::{CONFIG_NAMES, Config, STARTER, find_config, load_config};
use crate::discover::{discover, display_path, io_reason};
use crate::error::ToolError;
use crate::lint::LintOptions;
use crate::lint_run::{RunOutcome, lint_all};
use crate::parameters::load_parameters;
use crate::report::{self, Format, HumanStyle, Report};
use crate::rules::{RuleSet, Selection, builtin_packs};
use crate::{Exit, Io};

/// How old the catalog may be, relative to the build, before `check` says so.
const CATALOG_STALE_DAYS: u64 = 180;

pub fn run<I, T>(args: I, io: &mut Io<'_>) -> Exit
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(err) => {
            // `--help` and `--version` are not errors and go to standard output.
            let rendered = if io.color { err.render().ansi().to_string() } else { err.render().to_string() };
            let out = if err.use_stderr() { &mut *io.stderr } else { &mut *io.stdout };
            best_effort(out.write_all(rendered.as_bytes()));
            return if err.use_stderr() { Exit::Error } else { Exit::Clean };
        }
    };
    let style = if io.graphical { HumanStyle::Graphical { color: io.color } } else { HumanStyle::Narrated };
    let result = match cli.command {
        Command::Check(args) => check(args, style, io),
        Command::Rules(args) => list_rules(&args, io),
        Command::Explain(args) => explain(&args, io),
        Command::Catalog(args) => look_up_catalog(&args, io),
        Command::Init(args) => init(&args, io),
    };
    match result {
        Ok(exit) => exit,
        Err(errors) => {
            best_effort(report::write_errors_human(&errors, style, io.stderr));
            Exit::Error
        }
    }
}

/// Output that cannot be written (a closed pipe) has nowhere else to be reported.
fn best_effort(result: io::Result<()>) {
    let _ = result;
}

/// Built-in packs plus the files named with `--rules`.
fn load_rules(extra: &[PathBuf]) -> Result<RuleSet, Vec<ToolError>> {
    let mut texts = Vec::new();
    for path in extra {
        let name = display_path(path);
        match std::fs::read_to_string(path) {
            Ok(text) => texts.push((name, text)),
            Err(err) => {
                return Err(vec![ToolError::in_file(name, format!("cannot read rule pack: {}", io_reason(&err)))]);
            }
        }
    }
    let builtin = builtin_packs();
    let packs = builtin.iter().copied().chain(texts.iter().map(|(name, text)| (name.as_str(), text.as_str())));
    RuleSet::load(packs)
}

/// The config of a run: `--config`, else the nearest one, unless `--no-config`.
fn run_config(args: &CheckArgs) -> Result<Option<Config>, Vec<ToolError>> {
    let path = match (&args.config, args.no_config) {
        (_, true) => None,
        (Some(path), false) => Some(path.clone()),
        (None, false) => find_config(&args.paths),
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

fn check(args: CheckArgs, style: HumanStyle, io: &mut Io<'_>) -> Result<Exit, Vec<ToolError>> {
    let config = run_config(&args)?;
    let rules = run_rules(&args, config.as_ref())?;
    let mut errors = Vec::new();
    let mut discovery = discover(&args.paths, !args.no_ignore, &mut errors);
    if let Some(config) = &config {
        // Files named on the command line are linted even when excluded, unless
        // `--force-exclude` (pre-commit names every changed file).
        let named = |path: &PathBuf| !args.force_exclude && args.paths.contains(path);
        discovery.inputs.retain(|input| named(&input.path) || !config.excludes(&input.path));
        for input in &mut discovery.inputs {
            input.kind = config.kind_of(&input.path);
        }
    }
    for note in &discovery.notes {
        best_effort(writeln!(io.stderr, "note: {note}"));
    }
    let parameters = load_parameters(&args.parameters, &args.parameter_files)?;
    let no_names = BTreeSet::new();
    let options = LintOptions {
        rules: &rules,
        kind: args.kind.map(Into::into),
        parameters: &parameters,
        assemblies: &discovery.assemblies,
        boundary_names: &no_names,
        config: config.as_ref(),
    };
    let RunOutcome { mut files, files_checked, policies } = lint_all(&discovery, &options);
    let baseline = match (&args.baseline, &args.write_baseline) {
        (Some(path), _) => Some(Baseline::load(path).map_err(|e| vec![e])?),
        (None, Some(path)) => {
            let count = write_baseline(path, &files, &rules).map_err(|e| vec![e])?;
            best_effort(writeln!(io.stderr, "note: wrote {count} findings to the baseline {}", display_path(path)));
            Some(Baseline::load(path).map_err(|e| vec![e])?)
        }
        (None, None) => None,
    };
    let baselined = baseline.map(|b| b.apply(&mut files, &rules));
    let report = Report {
        rules: &rules,
        files: &files,
        errors: &errors,
        files_checked,
        policies,
        include_suppressed: args.include_suppressed,
        baselined,
    };

    let format = match args.format {
        OutputFormat::Human => Format::Human(style),
        OutputFormat::Concise => Format::Concise,
        OutputFormat::Json => Format::Json,
        OutputFormat::Sarif => Format::Sarif,
        OutputFormat::Github => Format::Github,
    };
    let format = if args.statistics { Format::Statistics } else { format };
    let written = match &args.output {
        Some(path) => write_to_file(path, format, &report),
        None => report::write(format, &report, io.stdout),
    };
    // Findings of unknown actions depend on the catalog's age: say when it is old.
    if let Some(age) = catalog().staleness(CATALOG_STALE_DAYS) {
        let updated = catalog().updated;
        let note = format!(
            "note: the IAM catalog (data of {updated}) is {age} days older than this build of iam-lint; actions AWS added since then read as unknown (G007, G008): update iam-lint\n"
        );
        best_effort(io.stderr.write_all(note.as_bytes()));
    }
    let machine_readable = matches!(format, Format::Json | Format::Sarif);
    if machine_readable || args.output.is_some() {
        // The report may be going to a file or a parser: say on stderr what went wrong.
        best_effort(report::write_errors_plain(&report, io.stderr));
    }
    if let Err(err) = written
        && err.kind() != io::ErrorKind::BrokenPipe
    {
        let target = args.output.as_deref().map(display_path).unwrap_or_else(|| "standard output".into());
        return Err(vec![ToolError::general(format!("cannot write the report to {target}: {}", io_reason(&err)))]);
    }
    if report.tool_errors().next().is_some() {
        return Ok(Exit::Error);
    }
    let fail_on = args.fail_on.or(config.as_ref().and_then(|c| c.fail_on)).unwrap_or(FailOn::Warning);
    let failing = fail_on.threshold().is_some_and(|t| report.findings().any(|(_, f)| f.severity >= t));
    Ok(if failing { Exit::Findings } else { Exit::Clean })
}

fn write_to_file(path: &std::path::Path, format: Format, report: &Report<'_>) -> io::Result<()> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    let mut file = BufWriter::new(File::create(path)?);
    report::write(format, report, &mut file)?;
    file.flush()
}

fn list_rules(args: &RulesArgs, io: &mut Io<'_>) -> Result<Exit, Vec<ToolError>> {
    let rules = load_rules(&args.rule_packs)?;
    best_effort(match args.format {
        RulesFormat::Table => report::write_rules_table(&rules, io.stdout),
        RulesFormat::Json => report::write_rules_json(&rules, io.stdout),
        RulesFormat::Markdown => report::write_rules_markdown(&rules, io.stdout),
    });
    Ok(Exit::Clean)
}

fn explain(args: &ExplainArgs, io: &mut Io<'_>) -> Result<Exit, Vec<ToolError>> {
    let rules = load_rules(&args.rule_packs)?;
    let Some(rule) = rules.get(&args.rule) else {
        return Err(vec![
            ToolError::general(format!("no rule has the id `{}`", args.rule))
                .with_help("`iam-lint rules` lists every rule"),
        ]);
    };
    best_effort(report::write_explanation(rule, io.stdout));
    Ok(Exit::Clean)
}

/// Writes the starter config in the current directory.
fn init(args: &InitArgs, io: &mut Io<'_>) -> Result<Exit, Vec<ToolError>> {
    let path = PathBuf::from(CONFIG_NAMES[0]);
    if path.exists() && !args.force {
        return Err(vec![
            ToolError::in_file(CONFIG_NAMES[0], "already exists").with_help("pass --force to replace it"),
        ]);
    }
    std::fs::write(&path, STARTER)
        .map_err(|err| vec![ToolError::in_file(CONFIG_NAMES[0], format!("cannot write: {}", io_reason(&err)))])?;
    best_effort(writeln!(io.stdout, "wrote {}: every setting is commented out, with what it does", CONFIG_NAMES[0]));
    Ok(Exit::Clean)
}

fn look_up_catalog(args: &CatalogArgs, io: &mut Io<'_>) -> Result<Exit, Vec<ToolError>> {
    let catalog = catalog();
    let Some(pattern) = &args.action else {
        best_effort(report::write_catalog_summary(catalog, io.stdout));
        return Ok(Exit::Clean);
    };
    let matches: Vec<_> = catalog.expand(pattern);
    if matches.is_empty() {
        let (prefix, name) = pattern.split_once(':').unwrap_or((pattern, ""));
        let hint = match catalog.service(prefix) {
            Some(service) => catalog.nearest_action(service, name).map(|n| format!("{}:{n}", service.prefix)),
            None => catalog.nearest_service(prefix).map(|p| format!("{p}:{name}")),
        };
        let error = ToolError::general(format!("no action in the catalog matches `{pattern}`"));
        return Err(vec![match hint {
            Some(hint) => error.with_help(format!("did you mean `{hint}`?")),
            None => error,
        }]);
    }
    best_effort(report::write_actions(catalog, &matches, io.stdout));
    Ok(Exit::Clean)
}
