//! The TOML form of statement matchers (`[[rule.statement]]`): raw structs (unknown keys
//! rejected) validated into [`StatementMatcher`]s, with errors that point into the pack.

use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use super::matcher::{ActionTest, ConditionTest, PrincipalTest, ReportAt, ResourceTest, StatementMatcher};
use super::validator::{Validator, is_action_glob};
use crate::iam::model::Effect;

/// A statement matcher: every test present must hold
#[derive(Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[cfg_attr(test, schemars(rename = "statement"))]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct RawMatcher {
    #[cfg_attr(test, schemars(with = "Option<crate::test_support::schema::EffectName>"))]
    effect: Option<Spanned<String>>,
    #[cfg_attr(test, schemars(with = "Option<RawActions>"))]
    actions: Option<Spanned<RawActions>>,
    #[cfg_attr(test, schemars(with = "Option<RawResources>"))]
    resources: Option<Spanned<RawResources>>,
    #[cfg_attr(test, schemars(with = "Option<RawCondition>"))]
    condition: Option<Spanned<RawCondition>>,
    #[cfg_attr(test, schemars(with = "Option<RawPrincipal>"))]
    principal: Option<Spanned<RawPrincipal>>,
    /// An unconditional Deny in the document removes what it denies
    #[serde(default)]
    unless_denied: bool,
    /// A statement matching this as well is not reported
    #[cfg_attr(test, schemars(with = "Option<Box<RawMatcher>>"))]
    unless: Option<Box<Spanned<RawMatcher>>>,
    /// The element a finding points at
    #[cfg_attr(test, schemars(with = "Option<crate::test_support::schema::ReportAtName>"))]
    report_at: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[cfg_attr(test, schemars(rename = "actions"))]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawActions {
    /// Action globs, any of which the statement grants
    #[cfg_attr(test, schemars(with = "Option<Vec<String>>"))]
    grants_any: Option<Vec<Spanned<String>>>,
    /// `*` or `*:*`
    #[cfg_attr(test, schemars(with = "Option<crate::test_support::schema::Flag>"))]
    grants_everything: Option<bool>,
    /// An action with `*` or `?`
    #[cfg_attr(test, schemars(with = "Option<crate::test_support::schema::Flag>"))]
    has_wildcard: Option<bool>,
    /// Uses NotAction
    #[cfg_attr(test, schemars(with = "Option<crate::test_support::schema::Flag>"))]
    not_action: Option<bool>,
}

#[derive(Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[cfg_attr(test, schemars(rename = "resources"))]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawResources {
    /// `*` or every ARN
    #[cfg_attr(test, schemars(with = "Option<crate::test_support::schema::Flag>"))]
    star: Option<bool>,
    /// A resource covering this ARN glob
    #[cfg_attr(test, schemars(with = "Option<String>"))]
    covers: Option<Spanned<String>>,
    /// Every resource within this ARN glob
    #[cfg_attr(test, schemars(with = "Option<String>"))]
    within: Option<Spanned<String>>,
    /// Uses NotResource
    #[cfg_attr(test, schemars(with = "Option<crate::test_support::schema::Flag>"))]
    not_resource: Option<bool>,
}

#[derive(Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[cfg_attr(test, schemars(rename = "condition"))]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawCondition {
    /// No condition on this key, with any operator
    #[cfg_attr(test, schemars(with = "Option<String>"))]
    lacks_key: Option<Spanned<String>>,
    /// A condition on this key
    #[cfg_attr(test, schemars(with = "Option<String>"))]
    has_key: Option<Spanned<String>>,
    /// No condition on any of these keys
    lacks_keys: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[cfg_attr(test, schemars(rename = "principal"))]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawPrincipal {
    /// `*`, AWS `*` or NotPrincipal
    #[cfg_attr(test, schemars(with = "Option<crate::test_support::schema::Flag>"))]
    anyone: Option<bool>,
    /// A literal account id
    #[cfg_attr(test, schemars(with = "Option<crate::test_support::schema::Flag>"))]
    other_account: Option<bool>,
}

