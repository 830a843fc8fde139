//! Bad input never crashes iam-lint (DESIGN §8): every fixture, truncated at many points and
//! mutated at random (seeded, so failures reproduce), goes through `check`, which must exit 0,
//! 1 or 2 with a well-formed report, quickly. Plus hostile inputs built on purpose.

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::{files_below, repo, run};

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

/// Lints `bytes` as a file named like `like`; checks the contract and returns the exit code.
fn lint_bytes(scratch: &Scratch, like: &Path, bytes: &[u8], what: &str) -> i32 {
    let path = scratch.0.join(format!("case.{}", like.extension().unwrap().to_str().unwrap()));
    std::fs::write(&path, bytes).unwrap();
    let started = Instant::now();
    let out = run(&["check", "--format", "json", path.to_str().unwrap()]);
    let took = started.elapsed();
    assert!(took < Duration::from_secs(5), "{what}: took {took:?}");
    assert!((0..=2).contains(&out.code), "{what}: exit {}", out.code);
    let report: serde_json::Value =
        serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{what}: report is not JSON ({e})"));
    let tool_errors = report["errors"].as_array().unwrap().len();
    assert_eq!(out.code == 2, tool_errors > 0, "{what}: exit {} with {tool_errors} errors", out.code);
    out.code
}

#[test]
fn truncated_and_mutated_fixtures_never_crash() {
    let fixtures: Vec<PathBuf> = files_below(&repo().join("testdata"))
        .into_iter()
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("json" | "yaml" | "yml")))
        .filter(|p| !p.starts_with(repo().join("testdata/sarif")))
        .collect();
    assert!(fixtures.len() > 50, "too few fixtures: {}", fixtures.len());
    let scratch = Scratch::new("mutations");
    let mut rng = Rng(0x1a2b_3c4d_5e6f_7788);
    let mut runs = 0;
    let mut codes = [0usize; 3];
    for fixture in &fixtures {
        let original = std::fs::read(fixture).unwrap();
        let name = fixture.strip_prefix(repo()).unwrap().display();
        let step = (original.len() / 24).max(1);
        for cut in (0..original.len()).step_by(step) {
            let code = lint_bytes(&scratch, fixture, &original[..cut], &format!("{name} cut at {cut}"));
            codes[code as usize] += 1;
            runs += 1;
        }
        for round in 0..24 {
            let mutated = mutate(&original, &mut rng);
            let code = lint_bytes(&scratch, fixture, &mutated, &format!("{name} mutation {round}"));
            codes[code as usize] += 1;
            runs += 1;
        }
    }
    // The sweep must exercise every outcome, or it is not testing what it claims.
    assert!(codes.iter().all(|&n| n > 0), "exit codes seen {codes:?} over {runs} runs");
}

/// Lints `bytes` and returns the report's tool error messages.
fn tool_errors(scratch: &Scratch, extension: &str, bytes: &[u8], what: &str) -> Vec<String> {
    lint_bytes(scratch, Path::new(&format!("x.{extension}")), bytes, what);
    let path = scratch.0.join(format!("case.{extension}"));
    let out = run(&["check", "--format", "json", path.to_str().unwrap()]);
    let report: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    report["errors"].as_array().unwrap().iter().map(|e| e["message"].as_str().unwrap().to_owned()).collect()
}

#[test]
fn hostile_inputs_are_clear_errors() {
    let scratch = Scratch::new("hostile");
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
        let errors = tool_errors(&scratch, extension, &bytes, name);
        assert!(errors.len() == 1 && errors[0].contains(expected), "{name}: {errors:?}");
    }
}

/// Inputs that are valid but built to make naive code quadratic or allocate without bound:
/// each must be linted within the time `lint_bytes` allows.
#[test]
fn adversarial_sizes_stay_fast() {
    let scratch = Scratch::new("sizes");
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
        lint_bytes(&scratch, Path::new("x.json"), text.as_bytes(), name);
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
