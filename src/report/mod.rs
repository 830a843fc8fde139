//! Output adapters: one small module per format over the same plain data. Line and column are
//! computed here, at the edge, from each finding's byte span.

mod catalog;
mod concise;
mod github;
mod human;
mod json;
mod rule_docs;
mod sarif;
mod source_root;
mod statistics;

use std::borrow::Cow;
use std::io::{self, Write};

use crate::baseline::BaselineCounts;
use crate::error::ToolError;
use crate::finding::{Finding, Severity};
use crate::lint::FileReport;
use crate::rules::{Rule, RuleSet};
use crate::source::{LineCol, LineIndex, Span};
use crate::suppress::Suppressed;

pub use catalog::{write_actions, write_catalog_summary};
pub use human::{HumanStyle, write_errors as write_errors_human};
pub use rule_docs::{write_explanation, write_rules_json, write_rules_markdown, write_rules_table};
pub use sarif::{MAX_RESULTS as MAX_SARIF_RESULTS, SarifOptions};
pub use source_root::SourceRoot;

/// Everything a run produced, in report order.
pub struct Report<'a> {
    pub rules: &'a RuleSet,
    /// Files with findings or errors, sorted by path.
    pub files: &'a [FileReport],
    /// Errors not tied to one file (usage, missing paths, walking).
    pub errors: &'a [ToolError],
    pub files_checked: usize,
    pub policies: usize,
    /// Show the suppressed findings too, marked (`--include-suppressed`).
    pub include_suppressed: bool,
    /// With `--baseline`: findings it holds (left out) and entries fixed since.
    pub baselined: Option<BaselineCounts>,
    /// No summary line (`--quiet`).
    pub quiet: bool,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
}

impl Counts {
    pub fn total(&self) -> usize {
        self.errors + self.warnings + self.notes
    }
}

impl Report<'_> {
    pub fn findings(&self) -> impl Iterator<Item = (&FileReport, &Finding)> {
        self.files.iter().flat_map(|file| file.findings.iter().map(move |finding| (file, finding)))
    }

    /// The findings of `file` to show, by position, each with the reason it is suppressed:
    /// the suppressed ones only with `--include-suppressed`.
    pub fn shown<'f>(&self, file: &'f FileReport) -> Vec<(&'f Finding, Option<&'f Suppressed>)> {
        let mut shown: Vec<(&Finding, Option<&Suppressed>)> = file.findings.iter().map(|f| (f, None)).collect();
        if self.include_suppressed {
            shown.extend(file.suppressed.iter().map(|s| (&s.finding, Some(s))));
            shown.sort_by_key(|(f, _)| (f.loc.span.start, f.loc.span.end, &self.rules.rules[f.rule].id));
        }
        shown
    }

    /// How many findings suppressions accepted, in every file (each file that has one is kept).
    pub fn suppressed(&self) -> usize {
        self.files.iter().map(|f| f.suppressed.len()).sum()
    }

    pub fn rule(&self, finding: &Finding) -> &Rule {
        &self.rules.rules[finding.rule]
    }

    /// Every tool error, ordered by file and position (errors about no file first).
    pub fn tool_errors(&self) -> impl Iterator<Item = &ToolError> {
        let mut errors: Vec<&ToolError> = self.errors.iter().chain(self.files.iter().flat_map(|f| &f.errors)).collect();
        errors.sort_by_key(|e| (e.file.clone(), e.span.map(|s| s.start)));
        errors.into_iter()
    }

    /// What could not be checked, with the file and position of each.
    pub fn notices(&self) -> Vec<PlacedNotice<'_>> {
        let mut placed = Vec::new();
        for file in self.files.iter().filter(|f| !f.notices.is_empty()) {
            let index = LineIndex::new(&file.source.text);
            for notice in &file.notices {
                placed.push(PlacedNotice {
                    file: &file.source.name,
                    region: Region::of(&index, notice.loc.span),
                    message: &notice.message,
                });
            }
        }
        placed
    }

    pub fn counts(&self) -> Counts {
        let mut counts = Counts::default();
        for (_, finding) in self.findings() {
            match finding.severity {
                Severity::Error => counts.errors += 1,
                Severity::Warning => counts.warnings += 1,
                Severity::Note => counts.notes += 1,
            }
        }
        counts
    }

    /// The summary line, unless `--quiet`.
    pub fn write_summary(&self, out: &mut dyn Write) -> io::Result<()> {
        if self.quiet { Ok(()) } else { writeln!(out, "{}", self.summary_line()) }
    }

    /// One line saying what was found, for the human and concise formats.
    fn summary_line(&self) -> String {
        let counts = self.counts();
        let files = plural(self.files_checked, "file");
        let mut line = if counts.total() == 0 {
            format!("No findings in {files}.")
        } else {
            let with = self.files.iter().filter(|f| !f.findings.is_empty()).count();
            let parts: Vec<String> = [(counts.errors, "error"), (counts.warnings, "warning"), (counts.notes, "note")]
                .into_iter()
                .filter(|(n, _)| *n > 0)
                .map(|(n, what)| plural(n, what))
                .collect();
            format!(
                "Found {} ({}) in {} of {files} checked.",
                plural(counts.total(), "finding"),
                parts.join(", "),
                with
            )
        };
        let suppressed = self.suppressed();
        if suppressed > 0 {
            line.push_str(&format!(" {suppressed} suppressed."));
        }
        if let Some(counts) = &self.baselined {
            line.push_str(&format!(" {} in the baseline, {} fixed since.", counts.baselined(), counts.fixed));
        }
        let errors = self.tool_errors().count();
        if errors > 0 {
            line.push_str(&format!(" {} could not be linted.", plural(errors, "input")));
        }
        line
    }
}

