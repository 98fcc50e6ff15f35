//! A token's `probes:` and a spec's `denied_statuses:`, checked.
//!
//! A probe is a request the token must be allowed (a 2xx answer) or denied
//! (one of the denied statuses). Everything that would make a probe prove
//! nothing, or send the credential somewhere else, is a spec error here:
//! a path that is not under `base_url`, a method that could change
//! something without `unsafe:` saying why it cannot, a probe written twice,
//! an empty list, a denied status that is a success.

use super::{BodyRule, Probe, ProbeExpect, ProbeMethod, Provider};
use crate::spec::{Pos, RawProbe, RawProbes, RawSpec, Spanned, SpecError};
use crate::template::Template;
use std::collections::HashSet;

/// The spec's `denied_statuses`, or the provider's default.
pub(super) fn denied_statuses(raw: &RawSpec, provider: Provider) -> Result<Vec<u16>, SpecError> {
    let Some(list) = &raw.denied_statuses else {
        return Ok(provider.denied_statuses().to_vec());
    };
    if !provider.takes_probes() {
        return Err(SpecError::at(
            Pos::of(list),
            format!(
                "provider `{}` takes no probes, so `denied_statuses` has nothing to judge",
                provider.name()
            ),
            Some(&format!(
                "probes work with {}",
                Provider::names_where(Provider::takes_probes)
            )),
        ));
    }
    if list.value.is_empty() {
        return Err(SpecError::at(
            Pos::of(list),
            "`denied_statuses: []` would make every `denied` probe fail and judge nothing",
            Some("list the statuses this API denies with, e.g. [403]"),
        ));
    }
    let mut out = Vec::with_capacity(list.value.len());
    for status in &list.value {
        let code = status.value;
        let why = match code {
            401 => Some(
                "the credential not being accepted for the request: a 401 never says what a \
                 credential may do, and a mistyped or revoked one would pass every `denied` probe",
            ),
            400..=499 => None,
            200..=299 => Some("a success: a probe the API allowed would count as denied"),
            300..=399 => Some("a redirect, which a probe never follows: it proves nothing"),
            500..=599 => {
                Some("a server error: a failing server would make every `denied` probe pass")
            }
            _ => Some("not an HTTP status"),
        };
        if let Some(why) = why {
            return Err(SpecError::at(
                Pos::of(status),
                format!("{code} cannot mean denied: it is {why}"),
                Some(
                    "list the 4xx statuses this API denies a permission with, e.g. [403], or [403, 404] for an API that hides what a token may not see; a probe answered 401 always fails",
                ),
            ));
        }
        if out.contains(&code) {
            return Err(SpecError::at(
                Pos::of(status),
                format!("{code} is listed twice"),
                Some("remove the second one"),
            ));
        }
        out.push(code);
    }
    Ok(out)
}

/// The spec's `refused_when:`, or the provider's own rule (Slack's).
pub(super) fn refused_when(
    raw: &RawSpec,
    provider: Provider,
) -> Result<Option<std::sync::Arc<BodyRule>>, SpecError> {
    let Some(written) = &raw.refused_when else {
        return Ok(provider.refuses_in_body().map(std::sync::Arc::new));
    };
    if !provider.takes_refused_when() {
        let why = match provider.refuses_in_body() {
            Some(_) => format!(
                "provider `{}` reads its API's refusals itself, so `refused_when` has nothing to \
                 add",
                provider.name()
            ),
            None => format!(
                "provider `{}` takes no `refused_when`: its API refuses with a status",
                provider.name()
            ),
        };
        return Err(SpecError::at(
            Pos::of(written),
            why,
            Some(&format!(
                "`refused_when` goes with {}",
                Provider::names_where(Provider::takes_refused_when)
            )),
        ));
    }
    let r = &written.value;
    let pointer = |p: &Spanned<String>, key: &str| -> Result<String, SpecError> {
        if p.value.starts_with('/') && !p.value.chars().any(char::is_control) {
            Ok(p.value.clone())
        } else {
            Err(SpecError::at(
                Pos::of(p),
                format!(
                    "`{key}: {}` is not a JSON pointer",
                    crate::escape::text(&p.value)
                ),
                Some("write a JSON pointer into the answer, starting with `/`: `/errors`"),
            ))
        }
    };
    let json = pointer(&r.json, "json")?;
    let reason = match &r.reason {
        Some(p) => pointer(p, "reason")?,
        None => json.clone(),
    };
    let denied = match &r.denied {
        None => Vec::new(),
        Some(list) if list.value.is_empty() => {
            return Err(SpecError::at(
                Pos::of(list),
                "`denied: []` lists no reason, so no refusal could ever be a denial",
                Some("list the reasons that mean a permission was denied, or remove `denied`"),
            ));
        }
        Some(list) => {
            let mut out: Vec<String> = Vec::with_capacity(list.value.len());
            for d in &list.value {
                if d.value.trim().is_empty() || d.value.trim() != d.value {
                    return Err(SpecError::at(
                        Pos::of(d),
                        "a reason is empty, or has a space at an end: no answer holds it",
                        Some("write the reason as the API sends it: `FORBIDDEN`"),
                    ));
                }
                if out.contains(&d.value) {
                    return Err(SpecError::at(
                        Pos::of(d),
                        format!("`{}` is listed twice", crate::escape::text(&d.value)),
                        Some("remove the second one"),
                    ));
                }
                out.push(d.value.clone());
            }
            out
        }
    };
    Ok(Some(std::sync::Arc::new(BodyRule::Json {
        json,
        reason,
        denied,
    })))
}

