//! What a statement's `Action`/`NotAction` and `Resource`/`NotResource` mean as sets, with IAM
//! semantics: globs, case rules (actions ignore case, ARNs do not) and `Not*` as complement.

use super::{Clause, Text};

use crate::iam::catalog::expansion;
use crate::iam::glob::{self, Case};

/// The actions a statement applies to.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ActionSet<'a> {
    pub clause: &'a Clause,
    /// `NotAction`: every action except those listed.
    pub negated: bool,
}

impl<'a> ActionSet<'a> {
    pub(crate) fn new(clause: &'a Clause, negated: bool) -> Self {
        Self { clause, negated }
    }

    /// Does the statement apply to this concrete action?
    fn grants(&self, action: &str) -> bool {
        self.clause.items.iter().any(|item| glob::covers(&item.text, action, Case::Insensitive)) != self.negated
    }

    /// Does it apply to at least one action matching `pattern`? Exact over the catalog's
    /// actions; for actions it does not know, `NotAction` is taken to reach the pattern unless
    /// one listed glob excludes all of it.
    pub(crate) fn grants_any(&self, pattern: &str) -> bool {
        // Exact over the real actions `pattern` names; a made-up action (in a custom pack)
        // names none, and the answer falls back to globs.
        let real = expansion(pattern);
        if !real.actions.is_empty() {
            return real.names().iter().any(|action| self.grants(action));
        }
        if self.negated {
            !self.clause.items.iter().any(|item| glob::covers(&item.text, pattern, Case::Insensitive))
        } else {
            self.clause.items.iter().any(|item| glob::intersects(&item.text, pattern, Case::Insensitive))
        }
    }

    /// Does it apply to every action matching `pattern`? Exact over the catalog's actions, as
    /// [`Self::grants_any`].
    pub(crate) fn grants_all(&self, pattern: &str) -> bool {
        let real = expansion(pattern);
        if !real.actions.is_empty() {
            return real.names().iter().all(|action| self.grants(action));
        }
        if self.negated {
            !self.clause.items.iter().any(|item| glob::intersects(&item.text, pattern, Case::Insensitive))
        } else {
            self.clause.items.iter().any(|item| glob::covers(&item.text, pattern, Case::Insensitive))
        }
    }

    /// Does it apply to every action there is (`*` or `*:*`)?
    pub(crate) fn grants_everything(&self) -> bool {
        !self.negated && self.clause.items.iter().any(|item| matches!(item.text.as_str(), "*" | "*:*"))
    }

    /// The listed elements through which the statement reaches `pattern`: the matching items,
    /// or nothing for `NotAction` (there the whole clause is responsible).
    pub(crate) fn items_reaching(&self, pattern: &str) -> impl Iterator<Item = &'a Text> + '_ {
        let pattern = pattern.to_owned();
        let negated = self.negated;
        self.clause
            .items
            .iter()
            .filter(move |item| !negated && glob::intersects(&item.text, &pattern, Case::Insensitive))
    }
}

/// Every ARN in the `aws` partition, as a glob.
const EVERY_ARN: &str = "arn:aws:*:*:*:*";

/// The resources a statement applies to.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ResourceSet<'a> {
    pub clause: &'a Clause,
    /// `NotResource`: every resource except those listed.
    pub negated: bool,
}

impl<'a> ResourceSet<'a> {
    pub(crate) fn new(clause: &'a Clause, negated: bool) -> Self {
        Self { clause, negated }
    }

    /// The elements of a `Resource` that match every resource: `"*"`, or a glob such as
    /// `arn:*` that matches every ARN (of the `aws` partition, at least).
    pub(crate) fn stars(&self) -> impl Iterator<Item = &'a Text> + '_ {
        let negated = self.negated;
        self.clause
            .items
            .iter()
            .filter(move |item| !negated && (item.text == "*" || glob::covers(&item.text, EVERY_ARN, Case::Sensitive)))
    }

