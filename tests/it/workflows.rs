//! The project's own GitHub workflows, which cannot run here: the CI workflow runs `.ci/run`
//! and nothing else of substance (so that what CI checks is what the script checks), and every
//! action any workflow uses is pinned by commit.

use serde_json::Value;

use crate::common::repo;

fn workflow(name: &str) -> Value {
    let text = std::fs::read_to_string(repo().join(".github/workflows").join(name)).unwrap();
    crate::common::yaml::parse(&text)
}

fn steps(workflow: &Value) -> Vec<&Value> {
    let jobs = workflow["jobs"].as_object().unwrap();
    jobs.values().flat_map(|job| job["steps"].as_array().unwrap()).collect()
}

#[test]
fn ci_runs_the_ci_script_after_setting_up_only() {
    let ci = workflow("ci.yml");
    let runs: Vec<&str> = steps(&ci).iter().filter_map(|step| step["run"].as_str()).collect();
    assert_eq!(runs.last(), Some(&"bash .ci/run"), "{runs:?}");
    // Before it, only the toolchain and the cache key: no test or lint of its own to drift.
    for run in &runs[..runs.len() - 1] {
        assert!(!run.contains("cargo "), "a step runs cargo outside .ci/run: {run}");
    }
}

#[test]
fn every_action_is_pinned_by_commit() {
    for name in ["ci.yml", "iam-lint-code-scanning.yml"] {
        for step in steps(&workflow(name)) {
            let Some(uses) = step["uses"].as_str() else { continue };
            if uses == "./" {
                continue; // this repository's own action
            }
            let pin = uses.rsplit_once('@').map_or("", |(_, pin)| pin);
            let pinned = pin.len() == 40 && pin.chars().all(|c| c.is_ascii_hexdigit());
            assert!(pinned, "{name}: `{uses}` is not pinned by commit");
        }
    }
}
