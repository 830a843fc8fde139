//! The command line beyond `check`'s formats: standard input, `--quiet` and `--verbose`, shell
//! completions and man pages (issue 7, item 6).

use crate::common::{ADMIN_POLICY, SCOPED_POLICY, run, run_on_stdin};

#[test]
fn standard_input_is_linted_under_its_given_name() {
    let out = run_on_stdin(&["check", "-f", "concise", "-", "--stdin-filename", "infra/admin.json"], ADMIN_POLICY);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stdout.contains("infra/admin.json:1:71: LP001 error"), "{}", out.stdout);
    // The name alone is enough to read standard input, as in ruff.
    let named_only = run_on_stdin(&["check", "-f", "concise", "--stdin-filename", "infra/admin.json"], ADMIN_POLICY);
    assert_eq!(named_only.stdout, out.stdout);
    let unnamed = run_on_stdin(&["check", "-f", "concise", "-"], ADMIN_POLICY);
    assert!(unnamed.stdout.contains("-:1:71: LP001 error"), "{}", unnamed.stdout);
    let clean = run_on_stdin(&["check", "-", "--stdin-filename", "p.json"], SCOPED_POLICY);
    assert_eq!(clean.code, 0, "{}{}", clean.stdout, clean.stderr);
}

#[test]
fn standard_input_goes_with_files_and_bad_input_is_an_error() {
    let out = run_on_stdin(&["check", "-f", "concise", "testdata/cli/clean.json", "-"], ADMIN_POLICY);
    assert!(out.stdout.contains("in 1 of 2 files checked"), "{}", out.stdout);
    let broken = run_on_stdin(&["check", "-f", "concise", "-", "--stdin-filename", "x.yaml"], "Statement: [\n");
    assert_eq!(broken.code, 2);
    assert!(broken.stdout.contains("x.yaml:2:1: error: invalid YAML"), "{}", broken.stdout);
    let not_policy = run_on_stdin(&["check", "-f", "concise", "-"], r#"{"name": "a package.json"}"#);
    assert_eq!(not_policy.code, 2);
    assert!(not_policy.stdout.contains("-: error: not an IAM policy"), "{}", not_policy.stdout);
    let huge = format!("{{\"Statement\": \"{}\"}}", "x".repeat(16 * 1024 * 1024));
    let too_large = run_on_stdin(&["check", "-f", "concise", "-"], &huge);
    assert_eq!(too_large.code, 2);
    assert!(too_large.stdout.contains("-: error: standard input is over the 16 MiB limit"), "{}", too_large.stdout);
    let stray_name = run(&["check", "testdata/cli/clean.json", "--stdin-filename", "x.json"]);
    assert_eq!(stray_name.code, 2);
    assert!(stray_name.stderr.contains("no path is `-`"), "{}", stray_name.stderr);
}

#[test]
fn the_stdin_name_decides_the_config_and_its_excludes_apply_only_when_forced() {
    let dir = crate::common::scratch_dir("stdin-config");
    std::fs::write(dir.join("iam-lint.toml"), "ignore = [\"G001\"]\nexclude = [\"generated/**\"]\n").unwrap();
    let name = dir.join("generated/p.json");
    let name = name.to_str().unwrap();
    let unversioned =
        r#"{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}"#;
    let out = run_on_stdin(&["check", "-f", "concise", "--stdin-filename", name], unversioned);
    assert_eq!(out.code, 0, "the config's ignore of G001 applies: {}", out.stdout);
    let named = run_on_stdin(&["check", "-f", "concise", "--stdin-filename", name], ADMIN_POLICY);
    assert_eq!((named.code, named.stdout.contains("LP001")), (1, true), "linted unless forced: {}", named.stdout);
    let forced = run_on_stdin(&["check", "-f", "concise", "--force-exclude", "--stdin-filename", name], ADMIN_POLICY);
    assert_eq!((forced.code, forced.stdout.contains("LP001")), (0, false), "{}", forced.stdout);
}

#[test]
fn quiet_prints_only_findings_and_verbose_says_what_ran() {
    let quiet = run(&["check", "-q", "-f", "concise", "testdata/cli/admin.json", "testdata/cli"]);
    assert!(!quiet.stdout.contains("Found"), "{}", quiet.stdout);
    assert!(quiet.stdout.contains("LP001"), "{}", quiet.stdout);
    assert_eq!(quiet.stderr, "", "the note on the skipped assembly is left out");
    let normal = run(&["check", "-f", "concise", "testdata/cli"]);
    assert!(normal.stderr.contains("note: the cloud assembly"), "{}", normal.stderr);

    let verbose = run(&["check", "-v", "-f", "concise", "testdata/cli/admin.json"]);
    let lines: Vec<&str> = verbose.stderr.lines().collect();
    assert_eq!(lines[0], "iam-lint: config: none");
    assert!(lines[1].starts_with("iam-lint: rules: ") && lines[1].ends_with(" selected"), "{lines:?}");
    assert!(lines[2].starts_with("iam-lint: IAM catalog: "), "{lines:?}");
    assert!(lines[3].starts_with("iam-lint: linted 1 files, 1 policies, in "), "{lines:?}");
    let selected = run(&["check", "-v", "--select", "LP001", "testdata/cli/admin.json"]);
    assert!(selected.stderr.contains("iam-lint: rules: 1 selected"), "{}", selected.stderr);
    assert_eq!(run(&["check", "-q", "-v", "testdata/cli/admin.json"]).code, 2, "they conflict");
}

#[test]
fn completions_for_every_shell_know_the_subcommands_and_options() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = run(&["completions", shell]);
        assert_eq!(out.code, 0, "{shell}: {}", out.stderr);
        for word in ["check", "explain", "sarif-category", "stdin-filename"] {
            assert!(out.stdout.contains(word), "{shell} completions lack `{word}`");
        }
    }
    assert_eq!(run(&["completions", "tcsh"]).code, 2);
}

