//! `iam-lint.toml` (or `.iam-lint.toml`): the project's settings, found in the nearest ancestor
//! directory of the linted paths, parsed then validated with spans so that every error points
//! into the file. Globs are relative to the file's directory. What the config says about rules
//! (ids, severities, parameters) is checked against the loaded rules by [`Config::apply`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use toml::Spanned;

use crate::error::ToolError;
use crate::error::io_reason;
use crate::finding::FailOn;
use crate::finding::Severity;
use crate::iam::catalog::days_since_epoch;
use crate::iam::model::Kind;
use crate::iam::model::Loc;
use crate::paths::{absolute, display_path};
use crate::read::MAX_FILE_SIZE_MIB;
use crate::rules::RuleSet;
use crate::source::Span;
use crate::suppress::{AppliesTo, ConfigSuppressions, Dialect, Suppression};

/// The names a config file may have, in the order they are looked for in each directory.
pub(crate) const CONFIG_NAMES: [&str; 2] = ["iam-lint.toml", ".iam-lint.toml"];

// The doc comments of these raw types are the descriptions in schemas/iam-lint.schema.json,
// which a unit test derives from them (`schemars`, in test builds only): what an editor shows.

/// iam-lint configuration: see the README's Configuration section
#[derive(Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[cfg_attr(test, schemars(title = "iam-lint.toml", extend("$id" = SCHEMA_ID)))]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    /// Rules to run, by id or prefix; --select replaces it
    #[cfg_attr(test, schemars(with = "Option<Vec<String>>"))]
    select: Option<Vec<Spanned<String>>>,
    /// Rules to skip, by id or prefix; --ignore adds to it
    #[serde(default)]
    #[cfg_attr(test, schemars(with = "Vec<String>"))]
    ignore: Vec<Spanned<String>>,
    /// Lowest severity that fails the run
    #[cfg_attr(test, schemars(with = "Option<crate::test_support::schema::FailOnName>"))]
    fail_on: Option<Spanned<String>>,
    /// Larger files are refused, in MiB; --max-file-size replaces it
    #[cfg_attr(test, schemars(with = "Option<u64>", range(min = 1, max = 1024)))]
    max_file_size: Option<Spanned<u64>>,
    /// Severity overrides, per rule id
    #[serde(default)]
    #[cfg_attr(test, schemars(with = "BTreeMap<String, Severity>"))]
    severity: BTreeMap<Spanned<String>, Spanned<String>>,
    /// Parameters of built-in checks, per rule id
    // `[rules.LP002]`, `allow-actions = [...]`.
    #[serde(default)]
    #[cfg_attr(test, schemars(with = "BTreeMap<String, BTreeMap<String, Vec<String>>>"))]
    rules: BTreeMap<Spanned<String>, BTreeMap<String, Vec<String>>>,
    /// Extra rule packs, relative to this file
    // (`rules` holds the parameters: TOML cannot have `rules = [...]` and `[rules.ID]` both.)
    #[serde(default)]
    packs: Vec<String>,
    /// Path globs left out when walking
    #[serde(default)]
    #[cfg_attr(test, schemars(with = "Vec<String>"))]
    exclude: Vec<Spanned<String>>,
    /// Only these path globs, when walking
    #[cfg_attr(test, schemars(with = "Option<Vec<String>>"))]
    include: Option<Vec<Spanned<String>>>,
    /// The kind of bare policy files, by path glob
    #[serde(default)]
    #[cfg_attr(test, schemars(with = "crate::test_support::schema::GlobsByKind"))]
    kinds: BTreeMap<Spanned<String>, Vec<Spanned<String>>>,
    /// Findings the project accepts
    #[serde(default)]
    #[cfg_attr(test, schemars(with = "Vec<RawSuppress>"))]
    suppress: Vec<Spanned<RawSuppress>>,
}

/// Where editors find the config's schema.
#[cfg(test)]
const SCHEMA_ID: &str = "https://github.com/iam-lint/iam-lint/blob/main/schemas/iam-lint.schema.json";

/// A finding the project accepts
#[derive(Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[cfg_attr(test, schemars(rename = "suppression"))]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawSuppress {
    /// The rule's id, or a peer tool's id it answers to
    #[cfg_attr(test, schemars(with = "String"))]
    rule: Spanned<String>,
    /// Path globs of the files it applies to
    #[serde(default)]
    #[cfg_attr(test, schemars(with = "Vec<String>"))]
    paths: Vec<Spanned<String>>,
    /// A template resource's logical id
    resource: Option<String>,
    /// A glob over the offending element
    action: Option<String>,
    /// A statement's Sid
    sid: Option<String>,
    /// Why, in at least 10 characters (S001)
    reason: Option<String>,
    /// The day it stops applying, YYYY-MM-DD
    #[cfg_attr(test, schemars(with = "Option<crate::test_support::schema::Date>"))]
    expires: Option<Spanned<toml::Value>>,
    /// Who to ask about it: shown with the reason
    owner: Option<String>,
}

