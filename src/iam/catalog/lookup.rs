//! Questions rules ask the catalog: which actions a glob names, whether a resource can be of
//! an action's resource types, whether a condition key exists, what was probably meant.

use super::{Action, Catalog, Service};
use crate::iam::glob::{self, Case};

/// An ARN template (`arn:${Partition}:s3:::${BucketName}/${ObjectName}`) as a glob in which
/// each `${Variable}` is `*`, knowing what a variable cannot hold: the partition, region and
/// account take no `:` or `/`, and a last variable that another resource type of the service
/// extends with `/...` (a bucket, which objects extend) takes no `/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ArnPattern {
    glob: String,
    /// Character index of the colon that ends `arn:partition:service:region:account`.
    header_end: usize,
    /// Character index of the last `*`, when it names one path segment.
    segment: Option<usize>,
}

impl ArnPattern {
    pub(crate) fn from_template(template: &str) -> ArnPattern {
        let glob = without_placeholders(template, "*");
        let header_end = glob.chars().enumerate().filter(|&(_, c)| c == ':').nth(4).map_or(0, |(i, _)| i);
        ArnPattern { glob, header_end, segment: None }
    }

    /// Marks the last variable as one path segment when a sibling template extends this one.
    pub(super) fn mark_extended_by(&mut self, siblings: &[String]) {
        let extended = siblings.iter().any(|s| s.len() > self.glob.len() && s.starts_with(&format!("{}/", self.glob)));
        if extended && self.glob.ends_with('*') {
            self.segment = Some(self.glob.chars().count() - 1);
        }
    }

    pub(super) fn glob(&self) -> &str {
        &self.glob
    }

    /// Could `resource` (a glob whose placeholders, `<Bucket.Arn>` or `${AWS::Region}`, are
    /// already `*`) name a resource of this type?
    pub(crate) fn admits(&self, resource: &str) -> bool {
        let forbids = |j: usize, c: char| {
            (j < self.header_end && (c == ':' || c == '/')) || (Some(j) == self.segment && c == '/')
        };
        glob::intersects_restricted(resource, &self.glob, Case::Sensitive, &forbids)
    }
}

