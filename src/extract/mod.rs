//! Finding the policy documents in a parsed file: a bare policy document (`policy`), or every
//! policy of a CloudFormation template (`cfn`, with `intrinsics` for its functions).

mod cfn;
mod embedded;
mod intrinsics;
mod origin;
mod policy;

pub use origin::origin;

use crate::model::{Kind, PolicyDoc};
use crate::parse::Node;

/// What a parsed file turned out to be.
pub enum Extracted {
    Policies(Vec<PolicyDoc>),
    /// Neither a policy, a template nor a cloud assembly.
    Unrecognised,
}

pub use cfn::is_template;

/// Recognises the file's shape and builds its policies. `kind` overrides what a bare policy's
/// shape suggests; a template says itself what kind each of its policies is.
pub fn extract(root: &Node, text: &str, kind: Option<Kind>) -> Extracted {
    if root.is_object() && root.get("Statement").is_some() {
        return Extracted::Policies(vec![policy::build_policy(root, "", kind, None)]);
    }
    if is_template(root) {
        return Extracted::Policies(cfn::template_policies(root, text));
    }
    Extracted::Unrecognised
}
