//! Finding the policy documents in a parsed file. Bare policy documents today; templates and
//! cloud assemblies add their own module beside `policy`.

mod policy;

pub use policy::build_policy;

use crate::model::{Kind, PolicyDoc};
use crate::parse::Node;

/// What a parsed file turned out to be.
pub enum Extracted {
    Policies(Vec<PolicyDoc>),
    /// A CloudFormation template, which this version does not read yet.
    Template,
    /// Neither a policy, a template nor a cloud assembly.
    Unrecognised,
}

/// Recognises the file's shape and builds its policies. `kind` overrides sniffing.
pub fn extract(root: &Node, kind: Option<Kind>) -> Extracted {
    if root.is_object() && root.get("Statement").is_some() {
        return Extracted::Policies(vec![build_policy(root, "", kind)]);
    }
    if root.get("AWSTemplateFormatVersion").is_some() || root.get("Resources").is_some_and(|r| r.value.is_object()) {
        return Extracted::Template;
    }
    Extracted::Unrecognised
}
