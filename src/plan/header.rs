//! The keys at the top of a spec file: the provider and its settings.
//!
//! Each provider takes its own keys (a table below says which); a key that
//! belongs to another provider is an error that names the right ones.

use super::credential::{plan_credential, plan_source};
use super::{Api, Credential, Endpoint, HttpApi, PrivilegeSource, Provider, Rules};
use crate::privilege::Family;
use crate::secret::looks_like_secret;
use crate::spec::{Pos, RawSpec, Spanned, SpecError};
use crate::suggest::did_you_mean;
use crate::template::Template;
use std::path::{Path, PathBuf};

/// Coveo's regions and their base URLs (API-FACTS.md, "Coveo Platform").
const REGIONS: &[(&str, &str)] = &[
    ("us", "https://platform.cloud.coveo.com"),
    ("eu", "https://platform-eu.cloud.coveo.com"),
    ("au", "https://platform-au.cloud.coveo.com"),
    ("ca", "https://platform-ca.cloud.coveo.com"),
    ("hipaa", "https://platformhipaa.cloud.coveo.com"),
];

/// Everything the top of a spec decides for all its tokens.
pub(super) struct Header {
    pub provider: Provider,
    /// Shared by the spec's cases (planned for each of thousands).
    pub api: std::sync::Arc<Api>,
    pub family: &'static dyn Family,
    pub max_fixture_age: Option<i64>,
    pub extra: std::sync::Arc<[String]>,
    pub ca_file: Option<PathBuf>,
    /// The statuses that mean a probe was denied.
    pub denied_statuses: Vec<u16>,
    /// How the API refuses inside a 2xx answer, where it does.
    pub refused_when: Option<std::sync::Arc<super::BodyRule>>,
    /// The spec's `vocabulary:`: an open family's names, closed.
    pub vocabulary: Option<Vec<String>>,
}

impl Header {
    /// Whether the answer's privileges are read as a list split on spaces
    /// and commas (an introspection `scope`, an http header), so that no
    /// name with one in it can ever be reported.
    pub(super) fn splits_names(&self) -> bool {
        splits(self.provider, &self.api)
    }
}

/// Whether `name` can be a privilege any answer reports: not empty, no
/// space at either end or control character, and, where the answer is
/// split on them (`split`), no space or comma inside. A name no answer can
/// hold would make its `forbidden` entry check nothing, in the open
/// vocabularies where names are not looked up (issue 10; review).
pub(super) fn name_shape(name: &str, split: bool) -> Result<(), String> {
    let shown = crate::escape::text(name);
    if name.is_empty() {
        return Err("an empty name: no answer holds it, so the entry would check nothing".into());
    }
    if name.trim() != name || name.chars().any(char::is_control) {
        return Err(format!(
            "`{shown}` has a space at an end or a control character: no answer holds such a name"
        ));
    }
    if split && name.contains([' ', '\t', ',']) {
        return Err(format!(
            "`{shown}` holds a space or a comma, and this provider reads privileges as a list \
             split on them: no answer can hold this name"
        ));
    }
    Ok(())
}

/// Which top-level keys each provider takes (besides `provider`, `tokens`,
/// `max_fixture_age` and `extra_privileges`).
pub(crate) fn keys_of(provider: Provider) -> &'static [&'static str] {
    match provider {
        Provider::DocSpace
        | Provider::DocSpaceAccount
        | Provider::DocSpacePermissions
        | Provider::DocSpaceScopes => &["base_url", "ca_file"],
        Provider::Coveo => &["organization", "region", "base_url", "caller", "ca_file"],
        Provider::OAuth2Introspection => &[
            "introspection_url",
            "discovery",
            "client",
            "scopes",
            "ca_file",
        ],
        Provider::Jwt => &["claims", "scopes"],
        Provider::Http => &["base_url", "request", "privileges", "ca_file"],
        Provider::GitHub | Provider::GitLab | Provider::Slack | Provider::Google => {
            &["base_url", "ca_file"]
        }
        Provider::Vault => &["base_url", "namespace", "paths", "ca_file"],
        Provider::Kubernetes => &["base_url", "namespaces", "ca_file"],
        Provider::Probes => &["base_url", "ca_file"],
    }
}

