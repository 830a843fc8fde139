//! Rule packs: TOML parsed into raw structs (unknown keys rejected), then validated into
//! [`Rule`]s. Every error carries a span into the TOML so it can be shown in place.

use std::ops::Range;
use std::sync::Arc;

use serde::Deserialize;
use toml::Spanned;

use super::app_matcher::{AppMatcher, RawAppMatcher};
use super::checks::Check;
use super::document_matcher::{self, DocumentMatcher, RawDocumentMatcher};
use super::matcher::{PrincipalTest as StatementPrincipalTest, StatementMatcher};
use super::matcher_syntax::RawMatcher;
use super::principal_matcher::{PrincipalMatcher, PrincipalTest, RawPrincipalMatcher};
use super::validator::{Params, Validator, is_action_glob};
use crate::error::ToolError;
use crate::finding::Severity;
use crate::iam::model::Kind;

const DOCS_BASE: &str = "https://github.com/iam-lint/iam-lint/blob/main/docs/rules.md";

// The doc comments of these raw types are the descriptions in schemas/rule-pack.schema.json,
// which a unit test derives from them (`schemars`, in test builds only).

/// A TOML rule pack: see docs/rule-packs.md
#[derive(Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[cfg_attr(test, schemars(title = "iam-lint rule pack", extend("$id" = SCHEMA_ID)))]
#[serde(deny_unknown_fields)]
struct RawPack {
    pack: RawHeader,
    /// The pack's rules
    #[serde(default)]
    #[cfg_attr(test, schemars(with = "Vec<RawRule>"))]
    rule: Vec<Spanned<RawRule>>,
}

/// Where editors find the pack schema.
#[cfg(test)]
const SCHEMA_ID: &str = "https://github.com/iam-lint/iam-lint/blob/main/schemas/rule-pack.schema.json";

/// What the pack is
#[derive(Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[cfg_attr(test, schemars(rename = "header"))]
#[serde(deny_unknown_fields)]
struct RawHeader {
    /// The pack's name, shown with its rules
    #[cfg_attr(test, schemars(with = "String"))]
    name: Spanned<String>,
    description: String,
}

/// A rule: its text, and one check or matcher
#[derive(Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[cfg_attr(test, schemars(rename = "rule"))]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawRule {
    /// A stable id, never reused: a prefix and three digits
    #[cfg_attr(test, schemars(with = "crate::test_support::schema::RuleId"))]
    id: Spanned<String>,
    /// The pattern flagged, in kebab-case
    #[cfg_attr(test, schemars(with = "crate::test_support::schema::RuleName"))]
    name: Spanned<String>,
    #[cfg_attr(test, schemars(with = "Severity"))]
    severity: Spanned<String>,
    /// The policy kinds it applies to
    #[cfg_attr(test, schemars(with = "Vec<crate::test_support::schema::KindName>", length(min = 1)))]
    applies_to: Spanned<Vec<Spanned<String>>>,
    /// One line: what the rule finds
    summary: String,
    /// A finding's message: may interpolate `{action}`, `{resource}`, `{sid}`...
    #[cfg_attr(test, schemars(with = "String"))]
    message: Spanned<String>,
    /// Markdown: why it matters and how to fix it
    help: String,
    /// A documentation URL (default: the rule's section of docs/rules.md)
    docs: Option<String>,
    /// Peer tools' ids it answers to, for suppressions
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    tags: Vec<String>,
    /// GitHub's security-severity, for rules tagged `security`
    #[cfg_attr(test, schemars(with = "Option<f64>", range(min = 0, max = 10)))]
    security_severity: Option<Spanned<f64>>,
    /// A built-in check, by name
    #[cfg_attr(test, schemars(with = "Option<crate::test_support::schema::CheckName>"))]
    check: Option<Spanned<String>>,
    /// The check's parameters: lists of strings
    #[cfg_attr(test, schemars(with = "Option<std::collections::BTreeMap<String, Vec<String>>>"))]
    params: Option<Spanned<toml::Table>>,
    /// Statement matchers: a statement is reported when any of them matches
    #[serde(default)]
    #[cfg_attr(test, schemars(with = "Vec<RawMatcher>"))]
    statement: Vec<Spanned<RawMatcher>>,
    /// Tests of a template's roles, users, groups and functions
    #[serde(default)]
    #[cfg_attr(test, schemars(with = "Vec<RawPrincipalMatcher>"))]
    principal: Vec<Spanned<RawPrincipalMatcher>>,
    /// Tests of a CDK app's cdk.json
    #[serde(default)]
    #[cfg_attr(test, schemars(with = "Vec<RawAppMatcher>"))]
    app: Vec<Spanned<RawAppMatcher>>,
    /// A test of each whole document
    #[cfg_attr(test, schemars(with = "Option<RawDocumentMatcher>"))]
    document: Option<Spanned<RawDocumentMatcher>>,
}

