//! What a template says about the place of a finding, worked out after the rules ran: the
//! resource's logical id, its CDK construct path (`Metadata.aws:cdk:path`), and the `Fn::If`
//! conditions under which the offending element is deployed.

use super::intrinsics::{ParameterValues, Template};
use crate::finding::Origin;
use crate::parse::{Node, Value};
use crate::pointer::unescape_token;
use crate::source::Span;

/// The template-level facts of a finding at `pointer` (a pointer into the template) and
/// `span`, about `element`; `values` are the parameter values the policies were resolved with.
pub(crate) fn origin(
    root: &Node,
    values: &ParameterValues,
    pointer: &str,
    span: Span,
    element: &str,
) -> Option<Origin> {
    let mut tokens = pointer.strip_prefix("/Resources/")?.splitn(2, '/');
    let logical_id = unescape_token(tokens.next()?);
    let resource = &root.get("Resources")?.value.get(&logical_id)?.value;
    let construct = resource
        .get("Metadata")
        .and_then(|m| m.value.get("aws:cdk:path"))
        .and_then(|p| p.value.scalar_text())
        .map(str::to_owned);
    let mut conditions = Vec::new();
    if root.get("Conditions").is_some() {
        let template = Template::of(root, values);
        branch_conditions(&template, resource, span, element, &mut conditions);
    }
    let property_path = tokens.next().unwrap_or_default().split('/').map(unescape_token).collect::<Vec<_>>().join(".");
    Some(Origin { logical_id, property_path, construct, conditions })
}

/// The `Fn::If` branches on the way from `node` down to `span`, outermost first, as
/// "`IsProd` is false". An element resolved from a whole `Fn::If` call (`Action: !If [C, a, b]`)
/// is placed in the branch whose value it is.
fn branch_conditions(template: &Template<'_>, node: &Node, span: Span, element: &str, out: &mut Vec<String>) {
    // `at` is where the finding points: inside `node`, or `node` itself when the element is a
    // value of the whole call.
    if let Some(member) = node.get("Fn::If").filter(|_| node.members().len() == 1)
        && let Value::Array(args) = &member.value.value
        && let [condition, when_true, when_false] = args.as_slice()
    {
        let name = condition.scalar_text().unwrap_or("?");
        let is_value_of = |branch: &Node| template.values(branch).iter().any(|v| v == element);
        for (branch, value) in [(when_true, true), (when_false, false)] {
            let inside = contains(branch.span, span);
            if inside || (node.span == span && is_value_of(branch)) {
                out.push(format!("`{name}` is {value}"));
                // A value of the whole call: look for the element in the branch in turn.
                let at = if inside { span } else { branch.span };
                return branch_conditions(template, branch, at, element, out);
            }
        }
        return;
    }
    let children: Box<dyn Iterator<Item = &Node>> = match &node.value {
        Value::Array(items) => Box::new(items.iter()),
        Value::Object(members) => Box::new(members.iter().map(|m| &m.value)),
        _ => return,
    };
    for child in children {
        if contains(child.span, span) {
            return branch_conditions(template, child, span, element, out);
        }
    }
}

fn contains(outer: Span, inner: Span) -> bool {
    outer.start <= inner.start && inner.end <= outer.end && outer != Span::default()
}
