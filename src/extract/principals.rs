//! The IAM principals a template declares, with the managed policies they attach and the
//! permissions boundaries that bound them; and which managed policies of the template are
//! boundaries (DESIGN §4), so that identity-policy rules leave them alone.

use std::collections::{BTreeSet, HashMap};

use super::intrinsics::Template;
use super::policy::resolved_texts;
use crate::iam::model::{Loc, PrincipalResource};
use crate::parse::{Member, Node};
use crate::pointer::{pointer_child, resource_pointer};

/// Resource types that are or create a principal: where they list managed policies, and
/// whether they are SAM resources (whose `Policies` may name AWS managed policies bare).
const PRINCIPAL_TYPES: [(&str, &str, bool); 5] = [
    ("AWS::IAM::Role", "ManagedPolicyArns", false),
    ("AWS::IAM::User", "ManagedPolicyArns", false),
    ("AWS::IAM::Group", "ManagedPolicyArns", false),
    ("AWS::Serverless::Function", "Policies", true),
    ("AWS::Serverless::StateMachine", "Policies", true),
];

/// The example boundary of the CDK bootstrap template (its spelling, typo included).
pub(super) const BOOTSTRAP_EXAMPLE_BOUNDARY: &str = "CdkBoostrapPermissionsBoundaryPolicy";

/// The principal `resource` (a member of `Resources`) declares, if any. `globals` is a SAM
/// template's `Globals` section, whose `Function` and `StateMachine` properties apply to every
/// function and state machine that does not set its own.
pub(super) fn principal(
    resource: &Member,
    template: &Template<'_>,
    globals: Option<&Node>,
) -> Option<PrincipalResource> {
    let resource_type = resource.value.get("Type")?.value.scalar_text()?;
    let (_, policies_key, sam) = PRINCIPAL_TYPES.iter().find(|(t, _, _)| *t == resource_type)?;
    let head = resource_pointer(&resource.key);
    let pointer = pointer_child(&head, "Properties");
    let properties = resource.value.get("Properties");
    let global = |key: &str| {
        let section = resource_type.strip_prefix("AWS::Serverless::")?;
        globals?.get(section)?.value.get(key)
    };
    let property = |key: &str| properties.and_then(|p| p.value.get(key)).or_else(|| global(key));
    // A SAM function given an existing `Role` creates none: SAM ignores its `Policies`.
    if *sam && property("Role").is_some() {
        return None;
    }
    let mut managed_policies = Vec::new();
    if let Some(member) = property(policies_key) {
        let mut texts = resolved_texts(&member.value, &pointer_child(&pointer, policies_key), template);
        if *sam {
            for text in &mut texts {
                text.text = sam_managed_policy_arn(&text.text);
            }
        }
        managed_policies = texts;
    }
    let boundary = match property("PermissionsBoundary") {
        Some(member) => resolved_texts(&member.value, &pointer_child(&pointer, "PermissionsBoundary"), template),
        None => Vec::new(),
    };
    Some(PrincipalResource {
        logical_id: resource.key.clone(),
        resource_type: resource_type.to_owned(),
        head: Loc { pointer: head, span: resource.key_span },
        managed_policies,
        boundary,
    })
}

/// The `AWS::IAM::ManagedPolicy` resources of a template with a literal `ManagedPolicyName`,
/// as (logical id, name): another template may name them as a boundary.
pub(super) fn managed_policy_names<'r>(
    resources: &'r Node,
    template: &Template<'_>,
) -> impl Iterator<Item = (&'r str, String)> {
    resources.members().iter().filter_map(|resource| {
        if resource.value.get("Type")?.value.scalar_text()? != "AWS::IAM::ManagedPolicy" {
            return None;
        }
        let name = resource.value.get("Properties")?.value.get("ManagedPolicyName")?;
        let name = template.values(&name.value).into_iter().next()?;
        is_literal_name(&name).then_some((resource.key.as_str(), name))
    })
}

/// The policy name a boundary ARN ends with, when it is written out (not a placeholder).
pub(crate) fn boundary_name(arn: &str) -> Option<&str> {
    let (_, path) = arn.split_once(":policy/")?;
    let name = path.rsplit('/').next()?;
    is_literal_name(name).then_some(name)
}

fn is_literal_name(name: &str) -> bool {
    !name.is_empty() && !name.contains(['<', '$', '*'])
}

/// SAM accepts an AWS managed policy by name (`AmazonS3ReadOnlyAccess`) and expands it to its
/// ARN; anything else (an ARN, a placeholder) is kept.
fn sam_managed_policy_arn(value: &str) -> String {
    let is_name = !value.is_empty() && value.chars().all(|c| c.is_ascii_alphanumeric() || "+=,.@-_/".contains(c));
    if is_name && !value.starts_with("arn:") {
        format!("arn:${{AWS::Partition}}:iam::aws:policy/{value}")
    } else {
        value.to_owned()
    }
}

/// The `AWS::IAM::ManagedPolicy` resources that some principal of the template uses as its
/// permissions boundary, by logical id, each with its own ARN (placeholders where the template
/// leaves it unknown): by `Ref`/`GetAtt` (resolved to `<Id>`,
/// `<Id.PolicyArn>`) or by an ARN ending in the policy's name; and, in a CDK bootstrap
/// template, its example boundary.
pub(super) fn boundary_policies(
    resources: &Node,
    principals: &[PrincipalResource],
    template: &Template<'_>,
    bootstrap: bool,
    named_elsewhere: &BTreeSet<String>,
) -> HashMap<String, String> {
    let boundaries: Vec<&str> = principals.iter().flat_map(|p| &p.boundary).map(|t| t.text.as_str()).collect();
    let mut found = HashMap::new();
    for resource in resources.members() {
        let is_managed_policy =
            resource.value.get("Type").and_then(|t| t.value.scalar_text()) == Some("AWS::IAM::ManagedPolicy");
        if !is_managed_policy {
            continue;
        }
        let id = &resource.key;
        let property = |key: &str| {
            let values =
                resource.value.get("Properties").and_then(|p| p.value.get(key)).map(|n| template.values(&n.value));
            values.unwrap_or_default().into_iter().find(|v| !v.is_empty())
        };
        let name = property("ManagedPolicyName");
        let referenced = name.as_ref().is_some_and(|n| named_elsewhere.contains(n))
            || boundaries.iter().any(|arn| {
                *arn == format!("<{id}>")
                    || *arn == format!("<{id}.PolicyArn>")
                    || name.as_ref().is_some_and(|n| arn.contains(":policy/") && arn.ends_with(&format!("/{n}")))
            });
        if referenced || (bootstrap && id == BOOTSTRAP_EXAMPLE_BOUNDARY) {
            // Without a name, CloudFormation makes one up: the logical id stands for it.
            let name = name.unwrap_or_else(|| format!("<{id}>"));
            let path = property("Path").unwrap_or_else(|| "/".into());
            found.insert(id.clone(), format!("arn:${{AWS::Partition}}:iam::${{AWS::AccountId}}:policy{path}{name}"));
        }
    }
    found
}
