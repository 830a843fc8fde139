//! IAM wildcards: `*` matches any run of characters, `?` any one character. Actions compare
//! case-insensitively, ARNs case-sensitively, so every function takes the case rule.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Case {
    Sensitive,
    Insensitive,
}

/// A character of a pattern: bytes for ASCII text (no decoding, no allocation), chars
/// otherwise.
trait Symbol: Copy + PartialEq + Into<char> {
    const STAR: Self;
    const QUESTION: Self;
    fn same(self, other: Self, case: Case) -> bool;
}

impl Symbol for u8 {
    const STAR: u8 = b'*';
    const QUESTION: u8 = b'?';
    fn same(self, other: u8, case: Case) -> bool {
        match case {
            Case::Sensitive => self == other,
            Case::Insensitive => self.eq_ignore_ascii_case(&other),
        }
    }
}

impl Symbol for char {
    const STAR: char = '*';
    const QUESTION: char = '?';
    fn same(self, other: char, case: Case) -> bool {
        match case {
            Case::Sensitive => self == other,
            Case::Insensitive => self == other || self.to_lowercase().eq(other.to_lowercase()),
        }
    }
}

/// Runs `f` over both texts as bytes when they are ASCII (as actions and ARNs are), else chars.
fn with_symbols<R>(a: &str, b: &str, f: impl Fn(&[u8], &[u8]) -> R, g: impl Fn(&[char], &[char]) -> R) -> R {
    if a.is_ascii() && b.is_ascii() {
        f(a.as_bytes(), b.as_bytes())
    } else {
        let a: Vec<char> = a.chars().collect();
        let b: Vec<char> = b.chars().collect();
        g(&a, &b)
    }
}

pub(crate) fn has_wildcard(pattern: &str) -> bool {
    pattern.contains(['*', '?'])
}

/// Steps (pattern length × pattern length) past which a comparison is not made. Real
/// patterns are short (IAM caps an ARN at 2,048 characters); a hostile file must not make
/// one comparison take seconds.
const MAX_STEPS: usize = 1 << 22;

fn too_long(a: &str, b: &str) -> bool {
    a.len().saturating_mul(b.len()) > MAX_STEPS
}

/// Is there a string both patterns match? `false` for patterns too long to compare.
pub(crate) fn intersects(a: &str, b: &str, case: Case) -> bool {
    !too_long(a, b) && with_symbols(a, b, |a, b| intersects_in(a, b, case), |a, b| intersects_in(a, b, case))
}

/// As [`intersects`], where some stars of `b` cannot take some characters: `forbids(j, c)`
/// says the star at `b`'s `j`-th character cannot take `c`. ARN templates use it: a
/// partition or account takes no `:`, a bucket name no `/`.
pub(crate) fn intersects_restricted(a: &str, b: &str, case: Case, forbids: &dyn Fn(usize, char) -> bool) -> bool {
    !too_long(a, b)
        && with_symbols(a, b, |a, b| restricted_in(a, b, case, forbids), |a, b| restricted_in(a, b, case, forbids))
}

fn restricted_in<T: Symbol>(a: &[T], b: &[T], case: Case, forbids: &dyn Fn(usize, char) -> bool) -> bool {
    literal_ends_agree_both(a, b, case) && intersects_trimmed(a, b, case, forbids)
}

fn intersects_in<T: Symbol>(a: &[T], b: &[T], case: Case) -> bool {
    // Cheap rejections first: patterns from different services differ in their literal start.
    if !literal_ends_agree_both(a, b, case) {
        return false;
    }
    let wild = |x: &[T]| x.iter().any(|&c| c == T::STAR || c == T::QUESTION);
    match (wild(a), wild(b)) {
        (false, false) => a.len() == b.len() && a.iter().zip(b).all(|(&x, &y)| x.same(y, case)),
        (true, false) => covers_in(a, b, case),
        (false, true) => covers_in(b, a, case),
        (true, true) => intersects_trimmed(a, b, case, &|_, _| false),
    }
}

fn literal_ends_agree_both<T: Symbol>(a: &[T], b: &[T], case: Case) -> bool {
    literal_ends_agree(a.iter().copied(), b.iter().copied(), case)
        && literal_ends_agree(a.iter().rev().copied(), b.iter().rev().copied(), case)
}

/// [`intersects_dp`] without the literal start and end both patterns share: they match
/// themselves only, and ARNs share long ones (`arn:${Partition}:s3:::`).
fn intersects_trimmed<T: Symbol>(a: &[T], b: &[T], case: Case, forbids: &dyn Fn(usize, char) -> bool) -> bool {
    let literal = |x: T, y: T| x != T::STAR && x != T::QUESTION && y != T::STAR && y != T::QUESTION && x.same(y, case);
    let start = a.iter().zip(b).take_while(|&(&x, &y)| literal(x, y)).count();
    let (a, b) = (&a[start..], &b[start..]);
    let end = a.iter().rev().zip(b.iter().rev()).take_while(|&(&x, &y)| literal(x, y)).count();
    let (a, b) = (&a[..a.len() - end], &b[..b.len() - end]);
    intersects_dp(a, b, case, &|j, c| forbids(j + start, c))
}

