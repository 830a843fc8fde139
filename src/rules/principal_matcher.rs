//! Template-level matchers (DESIGN §5, "template-level facts"): `[[rule.principal]]` tests a
//! role, user, group or SAM function of a template for the managed policies it attaches and
//! for a permissions boundary.

use serde::Deserialize;
use toml::Spanned;

use super::hit::{Hit, code};
use super::validator::Validator;
use crate::iam::glob::{self, Case};
use crate::iam::model::{PrincipalResource, TemplateFacts};

/// A test of a template's roles, users, groups and SAM functions
#[derive(Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[cfg_attr(test, schemars(rename = "template-principal"))]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct RawPrincipalMatcher {
    /// Which principals (default `any`)
    #[cfg_attr(test, schemars(with = "Option<crate::test_support::schema::ScopeName>"))]
    pub role: Option<Spanned<String>>,
    /// Managed policy ARN globs, any of which attached is reported
    #[cfg_attr(test, schemars(with = "Option<Vec<String>>"))]
    pub attaches: Option<Spanned<Vec<Spanned<String>>>>,
    /// ARN globs `attaches` lets through
    #[serde(default)]
    #[cfg_attr(test, schemars(with = "Vec<String>"))]
    pub except: Vec<Spanned<String>>,
    /// No permissions boundary
    #[cfg_attr(test, schemars(with = "Option<crate::test_support::schema::Flag>"))]
    pub lacks_boundary: Option<Spanned<bool>>,
    /// Only where the project requires boundaries
    #[cfg_attr(test, schemars(with = "Option<crate::test_support::schema::Flag>"))]
    pub if_boundaries_required: Option<Spanned<bool>>,
    /// The findings' message, when it is not the rule's
    #[cfg_attr(test, schemars(with = "Option<String>"))]
    pub message: Option<Spanned<String>>,
}

/// Which principals a matcher looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PrincipalScope {
    /// Every principal of the template, except a CDK bootstrap template's execution role,
    /// whose attachments depend on the bootstrap parameters (`bootstrap-execution-role`).
    Any,
    /// The CDK bootstrap template's CloudFormation execution role, as the parameters given
    /// deploy it.
    BootstrapExecutionRole,
}

