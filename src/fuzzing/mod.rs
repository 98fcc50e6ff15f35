//! Entry points for the fuzz targets (`fuzz/`) and the property tests.
//! Not a stable API: hidden from the docs, and free to change.
//!
//! Each function takes arbitrary input and must return, never panic: that
//! is the property the fuzzers and `tests/properties.rs` check.

mod confirmations;
mod render;

pub use confirmations::replay_confirmed;
#[cfg(test)]
pub(crate) use render::audit_of;
pub use render::render_hostile;

use crate::plan::{self, Entry, SpecFile};
use crate::provider::{Provider, Response, jwt};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

/// Plans a spec file from its bytes; returns how many entries (cases or
/// broken cases) it yields.
pub fn plan_spec(bytes: &[u8]) -> usize {
    let spec = Arc::new(SpecFile {
        display: "specs/fuzz.yaml".into(),
        id: "fuzz".into(),
        dir: "specs".into(),
        fixtures: "fixtures".into(),
        locate: true,
    });
    let entries = plan::plan_bytes(spec, bytes.to_vec(), Path::new("fixtures"));
    entries
        .iter()
        .filter(|e| matches!(e, Entry::Case(_) | Entry::Broken(_)))
        .count()
}

/// The fuzz targets, by name: each feeds `data` to its entry point and
/// checks what that must hold (it panics otherwise, which is the finding).
/// `fuzz/fuzz_targets/*.rs` call this, and `tests/fuzz_corpus.rs` replays
/// every committed corpus input through it on the stable toolchain.
pub const TARGETS: &[&str] = &[
    "confirmations",
    "coveo",
    "docspace",
    "fixture",
    "kubernetes",
    "oauth",
    "probe",
    "render",
    "spec",
    "spec_readers",
    "vault",
    "vendors",
];

/// Runs one input through the target `name` (one of [`TARGETS`]).
pub fn run_target(name: &str, data: &[u8]) {
    match name {
        "coveo" => {
            let _ = parse_response("coveo", data);
        }
        "docspace" => {
            const PROVIDERS: &[&str] = &[
                "docspace",
                "docspace-account",
                "docspace-permissions",
                "docspace-scopes",
            ];
            if let Some((first, body)) = data.split_first() {
                let provider = PROVIDERS[usize::from(*first) % PROVIDERS.len()];
                let _ = parse_response(provider, body);
            }
        }
        "fixture" => {
            let _ = replay_fixture(data);
        }
        "oauth" => {
            let _ = parse_response("oauth2-introspection", data);
            let _ = parse_response("http", data);
            let _ = decode_jwt(&String::from_utf8_lossy(data));
        }
        "probe" => {
            let text = String::from_utf8_lossy(data);
            let (header, body) = text.split_once('\u{0}').unwrap_or(("", &text));
            let header = (!header.is_empty()).then_some(header);
            let (message, needs) = probe_explain(body, header);
            for line in message.iter().chain(needs.iter()) {
                assert!(line.chars().count() <= 201, "{line}");
                assert!(!line.chars().any(char::is_control), "{line:?}");
            }
        }
        "spec" => {
            let _ = plan_spec(data);
            spec_readers_agree(data);
        }
        "spec_readers" => spec_readers_agree(data),
        "vault" => {
            let _ = parse_response("vault", data);
        }
        "kubernetes" => {
            let _ = parse_response("kubernetes", data);
        }
        "vendors" => {
            // The first byte picks the vendor; the rest is the value of the
            // header it reads scopes from (GitHub, Slack) and, after a NUL,
            // the body.
            const VENDORS: &[(&str, &str)] = &[
                ("github", "x-oauth-scopes"),
                ("gitlab", ""),
                ("slack", "x-oauth-scopes"),
                ("google", ""),
            ];
            if let Some((first, rest)) = data.split_first() {
                let (provider, header) = VENDORS[usize::from(*first) % VENDORS.len()];
                let text = String::from_utf8_lossy(rest);
                let (value, body) = text.split_once('\u{0}').unwrap_or(("", &text));
                let mut headers = BTreeMap::new();
                if !header.is_empty() {
                    headers.insert(header.to_owned(), value.to_owned());
                }
                let _ = parse_with_headers(provider, body.as_bytes(), headers);
            }
        }
        "render" => render_hostile(data),
        "confirmations" => {
            let _ = replay_confirmed(data);
        }
        other => panic!("no fuzz target named {other}"),
    }
}

