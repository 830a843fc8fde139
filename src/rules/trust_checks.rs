//! The web-identity trust check (TR003): a role that trusts an OIDC provider must say which of
//! the provider's subjects may assume it. GitHub, GitLab, Terraform Cloud, CircleCI and EKS
//! issue tokens to every repository, project or service account they host; without a `sub`
//! condition, any of them can assume the role.

use super::hit::{Hit, code};
use crate::iam::model::{ConditionEntry, FederatedProvider, Statement};

/// Providers whose subjects begin with a fixed claim name: a pattern that names nothing after
/// it (`repo:*`) matches every subject the provider issues.
const SUBJECT_SCHEMES: [(&str, &str); 5] = [
    ("token.actions.githubusercontent.com", "repo:"),
    ("gitlab.com", "project_path:"),
    ("app.terraform.io", "organization:"),
    ("oidc.circleci.com/org/", "org/"),
    ("oidc.eks.", "system:serviceaccount:"),
];

/// Web identity federation through Cognito identity pools, Google, Facebook and Login with
/// Amazon is narrowed by the audience (`aud`, `app_id`), not a subject claim; SAML has no `sub`.
const WITHOUT_SUBJECT: [&str; 4] =
    ["cognito-identity.amazonaws.com", "accounts.google.com", "graph.facebook.com", "www.amazon.com"];

/// One hit per statement that lets an OIDC provider's tokens assume the role with no subject
/// condition, or with one every subject matches.
pub(super) fn oidc_without_subject(statement: &Statement) -> Option<Hit> {
    let web_identity = statement.actions().is_some_and(|a| a.grants_any("sts:AssumeRoleWithWebIdentity"));
    if !web_identity || statement.effect() != Some(crate::iam::model::Effect::Allow) {
        return None;
    }
    let mut providers = statement.federated_providers().filter(|p| !p.saml && !WITHOUT_SUBJECT.contains(&p.name));
    let provider = providers.next()?;
    let vars =
        |problem: String| vec![("sid", statement.label()), ("provider", code(provider.name)), ("problem", problem)];
    let subject_tests: Vec<&ConditionEntry> = statement
        .condition
        .iter()
        .flat_map(|c| &c.entries)
        .filter(|entry| entry.constrains_value() && is_subject_key(&entry.key.text, provider))
        .collect();
    let Some(first) = subject_tests.first() else {
        let key = subject_key(provider);
        let problem = format!(
            "without a condition on its subject claim {key}: a token issued to any subject of the provider (any repository, project or service account it serves) can assume it"
        );
        return Some(Hit::at(provider.element, vars(problem)));
    };
    // IAM requires every condition entry to hold: one narrow subject test is enough.
    if subject_tests.iter().any(|entry| !matches_every_subject(entry, provider.name)) {
        return None;
    }
    let broad = first.values.iter().filter(|v| matches_every(v, provider.name));
    let patterns = broad.map(|v| code(v)).collect::<Vec<_>>().join(", ");
    let problem = format!(
        "with its subject claim {} matched by {patterns}, which every subject of the provider matches",
        code(&first.key.text)
    );
    Some(Hit::at(&first.key, vars(problem)))
}

/// `<provider>:sub`; for a provider given as a placeholder (`<GitHubProvider>`), any `:sub`.
fn is_subject_key(key: &str, provider: FederatedProvider<'_>) -> bool {
    let Some((prefix, claim)) = key.rsplit_once(':') else { return false };
    claim.eq_ignore_ascii_case("sub") && (prefix.eq_ignore_ascii_case(provider.name) || is_unresolved(provider.name))
}

fn subject_key(provider: FederatedProvider<'_>) -> String {
    if is_unresolved(provider.name) { "`<provider>:sub`".into() } else { code(&format!("{}:sub", provider.name)) }
}

fn is_unresolved(name: &str) -> bool {
    name.starts_with('<') || name.contains("${")
}

/// Does a `*Like` test let every subject through: a pattern that is all wildcards, or names
/// nothing after the provider's claim scheme (`repo:*`, `system:serviceaccount:*`)?
fn matches_every_subject(entry: &ConditionEntry, provider: &str) -> bool {
    let operator = entry.operator.text.rsplit(':').next().unwrap_or_default();
    if !operator.contains("Like") {
        return false;
    }
    entry.values.iter().any(|value| matches_every(value, provider))
}

/// Does a `*Like` pattern match every subject: does its text before the first wildcard name
/// no more than the start of the provider's claim scheme (`repo*`, `repo:*`)?
fn matches_every(pattern: &str, provider: &str) -> bool {
    let scheme = SUBJECT_SCHEMES.iter().find(|(host, _)| provider.starts_with(host)).map_or("", |(_, scheme)| scheme);
    match pattern.find(['*', '?']) {
        Some(wildcard) => scheme.to_ascii_lowercase().starts_with(&pattern[..wildcard].to_ascii_lowercase()),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iam::model::{Loc, Text};
    use crate::source::Span;

    fn entry(operator: &str, value: &str) -> ConditionEntry {
        let text = |t: &str| Text { text: t.to_owned(), loc: Loc { pointer: String::new(), span: Span::new(0, 0) } };
        ConditionEntry {
            operator: text(operator),
            key: text("token.actions.githubusercontent.com:sub"),
            values: vec![value.to_owned()],
        }
    }

    #[test]
    fn a_subject_pattern_matches_everyone_only_when_it_names_nothing_after_the_scheme() {
        let github = "token.actions.githubusercontent.com";
        assert!(matches_every_subject(&entry("StringLike", "repo:*"), github));
        assert!(matches_every_subject(&entry("StringLike", "*"), github));
        assert!(matches_every_subject(&entry("ForAnyValue:StringLike", "repo:?*"), github));
        assert!(!matches_every_subject(&entry("StringLike", "repo:octo-org/*"), github));
        assert!(matches_every_subject(&entry("StringLike", "repo*"), github));
        assert!(matches_every_subject(&entry("StringLike", "system:*"), "oidc.eks.eu-west-1.amazonaws.com/id/X"));
        // Without a `Like` operator, `*` is a literal character.
        assert!(!matches_every_subject(&entry("StringEquals", "repo:*"), github));
        assert!(matches_every_subject(&entry("StringLike", "organization:*"), "app.terraform.io"));
    }
}