/// `text` with each `${Variable}` (catalog templates, CloudFormation `!Sub`) and `<Name>`
/// (catalog keys, unresolved CloudFormation values) replaced by `with`.
pub(crate) fn without_placeholders(text: &str, with: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    loop {
        let next = [("${", "}"), ("<", ">")]
            .into_iter()
            .filter_map(|(open, close)| {
                let start = rest.find(open)?;
                let length = rest[start..].find(close)?;
                Some((start, start + length + close.len()))
            })
            .min();
        let Some((start, end)) = next else { break };
        out.push_str(&rest[..start]);
        out.push_str(with);
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Does a condition key written in a policy match a catalog key, whose templated parts
/// (`aws:RequestTag/${TagKey}`, `s3:ExistingObjectTag/<key>`, and Secrets Manager's
/// `secretsmanager:ResourceTag/tag-key`) take any text? Key names compare case-insensitively.
pub(super) fn key_template_matches(template: &str, key: &str) -> bool {
    if glob::has_wildcard(key) {
        return false;
    }
    // Keys are checked against every key of a service: most differ before the template's
    // first placeholder, which is told without building the template's glob.
    let literal_end = if template.ends_with("/tag-key") { template.len() - "tag-key".len() } else { template.len() };
    for (i, &t) in template.as_bytes()[..literal_end].iter().enumerate() {
        if matches!(t, b'$' | b'<' | b'*' | b'?') {
            break;
        }
        if !key.as_bytes().get(i).is_some_and(|k| k.eq_ignore_ascii_case(&t)) {
            return false;
        }
    }
    let pattern = match template.strip_suffix("/tag-key") {
        Some(prefix) => format!("{prefix}/*"),
        None => without_placeholders(template, "*"),
    };
    glob::covers(&pattern, key, Case::Insensitive)
}

/// Does a catalog key prefix (`oidc.circleci.com/org/${OrgId}`) name `prefix`?
fn covers_prefix(template: &str, prefix: &str) -> bool {
    glob::covers(&without_placeholders(template, "*"), prefix, Case::Insensitive)
}

/// The actions of `service` an action-name glob names. A concrete name is one lookup; only a
/// glob scans the service's actions.
fn actions_named<'s: 'n, 'n>(service: &'s Service, name: &'n str) -> Box<dyn Iterator<Item = &'s Action> + 'n> {
    if glob::has_wildcard(name) {
        Box::new(service.actions().iter().filter(move |a| glob::covers(name, a.name, Case::Insensitive)))
    } else {
        Box::new(service.action(name).into_iter())
    }
}

/// The claims of a web identity token that IAM offers as condition keys for any provider.
pub(super) const WEB_IDENTITY_CLAIMS: [&str; 5] = ["aud", "sub", "amr", "azp", "oaud"];

impl Catalog {
    /// The actions an action glob (`s3:Get*`, `*:Describe*`, `*`) names.
    pub(crate) fn expand(&self, pattern: &str) -> Vec<(&Service, &Action)> {
        let (action_part, services) = self.services_named(pattern);
        services
            .into_iter()
            .flat_map(|service| actions_named(service, action_part).map(move |a| (service, a)))
            .collect()
    }

    /// Does an action glob name at least one real action? Stops at the first.
    pub(crate) fn names_any(&self, pattern: &str) -> bool {
        let (action_part, services) = self.services_named(pattern);
        services.into_iter().any(|service| actions_named(service, action_part).next().is_some())
    }

    /// The services an action glob's prefix names, and the glob's action part.
    fn services_named<'p>(&self, pattern: &'p str) -> (&'p str, Vec<&Service>) {
        let (service_part, action_part) = pattern.split_once(':').unwrap_or(("*", pattern));
        let services = if glob::has_wildcard(service_part) {
            self.services.iter().filter(|s| glob::covers(service_part, s.prefix, Case::Insensitive)).collect()
        } else {
            self.service(service_part).into_iter().collect()
        };
        (action_part, services)
    }

    /// Is `key` a condition key any of `services` (or every service, for global keys)
    /// defines?
    pub(crate) fn knows_condition_key(&self, key: &str, services: &[&Service]) -> bool {
        let (prefix, _) = key.split_once(':').unwrap_or((key, ""));
        let global = self.global_keys.iter().any(|k| key_template_matches(k.name, key));
        let of_service = || {
            services.iter().any(|s| s.condition_keys().iter().any(|k| key_template_matches(k.name, key)))
                // A service's keys may be used with its own actions' statements, and also in
                // statements of services that accept them (`ec2:` keys in `ssm` policies).
                || self.service(prefix).is_some_and(|s| s.condition_keys().iter().any(|k| key_template_matches(k.name, key)))
        };
        // An identity provider's keys are the web-identity claims every provider has, plus
        // what the services accepting it (STS) define (`token.actions.githubusercontent.com:
        // job_workflow_ref`).
        let claim = key.rsplit_once(':').map_or("", |(_, claim)| claim);
        let foreign = || {
            self.foreign_key_prefixes.iter().any(|(foreign, accepting)| {
                covers_prefix(foreign, prefix)
                    && (WEB_IDENTITY_CLAIMS.contains(&claim)
                        || accepting
                            .iter()
                            .filter_map(|p| self.service(p))
                            .any(|s| s.condition_keys().iter().any(|k| key_template_matches(k.name, key))))
            })
        };
        global || of_service() || foreign()
    }

    /// Is `prefix` an identity provider the catalog knows (`token.actions.githubusercontent.com`)?
    pub(crate) fn knows_provider(&self, prefix: &str) -> bool {
        self.foreign_key_prefixes.iter().any(|(foreign, _)| covers_prefix(foreign, prefix))
    }

    /// The existing action of `service` closest to `name`, for "did you mean".
    pub(crate) fn nearest_action<'a>(&'a self, service: &'a Service, name: &str) -> Option<&'a str> {
        nearest(service.actions().iter().map(|a| a.name), name)
    }

    /// The global condition key closest to `key`, with `key`'s own tag name where the global
    /// key is a template (`aws:PrincipalTags/team` -> `aws:PrincipalTag/team`).
    pub(crate) fn nearest_global_key(&self, key: &str) -> Option<String> {
        match key.split_once('/') {
            Some((head, tail)) => {
                let templated = self.global_keys.iter().filter_map(|k| k.name.split_once('/').map(|(h, _)| h));
                nearest(templated, head).map(|near| format!("{near}/{tail}")).filter(|near| near != key)
            }
            None => {
                nearest(self.global_keys.iter().map(|k| k.name).filter(|n| !n.contains('/')), key).map(str::to_owned)
            }
        }
    }

    /// The existing service prefix closest to `prefix`.
    pub(crate) fn nearest_service(&self, prefix: &str) -> Option<&str> {
        nearest(self.services.iter().map(|s| s.prefix), prefix)
    }
}

