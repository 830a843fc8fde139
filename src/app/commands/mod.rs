//! What each subcommand does with its validated arguments.

mod check;

use std::ffi::OsString;
use std::io;
use std::path::PathBuf;

use clap::error::ErrorKind;
use clap::{CommandFactory, Parser};

use crate::app::cli::{
    CatalogArgs, Cli, Command, CompletionsArgs, ExplainArgs, InitArgs, ManArgs, RulesArgs, RulesFormat,
};
use crate::app::config::{CONFIG_NAMES, STARTER};
use crate::error::ToolError;
use crate::error::io_reason;
use crate::iam::catalog::catalog;
use crate::paths::display_path;
use crate::report::{self, HumanStyle};
use crate::rules::RuleSet;
use crate::{Exit, Io};

pub(crate) fn run<I, T>(args: I, io: &mut Io<'_>) -> Exit
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(err) if err.kind() == ErrorKind::DisplayVersion => {
            best_effort(writeln!(io.stdout, "{}", long_version()));
            return Exit::Clean;
        }
        Err(err) => {
            // `--help` is not an error and goes to standard output.
            let rendered = if io.color { err.render().ansi().to_string() } else { err.render().to_string() };
            let out = if err.use_stderr() { &mut *io.stderr } else { &mut *io.stdout };
            best_effort(out.write_all(rendered.as_bytes()));
            return if err.use_stderr() { Exit::Error } else { Exit::Clean };
        }
    };
    let style = if io.graphical { HumanStyle::Graphical { color: io.color } } else { HumanStyle::Narrated };
    let result = match cli.command {
        Command::Check(args) => check::check(*args, style, io),
        Command::Rules(args) => list_rules(&args, io),
        Command::Explain(args) => explain(&args, io),
        Command::Catalog(args) => look_up_catalog(&args, io),
        Command::Init(args) => init(&args, io),
        Command::Completions(args) => completions(&args, io),
        Command::Man(args) => man_page(&args, io),
    };
    match result {
        Ok(exit) => exit,
        Err(errors) => {
            best_effort(report::write_errors_human(&errors, style, io.stderr));
            Exit::Error
        }
    }
}

/// The version, and the catalog's: findings of new actions depend on how recent it is.
fn long_version() -> String {
    let catalog = catalog();
    format!(
        "iam-lint {} (IAM catalog {}, data of {})",
        env!("CARGO_PKG_VERSION"),
        catalog.package_version,
        catalog.updated
    )
}

fn completions(args: &CompletionsArgs, io: &mut Io<'_>) -> Result<Exit, Vec<ToolError>> {
    clap_complete::generate(args.shell, &mut Cli::command(), "iam-lint", io.stdout);
    Ok(Exit::Clean)
}

/// `iam-lint(1)`, or a subcommand's own page, `iam-lint-check(1)`, with all its options.
fn man_page(args: &ManArgs, io: &mut Io<'_>) -> Result<Exit, Vec<ToolError>> {
    let mut command = Cli::command();
    command.build();
    let page = match &args.subcommand {
        None => command,
        Some(name) => {
            let Some(subcommand) = command.find_subcommand(name) else {
                let names: Vec<&str> = command.get_subcommands().map(clap::Command::get_name).collect();
                let error = ToolError::general(format!("no subcommand is named `{name}`"))
                    .with_help(format!("the subcommands are {}", names.join(", ")));
                return Err(vec![error]);
            };
            let page_name = format!("iam-lint-{}", subcommand.get_name());
            subcommand.clone().name(page_name).version(env!("CARGO_PKG_VERSION"))
        }
    };
    best_effort(clap_mangen::Man::new(page).render(io.stdout));
    Ok(Exit::Clean)
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
    RuleSet::builtin()?.clone().with_packs(texts.iter().map(|(name, text)| (name.as_str(), text.as_str())))
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
