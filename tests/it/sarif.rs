//! SARIF conformance: every fixture's SARIF validates against the SARIF 2.1.0 schema and meets
//! what GitHub code scanning requires of an upload (DESIGN §7).

use std::path::Path;

use crate::common::sarif_checks::{github_problems, schema};
use crate::common::{files_below, repo, run};
use serde_json::Value;

fn is_input(path: &Path) -> bool {
    matches!(path.extension().and_then(|e| e.to_str()), Some("json" | "yaml" | "yml"))
        && !path.starts_with(repo().join("testdata/sarif"))
}

#[test]
fn every_fixture_gives_valid_sarif_that_github_accepts() {
    let (schemas, index) = schema();
    let mut inputs: Vec<String> = files_below(&repo().join("testdata"))
        .into_iter()
        .filter(|p| is_input(p))
        .map(|p| p.strip_prefix(repo()).unwrap().to_string_lossy().into_owned())
        .collect();
    inputs.push("testdata".into());
    assert!(inputs.len() > 20, "too few fixtures found: {inputs:?}");
    let mut results = 0;
    for input in &inputs {
        // Suppressed findings included, so that their `suppressions` are validated too.
        let out = run(&["check", "--format", "sarif", "--include-suppressed", input]);
        let sarif: Value = serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{input}: not JSON: {e}"));
        if let Err(err) = schemas.validate(&sarif, index) {
            panic!("{input}: SARIF does not validate against the 2.1.0 schema:\n{err:#}");
        }
        let problems = github_problems(&sarif);
        assert!(problems.is_empty(), "{input}: {problems:#?}");
        results += sarif["runs"][0]["results"].as_array().unwrap().len();
    }
    assert!(results > 0, "no fixture produced a result, so nothing about results was checked");
}

#[test]
fn tool_errors_become_notifications_and_still_validate() {
    let (schemas, index) = schema();
    let out = run(&["check", "--format", "sarif", "testdata/cli/broken.json", "testdata/cli/missing.json"]);
    assert_eq!(out.code, 2);
    let sarif: Value = serde_json::from_str(&out.stdout).unwrap();
    schemas.validate(&sarif, index).unwrap();
    let invocation = &sarif["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    let notifications = invocation["toolExecutionNotifications"].as_array().unwrap();
    assert_eq!(notifications.len(), 2, "{notifications:#?}");
    assert_eq!(notifications[0]["locations"][0]["physicalLocation"]["region"]["startLine"], 4);
    assert!(out.stderr.contains("broken.json:4:49: error: invalid JSON"), "{}", out.stderr);
}

fn sarif_of(out: &crate::common::Output) -> Value {
    serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("not JSON: {e}\n{}", out.stderr))
}

