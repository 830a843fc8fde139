//! Reading suppressions from a template's `Metadata`, on each resource and at the template's
//! top level: iam-lint's own (`iam-lint: { suppress: [{ id, reason, applies-to, expires }] }`),
//! cdk-nag v2's (`cdk_nag: { rules_to_suppress: [{ id, reason, applies_to,
//! is_reason_encoded }] }`), cfn_nag's (`cfn_nag: { rules_to_suppress: [{ id, reason }] }`),
//! checkov's (`checkov: { skip: [{ id, comment }] }`) and cfn-lint's
//! (`cfn-lint: { config: { ignore_checks: [ids] } }`, which has no place for a reason).

use regex::Regex;

use super::{AppliesTo, Dialect, Suppression};
use crate::iam::model::Loc;
use crate::parse::{Node, Value};
use crate::pointer::{pointer_child, resource_pointer};

/// Every suppression written in the template `root`.
pub(crate) fn template_suppressions(root: &Node) -> Vec<Suppression> {
    let mut found = Vec::new();
    if let Some(metadata) = root.get("Metadata") {
        read_metadata(&metadata.value, "/Metadata", None, &mut found);
    }
    for resource in root.get("Resources").map(|r| r.value.members()).unwrap_or_default() {
        if let Some(metadata) = resource.value.get("Metadata") {
            let pointer = pointer_child(&resource_pointer(&resource.key), "Metadata");
            read_metadata(&metadata.value, &pointer, Some(&resource.key), &mut found);
        }
    }
    found
}

/// Where each tool keeps its list: section, list key, how its entries read.
const LISTS: [(&str, &str, Dialect); 4] = [
    ("iam-lint", "suppress", Dialect::IamLint),
    ("cdk_nag", "rules_to_suppress", Dialect::CdkNag),
    ("cfn_nag", "rules_to_suppress", Dialect::Peer),
    ("checkov", "skip", Dialect::Peer),
];

/// cfn-lint's ignored checks carry no reason: the format has no place for one, so S001 does
/// not apply and this stands in.
const CFN_LINT_REASON: &str = "ignored in cfn-lint's ignore_checks";

fn read_metadata(metadata: &Node, pointer: &str, resource: Option<&String>, out: &mut Vec<Suppression>) {
    for (section, list, dialect) in LISTS {
        let Some(entries) = metadata.get(section).and_then(|s| s.value.get(list)) else { continue };
        let Value::Array(items) = &entries.value.value else { continue };
        for (i, item) in items.iter().enumerate() {
            let loc = Loc { pointer: format!("{pointer}/{section}/{list}/{i}"), span: item.span };
            out.extend(entry(item, dialect, resource, loc));
        }
    }
    let ignored =
        metadata.get("cfn-lint").and_then(|c| c.value.get("config")).and_then(|c| c.value.get("ignore_checks"));
    if let Some(Value::Array(ids)) = ignored.map(|m| &m.value.value) {
        for (i, id) in ids.iter().enumerate() {
            let Some(id) = id.scalar_text() else { continue };
            let loc = Loc { pointer: format!("{pointer}/cfn-lint/config/ignore_checks/{i}"), span: ids[i].span };
            out.push(Suppression {
                dialect: Dialect::Peer,
                id: id.to_owned(),
                applies_to: Vec::new(),
                resource: resource.cloned(),
                sid: None,
                reason: Some(CFN_LINT_REASON.to_owned()),
                expires: None,
                loc,
                in_config: false,
            });
        }
    }
}

fn entry(item: &Node, dialect: Dialect, resource: Option<&String>, loc: Loc) -> Option<Suppression> {
    let text = |key: &str| item.get(key).and_then(|m| m.value.scalar_text()).map(str::to_owned);
    let written = text("id")?;
    // cdk-nag's granular form names one finding: `AwsSolutions-IAM5[Action::s3:*]`.
    let (id, granular) = match written.split_once('[') {
        Some((id, rest)) if rest.ends_with(']') => (id.to_owned(), Some(rest[..rest.len() - 1].to_owned())),
        _ => (written, None),
    };
    let applies_key = if dialect == Dialect::CdkNag { "applies_to" } else { "applies-to" };
    let mut applies_to: Vec<AppliesTo> = granular.into_iter().map(AppliesTo::Text).collect();
    match item.get(applies_key).map(|m| &m.value.value) {
        Some(Value::Array(entries)) => applies_to.extend(entries.iter().map(applies_entry)),
        // Not a list: it names nothing, rather than everything.
        Some(_) => applies_to.push(AppliesTo::Nothing),
        None => {}
    }
    let encoded = item.get("is_reason_encoded").is_some_and(|m| matches!(m.value.value, Value::Bool(true)));
    // checkov calls the reason a comment.
    let reason = text("reason").or_else(|| text("comment"));
    let reason = reason.map(|r| if encoded { decode_base64(&r).unwrap_or(r) } else { r });
    let resource = resource.cloned();
    let expires = text("expires");
    Some(Suppression { dialect, id, applies_to, resource, sid: None, reason, expires, loc, in_config: false })
}