impl PrincipalScope {
    /// Each scope with its name in a pack's `role`.
    pub(crate) const NAMED: [(PrincipalScope, &'static str); 2] =
        [(PrincipalScope::Any, "any"), (PrincipalScope::BootstrapExecutionRole, "bootstrap-execution-role")];

    pub(super) fn from_name(name: &str) -> Option<PrincipalScope> {
        Self::NAMED.into_iter().find(|(_, n)| *n == name).map(|(scope, _)| scope)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PrincipalTest {
    /// A managed policy ARN matching one of `arns` and none of `except` is attached: reported
    /// at the ARN.
    Attaches { arns: Vec<String>, except: Vec<String> },
    /// No permissions boundary (groups, which cannot have one, are left out): reported at
    /// the resource. With `only_where_required`, only in a template whose principals must
    /// have one ([`crate::iam::model::BoundaryRequirement`]).
    LacksBoundary { only_where_required: bool },
}

#[derive(Debug, Clone)]
pub(crate) struct PrincipalMatcher {
    pub scope: PrincipalScope,
    pub test: PrincipalTest,
    /// The message of these hits, when it is not the rule's.
    pub message: Option<String>,
}

impl PrincipalMatcher {
    pub(crate) fn variables(&self) -> &'static [&'static str] {
        match self.test {
            PrincipalTest::Attaches { .. } => &["principal", "type", "policy"],
            PrincipalTest::LacksBoundary { only_where_required: false } => &["principal", "type"],
            PrincipalTest::LacksBoundary { only_where_required: true } => &["principal", "type", "reason"],
        }
    }

    pub(crate) fn evaluate(&self, facts: &TemplateFacts) -> Vec<Hit> {
        let principals: Vec<&PrincipalResource> = match self.scope {
            PrincipalScope::Any => {
                let skipped = facts.bootstrap.as_ref().map(|b| b.execution_role.logical_id.as_str());
                facts.principals.iter().filter(|p| Some(p.logical_id.as_str()) != skipped).collect()
            }
            PrincipalScope::BootstrapExecutionRole => facts.bootstrap.iter().map(|b| &b.execution_role).collect(),
        };
        let mut hits = Vec::new();
        for principal in principals {
            let vars = || vec![("principal", code(&principal.logical_id)), ("type", principal.resource_type.clone())];
            match &self.test {
                PrincipalTest::Attaches { arns, except } => {
                    let matches =
                        |globs: &[String], arn: &str| globs.iter().any(|g| glob::covers(g, arn, Case::Sensitive));
                    for policy in &principal.managed_policies {
                        if matches(arns, &policy.text) && !matches(except, &policy.text) {
                            let mut vars = vars();
                            vars.push(("policy", code(&policy.text)));
                            hits.push(Hit::at(policy, vars));
                        }
                    }
                }
                PrincipalTest::LacksBoundary { only_where_required } => {
                    let requirement = facts.boundaries_required.as_ref();
                    if principal.has_boundary() || !principal.takes_boundary() {
                        continue;
                    }
                    let mut vars = vars();
                    match requirement {
                        Some(requirement) if *only_where_required => vars.push(("reason", requirement.reason())),
                        None if *only_where_required => continue,
                        _ => {}
                    }
                    hits.push(Hit::new(principal.head.clone(), "", vars));
                }
            }
        }
        hits
    }
}

impl Validator<'_> {
    /// Validates a `[[rule.principal]]` matcher; its message, or else the rule's, may only use
    /// the variables its hits carry.
    pub(super) fn principal_matcher(
        &mut self,
        raw: Spanned<RawPrincipalMatcher>,
        rule_message: &str,
    ) -> Option<PrincipalMatcher> {
        let span = raw.span();
        let raw = raw.into_inner();
        let before = self.errors.len();
        let scope = match &raw.role {
            None => PrincipalScope::Any,
            Some(role) => PrincipalScope::from_name(role.get_ref()).unwrap_or_else(|| {
                self.error(role.span(), "role must be `any` or `bootstrap-execution-role`");
                PrincipalScope::Any
            }),
        };
        let arn_globs = |globs: Vec<Spanned<String>>, this: &mut Self| -> Vec<String> {
            for glob in &globs {
                if !(glob.get_ref().starts_with("arn:") || glob.get_ref() == "*") {
                    this.error(
                        glob.span(),
                        "a managed policy must be given as an ARN glob, such as `arn:*:iam::aws:policy/*`",
                    );
                }
            }
            globs.into_iter().map(Spanned::into_inner).collect()
        };
        let lacks_boundary =
            raw.lacks_boundary.map(|flag| self.flag(Some(*flag.get_ref()), &flag.span(), "lacks-boundary"));
        let only_where_required = match &raw.if_boundaries_required {
            Some(flag) if lacks_boundary.is_none() => {
                self.error(flag.span(), "`if-boundaries-required` goes with `lacks-boundary`");
                false
            }
            Some(flag) => self.flag(Some(*flag.get_ref()), &flag.span(), "if-boundaries-required"),
            None => false,
        };
        let except_span = raw.except.first().map(toml::Spanned::span);
        let except = arn_globs(raw.except, self);
        let test = match (raw.attaches, lacks_boundary) {
            (Some(arns), None) => Some(PrincipalTest::Attaches { arns: arn_globs(arns.into_inner(), self), except }),
            (None, Some(true)) if except_span.is_none() => Some(PrincipalTest::LacksBoundary { only_where_required }),
            (None, Some(true)) => {
                self.error(except_span.unwrap_or(span.clone()), "`except` goes with `attaches`");
                None
            }
            _ => {
                self.error(span.clone(), "`[[rule.principal]]` takes exactly one of `attaches` or `lacks-boundary`");
                None
            }
        };
        let matcher =
            PrincipalMatcher { scope, test: test?, message: raw.message.as_ref().map(|m| m.get_ref().clone()) };
        let (message, message_span) = match &raw.message {
            Some(message) => (message.get_ref().as_str(), message.span()),
            None => (rule_message, span),
        };
        self.message_variables(message, message_span, matcher.variables(), "a principal matcher");
        (self.errors.len() == before).then_some(matcher)
    }
}

#[cfg(test)]
mod tests {
    use super::super::pack::tests::rule_errors;

    fn messages(body: &str) -> Vec<String> {
        rule_errors("identity", body)
    }

    #[test]
    fn a_principal_matcher_alone_makes_a_rule() {
        let body = "message = \"{principal} attaches {policy}\"\n[[rule.principal]]\nattaches = [\"arn:*:iam::aws:policy/*\"]\nexcept = [\"arn:*:iam::aws:policy/ReadOnlyAccess\"]\n";
        assert_eq!(messages(body), Vec::<String>::new());
        let boundary = "message = \"{principal}\"\n[[rule.principal]]\nrole = \"bootstrap-execution-role\"\nlacks-boundary = true\n";
        assert_eq!(messages(boundary), Vec::<String>::new());
    }

    #[test]
    fn principal_matchers_are_validated() {
        let both = "message = \"m\"\n[[rule.principal]]\nattaches = [\"arn:*\"]\nlacks-boundary = true\n";
        assert_eq!(messages(both), ["`[[rule.principal]]` takes exactly one of `attaches` or `lacks-boundary`"]);
        let not_arn = "message = \"m\"\n[[rule.principal]]\nattaches = [\"AdministratorAccess\"]\n";
        assert!(messages(not_arn)[0].contains("as an ARN glob"), "{:?}", messages(not_arn));
        let role = "message = \"m\"\n[[rule.principal]]\nrole = \"admin\"\nlacks-boundary = true\n";
        assert_eq!(messages(role), ["role must be `any` or `bootstrap-execution-role`"]);
        let variable = "message = \"{policy}\"\n[[rule.principal]]\nlacks-boundary = true\n";
        assert!(messages(variable)[0].contains("`{policy}`, which a principal matcher does not provide"));
        let except = "message = \"m\"\n[[rule.principal]]\nlacks-boundary = true\nexcept = [\"arn:*\"]\n";
        assert_eq!(messages(except), ["`except` goes with `attaches`"]);
        let required = "message = \"m\"\n[[rule.principal]]\nattaches = [\"arn:*\"]\nif-boundaries-required = true\n";
        assert_eq!(messages(required), ["`if-boundaries-required` goes with `lacks-boundary`"]);
        let reason = "message = \"{reason}\"\n[[rule.principal]]\nlacks-boundary = true\n";
        assert!(messages(reason)[0].contains("`{reason}`, which a principal matcher does not provide"));
    }
}
