//! One token's entry: its name, its credential and its expectations.

use super::header::Header;
use super::{Credential, Exception, Expectations, Provider, SecretSource};
use crate::privilege::index::Index;
use crate::privilege::{Family, allows_everything, coveo};
use crate::secret::looks_like_secret;
use crate::spec::{
    Pasted, Pos, RawCredential, RawExpect, RawPrivilege, RawSource, RawToken, Spanned, SpecError,
};
use crate::suggest::did_you_mean;
use std::collections::HashSet;
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
    let probes = token
        .probes
        .as_ref()
        .map(|p| super::probes::plan_probes(provider, p, provider.auto_probes(), &mut errors));
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
    if let (Some(p), Some(c)) = (&token.probes, &token.credential)
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

/// One list entry as a canonical privilege string, checked by the
/// provider's family, with its exception if it is written as one.
fn privilege(
    header: &Header,
    rule: &str,
    item: &Spanned<RawPrivilege>,
) -> Result<(String, Option<Exception>), SpecError> {
    let (provider, family) = (header.provider, header.family);
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
            // An empty part is a mistake, never "no type" or "every
            // resource" (which is `*`, or no `targetId`).
            for (field, value) in [
                ("owner", Some(owner)),
                ("targetDomain", Some(domain)),
                ("type", m.kind.as_ref()),
                ("targetId", m.target_id.as_ref()),
            ] {
                if value.is_some_and(|v| v.trim().is_empty()) {
                    return Err(SpecError::at(
                        at,
                        format!("`{field}` is empty"),
                        Some(match field {
                            "targetId" => {
                                "write `*` for every resource (or leave `targetId` out), or the resource's id"
                            }
                            "type" => "write the type (VIEW, EDIT, CREATE...), or leave `type` out",
                            _ => {
                                "write it in upper case, as Coveo does: `{ owner: PLATFORM, targetDomain: SOURCE, type: EDIT }`"
                            }
                        }),
                    ));
                }
            }
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
    super::header::name_shape(&name, header.splits_names()).map_err(|message| {
        SpecError::at(
            at,
            message,
            Some("write the privilege exactly as the API reports it"),
        )
    })?;
    // A declared vocabulary closes an open family: the entry must be one
    // of its names, or a glob that matches one.
    let checked = match &header.vocabulary {
        Some(names) => {
            crate::privilege::check_listed(&name, names, "name in this spec's `vocabulary`")
        }
        None => family.validate(&name, &header.extra),
    };
    checked
        .and_then(|()| super::listed::check_entry(&header.api, &name))
        .map_err(|message| SpecError::at(at, message, None))?;
    let name = family.normalize(&name).into_owned();
    let exception = exception.map(|e| Exception {
        privilege: name.clone(),
        ..e
    });
    Ok((name, exception))
}

/// Where a token's rule keys and entries are written, when planning keeps
/// them ([`super::SpecFile::locate`]).
struct Spots {
    keep: bool,
    list: Vec<(u8, Pos)>,
}

impl Spots {
    fn push(&mut self, tag: u8, at: Pos) {
        if self.keep {
            self.list.push((tag, at));
        }
    }
}

