//! The pre-commit hook, for real: pre-commit installs iam-lint from this repository as its
//! `.pre-commit-hooks.yaml` says (`cargo install --path`) and runs it on a fixture repository.
//! The install is the test build's binary, through a `cargo` shim first on the `PATH` (the
//! real `cargo install` is tested once, in `action.rs`); `.ci/run` installs pre-commit.

use crate::common::{
    ADMIN_POLICY, SCOPED_POLICY, cargo_shim, external_tool, git_repository, path_with, repo, run_program, scratch_dir,
    shim_installs,
};

#[test]
fn the_hook_fails_on_a_bad_policy_passes_a_clean_one_and_skips_other_files() {
    let Some(pre_commit) = external_tool("IAM_LINT_PRE_COMMIT", "pre-commit") else { return };
    let dir = scratch_dir("pre-commit");
    let project = dir.join("project");
    git_repository(
        &project,
        &[
            ("policies/admin.json", ADMIN_POLICY),
            ("policies/scoped.json", SCOPED_POLICY),
            ("package.json", r#"{"name": "app", "version": "1.0.0"}"#),
            ("config/settings.yaml", "log-level: debug\n"),
            ("generated/admin.json", ADMIN_POLICY),
            ("iam-lint.toml", "exclude = [\"generated/**\"]\n"),
        ],
    );
    // pre-commit's caches in the scratch directory, not the user's: each run installs anew.
    let shim = cargo_shim(&dir);
    let home = dir.join("pre-commit-home");
    let env = [("PRE_COMMIT_HOME", home.to_str().unwrap()), ("PATH", &path_with(&shim))];
    let hook_repo = repo();
    let try_repo = |files: &[&str]| {
        let mut args = vec!["try-repo", hook_repo.to_str().unwrap(), "iam-lint", "--files"];
        args.extend_from_slice(files);
        run_program(&pre_commit, &args, &project, &env)
    };

    let (code, out) = try_repo(&["policies/admin.json", "package.json", "config/settings.yaml"]);
    assert_eq!(code, 1, "a bad policy fails the hook:\n{out}");
    assert!(out.contains("policies/admin.json:1:71: LP001"), "{out}");
    assert!(
        !out.contains("package.json") && !out.contains("settings.yaml"),
        "other files are skipped silently:\n{out}"
    );

    let (code, out) =
        try_repo(&["policies/scoped.json", "package.json", "config/settings.yaml", "generated/admin.json"]);
    assert_eq!(code, 0, "a clean policy passes; the config's exclude applies to named files:\n{out}");
    let hook_line = out.lines().find(|line| line.starts_with("iam-lint")).unwrap_or_default();
    assert!(hook_line.ends_with("Passed"), "{out}");

    // pre-commit installed the hook with `cargo install`, as its rust language does, once per
    // revision tried: the hook ran the binary so installed.
    let installs = shim_installs(&shim);
    assert!(!installs.is_empty(), "pre-commit never ran `cargo install`");
    assert!(
        installs.iter().all(|args| args.starts_with("install --bins --root ") && args.ends_with("--path .")),
        "{installs:?}"
    );
}
