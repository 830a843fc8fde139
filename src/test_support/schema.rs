//! The JSON Schemas in `schemas/`, derived from the raw config and pack types (`schemars`, in
//! test builds only) and checked against the committed files: what the types accept and what
//! the schemas say cannot drift apart. The raw types hold `toml::Spanned` values and plain
//! strings that are validated later; the types here say what those strings may be, as the
//! validators' own tables list it.

use std::borrow::Cow;

use clap::ValueEnum;
use schemars::generate::SchemaSettings;
use schemars::transform::RecursiveTransform;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};

use crate::finding::FailOn;
use crate::iam::model::{Effect, Kind};
use crate::rules::{Check, PrincipalScope, ReportAt};

/// The root schema of `T`, as committed: TOML has no null, so an optional key is its value's
/// type, not "that or null".
pub(crate) fn root_schema<T: JsonSchema>() -> serde_json::Value {
    let mut settings = SchemaSettings::draft2020_12();
    settings.transforms.push(Box::new(RecursiveTransform(no_null)));
    let schema = settings.into_generator().into_root_schema_for::<T>();
    serde_json::to_value(schema).unwrap()
}

fn no_null(schema: &mut Schema) {
    let Some(object) = schema.as_object_mut() else { return };
    if let Some(serde_json::Value::Array(alternatives)) = object.get_mut("anyOf") {
        alternatives.retain(|a| *a != serde_json::json!({ "type": "null" }));
        if let [serde_json::Value::Object(_)] = alternatives.as_slice() {
            let Some(serde_json::Value::Object(only)) = alternatives.pop() else { unreachable!() };
            object.remove("anyOf");
            for (key, value) in only {
                object.entry(key).or_insert(value);
            }
        }
    }
    if let Some(serde_json::Value::Array(values)) = object.get_mut("enum") {
        values.retain(|v| !v.is_null());
    }
    if let Some(serde_json::Value::Array(types)) = object.get_mut("type") {
        types.retain(|t| t != "null");
        if let [single] = types.as_slice() {
            let single = single.clone();
            object.insert("type".to_owned(), single);
        }
    }
}

/// Compares `schema` with `schemas/NAME`; `IAM_LINT_BLESS=1` rewrites the file.
pub(crate) fn check_file(name: &str, schema: &serde_json::Value) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas").join(name);
    let text = serde_json::to_string_pretty(schema).unwrap() + "\n";
    if std::env::var_os("IAM_LINT_BLESS").is_some_and(|v| v == "1") {
        std::fs::write(&path, &text).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(committed == text, "schemas/{name} is stale: run `IAM_LINT_BLESS=1 cargo test --lib schema`");
}

fn names<'a>(names: impl IntoIterator<Item = &'a str>) -> Schema {
    let names: Vec<&str> = names.into_iter().collect();
    json_schema!({ "type": "string", "enum": names })
}

/// Implements `JsonSchema` for a marker type, inlined where it is used.
macro_rules! schema_type {
    ($(#[$doc:meta])* $name:ident => $schema:expr) => {
        $(#[$doc])*
        pub(crate) struct $name;

        impl JsonSchema for $name {
            fn inline_schema() -> bool {
                true
            }

            fn schema_name() -> Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                $schema
            }
        }
    };
}

schema_type!(
    /// `--fail-on`'s values.
    FailOnName => {
        let values: Vec<_> = FailOn::value_variants().iter().filter_map(ValueEnum::to_possible_value).collect();
        names(values.iter().map(clap::builder::PossibleValue::get_name))
    }
);
schema_type!(KindName => names(Kind::ALL.map(Kind::name)));
schema_type!(CheckName => names(Check::ALL.map(Check::name)));
schema_type!(EffectName => names(Effect::NAMED.map(|(_, name)| name)));
schema_type!(ReportAtName => names(ReportAt::NAMED.map(|(_, name)| name)));
schema_type!(ScopeName => names(PrincipalScope::NAMED.map(|(_, name)| name)));
schema_type!(
    /// A TOML date (or a string of one), as `expires` takes it.
    Date => json_schema!({ "type": "string", "format": "date" })
);
schema_type!(
    /// A rule id: a prefix and three digits.
    RuleId => json_schema!({ "type": "string", "pattern": "^[A-Z]+[0-9]{3}$" })
);
schema_type!(
    /// A rule name: kebab-case.
    RuleName => json_schema!({ "type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$" })
);
schema_type!(
    /// A flag that is only ever set: `key = true`.
    Flag => json_schema!({ "const": true })
);
schema_type!(
    /// Path globs per policy kind: `[kinds]`.
    GlobsByKind => {
        let globs = json_schema!({ "type": "array", "items": { "type": "string" } });
        let properties: serde_json::Map<String, serde_json::Value> =
            Kind::ALL.iter().map(|kind| (kind.name().to_owned(), globs.clone().to_value())).collect();
        json_schema!({ "type": "object", "additionalProperties": false, "properties": properties })
    }
);