/// A rule id (or prefix) as written in the config, with where.
#[derive(Debug, Clone)]
pub(crate) struct Named<T> {
    pub value: T,
    pub span: Span,
}

/// The validated settings of one config file.
#[derive(Debug)]
pub(crate) struct Config {
    /// The file, as shown in errors.
    pub file: String,
    text: Arc<str>,
    /// Its directory: globs and pack paths are relative to it.
    pub root: PathBuf,
    pub select: Option<Vec<Named<String>>>,
    pub ignore: Vec<Named<String>>,
    pub fail_on: Option<FailOn>,
    /// The largest file read, in MiB.
    pub max_file_size: Option<u64>,
    pub severity: Vec<(Named<String>, Severity)>,
    /// `[rules.ID]` tables: rule, parameter name, values.
    pub params: Vec<(Named<String>, String, Vec<String>)>,
    pub packs: Vec<PathBuf>,
    exclude: GlobSet,
    include: Option<GlobSet>,
    kinds: Vec<(Kind, GlobSet)>,
    /// `[[suppress]]` entries: each with the files it applies to.
    pub suppress: Vec<(GlobSet, Suppression)>,
}

/// What `iam-lint init` writes: every setting, commented out, with what it does.
pub(crate) const STARTER: &str = include_str!("config_starter.toml");

/// The config that applies to `paths`: the nearest one above the first path (or the current
/// directory).
pub(crate) fn find_config(paths: &[PathBuf]) -> Option<PathBuf> {
    let start = paths.first().map_or_else(|| PathBuf::from("."), |p| absolute(p));
    let start = if start.is_dir() { start } else { start.parent()?.to_owned() };
    start.ancestors().find_map(|dir| CONFIG_NAMES.iter().map(|name| dir.join(name)).find(|p| p.is_file()))
}

/// Reads and validates the config at `path`.
pub(crate) fn load_config(path: &Path) -> Result<Config, Vec<ToolError>> {
    let file = display_path(path);
    let text = std::fs::read_to_string(path)
        .map_err(|err| vec![ToolError::in_file(&file, format!("cannot read the config: {}", io_reason(&err)))])?;
    let text: Arc<str> = Arc::from(text);
    let root = absolute(path).parent().map(Path::to_owned).unwrap_or_default();
    let mut validator = ConfigValidator { file: &file, text: text.clone(), errors: Vec::new() };
    let raw: RawConfig = match toml::from_str(&text) {
        Ok(raw) => raw,
        Err(err) => {
            validator.error(err.span().unwrap_or(0..0), format!("invalid config: {}", err.message()));
            return Err(validator.errors);
        }
    };
    let config = validator.config(raw, &root);
    let mut errors = validator.errors;
    errors.sort_by_key(|e| e.span.map(|s| s.start));
    if errors.is_empty() { Ok(Config { file, text, root, ..config }) } else { Err(errors) }
}

struct ConfigValidator<'a> {
    file: &'a str,
    text: Arc<str>,
    errors: Vec<ToolError>,
}

