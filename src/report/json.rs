//! iam-lint's own JSON report. The schema is documented in docs/json-output.md; fields are only
//! ever added, and `schema_version` changes when one is removed or changes meaning.

use std::io::{self, Write};

use serde::Serialize;

use super::{BaselineCounts, DeferredErrors, FormatWriter, Region, Run, Totals, error_region, placed_notices};
use crate::error::ToolError;
use crate::finding::Origin;
use crate::lint::FileReport;
use crate::source::LineIndex;

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct JsonNotice {
    file: String,
    line: usize,
    column: usize,
    message: String,
}

#[derive(Serialize)]
struct Summary {
    files_checked: usize,
    policies: usize,
    findings: usize,
    errors: usize,
    warnings: usize,
    notes: usize,
    suppressed: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    baselined: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fixed: Option<usize>,
    tool_errors: usize,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule_id: &'a str,
    rule_name: &'a str,
    severity: &'static str,
    message: &'a str,
    file: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    pointer: &'a str,
    policy_kind: &'static str,
    element: &'a str,
    docs: &'a str,
    template: Option<&'a Origin>,
    #[serde(skip_serializing_if = "Option::is_none")]
    suppression: Option<JsonSuppression<'a>>,
}

#[derive(Serialize)]
struct JsonSuppression<'a> {
    justification: &'a str,
}

#[derive(Serialize)]
struct JsonError {
    file: Option<String>,
    line: Option<usize>,
    column: Option<usize>,
    message: String,
    help: Option<String>,
}

/// Writes the document as serde_json's pretty printer would, but the `findings` array one
/// file at a time: the summary, counted meanwhile, comes last.
#[derive(Default)]
pub(super) struct JsonWriter {
    /// The document's head is written (before the first file).
    started: bool,
    findings_written: usize,
    notices: Vec<JsonNotice>,
    errors: DeferredErrors<JsonError>,
}

impl JsonWriter {
    fn start(&mut self, out: &mut dyn Write) -> io::Result<()> {
        if !self.started {
            out.write_all(b"{\n  \"schema_version\": 1,\n  \"tool\": ")?;
            write_nested(out, &Tool { name: "iam-lint", version: env!("CARGO_PKG_VERSION") }, 1)?;
            out.write_all(b",\n  \"findings\": [")?;
            self.started = true;
        }
        Ok(())
    }
}

impl FormatWriter for JsonWriter {
    fn file(&mut self, run: &Run<'_>, file: &FileReport, out: &mut dyn Write) -> io::Result<()> {
        self.start(out)?;
        let index = LineIndex::new(&file.source.text);
        for (finding, suppressed) in run.shown(file) {
            let rule = run.rule(finding);
            let region = Region::of(&index, finding.loc.span);
            let finding = JsonFinding {
                rule_id: &rule.id,
                rule_name: &rule.name,
                severity: finding.severity.name(),
                message: &finding.message,
                file: &file.source.name,
                line: region.start.line,
                column: region.start.column,
                end_line: region.end.line,
                end_column: region.end.column,
                pointer: &finding.loc.pointer,
                policy_kind: finding.kind.name(),
                element: &finding.element,
                docs: &rule.docs,
                template: finding.origin.as_ref(),
                suppression: suppressed.map(|s| JsonSuppression { justification: &s.justification }),
            };
            out.write_all(if self.findings_written == 0 { b"\n    " } else { b",\n    " })?;
            self.findings_written += 1;
            write_nested(out, &finding, 2)?;
        }
        self.notices.extend(placed_notices(file).into_iter().map(|(region, message)| JsonNotice {
            file: file.source.name.clone(),
            line: region.start.line,
            column: region.start.column,
            message: message.to_owned(),
        }));
        Ok(())
    }

    fn error(&mut self, error: &ToolError) {
        let at = error_region(error).map(|region| region.start);
        let shown = JsonError {
            file: error.file.clone(),
            line: at.map(|a| a.line),
            column: at.map(|a| a.column),
            message: error.message.clone(),
            help: error.help.clone(),
        };
        self.errors.push(error, shown);
    }

    fn finish(&mut self, _: &Run<'_>, totals: &Totals, out: &mut dyn Write) -> io::Result<()> {
        self.start(out)?;
        out.write_all(if self.findings_written == 0 { b"]" } else { b"\n  ]" })?;
        out.write_all(b",\n  \"notices\": ")?;
        write_nested(out, &self.notices, 1)?;
        out.write_all(b",\n  \"errors\": ")?;
        write_nested(out, &self.errors.drain_in_order().collect::<Vec<_>>(), 1)?;
        let counts = totals.counts;
        let summary = Summary {
            files_checked: totals.files_checked,
            policies: totals.policies,
            findings: counts.total(),
            errors: counts.errors,
            warnings: counts.warnings,
            notes: counts.notes,
            suppressed: totals.suppressed,
            baselined: totals.baselined.as_ref().map(BaselineCounts::baselined),
            fixed: totals.baselined.as_ref().map(|c| c.fixed),
            tool_errors: totals.tool_errors,
        };
        out.write_all(b",\n  \"summary\": ")?;
        write_nested(out, &summary, 1)?;
        out.write_all(b"\n}\n")
    }
}

/// `value` pretty-printed, its lines after the first indented to sit `depth` levels deep
/// (a pretty-printed JSON string holds no newline of its own, so lines are safe to indent).
fn write_nested(out: &mut dyn Write, value: &impl Serialize, depth: usize) -> io::Result<()> {
    let text = serde_json::to_string_pretty(value)?;
    let indent = "  ".repeat(depth);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.write_all(b"\n")?;
            out.write_all(indent.as_bytes())?;
        }
        out.write_all(line.as_bytes())?;
    }
    Ok(())
}
