//! What a rule reports before it becomes a [`crate::finding::Finding`]: a place and the values
//! its message interpolates. Built-in checks and statement matchers both produce hits.

use crate::model::{Loc, Statement, Text};

/// One place a rule reports, with the values its message may interpolate.
#[derive(Debug, Clone)]
pub(crate) struct Hit {
    pub loc: Loc,
    /// The offending element's text (empty for a whole statement or document).
    pub element: String,
    pub vars: Vec<(&'static str, String)>,
}

impl Hit {
    pub(crate) fn at(text: &Text, vars: Vec<(&'static str, String)>) -> Hit {
        Hit { loc: text.loc.clone(), element: text.text.clone(), vars }
    }

    pub(crate) fn statement(statement: &Statement, problem: &str) -> Hit {
        Hit {
            loc: statement.loc.clone(),
            element: String::new(),
            vars: vec![("sid", statement.label()), ("problem", problem.to_owned())],
        }
    }

    pub(crate) fn key(loc: &Loc, key: &str, statement: &Statement, problem: &str) -> Hit {
        Hit {
            loc: loc.clone(),
            element: key.to_owned(),
            vars: vec![("sid", statement.label()), ("problem", problem.to_owned())],
        }
    }
}
