//! The statement matcher vocabulary (DESIGN §5): a few tests over one statement, evaluated with
//! IAM semantics through the model's action and resource sets.

use crate::iam::catalog::without_placeholders;
use crate::iam::model::{Effect, Loc, PolicyDoc, Statement, Text};

use super::hit::Hit;

#[derive(Debug, Clone)]
pub(crate) enum ActionTest {
    /// The statement applies to at least one action matching one of these globs.
    GrantsAny(Vec<String>),
    /// `*` or `*:*`.
    GrantsEverything,
    /// An `Action` element with `*` or `?`.
    HasWildcard,
    /// The statement uses `NotAction`.
    NotAction,
}

#[derive(Debug, Clone)]
pub(crate) enum ResourceTest {
    /// `Resource` contains `"*"` or a glob matching every ARN.
    Star,
    /// `Resource` contains a glob matching every resource this glob matches.
    Covers(String),
    /// Every element of `Resource` lies within this glob.
    Within(String),
    /// The statement uses `NotResource`.
    NotResource,
}

#[derive(Debug, Clone)]
pub(crate) enum ConditionTest {
    /// No condition limits this key's value.
    LacksKey(String),
    /// A condition limits this key's value.
    HasKey(String),
    /// No condition limits the value of any of these keys (globs, any case).
    LacksKeys(Vec<String>),
}

#[derive(Debug, Clone)]
pub(crate) enum PrincipalTest {
    /// `Principal: "*"`, an `AWS` principal `"*"`, or `NotPrincipal` (everyone but a few).
    Anyone,
    /// An `AWS` principal in an account given as a literal id: another account than the
    /// template's own (`${AWS::AccountId}`) and than `own` (a config's `own-accounts`).
    OtherAccount { own: Vec<String> },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ReportAt {
    Statement,
    Effect,
    Action,
    Resource,
    Condition,
    Principal,
}

impl ReportAt {
    /// Each place with its name in a pack's `report-at`.
    pub(crate) const NAMED: [(ReportAt, &'static str); 6] = [
        (ReportAt::Statement, "statement"),
        (ReportAt::Effect, "effect"),
        (ReportAt::Action, "action"),
        (ReportAt::Resource, "resource"),
        (ReportAt::Condition, "condition"),
        (ReportAt::Principal, "principal"),
    ];

    pub(crate) fn from_name(name: &str) -> Option<ReportAt> {
        Self::NAMED.into_iter().find(|(_, n)| *n == name).map(|(place, _)| place)
    }
}

/// Every test present must hold for a statement to be reported.
#[derive(Debug, Clone)]
pub(crate) struct StatementMatcher {
    pub effect: Option<Effect>,
    pub actions: Option<ActionTest>,
    pub resources: Option<ResourceTest>,
    pub condition: Option<ConditionTest>,
    pub principal: Option<PrincipalTest>,
    /// An unconditional Deny in the same document that covers the granted actions on the
    /// statement's resources cancels the match.
    pub unless_denied: bool,
    /// A statement that also matches this is not reported.
    pub unless: Option<Box<StatementMatcher>>,
    pub report_at: ReportAt,
}

/// An element of the statement that a test singled out: a listed item, or a whole clause.
fn element(loc: &Loc, text: &str) -> Text {
    Text { text: text.to_owned(), loc: loc.clone() }
}

/// How an `{action}`, `{resource}` or `{principal}` reads in a message: code, and for a whole
/// `NotAction`, `NotResource` or `NotPrincipal` clause what it means.
fn display_element(text: &str) -> String {
    match text {
        "NotAction" | "NotResource" => format!("`{text}` (everything not listed)"),
        "NotPrincipal" => "`NotPrincipal` (everyone not listed)".to_owned(),
        _ => format!("`{text}`"),
    }
}

impl StatementMatcher {
    /// The variables this matcher's hits carry, for validating a rule's message.
    pub(crate) fn variables(&self) -> Vec<&'static str> {
        let mut vars = vec!["sid", "kind"];
        match self.report_at {
            ReportAt::Action => vars.push("action"),
            ReportAt::Resource => vars.push("resource"),
            ReportAt::Principal => vars.push("principal"),
            _ => {}
        }
        if matches!(self.condition, Some(ConditionTest::LacksKey(_) | ConditionTest::HasKey(_))) {
            vars.push("condition-key");
        }
        vars
    }

