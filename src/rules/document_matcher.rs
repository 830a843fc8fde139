//! The document-level matcher (`[rule.document.requires-statement]`, DESIGN §5): the document
//! must hold statements that, together, apply an effect to all of a list of actions, each
//! on a resource and under a condition the rule names. Permissions boundaries are judged so:
//! what matters is what their Deny statements cover, with IAM's action semantics (a glob
//! such as `iam:Put*PermissionsBoundary` covers; a partial list does not).

use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use super::hit::{Hit, code};
use super::validator::{Validator, is_action_glob};
use crate::iam::catalog::without_placeholders;
use crate::iam::glob::{self, Case};
use crate::iam::model::{ConditionEntry, Effect, Loc, PolicyDoc, Statement};

/// How a rule names "this policy's own ARN".
const OWN_ARN: &str = "{self.arn}";

/// A test of each whole document
#[derive(Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[cfg_attr(test, schemars(rename = "document"))]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct RawDocumentMatcher {
    /// The document must contain a statement like this
    #[cfg_attr(test, schemars(with = "RawRequiredStatement"))]
    requires_statement: Spanned<RawRequiredStatement>,
}

#[derive(Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[cfg_attr(test, schemars(rename = "required-statement"))]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawRequiredStatement {
    #[cfg_attr(test, schemars(with = "crate::test_support::schema::EffectName"))]
    effect: Spanned<String>,
    actions: RawCoverage,
    resources: Option<RawIncludes>,
    condition: Option<RawRequiredCondition>,
}

#[derive(Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[cfg_attr(test, schemars(rename = "coverage"))]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawCoverage {
    /// Action globs the statement must cover, every one
    #[cfg_attr(test, schemars(with = "Vec<String>"))]
    covers_all: Spanned<Vec<Spanned<String>>>,
}

#[derive(Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[cfg_attr(test, schemars(rename = "includes"))]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawIncludes {
    /// An ARN glob the statement's resources must include (`{self.arn}`: the policy's own)
    #[cfg_attr(test, schemars(with = "String"))]
    includes: Spanned<String>,
}

#[derive(Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[cfg_attr(test, schemars(rename = "required-condition"))]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawRequiredCondition {
    key: String,
    #[cfg_attr(test, schemars(with = "Vec<String>"))]
    operators: Spanned<Vec<Spanned<String>>>,
    #[cfg_attr(test, schemars(with = "Option<String>"))]
    value: Option<Spanned<String>>,
}

/// An ARN a required statement must name: the policy's own, or a glob.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ArnTarget {
    Own,
    Glob(String),
}

#[derive(Debug, Clone)]
pub(crate) struct RequiredCondition {
    pub key: String,
    /// Operators without `IfExists`, which changes nothing for a key every request has.
    pub operators: Vec<String>,
    pub value: Option<ArnTarget>,
}

#[derive(Debug, Clone)]
pub(crate) struct DocumentMatcher {
    pub effect: Effect,
    pub actions: Vec<String>,
    pub resource: Option<ArnTarget>,
    /// Without one, a qualifying statement must have no condition: a Deny that applies only
    /// sometimes does not protect.
    pub condition: Option<RequiredCondition>,
}

pub(crate) const VARIABLES: [&str; 2] = ["missing", "problem"];

/// Why a statement that covers some required actions does not count.
enum Shortfall {
    Resource,
    ConditionKey,
    ConditionValue(String),
    /// Conditioned, where the rule asks for no condition.
    Conditional,
    /// Conditioned on more than the rule asks for.
    ExtraCondition,
}

impl DocumentMatcher {
    /// A hit when the required actions are not all covered: at the statement that comes
    /// closest (it covers some of them but fails another test), else at the document.
    pub(crate) fn evaluate(&self, doc: &PolicyDoc) -> Option<Hit> {
        let own = doc.own_arn.as_deref();
        let with_effect = || doc.statements.iter().filter(|s| s.effect() == Some(self.effect));
        let covers = |s: &Statement, action: &str| s.actions().is_some_and(|set| set.grants_all(action));
        // A Deny matters only for what the document allows: a boundary that grants no `iam:`
        // action needs no Deny of one.
        let allowed = |action: &str| {
            self.effect != Effect::Deny
                || doc
                    .statements
                    .iter()
                    .any(|s| s.effect() == Some(Effect::Allow) && s.actions().is_some_and(|set| set.grants_any(action)))
        };
        let missing: Vec<&String> = self
            .actions
            .iter()
            .filter(|action| allowed(action))
            .filter(|action| !with_effect().any(|s| self.shortfall(s, own).is_none() && covers(s, action)))
            .collect();
        if missing.is_empty() {
            return None;
        }
        let listed = missing.iter().map(|a| code(a)).collect::<Vec<_>>().join(", ");
        let near_miss = with_effect().find_map(|s| {
            let shortfall = self.shortfall(s, own)?;
            missing.iter().any(|a| covers(s, a)).then_some((s, shortfall))
        });
        let (loc, problem) = match near_miss {
            Some((statement, shortfall)) => self.explain(statement, shortfall, own),
            None => {
                let effect = if self.effect == Effect::Deny { "Deny" } else { "Allow" };
                let them = if missing.len() == 1 { "it" } else { "them" };
                (doc.head.clone(), format!("no `{effect}` statement covers {them}"))
            }
        };
        Some(Hit::new(loc, "", vec![("missing", listed), ("problem", problem)]))
    }

