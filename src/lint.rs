//! Linting one file: read, parse, extract policies, evaluate rules. Files are independent, so
//! callers run this in parallel and keep the input order.

use std::collections::BTreeSet;
use std::io::Read;
use std::sync::Arc;

use rayon::prelude::*;

use crate::cdk_app::{CdkApp, app_facts};
use crate::discover::Input;
use crate::discover::LintedAssembly;
use crate::error::ToolError;
use crate::extract::{ExtractOptions, ParameterValues, boundary_name, extract, is_template, origin};
use crate::finding::Finding;
use crate::iam::model::{BoundaryRequirement, Kind, Notice, TemplateFacts};
use crate::parse::{Node, Syntax, parse};
use crate::paths::display_path;
use crate::read::{DEFAULT_MAX_FILE_BYTES, ReadError, read_bounded};
use crate::rules::{RuleSet, evaluate, evaluate_app, evaluate_template};
use crate::source::Source;
use crate::suppress::{self, ConfigSuppressions, Suppressed, Suppression, template_suppressions};

/// Words one of which any policy or template contains. A walked file without them that fails
/// to parse is someone else's data (a Helm chart, a JSON5 config), not an error to report.
const IAM_WORDS: [&str; 3] = ["Statement", "Resources", "AWSTemplateFormatVersion"];

/// What linting one file found.
#[derive(Debug)]
pub(crate) struct FileReport {
    pub source: Source,
    /// Sorted by position, then rule id.
    pub findings: Vec<Finding>,
    /// Findings that suppressions in the file accepted: left out of reports.
    pub suppressed: Vec<Suppressed>,
    pub errors: Vec<ToolError>,
    /// What could not be checked (SAM policy templates), by position.
    pub notices: Vec<Notice>,
    pub policies: usize,
    /// For a template of a cloud assembly: what the assembly-wide checks need of it.
    pub summary: TemplateSummary,
    /// The config's `[[suppress]]` entries (by index) that applied to this file, and whether
    /// each matched a finding.
    pub config_entries: Vec<(usize, bool)>,
}

/// What the checks of a whole cloud assembly need of one of its templates.
#[derive(Debug, Default)]
pub(crate) struct TemplateSummary {
    /// Roles and users without a permissions boundary, by construct path (or logical id).
    pub unbounded_principals: Vec<String>,
    /// Names of the managed policies its principals use as a boundary.
    pub boundary_names: Vec<String>,
    /// Names of its managed policies that are not boundaries here.
    pub other_policy_names: Vec<String>,
}

impl FileReport {
    pub(crate) fn empty(source: Source, errors: Vec<ToolError>) -> FileReport {
        let summary = TemplateSummary::default();
        let (findings, suppressed, notices) = (Vec::new(), Vec::new(), Vec::new());
        FileReport { source, findings, suppressed, errors, notices, policies: 0, summary, config_entries: Vec::new() }
    }

    /// Anything to show: findings (suppressed ones too, for `--include-suppressed`), errors or
    /// notices.
    pub(crate) fn has_output(&self) -> bool {
        !self.findings.is_empty() || !self.suppressed.is_empty() || !self.errors.is_empty() || !self.notices.is_empty()
    }
}

/// How every file of a run is linted.
#[derive(Clone, Copy)]
pub(crate) struct LintOptions<'a> {
    pub rules: &'a RuleSet,
    /// Overrides what a bare policy's shape suggests (`--kind`).
    pub kind: Option<Kind>,
    /// Template parameter values (`--parameter`, `--parameters`).
    pub parameters: &'a ParameterValues,
    /// The cloud assemblies whose templates are linted ([`Input::assembly`] indexes them).
    pub assemblies: &'a [LintedAssembly],
    /// Managed policy names other templates use as permissions boundaries.
    pub boundary_names: &'a BTreeSet<String>,
    /// The config's `[[suppress]]` entries, which [`Input::config_suppressions`] indexes.
    pub config_suppressions: Option<&'a ConfigSuppressions<'a>>,
    /// Read and parse only (`--parse-only`): the benchmarks' baseline.
    pub parse_only: bool,
    /// Larger files are refused (`--max-file-size`).
    pub max_file_bytes: u64,
}

/// No parameter values or boundary names: what options start from.
static NO_PARAMETERS: ParameterValues = ParameterValues::new();
static NO_NAMES: BTreeSet<String> = BTreeSet::new();