    /// The hits for this statement, or `None` when it does not match.
    pub(crate) fn evaluate(&self, scope: &Scope<'_>, statement: &Statement) -> Option<Vec<Hit>> {
        let doc = scope.doc;
        if self.effect.is_some_and(|effect| statement.effect() != Some(effect)) {
            return None;
        }
        let actions = match &self.actions {
            None => Vec::new(),
            Some(test) => action_elements(test, scope, statement, self.unless_denied)?,
        };
        let resources = match &self.resources {
            None => Vec::new(),
            Some(test) => resource_elements(test, statement)?,
        };
        let principals = match &self.principal {
            None => Vec::new(),
            Some(test) => principal_elements(test, statement)?,
        };
        let condition_holds = match &self.condition {
            None => true,
            Some(ConditionTest::LacksKey(key)) => !statement.constrains_condition_key(key),
            Some(ConditionTest::HasKey(key)) => statement.constrains_condition_key(key),
            Some(ConditionTest::LacksKeys(keys)) => !constrains_any(statement, keys),
        };
        if !condition_holds || self.unless.as_ref().is_some_and(|u| u.evaluate(scope, statement).is_some()) {
            return None;
        }
        let targets = match self.report_at {
            ReportAt::Action => actions,
            ReportAt::Resource => resources,
            ReportAt::Principal => principals,
            ReportAt::Statement => vec![element(&statement.loc, "")],
            ReportAt::Effect => match &statement.effect {
                Some(effect) => vec![effect.clone()],
                None => vec![element(&statement.loc, "")],
            },
            ReportAt::Condition => match &statement.condition {
                Some(condition) => vec![element(&condition.key, "Condition")],
                None => vec![element(&statement.loc, "")],
            },
        };
        let hits = targets
            .into_iter()
            .map(|target| {
                let mut vars = vec![("sid", statement.label()), ("kind", doc.kind.name().to_owned())];
                match self.report_at {
                    ReportAt::Action => vars.push(("action", display_element(&target.text))),
                    ReportAt::Resource => vars.push(("resource", display_element(&target.text))),
                    ReportAt::Principal => vars.push(("principal", display_element(&target.text))),
                    _ => {}
                }
                if let Some(ConditionTest::LacksKey(key) | ConditionTest::HasKey(key)) = &self.condition {
                    vars.push(("condition-key", key.clone()));
                }
                Hit::new(target.loc, &target.text, vars)
            })
            .collect();
        Some(hits)
    }
}

fn action_elements(
    test: &ActionTest,
    scope: &Scope<'_>,
    statement: &Statement,
    unless_denied: bool,
) -> Option<Vec<Text>> {
    let set = statement.actions()?;
    let whole_clause = || vec![element(&set.clause.key, if set.negated { "NotAction" } else { "Action" })];
    let found = match test {
        ActionTest::GrantsAny(globs) => {
            let reached: Vec<&String> = globs
                .iter()
                .filter(|glob| set.grants_any(glob))
                .filter(|glob| !(unless_denied && scope.denies(statement, glob)))
                .collect();
            if reached.is_empty() {
                return None;
            }
            if set.negated {
                whole_clause()
            } else {
                let mut items: Vec<Text> = Vec::new();
                for glob in reached {
                    for item in set.items_reaching(glob) {
                        if !items.contains(item) {
                            items.push(item.clone());
                        }
                    }
                }
                items
            }
        }
        ActionTest::GrantsEverything => {
            let items: Vec<Text> = if set.grants_everything() {
                set.clause.items.iter().filter(|i| matches!(i.text.as_str(), "*" | "*:*")).cloned().collect()
            } else {
                Vec::new()
            };
            items
        }
        ActionTest::HasWildcard if !set.negated => {
            set.clause.items.iter().filter(|i| crate::iam::glob::has_wildcard(&i.text)).cloned().collect()
        }
        ActionTest::HasWildcard => Vec::new(),
        ActionTest::NotAction if set.negated => whole_clause(),
        ActionTest::NotAction => Vec::new(),
    };
    (!found.is_empty()).then_some(found)
}

fn principal_elements(test: &PrincipalTest, statement: &Statement) -> Option<Vec<Text>> {
    let aws_items = || {
        let entries = statement.principal.iter().flat_map(|p| &p.entries);
        entries.filter(|(name, _)| name.text == "AWS").flat_map(|(_, items)| items)
    };
    let found: Vec<Text> = match test {
        PrincipalTest::Anyone => {
            let mut found: Vec<Text> = aws_items().filter(|item| item.text == "*").cloned().collect();
            if let Some(principal) = statement.principal.as_ref().filter(|p| p.everyone && found.is_empty()) {
                found.push(element(&principal.key, "*"));
            }
            if let Some(not_principal) = &statement.not_principal {
                found.push(element(&not_principal.key, "NotPrincipal"));
            }
            found
        }
        PrincipalTest::OtherAccount { own } => aws_items()
            .filter(|item| whole_literal_account(&item.text))
            .filter(|item| !own.iter().any(|account| item.text.contains(account.as_str())))
            .cloned()
            .collect(),
    };
    (!found.is_empty()).then_some(found)
}

/// Is an `AWS` principal a whole account given as a literal id: `111122223333`, or its root
/// (`arn:aws:iam::111122223333:root`, `arn:${AWS::Partition}:...`)? A named role or user of
/// another account is narrow already; `${AWS::AccountId}` and unresolved values are not
/// literal.
fn whole_literal_account(principal: &str) -> bool {
    let is_account = |text: &str| text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit());
    if is_account(principal) {
        return true;
    }
    // The partition may be a placeholder with colons of its own (`${AWS::Partition}`).
    let plain = without_placeholders(principal, "x");
    let fields: Vec<&str> = plain.split(':').collect();
    matches!(fields.as_slice(), ["arn", _, "iam", "", account, "root"] if is_account(account))
}