/// The probes `probes: auto` derives for a DocSpace key: one safe GET per
/// permission that a GET can show (see `provider/docspace.rs`).
pub(crate) type AutoTable = &'static [(&'static str, &'static str)];

/// DocSpace's `probes: auto`: for each permission a GET can show, a GET
/// route that needs it and nothing more, with no id and no side effect.
///
/// From DocSpace-server v3.7.2 (`ed2994e7`): the scopes of every route are
/// one regex table, `AuthorizationExtension.ScopesMap`
/// (`common/ASC.Api.Core/Auth/AuthorizationExtension.cs:39-52`, first
/// match wins), and every GET also accepts `*:read` and `*:write`
/// (lines 58-65); `ScopesAuthorizationHandler.cs:73-76` passes a caller
/// holding any one of them. Each row's line there, and its controller:
///
/// - `files:read`: l.43 `GET api/[^/]+/files` [files:read, files:write];
///   `SettingsController.cs:283`, a settings read (`/files/@my` would
///   create the user's folder on a first visit).
/// - `rooms:read`: l.41 `GET api/[^/]+/files/rooms` [rooms:read,
///   rooms:write]; `VirtualRoomsController.cs:911` (no `sortBy`: it would
///   save a sort order).
/// - `accounts:read`: l.47 `GET api/[^/]+/people` [accounts:read,
///   accounts:write]; `UserController.cs:989`.
/// - `accounts.self:read`: l.45 `GET api/[^/]+/people/@self`
///   [accounts.self:read, accounts.self:write], before l.47, so
///   `accounts:read` does not pass it; `UserController.cs:1590`.
///
/// No GET route needs a write permission (only the POST/PUT/DELETE lines
/// list them), so the write permissions cannot be probed without writing,
/// and are not. See research/docspace-probes.md.
pub(crate) const DOCSPACE_AUTO: AutoTable = &[
    ("files:read", "/api/2.0/files/@privacy/available"),
    ("rooms:read", "/api/2.0/files/rooms?count=1"),
    ("accounts:read", "/api/2.0/people?count=1"),
    ("accounts.self:read", "/api/2.0/people/@self"),
];

