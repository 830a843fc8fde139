//! The CDK-app matcher (`[[rule.app]]`, DESIGN §5 "template-level facts"): tests the `cdk.json`
//! of an app whose assembly is linted against what its synthesized templates show.

use serde::Deserialize;
use toml::Spanned;

use super::hit::{Hit, code};
use super::validator::Validator;
use crate::iam::model::AppFacts;

/// A test of a CDK app's cdk.json
#[derive(Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[cfg_attr(test, schemars(rename = "app"))]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct RawAppMatcher {
    /// No boundary context
    #[cfg_attr(test, schemars(with = "crate::test_support::schema::Flag"))]
    lacks_boundary: Spanned<bool>,
    /// The findings' message, when it is not the rule's
    #[cfg_attr(test, schemars(with = "Option<String>"))]
    message: Option<Spanned<String>>,
}

/// An app that sets no `@aws-cdk/core:permissionsBoundary` context while some of its roles or
/// users have no boundary, reported at cdk.json's `context`. An app that bounds every role in
/// code (`PermissionsBoundary.of(app).apply(...)`) does not need the context.
#[derive(Debug, Clone)]
pub(crate) struct AppMatcher {
    /// The message of these hits, when it is not the rule's.
    pub message: Option<String>,
}

const VARIABLES: [&str; 2] = ["principal", "count"];

impl AppMatcher {
    pub(crate) fn evaluate(&self, facts: &AppFacts) -> Option<Hit> {
        let first = facts.unbounded.first().filter(|_| !facts.boundary_context)?;
        let count = facts.unbounded.len();
        let count = if count == 1 { "1 role or user".to_owned() } else { format!("{count} roles and users") };
        Some(Hit::new(facts.at.clone(), "", vec![("principal", code(first)), ("count", count)]))
    }
}

impl Validator<'_> {
    /// Validates an `[[rule.app]]` matcher; its message, or else the rule's, may only use the
    /// variables its hit carries.
    pub(super) fn app_matcher(&mut self, raw: Spanned<RawAppMatcher>, rule_message: &str) -> Option<AppMatcher> {
        let span = raw.span();
        let raw = raw.into_inner();
        let before = self.errors.len();
        self.flag(Some(*raw.lacks_boundary.get_ref()), &raw.lacks_boundary.span(), "lacks-boundary");
        let (message, message_span) = match &raw.message {
            Some(message) => (message.get_ref().as_str(), message.span()),
            None => (rule_message, span),
        };
        self.message_variables(message, message_span, &VARIABLES, "a CDK app matcher");
        (self.errors.len() == before).then(|| AppMatcher { message: raw.message.map(Spanned::into_inner) })
    }
}

#[cfg(test)]
mod tests {
    use super::super::pack::tests::rule_errors;
    use super::*;
    use crate::iam::model::Loc;
    use crate::source::Span;

    fn messages(body: &str) -> Vec<String> {
        rule_errors("identity", body)
    }

    #[test]
    fn app_matchers_are_validated() {
        assert_eq!(messages("message = \"{count}: {principal}\"\n[[rule.app]]\nlacks-boundary = true\n"), [""; 0]);
        let off = "message = \"m\"\n[[rule.app]]\nlacks-boundary = false\n";
        assert_eq!(messages(off), ["`lacks-boundary = false` has no meaning: remove the key instead"]);
        let variable = "message = \"m\"\n[[rule.app]]\nlacks-boundary = true\nmessage = \"{policy}\"\n";
        assert!(messages(variable)[0].contains("`{policy}`, which a CDK app matcher does not provide"));
        assert!(messages("message = \"m\"\n[[rule.app]]\n")[0].contains("missing field `lacks-boundary`"));
    }

    #[test]
    fn an_app_is_reported_when_roles_lack_a_boundary_and_the_context_sets_none() {
        let facts = |boundary_context, unbounded: &[&str]| AppFacts {
            at: Loc { pointer: "/context".into(), span: Span::new(3, 12) },
            boundary_context,
            unbounded: unbounded.iter().map(ToString::to_string).collect(),
        };
        let matcher = AppMatcher { message: None };
        let hit = matcher.evaluate(&facts(false, &["App/Role", "App/Other"])).unwrap();
        assert_eq!(hit.loc.pointer, "/context");
        assert_eq!(hit.vars, [("principal", "`App/Role`".to_owned()), ("count", "2 roles and users".to_owned())]);
        assert_eq!(matcher.evaluate(&facts(false, &["App/Role"])).unwrap().vars[1].1, "1 role or user");
        assert!(matcher.evaluate(&facts(true, &["App/Role"])).is_none());
        assert!(matcher.evaluate(&facts(false, &[])).is_none());
    }
}
