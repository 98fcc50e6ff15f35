//! `*`-only globs as languages: matching, inclusion and intersection.
//!
//! A privilege pattern such as `projects:*` stands for the set of strings it
//! matches. The rules need three questions about such sets: does a pattern
//! match a string, does one pattern's set contain another's, and do two sets
//! share a string (and which one, to show the reader).

/// `*`-only glob matching: `*` stands for any run of characters, everything
/// else is literal. Iterative with backtracking to the last star, so it is
/// linear in practice and never recurses. It works on bytes, which gives the
/// same answer as on chars (`*` is ASCII, and UTF-8 never lets a literal run
/// match half a character) without allocating: this is the hottest function
/// of a replay run (BENCHMARKS.md).
///
/// A `*` in `text` is an ordinary character that only a `*` of `pattern`
/// can absorb; [`includes`] relies on that.
pub(crate) fn glob_matches(pattern: &str, text: &str) -> bool {
    let (p, t) = (pattern.as_bytes(), text.as_bytes());
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && p[pi] == b'*' {
            star = Some((pi, ti));
            pi += 1;
        } else if pi < p.len() && p[pi] == t[ti] {
            pi += 1;
            ti += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == b'*')
}

/// Whether every string `sub` matches is also matched by `sup`.
///
/// For `*`-only globs this holds exactly when `sup` matches `sub` read as
/// text, its stars being a letter no literal of `sup` equals: substitute a
/// fresh letter for each star of `sub` and the word that results must be in
/// `sup`'s set, which forces `sup`'s stars to absorb them; conversely
/// whatever `sub`'s stars stand for, `sup`'s stars can absorb it too.
pub(crate) fn includes(sup: &str, sub: &str) -> bool {
    sup == sub || (sup.contains('*') && glob_matches(sup, sub))
}

/// Above this many states, two globs are assumed to meet: the answer must
/// fail closed, and no real privilege name is that long.
const MAX_STATES: usize = 1 << 22;

