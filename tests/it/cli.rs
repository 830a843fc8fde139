//! The command line as users see it: help, every format, every exit code (DESIGN §7, §10).
//! Snapshots live in tests/snapshots; review changes with `cargo insta review` or by reading
//! the `.snap.new` files.

use crate::common::{Output, run, run_graphical};
use insta::assert_snapshot;

const ADMIN: &str = "testdata/cli/admin.json";
const CLEAN: &str = "testdata/cli/clean.json";

/// Exit code and both streams, as one snapshot.
fn shown(out: &Output) -> String {
    format!("exit: {}\n--- stdout\n{}--- stderr\n{}", out.code, out.stdout, out.stderr)
}

#[test]
fn help() {
    assert_snapshot!(shown(&run(&["--help"])));
    assert_snapshot!("check_help", shown(&run(&["check", "--help"])));
}

#[test]
fn version_names_the_package_version_and_the_catalog_date() {
    let out = run(&["--version"]);
    assert_eq!(out.code, 0);
    let expected_start = format!("iam-lint {} (IAM catalog ", env!("CARGO_PKG_VERSION"));
    assert!(out.stdout.starts_with(&expected_start), "{}", out.stdout);
    let date = out.stdout.trim().strip_suffix(')').and_then(|s| s.rsplit_once("data of ")).map(|(_, d)| d);
    let is_date = date.is_some_and(|d| d.len() == 10 && d.chars().filter(|c| *c == '-').count() == 2);
    assert!(is_date, "no catalog date in {}", out.stdout);
}

#[test]
fn human_narrated_when_not_a_terminal() {
    assert_snapshot!(shown(&run(&["check", ADMIN])));
}

#[test]
fn human_graphical_on_a_terminal() {
    assert_snapshot!(shown(&run_graphical(&["check", ADMIN])));
}

#[test]
fn concise() {
    assert_snapshot!(shown(&run(&["check", "--format", "concise", ADMIN, CLEAN])));
}

#[test]
fn json() {
    assert_snapshot!(shown(&run(&["check", "--format", "json", ADMIN])));
}

#[test]
fn sarif() {
    // `%SRCROOT%` is where the repository is on this machine.
    let root = crate::common::repo().canonicalize().unwrap();
    let out = shown(&run(&["check", "--format", "sarif", ADMIN]));
    assert_snapshot!(out.replace(&format!("file://{}/", root.display()), "file://<repository>/"));
}

#[test]
fn output_is_byte_identical_across_runs() {
    for format in ["human", "concise", "json", "sarif"] {
        let args = ["check", "--format", format, "testdata"];
        assert_eq!(run(&args).stdout, run(&args).stdout, "{format}");
    }
}

#[test]
fn exit_0_when_clean() {
    assert_snapshot!(shown(&run(&["check", CLEAN])));
}

#[test]
fn exit_1_on_findings_at_or_above_fail_on() {
    let warnings_only = "testdata/cli/warnings-only.yaml";
    assert_eq!(run(&["check", warnings_only]).code, 1);
    assert_eq!(run(&["check", "--fail-on", "error", warnings_only]).code, 0);
    assert_eq!(run(&["check", "--fail-on", "note", warnings_only]).code, 1);
    assert_eq!(run(&["check", "--fail-on", "never", ADMIN]).code, 0);
    assert_eq!(run(&["check", "--fail-on", "error", ADMIN]).code, 1);
}

#[test]
fn exit_2_on_malformed_input_and_other_files_still_linted() {
    let out = run(&["check", "--format", "concise", "testdata/cli/broken.json", ADMIN]);
    assert_snapshot!(shown(&out));
}

#[test]
fn malformed_input_narrated() {
    assert_snapshot!(shown(&run(&["check", "testdata/cli/broken.json"])));
}

#[test]
fn exit_2_when_a_named_file_is_not_a_policy() {
    assert_snapshot!(shown(&run(&["check", "testdata/cli/not-a-policy.json"])));
}

