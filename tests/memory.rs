//! Memory is bounded by the largest file, not by the number of files (DESIGN §11): reports are
//! written as the run goes, so ten times the files must not take ten times the memory.
//!
//! A test binary of its own, not a module of `tests/it`: a child's peak memory (`wait4`)
//! starts from its parent's peak when it is spawned, and beside the other tests that parent is
//! hundreds of megabytes, varying with what runs at the same time.

#![cfg(target_os = "linux")]

#[path = "it/common/mod.rs"]
mod common;

use std::path::Path;
use std::process::{Command, Stdio};

/// A template with a role whose policy has several findings, about 3 KB.
fn template(index: usize) -> String {
    let statements: Vec<String> = (0..8)
        .map(|n| {
            format!(
                r#"{{"Sid": "Use{n}", "Effect": "Allow", "Action": ["s3:GetObject", "iam:PassRole", "sqs:*"], "Resource": "*", "Condition": {{"StringEquals": {{"aws:RequestedRegion": "eu-west-{n}"}}}}}}"#
            )
        })
        .collect();
    format!(
        r#"{{"AWSTemplateFormatVersion": "2010-09-09", "Description": "application {index}", "Resources": {{"AppRole": {{"Type": "AWS::IAM::Role", "Properties": {{"AssumeRolePolicyDocument": {{"Statement": [{{"Effect": "Allow", "Principal": {{"Service": "lambda.amazonaws.com"}}, "Action": "sts:AssumeRole"}}]}}, "Policies": [{{"PolicyName": "app", "PolicyDocument": {{"Version": "2012-10-17", "Statement": [{}]}}}}]}}}}}}}}"#,
        statements.join(", ")
    )
}

fn repository(dir: &Path, files: usize) {
    for index in 0..files {
        let sub = dir.join(format!("app-{:02}", index % 50));
        std::fs::create_dir_all(&sub).unwrap();
        std::fs::write(sub.join(format!("stack-{index}.template.json")), template(index)).unwrap();
    }
}

/// Runs `iam-lint check` on `dir` and returns its peak resident memory in KiB.
#[allow(clippy::zombie_processes, reason = "reaped by wait4, which also gives its memory")]
fn peak_kib(dir: &Path, format: &str) -> i64 {
    let child = Command::new(env!("CARGO_BIN_EXE_iam-lint"))
        .args(["check", "--format", format])
        // The reports in flight grow with the threads: both repositories must hold more.
        .env("RAYON_NUM_THREADS", "2")
        .arg(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value of this plain C struct.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our child, not yet waited for; both pointers are to live locals. std's
    // `Child` is not used after this, so it never waits for the reaped process.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(waited, pid, "wait4 failed");
    assert!(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 1, "exit status {status}: findings expected");
    usage.ru_maxrss
}

#[test]
fn memory_does_not_grow_with_the_number_of_files() {
    let dir = common::scratch_dir("memory");
    let (few, many) = (dir.join("few"), dir.join("many"));
    repository(&few, 400);
    repository(&many, 2_400);
    for format in ["concise", "json", "human"] {
        let (small, large) = (peak_kib(&few, format), peak_kib(&many, format));
        // The 2,000 more files' paths take well under a megabyte; their reports, when they were
        // kept to the end, took over 80 MB.
        assert!(large - small < 6 * 1024, "{format}: {small} KiB for 400 files, {large} KiB for 2,400");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
