//! What IAM means, below every front end and rule: the typed policy model, wildcard
//! semantics and the embedded catalog of services, actions, resource types and condition keys.
//! (DESIGN §13's semantic core grows here.)

pub(crate) mod catalog;
pub(crate) mod glob;
pub(crate) mod model;