/// Plans a token's probes. `auto` is the table of `probes: auto`, for the
/// provider that has one.
pub(super) fn plan_probes(
    provider: Provider,
    raw: &Spanned<RawProbes>,
    auto: Option<AutoTable>,
    base: Option<&Template>,
    errors: &mut Vec<SpecError>,
) -> Vec<Probe> {
    let at = Pos::of(raw);
    if !provider.takes_probes() {
        errors.push(SpecError::at(
            at,
            format!(
                "provider `{}` takes no probes: its address is not the API the token is used \
                 with, or the token does not travel in a header as it is",
                provider.name()
            ),
            Some(&format!(
                "probes work with {}; for another API, write a second spec with `provider: \
                 probes`",
                Provider::names_where(Provider::takes_probes)
            )),
        ));
        return Vec::new();
    }
    let list = match &raw.value {
        RawProbes::Word(word) if word == "auto" => {
            let Some(table) = auto else {
                errors.push(SpecError::at(
                    at,
                    format!(
                        "`probes: auto` needs a table of probes per permission, and provider \
                         `{}` has none",
                        provider.name()
                    ),
                    Some("`auto` works with docspace; list the probes here instead"),
                ));
                return Vec::new();
            };
            if let Some((part, _)) = table.iter().find_map(|(_, path)| doubled(base, path)) {
                errors.push(SpecError::at(
                    at,
                    format!(
                        "`probes: auto` asks paths that start with `{part}`, which `base_url` \
                         already ends in: each would go to `{part}{part}/...`"
                    ),
                    Some(&format!(
                        "write `base_url` without `{part}` (the server's own address: permspec \
                         appends it)"
                    )),
                ));
                return Vec::new();
            }
            return table
                .iter()
                .map(|(permission, path)| Probe {
                    method: ProbeMethod::Get,
                    path: Template::literal(path),
                    expect: ProbeExpect::Reported(permission),
                    unsafe_reason: None,
                    body: None,
                    allowed_statuses: Vec::new(),
                    line: at.line,
                })
                .collect();
        }
        RawProbes::Word(word) => {
            errors.push(SpecError::at(
                at,
                format!(
                    "`probes: {}` is neither a list of probes nor `auto`",
                    crate::escape::text(word)
                ),
                Some("write a list: `- { get: /path, expect: allowed }`"),
            ));
            return Vec::new();
        }
        RawProbes::List(list) => list,
    };
    if list.is_empty() {
        errors.push(SpecError::at(
            at,
            "`probes: []` asks nothing, so it can never fail",
            Some("list the requests the token must be allowed or denied, or remove the key"),
        ));
        return Vec::new();
    }
    let mut seen: HashSet<(ProbeMethod, String, Option<String>)> = HashSet::new();
    let mut out = Vec::with_capacity(list.len());
    for item in list {
        if let Some(probe) = plan_probe(item, errors) {
            if let Some((part, to)) = doubled(base, &probe.path.written()) {
                errors.push(SpecError::at(
                    Pos::of(item),
                    format!(
                        "the probe `{}` would go to `{}`: `base_url` already ends in `{part}`, \
                         and the probe's path starts with it",
                        crate::escape::text(&probe.shown()),
                        crate::escape::text(&to)
                    ),
                    Some(&format!(
                        "write the probe's path without `{part}` (it is appended to \
                         `base_url`), or `base_url` without `{part}`: a refusal from the \
                         address written twice would say nothing of the token"
                    )),
                ));
                continue;
            }
            let key = (probe.method, probe.path.written(), probe.body.clone());
            if !seen.insert(key) {
                errors.push(SpecError::at(
                    Pos::of(item),
                    format!("the probe `{}` is written twice", probe.shown()),
                    Some("remove the second one"),
                ));
                continue;
            }
            out.push(probe);
        }
    }
    out
}