impl Validator<'_> {
    pub(super) fn matcher(&mut self, raw: Spanned<RawMatcher>) -> Option<StatementMatcher> {
        let span = raw.span();
        let raw = raw.into_inner();
        let before = self.errors.len();
        let effect = raw.effect.and_then(|e| {
            let effect = Effect::from_name(e.get_ref());
            if effect.is_none() {
                self.error(e.span(), "effect must be `Allow` or `Deny`");
            }
            effect
        });
        let actions = raw.actions.and_then(|a| self.actions(a));
        let resources = raw.resources.and_then(|r| {
            let span = r.span();
            let r = r.into_inner();
            let tests = [
                self.flag(r.star, &span, "star").then_some(ResourceTest::Star),
                r.covers.map(|glob| ResourceTest::Covers(glob.into_inner())),
                r.within.map(|glob| ResourceTest::Within(glob.into_inner())),
                self.flag(r.not_resource, &span, "not-resource").then_some(ResourceTest::NotResource),
            ];
            self.exactly_one(tests, span, "resources", "`star`, `covers`, `within` or `not-resource`")
        });
        let condition = raw.condition.and_then(|c| {
            let span = c.span();
            let c = c.into_inner();
            let tests = [
                c.lacks_key.map(|k| ConditionTest::LacksKey(k.into_inner())),
                c.has_key.map(|k| ConditionTest::HasKey(k.into_inner())),
                c.lacks_keys.map(ConditionTest::LacksKeys),
            ];
            self.exactly_one(tests, span, "condition", "`lacks-key`, `has-key` or `lacks-keys`")
        });
        let principal = raw.principal.and_then(|p| {
            let span = p.span();
            let p = p.into_inner();
            let tests = [
                self.flag(p.anyone, &span, "anyone").then_some(PrincipalTest::Anyone),
                self.flag(p.other_account, &span, "other-account")
                    .then_some(PrincipalTest::OtherAccount { own: Vec::new() }),
            ];
            self.exactly_one(tests, span, "principal", "`anyone` or `other-account`")
        });
        let unless = raw.unless.and_then(|u| self.matcher(*u)).map(Box::new);
        let report_at = match &raw.report_at {
            None => ReportAt::Statement,
            Some(r) => match ReportAt::from_name(r.get_ref()) {
                Some(at) => at,
                None => {
                    self.error(
                        r.span(),
                        "report-at must be `statement`, `effect`, `action`, `resource`, `condition` or `principal`",
                    );
                    ReportAt::Statement
                }
            },
        };
        let needs = match report_at {
            ReportAt::Action => actions.is_none().then_some("an `actions` test"),
            ReportAt::Resource => resources.is_none().then_some("a `resources` test"),
            ReportAt::Principal => principal.is_none().then_some("a `principal` test"),
            _ => None,
        };
        if let (Some(needs), Some(r)) = (needs, &raw.report_at) {
            self.error(r.span(), format!("report-at `{}` needs {needs} in the same matcher", r.get_ref()));
        }
        if raw.unless_denied && !matches!(actions, Some(ActionTest::GrantsAny(_))) {
            self.error(span, "`unless-denied` needs `actions.grants-any`, the actions a Deny must cover");
        }
        if self.errors.len() > before {
            return None;
        }
        Some(StatementMatcher {
            effect,
            actions,
            resources,
            condition,
            principal,
            unless_denied: raw.unless_denied,
            unless,
            report_at,
        })
    }

    fn actions(&mut self, raw: Spanned<RawActions>) -> Option<ActionTest> {
        let span = raw.span();
        let raw = raw.into_inner();
        let grants_any = raw.grants_any.map(|globs| {
            for glob in &globs {
                if !is_action_glob(glob.get_ref()) {
                    self.error(glob.span(), "an action must be `*` or `service:action`, with `*` and `?` wildcards");
                }
            }
            ActionTest::GrantsAny(globs.into_iter().map(Spanned::into_inner).collect())
        });
        let tests = [
            grants_any,
            self.flag(raw.grants_everything, &span, "grants-everything").then_some(ActionTest::GrantsEverything),
            self.flag(raw.has_wildcard, &span, "has-wildcard").then_some(ActionTest::HasWildcard),
            self.flag(raw.not_action, &span, "not-action").then_some(ActionTest::NotAction),
        ];
        self.exactly_one(tests, span, "actions", "`grants-any`, `grants-everything`, `has-wildcard` or `not-action`")
    }

    fn exactly_one<T, const N: usize>(
        &mut self,
        tests: [Option<T>; N],
        span: Range<usize>,
        table: &str,
        keys: &str,
    ) -> Option<T> {
        let mut present: Vec<T> = tests.into_iter().flatten().collect();
        if present.len() != 1 {
            self.error(span, format!("`{table}` takes exactly one of {keys}"));
            return None;
        }
        present.pop()
    }
}
