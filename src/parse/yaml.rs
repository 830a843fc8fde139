//! YAML through saphyr's event parser, built into the shared tree with an explicit stack, so
//! that depth and alias expansion ("billion laughs") are bounded by us, not by recursion.

use std::borrow::Cow;
use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, Tag};

use super::{MAX_DEPTH, Member, Node, ParseError, Value, too_deep};
use crate::source::Span;

/// What aliases may add by copying anchored content, in bytes of the copies (strings plus a
/// fixed cost per node); far above any real template, far below exhausting memory.
const MAX_ALIAS_EXPANSION_BYTES: usize = 16 * 1024 * 1024;

/// What a node costs beside its strings, for the alias budget.
const NODE_BYTES: usize = 64;

pub(super) fn parse(text: &str, base: usize) -> Result<Node, ParseError> {
    let offsets = CharOffsets::new(text, base);
    let mut builder = Builder::default();
    let mut parser = Parser::new_from_str(text);
    while let Some(event) = parser.next_event() {
        let (event, span) = event.map_err(|err| {
            let at = offsets.byte(err.marker().index());
            ParseError { message: format!("invalid YAML: {}", err.info()), span: Span::new(at, at + 1) }
        })?;
        let span = Span::new(offsets.byte(span.start.index()), offsets.byte(span.end.index()));
        if let Some(root) = builder.event(event, span)? {
            // CloudFormation reads one document; later ones are not part of it.
            return Ok(root);
        }
    }
    Err(ParseError { message: "the file is empty".into(), span: Span::new(base, base) })
}

/// saphyr reports positions in characters; spans are bytes.
struct CharOffsets {
    base: usize,
    /// Byte offset of each char, only for non-ASCII text (where the two differ).
    bytes: Option<Vec<usize>>,
    len: usize,
}

impl CharOffsets {
    fn new(text: &str, base: usize) -> Self {
        let bytes = (!text.is_ascii()).then(|| text.char_indices().map(|(i, _)| i).collect());
        Self { base, bytes, len: text.len() }
    }

    fn byte(&self, char_index: usize) -> usize {
        let offset = match &self.bytes {
            None => char_index.min(self.len),
            Some(bytes) => bytes.get(char_index).copied().unwrap_or(self.len),
        };
        offset + self.base
    }
}

enum Frame {
    Sequence { start: usize, anchor: usize, tag: Option<Tag>, items: Vec<Node> },
    Mapping { start: usize, anchor: usize, tag: Option<Tag>, members: Vec<Member>, key: Option<(String, Span)> },
}

#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    /// Anchored nodes with their weight, for aliases.
    anchors: HashMap<usize, (Node, usize)>,
    expanded: usize,
}

impl Builder {
    /// Feeds one event; returns the root once the first document's value is complete.
    fn event(&mut self, event: Event<'_>, span: Span) -> Result<Option<Node>, ParseError> {
        match event {
            Event::Scalar(text, style, anchor, tag) => {
                let tag = tag.map(Cow::into_owned);
                let node = Node { span, value: scalar_value(&text, style, tag.as_ref()) };
                self.complete(node, anchor, tag)
            }
            Event::Alias(id) => {
                let Some((node, size)) = self.anchors.get(&id) else {
                    return Err(ParseError { message: "alias to an unknown anchor".into(), span });
                };
                self.expanded += size;
                if self.expanded > MAX_ALIAS_EXPANSION_BYTES {
                    return Err(ParseError {
                        message: format!(
                            "YAML aliases expand to more than {} MiB",
                            MAX_ALIAS_EXPANSION_BYTES / (1024 * 1024)
                        ),
                        span,
                    });
                }
                let node = Node { span, value: node.value.clone() };
                self.complete(node, 0, None)
            }
            Event::SequenceStart(anchor, tag) => {
                self.open(span)?;
                let tag = tag.map(Cow::into_owned);
                self.stack.push(Frame::Sequence { start: span.start, anchor, tag, items: Vec::new() });
                Ok(None)
            }
            Event::MappingStart(anchor, tag) => {
                self.open(span)?;
                let tag = tag.map(Cow::into_owned);
                self.stack.push(Frame::Mapping { start: span.start, anchor, tag, members: Vec::new(), key: None });
                Ok(None)
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (node, anchor, tag) = match self.stack.pop() {
                    Some(Frame::Sequence { start, anchor, tag, items }) => {
                        (Node { span: Span::new(start, span.end.max(start)), value: Value::Array(items) }, anchor, tag)
                    }
                    Some(Frame::Mapping { start, anchor, tag, members, .. }) => (
                        Node { span: Span::new(start, span.end.max(start)), value: Value::Object(members) },
                        anchor,
                        tag,
                    ),
                    None => return Ok(None),
                };
                self.complete(node, anchor, tag)
            }
            Event::Nothing | Event::StreamStart | Event::StreamEnd | Event::DocumentStart(_) | Event::DocumentEnd => {
                Ok(None)
            }
        }
    }