#[test]
fn exit_2_when_a_path_does_not_exist() {
    assert_snapshot!(shown(&run(&["check", "--format", "concise", "testdata/cli/missing.json", CLEAN])));
}

#[test]
fn exit_2_on_usage_errors() {
    assert_snapshot!(shown(&run(&["check", "--format", "xml", CLEAN])));
    assert_snapshot!("unknown_selector", shown(&run(&["check", "--select", "LP999", CLEAN])));
}

#[test]
fn exit_2_on_a_bad_rule_pack_pointing_into_it() {
    assert_snapshot!(shown(&run(&["check", "--rules", "testdata/cli/bad-pack.toml", CLEAN])));
}

#[test]
fn extra_rule_packs_add_rules() {
    let out =
        run(&["check", "--format", "concise", "--rules", "testdata/cli/org-pack.toml", "testdata/cli/deletes.json"]);
    assert_snapshot!(shown(&out));
}

#[test]
fn select_and_ignore_by_id_and_prefix() {
    let ids = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["check", "--format", "json"];
        all.extend_from_slice(args);
        all.push(ADMIN);
        let report: serde_json::Value = serde_json::from_str(&run(&all).stdout).unwrap();
        report["findings"].as_array().unwrap().iter().map(|f| f["rule_id"].as_str().unwrap().to_owned()).collect()
    };
    assert_eq!(ids(&["--select", "LP001"]), ["LP001"]);
    assert_eq!(
        ids(&["--select", "lp00"]),
        ["LP003", "LP005", "LP002", "LP002", "LP004", "LP001", "LP003", "LP009", "LP004"]
    );
    assert_eq!(ids(&["--select", "LP", "--ignore", "LP002,LP003,LP004,LP009"]), ["LP005", "LP001", "LP010"]);
}

#[test]
fn walking_honours_gitignore_and_skips_files_that_are_not_policies() {
    assert_snapshot!(shown(&run(&["check", "--format", "concise", "testdata/cli/walk"])));
    let out = run(&["check", "--format", "concise", "--no-ignore", "testdata/cli/walk"]);
    assert!(out.stdout.contains("walk/ignored.json"), "{}", out.stdout);
}

#[test]
fn kind_override() {
    let out = run(&["check", "--format", "concise", "--kind", "boundary", ADMIN]);
    assert!(!out.stdout.contains("LP001"), "boundaries are not checked for admin access: {}", out.stdout);
    // An `Allow *` boundary without the escalation denies is what the boundary rules report.
    let rules: Vec<&str> = out.stdout.lines().filter_map(|l| l.split(' ').nth(1)).collect();
    assert_eq!(rules[..3], ["PB001", "PB002", "PB003"], "{}", out.stdout);
}

