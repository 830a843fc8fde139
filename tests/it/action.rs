//! The GitHub Action (`action.yml`), as far as it can run without GitHub: its shell steps run
//! with bash in a fixture repository, with the runner's files (`GITHUB_OUTPUT`, `GITHUB_PATH`)
//! and the expressions the action uses evaluated here; the upload step, which needs GitHub, is
//! checked for its pin and its condition. The install step builds iam-lint from this
//! repository with the real `cargo install` once (a release build, lighter than users get);
//! the other runs install the test build's binary through a `cargo` shim.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::common::sarif_checks::{github_problems, schema};
use crate::common::{
    ADMIN_POLICY, SCOPED_POLICY, cargo_shim, external_tool, git_repository, release_build_env, repo, run_program,
    scratch_dir, shim_installs,
};
use serde_json::Value;

fn action() -> Value {
    crate::common::yaml::parse(&std::fs::read_to_string(repo().join("action.yml")).unwrap())
}

#[test]
fn the_action_has_the_inputs_the_readme_documents_and_pins_what_it_uses() {
    let action = action();
    assert_eq!(action["runs"]["using"], "composite");
    let inputs = action["inputs"].as_object().unwrap();
    let mut names: Vec<&str> = inputs.keys().map(String::as_str).collect();
    names.sort_unstable();
    assert_eq!(names, ["category", "config", "fail-on", "paths", "sarif-file", "upload", "version"]);
    assert_eq!((&inputs["upload"]["default"], &inputs["category"]["default"]), (&"true".into(), &"iam-lint".into()));
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    for name in names {
        assert!(readme.contains(&format!("| `{name}` |")), "the README's table of inputs lacks `{name}`");
    }
    for step in action["runs"]["steps"].as_array().unwrap() {
        if let Some(script) = step["run"].as_str() {
            // Expressions spliced into a script are a template injection (zizmor, actionlint).
            assert!(!script.contains("${{"), "step {} puts an expression in its script", step["name"]);
            assert_eq!(step["shell"], "bash");
        }
        if let Some(uses) = step["uses"].as_str() {
            let pin = uses.rsplit_once('@').map(|(_, pin)| pin).unwrap_or("");
            let pinned = pin.len() == 40 && pin.chars().all(|c| c.is_ascii_hexdigit());
            assert!(pinned, "`{uses}` is not pinned by commit");
        }
    }
    let upload = upload_step(&action);
    assert_eq!(upload["with"]["category"], "${{ inputs.category }}");
    assert_eq!(upload["with"]["sarif_file"], "${{ inputs.sarif-file }}");
}

fn upload_step(action: &Value) -> &Value {
    let steps = action["runs"]["steps"].as_array().unwrap();
    steps
        .iter()
        .find(|s| s["uses"].as_str().is_some_and(|u| u.starts_with("github/codeql-action/upload-sarif@")))
        .unwrap()
}

/// Which `cargo` the install step runs.
#[derive(Clone, Copy)]
enum Cargo<'a> {
    /// The real one: a release build from this repository.
    Real,
    /// The shim in this directory, which installs the test build's binary.
    Shim(&'a Path),
}

/// A run of the action's steps, as the runner would do them.
struct Runner<'a> {
    bash: PathBuf,
    cargo: Cargo<'a>,
    workspace: PathBuf,
    temp: PathBuf,
    inputs: BTreeMap<String, String>,
    outputs: BTreeMap<String, BTreeMap<String, String>>,
    path: Vec<String>,
}

/// What a run did: each shell step's exit code and output, and whether it uploaded.
#[derive(Debug)]
struct Ran {
    steps: Vec<(String, i32, String)>,
    uploaded: bool,
}

