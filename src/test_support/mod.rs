//! Helpers for unit tests that need files on disk.

use std::path::PathBuf;

/// An empty directory of its own for the test `name` in this test process.
pub(crate) fn scratch_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("iam-lint-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

pub(crate) mod schema;