impl ConfigValidator<'_> {
    fn error(&mut self, span: std::ops::Range<usize>, message: impl Into<String>) {
        let span = Span::new(span.start, span.end);
        self.errors.push(ToolError::at(self.file, self.text.clone(), span, message));
    }

    fn config(&mut self, raw: RawConfig, root: &Path) -> Config {
        let fail_on = raw.fail_on.and_then(|f| match f.get_ref().as_str() {
            "error" => Some(FailOn::Error),
            "warning" => Some(FailOn::Warning),
            "note" => Some(FailOn::Note),
            "never" => Some(FailOn::Never),
            _ => {
                self.error(f.span(), "fail-on must be `error`, `warning`, `note` or `never`");
                None
            }
        });
        let max_file_size = raw.max_file_size.and_then(|size| {
            let mib = *size.get_ref();
            let valid = MAX_FILE_SIZE_MIB.contains(&mib);
            if !valid {
                let (low, high) = MAX_FILE_SIZE_MIB.into_inner();
                self.error(size.span(), format!("max-file-size is a number of MiB from {low} to {high}"));
            }
            valid.then_some(mib)
        });
        let mut severity = Vec::new();
        for (id, level) in raw.severity {
            match Severity::from_name(level.get_ref()) {
                Some(level) => severity.push((named(id), level)),
                None => self.error(level.span(), "a severity is `error`, `warning` or `note`"),
            }
        }
        let params = raw
            .rules
            .into_iter()
            .flat_map(|(id, table)| {
                let id = named(id);
                table.into_iter().map(move |(name, values)| (id.clone(), name, values))
            })
            .collect();
        let mut kinds = Vec::new();
        for (name, globs) in raw.kinds {
            match Kind::from_name(name.get_ref()) {
                Some(kind) => kinds.push((kind, self.globs(globs))),
                None => self.error(name.span(), "a kind is `identity`, `resource`, `trust` or `boundary`"),
            }
        }
        let mut suppress = Vec::new();
        for entry in raw.suppress {
            let loc = Loc { pointer: String::new(), span: Span::new(entry.span().start, entry.span().end) };
            let entry = entry.into_inner();
            let expires = entry.expires.and_then(|value| match value.get_ref() {
                toml::Value::Datetime(date) if date.time.is_none() => Some(date.to_string()),
                toml::Value::String(text) if days_since_epoch(text).is_some() => Some(text.clone()),
                _ => {
                    self.error(value.span(), "expires is a date: `expires = 2027-01-31`");
                    None
                }
            });
            let paths = if entry.paths.is_empty() { vec![Spanned::new(0..0, "**".to_owned())] } else { entry.paths };
            let suppression = Suppression {
                dialect: Dialect::IamLint,
                id: entry.rule.into_inner(),
                applies_to: entry.action.into_iter().map(AppliesTo::Text).collect(),
                resource: entry.resource,
                sid: entry.sid,
                // The owner travels with the reason, where reports show it.
                reason: match (entry.reason, entry.owner) {
                    (Some(reason), Some(owner)) => Some(format!("{reason} (owner: {owner})")),
                    (reason, _) => reason,
                },
                expires,
                loc,
                in_config: true,
            };
            suppress.push((self.globs(paths), suppression));
        }
        Config {
            file: String::new(),
            text: Arc::from(""),
            root: PathBuf::new(),
            select: raw.select.map(|s| s.into_iter().map(named).collect()),
            ignore: raw.ignore.into_iter().map(named).collect(),
            fail_on,
            max_file_size,
            severity,
            params,
            packs: raw.packs.into_iter().map(|p| root.join(p)).collect(),
            exclude: self.globs(raw.exclude),
            include: raw.include.map(|globs| self.globs(globs)),
            kinds,
            suppress,
        }
    }

    /// Path globs relative to the config: `*` does not cross `/` (`**` does); a leading `./`
    /// is the config's directory; a pattern also matches what is below it (`legacy` stands
    /// for `legacy/**` too), as in `.gitignore`.
    fn globs(&mut self, globs: Vec<Spanned<String>>) -> GlobSet {
        let mut set = GlobSetBuilder::new();
        for glob in globs {
            let pattern = glob.get_ref().trim_start_matches("./").trim_end_matches('/');
            for pattern in [pattern.to_owned(), format!("{pattern}/**")] {
                match GlobBuilder::new(&pattern).literal_separator(true).build() {
                    Ok(compiled) => drop(set.add(compiled)),
                    Err(err) => {
                        self.error(glob.span(), format!("invalid glob: {}", err.kind()));
                        break;
                    }
                }
            }
        }
        set.build().unwrap_or_else(|_| GlobSet::empty())
    }
}

fn named(spanned: Spanned<String>) -> Named<String> {
    Named { span: Span::new(spanned.span().start, spanned.span().end), value: spanned.into_inner() }
}

impl Config {
    /// An error at `span` of this file.
    fn error_at(&self, span: Span, message: impl Into<String>) -> ToolError {
        ToolError::at(&self.file, self.text.clone(), span, message)
    }

    /// Checks what the config says about rules against `rules` and applies it: severities and
    /// parameters. Selection is the caller's, with the command line's.
    pub(crate) fn apply(&self, rules: &mut RuleSet) -> Result<(), Vec<ToolError>> {
        let mut errors = Vec::new();
        let selectors = self.select.iter().flatten().chain(&self.ignore);
        for selector in selectors {
            if !rules.selects_any(&selector.value) {
                errors.push(self.error_at(selector.span, format!("`{}` matches no rule id or prefix", selector.value)));
            }
        }
        for (id, level) in &self.severity {
            match rules.get_mut(&id.value) {
                Some(rule) => rule.severity_override = Some(*level),
                None => errors.push(self.error_at(id.span, format!("no rule has the id `{}`", id.value))),
            }
        }
        for (_, suppression) in &self.suppress {
            if rules.get(&suppression.id).is_none() {
                let message = format!("no rule has the id `{}`", suppression.id);
                errors.push(self.error_at(suppression.loc.span, message));
            }
        }
        for (id, name, values) in &self.params {
            let Some(rule) = rules.get_mut(&id.value) else {
                errors.push(self.error_at(id.span, format!("no rule has the id `{}`", id.value)));
                continue;
            };
            if let Err(message) = rule.set_param(name, values.clone()) {
                errors.push(self.error_at(id.span, message));
            }
        }
        if errors.is_empty() { Ok(()) } else { Err(errors) }
    }