/// Do the patterns agree up to the first `*` of either (read from the start, or reversed from
/// the end)? If not, no string matches both.
fn literal_ends_agree<T: Symbol>(mut a: impl Iterator<Item = T>, mut b: impl Iterator<Item = T>, case: Case) -> bool {
    loop {
        match (a.next(), b.next()) {
            (Some(x), _) if x == T::STAR => return true,
            (_, Some(y)) if y == T::STAR => return true,
            (Some(x), Some(y)) => {
                if x != T::QUESTION && y != T::QUESTION && !x.same(y, case) {
                    return false;
                }
            }
            (None, None) => return true,
            // One pattern ends while the other still needs a character.
            _ => return false,
        }
    }
}

/// Dynamic programming over pairs of positions: O(n·m) time, two rows of memory. A star of
/// `b` takes no literal character of `a` that `forbids` names.
fn intersects_dp<T: Symbol>(a: &[T], b: &[T], case: Case, forbids: &dyn Fn(usize, char) -> bool) -> bool {
    // row[j]: some string takes `a` to the current position i and `b` to position j.
    let mut row = vec![false; b.len() + 1];
    let mut next = vec![false; b.len() + 1];
    row[0] = true;
    for i in 0..=a.len() {
        next.fill(false);
        for j in 0..=b.len() {
            if !row[j] {
                continue;
            }
            // A star may match nothing.
            if i < a.len() && a[i] == T::STAR {
                next[j] = true;
            }
            if j < b.len() && b[j] == T::STAR {
                row[j + 1] = true;
            }
            if i < a.len() && j < b.len() {
                let (x, y) = (a[i], b[j]);
                if x == T::STAR && y == T::STAR {
                    next[j + 1] = true;
                } else if x == T::STAR {
                    // The star takes the character the other side produces, and stays.
                    row[j + 1] = true;
                } else if y == T::STAR {
                    if x == T::QUESTION || !forbids(j, x.into()) {
                        next[j] = true;
                    }
                } else if x == T::QUESTION || y == T::QUESTION || x.same(y, case) {
                    next[j + 1] = true;
                }
            }
        }
        if i == a.len() {
            return row[b.len()];
        }
        std::mem::swap(&mut row, &mut next);
    }
    unreachable!("the loop returns at its last row")
}

/// Does `outer` match every string `inner` matches? Sound but not complete: `inner` is read as
/// text in which its own `*` may only be matched by a `*` of `outer` and its `?` by a `?` or
/// `*`. That answers every case IAM policies use (`iam:*` covers `iam:Pass*`).
/// `false` for patterns too long to compare.
pub(crate) fn covers(outer: &str, inner: &str, case: Case) -> bool {
    !too_long(outer, inner) && with_symbols(outer, inner, |p, t| covers_in(p, t, case), |p, t| covers_in(p, t, case))
}

