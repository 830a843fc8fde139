//! Suppressions: findings a project has decided to accept, each with a reason, where they live.
//! Written in a template (`Metadata.iam-lint.suppress`, and cdk-nag's
//! `Metadata.cdk_nag.rules_to_suppress`, mapped through each rule's `aliases`), on a resource or
//! for the whole template. A suppression without a reason (S001) or past its `expires` date
//! suppresses nothing; one that matches no finding is reported (S002).

mod sources;

use regex::Regex;

use crate::finding::Finding;
use crate::iam::catalog::days_since_epoch;
use crate::iam::model::{Loc, Notice};
use crate::pointer::escape_token;
use crate::rules::{Rule, RuleSet, interpolate};
use crate::source::Source;

pub(crate) use sources::template_suppressions;

/// A config's `[[suppress]]` entries as linting takes them: in order (each file is given the
/// places of those for its path), with the config file they are written in, where their own
/// findings (S001, S002, expiry) are reported.
pub(crate) struct ConfigSuppressions<'a> {
    pub source: Source,
    pub entries: Vec<&'a Suppression>,
}

/// Reasons shorter than this say nothing (cdk-nag requires as many).
const MIN_REASON_CHARS: usize = 10;

/// Who wrote a suppression, which decides how its ids and `applies-to` are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    /// iam-lint's own: rule ids, `applies-to` globs over the offending element.
    IamLint,
    /// cdk-nag v2: peer ids (`AwsSolutions-IAM5`) through aliases, `applies_to` finding texts
    /// such as `Resource::*` or `Action::s3:*`, or `{regex: "/.../"}`.
    CdkNag,
    /// cfn_nag (`W11`), checkov (`CKV_AWS_111`) and cfn-lint (`W3005`): peer ids through
    /// aliases, for every finding of the rule on the resource.
    Peer,
}

/// Which findings a suppression's `applies-to` entry accepts.
#[derive(Debug, Clone)]
pub(crate) enum AppliesTo {
    /// A glob over the element (iam-lint), or a finding text (cdk-nag), matched exactly.
    Text(String),
    Regex(Regex),
    /// An entry that could not be read (a regex that does not compile): it matches nothing.
    Nothing,
}

/// One suppression, as written.
#[derive(Debug, Clone)]
pub(crate) struct Suppression {
    pub dialect: Dialect,
    /// The rule id or peer id as written, without a granular `[...]` part.
    pub id: String,
    /// Empty: every finding of the rule in scope.
    pub applies_to: Vec<AppliesTo>,
    /// The resource it is written on; `None` for the whole template.
    pub resource: Option<String>,
    /// The `Sid` of the statement it is about (a config's suppression of a bare policy).
    pub sid: Option<String>,
    pub reason: Option<String>,
    /// `YYYY-MM-DD`.
    pub expires: Option<String>,
    /// Where it is written, for S001, S002 and expiry notices.
    pub loc: Loc,
    /// Written in the config (`[[suppress]]`): S001, S002 and expiry are judged once for the
    /// whole run, at the config, not per file.
    pub in_config: bool,
}

/// A finding a suppression accepted, with the reason given.
#[derive(Debug, Clone)]
pub(crate) struct Suppressed {
    pub finding: Finding,
    pub justification: String,
    /// Written in the config rather than beside the finding (SARIF `external`, not `inSource`).
    pub external: bool,
}

/// What applying a file's suppressions did.
#[derive(Debug, Default)]
pub(crate) struct Outcome {
    pub kept: Vec<Finding>,
    pub suppressed: Vec<Suppressed>,
    /// Suppression findings: S001 (no reason), S002 (unused).
    pub findings: Vec<Finding>,
    /// Expired suppressions, which suppress nothing.
    pub notices: Vec<Notice>,
    /// Which of the suppressions matched a finding.
    pub used: Vec<bool>,
}

impl Suppression {
    /// Does it name `rule`: by id, or (cdk-nag) by one of its aliases?
    fn names(&self, rule: &Rule) -> bool {
        match self.dialect {
            Dialect::IamLint => rule.id.eq_ignore_ascii_case(&self.id),
            Dialect::CdkNag | Dialect::Peer => rule.aliases.contains(&self.id),
        }
    }

