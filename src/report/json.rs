//! iam-lint's own JSON report. The schema is documented in docs/json-output.md; fields are only
//! ever added, and `schema_version` changes when one is removed or changes meaning.

use std::io::{self, Write};

use serde::Serialize;

use super::{Region, Report};
use crate::finding::Origin;
use crate::source::LineIndex;

#[derive(Serialize)]
struct JsonReport<'a> {
    schema_version: u32,
    tool: Tool,
    summary: Summary,
    findings: Vec<JsonFinding<'a>>,
    notices: Vec<JsonNotice<'a>>,
    errors: Vec<JsonError<'a>>,
}

#[derive(Serialize)]
struct JsonNotice<'a> {
    file: &'a str,
    line: usize,
    column: usize,
    message: &'a str,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Summary {
    files_checked: usize,
    policies: usize,
    findings: usize,
    errors: usize,
    warnings: usize,
    notes: usize,
    /// Findings suppressions accepted (not counted in `findings`).
    suppressed: usize,
    /// With `--baseline`: findings it holds (not counted in `findings`), and its entries no
    /// finding matched (fixed since); absent without one.
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
    /// Exclusive, like SARIF's `endColumn`.
    end_column: usize,
    pointer: &'a str,
    policy_kind: &'static str,
    element: &'a str,
    docs: &'a str,
    /// In a template: the resource and the property path, the CDK construct path and the
    /// `Fn::If` conditions; `null` in a bare policy.
    template: Option<&'a Origin>,
    /// With `--include-suppressed`: why a suppression accepted the finding; else absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    suppression: Option<JsonSuppression<'a>>,
}

#[derive(Serialize)]
struct JsonSuppression<'a> {
    justification: &'a str,
}

#[derive(Serialize)]
struct JsonError<'a> {
    file: Option<&'a str>,
    line: Option<usize>,
    column: Option<usize>,
    message: &'a str,
    help: Option<&'a str>,
}

pub fn write(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    let mut findings = Vec::new();
    for file in report.files {
        let index = LineIndex::new(&file.source.text);
        for (finding, suppressed) in report.shown(file) {
            let rule = report.rule(finding);
            let region = Region::of(&index, finding.loc.span);
            findings.push(JsonFinding {
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
            });
        }
    }
    let errors: Vec<JsonError> = report
        .tool_errors()
        .map(|error| {
            let at = match (&error.text, error.span) {
                (Some(text), Some(span)) => Some(LineIndex::new(text).line_col(span.start)),
                _ => None,
            };
            JsonError {
                file: error.file.as_deref(),
                line: at.map(|a| a.line),
                column: at.map(|a| a.column),
                message: &error.message,
                help: error.help.as_deref(),
            }
        })
        .collect();
    let counts = report.counts();
    let summary = Summary {
        files_checked: report.files_checked,
        policies: report.policies,
        findings: counts.total(),
        errors: counts.errors,
        warnings: counts.warnings,
        notes: counts.notes,
        suppressed: report.suppressed(),
        baselined: report.baselined.as_ref().map(|c| c.baselined()),
        fixed: report.baselined.as_ref().map(|c| c.fixed),
        tool_errors: errors.len(),
    };
    let document = JsonReport {
        schema_version: 1,
        tool: Tool { name: "iam-lint", version: env!("CARGO_PKG_VERSION") },
        summary,
        findings,
        notices: report
            .notices()
            .into_iter()
            .map(|n| JsonNotice {
                file: n.file,
                line: n.region.start.line,
                column: n.region.start.column,
                message: n.message,
            })
            .collect(),
        errors,
    };
    serde_json::to_writer_pretty(&mut *out, &document)?;
    writeln!(out)
}