    /// The elements of a `Resource` that match every resource `pattern` matches.
    pub(crate) fn items_covering(&self, pattern: &str) -> impl Iterator<Item = &'a Text> + '_ {
        let pattern = pattern.to_owned();
        let negated = self.negated;
        self.clause.items.iter().filter(move |item| !negated && glob::covers(&item.text, &pattern, Case::Sensitive))
    }

    /// Is every resource of a `Resource` list within `pattern`?
    pub(crate) fn within(&self, pattern: &str) -> bool {
        !self.negated
            && !self.clause.items.is_empty()
            && self.clause.items.iter().all(|item| glob::covers(pattern, &item.text, Case::Sensitive))
    }

    /// Every resource matching `pattern` is in the set.
    pub(crate) fn covers(&self, pattern: &str) -> bool {
        if self.negated {
            !self.clause.items.iter().any(|item| glob::intersects(&item.text, pattern, Case::Sensitive))
        } else {
            self.clause.items.iter().any(|item| glob::covers(&item.text, pattern, Case::Sensitive))
        }
    }

    /// Every resource of `other` is in this set.
    pub(crate) fn covers_set(&self, other: &ResourceSet<'_>) -> bool {
        match (self.negated, other.negated) {
            (_, false) => other.clause.items.iter().all(|item| self.covers(&item.text)),
            // Only "everything" covers a complement.
            (false, true) => self.clause.items.iter().any(|item| item.text == "*"),
            // Not(A) covers Not(B) when A is inside B.
            (true, true) => self.clause.items.iter().all(|mine| {
                other.clause.items.iter().any(|theirs| glob::covers(&theirs.text, &mine.text, Case::Sensitive))
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iam::model::Loc;
    use crate::source::Span;
    use proptest::prelude::*;

    fn clause(items: &[&str]) -> Clause {
        let loc = Loc { pointer: String::new(), span: Span::default() };
        let items = items.iter().map(|t| Text { text: (*t).to_owned(), loc: loc.clone() }).collect();
        Clause { key: loc, items }
    }

    #[test]
    fn action_globs_and_case() {
        let c = clause(&["IAM:pass*", "s3:GetObject"]);
        let set = ActionSet::new(&c, false);
        assert!(set.grants_any("iam:PassRole"));
        assert!(set.grants_all("iam:PassRole"));
        assert!(!set.grants_any("s3:PutObject"));
        assert!(!set.grants_everything());
        assert_eq!(set.items_reaching("iam:PassRole").count(), 1);
    }

    #[test]
    fn not_action_is_a_complement() {
        let c = clause(&["iam:*"]);
        let set = ActionSet::new(&c, true);
        assert!(!set.grants_any("iam:PassRole"));
        assert!(!set.grants_any("iam:Pass*"));
        assert!(set.grants_any("s3:GetObject"));
        assert!(set.grants_all("s3:*"));
        let c = clause(&["s3:*"]);
        assert!(ActionSet::new(&c, true).grants_any("iam:PassRole"));
    }

    #[test]
    fn everything_is_star_or_star_colon_star() {
        assert!(ActionSet::new(&clause(&["*:*"]), false).grants_everything());
        assert!(!ActionSet::new(&clause(&["*"]), true).grants_everything());
    }

    #[test]
    fn resource_coverage() {
        let star = clause(&["*"]);
        let bucket = clause(&["arn:aws:s3:::bucket/*"]);
        let object = clause(&["arn:aws:s3:::bucket/key"]);
        let not_bucket = clause(&["arn:aws:s3:::bucket/*"]);
        let (star, bucket, object) =
            (ResourceSet::new(&star, false), ResourceSet::new(&bucket, false), ResourceSet::new(&object, false));
        let not_bucket = ResourceSet::new(&not_bucket, true);
        assert!(star.covers_set(&bucket) && bucket.covers_set(&object) && !object.covers_set(&bucket));
        assert!(star.covers_set(&not_bucket) && !bucket.covers_set(&not_bucket));
        assert!(!not_bucket.covers_set(&object));
        let every = clause(&["arn:*", "arn:aws:*:*:*:*", "arn:aws:s3:::*", "*"]);
        let stars: Vec<&str> = ResourceSet::new(&every, false).stars().map(|t| t.text.as_str()).collect();
        assert_eq!(stars, ["arn:*", "arn:aws:*:*:*:*", "*"]);
        let roles: Vec<&str> =
            ResourceSet::new(&every, false).items_covering("arn:aws:s3:::bucket/*").map(|t| t.text.as_str()).collect();
        assert_eq!(roles, ["arn:*", "arn:aws:*:*:*:*", "arn:aws:s3:::*", "*"]);
        assert!(!ResourceSet::new(&clause(&["arn:aws:s3:::Bucket/*"]), false).covers_set(&bucket));
    }

    const ACTIONS: [&str; 8] = [
        "iam:PassRole",
        "iam:GetRole",
        "iam:PutRolePolicy",
        "s3:GetObject",
        "s3:PutObject",
        "s3:ListBucket",
        "ec2:RunInstances",
        "sts:AssumeRole",
    ];

    fn action_glob() -> impl Strategy<Value = String> {
        prop_oneof![
            proptest::sample::select(ACTIONS.to_vec()).prop_map(str::to_owned),
            proptest::sample::select(ACTIONS.to_vec()).prop_map(str::to_uppercase),
            proptest::sample::select(ACTIONS.to_vec()).prop_map(|a| format!("{}*", &a[..a.find(':').unwrap() + 2])),
            proptest::sample::select(vec!["*", "iam:*", "s3:*Object", "*:Get*", "s3:?etObject"])
                .prop_map(str::to_owned),
        ]
    }

    /// Every action of a few services, as `service:Action`.
    fn universe() -> Vec<String> {
        ["iam", "s3", "sts"]
            .iter()
            .filter_map(|prefix| crate::iam::catalog::catalog().service(prefix))
            .flat_map(|s| s.actions().iter().map(move |a| format!("{}:{}", s.prefix, a.name)))
            .collect()
    }

    fn catalog_glob() -> impl Strategy<Value = String> {
        let service = prop_oneof![Just("iam"), Just("s3"), Just("sts"), Just("IAM")];
        let action = prop_oneof![
            Just("Get*"),
            Just("*Role*"),
            Just("PassRole"),
            Just("*"),
            Just("put*policy"),
            Just("List?ucket")
        ];
        (service, action).prop_map(|(s, a)| format!("{s}:{a}"))
    }

    proptest! {
        /// With the catalog, the answers are exact: they agree with checking every real action
        /// one by one with the reference matcher.
        #[test]
        fn action_set_is_exact_over_the_catalog(
            items in proptest::collection::vec(catalog_glob(), 1..4),
            negated: bool,
            target in catalog_glob(),
        ) {
            let c = clause(&items.iter().map(String::as_str).collect::<Vec<_>>());
            let set = ActionSet::new(&c, negated);
            let matches = |pattern: &str, action: &str| glob::tests::matches(pattern, action, Case::Insensitive);
            let granted = |action: &str| items.iter().any(|i| matches(i, action)) != negated;
            let named: Vec<String> = universe().into_iter().filter(|a| matches(&target, a)).collect();
            prop_assume!(!named.is_empty());
            prop_assert_eq!(set.grants_any(&target), named.iter().any(|a| granted(a)));
            prop_assert_eq!(set.grants_all(&target), named.iter().all(|a| granted(a)));
        }

        /// Over a closed universe of concrete actions, the set answers agree with checking
        /// each action one by one.
        #[test]
        fn action_set_agrees_with_brute_force(items in proptest::collection::vec(action_glob(), 1..4), negated: bool, target in proptest::sample::select(ACTIONS.to_vec())) {
            let c = clause(&items.iter().map(String::as_str).collect::<Vec<_>>());
            let set = ActionSet::new(&c, negated);
            let brute = items.iter().any(|i| glob::tests::matches(i, target, Case::Insensitive)) != negated;
            // For a concrete action, "any" and "all" are the same question.
            prop_assert_eq!(set.grants_any(target), brute);
            prop_assert_eq!(set.grants_all(target), brute);
        }
    }
}