#[test]
fn output_file() {
    let dir = std::env::temp_dir().join(format!("iam-lint-cli-{}", std::process::id()));
    let target = dir.join("nested/report.sarif");
    let out = run(&["check", "--format", "sarif", "-o", target.to_str().unwrap(), ADMIN]);
    assert_eq!((out.code, out.stdout.as_str()), (1, ""));
    let written = std::fs::read_to_string(&target).unwrap();
    assert_eq!(written, run(&["check", "--format", "sarif", ADMIN]).stdout);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn rules_table_and_json() {
    assert_snapshot!(shown(&run(&["rules"])));
    let out = run(&["rules", "--format", "json"]);
    let rules: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert!(rules.as_array().unwrap().iter().any(|r| r["id"] == "LP003" && r["severity"] == "error"));
}

#[test]
fn explain() {
    assert_snapshot!(shown(&run(&["explain", "LP003"])));
    assert_snapshot!("explain_lower_case", shown(&run(&["explain", "lp003"])));
    assert_snapshot!("explain_unknown", shown(&run(&["explain", "LP999"])));
}

#[test]
fn catalog_summary_and_lookups() {
    assert_snapshot!(shown(&run(&["catalog"])));
    assert_snapshot!("catalog_action", shown(&run(&["catalog", "sts:getcalleridentity"])));
    assert_snapshot!("catalog_glob", shown(&run(&["catalog", "ecr:BatchGet*"])));
    assert_snapshot!("catalog_unknown", shown(&run(&["catalog", "s3:GetObjects"])));
}

#[test]
fn a_pack_can_reuse_a_built_in_check_with_its_own_params() {
    let pack = "[pack]\nname = \"org\"\ndescription = \"d\"\n\n[[rule]]\nid = \"ORG002\"\nname = \"star-outside-logs\"\n\
                severity = \"error\"\napplies-to = [\"identity\"]\nsummary = \"s\"\nhelp = \"h\"\n\
                message = \"{action} on {resource}\"\ncheck = \"wildcard-resource\"\n\n[rule.params]\n\
                allow-actions = [\"logs:*\"]\n";
    let dir = std::env::temp_dir().join(format!("iam-lint-params-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (pack_path, policy_path) = (dir.join("org.toml"), dir.join("p.json"));
    std::fs::write(&pack_path, pack).unwrap();
    let policy = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["logs:PutLogEvents", "sqs:SendMessage"], "Resource": "*"}]}"#;
    std::fs::write(&policy_path, policy).unwrap();
    let out = run(&[
        "check",
        "--format",
        "json",
        "--select",
        "ORG",
        "--rules",
        pack_path.to_str().unwrap(),
        policy_path.to_str().unwrap(),
    ]);
    std::fs::remove_dir_all(&dir).unwrap();
    let report: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let messages: Vec<&str> =
        report["findings"].as_array().unwrap().iter().map(|f| f["message"].as_str().unwrap()).collect();
    assert_eq!(messages, ["`sqs:SendMessage` on `*`"]);
}

#[test]
fn cloudformation_template() {
    assert_snapshot!(shown(&run(&["check", "--format", "concise", "testdata/cli/template.yaml"])));
}

#[test]
fn cdk_assembly_named_or_walked_and_a_skipped_one_mentioned() {
    // cdk.out is git-ignored, as CDK apps do: the walk skips it and says how to include it.
    assert_snapshot!("cdk_app_walked", shown(&run(&["check", "--format", "concise", "testdata/cli/cdk-app"])));
    let named = run(&["check", "--format", "concise", "testdata/cli/cdk-app/cdk.out"]);
    assert_snapshot!("cdk_assembly_named", shown(&named));
    let manifest = run(&["check", "--format", "concise", "testdata/cli/cdk-app/cdk.out/manifest.json"]);
    assert_eq!(manifest.stdout, named.stdout, "a manifest stands for its assembly");
    let unignored = run(&["check", "--format", "concise", "--no-ignore", "testdata/cli/cdk-app"]);
    assert_eq!((unignored.stdout, unignored.stderr), (named.stdout.clone(), String::new()));
    let app = run(&["check", "--format", "concise", "testdata/cli/cdk-app/cdk.json"]);
    assert_eq!(app.stdout, named.stdout, "a cdk.json stands for its app's assembly");
    let twice =
        run(&["check", "--format", "concise", "testdata/cli/cdk-app/cdk.json", "testdata/cli/cdk-app/./cdk.out"]);
    assert_eq!(twice.stdout, named.stdout, "an assembly named twice is linted once");
}