/// Does a condition narrow a key matching one of `keys` to named values, also when the
/// request lacks the key? `IfExists` and `ForAllValues:` tests hold for a request without the
/// key, and `Bool` narrows only to `true` (`aws:PrincipalIsAWSService` false is everyone else).
fn constrains_any(statement: &Statement, keys: &[String]) -> bool {
    let entries = statement.condition.iter().flat_map(|c| &c.entries);
    entries.filter(|entry| entry.constrains_value()).any(|entry| {
        let operator = &entry.operator.text;
        let holds_without_key = operator.ends_with("IfExists") || operator.starts_with("ForAllValues:");
        let boolean_false = operator.ends_with("Bool") && !entry.values.iter().all(|v| v.eq_ignore_ascii_case("true"));
        !holds_without_key
            && !boolean_false
            && keys
                .iter()
                .any(|key| crate::iam::glob::covers(key, &entry.key.text, crate::iam::glob::Case::Insensitive))
    })
}

fn resource_elements(test: &ResourceTest, statement: &Statement) -> Option<Vec<Text>> {
    let set = statement.resources()?;
    let found: Vec<Text> = match test {
        ResourceTest::Star => set.stars().cloned().collect(),
        ResourceTest::Covers(pattern) => set.items_covering(pattern).cloned().collect(),
        ResourceTest::Within(pattern) if set.within(pattern) => set.clause.items.clone(),
        ResourceTest::Within(_) => Vec::new(),
        ResourceTest::NotResource if set.negated => vec![element(&set.clause.key, "NotResource")],
        ResourceTest::NotResource => Vec::new(),
    };
    (!found.is_empty()).then_some(found)
}

/// One document as the matchers see it, with what is worth computing once per document.
pub(crate) struct Scope<'a> {
    pub doc: &'a PolicyDoc,
    /// Deny statements without a condition: they remove what they cover from every Allow.
    unconditional_denies: Vec<&'a Statement>,
}

impl<'a> Scope<'a> {
    pub(crate) fn new(doc: &'a PolicyDoc) -> Scope<'a> {
        let unconditional_denies =
            doc.statements.iter().filter(|s| s.effect() == Some(Effect::Deny) && s.condition.is_none()).collect();
        Scope { doc, unconditional_denies }
    }

    /// Is every action matching `glob` that `allow` grants denied, unconditionally, on all of
    /// `allow`'s resources by a Deny statement of the same document?
    fn denies(&self, allow: &Statement, glob: &str) -> bool {
        self.unconditional_denies.iter().any(|deny| {
            deny.actions().is_some_and(|actions| actions.grants_all(glob))
                && match (deny.resources(), allow.resources()) {
                    (Some(denied), Some(allowed)) => denied.covers_set(&allowed),
                    (Some(denied), None) => denied.stars().next().is_some(),
                    (None, _) => false,
                }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_accounts_are_twelve_digits_alone_or_as_root() {
        assert!(whole_literal_account("111122223333"));
        assert!(whole_literal_account("arn:aws:iam::111122223333:root"));
        assert!(whole_literal_account("arn:${AWS::Partition}:iam::111122223333:root"));
        assert!(!whole_literal_account("arn:aws:iam::111122223333:role/Deployer"));
        assert!(!whole_literal_account("arn:aws:iam::${AWS::AccountId}:root"));
        assert!(!whole_literal_account("<ToolingAccount>"));
        assert!(!whole_literal_account("11112222333"));
    }
}
