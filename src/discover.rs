//! Which files to lint: paths named on the command line as they are, directories walked with
//! the `ignore` crate (.gitignore honoured), keeping JSON and YAML files, in a stable order.
//! A CDK cloud assembly (`cdk.out`) contributes the templates its manifest names, not every
//! JSON file in it (asset bundles, tree.json).

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use ignore::WalkBuilder;

use crate::assembly::{self, MANIFEST};
use crate::cdk_app::{self, CDK_JSON, CdkApp};
use crate::error::{ToolError, io_reason};
use crate::iam::model::Kind;
use crate::paths::display_path;

/// A file to lint.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Input {
    pub path: PathBuf,
    /// Named on the command line: if it is not a policy, the user must be told.
    pub explicit: bool,
    /// The cloud assembly (an index into [`Discovery::assemblies`]) that holds this template.
    pub assembly: Option<usize>,
    /// The kind the config's `[kinds]` gives this file, for a bare policy.
    pub kind: Option<Kind>,
    /// The config's `[[suppress]]` entries for this file, by their place in the config.
    pub config_suppressions: Vec<usize>,
    /// What standard input held, for `-`: `path` is then only its name.
    pub contents: Option<Arc<[u8]>>,
}

impl Input {
    fn found(path: PathBuf, explicit: bool, assembly: Option<usize>) -> Input {
        Input { path, explicit, assembly, kind: None, config_suppressions: Vec::new(), contents: None }
    }

    /// Standard input, reported as `name`.
    pub(crate) fn stdin(name: PathBuf, contents: Vec<u8>) -> Input {
        let contents = Some(Arc::from(contents));
        Input { path: name, explicit: true, assembly: None, kind: None, config_suppressions: Vec::new(), contents }
    }
}

const EXTENSIONS: [&str; 4] = ["json", "yaml", "yml", "template"];

fn has_lintable_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.iter().any(|known| known.eq_ignore_ascii_case(e)))
}

/// The files to lint, and what the user should know about the ones left out.
#[derive(Debug, Default)]
pub(crate) struct Discovery {
    pub inputs: Vec<Input>,
    pub notes: Vec<String>,
    /// The cloud assemblies linted: their templates are judged together where one names
    /// another's policy, and their CDK app's `cdk.json` is checked too.
    pub assemblies: Vec<LintedAssembly>,
}

/// A cloud assembly whose templates are linted.
#[derive(Debug)]
pub(crate) struct LintedAssembly {
    /// Its directory, resolved.
    pub canonical: PathBuf,
    /// The CDK app that wrote it, when its `cdk.json` is found.
    pub app: Option<CdkApp>,
}

/// Expands `paths` into files; paths that do not exist become errors.
pub(crate) fn discover(paths: &[PathBuf], honour_ignores: bool, errors: &mut Vec<ToolError>) -> Discovery {
    let mut found = Discovery::default();
    for path in paths {
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() && assembly::is_assembly(path) => add_assembly(path, &mut found, errors),
            Ok(meta) if meta.is_dir() => walk(path, honour_ignores, &mut found, errors),
            Ok(_) if is_assembly_manifest(path) => {
                add_assembly(path.parent().unwrap_or(Path::new(".")), &mut found, errors);
            }
            Ok(_) if path.file_name().is_some_and(|name| name == CDK_JSON) => add_app(path, &mut found, errors),
            Ok(_) => found.inputs.push(Input::found(path.clone(), true, None)),
            Err(err) => {
                errors.push(ToolError::in_file(display_path(path), format!("cannot read: {}", io_reason(&err))));
            }
        }
    }
    found.inputs.sort();
    found.inputs.dedup_by(|later, earlier| later.path == earlier.path);
    found
}

/// A `manifest.json` named on the command line stands for its assembly.
fn is_assembly_manifest(path: &Path) -> bool {
    path.file_name().is_some_and(|name| name == MANIFEST)
        && assembly::is_assembly(path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new(".")))
}

