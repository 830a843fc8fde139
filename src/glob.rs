//! IAM wildcards: `*` matches any run of characters, `?` any one character. Actions compare
//! case-insensitively, ARNs case-sensitively, so every function takes the case rule.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    Sensitive,
    Insensitive,
}

impl Case {
    fn eq(self, a: char, b: char) -> bool {
        match self {
            Case::Sensitive => a == b,
            Case::Insensitive => a == b || a.to_lowercase().eq(b.to_lowercase()),
        }
    }
}

pub fn has_wildcard(pattern: &str) -> bool {
    pattern.contains(['*', '?'])
}

/// Does `pattern` match all of `text`? For text without wildcards this is [`covers`].
#[cfg(test)]
pub fn matches(pattern: &str, text: &str, case: Case) -> bool {
    covers(pattern, text, case)
}

/// Is there a string both patterns match? Dynamic programming over pairs of positions.
pub fn intersects(a: &str, b: &str, case: Case) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // reachable[i][j]: some string takes `a` to position i and `b` to position j.
    let width = b.len() + 1;
    let mut reachable = vec![false; (a.len() + 1) * width];
    reachable[0] = true;
    for i in 0..=a.len() {
        for j in 0..=b.len() {
            if !reachable[i * width + j] {
                continue;
            }
            let mut mark = |i: usize, j: usize| reachable[i * width + j] = true;
            // A star may match nothing.
            if i < a.len() && a[i] == '*' {
                mark(i + 1, j);
            }
            if j < b.len() && b[j] == '*' {
                mark(i, j + 1);
            }
            if i < a.len() && j < b.len() {
                match (a[i], b[j]) {
                    ('*', '*') => {
                        mark(i + 1, j + 1);
                    }
                    // A star takes one character that the other side produces, and stays.
                    ('*', _) => mark(i, j + 1),
                    (_, '*') => mark(i + 1, j),
                    ('?', _) | (_, '?') => mark(i + 1, j + 1),
                    (x, y) if case.eq(x, y) => mark(i + 1, j + 1),
                    _ => {}
                }
            }
        }
    }
    reachable[a.len() * width + b.len()]
}

/// Does `outer` match every string `inner` matches? Two-pointer matching with one backtrack
/// point: O(n·m) at worst, never exponential on hostile patterns. Sound but not complete: `inner` is read
/// as text in which its own `*` may only be matched by a `*` of `outer` and its `?` by a `?` or
/// `*`. That answers every case IAM policies use (`iam:*` covers `iam:Pass*`).
pub fn covers(outer: &str, inner: &str, case: Case) -> bool {
    let p: Vec<char> = outer.chars().collect();
    let t: Vec<char> = inner.chars().collect();
    let step = |pc: char, tc: char| match pc {
        '?' => tc != '*',
        '*' => true,
        _ => tc != '*' && tc != '?' && case.eq(pc, tc),
    };
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if pi < p.len() && step(p[pi], t[ti]) {
            pi += 1;
            ti += 1;
        } else if let Some((star_p, star_t)) = star {
            pi = star_p + 1;
            ti = star_t + 1;
            star = Some((star_p, star_t + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::Case::*;
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn matching_follows_iam_wildcards_and_case() {
        assert!(matches("iam:Pass*", "iam:PassRole", Insensitive));
        assert!(matches("IAM:PASSROLE", "iam:PassRole", Insensitive));
        assert!(!matches("IAM:PASSROLE", "iam:PassRole", Sensitive));
        assert!(matches("s3:Get?bject", "s3:GetObject", Insensitive));
        assert!(!matches("s3:Get?", "s3:GetObject", Insensitive));
        assert!(matches("*", "", Insensitive));
        assert!(matches("a*b*c", "aXbYbZc", Sensitive));
        assert!(!matches("a*b*c", "aXbYbZ", Sensitive));
    }

    #[test]
    fn intersection_of_two_globs() {
        assert!(intersects("iam:*", "iam:PassRole", Insensitive));
        assert!(intersects("iam:Pass*", "*Role", Insensitive));
        assert!(!intersects("iam:Get*", "iam:PassRole", Insensitive));
        assert!(intersects("s3:?et*", "s3:Get*", Insensitive));
        assert!(!intersects("a?", "abc", Sensitive));
    }

    #[test]
    fn coverage_of_one_glob_by_another() {
        assert!(covers("iam:*", "iam:Pass*", Insensitive));
        assert!(covers("*", "iam:PassRole", Insensitive));
        assert!(covers("iam:Put*PermissionsBoundary", "iam:PutRolePermissionsBoundary", Insensitive));
        assert!(!covers("iam:Pass*", "iam:*", Insensitive));
        assert!(!covers("iam:Put*", "iam:P*", Insensitive));
    }

    /// Brute force over a small alphabet: every string up to length 4.
    fn all_strings() -> Vec<String> {
        let alphabet = ['a', 'b'];
        let mut all = vec![String::new()];
        let mut frontier = vec![String::new()];
        for _ in 0..4 {
            frontier = frontier.iter().flat_map(|s| alphabet.iter().map(move |c| format!("{s}{c}"))).collect();
            all.extend(frontier.iter().cloned());
        }
        all
    }

    fn glob() -> impl Strategy<Value = String> {
        proptest::collection::vec(prop_oneof![Just('a'), Just('b'), Just('*'), Just('?')], 0..=3)
            .prop_map(|chars| chars.into_iter().collect())
    }

    proptest! {
        #[test]
        fn intersects_agrees_with_brute_force(a in glob(), b in glob()) {
            // Strings up to length 4 witness any intersection of patterns this short.
            let brute = all_strings().iter().any(|s| matches(&a, s, Sensitive) && matches(&b, s, Sensitive));
            prop_assert_eq!(intersects(&a, &b, Sensitive), brute);
        }

        #[test]
        fn covers_is_sound(outer in glob(), inner in glob()) {
            if covers(&outer, &inner, Sensitive) {
                for s in all_strings() {
                    prop_assert!(!matches(&inner, &s, Sensitive) || matches(&outer, &s, Sensitive));
                }
            }
        }
    }
}
