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

pub use origin::origin;

pub use intrinsics::ParameterValues;

use crate::model::{Kind, Notice, PolicyDoc, TemplateFacts};
use crate::parse::Node;

/// The policies of a file; for a template also its principals and what was not checked.
#[derive(Debug, Default)]
pub struct Extraction {
    pub policies: Vec<PolicyDoc>,
    pub facts: TemplateFacts,
    pub notices: Vec<Notice>,
}

pub use cfn::is_template;

/// Recognises the file's shape and builds its policies. `kind` overrides what a bare policy's
/// shape suggests; a template says itself what kind each of its policies is. `None` when the
/// file is neither a policy nor a template.
pub fn extract(root: &Node, text: &str, kind: Option<Kind>, values: &ParameterValues) -> Option<Extraction> {
    if root.is_object() && root.get("Statement").is_some() {
        let policies = vec![policy::build_policy(root, "", kind, None)];
        return Some(Extraction { policies, ..Extraction::default() });
    }
    is_template(root).then(|| cfn::template_extraction(root, text, values))
}
