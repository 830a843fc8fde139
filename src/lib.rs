//! iam-lint: a fast, offline linter for AWS IAM.
//!
//! The pipeline (DESIGN §2): `discover` expands paths into files and `read` reads each within
//! its size limit; `parse` reads JSON or YAML into one span-carrying tree; `extract` finds the
//! policy documents in it and builds the typed model of `iam` (with the IAM catalog and
//! wildcard semantics); `rules` evaluates TOML rule packs over the model into plain-data
//! `finding`s located by JSON `pointer`s; `suppress` sets aside what the project accepts;
//! `report` renders the rest as terminal diagnostics, concise lines, JSON or SARIF. `app` is
//! what the user asked for (the command line, commands, config, baselines) and sits on top:
//! imports point down, never back. Tool failures are `error::ToolError`s and never mix with
//! findings. `main` is a thin shell around [`run`].

mod app;
mod assembly;
mod cdk_app;
mod discover;
mod error;
mod extract;
mod finding;
#[doc(hidden)]
pub mod fuzz_targets;
mod iam;
mod lint;
mod lint_run;
mod parse;
mod paths;
mod pointer;
mod read;
mod report;
mod rules;
mod source;
mod suppress;
#[cfg(test)]
mod test_support;

use std::ffi::OsString;
use std::io::{Read, Write};

/// Where output goes and what the terminal can show; `main` fills it from the real process,
/// tests from buffers.
pub struct Io<'a> {
    /// Read only for `iam-lint check -`.
    pub stdin: &'a mut dyn Read,
    pub stdout: &'a mut dyn Write,
    pub stderr: &'a mut dyn Write,
    /// Standard output is a terminal and colour is allowed (`NO_COLOR`, `CLICOLOR_FORCE`).
    pub color: bool,
    /// Draw diagnostics graphically; otherwise narrate them as plain text.
    pub graphical: bool,
}

/// The process exit status (DESIGN §7).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Nothing at or above `--fail-on`.
    Clean = 0,
    /// Findings at or above `--fail-on`.
    Findings = 1,
    /// Usage, configuration, rule-pack or input errors.
    Error = 2,
}

/// Runs iam-lint with command-line `args` (the first is the program name).
pub fn run<I, T>(args: I, io: &mut Io<'_>) -> Exit
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    app::commands::run(args, io)
}
