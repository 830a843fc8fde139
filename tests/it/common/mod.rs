//! Running iam-lint in process, as the binary would, with captured output.

#![allow(dead_code)] // Each test crate uses the part it needs.

pub(crate) mod sarif_checks;
pub(crate) mod yaml;

use std::path::{Path, PathBuf};

/// A policy granting everything: LP001 at line 1, column 71.
pub(crate) const ADMIN_POLICY: &str =
    r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}"#;
/// A policy no rule reports.
pub(crate) const SCOPED_POLICY: &str = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/*"}]}"#;

pub(crate) struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs with narrated diagnostics, as when output is not a terminal.
pub(crate) fn run(args: &[&str]) -> Output {
    run_with(args, false)
}

/// Runs with graphical (uncoloured) diagnostics, as on a terminal.
pub(crate) fn run_graphical(args: &[&str]) -> Output {
    run_with(args, true)
}

fn run_with(args: &[&str], graphical: bool) -> Output {
    run_with_stdin(args, graphical, b"")
}

/// Runs narrated, with `input` as standard input.
pub(crate) fn run_on_stdin(args: &[&str], input: impl AsRef<[u8]>) -> Output {
    run_with_stdin(args, false, input.as_ref())
}

fn run_with_stdin(args: &[&str], graphical: bool, mut input: &[u8]) -> Output {
    let mut stdout = Vec::new();
    let mut stderr = Vec::new();
    let mut io = iam_lint::Io { stdin: &mut input, stdout: &mut stdout, stderr: &mut stderr, color: false, graphical };
    let argv = std::iter::once("iam-lint").chain(args.iter().copied());
    let code = iam_lint::run(argv, &mut io) as i32;
    Output { code, stdout: String::from_utf8(stdout).unwrap(), stderr: String::from_utf8(stderr).unwrap() }
}

pub(crate) fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every file below `dir`, sorted.
pub(crate) fn files_below(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() { stack.push(path) } else { files.push(path) }
        }
    }
    files.sort();
    files
}

/// An empty directory of its own for the test `name` in this test process.
pub(crate) fn scratch_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("iam-lint-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `iam-lint check --format concise` with `args`.
pub(crate) fn check_concise(args: &[&str]) -> Output {
    let mut all = vec!["check", "--format", "concise"];
    all.extend_from_slice(args);
    run(&all)
}

/// A program a test drives (pre-commit, bash): `$env_var` if set, else `name` on the PATH.
/// `None`, with a note, when neither is there, unless `IAM_LINT_REQUIRE_TOOLS` is set, as
/// `.ci/run` does: then the test fails rather than pass without running.
pub(crate) fn external_tool(env_var: &str, name: &str) -> Option<PathBuf> {
    let program = std::env::var_os(env_var).map(PathBuf::from).unwrap_or_else(|| PathBuf::from(name));
    let found = std::process::Command::new(&program).arg("--version").output().is_ok_and(|out| out.status.success());
    if found {
        return Some(program);
    }
    assert!(
        std::env::var_os("IAM_LINT_REQUIRE_TOOLS").is_none(),
        "{name} is required (IAM_LINT_REQUIRE_TOOLS) but `{}` does not run: set {env_var}",
        program.display()
    );
    eprintln!("skipped: {name} is not installed (set {env_var}; .ci/run installs it)");
    None
}

/// Runs `program` with `args` in `dir`, returning the exit code and both streams together.
pub(crate) fn run_program(program: &Path, args: &[&str], dir: &Path, env: &[(&str, &str)]) -> (i32, String) {
    let out = std::process::Command::new(program)
        .args(args)
        .current_dir(dir)
        .envs(env.iter().copied())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", program.display()));
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.code().unwrap_or(-1), text)
}

/// A new git repository in `dir` with `files` (path, contents) committed.
pub(crate) fn git_repository(dir: &Path, files: &[(&str, &str)]) {
    let git = Path::new("git");
    for (path, contents) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
    }
    let identity = [
        ("GIT_AUTHOR_NAME", "t"),
        ("GIT_AUTHOR_EMAIL", "t@t"),
        ("GIT_COMMITTER_NAME", "t"),
        ("GIT_COMMITTER_EMAIL", "t@t"),
    ];
    for args in [&["init", "-q", "-b", "main"][..], &["add", "-A"], &["commit", "-q", "-m", "fixture"]] {
        let (code, out) = run_program(git, args, dir, &identity);
        assert_eq!(code, 0, "git {args:?}: {out}");
    }
}

/// Environment for the one test that builds iam-lint in release mode as users do (`cargo
/// install`): its own build directory under target/, kept between runs, and a lighter release
/// profile (no LTO, unoptimised): what is proven is that the install works, not its speed.
pub(crate) fn release_build_env() -> Vec<(&'static str, String)> {
    vec![
        ("CARGO_TARGET_DIR", repo().join("target/release-build-tests").to_str().unwrap().to_owned()),
        ("CARGO_PROFILE_RELEASE_LTO", "false".to_owned()),
        ("CARGO_PROFILE_RELEASE_OPT_LEVEL", "0".to_owned()),
        ("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "256".to_owned()),
    ]
}

/// A directory holding a `cargo` that stands in for `cargo install` of this repository (as
/// the pre-commit hook and the action run it): it checks the command and installs the binary
/// this test build already made, instead of a release build per test. Every other command
/// goes to the real cargo. Each install is logged, one line of arguments, to `installs.log`
/// in the same directory.
pub(crate) fn cargo_shim(dir: &Path) -> PathBuf {
    let shim_dir = dir.join("cargo-shim");
    std::fs::create_dir_all(&shim_dir).unwrap();
    let real_cargo = std::env::var_os("CARGO").map(PathBuf::from).or_else(|| on_path("cargo")).expect("no cargo");
    let real_cargo = real_cargo.display();
    let script = format!(
        r#"#!/bin/sh
# Written by tests/it/common: `cargo install --path <iam-lint> --root <dir>` copies the test
# build's binary; anything else runs the real cargo.
if [ "$1" != install ]; then exec '{real_cargo}' "$@"; fi
echo "$*" >> '{log}'
root=; path=
while [ $# -gt 0 ]; do
    case "$1" in
        --root) root="$2"; shift ;;
        --path) path="$2"; shift ;;
    esac
    shift
done
if [ -z "$root" ] || [ -z "$path" ] || ! grep -qs '^name = "iam-lint"$' "$path/Cargo.toml"; then
    echo "cargo shim: not an install of iam-lint from a path into a root" >&2
    exit 101
fi
mkdir -p "$root/bin" && cp '{binary}' "$root/bin/iam-lint"
"#,
        log = shim_dir.join("installs.log").display(),
        binary = env!("CARGO_BIN_EXE_iam-lint"),
    );
    let cargo = shim_dir.join("cargo");
    std::fs::write(&cargo, script).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&cargo, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    shim_dir
}

/// Where `program` is on the `PATH`.
fn on_path(program: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?).map(|dir| dir.join(program)).find(|p| p.is_file())
}

/// `PATH` with `first` in front.
pub(crate) fn path_with(first: &Path) -> String {
    let rest = std::env::var("PATH").unwrap_or_default();
    format!("{}:{rest}", first.display())
}

/// The installs the shim in `shim_dir` made, one line of arguments each.
pub(crate) fn shim_installs(shim_dir: &Path) -> Vec<String> {
    let log = std::fs::read_to_string(shim_dir.join("installs.log")).unwrap_or_default();
    log.lines().map(str::to_owned).collect()
}
