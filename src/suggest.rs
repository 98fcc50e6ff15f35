//! "Did you mean ...?" for names a user typed.

/// The candidate closest to `input`, if it is close enough to be a plausible
/// typo: at most a third of the input's length in edits (and at least one).
///
/// Failing that, the shortest candidate the input is a truncation of, for
/// an input of four characters or more (`write_repo` -> `write_repository`);
/// then a candidate with the same prefix whose last `:`-segment contains
/// the input's, first in the caller's order (`role:admin` ->
/// `role:docspace-admin`).
pub(crate) fn did_you_mean<'a>(
    input: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let candidates: Vec<&str> = candidates.into_iter().collect();
    let limit = (input.chars().count() / 3).max(1);
    let lower = input.to_lowercase();
    let close = candidates
        .iter()
        .map(|c| (edit_distance(&lower, &c.to_lowercase()), *c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, c)| (*d, c.len()))
        .map(|(_, c)| c);
    let truncated = || {
        (lower.chars().count() >= 4)
            .then(|| {
                candidates
                    .iter()
                    .filter(|c| c.len() > lower.len() && c.to_lowercase().starts_with(&lower))
                    .min_by_key(|c| c.len())
                    .copied()
            })
            .flatten()
    };
    close.or_else(truncated).or_else(|| {
        let (prefix, last) = lower.rsplit_once(':')?;
        candidates
            .iter()
            .find(|c| {
                let c = c.to_lowercase();
                c.rsplit_once(':')
                    .is_some_and(|(p, l)| p == prefix && l.contains(last) && !last.is_empty())
            })
            .copied()
    })
}

/// Optimal string alignment distance over chars: Levenshtein, plus a swap
/// of two neighbours costing one edit (`EIDT` is one edit from `EDIT`).
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for i in 0..a.len() {
        cur[0] = i + 1;
        for j in 0..b.len() {
            let cost = usize::from(a[i] != b[j]);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
            if i > 0 && j > 0 && a[i] == b[j - 1] && a[i - 1] == b[j] {
                cur[j + 1] = cur[j + 1].min(before[j - 1] + 1);
            }
        }
        std::mem::swap(&mut before, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_close_names_and_rejects_far_ones() {
        let names = ["files:read", "files:write", "rooms:read"];
        assert_eq!(did_you_mean("file:read", names), Some("files:read"));
        assert_eq!(did_you_mean("files:wirte", names), Some("files:write"));
        assert_eq!(did_you_mean("payments:admin", names), None);
        // Up to a third of the input's length in edits: two for 13 letters.
        assert_eq!(
            did_you_mean("acounts:wriet", ["accounts:write"]),
            Some("accounts:write")
        );
        let roles = ["role:owner", "role:docspace-admin", "role:room-admin"];
        assert_eq!(
            did_you_mean("role:admin", roles),
            Some("role:docspace-admin")
        );
    }

    /// Issue 35: a name cut short gets the name it starts, the shortest
    /// first; a short stub gets nothing.
    #[test]
    fn a_truncated_name_gets_the_name_it_starts() {
        let gitlab = [
            "read_repository",
            "write_repository",
            "read_registry",
            "write_registry",
        ];
        assert_eq!(did_you_mean("write_repo", gitlab), Some("write_repository"));
        assert_eq!(did_you_mean("read_reg", gitlab), Some("read_registry"));
        assert_eq!(did_you_mean("WRITE_REPO", gitlab), Some("write_repository"));
        let github = ["admin:repo_hook", "admin:org", "admin:org_hook"];
        assert_eq!(did_you_mean("admin:repo", github), Some("admin:repo_hook"));
        assert_eq!(did_you_mean("admin:o", github), Some("admin:org"));
        assert_eq!(did_you_mean("wri", gitlab), None, "too short to say");
        assert_eq!(did_you_mean("payments", gitlab), None);
    }

    #[test]
    fn distance_is_levenshtein() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
        assert_eq!(edit_distance("EIDT", "EDIT"), 1, "a swap is one edit");
        assert_eq!(edit_distance("ab", "ba"), 1);
    }
}
