//! Built-in checks that ask the IAM catalog (or IAM's fixed vocabulary): unknown services,
//! actions and condition keys, invalid condition operators, resources that are not ARNs.

use super::hit::{Hit, code};
use super::validator::is_action_glob;
use crate::iam::catalog::{Service, catalog, nearest, without_placeholders};
use crate::iam::glob::has_wildcard;
use crate::iam::model::{Statement, Text};

/// Every `Action`/`NotAction` element well-formed enough to look up, as (service, action).
fn listed_actions(statement: &Statement) -> impl Iterator<Item = (&Text, &str, &str)> {
    statement
        .action
        .iter()
        .chain(&statement.not_action)
        .flat_map(|clause| &clause.items)
        .filter(|item| item.text != "*" && is_action_glob(&item.text))
        .filter_map(|item| item.text.split_once(':').map(|(service, action)| (item, service, action)))
}

pub(super) fn unknown_services(statement: &Statement) -> Vec<Hit> {
    let catalog = catalog();
    listed_actions(statement)
        .filter(|(_, service, _)| !has_wildcard(service) && catalog.service(service).is_none())
        .map(|(item, service, _)| {
            let hint = catalog.nearest_service(service).map(|p| format!(" (did you mean `{p}`?)")).unwrap_or_default();
            let problem = format!("no AWS service has the prefix `{service}`{hint}");
            Hit::at(item, vec![("sid", statement.label()), ("action", code(&item.text)), ("problem", problem)])
        })
        .collect()
}

pub(super) fn unknown_actions(statement: &Statement) -> Vec<Hit> {
    let catalog = catalog();
    listed_actions(statement)
        .filter(|(_, service, _)| !has_wildcard(service))
        .filter_map(|(item, service, action)| {
            let service = catalog.service(service)?;
            if catalog.names_any(&item.text) {
                return None;
            }
            // A near name in the same service, else the same name in another one
            // (`cloudwatch:PutLogEvents` is `logs:PutLogEvents`).
            let suggestion = || {
                let near = catalog.nearest_action(service, action).map(|near| format!("{}:{near}", service.prefix));
                near.or_else(|| {
                    // Only an unambiguous match, spelt the same: `UpdateBudget` exists in more
                    // than one service, and `payments:Get` is not `apigateway:GET`.
                    let mut elsewhere = catalog
                        .services
                        .iter()
                        .filter_map(|other| Some((other, other.action(action)?)))
                        .filter(|(_, found)| found.name == action);
                    match (elsewhere.next(), elsewhere.next()) {
                        (Some((other, found)), None) => Some(format!("{}:{}", other.prefix, found.name)),
                        _ => None,
                    }
                })
            };
            let problem = if has_wildcard(action) {
                format!("matches no action of {}", service.name)
            } else if let Some(suggestion) = suggestion() {
                format!("is not an action of {} (did you mean `{suggestion}`?)", service.name)
            } else {
                format!("is not an action of {}", service.name)
            };
            Some(Hit::at(item, vec![("sid", statement.label()), ("action", code(&item.text)), ("problem", problem)]))
        })
        .collect()
}

/// The services whose keys a statement may test; `None` when its actions reach every service
/// (`*`, a wildcard service, `NotAction`).
fn statement_services(statement: &Statement) -> Option<Vec<&'static Service>> {
    let actions = statement.action.as_ref()?;
    let mut services = Vec::new();
    for item in &actions.items {
        let (service, _) = item.text.split_once(':')?;
        if has_wildcard(service) {
            return None;
        }
        services.extend(catalog().service(service));
    }
    Some(services)
}

