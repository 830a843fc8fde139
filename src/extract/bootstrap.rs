//! The CDK bootstrap template (`cdk bootstrap`, or a customised copy of it): recognised by its
//! `CdkBootstrapVersion` resource or `BootstrapVariant` parameter. What matters is the
//! CloudFormation execution role, which deploys every CDK stack, as the parameters given
//! deploy it (`CloudFormationExecutionPolicies`, `InputPermissionsBoundary`).

use super::intrinsics::Template;
use super::principals::principal;
use crate::iam::model::Bootstrap;
use crate::parse::Node;

const EXECUTION_ROLE: &str = "CloudFormationExecutionRole";

pub(super) fn is_bootstrap(root: &Node) -> bool {
    root.get("Resources").is_some_and(|r| r.value.get("CdkBootstrapVersion").is_some())
        || root.get("Parameters").is_some_and(|p| p.value.get("BootstrapVariant").is_some())
}

/// The execution role with its conditions decided by the parameters: with none given, the
/// empty `CloudFormationExecutionPolicies` default attaches `AdministratorAccess`.
pub(super) fn bootstrap(root: &Node, template: &Template<'_>) -> Option<Bootstrap> {
    let resources = &root.get("Resources")?.value;
    let role = resources.members().iter().find(|m| m.key == EXECUTION_ROLE)?;
    Some(Bootstrap { execution_role: principal(role, &template.deciding(), None)? })
}
