//! What tests check of a SARIF report: the SARIF 2.1.0 schema, and GitHub code scanning's
//! upload rules beyond it (DESIGN §7).

use serde_json::Value;

use super::repo;

/// The SARIF 2.1.0 schema, compiled.
pub(crate) fn schema() -> (boon::Schemas, boon::SchemaIndex) {
    let text = std::fs::read_to_string(repo().join("testdata/sarif/sarif-schema-2.1.0.json")).unwrap();
    let mut compiler = boon::Compiler::new();
    let url = "https://iam-lint.invalid/sarif-schema-2.1.0.json";
    compiler.add_resource(url, serde_json::from_str(&text).unwrap()).unwrap();
    let mut schemas = boon::Schemas::new();
    let index = compiler.compile(url, &mut schemas).unwrap();
    (schemas, index)
}

/// GitHub's upload rules beyond the schema; returns what is wrong.
pub(crate) fn github_problems(sarif: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    let runs = sarif["runs"].as_array().unwrap();
    if runs.len() != 1 {
        problems.push(format!("{} runs, expected one", runs.len()));
    }
    let run = &runs[0];
    if !run["automationDetails"]["id"].as_str().is_some_and(|id| id.len() > 1 && id.ends_with('/')) {
        problems.push("automationDetails.id is not a category followed by `/`".into());
    }
    let base = run["originalUriBaseIds"]["%SRCROOT%"]["uri"].as_str().unwrap_or("");
    if !(base.starts_with("file:///") && base.ends_with('/')) {
        problems.push(format!("%SRCROOT% is `{base}`, not an absolute file URI of a directory"));
    }
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    for rule in rules {
        let id = rule["id"].as_str().unwrap_or("?");
        for field in ["name", "shortDescription", "fullDescription", "help", "helpUri", "defaultConfiguration"] {
            if rule[field].is_null() {
                problems.push(format!("rule {id} has no {field}"));
            }
        }
        let tags = rule["properties"]["tags"].as_array().map_or(0, Vec::len);
        if tags == 0 || tags > 10 {
            problems.push(format!("rule {id} has {tags} tags (GitHub reads 1 to 10)"));
        }
        if let Some(score) = rule["properties"].get("security-severity") {
            let valid = score.as_str().and_then(|s| s.parse::<f64>().ok()).is_some_and(|s| (0.0..=10.0).contains(&s));
            if !valid {
                problems.push(format!("rule {id} security-severity {score} is not a string holding 0.0-10.0"));
            }
        }
    }
    let results = run["results"].as_array().unwrap();
    if results.len() > 25_000 {
        problems.push("more than 25,000 results".into());
    }
    for result in results {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        if rules.get(index).map(|r| &r["id"]) != Some(&result["ruleId"]) {
            problems.push(format!("ruleIndex {index} does not name rule {}", result["ruleId"]));
        }
        if result["partialFingerprints"].as_object().is_none_or(serde_json::Map::is_empty) {
            problems.push("a result has no partialFingerprints".into());
        }
        let locations = result["locations"].as_array().unwrap();
        if locations.len() != 1 {
            problems.push("a result does not have exactly one location".into());
        }
        let physical = &locations[0]["physicalLocation"];
        let uri = physical["artifactLocation"]["uri"].as_str().unwrap();
        if uri.contains('\\') || uri.starts_with('/') || uri.contains("://") {
            problems.push(format!("uri `{uri}` is not relative with forward slashes"));
        }
        if physical["artifactLocation"]["uriBaseId"] != "%SRCROOT%" {
            problems.push("uriBaseId is not %SRCROOT%".into());
        }
        let region = &physical["region"];
        let (start, end) = (
            (region["startLine"].as_u64().unwrap(), region["startColumn"].as_u64().unwrap()),
            (region["endLine"].as_u64().unwrap(), region["endColumn"].as_u64().unwrap()),
        );
        if start.0 == 0 || start.1 == 0 || end <= start {
            problems.push(format!("region {start:?}..{end:?} is not 1-based with an exclusive end after its start"));
        }
    }
    problems
}