    fn open(&self, span: Span) -> Result<(), ParseError> {
        if self.stack.len() >= MAX_DEPTH { Err(too_deep(span)) } else { Ok(()) }
    }

    fn complete(&mut self, node: Node, anchor: usize, tag: Option<Tag>) -> Result<Option<Node>, ParseError> {
        let node = apply_tag(node, tag.as_ref());
        if anchor > 0 {
            self.anchors.insert(anchor, (node.clone(), weight(&node)));
        }
        match self.stack.last_mut() {
            None => Ok(Some(node)),
            Some(Frame::Sequence { items, .. }) => {
                items.push(node);
                Ok(None)
            }
            Some(Frame::Mapping { members, key, .. }) => {
                match key.take() {
                    Some((key, key_span)) => members.push(Member { key, key_span, value: node }),
                    None => match node.scalar_text() {
                        Some(text) => *key = Some((text.to_owned(), node.span)),
                        None if matches!(node.value, Value::Null | Value::Bool(_)) => {
                            *key = Some((source_less_key(&node), node.span));
                        }
                        None => {
                            return Err(ParseError {
                                message: "only scalar mapping keys are supported".into(),
                                span: node.span,
                            });
                        }
                    },
                }
                Ok(None)
            }
        }
    }
}

fn source_less_key(node: &Node) -> String {
    match node.value {
        Value::Bool(true) => "true".into(),
        Value::Bool(false) => "false".into(),
        _ => String::new(),
    }
}

/// The bytes a copy of `node` costs.
fn weight(node: &Node) -> usize {
    NODE_BYTES
        + match &node.value {
            Value::String(text) | Value::Number(text) => text.len(),
            Value::Array(items) => items.iter().map(weight).sum(),
            Value::Object(members) => members.iter().map(|m| m.key.len() + weight(&m.value)).sum(),
            _ => 0,
        }
}

/// YAML 1.2 core schema for plain scalars; quoted scalars and `!!str` are always strings.
fn scalar_value(text: &str, style: ScalarStyle, tag: Option<&Tag>) -> Value {
    let forced_string = tag.is_some_and(|t| t.is_yaml_core_schema() && t.suffix == "str");
    if style != ScalarStyle::Plain || forced_string || tag.is_some_and(|t| t.handle == "!") {
        return Value::String(text.to_owned());
    }
    match text {
        "" | "~" | "null" | "Null" | "NULL" => Value::Null,
        "true" | "True" | "TRUE" => Value::Bool(true),
        "false" | "False" | "FALSE" => Value::Bool(false),
        _ if is_yaml_number(text) => Value::Number(text.to_owned()),
        _ => Value::String(text.to_owned()),
    }
}

fn is_yaml_number(text: &str) -> bool {
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    if let Some(hex) = unsigned.strip_prefix("0x") {
        return !hex.is_empty() && hex.chars().all(|c| c.is_ascii_hexdigit());
    }
    if let Some(octal) = unsigned.strip_prefix("0o") {
        return !octal.is_empty() && octal.chars().all(|c| ('0'..='7').contains(&c));
    }
    if matches!(unsigned, ".inf" | ".Inf" | ".INF") || matches!(text, ".nan" | ".NaN" | ".NAN") {
        return true;
    }
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(i) => (&unsigned[..i], Some(&unsigned[i + 1..])),
        None => (unsigned, None),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    let mantissa_ok = digits(whole) && digits(fraction) && !(whole.is_empty() && fraction.is_empty());
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    mantissa_ok && exponent_ok
}

