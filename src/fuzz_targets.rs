//! What the fuzz targets in `fuzz/` run, and `tests/it/fuzz_regressions.rs` replays: each takes
//! arbitrary bytes and must return, without panicking, whatever they hold. Not a stable API.

use std::path::PathBuf;

use crate::discover::Input;
use crate::lint::{LintOptions, lint_file};
use crate::parse::{Syntax, parse};
use crate::rules::RuleSet;
use crate::{Exit, Io, run};

/// The JSON and YAML front end: both parsers on the same text.
pub fn parse_json_and_yaml(bytes: &[u8]) {
    let Ok(text) = std::str::from_utf8(bytes) else { return };
    let _ = parse(text, Syntax::Json);
    let _ = parse(text, Syntax::Yaml);
}

/// The whole of `iam-lint check -`: parsing, template extraction, every built-in rule and a
/// report, in a format the input picks (so that every writer is fuzzed too).
pub fn check_document(bytes: &[u8]) {
    const FORMATS: [&str; 6] = ["human", "concise", "json", "sarif", "github", "human"];
    let looks_like_json = bytes.iter().find(|b| !b.is_ascii_whitespace()).is_some_and(|b| matches!(b, b'{' | b'['));
    let name = if looks_like_json { "fuzz.json" } else { "fuzz.yaml" };
    let format = FORMATS[bytes.len() % FORMATS.len()];
    let (mut stdin, mut stdout, mut stderr) = (bytes, std::io::sink(), std::io::sink());
    // The last format is the graphical one, as on a terminal.
    let graphical = bytes.len() % FORMATS.len() == FORMATS.len() - 1;
    let mut io = Io { stdin: &mut stdin, stdout: &mut stdout, stderr: &mut stderr, color: graphical, graphical };
    let args = ["iam-lint", "check", "--no-config", "--format", format, "--stdin-filename", name, "-"];
    let exit = run(args, &mut io);
    assert!(matches!(exit, Exit::Clean | Exit::Findings | Exit::Error));
}

/// A policy every kind of rule has something to say about, for packs to be tried on.
const SAMPLE_TEMPLATE: &str = r#"{"Resources": {"Role": {"Type": "AWS::IAM::Role", "Properties": {
  "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
    "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]},
  "Policies": [{"PolicyName": "p", "PolicyDocument": {"Version": "2012-10-17", "Statement": [
    {"Sid": "A", "Effect": "Allow", "Action": ["s3:*", "iam:PassRole"], "Resource": "*",
     "Condition": {"StringEquals": {"aws:ResourceTag/team": "x"}}},
    {"Effect": "Deny", "NotAction": "s3:Get*", "NotResource": "arn:aws:s3:::b/*"}]}}]}}}}"#;

/// The rule-pack loader, and a loaded pack's rules run on a sample template.
pub fn load_rule_pack(bytes: &[u8]) {
    let Ok(text) = std::str::from_utf8(bytes) else { return };
    let Ok(builtin) = RuleSet::builtin() else { return };
    let Ok(rules) = builtin.clone().with_packs([("fuzz.toml", text)]) else { return };
    let options = LintOptions::with_rules(&rules, &[]);
    let input = Input::stdin(PathBuf::from("sample.json"), SAMPLE_TEMPLATE.as_bytes().to_vec());
    let _ = lint_file(&input, &options);
}
