//! CloudFormation intrinsic functions, resolved symbolically (DESIGN §4): what can be known
//! from the template (parameter defaults, mappings, literal joins) is computed; what cannot
//! becomes a placeholder such as `<Bucket.Arn>`, so an ARN built with `!Sub` is still an ARN.
//! Pseudo parameters stay as `${AWS::Region}`, and IAM policy variables (`${aws:username}`) are
//! left alone.

use std::collections::BTreeMap;

use crate::parse::{Node, Value};

/// Parameter values given on the command line (`--parameter`, `--parameters`), by name.
pub(crate) type ParameterValues = BTreeMap<String, String>;

/// What the resolver reads from the template.
#[derive(Clone, Copy)]
pub(super) struct Template<'a> {
    pub parameters: Option<&'a Node>,
    pub mappings: Option<&'a Node>,
    pub conditions: Option<&'a Node>,
    pub resources: Option<&'a Node>,
    pub values: &'a ParameterValues,
    /// Take the branch of `Fn::If` its condition selects, when the parameters decide it, as
    /// a deployment would; otherwise (the default) every branch may be deployed.
    pub decide_conditions: bool,
}

/// No parameter values given.
#[cfg(test)]
pub(super) static NO_VALUES: ParameterValues = BTreeMap::new();

/// The items of an array, or the node itself as a list of one.
fn list(node: &Node) -> &[Node] {
    match &node.value {
        Value::Array(items) => items,
        _ => std::slice::from_ref(node),
    }
}

/// An intrinsic function call: a one-member object whose key names the function.
fn call(node: &Node) -> Option<(&str, &Node)> {
    match node.members() {
        [member] if member.key == "Ref" || member.key == "Condition" || member.key.starts_with("Fn::") => {
            Some((member.key.as_str(), &member.value))
        }
        _ => None,
    }
}

