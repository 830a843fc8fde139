//! Built-in checks of actions against their resources, with the catalog's resource types:
//! `Resource: "*"` where an action takes ARNs (LP002), and ARNs no action of the statement can
//! act on (G015).

use super::catalog_checks::is_arn_shaped;
use super::hit::{Hit, code};
use super::validator::Params;
use crate::finding::Severity;
use crate::iam::catalog::{AccessLevel, Action, ArnPattern, Service, expansion, without_placeholders};
use crate::iam::glob::{self, Case, has_wildcard};
use crate::iam::model::{Effect, PolicyDoc, Statement, Text};

fn matches_any(globs: Option<&Vec<String>>, service: &Service, action: &Action) -> bool {
    let Some(globs) = globs.filter(|globs| !globs.is_empty()) else { return false };
    let name = format!("{}:{}", service.prefix, action.name);
    globs.iter().any(|g| glob::covers(g, &name, Case::Insensitive))
}

/// The resource types an action acts on, by name, at most a few.
fn type_names<'a>(actions: impl Iterator<Item = (&'a Service, &'a Action)>) -> String {
    let mut names: Vec<&str> = Vec::new();
    for (service, action) in actions {
        for &(index, _) in &action.resource_types {
            let name = service.resource_type(index).name;
            if !names.contains(&name) {
                names.push(name);
            }
        }
    }
    let shown: Vec<String> = names.iter().take(6).map(|n| code(n)).collect();
    let more = names.len().saturating_sub(6);
    if more > 0 { format!("{} and {more} more", shown.join(", ")) } else { shown.join(", ") }
}

/// The first condition key of the statement that limits a value and matches one of `globs`.
fn scoping_key(statement: &Statement, globs: Option<&Vec<String>>) -> Option<String> {
    let entries = statement.condition.iter().flat_map(|c| &c.entries);
    entries
        .filter(|entry| entry.constrains_value())
        .find(|entry| globs.is_some_and(|g| g.iter().any(|g| glob::covers(g, &entry.key.text, Case::Insensitive))))
        .map(|entry| entry.key.text.clone())
}

/// LP002: each `Action` element of an Allow whose actions accept ARNs but are granted on `*`.
/// Actions whose resource types are all optional may genuinely need `*` (DESIGN §12): they
/// are reported as notes, unless `always-scoped` names them.
pub(super) fn wildcard_resources(doc: &PolicyDoc, params: &Params) -> Vec<Hit> {
    doc.statements.iter().flat_map(|s| wildcard_resources_of(s, params)).collect()
}

fn wildcard_resources_of(statement: &Statement, params: &Params) -> Vec<Hit> {
    let (Some(Effect::Allow), Some(actions), Some(resources)) =
        (statement.effect(), &statement.action, statement.resources())
    else {
        return Vec::new();
    };
    let Some(star) = resources.stars().next() else { return Vec::new() };
    let mut hits = Vec::new();
    for item in &actions.items {
        // `*` on `*` is admin access (LP001) and `*` elsewhere a wildcard action (LP005).
        if matches!(item.text.as_str(), "*" | "*:*") {
            continue;
        }
        // A glob such as `ec2:Describe*` or `s3:List*` is how read-only access to listings is
        // granted, and those need `*`: a glob is reported only for what it names beyond
        // List-level actions, and only where an ARN is certainly expected.
        let glob = has_wildcard(&item.text);
        let offending: Vec<(&Service, &Action)> = expansion(&item.text)
            .actions
            .iter()
            .copied()
            .filter(|(service, action)| {
                let listing = glob && action.level == AccessLevel::List;
                let allowed = matches_any(params.get("allow-actions"), service, action);
                !(action.takes_no_resource() || listing || allowed)
            })
            .collect();
        let certain = offending.iter().any(|(service, action)| {
            action.resource_types.iter().any(|&(_, required)| required)
                || matches_any(params.get("always-scoped"), service, action)
        });
        if offending.is_empty() || (glob && !certain) {
            continue;
        }
        let types = type_names(offending.iter().copied());
        // A condition on the resource's tags or owner (ABAC) scopes `*` in its own way.
        let scoping = scoping_key(statement, params.get("scoping-keys"));
        let detail = match (&scoping, certain) {
            (Some(key), _) => {
                format!("a condition on `{key}` narrows it; naming the {types} ARNs would narrow it more")
            }
            (None, true) => format!("scope it to the {types} ARNs it acts on"),
            (None, false) => {
                format!("its resource types ({types}) are optional, so `*` may be needed; scope it if it can be")
            }
        };
        let vars = vec![
            ("sid", statement.label()),
            ("action", code(&item.text)),
            ("resource", code(&star.text)),
            ("detail", detail),
        ];
        // The element is the action: one `*` may be reported for several actions.
        let mut hit = Hit::new(star.loc.clone(), &item.text, vars);
        hit.located = Some(star.text.clone());
        if !certain || scoping.is_some() {
            hit.severity = Some(Severity::Note);
        }
        hits.push(hit);
    }
    hits
}

