//! Strict JSON (as IAM and CloudFormation read it) through jsonc-parser, which keeps byte
//! ranges and duplicate keys.

use jsonc_parser::ast;
use jsonc_parser::{CollectOptions, ParseOptions, parse_to_ast};

use super::{MAX_DEPTH, Member, Node, ParseError, Value, too_deep};
use crate::source::Span;

pub(super) fn parse(text: &str, base: usize) -> Result<Node, ParseError> {
    let strict = ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    };
    let parsed = parse_to_ast(text, &CollectOptions::default(), &strict).map_err(|err| {
        let range = err.range();
        ParseError {
            message: format!("invalid JSON: {}", err.kind()),
            span: Span::new(range.start + base, range.end.max(range.start + 1) + base),
        }
    })?;
    match parsed.value {
        Some(value) => convert(value, base, 0),
        None => Err(ParseError { message: "the file is empty".into(), span: Span::new(base, base) }),
    }
}

fn span_of(range: jsonc_parser::common::Range, base: usize) -> Span {
    Span::new(range.start + base, range.end + base)
}

fn convert(value: ast::Value<'_>, base: usize, depth: usize) -> Result<Node, ParseError> {
    let (span, value) = match value {
        ast::Value::StringLit(s) => (span_of(s.range, base), Value::String(s.value.into_owned())),
        ast::Value::NumberLit(n) => (span_of(n.range, base), Value::Number(n.value.to_owned())),
        ast::Value::BooleanLit(b) => (span_of(b.range, base), Value::Bool(b.value)),
        ast::Value::NullKeyword(n) => (span_of(n.range, base), Value::Null),
        ast::Value::Array(array) => {
            let span = span_of(array.range, base);
            if depth >= MAX_DEPTH {
                return Err(too_deep(span));
            }
            let items = array
                .elements
                .into_iter()
                .map(|element| convert(element, base, depth + 1))
                .collect::<Result<_, _>>()?;
            (span, Value::Array(items))
        }
        ast::Value::Object(object) => {
            let span = span_of(object.range, base);
            if depth >= MAX_DEPTH {
                return Err(too_deep(span));
            }
            let mut members = Vec::with_capacity(object.properties.len());
            for property in object.properties {
                let (key, key_span) = match property.name {
                    ast::ObjectPropName::String(s) => (s.value.into_owned(), span_of(s.range, base)),
                    ast::ObjectPropName::Word(w) => (w.value.to_owned(), span_of(w.range, base)),
                };
                let value = convert(property.value, base, depth + 1)?;
                members.push(Member { key, key_span, value });
            }
            (span, Value::Object(members))
        }
    };
    Ok(Node { span, value })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_duplicate_keys_in_order() {
        let node = parse(r#"{"a": 1, "a": 2}"#, 0).unwrap();
        let keys: Vec<_> = node.members().iter().map(|m| m.key.as_str()).collect();
        assert_eq!(keys, ["a", "a"]);
        assert_eq!(node.get("a").unwrap().value.scalar_text(), Some("2"));
    }

    #[test]
    fn rejects_comments_and_trailing_commas() {
        assert!(parse("{\"a\": 1, }", 0).is_err());
        assert!(parse("{\"a\": 1 // no\n}", 0).is_err());
    }

    #[test]
    fn error_has_a_location() {
        let err = parse("{\n  \"a\": tru\n}", 0).unwrap_err();
        assert_eq!(err.span.start, 9, "{err:?}");
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        assert!(parse(&text, 0).is_err());
        let text = format!("{}{}", "[".repeat(MAX_DEPTH + 5), "]".repeat(MAX_DEPTH + 5));
        assert!(parse(&text, 0).unwrap_err().message.contains("deeper"));
    }

    #[test]
    fn empty_text_is_an_error() {
        assert!(parse("  ", 0).is_err());
    }
}