impl<'a> Template<'a> {
    pub(super) fn of(root: &'a Node, values: &'a ParameterValues) -> Template<'a> {
        let section = |name: &str| root.get(name).map(|m| &m.value);
        Template {
            parameters: section("Parameters"),
            mappings: section("Mappings"),
            conditions: section("Conditions"),
            resources: section("Resources"),
            values,
            decide_conditions: false,
        }
    }

    /// A template without parameters, mappings or conditions: for a policy in a JSON string,
    /// whose placeholders are already resolved.
    #[cfg(test)]
    pub(super) fn empty() -> Template<'static> {
        Template {
            parameters: None,
            mappings: None,
            conditions: None,
            resources: None,
            values: &NO_VALUES,
            decide_conditions: false,
        }
    }

    /// This template, deciding `Fn::If` by the parameters where they allow it.
    pub(super) fn deciding(self) -> Template<'a> {
        Template { decide_conditions: true, ..self }
    }

    /// The branches of `Fn::If [condition, when_true, when_false]` that may be deployed.
    fn if_branches<'n>(&self, condition: &Node, when_true: &'n Node, when_false: &'n Node) -> Vec<&'n Node> {
        let decided = match condition.scalar_text() {
            Some(name) if self.decide_conditions => self.condition(name, 0),
            _ => None,
        };
        match decided {
            Some(true) => vec![when_true],
            Some(false) => vec![when_false],
            None => vec![when_true, when_false],
        }
    }

    /// For an `Fn::If` call: the branches that may be deployed, each with its index among
    /// the call's arguments (1 when true, 2 when false), so that a value can be located in
    /// its branch. `None` for any other node.
    pub(super) fn if_call_branches<'n>(&self, node: &'n Node) -> Option<Vec<(usize, &'n Node)>> {
        let Some(("Fn::If", args)) = call(node) else { return None };
        let [condition, when_true, when_false] = list(args) else { return None };
        let branches = self.if_branches(condition, when_true, when_false);
        Some(branches.into_iter().map(|b| (if std::ptr::eq(b, when_true) { 1 } else { 2 }, b)).collect())
    }

    /// The value of a named condition, when the parameters' values decide it.
    pub(super) fn condition(&self, name: &str, depth: usize) -> Option<bool> {
        let definition = &self.conditions?.get(name)?.value;
        self.truth(definition, depth + 1)
    }

    fn truth(&self, node: &Node, depth: usize) -> Option<bool> {
        if depth > 32 {
            return None;
        }
        let (function, args) = call(node)?;
        let decided = |items: &[Node], decisive: bool| {
            let values: Vec<Option<bool>> = items.iter().map(|i| self.truth(i, depth + 1)).collect();
            if values.contains(&Some(decisive)) {
                Some(decisive)
            } else {
                values.into_iter().collect::<Option<Vec<_>>>().map(|_| !decisive)
            }
        };
        match (function, list(args)) {
            ("Fn::Equals", [a, b]) => Some(self.known(a, depth)? == self.known(b, depth)?),
            ("Fn::Not", [a]) => self.truth(a, depth + 1).map(|t| !t),
            ("Fn::And", items) => decided(items, false),
            ("Fn::Or", items) => decided(items, true),
            ("Condition", [name]) => self.condition(name.scalar_text()?, depth + 1),
            _ => None,
        }
    }

    /// A value as deployed, when the template and the parameters fix it: literals, parameters
    /// (an empty default is a value here), and joins of them.
    fn known(&self, node: &Node, depth: usize) -> Option<String> {
        if depth > 32 {
            return None;
        }
        if let Some(text) = node.scalar_text() {
            return Some(text.to_owned());
        }
        match call(node)? {
            ("Ref", name) => self.parameter_value(name.scalar_text()?),
            ("Fn::Join", args) => match list(args) {
                [separator, items] => {
                    let parts: Option<Vec<String>> = match call(items) {
                        Some(_) => Some(vec![self.known(items, depth + 1)?]),
                        None => list(items).iter().map(|i| self.known(i, depth + 1)).collect(),
                    };
                    Some(parts?.join(separator.scalar_text()?))
                }
                _ => None,
            },
            _ => None,
        }
    }

    /// A parameter's value: given on the command line, else its default (possibly empty).
    fn parameter_value(&self, name: &str) -> Option<String> {
        if let Some(value) = self.values.get(name) {
            return Some(value.clone());
        }
        let parameter = &self.parameters?.get(name)?.value;
        parameter.get("Default").and_then(|d| d.value.scalar_text()).map(str::to_owned)
    }

    /// Whether `Ref` to the parameter gives a list (CommaDelimitedList, `List<...>`).
    fn is_list_parameter(&self, name: &str) -> bool {
        let parameter = self.parameters.and_then(|p| p.get(name));
        let kind = parameter.and_then(|p| p.value.get("Type")).and_then(|t| t.value.scalar_text());
        kind.is_some_and(|k| k == "CommaDelimitedList" || k.starts_with("List<"))
    }

    /// The values a node stands for when IAM reads it as a string: `None` when the node is not
    /// an intrinsic call; several values for `Fn::If` (either branch may be deployed); none for
    /// `AWS::NoValue`.
    pub(super) fn scalars(&self, node: &Node) -> Option<Vec<String>> {
        call(node)?;
        Some(self.resolve(node, 0))
    }

    /// Every string a node may stand for, whether or not it is an intrinsic call: a string, a
    /// list's items, each value of a call.
    pub(super) fn values(&self, node: &Node) -> Vec<String> {
        self.resolve(node, 0)
    }

    /// Whether the node may stand for nothing: `AWS::NoValue`, or an `Fn::If` with such a branch.
    pub(super) fn may_be_absent(&self, node: &Node) -> bool {
        match call(node) {
            Some(("Ref", target)) => target.scalar_text() == Some("AWS::NoValue"),
            Some(("Fn::If", args)) => match list(args) {
                [condition, when_true, when_false] => {
                    self.if_branches(condition, when_true, when_false).into_iter().any(|b| self.may_be_absent(b))
                }
                _ => false,
            },
            _ => false,
        }
    }

    /// The nodes an object position (a statement, a whole policy document) stands for: both
    /// branches of `Fn::If`, nothing for `AWS::NoValue`, the node itself otherwise.
    pub(super) fn branches<'n>(&self, node: &'n Node) -> Vec<&'n Node> {
        match call(node) {
            Some(("Fn::If", args)) => match &args.value {
                Value::Array(args) if args.len() == 3 => self
                    .if_branches(&args[0], &args[1], &args[2])
                    .into_iter()
                    .flat_map(|branch| self.branches(branch))
                    .collect(),
                _ => Vec::new(),
            },
            Some(("Ref", target)) if target.scalar_text() == Some("AWS::NoValue") => Vec::new(),
            _ => vec![node],
        }
    }

    /// Every string `node` may stand for. `depth` bounds nested calls (the tree's own depth
    /// is bounded by the parser).
    fn resolve(&self, node: &Node, depth: usize) -> Vec<String> {
        if depth > 32 {
            return vec!["<...>".into()];
        }
        let Some((function, args)) = call(node) else {
            return match &node.value {
                Value::String(s) | Value::Number(s) => vec![s.clone()],
                // A list in a branch of `Fn::If`: each item is a value.
                Value::Array(items) => items.iter().flat_map(|item| self.resolve(item, depth + 1)).collect(),
                Value::Bool(b) => vec![b.to_string()],
                _ => vec![format!("<{}>", node.type_name())],
            };
        };
        let one = |node: &Node| self.resolve(node, depth + 1).into_iter().next().unwrap_or_default();
        match function {
            "Ref" => match args.scalar_text() {
                Some("AWS::NoValue") => Vec::new(),
                Some(name) if name.starts_with("AWS::") => vec![format!("${{{name}}}")],
                Some(name) => match self.parameter_default(name) {
                    Some(value) if self.is_list_parameter(name) => {
                        value.split(',').map(|item| item.trim().to_owned()).collect()
                    }
                    Some(value) => vec![value],
                    None => vec![self.provider_arn(name).unwrap_or_else(|| format!("<{name}>"))],
                },
                None => vec!["<Ref>".into()],
            },
            "Fn::GetAtt" => {
                let parts: Vec<String> = match &args.value {
                    Value::String(dotted) => vec![dotted.clone()],
                    _ => list(args).iter().map(one).collect(),
                };
                let provider = match parts.as_slice() {
                    [name, attribute] if attribute == "Arn" => self.provider_arn(name),
                    _ => None,
                };
                vec![provider.unwrap_or_else(|| format!("<{}>", parts.join(".")))]
            }
            "Fn::Sub" => {
                let (template, variables) = match list(args) {
                    [template, variables] => (template, Some(variables)),
                    [template] => (template, None),
                    _ => return vec!["<Fn::Sub>".into()],
                };
                let Some(text) = template.scalar_text() else { return vec!["<Fn::Sub>".into()] };
                vec![self.substitute(text, variables, depth)]
            }
            "Fn::Join" => match list(args) {
                [separator, items] => {
                    let separator = separator.scalar_text().unwrap_or_default();
                    let parts: Vec<String> = match call(items) {
                        Some(_) => self.resolve(items, depth + 1),
                        None => list(items).iter().map(one).collect(),
                    };
                    vec![parts.join(separator)]
                }
                _ => vec!["<Fn::Join>".into()],
            },
            "Fn::Select" => match list(args) {
                [index, items] => {
                    let index: Option<usize> = one(index).parse().ok();
                    let values: Vec<String> = match call(items) {
                        Some(_) => self.resolve(items, depth + 1),
                        None => list(items).iter().map(one).collect(),
                    };
                    vec![index.and_then(|i| values.get(i).cloned()).unwrap_or_else(|| "<Fn::Select>".into())]
                }
                _ => vec!["<Fn::Select>".into()],
            },
            "Fn::Split" => match list(args) {
                [separator, text] => {
                    let separator = separator.scalar_text().unwrap_or_default();
                    let text = one(text);
                    if separator.is_empty() { vec![text] } else { text.split(separator).map(str::to_owned).collect() }
                }
                _ => vec!["<Fn::Split>".into()],
            },
            "Fn::FindInMap" => match list(args) {
                [map, first, second, ..] => {
                    let (map, first, second) = (one(map), one(first), one(second));
                    let found = self
                        .mappings
                        .and_then(|m| m.get(&map))
                        .and_then(|m| m.value.get(&first))
                        .and_then(|m| m.value.get(&second))
                        .map(|m| list(&m.value).iter().map(one).collect::<Vec<_>>());
                    found.unwrap_or_else(|| vec![format!("<{map}.{first}.{second}>")])
                }
                _ => vec!["<Fn::FindInMap>".into()],
            },
            "Fn::If" => match list(args) {
                [condition, when_true, when_false] => self
                    .if_branches(condition, when_true, when_false)
                    .into_iter()
                    .flat_map(|branch| self.resolve(branch, depth + 1))
                    .collect(),
                _ => vec!["<Fn::If>".into()],
            },
            "Fn::ImportValue" => vec![format!("<Import:{}>", one(args))],
            other => vec![format!("<{other}>")],
        }
    }

    /// A parameter's value for resolving policies: given on the command line, else its
    /// default. An empty default means "the deployer supplies it", so it stays unknown like a
    /// parameter without one.
    fn parameter_default(&self, name: &str) -> Option<String> {
        self.parameter_value(name).filter(|value| !value.is_empty() || self.values.contains_key(name))
    }

    /// The ARN of the template's `AWS::IAM::OIDCProvider` `name`, from its `Url`: trust
    /// policies name providers by `Ref`, and the provider's host is what their condition keys
    /// start with (`token.actions.githubusercontent.com:sub`). Only a literal `Url` is read: a
    /// computed one could refer back to the provider, without end.
    fn provider_arn(&self, name: &str) -> Option<String> {
        let resource = &self.resources?.get(name)?.value;
        if resource.get("Type")?.value.scalar_text()? != "AWS::IAM::OIDCProvider" {
            return None;
        }
        let url = resource.get("Properties")?.value.get("Url")?.value.scalar_text()?;
        let host = url.strip_prefix("https://").unwrap_or(url);
        Some(format!("arn:${{AWS::Partition}}:iam::${{AWS::AccountId}}:oidc-provider/{host}"))
    }

    /// `Fn::Sub`'s `${Name}` references: a variable of the call, a parameter default, a
    /// pseudo parameter (kept), `${Resource.Attribute}` (a placeholder), `${!Literal}`
    /// (the literal `${Literal}`), and IAM policy variables such as `${aws:username}` (kept).
    fn substitute(&self, text: &str, variables: Option<&Node>, depth: usize) -> String {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            let Some(length) = rest[start..].find('}') else { break };
            out.push_str(&rest[..start]);
            let name = &rest[start + 2..start + length];
            let variable = variables
                .and_then(|v| v.get(name))
                .map(|v| self.resolve(&v.value, depth + 1).into_iter().next().unwrap_or_default());
            match (name.strip_prefix('!'), variable) {
                (Some(literal), _) => out.push_str(&format!("${{{literal}}}")),
                (None, Some(value)) => out.push_str(&value),
                (None, None) if name.starts_with("AWS::") || name.contains(':') => {
                    out.push_str(&rest[start..start + length + 1]);
                }
                (None, None) => out.push_str(&self.parameter_default(name).unwrap_or_else(|| format!("<{name}>"))),
            }
            rest = &rest[start + length + 1..];
        }
        out.push_str(rest);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{Syntax, parse};

    fn resolved(yaml: &str) -> Vec<String> {
        let root = parse(yaml, Syntax::Yaml).unwrap();
        let template = Template::of(&root, &NO_VALUES);
        template.scalars(&root.get("Value").unwrap().value).unwrap()
    }

    const HEAD: &str = "Parameters:\n  Env: {Type: String, Default: prod}\n  Bucket: {Type: String}\nMappings:\n  Regions: {us-east-1: {Ami: ami-1}}\n";

    #[test]
    fn sub_keeps_pseudo_parameters_and_policy_variables() {
        let value = resolved(&format!(
            "{HEAD}Value: !Sub 'arn:${{AWS::Partition}}:s3:::${{Bucket}}-${{Env}}/${{aws:username}}/${{!Literal}}/${{Role.Arn}}'\n"
        ));
        assert_eq!(value, ["arn:${AWS::Partition}:s3:::<Bucket>-prod/${aws:username}/${Literal}/<Role.Arn>"]);
        let with_map = resolved(&format!("{HEAD}Value: !Sub ['arn:${{Name}}', {{Name: !Ref Env}}]\n"));
        assert_eq!(with_map, ["arn:prod"]);
    }

    #[test]
    fn ref_getatt_join_select_split_findinmap() {
        assert_eq!(resolved(&format!("{HEAD}Value: !Ref AWS::AccountId\n")), ["${AWS::AccountId}"]);
        assert_eq!(resolved(&format!("{HEAD}Value: !GetAtt Queue.Arn\n")), ["<Queue.Arn>"]);
        assert_eq!(resolved(&format!("{HEAD}Value: !Join ['', [!GetAtt Bucket.Arn, '/*']]\n")), ["<Bucket.Arn>/*"]);
        assert_eq!(resolved(&format!("{HEAD}Value: !Select [1, !Split [',', 'a,b,c']]\n")), ["b"]);
        assert_eq!(resolved(&format!("{HEAD}Value: !FindInMap [Regions, us-east-1, Ami]\n")), ["ami-1"]);
        assert_eq!(
            resolved(&format!("{HEAD}Value: !FindInMap [Regions, !Ref AWS::Region, Ami]\n")),
            ["<Regions.${AWS::Region}.Ami>"]
        );
    }

    #[test]
    fn if_gives_both_branches_and_novalue_nothing() {
        assert_eq!(resolved(&format!("{HEAD}Value: !If [IsProd, 's3:*', 's3:GetObject']\n")), ["s3:*", "s3:GetObject"]);
        assert!(resolved(&format!("{HEAD}Value: !Ref AWS::NoValue\n")).is_empty());
    }

    #[test]
    fn nested_calls_are_bounded() {
        let mut value = String::from("\"x\"");
        for _ in 0..40 {
            value = format!("{{\"Fn::Join\": [\"\", [{value}]]}}");
        }
        let root = parse(&format!("{{\"Value\": {value}}}"), Syntax::Json).unwrap();
        let template = Template::empty();
        let values = template.scalars(&root.get("Value").unwrap().value).unwrap();
        assert_eq!(values, ["<...>"], "past 32 nested calls the value is unknown");
    }
}