/// The candidate with the smallest edit distance, when it is close enough to be a typo.
/// Called for every unknown name, over hundreds of candidates: a candidate whose length
/// alone puts it out of reach is skipped, and a distance is given up once it is too large.
pub(crate) fn nearest<'a>(candidates: impl Iterator<Item = &'a str>, wanted: &str) -> Option<&'a str> {
    let limit = (wanted.len() / 3).max(2);
    let mut rows = EditRows::default();
    candidates
        .filter(|candidate| candidate.len().abs_diff(wanted.len()) <= limit)
        .filter_map(|candidate| Some((rows.distance_within(candidate, wanted, limit)?, candidate)))
        .min()
        .map(|(_, candidate)| candidate)
}

/// The two rows of a Levenshtein table, kept between candidates.
#[derive(Default)]
struct EditRows {
    previous: Vec<usize>,
    current: Vec<usize>,
}

impl EditRows {
    /// The Levenshtein distance of `a` and `b` regardless of ASCII case, over bytes (names are
    /// ASCII); `None` when it is over `limit`.
    fn distance_within(&mut self, a: &str, b: &str, limit: usize) -> Option<usize> {
        let (previous, current) = (&mut self.previous, &mut self.current);
        previous.clear();
        previous.extend(0..=b.len());
        for (i, x) in a.bytes().enumerate() {
            current.clear();
            current.push(i + 1);
            for (j, y) in b.bytes().enumerate() {
                let substitution = previous[j] + usize::from(!x.eq_ignore_ascii_case(&y));
                current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
            }
            // No later row has a smaller entry than this one's smallest.
            if current.iter().all(|&distance| distance > limit) {
                return None;
            }
            std::mem::swap(previous, current);
        }
        Some(previous[b.len()]).filter(|&distance| distance <= limit)
    }
}

#[cfg(test)]
mod tests {
    use super::super::catalog;
    use super::*;

    #[test]
    fn expands_globs_to_real_actions() {
        let names: Vec<&str> = catalog().expand("s3:GetObjectT*").into_iter().map(|(_, a)| a.name).collect();
        assert!(names.contains(&"GetObjectTagging") && names.contains(&"GetObjectTorrent"), "{names:?}");
        assert!(names.iter().all(|n| n.starts_with("GetObjectT")));
        assert_eq!(catalog().expand("s3:Fly*").len(), 0);
        assert!(!catalog().names_any("s3:Fly*") && catalog().names_any("s3:*") && catalog().names_any("*:getobject"));
        assert_eq!(catalog().expand("*").len(), catalog().action_count());
        assert!(catalog().expand("*:GetCallerIdentity").into_iter().any(|(s, _)| s.prefix == "sts"));
    }

    #[test]
    fn arn_templates_admit_matching_resources_and_placeholders() {
        let admits = |pattern: &ArnPattern, resource: &str| pattern.admits(&without_placeholders(resource, "*"));
        let object = ArnPattern::from_template("arn:${Partition}:s3:::${BucketName}/${ObjectName}");
        assert!(admits(&object, "arn:aws:s3:::reports/2026/*"));
        assert!(admits(&object, "arn:${AWS::Partition}:s3:::<Bucket>/*"));
        assert!(admits(&object, "*"));
        assert!(!admits(&object, "arn:aws:iam::111122223333:role/x"));
        let role = ArnPattern::from_template("arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}");
        assert!(admits(&role, "<Role.Arn>"));
        assert!(!admits(&role, "arn:aws:s3:::bucket"));
        // A bucket is not an object: its name takes no `/`.
        let mut bucket = ArnPattern::from_template("arn:${Partition}:s3:::${BucketName}");
        bucket.mark_extended_by(&[object.glob().to_owned()]);
        assert!(admits(&bucket, "arn:aws:s3:::reports") && admits(&bucket, "arn:aws:s3:::*"));
        assert!(!admits(&bucket, "arn:aws:s3:::reports/*"));
        assert!(admits(&object, "arn:aws:s3:::*"), "`*` covers objects too");
    }