    fn shortfall(&self, statement: &Statement, own: Option<&str>) -> Option<Shortfall> {
        let resources = statement.resources();
        let names = |target: &ArnTarget| {
            resources.is_some_and(|set| match set.negated {
                false => set.clause.items.iter().any(|item| may_name(&item.text, target, own)),
                true => !set.clause.items.iter().any(|item| may_name(&item.text, target, own)),
            })
        };
        // Without a resource the rule names, the statement must apply to every resource.
        let applies = match &self.resource {
            Some(target) => names(target),
            None => resources.is_some_and(|set| set.stars().next().is_some()),
        };
        if !applies {
            return Some(Shortfall::Resource);
        }
        // `Condition: {}` is no condition.
        let entries: Vec<&ConditionEntry> = statement.condition.iter().flat_map(|c| &c.entries).collect();
        let Some(required) = &self.condition else {
            return (!entries.is_empty()).then_some(Shortfall::Conditional);
        };
        // An unconditional statement applies more widely than the conditioned one asked for.
        if entries.is_empty() {
            return None;
        }
        let (tested, others): (Vec<&ConditionEntry>, Vec<&ConditionEntry>) = entries.into_iter().partition(|e| {
            let operator = e.operator.text.strip_prefix("ForAllValues:").unwrap_or(&e.operator.text);
            let operator = operator.strip_suffix("IfExists").unwrap_or(operator);
            e.key.text.eq_ignore_ascii_case(&required.key) && required.operators.iter().any(|o| o == operator)
        });
        let Some(first) = tested.first() else { return Some(Shortfall::ConditionKey) };
        if !others.is_empty() {
            return Some(Shortfall::ExtraCondition);
        }
        match &required.value {
            Some(target) if !tested.iter().any(|e| e.values.iter().any(|v| names_only(v, target, own))) => {
                Some(Shortfall::ConditionValue(first.values.join(", ")))
            }
            _ => None,
        }
    }

    fn explain(&self, statement: &Statement, shortfall: Shortfall, own: Option<&str>) -> (Loc, String) {
        let label = code(&statement.label());
        let own = own.map(code).unwrap_or_else(|| "this policy's ARN".into());
        let condition_loc = statement.condition.as_ref().map_or(statement.loc.clone(), |c| c.key.clone());
        match shortfall {
            Shortfall::Resource => {
                let loc = statement.resources().map_or(statement.loc.clone(), |set| set.clause.key.clone());
                let target = match &self.resource {
                    Some(ArnTarget::Glob(glob)) => code(glob),
                    _ => own,
                };
                let target = if self.resource.is_some() { target } else { "every resource (`*`)".into() };
                (loc, format!("statement {label} does not apply to {target}"))
            }
            Shortfall::Conditional => {
                (condition_loc, format!("statement {label} applies only when its condition holds"))
            }
            Shortfall::ExtraCondition => {
                (condition_loc, format!("statement {label} applies only when its other conditions hold too"))
            }
            Shortfall::ConditionKey => {
                let required = self.condition.as_ref().map(|c| (c.key.as_str(), c.operators.join(", ")));
                let (key, operators) = required.unwrap_or_default();
                let message = format!("statement {label} does not test `{key}` with {operators}");
                (condition_loc, message)
            }
            Shortfall::ConditionValue(values) => {
                let key = self.condition.as_ref().map(|c| c.key.as_str()).unwrap_or_default();
                (condition_loc, format!("statement {label} compares `{key}` with `{values}`, not with {own}"))
            }
        }
    }
}

/// Could `pattern` (a resource or condition value) name the target ARN? Parts a template
/// leaves unknown (`${AWS::AccountId}`, `<Policy>`) may be anything; with no own ARN known (a
/// bare file), any IAM policy ARN may be it.
fn may_name(pattern: &str, target: &ArnTarget, own: Option<&str>) -> bool {
    let target = match (target, own) {
        (ArnTarget::Glob(glob), _) => glob.as_str(),
        (ArnTarget::Own, Some(own)) => own,
        (ArnTarget::Own, None) => "arn:*:iam::*:policy/*",
    };
    glob::covers(pattern, target, Case::Sensitive)
        || glob::intersects(&without_placeholders(pattern, "*"), &without_placeholders(target, "*"), Case::Sensitive)
}

