//! The statement matcher vocabulary (DESIGN §5): a few tests over one statement, evaluated with
//! IAM semantics through the model's action and resource sets.

use crate::model::{Effect, Loc, PolicyDoc, Statement, Text};

use super::hit::Hit;

#[derive(Debug)]
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

#[derive(Debug)]
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

#[derive(Debug)]
pub(crate) enum ConditionTest {
    /// No condition limits this key's value.
    LacksKey(String),
    /// A condition limits this key's value.
    HasKey(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ReportAt {
    Statement,
    Effect,
    Action,
    Resource,
    Condition,
}

impl ReportAt {
    pub(crate) fn from_name(name: &str) -> Option<ReportAt> {
        Some(match name {
            "statement" => ReportAt::Statement,
            "effect" => ReportAt::Effect,
            "action" => ReportAt::Action,
            "resource" => ReportAt::Resource,
            "condition" => ReportAt::Condition,
            _ => return None,
        })
    }
}

/// Every test present must hold for a statement to be reported.
#[derive(Debug)]
pub(crate) struct StatementMatcher {
    pub effect: Option<Effect>,
    pub actions: Option<ActionTest>,
    pub resources: Option<ResourceTest>,
    pub condition: Option<ConditionTest>,
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

/// How an `{action}` or `{resource}` reads in a message: code, and for a whole `NotAction` or
/// `NotResource` clause what it means.
fn display_element(text: &str) -> String {
    match text {
        "NotAction" | "NotResource" => format!("`{text}` (everything not listed)"),
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
            _ => {}
        }
        if self.condition.is_some() {
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
        let condition_holds = match &self.condition {
            None => true,
            Some(ConditionTest::LacksKey(key)) => !statement.constrains_condition_key(key),
            Some(ConditionTest::HasKey(key)) => statement.constrains_condition_key(key),
        };
        if !condition_holds || self.unless.as_ref().is_some_and(|u| u.evaluate(scope, statement).is_some()) {
            return None;
        }
        let targets = match self.report_at {
            ReportAt::Action => actions,
            ReportAt::Resource => resources,
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
            set.clause.items.iter().filter(|i| crate::glob::has_wildcard(&i.text)).cloned().collect()
        }
        ActionTest::HasWildcard => Vec::new(),
        ActionTest::NotAction if set.negated => whole_clause(),
        ActionTest::NotAction => Vec::new(),
    };
    (!found.is_empty()).then_some(found)
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