/// Plans the header; `dir` is the spec file's folder.
pub(super) fn plan_header(raw: &RawSpec, dir: &Path) -> Result<Header, SpecError> {
    let (provider, api) = provider_and_api(raw)?;
    let family = api.family(provider);
    let max_fixture_age = match &raw.max_fixture_age {
        None => None,
        Some(a) => Some(
            crate::time::parse_duration(&a.value)
                .map_err(|why| SpecError::at(Pos::of(a), why, None))?,
        ),
    };
    let extra = match &raw.extra_privileges {
        None => Vec::new(),
        Some(list) if !family.checks_names() => {
            return Err(SpecError::at(
                Pos::of(list),
                format!(
                    "provider `{}` accepts any privilege name, so `extra_privileges` has nothing to add",
                    provider.name()
                ),
                Some("remove it"),
            ));
        }
        Some(list) => {
            let mut names = Vec::with_capacity(list.value.len());
            for name in &list.value {
                let check = if provider.is_coveo() {
                    crate::privilege::coveo::check_declared(&name.value)
                } else if name.value.contains('*') {
                    Err(format!(
                        "`{}` is not a privilege name: write it as the API reports it, without `*`",
                        crate::escape::text(&name.value)
                    ))
                } else {
                    name_shape(&name.value, true)
                };
                check.map_err(|why| SpecError::at(Pos::of(name), why, None))?;
                names.push(name.value.clone());
            }
            names
        }
    };
    let ca_file = match &raw.ca_file {
        None => None,
        Some(f) if f.value.trim().is_empty() => {
            return Err(SpecError::at(
                Pos::of(f),
                "`ca_file` is empty",
                Some("name a PEM file of CA certificates, relative to this spec file"),
            ));
        }
        Some(f) => Some(dir.join(&f.value)),
    };
    let denied_statuses = super::probes::denied_statuses(raw, provider)?;
    let refused_when = super::probes::refused_when(raw, provider)?;
    let vocabulary = match &raw.vocabulary {
        None => None,
        Some(list) => Some(vocabulary(provider, family, list, splits(provider, &api))?),
    };
    Ok(Header {
        provider,
        api: std::sync::Arc::new(api),
        family,
        max_fixture_age,
        extra: extra.into(),
        ca_file,
        denied_statuses,
        refused_when,
        vocabulary,
    })
}

/// A spec's `vocabulary:`: where a family takes any name, the names this
/// API can report, so that every rule entry is checked against them.
fn vocabulary(
    provider: Provider,
    family: &dyn Family,
    list: &Spanned<Vec<Spanned<String>>>,
    split: bool,
) -> Result<Vec<String>, SpecError> {
    if provider == Provider::Probes {
        return Err(SpecError::at(
            Pos::of(list),
            "provider `probes` has no rules, so `vocabulary` has nothing to check",
            Some("remove it"),
        ));
    }
    if family.checks_names() {
        return Err(SpecError::at(
            Pos::of(list),
            format!(
                "provider `{}` checks names against its own list already ({})",
                provider.name(),
                family.what()
            ),
            Some("declare a name its list lacks under `extra_privileges`"),
        ));
    }
    if list.value.is_empty() {
        return Err(SpecError::at(
            Pos::of(list),
            "`vocabulary: []` names nothing, so no rule entry could be written",
            Some("list every privilege name the API reports, or remove the key"),
        ));
    }
    let mut names: Vec<String> = Vec::with_capacity(list.value.len());
    for name in &list.value {
        let shape = if name.value.contains('*') {
            Err(format!(
                "`{}` is not a privilege name: write it as the API reports it, without `*`",
                crate::escape::text(&name.value)
            ))
        } else {
            name_shape(&name.value, split)
        };
        shape.map_err(|why| SpecError::at(Pos::of(name), why, None))?;
        if names.contains(&name.value) {
            return Err(SpecError::at(
                Pos::of(name),
                format!("`{}` is listed twice", crate::escape::text(&name.value)),
                Some("remove the second one"),
            ));
        }
        names.push(name.value.clone());
    }
    Ok(names)
}

/// Whether `provider`'s answer is split into names on spaces and commas
/// ([`Header::splits_names`], before there is a header).
fn splits(provider: Provider, api: &Api) -> bool {
    match api {
        Api::Http(h) => matches!(h.privileges, crate::plan::PrivilegeSource::Header(_)),
        _ => matches!(
            provider,
            Provider::OAuth2Introspection | Provider::GitHub | Provider::Slack | Provider::Google
        ),
    }
}