/// CloudFormation short forms become their long form; other local tags (`!Rain::Embed`) are
/// tolerated and dropped, leaving the value.
fn apply_tag(node: Node, tag: Option<&Tag>) -> Node {
    let Some(tag) = tag.filter(|t| t.handle == "!") else { return node };
    let function = match tag.suffix.as_str() {
        "Ref" | "Condition" => tag.suffix.clone(),
        "Sub" | "GetAtt" | "Join" | "Select" | "Split" | "If" | "Equals" | "Not" | "And" | "Or" | "FindInMap"
        | "ImportValue" | "Base64" | "Cidr" | "GetAZs" | "Transform" | "ToJsonString" | "Length" => {
            format!("Fn::{}", tag.suffix)
        }
        _ => return node,
    };
    let span = node.span;
    let value = match (function.as_str(), &node.value) {
        // `!GetAtt Bucket.Arn` is the list form `[Bucket, Arn]`, split at the first dot.
        ("Fn::GetAtt", Value::String(text)) => match text.split_once('.') {
            Some((resource, attribute)) => Node {
                span,
                value: Value::Array(vec![
                    Node { span, value: Value::String(resource.to_owned()) },
                    Node { span, value: Value::String(attribute.to_owned()) },
                ]),
            },
            None => node,
        },
        _ => node,
    };
    Node { span, value: Value::Object(vec![Member { key: function, key_span: span, value }]) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_at(text: &str, span: Span) -> &str {
        &text[span.start..span.end]
    }

    #[test]
    fn spans_are_bytes_even_after_non_ascii_text() {
        let text = "Description: «ç»\nVersion: '2012-10-17'\n";
        let node = parse(text, 0).unwrap();
        let version = node.get("Version").unwrap();
        assert_eq!(text_at(text, version.key_span), "Version");
        assert_eq!(text_at(text, version.value.span), "'2012-10-17'");
    }

    #[test]
    fn plain_scalars_follow_the_core_schema() {
        let node = parse("a: 123456789012\nb: 2012-10-17\nc: true\nd: ~\ne: '1'\nf: 1.5e3\n", 0).unwrap();
        let value = |k| node.get(k).unwrap().value.value.clone();
        assert_eq!(value("a"), Value::Number("123456789012".into()));
        assert_eq!(value("b"), Value::String("2012-10-17".into()));
        assert_eq!(value("c"), Value::Bool(true));
        assert_eq!(value("d"), Value::Null);
        assert_eq!(value("e"), Value::String("1".into()));
        assert_eq!(value("f"), Value::Number("1.5e3".into()));
    }

    #[test]
    fn short_tags_become_long_forms() {
        let node = parse("a: !Ref Bucket\nb: !GetAtt Role.Arn\nc: !Sub [x, {}]\nd: !Rain::Embed f.txt\n", 0).unwrap();
        let a = &node.get("a").unwrap().value;
        assert_eq!(a.get("Ref").unwrap().value.scalar_text(), Some("Bucket"));
        let b = &node.get("b").unwrap().value.get("Fn::GetAtt").unwrap().value;
        let Value::Array(parts) = &b.value else { panic!("GetAtt is not a list: {b:?}") };
        assert_eq!(parts.iter().filter_map(Node::scalar_text).collect::<Vec<_>>(), ["Role", "Arn"]);
        assert!(node.get("c").unwrap().value.get("Fn::Sub").is_some());
        assert_eq!(node.get("d").unwrap().value.scalar_text(), Some("f.txt"));
    }

    #[test]
    fn billion_laughs_is_bounded() {
        let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for level in 1..10 {
            let alias = format!("*{}", (b'a' + level - 1) as char);
            let items = vec![alias; 10].join(", ");
            text.push_str(&format!("{}: &{} [{items}]\n", (b'a' + level) as char, (b'a' + level) as char));
        }
        let err = parse(&text, 0).unwrap_err();
        assert!(err.message.contains("aliases expand"), "{err:?}");
    }

    #[test]
    fn deep_nesting_is_an_error() {
        let text = format!("{}{}", "[".repeat(200), "]".repeat(200));
        assert!(parse(&text, 0).unwrap_err().message.contains("deeper"));
        let text = format!("{}{}", "[".repeat(20_000), "]".repeat(20_000));
        assert!(parse(&text, 0).is_err());
    }

    #[test]
    fn syntax_error_has_a_location() {
        let err = parse("a: [1, 2\nb: 3\n", 0).unwrap_err();
        assert!(err.message.starts_with("invalid YAML"), "{err:?}");
    }
}