impl<'a> LintOptions<'a> {
    /// The options of a run with `rules` over `assemblies` and nothing else set: no config,
    /// parameter values or `--kind`.
    pub(crate) fn with_rules(rules: &'a RuleSet, assemblies: &'a [LintedAssembly]) -> LintOptions<'a> {
        LintOptions {
            rules,
            kind: None,
            parameters: &NO_PARAMETERS,
            assemblies,
            boundary_names: &NO_NAMES,
            config_suppressions: None,
            parse_only: false,
            max_file_bytes: DEFAULT_MAX_FILE_BYTES,
        }
    }
}

/// Lints one file; `None` when a walked file turns out not to be ours.
pub(crate) fn lint_file(input: &Input, options: &LintOptions<'_>) -> Option<FileReport> {
    let rules = options.rules;
    let name = display_path(&input.path);
    let read = match &input.contents {
        Some(bytes) => Ok(bytes.to_vec()),
        None => read_bounded(&input.path, options.max_file_bytes),
    };
    let bytes = match read {
        Ok(bytes) => bytes,
        Err(ReadError::TooLarge(_)) if !input.explicit && !starts_like_ours(&input.path) => return None,
        Err(ReadError::TooLarge(message) | ReadError::Io(message)) => {
            return Some(error_only(&name, ToolError::in_file(&name, message)));
        }
    };
    let text: Arc<str> = match String::from_utf8(bytes) {
        Ok(text) => Arc::from(text),
        Err(err) => {
            let looks_like_ours = mentions_iam(err.as_bytes());
            let at = err.utf8_error().valid_up_to();
            let error = ToolError::in_file(&name, format!("not valid UTF-8 (at byte {at}); save the file as UTF-8"));
            return (input.explicit || looks_like_ours).then(|| error_only(&name, error));
        }
    };
    let source = Source { name, text };
    let root = match parse(&source.text, Syntax::detect(&source.name, &source.text)) {
        Ok(root) => root,
        Err(err) => {
            if !input.explicit && !mentions_iam(source.text.as_bytes()) {
                return None;
            }
            let error = ToolError::at(&source.name, source.text.clone(), err.span, err.message);
            return Some(FileReport::empty(source, vec![error]));
        }
    };
    if options.parse_only {
        return Some(FileReport::empty(source, Vec::new()));
    }
    let app = input.assembly.and_then(|a| options.assemblies.get(a)).and_then(|a| a.app.as_ref());
    let with_context: BTreeSet<String>;
    let boundary_names = match app.and_then(|app| app.boundary_name.as_ref()) {
        Some(name) => {
            with_context = options.boundary_names.iter().chain([name]).cloned().collect();
            &with_context
        }
        None => options.boundary_names,
    };
    let kind = options.kind.or(input.kind);
    let extract_options = ExtractOptions { kind, values: options.parameters, boundary_names };
    let mut extraction = match extract(&root, &source.text, extract_options) {
        Some(extraction) => extraction,
        None if input.explicit => {
            let error =
                ToolError::in_file(&source.name, "not an IAM policy, CloudFormation template or cloud assembly")
                    .with_help("a policy document is an object with a `Statement`; see `iam-lint check --help`");
            return Some(FileReport::empty(source, vec![error]));
        }
        None => return None,
    };
    if app.is_some_and(|app| app.boundary_context) {
        extraction.facts.boundaries_required = Some(BoundaryRequirement::CdkContext);
    }
    let policies = &extraction.policies;
    // A template may hold hundreds of policies: they are evaluated in parallel too, so that one
    // large file does not leave the other cores idle. The order is kept.
    let mut findings: Vec<Finding> = policies.par_iter().flat_map_iter(|doc| evaluate(rules, doc)).collect();
    findings.extend(evaluate_template(rules, &extraction.facts));
    let template = is_template(&root);
    if template {
        for finding in &mut findings {
            finding.origin =
                origin(&root, options.parameters, &finding.loc.pointer, finding.loc.span, &finding.element);
        }
    }
    let mut report = FileReport { findings, notices: extraction.notices, ..FileReport::empty(source, Vec::new()) };
    report.policies = policies.len();
    apply_suppressions(&mut report, &root, template, input, options);
    sort_findings(&mut report.findings, rules);
    report.notices.sort_by_key(|n| n.loc.span.start);
    if input.assembly.is_some() {
        report.summary = summarize(&root, extraction.facts, options.parameters);
    }
    Some(report)
}