/// G015: a specific ARN on actions that take no resource (the grant never applies), or an ARN
/// that none of the statement's actions acts on.
pub(super) fn type_mismatches(doc: &PolicyDoc) -> Vec<Hit> {
    doc.statements.iter().flat_map(type_mismatches_of).collect()
}

fn type_mismatches_of(statement: &Statement) -> Vec<Hit> {
    let (Some(actions), Some(resources)) = (&statement.action, &statement.resource) else { return Vec::new() };
    if resources.items.iter().any(|r| r.text == "*") {
        return Vec::new();
    }
    let arns: Vec<&Text> = resources.items.iter().filter(|r| is_arn_shaped(&r.text)).collect();
    let hit = |arn: &Text, problem: String| {
        Hit::new(
            arn.loc.clone(),
            &arn.text,
            vec![("sid", statement.label()), ("resource", code(&arn.text)), ("problem", problem)],
        )
    };
    let mut hits = Vec::new();
    let mut acting: Vec<(&Service, &Action)> = Vec::new();
    // An action of every service (`*`, `*:Get*`) acts on every kind of resource.
    let every_service = actions.items.iter().any(|item| item.text.split_once(':').is_none_or(|(s, _)| has_wildcard(s)));
    let mut all_known = true;
    for item in &actions.items {
        let expanded = expansion(&item.text);
        let expanded = &expanded.actions;
        // An unknown action (G007/G008): what it acts on is unknown.
        all_known &= !expanded.is_empty();
        if !expanded.is_empty() && expanded.iter().all(|(_, action)| action.takes_no_resource()) {
            for arn in &arns {
                let problem = format!(
                    "{} takes no resource, so the grant on this ARN never applies; use `Resource: \"*\"` for it",
                    code(&item.text)
                );
                let mut finding = hit(arn, problem);
                // `arn:aws:s3:::*` on `s3:ListAllMyBuckets` is an old, common spelling whose
                // effect AWS documents loosely: a note, not a warning, for a wildcard ARN.
                if has_wildcard(arn_resource_part(&arn.text)) {
                    finding.severity = Some(Severity::Note);
                }
                hits.push(finding);
            }
        }
        acting.extend(expanded.iter().copied().filter(|(_, action)| !action.takes_no_resource()));
    }
    if acting.is_empty() || !all_known || every_service {
        return hits;
    }
    // Many actions share a few resource types (`s3:*` names hundreds of actions on five).
    let mut patterns: Vec<&ArnPattern> = Vec::new();
    for (service, action) in &acting {
        for &(index, _) in &action.resource_types {
            let pattern = &service.resource_type(index).pattern;
            if !patterns.iter().any(|known| std::ptr::eq(*known, pattern)) {
                patterns.push(pattern);
            }
        }
    }
    for arn in arns {
        let resource = without_placeholders(&arn.text, "*");
        let admitted = patterns.iter().any(|pattern| pattern.admits(&resource));
        if !admitted {
            let problem =
                format!("no action of the statement acts on it (they act on {})", type_names(acting.iter().copied()));
            hits.push(hit(arn, problem));
        }
    }
    hits
}

/// The part of an ARN after `arn:partition:service:region:account:`.
fn arn_resource_part(arn: &str) -> &str {
    arn.splitn(6, ':').nth(5).unwrap_or(arn)
}