/// A validated rule.
#[derive(Debug, Clone)]
pub(crate) struct Rule {
    pub id: String,
    pub name: String,
    pub pack: String,
    pub severity: Severity,
    /// Set by a config's `[severity]`: every finding of the rule gets it.
    pub severity_override: Option<Severity>,
    pub applies_to: Vec<Kind>,
    pub summary: String,
    pub message: String,
    pub help: String,
    pub docs: String,
    pub aliases: Vec<String>,
    pub tags: Vec<String>,
    /// GitHub's `security-severity` (0.0–10.0), for rules tagged `security`.
    pub security_severity: Option<f64>,
    /// Tunable lists of a built-in check (`allow-actions = ["..."]`).
    pub params: Params,
    pub(crate) logic: Logic,
    /// Template-level alternatives, tested on each template's principals.
    pub(crate) principal_matchers: Vec<PrincipalMatcher>,
    /// Tested on the `cdk.json` of each CDK app whose assembly is linted.
    pub(crate) app_matchers: Vec<AppMatcher>,
    /// Tested on each whole document of the kinds the rule applies to.
    pub(crate) document_matcher: Option<DocumentMatcher>,
}

impl Rule {
    /// The first paragraph of the help, on one line: why the rule matters, without the
    /// worked example.
    /// The policy kinds the rule applies to, for reading: "identity, resource".
    pub(crate) fn kinds(&self) -> String {
        self.applies_to.iter().map(|k| k.name()).collect::<Vec<_>>().join(", ")
    }

    /// Sets a parameter (from a config's `[rules.ID]`): one of the rule's built-in check, or
    /// of its matchers: `allow-policies` (ARN globs an `attaches` matcher lets through) and
    /// `own-accounts` (account ids an `other-account` test counts as the project's own).
    pub(crate) fn set_param(&mut self, name: &str, values: Vec<String>) -> Result<(), String> {
        if let Logic::Check(check) = self.logic {
            check_param(check, name, Some(&values))?;
            self.params.insert(name.to_owned(), values);
            return Ok(());
        }
        let mut taken = false;
        match name {
            "allow-policies" if values.iter().all(|v| v.starts_with("arn:")) => {
                for matcher in &mut self.principal_matchers {
                    if let PrincipalTest::Attaches { except, .. } = &mut matcher.test {
                        except.extend(values.iter().cloned());
                        taken = true;
                    }
                }
            }
            "allow-policies" => {
                return Err(
                    "`allow-policies` is a list of ARN globs, such as [\"arn:aws:iam::aws:policy/ReadOnlyAccess\"]"
                        .into(),
                );
            }
            "own-accounts" if values.iter().all(|v| v.len() == 12 && v.bytes().all(|b| b.is_ascii_digit())) => {
                if let Logic::Statements(matchers) = &mut self.logic {
                    for matcher in matchers {
                        if let Some(StatementPrincipalTest::OtherAccount { own }) = &mut matcher.principal {
                            own.extend(values.iter().cloned());
                            taken = true;
                        }
                    }
                }
            }
            "own-accounts" => return Err("`own-accounts` is a list of 12-digit account ids".into()),
            _ => {}
        }
        if taken { Ok(()) } else { Err(format!("rule {} has no parameter `{name}`", self.id)) }
    }

    pub(crate) fn why(&self) -> String {
        let paragraph = self.help.trim().split("\n\n").next().unwrap_or_default();
        paragraph.split_whitespace().collect::<Vec<_>>().join(" ")
    }
}

#[derive(Debug, Clone)]
pub(crate) enum Logic {
    Check(Check),
    /// Alternatives: a statement is reported when any of them matches.
    Statements(Vec<StatementMatcher>),
}