/// Could `value` (a condition value) name the target, and nothing much else? A pattern that
/// also matches an unrelated policy (`*`, `arn:aws:iam::*:policy/*`) accepts any boundary.
fn names_only(value: &str, target: &ArnTarget, own: Option<&str>) -> bool {
    const UNRELATED: &str = "arn:aws:iam::123456789012:policy/an-unrelated-policy";
    may_name(value, target, own) && !glob::covers(&without_placeholders(value, "*"), UNRELATED, Case::Sensitive)
}

impl Validator<'_> {
    /// Validates a `[rule.document]` matcher.
    pub(super) fn document_matcher(&mut self, raw: Spanned<RawDocumentMatcher>) -> Option<DocumentMatcher> {
        let before = self.errors.len();
        let raw = raw.into_inner().requires_statement.into_inner();
        let effect = Effect::from_name(raw.effect.get_ref()).unwrap_or_else(|| {
            self.error(raw.effect.span(), "effect must be `Allow` or `Deny`");
            Effect::Deny
        });
        let actions_span = raw.actions.covers_all.span();
        let actions: Vec<String> = raw.actions.covers_all.into_inner().into_iter().map(|a| self.action(a)).collect();
        if actions.is_empty() {
            self.error(actions_span, "`covers-all` needs at least one action");
        }
        let resource = raw.resources.map(|r| self.arn_target(r.includes));
        let condition = raw.condition.map(|c| {
            let operators_span = c.operators.span();
            let operators: Vec<String> = c.operators.into_inner().into_iter().map(Spanned::into_inner).collect();
            if operators.is_empty() || operators.iter().any(|o| o.contains(':') || o.ends_with("IfExists")) {
                self.error(
                    operators_span,
                    "operators are names such as `StringNotEquals`, without `IfExists` or a `ForAllValues:` prefix",
                );
            }
            RequiredCondition { key: c.key, operators, value: c.value.map(|v| self.arn_target(v)) }
        });
        (self.errors.len() == before).then_some(DocumentMatcher { effect, actions, resource, condition })
    }

    fn action(&mut self, action: Spanned<String>) -> String {
        if !is_action_glob(action.get_ref()) {
            self.error(action.span(), "an action must be `*` or `service:action`, with `*` and `?` wildcards");
        }
        action.into_inner()
    }

    fn arn_target(&mut self, raw: Spanned<String>) -> ArnTarget {
        let span: Range<usize> = raw.span();
        match raw.into_inner() {
            own if own == OWN_ARN => ArnTarget::Own,
            glob if glob.starts_with("arn:") => ArnTarget::Glob(glob),
            _ => {
                self.error(span, format!("an ARN glob, or `{OWN_ARN}` for the policy's own ARN"));
                ArnTarget::Own
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::pack::tests::rule_errors;
    use super::*;

    fn messages(body: &str) -> Vec<String> {
        rule_errors("boundary", body)
    }

    #[test]
    fn document_matchers_are_validated() {
        let good = "message = \"{problem}: {missing}\"\n[rule.document.requires-statement]\neffect = \"Deny\"\nactions.covers-all = [\"iam:CreateRole\"]\nresources.includes = \"{self.arn}\"\ncondition = { key = \"iam:PermissionsBoundary\", operators = [\"StringNotEquals\"], value = \"{self.arn}\" }\n";
        assert_eq!(messages(good), Vec::<String>::new());
        let bad = "message = \"{action}\"\n[rule.document.requires-statement]\neffect = \"Denied\"\nactions.covers-all = [\"CreateRole\"]\nresources.includes = \"self\"\ncondition = { key = \"k\", operators = [\"StringNotEqualsIfExists\"] }\n";
        let found = messages(bad);
        assert_eq!(found.len(), 5, "{found:?}");
        assert!(found[0].contains("effect must be"));
        assert!(found[1].contains("an action must be"));
        assert!(found[2].contains("an ARN glob, or `{self.arn}`"));
        assert!(found[3].contains("without `IfExists`"));
        assert!(found[4].contains("`{action}`, which a document matcher does not provide"));
    }

    #[test]
    fn unknown_parts_of_an_arn_may_be_anything() {
        let own = "arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/cdk-boundary";
        let names = |pattern: &str| may_name(pattern, &ArnTarget::Own, Some(own));
        assert!(names(own));
        assert!(names("*"));
        assert!(names("arn:aws:iam::111122223333:policy/cdk-*"));
        assert!(!names("arn:aws:iam::111122223333:policy/other"));
        assert!(may_name("arn:aws:iam::*:policy/anything", &ArnTarget::Own, None));
        assert!(!may_name("arn:aws:s3:::bucket", &ArnTarget::Own, None));
    }
}