fn provider_and_api(raw: &RawSpec) -> Result<(Provider, Api), SpecError> {
    let name = &raw.provider.value;
    let provider = Provider::from_name(name).ok_or_else(|| {
        let known = Provider::ALL.iter().map(|p| p.name());
        let hint = match did_you_mean(name, known.clone()) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("the providers are {}", known.collect::<Vec<_>>().join(", ")),
        };
        SpecError::at(
            Pos::of(&raw.provider),
            format!("unknown provider `{name}`"),
            Some(&hint),
        )
    })?;
    let present = [
        ("base_url", raw.base_url.as_ref().map(Pos::of)),
        ("organization", raw.organization.as_ref().map(Pos::of)),
        ("region", raw.region.as_ref().map(Pos::of)),
        ("caller", raw.caller.as_ref().map(Pos::of)),
        (
            "introspection_url",
            raw.introspection_url.as_ref().map(Pos::of),
        ),
        ("discovery", raw.discovery.as_ref().map(Pos::of)),
        ("client", raw.client.as_ref().map(Pos::of)),
        ("scopes", raw.scopes.as_ref().map(Pos::of)),
        ("claims", raw.claims.as_ref().map(Pos::of)),
        ("ca_file", raw.ca_file.as_ref().map(Pos::of)),
        ("request", raw.request.as_ref().map(Pos::of)),
        ("privileges", raw.privileges.as_ref().map(Pos::of)),
        ("namespace", raw.namespace.as_ref().map(Pos::of)),
        ("paths", raw.paths.as_ref().map(Pos::of)),
        ("namespaces", raw.namespaces.as_ref().map(Pos::of)),
    ];
    let allowed = keys_of(provider);
    for (key, pos) in present {
        if let Some(pos) = pos.filter(|_| !allowed.contains(&key)) {
            let takes = if allowed.is_empty() {
                "no other key".to_owned()
            } else {
                allowed.join(", ")
            };
            return Err(SpecError::at(
                pos,
                format!("`{key}` is not a setting of provider `{name}`"),
                Some(&format!("provider `{name}` takes {takes}")),
            ));
        }
    }
    let needs = |key: &str| {
        SpecError::at(
            Pos::of(&raw.provider),
            format!("provider `{name}` needs `{key}`"),
            Some(&format!("add `{key}:`; see README.md, \"Providers\"")),
        )
    };
    let api = match provider {
        Provider::DocSpace
        | Provider::DocSpaceAccount
        | Provider::DocSpacePermissions
        | Provider::DocSpaceScopes
        | Provider::Probes => Api::Base {
            base_url: url(
                provider,
                "base_url",
                raw.base_url.as_ref().ok_or_else(|| needs("base_url"))?,
            )?,
        },
        Provider::GitHub | Provider::GitLab | Provider::Slack | Provider::Google => Api::Base {
            base_url: match (&raw.base_url, provider.default_base_url()) {
                (Some(b), _) => url(provider, "base_url", b)?,
                (None, Some(default)) => Template::literal(default),
                (None, None) => return Err(needs("base_url")),
            },
        },
        Provider::Coveo => coveo(provider, raw)?,
        Provider::OAuth2Introspection => {
            let endpoint = match (&raw.introspection_url, &raw.discovery) {
                (Some(u), None) => Endpoint::Url(url(provider, "introspection_url", u)?),
                (None, Some(d)) => Endpoint::Discovery(url(provider, "discovery", d)?),
                (Some(_), Some(d)) => {
                    return Err(SpecError::at(
                        Pos::of(d),
                        "`introspection_url` and `discovery` both say where the endpoint is",
                        Some("keep one of them"),
                    ));
                }
                (None, None) => return Err(needs("introspection_url")),
            };
            let client = raw.client.as_ref().ok_or_else(|| needs("client"))?;
            let id = plan_source(&client.value.id, "id")?;
            let secret = plan_source(&client.value.secret, "secret")?;
            let method = client.value.auth_method.as_ref();
            let client = match method.map_or("client_secret_basic", |m| m.value.as_str()) {
                "client_secret_basic" => Credential::Basic {
                    username: id,
                    password: secret,
                },
                "client_secret_post" => Credential::ClientPost { id, secret },
                other => {
                    let known = ["client_secret_basic", "client_secret_post"];
                    let hint = match did_you_mean(other, known) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => "use client_secret_basic or client_secret_post".to_owned(),
                    };
                    let at = method.map_or(Pos::of(client), Pos::of);
                    return Err(SpecError::at(
                        at,
                        format!("unknown auth_method `{other}`"),
                        Some(&hint),
                    ));
                }
            };
            Api::Introspection {
                endpoint,
                client,
                rules: rules(raw)?,
            }
        }
        Provider::Jwt => Api::Jwt {
            claims: claims(raw)?,
            rules: rules(raw)?,
        },
        Provider::Http => http(raw, &needs)?,
        Provider::Vault | Provider::Kubernetes => {
            let base_url = url(
                provider,
                "base_url",
                raw.base_url.as_ref().ok_or_else(|| needs("base_url"))?,
            )?;
            if provider == Provider::Vault {
                super::listed::vault(raw, base_url, &needs)?
            } else {
                super::listed::kubernetes(raw, base_url, &needs)?
            }
        }
    };
    Ok((provider, api))
}

