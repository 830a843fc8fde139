//! Which files to lint: paths named on the command line as they are, directories walked with
//! the `ignore` crate (.gitignore honoured), keeping JSON and YAML files, in a stable order.

use std::path::{Component, Path, PathBuf};

use ignore::WalkBuilder;

use crate::error::ToolError;

/// A file to lint.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Input {
    pub path: PathBuf,
    /// Named on the command line: if it is not a policy, the user must be told.
    pub explicit: bool,
}

const EXTENSIONS: [&str; 4] = ["json", "yaml", "yml", "template"];

fn has_lintable_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.iter().any(|known| known.eq_ignore_ascii_case(e)))
}

/// Expands `paths` into files; paths that do not exist become errors.
pub fn discover(paths: &[PathBuf], honour_ignores: bool, errors: &mut Vec<ToolError>) -> Vec<Input> {
    let mut inputs = Vec::new();
    for path in paths {
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => walk(path, honour_ignores, &mut inputs, errors),
            Ok(_) => inputs.push(Input { path: path.clone(), explicit: true }),
            Err(err) => {
                errors.push(ToolError::in_file(display_path(path), format!("cannot read: {}", io_reason(&err))))
            }
        }
    }
    inputs.sort();
    inputs.dedup_by(|later, earlier| later.path == earlier.path);
    inputs
}

fn walk(root: &Path, honour_ignores: bool, inputs: &mut Vec<Input>, errors: &mut Vec<ToolError>) {
    let walker = WalkBuilder::new(root)
        .standard_filters(honour_ignores)
        // A repository's .gitignore applies even where there is no .git (exports, tarballs).
        .require_git(false)
        .follow_links(true)
        .build();
    for entry in walker {
        match entry {
            Ok(entry) => {
                if entry.file_type().is_some_and(|t| t.is_file()) && has_lintable_extension(entry.path()) {
                    inputs.push(Input { path: entry.into_path(), explicit: false });
                }
            }
            // Symlink loops and unreadable directories: say so and keep walking.
            Err(err) => errors.push(ToolError::general(format!("while walking {}: {err}", display_path(root)))),
        }
    }
}

/// How a path is shown and written into reports: relative to the current directory when it
/// is inside it, without `.` and with `..` resolved lexically, with forward slashes.
pub fn display_path(path: &Path) -> String {
    let relative = match std::env::current_dir() {
        Ok(cwd) if path.is_absolute() => path.strip_prefix(&cwd).ok(),
        _ => None,
    };
    let mut parts: Vec<String> = Vec::new();
    let mut rooted = false;
    for component in relative.unwrap_or(path).components() {
        match component {
            Component::Prefix(prefix) => parts.push(prefix.as_os_str().to_string_lossy().into_owned()),
            Component::RootDir => rooted = true,
            Component::CurDir => {}
            Component::ParentDir if parts.last().is_some_and(|last| last != "..") => {
                parts.pop();
            }
            Component::ParentDir => parts.push("..".into()),
            Component::Normal(name) => parts.push(name.to_string_lossy().into_owned()),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".into(),
        (false, false) => joined,
    }
}

/// An I/O error's reason without the OS error number, which differs between systems.
pub fn io_reason(err: &std::io::Error) -> String {
    match err.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => {
            let text = err.to_string();
            text.split(" (os error").next().unwrap_or(&text).to_owned()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_path_is_relative_looking_and_forward_slashed() {
        assert_eq!(display_path(Path::new("./a/b.json")), "a/b.json");
        assert_eq!(display_path(Path::new("a/../a/./b.json")), "a/b.json");
        assert_eq!(display_path(Path::new("../x.json")), "../x.json");
        assert_eq!(display_path(Path::new(".")), ".");
        assert_eq!(display_path(Path::new("/nowhere/p.json")), "/nowhere/p.json");
        let inside = std::env::current_dir().unwrap().join("testdata/cli/admin.json");
        assert_eq!(display_path(&inside), "testdata/cli/admin.json");
    }

    #[test]
    fn extensions_are_case_insensitive() {
        assert!(has_lintable_extension(Path::new("x.JSON")));
        assert!(has_lintable_extension(Path::new("stack.template")));
        assert!(!has_lintable_extension(Path::new("x.toml")));
    }
}
