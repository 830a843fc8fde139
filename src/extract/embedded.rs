//! Policies written as JSON inside a string (`AWS::Logs::ResourcePolicy` requires it; SSO
//! permission sets and CDK output do it too), parsed with locations inside the string where
//! the string's text can be lined up with the file, and at the string itself where it cannot.

use super::intrinsics::Template;
use crate::parse::{Node, Syntax, Value, parse};
use crate::source::Span;

/// The policy document a string-valued property holds, or `None` when it holds none.
pub(super) fn embedded_document(node: &Node, template: &Template<'_>, text: &str) -> Option<Node> {
    // `!Sub` over a literal: parse the literal itself, so that its text lines up with the
    // file; its `${Name}` references read as placeholders.
    let literal = match &node.value {
        Value::String(s) => Some(s.clone()),
        _ => node.members().first().filter(|m| node.members().len() == 1 && m.key == "Fn::Sub").and_then(|m| match &m
            .value
            .value
        {
            Value::String(s) => Some(s.clone()),
            _ => None,
        }),
    };
    let (json, exact) = match literal {
        Some(json) => (json, true),
        None => (template.scalars(node)?.into_iter().next()?, false),
    };
    if !json.trim_start().starts_with('{') {
        return None;
    }
    let mut document = parse(&json, Syntax::Json).ok()?;
    let raw = text.get(node.span.start..node.span.end).unwrap_or_default();
    let offsets = if exact { align(&json, raw, node.span.start) } else { None };
    relocate(&mut document, &|span| match &offsets {
        Some(offsets) => Span::new(offsets[span.start], offsets[span.end]),
        None => node.span,
    });
    Some(document)
}

/// For each byte offset of `decoded` (and its end), the offset in the file of the character
/// it came from, reading `raw` (the string as written, from `raw_start`) along with it. Before
/// the first character anything may be skipped (a tag, quotes, a block scalar's header); after
/// it only what quoting and indentation add. `None` when the two do not line up (an escape
/// such as `\n` changed a character).
fn align(decoded: &str, raw: &str, raw_start: usize) -> Option<Vec<usize>> {
    let mut offsets = vec![0; decoded.len() + 1];
    let mut raw_chars = raw.char_indices().peekable();
    for (at, c) in decoded.char_indices() {
        loop {
            let (position, r) = raw_chars.next()?;
            if r == c {
                for slot in &mut offsets[at..at + c.len_utf8()] {
                    *slot = raw_start + position;
                }
                break;
            }
            let header = at == 0;
            if !(header || r.is_whitespace() || r == '\\' || r == '"' || r == '\'') {
                return None;
            }
        }
    }
    let end = raw_chars.peek().map_or(raw.len(), |&(position, _)| position);
    offsets[decoded.len()] = raw_start + end;
    Some(offsets)
}

fn relocate(node: &mut Node, map: &dyn Fn(Span) -> Span) {
    node.span = map(node.span);
    match &mut node.value {
        Value::Array(items) => items.iter_mut().for_each(|item| relocate(item, map)),
        Value::Object(members) => {
            for member in members {
                member.key_span = map(member.key_span);
                relocate(&mut member.value, map);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document(yaml: &str) -> (Node, String) {
        let root = parse(yaml, Syntax::Yaml).unwrap();
        let template = Template::empty();
        let value = &root.get("Policy").unwrap().value;
        (embedded_document(value, &template, yaml).unwrap(), yaml.to_owned())
    }

    #[test]
    fn a_block_string_keeps_locations_inside_it() {
        let yaml =
            "Policy: |\n  {\"Statement\": [\n    {\"Effect\": \"Allow\", \"Action\": \"logs:PutLogEvents\"}\n  ]}\n";
        let (doc, text) = document(yaml);
        let statement = &doc.get("Statement").unwrap().value;
        let Value::Array(items) = &statement.value else { panic!("{statement:?}") };
        let action = &items[0].get("Action").unwrap().value;
        assert_eq!(&text[action.span.start..action.span.end], "\"logs:PutLogEvents\"");
    }

    #[test]
    fn a_sub_string_keeps_its_references_as_placeholders() {
        let yaml = "Policy: !Sub |\n  {\"Statement\": [{\"Resource\": \"${Log.Arn}\"}]}\n";
        let (doc, text) = document(yaml);
        let Value::Array(items) = &doc.get("Statement").unwrap().value.value else { panic!() };
        let resource = &items[0].get("Resource").unwrap().value;
        assert_eq!(resource.scalar_text(), Some("${Log.Arn}"));
        assert_eq!(&text[resource.span.start..resource.span.end], "\"${Log.Arn}\"");
    }

    #[test]
    fn a_json_string_with_escapes_lines_up_and_a_join_points_at_itself() {
        let json = r#"{"Policy": "{\"Statement\": [{\"Effect\": \"Allow\"}]}", "Joined": {"Fn::Join": ["", ["{\"Statement\": [", "{}]}"]]}}"#;
        let root = parse(json, Syntax::Json).unwrap();
        let template = Template::empty();
        let policy = embedded_document(&root.get("Policy").unwrap().value, &template, json).unwrap();
        let Value::Array(items) = &policy.get("Statement").unwrap().value.value else { panic!() };
        let effect = &items[0].get("Effect").unwrap().value;
        assert_eq!(&json[effect.span.start..effect.span.end], r#""Allow\""#);
        let joined_node = &root.get("Joined").unwrap().value;
        let joined = embedded_document(joined_node, &template, json).unwrap();
        assert_eq!(joined.span, joined_node.span);
    }

    #[test]
    fn strings_that_are_not_json_objects_hold_no_document() {
        let template = Template::empty();
        let root = parse("{\"A\": \"arn:aws:s3:::b\", \"B\": \"{not json\"}", Syntax::Json).unwrap();
        assert!(embedded_document(&root.get("A").unwrap().value, &template, "").is_none());
        assert!(embedded_document(&root.get("B").unwrap().value, &template, "").is_none());
    }
}