/// Applies the suppressions written in the file (a template's `Metadata`) and the config's
/// for its path: what they accept moves to `suppressed`; S001, S002 and expiry of the file's
/// own are added; the config's are reported as offered and used, to be judged for the run.
fn apply_suppressions(report: &mut FileReport, root: &Node, template: bool, input: &Input, options: &LintOptions<'_>) {
    let written = if template { template_suppressions(root) } else { Vec::new() };
    // The config's suppressions come last: their use is reported by index.
    let in_file = written.len();
    let from_config = &input.config_suppressions;
    let entries = options.config_suppressions.map(|c| c.entries.as_slice()).unwrap_or_default();
    let suppressions: Vec<&Suppression> = written.iter().chain(from_config.iter().map(|&i| entries[i])).collect();
    if suppressions.is_empty() {
        return;
    }
    let findings = std::mem::take(&mut report.findings);
    let outcome = suppress::apply(findings, &suppressions, options.rules, suppress::today());
    report.findings = outcome.kept;
    for mut finding in outcome.findings {
        if template {
            finding.origin = origin(root, options.parameters, &finding.loc.pointer, finding.loc.span, "");
        }
        report.findings.push(finding);
    }
    report.suppressed = outcome.suppressed;
    report.notices.extend(outcome.notices);
    let used = &outcome.used[in_file..];
    report.config_entries = from_config.iter().zip(used).map(|(&i, &used)| (i, used)).collect();
}

fn summarize(root: &Node, facts: TemplateFacts, parameters: &ParameterValues) -> TemplateSummary {
    let boundary_names = facts.principals.iter().flat_map(|p| &p.boundary).filter_map(|b| boundary_name(&b.text));
    TemplateSummary {
        unbounded_principals: unbounded_principals(root, &facts, parameters),
        boundary_names: boundary_names.map(str::to_owned).collect(),
        other_policy_names: facts.other_policy_names,
    }
}

/// The roles and users of a template without a permissions boundary, by construct path where
/// CDK recorded one.
fn unbounded_principals(root: &Node, facts: &TemplateFacts, parameters: &ParameterValues) -> Vec<String> {
    facts
        .principals
        .iter()
        .filter(|p| matches!(p.resource_type.as_str(), "AWS::IAM::Role" | "AWS::IAM::User") && !p.has_boundary())
        .map(|p| {
            let origin = origin(root, parameters, &p.head.pointer, p.head.span, "");
            origin.and_then(|o| o.construct).unwrap_or_else(|| p.logical_id.clone())
        })
        .collect()
}

/// Checks the `cdk.json` of a CDK app, given the roles and users of its assembly that have no
/// permissions boundary.
pub(crate) fn lint_app(app: &CdkApp, unbounded: Vec<String>, rules: &RuleSet) -> FileReport {
    let name = display_path(&app.config);
    let text = match read_bounded(&app.config, DEFAULT_MAX_FILE_BYTES) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(ReadError::TooLarge(message) | ReadError::Io(message)) => {
            return error_only(&name, ToolError::in_file(&name, message));
        }
    };
    let source = Source { name, text: Arc::from(text) };
    let root = match parse(&source.text, Syntax::Json) {
        Ok(root) => root,
        Err(err) => {
            let error = ToolError::at(&source.name, source.text.clone(), err.span, err.message);
            return FileReport::empty(source, vec![error]);
        }
    };
    let mut findings = evaluate_app(rules, &app_facts(app, &root, unbounded));
    sort_findings(&mut findings, rules);
    FileReport { findings, ..FileReport::empty(source, Vec::new()) }
}

fn sort_findings(findings: &mut [Finding], rules: &RuleSet) {
    findings.sort_by(|a, b| {
        (a.loc.span.start, a.loc.span.end, &rules.rules[a.rule].id, &a.message).cmp(&(
            b.loc.span.start,
            b.loc.span.end,
            &rules.rules[b.rule].id,
            &b.message,
        ))
    });
}

fn mentions_iam(bytes: &[u8]) -> bool {
    IAM_WORDS.iter().any(|word| bytes.windows(word.len()).any(|window| window == word.as_bytes()))
}

/// For a file too large to read whole: does its beginning mention IAM?
fn starts_like_ours(path: &std::path::Path) -> bool {
    let mut head = Vec::new();
    let read = std::fs::File::open(path).and_then(|file| file.take(64 * 1024).read_to_end(&mut head));
    read.is_ok() && mentions_iam(&head)
}

fn error_only(name: &str, error: ToolError) -> FileReport {
    FileReport::empty(Source { name: name.to_owned(), text: Arc::from("") }, vec![error])
}
