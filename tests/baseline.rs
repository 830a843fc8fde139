//! Baselines: written from a run, then only new findings are reported, whatever lines moved.

mod common;

use common::{Output, run};

fn concise(args: &[&str]) -> Output {
    let mut all = vec!["check", "--no-config", "--format", "concise"];
    all.extend_from_slice(args);
    run(&all)
}

#[test]
fn a_baseline_round_trip_reports_only_new_findings() {
    let dir = std::env::temp_dir().join(format!("iam-lint-baseline-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let policy = dir.join("deploy.json");
    let baseline = dir.join("baseline.json");
    let original = std::fs::read_to_string(common::repo().join("testdata/cli/admin.json")).unwrap();
    std::fs::write(&policy, &original).unwrap();
    let (policy_arg, baseline_arg) = (policy.to_str().unwrap(), baseline.to_str().unwrap());

    let before = concise(&[policy_arg]);
    let findings = before.stdout.lines().filter(|l| l.contains(": LP")).count();
    assert!(findings > 3, "{}", before.stdout);
    let written = concise(&["--write-baseline", baseline_arg, policy_arg]);
    assert_eq!(written.code, 0, "{}{}", written.stdout, written.stderr);
    assert!(written.stderr.contains(&format!("wrote {findings} findings to the baseline")), "{}", written.stderr);

    // Lines above the findings change: every finding is still the baseline's.
    std::fs::write(&policy, original.replacen("{\n", "{\n\n\n", 1)).unwrap();
    let moved = concise(&["--baseline", baseline_arg, policy_arg]);
    assert_eq!(moved.code, 0, "{}", moved.stdout);
    assert!(moved.stdout.ends_with(&format!("No findings in 1 file. {findings} in the baseline, 0 fixed since.\n")));

    // A new statement: its findings alone are reported.
    let added = original.replacen(
        "\"Statement\": [",
        "\"Statement\": [\n    { \"Sid\": \"New\", \"Effect\": \"Allow\", \"Action\": \"sts:AssumeRole\", \"Resource\": \"*\" },",
        1,
    );
    std::fs::write(&policy, added).unwrap();
    let new = concise(&["--baseline", baseline_arg, policy_arg]);
    let reported: Vec<&str> = new.stdout.lines().filter(|l| l.contains(": LP")).collect();
    assert!(!reported.is_empty() && reported.iter().all(|l| l.contains("statement New")), "{}", new.stdout);
}

#[test]
fn a_broken_baseline_is_an_error() {
    let out = concise(&["--baseline", "testdata/cli/admin.json", "testdata/cli/admin.json"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("not an iam-lint baseline"), "{}", out.stderr);
}
