//! CloudFormation templates (JSON or YAML, short tags already in their long form): every
//! policy-bearing property of every resource, with the policy kind it holds and the JSON
//! pointer of its place (which names the resource's logical id).

use std::collections::BTreeSet;

use super::Extraction;
use super::bootstrap::{bootstrap, is_bootstrap};
use super::embedded::embedded_document;
use super::intrinsics::{ParameterValues, Template};
use super::permission::{LAYER_VERSION_PERMISSION, layer_version_permission};
use super::policy::build_policy;
use super::principals::{boundary_policies, managed_policy_names, principal};
use super::sam::{SAM_TYPES, sam_policies};
use super::size::{QuotaScope, assign_quotas, quota_scopes};
use crate::iam::model::{BoundaryRequirement, Kind, PolicyDoc, PrincipalResource, TemplateFacts};
use crate::parse::{Node, Value};
use crate::pointer::{pointer_child, resource_pointer};

/// Where a resource type keeps a policy: a property path below `Properties` (`*` steps into
/// each item of a list) and the kind of policy found there.
struct Site {
    resource_type: &'static str,
    path: &'static [&'static str],
    kind: Kind,
}

const fn site(resource_type: &'static str, path: &'static [&'static str], kind: Kind) -> Site {
    Site { resource_type, path, kind }
}

const SITES: &[Site] = &[
    site("AWS::IAM::Role", &["AssumeRolePolicyDocument"], Kind::Trust),
    site("AWS::IAM::Role", &["Policies", "*", "PolicyDocument"], Kind::Identity),
    site("AWS::IAM::User", &["Policies", "*", "PolicyDocument"], Kind::Identity),
    site("AWS::IAM::Group", &["Policies", "*", "PolicyDocument"], Kind::Identity),
    site("AWS::IAM::Policy", &["PolicyDocument"], Kind::Identity),
    site("AWS::IAM::ManagedPolicy", &["PolicyDocument"], Kind::Identity),
    site("AWS::IAM::RolePolicy", &["PolicyDocument"], Kind::Identity),
    site("AWS::IAM::UserPolicy", &["PolicyDocument"], Kind::Identity),
    site("AWS::IAM::GroupPolicy", &["PolicyDocument"], Kind::Identity),
    site("AWS::SSO::PermissionSet", &["InlinePolicy"], Kind::Identity),
    site("AWS::S3::BucketPolicy", &["PolicyDocument"], Kind::Resource),
    site("AWS::SQS::QueuePolicy", &["PolicyDocument"], Kind::Resource),
    site("AWS::SNS::TopicPolicy", &["PolicyDocument"], Kind::Resource),
    site("AWS::KMS::Key", &["KeyPolicy"], Kind::Resource),
    site("AWS::ECR::Repository", &["RepositoryPolicyText"], Kind::Resource),
    site("AWS::SecretsManager::ResourcePolicy", &["ResourcePolicy"], Kind::Resource),
    site("AWS::Logs::ResourcePolicy", &["PolicyDocument"], Kind::Resource),
    site("AWS::OpenSearchService::Domain", &["AccessPolicies"], Kind::Resource),
    site("AWS::Elasticsearch::Domain", &["AccessPolicies"], Kind::Resource),
];

/// Resource policies that apply to their one resource, which statements may leave out.
const IMPLICIT_RESOURCE_TYPES: [&str; 1] = ["AWS::ECR::Repository"];

/// Is this tree a CloudFormation template?
pub(crate) fn is_template(root: &Node) -> bool {
    root.get("AWSTemplateFormatVersion").is_some() || root.get("Resources").is_some_and(|r| r.value.is_object())
}

/// Every policy document in the template's resources, in source order, with the principals
/// they belong to and what could not be checked.
pub(super) fn template_extraction(
    root: &Node,
    text: &str,
    values: &ParameterValues,
    boundary_names: &BTreeSet<String>,
) -> Extraction {
    let template = Template::of(root, values);
    let mut extraction = Extraction::default();
    let Some(resources) = root.get("Resources").map(|r| &r.value) else { return extraction };
    let globals = root.get("Globals").map(|g| &g.value);
    let principals: Vec<PrincipalResource> =
        resources.members().iter().filter_map(|r| principal(r, &template, globals)).collect();
    let is_bootstrap = is_bootstrap(root);
    let boundaries = boundary_policies(resources, &principals, &template, is_bootstrap, boundary_names);
    for resource in resources.members() {
        let Some(resource_type) = resource.value.get("Type").and_then(|t| t.value.scalar_text()) else { continue };
        if SAM_TYPES.contains(&resource_type) {
            sam_policies(resource, &template, &mut extraction.policies, &mut extraction.notices);
            continue;
        }
        if resource_type == LAYER_VERSION_PERMISSION {
            extraction.policies.extend(layer_version_permission(resource, &template));
            continue;
        }
        let Some(properties) = resource.value.get("Properties") else { continue };
        let pointer = pointer_child(&resource_pointer(&resource.key), "Properties");
        for site in SITES.iter().filter(|s| s.resource_type == resource_type) {
            let own_arn = boundaries.get(&resource.key);
            let kind = if own_arn.is_some() { Kind::Boundary } else { site.kind };
            let place = Place { template: &template, text, kind };
            let first = extraction.policies.len();
            collect(&properties.value, &pointer, site.path, &place, &mut extraction.policies);
            for doc in &mut extraction.policies[first..] {
                doc.resource_implicit = IMPLICIT_RESOURCE_TYPES.contains(&resource_type);
                doc.own_arn = own_arn.cloned();
            }
        }
    }
    let scopes: Vec<(usize, Vec<QuotaScope>)> = extraction
        .policies
        .iter()
        .enumerate()
        .map(|(i, doc)| (i, quota_scopes(resources, &doc.head.pointer)))
        .collect();
    assign_quotas(&mut extraction.policies, &scopes);
    // The bootstrap template's roles are the deployment's own, not ones its users create.
    let boundaries_required = principals
        .iter()
        .find(|p| p.has_boundary() && !is_bootstrap)
        .map(|p| BoundaryRequirement::Sibling(p.logical_id.clone()));
    let other_policy_names = managed_policy_names(resources, &template)
        .filter(|(id, _)| !boundaries.contains_key(*id))
        .map(|(_, name)| name)
        .collect();
    extraction.facts = TemplateFacts {
        bootstrap: if is_bootstrap { bootstrap(root, &template) } else { None },
        principals,
        boundaries_required,
        other_policy_names,
    };
    extraction
}

/// What a policy site needs besides the node: the template, the file's text (to locate what
/// a JSON string holds) and the kind of policy kept there.
struct Place<'a> {
    template: &'a Template<'a>,
    text: &'a str,
    kind: Kind,
}

