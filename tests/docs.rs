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
