//! The command line, as clap derive definitions. Turning it into work is `commands`' job.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::finding::FailOn;
use crate::iam::model::Kind;
use crate::read::MAX_FILE_SIZE_MIB;

#[derive(Debug, Parser)]
#[command(
    name = "iam-lint",
    version,
    about = "Fast, offline linter for AWS IAM policies",
    long_about = "Fast, offline linter for AWS IAM policies.\n\n\
                  Finds over-broad grants, privilege-escalation paths and policy grammar errors, and reports \
                  them with file, line and column as terminal diagnostics, SARIF 2.1.0 or JSON.",
    after_help = "Exit codes: 0 no findings at or above --fail-on, 1 findings, 2 usage, input or rule-pack errors.",
    disable_help_subcommand = true
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Lint policy files and directories
    Check(Box<CheckArgs>),
    /// List every rule: id, name, severity, pack and summary
    Rules(RulesArgs),
    /// Show a rule's full description, how to fix what it reports, and its docs link
    Explain(ExplainArgs),
    /// Show the embedded IAM catalog's version, or look up an action or action glob
    Catalog(CatalogArgs),
    /// Write a commented iam-lint.toml in the current directory
    Init(InitArgs),
    /// Print a shell completion script for bash, zsh, fish, elvish or powershell
    Completions(CompletionsArgs),
    /// Print the man page, in roff (`iam-lint man | man -l -`)
    Man(ManArgs),
}

