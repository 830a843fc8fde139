//! Bad input never crashes iam-lint (DESIGN §8): every fixture, truncated at many points and
//! mutated at random (seeded per fixture, so failures reproduce), goes through `check -`, which
//! must exit 0, 1 or 2 with a well-formed report no larger than its input warrants. Plus
//! hostile inputs built on purpose.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::common::{files_below, repo, run, run_on_stdin};

/// xorshift64*: a tiny deterministic generator, so every run mutates the same way.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Bytes that matter to JSON and YAML parsers, and some that are not text at all.
const INTERESTING: &[u8] = b"{}[]\":,'\n\r\t\\*?!&|-# \x00\xff\xfe\xc3";

fn mutate(original: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut bytes = original.to_vec();
    for _ in 0..=rng.below(3) {
        let at = rng.below(bytes.len() + 1);
        match rng.below(5) {
            0 if at < bytes.len() => bytes[at] = INTERESTING[rng.below(INTERESTING.len())],
            1 if at < bytes.len() => bytes[at] = rng.next() as u8,
            2 => {
                let end = (at + rng.below(16)).min(bytes.len());
                bytes.drain(at..end);
            }
            3 => {
                let end = (at + rng.below(32)).min(bytes.len());
                let copy = bytes[at..end].to_vec();
                let to = rng.below(bytes.len() + 1);
                bytes.splice(to..to, copy);
            }
            _ => bytes.insert(at.min(bytes.len()), INTERESTING[rng.below(INTERESTING.len())]),
        }
    }
    bytes
}

struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("iam-lint-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A report's size per byte of input, and the most any input gets: findings, notices and
/// errors grow with what the input holds, never with combinations of it. The largest ratio
/// seen is 75, for `Fn::If` nested 30 deep in each of 200 statements: each of the 31 actions
/// is a finding that lists the conditions it holds under, so nesting multiplies by its depth,
/// which the parser bounds.
const REPORT_BYTES_PER_INPUT_BYTE: usize = 256;
const REPORT_BYTES_ANY_INPUT: usize = 64 * 1024;

/// Lints `bytes` as standard input named like `like`; checks the contract and returns the
/// exit code and the report.
fn lint_bytes(like: &Path, bytes: &[u8], what: &str) -> (i32, serde_json::Value) {
    let name = format!("case.{}", like.extension().unwrap().to_str().unwrap());
    let out = run_on_stdin(&["check", "--no-config", "--format", "json", "--stdin-filename", &name, "-"], bytes);
    assert!((0..=2).contains(&out.code), "{what}: exit {}", out.code);
    let bound = REPORT_BYTES_PER_INPUT_BYTE * bytes.len() + REPORT_BYTES_ANY_INPUT;
    assert!(out.stdout.len() <= bound, "{what}: a report of {} bytes for {} bytes", out.stdout.len(), bytes.len());
    let report: serde_json::Value =
        serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{what}: report is not JSON ({e})"));
    let tool_errors = report["errors"].as_array().unwrap().len();
    assert_eq!(out.code == 2, tool_errors > 0, "{what}: exit {} with {tool_errors} errors", out.code);
    (out.code, report)
}

/// Each fixture cut at 24 points and mutated 24 times; the exit codes seen.
fn sweep(index: usize, fixture: &Path) -> [usize; 3] {
    let original = std::fs::read(fixture).unwrap();
    let name = fixture.strip_prefix(repo()).unwrap().display();
    let mut codes = [0usize; 3];
    let step = (original.len() / 24).max(1);
    for cut in (0..original.len()).step_by(step) {
        let (code, _) = lint_bytes(fixture, &original[..cut], &format!("{name} cut at {cut}"));
        codes[code as usize] += 1;
    }
    // Seeded by the fixture's place, so that a failure reproduces whatever ran beside it.
    let mut rng = Rng(0x1a2b_3c4d_5e6f_7788 ^ (index as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15));
    for round in 0..24 {
        let mutated = mutate(&original, &mut rng);
        let (code, _) = lint_bytes(fixture, &mutated, &format!("{name} mutation {round}"));
        codes[code as usize] += 1;
    }
    codes
}

#[test]
fn truncated_and_mutated_fixtures_never_crash() {
    let fixtures: Vec<PathBuf> = files_below(&repo().join("testdata"))
        .into_iter()
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("json" | "yaml" | "yml")))
        .filter(|p| !p.starts_with(repo().join("testdata/sarif")))
        .collect();
    assert!(fixtures.len() > 50, "too few fixtures: {}", fixtures.len());
    // Threads of the test's own, not rayon's: each run waits for iam-lint's rayon workers, and
    // a worker that waited for them could leave none to do the work.
    let next = AtomicUsize::new(0);
    let threads = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
    let codes = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut codes = [0usize; 3];
                    loop {
                        let index = next.fetch_add(1, Ordering::Relaxed);
                        let Some(fixture) = fixtures.get(index) else { break };
                        for (total, n) in codes.iter_mut().zip(sweep(index, fixture)) {
                            *total += n;
                        }
                    }
                    codes
                })
            })
            .collect();
        let per_thread =
            workers.into_iter().map(|worker| worker.join().unwrap_or_else(|e| std::panic::resume_unwind(e)));
        per_thread.fold([0usize; 3], |sum, codes| [sum[0] + codes[0], sum[1] + codes[1], sum[2] + codes[2]])
    });
    // The sweep must exercise every outcome, or it is not testing what it claims.
    let runs: usize = codes.iter().sum();
    assert!(codes.iter().all(|&n| n > 0), "exit codes seen {codes:?} over {runs} runs");
}

