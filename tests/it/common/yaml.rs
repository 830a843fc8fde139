//! Just enough YAML for tests that read the project's own YAML files (action.yml): mappings,
//! sequences and scalars, every scalar a string.

use saphyr_parser::{Event, Parser};
use serde_json::{Map, Value};

pub(crate) fn parse(text: &str) -> Value {
    let mut stack: Vec<(Value, Option<String>)> = Vec::new();
    let mut parser = Parser::new_from_str(text);
    while let Some(event) = parser.next_event() {
        let (event, _) = event.unwrap_or_else(|e| panic!("invalid YAML: {e}"));
        let value = match event {
            Event::MappingStart(..) => {
                stack.push((Value::Object(Map::new()), None));
                continue;
            }
            Event::SequenceStart(..) => {
                stack.push((Value::Array(Vec::new()), None));
                continue;
            }
            Event::MappingEnd | Event::SequenceEnd => stack.pop().unwrap().0,
            Event::Scalar(text, ..) => Value::String(text.into_owned()),
            Event::Alias(_) => panic!("aliases are not supported here"),
            _ => continue,
        };
        let Some((parent, key)) = stack.last_mut() else { return value };
        match parent {
            Value::Array(items) => items.push(value),
            Value::Object(members) => match key.take() {
                Some(key) => {
                    members.insert(key, value);
                }
                None => *key = Some(value.as_str().expect("keys are scalars").to_owned()),
            },
            _ => unreachable!(),
        }
    }
    panic!("no YAML document")
}