/// Follows `path` from `node`, and builds the policy documents found at its end.
fn collect(node: &Node, pointer: &str, path: &[&str], place: &Place<'_>, out: &mut Vec<PolicyDoc>) {
    let Some((step, rest)) = path.split_first() else {
        for document in place.template.branches(node) {
            if document.get("Statement").is_some() {
                out.push(build_policy(document, pointer, Some(place.kind), Some(place.template)));
            } else if let Some(parsed) = embedded_document(document, place.template, place.text) {
                // Placeholders in the string are already resolved: no template to apply.
                out.push(build_policy(&parsed, pointer, Some(place.kind), None));
            }
        }
        return;
    };
    match (*step, &node.value) {
        ("*", Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                for branch in place.template.branches(item) {
                    collect(branch, &pointer_child(pointer, &i.to_string()), rest, place, out);
                }
            }
        }
        ("*", _) => {}
        (key, _) => {
            if let Some(member) = node.get(key) {
                collect(&member.value, &pointer_child(pointer, key), rest, place, out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{Syntax, parse};

    const TEMPLATE: &str = r#"
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  BucketName: {Type: String, Default: reports}
Conditions:
  IsProd: !Equals [!Ref AWS::AccountId, "111122223333"]
Resources:
  AppRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {Service: lambda.amazonaws.com}
            Action: sts:AssumeRole
      Policies:
        - PolicyName: read
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: !If [IsProd, "s3:GetObject", "s3:*"]
                Resource: !Sub "arn:${AWS::Partition}:s3:::${BucketName}/*"
        - !Ref AWS::NoValue
  Bucket:
    Type: AWS::S3::Bucket
  BucketPolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Bucket
      PolicyDocument:
        Statement:
          - Effect: Deny
            Principal: "*"
            Action: "s3:*"
            Resource: [!GetAtt Bucket.Arn, !Join ["", [!GetAtt Bucket.Arn, "/*"]]]
"#;

    #[test]
    fn finds_every_policy_with_its_kind_and_place() {
        let root = parse(TEMPLATE, Syntax::Yaml).unwrap();
        assert!(is_template(&root));
        let policies =
            template_extraction(&root, TEMPLATE, &super::super::intrinsics::NO_VALUES, &BTreeSet::new()).policies;
        let places: Vec<(Kind, &str)> = policies.iter().map(|p| (p.kind, p.head.pointer.as_str())).collect();
        assert_eq!(
            places,
            [
                (Kind::Trust, "/Resources/AppRole/Properties/AssumeRolePolicyDocument"),
                (Kind::Identity, "/Resources/AppRole/Properties/Policies/0/PolicyDocument"),
                (Kind::Resource, "/Resources/BucketPolicy/Properties/PolicyDocument"),
            ]
        );
        let identity = &policies[1].statements[0];
        let actions: Vec<&str> = identity.action.as_ref().unwrap().items.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(actions, ["s3:GetObject", "s3:*"], "both branches of Fn::If");
        let resource = &identity.resource.as_ref().unwrap().items[0];
        assert_eq!(resource.text, "arn:${AWS::Partition}:s3:::reports/*");
        assert_eq!(
            resource.loc.pointer,
            "/Resources/AppRole/Properties/Policies/0/PolicyDocument/Statement/0/Resource"
        );
        let bucket: Vec<&str> =
            policies[2].statements[0].resource.as_ref().unwrap().items.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(bucket, ["<Bucket.Arn>", "<Bucket.Arn>/*"]);
        assert!(
            policies.iter().all(|p| p.malformed.is_empty()),
            "{:?}",
            policies.iter().map(|p| &p.malformed).collect::<Vec<_>>()
        );
    }
}
