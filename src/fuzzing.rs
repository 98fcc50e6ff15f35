//! Entry points for the fuzz targets (`fuzz/`) and the property tests.
//! Not a stable API: hidden from the docs, and free to change.
//!
//! Each function takes arbitrary input and must return, never panic: that
//! is the property the fuzzers and `tests/properties.rs` check.

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
    });
    let entries = plan::plan_bytes(spec, bytes.to_vec(), Path::new("fixtures"));
    entries
        .iter()
        .filter(|e| matches!(e, Entry::Case(_) | Entry::Broken(_)))
        .count()
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
    let provider = Provider::from_name(provider).ok_or("unknown provider")?;
    let value: serde_json::Value = serde_json::from_slice(body).map_err(|e| e.to_string())?;
    let api = test_api(provider);
    provider
        .parse(
            &api,
            &Response {
                body: &value,
                headers: &BTreeMap::new(),
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
