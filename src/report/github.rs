//! `--format github`: GitHub Actions workflow commands (`::error file=...::message`), which the
//! runner turns into annotations on the pull request's diff, for workflows that do not upload
//! SARIF to code scanning.

use std::io::{self, Write};

use super::{Region, Report, message_in_context};
use crate::finding::Severity;
use crate::source::LineIndex;

pub fn write(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    for file in report.files {
        let index = LineIndex::new(&file.source.text);
        for finding in &file.findings {
            let rule = report.rule(finding);
            let region = Region::of(&index, finding.loc.span);
            let level = match finding.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Note => "notice",
            };
            writeln!(
                out,
                "::{level} file={},line={},col={},endLine={},endColumn={},title={}::{}",
                property(&file.source.name),
                region.start.line,
                region.start.column,
                region.end.line,
                region.end.column,
                property(&format!("{} {}", rule.id, rule.name)),
                data(&message_in_context(finding))
            )?;
        }
    }
    for notice in report.notices() {
        let at = notice.region.start;
        writeln!(
            out,
            "::notice file={},line={},col={}::{}",
            property(notice.file),
            at.line,
            at.column,
            data(notice.message)
        )?;
    }
    for error in report.tool_errors() {
        let mut place = error.file.as_deref().map(|f| format!(" file={}", property(f))).unwrap_or_default();
        if let (Some(text), Some(span)) = (&error.text, error.span) {
            let at = LineIndex::new(text).line_col(span.start);
            place.push_str(&format!(",line={},col={}", at.line, at.column));
        }
        writeln!(out, "::error{place}::{}", data(&error.message))?;
    }
    report.write_summary(out)
}

/// A command's message: `%`, CR and LF escaped, as the runner expects.
fn data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// A command's property value: also `:` and `,`, which separate properties.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_escaped_as_the_runner_reads_them() {
        assert_eq!(data("100% done\nnext"), "100%25 done%0Anext");
        assert_eq!(property("a:b,c"), "a%3Ab%2Cc");
    }
}