/// Checks the spec reader's invariant on `bytes`: when the fast reader
/// reads a spec, serde-saphyr reads the same one (panics otherwise).
pub fn spec_readers_agree(bytes: &[u8]) {
    if let Err(difference) = crate::spec::readers_agree(&String::from_utf8_lossy(bytes)) {
        panic!("{difference}");
    }
}

/// Explains a probe's refusal from its body and the value of GitHub's
/// `X-Accepted-GitHub-Permissions`, as a probe's fixture would keep it:
/// (message, needs). Both are one line of at most 200 characters (and an
/// ellipsis).
pub fn probe_explain(body: &str, needs_header: Option<&str>) -> (Option<String>, Option<String>) {
    let mut headers = BTreeMap::new();
    if let Some(h) = needs_header {
        headers.insert(
            crate::provider::probe::GITHUB_NEEDS.to_owned(),
            h.to_owned(),
        );
    }
    crate::provider::probe::explain(body, &headers)
}

/// The provider names `parse_response` takes.
pub fn providers() -> Vec<&'static str> {
    Provider::ALL.iter().map(|p| p.name()).collect()
}

/// Parses a response body as `provider` would (for `http`: privileges at
/// the JSON pointer `/scopes`, objects named by `name`). Returns the
/// privileges, or the error text.
pub fn parse_response(provider: &str, body: &[u8]) -> Result<Vec<String>, String> {
    parse_with_headers(provider, body, BTreeMap::new())
}

/// Like [`parse_response`], with the response's headers (lower-case
/// names), for the providers that read scopes from a header.
pub fn parse_with_headers(
    provider: &str,
    body: &[u8],
    headers: BTreeMap<String, String>,
) -> Result<Vec<String>, String> {
    let provider = Provider::from_name(provider).ok_or("unknown provider")?;
    let value: serde_json::Value = serde_json::from_slice(body).map_err(|e| e.to_string())?;
    let api = test_api(provider);
    provider
        .parse(
            &api,
            &Response {
                body: &value,
                headers: &headers,
            },
        )
        .map(|g| g.privileges)
        .map_err(|e| e.why)
}

/// Reads a fixture from its bytes and parses its answer as `provider`
/// would on replay (the provider is the one the fixture names).
pub fn replay_fixture(bytes: &[u8]) -> Result<Vec<String>, String> {
    let fixture = crate::fixture::parse(bytes).map_err(|e| format!("{e:?}"))?;
    let provider = Provider::from_name(&fixture.provider).ok_or("unknown provider")?;
    let api = test_api(provider);
    let Some(stored) = &fixture.response else {
        return Ok(Vec::new());
    };
    let response = Response {
        body: &stored.body,
        headers: &stored.headers,
    };
    provider
        .parse(&api, &response)
        .map(|g| g.privileges)
        .map_err(|e| e.why)
}

/// Decodes a JWT and reads its scopes, as `provider: jwt` does.
pub fn decode_jwt(token: &str) -> Result<Vec<String>, String> {
    let decoded = jwt::decode(token)?;
    let api = test_api(Provider::Jwt);
    Provider::Jwt
        .parse(
            &api,
            &Response {
                body: &decoded,
                headers: &BTreeMap::new(),
            },
        )
        .map(|g| g.privileges)
        .map_err(|e| e.why)
}

