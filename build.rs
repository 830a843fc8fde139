//! Records the build date (days since 1970-01-01), so that iam-lint can say when its embedded
//! IAM catalog is much older than the build. `SOURCE_DATE_EPOCH` fixes it for reproducible
//! builds.

use std::time::{SystemTime, UNIX_EPOCH};

fn main() {
    println!("cargo:rerun-if-changed=data/iam-catalog.txt");
    println!("cargo:rerun-if-env-changed=SOURCE_DATE_EPOCH");
    let seconds = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .unwrap_or_else(|| SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs()));
    println!("cargo:rustc-env=IAM_LINT_BUILD_DAY={}", seconds / 86_400);
}
