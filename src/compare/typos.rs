//! Open vocabularies: an entry a typo away from what the token holds.

use super::*;

/// The entries of `forbidden` and `at_most` that, in an open vocabulary,
/// name nothing the token holds but are one or two edits from a name it
/// holds (issue 35): `forbidden: [admin:wirte]` beside a grant of
/// `admin:write` would pass while checking nothing. One edit for names
/// of four characters or fewer, where two would call `read` a typo of
/// `seed`. A glob names what it matches, so it is not guessed at.
pub(super) fn likely_typos(
    family: &dyn Family,
    expect: &Expectations,
    granted: &[String],
    findings: &mut Vec<Finding>,
) {
    let rules = [
        (Rule::Forbidden, expect.forbidden.as_deref()),
        (Rule::AtMost, expect.at_most.as_deref()),
    ];
    for (rule, entries) in rules {
        for entry in entries.unwrap_or_default() {
            if entry.contains('*')
                || granted
                    .iter()
                    .any(|g| g == entry || crate::privilege::overlap(family, g, entry).is_some())
            {
                continue;
            }
            let closest = granted
                .iter()
                .map(|g| (crate::suggest::edit_distance(entry, g), g))
                .filter(|(d, g)| {
                    let short = entry.chars().count().max(g.chars().count()) <= 4;
                    *d > 0 && *d <= if short { 1 } else { 2 }
                })
                .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)));
            if let Some((edits, held)) = closest {
                findings.push(Finding::LikelyTypo {
                    rule,
                    entry: entry.clone(),
                    held: held.clone(),
                    edits,
                });
            }
        }
    }
}