    #[test]
    fn condition_keys_with_templates() {
        assert!(key_template_matches("aws:RequestTag/${TagKey}", "aws:requesttag/team"));
        assert!(key_template_matches("s3:ExistingObjectTag/<key>", "s3:ExistingObjectTag/classification"));
        assert!(!key_template_matches("aws:TagKeys", "aws:TagKey"));
        assert!(!key_template_matches("aws:RequestTag/${TagKey}", "aws:ResourceTag/team"));
        assert!(!key_template_matches("aws:RequestTag/${TagKey}", "aws:Request"));
        assert!(!key_template_matches("aws:RequestTag/${TagKey}", "aws:RequestTag/*"));
        assert!(key_template_matches("secretsmanager:ResourceTag/tag-key", "secretsmanager:ResourceTag/owner"));
        let s3 = catalog().service("s3").unwrap();
        assert!(catalog().knows_condition_key("aws:SourceIp", &[s3]));
        assert!(catalog().knows_condition_key("s3:prefix", &[s3]));
        assert!(catalog().knows_condition_key("aws:PrincipalTag/team", &[]));
        assert!(catalog().knows_condition_key("token.actions.githubusercontent.com:sub", &[]));
        assert!(!catalog().knows_condition_key("token.actions.githubusercontent.com:subject", &[]));
        assert!(catalog().knows_condition_key("oidc.circleci.com/org/1234:aud", &[]));
        assert!(catalog().knows_condition_key("glacier:ResourceTag/env", &[]));
        assert!(!catalog().knows_condition_key("s3:prefixes", &[s3]));
        assert!(!catalog().knows_condition_key("aws:SourceIpAddress", &[s3]));
    }

    fn action_glob() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let service = prop_oneof![Just("iam"), Just("s3"), Just("sts"), Just("*"), Just("s?")];
        let action = prop_oneof![
            Just("Get*"),
            Just("*Role*"),
            Just("List?ucket"),
            Just("PassRole"),
            Just("*"),
            Just("put*policy")
        ];
        (service, action).prop_map(|(s, a)| format!("{s}:{a}"))
    }

    proptest::proptest! {
        // Each case scans all 22,000 actions with the slow reference matcher.
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(24))]

        /// Expansion agrees with checking every action of the catalog with the reference
        /// matcher.
        #[test]
        fn expansion_agrees_with_brute_force(pattern in action_glob()) {
            let reference = crate::iam::glob::tests::matches;
            let mut expected: Vec<String> = Vec::new();
            for service in &catalog().services {
                for action in service.actions() {
                    let name = format!("{}:{}", service.prefix, action.name);
                    if reference(&pattern, &name, Case::Insensitive) {
                        expected.push(name);
                    }
                }
            }
            let found: Vec<String> = catalog().expand(&pattern).into_iter().map(|(s, a)| format!("{}:{}", s.prefix, a.name)).collect();
            proptest::prop_assert_eq!(found, expected);
        }
    }

    #[test]
    fn suggests_the_nearest_name() {
        let s3 = catalog().service("s3").unwrap();
        assert_eq!(catalog().nearest_action(s3, "GetObjects"), Some("GetObject"));
        assert_eq!(catalog().nearest_action(s3, "CompletelyDifferent"), None);
        assert_eq!(catalog().nearest_service("dynamdb"), Some("dynamodb"));
        assert_eq!(catalog().nearest_global_key("aws:PrincipalTags/team").as_deref(), Some("aws:PrincipalTag/team"));
        assert_eq!(catalog().nearest_global_key("aws:SourceIpAddress").as_deref(), None);
        assert_eq!(catalog().nearest_global_key("aws:SourceIP").as_deref(), Some("aws:SourceIp"));
        let mut rows = EditRows::default();
        assert_eq!(rows.distance_within("kitten", "Sitting", 3), Some(3));
        assert_eq!(rows.distance_within("kitten", "sitting", 2), None);
    }

    /// The full Levenshtein table, for the bounded one to be checked against.
    fn reference_distance(a: &str, b: &str) -> usize {
        let (a, b) = (a.to_ascii_lowercase().into_bytes(), b.to_ascii_lowercase().into_bytes());
        let mut table = vec![vec![0; b.len() + 1]; a.len() + 1];
        for (i, row) in table.iter_mut().enumerate() {
            row[0] = i;
        }
        for (j, cell) in table[0].iter_mut().enumerate() {
            *cell = j;
        }
        for i in 1..=a.len() {
            for j in 1..=b.len() {
                let substitution = table[i - 1][j - 1] + usize::from(a[i - 1] != b[j - 1]);
                table[i][j] = substitution.min(table[i - 1][j] + 1).min(table[i][j - 1] + 1);
            }
        }
        table[a.len()][b.len()]
    }

    proptest::proptest! {
        #[test]
        fn bounded_distance_is_the_distance_within_its_limit(a in "[a-dA-D]{0,9}", b in "[a-dA-D]{0,9}", limit in 0usize..6) {
            let expected = Some(reference_distance(&a, &b)).filter(|&d| d <= limit);
            proptest::prop_assert_eq!(EditRows::default().distance_within(&a, &b, limit), expected);
        }
    }
}
