//! Policy sizes as IAM counts them against its quotas (characters, white space not counted),
//! and which quota each policy of a template falls under: a managed policy alone (6,144), a
//! role trust policy (2,048), and the inline policies of one role (10,240), user (2,048) or
//! group (5,120) together, whether written in the principal or as `AWS::IAM::Policy`
//! resources naming it.

use std::collections::BTreeMap;

use super::intrinsics::Template;
use crate::iam::model::{PolicyDoc, Size, SizeQuota};
use crate::parse::{Node, Value};
use crate::pointer::unescape_token;

/// Typical lengths of what a template leaves unknown: the finding then says "estimated".
const PSEUDO_PARAMETERS: [(&str, usize); 6] = [
    ("${AWS::AccountId}", 12),
    ("${AWS::Region}", 9),
    ("${AWS::Partition}", 3),
    ("${AWS::URLSuffix}", 13),
    ("${AWS::StackName}", 20),
    ("${AWS::StackId}", 100),
];
/// An ARN such as `arn:aws:s3:::my-app-bucket-1a2b3c4d5e6f`.
const PLACEHOLDER_ARN: usize = 60;
const PLACEHOLDER_OTHER: usize = 20;

/// The document's size in minified JSON without white space, with intrinsic functions resolved
/// (the longest `Fn::If` branch).
pub(super) fn document_size(node: &Node, template: Option<&Template<'_>>) -> Size {
    let mut size = Size::default();
    if let Some(values) = template.and_then(|t| t.scalars(node)) {
        let longest = values.iter().map(|v| string_size(v)).max_by_key(|s| s.chars).unwrap_or_default();
        size.add(longest);
        return size;
    }
    match &node.value {
        Value::Null => size.chars = 4,
        Value::Bool(b) => size.chars = if *b { 4 } else { 5 },
        Value::Number(n) => size.chars = n.len(),
        Value::String(s) => size = string_size(s),
        Value::Array(items) => {
            size.chars = 2 + items.len().saturating_sub(1);
            for item in items {
                size.add(document_size(item, template));
            }
        }
        Value::Object(members) => {
            size.chars = 2 + members.len().saturating_sub(1);
            for member in members {
                size.add(string_size(&member.key));
                size.chars += 1;
                size.add(document_size(&member.value, template));
            }
        }
    }
    size
}

/// A JSON string's size: quotes and characters, without white space; placeholders at a typical
/// resolved length.
fn string_size(text: &str) -> Size {
    let mut size = Size { chars: 2, estimated: false };
    let mut rest = text;
    loop {
        // Placeholders start with `$` or `<`: what lies before the next one is plain text.
        let plain = rest.bytes().position(|b| b == b'$' || b == b'<').unwrap_or(rest.len());
        size.chars += plain_size(&rest[..plain]);
        rest = &rest[plain..];
        if rest.is_empty() {
            return size;
        }
        if let Some((pseudo, length)) = PSEUDO_PARAMETERS.iter().find(|(p, _)| rest.starts_with(p)) {
            size.chars += length;
            size.estimated = true;
            rest = &rest[pseudo.len()..];
        } else if let Some(end) = rest.strip_prefix('<').and_then(|r| r.find('>')) {
            let name = &rest[1..=end];
            size.chars += if name.contains("Arn") { PLACEHOLDER_ARN } else { PLACEHOLDER_OTHER };
            size.estimated = true;
            rest = &rest[end + 2..];
        } else {
            // A `$` or `<` that starts no placeholder: one character.
            size.chars += 1;
            rest = &rest[1..];
        }
    }
}

/// Characters without white space, as IAM counts them: JSON escapes `"` and `\`, and IAM
/// counts the escaped form.
fn plain_size(text: &str) -> usize {
    let size = |c: char| match c {
        '"' | '\\' => 2,
        c if c.is_whitespace() => 0,
        _ => 1,
    };
    // Policies are ASCII but for the odd description: count bytes then, not characters.
    if text.is_ascii() { text.bytes().map(|b| size(char::from(b))).sum() } else { text.chars().map(size).sum() }
}

/// Where a template's policy counts: alone against a quota, or with the other inline policies
/// of a principal.
pub(super) enum QuotaScope {
    Alone {
        limit: usize,
        what: &'static str,
    },
    /// The inline policies of the principal with this logical id and type.
    Inline {
        principal: String,
        principal_type: &'static str,
    },
}

