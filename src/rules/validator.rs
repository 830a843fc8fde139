//! What every part of a rule pack is validated with: errors that point into the TOML, and the
//! checks of values more than one kind of matcher takes (action globs, message placeholders,
//! flags). Below the pack loader and every matcher, so that each can use it.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;

use crate::error::ToolError;
use crate::source::Span;

/// A check's parameters: each a list of action globs.
pub(super) type Params = BTreeMap<String, Vec<String>>;

/// The errors found in one pack so far.
pub(super) struct Validator<'a> {
    file: &'a str,
    text: Arc<str>,
    pub(super) errors: Vec<ToolError>,
}

impl<'a> Validator<'a> {
    pub(super) fn new(file: &'a str, text: Arc<str>) -> Validator<'a> {
        Validator { file, text, errors: Vec::new() }
    }

    pub(super) fn error(&mut self, span: Range<usize>, message: impl Into<String>) {
        let error = ToolError::at(self.file, self.text.clone(), Span::new(span.start, span.end), message);
        self.errors.push(error);
    }

    /// Checks that `message` uses only `variables`, those the hits of `what` carry.
    pub(super) fn message_variables(&mut self, message: &str, span: Range<usize>, variables: &[&str], what: &str) {
        for placeholder in placeholders(message) {
            if !variables.contains(&placeholder) {
                let known = variables.iter().map(|v| format!("{{{v}}}")).collect::<Vec<_>>().join(", ");
                self.error(
                    span.clone(),
                    format!("the message uses `{{{placeholder}}}`, which {what} does not provide; available: {known}"),
                );
            }
        }
    }

    /// A matcher flag written as `key = true`; `false` would read as "must not", which the
    /// vocabulary does not have.
    pub(super) fn flag(&mut self, value: Option<bool>, span: &Range<usize>, key: &str) -> bool {
        if value == Some(false) {
            self.error(span.clone(), format!("`{key} = false` has no meaning: remove the key instead"));
        }
        value == Some(true)
    }
}

pub(crate) fn is_action_glob(text: &str) -> bool {
    let part =
        |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '*' | '?' | '-' | '_'));
    text == "*"
        || text.split_once(':').is_some_and(|(service, action)| part(service) && part(action) && !action.contains(':'))
}

/// The `{name}` placeholders of a message.
fn placeholders(message: &str) -> impl Iterator<Item = &str> {
    message.split('{').skip(1).filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
}