/// Two-pointer matching with one backtrack point: O(n·m) at worst, never exponential.
fn covers_in<T: Symbol>(p: &[T], t: &[T], case: Case) -> bool {
    let step = |pc: T, tc: T| {
        if pc == T::STAR {
            true
        } else if pc == T::QUESTION {
            tc != T::STAR
        } else {
            tc != T::STAR && tc != T::QUESTION && pc.same(tc, case)
        }
    };
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && p[pi] == T::STAR {
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
    p[pi..].iter().all(|&c| c == T::STAR)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::Case::*;
    use super::*;
    use proptest::prelude::*;

    /// The reference the fast functions are checked against: plain recursion over the
    /// definition of `*` and `?`, exponential but obviously right on short strings.
    pub(crate) fn matches(pattern: &str, text: &str, case: Case) -> bool {
        fn go(p: &[char], t: &[char], case: Case) -> bool {
            match (p.first(), t.first()) {
                (None, None) => true,
                (Some('*'), _) => go(&p[1..], t, case) || (!t.is_empty() && go(p, &t[1..], case)),
                (Some('?'), Some(_)) => go(&p[1..], &t[1..], case),
                (Some(&x), Some(&y)) => x.same(y, case) && go(&p[1..], &t[1..], case),
                _ => false,
            }
        }
        let p: Vec<char> = pattern.chars().collect();
        let t: Vec<char> = text.chars().collect();
        go(&p, &t, case)
    }

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
        strings_up_to(4)
    }

    /// Every string over `a` and `b` up to `length`.
    fn strings_up_to(length: usize) -> Vec<String> {
        let mut all = vec![String::new()];
        let mut frontier = vec![String::new()];
        for _ in 0..length {
            frontier = frontier.iter().flat_map(|s| ['a', 'b'].map(|c| format!("{s}{c}"))).collect();
            all.extend(frontier.iter().cloned());
        }
        all
    }

    /// Does `pattern` (from its `j`-th character) match `text`, a star taking no character
    /// `forbids` names for its position?
    fn matches_restricted(pattern: &[char], j: usize, text: &[char], forbids: &dyn Fn(usize, char) -> bool) -> bool {
        match (pattern.get(j), text.first()) {
            (None, _) => text.is_empty(),
            (Some('*'), _) => {
                matches_restricted(pattern, j + 1, text, forbids)
                    || text
                        .first()
                        .is_some_and(|&c| !forbids(j, c) && matches_restricted(pattern, j, &text[1..], forbids))
            }
            (Some(&p), Some(&c)) => (p == '?' || p == c) && matches_restricted(pattern, j + 1, &text[1..], forbids),
            (Some(_), None) => false,
        }
    }

    fn glob() -> impl Strategy<Value = String> {
        proptest::collection::vec(prop_oneof![Just('a'), Just('b'), Just('*'), Just('?')], 0..=3)
            .prop_map(|chars| chars.into_iter().collect())
    }

    #[test]
    fn non_ascii_text_is_compared_by_character() {
        assert!(intersects("arn:aws:s3:::ç*", "arn:aws:s3:::ç?", Sensitive));
        assert!(covers("ç?", "çé", Sensitive));
        assert!(intersects("Ç*", "ç", Insensitive));
        assert!(!intersects("ç*", "é", Insensitive));
    }

    #[test]
    fn restricted_stars_take_no_forbidden_character() {
        let bucket = "arn:*:s3:::*";
        // The partition takes no `:` or `/`, the bucket name no `/`.
        let forbids = |j: usize, c: char| c == '/' || (j == 4 && c == ':');
        let meets = |resource: &str| intersects_restricted(resource, bucket, Sensitive, &forbids);
        assert!(meets("arn:aws:s3:::reports") && meets("arn:aws:s3:::*") && meets("arn:aws:s3:::rep*"));
        assert!(!meets("arn:aws:s3:::reports/*") && !meets("arn:aws:s3:::reports/key"));
        assert!(intersects("arn:aws:s3:::reports/*", bucket, Sensitive), "without the restriction it would");
    }

    /// Every pattern over `a`, `b`, `*` and `?` up to 3 characters against every other: a
    /// star at an even position of the second takes no `b`.
    #[test]
    fn restricted_intersection_agrees_with_brute_force() {
        let forbids = |j: usize, c: char| j % 2 == 0 && c == 'b';
        let mut globs = vec![String::new()];
        for _ in 0..3 {
            let longer: Vec<String> =
                globs.iter().flat_map(|g| ['a', 'b', '*', '?'].map(|c| format!("{g}{c}"))).collect();
            globs.extend(longer);
        }
        globs.sort();
        globs.dedup();
        // Patterns this short have a common string of at most 6 characters, if any.
        let texts: Vec<(String, Vec<char>)> =
            strings_up_to(6).into_iter().map(|s| (s.clone(), s.chars().collect())).collect();
        for a in &globs {
            for b in &globs {
                let b_chars: Vec<char> = b.chars().collect();
                let brute = texts
                    .iter()
                    .any(|(s, text)| matches(a, s, Sensitive) && matches_restricted(&b_chars, 0, text, &forbids));
                assert_eq!(intersects_restricted(a, b, Sensitive, &forbids), brute, "{a:?} and {b:?}");
            }
        }
    }

    #[test]
    fn hostile_lengths_give_up_instead_of_comparing() {
        let long = format!("*{}", "x".repeat(150_000));
        // 150,001² steps are over the cap, so neither comparison runs: counted, not timed.
        assert!(too_long(&long, &long) && long.len() * long.len() > MAX_STEPS);
        assert!(!intersects(&long, &long, Sensitive));
        assert!(!covers(&long, &long, Sensitive));
        // Below the cap, long patterns still compare.
        let medium = format!("*{}", "x".repeat(1_000));
        assert!(!too_long(&medium, &medium));
        assert!(intersects(&medium, &medium, Sensitive) && covers(&medium, &medium, Sensitive));
    }

    proptest! {
        #[test]
        fn covers_agrees_with_the_reference_on_text(pattern in glob(), text in "[ab]{0,4}") {
            prop_assert_eq!(covers(&pattern, &text, Sensitive), matches(&pattern, &text, Sensitive));
        }

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
