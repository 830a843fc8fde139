//! Paths as iam-lint compares and shows them, with one lexical normalisation: `.` dropped and
//! `..` resolved without asking the file system (a path in a report is the path as given, not
//! where symlinks lead).

use std::path::{Component, Path, PathBuf};

/// `a/./b/../c` as `a/c`. A `..` with nothing before it to take away stays in a relative path
/// (`../x`) and is dropped at the root of an absolute one (`/..` is `/`).
pub(crate) fn lexically_normal(path: &Path) -> PathBuf {
    let mut normal = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir if matches!(normal.components().next_back(), Some(Component::Normal(_))) => {
                normal.pop();
            }
            Component::ParentDir if normal.has_root() => {}
            other => normal.push(other),
        }
    }
    normal
}

/// `path` made absolute against the current directory, lexically normal.
pub(crate) fn absolute(path: &Path) -> PathBuf {
    let joined = std::env::current_dir().map(|cwd| cwd.join(path)).unwrap_or_else(|_| path.to_owned());
    lexically_normal(&joined)
}

/// How a path is shown and written into reports: relative to the current directory when it
/// is inside it, lexically normal, with forward slashes; `.` when nothing is left.
pub(crate) fn display_path(path: &Path) -> String {
    let relative = match std::env::current_dir() {
        Ok(cwd) if path.is_absolute() => path.strip_prefix(&cwd).ok(),
        _ => None,
    };
    let normal = lexically_normal(relative.unwrap_or(path));
    let mut shown = String::new();
    for component in normal.components() {
        match component {
            Component::RootDir => shown.push('/'),
            other => {
                if !shown.is_empty() && !shown.ends_with('/') {
                    shown.push('/');
                }
                shown.push_str(&other.as_os_str().to_string_lossy());
            }
        }
    }
    if shown.is_empty() { ".".into() } else { shown }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_path_is_relative_looking_and_forward_slashed() {
        assert_eq!(display_path(Path::new("./a/b.json")), "a/b.json");
        assert_eq!(display_path(Path::new("a/../a/./b.json")), "a/b.json");
        assert_eq!(display_path(Path::new("../x.json")), "../x.json");
        assert_eq!(display_path(Path::new("../../x/../y.json")), "../../y.json");
        assert_eq!(display_path(Path::new(".")), ".");
        assert_eq!(display_path(Path::new("a/..")), ".");
        assert_eq!(display_path(Path::new("/nowhere/p.json")), "/nowhere/p.json");
        assert_eq!(display_path(Path::new("/../p.json")), "/p.json");
        let inside = std::env::current_dir().unwrap().join("testdata/cli/admin.json");
        assert_eq!(display_path(&inside), "testdata/cli/admin.json");
    }

    #[test]
    fn absolute_paths_are_lexically_normal() {
        let cwd = std::env::current_dir().unwrap();
        assert_eq!(absolute(Path::new("a/./b/../c.json")), cwd.join("a/c.json"));
        assert_eq!(absolute(Path::new("/x/../y")), PathBuf::from("/y"));
        assert_eq!(lexically_normal(Path::new("/a/../../b")), PathBuf::from("/b"));
        assert_eq!(lexically_normal(Path::new("a/../../b")), PathBuf::from("../b"));
    }
}
