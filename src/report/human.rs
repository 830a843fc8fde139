//! Terminal diagnostics through miette: the source snippet with a label on the offending
//! element, the rule id, why it matters, and the docs link. The only module that knows miette.

use std::fmt;
use std::io::{self, Write};
use std::sync::Arc;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, NarratableReportHandler,
    ReportHandler, SourceCode,
};

use super::{FormatWriter, Run, TextTail, Totals, message_in_context, notice_lines, suppression_note};
use crate::error::ToolError;
use crate::finding::{Finding, Severity};
use crate::lint::FileReport;
use crate::rules::Rule;
use crate::suppress::Suppressed;

/// How to draw: boxes and colour on a terminal, plain narration otherwise (DESIGN §7).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HumanStyle {
    Graphical { color: bool },
    Narrated,
}

/// Wide enough for ARNs; fixed so that output does not depend on the terminal.
const WIDTH: usize = 110;

pub(super) struct HumanWriter {
    handler: Box<dyn ReportHandler>,
    /// Tool errors are rendered when they come, with the snippet of the file they point into.
    tail: TextTail,
}

impl HumanWriter {
    pub(super) fn new(style: HumanStyle) -> HumanWriter {
        HumanWriter { handler: handler(style), tail: TextTail::default() }
    }
}

impl FormatWriter for HumanWriter {
    fn file(&mut self, run: &Run<'_>, file: &FileReport, out: &mut dyn Write) -> io::Result<()> {
        let source = NamedSource::new(&file.source.name, file.source.text.clone());
        for (finding, suppressed) in run.shown(file) {
            let diagnostic = FindingDiagnostic { rule: run.rule(finding), finding, suppressed, source: &source };
            writeln!(out, "{}", render(self.handler.as_ref(), &diagnostic))?;
        }
        self.tail.notices.extend(notice_lines(file));
        Ok(())
    }

    fn error(&mut self, error: &ToolError) {
        self.tail.errors.push(error, render_error(self.handler.as_ref(), error));
    }

    fn finish(&mut self, run: &Run<'_>, totals: &Totals, out: &mut dyn Write) -> io::Result<()> {
        self.tail.write(run, totals, out)
    }
}

/// Tool errors alone: also what a command prints when it stops at a bad pack or usage.
pub(crate) fn write_errors<'e>(
    errors: impl IntoIterator<Item = &'e ToolError>,
    style: HumanStyle,
    out: &mut dyn Write,
) -> io::Result<()> {
    let handler = handler(style);
    for error in errors {
        writeln!(out, "{}", render_error(handler.as_ref(), error))?;
    }
    Ok(())
}

fn render_error(handler: &dyn ReportHandler, error: &ToolError) -> String {
    let source = error.text.clone().map(|text| NamedSource::new(error.file.clone().unwrap_or_default(), text));
    render(handler, &ErrorDiagnostic { error, source })
}

fn handler(style: HumanStyle) -> Box<dyn ReportHandler> {
    match style {
        HumanStyle::Graphical { color } => {
            let theme = if color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
            Box::new(GraphicalReportHandler::new_themed(theme).with_width(WIDTH).with_links(false))
        }
        HumanStyle::Narrated => Box::new(NarratableReportHandler::new()),
    }
}

fn render(handler: &dyn ReportHandler, diagnostic: &dyn Diagnostic) -> String {
    let mut text = String::new();
    // Rendering into a String cannot fail on I/O; a formatting error would only truncate.
    let _ = fmt::write(&mut text, format_args!("{}", Rendered { handler, diagnostic }));
    text.truncate(text.trim_end().len());
    // Written as a line, this ends in a blank one: it keeps diagnostics apart when scrolling.
    text.push('\n');
    text
}

struct Rendered<'a> {
    handler: &'a dyn ReportHandler,
    diagnostic: &'a dyn Diagnostic,
}

impl fmt::Display for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.handler.debug(self.diagnostic, f)
    }
}

struct FindingDiagnostic<'a> {
    rule: &'a Rule,
    finding: &'a Finding,
    /// The suppression that accepted the finding, if one did.
    suppressed: Option<&'a Suppressed>,
    source: &'a NamedSource<Arc<str>>,
}

impl fmt::Debug for FindingDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for FindingDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", message_in_context(self.finding), suppression_note(self.suppressed))
    }
}

impl std::error::Error for FindingDiagnostic<'_> {}

impl Diagnostic for FindingDiagnostic<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(format!("{} {}", self.rule.id, self.rule.name)))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.finding.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Note => miette::Severity::Advice,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        let more = format!("`iam-lint explain {}` shows how to fix it", self.rule.id);
        Some(Box::new(format!("{} {more}", self.rule.why())))
    }

    fn url<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&self.rule.docs))
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = self.finding.loc.span;
        let label = LabeledSpan::new_primary_with_span(Some(self.rule.name.clone()), span.start..span.end);
        Some(Box::new(std::iter::once(label)))
    }
}

struct ErrorDiagnostic<'a> {
    error: &'a ToolError,
    source: Option<NamedSource<Arc<str>>>,
}

impl fmt::Debug for ErrorDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for ErrorDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.error.file, &self.source) {
            // With a snippet, the file name is shown beside it.
            (Some(file), None) => write!(f, "{file}: {}", self.error.message),
            _ => f.write_str(&self.error.message),
        }
    }
}

impl std::error::Error for ErrorDiagnostic<'_> {}

impl Diagnostic for ErrorDiagnostic<'_> {
    fn severity(&self) -> Option<miette::Severity> {
        Some(miette::Severity::Error)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.error.help.as_ref().map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = self.error.span?;
        self.source.as_ref()?;
        let label = LabeledSpan::new_primary_with_span(Some("here".into()), span.start..span.end);
        Some(Box::new(std::iter::once(label)))
    }
}
