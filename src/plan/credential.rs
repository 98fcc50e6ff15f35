//! A token's `credential:` (and a spec's `caller:` and `client:`): where
//! each secret comes from, never the secret, and a value pasted in its
//! place refused without being shown.

use super::{Credential, Provider, SecretSource};
use crate::secret::looks_like_secret;
use crate::spec::{Pasted, Pos, RawCredential, RawSource, Spanned, SpecError};
use crate::suggest::did_you_mean;
use std::path::PathBuf;

const SCHEMES: &[&str] = &["bearer", "raw", "basic", "login"];

/// The error for a value written where a secret's source belongs. It never
/// quotes the value (issue 10, item 11).
fn pasted(at: Pos, what: &str, p: &Pasted) -> SpecError {
    let hint = match &p.variable {
        Some(var) => format!("did you mean `{{ env: {var} }}`?"),
        None => "write `{ env: NAME }` (or `{ file: PATH }`) and put the value in that variable"
            .to_owned(),
    };
    let message = if p.looks_secret {
        format!(
            "`{what}` must say where the secret comes from, not hold it: the value looks like a \
             secret, and it is now in this file (and perhaps its history), so rotate it"
        )
    } else {
        format!(
            "`{what}` must say where the secret comes from: `{{ env: NAME }}` or `{{ file: PATH }}`"
        )
    };
    SpecError::at(at, message, Some(&hint))
}

pub(super) fn plan_credential(
    provider: Provider,
    what: &str,
    c: &Spanned<RawCredential>,
) -> Result<Credential, SpecError> {
    let raw = match &c.value {
        RawCredential::Source(m) => m,
        RawCredential::Pasted(p) => return Err(pasted(Pos::of(c), what, p)),
    };
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
            let source = source_of(Pos::of(c), &raw.env, &raw.file, what)?;
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
                plan_source(f, name)
            };
            let (username, password) = (
                part(&raw.username, "username")?,
                part(&raw.password, "password")?,
            );
            if scheme == "login" && !provider.has_login() {
                return Err(SpecError::at(
                    at,
                    format!(
                        "provider `{}` has no sign-in: `scheme: login` works with {}",
                        provider.name(),
                        Provider::names_where(Provider::has_login)
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

/// One secret's source (`username:`, `password:`, `client.id` ...).
pub(super) fn plan_source(s: &Spanned<RawSource>, what: &str) -> Result<SecretSource, SpecError> {
    match &s.value {
        RawSource::Source(m) => source_of(Pos::of(s), &m.env, &m.file, what),
        RawSource::Pasted(p) => Err(pasted(Pos::of(s), what, p)),
    }
}

/// `{ env: NAME }` or `{ file: PATH }`, exactly one of them, and neither a
/// secret itself.
fn source_of(
    at: Pos,
    env: &Option<Spanned<String>>,
    file: &Option<Spanned<String>>,
    what: &str,
) -> Result<SecretSource, SpecError> {
    let secret_in = |key: &str, value: &Spanned<String>| {
        SpecError::at(
            Pos::of(value),
            format!(
                "the value of `{key}` looks like a secret, not a variable's name: it is now in \
                 this file (and perhaps its history), so rotate it"
            ),
            Some(&format!(
                "`{key}` names where the secret is: `{{ env: DOCSPACE_KEY }}` with the secret in DOCSPACE_KEY"
            )),
        )
    };
    match (env, file) {
        (Some(env), None) if looks_like_secret(&env.value) => Err(secret_in("env", env)),
        (None, Some(file)) if looks_like_secret(&file.value) => Err(secret_in("file", file)),
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
                    Some(
                        "write the variable's name, never the secret: `{ env: DOCSPACE_KEY }`; \
                         if the value was a secret, it is now in this file, so rotate it",
                    ),
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
