//! Building the typed model from a policy document's tree. Building never fails: what IAM
//! would reject is recorded (`Malformed`, duplicate keys) for the grammar rules to report.

use std::collections::HashSet;
use std::fmt::Write as _;

use super::intrinsics::Template;
use super::size::document_size;
use crate::iam::glob::{self, Case};
use crate::iam::model::{
    Clause, Condition, ConditionEntry, Kind, Loc, Malformed, PolicyDoc, Principal, Statement, Text,
};
use crate::parse::{Member, Node, Value};
use crate::pointer::{pointer_child, push_token};
use crate::source::Span;

const DOCUMENT_KEYS: [&str; 3] = ["Version", "Id", "Statement"];
const STATEMENT_KEYS: [&str; 9] =
    ["Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"];

struct Builder<'t> {
    malformed: Vec<Malformed>,
    /// The template a policy sits in, whose intrinsic functions its values may use.
    template: Option<&'t Template<'t>>,
}

impl Builder<'_> {
    /// The strings an intrinsic function call stands for, or `None` for a plain value.
    fn resolved(&self, node: &Node) -> Option<Vec<String>> {
        self.template?.scalars(node)
    }

    /// The objects a statement position stands for: both branches of an `Fn::If`.
    fn branches<'n>(&self, node: &'n Node) -> Vec<&'n Node> {
        match self.template {
            Some(template) => template.branches(node),
            None => vec![node],
        }
    }

    fn malformed(&mut self, pointer: &str, span: Span, problem: String) {
        self.malformed.push(Malformed { loc: Loc { pointer: pointer.to_owned(), span }, problem });
    }

    /// A string element. Numbers are accepted only where IAM reads them as text: account ids in
    /// principals (`AWS: 123456789012` in YAML).
    fn text(&mut self, node: &Node, pointer: String, what: &str) -> Option<Text> {
        if let Some(values) = self.resolved(node) {
            let text = values.into_iter().next()?;
            return Some(Text { text, loc: Loc { pointer, span: node.span } });
        }
        let text = match &node.value {
            Value::String(text) => Some(text),
            Value::Number(text) if what == "a principal" => Some(text),
            _ => None,
        };
        match text {
            Some(text) => Some(Text { text: text.clone(), loc: Loc { pointer, span: node.span } }),
            None => {
                self.malformed(&pointer, node.span, format!("{what} must be a string, not {}", node.type_name()));
                None
            }
        }
    }

    /// A string or an array of strings; an intrinsic function may stand for several (both
    /// branches of `Fn::If`, the parts of `Fn::Split`), each located at the call.
    fn texts(&mut self, node: &Node, pointer: &str, what: &str) -> Vec<Text> {
        let located = |values: Vec<String>, pointer: String, span| {
            values.into_iter().map(move |text| Text { text, loc: Loc { pointer: pointer.clone(), span } })
        };
        // The values of an `Fn::If` are located in their branch, not at the whole call.
        if let Some(branches) = self.template.and_then(|t| t.if_call_branches(node)) {
            let call = pointer_child(pointer, "Fn::If");
            return branches
                .into_iter()
                .flat_map(|(index, branch)| self.texts(branch, &pointer_child(&call, &index.to_string()), what))
                .collect();
        }
        if let Some(values) = self.resolved(node) {
            return located(values, pointer.to_owned(), node.span).collect();
        }
        let Value::Array(items) = &node.value else {
            return self.text(node, pointer.to_owned(), what).into_iter().collect();
        };
        let mut texts = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let item_pointer = pointer_child(pointer, &i.to_string());
            match self.resolved(item) {
                Some(_) => texts.extend(self.texts(item, &item_pointer, what)),
                None => texts.extend(self.text(item, item_pointer, what)),
            }
        }
        texts
    }

    fn clause(&mut self, member: &Member, pointer: &str, what: &str) -> Clause {
        let pointer = pointer_child(pointer, &member.key);
        let items = self.texts(&member.value, &pointer, what);
        Clause { key: Loc { pointer, span: member.key_span }, items }
    }

    fn principal(&mut self, member: &Member, pointer: &str) -> Principal {
        let pointer = pointer_child(pointer, &member.key);
        let key = Loc { pointer: pointer.clone(), span: member.key_span };
        let mut principal = Principal { key, everyone: false, entries: Vec::new() };
        // In a template, either branch of an `Fn::If` may be the principal.
        for value in self.branches(&member.value) {
            let resolved = self.resolved(value);
            match (&value.value, resolved) {
                (_, Some(values)) => principal.everyone |= values.iter().any(|v| v == "*"),
                (Value::String(s), None) if s == "*" => principal.everyone = true,
                (Value::Object(entries), None) => {
                    for entry in entries {
                        let entry_pointer = pointer_child(&pointer, &entry.key);
                        let name = Text {
                            text: entry.key.clone(),
                            loc: Loc { pointer: entry_pointer.clone(), span: entry.key_span },
                        };
                        let values = self.texts(&entry.value, &entry_pointer, "a principal");
                        principal.entries.push((name, values));
                    }
                }
                _ => self.malformed(
                    &pointer,
                    value.span,
                    format!("{} must be \"*\" or an object such as {{\"AWS\": ...}}", member.key),
                ),
            }
        }
        principal
    }

    fn condition(&mut self, member: &Member, pointer: &str) -> Condition {
        let pointer = pointer_child(pointer, &member.key);
        let key = Loc { pointer: pointer.clone(), span: member.key_span };
        // In a template, the whole condition may be an `Fn::If`: a test counts only when every
        // branch makes it (`AWS::NoValue` makes none).
        let branches = self.branches(&member.value);
        let mut per_branch: Vec<Vec<ConditionEntry>> = Vec::new();
        for branch in &branches {
            per_branch.push(self.condition_entries(branch, &pointer));
        }
        if self.template.is_some_and(|t| t.may_be_absent(&member.value)) {
            per_branch.push(Vec::new());
        }
        let mut entries = per_branch.first().cloned().unwrap_or_default();
        entries.retain(|entry| {
            per_branch[1..].iter().all(|other| {
                other.iter().any(|o| {
                    o.key.text == entry.key.text && o.operator.text == entry.operator.text && o.values == entry.values
                })
            })
        });
        Condition { key, entries }
    }

    fn condition_entries(&mut self, node: &Node, pointer: &str) -> Vec<ConditionEntry> {
        let mut entries = Vec::new();
        if !node.is_object() {
            self.malformed(pointer, node.span, format!("Condition must be an object, not {}", node.type_name()));
        }
        for op in node.members() {
            let op_pointer = pointer_child(pointer, &op.key);
            if !op.value.is_object() {
                self.malformed(
                    &op_pointer,
                    op.value.span,
                    format!("condition operator `{}` must map keys to values, not be {}", op.key, op.value.type_name()),
                );
            }
            for entry in op.value.members() {
                let entry_pointer = pointer_child(&op_pointer, &entry.key);
                let values = self.condition_values(&entry.value, &entry_pointer);
                let key = Text { text: entry.key.clone(), loc: Loc { pointer: entry_pointer, span: entry.key_span } };
                let operator =
                    Text { text: op.key.clone(), loc: Loc { pointer: op_pointer.clone(), span: op.key_span } };
                entries.push(ConditionEntry { operator, key, values });
            }
        }
        entries
    }

    /// Condition values are strings, numbers or booleans (IAM compares their text), or an
    /// array of those.
    fn condition_values(&mut self, node: &Node, pointer: &str) -> Vec<String> {
        let items: Vec<(String, &Node)> = match &node.value {
            Value::Array(items) => {
                items.iter().enumerate().map(|(i, n)| (pointer_child(pointer, &i.to_string()), n)).collect()
            }
            _ => vec![(pointer.to_owned(), node)],
        };
        let mut values = Vec::new();
        for (item_pointer, item) in items {
            if let Some(resolved) = self.resolved(item) {
                values.extend(resolved);
                continue;
            }
            match &item.value {
                Value::String(text) | Value::Number(text) => values.push(text.clone()),
                Value::Bool(b) => values.push(b.to_string()),
                _ => self.malformed(
                    &item_pointer,
                    item.span,
                    format!("a condition value must be a string, not {}", item.type_name()),
                ),
            }
        }
        values
    }

    fn statement(&mut self, node: &Node, pointer: String, index: usize) -> Option<Statement> {
        if !node.is_object() {
            self.malformed(&pointer, node.span, format!("a statement must be an object, not {}", node.type_name()));
            return None;
        }
        let mut statement = Statement {
            loc: Loc { pointer: pointer.clone(), span: node.span },
            index,
            sid: None,
            effect: None,
            action: None,
            not_action: None,
            resource: None,
            not_resource: None,
            principal: None,
            not_principal: None,
            condition: None,
        };
        for member in node.members() {
            let child = pointer_child(&pointer, &member.key);
            match member.key.as_str() {
                "Sid" => statement.sid = self.text(&member.value, child, "Sid"),
                "Effect" => statement.effect = self.text(&member.value, child, "Effect"),
                "Action" => statement.action = Some(self.clause(member, &pointer, "an action")),
                "NotAction" => statement.not_action = Some(self.clause(member, &pointer, "an action")),
                "Resource" => statement.resource = Some(self.clause(member, &pointer, "a resource")),
                "NotResource" => statement.not_resource = Some(self.clause(member, &pointer, "a resource")),
                "Principal" => statement.principal = Some(self.principal(member, &pointer)),
                "NotPrincipal" => statement.not_principal = Some(self.principal(member, &pointer)),
                "Condition" => statement.condition = Some(self.condition(member, &pointer)),
                other => self.unknown_key(other, &child, member.key_span, &STATEMENT_KEYS),
            }
        }
        Some(statement)
    }

    fn unknown_key(&mut self, key: &str, pointer: &str, span: Span, known: &[&str]) {
        let hint = known
            .iter()
            .find(|k| k.eq_ignore_ascii_case(key) || k.eq_ignore_ascii_case(key.trim_end_matches('s')))
            .map(|k| format!(" (did you mean `{k}`?)"))
            .unwrap_or_default();
        self.malformed(pointer, span, format!("`{key}` is not an IAM policy element{hint}"));
    }
}

