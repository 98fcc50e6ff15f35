//! One token's entry: its name, its credential and its expectations.

use super::{Credential, Exception, Expectations, SecretSource};
use crate::privilege::{Family, coveo, overlap};
use crate::provider::Provider;
use crate::spec::{Pos, RawCredential, RawExpect, RawPrivilege, RawSource, RawToken, SpecError};
use crate::suggest::did_you_mean;
use serde_saphyr::Spanned;
use std::path::PathBuf;

/// Token names become test names and fixture file names.
pub(crate) fn valid_token_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && !name.starts_with('.')
}

pub(super) fn check_token_name(name: &Spanned<String>) -> Result<(), Vec<SpecError>> {
    if valid_token_name(&name.value) {
        return Ok(());
    }
    Err(vec![SpecError::at(
        Pos::of(name),
        format!("`{}` is not a valid token name", name.value),
        Some("use letters, digits, '-', '_' and '.' (it names the test and the fixture file)"),
    )])
}

pub(super) fn plan_token(
    provider: Provider,
    family: &dyn Family,
    at: Pos,
    token: &RawToken,
) -> Result<(Credential, Expectations), Vec<SpecError>> {
    let mut errors = Vec::new();
    let credential = match &token.credential {
        None => {
            errors.push(SpecError::at(
                at,
                "the token has no `credential`",
                Some("add `credential: { env: VARIABLE_THAT_HOLDS_THE_KEY }`"),
            ));
            None
        }
        Some(c) => match plan_credential(provider, c) {
            // Coveo inspects the token itself: it travels in the query string.
            Ok(cred) if provider.is_coveo() && !matches!(cred, Credential::Bearer(_)) => {
                errors.push(SpecError::at(
                    Pos::of(c),
                    "Coveo inspects an access token: the credential must be `{ env: NAME }` or `{ file: PATH }`",
                    Some("put a different calling credential under `caller:` at the top of the file"),
                ));
                None
            }
            result => result.map_err(|e| errors.push(e)).ok(),
        },
    };
    let expect = match &token.expect {
        None => {
            errors.push(SpecError::at(
                at,
                "the token has no `expect`",
                Some("add `expect:` with one or more of exactly, at_least, at_most, forbidden"),
            ));
            None
        }
        Some(e) => plan_expect(provider, family, e, &mut errors),
    };
    match (credential, expect) {
        (Some(c), Some(e)) if errors.is_empty() => Ok((c, e)),
        _ => Err(errors),
    }
}

const SCHEMES: &[&str] = &["bearer", "raw", "basic", "login"];

pub(super) fn plan_credential(
    provider: Provider,
    c: &Spanned<RawCredential>,
) -> Result<Credential, SpecError> {
    let raw = &c.value;
    let scheme = raw.scheme.as_ref().map_or("bearer", |s| s.value.as_str());
    let at = raw.scheme.as_ref().map_or(Pos::of(c), Pos::of);
    match scheme {
        "bearer" | "raw" => {
            if let Some(extra) = raw.username.as_ref().or(raw.password.as_ref()) {
                return Err(SpecError::at(
                    Pos::of(extra),
                    format!(
                        "`username` and `password` go with `scheme: basic` or `scheme: login`, not `{scheme}`"
                    ),
                    Some(
                        "for a key or token write `{ env: NAME }`; for a user write `scheme: basic`",
                    ),
                ));
            }
            let source = plan_source(Pos::of(c), &raw.env, &raw.file, "credential")?;
            Ok(if scheme == "raw" {
                Credential::Raw(source)
            } else {
                Credential::Bearer(source)
            })
        }
        "basic" | "login" => {
            if let Some(extra) = raw.env.as_ref().or(raw.file.as_ref()) {
                return Err(SpecError::at(
                    Pos::of(extra),
                    format!(
                        "`scheme: {scheme}` takes `username` and `password`, not `env` or `file`"
                    ),
                    Some("write `username: { env: USER_VAR }, password: { env: PASSWORD_VAR }`"),
                ));
            }
            let part = |field: &Option<Spanned<RawSource>>, name: &str| {
                let f = field.as_ref().ok_or_else(|| {
                    SpecError::at(
                        Pos::of(c),
                        format!("`scheme: {scheme}` needs `{name}`"),
                        Some(&format!("add `{name}: {{ env: VARIABLE }}`")),
                    )
                })?;
                plan_source(Pos::of(f), &f.value.env, &f.value.file, name)
            };
            let (username, password) = (
                part(&raw.username, "username")?,
                part(&raw.password, "password")?,
            );
            if scheme == "login" && provider.login_url("").is_none() {
                return Err(SpecError::at(
                    at,
                    format!(
                        "`scheme: login` is DocSpace's sign-in; provider `{}` does not have it",
                        provider.name()
                    ),
                    Some("use `scheme: basic`, or a token with `{ env: NAME }`"),
                ));
            }
            Ok(if scheme == "basic" {
                Credential::Basic { username, password }
            } else {
                Credential::Login { username, password }
            })
        }
        other => {
            let hint = match did_you_mean(other, SCHEMES.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("the schemes are {}", SCHEMES.join(", ")),
            };
            Err(SpecError::at(
                at,
                format!("unknown credential scheme `{other}`"),
                Some(&hint),
            ))
        }
    }
}

