//! Rules judged beyond their fixtures (those are the `fixtures` test target): the CDK
//! bootstrap template's example boundary, and the corrected boundary each PB rule's help shows.

use crate::common::{repo, run};

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