/// The strings a template property stands for (a string, a list, intrinsic calls: every
/// `Fn::If` branch), each located at its element; values of other types are left out.
pub(super) fn resolved_texts(node: &Node, pointer: &str, template: &Template<'_>) -> Vec<Text> {
    let mut builder = Builder { malformed: Vec::new(), template: Some(template) };
    builder.texts(node, pointer, "a value")
}

/// Builds the model of the policy document `node`, found at `pointer` in its source. `kind`
/// overrides what the document's shape suggests.
pub(super) fn build_policy(
    node: &Node,
    pointer: &str,
    kind: Option<Kind>,
    template: Option<&Template<'_>>,
) -> PolicyDoc {
    let mut builder = Builder { malformed: Vec::new(), template };
    let mut version = None;
    let mut statements = Vec::new();
    for member in node.members() {
        let child = pointer_child(pointer, &member.key);
        match member.key.as_str() {
            "Version" => {
                version = Some(match member.value.scalar_text() {
                    Some(text) => Text { text: text.to_owned(), loc: Loc { pointer: child, span: member.value.span } },
                    None => Text {
                        text: member.value.type_name().to_owned(),
                        loc: Loc { pointer: child, span: member.value.span },
                    },
                });
            }
            "Id" => drop(builder.text(&member.value, child, "Id")),
            "Statement" => {
                statements.clear();
                match &member.value.value {
                    Value::Array(items) => {
                        for (i, item) in items.iter().enumerate() {
                            for branch in builder.branches(item) {
                                statements.extend(builder.statement(branch, pointer_child(&child, &i.to_string()), i));
                            }
                        }
                    }
                    _ => {
                        for branch in builder.branches(&member.value) {
                            statements.extend(builder.statement(branch, child.clone(), 0));
                        }
                    }
                }
            }
            other => builder.unknown_key(other, &child, member.key_span, &DOCUMENT_KEYS),
        }
    }
    let mut duplicate_keys = Vec::new();
    collect_duplicate_keys(node, &mut pointer.to_owned(), &mut duplicate_keys);
    let kind = kind.unwrap_or_else(|| sniff_kind(&statements));
    let head_span = node.members().first().map_or(node.span, |first| first.key_span);
    PolicyDoc {
        kind,
        head: Loc { pointer: pointer.to_owned(), span: head_span },
        version,
        statements,
        duplicate_keys,
        malformed: builder.malformed,
        resource_implicit: false,
        size: document_size(node, template),
        quotas: Vec::new(),
        own_arn: None,
    }
}

