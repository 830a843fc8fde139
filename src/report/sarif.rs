//! SARIF 2.1.0 with the fields GitHub code scanning reads (DESIGN §7). A small serde model
//! of just what we write; byte-identical output for identical input.

use std::borrow::Cow;
use std::io::{self, Write};

use serde::Serialize;
use serde_json::{Value, json};

use super::source_root::{ArtifactPath, SourceRoot};
use super::{
    DeferredErrors, FormatWriter, Region, Run as ReportRun, Totals, error_region, message_in_context, placed_notices,
};
use crate::error::ToolError;
use crate::finding::Finding;
use crate::iam::catalog::catalog;
use crate::lint::FileReport;
use crate::rules::Rule;
use crate::source::LineIndex;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// GitHub code scanning rejects a run with more results than this.
pub(crate) const MAX_RESULTS: usize = 25_000;

/// What a SARIF report needs beyond the findings.
#[derive(Debug, Clone)]
pub(crate) struct SarifOptions {
    /// The analysis category (`--sarif-category`): GitHub keeps one set of alerts per category,
    /// so each part of a monorepo linted on its own needs its own.
    pub category: String,
    pub root: SourceRoot,
}

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool<'a>,
    automation_details: AutomationDetails,
    original_uri_base_ids: BaseIds,
    column_kind: &'static str,
    results: Vec<SarifResult>,
    invocations: [Invocation; 1],
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    information_uri: &'static str,
    rules: Vec<SarifRule<'a>>,
    properties: DriverProperties,
}

/// Which IAM catalog judged the actions: findings can change when it is updated.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DriverProperties {
    iam_catalog: &'static str,
    iam_catalog_updated: &'static str,
}

#[derive(Serialize)]
struct AutomationDetails {
    id: String,
}

/// Where `%SRCROOT%` is, so that a viewer (VS Code's SARIF viewer) opens the files without
/// asking; GitHub resolves it to the checkout.
#[derive(Serialize)]
struct BaseIds {
    #[serde(rename = "%SRCROOT%")]
    source_root: BaseUri,
}

#[derive(Serialize)]
struct BaseUri {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    tool_execution_notifications: Vec<Notification>,
}

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

fn rule_descriptor(rule: &Rule) -> SarifRule<'_> {
    let mut properties = json!({ "tags": rule.tags, "precision": "high" });
    if let Some(score) = rule.security_severity.filter(|_| rule.tags.iter().any(|t| t == "security")) {
        properties["security-severity"] = Value::String(format!("{score:.1}"));
    }
    let why = rule.why();
    SarifRule {
        id: &rule.id,
        name: &rule.name,
        short_description: Message { text: strip_code_marks(&rule.summary) },
        full_description: Message { text: strip_code_marks(&why) },
        help: Help { text: rule.help.trim().to_owned(), markdown: rule.help.trim().to_owned() },
        help_uri: &rule.docs,
        default_configuration: Configuration { level: rule.severity.name() },
        properties,
    }
}

