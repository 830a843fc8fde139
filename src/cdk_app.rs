//! CDK apps: the `cdk.json` whose `cdk synth` wrote a linted cloud assembly. Its context says
//! whether the app puts a permissions boundary on every role it creates
//! (`@aws-cdk/core:permissionsBoundary`); CDK also reads context from `cdk.context.json`
//! beside it.

use std::path::{Path, PathBuf};

use crate::iam::model::{AppFacts, Loc};
use crate::parse::Node;

pub(crate) const CDK_JSON: &str = "cdk.json";
const CONTEXT_FILE: &str = "cdk.context.json";
const BOUNDARY_CONTEXT: &str = "@aws-cdk/core:permissionsBoundary";

/// A CDK app whose assembly is linted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CdkApp {
    /// Its `cdk.json`, as the user reaches it.
    pub config: PathBuf,
    pub assembly: PathBuf,
    /// Its context sets `@aws-cdk/core:permissionsBoundary`: CDK puts that boundary on every
    /// role the app creates.
    pub boundary_context: bool,
    /// The boundary policy's name the context gives (`{"name": ...}`, or the end of `{"arn": ...}`).
    pub boundary_name: Option<String>,
}

/// Where the app of `cdk_json` writes its assembly: cdk.json's `output`, else `cdk.out`.
pub(crate) fn output_dir(cdk_json: &Path) -> PathBuf {
    let configured = std::fs::read_to_string(cdk_json).ok().and_then(|text| {
        let json: serde_json::Value = serde_json::from_str(&text).ok()?;
        json.get("output")?.as_str().map(str::to_owned)
    });
    cdk_json.with_file_name(configured.unwrap_or_else(|| "cdk.out".into()))
}

/// The app that wrote the assembly in `dir`: the nearest `cdk.json` above it whose output
/// directory is `dir`. Only the path's own ancestors are looked at, so a `cdk.json` above the
/// directory iam-lint runs in is not read.
pub(crate) fn app_of(dir: &Path) -> Option<CdkApp> {
    let assembly = dir.canonicalize().ok()?;
    let config = dir.ancestors().skip(1).find_map(|ancestor| {
        let ancestor = if ancestor.as_os_str().is_empty() { Path::new(".") } else { ancestor };
        Some(ancestor.join(CDK_JSON)).filter(|config| config.is_file())
    })?;
    let output = output_dir(&config).canonicalize().ok()?;
    let context = boundary_context(&config).or_else(|| boundary_context(&config.with_file_name(CONTEXT_FILE)));
    let boundary_name = context.as_ref().and_then(|value| {
        let name = value.get("name").and_then(|n| n.as_str());
        let from_arn = || value.get("arn")?.as_str()?.rsplit('/').next();
        name.or_else(from_arn).filter(|n| !n.is_empty()).map(str::to_owned)
    });
    let app = CdkApp { config, assembly: dir.to_owned(), boundary_context: context.is_some(), boundary_name };
    (output == assembly).then_some(app)
}

/// The app's facts, located in its parsed `cdk.json`; `unbounded` are the roles and users of
/// its assembly without a permissions boundary.
pub(crate) fn app_facts(app: &CdkApp, root: &Node, unbounded: Vec<String>) -> AppFacts {
    let at = match root.get("context") {
        Some(member) => Loc { pointer: "/context".into(), span: member.key_span },
        None => Loc { pointer: String::new(), span: root.span },
    };
    AppFacts { at, boundary_context: app.boundary_context, unbounded }
}

/// The boundary the context in `path` sets, if any. `cdk.json` keeps it under `context`;
/// `cdk.context.json` (written by the CDK CLI, may be edited by hand) is the context itself.
/// A file that cannot be read says nothing: a broken one would have stopped `cdk synth`.
fn boundary_context(path: &Path) -> Option<serde_json::Value> {
    let text = std::fs::read_to_string(path).ok()?;
    let mut json = serde_json::from_str::<serde_json::Value>(&text).ok()?;
    let context = if path.ends_with(CDK_JSON) { json.get_mut("context")? } else { &mut json };
    Some(context.get_mut(BOUNDARY_CONTEXT)?.take()).filter(|v| !v.is_null())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{Syntax, parse};
    use crate::test_support::scratch_dir;

    fn facts(name: &str, config: &str, context_file: Option<&str>) -> AppFacts {
        let dir = scratch_dir(name);
        std::fs::write(dir.join(CDK_JSON), config).unwrap();
        if let Some(text) = context_file {
            std::fs::write(dir.join(CONTEXT_FILE), text).unwrap();
        }
        let out = dir.join("cdk.out");
        std::fs::create_dir(&out).unwrap();
        let app = app_of(&out).expect("the cdk.json beside cdk.out is its app");
        app_facts(&app, &parse(config, Syntax::Json).unwrap(), vec![])
    }

    #[test]
    fn the_boundary_context_is_read_from_cdk_json_or_cdk_context_json() {
        let set = r#"{"context": {"@aws-cdk/core:permissionsBoundary": {"name": "b"}}}"#;
        assert!(facts("app-set", set, None).boundary_context);
        let arn = r#"{"context": {"@aws-cdk/core:permissionsBoundary": {"arn": "arn:aws:iam::1:policy/p/dev"}}}"#;
        let dir = scratch_dir("app-arn");
        std::fs::write(dir.join(CDK_JSON), arn).unwrap();
        std::fs::create_dir(dir.join("cdk.out")).unwrap();
        assert_eq!(app_of(&dir.join("cdk.out")).unwrap().boundary_name.as_deref(), Some("dev"));
        let other = r#"{"app": "x", "context": {"other": 1}}"#;
        let unset = facts("app-other", other, None);
        assert!(!unset.boundary_context);
        assert_eq!(unset.at.pointer, "/context");
        let null = r#"{"context": {"@aws-cdk/core:permissionsBoundary": null}}"#;
        assert!(!facts("app-null", null, None).boundary_context);
        let in_file =
            facts("app-file", r#"{"app": "x"}"#, Some(r#"{"@aws-cdk/core:permissionsBoundary": {"arn": "a"}}"#));
        assert!(in_file.boundary_context);
        assert_eq!(in_file.at.pointer, "");
    }

    #[test]
    fn an_app_is_found_only_where_its_output_is_the_assembly() {
        let dir = scratch_dir("app-output");
        std::fs::write(dir.join(CDK_JSON), r#"{"output": "build/out"}"#).unwrap();
        std::fs::create_dir_all(dir.join("build/out")).unwrap();
        std::fs::create_dir(dir.join("cdk.out")).unwrap();
        let app = app_of(&dir.join("build/out")).unwrap();
        assert_eq!(app.config, dir.join(CDK_JSON));
        assert_eq!(app_of(&dir.join("cdk.out")), None);
    }
}
