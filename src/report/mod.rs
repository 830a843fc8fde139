//! Output adapters: one small module per format over the same plain data. A report is written
//! as the run goes, one file at a time in path order, so that memory holds one file's report at
//! a time, not the run's: findings are written as they come; notices and tool errors (few, and
//! shown after the findings) are kept, in each format's own form, for the end. Line and column
//! are computed here, at the edge, from each finding's byte span.

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
use std::collections::BTreeMap;
use std::io::{self, Write};

use crate::error::ToolError;
use crate::finding::{Finding, Severity};
use crate::lint::FileReport;
use crate::rules::{Rule, RuleSet};
use crate::source::{LineCol, LineIndex, Span};
use crate::suppress::Suppressed;

/// What applying a baseline did to a run: part of what its report says.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct BaselineCounts {
    /// Baseline entries no finding matched: fixed since.
    pub fixed: usize,
    /// Findings in the baseline, left out of the report, by rule (its index in the run's rule
    /// set).
    pub by_rule: BTreeMap<usize, usize>,
}

impl BaselineCounts {
    /// Findings in the baseline, left out of the report.
    pub(crate) fn baselined(&self) -> usize {
        self.by_rule.values().sum()
    }
}

pub(crate) use catalog::{write_actions, write_catalog_summary};
pub(crate) use concise::error_line as plain_error_line;
pub(crate) use human::{HumanStyle, write_errors as write_errors_human};
pub(crate) use rule_docs::{write_explanation, write_rules_json, write_rules_markdown, write_rules_table};
pub(crate) use sarif::{MAX_RESULTS as MAX_SARIF_RESULTS, SarifOptions};
pub(crate) use source_root::SourceRoot;

/// What every format knows of the run before the first file.
pub(crate) struct Run<'a> {
    pub rules: &'a RuleSet,
    /// Show the suppressed findings too, marked (`--include-suppressed`).
    pub include_suppressed: bool,
    /// No summary line (`--quiet`).
    pub quiet: bool,
}

impl Run<'_> {
    /// The findings of `file` to show, by position, each with the reason it is suppressed:
    /// the suppressed ones only with `--include-suppressed`.
    pub(crate) fn shown<'f>(&self, file: &'f FileReport) -> Vec<(&'f Finding, Option<&'f Suppressed>)> {
        let mut shown: Vec<(&Finding, Option<&Suppressed>)> = file.findings.iter().map(|f| (f, None)).collect();
        if self.include_suppressed {
            shown.extend(file.suppressed.iter().map(|s| (&s.finding, Some(s))));
            shown.sort_by_key(|(f, _)| (f.loc.span.start, f.loc.span.end, &self.rules.rules[f.rule].id));
        }
        shown
    }

    pub(crate) fn rule(&self, finding: &Finding) -> &Rule {
        &self.rules.rules[finding.rule]
    }
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Counts {
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
}

impl Counts {
    pub(crate) fn total(&self) -> usize {
        self.errors + self.warnings + self.notes
    }

    fn add(&mut self, severity: Severity) {
        match severity {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
            Severity::Note => self.notes += 1,
        }
    }

    /// Findings of `threshold` or more severe.
    pub(crate) fn at_least(&self, threshold: Severity) -> usize {
        [(Severity::Error, self.errors), (Severity::Warning, self.warnings), (Severity::Note, self.notes)]
            .into_iter()
            .filter(|(severity, _)| *severity >= threshold)
            .map(|(_, n)| n)
            .sum()
    }
}

/// What the run found, counted as its files were written, and what is known only at the end.
#[derive(Debug, Default)]
pub(crate) struct Totals {
    /// Findings reported, by severity (not the suppressed or baselined ones).
    pub counts: Counts,
    pub files_with_findings: usize,
    pub suppressed: usize,
    /// Findings the report shows: with `--include-suppressed`, the suppressed ones too.
    pub shown: usize,
    pub tool_errors: usize,
    pub files_checked: usize,
    pub policies: usize,
    /// With `--baseline`: findings it holds (left out) and entries fixed since.
    pub baselined: Option<BaselineCounts>,
}

