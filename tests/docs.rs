//! Generated documentation is committed and must match what the code generates.
//! `IAM_LINT_BLESS=1 cargo test --test docs` regenerates it.

mod common;

use common::{repo, run};

#[test]
fn rules_reference_is_current() {
    let generated = run(&["rules", "--format", "markdown"]).stdout;
    let path = repo().join("docs/rules.md");
    if std::env::var_os("IAM_LINT_BLESS").is_some_and(|v| v == "1") {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(committed == generated, "docs/rules.md is stale: run `IAM_LINT_BLESS=1 cargo test --test docs`");
}

#[test]
fn every_rule_docs_link_has_its_anchor() {
    let rules: serde_json::Value = serde_json::from_str(&run(&["rules", "--format", "json"]).stdout).unwrap();
    let reference = std::fs::read_to_string(repo().join("docs/rules.md")).unwrap();
    for rule in rules.as_array().unwrap() {
        let docs = rule["docs"].as_str().unwrap();
        let anchor = docs.rsplit_once('#').map(|(_, a)| a).unwrap();
        assert!(docs.contains("/docs/rules.md#"), "{docs}");
        assert!(reference.contains(&format!("<a id=\"{anchor}\"></a>")), "no anchor for {docs}");
    }
}

/// The README shows real output: the example block is what iam-lint prints for it.
#[test]
fn readme_example_is_real_output() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let command = "iam-lint check --format concise examples/deploy-role-policy.json";
    let after = readme.split(&format!("Example (`{command}`):")).nth(1).expect("the README names the example command");
    let block = after.split("```text\n").nth(1).and_then(|b| b.split("```").next()).unwrap();
    let args: Vec<&str> = command.split_whitespace().skip(1).collect();
    assert_eq!(block, run(&args).stdout);
}

/// The rule pack in docs/rule-packs.md is valid and does what it says.
#[test]
fn rule_pack_guide_example_loads() {
    let guide = std::fs::read_to_string(repo().join("docs/rule-packs.md")).unwrap();
    let pack = guide.split("```toml\n").nth(1).and_then(|b| b.split("```").next()).unwrap();
    let path = std::env::temp_dir().join(format!("iam-lint-guide-pack-{}.toml", std::process::id()));
    std::fs::write(&path, pack).unwrap();
    let out = run(&[
        "check",
        "--format",
        "concise",
        "--select",
        "ORG",
        "--rules",
        path.to_str().unwrap(),
        "testdata/cli/deletes.json",
    ]);
    std::fs::remove_file(&path).unwrap();
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains("deletes.json:4:53: ORG001 error `s3:Delete*` in statement #0 deletes objects"),
        "{}",
        out.stdout
    );
}
