//! The fuzz targets' entry points (`fuzz/`, run by `scripts/fuzz`) on what the fuzzer once
//! crashed on (`fuzz/regressions/<target>/`, kept after the fix) and on every fixture, the
//! fuzzer's seeds: none may panic.

use crate::common::{files_below, repo};
use iam_lint::fuzz_targets::{check_document, load_rule_pack, parse_json_and_yaml};

type Target = fn(&[u8]);

const TARGETS: [(&str, Target); 3] =
    [("parse", parse_json_and_yaml), ("check", check_document), ("pack", load_rule_pack)];

fn replay(target: Target, files: &[std::path::PathBuf]) -> usize {
    for file in files {
        let bytes = std::fs::read(file).unwrap();
        let outcome = std::panic::catch_unwind(|| target(&bytes));
        assert!(outcome.is_ok(), "{} panics", file.display());
    }
    files.len()
}

#[test]
fn every_target_survives_its_seeds_and_past_crashes() {
    let by_extension = |extensions: &[&str]| -> Vec<_> {
        ["testdata", "rules", "examples"]
            .iter()
            .flat_map(|dir| files_below(&repo().join(dir)))
            .filter(|p| p.extension().and_then(|e| e.to_str()).is_some_and(|e| extensions.contains(&e)))
            .collect()
    };
    let documents = by_extension(&["json", "yaml", "yml"]);
    let packs = by_extension(&["toml"]);
    assert!(documents.len() > 100 && packs.len() > 5, "{} documents, {} packs", documents.len(), packs.len());
    for (name, target) in TARGETS {
        let seeds = if name == "pack" { &packs } else { &documents };
        // Every document through `check` takes a while unoptimised: a spread sample will do.
        let mut sample: Vec<_> = seeds.iter().step_by(if name == "check" { 7 } else { 1 }).cloned().collect();
        let crashes = repo().join("fuzz/regressions").join(name);
        if crashes.is_dir() {
            sample.extend(files_below(&crashes));
        }
        assert!(replay(target, &sample) > 5, "{name}");
    }
}
