//! The typed policy model rules see. Every element keeps its location (a JSON pointer and the
//! byte span it names), so findings can point at the narrowest offending element.

mod sets;
mod template;

pub(crate) use sets::{ActionSet, ResourceSet};
pub(crate) use template::{AppFacts, Bootstrap, BoundaryRequirement, Notice, PrincipalResource, TemplateFacts};

use crate::source::Span;

/// Where an element is: a JSON pointer into its source and the span that pointer names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Loc {
    pub pointer: String,
    pub span: Span,
}

/// A string element as written, with its location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Text {
    pub text: String,
    pub loc: Loc,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Kind {
    Identity,
    Resource,
    Trust,
    Boundary,
}

impl Kind {
    pub(crate) const ALL: [Kind; 4] = [Kind::Identity, Kind::Resource, Kind::Trust, Kind::Boundary];

    pub(crate) fn name(self) -> &'static str {
        match self {
            Kind::Identity => "identity",
            Kind::Resource => "resource",
            Kind::Trust => "trust",
            Kind::Boundary => "boundary",
        }
    }

    /// "an identity", "a trust": for messages.
    pub(crate) fn with_article(self) -> String {
        match self {
            Kind::Identity => "an identity".into(),
            kind => format!("a {}", kind.name()),
        }
    }

    pub(crate) fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == name)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Effect {
    Allow,
    Deny,
}

impl Effect {
    /// Each effect with its name, spelled exactly: IAM rejects any other spelling.
    pub(crate) const NAMED: [(Effect, &'static str); 2] = [(Effect::Allow, "Allow"), (Effect::Deny, "Deny")];

    pub(crate) fn from_name(name: &str) -> Option<Effect> {
        Self::NAMED.into_iter().find(|(_, n)| *n == name).map(|(effect, _)| effect)
    }
}

/// A policy document as found in a source.
#[derive(Debug, Clone)]
pub(crate) struct PolicyDoc {
    pub kind: Kind,
    /// Where a finding about the whole document points: its first key (a label on the whole
    /// document would mark every line).
    pub head: Loc,
    pub version: Option<Text>,
    pub statements: Vec<Statement>,
    /// Keys repeated within one JSON object of this document (the later occurrence).
    pub duplicate_keys: Vec<Text>,
    /// Elements of the wrong type or unknown to IAM, with what is wrong.
    pub malformed: Vec<Malformed>,
    /// The policy belongs to one resource, which its statements may leave out (an ECR
    /// repository policy has no `Resource`).
    pub resource_implicit: bool,
    /// The document's size as IAM counts it.
    pub size: Size,
    /// The size quotas the document (alone, or with the other inline policies of its
    /// principal) exceeds.
    pub quotas: Vec<SizeQuota>,
    /// The policy's own ARN, when a template says it (a managed policy used as a boundary):
    /// what a boundary's self-protecting Deny must name.
    pub own_arn: Option<String>,
}

/// A policy's size in characters without white space; estimated when the template leaves
/// parts unknown (placeholders count at a typical length).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Size {
    pub chars: usize,
    pub estimated: bool,
}

impl Size {
    pub(crate) fn add(&mut self, other: Size) {
        self.chars += other.chars;
        self.estimated |= other.estimated;
    }
}

/// An IAM size quota a policy exceeds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SizeQuota {
    pub size: usize,
    pub limit: usize,
    pub estimated: bool,
    /// What is counted: "a managed policy", "the inline policies of role `App` together".
    pub what: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Malformed {
    pub loc: Loc,
    pub problem: String,
}

/// `Action`/`NotAction` or `Resource`/`NotResource`: a string or an array of strings.
#[derive(Debug, Clone)]
pub(crate) struct Clause {
    /// The member's key (`"Action"`), where a finding about the whole clause points.
    pub key: Loc,
    pub items: Vec<Text>,
}

#[derive(Debug, Clone)]
pub(crate) struct Principal {
    pub key: Loc,
    /// `"*"` written as the whole principal.
    pub everyone: bool,
    /// `AWS`, `Service`, `Federated`, `CanonicalUser` to their values.
    pub entries: Vec<(Text, Vec<Text>)>,
}

#[derive(Debug, Clone)]
pub(crate) struct Condition {
    pub key: Loc,
    /// Every key tested, with its operator, in source order.
    pub entries: Vec<ConditionEntry>,
}

#[derive(Debug, Clone)]
pub(crate) struct ConditionEntry {
    /// As written, with any `ForAllValues:`/`ForAnyValue:` prefix and `IfExists` suffix.
    pub operator: Text,
    pub key: Text,
    pub values: Vec<String>,
}

impl ConditionEntry {
    /// Does this entry limit the key to named values? `Null` only tests whether the key is
    /// present, a negated operator (`StringNotEquals`) allows every value but the named ones,
    /// and a `*Like` match of `"*"` accepts any value: none of them narrows the key.
    pub(crate) fn constrains_value(&self) -> bool {
        let operator = self.operator.text.rsplit(':').next().unwrap_or_default();
        let operator = operator.strip_suffix("IfExists").unwrap_or(operator);
        let negated = operator.contains("Not");
        let matches_anything = operator.ends_with("Like") && self.values.iter().any(|v| v.chars().all(|c| c == '*'));
        operator != "Null" && !negated && !matches_anything
    }
}

/// An identity provider a `Federated` principal names.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FederatedProvider<'a> {
    pub element: &'a Text,
    /// As its condition keys start: `token.actions.githubusercontent.com` (from an
    /// `oidc-provider/` or `saml-provider/` ARN), or as written (`cognito-identity.amazonaws.com`).
    pub name: &'a str,
    pub saml: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct Statement {
    pub loc: Loc,
    pub index: usize,
    pub sid: Option<Text>,
    /// As written; [`Statement::effect`] gives the valid values.
    pub effect: Option<Text>,
    pub action: Option<Clause>,
    pub not_action: Option<Clause>,
    pub resource: Option<Clause>,
    pub not_resource: Option<Clause>,
    pub principal: Option<Principal>,
    pub not_principal: Option<Principal>,
    pub condition: Option<Condition>,
}

impl Statement {
    /// `Allow` or `Deny`, spelled exactly.
    pub(crate) fn effect(&self) -> Option<Effect> {
        Effect::from_name(&self.effect.as_ref()?.text)
    }

