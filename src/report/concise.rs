//! One line per finding, `path:line:column: ID severity message`, as compilers print them, for
//! grep, editors' problem matchers and quick reading.

use std::io::{self, Write};

use super::{Region, Report, message_in_context, suppression_note, write_notices};
use crate::source::LineIndex;

pub fn write(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    for file in report.files {
        let index = LineIndex::new(&file.source.text);
        for (finding, suppressed) in report.shown(file) {
            let at = Region::of(&index, finding.loc.span).start;
            let rule = report.rule(finding);
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
    }
    write_notices(report, out)?;
    write_errors(report, out)?;
    report.write_summary(out)
}

pub fn write_errors(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    for error in report.tool_errors() {
        let place = match (&error.file, &error.text, error.span) {
            (Some(file), Some(text), Some(span)) => {
                let at = LineIndex::new(text).line_col(span.start);
                format!("{file}:{}:{}: ", at.line, at.column)
            }
            (Some(file), _, _) => format!("{file}: "),
            _ => String::new(),
        };
        writeln!(out, "{place}error: {}", error.message)?;
    }
    Ok(())
}