/// DESIGN §4: a trust policy names principals and only `sts:` actions, among them an
/// `sts:AssumeRole*`; a resource policy names principals otherwise; else identity.
fn sniff_kind(statements: &[Statement]) -> Kind {
    let with_principal: Vec<&Statement> =
        statements.iter().filter(|s| s.principal.is_some() || s.not_principal.is_some()).collect();
    if with_principal.is_empty() {
        return Kind::Identity;
    }
    let actions = || with_principal.iter().filter_map(|s| s.action.as_ref()).flat_map(|c| &c.items);
    let only_sts = actions().all(|a| glob::covers("sts:*", &a.text, Case::Insensitive));
    let assumes = actions().any(|a| glob::intersects(&a.text, "sts:AssumeRole*", Case::Insensitive));
    if only_sts && assumes { Kind::Trust } else { Kind::Resource }
}

/// The keys an object repeats, anywhere below `node`. `pointer` is `node`'s, extended in place
/// on the way down (a pointer is built only for a duplicate) and left as it was found.
fn collect_duplicate_keys(node: &Node, pointer: &mut String, out: &mut Vec<Text>) {
    let depth = pointer.len();
    match &node.value {
        Value::Object(members) => {
            let mut seen = HashSet::with_capacity(if members.len() > 1 { members.len() } else { 0 });
            for member in members {
                push_token(pointer, &member.key);
                if members.len() > 1 && !seen.insert(member.key.as_str()) {
                    out.push(Text {
                        text: member.key.clone(),
                        loc: Loc { pointer: pointer.clone(), span: member.key_span },
                    });
                }
                collect_duplicate_keys(&member.value, pointer, out);
                pointer.truncate(depth);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                // Writing to a String cannot fail.
                let _ = write!(pointer, "/{i}");
                collect_duplicate_keys(item, pointer, out);
                pointer.truncate(depth);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{Syntax, parse};

    fn doc(json: &str) -> PolicyDoc {
        build_policy(&parse(json, Syntax::Json).unwrap(), "", None, None)
    }

    #[test]
    fn statement_object_or_array_and_pointers() {
        let one = doc(r#"{"Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}}"#);
        assert_eq!(one.statements.len(), 1);
        assert_eq!(one.statements[0].action.as_ref().unwrap().items[0].loc.pointer, "/Statement/Action");
        let many = doc(r#"{"Statement": [{"Effect": "Allow", "Action": ["a:b", "c:d"], "Resource": "*"}]}"#);
        assert_eq!(many.statements[0].action.as_ref().unwrap().items[1].loc.pointer, "/Statement/0/Action/1");
    }

    #[test]
    fn kinds_are_sniffed() {
        let trust = doc(
            r#"{"Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}"#,
        );
        assert_eq!(trust.kind, Kind::Trust);
        let resource = doc(r#"{"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*"}]}"#);
        assert_eq!(resource.kind, Kind::Resource);
        assert_eq!(doc(r#"{"Statement": []}"#).kind, Kind::Identity);
    }

    #[test]
    fn wrong_types_and_unknown_keys_are_recorded_not_fatal() {
        let d = doc(r#"{"Statement": [{"Effect": "Allow", "Action": [1], "Resources": "*"}, "x"], "Versio": 1}"#);
        let problems: Vec<_> = d.malformed.iter().map(|m| m.problem.as_str()).collect();
        assert_eq!(problems.len(), 4, "{problems:?}");
        assert!(problems.iter().any(|p| p.contains("did you mean `Resource`")));
        assert_eq!(d.statements.len(), 1);
    }

    #[test]
    fn duplicate_keys_point_at_the_later_one() {
        let d = doc(r#"{"Statement": [{"Effect": "Allow", "Effect": "Deny"}]}"#);
        assert_eq!(d.duplicate_keys.len(), 1);
        assert_eq!(d.duplicate_keys[0].loc.pointer, "/Statement/0/Effect");
        assert_eq!(d.duplicate_keys[0].loc.span.start, 35);
    }
}