impl Logic {
    /// Variables every hit of this rule carries: those a message may use.
    fn variables(&self) -> Vec<&'static str> {
        match self {
            Logic::Check(check) => check.variables().to_vec(),
            Logic::Statements(matchers) => {
                let mut common = matchers.first().map(StatementMatcher::variables).unwrap_or_default();
                common.retain(|v| matchers.iter().all(|m| m.variables().contains(v)));
                common
            }
        }
    }
}

/// Validation errors of one pack, each pointing into the TOML.
pub(super) struct PackError {
    pub errors: Vec<ToolError>,
}

impl Validator<'_> {
    /// Validates one rule; returns it with the span of its id, for errors about the id.
    fn rule(&mut self, pack: &str, raw: Spanned<RawRule>) -> Option<(Rule, Range<usize>)> {
        let span = raw.span();
        let raw = raw.into_inner();
        let before = self.errors.len();
        let id = raw.id.get_ref().clone();
        if !is_rule_id(&id) {
            self.error(
                raw.id.span(),
                format!("rule id `{id}` must be upper-case letters followed by three digits, such as `LP003`"),
            );
        }
        let name = raw.name.get_ref().clone();
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') {
            self.error(raw.name.span(), format!("rule name `{name}` must be kebab-case, such as `wildcard-action`"));
        }
        let severity = Severity::from_name(raw.severity.get_ref());
        if severity.is_none() {
            self.error(raw.severity.span(), "severity must be `error`, `warning` or `note`");
        }
        let mut applies_to = Vec::new();
        for kind in raw.applies_to.get_ref() {
            match Kind::from_name(kind.get_ref()) {
                Some(k) => applies_to.push(k),
                None => self
                    .error(kind.span(), "unknown policy kind: expected `identity`, `resource`, `trust` or `boundary`"),
            }
        }
        if raw.applies_to.get_ref().is_empty() {
            self.error(raw.applies_to.span(), "a rule must apply to at least one policy kind");
        }
        if let Some(level) = &raw.security_severity
            && !(0.0..=10.0).contains(level.get_ref())
        {
            self.error(level.span(), "security-severity must be between 0.0 and 10.0");
        }
        let principal_matchers: Vec<PrincipalMatcher> =
            raw.principal.into_iter().filter_map(|m| self.principal_matcher(m, raw.message.get_ref())).collect();
        let app_matchers: Vec<AppMatcher> =
            raw.app.into_iter().filter_map(|m| self.app_matcher(m, raw.message.get_ref())).collect();
        let has_document_matcher = raw.document.is_some();
        let document_matcher = raw.document.and_then(|m| self.document_matcher(m));
        if has_document_matcher {
            let variables = document_matcher::VARIABLES;
            self.message_variables(raw.message.get_ref(), raw.message.span(), &variables, "a document matcher");
        }
        let has_fact_matchers =
            principal_matchers.len() + app_matchers.len() + self.errors.len() > before || has_document_matcher;
        let logic = match (raw.check, raw.statement.is_empty()) {
            (Some(check), true) => match Check::from_name(check.get_ref()) {
                Some(c) => Some(Logic::Check(c)),
                None => {
                    let known: Vec<_> = Check::ALL.iter().map(|c| c.name()).collect();
                    self.error(check.span(), format!("unknown built-in check; known checks: {}", known.join(", ")));
                    None
                }
            },
            (None, false) => {
                let matchers: Vec<_> = raw.statement.into_iter().filter_map(|m| self.matcher(m)).collect();
                Some(Logic::Statements(matchers))
            }
            (Some(check), false) => {
                self.error(check.span(), "a rule has either `check` or `[[rule.statement]]` matchers, not both");
                None
            }
            (None, true) if has_fact_matchers => Some(Logic::Statements(Vec::new())),
            (None, true) => {
                self.error(
                    span.clone(),
                    "a rule needs a `check`, a `[rule.document]`, or at least one `[[rule.statement]]`, `[[rule.principal]]` or `[[rule.app]]` matcher",
                );
                None
            }
        };
        let statement_rule = !matches!(&logic, Some(Logic::Statements(m)) if m.is_empty());
        if let Some(logic) = logic.as_ref().filter(|_| statement_rule) {
            self.message_variables(raw.message.get_ref(), raw.message.span(), &logic.variables(), "this rule");
        }
        let params = match (&logic, raw.params) {
            (_, None) => Params::new(),
            (Some(Logic::Check(check)), Some(params)) => self.params(*check, params),
            (_, Some(params)) => {
                self.error(params.span(), "only a rule with a built-in `check` takes `params`");
                Params::new()
            }
        };
        if self.errors.len() > before {
            return None;
        }
        let id_span = raw.id.span();
        let rule = Rule {
            docs: raw.docs.unwrap_or_else(|| format!("{DOCS_BASE}#{}", id.to_ascii_lowercase())),
            id,
            name,
            pack: pack.to_owned(),
            severity: severity?,
            severity_override: None,
            applies_to,
            summary: raw.summary,
            message: raw.message.into_inner(),
            help: raw.help,
            aliases: raw.aliases,
            tags: raw.tags,
            security_severity: raw.security_severity.map(Spanned::into_inner),
            params,
            logic: logic?,
            principal_matchers,
            app_matchers,
            document_matcher,
        };
        Some((rule, id_span))
    }

    /// Validates a check's parameters: known names, each a list of action globs.
    fn params(&mut self, check: Check, raw: Spanned<toml::Table>) -> Params {
        let span = raw.span();
        let mut params = Params::new();
        for (name, value) in raw.into_inner() {
            let globs: Option<Vec<String>> =
                value.as_array().and_then(|items| items.iter().map(|i| i.as_str().map(str::to_owned)).collect());
            match check_param(check, &name, globs.as_deref()) {
                Ok(()) => drop(params.insert(name, globs.unwrap_or_default())),
                Err(message) => self.error(span.clone(), message),
            }
        }
        params
    }
}

