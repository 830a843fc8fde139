//! `--format github`: GitHub Actions workflow commands (`::error file=...::message`), which the
//! runner turns into annotations on the pull request's diff, for workflows that do not upload
//! SARIF to code scanning.

use std::io::{self, Write};

use super::{FormatWriter, Region, Run, TextTail, Totals, error_region, message_in_context, placed_notices};
use crate::error::ToolError;
use crate::finding::Severity;
use crate::lint::FileReport;
use crate::source::LineIndex;

#[derive(Default)]
pub(super) struct GithubWriter {
    tail: TextTail,
}

impl FormatWriter for GithubWriter {
    fn file(&mut self, run: &Run<'_>, file: &FileReport, out: &mut dyn Write) -> io::Result<()> {
        let index = LineIndex::new(&file.source.text);
        for finding in &file.findings {
            let rule = run.rule(finding);
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
        for (region, message) in placed_notices(file) {
            let at = region.start;
            let file = property(&file.source.name);
            self.tail.notices.push(format!(
                "::notice file={file},line={},col={}::{}",
                at.line,
                at.column,
                data(message)
            ));
        }
        Ok(())
    }

    fn error(&mut self, error: &ToolError) {
        let mut place = error.file.as_deref().map(|f| format!(" file={}", property(f))).unwrap_or_default();
        if let Some(region) = error_region(error) {
            place.push_str(&format!(",line={},col={}", region.start.line, region.start.column));
        }
        self.tail.errors.push(error, format!("::error{place}::{}", data(&error.message)));
    }

    fn finish(&mut self, run: &Run<'_>, totals: &Totals, out: &mut dyn Write) -> io::Result<()> {
        self.tail.write(run, totals, out)
    }
}

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
