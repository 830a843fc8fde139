//! Rules as data: packs are TOML files (`pack`), evaluated over the policy model by a small,
//! closed vocabulary of statement matchers (`matcher`) and named built-in checks (`checks`).

mod app_matcher;
mod builtin;
mod catalog_checks;
mod checks;
mod document_matcher;
mod engine;
mod hit;
mod matcher;
mod matcher_syntax;
mod pack;
mod principal_matcher;
mod resource_checks;
mod rule_set;
mod trust_checks;
mod validator;

pub(crate) use engine::{evaluate, evaluate_app, evaluate_template, interpolate};
pub(crate) use pack::Rule;
pub(crate) use rule_set::{RuleSet, Selection};
// What the schema of rule packs lists (`test_support::schema`).
#[cfg(test)]
pub(crate) use {checks::Check, matcher::ReportAt, principal_matcher::PrincipalScope};