/// Is `name` a parameter of `check`, and `values` (`None`: not a list of strings) valid for it?
fn check_param(check: Check, name: &str, values: Option<&[String]>) -> Result<(), String> {
    if !check.params().contains(&name) {
        let known = check.params().join(", ");
        let known = if known.is_empty() { "none".to_owned() } else { known };
        return Err(format!("check `{}` has no parameter `{name}` (it takes: {known})", check.name()));
    }
    // Parameters ending in `-keys` list condition keys; the others, actions.
    let (valid, example): (fn(&str) -> bool, &str) = if name.ends_with("-keys") {
        (|k| k.contains(':') && !k.contains(char::is_whitespace), "[\"aws:ResourceTag/*\"]")
    } else {
        (is_action_glob, "[\"s3:GetObject\", \"ec2:Describe*\"]")
    };
    match values {
        Some(values) if values.iter().all(|v| valid(v)) => Ok(()),
        _ => Err(format!("`{name}` must be a list such as {example}")),
    }
}

fn is_rule_id(id: &str) -> bool {
    let letters = id.trim_end_matches(|c: char| c.is_ascii_digit());
    let digits = &id[letters.len()..];
    !letters.is_empty() && letters.chars().all(|c| c.is_ascii_uppercase()) && digits.len() == 3
}