/// A string both globs match, if there is one: the more specific pattern
/// when one contains the other (`files:read` for `files:read` and `*:read`),
/// else a word built from both (`projects:delete` for `projects:*` and
/// `*:delete`).
pub(crate) fn intersection(a: &str, b: &str) -> Option<String> {
    if includes(b, a) {
        return Some(a.to_owned());
    }
    if includes(a, b) {
        return Some(b.to_owned());
    }
    // A literal is in the other's set exactly when the other includes it,
    // which was asked above.
    if !a.contains('*') || !b.contains('*') {
        return None;
    }
    let (x, y) = (a.as_bytes(), b.as_bytes());
    let (n, m) = (x.len(), y.len());
    let states = (n + 1).saturating_mul(m + 1);
    if states > MAX_STATES {
        return Some(a.to_owned());
    }
    // Breadth-first over (position in a, position in b); each step emits at
    // most one byte of the common word. `from[s]` is the step that reached s.
    let index = |i: usize, j: usize| i * (m + 1) + j;
    let mut from: Vec<Option<(usize, Option<u8>)>> = vec![None; states];
    let start = index(0, 0);
    from[start] = Some((start, None));
    let mut queue = std::collections::VecDeque::from([(0usize, 0usize)]);
    while let Some((i, j)) = queue.pop_front() {
        if (i, j) == (n, m) {
            let mut word = Vec::new();
            let mut at = index(n, m);
            while at != start {
                let (prev, byte) = from[at].unwrap_or((start, None));
                word.extend(byte);
                at = prev;
            }
            word.reverse();
            return Some(String::from_utf8_lossy(&word).into_owned());
        }
        let (xs, ys) = (x.get(i).copied(), y.get(j).copied());
        let mut steps: [Option<(usize, usize, Option<u8>)>; 4] = [None; 4];
        match (xs, ys) {
            (Some(b'*'), Some(b'*')) => {
                steps[0] = Some((i + 1, j, None));
                steps[1] = Some((i, j + 1, None));
            }
            (Some(b'*'), other) => {
                steps[0] = Some((i + 1, j, None));
                if let Some(c) = other {
                    steps[1] = Some((i, j + 1, Some(c)));
                }
            }
            (other, Some(b'*')) => {
                steps[0] = Some((i, j + 1, None));
                if let Some(c) = other {
                    steps[1] = Some((i + 1, j, Some(c)));
                }
            }
            (Some(c), Some(d)) if c == d => steps[0] = Some((i + 1, j + 1, Some(c))),
            _ => {}
        }
        for (ni, nj, byte) in steps.into_iter().flatten() {
            let s = index(ni, nj);
            if from[s].is_none() {
                from[s] = Some((index(i, j), byte));
                queue.push_back((ni, nj));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_star_matches_any_run() {
        assert!(glob_matches("*", ""));
        assert!(glob_matches("*", "files:read"));
        assert!(glob_matches("*:read", "files:read"));
        assert!(glob_matches("*:read", "accounts.self:read"));
        assert!(!glob_matches("*:read", "files:write"));
        assert!(glob_matches("files:*", "files:write"));
        assert!(!glob_matches("accounts:*", "accounts.self:read"));
        assert!(glob_matches("a*b*c", "a-x-b-y-c"));
        assert!(!glob_matches("a*b*c", "a-x-c"));
        assert!(glob_matches("**", "x"));
        assert!(!glob_matches("files:read", "files:rea"));
        assert!(glob_matches("r*s:é*", "rooms:é-lecture"));
        assert!(!glob_matches("é", "e"));
    }

    #[test]
    fn inclusion_of_glob_languages() {
        assert!(includes("a*", "ab*"));
        assert!(includes("a*b*", "a*b"));
        assert!(includes("*", "*:read"));
        assert!(!includes("*b", "*"));
        assert!(!includes("*ab*", "*a*b*"), "acb is in the second only");
        assert!(!includes("a", "a*"));
        assert!(includes("files:read", "files:read"));
    }

    /// Words that need both patterns' stars to move in turn: the search
    /// must be free to skip either star when both stand at one (mutation
    /// testing: with one of those two steps gone, `*a` and `*b*` met
    /// nowhere, a false pass for `forbidden: ["*b*"]` against `*a`).
    #[test]
    fn intersection_steps_over_either_star() {
        for (a, b) in [("*a", "*b*"), ("*b*", "*a"), ("*x*", "*y*"), ("a*", "*b*c")] {
            let w = intersection(a, b).unwrap_or_else(|| panic!("{a} and {b} meet"));
            assert!(!w.contains('*'), "{a} {b}: {w}");
            assert!(glob_matches(a, &w) && glob_matches(b, &w), "{a} {b}: {w}");
        }
        assert_eq!(intersection("*a", "*b*").as_deref(), Some("ba"));
    }

    #[test]
    fn intersection_finds_a_common_word_or_none() {
        assert_eq!(
            intersection("projects:*", "*:delete").as_deref(),
            Some("projects:delete")
        );
        assert_eq!(
            intersection("*:read", "files:*").as_deref(),
            Some("files:read")
        );
        assert_eq!(
            intersection("files:read", "*:read").as_deref(),
            Some("files:read")
        );
        assert_eq!(intersection("admin:*", "*").as_deref(), Some("admin:*"));
        assert_eq!(intersection("a*", "b*"), None);
        assert_eq!(intersection("*a", "*b"), None);
        assert_eq!(intersection("x", "y"), None);
        let w = intersection("*admin*", "projects:*").unwrap();
        assert!(
            glob_matches("*admin*", &w) && glob_matches("projects:*", &w),
            "{w}"
        );
    }

    #[test]
    fn huge_patterns_are_assumed_to_meet_so_the_answer_fails_closed() {
        let a = format!("{}*x", "a".repeat(3000));
        let b = format!("b*{}*", "c".repeat(3000));
        assert_eq!(intersection(&a[..20], &b[..20]), None);
        assert!(intersection(&a, &b).is_some());
    }
}
