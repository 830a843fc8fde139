//! CDK cloud assemblies (`cdk.out`): the templates a `manifest.json` names. Stacks are
//! `aws:cloudformation:stack` artifacts; stages are nested `cdk:cloud-assembly` artifacts with
//! their own manifest; nested stacks and Service Catalog products are template files in the
//! stack's asset manifest. Every path a manifest gives must stay inside the assembly, and each
//! template is listed once.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::ToolError;
use crate::error::io_reason;
use crate::paths::display_path;

/// The manifest's name inside an assembly directory.
pub(crate) const MANIFEST: &str = "manifest.json";

/// Stages nest assemblies; real apps go two or three deep.
const MAX_NESTING: usize = 16;

/// Manifests are small; a larger one is not a manifest.
const MAX_MANIFEST_BYTES: u64 = 64 * 1024 * 1024;

/// A template found in an assembly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AssemblyTemplate {
    pub path: PathBuf,
}

#[derive(Deserialize)]
struct Manifest {
    #[serde(default)]
    artifacts: std::collections::BTreeMap<String, Artifact>,
}

#[derive(Deserialize)]
struct Artifact {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    properties: Properties,
}

#[derive(Deserialize, Default)]
struct Properties {
    #[serde(rename = "templateFile")]
    template_file: Option<String>,
    #[serde(rename = "directoryName")]
    directory_name: Option<String>,
    /// An asset manifest's file name.
    file: Option<String>,
}

#[derive(Deserialize)]
struct AssetManifest {
    #[serde(default)]
    files: std::collections::BTreeMap<String, FileAsset>,
}

#[derive(Deserialize)]
struct FileAsset {
    source: AssetSource,
}

#[derive(Deserialize)]
struct AssetSource {
    path: Option<String>,
    packaging: Option<String>,
}

/// Is `dir` a cloud assembly? A `manifest.json` with an `artifacts` or `version` key: other
/// tools write files of that name too (web app manifests, Chrome extensions).
pub(crate) fn is_assembly(dir: &Path) -> bool {
    let manifest = dir.join(MANIFEST);
    let Ok(meta) = std::fs::metadata(&manifest) else { return false };
    if !meta.is_file() || meta.len() > MAX_MANIFEST_BYTES {
        return false;
    }
    let Ok(text) = std::fs::read_to_string(&manifest) else { return false };
    // Cheap test first: walking a repository asks this of every directory with a manifest.json.
    (text.contains("\"artifacts\"") || text.contains("\"version\""))
        && serde_json::from_str::<serde_json::Value>(&text)
            .is_ok_and(|v| v.get("artifacts").is_some() || v.get("version").is_some_and(serde_json::Value::is_string))
}

/// Every template of the assembly in `dir` and of the assemblies nested in it, in manifest
/// order; problems with the manifests become errors and the rest is still listed.
pub(crate) fn templates(dir: &Path, errors: &mut Vec<ToolError>) -> Vec<AssemblyTemplate> {
    let mut walk = Walk { templates: Vec::new(), seen: HashSet::new(), errors };
    match dir.canonicalize() {
        Ok(root) => walk.assembly(&root, dir, 0),
        Err(err) => {
            walk.errors.push(ToolError::in_file(display_path(dir), format!("cannot read: {}", io_reason(&err))));
        }
    }
    walk.templates
}

struct Walk<'e> {
    templates: Vec<AssemblyTemplate>,
    /// Canonical paths of the assemblies and templates already listed.
    seen: HashSet<PathBuf>,
    errors: &'e mut Vec<ToolError>,
}

