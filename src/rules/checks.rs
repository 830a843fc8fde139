//! Named built-in checks for what the matcher vocabulary does not express: the grammar of a
//! policy document (DESIGN §6, G rules). A TOML rule names its check with `check = "..."`.

use std::collections::HashMap;

use crate::iam::model::{Kind, PolicyDoc, Statement};

use super::hit::Hit;
use super::validator::Params;
use super::validator::is_action_glob;
use super::{catalog_checks, resource_checks, trust_checks};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Check {
    MissingVersion,
    InvalidVersion,
    InvalidEffect,
    ActionNotActionConflict,
    ResourceNotResourceConflict,
    InvalidActionFormat,
    DuplicateSid,
    MisplacedPrincipal,
    DuplicateKey,
    InvalidElement,
    UnknownService,
    UnknownAction,
    UnknownConditionKey,
    InvalidConditionOperator,
    InvalidArn,
    WildcardResource,
    ResourceTypeMismatch,
    PolicyTooLarge,
    OidcTrustWithoutSubject,
    SuppressionWithoutReason,
    UnusedSuppression,
}

impl Check {
    pub(crate) const ALL: [Check; 21] = [
        Check::MissingVersion,
        Check::InvalidVersion,
        Check::InvalidEffect,
        Check::ActionNotActionConflict,
        Check::ResourceNotResourceConflict,
        Check::InvalidActionFormat,
        Check::DuplicateSid,
        Check::MisplacedPrincipal,
        Check::DuplicateKey,
        Check::InvalidElement,
        Check::UnknownService,
        Check::UnknownAction,
        Check::UnknownConditionKey,
        Check::InvalidConditionOperator,
        Check::InvalidArn,
        Check::WildcardResource,
        Check::ResourceTypeMismatch,
        Check::PolicyTooLarge,
        Check::OidcTrustWithoutSubject,
        Check::SuppressionWithoutReason,
        Check::UnusedSuppression,
    ];