    /// Is `path` (a file found while walking) left out by `exclude`/`include`?
    pub(crate) fn excludes(&self, path: &Path) -> bool {
        let Some(relative) = self.relative(path) else { return false };
        self.exclude.is_match(&relative) || self.include.as_ref().is_some_and(|include| !include.is_match(&relative))
    }

    /// The `[[suppress]]` entries for the file at `path`, by their place in the config.
    pub(crate) fn suppressions_for(&self, path: &Path) -> Vec<usize> {
        let Some(relative) = self.relative(path) else { return Vec::new() };
        let entries = self.suppress.iter().enumerate();
        entries.filter(|(_, (paths, _))| paths.is_match(&relative)).map(|(i, _)| i).collect()
    }

    /// Every `[[suppress]]` entry, in order: what [`Config::suppressions_for`] indexes.
    pub(crate) fn suppressions(&self) -> ConfigSuppressions<'_> {
        let entries = self.suppress.iter().map(|(_, suppression)| suppression).collect();
        ConfigSuppressions { source: self.source(), entries }
    }

    /// The config file's text, for findings and notices about its suppressions.
    pub(crate) fn source(&self) -> crate::source::Source {
        crate::source::Source { name: self.file.clone(), text: self.text.clone() }
    }

    /// The kind `[kinds]` gives a bare policy file at `path`.
    pub(crate) fn kind_of(&self, path: &Path) -> Option<Kind> {
        let relative = self.relative(path)?;
        self.kinds.iter().find(|(_, globs)| globs.is_match(&relative)).map(|(kind, _)| *kind)
    }

    fn relative(&self, path: &Path) -> Option<PathBuf> {
        absolute(path).strip_prefix(&self.root).ok().map(Path::to_owned)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::schema::{check_file, root_schema};
    use crate::test_support::scratch_dir;

    /// schemas/iam-lint.schema.json is what the raw types accept (`IAM_LINT_BLESS=1` rewrites
    /// it); tests/it/schemas.rs validates every config in testdata/ against it.
    #[test]
    fn the_committed_schema_is_derived_from_the_types() {
        check_file("iam-lint.schema.json", &root_schema::<RawConfig>());
    }

    fn config(text: &str) -> Config {
        config_at("config-unit", text)
    }

    fn config_at(name: &str, text: &str) -> Config {
        let dir = scratch_dir(name);
        let path = dir.join(CONFIG_NAMES[0]);
        std::fs::write(&path, text).unwrap();
        load_config(&path).unwrap_or_else(|e| panic!("{:?}", e.iter().map(|e| &e.message).collect::<Vec<_>>()))
    }

    #[test]
    fn globs_are_relative_to_the_config_and_stars_stop_at_slashes() {
        let config = config(
            "exclude = [\"legacy/*.json\"]\ninclude = [\"**/*.json\"]\n[kinds]\ntrust = [\"roles/*/trust.json\"]\n",
        );
        let at = |relative: &str| config.root.join(relative);
        assert!(config.excludes(&at("legacy/a.json")));
        assert!(!config.excludes(&at("legacy/deeper/a.json")), "`*` does not cross `/`");
        assert!(config.excludes(&at("notes.yaml")), "outside `include`");
        assert!(!config.excludes(Path::new("/elsewhere/legacy/a.json")), "outside the config's directory");
        assert_eq!(config.kind_of(&at("roles/deploy/trust.json")), Some(Kind::Trust));
        assert_eq!(config.kind_of(&at("roles/trust.json")), None);
        let directories = config_at("config-dirs", "exclude = [\"./legacy/\"]\n");
        assert!(
            directories.excludes(&directories.root.join("legacy/deeper/a.json")),
            "a directory stands for its files"
        );
    }

    #[test]
    fn the_nearest_config_above_the_first_path_is_found() {
        let dir = scratch_dir("config-find");
        std::fs::create_dir_all(dir.join("a/b")).unwrap();
        std::fs::write(dir.join(".iam-lint.toml"), "").unwrap();
        std::fs::write(dir.join("a/iam-lint.toml"), "").unwrap();
        assert_eq!(find_config(&[dir.join("a/b")]), Some(dir.join("a/iam-lint.toml")));
        assert_eq!(find_config(&[dir.join("x.json")]), Some(dir.join(".iam-lint.toml")));
    }
}
