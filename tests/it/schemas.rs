//! The JSON Schemas of `iam-lint.toml` and of rule packs, for editors that complete TOML
//! (Even Better TOML / Taplo read `#:schema` or their own association). They are generated
//! here and committed in `schemas/`; `IAM_LINT_BLESS=1 cargo test --test schemas` rewrites
//! them. Every built-in pack and every config in `testdata/` must validate, so a schema that
//! falls behind the loaders fails.

use std::path::Path;

use crate::common::{files_below, repo};
use serde_json::{Value, json};

const CHECKS: [&str; 21] = [
    "missing-version",
    "invalid-version",
    "invalid-effect",
    "action-notaction-conflict",
    "resource-notresource-conflict",
    "invalid-action-format",
    "duplicate-sid",
    "misplaced-principal",
    "duplicate-key",
    "invalid-element",
    "unknown-service",
    "unknown-action",
    "unknown-condition-key",
    "invalid-condition-operator",
    "invalid-arn",
    "wildcard-resource",
    "resource-type-mismatch",
    "policy-too-large",
    "oidc-trust-without-subject",
    "suppression-without-reason",
    "unused-suppression",
];

fn strings() -> Value {
    json!({ "type": "array", "items": { "type": "string" } })
}

fn flag(description: &str) -> Value {
    json!({ "const": true, "description": description })
}

fn kinds() -> Value {
    json!({ "enum": ["identity", "resource", "trust", "boundary"] })
}

fn config_schema() -> Value {
    let severity = json!({ "enum": ["error", "warning", "note"] });
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://github.com/iam-lint/iam-lint/blob/main/schemas/iam-lint.schema.json",
        "title": "iam-lint.toml",
        "description": "iam-lint configuration: see the README's Configuration section",
        "type": "object",
        "additionalProperties": false,
        "properties": {
            "select": { "description": "Rules to run, by id or prefix; --select replaces it", "type": "array", "items": { "type": "string" } },
            "ignore": { "description": "Rules to skip, by id or prefix; --ignore adds to it", "type": "array", "items": { "type": "string" } },
            "fail-on": { "description": "Lowest severity that fails the run", "enum": ["error", "warning", "note", "never"] },
            "max-file-size": { "description": "Larger files are refused, in MiB; --max-file-size replaces it", "type": "integer", "minimum": 1, "maximum": 1024 },
            "packs": { "description": "Extra rule packs, relative to this file", "type": "array", "items": { "type": "string" } },
            "exclude": { "description": "Path globs left out when walking", "type": "array", "items": { "type": "string" } },
            "include": { "description": "Only these path globs, when walking", "type": "array", "items": { "type": "string" } },
            "severity": { "description": "Severity overrides, per rule id", "type": "object", "additionalProperties": severity },
            "rules": {
                "description": "Parameters of built-in checks, per rule id",
                "type": "object",
                "additionalProperties": { "type": "object", "additionalProperties": strings() }
            },
            "kinds": {
                "description": "The kind of bare policy files, by path glob",
                "type": "object",
                "additionalProperties": false,
                "properties": { "identity": strings(), "resource": strings(), "trust": strings(), "boundary": strings() }
            },
            "suppress": {
                "description": "Findings the project accepts",
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["rule"],
                    "properties": {
                        "rule": { "type": "string" },
                        "paths": strings(),
                        "resource": { "type": "string", "description": "A template resource's logical id" },
                        "action": { "type": "string", "description": "A glob over the offending element" },
                        "sid": { "type": "string", "description": "A statement's Sid" },
                        "reason": { "type": "string", "description": "Why, in at least 10 characters (S001)" },
                        "expires": { "type": "string", "format": "date" },
                        "owner": { "type": "string" }
                    }
                }
            }
        }
    })
}