    pub(crate) fn name(self) -> &'static str {
        match self {
            Check::MissingVersion => "missing-version",
            Check::InvalidVersion => "invalid-version",
            Check::InvalidEffect => "invalid-effect",
            Check::ActionNotActionConflict => "action-notaction-conflict",
            Check::ResourceNotResourceConflict => "resource-notresource-conflict",
            Check::InvalidActionFormat => "invalid-action-format",
            Check::DuplicateSid => "duplicate-sid",
            Check::MisplacedPrincipal => "misplaced-principal",
            Check::DuplicateKey => "duplicate-key",
            Check::InvalidElement => "invalid-element",
            Check::UnknownService => "unknown-service",
            Check::UnknownAction => "unknown-action",
            Check::UnknownConditionKey => "unknown-condition-key",
            Check::InvalidConditionOperator => "invalid-condition-operator",
            Check::InvalidArn => "invalid-arn",
            Check::WildcardResource => "wildcard-resource",
            Check::ResourceTypeMismatch => "resource-type-mismatch",
            Check::PolicyTooLarge => "policy-too-large",
            Check::OidcTrustWithoutSubject => "oidc-trust-without-subject",
            Check::SuppressionWithoutReason => "suppression-without-reason",
            Check::UnusedSuppression => "unused-suppression",
        }
    }

    pub(crate) fn from_name(name: &str) -> Option<Check> {
        Check::ALL.into_iter().find(|c| c.name() == name)
    }

    /// The variables this check's hits carry, for validating a rule's message.
    pub(crate) fn variables(self) -> &'static [&'static str] {
        match self {
            Check::MissingVersion | Check::InvalidVersion => &["problem", "version"],
            Check::InvalidActionFormat => &["sid", "action"],
            Check::DuplicateSid => &["sid", "first"],
            Check::DuplicateKey => &["key"],
            Check::InvalidElement | Check::PolicyTooLarge => &["problem"],
            Check::UnknownService | Check::UnknownAction => &["sid", "action", "problem"],
            Check::UnknownConditionKey => &["sid", "key", "problem"],
            Check::InvalidConditionOperator => &["sid", "operator", "problem"],
            Check::InvalidArn => &["sid", "resource"],
            Check::WildcardResource => &["sid", "action", "resource", "detail"],
            Check::ResourceTypeMismatch => &["sid", "resource", "problem"],
            Check::OidcTrustWithoutSubject => &["sid", "provider", "problem"],
            Check::SuppressionWithoutReason | Check::UnusedSuppression => &["id"],
            Check::InvalidEffect
            | Check::ActionNotActionConflict
            | Check::ResourceNotResourceConflict
            | Check::MisplacedPrincipal => &["sid", "problem"],
        }
    }

    /// The parameters a rule using this check may set.
    pub(crate) fn params(self) -> &'static [&'static str] {
        match self {
            Check::WildcardResource => &["allow-actions", "always-scoped", "scoping-keys"],
            _ => &[],
        }
    }

    pub(crate) fn run(self, doc: &PolicyDoc, params: &Params) -> Vec<Hit> {
        match self {
            Check::MissingVersion => missing_version(doc),
            Check::InvalidVersion => invalid_version(doc),
            Check::InvalidEffect => doc.statements.iter().filter_map(invalid_effect).collect(),
            Check::ActionNotActionConflict => doc.statements.iter().filter_map(action_conflict).collect(),
            Check::ResourceNotResourceConflict => {
                doc.statements.iter().filter_map(|s| resource_conflict(doc, s)).collect()
            }
            Check::InvalidActionFormat => doc.statements.iter().flat_map(invalid_actions).collect(),
            Check::DuplicateSid => duplicate_sids(doc),
            Check::MisplacedPrincipal => {
                doc.statements.iter().filter_map(|s| misplaced_principal(doc.kind, s)).collect()
            }
            Check::DuplicateKey => {
                doc.duplicate_keys.iter().map(|key| Hit::at(key, vec![("key", key.text.clone())])).collect()
            }
            Check::InvalidElement => doc
                .malformed
                .iter()
                .map(|m| Hit::new(m.loc.clone(), "", vec![("problem", m.problem.clone())]))
                .collect(),
            Check::UnknownService => doc.statements.iter().flat_map(catalog_checks::unknown_services).collect(),
            Check::UnknownAction => doc.statements.iter().flat_map(catalog_checks::unknown_actions).collect(),
            Check::UnknownConditionKey => {
                doc.statements.iter().flat_map(catalog_checks::unknown_condition_keys).collect()
            }
            Check::InvalidConditionOperator => {
                doc.statements.iter().flat_map(catalog_checks::invalid_operators).collect()
            }
            Check::InvalidArn => doc.statements.iter().flat_map(catalog_checks::invalid_arns).collect(),
            Check::WildcardResource => resource_checks::wildcard_resources(doc, params),
            Check::ResourceTypeMismatch => resource_checks::type_mismatches(doc),
            Check::PolicyTooLarge => too_large(doc),
            Check::OidcTrustWithoutSubject => {
                doc.statements.iter().filter_map(trust_checks::oidc_without_subject).collect()
            }
            // Reported by the suppression engine (`crate::suppress`), not from a document.
            Check::SuppressionWithoutReason | Check::UnusedSuppression => Vec::new(),
        }
    }
}

const CURRENT_VERSION: &str = "2012-10-17";
const OLD_VERSION: &str = "2008-10-17";

/// The size quotas the extraction found exceeded, reported at the document.
fn too_large(doc: &PolicyDoc) -> Vec<Hit> {
    doc.quotas
        .iter()
        .map(|quota| {
            let estimated = if quota.estimated { " (estimated: the template leaves parts unknown)" } else { "" };
            let problem = format!(
                "{}: {} characters without white space{estimated}, over IAM's quota of {}",
                quota.what, quota.size, quota.limit
            );
            Hit::new(doc.head.clone(), "", vec![("problem", problem)])
        })
        .collect()
}

fn missing_version(doc: &PolicyDoc) -> Vec<Hit> {
    match &doc.version {
        None => {
            let loc = doc.head.clone();
            let problem = format!("the policy has no `Version`, so IAM reads it as `{OLD_VERSION}`");
            vec![Hit::new(loc, "", vec![("problem", problem), ("version", String::new())])]
        }
        Some(version) if version.text == OLD_VERSION => {
            let problem = format!("`Version` is `{OLD_VERSION}`");
            vec![Hit::at(version, vec![("problem", problem), ("version", version.text.clone())])]
        }
        Some(_) => Vec::new(),
    }
}

