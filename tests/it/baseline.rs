//! Baselines: written from a run, then only new findings are reported, whatever lines moved.

use crate::common::{Output, check_concise, run, scratch_dir};

/// Hermetic: no config above the temp directory applies.
fn concise(args: &[&str]) -> Output {
    check_concise(&[&["--no-config"], args].concat())
}

#[test]
fn a_baseline_round_trip_reports_only_new_findings() {
    let dir = scratch_dir("baseline");
    let policy = dir.join("deploy.json");
    let baseline = dir.join("baseline.json");
    let original = std::fs::read_to_string(crate::common::repo().join("testdata/cli/admin.json")).unwrap();
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

#[test]
fn statistics_count_reported_suppressed_and_baselined_findings_per_rule() {
    let dir = scratch_dir("statistics");
    let baseline = dir.join("baseline.json");
    let baseline_arg = baseline.to_str().unwrap();
    let app = "testdata/cli/cdk-nag-app/cdk.out";
    // The baseline holds the findings of the cdk-nag app; the admin policy's are new.
    concise(&["--write-baseline", baseline_arg, app]);
    let out =
        run(&["check", "--no-config", "--statistics", "--baseline", baseline_arg, app, "testdata/cli/admin.json"]);
    let row = |id: &str| out.stdout.lines().find(|l| l.contains(&format!(" {id} "))).unwrap_or_default().to_owned();
    let numbers = |line: String| line.split_whitespace().take(3).map(str::to_owned).collect::<Vec<_>>();
    assert_eq!(numbers(row("LP005")), ["1", "3", "0"], "{}", out.stdout);
    assert_eq!(numbers(row("LP006")), ["0", "1", "1"], "{}", out.stdout);
    assert!(out.stdout.starts_with("reported suppressed baselined"), "{}", out.stdout);
}

#[test]
fn a_baseline_works_from_any_directory_and_counts_copies() {
    let dir = scratch_dir("baseline-cwd");
    std::fs::create_dir_all(dir.join("pol")).unwrap();
    // Two statements with the same Sid and action: two findings with one fingerprint.
    let twice = r#"{"Version": "2012-10-17", "Statement": [
      {"Sid": "X", "Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::b/*"},
      {"Sid": "X", "Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::c/*"}]}"#;
    std::fs::write(dir.join("pol/p.json"), twice).unwrap();
    let iam_lint = |cwd: &std::path::Path, args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_iam-lint"))
            .args(["check", "--no-config", "--format", "concise", "--select", "LP005"])
            .args(args)
            .current_dir(cwd)
            .output()
            .unwrap();
        (out.status.code(), String::from_utf8(out.stdout).unwrap())
    };
    assert_eq!(iam_lint(&dir, &["--write-baseline", "base.json", "pol"]).0, Some(0));
    let (code, stdout) = iam_lint(&dir.join("pol"), &["--baseline", "../base.json", "."]);
    assert_eq!(code, Some(0), "{stdout}");
    assert!(stdout.contains("2 in the baseline, 0 fixed since"), "{stdout}");
    // A third copy is new.
    let thrice = twice.replace(
        "]}",
        ",\n      {\"Sid\": \"X\", \"Effect\": \"Allow\", \"Action\": \"s3:*\", \"Resource\": \"arn:aws:s3:::d/*\"}]}",
    );
    std::fs::write(dir.join("pol/p.json"), thrice).unwrap();
    let (code, stdout) = iam_lint(&dir, &["--baseline", "base.json", "pol"]);
    assert_eq!(code, Some(1), "{stdout}");
    assert!(stdout.contains("Found 1 finding") && stdout.contains("2 in the baseline"), "{stdout}");
}