impl Totals {
    fn add(&mut self, run: &Run<'_>, file: &FileReport) {
        for finding in &file.findings {
            self.counts.add(finding.severity);
        }
        self.files_with_findings += usize::from(!file.findings.is_empty());
        self.suppressed += file.suppressed.len();
        self.shown += file.findings.len() + if run.include_suppressed { file.suppressed.len() } else { 0 };
    }

    /// The summary line, unless `--quiet`.
    fn write_summary(&self, run: &Run<'_>, out: &mut dyn Write) -> io::Result<()> {
        if run.quiet { Ok(()) } else { writeln!(out, "{}", self.summary_line()) }
    }

    /// One line saying what was found, for the text formats.
    fn summary_line(&self) -> String {
        let counts = self.counts;
        let files = plural(self.files_checked, "file");
        let mut line = if counts.total() == 0 {
            format!("No findings in {files}.")
        } else {
            let parts: Vec<String> = [(counts.errors, "error"), (counts.warnings, "warning"), (counts.notes, "note")]
                .into_iter()
                .filter(|(n, _)| *n > 0)
                .map(|(n, what)| plural(n, what))
                .collect();
            format!(
                "Found {} ({}) in {} of {files} checked.",
                plural(counts.total(), "finding"),
                parts.join(", "),
                self.files_with_findings
            )
        };
        if self.suppressed > 0 {
            line.push_str(&format!(" {} suppressed.", self.suppressed));
        }
        if let Some(counts) = &self.baselined {
            line.push_str(&format!(" {} in the baseline, {} fixed since.", counts.baselined(), counts.fixed));
        }
        if self.tool_errors > 0 {
            line.push_str(&format!(" {} could not be linted.", plural(self.tool_errors, "input")));
        }
        line
    }
}

/// One output format, fed the run's files in path order and its tool errors as they come.
trait FormatWriter {
    /// Writes what the format shows of `file` as it comes (its findings); keeps for the end
    /// what it shows there (notices).
    fn file(&mut self, run: &Run<'_>, file: &FileReport, out: &mut dyn Write) -> io::Result<()>;
    /// Keeps a tool error for the end, in the format's own form: the error may hold the text
    /// of a whole file, which is not kept.
    fn error(&mut self, error: &ToolError);
    /// Writes what was kept, then the totals.
    fn finish(&mut self, run: &Run<'_>, totals: &Totals, out: &mut dyn Write) -> io::Result<()>;
}

/// A report being written: one file at a time, then the end.
pub(crate) struct ReportStream<'a> {
    run: Run<'a>,
    writer: Box<dyn FormatWriter + 'a>,
    out: &'a mut dyn Write,
    totals: Totals,
    /// The first failure to write: nothing more is written (a closed pipe), the run goes on.
    failure: Option<io::Error>,
}

impl<'a> ReportStream<'a> {
    pub(crate) fn new(format: Format<'a>, run: Run<'a>, out: &'a mut dyn Write) -> ReportStream<'a> {
        let writer: Box<dyn FormatWriter + 'a> = match format {
            Format::Human(style) => Box::new(human::HumanWriter::new(style)),
            Format::Concise => Box::<concise::ConciseWriter>::default(),
            Format::Json => Box::<json::JsonWriter>::default(),
            Format::Sarif(options) => Box::new(sarif::SarifWriter::new(options)),
            Format::Statistics => Box::<statistics::StatisticsWriter>::default(),
            Format::Github => Box::<github::GithubWriter>::default(),
        };
        ReportStream { run, writer, out, totals: Totals::default(), failure: None }
    }

    /// A tool error not tied to a linted file (a path that does not exist).
    pub(crate) fn error(&mut self, error: &ToolError) {
        self.totals.tool_errors += 1;
        self.writer.error(error);
    }

    /// The next file, in path order.
    pub(crate) fn file(&mut self, file: &FileReport) {
        self.totals.add(&self.run, file);
        for error in &file.errors {
            self.error(error);
        }
        if self.failure.is_none() {
            self.failure = self.writer.file(&self.run, file, self.out).err();
        }
    }