fn coveo(provider: Provider, raw: &RawSpec) -> Result<Api, SpecError> {
    let base_url = match (&raw.base_url, &raw.region) {
        (Some(_), Some(region)) => {
            return Err(SpecError::at(
                Pos::of(region),
                "`region` and `base_url` both say where the API is",
                Some("keep one of them"),
            ));
        }
        (Some(b), None) => url(provider, "base_url", b)?,
        (None, Some(region)) => {
            let found = REGIONS
                .iter()
                .find(|(r, _)| *r == region.value)
                .map(|(_, u)| *u);
            found.map(Template::literal).ok_or_else(|| {
                let known = REGIONS.iter().map(|(r, _)| *r);
                let hint = match did_you_mean(&region.value, known.clone()) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!("the regions are {}", known.collect::<Vec<_>>().join(", ")),
                };
                SpecError::at(
                    Pos::of(region),
                    format!("unknown Coveo region `{}`", region.value),
                    Some(&hint),
                )
            })?
        }
        (None, None) => Template::literal(REGIONS[0].1),
    };
    let organization = match &raw.organization {
        Some(org)
            if !org.value.is_empty()
                && org
                    .value
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') =>
        {
            org.value.clone()
        }
        Some(org) => {
            return Err(SpecError::at(
                Pos::of(org),
                format!("`{}` is not a Coveo organization id", org.value),
                Some("it looks like mycoveocloudv2organizationg8tp8wu3"),
            ));
        }
        None => {
            return Err(SpecError::at(
                Pos::of(&raw.provider),
                "provider `coveo` needs `organization`",
                Some("add `organization: <your organization id>`"),
            ));
        }
    };
    let caller = raw
        .caller
        .as_ref()
        .map(|c| plan_credential(provider, "caller", c))
        .transpose()?;
    if let (Some(c), Some(caller)) = (&raw.caller, &caller)
        && !matches!(caller, Credential::Bearer(_))
    {
        return Err(SpecError::at(
            Pos::of(c),
            "Coveo's API takes the caller as `Authorization: Bearer`, so `caller` is `{ env: NAME }` or `{ file: PATH }`",
            Some("drop `scheme:`"),
        ));
    }
    Ok(Api::Coveo {
        base_url,
        organization,
        caller,
    })
}

fn http(raw: &RawSpec, needs: &dyn Fn(&str) -> SpecError) -> Result<Api, SpecError> {
    let base_url = url(
        Provider::Http,
        "base_url",
        raw.base_url.as_ref().ok_or_else(|| needs("base_url"))?,
    )?;
    let request = raw.request.as_ref().ok_or_else(|| needs("request"))?;
    let r = &request.value;
    let method = r
        .method
        .as_ref()
        .map_or("GET".to_owned(), |m| m.value.to_ascii_uppercase());
    if !matches!(method.as_str(), "GET" | "POST" | "HEAD") {
        let at = r.method.as_ref().map_or(Pos::of(request), Pos::of);
        return Err(SpecError::at(
            at,
            format!("method `{method}` is not one permspec sends"),
            Some("use GET or POST"),
        ));
    }
    if !r.path.value.starts_with('/') {
        return Err(SpecError::at(
            Pos::of(&r.path),
            "`path` must start with `/`",
            Some("such as `/user`"),
        ));
    }
    let headers: Vec<(String, String)> =
        r.headers.clone().unwrap_or_default().into_iter().collect();
    if let Some((name, _)) = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("authorization"))
    {
        return Err(SpecError::at(
            Pos::of(request),
            format!("`{name}` may not be set in `headers`: the credential goes there"),
            Some("put the token in the token's `credential:`"),
        ));
    }
    // A header value is written in the spec, so it must not be a secret
    // (issue 10, item 11); the error does not quote it.
    if let Some((name, _)) = headers.iter().find(|(n, v)| {
        looks_like_secret(v)
            || crate::spec::SECRET_HEADERS.contains(&n.to_ascii_lowercase().as_str())
    }) {
        return Err(SpecError::at(
            Pos::of(request),
            format!(
                "the header `{name}` looks like it holds a secret; a spec names where a secret \
                 comes from, never the secret itself"
            ),
            Some(
                "send the token through the token's `credential:` (as Authorization, or in the \
                 query with `token_query:`); if the value was real, rotate it",
            ),
        ));
    }
    let source = raw.privileges.as_ref().ok_or_else(|| needs("privileges"))?;
    let s = &source.value;
    let privileges = match (&s.header, &s.json) {
        (Some(h), None) if s.field.is_none() => {
            PrivilegeSource::Header(h.value.to_ascii_lowercase())
        }
        (None, Some(p)) if p.value.is_empty() || p.value.starts_with('/') => {
            PrivilegeSource::Json {
                pointer: p.value.clone(),
                field: s.field.as_ref().map(|f| f.value.clone()),
            }
        }
        (None, Some(p)) => {
            return Err(SpecError::at(
                Pos::of(p),
                format!("`{}` is not a JSON pointer", p.value),
                Some("a pointer starts with `/`, such as `/scopes` or `/data/permissions`"),
            ));
        }
        _ => {
            return Err(SpecError::at(
                Pos::of(source),
                "`privileges` needs exactly one of `header` or `json` (`field` goes with `json`)",
                Some("write `{ header: x-oauth-scopes }` or `{ json: /scopes }`"),
            ));
        }
    };
    Ok(Api::Http(HttpApi {
        base_url,
        method,
        path: r.path.value.clone(),
        headers,
        token_query: r.token_query.as_ref().map(|t| t.value.clone()),
        privileges,
    }))
}