/// `{ env: NAME }` or `{ file: PATH }`, exactly one of them.
pub(super) fn plan_source(
    at: Pos,
    env: &Option<Spanned<String>>,
    file: &Option<Spanned<String>>,
    what: &str,
) -> Result<SecretSource, SpecError> {
    match (env, file) {
        (Some(env), None) => {
            let valid = !env.value.is_empty()
                && env
                    .value
                    .chars()
                    .all(|ch| ch.is_ascii_alphanumeric() || ch == '_')
                && !env.value.starts_with(|ch: char| ch.is_ascii_digit());
            if valid {
                Ok(SecretSource::Env(env.value.clone()))
            } else {
                Err(SpecError::at(
                    Pos::of(env),
                    "`env` must name an environment variable (letters, digits and '_')",
                    Some("write the variable's name, never the secret: `{ env: DOCSPACE_KEY }`"),
                ))
            }
        }
        (None, Some(file)) if !file.value.is_empty() => {
            Ok(SecretSource::File(PathBuf::from(&file.value)))
        }
        (Some(_), Some(_)) => Err(SpecError::at(
            at,
            format!("`{what}` has both `env` and `file`"),
            Some("keep one: `{ env: NAME }` or `{ file: PATH }`"),
        )),
        _ => Err(SpecError::at(
            at,
            format!("`{what}` says neither where the secret comes from"),
            Some("write `{ env: NAME }` or `{ file: PATH }`"),
        )),
    }
}

/// One list entry as a canonical privilege string, checked by the
/// provider's family, with its exception if it is written as one.
fn privilege(
    provider: Provider,
    family: &dyn Family,
    rule: &str,
    item: &Spanned<RawPrivilege>,
) -> Result<(String, Option<Exception>), SpecError> {
    let at = Pos::of(item);
    let (name, exception) = match &item.value {
        RawPrivilege::Name(n) => (n.clone(), None),
        RawPrivilege::Map(m) if m.privilege.is_some() => {
            if m.owner.is_some()
                || m.target_domain.is_some()
                || m.kind.is_some()
                || m.target_id.is_some()
            {
                return Err(SpecError::at(
                    at,
                    "an exception names its privilege as a string: `privilege: PLATFORM:SOURCE:EDIT`",
                    Some("drop owner/targetDomain/type/targetId from the exception"),
                ));
            }
            if !matches!(rule, "at_most" | "exactly") {
                return Err(SpecError::at(
                    at,
                    format!("exceptions belong in `at_most` or `exactly`, not `{rule}`"),
                    Some(
                        "an exception allows a privilege beyond the ceiling; it cannot require or forbid one",
                    ),
                ));
            }
            let name = m.privilege.clone().unwrap_or_default();
            let reason = m
                .reason
                .clone()
                .filter(|r| !r.trim().is_empty())
                .ok_or_else(|| {
                    SpecError::at(
                        at,
                        format!("the exception for `{name}` has no `reason`"),
                        Some("say why it is allowed"),
                    )
                })?;
            let written = m.review_by.as_deref().ok_or_else(|| {
                SpecError::at(
                    at,
                    format!("the exception for `{name}` has no `review_by`"),
                    Some("add `review_by: YYYY-MM-DD`, the day it must be looked at again"),
                )
            })?;
            let review_by = crate::time::parse_date(written).ok_or_else(|| {
                SpecError::at(
                    at,
                    format!("`review_by: {written}` is not a date"),
                    Some("write it as YYYY-MM-DD"),
                )
            })?;
            let exception = Exception {
                privilege: name.clone(),
                reason,
                ticket: m.ticket.clone(),
                review_by,
            };
            (name, Some(exception))
        }
        RawPrivilege::Map(m)
            if m.reason.is_some() || m.ticket.is_some() || m.review_by.is_some() =>
        {
            return Err(SpecError::at(
                at,
                "an exception needs `privilege`",
                Some(
                    "write `{ privilege: files:write, reason: ..., ticket: ..., review_by: YYYY-MM-DD }`",
                ),
            ));
        }
        RawPrivilege::Map(m) if provider.is_coveo() => {
            let (Some(owner), Some(domain)) = (&m.owner, &m.target_domain) else {
                return Err(SpecError::at(
                    at,
                    "a Coveo privilege mapping needs `owner` and `targetDomain`",
                    Some(
                        "write `{ owner: PLATFORM, targetDomain: SOURCE, type: EDIT }`, or `PLATFORM:SOURCE:EDIT`",
                    ),
                ));
            };
            (
                coveo::canonical(owner, domain, m.kind.as_deref(), m.target_id.as_deref()),
                None,
            )
        }
        RawPrivilege::Map(_) => {
            return Err(SpecError::at(
                at,
                format!(
                    "a mapping is Coveo's way to write a privilege; provider `{}` takes names",
                    provider.name()
                ),
                Some("write the privilege as a string, such as `files:read`"),
            ));
        }
    };
    family
        .validate(&name)
        .map_err(|message| SpecError::at(at, message, None))?;
    Ok((name, exception))
}