fn plan_probe(item: &Spanned<RawProbe>, errors: &mut Vec<SpecError>) -> Option<Probe> {
    let raw = &item.value;
    let at = Pos::of(item);
    let written: Vec<(ProbeMethod, &Spanned<String>)> = ProbeMethod::ALL
        .into_iter()
        .filter_map(|m| {
            let value = match m {
                ProbeMethod::Get => &raw.get,
                ProbeMethod::Head => &raw.head,
                ProbeMethod::Options => &raw.options,
                ProbeMethod::Post => &raw.post,
                ProbeMethod::Put => &raw.put,
                ProbeMethod::Patch => &raw.patch,
                ProbeMethod::Delete => &raw.delete,
            };
            value.as_ref().map(|v| (m, v))
        })
        .collect();
    let (method, path) = match written.as_slice() {
        [one] => *one,
        [] => {
            errors.push(SpecError::at(
                at,
                "the probe names no request",
                Some("write one of get, head, options (or post, put, patch, delete with `unsafe:`) and the path: `{ get: /path, expect: allowed }`"),
            ));
            return None;
        }
        [_, second, ..] => {
            errors.push(SpecError::at(
                Pos::of(second.1),
                "a probe is one request: it names two methods",
                Some("write each request as its own probe"),
            ));
            return None;
        }
    };
    let before = errors.len();
    let template = match check_path(&path.value).and_then(|()| Template::parse(&path.value)) {
        Ok(t) => Some(t),
        Err(why) => {
            errors.push(SpecError::at(
                Pos::of(path),
                why,
                Some("write the path under `base_url`, starting with one `/`: `/repos/acme/app`"),
            ));
            None
        }
    };
    let expect = match raw.expect.as_ref() {
        None => {
            errors.push(SpecError::at(
                at,
                "the probe has no `expect`",
                Some("add `expect: allowed` or `expect: denied`"),
            ));
            None
        }
        Some(e) => match e.value.as_str() {
            "allowed" => Some(ProbeExpect::Allowed),
            "denied" => Some(ProbeExpect::Denied),
            other => {
                let hint = match crate::suggest::did_you_mean(other, ["allowed", "denied"]) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => "write `allowed` or `denied`".to_owned(),
                };
                errors.push(SpecError::at(
                    Pos::of(e),
                    format!(
                        "`expect: {}` is not a probe outcome",
                        crate::escape::text(other)
                    ),
                    Some(&hint),
                ));
                None
            }
        },
    };
    let unsafe_reason = match (&raw.unsafe_reason, method.is_safe()) {
        (None, true) => None,
        (None, false) => {
            errors.push(SpecError::at(
                Pos::of(path),
                format!(
                    "`{}` can change something: a probe with it needs `unsafe:` saying why this \
                     one cannot",
                    method.key()
                ),
                Some("add `unsafe: \"...\"` (e.g. a deliberately invalid payload: see README.md, \"Probes\"), or probe with a GET"),
            ));
            None
        }
        (Some(u), true) => {
            errors.push(SpecError::at(
                Pos::of(u),
                format!(
                    "`{}` is safe: `unsafe:` has nothing to justify",
                    method.key()
                ),
                Some("remove `unsafe:`"),
            ));
            None
        }
        (Some(u), false) if u.value.trim().is_empty() => {
            errors.push(SpecError::at(
                Pos::of(u),
                "`unsafe:` is empty",
                Some("say why this request cannot change anything"),
            ));
            None
        }
        (Some(u), false) => Some(u.value.clone()),
    };
    let body = match (&raw.body, method.is_safe()) {
        (None, _) => None,
        (Some(b), true) => {
            errors.push(SpecError::at(
                Pos::of(b),
                format!("a `{}` probe sends no body", method.key()),
                Some("remove `body:`"),
            ));
            None
        }
        (Some(b), false) => match serde_json::from_str::<serde_json::Value>(&b.value) {
            Ok(_) => Some(b.value.clone()),
            Err(e) => {
                errors.push(SpecError::at(
                    Pos::of(b),
                    format!("`body` is not JSON: {e}"),
                    Some("write the JSON body as a string: `body: '{\"ref\": \"nope\"}'`"),
                ));
                None
            }
        },
    };
    let allowed_statuses = match (&raw.allowed_statuses, method.is_safe()) {
        (None, _) => Vec::new(),
        (Some(list), true) => {
            errors.push(SpecError::at(
                Pos::of(list),
                "`allowed_statuses` goes with an unsafe probe's deliberately invalid payload",
                Some("remove it: a safe probe is allowed by a 2xx"),
            ));
            Vec::new()
        }
        (Some(list), false) => {
            let mut out = Vec::new();
            if list.value.is_empty() {
                errors.push(SpecError::at(
                    Pos::of(list),
                    "`allowed_statuses: []` adds nothing",
                    Some("remove it, or list the statuses, e.g. [404, 422]"),
                ));
            }
            for status in &list.value {
                if !(400..500).contains(&status.value) || matches!(status.value, 401 | 403) {
                    errors.push(SpecError::at(
                        Pos::of(status),
                        format!(
                            "{} cannot mean \"authorized, only the payload refused\": list \
                             4xx statuses other than 401 and 403",
                            status.value
                        ),
                        Some("e.g. [404, 422]"),
                    ));
                } else if out.contains(&status.value) {
                    errors.push(SpecError::at(
                        Pos::of(status),
                        format!("{} is listed twice", status.value),
                        Some("remove the second one"),
                    ));
                } else {
                    out.push(status.value);
                }
            }
            out
        }
    };
    if errors.len() != before {
        return None;
    }
    Some(Probe {
        method,
        path: template?,
        expect: expect?,
        unsafe_reason,
        body,
        allowed_statuses,
        line: at.line,
    })
}