/// Scrubbing as the fetch layer applies it to every text that leaves.
pub fn scrub(text: &str, secret: &str) -> String {
    crate::secret::Scrubber::new([&crate::secret::Secret::new(secret)]).scrub(text)
}

/// Whether `p` covers `q` under `family` (`docspace`, `roles`, `coveo`, `plain`).
pub fn covers(family: &str, p: &str, q: &str) -> bool {
    crate::privilege::covers(family_named(family), p, q)
}

/// Whether granted privilege `g` gives something forbidden entry `f` names.
pub fn overlaps(family: &str, g: &str, f: &str) -> bool {
    crate::privilege::overlap(family_named(family), g, f).is_some()
}

/// Whether the comparison passes. `rule` is `exactly`, `at_least`,
/// `at_most` or `forbidden`.
pub fn passes(family: &str, rule: &str, listed: &[String], granted: &[String]) -> bool {
    let list = Some(listed.to_vec());
    let mut expect = plan::Expectations::default();
    match rule {
        "exactly" => expect.exactly = list,
        "at_least" => expect.at_least = list,
        "at_most" => expect.at_most = list,
        _ => expect.forbidden = list,
    }
    let grant = crate::provider::Grant::new(granted.to_vec(), Vec::new());
    let clock = crate::compare::Clock { now: 0, today: 0 };
    crate::compare::compare(family_named(family), &expect, &grant, clock).passed()
}

/// Coveo's on/off privileges, as the rules spell them (without
/// `:ENABLE`): data for the reference model in `tests/model.rs`.
pub fn coveo_on_off() -> Vec<String> {
    crate::privilege::coveo::on_off()
        .iter()
        .map(|(plain, _)| plain.clone())
        .collect()
}

/// A vendor's documented scopes (`github`, `gitlab`, `slack`, `google`):
/// each name, what it surely includes and what it may include. Data for
/// the reference model in `tests/model.rs`.
pub fn scope_table(family: &str) -> Vec<(String, Vec<String>, Vec<String>)> {
    let catalog = match family {
        "github" => &crate::privilege::GITHUB,
        "gitlab" => &crate::privilege::GITLAB,
        "slack" => &crate::privilege::SLACK,
        _ => &crate::privilege::GOOGLE,
    };
    let own = |names: &[&str]| names.iter().map(|n| n.to_string()).collect();
    catalog
        .names
        .iter()
        .map(|s| (s.name.to_owned(), own(s.surely), own(s.maybe)))
        .collect()
}

/// The privilege names a family knows, for generating inputs.
pub fn known_names(family: &str) -> Vec<String> {
    family_named(family).vocabulary()
}

fn family_named(name: &str) -> &'static dyn crate::privilege::Family {
    match name {
        "docspace" => &crate::privilege::DOCSPACE,
        "roles" => &crate::privilege::ROLES,
        "coveo" => &crate::privilege::COVEO,
        "kubernetes" => &crate::privilege::KUBERNETES,
        "github" => &crate::privilege::GITHUB,
        "gitlab" => &crate::privilege::GITLAB,
        "slack" => &crate::privilege::SLACK,
        "google" => &crate::privilege::GOOGLE,
        "vault" => &crate::privilege::VAULT,
        _ => &crate::privilege::PLAIN,
    }
}