/// Plain-text fields should not show Markdown backticks.
fn strip_code_marks(text: &str) -> String {
    text.replace('`', "")
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

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    logical_locations: Vec<LogicalLocation>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<SarifRegion>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifRegion {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    /// Exclusive.
    end_column: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogicalLocation {
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    fully_qualified_name: String,
    kind: &'static str,
}

/// In a template: the resource (its logical id, and its construct path when CDK wrote one) and
/// the property path within it. In a bare policy: the JSON pointer of the element.
fn logical_locations(finding: &Finding) -> Vec<LogicalLocation> {
    let Some(origin) = &finding.origin else {
        let pointer = LogicalLocation { name: None, fully_qualified_name: finding.loc.pointer.clone(), kind: "value" };
        return vec![pointer];
    };
    let resource = LogicalLocation {
        name: Some(origin.logical_id.clone()),
        fully_qualified_name: origin.construct.clone().unwrap_or_else(|| origin.logical_id.clone()),
        kind: "resource",
    };
    let property = LogicalLocation {
        name: None,
        fully_qualified_name: format!("{}.{}", origin.logical_id, origin.property_path),
        kind: "property",
    };
    vec![resource, property]
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: String,
    rule_index: usize,
    level: &'static str,
    message: Message,
    locations: [Location; 1],
    partial_fingerprints: Fingerprints,
    properties: ResultProperties,
    /// Present only for a finding a suppression accepted (`--include-suppressed`).
    #[serde(skip_serializing_if = "Option::is_none")]
    suppressions: Option<[Suppression; 1]>,
}

#[derive(Serialize)]
struct Suppression {
    kind: &'static str,
    justification: String,
}

/// Versioned: a new key scheme gets a new name, so GitHub does not mistake old keys for new.
#[derive(Serialize)]
struct Fingerprints {
    #[serde(rename = "iamLint/v1")]
    key: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultProperties {
    policy_kind: &'static str,
}

#[derive(Serialize)]
struct Notification {
    level: &'static str,
    message: Message,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    locations: Vec<Location>,
}

/// An absolute path as a `file:` URI (a Windows drive keeps its colon: `file:///C:/...`).
fn file_uri(path: &std::path::Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    let text = text.trim_start_matches('/');
    match text.split_once(':').filter(|(drive, _)| drive.len() == 1) {
        Some((drive, rest)) => format!("file:///{drive}:{}", uri(rest)),
        None => format!("file:///{}", uri(text)),
    }
}

fn artifact_location(artifact: &ArtifactPath) -> ArtifactLocation {
    // A file outside the source root cannot be relative to it.
    match artifact {
        ArtifactPath::UnderRoot(path) => ArtifactLocation { uri: uri(path), uri_base_id: Some("%SRCROOT%") },
        ArtifactPath::Absolute(path) => ArtifactLocation { uri: file_uri(path), uri_base_id: None },
    }
}

fn located_at(artifact: &ArtifactPath, region: Option<Region>) -> PhysicalLocation {
    let artifact_location = artifact_location(artifact);
    PhysicalLocation {
        artifact_location,
        region: region.map(|r| SarifRegion {
            start_line: r.start.line,
            start_column: r.start.column,
            end_line: r.end.line,
            end_column: r.end.column,
        }),
    }
}

/// Keeps the results (at most twice [`MAX_RESULTS`], cut to the most severe as they come)
/// and the notifications, and writes the log at the end: its results are the most severe
/// of the whole run, so none can be written before the last file is seen.
pub(super) struct SarifWriter<'a> {
    options: &'a SarifOptions,
    results: Vec<SarifResult>,
    left_out: usize,
    notices: Vec<Notification>,
    errors: DeferredErrors<Notification>,
}

impl<'a> SarifWriter<'a> {
    pub(super) fn new(options: &'a SarifOptions) -> SarifWriter<'a> {
        SarifWriter {
            options,
            results: Vec::new(),
            left_out: 0,
            notices: Vec::new(),
            errors: DeferredErrors::default(),
        }
    }
}

impl FormatWriter for SarifWriter<'_> {
    fn file(&mut self, run: &ReportRun<'_>, file: &FileReport, _: &mut dyn Write) -> io::Result<()> {
        let root = &self.options.root;
        let index = LineIndex::new(&file.source.text);
        let artifact = root.locate(&file.source.name);
        let fingerprint_path = match &artifact {
            ArtifactPath::UnderRoot(path) => Cow::Borrowed(path.as_str()),
            ArtifactPath::Absolute(path) => path.to_string_lossy(),
        };
        for (finding, suppressed) in run.shown(file) {
            let rule = run.rule(finding);
            let region = Region::of(&index, finding.loc.span);
            self.results.push(SarifResult {
                rule_id: rule.id.clone(),
                rule_index: finding.rule,
                level: finding.severity.name(),
                message: Message { text: message_in_context(finding).into_owned() },
                locations: [Location {
                    physical_location: located_at(&artifact, Some(region)),
                    logical_locations: logical_locations(finding),
                }],
                partial_fingerprints: Fingerprints { key: finding.fingerprint(&rule.id, &fingerprint_path) },
                properties: ResultProperties { policy_kind: finding.kind.name() },
                suppressions: suppressed.map(|s| {
                    let kind = if s.external { "external" } else { "inSource" };
                    [Suppression { kind, justification: s.justification.clone() }]
                }),
            });
        }
        if self.results.len() >= 2 * MAX_RESULTS {
            self.left_out += keep_most_severe(&mut self.results, MAX_RESULTS);
        }
        for (region, message) in placed_notices(file) {
            self.notices.push(Notification {
                level: "note",
                message: Message { text: message.to_owned() },
                locations: vec![Location {
                    physical_location: located_at(&artifact, Some(region)),
                    logical_locations: vec![],
                }],
            });
        }
        Ok(())
    }

    fn error(&mut self, error: &ToolError) {
        let region = error_region(error);
        let locations = error
            .file
            .iter()
            .map(|file| Location {
                physical_location: located_at(&self.options.root.locate(file), region),
                logical_locations: vec![],
            })
            .collect();
        self.errors
            .push(error, Notification { level: "error", message: Message { text: error.message.clone() }, locations });
    }

    fn finish(&mut self, run: &ReportRun<'_>, _: &Totals, out: &mut dyn Write) -> io::Result<()> {
        let options = self.options;
        let mut notifications: Vec<Notification> = self.errors.drain_in_order().collect();
        let failed = !notifications.is_empty();
        let mut results = std::mem::take(&mut self.results);
        let left_out = self.left_out + keep_most_severe(&mut results, MAX_RESULTS);
        if left_out > 0 {
            let text = format!(
                "{left_out} results left out: GitHub code scanning accepts at most {MAX_RESULTS} per run, and the most severe are kept; lint fewer files per run, each with its own --sarif-category"
            );
            notifications.push(Notification { level: "warning", message: Message { text }, locations: vec![] });
        }
        notifications.append(&mut self.notices);
        let version = env!("CARGO_PKG_VERSION");
        let driver = Driver {
            name: "iam-lint",
            version,
            semantic_version: version,
            information_uri: env!("CARGO_PKG_REPOSITORY"),
            rules: run.rules.rules.iter().map(rule_descriptor).collect(),
            properties: DriverProperties {
                iam_catalog: catalog().package_version,
                iam_catalog_updated: catalog().updated,
            },
        };
        let sarif_run = Run {
            tool: Tool { driver },
            automation_details: AutomationDetails { id: format!("{}/", options.category) },
            original_uri_base_ids: BaseIds {
                source_root: BaseUri { uri: format!("{}/", file_uri(options.root.root()).trim_end_matches('/')) },
            },
            column_kind: "unicodeCodePoints",
            results,
            invocations: [Invocation { execution_successful: !failed, tool_execution_notifications: notifications }],
        };
        let document = Log { schema: SCHEMA, version: "2.1.0", runs: [sarif_run] };
        serde_json::to_writer_pretty(&mut *out, &document)?;
        writeln!(out)
    }
}

/// Drops all but the `max` most severe results, keeping their order; returns how many went.
/// Suppressed ones (`--include-suppressed`) go first.
fn keep_most_severe(results: &mut Vec<SarifResult>, max: usize) -> usize {
    if results.len() <= max {
        return 0;
    }
    let rank = |result: &SarifResult| {
        let level = match result.level {
            "error" => 0,
            "warning" => 1,
            _ => 2,
        };
        (result.suppressions.is_some(), level)
    };
    let mut order: Vec<usize> = (0..results.len()).collect();
    order.sort_by_key(|&i| rank(&results[i]));
    let mut keep = vec![false; results.len()];
    for &i in &order[..max] {
        keep[i] = true;
    }
    let before = results.len();
    let mut flags = keep.into_iter();
    results.retain(|_| flags.next().unwrap_or(false));
    before - results.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_uris_keep_a_windows_drive_colon() {
        assert_eq!(file_uri(std::path::Path::new("/srv/my repo/p.json")), "file:///srv/my%20repo/p.json");
        assert_eq!(file_uri(std::path::Path::new(r"C:\work\p.json")), "file:///C:/work/p.json");
    }

    #[test]
    fn uris_escape_reserved_characters() {
        assert_eq!(uri("policies/my policy#1.json"), "policies/my%20policy%231.json");
        assert_eq!(uri("ç.json"), "%C3%A7.json");
    }
}
