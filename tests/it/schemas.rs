//! The JSON Schemas of `iam-lint.toml` and of rule packs, for editors that complete TOML
//! (Even Better TOML / Taplo read `#:schema` or their own association). They are derived from
//! the raw config and pack types by unit tests (`src/test_support/schema.rs`; `IAM_LINT_BLESS=1
//! cargo test --lib schema` rewrites them) and committed in `schemas/`. Here every built-in
//! pack and every config in `testdata/` must validate against the committed files, and a
//! misspelt key must not.

use std::path::Path;

use crate::common::{files_below, repo};
use serde_json::{Value, json};

/// A TOML file as the JSON an editor's schema check sees (dates as strings).
fn toml_as_json(path: &Path) -> Value {
    let value: toml::Value = toml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    fn convert(value: toml::Value) -> Value {
        match value {
            toml::Value::String(s) => Value::String(s),
            toml::Value::Integer(i) => json!(i),
            toml::Value::Float(f) => json!(f),
            toml::Value::Boolean(b) => Value::Bool(b),
            toml::Value::Datetime(d) => Value::String(d.to_string()),
            toml::Value::Array(items) => Value::Array(items.into_iter().map(convert).collect()),
            toml::Value::Table(table) => Value::Object(table.into_iter().map(|(k, v)| (k, convert(v))).collect()),
        }
    }
    convert(value)
}

/// The committed schema `schemas/NAME`, compiled.
fn compiled(name: &str) -> (boon::Schemas, boon::SchemaIndex) {
    let text = std::fs::read_to_string(repo().join("schemas").join(name)).unwrap();
    let schema: Value = serde_json::from_str(&text).unwrap();
    let mut compiler = boon::Compiler::new();
    let url = format!("https://iam-lint.invalid/{name}");
    compiler.add_resource(&url, schema).unwrap();
    let mut schemas = boon::Schemas::new();
    let index = compiler.compile(&url, &mut schemas).unwrap();
    (schemas, index)
}

fn every_document_validates(name: &str, documents: &[std::path::PathBuf]) {
    let (schemas, index) = compiled(name);
    assert!(!documents.is_empty());
    for document in documents {
        if let Err(err) = schemas.validate(&toml_as_json(document), index) {
            panic!("{} does not validate against schemas/{name}:\n{err:#}", document.display());
        }
    }
}

#[test]
fn every_config_validates_and_a_misspelt_key_does_not() {
    let mut configs: Vec<_> =
        files_below(&repo().join("testdata/config")).into_iter().filter(|p| p.ends_with("iam-lint.toml")).collect();
    configs.push(repo().join("src/app/config_starter.toml"));
    every_document_validates("iam-lint.schema.json", &configs);
    // And it is strict: a misspelt key is caught in the editor as iam-lint would catch it.
    let (schemas, index) = compiled("iam-lint.schema.json");
    let misspelt = toml_as_json(&repo().join("testdata/config/errors/syntax.toml"));
    assert!(schemas.validate(&misspelt, index).is_err());
}

#[test]
fn every_builtin_pack_validates_and_a_misspelt_key_does_not() {
    let packs: Vec<_> =
        files_below(&repo().join("rules")).into_iter().filter(|p| p.extension().is_some_and(|e| e == "toml")).collect();
    every_document_validates("rule-pack.schema.json", &packs);
    let (schemas, index) = compiled("rule-pack.schema.json");
    let pack = toml_as_json(&repo().join("rules/grammar.toml"));
    for (pointer, key) in [("", "packs"), ("/rule/0", "severty"), ("/rule/0", "check-name")] {
        let mut misspelt = pack.clone();
        misspelt.pointer_mut(pointer).unwrap().as_object_mut().unwrap().insert(key.to_owned(), json!(true));
        assert!(schemas.validate(&misspelt, index).is_err(), "`{key}` at `{pointer}` passes");
    }
}