#[test]
fn category_names_the_analysis_and_paths_start_at_the_root() {
    let default = sarif_of(&run(&["check", "--format", "sarif", "testdata/cli/admin.json"]));
    let run_ = &default["runs"][0];
    assert_eq!(run_["automationDetails"]["id"], "iam-lint/");
    let root = repo().canonicalize().unwrap();
    assert_eq!(run_["originalUriBaseIds"]["%SRCROOT%"]["uri"], format!("file://{}/", root.display()));
    let located = &run_["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
    assert_eq!(located["uri"], "testdata/cli/admin.json");

    let args =
        ["check", "--format", "sarif", "--sarif-category", "infra/", "--root", "testdata", "testdata/cli/admin.json"];
    let rooted = sarif_of(&run(&args));
    let run_ = &rooted["runs"][0];
    assert_eq!(run_["automationDetails"]["id"], "infra/");
    assert_eq!(run_["originalUriBaseIds"]["%SRCROOT%"]["uri"], format!("file://{}/testdata/", root.display()));
    let located = &run_["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
    assert_eq!((&located["uri"], &located["uriBaseId"]), (&Value::from("cli/admin.json"), &Value::from("%SRCROOT%")));

    // A file outside the root has an absolute URI and no base.
    let outside =
        sarif_of(&run(&["check", "--format", "sarif", "--root", "testdata/rules", "testdata/cli/admin.json"]));
    let located = &outside["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
    assert_eq!(located["uri"], format!("file://{}/testdata/cli/admin.json", root.display()));
    assert!(located.get("uriBaseId").is_none());

    assert_eq!(run(&["check", "--format", "sarif", "--sarif-category", "", "testdata/cli/admin.json"]).code, 2);
    assert_eq!(run(&["check", "--format", "sarif", "--root", "no/such/dir", "testdata/cli/admin.json"]).code, 2);
}

/// A policy of `statements` statements, each giving four or five findings.
fn write_policy_with_many_findings(name: &str, statements: usize) -> std::path::PathBuf {
    let statement = r#"{"Effect": "Allow", "Action": ["iam:PassRole", "s3:*"], "Resource": "*"}"#;
    let mut all = vec![statement; statements];
    all.push(r#"{"Effect": "Allow", "Action": "*", "Resource": "*"}"#);
    let path = crate::common::scratch_dir(name).join("many.json");
    std::fs::write(&path, format!(r#"{{"Version": "2012-10-17", "Statement": [{}]}}"#, all.join(","))).unwrap();
    path
}

#[test]
fn github_limits_keep_the_most_severe_25000_results_and_warn_above_5000() {
    let (schemas, index) = schema();
    let path = write_policy_with_many_findings("sarif-cap", 6000);
    let root = path.parent().unwrap().to_str().unwrap();
    let out = run(&["check", "--format", "sarif", "--root", root, path.to_str().unwrap()]);
    let sarif = sarif_of(&out);
    schemas.validate(&sarif, index).unwrap();
    assert!(github_problems(&sarif).is_empty(), "{:#?}", github_problems(&sarif));
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 25_000);
    let levels = |level: &str| results.iter().filter(|r| r["level"] == level).count();
    // Every error (one LP001, 6,001 each of LP003 and LP004) is kept, warnings fill the rest.
    assert_eq!((levels("error"), levels("warning"), levels("note")), (12_003, 12_997, 0));
    assert!(results.iter().any(|r| r["ruleId"] == "LP001"), "the one administrator finding is kept");
    let notifications = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"].as_array().unwrap();
    let warning = notifications.iter().find(|n| n["level"] == "warning").expect("a notification of the cut");
    assert!(warning["message"]["text"].as_str().unwrap().starts_with("5005 results left out"), "{warning}");
    assert!(out.stderr.contains("warning: 30005 results, over the 25000"), "{}", out.stderr);

    let path = write_policy_with_many_findings("sarif-5000", 1200);
    let out = run(&["check", "--format", "sarif", path.to_str().unwrap()]);
    assert_eq!(sarif_of(&out)["runs"][0]["results"].as_array().unwrap().len(), 6005);
    assert!(out.stderr.contains("GitHub code scanning shows only the 5000 most severe"), "{}", out.stderr);
    let small = run(&["check", "--format", "sarif", "testdata/cli/admin.json"]);
    assert!(!small.stderr.contains("warning"), "{}", small.stderr);
}

/// The URI and the fingerprint are the path from the repository's top, whichever directory
/// iam-lint runs in: code scanning keeps one alert per finding. (The binary, since each run
/// needs its own working directory.)
#[test]
fn the_same_finding_is_the_same_alert_from_any_directory() {
    let located = |dir: &str, path: &str| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_iam-lint"))
            .args(["check", "--format", "sarif", path])
            .current_dir(repo().join(dir))
            .output()
            .unwrap();
        let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
        let results = sarif["runs"][0]["results"].as_array().unwrap().clone();
        assert!(!results.is_empty());
        results
            .iter()
            .map(|r| {
                let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str().unwrap().to_owned();
                (uri, r["partialFingerprints"]["iamLint/v1"].as_str().unwrap().to_owned())
            })
            .collect::<Vec<_>>()
    };
    let from_top = located(".", "testdata/cli/admin.json");
    assert_eq!(from_top[0].0, "testdata/cli/admin.json");
    assert_eq!(located("testdata/cli", "admin.json"), from_top);
    assert_eq!(located("testdata", "../testdata/cli/./admin.json"), from_top);
}
