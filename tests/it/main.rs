//! The integration tests, as one crate: each module was once a test binary of its own, and
//! every binary linked the whole library again. `cargo test --test it MODULE` runs one of them
//! (`cargo test --test it cli::`). Two others stand apart: the per-rule fixtures
//! (`tests/fixtures`, a harness of their own, one test per fixture) and `tests/memory.rs`,
//! which measures a child's peak memory and so needs a process with nothing else in it.

// The pack schema is one deep `json!` literal.
#![recursion_limit = "256"]

mod common;

mod action;
mod baseline;
mod catalog;
mod cli;
mod config;
mod corpus;
mod docs;
mod fuzz_regressions;
mod interface;
mod pre_commit;
mod robustness;
mod rules;
mod sarif;
mod schemas;
mod workflows;
