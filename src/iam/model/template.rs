//! What a CloudFormation template says beyond its policy documents: which roles, users and
//! groups it declares, what managed policies they attach and which boundaries bound them.
//! Template-level rules (attached policies, CDK bootstrap) read these facts.

use super::{Loc, Text};

/// The facts of one template; empty for a bare policy file.
#[derive(Debug, Default)]
pub(crate) struct TemplateFacts {
    pub principals: Vec<PrincipalResource>,
    /// Present when the template is a CDK bootstrap template.
    pub bootstrap: Option<Bootstrap>,
    /// Why every role and user of this template should have a permissions boundary, when
    /// something says so.
    pub boundaries_required: Option<BoundaryRequirement>,
    /// The literal names of its managed policies that are not boundaries here: another
    /// template of the assembly may use one as a boundary.
    pub other_policy_names: Vec<String>,
}

/// What says that the principals of a template must have a permissions boundary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum BoundaryRequirement {
    /// Another role or user of the same template has one (its logical id).
    Sibling(String),
    /// The CDK app whose assembly holds the template sets `@aws-cdk/core:permissionsBoundary`.
    CdkContext,
}

impl BoundaryRequirement {
    /// Why, for messages.
    pub(crate) fn reason(&self) -> String {
        match self {
            BoundaryRequirement::Sibling(id) => format!("`{id}` in this template has one"),
            BoundaryRequirement::CdkContext => "its CDK app sets `@aws-cdk/core:permissionsBoundary`".into(),
        }
    }
}

impl PrincipalResource {
    /// Has a permissions boundary (in some `Fn::If` branch at least).
    pub(crate) fn has_boundary(&self) -> bool {
        self.boundary.iter().any(|b| !b.text.is_empty())
    }

    /// Can have a permissions boundary: groups cannot.
    pub(crate) fn takes_boundary(&self) -> bool {
        self.resource_type != "AWS::IAM::Group"
    }
}

/// A resource that is (or creates) an IAM principal: a role, user or group, or a SAM function
/// or state machine (which create their role).
#[derive(Debug)]
pub(crate) struct PrincipalResource {
    pub logical_id: String,
    pub resource_type: String,
    /// The resource's key, where findings about the resource as a whole point.
    pub head: Loc,
    /// Managed policy ARNs attached, resolved (every `Fn::If` branch), each at its element.
    pub managed_policies: Vec<Text>,
    /// The permissions boundary ARN(s), resolved; empty when there is none.
    pub boundary: Vec<Text>,
}

/// The CDK bootstrap template's CloudFormation execution role, as deployed with the
/// parameters given (conditions decided where the parameters decide them).
#[derive(Debug)]
pub(crate) struct Bootstrap {
    pub execution_role: PrincipalResource,
}

/// Something the linter could not check and says so, rather than pass over it in silence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Notice {
    pub loc: Loc,
    pub message: String,
}

/// What a CDK app's `cdk.json` (and `cdk.context.json`) say about the roles the app creates,
/// with what its assembly shows.
#[derive(Debug)]
pub(crate) struct AppFacts {
    /// Where a finding about the app points: cdk.json's `context`, else the whole file.
    pub at: Loc,
    /// `@aws-cdk/core:permissionsBoundary` is set: CDK puts that boundary on every role.
    pub boundary_context: bool,
    /// The roles and users of the app's assembly without a permissions boundary, as their
    /// construct paths (or logical ids), in assembly order.
    pub unbounded: Vec<String>,
}
