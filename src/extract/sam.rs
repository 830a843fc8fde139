//! AWS SAM's `Policies` property of functions and state machines: a policy document, an AWS
//! managed policy name or ARN (an attachment, see `principals`), a SAM policy template such as
//! `{S3ReadPolicy: {BucketName: ...}}`, or a list of these. Policy templates are not expanded:
//! a notice says their permissions were not checked.

use super::intrinsics::Template;
use super::policy::build_policy;
use crate::iam::model::{Kind, Loc, Notice, PolicyDoc};
use crate::parse::{Member, Node, Value};
use crate::pointer::{pointer_child, resource_pointer};

/// Resource types whose `Policies` property SAM reads.
pub(super) const SAM_TYPES: [&str; 2] = ["AWS::Serverless::Function", "AWS::Serverless::StateMachine"];

/// The inline policy documents of the SAM resource's `Policies`, and a notice per policy
/// template.
pub(super) fn sam_policies(
    resource: &Member,
    template: &Template<'_>,
    policies: &mut Vec<PolicyDoc>,
    notices: &mut Vec<Notice>,
) {
    let Some(member) = resource.value.get("Properties").and_then(|p| p.value.get("Policies")) else { return };
    let pointer = pointer_child(&pointer_child(&resource_pointer(&resource.key), "Properties"), "Policies");
    let items: Vec<(String, &Node)> = match &member.value.value {
        Value::Array(items) => {
            items.iter().enumerate().map(|(i, item)| (pointer_child(&pointer, &i.to_string()), item)).collect()
        }
        _ => vec![(pointer.clone(), &member.value)],
    };
    for (item_pointer, item) in items {
        for branch in template.branches(item) {
            if branch.get("Statement").is_some() {
                policies.push(build_policy(branch, &item_pointer, Some(Kind::Identity), Some(template)));
            } else if let [policy_template] = branch.members()
                && !policy_template.key.starts_with("Fn::")
                && policy_template.key != "Ref"
            {
                notices.push(Notice {
                    loc: Loc {
                        pointer: pointer_child(&item_pointer, &policy_template.key),
                        span: policy_template.key_span,
                    },
                    message: format!(
                        "SAM policy template `{}` is not expanded: iam-lint does not check the permissions it grants",
                        policy_template.key
                    ),
                });
            }
        }
    }
}