/// How a shown suppressed finding is marked in text output.
pub fn suppression_note(suppressed: Option<&Suppressed>) -> String {
    suppressed.map(|s| format!(" [suppressed: {}]", s.justification)).unwrap_or_default()
}

/// A finding's message with what the template adds: the `Fn::If` conditions it depends on and
/// the CDK construct it is in (a logical id says little in a synthesized template).
pub fn message_in_context(finding: &Finding) -> Cow<'_, str> {
    let Some(origin) = &finding.origin else { return Cow::Borrowed(&finding.message) };
    let mut message = finding.message.clone();
    if !origin.conditions.is_empty() {
        message.push_str(&format!(" (when {})", origin.conditions.join(" and ")));
    }
    if let Some(construct) = &origin.construct {
        message.push_str(&format!(" [{construct}]"));
    }
    Cow::Owned(message)
}

fn plural(n: usize, what: &str) -> String {
    if n == 1 { format!("1 {what}") } else { format!("{n} {what}s") }
}

/// A notice with its place, for every format to show.
pub struct PlacedNotice<'a> {
    pub file: &'a str,
    pub region: Region,
    pub message: &'a str,
}

/// Notices as `path:line:column: note: message` lines, in the human and concise formats.
fn write_notices(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    for notice in report.notices() {
        let at = notice.region.start;
        writeln!(out, "{}:{}:{}: note: {}", notice.file, at.line, at.column, notice.message)?;
    }
    Ok(())
}

/// A span as 1-based start and exclusive end positions.
#[derive(Debug, Clone, Copy)]
pub struct Region {
    pub start: LineCol,
    pub end: LineCol,
}

impl Region {
    pub fn of(index: &LineIndex<'_>, span: Span) -> Region {
        Region { start: index.line_col(span.start), end: index.line_col(span.end) }
    }
}

#[derive(Debug, Clone, Copy)]
pub enum Format<'a> {
    Human(HumanStyle),
    Concise,
    Json,
    Sarif(&'a SarifOptions),
    /// Counts per rule instead of findings (`--statistics`).
    Statistics,
    /// GitHub Actions workflow commands.
    Github,
}

/// Writes the report in `format`.
pub fn write(format: Format<'_>, report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    match format {
        Format::Human(style) => human::write(report, style, out),
        Format::Concise => concise::write(report, out),
        Format::Json => json::write(report, out),
        Format::Sarif(options) => sarif::write(report, options, out),
        Format::Statistics => statistics::write(report, out),
        Format::Github => github::write(report, out),
    }
}

/// Errors as one line each, for standard error beside a machine-readable report.
pub fn write_errors_plain(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    concise::write_errors(report, out)
}
