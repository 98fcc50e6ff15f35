//! Record mode's decision per case: a fixture left as it is (the same
//! evidence, confirmed), written anew, or written beside for review.

use super::*;

/// What recording did with a case's fixture.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Recorded {
    /// Written: new, or its evidence changed.
    Written,
    /// Left byte for byte as it was: it answers the same request with the
    /// same evidence (see `confirmations.rs`).
    /// `recorded_at` is the kept fixture's.
    Confirmed { recorded_at: String },
    /// Written beside the fixture as `<token>.json.new`, for `permspec
    /// review` (`PERMSPEC_RECORD=pending`).
    Pending,
}

/// Records a fetched case's fixture under `case.fixture`, and says where.
///
/// The fixture was scrubbed of its own request's secrets; before it is
/// written it is checked against `run`, every secret of the run (other
/// cases' credentials, the proxy's): an answer that holds one is not
/// recorded, and the case fails.
///
/// A fixture that already answers the same request with the same evidence
/// (the grant, activity, expiry, identity and completeness replay would
/// judge; not a volatile field such as a last-use time) is left as it is,
/// so an unchanged API changes no fixture.
pub(crate) fn record(
    case: &Case,
    fetched: &mut Fetched,
    run: &Scrubber,
    pending: bool,
) -> Result<Recorded, CaseError> {
    let shown = crate::plan::display_path(&case.fixture);
    let cannot = |e: String| {
        CaseError::new(
            format!("cannot write the fixture {shown}: {e}"),
            Fix::Hint("check that the fixtures folder is writable, and holds no link".into()),
        )
    };
    let text = fixture::text(&fetched.fixture).map_err(|e| cannot(e.to_string()))?;
    // What every answer is scrubbed of: one left here is a form no
    // scrubbing reached (issue 35, item 6), named as what it is.
    if fetched.own.found_in(&text) {
        return Err(CaseError::new(
            "the answer still holds this case's own credential, in a form permspec did not \
             scrub; nothing is recorded",
            Fix::Hint(
                "please report this to permspec's maintainers, with the API and the field \
                 (never the value)"
                    .into(),
            ),
        ));
    }
    if run.found_in(&text) {
        return Err(CaseError::new(
            "the answer holds another credential of this run (another case's, or the \
             proxy's); nothing is recorded",
            Fix::Hint(
                "the API (or a proxy or cache in front of it) returns one token's credential \
                 with another's answer; report it to its owner, and rotate the credential"
                    .into(),
            ),
        ));
    }
    let new = fixture::pending_path(&case.fixture);
    if let Some(recorded_at) = unchanged(case, fetched, &shown) {
        if let Origin::Live { recorded, .. } = &mut fetched.evidence.origin {
            *recorded = Some(format!("{shown} (unchanged, confirmed)"));
        }
        // The API says again what the fixture says: a change still waiting
        // for review is no longer what it says.
        if fixture::no_links(&case.spec.fixtures, &new).is_ok() {
            let _ = std::fs::remove_file(&new);
        }
        return Ok(Recorded::Confirmed { recorded_at });
    }
    if pending {
        fixture::write(&case.spec.fixtures, &new, &text).map_err(cannot)?;
        if let Origin::Live { recorded, .. } = &mut fetched.evidence.origin {
            *recorded = Some(format!(
                "{} (pending: the fixture is unchanged until `permspec review` accepts it)",
                crate::plan::display_path(&new)
            ));
        }
        return Ok(Recorded::Pending);
    }
    fixture::write(&case.spec.fixtures, &case.fixture, &text).map_err(cannot)?;
    if let Origin::Live { recorded, .. } = &mut fetched.evidence.origin {
        *recorded = Some(shown);
    }
    Ok(Recorded::Written)
}

/// Whether the fixture on disk answers the same request with the evidence
/// just fetched, judged exactly as replay judges it: its `recorded_at` if
/// so.
pub(super) fn unchanged(case: &Case, fetched: &Fetched, shown: &str) -> Option<String> {
    let old = fixture::read(&case.spec.fixtures, &case.fixture).ok()?;
    let same = old.provider == fetched.fixture.provider
        && old.request.answers(&fetched.fixture.request)
        && crate::evidence::judge(case, &old, shown)
            .is_ok_and(|grant| same_evidence(&grant, &fetched.evidence.grant));
    same.then_some(old.recorded_at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Issue 35, item 6: a fixture that still holds a credential names
    /// whose it is: this case's own (a form no scrubbing reached) or
    /// another's (a cache answering with another token's answer). Nothing
    /// is written either way.
    #[test]
    fn a_fixture_holding_a_credential_says_whose_it_is() {
        let spec = Arc::new(crate::plan::SpecFile {
            display: "specs/a.yaml".into(),
            id: "a".into(),
            dir: "specs".into(),
            fixtures: "fixtures-never-written".into(),
            locate: false,
        });
        let text = "provider: http\nbase_url: https://api.example.com\nrequest: { path: /me }\n\
                    privileges: { json: /scopes }\ntokens:\n  a:\n    credential: { env: A }\n    \
                    expect: { at_most: [read] }\n";
        let entries = crate::plan::plan_bytes(spec, text.as_bytes().to_vec(), "fixtures".as_ref());
        let Some(crate::plan::Entry::Case(case)) = entries.first() else {
            panic!("a case")
        };
        let mine = Secret::new("own-secret-0123456789");
        let theirs = Secret::new("other-secret-9876543210");
        let fetched = |own: &Secret, held: &str| Fetched {
            evidence: Evidence {
                grant: Grant::default(),
                origin: Origin::Live {
                    url: String::new(),
                    retries: 0,
                    recorded: None,
                },
            },
            fixture: Fixture {
                recorded_at: "2026-12-07T00:00:00Z".into(),
                provider: "http".into(),
                request: fixture::request_of(case),
                response: Some(FixtureResponse {
                    status: 200,
                    headers: BTreeMap::new(),
                    body: Arc::new(json!({"scopes": ["read"], "id": held})),
                }),
                probes: Vec::new(),
            },
            own: Arc::new(Scrubber::new([own])),
        };
        let run = Scrubber::new([&mine, &theirs]);
        let own = record(case, &mut fetched(&mine, mine.expose()), &run, false).unwrap_err();
        assert!(
            own.cause.contains("this case's own credential"),
            "{}",
            own.cause
        );
        let other = record(case, &mut fetched(&mine, theirs.expose()), &run, false).unwrap_err();
        assert!(
            other.cause.contains("another credential"),
            "{}",
            other.cause
        );
        assert!(!std::path::Path::new("fixtures-never-written").exists());
    }
}