fn invalid_version(doc: &PolicyDoc) -> Vec<Hit> {
    match &doc.version {
        Some(version) if version.text != CURRENT_VERSION && version.text != OLD_VERSION => {
            let problem = match version.text.as_str() {
                "" => "an empty `Version` is not a policy language version".to_owned(),
                text => format!("`{text}` is not a policy language version"),
            };
            vec![Hit::at(version, vec![("problem", problem), ("version", version.text.clone())])]
        }
        _ => Vec::new(),
    }
}

fn invalid_effect(statement: &Statement) -> Option<Hit> {
    match &statement.effect {
        None => Some(Hit::statement(statement, "has no `Effect`")),
        Some(effect) if statement.effect().is_none() => {
            let hint = match effect.text.to_ascii_lowercase().as_str() {
                "allow" => " (write `Allow`: case matters)",
                "deny" => " (write `Deny`: case matters)",
                _ => "",
            };
            let problem = format!("has `Effect` `{}`, which is neither `Allow` nor `Deny`{hint}", effect.text);
            Some(Hit::at(effect, vec![("sid", statement.label()), ("problem", problem)]))
        }
        Some(_) => None,
    }
}

fn action_conflict(statement: &Statement) -> Option<Hit> {
    match (&statement.action, &statement.not_action) {
        (Some(_), Some(not_action)) => {
            Some(Hit::key(&not_action.key, "NotAction", statement, "has both `Action` and `NotAction`"))
        }
        (None, None) => Some(Hit::statement(statement, "has neither `Action` nor `NotAction`")),
        _ => None,
    }
}

fn resource_conflict(doc: &PolicyDoc, statement: &Statement) -> Option<Hit> {
    let kind = doc.kind;
    match (&statement.resource, &statement.not_resource) {
        (Some(_), Some(not_resource)) => {
            Some(Hit::key(&not_resource.key, "NotResource", statement, "has both `Resource` and `NotResource`"))
        }
        // A role's trust policy applies to the role itself: IAM rejects a resource there.
        (Some(clause), None) | (None, Some(clause)) if kind == Kind::Trust => {
            let named = if statement.resource.is_some() { "Resource" } else { "NotResource" };
            let problem = format!("has `{named}`, which a trust policy must not have");
            Some(Hit::key(&clause.key, named, statement, &problem))
        }
        (None, None) if kind != Kind::Trust && !doc.resource_implicit => {
            Some(Hit::statement(statement, "has neither `Resource` nor `NotResource`"))
        }
        _ => None,
    }
}

fn invalid_actions(statement: &Statement) -> Vec<Hit> {
    let clauses = statement.action.iter().chain(&statement.not_action);
    clauses
        .flat_map(|clause| &clause.items)
        .filter(|item| !is_action_glob(&item.text))
        .map(|item| Hit::at(item, vec![("sid", statement.label()), ("action", format!("`{}`", item.text))]))
        .collect()
}

fn duplicate_sids(doc: &PolicyDoc) -> Vec<Hit> {
    let mut first: HashMap<&str, usize> = HashMap::new();
    let mut hits = Vec::new();
    for statement in &doc.statements {
        let Some(sid) = statement.sid.as_ref().filter(|sid| !sid.text.is_empty()) else { continue };
        match first.get(sid.text.as_str()) {
            Some(index) => hits.push(Hit::at(sid, vec![("sid", sid.text.clone()), ("first", format!("#{index}"))])),
            None => {
                first.insert(&sid.text, statement.index);
            }
        }
    }
    hits
}

fn misplaced_principal(kind: Kind, statement: &Statement) -> Option<Hit> {
    let principal = statement.principal.as_ref().or(statement.not_principal.as_ref());
    let named = if statement.principal.is_some() { "Principal" } else { "NotPrincipal" };
    match (kind, principal) {
        (Kind::Identity | Kind::Boundary, Some(principal)) => {
            let problem =
                format!("has `{named}`, but {} policy applies to the principal it is attached to", kind.with_article());
            Some(Hit::key(&principal.key, named, statement, &problem))
        }
        (Kind::Resource | Kind::Trust, None) => {
            let problem = format!("has no `Principal`, which {} policy needs", kind.with_article());
            Some(Hit::statement(statement, &problem))
        }
        _ => None,
    }
}
