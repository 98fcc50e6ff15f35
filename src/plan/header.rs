//! The keys at the top of a spec file: the provider and its settings.
//!
//! Each provider takes its own keys (a table below says which); a key that
//! belongs to another provider is an error that names the right ones.

use super::token::{plan_credential, plan_source};
use super::{Api, Credential, Endpoint, HttpApi, PrivilegeSource, Rules};
use crate::provider::Provider;
use crate::provider::coveo::REGIONS;
use crate::spec::{Pos, RawSpec, SpecError};
use crate::suggest::did_you_mean;
use crate::template::Template;
use serde_saphyr::Spanned;

/// Which top-level keys each provider takes (besides `provider` and `tokens`).
fn keys_of(provider: Provider) -> &'static [&'static str] {
    match provider {
        Provider::DocSpace
        | Provider::DocSpaceAccount
        | Provider::DocSpacePermissions
        | Provider::DocSpaceScopes => &["base_url"],
        Provider::Coveo => &["organization", "region", "base_url", "caller"],
        Provider::OAuth2Introspection => &["introspection_url", "discovery", "client", "scopes"],
        Provider::Jwt => &["claim", "scopes"],
        Provider::Http => &["base_url", "request", "privileges"],
    }
}

pub(super) fn plan_header(raw: &RawSpec) -> Result<(Provider, Api), SpecError> {
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
        ("claim", raw.claim.as_ref().map(Pos::of)),
        ("request", raw.request.as_ref().map(Pos::of)),
        ("privileges", raw.privileges.as_ref().map(Pos::of)),
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
        | Provider::DocSpaceScopes => Api::DocSpace {
            base_url: url(
                "base_url",
                raw.base_url.as_ref().ok_or_else(|| needs("base_url"))?,
            )?,
        },
        Provider::Coveo => coveo(provider, raw)?,
        Provider::OAuth2Introspection => {
            let endpoint = match (&raw.introspection_url, &raw.discovery) {
                (Some(u), None) => Endpoint::Url(url("introspection_url", u)?),
                (None, Some(d)) => Endpoint::Discovery(url("discovery", d)?),
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
            let (id, secret) = (&client.value.id, &client.value.secret);
            let id = plan_source(Pos::of(id), &id.value.env, &id.value.file, "id")?;
            let secret = plan_source(
                Pos::of(secret),
                &secret.value.env,
                &secret.value.file,
                "secret",
            )?;
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
            claim: raw.claim.as_ref().map(|c| c.value.clone()),
            rules: rules(raw)?,
        },
        Provider::Http => http(raw, &needs)?,
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
        (Some(b), None) => url("base_url", b)?,
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
        .map(|c| plan_credential(provider, c))
        .transpose()?;
    Ok(Api::Coveo {
        base_url,
        organization,
        caller,
    })
}

fn http(raw: &RawSpec, needs: &dyn Fn(&str) -> SpecError) -> Result<Api, SpecError> {
    let base_url = url(
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

/// A URL setting: `${VAR}` references allowed, otherwise http(s) only.
fn url(key: &str, written: &Spanned<String>) -> Result<Template, SpecError> {
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
            Some("write the API's address, such as https://portal.example.com"),
        ));
    }
    Ok(template)
}
