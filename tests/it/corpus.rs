//! Real inputs nobody on the team wrote (../shared/corpus, see its README): every AWS managed
//! policy and the aws-samples policy examples lint without a crash or tool error, with stable
//! output, and known facts about them hold. Skips, saying so, when the corpus is absent (a
//! clone of this repository alone); CI always has it.

use std::path::PathBuf;

use crate::common::{repo, run};
use serde_json::Value;

fn corpus(folder: &str) -> Option<PathBuf> {
    let path = repo().join("../shared/corpus").join(folder);
    if path.is_dir() {
        Some(path)
    } else {
        eprintln!("skipped: {} is absent (the shared corpus is not beside this clone)", path.display());
        None
    }
}

fn lint_json(path: &std::path::Path) -> (i32, Value, String) {
    let out = run(&["check", "--format", "json", path.to_str().unwrap()]);
    let report = serde_json::from_str(&out.stdout).unwrap();
    (out.code, report, out.stdout)
}

fn findings_of<'a>(report: &'a Value, file_suffix: &str) -> Vec<&'a str> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["file"].as_str().unwrap().ends_with(file_suffix))
        .map(|f| f["rule_id"].as_str().unwrap())
        .collect()
}

#[test]
fn aws_managed_policies() {
    let Some(managed) = corpus("managed") else { return };
    let (code, report, text) = lint_json(&managed);
    assert_eq!(code, 1, "findings, and no tool error: {:?}", report["errors"]);
    assert_eq!(report["errors"].as_array().unwrap().len(), 0);
    assert!(report["summary"]["policies"].as_u64().unwrap() > 1_500, "{}", report["summary"]);
    // Facts about the corpus that any correct linter reports.
    assert_eq!(findings_of(&report, "/AdministratorAccess.json"), ["LP001", "LP003", "LP009", "LP010", "LP004"]);
    assert!(findings_of(&report, "/PowerUserAccess.json").contains(&"LP007"));
    let s3_read_only = findings_of(&report, "/AmazonS3ReadOnlyAccess.json");
    assert_eq!(s3_read_only, [["LP005"; 5].as_slice(), &["LP002"; 3]].concat());
    // Retired services (Mobile Hub) are unknown to the catalog.
    let mobile_hub = findings_of(&report, "/AWSMobileHub_ReadOnly.json");
    assert_eq!(mobile_hub.iter().filter(|id| **id == "G007").count(), 15, "{mobile_hub:?}");
    // AWS's current managed policies are valid IAM: no structural grammar finding. (Unknown
    // services, actions and keys do occur: retired services, undocumented actions.)
    let structural = ["G001", "G002", "G003", "G004", "G005", "G006", "G010", "G011", "G012", "G016", "G017"];
    let grammar: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| structural.contains(&f["rule_id"].as_str().unwrap()))
        .collect();
    assert!(grammar.is_empty(), "{grammar:#?}");
    assert_eq!(text, lint_json(&managed).2, "output differs between two runs");
}

#[test]
fn aws_samples_policy_examples() {
    let Some(policies) = corpus("policies") else { return };
    let (_, report, _) = lint_json(&policies);
    // One example carries `//` comments, which IAM rejects: the only error, with its place.
    let errors = report["errors"].as_array().unwrap();
    let places: Vec<String> =
        errors.iter().map(|e| format!("{}:{}: {}", e["file"].as_str().unwrap(), e["line"], e["message"])).collect();
    assert_eq!(errors.len(), 1, "{places:#?}");
    assert!(places[0].contains("deny-service-specific-credential-by-type.json:15"), "{places:#?}");
    assert!(report["summary"]["policies"].as_u64().unwrap() > 80);
}

/// Public CloudFormation and SAM templates: every one is linted, and the only tool errors are
/// the files that are not valid JSON or YAML as CloudFormation reads them (peers' bad-input
/// fixtures, template placeholders), plus three quick-start templates whose flow mappings
/// close at their parent's indentation, which the YAML parser rejects (a known gap).
#[test]
fn public_cloudformation_templates() {
    let Some(cfn) = corpus("cfn") else { return };
    let (_, report, text) = lint_json(&cfn);
    assert!(report["summary"]["policies"].as_u64().unwrap() > 1_500, "{}", report["summary"]);
    let unexpected: Vec<&str> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["file"].as_str().unwrap())
        .filter(|file| {
            let known_bad =
                ["/bad/", "invalid", "vulgar_bad_syntax", "triple_quotes", "max_size", "complex_jsonpath_if"];
            !known_bad.iter().any(|b| file.contains(b)) && !file.contains("quickstart-amazon-eks/templates/amazon-eks-")
        })
        .collect();
    assert!(unexpected.is_empty(), "{unexpected:#?}");
    assert_eq!(report["errors"].as_array().unwrap().len(), 14);
    assert_eq!(text, lint_json(&cfn).2, "output differs between two runs");
}

#[test]
fn cdk_synthesized_templates_and_assemblies() {
    let Some(cdk) = corpus("cdk") else { return };
    let (_, report, text) = lint_json(&cdk);
    let summary = &report["summary"];
    assert_eq!(report["errors"].as_array().unwrap().len(), 0, "{}", report["errors"]);
    assert!(summary["files_checked"].as_u64().unwrap() >= 500, "{summary}");
    assert!(summary["policies"].as_u64().unwrap() > 3_000, "{summary}");
    let findings = report["findings"].as_array().unwrap();
    // Stacks of nested stage assemblies (cdkpipeline-ecs, aws-codepipeline-ecs-lambda) are linted.
    assert!(findings.iter().any(|f| f["file"].as_str().unwrap().contains("/assembly-")), "no stage stack linted");
    // The demo app: what it was written to contain, by construct path.
    let demo: Vec<(String, String)> = findings
        .iter()
        .filter(|f| f["file"].as_str().unwrap().contains("synth-app-v2/cdk.out/"))
        .map(|f| (f["rule_id"].as_str().unwrap().to_owned(), f["template"]["construct"].as_str().unwrap().to_owned()))
        .collect();
    let has = |rule: &str, construct: &str| demo.iter().any(|(r, c)| r == rule && c == construct);
    assert!(has("LP001", "IamLintDemoStack/AdminRole/Resource"), "{demo:?}");
    assert!(has("LP006", "IamLintDemoStack/Fn/ServiceRole/Resource"), "{demo:?}");
    assert!(has("LP003", "IamLintDemoStack/DeployerRole/DefaultPolicy/Resource"), "{demo:?}");
    assert!(
        !demo.iter().any(|(rule, construct)| rule == "LP001" && construct.contains("Boundary")),
        "the permissions boundary's Allow * * is not admin access: {demo:?}"
    );
    assert_eq!(text, lint_json(&cdk).2, "output differs between two runs");
}