/// Lints `bytes` and returns the report's tool error messages.
fn tool_errors(extension: &str, bytes: &[u8], what: &str) -> Vec<String> {
    let (_, report) = lint_bytes(Path::new(&format!("x.{extension}")), bytes, what);
    report["errors"].as_array().unwrap().iter().map(|e| e["message"].as_str().unwrap().to_owned()).collect()
}

#[test]
fn hostile_inputs_are_clear_errors() {
    let deep_json = format!("{{\"Statement\": {}{}}}", "[".repeat(100_000), "]".repeat(100_000));
    let deep_yaml = format!("Statement:\n{}x\n", "- ".repeat(50_000));
    let mut laughs = String::from("L0: &l0 [\"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\"]\n");
    for level in 1..12 {
        let aliases = vec![format!("*l{}", level - 1); 9].join(", ");
        laughs.push_str(&format!("L{level}: &l{level} [{aliases}]\n"));
    }
    laughs.push_str("Statement: []\n");
    let wide_alias = format!("big: &a \"{}\"\nStatement: [{}]\n", "x".repeat(1_000_000), ["*a"; 40].join(", "));
    let cases: [(&str, &str, Vec<u8>, &str); 8] = [
        ("deeply nested JSON", "json", deep_json.into_bytes(), "nesting"),
        ("deeply nested YAML", "yaml", deep_yaml.into_bytes(), "deeper than"),
        ("YAML alias bomb", "yaml", laughs.into_bytes(), "aliases expand"),
        ("YAML alias of a large string", "yaml", wide_alias.into_bytes(), "aliases expand"),
        ("empty file", "json", Vec::new(), "empty"),
        ("only a BOM", "json", "\u{feff}".into(), "empty"),
        ("UTF-16", "json", vec![0xff, 0xfe, b'{', 0, b'}', 0], "not valid UTF-8"),
        ("NUL bytes", "json", b"{\"Statement\": [\0]}".to_vec(), "NUL byte"),
    ];
    for (name, extension, bytes, expected) in cases {
        let errors = tool_errors(extension, &bytes, name);
        assert!(errors.len() == 1 && errors[0].contains(expected), "{name}: {errors:?}");
    }
}