/// A string, or cdk-nag's `{ regex: "/pattern/flags" }`; anything else (a regex that does not
/// compile) names nothing, so that a mistake does not suppress every finding.
fn applies_entry(node: &Node) -> AppliesTo {
    if let Some(text) = node.scalar_text() {
        return AppliesTo::Text(text.to_owned());
    }
    let Some(written) = node.get("regex").and_then(|r| r.value.scalar_text()) else { return AppliesTo::Nothing };
    let (pattern, flags) = written.strip_prefix('/').and_then(|rest| rest.rsplit_once('/')).unwrap_or((written, ""));
    let pattern = if flags.contains('i') { format!("(?i){pattern}") } else { pattern.to_owned() };
    Regex::new(&pattern).map_or(AppliesTo::Nothing, AppliesTo::Regex)
}

/// cdk-nag encodes reasons in base64 when `is_reason_encoded` is set.
fn decode_base64(text: &str) -> Option<String> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' | b'-' => Some(62),
        b'/' | b'_' => Some(63),
        _ => None,
    };
    let mut bits = 0u32;
    let mut count = 0;
    let mut bytes = Vec::new();
    for c in text.bytes().filter(|c| *c != b'=' && !c.is_ascii_whitespace()) {
        bits = (bits << 6) | u32::from(value(c)?);
        count += 6;
        if count >= 8 {
            count -= 8;
            bytes.push((bits >> count) as u8);
            bits &= (1 << count) - 1;
        }
    }
    String::from_utf8(bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{Syntax, parse};

    #[test]
    fn peer_tools_suppressions_are_read_with_their_reasons() {
        let template = r#"{"Resources": {"R": {"Type": "AWS::IAM::Role", "Metadata": {
          "cfn_nag": {"rules_to_suppress": [{"id": "W11", "reason": "the role needs Describe calls"}]},
          "checkov": {"skip": [{"id": "CKV_AWS_111", "comment": "writes are scoped by SCP"}]},
          "cfn-lint": {"config": {"ignore_checks": ["W3005"]}}
        }}}}"#;
        let found = template_suppressions(&parse(template, Syntax::Json).unwrap());
        let read: Vec<(&str, Option<&str>, Dialect)> =
            found.iter().map(|s| (s.id.as_str(), s.reason.as_deref(), s.dialect)).collect();
        assert_eq!(
            read,
            [
                ("W11", Some("the role needs Describe calls"), Dialect::Peer),
                ("CKV_AWS_111", Some("writes are scoped by SCP"), Dialect::Peer),
                ("W3005", Some(CFN_LINT_REASON), Dialect::Peer),
            ]
        );
        assert!(found.iter().all(|s| s.resource.as_deref() == Some("R")));
    }

    #[test]
    fn base64_reasons_decode() {
        assert_eq!(decode_base64("cmVhc29uIGdpdmVu").as_deref(), Some("reason given"));
        assert_eq!(decode_base64("YQ==").as_deref(), Some("a"));
        assert_eq!(decode_base64("not base64!"), None);
    }

    #[test]
    fn both_dialects_are_read_on_resources_and_the_template() {
        let template = r#"{
          "Metadata": {"iam-lint": {"suppress": [{"id": "LP005", "reason": "legacy wildcard kept for now"}]}},
          "Resources": {"R": {"Type": "AWS::IAM::Role", "Metadata": {"cdk_nag": {"rules_to_suppress": [
            {"id": "AwsSolutions-IAM5[Action::s3:*]", "reason": "cmVhc29uIGdpdmVu", "is_reason_encoded": true},
            {"id": "AwsSolutions-IAM4", "reason": "r", "applies_to": [{"regex": "/^Policy::.*ReadOnly/gi"}]}
          ]}}}}
        }"#;
        let found = template_suppressions(&parse(template, Syntax::Json).unwrap());
        assert_eq!(found.len(), 3);
        assert_eq!((found[0].id.as_str(), found[0].resource.as_deref()), ("LP005", None));
        assert_eq!(found[1].reason.as_deref(), Some("reason given"));
        assert!(matches!(&found[1].applies_to[0], AppliesTo::Text(t) if t == "Action::s3:*"));
        assert!(
            matches!(&found[2].applies_to[0], AppliesTo::Regex(r) if r.is_match("Policy::arn:aws:iam::aws:policy/readonlyaccess"))
        );
        assert_eq!(found[2].loc.pointer, "/Resources/R/Metadata/cdk_nag/rules_to_suppress/1");
    }
}
