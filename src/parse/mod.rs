//! One span-carrying value tree for JSON and YAML, so that everything after parsing is written
//! once. YAML's CloudFormation short tags (`!Ref x`) become the long form (`{"Ref": x}`) here.

mod json;
mod yaml;

use crate::source::Span;

/// Deeper documents are rejected: no real policy or template comes close, and bounded depth
/// keeps every recursive walk over the tree safe.
pub(crate) const MAX_DEPTH: usize = 128;

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    pub span: Span,
    pub value: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Null,
    Bool(bool),
    /// Kept as written: account ids and versions must not lose digits or formatting.
    Number(String),
    String(String),
    Array(Vec<Node>),
    /// Members in source order, duplicates kept (the rules report them).
    Object(Vec<Member>),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Member {
    pub key: String,
    pub key_span: Span,
    pub value: Node,
}

impl Node {
    /// The member with this key; the last one when the key is repeated, as AWS reads it.
    pub(crate) fn get(&self, key: &str) -> Option<&Member> {
        self.members().iter().rev().find(|m| m.key == key)
    }

    pub(crate) fn members(&self) -> &[Member] {
        match &self.value {
            Value::Object(members) => members,
            _ => &[],
        }
    }

    /// Strings and numbers as their text: IAM reads `123456789012` and `"123456789012"` alike.
    pub(crate) fn scalar_text(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) | Value::Number(s) => Some(s),
            _ => None,
        }
    }

    pub(crate) fn is_object(&self) -> bool {
        matches!(self.value, Value::Object(_))
    }

    /// A short name of the value's JSON type, for messages.
    pub(crate) fn type_name(&self) -> &'static str {
        match self.value {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        }
    }
}

/// Why a file could not be read as JSON or YAML, and where.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ParseError {
    pub message: String,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Syntax {
    Json,
    Yaml,
}

impl Syntax {
    /// By extension; otherwise by content, since JSON's first character is `{` or `[`.
    pub(crate) fn detect(file_name: &str, text: &str) -> Syntax {
        let lower = file_name.to_ascii_lowercase();
        if lower.ends_with(".json") {
            Syntax::Json
        } else if lower.ends_with(".yaml") || lower.ends_with(".yml") {
            Syntax::Yaml
        } else if text.trim_start_matches('\u{feff}').trim_start().starts_with(['{', '[']) {
            Syntax::Json
        } else {
            Syntax::Yaml
        }
    }
}

/// Parses a whole file. A leading byte-order mark is skipped; spans still index `text`.
pub(crate) fn parse(text: &str, syntax: Syntax) -> Result<Node, ParseError> {
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let body = &text[bom..];
    if body.contains('\0') {
        let at = body.find('\0').unwrap_or(0) + bom;
        return Err(ParseError {
            message: "the file contains a NUL byte; it is not a text policy or template".into(),
            span: Span::new(at, at + 1),
        });
    }
    match syntax {
        Syntax::Json => json::parse(body, bom),
        Syntax::Yaml => yaml::parse(body, bom),
    }
}

fn too_deep(span: Span) -> ParseError {
    ParseError { message: format!("nesting is deeper than {MAX_DEPTH} levels"), span }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_and_yaml_give_the_same_tree_shape() {
        let json = parse(r#"{"Version": "2012-10-17", "Statement": [{"Action": ["a:b"]}]}"#, Syntax::Json).unwrap();
        let yaml = parse("Version: '2012-10-17'\nStatement:\n  - Action: [a:b]\n", Syntax::Yaml).unwrap();
        let shape = |n: &Node| {
            let statement = &n.get("Statement").unwrap().value;
            let Value::Array(items) = &statement.value else { panic!("not an array") };
            let action = &items[0].get("Action").unwrap().value;
            let Value::Array(actions) = &action.value else { panic!("not an array") };
            (
                n.get("Version").unwrap().value.scalar_text().map(str::to_owned),
                actions[0].scalar_text().map(str::to_owned),
            )
        };
        assert_eq!(shape(&json), shape(&yaml));
    }

    #[test]
    fn detects_syntax_by_extension_then_content() {
        assert_eq!(Syntax::detect("a.JSON", "x: 1"), Syntax::Json);
        assert_eq!(Syntax::detect("a.yml", "{}"), Syntax::Yaml);
        assert_eq!(Syntax::detect("template", "\u{feff} {"), Syntax::Json);
        assert_eq!(Syntax::detect("template", "Resources: {}"), Syntax::Yaml);
    }

    #[test]
    fn bom_is_skipped_and_spans_still_index_the_file() {
        let text = "\u{feff}{\"a\": \"b\"}";
        let node = parse(text, Syntax::Json).unwrap();
        let member = node.get("a").unwrap();
        assert_eq!(&text[member.value.span.start..member.value.span.end], "\"b\"");
    }

    #[test]
    fn nul_bytes_are_an_error_with_a_location() {
        let err = parse("{\"a\":\0}", Syntax::Json).unwrap_err();
        assert_eq!(err.span.start, 5);
    }
}
