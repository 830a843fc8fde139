//! Permissions written as resource properties rather than as a policy document:
//! `AWS::Lambda::LayerVersionPermission` grants `lambda:GetLayerVersion` on a layer version to
//! an account, to the accounts of an organization, or to everyone. Lambda keeps it as a
//! one-statement resource policy; it is modelled as that policy, each element located at the
//! property that says it, so that resource-policy rules (an open principal) apply.

use super::intrinsics::Template;
use super::policy::resolved_texts;
use crate::iam::model::{Clause, Condition, ConditionEntry, Kind, Loc, PolicyDoc, Principal, Size, Statement, Text};
use crate::parse::Member;
use crate::pointer::{pointer_child, resource_pointer};

pub(super) const LAYER_VERSION_PERMISSION: &str = "AWS::Lambda::LayerVersionPermission";

/// The resource policy a `AWS::Lambda::LayerVersionPermission` resource stands for.
pub(super) fn layer_version_permission(resource: &Member, template: &Template<'_>) -> Option<PolicyDoc> {
    let properties = resource.value.get("Properties")?;
    let pointer = pointer_child(&resource_pointer(&resource.key), "Properties");
    // What the policy has but no property says (its effect and version) points at `Properties`.
    let whole = Loc { pointer: pointer.clone(), span: properties.key_span };
    let implied = |text: &str| Text { text: text.to_owned(), loc: whole.clone() };
    let property = |name: &str| {
        let member = properties.value.get(name)?;
        let pointer = pointer_child(&pointer, name);
        let texts = resolved_texts(&member.value, &pointer, template);
        Some((Loc { pointer, span: member.key_span }, texts, template.may_be_absent(&member.value)))
    };
    let clause = |name: &str| property(name).map(|(key, items, _)| Clause { key, items });
    let principal = property("Principal").map(|(key, values, _)| {
        let everyone = values.iter().any(|v| v.text == "*");
        let accounts: Vec<Text> = values.into_iter().filter(|v| v.text != "*").collect();
        let entries = if accounts.is_empty() { Vec::new() } else { vec![(implied("AWS"), accounts)] };
        Principal { key, everyone, entries }
    });
    // An organization that an `Fn::If` may leave out does not narrow the grant.
    let condition = property("OrganizationId").filter(|(_, values, absent)| !absent && !values.is_empty()).map(
        |(key, values, _)| {
            let at = |text: &str| Text { text: text.to_owned(), loc: key.clone() };
            let entry = ConditionEntry {
                operator: at("StringEquals"),
                key: at("aws:PrincipalOrgID"),
                values: values.into_iter().map(|v| v.text).collect(),
            };
            Condition { key: key.clone(), entries: vec![entry] }
        },
    );
    let statement = Statement {
        loc: whole.clone(),
        index: 0,
        sid: None,
        effect: Some(implied("Allow")),
        action: clause("Action"),
        not_action: None,
        resource: clause("LayerVersionArn"),
        not_resource: None,
        principal,
        not_principal: None,
        condition,
    };
    Some(PolicyDoc {
        kind: Kind::Resource,
        head: whole.clone(),
        version: Some(implied("2012-10-17")),
        statements: vec![statement],
        duplicate_keys: Vec::new(),
        malformed: Vec::new(),
        resource_implicit: false,
        // Lambda writes the policy itself, within no quota the template author manages.
        size: Size::default(),
        quotas: Vec::new(),
        own_arn: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::intrinsics::ParameterValues;
    use crate::parse::{Syntax, parse};

    fn policy(yaml: &str) -> PolicyDoc {
        let root = parse(yaml, Syntax::Yaml).unwrap();
        let values = ParameterValues::new();
        let template = Template::of(&root, &values);
        let resources = &root.get("Resources").unwrap().value;
        layer_version_permission(&resources.members()[0], &template).unwrap()
    }

    #[test]
    fn properties_become_one_located_statement() {
        let doc = policy(
            "Resources:\n  Share:\n    Type: AWS::Lambda::LayerVersionPermission\n    Properties:\n      Action: lambda:GetLayerVersion\n      LayerVersionArn: !Ref Layer\n      Principal: '*'\n      OrganizationId: o-abc123\n",
        );
        let statement = &doc.statements[0];
        assert_eq!(statement.effect.as_ref().unwrap().text, "Allow");
        let action = &statement.action.as_ref().unwrap().items[0];
        assert_eq!(
            (action.text.as_str(), action.loc.pointer.as_str()),
            ("lambda:GetLayerVersion", "/Resources/Share/Properties/Action")
        );
        assert_eq!(statement.resource.as_ref().unwrap().items[0].text, "<Layer>");
        let principal = statement.principal.as_ref().unwrap();
        assert!(principal.everyone && principal.entries.is_empty());
        assert!(statement.constrains_condition_key("aws:PrincipalOrgID"));
    }

    #[test]
    fn an_account_is_an_aws_principal_and_an_optional_organization_narrows_nothing() {
        let doc = policy(
            "Conditions:\n  Shared: !Equals [a, b]\nResources:\n  Share:\n    Type: AWS::Lambda::LayerVersionPermission\n    Properties:\n      Action: lambda:GetLayerVersion\n      LayerVersionArn: arn:aws:lambda:eu-west-1:111122223333:layer:tools:3\n      Principal: '444455556666'\n      OrganizationId: !If [Shared, o-abc123, !Ref AWS::NoValue]\n",
        );
        let statement = &doc.statements[0];
        let principal = statement.principal.as_ref().unwrap();
        assert!(!principal.everyone);
        assert_eq!(principal.entries[0].1[0].text, "444455556666");
        assert!(statement.condition.is_none());
    }
}