/// The quotas the policy at `pointer` (in `resources`) counts against.
pub(super) fn quota_scopes(resources: &Node, pointer: &str) -> Vec<QuotaScope> {
    let Some((id_token, path)) = pointer.strip_prefix("/Resources/").and_then(|rest| rest.split_once('/')) else {
        return Vec::new();
    };
    let id = unescape_token(id_token);
    let Some(resource) = resources.get(&id).map(|r| &r.value) else { return Vec::new() };
    let property = |key: &str| resource.get("Properties").and_then(|p| p.value.get(key)).map(|m| &m.value);
    let inline = |principal: String, principal_type| QuotaScope::Inline { principal, principal_type };
    // `Roles: [!Ref AppRole]` or a literal name: the principal the policy is added to.
    let named = |node: &Node| match node.get("Ref") {
        Some(target) => target.value.scalar_text().map(str::to_owned),
        None => node.scalar_text().map(str::to_owned),
    };
    match resource.get("Type").and_then(|t| t.value.scalar_text()).unwrap_or_default() {
        "AWS::IAM::ManagedPolicy" => vec![QuotaScope::Alone { limit: 6_144, what: "a managed policy" }],
        "AWS::IAM::Role" if path.starts_with("Properties/AssumeRolePolicyDocument") => {
            vec![QuotaScope::Alone { limit: 2_048, what: "a role trust policy" }]
        }
        "AWS::IAM::Role" | "AWS::Serverless::Function" | "AWS::Serverless::StateMachine" => vec![inline(id, "role")],
        "AWS::IAM::User" => vec![inline(id, "user")],
        "AWS::IAM::Group" => vec![inline(id, "group")],
        "AWS::IAM::Policy" => [("Roles", "role"), ("Users", "user"), ("Groups", "group")]
            .into_iter()
            .flat_map(|(key, principal_type)| {
                let items = match property(key).map(|n| &n.value) {
                    Some(Value::Array(items)) => items.iter().filter_map(named).collect(),
                    _ => Vec::new(),
                };
                items.into_iter().map(move |name| inline(name, principal_type))
            })
            .collect(),
        "AWS::IAM::RolePolicy" => property("RoleName").and_then(named).map(|n| inline(n, "role")).into_iter().collect(),
        "AWS::IAM::UserPolicy" => property("UserName").and_then(named).map(|n| inline(n, "user")).into_iter().collect(),
        "AWS::IAM::GroupPolicy" => {
            property("GroupName").and_then(named).map(|n| inline(n, "group")).into_iter().collect()
        }
        _ => Vec::new(),
    }
}

const INLINE_LIMITS: [(&str, usize); 3] = [("role", 10_240), ("user", 2_048), ("group", 5_120)];

/// Sums the inline policies of each principal and sets every document's quotas; a quota of a
/// group of policies is kept on its largest document, where the finding points.
pub(super) fn assign_quotas(policies: &mut [PolicyDoc], scopes: &[(usize, Vec<QuotaScope>)]) {
    // Per principal: the total, and the index and size of the largest document.
    let mut groups: BTreeMap<(&str, &str), (Size, usize, usize)> = BTreeMap::new();
    for (index, doc_scopes) in scopes {
        let size = policies[*index].size;
        for scope in doc_scopes {
            match scope {
                QuotaScope::Alone { limit, what } if size.chars > *limit => {
                    policies[*index].quotas.push(SizeQuota {
                        size: size.chars,
                        limit: *limit,
                        estimated: size.estimated,
                        what: (*what).to_owned(),
                    });
                }
                QuotaScope::Alone { .. } => {}
                QuotaScope::Inline { principal, principal_type } => {
                    let entry = groups.entry((principal_type, principal)).or_insert((Size::default(), *index, 0));
                    entry.0.add(size);
                    if size.chars > entry.2 {
                        (entry.1, entry.2) = (*index, size.chars);
                    }
                }
            }
        }
    }
    for ((principal_type, principal), (total, largest, _)) in groups {
        let limit = INLINE_LIMITS.iter().find(|(t, _)| *t == principal_type).map_or(usize::MAX, |(_, l)| *l);
        if total.chars > limit {
            policies[largest].quotas.push(SizeQuota {
                size: total.chars,
                limit,
                estimated: total.estimated,
                what: format!("the inline policies of {principal_type} `{principal}` together"),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{Syntax, parse};

    #[test]
    fn white_space_is_not_counted_and_placeholders_are_estimated() {
        let spaced = parse("{ \"Statement\" : [ { \"Effect\" : \"Allow\" } ] }", Syntax::Json).unwrap();
        let minified = r#"{"Statement":[{"Effect":"Allow"}]}"#;
        assert_eq!(document_size(&spaced, None), Size { chars: minified.len(), estimated: false });
        let sized = string_size("arn:${AWS::Partition}:s3:::<Bucket>/my key");
        assert_eq!(
            sized,
            Size { chars: 2 + "arn:".len() + 3 + ":s3:::".len() + PLACEHOLDER_OTHER + "/mykey".len(), estimated: true }
        );
        // A `$` or `<` that starts no placeholder is a character; escapes count twice; any
        // white space, not only ASCII, is left out.
        assert_eq!(string_size("a$b${X}<c \"\\\u{a0}é"), Size { chars: 2 + 9 + 2 + 2 + 1, estimated: false });
    }
}