impl<'a> Runner<'a> {
    fn new(bash: PathBuf, cargo: Cargo<'a>, workspace: &Path, inputs: &[(&str, &str)]) -> Runner<'a> {
        let action = action();
        let mut values: BTreeMap<String, String> = action["inputs"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(name, input)| (name.clone(), input["default"].as_str().unwrap_or("").to_owned()))
            .collect();
        for (name, value) in inputs {
            assert!(values.insert((*name).to_owned(), (*value).to_owned()).is_some(), "no input `{name}`");
        }
        let temp = workspace.with_extension("runner-temp");
        std::fs::create_dir_all(&temp).unwrap();
        Runner {
            bash,
            cargo,
            workspace: workspace.to_owned(),
            temp,
            inputs: values,
            outputs: BTreeMap::new(),
            path: Vec::new(),
        }
    }

    /// `${{ ... }}` of the kinds the action uses; anything else fails the test, so that the
    /// action stays within what this test can check.
    fn evaluate(&self, text: &str) -> String {
        let mut out = String::new();
        let mut rest = text;
        while let Some(start) = rest.find("${{") {
            out.push_str(&rest[..start]);
            let end = rest[start..].find("}}").expect("an unclosed expression") + start;
            out.push_str(&self.expression(rest[start + 3..end].trim()));
            rest = &rest[end + 2..];
        }
        out.push_str(rest);
        out
    }

    fn expression(&self, expression: &str) -> String {
        if let Some((left, right)) = expression.split_once(" && ") {
            let both = self.expression(left.trim()) == "true" && self.expression(right.trim()) == "true";
            return both.to_string();
        }
        if let Some((left, right)) = expression.split_once(" == ") {
            let literal = right.trim().trim_matches('\'');
            return (self.expression(left.trim()) == literal).to_string();
        }
        let parts: Vec<&str> = expression.split('.').collect();
        match parts[..] {
            ["inputs", name] => self.inputs[name].clone(),
            ["github", "action_path"] => repo().to_str().unwrap().to_owned(),
            ["runner", "temp"] => self.temp.to_str().unwrap().to_owned(),
            ["steps", id, "outputs", name] => {
                self.outputs.get(id).and_then(|o| o.get(name)).cloned().unwrap_or_default()
            }
            _ => panic!("the test does not know the expression `{expression}`"),
        }
    }

    /// Runs every step in order, stopping at the first that fails, as GitHub does.
    fn run(mut self) -> Ran {
        let action = action();
        let mut ran = Ran { steps: Vec::new(), uploaded: false };
        for step in action["runs"]["steps"].as_array().unwrap() {
            let name = step["name"].as_str().unwrap().to_owned();
            let runs = step["if"].as_str().is_none_or(|condition| self.evaluate(condition) == "true");
            if step["uses"].is_string() {
                ran.uploaded = runs;
                continue;
            }
            let (code, output) = self.shell_step(step);
            ran.steps.push((name, code, output));
            if code != 0 {
                break;
            }
        }
        ran
    }

    fn shell_step(&mut self, step: &Value) -> (i32, String) {
        let output_file = self.temp.join("github-output");
        let path_file = self.temp.join("github-path");
        std::fs::write(&output_file, "").unwrap();
        std::fs::write(&path_file, "").unwrap();
        let mut env: Vec<(String, String)> = step["env"]
            .as_object()
            .map(|env| env.iter().map(|(k, v)| (k.clone(), self.evaluate(v.as_str().unwrap()))).collect())
            .unwrap_or_default();
        let system_path = std::env::var("PATH").unwrap_or_default();
        let shim = match self.cargo {
            Cargo::Real => {
                env.extend(release_build_env().into_iter().map(|(k, v)| (k.to_owned(), v)));
                None
            }
            Cargo::Shim(dir) => Some(dir.to_str().unwrap().to_owned()),
        };
        let path = self.path.iter().cloned().chain(shim).chain([system_path]).collect::<Vec<_>>().join(":");
        env.extend([
            ("GITHUB_OUTPUT".to_owned(), output_file.to_str().unwrap().to_owned()),
            ("GITHUB_PATH".to_owned(), path_file.to_str().unwrap().to_owned()),
            ("GITHUB_WORKSPACE".to_owned(), self.workspace.to_str().unwrap().to_owned()),
            ("RUNNER_TEMP".to_owned(), self.temp.to_str().unwrap().to_owned()),
            ("PATH".to_owned(), path),
        ]);
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let script = step["run"].as_str().unwrap();
        // As GitHub runs a `shell: bash` step.
        let args = ["--noprofile", "--norc", "-eo", "pipefail", "-c", script];
        let result = run_program(&self.bash, &args, &self.workspace, &env);
        let outputs = std::fs::read_to_string(&output_file).unwrap();
        if let Some(id) = step["id"].as_str() {
            let pairs = outputs.lines().filter_map(|l| l.split_once('=')).map(|(k, v)| (k.to_owned(), v.to_owned()));
            self.outputs.insert(id.to_owned(), pairs.collect());
        }
        self.path.extend(std::fs::read_to_string(&path_file).unwrap().lines().map(str::to_owned));
        result
    }
}

fn sarif_at(path: &Path) -> Value {
    let sarif: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let (schemas, index) = schema();
    schemas.validate(&sarif, index).unwrap_or_else(|e| panic!("{}: {e:#}", path.display()));
    let problems = github_problems(&sarif);
    assert!(problems.is_empty(), "{problems:#?}");
    sarif
}

#[test]
fn the_steps_install_lint_upload_and_fail_the_job_on_findings() {
    let Some(bash) = external_tool("IAM_LINT_BASH", "bash") else { return };
    let dir = scratch_dir("action");
    let workspace = dir.join("workspace");
    git_repository(
        &workspace,
        &[
            ("policies/admin.json", ADMIN_POLICY),
            ("policies/scoped.json", SCOPED_POLICY),
            ("infra/with space/scoped.json", SCOPED_POLICY),
        ],
    );

    // The one real `cargo install` of the suite: the install step works as users run it.
    let defaults = Runner::new(bash.clone(), Cargo::Real, &workspace, &[]).run();
    let codes: Vec<i32> = defaults.steps.iter().map(|(_, code, _)| *code).collect();
    assert_eq!(codes, [0, 0, 1], "install, lint, then the job fails on the finding: {defaults:#?}");
    assert!(defaults.uploaded, "the upload runs before the failing step");
    let sarif = sarif_at(&workspace.join("iam-lint.sarif"));
    let run = &sarif["runs"][0];
    assert_eq!(run["automationDetails"]["id"], "iam-lint/");
    let uris: Vec<&str> = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str().unwrap())
        .collect();
    assert!(!uris.is_empty() && uris.iter().all(|uri| *uri == "policies/admin.json"), "{uris:?}");