#[test]
fn man_pages_for_the_tool_and_each_subcommand() {
    let overview = run(&["man"]);
    assert_eq!(overview.code, 0);
    assert!(overview.stdout.contains(".TH iam-lint 1"), "{}", &overview.stdout[..200]);
    assert!(overview.stdout.contains("iam\\-lint\\-check(1)"), "the overview names the subcommand pages");
    let check = run(&["man", "check"]);
    assert!(check.stdout.contains(".TH iam-lint-check 1"), "{}", &check.stdout[..200]);
    for option in ["\\-\\-stdin\\-filename", "\\-\\-sarif\\-category", "\\-\\-fail\\-on"] {
        assert!(check.stdout.contains(option), "the check page lacks {option}");
    }
    let unknown = run(&["man", "lint"]);
    assert_eq!(unknown.code, 2);
    assert!(unknown.stderr.contains("the subcommands are check, rules"), "{}", unknown.stderr);
}

#[test]
fn skip_unrecognized_treats_named_files_as_a_walk_does() {
    let dir = crate::common::scratch_dir("skip-unrecognized");
    std::fs::write(dir.join("package.json"), r#"{"name": "app"}"#).unwrap();
    std::fs::write(dir.join("tsconfig.json"), "{ // JSON with comments\n }").unwrap();
    std::fs::write(dir.join("broken-policy.json"), r#"{"Statement": [ }"#).unwrap();
    let path = |name: &str| dir.join(name).to_str().unwrap().to_owned();
    let (package, tsconfig, broken) = (path("package.json"), path("tsconfig.json"), path("broken-policy.json"));
    let strict = run(&["check", "-f", "concise", &package]);
    assert_eq!(strict.code, 2, "a named file that is not a policy is an error by default");
    let skipped =
        run(&["check", "-f", "concise", "--skip-unrecognized", &package, &tsconfig, "testdata/cli/admin.json"]);
    assert_eq!(skipped.code, 1, "{}", skipped.stdout);
    assert!(!skipped.stdout.contains("package.json") && !skipped.stdout.contains("tsconfig"), "{}", skipped.stdout);
    assert!(skipped.stdout.contains("in 1 of 1 file checked"), "{}", skipped.stdout);
    // A file that looks like a policy but does not parse is still reported.
    let reported = run(&["check", "-f", "concise", "--skip-unrecognized", &broken]);
    assert_eq!(reported.code, 2);
    assert!(reported.stdout.contains("broken-policy.json:1:17: error: invalid JSON"), "{}", reported.stdout);
}

/// Colour is decided in `main` from the real process: run the binary.
#[test]
fn colour_follows_clicolor_force_and_no_color() {
    let binary = std::path::Path::new(env!("CARGO_BIN_EXE_iam-lint"));
    let colour = |env: &[(&str, &str)]| {
        let out = std::process::Command::new(binary)
            .args(["check", "testdata/cli/admin.json"])
            .env_remove("NO_COLOR")
            .env_remove("CLICOLOR_FORCE")
            .envs(env.iter().copied())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        String::from_utf8(out.stdout).unwrap().contains("\u{1b}[")
    };
    assert!(!colour(&[]), "standard output is a pipe here: no colour");
    assert!(colour(&[("CLICOLOR_FORCE", "1")]));
    assert!(!colour(&[("CLICOLOR_FORCE", "0")]));
    assert!(colour(&[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]), "forcing wins, as the CLICOLOR convention says");
}

/// `--parse-only` (hidden, for scripts/bench): files are read and parsed, no rule runs.
#[test]
fn parse_only_reads_and_parses_without_rules() {
    let out = run(&["check", "-f", "concise", "--parse-only", "testdata/cli/admin.json", "testdata/cli/clean.json"]);
    assert_eq!((out.code, out.stdout.as_str()), (0, "No findings in 2 files.\n"));
    let broken = run(&["check", "-f", "concise", "--parse-only", "testdata/cli/broken.json"]);
    assert_eq!(broken.code, 2, "{}", broken.stdout);
    assert!(!run(&["check", "--help"]).stdout.contains("parse-only"), "hidden from --help");
}