pub(super) fn unknown_condition_keys(statement: &Statement) -> Vec<Hit> {
    let Some(condition) = &statement.condition else { return Vec::new() };
    let catalog = catalog();
    let services = statement_services(statement).unwrap_or_else(|| catalog.services.iter().collect());
    // A trust statement's providers have condition keys of their own
    // (`oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE:sub`).
    let providers: Vec<&str> = statement.federated_providers().map(|p| p.name).collect();
    let mut hits = Vec::new();
    for entry in &condition.entries {
        let key = &entry.key.text;
        let (prefix, _) = key.split_once(':').unwrap_or((key, ""));
        // A provider the catalog does not know (an EKS cluster's OIDC issuer), named by the
        // statement's principal, may have any claim.
        let own_provider = providers.iter().any(|p| p.eq_ignore_ascii_case(prefix)) && !catalog.knows_provider(prefix);
        if own_provider || catalog.knows_condition_key(key, &services) {
            continue;
        }
        let problem = match (key.contains(':'), catalog.service(prefix)) {
            _ if has_wildcard(key) => "has a wildcard: condition key names are written out in full".to_owned(),
            (false, _) => "has no `service:` prefix".to_owned(),
            (true, Some(service)) => format!("is not a condition key of {}", service.name),
            (true, None) if prefix.eq_ignore_ascii_case("aws") => match catalog.nearest_global_key(key) {
                Some(near) => format!("is not a global condition key (did you mean `{near}`?)"),
                None => "is not a global condition key".to_owned(),
            },
            (true, None) if catalog.knows_provider(prefix) => {
                format!("is not a condition key of the identity provider `{prefix}` (such as `{prefix}:sub`)")
            }
            (true, None) => {
                format!("has a prefix, `{prefix}`, that is neither an AWS service nor a known identity provider")
            }
        };
        hits.push(Hit::at(&entry.key, vec![("sid", statement.label()), ("key", key.clone()), ("problem", problem)]));
    }
    hits
}

/// IAM's condition operators, without set prefix or `IfExists`.
const OPERATORS: [&str; 27] = [
    "StringEquals",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "StringNotEqualsIgnoreCase",
    "StringLike",
    "StringNotLike",
    "NumericEquals",
    "NumericNotEquals",
    "NumericLessThan",
    "NumericLessThanEquals",
    "NumericGreaterThan",
    "NumericGreaterThanEquals",
    "DateEquals",
    "DateNotEquals",
    "DateLessThan",
    "DateLessThanEquals",
    "DateGreaterThan",
    "DateGreaterThanEquals",
    "Bool",
    "BinaryEquals",
    "IpAddress",
    "NotIpAddress",
    "ArnEquals",
    "ArnLike",
    "ArnNotEquals",
    "ArnNotLike",
    "Null",
];

/// Why `operator` is not an IAM condition operator, or `None` when it is.
fn operator_problem(operator: &str) -> Option<String> {
    let (set, rest) = match operator.split_once(':') {
        Some((set @ ("ForAllValues" | "ForAnyValue"), rest)) => (Some(set), rest),
        Some((other, _)) => {
            return Some(format!("`{other}:` is not a set operator; use `ForAllValues:` or `ForAnyValue:`"));
        }
        None => (None, operator),
    };
    let (base, if_exists) = match rest.strip_suffix("IfExists") {
        Some(base) => (base, true),
        None => (rest, false),
    };
    if base.is_empty() {
        return Some("`IfExists` goes after an operator, as in `StringEqualsIfExists`".into());
    }
    if !OPERATORS.contains(&base) {
        // Compare without case and without an `IfExists` in any case, to suggest the spelling.
        let lower = rest.to_ascii_lowercase();
        let bare = lower.strip_suffix("ifexists").unwrap_or(&lower);
        let hint = match OPERATORS.iter().find(|o| o.eq_ignore_ascii_case(bare)) {
            Some(exact) => Some(format!(
                " (did you mean `{exact}{}`? case matters)",
                if bare.len() < lower.len() { "IfExists" } else { "" }
            )),
            None => nearest(OPERATORS.iter().copied(), base).map(|near| format!(" (did you mean `{near}`?)")),
        };
        return Some(format!("`{base}` is not a condition operator{}", hint.unwrap_or_default()));
    }
    match (base, if_exists, set) {
        ("Null", true, _) => Some("`Null` has no `IfExists` form: it already tests whether the key is present".into()),
        ("Null", _, Some(set)) => Some(format!("`Null` takes no `{set}:` prefix")),
        _ => None,
    }
}

