//! Evaluating a rule set over one policy document.

use std::collections::HashSet;

use super::hit::Hit;
use super::matcher::Scope;
use super::pack::{Logic, Rule};
use super::rule_set::RuleSet;
use crate::finding::Finding;
use crate::iam::model::{AppFacts, Kind, PolicyDoc, TemplateFacts};
use crate::pointer::escape_token;

/// The findings of every applicable rule on `doc`, one per rule and location.
pub(crate) fn evaluate(rules: &RuleSet, doc: &PolicyDoc) -> Vec<Finding> {
    let mut findings = Vec::new();
    let scope = Scope::new(doc);
    for (index, rule) in rules.rules.iter().enumerate() {
        if !rule.applies_to.contains(&doc.kind) {
            continue;
        }
        if let Some(matcher) = &rule.document_matcher {
            let hits = matcher.evaluate(doc).into_iter().collect();
            push_findings(&mut findings, index, rule, &rule.message, doc.kind, hits);
        }
        let hits: Vec<Hit> = match &rule.logic {
            Logic::Check(check) => check.run(doc, &rule.params),
            Logic::Statements(matchers) => doc
                .statements
                .iter()
                .flat_map(|statement| matchers.iter().filter_map(|m| m.evaluate(&scope, statement)).flatten())
                .collect(),
        };
        push_findings(&mut findings, index, rule, &rule.message, doc.kind, hits);
    }
    let anchors = Anchors::of(doc);
    for finding in &mut findings {
        finding.anchor = anchors.anchor(&finding.loc.pointer);
    }
    findings
}

/// Line-independent anchors for a document's findings: a pointer into a statement names the
/// statement by its `Sid`, when it has one, instead of its position.
struct Anchors<'d> {
    /// `<document>/Statement/`.
    prefix: String,
    /// By position, the `Sid` of each statement of a `Statement` array.
    sids: Vec<Option<&'d str>>,
}

impl<'d> Anchors<'d> {
    fn of(doc: &'d PolicyDoc) -> Anchors<'d> {
        let prefix = format!("{}/Statement/", doc.head.pointer);
        let mut sids = Vec::new();
        for statement in &doc.statements {
            // A lone statement object (`"Statement": {...}`) has no position to replace.
            let in_array = statement.loc.pointer.strip_prefix(&prefix).and_then(|p| p.parse::<usize>().ok());
            let sid = statement.sid.as_ref().map(|sid| sid.text.as_str()).filter(|sid| !sid.is_empty());
            if let (Some(index), Some(sid)) = (in_array.filter(|&i| i == statement.index), sid) {
                if sids.len() <= index {
                    sids.resize(index + 1, None);
                }
                sids[index] = Some(sid);
            }
        }
        Anchors { prefix, sids }
    }

    fn anchor(&self, pointer: &str) -> String {
        let named = pointer.strip_prefix(&self.prefix).and_then(|rest| {
            let (position, tail) = rest.split_once('/').map_or((rest, ""), |(p, t)| (p, t));
            let sid = self.sids.get(position.parse::<usize>().ok()?).copied().flatten()?;
            let separator = if tail.is_empty() { "" } else { "/" };
            Some(format!("{}Sid={}{separator}{tail}", self.prefix, escape_token(sid)))
        });
        named.unwrap_or_else(|| pointer.to_owned())
    }
}

/// The findings of the template-level matchers (`[[rule.principal]]`) on a template's facts.
/// Managed policies attached to principals are identity policies.
pub(crate) fn evaluate_template(rules: &RuleSet, facts: &TemplateFacts) -> Vec<Finding> {
    let mut findings = Vec::new();
    if facts.principals.is_empty() {
        return findings;
    }
    for (index, rule) in rules.rules.iter().enumerate() {
        if !rule.applies_to.contains(&Kind::Identity) {
            continue;
        }
        for matcher in &rule.principal_matchers {
            let message = matcher.message.as_deref().unwrap_or(&rule.message);
            push_findings(&mut findings, index, rule, message, Kind::Identity, matcher.evaluate(facts));
        }
    }
    findings
}

/// The findings of the CDK-app matchers (`[[rule.app]]`) on an app's facts.
pub(crate) fn evaluate_app(rules: &RuleSet, facts: &AppFacts) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (index, rule) in rules.rules.iter().enumerate() {
        for matcher in &rule.app_matchers {
            let message = matcher.message.as_deref().unwrap_or(&rule.message);
            let hits = matcher.evaluate(facts).into_iter().collect();
            push_findings(&mut findings, index, rule, message, Kind::Identity, hits);
        }
    }
    findings
}

/// Turns one rule's hits into findings, once per element.
fn push_findings(findings: &mut Vec<Finding>, index: usize, rule: &Rule, message: &str, kind: Kind, hits: Vec<Hit>) {
    // Two alternatives of one rule may single out the same element: report it once. (The
    // pointer tells apart YAML alias copies, which share their anchor's span; the element,
    // several actions that one `*` grants.)
    let mut reported = HashSet::with_capacity(hits.len());
    let first: Vec<bool> = hits
        .iter()
        .map(|hit| reported.insert((hit.loc.pointer.as_str(), hit.loc.span, hit.element.as_str())))
        .collect();
    for (hit, first) in hits.into_iter().zip(first) {
        if !first {
            continue;
        }
        let anchor = hit.loc.pointer.clone();
        findings.push(Finding {
            rule: index,
            // A config's override wins over what the rule says of a hit.
            severity: rule.severity_override.or(hit.severity).unwrap_or(rule.severity),
            message: interpolate(message, &hit.vars),
            loc: hit.loc,
            kind,
            element: hit.element,
            located: hit.located,
            anchor,
            origin: None,
        });
    }
}

/// Replaces each `{name}` with its value; the pack loader has checked every name exists.
pub(crate) fn interpolate(template: &str, vars: &[(&'static str, String)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}').and_then(|close| Some((close, vars.iter().find(|(k, _)| *k == &after[..close])?))) {
            Some((close, (_, value))) => {
                // Element text comes from the linted file: keep control characters from
                // breaking one-line output formats.
                if value.chars().any(char::is_control) {
                    for c in value.chars() {
                        if c.is_control() { out.extend(c.escape_default()) } else { out.push(c) }
                    }
                } else {
                    out.push_str(value);
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interpolates_known_names_and_keeps_other_braces() {
        let vars = [("action", "iam:*".to_owned()), ("sid", "S1".to_owned())];
        assert_eq!(interpolate("`{action}` in {sid} {x} {", &vars), "`iam:*` in S1 {x} {");
        let vars = [("action", "s3:Get\nObject\t".to_owned())];
        assert_eq!(interpolate("{action}", &vars), "s3:Get\\nObject\\t");
    }
}
