//! Running iam-lint in process, as the binary would, with captured output.

#![allow(dead_code)] // Each test crate uses the part it needs.

use std::path::{Path, PathBuf};

pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs with narrated diagnostics, as when output is not a terminal.
pub fn run(args: &[&str]) -> Output {
    run_with(args, false)
}

/// Runs with graphical (uncoloured) diagnostics, as on a terminal.
pub fn run_graphical(args: &[&str]) -> Output {
    run_with(args, true)
}

fn run_with(args: &[&str], graphical: bool) -> Output {
    run_with_stdin(args, graphical, b"")
}

/// Runs narrated, with `input` as standard input.
pub fn run_on_stdin(args: &[&str], input: &str) -> Output {
    run_with_stdin(args, false, input.as_bytes())
}

fn run_with_stdin(args: &[&str], graphical: bool, mut input: &[u8]) -> Output {
    let mut stdout = Vec::new();
    let mut stderr = Vec::new();
    let mut io = iam_lint::Io { stdin: &mut input, stdout: &mut stdout, stderr: &mut stderr, color: false, graphical };
    let argv = std::iter::once("iam-lint").chain(args.iter().copied());
    let code = iam_lint::run(argv, &mut io) as i32;
    Output { code, stdout: String::from_utf8(stdout).unwrap(), stderr: String::from_utf8(stderr).unwrap() }
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every file below `dir`, sorted.
pub fn files_below(dir: &Path) -> Vec<PathBuf> {
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
pub fn scratch_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("iam-lint-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `iam-lint check --format concise` with `args`.
pub fn check_concise(args: &[&str]) -> Output {
    let mut all = vec!["check", "--format", "concise"];
    all.extend_from_slice(args);
    run(&all)
}