/// Parses and validates one pack. `file` names it in errors.
/// A validated pack: its header and its rules, each with the span of its id.
pub(super) struct LoadedPack {
    pub info: PackInfo,
    pub rules: Vec<(Rule, Range<usize>)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PackInfo {
    pub name: String,
    pub description: String,
}

pub(super) fn load_pack(file: &str, text: &str) -> Result<LoadedPack, PackError> {
    let shared: Arc<str> = Arc::from(text);
    let mut validator = Validator::new(file, shared.clone());
    let raw: RawPack = match toml::from_str(text) {
        Ok(raw) => raw,
        Err(err) => {
            let span = err.span().unwrap_or(0..0);
            validator.error(span, format!("invalid rule pack: {}", err.message()));
            return Err(PackError { errors: validator.errors });
        }
    };
    let info = PackInfo { name: raw.pack.name.into_inner(), description: raw.pack.description };
    let rules = raw.rule.into_iter().filter_map(|r| validator.rule(&info.name, r)).collect();
    if validator.errors.is_empty() {
        Ok(LoadedPack { info, rules })
    } else {
        Err(PackError { errors: validator.errors })
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::test_support::schema::{check_file, root_schema};

    /// schemas/rule-pack.schema.json is what the raw types accept (`IAM_LINT_BLESS=1` rewrites
    /// it); tests/it/schemas.rs validates every built-in pack against it.
    #[test]
    fn the_committed_schema_is_derived_from_the_types() {
        check_file("rule-pack.schema.json", &root_schema::<RawPack>());
    }

    pub(crate) const HEADER: &str = "[pack]\nname = \"t\"\ndescription = \"d\"\n";

    fn errors(body: &str) -> Vec<(String, String)> {
        let text = format!("{HEADER}{body}");
        match load_pack("t.toml", &text) {
            Ok(_) => vec![],
            Err(e) => e
                .errors
                .into_iter()
                .map(|err| {
                    let span = err.span.unwrap();
                    (text[span.start..span.end].to_owned(), err.message)
                })
                .collect(),
        }
    }

    pub(crate) const RULE: &str = "[[rule]]\nid = \"X001\"\nname = \"x\"\nseverity = \"error\"\napplies-to = [\"identity\"]\nsummary = \"s\"\nhelp = \"h\"\n";

    /// The messages of the errors loading one rule (`RULE`, applying to `kind`) with `body`
    /// appended: empty when it loads.
    pub(crate) fn rule_errors(kind: &str, body: &str) -> Vec<String> {
        let rule = RULE.replace("[\"identity\"]", &format!("[\"{kind}\"]"));
        match load_pack("t.toml", &format!("{HEADER}{rule}{body}")) {
            Ok(_) => vec![],
            Err(e) => e.errors.into_iter().map(|e| e.message).collect(),
        }
    }

    #[test]
    fn a_valid_rule_loads() {
        let body = format!(
            "{RULE}message = \"`{{action}}` in {{sid}}\"\n[[rule.statement]]\neffect = \"Allow\"\nactions.grants-any = [\"iam:PassRole\"]\nreport-at = \"action\"\n"
        );
        assert_eq!(errors(&body), vec![]);
    }

    #[test]
    fn unknown_keys_point_at_the_key() {
        let body = format!("{RULE}message = \"m\"\ncheck = \"duplicate-sid\"\nsevrity = \"x\"\n");
        let errs = errors(&body);
        assert_eq!(errs.len(), 1);
        assert!(errs[0].1.contains("unknown field `sevrity`"), "{errs:?}");
    }

    #[test]
    fn bad_values_point_at_the_value() {
        let body = RULE.replace("\"error\"", "\"fatal\"").replace("X001", "X1")
            + "message = \"{nope}\"\ncheck = \"duplicate-sid\"\n";
        let errs = errors(&body);
        let texts: Vec<&str> = errs.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(texts, ["\"X1\"", "\"fatal\"", "\"{nope}\""], "{errs:?}");
    }

    #[test]
    fn matcher_vocabulary_is_validated() {
        let body = format!(
            "{RULE}message = \"m\"\n[[rule.statement]]\nactions.grants-any = [\"iam PassRole\"]\nresources = {{ star = true, not-resource = true }}\nreport-at = \"condition\"\n"
        );
        let messages: Vec<String> = errors(&body).into_iter().map(|(_, m)| m).collect();
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert!(messages[0].contains("`service:action`"));
        assert!(messages[1].contains("exactly one"));
    }

    #[test]
    fn principal_tests_are_validated() {
        let both = format!(
            "{RULE}message = \"m\"\n[[rule.statement]]\nprincipal = {{ anyone = true, other-account = true }}\n"
        );
        assert!(errors(&both)[0].1.contains("`principal` takes exactly one of `anyone` or `other-account`"));
        let at = format!(
            "{RULE}message = \"{{principal}}\"\n[[rule.statement]]\neffect = \"Allow\"\nreport-at = \"principal\"\n"
        );
        assert!(errors(&at)[0].1.contains("needs a `principal` test"), "{:?}", errors(&at));
        let good = format!(
            "{RULE}message = \"{{principal}}\"\n[[rule.statement]]\nprincipal.anyone = true\ncondition.lacks-keys = [\"aws:Source*\"]\nreport-at = \"principal\"\n"
        );
        assert_eq!(errors(&good), vec![]);
    }

    #[test]
    fn report_at_needs_its_test() {
        let body = format!("{RULE}message = \"m\"\n[[rule.statement]]\neffect = \"Allow\"\nreport-at = \"resource\"\n");
        let errs = errors(&body);
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].0, "\"resource\"");
    }

    #[test]
    fn action_globs() {
        for ok in ["*", "iam:PassRole", "s3:Get*", "*:*", "execute-api:Invoke", "s3:?et*"] {
            assert!(is_action_glob(ok), "{ok}");
        }
        for bad in ["", "iam", "iam:", ":x", "iam:Pass Role", "iam:a:b", "s3:Get/Object"] {
            assert!(!is_action_glob(bad), "{bad}");
        }
    }
}