/// Where the path permspec appends starts by repeating the end of
/// `base_url`'s own path (`https://vault.example.com/v1` + `/v1/auth/...`):
/// the part written twice. `url` is `base` with the provider's path (or a
/// probe's) appended. Here, in the plan, because a probe's path that
/// doubles a literal `base_url` is a spec error; `fetch` asks it again of
/// the resolved address.
pub(crate) fn doubled_path(base: &str, url: &str) -> Option<String> {
    let appended = url.strip_prefix(base.trim_end_matches('/'))?;
    let after_host = base
        .split_once("://")
        .map_or(base, |(_, rest)| rest)
        .trim_end_matches('/');
    let path = after_host.find('/').map_or("", |i| &after_host[i..]);
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    // The longest tail of the base's path that the appended path starts with.
    (0..segments.len()).find_map(|from| {
        let tail = format!("/{}", segments[from..].join("/"));
        appended
            .strip_prefix(&tail)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/') || rest.starts_with('?'))
            .then_some(tail)
    })
}

/// The part a literal `base_url` already ends in that `path` starts with
/// again, and the path the request would go to.
fn doubled(base: Option<&Template>, path: &str) -> Option<(String, String)> {
    let base = base?.as_literal()?;
    let url = format!("{}{path}", base.trim_end_matches('/'));
    let part = doubled_path(base, &url)?;
    let to = url
        .split_once("://")
        .and_then(|(_, rest)| rest.find('/').map(|i| rest[i..].to_owned()))
        .unwrap_or_default();
    Some((part, to))
}

/// A probe's path must stay under `base_url`: the credential goes with it.
fn check_path(path: &str) -> Result<(), String> {
    let shown = crate::escape::text(path);
    if !path.starts_with('/') {
        return Err(format!(
            "`{shown}` is not a path under `base_url`: a probe's path starts with `/` (the \
             credential never goes to another address)"
        ));
    }
    if path.starts_with("//") {
        return Err(format!(
            "`{shown}` starts with `//`, which names another host: the credential would go there"
        ));
    }
    if let Some(c) = path
        .chars()
        .find(|c| c.is_whitespace() || c.is_control() || matches!(c, '\\' | '#'))
    {
        return Err(format!(
            "`{shown}` holds {}: write it as the URL sends it (percent-encoded)",
            match c {
                '\\' => "a backslash".to_owned(),
                '#' => "a fragment (`#`), which is never sent".to_owned(),
                _ => "a space or a control character".to_owned(),
            }
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 39: a probe's path that repeats the end of a literal
    /// `base_url` would ask another address; a refusal there says nothing
    /// of the token, so the spec is refused. A variable's value is checked
    /// when it is known (`fetch`).
    #[test]
    fn a_probe_path_that_repeats_the_base_url_is_refused() {
        let base = Template::literal("https://gitlab.example.com/api/v4/");
        assert_eq!(
            doubled(Some(&base), "/api/v4/projects/1"),
            Some(("/api/v4".to_owned(), "/api/v4/api/v4/projects/1".to_owned()))
        );
        assert_eq!(doubled(Some(&base), "/projects/1"), None);
        assert_eq!(doubled(Some(&base), "/api/v40/x"), None);
        let var = Template::parse("${GITLAB}/api/v4").unwrap();
        assert_eq!(doubled(Some(&var), "/api/v4/projects/1"), None);
        assert_eq!(doubled(None, "/api/v4/projects/1"), None);
    }

    #[test]
    fn a_path_must_stay_under_the_base_url() {
        assert!(check_path("/repos/acme/app").is_ok());
        assert!(check_path("/api/2.0/files/file/${ID}").is_ok());
        for bad in [
            "repos/acme",
            "https://evil.example/x",
            "//evil.example/x",
            "/a b",
            "/a\\b",
            "/a#b",
            "/a\nb",
            "",
        ] {
            assert!(check_path(bad).is_err(), "{bad:?} passed");
        }
    }
}
