//! One token's entry: its name, its credential and its expectations.

use super::header::Header;
use super::{Credential, Expectations, Provider};
use crate::spec::{Pos, RawCredential, RawToken, Spanned, SpecError};

use super::credential::plan_credential;
use super::rules::{Spots, plan_expect};

/// Token names become test names and fixture file names.
pub(crate) fn valid_token_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && !name.starts_with('.')
}

pub(super) fn check_token_name(name: &Spanned<String>) -> Result<(), Vec<SpecError>> {
    if crate::secret::looks_like_secret(&name.value) {
        return Err(vec![SpecError::at(
            Pos::of(name),
            "this token's name looks like a credential (it is not shown); a name is printed \
             everywhere: the case's name, JUnit, the fixture's file name",
            Some(
                "name the token for what it is for, such as `ci-uploader`; if the name was a \
                 real credential, rotate it",
            ),
        )]);
    }
    if valid_token_name(&name.value) {
        return Ok(());
    }
    Err(vec![SpecError::at(
        Pos::of(name),
        format!("`{}` is not a valid token name", name.value),
        Some("use letters, digits, '-', '_' and '.' (it names the test and the fixture file)"),
    )])
}

/// `locate`: keep where each rule key and entry and each probe is written
/// (`SpecFile::locate`).
pub(super) fn plan_token(
    header: &Header,
    at: Pos,
    token: &RawToken,
    locate: bool,
) -> Result<(Credential, Expectations, super::Places), Vec<SpecError>> {
    let provider = header.provider;
    let mut errors = Vec::new();
    let mut places = super::Places {
        token: at,
        ..Default::default()
    };
    let mut spots = Spots {
        keep: locate,
        list: Vec::new(),
    };
    let credential = match &token.credential {
        None => {
            errors.push(SpecError::at(
                at,
                "the token has no `credential`",
                Some("add `credential: { env: VARIABLE_THAT_HOLDS_THE_KEY }`"),
            ));
            None
        }
        Some(c) => match plan_credential(provider, "credential", c) {
            // Where the endpoint takes only the plain token, any other scheme
            // asks something it cannot answer (issue 10, item 6).
            Ok(cred) if !matches!(cred, Credential::Bearer(_)) => match provider.plain_token_only()
            {
                Some(rule) => {
                    let scheme = match &c.value {
                        RawCredential::Source(m) => {
                            m.scheme.as_ref().map_or("bearer", |s| s.value.as_str())
                        }
                        RawCredential::Pasted(_) => "bearer",
                    };
                    errors.push(SpecError::at(
                        Pos::of(c),
                        format!(
                            "{rule}; `scheme: {scheme}` sends something else, and its refusal would prove nothing"
                        ),
                        Some("drop `scheme:` and name the token's source: `{ env: NAME }` or `{ file: PATH }`"),
                    ));
                    None
                }
                None => Some(cred),
            },
            result => result.map_err(|e| errors.push(e)).ok(),
        },
    };
    let probes = token.probes.as_ref().map(|p| {
        let base = header.api.base_url();
        super::probes::plan_probes(provider, p, provider.auto_probes(), base, &mut errors)
    });
    let mut expect = match (&token.expect, provider) {
        (Some(e), Provider::Probes) => {
            errors.push(SpecError::at(
                Pos::of(e),
                "provider `probes` reads no permissions, so `expect` has nothing to check",
                Some("say what the token must be allowed and denied in `probes:`"),
            ));
            None
        }
        (None, Provider::Probes) if token.probes.is_none() => {
            errors.push(SpecError::at(
                at,
                "the token has no `probes`",
                Some("add `probes:` with the requests it must be allowed or denied: `- { get: /path, expect: allowed }`"),
            ));
            None
        }
        // Probes alone are a check: what the token can do.
        (None, _) if token.probes.is_some() => Some(Expectations::default()),
        (None, _) => {
            errors.push(SpecError::at(
                at,
                "the token has no `expect`",
                Some("add `expect:` with one or more of exactly, at_least, at_most, forbidden"),
            ));
            None
        }
        (Some(e), _) => plan_expect(header, e, &mut errors, &mut spots),
    };
    places.spots = spots.list.into_boxed_slice();
    if let (true, Some(p)) = (locate, &token.probes) {
        places.probes = match &p.value {
            crate::spec::RawProbes::List(list) => list.iter().map(Pos::of).collect(),
            crate::spec::RawProbes::Word(_) => Box::new([Pos::of(p)]),
        };
    }
    // A probe carries the credential as the case's own request does (issue
    // 35, item 2): with a `caller:`, Coveo's token goes only in the
    // inspection endpoint's query string, which no other endpoint reads.
    if let (
        Some(p),
        super::Api::Coveo {
            caller: Some(_), ..
        },
    ) = (&token.probes, &*header.api)
    {
        errors.push(SpecError::at(
            Pos::of(p),
            "with `caller:`, the token goes only in the query string of Coveo's token \
             inspection, so a probe cannot send it as the case's own request does",
            Some("probe this token in a spec without `caller:` (the token then calls for itself)"),
        ));
    }
    if let (Some(p), Some(e)) = (&token.probes, &token.expect) {
        // A revoked token's answer ends the comparison: a probe next to
        // `active: false` would never be judged.
        if let Some(active) = e.value.active.as_ref().filter(|a| !a.value) {
            errors.push(SpecError::at(
                Pos::of(p),
                format!(
                    "`active: false` (line {}) says the token is revoked, so its probes could \
                     never be checked",
                    Pos::of(active).line
                ),
                Some("keep `active: false` alone, or remove it to probe what the token can do"),
            ));
        }
    }
    // (A provider with no sign-in has refused the scheme already.)
    if let (Some(p), Some(c)) = (&token.probes, &token.credential)
        && provider.has_login()
        && let RawCredential::Source(m) = &c.value
        && let Some(scheme) = m.scheme.as_ref().filter(|s| s.value == "login")
    {
        errors.push(SpecError::at(
            Pos::of(scheme),
            format!(
                "`scheme: login` signs in first, and probes (line {}) send the credential as \
                 it is",
                Pos::of(p).line
            ),
            Some("probe with an API key or a token sent as Bearer"),
        ));
    }
    // A probes-only token with no `allowed` probe proves nothing about its
    // credential: a mistyped one, or a proxy that blocks every request,
    // would pass every `denied` probe.
    if let (Provider::Probes, Some(list), Some(p)) = (provider, &probes, &token.probes)
        && !list.is_empty()
        && !list.iter().any(|p| p.expect == super::ProbeExpect::Allowed)
    {
        errors.push(SpecError::at(
            Pos::of(p),
            "every probe expects `denied`, so nothing shows the credential works: a mistyped \
             one, or a proxy that blocks every request, would pass them all",
            Some(
                "add a probe the token must be allowed (e.g. `- { get: /user, expect: allowed }`)",
            ),
        ));
    }
    if let (Some(e), Some(probes)) = (&mut expect, probes) {
        e.probes = probes;
        e.denied_statuses = header.denied_statuses.clone();
        e.refused_when = header.refused_when.clone();
    }
    match (credential, expect) {
        (Some(c), Some(e)) if errors.is_empty() => Ok((c, e, places)),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Entry, SpecFile, plan_bytes};
    use std::sync::Arc;

    /// Planned with the extra names `x0` to `x29`, so a list can be long.
    fn plan(rules: &str) -> Vec<Entry> {
        plan_located(rules, true)
    }

    fn plan_located(rules: &str, locate: bool) -> Vec<Entry> {
        let spec = Arc::new(SpecFile {
            display: "specs/a.yaml".into(),
            id: "a".into(),
            dir: "specs".into(),
            fixtures: "fixtures".into(),
            locate,
        });
        let extra: Vec<String> = (0..30).map(|i| format!("x{i}")).collect();
        let text = format!(
            "provider: docspace\nbase_url: https://portal.example.com\n\
             extra_privileges: [{}]\ntokens:\n  a:\n    \
             credential: {{ env: A }}\n    expect:\n{rules}",
            extra.join(", ")
        );
        plan_bytes(spec, text.into_bytes(), "fixtures".as_ref())
    }

    fn error(rules: &str) -> String {
        match plan(rules).pop() {
            Some(Entry::Broken(b)) => b.error,
            _ => panic!("planned: {rules}"),
        }
    }

    /// Without `locate`, a case keeps only its token's line: the same
    /// expectations, credential and errors, no rule or probe places.
    #[test]
    fn planning_without_places_plans_the_same_case() {
        let rules = "      at_least: [files:read]\n      forbidden: [accounts:write]\n      \
                     active: true\n    probes:\n      - { get: /api/2.0/people/@self, expect: allowed }\n";
        let (Some(Entry::Case(with)), Some(Entry::Case(without))) = (
            plan_located(rules, true).pop(),
            plan_located(rules, false).pop(),
        ) else {
            panic!("not planned: {rules}");
        };
        assert_eq!(with.expect, without.expect);
        assert_eq!(with.credential, without.credential);
        assert_eq!(with.places.token, without.places.token);
        assert!(!with.places.spots.is_empty() && !with.places.probes.is_empty());
        assert!(without.places.spots.is_empty() && without.places.probes.is_empty());
        // A broken spec says the same either way.
        let broken = "      at_most: [files:read, files:read]\n";
        let errors: Vec<String> = [true, false]
            .into_iter()
            .map(|locate| match plan_located(broken, locate).pop() {
                Some(Entry::Broken(b)) => b.error,
                _ => panic!("planned: {broken}"),
            })
            .collect();
        assert_eq!(errors[0], errors[1]);
    }

    /// A name listed twice in one rule is an error at its second place,
    /// whether the list is short (looked along) or long (a set).
    #[test]
    fn a_name_listed_twice_is_refused_in_short_and_long_lists() {
        let e = error("      at_most: [files:read, rooms:read, files:read]\n");
        assert!(e.contains("`files:read` is listed twice"), "{e}");
        assert!(e.contains("a.yaml:8:41"), "the second place: {e}");
        assert_eq!(e.matches("listed twice").count(), 1, "{e}");
        for len in [16, 17, 29] {
            let mut list: Vec<String> = (0..len).map(|i| format!("x{i}")).collect();
            list.push(format!("x{}", len / 2));
            let e = error(&format!("      at_most: [{}]\n", list.join(", ")));
            assert!(
                e.contains(&format!("`x{}` is listed twice", len / 2)),
                "{len}: {e}"
            );
            assert_eq!(e.matches("listed twice").count(), 1, "{e}");
            list.pop();
            let rules = format!("      at_most: [{}]\n", list.join(", "));
            assert!(matches!(plan(&rules).pop(), Some(Entry::Case(_))), "{len}");
        }
        // Different rules may name the same privilege.
        assert!(matches!(
            plan("      at_least: [files:read]\n      at_most: [files:read, rooms:read]\n").pop(),
            Some(Entry::Case(_))
        ));
    }
}