fn plan_expect(
    header: &Header,
    e: &Spanned<RawExpect>,
    errors: &mut Vec<SpecError>,
    spots: &mut Spots,
) -> Option<Expectations> {
    let (provider, family) = (header.provider, header.family);
    let before = errors.len();
    let mut exceptions = Vec::new();
    let mut list = |rule: &'static str,
                    items: &Option<Spanned<Vec<Spanned<RawPrivilege>>>>|
     -> Option<(Vec<String>, Vec<Pos>)> {
        let written = items.as_ref()?;
        let tag = super::Places::tag(rule);
        spots.push(tag, Pos::of(written));
        let items = &written.value;
        let (mut names, mut places) = (
            Vec::with_capacity(items.len()),
            Vec::with_capacity(items.len()),
        );
        // The names so far, searched as `privilege::SHORT_LIST` says.
        let mut seen: HashSet<String> = HashSet::new();
        let long = items.len() > crate::privilege::SHORT_LIST;
        for item in items {
            let (name, exception) = match privilege(header, rule, item) {
                Ok(p) => p,
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            };
            let twice = match long {
                true => !seen.insert(name.clone()),
                false => names.contains(&name),
            };
            if twice {
                errors.push(SpecError::at(
                    Pos::of(item),
                    format!("`{name}` is listed twice"),
                    Some("remove the second one"),
                ));
                continue;
            }
            exceptions.extend(exception);
            spots.push(tag + super::Places::ENTRY, Pos::of(item));
            places.push(Pos::of(item));
            names.push(name);
        }
        Some((names, places))
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
    if let Some(a) = &raw.active {
        spots.push(super::Places::tag("active"), Pos::of(a));
    }
    if let Some(w) = &raw.expires_within {
        spots.push(super::Places::tag("expires_within"), Pos::of(w));
    }
    // The names go to the expectations; where the required ones are
    // written stays here, for the check against `forbidden` below.
    let (exactly, exactly_at) = exactly.unzip();
    let (at_least, at_least_at) = at_least.unzip();
    let expect = Expectations {
        exactly,
        at_least,
        at_most: at_most.map(|(names, _)| names),
        forbidden: forbidden.map(|(names, _)| names),
        active: raw.active.as_ref().map(|a| a.value),
        expires_within: match &raw.expires_within {
            None => None,
            Some(w) => match crate::time::parse_duration(&w.value) {
                Ok(secs) if provider.reports_expiry() => Some(secs),
                Ok(_) => {
                    errors.push(SpecError::at(
                        Pos::of(w),
                        format!(
                            "provider `{}` cannot tell when a token expires",
                            provider.name()
                        ),
                        Some(&format!(
                            "`expires_within` works with {}",
                            Provider::names_where(Provider::reports_expiry)
                        )),
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
        probes: Vec::new(),
        denied_statuses: Vec::new(),
        refused_when: None,
        vocabulary: header.vocabulary.is_some(),
    };
    if let Some(active) = raw.active.as_ref().filter(|_| !provider.reports_active()) {
        errors.push(SpecError::at(
            Pos::of(active),
            format!(
                "provider `{}` cannot tell whether a token is active",
                provider.name()
            ),
            Some(&format!(
                "`active` works with {}",
                Provider::names_where(Provider::reports_active)
            )),
        ));
    }
    // A revoked token holds nothing: a rule about what it holds could only
    // ever be skipped, so it is an error next to `active: false`.
    if let Some(active) = raw.active.as_ref().filter(|a| !a.value) {
        let others: Vec<&str> = [
            ("exactly", raw.exactly.is_some()),
            ("at_least", raw.at_least.is_some()),
            ("at_most", raw.at_most.is_some()),
            ("forbidden", raw.forbidden.is_some()),
            ("expires_within", raw.expires_within.is_some()),
        ]
        .into_iter()
        .filter_map(|(rule, written)| written.then_some(rule))
        .collect();
        if !others.is_empty() {
            errors.push(SpecError::at(
                Pos::of(active),
                format!(
                    "`active: false` says the token is revoked, so {} next to it could never be \
                     checked",
                    others.join(", ")
                ),
                Some("keep `active: false` alone, or remove it to check what the token holds"),
            ));
        }
    }
    if expect == Expectations::default() {
        errors.push(SpecError::at(
            Pos::of(e),
            "`expect` holds no rule",
            Some("add one or more of exactly, at_least, at_most, forbidden, active"),
        ));
    }
    check_nothing(family, raw, &expect, errors);
    // A spec that no grant can satisfy is a spec error, not a finding.
    if let Some(banned) = &expect.forbidden {
        let index = Index::new(banned, family.split(), |f| family.names(f));
        let required = (expect.exactly.iter().flatten()).zip(exactly_at.iter().flatten());
        let required =
            required.chain((expect.at_least.iter().flatten()).zip(at_least_at.iter().flatten()));
        for (need, at) in required {
            for i in index.hits(family, need).into_keys() {
                // Through what the vendor says it may lead to, not what it
                // names: say so, or the conflict reads as a mistake.
                let surely = crate::privilege::surely_overlap(family, need, &banned[i]);
                let why = if surely {
                    format!("`{need}` is required here but forbidden by `{}`", banned[i])
                } else {
                    format!(
                        "`{need}` is required here, and the vendor documents that it may lead \
                         to what `{}` forbids (docs/inclusions/), so no grant can pass both",
                        banned[i]
                    )
                };
                errors.push(SpecError::at(
                    *at,
                    why,
                    Some(if surely {
                        "no grant can pass both rules; remove one of them"
                    } else {
                        "narrow the forbidden entry to what the required one cannot reach (another \
                         namespace, another path), or drop one of them"
                    }),
                ));
            }
        }
    }
    (errors.len() == before).then_some(expect)
}

/// A rule that no grant could fail is a spec error (issue 10, item 4):
/// it reads as a check and checks nothing. `at_most: []` and `exactly: []`
/// do check something: nothing may be granted.
fn check_nothing(
    family: &dyn Family,
    raw: &RawExpect,
    expect: &Expectations,
    errors: &mut Vec<SpecError>,
) {
    let at = |items: &Option<Spanned<Vec<Spanned<RawPrivilege>>>>| {
        items.as_ref().map(Pos::of).unwrap_or_default()
    };
    // Written empty, not emptied by entries that were errors.
    let empty = |items: &Option<Spanned<Vec<Spanned<RawPrivilege>>>>| {
        items.as_ref().is_some_and(|l| l.value.is_empty())
    };
    if empty(&raw.forbidden) {
        errors.push(SpecError::at(
            at(&raw.forbidden),
            "`forbidden: []` forbids nothing, so it can never fail",
            Some("list what the token must never hold, or remove the rule"),
        ));
    }
    if empty(&raw.at_least) {
        errors.push(SpecError::at(
            at(&raw.at_least),
            "`at_least: []` requires nothing, so it can never fail",
            Some("list what the token must hold, or remove the rule"),
        ));
    }
    if let Some(ceiling) = expect.at_most.as_ref().filter(|c| !c.is_empty())
        && allows_everything(family, ceiling)
    {
        errors.push(SpecError::at(
            at(&raw.at_most),
            format!(
                "[{}] allows every privilege: `at_most` checks nothing",
                ceiling.join(", ")
            ),
            Some("narrow the ceiling to what the token needs, or remove the rule"),
        ));
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