    let inputs = [
        ("paths", "policies/scoped.json\n  infra "),
        ("fail-on", "never"),
        ("category", "iam-lint/infra"),
        ("sarif-file", "out/infra.sarif"),
        ("upload", "false"),
    ];
    let shim = cargo_shim(&dir);
    let tuned = Runner::new(bash.clone(), Cargo::Shim(&shim), &workspace, &inputs).run();
    let codes: Vec<i32> = tuned.steps.iter().map(|(_, code, _)| *code).collect();
    assert_eq!(codes, [0, 0, 0], "{tuned:#?}");
    assert!(!tuned.uploaded);
    let sarif = sarif_at(&workspace.join("out/infra.sarif"));
    assert_eq!(sarif["runs"][0]["automationDetails"]["id"], "iam-lint/infra/");

    // Paths split on whitespace: `infra/with space` is two paths, neither there: exit 2, and
    // the SARIF, with the errors as notifications, still written for the upload.
    let spaced = Runner::new(bash.clone(), Cargo::Shim(&shim), &workspace, &[("paths", "infra/with space")]).run();
    let (_, code, output) = spaced.steps.last().unwrap();
    assert_eq!(*code, 2, "{spaced:#?}");
    assert!(output.contains("could not lint every input (exit 2)"), "{output}");
    assert!(spaced.uploaded);
    let sarif = sarif_at(&workspace.join("iam-lint.sarif"));
    assert_eq!(sarif["runs"][0]["invocations"][0]["executionSuccessful"], false);

    // A bad input stops iam-lint before any report: the stale one is gone, nothing is
    // uploaded, and the job fails with iam-lint's exit code.
    let typo = Runner::new(bash, Cargo::Shim(&shim), &workspace, &[("fail-on", "errors")]).run();
    let codes: Vec<i32> = typo.steps.iter().map(|(_, code, _)| *code).collect();
    assert_eq!(codes, [0, 0, 2], "{typo:#?}");
    assert!(!typo.uploaded && !workspace.join("iam-lint.sarif").exists(), "{typo:#?}");
    assert!(typo.steps[1].2.contains("invalid value 'errors' for '--fail-on"), "{typo:#?}");

    // The shimmed runs installed as the action says: from its own path, locked, into the
    // runner's temporary directory.
    let installs = shim_installs(&shim);
    let expected = format!(
        "install --locked --path {} --root {}/iam-lint",
        repo().display(),
        workspace.with_extension("runner-temp").display()
    );
    assert_eq!(installs, [expected.as_str(); 3], "the install step's commands");
}