/// Inputs that are valid but built to make naive code quadratic or allocate without bound:
/// each is linted, with a report no larger than `lint_bytes` allows.
#[test]
fn adversarial_sizes_stay_bounded() {
    let policy =
        |statements: Vec<String>| format!("{{\"Version\":\"2012-10-17\",\"Statement\":[{}]}}", statements.join(","));
    let long = format!("*{}", "x".repeat(150_000));
    let cases = [
        ("huge string", format!("{{\"Statement\": [{{\"Sid\": \"{}\"}}]}}", "x".repeat(5_000_000))),
        // One line: every finding's column is computed on the same long line.
        (
            "many statements on one line",
            policy(vec![r#"{"Effect":"Allow","Action":"s3:*","Resource":"*"}"#.to_owned(); 20_000]),
        ),
        (
            "many PassRole grants",
            policy(vec![r#"{"Effect":"Allow","Action":"iam:PassRole","Resource":"*"}"#.to_owned(); 20_000]),
        ),
        (
            "very long patterns compared",
            policy(vec![
                format!(r#"{{"Effect":"Allow","Action":"iam:PassRole","Resource":"{long}"}}"#),
                format!(r#"{{"Effect":"Deny","Action":"iam:PassRole","NotResource":"{long}"}}"#),
            ]),
        ),
        (
            "an OIDC provider whose Url refers to itself",
            "{\"Resources\": {\"P\": {\"Type\": \"AWS::IAM::OIDCProvider\", \"Properties\": {\"Url\": {\"Fn::Join\": [\"\", [{\"Ref\": \"P\"}, {\"Ref\": \"P\"}, {\"Ref\": \"P\"}]]}}}, \"R\": {\"Type\": \"AWS::IAM::Role\", \"Properties\": {\"AssumeRolePolicyDocument\": {\"Statement\": [{\"Effect\": \"Allow\", \"Principal\": {\"Federated\": {\"Ref\": \"P\"}}, \"Action\": \"sts:AssumeRoleWithWebIdentity\"}]}}}}}".to_owned(),
        ),
        ("many keys in one object", {
            let keys: Vec<String> = (0..200_000).map(|i| format!("\"k{i}\": 1")).collect();
            format!("{{\"Statement\": [], \"Extra\": {{{}}}}}", keys.join(","))
        }),
    ];
    for (name, text) in cases {
        lint_bytes(Path::new("x.json"), text.as_bytes(), name);
    }
}

#[test]
fn bom_and_crlf_are_read_like_plain_text() {
    let scratch = Scratch::new("bom");
    let policy = "{\r\n  \"Version\": \"2012-10-17\",\r\n  \"Statement\": [\r\n    {\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\"}\r\n  ]\r\n}\r\n";
    let path = scratch.0.join("p.json");
    std::fs::write(&path, format!("\u{feff}{policy}")).unwrap();
    let out = run(&["check", "--format", "concise", "--select", "LP001", path.to_str().unwrap()]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(out.stdout.contains("p.json:4:35: LP001"), "{}", out.stdout);
}

#[test]
fn the_file_size_limit_is_configurable() {
    let scratch = Scratch::new("size-limit");
    let statement = r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"},"#;
    let big = format!("{{\"Version\":\"2012-10-17\",\"Statement\":[{}{{}}]}}", statement.repeat(30_000));
    assert!(big.len() > 2 * 1024 * 1024);
    let path = scratch.0.join("big.json");
    std::fs::write(&path, &big).unwrap();
    let path = path.to_str().unwrap();
    let refused = run(&["check", "--format", "concise", "--max-file-size", "1", path]);
    assert_eq!(refused.code, 2);
    assert!(refused.stdout.contains(&format!("is {} bytes, over the 1 MiB limit", big.len())), "{}", refused.stdout);
    let read = run(&["check", "--format", "concise", "--max-file-size", "3", "--select", "G003", path]);
    assert_eq!(read.code, 1, "read, with a G003 for the empty statement: {}", read.stdout);

    std::fs::write(scratch.0.join("iam-lint.toml"), "max-file-size = 1\n").unwrap();
    let configured = run(&["check", "--format", "concise", path]);
    assert!(configured.stdout.contains("over the 1 MiB limit"), "{}", configured.stdout);
    let overridden = run(&["check", "--format", "concise", "--max-file-size", "3", "--select", "G003", path]);
    assert_eq!(overridden.code, 1, "--max-file-size replaces the config's: {}", overridden.stdout);
    std::fs::write(scratch.0.join("iam-lint.toml"), "max-file-size = 0\n").unwrap();
    let invalid = run(&["check", path]);
    assert_eq!(invalid.code, 2);
    assert!(invalid.stderr.contains("max-file-size is a number of MiB from 1 to 1024"), "{}", invalid.stderr);
}

/// Hundreds of conditions, nested `Fn::If` and `Fn::If` in every list item: the work grows
/// with the template, not with the combinations of conditions. Counted, not timed: four times
/// the statements give at most four times the findings of each rule (and one more, for a rule
/// on the whole document); enumerating combinations of conditions would give thousands.
#[test]
fn conditions_and_nested_ifs_scale_linearly() {
    let template = |n: usize| {
        let conditions: Vec<String> =
            (0..n).map(|i| format!(r#""C{i}": {{"Fn::Equals": [{{"Ref": "P"}}, "{i}"]}}"#)).collect();
        let action = |i: usize| format!(r#"{{"Fn::If": ["C{i}", "s3:GetObject", "s3:*"]}}"#);
        let resource = |i: usize| format!(r#"{{"Fn::If": ["C{i}", "arn:aws:s3:::b/*", "*"]}}"#);
        let mut nested = String::from("\"s3:*\"");
        for i in 0..30 {
            nested = format!(r#"{{"Fn::If": ["C{i}", "s3:Get{i}*", {nested}]}}"#);
        }
        let statements: Vec<String> = (0..n)
            .map(|i| format!(r#"{{"Fn::If": ["C{i}", {{"Effect": "Allow", "Action": [{}, {nested}], "Resource": [{}]}}, {{"Ref": "AWS::NoValue"}}]}}"#, action(i), resource(i)))
            .collect();
        format!(
            r#"{{"Parameters": {{"P": {{"Type": "String"}}}}, "Conditions": {{{}}}, "Resources": {{"R": {{"Type": "AWS::IAM::ManagedPolicy", "Properties": {{"PolicyDocument": {{"Version": "2012-10-17", "Statement": [{}]}}}}}}}}}}"#,
            conditions.join(","),
            statements.join(",")
        )
    };
    let findings_by_rule = |n: usize| {
        let (code, report) = lint_bytes(Path::new("x.json"), template(n).as_bytes(), &format!("{n} conditions"));
        assert_eq!(code, 1, "{report}");
        let mut counts = std::collections::BTreeMap::<String, usize>::new();
        for finding in report["findings"].as_array().unwrap() {
            *counts.entry(finding["rule_id"].as_str().unwrap().to_owned()).or_default() += 1;
        }
        counts
    };
    let (small, large) = (findings_by_rule(200), findings_by_rule(800));
    assert!(small.values().sum::<usize>() >= 200, "a finding per statement at least: {small:?}");
    for (rule, &many) in &large {
        let few = small.get(rule).copied().unwrap_or(0);
        assert!(many <= 4 * few + 1, "{rule}: {few} findings for 200 conditions, {many} for 800");
    }
}

/// Templates that refer to themselves, or nest intrinsics as deep as the parser allows: linted
/// (or refused with a clear error) without recursing until the stack or memory runs out.
#[test]
fn self_referring_and_deeply_nested_intrinsics_end() {
    let role = |document: &str| {
        format!(
            r#"{{"Resources": {{"R": {{"Type": "AWS::IAM::Role", "Properties": {{"AssumeRolePolicyDocument": {{"Statement": []}}, "Policies": [{{"PolicyName": "p", "PolicyDocument": {document}}}]}}}}}}}}"#
        )
    };
    let statement = |resource: &str| {
        role(&format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": "s3:GetObject", "Resource": {resource}}}]}}"#
        ))
    };
    let mut nested_join = String::from("\"*\"");
    let mut nested_sub = String::from("\"${X}\"");
    for _ in 0..40 {
        nested_join = format!(r#"{{"Fn::Join": ["", [{nested_join}, "a"]]}}"#);
        nested_sub = format!(r#"{{"Fn::Sub": ["${{X}}", {{"X": {nested_sub}}}]}}"#);
    }
    let cases = [
        ("Sub whose variable is itself", statement(r#"{"Fn::Sub": ["${X}", {"X": {"Fn::Sub": "${X}"}}]}"#)),
        ("Sub of the resource's own attribute", statement(r#"{"Fn::Sub": "${R.Arn}/${R}"}"#)),
        ("GetAtt of itself", statement(r#"{"Fn::GetAtt": ["R", "Arn"]}"#)),
        ("Join nested 40 deep", statement(&nested_join)),
        ("Sub nested 40 deep", statement(&nested_sub)),
        (
            "Select of a Split of itself",
            statement(
                r#"{"Fn::Select": [0, {"Fn::Split": [",", {"Fn::Select": [0, {"Fn::Split": [",", {"Ref": "R"}]}]}]}]}"#,
            ),
        ),
        (
            "If on a condition that refers to itself",
            format!(
                r#"{{"Conditions": {{"C": {{"Fn::And": [{{"Condition": "C"}}, {{"Condition": "C"}}]}}}}, {}"#,
                &statement(r#"{"Fn::If": ["C", "*", "arn:aws:s3:::b/*"]}"#)[1..]
            ),
        ),
    ];
    for (name, text) in cases {
        lint_bytes(Path::new("x.json"), text.as_bytes(), name);
    }
}

#[cfg(unix)]
#[test]
fn a_symlink_loop_is_reported_and_the_rest_is_linted() {
    let scratch = Scratch::new("symlink-loop");
    let tree = scratch.0.join("tree");
    std::fs::create_dir_all(tree.join("a")).unwrap();
    std::os::unix::fs::symlink(&tree, tree.join("a/back-to-top")).unwrap();
    std::fs::write(
        tree.join("a/admin.json"),
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}"#,
    )
    .unwrap();
    let out = run(&["check", "--format", "concise", tree.to_str().unwrap()]);
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert!(out.stdout.contains("a/admin.json:1:71: LP001"), "{}", out.stdout);
    assert!(out.stdout.contains("File system loop found"), "{}", out.stdout);
}
