//! What a rule reports before it becomes a [`crate::finding::Finding`]: a place and the values
//! its message interpolates. Built-in checks and statement matchers both produce hits.

use crate::finding::Severity;
use crate::iam::model::{Loc, Statement, Text};

/// How an element's text reads in a message.
pub(crate) fn code(text: &str) -> String {
    format!("`{text}`")
}

/// One place a rule reports, with the values its message may interpolate.
#[derive(Debug, Clone)]
pub(crate) struct Hit {
    pub loc: Loc,
    /// The offending element's text (empty for a whole statement or document).
    pub element: String,
    pub vars: Vec<(&'static str, String)>,
    /// A severity other than the rule's, for a hit the rule is less sure of.
    pub severity: Option<Severity>,
    /// The text at `loc`, when the element is something else (LP002 reports an action at
    /// the `*` it is allowed on).
    pub located: Option<String>,
}

impl Hit {
    pub(crate) fn new(loc: Loc, element: &str, vars: Vec<(&'static str, String)>) -> Hit {
        Hit { loc, element: element.to_owned(), vars, severity: None, located: None }
    }

    pub(crate) fn at(text: &Text, vars: Vec<(&'static str, String)>) -> Hit {
        Hit::new(text.loc.clone(), &text.text, vars)
    }

    pub(crate) fn statement(statement: &Statement, problem: &str) -> Hit {
        Hit::new(statement.loc.clone(), "", vec![("sid", statement.label()), ("problem", problem.to_owned())])
    }

    pub(crate) fn key(loc: &Loc, key: &str, statement: &Statement, problem: &str) -> Hit {
        Hit::new(loc.clone(), key, vec![("sid", statement.label()), ("problem", problem.to_owned())])
    }
}