    /// Writes the end of the report; returns the totals and whether every write succeeded.
    pub(crate) fn finish(
        mut self,
        files_checked: usize,
        policies: usize,
        baselined: Option<BaselineCounts>,
    ) -> (Totals, io::Result<()>) {
        self.totals.files_checked = files_checked;
        self.totals.policies = policies;
        self.totals.baselined = baselined;
        let written = match self.failure.take() {
            Some(failure) => Err(failure),
            None => self.writer.finish(&self.run, &self.totals, self.out).and_then(|()| self.out.flush()),
        };
        (self.totals, written)
    }
}

/// Tool errors kept for the end of a report, in a format's form `T`, to be shown by file and
/// position (errors about no file first), whatever order they came in.
pub(crate) struct DeferredErrors<T> {
    kept: Vec<(ErrorPlace, T)>,
}

/// The file an error is about and where in it: what errors are shown in order of.
type ErrorPlace = (Option<String>, Option<usize>);

impl<T> Default for DeferredErrors<T> {
    fn default() -> Self {
        DeferredErrors { kept: Vec::new() }
    }
}

impl<T> DeferredErrors<T> {
    pub(crate) fn push(&mut self, error: &ToolError, shown: T) {
        self.kept.push(((error.file.clone(), error.span.map(|s| s.start)), shown));
    }

    /// The errors kept, in order; the list is left empty.
    pub(crate) fn drain_in_order(&mut self) -> impl Iterator<Item = T> {
        self.kept.sort_by(|(a, _), (b, _)| a.cmp(b));
        std::mem::take(&mut self.kept).into_iter().map(|(_, shown)| shown)
    }
}

/// What the text formats (human, concise, github) show after the findings, kept as the files
/// go by: notices, then tool errors, each written as a line (or a block) of its own, then the
/// summary.
#[derive(Default)]
struct TextTail {
    notices: Vec<String>,
    errors: DeferredErrors<String>,
}

impl TextTail {
    fn write(&mut self, run: &Run<'_>, totals: &Totals, out: &mut dyn Write) -> io::Result<()> {
        for entry in self.notices.drain(..).chain(self.errors.drain_in_order()) {
            writeln!(out, "{entry}")?;
        }
        totals.write_summary(run, out)
    }
}

/// Where a tool error points, when it points into a file's text.
fn error_region(error: &ToolError) -> Option<Region> {
    let (text, span) = (error.text.as_ref()?, error.span?);
    Some(Region::of(&LineIndex::new(text), span))
}

/// How a shown suppressed finding is marked in text output.
pub(crate) fn suppression_note(suppressed: Option<&Suppressed>) -> String {
    suppressed.map(|s| format!(" [suppressed: {}]", s.justification)).unwrap_or_default()
}

/// A finding's message with what the template adds: the `Fn::If` conditions it depends on and
/// the CDK construct it is in (a logical id says little in a synthesized template).
pub(crate) fn message_in_context(finding: &Finding) -> Cow<'_, str> {
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

/// A file's notices, each with its place.
fn placed_notices(file: &FileReport) -> Vec<(Region, &str)> {
    if file.notices.is_empty() {
        return Vec::new();
    }
    let index = LineIndex::new(&file.source.text);
    file.notices.iter().map(|notice| (Region::of(&index, notice.loc.span), notice.message.as_str())).collect()
}

/// A file's notices as `path:line:column: note: message` lines, for the human and concise
/// formats to show at the end.
fn notice_lines(file: &FileReport) -> impl Iterator<Item = String> + '_ {
    placed_notices(file).into_iter().map(|(region, message)| {
        let at = region.start;
        format!("{}:{}:{}: note: {message}", file.source.name, at.line, at.column)
    })
}

/// A span as 1-based start and exclusive end positions.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Region {
    pub start: LineCol,
    pub end: LineCol,
}

impl Region {
    pub(crate) fn of(index: &LineIndex<'_>, span: Span) -> Region {
        Region { start: index.line_col(span.start), end: index.line_col(span.end) }
    }
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum Format<'a> {
    Human(HumanStyle),
    Concise,
    Json,
    Sarif(&'a SarifOptions),
    /// Counts per rule instead of findings (`--statistics`).
    Statistics,
    /// GitHub Actions workflow commands.
    Github,
}
