//! The per-rule fixture harness (DESIGN §10). For every built-in rule `ID` there must be
//! `testdata/rules/ID/pass/*` and `testdata/rules/ID/fail/*`. Each case is linted with only
//! that rule selected (plus the arguments in an optional `<case>.args` file, one per line):
//! a pass case must report nothing; a fail case must report exactly the lines of its sidecar
//! `<case>.expected`, each `ID severity line:col pointer message` (in templates followed by
//! `| when <condition>` and `| construct <path>`). `IAM_LINT_BLESS=1` rewrites
//! the sidecars from what iam-lint reports.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use common::{repo, run};

fn builtin_rule_ids() -> BTreeSet<String> {
    let out = run(&["rules", "--format", "json"]);
    let rules: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    rules.as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap().to_owned()).collect()
}

fn is_case(path: &Path) -> bool {
    !matches!(path.extension().and_then(|e| e.to_str()), Some("expected" | "args" | "params"))
}

/// The files below `dir`, except that a CDK cloud assembly (`<case>.cdk.out/`) and a CDK app
/// (`<case>.cdk-app/`, a `cdk.json` beside its `cdk.out/`) are one case each.
fn cases_below(dir: &Path) -> Vec<PathBuf> {
    let mut cases = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.to_string_lossy();
        if path.is_dir() && (name.ends_with(".cdk.out") || name.ends_with(".cdk-app")) {
            cases.push(path);
        } else if path.is_dir() {
            cases.extend(cases_below(&path));
        } else if is_case(&path) {
            cases.push(path);
        }
    }
    cases.sort();
    cases
}

fn sidecar(case: &Path, extension: &str) -> PathBuf {
    case.with_extension(extension)
}

/// Lints one case with only `rule` selected; returns the findings as `.expected` lines.
fn lint_case(rule: &str, case: &Path) -> Result<String, String> {
    let case_arg = case.to_str().unwrap();
    let extra = std::fs::read_to_string(sidecar(case, "args")).unwrap_or_default();
    // Hermetic: no iam-lint.toml above the fixtures (or the machine's temp dir) applies.
    let mut args = vec!["check", "--no-config", "--format", "json", "--select", rule];
    args.extend(extra.lines().map(str::trim).filter(|l| !l.is_empty()));
    args.push(case_arg);
    let out = run(&args);
    let report: serde_json::Value =
        serde_json::from_str(&out.stdout).map_err(|e| format!("no JSON report ({e}): {}", out.stderr))?;
    if let Some(errors) = report["errors"].as_array().filter(|e| !e.is_empty()) {
        return Err(format!("tool errors: {errors:?}"));
    }
    let lines: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            // An assembly holds several templates: say which one.
            let file = match case.is_dir() {
                true => {
                    let file = Path::new(f["file"].as_str().unwrap());
                    let inside = file.strip_prefix(case.strip_prefix(repo()).unwrap_or(case)).unwrap_or(file);
                    format!("{} ", inside.display())
                }
                false => String::new(),
            };
            let mut line = format!(
                "{file}{} {} {}:{} {} {}",
                f["rule_id"].as_str().unwrap(),
                f["severity"].as_str().unwrap(),
                f["line"],
                f["column"],
                f["pointer"].as_str().unwrap(),
                f["message"].as_str().unwrap()
            );
            // In templates, what the report adds to the message: the `Fn::If` branches and
            // the CDK construct.
            let template = &f["template"];
            for condition in template["conditions"].as_array().into_iter().flatten() {
                line.push_str(&format!(" | when {}", condition.as_str().unwrap()));
            }
            if let Some(construct) = template["construct"].as_str() {
                line.push_str(&format!(" | construct {construct}"));
            }
            line
        })
        .collect();
    Ok(lines.iter().map(|l| format!("{l}\n")).collect())
}