fn test_api(provider: Provider) -> plan::Api {
    use crate::template::Template;
    let base_url = Template::literal("https://api.example.com");
    match provider {
        Provider::Coveo => plan::Api::Coveo {
            base_url,
            organization: "org".into(),
            caller: None,
        },
        Provider::Jwt => plan::Api::Jwt {
            claims: None,
            rules: plan::Rules::Plain,
        },
        Provider::Http => plan::Api::Http(plan::HttpApi {
            base_url,
            method: "GET".into(),
            path: "/".into(),
            headers: Vec::new(),
            token_query: None,
            privileges: plan::PrivilegeSource::Json {
                pointer: "/scopes".into(),
                field: Some("name".into()),
            },
        }),
        Provider::OAuth2Introspection => plan::Api::Introspection {
            endpoint: plan::Endpoint::Url(base_url),
            client: plan::Credential::Bearer(plan::SecretSource::Env("X".into())),
            rules: plan::Rules::Plain,
        },
        Provider::Vault => plan::Api::Vault {
            base_url,
            namespace: None,
            paths: vec!["secret/data/app".into(), "sys/mounts".into()],
        },
        Provider::Kubernetes => plan::Api::Kubernetes {
            base_url,
            namespaces: vec!["default".into(), "ci".into()],
        },
        _ => plan::Api::Base { base_url },
    }
}

#[cfg(test)]
mod tests {
    use super::replay_confirmed;

    fn seed(name: &str) -> [Result<Option<String>, String>; 2] {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fuzz/corpus/confirmations")
            .join(name);
        replay_confirmed(&std::fs::read(&path).unwrap())
    }

    fn stale(r: &Result<Option<String>, String>) -> bool {
        r.as_ref()
            .is_err_and(|e| e.contains(" is stale: recorded 2026-10-01, 61 days ago"))
    }

    /// The confirmations target's seeds reach what their names say: the
    /// target checks something.
    #[test]
    fn the_confirmations_seeds_reach_each_outcome() {
        let [bare, with] = seed("confirms-this-recording.json");
        assert!(stale(&bare), "{bare:?}");
        assert_eq!(with, Ok(Some("2026-11-23T10:00:00Z".into())));
        let [bare, with] = seed("future-confirmation.json");
        assert_eq!(bare, Ok(None));
        let e = with.unwrap_err();
        assert!(
            e.contains("confirmations.json confirmed: 2027-01-01T00:00:00Z` is in the future"),
            "{e}"
        );
        let [_, with] = seed("at-not-a-timestamp.json");
        assert!(
            with.unwrap_err()
                .contains(r"yesterday\u{1b}[2J` is not a timestamp")
        );
        let [_, with] = seed("confirmed-but-stale.json");
        assert!(
            with.unwrap_err()
                .contains("is stale: last confirmed 2026-10-14")
        );
        let [_, with] = seed("aliased-keys.json");
        assert_eq!(with, Ok(Some("2026-11-25T00:00:00Z".into())));
        let [_, with] = seed("array-form.json");
        assert_eq!(with, Ok(Some("2026-11-29T23:59:59Z".into())));
        let [bare, with] = seed("two-fixtures-fresh.json");
        assert_eq!(
            (bare, with),
            (Ok(None), Ok(Some("2026-11-30T10:00:00Z".into())))
        );
    }

    /// A file that is not a manifest reads as no manifest: a stale fixture
    /// stays stale (it fails closed), and says why no confirmation counted.
    /// A manifest that confirms another recording changes nothing.
    #[test]
    fn a_broken_manifest_is_no_manifest() {
        for name in [
            "broken-merge-conflict.json",
            "broken-truncated.json",
            "broken-unknown-field.json",
            "broken-duplicate-field.json",
            "broken-wrong-type.json",
            "broken-bom.json",
        ] {
            let [bare, with] = seed(name);
            assert!(stale(&bare), "{name}: {bare:?}");
            let (Err(bare), Err(with)) = (bare, with) else {
                unreachable!("both are stale")
            };
            let note = "; no confirmation counts, as ";
            assert!(
                with.starts_with(&format!("{bare}{note}"))
                    && with.contains("confirmations.json is not a confirmations manifest (")
                    && with.ends_with("): fix or delete it, then record"),
                "{name}: {with}"
            );
        }
        for name in ["other-recording.json", "empty.json"] {
            let [bare, with] = seed(name);
            assert!(stale(&bare), "{name}: {bare:?}");
            assert_eq!(with, bare, "{name}");
        }
    }
}