fn pack_schema() -> Value {
    let one_of_flags = |flags: &[(&str, &str)]| -> Value {
        let properties: serde_json::Map<String, Value> =
            flags.iter().map(|(name, description)| ((*name).to_owned(), flag(description))).collect();
        json!({ "type": "object", "additionalProperties": false, "properties": properties })
    };
    let mut actions = one_of_flags(&[
        ("grants-everything", "`*` or `*:*`"),
        ("has-wildcard", "an action with `*` or `?`"),
        ("not-action", "uses NotAction"),
    ]);
    actions["properties"]["grants-any"] = strings();
    let mut resources = one_of_flags(&[("star", "`*` or every ARN"), ("not-resource", "uses NotResource")]);
    resources["properties"]["covers"] = json!({ "type": "string" });
    resources["properties"]["within"] = json!({ "type": "string" });
    let condition = json!({
        "type": "object",
        "additionalProperties": false,
        "properties": { "lacks-key": { "type": "string" }, "has-key": { "type": "string" }, "lacks-keys": strings() }
    });
    let principal =
        one_of_flags(&[("anyone", "`*`, AWS `*` or NotPrincipal"), ("other-account", "a literal account id")]);
    let statement = json!({
        "type": "object",
        "additionalProperties": false,
        "properties": {
            "effect": { "enum": ["Allow", "Deny"] },
            "actions": actions,
            "resources": resources,
            "condition": condition,
            "principal": principal,
            "unless-denied": { "type": "boolean" },
            "unless": { "$ref": "#/$defs/statement" },
            "report-at": { "enum": ["statement", "effect", "action", "resource", "condition", "principal"] }
        }
    });
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://github.com/iam-lint/iam-lint/blob/main/schemas/rule-pack.schema.json",
        "title": "iam-lint rule pack",
        "description": "A TOML rule pack: see docs/rule-packs.md",
        "type": "object",
        "additionalProperties": false,
        "required": ["pack"],
        "$defs": { "statement": statement },
        "properties": {
            "pack": {
                "type": "object",
                "additionalProperties": false,
                "required": ["name", "description"],
                "properties": { "name": { "type": "string" }, "description": { "type": "string" } }
            },
            "rule": {
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["id", "name", "severity", "applies-to", "summary", "message", "help"],
                    "properties": {
                        "id": { "type": "string", "pattern": "^[A-Z]+[0-9]{3}$" },
                        "name": { "type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$" },
                        "severity": { "enum": ["error", "warning", "note"] },
                        "applies-to": { "type": "array", "items": kinds(), "minItems": 1 },
                        "summary": { "type": "string" },
                        "message": { "type": "string" },
                        "help": { "type": "string" },
                        "docs": { "type": "string" },
                        "aliases": strings(),
                        "tags": strings(),
                        "security-severity": { "type": "number", "minimum": 0, "maximum": 10 },
                        "check": { "enum": CHECKS },
                        "params": { "type": "object", "additionalProperties": strings() },
                        "statement": { "type": "array", "items": { "$ref": "#/$defs/statement" } },
                        "principal": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "additionalProperties": false,
                                "properties": {
                                    "role": { "enum": ["any", "bootstrap-execution-role"] },
                                    "attaches": strings(),
                                    "except": strings(),
                                    "lacks-boundary": flag("no permissions boundary"),
                                    "if-boundaries-required": flag("only where the project requires boundaries"),
                                    "message": { "type": "string" }
                                }
                            }
                        },
                        "app": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "additionalProperties": false,
                                "required": ["lacks-boundary"],
                                "properties": { "lacks-boundary": flag("no boundary context"), "message": { "type": "string" } }
                            }
                        },
                        "document": {
                            "type": "object",
                            "additionalProperties": false,
                            "required": ["requires-statement"],
                            "properties": {
                                "requires-statement": {
                                    "type": "object",
                                    "additionalProperties": false,
                                    "required": ["effect", "actions"],
                                    "properties": {
                                        "effect": { "enum": ["Allow", "Deny"] },
                                        "actions": {
                                            "type": "object",
                                            "additionalProperties": false,
                                            "required": ["covers-all"],
                                            "properties": { "covers-all": strings() }
                                        },
                                        "resources": {
                                            "type": "object",
                                            "additionalProperties": false,
                                            "properties": { "includes": { "type": "string" } }
                                        },
                                        "condition": {
                                            "type": "object",
                                            "additionalProperties": false,
                                            "required": ["key", "operators"],
                                            "properties": {
                                                "key": { "type": "string" },
                                                "operators": strings(),
                                                "value": { "type": "string" }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    })
}

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

fn check_schema(name: &str, schema: Value, documents: &[std::path::PathBuf]) {
    let path = repo().join("schemas").join(name);
    let text = serde_json::to_string_pretty(&schema).unwrap() + "\n";
    if std::env::var_os("IAM_LINT_BLESS").is_some_and(|v| v == "1") {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &text).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(committed == text, "schemas/{name} is stale: run `IAM_LINT_BLESS=1 cargo test --test schemas`");
    let mut compiler = boon::Compiler::new();
    let url = format!("https://iam-lint.invalid/{name}");
    compiler.add_resource(&url, schema).unwrap();
    let mut schemas = boon::Schemas::new();
    let index = compiler.compile(&url, &mut schemas).unwrap();
    assert!(!documents.is_empty());
    for document in documents {
        if let Err(err) = schemas.validate(&toml_as_json(document), index) {
            panic!("{} does not validate against schemas/{name}:\n{err:#}", document.display());
        }
    }
}

#[test]
fn the_config_schema_is_current_and_every_config_validates() {
    let mut configs: Vec<_> =
        files_below(&repo().join("testdata/config")).into_iter().filter(|p| p.ends_with("iam-lint.toml")).collect();
    configs.push(repo().join("src/config_starter.toml"));
    check_schema("iam-lint.schema.json", config_schema(), &configs);
    // And it is strict: a misspelt key is caught in the editor as iam-lint would catch it.
    let mut compiler = boon::Compiler::new();
    compiler.add_resource("https://iam-lint.invalid/c.json", config_schema()).unwrap();
    let mut schemas = boon::Schemas::new();
    let index = compiler.compile("https://iam-lint.invalid/c.json", &mut schemas).unwrap();
    let misspelt = toml_as_json(&repo().join("testdata/config/errors/syntax.toml"));
    assert!(schemas.validate(&misspelt, index).is_err());
}

#[test]
fn the_pack_schema_is_current_and_every_builtin_pack_validates() {
    let packs: Vec<_> =
        files_below(&repo().join("rules")).into_iter().filter(|p| p.extension().is_some_and(|e| e == "toml")).collect();
    check_schema("rule-pack.schema.json", pack_schema(), &packs);
}