pub(super) fn invalid_operators(statement: &Statement) -> Vec<Hit> {
    let Some(condition) = &statement.condition else { return Vec::new() };
    let mut hits: Vec<Hit> = Vec::new();
    for entry in &condition.entries {
        // One finding per operator, however many keys it tests.
        if hits.iter().any(|h| h.loc == entry.operator.loc) {
            continue;
        }
        if let Some(problem) = operator_problem(&entry.operator.text) {
            let vars =
                vec![("sid", statement.label()), ("operator", entry.operator.text.clone()), ("problem", problem)];
            hits.push(Hit::at(&entry.operator, vars));
        }
    }
    hits
}

/// Is `resource` `*` or shaped like `arn:partition:service:region:account:resource`, where
/// CloudFormation placeholders (`${AWS::Region}`, `<Bucket.Arn>`) may stand for any part?
pub(super) fn is_arn_shaped(resource: &str) -> bool {
    // `*`, and API Gateway's shorthand in its resource policies (`execute-api:/*/GET/pets`).
    if resource == "*" || resource.starts_with("execute-api:/") {
        return true;
    }
    // A resource that starts with a placeholder (`<Bucket.Arn>`, `${Bucket.Arn}/*`) starts
    // with whatever ARN the placeholder stands for.
    if resource.starts_with('<') || resource.starts_with("${") {
        return true;
    }
    let plain = without_placeholders(resource, "x");
    let parts: Vec<&str> = plain.splitn(6, ':').collect();
    parts.len() == 6 && parts[0] == "arn" && !parts[1].is_empty() && !parts[2].is_empty() && !parts[5].is_empty()
}

pub(super) fn invalid_arns(statement: &Statement) -> Vec<Hit> {
    statement
        .resource
        .iter()
        .chain(&statement.not_resource)
        .flat_map(|clause| &clause.items)
        .filter(|item| !is_arn_shaped(&item.text))
        .map(|item| Hit::at(item, vec![("sid", statement.label()), ("resource", code(&item.text))]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn condition_operators() {
        for valid in [
            "StringEquals",
            "ForAnyValue:StringLike",
            "ArnLikeIfExists",
            "ForAllValues:StringEqualsIfExists",
            "Null",
            "Bool",
        ] {
            assert_eq!(operator_problem(valid), None, "{valid}");
        }
        for invalid in [
            "StringEqual",
            "stringequals",
            "ForEach:StringEquals",
            "NullIfExists",
            "ForAllValues:Null",
            "IpAddressIfExist",
        ] {
            assert!(operator_problem(invalid).is_some(), "{invalid}");
        }
        assert!(operator_problem("stringequals").unwrap().contains("did you mean `StringEquals`"));
        assert!(operator_problem("StringEqualsIfexists").unwrap().contains("did you mean `StringEqualsIfExists`"));
        assert!(operator_problem("StringEqual").unwrap().contains("did you mean `StringEquals`"));
        assert!(operator_problem("IfExists").unwrap().contains("goes after an operator"));
    }

    #[test]
    fn arn_shapes() {
        for valid in [
            "*",
            "arn:aws:s3:::bucket/*",
            "arn:aws:iam::111122223333:role/app",
            "arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:queue",
            "<Bucket.Arn>",
            "<Bucket.Arn>/*",
            "${ReportsBucket.Arn}/reports/*",
            "arn:aws:logs:*:*:log-group:/aws/lambda/*:*",
            "execute-api:/*/GET/pets",
        ] {
            assert!(is_arn_shaped(valid), "{valid}");
        }
        for invalid in ["bucket/*", "arn:aws:s3", "arn::s3:::bucket", "ARN:aws:s3:::b", "arn:aws:s3:::", "s3:GetObject"]
        {
            assert!(!is_arn_shaped(invalid), "{invalid}");
        }
    }
}
