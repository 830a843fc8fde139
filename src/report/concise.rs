//! One line per finding, `path:line:column: ID severity message`, as compilers print them, for
//! grep, editors' problem matchers and quick reading.

use std::io::{self, Write};

use super::{
    FormatWriter, Region, Run, TextTail, Totals, error_region, message_in_context, notice_lines, suppression_note,
};
use crate::error::ToolError;
use crate::lint::FileReport;
use crate::source::LineIndex;

#[derive(Default)]
pub(super) struct ConciseWriter {
    tail: TextTail,
}

impl FormatWriter for ConciseWriter {
    fn file(&mut self, run: &Run<'_>, file: &FileReport, out: &mut dyn Write) -> io::Result<()> {
        let index = LineIndex::new(&file.source.text);
        for (finding, suppressed) in run.shown(file) {
            let at = Region::of(&index, finding.loc.span).start;
            let rule = run.rule(finding);
            let severity = finding.severity.name();
            writeln!(
                out,
                "{}:{}:{}: {} {severity} {}{}",
                file.source.name,
                at.line,
                at.column,
                rule.id,
                message_in_context(finding),
                suppression_note(suppressed)
            )?;
        }
        self.tail.notices.extend(notice_lines(file));
        Ok(())
    }

    fn error(&mut self, error: &ToolError) {
        self.tail.errors.push(error, error_line(error));
    }

    fn finish(&mut self, run: &Run<'_>, totals: &Totals, out: &mut dyn Write) -> io::Result<()> {
        self.tail.write(run, totals, out)
    }
}

/// A tool error as one `path:line:column: error: message` line (standard error beside a
/// machine-readable report shows them so too).
pub(crate) fn error_line(error: &ToolError) -> String {
    let place = match (&error.file, error_region(error)) {
        (Some(file), Some(region)) => format!("{file}:{}:{}: ", region.start.line, region.start.column),
        (Some(file), None) => format!("{file}: "),
        _ => String::new(),
    };
    format!("{place}error: {}", error.message)
}