fn plan_expect(
    provider: Provider,
    family: &dyn Family,
    e: &Spanned<RawExpect>,
    errors: &mut Vec<SpecError>,
) -> Option<Expectations> {
    let before = errors.len();
    let mut exceptions = Vec::new();
    let mut list = |rule: &str,
                    items: &Option<Vec<Spanned<RawPrivilege>>>|
     -> Option<Vec<(String, Pos)>> {
        let items = items.as_ref()?;
        let mut out: Vec<(String, Pos)> = Vec::with_capacity(items.len());
        for item in items {
            match privilege(provider, family, rule, item) {
                Err(e) => errors.push(e),
                Ok((name, _)) if out.iter().any(|(n, _)| *n == name) => errors.push(SpecError::at(
                    Pos::of(item),
                    format!("`{name}` is listed twice"),
                    Some("remove the second one"),
                )),
                Ok((name, exception)) => {
                    exceptions.extend(exception);
                    out.push((name, Pos::of(item)));
                }
            }
        }
        Some(out)
    };
    let raw = &e.value;
    let (exactly, at_least) = (
        list("exactly", &raw.exactly),
        list("at_least", &raw.at_least),
    );
    let (at_most, forbidden) = (
        list("at_most", &raw.at_most),
        list("forbidden", &raw.forbidden),
    );
    let names = |l: &Option<Vec<(String, Pos)>>| {
        l.as_ref()
            .map(|v| v.iter().map(|(n, _)| n.clone()).collect())
    };
    let expect = Expectations {
        exactly: names(&exactly),
        at_least: names(&at_least),
        at_most: names(&at_most),
        forbidden: names(&forbidden),
        active: raw.active.as_ref().map(|a| a.value),
        expires_within: match &raw.expires_within {
            None => None,
            Some(w) => match crate::time::parse_duration(&w.value) {
                Ok(secs) if provider.reports_expiry() => Some(secs),
                Ok(_) => {
                    errors.push(SpecError::at(
                        Pos::of(w),
                        format!("provider `{}` cannot tell when a token expires", provider.name()),
                        Some("`expires_within` works with docspace (API keys), oauth2-introspection and jwt"),
                    ));
                    None
                }
                Err(why) => {
                    errors.push(SpecError::at(Pos::of(w), why, None));
                    None
                }
            },
        },
        exceptions,
    };
    if let Some(active) = raw.active.as_ref().filter(|_| !provider.reports_active()) {
        errors.push(SpecError::at(
            Pos::of(active),
            format!(
                "provider `{}` cannot tell whether a token is active",
                provider.name()
            ),
            Some("`active` works with docspace (API keys) and oauth2-introspection"),
        ));
    }
    if expect == Expectations::default() {
        errors.push(SpecError::at(
            Pos::of(e),
            "`expect` holds no rule",
            Some("add one or more of exactly, at_least, at_most, forbidden, active"),
        ));
    }
    // A spec that no grant can satisfy is a spec error, not a finding.
    let required = exactly.iter().chain(&at_least).flatten();
    for (need, at) in required {
        for ban in expect.forbidden.iter().flatten() {
            if overlap(family, need, ban).is_some() {
                errors.push(SpecError::at(
                    *at,
                    format!("`{need}` is required here but forbidden by `{ban}`"),
                    Some("no grant can pass both rules; remove one of them"),
                ));
            }
        }
    }
    (errors.len() == before).then_some(expect)
}
