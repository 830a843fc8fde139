//! Finding the policy documents in a parsed file: a bare policy document (`policy`), or every
//! policy of a CloudFormation template (`cfn`, with `intrinsics` for its functions).

mod bootstrap;
mod cfn;
mod embedded;
mod intrinsics;
mod origin;
mod permission;
mod policy;
mod principals;
mod sam;
mod size;

pub(crate) use origin::origin;

pub(crate) use intrinsics::ParameterValues;

use std::collections::BTreeSet;

use crate::iam::model::{Kind, Notice, PolicyDoc, TemplateFacts};
use crate::parse::Node;

/// The policies of a file; for a template also its principals and what was not checked.
#[derive(Debug, Default)]
pub(crate) struct Extraction {
    pub policies: Vec<PolicyDoc>,
    pub facts: TemplateFacts,
    pub notices: Vec<Notice>,
}

pub(crate) use cfn::is_template;
pub(crate) use principals::boundary_name;

/// How files are read, beyond their own text.
#[derive(Clone, Copy)]
pub(crate) struct ExtractOptions<'a> {
    /// Overrides what a bare policy's shape suggests (`--kind`); a template says itself what
    /// kind each of its policies is.
    pub kind: Option<Kind>,
    /// Template parameter values (`--parameter`, `--parameters`).
    pub values: &'a ParameterValues,
    /// Names of managed policies used as permissions boundaries outside the template: by
    /// another template of the same assembly, or by the CDK app's context.
    pub boundary_names: &'a BTreeSet<String>,
}

/// Recognises the file's shape and builds its policies; `None` when the file is neither a
/// policy nor a template.
pub(crate) fn extract(root: &Node, text: &str, options: ExtractOptions<'_>) -> Option<Extraction> {
    if root.is_object() && root.get("Statement").is_some() {
        let policies = vec![policy::build_policy(root, "", options.kind, None)];
        return Some(Extraction { policies, ..Extraction::default() });
    }
    is_template(root).then(|| cfn::template_extraction(root, text, options.values, options.boundary_names))
}
