//! Template parameter values from the command line: `--parameters FILE` in the formats the
//! CloudFormation CLI (`[{"ParameterKey": "K", "ParameterValue": "V"}]`) and CodePipeline
//! template configurations (`{"Parameters": {"K": "V"}}`) use, then `--parameter K=V`, later
//! values winning.

use std::path::PathBuf;

use serde::Deserialize;

use crate::error::ToolError;
use crate::error::io_reason;
use crate::extract::ParameterValues;
use crate::paths::display_path;

#[derive(Deserialize)]
#[serde(untagged)]
enum ParameterFile {
    /// `aws cloudformation create-stack --parameters file://...`
    Cli(Vec<CliParameter>),
    /// A CodePipeline template configuration file.
    Pipeline {
        #[serde(rename = "Parameters")]
        parameters: std::collections::BTreeMap<String, String>,
    },
}

#[derive(Deserialize)]
struct CliParameter {
    #[serde(rename = "ParameterKey")]
    key: String,
    #[serde(rename = "ParameterValue")]
    value: Option<String>,
}

pub(crate) fn load_parameters(pairs: &[String], files: &[PathBuf]) -> Result<ParameterValues, Vec<ToolError>> {
    let mut values = ParameterValues::new();
    let mut errors = Vec::new();
    for path in files {
        let name = display_path(path);
        let parsed = std::fs::read_to_string(path)
            .map_err(|err| format!("cannot read: {}", io_reason(&err)))
            .and_then(|text| {
                serde_json::from_str::<ParameterFile>(&text).map_err(|_| {
                    "not a parameters file: expected [{\"ParameterKey\": ..., \"ParameterValue\": ...}] or {\"Parameters\": {...}}".to_owned()
                })
            });
        match parsed {
            Ok(ParameterFile::Cli(list)) => {
                // `UsePreviousValue` entries carry no value: the template's default stands.
                values.extend(list.into_iter().filter_map(|p| Some((p.key, p.value?))));
            }
            Ok(ParameterFile::Pipeline { parameters }) => values.extend(parameters),
            Err(message) => errors.push(ToolError::in_file(name, message)),
        }
    }
    for pair in pairs {
        match pair.split_once('=') {
            Some((key, value)) if !key.is_empty() => {
                values.insert(key.to_owned(), value.to_owned());
            }
            _ => errors.push(ToolError::general(format!("--parameter `{pair}` is not KEY=VALUE")).with_help(
                "for example: --parameter CloudFormationExecutionPolicies=arn:aws:iam::111122223333:policy/Deploy",
            )),
        }
    }
    if errors.is_empty() { Ok(values) } else { Err(errors) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_override_files_in_both_formats() {
        let dir = crate::test_support::scratch_dir("parameters");
        let cli = dir.join("cli.json");
        std::fs::write(
            &cli,
            r#"[{"ParameterKey":"A","ParameterValue":"1"},{"ParameterKey":"B","UsePreviousValue":true}]"#,
        )
        .unwrap();
        let pipeline = dir.join("pipeline.json");
        std::fs::write(&pipeline, r#"{"Parameters":{"A":"2","C":"x,y"},"Tags":{"team":"t"}}"#).unwrap();
        let values = load_parameters(&["C=z".into(), "D=".into()], &[cli, pipeline]).unwrap();
        let pairs: Vec<(&str, &str)> = values.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(pairs, [("A", "2"), ("C", "z"), ("D", "")]);
    }

    #[test]
    fn malformed_pairs_and_files_are_errors() {
        let errors =
            load_parameters(&["novalue".into(), "=x".into()], &[PathBuf::from("/nonexistent/p.json")]).unwrap_err();
        let messages: Vec<&str> = errors.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "cannot read: no such file or directory",
                "--parameter `novalue` is not KEY=VALUE",
                "--parameter `=x` is not KEY=VALUE"
            ]
        );
    }
}
