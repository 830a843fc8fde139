//! `iam-lint.toml`: found above the linted paths, every key applied, errors pointing into the
//! file, and the starter file `iam-lint init` writes.

use crate::common::{Output, check_concise, run, scratch_dir};
use insta::assert_snapshot;

const PROJECT: &str = "testdata/config/project";

fn shown(out: &Output) -> String {
    format!("exit: {}\n--- stdout\n{}--- stderr\n{}", out.code, out.stdout, out.stderr)
}

fn concise(args: &[&str]) -> Output {
    check_concise(args)
}

#[test]
fn the_nearest_config_applies_every_key() {
    // ignore (LP005, G), severity (LP003 a warning), LP002's allow-actions, exclude (legacy),
    // include (not vendor), [kinds] (the boundary), fail-on = "error".
    assert_snapshot!(shown(&concise(&[PROJECT])));
    // Found above a path deeper in the project as well.
    let deeper = concise(&[&format!("{PROJECT}/policies")]);
    assert!(deeper.stdout.contains("boundaries/developer.json:2:3: PB001"), "{}", deeper.stdout);
}

#[test]
fn without_the_config_everything_is_linted() {
    let out = concise(&["--no-config", PROJECT]);
    for file in ["legacy/old.json", "vendor/theirs.json", "LP005"] {
        assert!(out.stdout.contains(file), "{file} missing from:\n{}", out.stdout);
    }
    assert!(!out.stdout.contains("PB001"), "without [kinds], the boundary is an identity policy");
}

#[test]
fn named_files_are_linted_unless_force_exclude() {
    let old = format!("{PROJECT}/legacy/old.json");
    let named = concise(&[&old]);
    assert!(named.stdout.contains("legacy/old.json"), "{}", named.stdout);
    let forced = concise(&["--force-exclude", &old]);
    assert_eq!(forced.stdout, "No findings in 0 files.\n");
}

#[test]
fn the_command_line_replaces_select_adds_to_ignore_and_overrides_fail_on() {
    let out = concise(&["--select", "LP", "--ignore", "LP001", "--fail-on", "never", PROJECT]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(!out.stdout.contains("LP001") && !out.stdout.contains("PB0"), "{}", out.stdout);
    assert!(!out.stdout.contains("LP005"), "the config's ignore still holds: {}", out.stdout);
    assert!(out.stdout.contains("LP004"), "{}", out.stdout);
}

#[test]
fn config_errors_point_into_the_file() {
    for name in ["syntax", "values", "rules"] {
        let out = run(&["check", "--config", &format!("testdata/config/errors/{name}.toml"), PROJECT]);
        assert_eq!(out.code, 2, "{name}: {}", out.stderr);
        assert_snapshot!(format!("config_error_{name}"), shown(&out));
    }
    let missing = run(&["check", "--config", "testdata/config/errors/missing.toml", PROJECT]);
    assert!(missing.stderr.contains("cannot read the config: no such file or directory"), "{}", missing.stderr);
}

#[test]
fn init_writes_a_starter_that_loads_and_changes_nothing() {
    let dir = scratch_dir("init");
    // `init` writes to the current directory: run the binary there.
    let init = |extra: &[&str]| {
        let status = std::process::Command::new(env!("CARGO_BIN_EXE_iam-lint"))
            .arg("init")
            .args(extra)
            .current_dir(&dir)
            .output()
            .unwrap();
        status.status.code()
    };
    assert_eq!(init(&[]), Some(0));
    assert_eq!(init(&[]), Some(2), "an existing config is not replaced");
    assert_eq!(init(&["--force"]), Some(0));
    let starter = dir.join("iam-lint.toml");
    let with = concise(&["--config", starter.to_str().unwrap(), "testdata/cli/admin.json"]);
    let without = concise(&["--no-config", "testdata/cli/admin.json"]);
    assert_eq!((with.code, &with.stdout), (without.code, &without.stdout), "{}", with.stderr);
}

#[test]
fn config_suppressions_apply_by_path_sid_action_and_resource() {
    // LP004 of statement Deploy and LP005 of `cloudformation:*` are suppressed; LP001's entry
    // has no reason (S001); LP009's has expired (a note); LP003's names a missing resource (S002).
    let project = "testdata/config/suppress";
    assert_snapshot!(shown(&concise(&[project])));
    // Linting one file: entries for other files are not unused.
    let one = concise(&[&format!("{project}/policies/other.json")]);
    assert!(!one.stdout.contains("S002"), "{}", one.stdout);
    assert!(one.stdout.contains("S001"), "a suppression without a reason is always reported: {}", one.stdout);
    // In SARIF, a suppression kept in the config is `external`.
    let sarif: serde_json::Value =
        serde_json::from_str(&run(&["check", "--format", "sarif", "--include-suppressed", project]).stdout).unwrap();
    let kinds: Vec<&str> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["suppressions"][0]["kind"].as_str())
        .collect();
    assert_eq!(kinds, ["external"; 3]);
}

#[test]
fn matcher_parameters_allow_policies_and_own_accounts() {
    let dir = scratch_dir("matcher-params");
    let config = dir.join("iam-lint.toml");
    std::fs::write(
        &config,
        "[rules.LP006]\nallow-policies = [\"arn:*:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole\"]\n\n[rules.TR002]\nown-accounts = [\"444455556666\"]\n",
    )
    .unwrap();
    let config = config.to_str().unwrap();
    let managed = "testdata/rules/LP006/fail/aws-managed-policies.yaml";
    let (with, without) = (
        concise(&["--config", config, "--select", "LP006", managed]),
        concise(&["--no-config", "--select", "LP006", managed]),
    );
    assert!(
        without.stdout.contains("AWSLambdaBasicExecutionRole") && !with.stdout.contains("AWSLambdaBasicExecutionRole"),
        "{}",
        with.stdout
    );
    assert!(with.stdout.contains("ReadOnlyAccess"), "the others are still reported: {}", with.stdout);
    let trust = "testdata/rules/TR002/fail/vendor-trust-without-external-id.json";
    let with = concise(&["--config", config, "--select", "TR002", trust]);
    assert!(with.stdout.contains("999988887777") && !with.stdout.contains("444455556666"), "{}", with.stdout);
    std::fs::write(
        dir.join("bad.toml"),
        "[rules.TR002]\nown-accounts = [\"me\"]\n[rules.LP006]\nown-accounts = [\"111122223333\"]\n",
    )
    .unwrap();
    let bad = concise(&["--config", dir.join("bad.toml").to_str().unwrap(), managed]);
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr.contains("12-digit account ids")
            && bad.stderr.contains("rule LP006 has no parameter `own-accounts`"),
        "{}",
        bad.stderr
    );
}