/// An assembly's templates are linted as if named: each must be a template. The `cdk.json`
/// of the app that wrote it is checked too.
fn add_assembly(dir: &Path, found: &mut Discovery, errors: &mut Vec<ToolError>) {
    // The same assembly may be named twice (`cdk.json ./cdk.out`): lint it once.
    let canonical = dir.canonicalize().unwrap_or_else(|_| dir.to_owned());
    if found.assemblies.iter().any(|known| known.canonical == canonical) {
        return;
    }
    let templates = assembly::templates(dir, errors);
    found.assemblies.push(LintedAssembly { canonical, app: cdk_app::app_of(dir) });
    let assembly = Some(found.assemblies.len() - 1);
    found.inputs.extend(templates.into_iter().map(|t| Input::found(t.path, true, assembly)));
}

/// A `cdk.json` named on the command line stands for its app: the assembly `cdk synth` wrote.
fn add_app(cdk_json: &Path, found: &mut Discovery, errors: &mut Vec<ToolError>) {
    let out = cdk_app::output_dir(cdk_json);
    if assembly::is_assembly(&out) {
        add_assembly(&out, found, errors);
    } else {
        let message = format!("this CDK app has no cloud assembly at {}", display_path(&out));
        errors.push(
            ToolError::in_file(display_path(cdk_json), message)
                .with_help("run `cdk synth` first: iam-lint reads the templates it writes"),
        );
    }
}

fn walk(root: &Path, honour_ignores: bool, found: &mut Discovery, errors: &mut Vec<ToolError>) {
    // Assemblies met on the way are not walked into but read through their manifest.
    let assemblies: Arc<Mutex<Vec<PathBuf>>> = Arc::default();
    let seen = Arc::clone(&assemblies);
    let walker = WalkBuilder::new(root)
        .standard_filters(honour_ignores)
        // A repository's .gitignore applies even where there is no .git (exports, tarballs).
        .require_git(false)
        .follow_links(true)
        .filter_entry(move |entry| {
            let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
            let assembly = is_dir && entry.depth() > 0 && assembly::is_assembly(entry.path());
            if assembly {
                seen.lock().unwrap_or_else(PoisonError::into_inner).push(entry.path().to_owned());
            }
            !assembly
        })
        .build();
    let mut cdk_apps = Vec::new();
    for entry in walker {
        match entry {
            Ok(entry) => {
                let is_file = entry.file_type().is_some_and(|t| t.is_file());
                if is_file && entry.file_name() == CDK_JSON {
                    cdk_apps.push(entry.path().to_owned());
                }
                if is_file && has_lintable_extension(entry.path()) {
                    found.inputs.push(Input::found(entry.into_path(), false, None));
                }
            }
            // Symlink loops and unreadable directories: say so and keep walking.
            Err(err) => errors.push(ToolError::general(format!("while walking {}: {err}", display_path(root)))),
        }
    }
    let assemblies = std::mem::take(&mut *assemblies.lock().unwrap_or_else(PoisonError::into_inner));
    for dir in &assemblies {
        add_assembly(dir, found, errors);
    }
    // `cdk.out` is usually git-ignored: a CDK app whose assembly the walk skipped is worth a word.
    for cdk_json in cdk_apps {
        let out = cdk_app::output_dir(&cdk_json);
        if !assemblies.contains(&out) && assembly::is_assembly(&out) {
            let shown = display_path(&out);
            found.notes.push(format!(
                "the cloud assembly {shown} was not linted (.gitignore or .ignore exclude it, or it is hidden): name it, `iam-lint check {shown}`, or pass --no-ignore"
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_are_case_insensitive() {
        assert!(has_lintable_extension(Path::new("x.JSON")));
        assert!(has_lintable_extension(Path::new("stack.template")));
        assert!(!has_lintable_extension(Path::new("x.toml")));
    }
}
