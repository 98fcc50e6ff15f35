//! A token's `expect:` rules: each entry checked against its family (or
//! the spec's `vocabulary`), rules that could never pass or never fail
//! refused, and where each is written kept for the reports.

use super::header::Header;
use super::{Exception, Expectations, Provider};
use crate::privilege::index::Index;
use crate::privilege::{Family, allows_everything, coveo};
use crate::spec::{Pos, RawExpect, RawPrivilege, Spanned, SpecError};
use std::collections::HashSet;

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
pub(super) struct Spots {
    pub(super) keep: bool,
    pub(super) list: Vec<(u8, Pos)>,
}

impl Spots {
    fn push(&mut self, tag: u8, at: Pos) {
        if self.keep {
            self.list.push((tag, at));
        }
    }
}

pub(super) fn plan_expect(
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