/// jwt: the claims that hold privileges, each a claim name.
fn claims(raw: &RawSpec) -> Result<Option<Vec<String>>, SpecError> {
    let Some(list) = &raw.claims else {
        return Ok(None);
    };
    if list.value.is_empty() {
        return Err(SpecError::at(
            Pos::of(list),
            "`claims: []` reads no claim, so no token could hold a privilege",
            Some(
                "name the claims that hold privileges, such as `claims: [scp, roles]`, or remove the key",
            ),
        ));
    }
    let mut names = Vec::new();
    for c in &list.value {
        if c.value.trim().is_empty() {
            return Err(SpecError::at(
                Pos::of(c),
                "an empty claim name reads nothing",
                Some("name a claim of the token, such as `scp`, or remove the entry"),
            ));
        }
        if names.contains(&c.value) {
            return Err(SpecError::at(
                Pos::of(c),
                format!(
                    "the claim `{}` is listed twice",
                    crate::escape::text(&c.value)
                ),
                Some("remove the second one"),
            ));
        }
        names.push(c.value.clone());
    }
    Ok(Some(names))
}

fn rules(raw: &RawSpec) -> Result<Rules, SpecError> {
    match raw.scopes.as_ref() {
        None => Ok(Rules::Plain),
        Some(s) if s.value == "docspace" => Ok(Rules::DocSpace),
        Some(s) => Err(SpecError::at(
            Pos::of(s),
            format!("unknown scope rules `{}`", s.value),
            Some("write `scopes: docspace` for DocSpace's rules, or leave it out for plain names"),
        )),
    }
}

/// A URL setting: `${VAR}` references allowed, otherwise http(s) only, and
/// never a user name or password in it (issue 10, item 12): those would be
/// sent, printed and recorded with the address.
fn url(provider: Provider, key: &str, written: &Spanned<String>) -> Result<Template, SpecError> {
    if has_userinfo(&written.value) {
        return Err(SpecError::at(
            Pos::of(written),
            format!(
                "`{key}` carries a user name or password (`user:password@host`: any `@` counts)"
            ),
            Some(
                "write the address without them, and say where the secret comes from in \
                 `credential:` (or `client:`); if the password was real, rotate it",
            ),
        ));
    }
    let template =
        Template::parse(&written.value).map_err(|e| SpecError::at(Pos::of(written), e, None))?;
    let scheme_ok = ["https://", "http://"]
        .iter()
        .any(|scheme| written.value.starts_with(scheme));
    if !(template.starts_with_variable() || scheme_ok) {
        return Err(SpecError::at(
            Pos::of(written),
            format!(
                "`{key}` must start with https:// (found `{}`)",
                written.value
            ),
            Some(&format!(
                "write the API's address, such as {}",
                provider.example_address()
            )),
        ));
    }
    Ok(template)
}

/// Whether an address may carry `user[:password]@` (see
/// [`crate::spec::userinfo`]: any `@` after the scheme counts).
pub(crate) fn has_userinfo(address: &str) -> bool {
    crate::spec::userinfo(address).is_some()
}