    /// The actions the statement applies to, from `Action` or else `NotAction`.
    pub(crate) fn actions(&self) -> Option<ActionSet<'_>> {
        match (&self.action, &self.not_action) {
            (Some(clause), _) => Some(ActionSet::new(clause, false)),
            (None, Some(clause)) => Some(ActionSet::new(clause, true)),
            (None, None) => None,
        }
    }

    /// The resources the statement applies to, from `Resource` or else `NotResource`.
    pub(crate) fn resources(&self) -> Option<ResourceSet<'_>> {
        match (&self.resource, &self.not_resource) {
            (Some(clause), _) => Some(ResourceSet::new(clause, false)),
            (None, Some(clause)) => Some(ResourceSet::new(clause, true)),
            (None, None) => None,
        }
    }

    /// Whether a condition limits this key's value (IAM compares key names case-insensitively).
    pub(crate) fn constrains_condition_key(&self, key: &str) -> bool {
        self.condition.as_ref().is_some_and(|condition| {
            condition.entries.iter().any(|entry| entry.key.text.eq_ignore_ascii_case(key) && entry.constrains_value())
        })
    }

    /// The identity providers of a `Federated` principal, each with its element.
    pub(crate) fn federated_providers(&self) -> impl Iterator<Item = FederatedProvider<'_>> {
        let entries = self.principal.iter().flat_map(|p| &p.entries);
        entries.filter(|(kind, _)| kind.text == "Federated").flat_map(|(_, values)| values).map(|element| {
            let text = element.text.as_str();
            match (text.split_once(":oidc-provider/"), text.split_once(":saml-provider/")) {
                (Some((_, name)), _) => FederatedProvider { element, name, saml: false },
                (None, Some((_, name))) => FederatedProvider { element, name, saml: true },
                (None, None) => FederatedProvider { element, name: text, saml: false },
            }
        })
    }

    /// `Sid`, or the statement's position when it has none, for messages.
    pub(crate) fn label(&self) -> String {
        match &self.sid {
            Some(sid) if !sid.text.is_empty() => sid.text.clone(),
            _ => format!("#{}", self.index),
        }
    }
}