#[test]
fn every_rule_has_pass_and_fail_fixtures_that_behave() {
    let ids = builtin_rule_ids();
    let root = repo().join("testdata/rules");
    let bless = std::env::var_os("IAM_LINT_BLESS").is_some_and(|v| v == "1");
    let mut problems = Vec::new();
    let folders: BTreeSet<String> =
        std::fs::read_dir(&root).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    for folder in folders.difference(&ids) {
        problems.push(format!("testdata/rules/{folder} names no built-in rule"));
    }
    for id in &ids {
        for outcome in ["pass", "fail"] {
            let dir = root.join(id).join(outcome);
            let cases: Vec<PathBuf> = if dir.is_dir() { cases_below(&dir) } else { vec![] };
            if cases.is_empty() {
                problems.push(format!("rule {id} has no {outcome} fixture in testdata/rules/{id}/{outcome}/"));
            }
            for case in cases {
                let shown = case.strip_prefix(repo()).unwrap().display().to_string();
                let found = match lint_case(id, &case) {
                    Ok(found) => found,
                    Err(err) => {
                        problems.push(format!("{shown}: {err}"));
                        continue;
                    }
                };
                if outcome == "pass" {
                    if !found.is_empty() {
                        problems.push(format!("{shown} should pass but reports:\n{found}"));
                    }
                    continue;
                }
                let expected_path = sidecar(&case, "expected");
                if bless {
                    std::fs::write(&expected_path, &found).unwrap();
                }
                let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
                if found.is_empty() {
                    problems.push(format!("{shown} should fail but reports nothing"));
                } else if found != expected {
                    problems.push(format!(
                        "{shown} differs from its .expected:\n--- expected\n{expected}+++ found\n{found}"
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{} fixture problem(s):\n\n{}", problems.len(), problems.join("\n\n"));
}

/// The CDK bootstrap template's example boundary (a fixture with its structure) is a boundary:
/// every boundary rule passes it, and LP001 does not take its `Allow * *` for admin access.
#[test]
fn the_cdk_bootstrap_example_boundary_passes_every_boundary_rule() {
    let fixture = "testdata/rules/PB001/pass/cdk-bootstrap-example-boundary.yaml";
    let out = run(&["check", "--format", "json", "--select", "PB,LP001", fixture]);
    let report: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(report["findings"], serde_json::json!([]), "{}", out.stdout);
    assert_eq!(report["summary"]["policies"], 1, "{}", out.stdout);
    // Outside a bootstrap template, the same unused managed policy is admin access.
    let text = std::fs::read_to_string(repo().join(fixture)).unwrap();
    let (kept, _) = text.split_once("  CdkBootstrapVersion:").unwrap();
    let path = std::env::temp_dir().join(format!("iam-lint-not-bootstrap-{}.yaml", std::process::id()));
    std::fs::write(&path, kept).unwrap();
    let elsewhere = run(&["check", "--format", "concise", "--select", "PB,LP001", path.to_str().unwrap()]);
    assert!(elsewhere.stdout.contains("LP001 error"), "{}", elsewhere.stdout);
    assert!(!elsewhere.stdout.contains("PB0"), "{}", elsewhere.stdout);
}

/// The corrected boundary each PB rule's help shows is itself a boundary no PB rule reports.
#[test]
fn the_boundary_in_each_pb_help_passes_every_boundary_rule() {
    for id in ["PB001", "PB002", "PB003"] {
        let help = run(&["explain", id]).stdout;
        let (_, rest) = help.split_once("```json\n").unwrap_or_else(|| panic!("{id}: no JSON example"));
        let (example, _) = rest.split_once("```").unwrap();
        let path = std::env::temp_dir().join(format!("iam-lint-{id}-help-{}.json", std::process::id()));
        std::fs::write(&path, example).unwrap();
        let out =
            run(&["check", "--format", "concise", "--kind", "boundary", "--select", "PB,G", path.to_str().unwrap()]);
        assert_eq!(out.code, 0, "{id}'s example: {}", out.stdout);
    }
}
