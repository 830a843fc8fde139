//! Where SARIF paths are relative to: the repository's top directory (`%SRCROOT%`), so that
//! GitHub code scanning finds the file whichever directory iam-lint ran in. Paths are resolved
//! first, so a finding in a file reached through a symlink points at the file in the repository.

use std::path::{Path, PathBuf};

/// The directory `%SRCROOT%` stands for, and the directory the run's relative paths start in.
#[derive(Debug, Clone)]
pub(crate) struct SourceRoot {
    /// Resolved (no symlinks, no `..`).
    root: PathBuf,
    cwd: PathBuf,
}

/// A file's place for SARIF: relative to the source root, or absolute when outside it.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum ArtifactPath {
    /// Forward slashes, no leading `./`.
    UnderRoot(String),
    Absolute(PathBuf),
}

impl SourceRoot {
    /// `explicit` (`--root`), else the top of the git work tree holding `cwd`, else `cwd`.
    pub(crate) fn find(explicit: Option<&Path>, cwd: &Path) -> std::io::Result<SourceRoot> {
        let root = match explicit {
            Some(dir) => without_verbatim_prefix(cwd.join(dir).canonicalize()?),
            None => {
                let cwd = without_verbatim_prefix(cwd.canonicalize()?);
                // `.git` is a directory in a clone and a file in a worktree or submodule.
                cwd.ancestors().find(|dir| dir.join(".git").exists()).unwrap_or(&cwd).to_owned()
            }
        };
        Ok(SourceRoot { root, cwd: cwd.to_owned() })
    }

    /// The resolved root, for `originalUriBaseIds`.
    pub(crate) fn root(&self) -> &Path {
        &self.root
    }

    /// Where `name` (as the run shows it: relative to the working directory, or absolute) is.
    pub(crate) fn locate(&self, name: &str) -> ArtifactPath {
        let path = self.cwd.join(name);
        let spelled = crate::paths::lexically_normal(&path);
        // A name that is not a file (standard input's `--stdin-filename`) keeps its spelling.
        let resolved = path.canonicalize().map(without_verbatim_prefix).unwrap_or_else(|_| spelled.clone());
        // A symlink in the repository to a file outside it: the link is what the repository holds.
        let under_root = [&resolved, &spelled].into_iter().find_map(|p| p.strip_prefix(&self.root).ok());
        match under_root {
            Some(relative) => {
                let parts: Vec<String> =
                    relative.components().map(|c| c.as_os_str().to_string_lossy().into()).collect();
                ArtifactPath::UnderRoot(parts.join("/"))
            }
            None => ArtifactPath::Absolute(resolved),
        }
    }
}

/// Windows' `canonicalize` answers `\\?\C:\...`, which no URI or other path compares with.
fn without_verbatim_prefix(path: PathBuf) -> PathBuf {
    match path.to_str().and_then(|p| p.strip_prefix(r"\\?\")) {
        Some(plain) if !plain.starts_with("UNC\\") => PathBuf::from(plain),
        _ => path,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::scratch_dir;

    #[test]
    fn the_git_top_directory_is_the_root_and_symlinks_are_resolved() {
        let dir = scratch_dir("source-root").canonicalize().unwrap();
        std::fs::create_dir_all(dir.join("repo/.git")).unwrap();
        std::fs::create_dir_all(dir.join("repo/infra/policies")).unwrap();
        std::fs::write(dir.join("repo/infra/policies/p.json"), "{}").unwrap();
        let cwd = dir.join("repo/infra");
        let root = SourceRoot::find(None, &cwd).unwrap();
        assert_eq!(root.root(), dir.join("repo"));
        assert_eq!(root.locate("policies/p.json"), ArtifactPath::UnderRoot("infra/policies/p.json".into()));
        assert_eq!(
            root.locate("./policies/../policies/p.json"),
            ArtifactPath::UnderRoot("infra/policies/p.json".into())
        );
        assert_eq!(root.locate("new/x.json"), ArtifactPath::UnderRoot("infra/new/x.json".into()));
        assert_eq!(root.locate("/elsewhere/x.json"), ArtifactPath::Absolute("/elsewhere/x.json".into()));
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.join("repo/infra/policies"), dir.join("linked")).unwrap();
            let outside = SourceRoot::find(None, &dir).unwrap();
            assert_eq!(outside.root(), dir, "no .git above: the working directory is the root");
            let through_link = root.locate(dir.join("linked/p.json").to_str().unwrap());
            assert_eq!(through_link, ArtifactPath::UnderRoot("infra/policies/p.json".into()));
            // A link inside the repository to a file outside it is placed where the link is.
            std::fs::write(dir.join("shared.json"), "{}").unwrap();
            std::os::unix::fs::symlink(dir.join("shared.json"), dir.join("repo/infra/shared.json")).unwrap();
            assert_eq!(root.locate("shared.json"), ArtifactPath::UnderRoot("infra/shared.json".into()));
        }
    }

    #[test]
    fn an_explicit_root_wins_and_must_exist() {
        let dir = scratch_dir("explicit-root").canonicalize().unwrap();
        std::fs::create_dir_all(dir.join(".git")).unwrap();
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        let root = SourceRoot::find(Some(Path::new("sub")), &dir).unwrap();
        assert_eq!(root.locate("sub/p.json"), ArtifactPath::UnderRoot("p.json".into()));
        assert!(SourceRoot::find(Some(Path::new("missing")), &dir).is_err());
    }
}