    fn covers(&self, rule: &Rule, finding: &Finding) -> bool {
        if !self.names(rule) {
            return false;
        }
        if let Some(resource) = &self.resource
            && finding.origin.as_ref().is_none_or(|o| &o.logical_id != resource)
        {
            return false;
        }
        if let Some(sid) = &self.sid {
            let segment = format!("Sid={}", escape_token(sid));
            if !finding.anchor.split('/').any(|s| s == segment) {
                return false;
            }
        }
        if self.applies_to.is_empty() {
            return true;
        }
        let text = match self.dialect {
            Dialect::IamLint => finding.element.clone(),
            Dialect::CdkNag | Dialect::Peer => nag_text(finding),
        };
        self.applies_to.iter().any(|entry| match (entry, self.dialect) {
            (AppliesTo::Regex(regex), _) => regex.is_match(&text),
            (AppliesTo::Nothing, _) => false,
            (AppliesTo::Text(glob), Dialect::IamLint) => {
                crate::iam::glob::covers(glob, &text, crate::iam::glob::Case::Sensitive)
            }
            (AppliesTo::Text(exact), _) => *exact == text,
        })
    }

    fn has_reason(&self) -> bool {
        self.reason.as_ref().is_some_and(|r| r.trim().chars().count() >= MIN_REASON_CHARS)
    }

    /// Past its date, or with a date iam-lint cannot read: then it suppresses nothing rather
    /// than forever.
    fn expired(&self, today: u64) -> bool {
        self.expires.as_deref().is_some_and(|date| days_since_epoch(date).is_none_or(|day| day < today))
    }
}

/// How cdk-nag writes the element of a finding in `applies_to`: `Resource::<Bucket.Arn>/*`,
/// `Action::s3:*`, `Policy::arn:<AWS::Partition>:iam::aws:policy/ReadOnlyAccess`. CloudFormation
/// variables `${X}` read as cdk-nag's `<X>`.
fn nag_text(finding: &Finding) -> String {
    // The innermost element key of the pointer says what the element is.
    let key = finding.loc.pointer.rsplit('/').find(|token| {
        matches!(*token, "Action" | "NotAction" | "Resource" | "NotResource" | "ManagedPolicyArns" | "Policies")
    });
    let kind = match key {
        Some("Resource" | "NotResource") => "Resource",
        Some("ManagedPolicyArns" | "Policies") => "Policy",
        _ => "Action",
    };
    let text = if kind == "Resource" { finding.located.as_ref().unwrap_or(&finding.element) } else { &finding.element };
    format!("{kind}::{}", text.replace("${", "<").replace('}', ">"))
}

/// Applies a file's suppressions to its findings; S001 and S002 are reported when selected.
pub(crate) fn apply(findings: Vec<Finding>, suppressions: &[&Suppression], rules: &RuleSet, today: u64) -> Outcome {
    let mut outcome = Outcome::default();
    if suppressions.is_empty() {
        outcome.kept = findings;
        return outcome;
    }
    let live: Vec<bool> = suppressions.iter().map(|s| s.has_reason() && !s.expired(today)).collect();
    let mut used = vec![false; suppressions.len()];
    for finding in findings {
        let rule = &rules.rules[finding.rule];
        let covering: Vec<usize> =
            (0..suppressions.len()).filter(|&i| live[i] && suppressions[i].covers(rule, &finding)).collect();
        // Every suppression that covers the finding is in use, the first one gives the reason.
        for &i in &covering {
            used[i] = true;
        }
        match covering.first().copied() {
            Some(i) => {
                let justification = suppressions[i].reason.clone().unwrap_or_default();
                let external = suppressions[i].in_config;
                outcome.suppressed.push(Suppressed { finding, justification, external });
            }
            None => outcome.kept.push(finding),
        }
    }
    for (i, suppression) in suppressions.iter().enumerate().filter(|(_, s)| !s.in_config) {
        judge(suppression, used[i], rules, today, &mut outcome);
    }
    outcome.used = used;
    outcome
}

/// S001, S002 and expiry for the config's suppressions, once the whole run has used them.
/// Whether they have a reason is always judged; expiry and use only for those `offered` to a
/// file of the run.
pub(crate) fn judge_config<'s>(
    suppressions: impl Iterator<Item = &'s Suppression>,
    offered: &[bool],
    used: &[bool],
    rules: &RuleSet,
    today: u64,
) -> Outcome {
    let mut outcome = Outcome::default();
    for ((suppression, offered), used) in suppressions.zip(offered).zip(used) {
        if *offered || !suppression.has_reason() {
            judge(suppression, *used, rules, today, &mut outcome);
        }
    }
    outcome
}