impl Walk<'_> {
    /// `canonical` is where the assembly is; `shown` the path the user reaches it by.
    fn assembly(&mut self, canonical: &Path, shown: &Path, depth: usize) {
        let manifest_path = shown.join(MANIFEST);
        let name = display_path(&manifest_path);
        if !self.seen.insert(canonical.to_owned()) {
            return self.errors.push(ToolError::in_file(name, "this cloud assembly includes itself; it is read once"));
        }
        if depth > MAX_NESTING {
            return self.errors.push(ToolError::in_file(
                name,
                format!("cloud assemblies nested more than {MAX_NESTING} deep; the deeper ones are not read"),
            ));
        }
        let Some(manifest) = self.read::<Manifest>(&manifest_path) else { return };
        for (id, artifact) in &manifest.artifacts {
            let properties = &artifact.properties;
            match artifact.kind.as_str() {
                "aws:cloudformation:stack" => match &properties.template_file {
                    Some(file) => self.template(canonical, shown, file, &name, id),
                    None => self.errors.push(ToolError::in_file(
                        name.clone(),
                        format!("stack artifact `{id}` has no `properties.templateFile`"),
                    )),
                },
                "cdk:cloud-assembly" => {
                    let Some(directory) = &properties.directory_name else { continue };
                    if let Some(nested) = self.inside(canonical, directory, &name, id) {
                        self.assembly(&nested, &shown.join(directory), depth + 1);
                    }
                }
                "cdk:asset-manifest" => {
                    let Some(file) = &properties.file else { continue };
                    if self.inside(canonical, file, &name, id).is_some() {
                        self.nested_stacks(canonical, shown, file);
                    }
                }
                _ => {}
            }
        }
    }

    /// Templates deployed by a stack rather than listed as stacks are file assets of it:
    /// nested stacks (`*.nested.template.json`), Service Catalog products
    /// (`*.product.template.json`). A stack's own template is one too, listed once.
    fn nested_stacks(&mut self, canonical: &Path, shown: &Path, asset_manifest: &str) {
        let path = shown.join(asset_manifest);
        let Some(assets) = self.read::<AssetManifest>(&path) else { return };
        let name = display_path(&path);
        for (id, asset) in &assets.files {
            let source = &asset.source;
            let is_template = source.packaging.as_deref().is_none_or(|p| p == "file")
                && source.path.as_deref().is_some_and(|p| p.ends_with(".template.json"));
            if let (true, Some(file)) = (is_template, &source.path) {
                self.template(canonical, shown, file, &name, id);
            }
        }
    }

    fn template(&mut self, canonical: &Path, shown: &Path, file: &str, manifest: &str, id: &str) {
        let Some(real) = self.inside(canonical, file, manifest, id) else { return };
        if self.seen.insert(real) {
            self.templates.push(AssemblyTemplate { path: shown.join(file) });
        }
    }

    /// The canonical path of `relative` under the assembly, when it exists and stays inside.
    fn inside(&mut self, canonical: &Path, relative: &str, manifest: &str, id: &str) -> Option<PathBuf> {
        let error = |problem: String| ToolError::in_file(manifest.to_owned(), format!("artifact `{id}`: {problem}"));
        match canonical.join(relative).canonicalize() {
            Ok(real) if real.starts_with(canonical) => Some(real),
            Ok(_) => {
                let problem = format!("`{relative}` is outside the cloud assembly; it is not read");
                self.errors.push(error(problem));
                None
            }
            Err(err) => {
                self.errors.push(error(format!("cannot read `{relative}`: {}", io_reason(&err))));
                None
            }
        }
    }

    fn read<T: for<'de> Deserialize<'de>>(&mut self, path: &Path) -> Option<T> {
        let name = display_path(path);
        let text = match std::fs::metadata(path) {
            Ok(meta) if meta.len() > MAX_MANIFEST_BYTES => Err(format!("over {MAX_MANIFEST_BYTES} bytes")),
            _ => std::fs::read_to_string(path).map_err(|err| format!("cannot read: {}", io_reason(&err))),
        };
        let parsed = text.and_then(|text| {
            serde_json::from_str(&text).map_err(|err| format!("not a valid cloud assembly manifest: {err}"))
        });
        parsed.map_err(|message| self.errors.push(ToolError::in_file(name, message))).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::scratch_dir;

    fn write(dir: &Path, file: &str, text: &str) {
        let path = dir.join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn names(templates: &[AssemblyTemplate], root: &Path) -> Vec<String> {
        templates.iter().map(|t| t.path.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/")).collect()
    }

    #[test]
    fn follows_stacks_stages_and_nested_stacks_once_each() {
        let dir = scratch_dir("assembly-follow");
        write(
            &dir,
            MANIFEST,
            r#"{"version":"36.0.0","artifacts":{
                "App":{"type":"aws:cloudformation:stack","properties":{"templateFile":"App.template.json"}},
                "App.assets":{"type":"cdk:asset-manifest","properties":{"file":"App.assets.json"}},
                "Again":{"type":"aws:cloudformation:stack","properties":{"templateFile":"./App.template.json"}},
                "assembly-Prod":{"type":"cdk:cloud-assembly","properties":{"directoryName":"assembly-Prod"}},
                "Tree":{"type":"cdk:tree","properties":{"file":"tree.json"}}}}"#,
        );
        write(&dir, "App.template.json", "{}");
        write(&dir, "Inner.nested.template.json", "{}");
        write(&dir, "Shop.product.template.json", "{}");
        write(
            &dir,
            "App.assets.json",
            r#"{"files":{"a":{"source":{"path":"Inner.nested.template.json","packaging":"file"}},
                          "b":{"source":{"path":"asset.123","packaging":"zip"}},
                          "c":{"source":{"path":"Shop.product.template.json","packaging":"file"}},
                          "d":{"source":{"path":"App.template.json","packaging":"file"}}}}"#,
        );
        write(
            &dir,
            "assembly-Prod/manifest.json",
            r#"{"artifacts":{"Prod-Db":{"type":"aws:cloudformation:stack","properties":{"templateFile":"Db.template.json"}}}}"#,
        );
        write(&dir, "assembly-Prod/Db.template.json", "{}");
        let mut errors = Vec::new();
        assert!(is_assembly(&dir));
        let found = templates(&dir, &mut errors);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(
            names(&found, &dir),
            [
                "App.template.json",
                "Inner.nested.template.json",
                "Shop.product.template.json",
                "assembly-Prod/Db.template.json"
            ]
        );
    }

    #[test]
    fn refuses_paths_outside_the_assembly_and_self_inclusion() {
        let dir = scratch_dir("assembly-escape");
        write(&dir, "secret.template.json", "{}");
        write(
            &dir,
            "out/manifest.json",
            r#"{"artifacts":{
                "Escape":{"type":"aws:cloudformation:stack","properties":{"templateFile":"../secret.template.json"}},
                "Loop":{"type":"cdk:cloud-assembly","properties":{"directoryName":"."}},
                "Gone":{"type":"aws:cloudformation:stack","properties":{"templateFile":"missing.json"}}}}"#,
        );
        let mut errors = Vec::new();
        let found = templates(&dir.join("out"), &mut errors);
        assert!(found.is_empty());
        let messages: Vec<&str> = errors.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(messages.len(), 3, "{messages:?}");
        assert!(messages[0].contains("outside the cloud assembly"), "{messages:?}");
        assert!(messages[1].contains("cannot read `missing.json`"), "{messages:?}");
        assert!(messages[2].contains("includes itself"), "{messages:?}");
    }

    #[test]
    fn other_manifests_are_not_assemblies() {
        let dir = scratch_dir("assembly-other");
        write(&dir, MANIFEST, r#"{"name":"My PWA","icons":[]}"#);
        assert!(!is_assembly(&dir));
        let broken = scratch_dir("assembly-broken");
        write(&broken, MANIFEST, r#"{"version":"36.0.0","artifacts":{"A":{"type":7}}}"#);
        let mut errors = Vec::new();
        assert!(templates(&broken, &mut errors).is_empty());
        assert!(errors[0].message.starts_with("not a valid cloud assembly manifest"), "{errors:?}");
    }
}