#[test]
fn a_cdk_app_named_before_synthesis_is_an_error() {
    let dir = std::env::temp_dir().join(format!("iam-lint-unsynthesized-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("cdk.json"), r#"{"app": "npx ts-node bin/app.ts"}"#).unwrap();
    let out = run(&["check", dir.join("cdk.json").to_str().unwrap()]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    // Human reports carry tool errors with the findings, on standard output.
    assert!(out.stdout.contains("this CDK app has no cloud assembly at"), "{}", out.stdout);
    assert!(out.stdout.contains("run `cdk synth` first"), "{}", out.stdout);
}

#[test]
fn sam_policy_templates_are_noted_as_not_checked() {
    assert_snapshot!(shown(&run(&["check", "--format", "concise", "testdata/cli/sam.yaml"])));
    let report: serde_json::Value =
        serde_json::from_str(&run(&["check", "--format", "json", "testdata/cli/sam.yaml"]).stdout).unwrap();
    assert_eq!(report["notices"][0]["line"], 11, "{}", report["notices"]);
    let sarif: serde_json::Value =
        serde_json::from_str(&run(&["check", "--format", "sarif", "testdata/cli/sam.yaml"]).stdout).unwrap();
    let invocation = &sarif["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], true, "a notice is not a failure");
    assert_eq!(invocation["toolExecutionNotifications"][0]["level"], "note");
}

#[test]
fn parameters_from_the_command_line_and_files_decide_bootstrap_conditions() {
    let template = "testdata/rules/CDK001/fail/bootstrap-default-parameters.yaml";
    let ids = |extra: &[&str]| {
        let mut args = vec!["check", "--format", "json", "--select", "CDK"];
        args.extend(extra);
        args.push(template);
        let report: serde_json::Value = serde_json::from_str(&run(&args).stdout).unwrap();
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["rule_id"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&[]), ["CDK002", "CDK001"]);
    assert_eq!(ids(&["--parameter", "InputPermissionsBoundary=dev-boundary"]), ["CDK001"]);
    let scoped = "CloudFormationExecutionPolicies=arn:aws:iam::111122223333:policy/Deploy";
    assert_eq!(ids(&["--parameter", scoped, "--parameter", "InputPermissionsBoundary=b"]), Vec::<String>::new());
    let bad = run(&["check", "--parameter", "oops", template]);
    assert_eq!(bad.code, 2, "{}", bad.stderr);
    assert!(bad.stderr.contains("--parameter `oops` is not KEY=VALUE"), "{}", bad.stderr);
}

#[test]
fn cdk_nag_suppressions_in_an_assembly_hide_what_they_name() {
    // Suppressed in cdk-nag's metadata: IAM4 for the service-role policies (a regex), IAM5 for
    // the bucket grant's actions (texts) and `kms:*` (a granular id). AmazonSQSFullAccess and
    // `kms:*` on `Resource: *` are not.
    let app = "testdata/cli/cdk-nag-app/cdk.out";
    assert_snapshot!("cdk_nag_suppressions", shown(&run(&["check", "--format", "concise", app])));
    let included = run(&["check", "--format", "concise", "--include-suppressed", app]);
    assert_snapshot!("cdk_nag_suppressions_included", shown(&included));
    let sarif: serde_json::Value =
        serde_json::from_str(&run(&["check", "--format", "sarif", "--include-suppressed", app]).stdout).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let suppressed: Vec<&serde_json::Value> = results.iter().filter(|r| r.get("suppressions").is_some()).collect();
    assert_eq!((results.len(), suppressed.len()), (6, 4));
    assert_eq!(suppressed[0]["suppressions"][0]["kind"], "inSource");
}

#[test]
fn peer_tools_suppressions_are_honoured_through_aliases() {
    // cfn_nag W11 (LP002) and F3 (LP005), checkov CKV_AWS_62 (LP001), cfn-lint E3510 (G003), on
    // LegacyRole only: OtherRole's findings stay, its own suppression having expired (a note).
    let out = run(&["check", "--format", "concise", "--include-suppressed", "testdata/cli/peer-suppressions.yaml"]);
    assert_snapshot!(shown(&out));
}

#[test]
fn github_annotations() {
    let out = run(&[
        "check",
        "--format",
        "github",
        "testdata/cli/template.yaml",
        "testdata/cli/sam.yaml",
        "testdata/cli/broken.json",
    ]);
    assert_snapshot!(shown(&out));
}
