//! Generated documentation is committed and must match what the code generates.
//! `IAM_LINT_BLESS=1 cargo test --test it docs::` regenerates it.

use crate::common::{repo, run};

#[test]
fn rules_reference_is_current() {
    let generated = run(&["rules", "--format", "markdown"]).stdout;
    let path = repo().join("docs/rules.md");
    if std::env::var_os("IAM_LINT_BLESS").is_some_and(|v| v == "1") {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(committed == generated, "docs/rules.md is stale: run `IAM_LINT_BLESS=1 cargo test --test it docs::`");
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

/// docs/migrating.md's rule mapping is the packs' `aliases`, both ways.
#[test]
fn migration_guide_mapping_matches_the_aliases() {
    let rules: serde_json::Value = serde_json::from_str(&run(&["rules", "--format", "json"]).stdout).unwrap();
    let mut from_packs = std::collections::BTreeSet::new();
    for rule in rules.as_array().unwrap() {
        for alias in rule["aliases"].as_array().into_iter().flatten() {
            from_packs.insert((alias.as_str().unwrap().to_owned(), rule["id"].as_str().unwrap().to_owned()));
        }
    }
    let guide = std::fs::read_to_string(repo().join("docs/migrating.md")).unwrap();
    let table = guide.split("## Rule mapping").nth(1).unwrap().split("\n\n").nth(2).unwrap();
    let mut from_guide = std::collections::BTreeSet::new();
    for row in table.lines().skip(2) {
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        let peer_ids = cells[2].split(", ").map(|id| id.trim_matches('`'));
        let is_rule_id = |word: &&str| {
            word.len() >= 4
                && word.ends_with(|c: char| c.is_ascii_digit())
                && word.starts_with(|c: char| c.is_ascii_uppercase())
        };
        let ours: Vec<&str> = cells[3].split([' ', ',']).filter(is_rule_id).collect();
        assert!(!ours.is_empty(), "no iam-lint rule in {row}");
        for peer in peer_ids {
            from_guide.extend(ours.iter().map(|rule| (peer.to_owned(), (*rule).to_owned())));
        }
    }
    assert_eq!(from_guide, from_packs);
}

/// The README's VS Code task reads concise output: its problem matcher's pattern (JavaScript
/// syntax, which this one shares with Rust's regex) splits each finding line into its parts.
#[test]
fn readme_problem_matcher_reads_concise_output() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let task = readme.split("```json\n").find(|b| b.contains("problemMatcher")).unwrap().split("```").next().unwrap();
    let task: serde_json::Value = serde_json::from_str(task).unwrap();
    let matcher = &task["tasks"][0]["problemMatcher"];
    let pattern = regex::Regex::new(matcher["pattern"]["regexp"].as_str().unwrap()).unwrap();
    let command: Vec<&str> = task["tasks"][0]["command"].as_str().unwrap().split_whitespace().skip(1).collect();
    assert_eq!(command.last(), Some(&"."));
    let mut args = command[..command.len() - 1].to_vec();
    args.push("examples/deploy-role-policy.json");
    let out = run(&args);
    assert!(!out.stdout.contains("Found"), "--quiet leaves the summary out: {}", out.stdout);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert!(lines.len() > 3);
    for line in lines {
        let parts = pattern.captures(line).unwrap_or_else(|| panic!("the matcher misses `{line}`"));
        assert_eq!(&parts[1], "examples/deploy-role-policy.json");
        assert!(parts[2].parse::<u32>().is_ok() && parts[3].parse::<u32>().is_ok());
        assert!(["error", "warning", "note"].contains(&&parts[5]) && parts[4].len() >= 4, "{line}");
    }
}