#[derive(Debug, Args)]
pub(crate) struct CompletionsArgs {
    /// The shell to complete in
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub(crate) struct ManArgs {
    /// The page of this subcommand (`iam-lint-check(1)`) instead of the overview
    #[arg(value_name = "SUBCOMMAND")]
    pub subcommand: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct InitArgs {
    /// Replace an existing iam-lint.toml
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub(crate) struct CatalogArgs {
    /// An action (s3:GetObject) or a glob (s3:Get*) to look up
    #[arg(value_name = "ACTION")]
    pub action: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    /// Files and directories to lint; directories are walked, honouring .gitignore; `-` reads
    /// standard input [default: .]
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Output format
    #[arg(long, short = 'f', value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,

    /// Write the report to FILE instead of standard output
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// The SARIF analysis category, to tell apart runs over different parts of a repository
    #[arg(long, value_name = "NAME", default_value = "iam-lint", value_parser = parse_category)]
    pub sarif_category: String,

    /// Make SARIF paths relative to DIR [default: the top of the git work tree, else the
    /// current directory]
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,

    /// Lowest severity that makes the exit code 1 [default: the config's `fail-on`, else warning]
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,

    /// Load an extra rule pack (repeatable)
    #[arg(long = "rules", value_name = "FILE")]
    pub rule_packs: Vec<PathBuf>,

    /// Use this config file instead of the nearest iam-lint.toml or .iam-lint.toml
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,

    /// Ignore any config file
    #[arg(long)]
    pub no_config: bool,

    /// Report only findings not recorded in this baseline (see --write-baseline)
    #[arg(long, value_name = "FILE", conflicts_with = "write_baseline")]
    pub baseline: Option<PathBuf>,

    /// Record the current findings in FILE, as a baseline for later runs; this run then
    /// reports none of them
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,

    /// Print how many findings each rule has (reported, suppressed, in the baseline) instead
    /// of the findings
    #[arg(long, conflicts_with = "output")]
    pub statistics: bool,

    /// Show findings that suppressions accepted, marked with their reason (SARIF `suppressions`)
    #[arg(long)]
    pub include_suppressed: bool,

    /// Refuse files larger than this many MiB [default: the config's `max-file-size`, else 16]
    #[arg(long, value_name = "MIB", value_parser = clap::value_parser!(u64).range(MAX_FILE_SIZE_MIB))]
    pub max_file_size: Option<u64>,

    /// Apply the config's `exclude` to files named on the command line too (for pre-commit)
    #[arg(long)]
    pub force_exclude: bool,

    /// Skip named files that are not policies, templates or assemblies, as a directory walk
    /// does, instead of reporting them (for pre-commit, which passes every JSON and YAML file)
    #[arg(long)]
    pub skip_unrecognized: bool,

    /// Run only these rules: ids or prefixes, comma-separated (e.g. LP,G001); replaces the
    /// config's `select`
    #[arg(long, value_name = "IDS", value_delimiter = ',')]
    pub select: Vec<String>,

    /// Skip these rules: ids or prefixes, comma-separated; added to the config's `ignore`
    #[arg(long, value_name = "IDS", value_delimiter = ',')]
    pub ignore: Vec<String>,

    /// Treat every policy as this kind instead of guessing it from its shape
    #[arg(long, value_enum)]
    pub kind: Option<KindArg>,

    /// Also walk files that .gitignore, .ignore and hidden-file rules would skip
    #[arg(long)]
    pub no_ignore: bool,

    /// A template parameter's value, in place of its default (repeatable)
    #[arg(long = "parameter", value_name = "KEY=VALUE")]
    pub parameters: Vec<String>,

    /// Template parameter values from a file: the CloudFormation CLI's
    /// [{"ParameterKey": ..., "ParameterValue": ...}] or CodePipeline's {"Parameters": {...}}
    #[arg(long = "parameters", value_name = "FILE")]
    pub parameter_files: Vec<PathBuf>,

    /// The name standard input is reported under, which also decides its format, kind and
    /// config (`iam-lint check - --stdin-filename infra/role.json`)
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<PathBuf>,

    /// Read and parse the files, without extracting policies or running rules: the baseline
    /// `scripts/bench` compares linting with
    #[arg(long, hide = true)]
    pub parse_only: bool,

    /// Print only the findings: no summary line, no notes on standard error
    #[arg(long, short = 'q', conflicts_with = "verbose")]
    pub quiet: bool,

    /// Also say which config and rules were used and how long the run took, on standard error
    #[arg(long, short = 'v')]
    pub verbose: bool,
}

/// A category is a name: GitHub reads what comes before the last `/` of `automationDetails.id`.
fn parse_category(value: &str) -> Result<String, String> {
    let category = value.trim_end_matches('/');
    if category.is_empty() || category.chars().any(char::is_whitespace) {
        return Err("a category is a non-empty name without spaces, such as `iam-lint/infra`".into());
    }
    Ok(category.to_owned())
}

#[derive(Debug, Args)]
pub(crate) struct RulesArgs {
    /// Also load this rule pack (repeatable)
    #[arg(long = "rules", value_name = "FILE")]
    pub rule_packs: Vec<PathBuf>,

    /// Output format
    #[arg(long, short = 'f', value_enum, default_value_t = RulesFormat::Table)]
    pub format: RulesFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum RulesFormat {
    /// One line per rule
    Table,
    /// Every rule's metadata
    Json,
    /// The rules reference, as in docs/rules.md
    Markdown,
}

#[derive(Debug, Args)]
pub(crate) struct ExplainArgs {
    /// Rule id, such as LP003
    #[arg(value_name = "RULE")]
    pub rule: String,

    /// Also load this rule pack (repeatable)
    #[arg(long = "rules", value_name = "FILE")]
    pub rule_packs: Vec<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum OutputFormat {
    /// Diagnostics with the source snippet (plain text when not a terminal)
    Human,
    /// One line per finding: path:line:column: id severity message
    Concise,
    /// iam-lint's documented JSON schema
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and SARIF viewers
    Sarif,
    /// GitHub Actions annotations (workflow commands), for workflows without code scanning
    Github,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum KindArg {
    Identity,
    Resource,
    Trust,
    Boundary,
}

impl From<KindArg> for Kind {
    fn from(kind: KindArg) -> Kind {
        match kind {
            KindArg::Identity => Kind::Identity,
            KindArg::Resource => Kind::Resource,
            KindArg::Trust => Kind::Trust,
            KindArg::Boundary => Kind::Boundary,
        }
    }
}