/// What is wrong with one suppression, if anything: no reason (S001), expired (a note), or
/// unused (S002). A suppression of a rule that did not run (`--select`) is not unused, nor is
/// a cdk-nag one: it may be there for a cdk-nag finding iam-lint does not make (cdk-nag flags
/// `Resource::arn:aws:s3:::bucket/*`), and cdk-nag needs it.
fn judge(suppression: &Suppression, used: bool, rules: &RuleSet, today: u64, outcome: &mut Outcome) {
    let rule_index = |id: &str| rules.rules.iter().position(|r| r.id == id);
    let names_a_rule = rules.rules.iter().any(|rule| suppression.names(rule));
    // A peer tool's suppression of a rule iam-lint does not have is that tool's business.
    let ours = suppression.dialect == Dialect::IamLint || names_a_rule;
    if !suppression.has_reason() {
        if ours {
            outcome.findings.extend(rule_index("S001").map(|s001| suppression_finding(rules, s001, suppression)));
        }
    } else if suppression.expired(today) {
        let expires = suppression.expires.as_deref().unwrap_or_default();
        let message = match days_since_epoch(expires) {
            Some(_) => {
                format!("the suppression of `{}` expired on {expires}: its findings are reported again", suppression.id)
            }
            None => format!(
                "the suppression of `{}` has an expiry date iam-lint cannot read (`{expires}`; write YYYY-MM-DD): it suppresses nothing",
                suppression.id
            ),
        };
        outcome.notices.push(Notice { loc: suppression.loc.clone(), message });
    } else if !used && suppression.dialect == Dialect::IamLint && names_a_rule {
        outcome.findings.extend(rule_index("S002").map(|s002| suppression_finding(rules, s002, suppression)));
    }
}

fn suppression_finding(rules: &RuleSet, index: usize, suppression: &Suppression) -> Finding {
    let rule = &rules.rules[index];
    Finding {
        rule: index,
        severity: rule.severity_override.unwrap_or(rule.severity),
        message: interpolate(&rule.message, &[("id", format!("`{}`", suppression.id))]),
        loc: suppression.loc.clone(),
        kind: crate::iam::model::Kind::Identity,
        element: suppression.id.clone(),
        located: None,
        anchor: suppression.loc.pointer.clone(),
        origin: None,
    }
}

/// Today, as days since 1970-01-01 (UTC).
pub(crate) fn today() -> u64 {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    now.as_secs() / 86_400
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iam::model::Kind;
    use crate::source::Span;

    fn suppression(id: &str) -> Suppression {
        Suppression {
            dialect: Dialect::IamLint,
            id: id.to_owned(),
            applies_to: Vec::new(),
            resource: None,
            sid: None,
            reason: Some("a reason long enough".to_owned()),
            expires: None,
            loc: Loc { pointer: String::new(), span: Span::new(0, 0) },
            in_config: false,
        }
    }

    fn finding(anchor: &str) -> Finding {
        let loc = Loc { pointer: String::new(), span: Span::new(0, 0) };
        let (severity, kind) = (crate::finding::Severity::Warning, Kind::Identity);
        let element = "s3:*".to_owned();
        Finding {
            rule: 0,
            severity,
            message: String::new(),
            loc,
            kind,
            element,
            located: None,
            anchor: anchor.to_owned(),
            origin: None,
        }
    }

    fn rule() -> Rule {
        let rules = RuleSet::builtin().unwrap();
        rules.get("LP005").unwrap().clone()
    }

    #[test]
    fn a_sid_names_a_whole_statement_segment() {
        let mut by_sid = suppression("LP005");
        by_sid.sid = Some("Deploy".to_owned());
        assert!(by_sid.covers(&rule(), &finding("/Statement/Sid=Deploy/Action/0")));
        assert!(!by_sid.covers(&rule(), &finding("/Statement/Sid=DeployProd/Action/0")));
        by_sid.sid = Some("A/B".to_owned());
        assert!(by_sid.covers(&rule(), &finding("/Statement/Sid=A~1B/Action")));
    }

    #[test]
    fn an_unreadable_entry_or_date_suppresses_nothing() {
        let mut unreadable = suppression("LP005");
        unreadable.applies_to = vec![AppliesTo::Nothing];
        assert!(!unreadable.covers(&rule(), &finding("/Statement/0/Action")));
        let mut undated = suppression("LP005");
        undated.expires = Some("30/06/2021".to_owned());
        assert!(undated.expired(today()));
        undated.expires = Some("2999-01-01".to_owned());
        assert!(!undated.expired(today()));
    }

    #[test]
    fn every_covering_suppression_is_in_use() {
        let rules = RuleSet::builtin().unwrap();
        let mut found = finding("/Statement/0/Action");
        found.rule = rules.rules.iter().position(|r| r.id == "LP005").unwrap();
        let mut on_resource = suppression("LP005");
        on_resource.applies_to = vec![AppliesTo::Text("s3:*".to_owned())];
        let outcome = apply(vec![found], &[&suppression("LP005"), &on_resource], rules, today());
        assert_eq!((outcome.suppressed.len(), outcome.findings.len()), (1, 0), "no S002: {:?}", outcome.findings);
        assert_eq!(outcome.used, [true, true]);
    }
}
