//! Coveo privileges, written `OWNER:DOMAIN[:TYPE][@TARGET]` (API-FACTS.md,
//! "Coveo Platform"). A privilege without `@` is on every resource, on the
//! grant side and on the spec side alike: its atom is `BASE@*`, so
//! `forbidden: [PLATFORM:SOURCE:EDIT]` overlaps `PLATFORM:SOURCE:EDIT@src-1`
//! and `at_most: [PLATFORM:SOURCE:EDIT]` covers it. Globs work on the base
//! and the target separately: `*:EDIT` names `PLATFORM:SOURCE:EDIT@src-1`.
//!
//! An on/off privilege (`SEARCH_API:IMPERSONATE`) is one privilege however
//! it is written: the API sends it with `type: ENABLE` or with no type, and
//! a spec may write either. Its atom has no type; a glob that matches the
//! `:ENABLE` spelling names it too, so `*:ENABLE` and `*:IMPERSONATE` both
//! name `SEARCH_API:IMPERSONATE`.

use super::coveo_catalog::{DOMAINS, OWNERS, TYPES, names, types_of};
use super::{Family, Patterns, glob_matches};
use crate::suggest::did_you_mean;
use std::borrow::Cow;

pub(crate) struct Coveo;

pub(crate) static COVEO: Coveo = Coveo;

/// The canonical string of one privilege. `target` of `None` or `*` means
/// every resource and prints without `@`.
pub(crate) fn canonical(
    owner: &str,
    domain: &str,
    kind: Option<&str>,
    target: Option<&str>,
) -> String {
    let mut s = format!("{owner}:{domain}");
    if let Some(k) = kind.filter(|k| !k.is_empty()) {
        s.push(':');
        s.push_str(k);
    }
    if let Some(t) = target.filter(|t| !t.is_empty() && *t != "*") {
        s.push('@');
        s.push_str(t);
    }
    s
}

/// The name of a privilege as an answer reports it (`owner`,
/// `targetDomain`, `type`, target), or why it cannot be read: an on/off
/// privilege with a type other than `ENABLE`, or a privilege of a domain
/// that takes a type without one. Such a name would match no rule written
/// for the privilege, so it is an error, never a name (fail closed). A
/// domain the catalogue does not know (declared under `extra_privileges`)
/// with `type: ENABLE` is on/off too, and spelled without it.
pub(crate) fn grant_name(
    owner: &str,
    domain: &str,
    kind: Option<&str>,
    target: Option<&str>,
) -> Result<String, String> {
    match (types_of(owner, domain), kind) {
        (Some([]) | None, None | Some("ENABLE")) => Ok(canonical(owner, domain, None, target)),
        (Some([]), Some(kind)) => Err(format!(
            "{owner}:{domain} is on or off, and the answer gives it the type `{kind}`: \
             permspec cannot tell what that grants"
        )),
        (Some(types), None) => Err(format!(
            "{owner}:{domain} takes a type ({}), and the answer gives none: permspec cannot \
             tell which it grants",
            types.join(", ")
        )),
        _ => Ok(canonical(owner, domain, kind, target)),
    }
}

/// The one spelling of a literal base: an on/off privilege without its
/// `:ENABLE` (any domain the catalogue does not know to take types).
fn spelled(base: &str) -> &str {
    let Some(plain) = base.strip_suffix(":ENABLE") else {
        return base;
    };
    match plain.split_once(':') {
        Some((owner, domain))
            if !domain.contains(':')
                && !plain.contains('*')
                && types_of(owner, domain).is_none_or(<[&str]>::is_empty) =>
        {
            plain
        }
        _ => base,
    }
}

/// The catalogue's on/off privileges, `OWNER:DOMAIN` and with `:ENABLE`.
pub(crate) fn on_off() -> &'static [(String, String)] {
    static PAIRS: std::sync::OnceLock<Vec<(String, String)>> = std::sync::OnceLock::new();
    PAIRS.get_or_init(|| {
        DOMAINS
            .iter()
            .filter(|(_, _, types)| types.is_empty())
            .map(|(owner, domain, _)| {
                let plain = format!("{owner}:{domain}");
                let enable = format!("{plain}:ENABLE");
                (plain, enable)
            })
            .collect()
    })
}

/// The atoms of `p`, `BASE@TARGET` (`@*`: every resource), in the one
/// spelling of [`spelled`]. Two spellings stay visible to globs: a glob
/// also names each catalogue on/off privilege it matches only as
/// `X:ENABLE`, and an on/off privilege the catalogue does not know gives
/// (and names) both `X` and `X:ENABLE`, so `*:ENABLE` and `*:X`-style
/// globs meet it either way.
fn atoms(p: &str) -> Patterns<'_> {
    let (b, target) = p.split_once('@').unwrap_or((p, "*"));
    if b.contains('*') {
        let mut out = vec![Cow::Owned(format!("{b}@{target}"))];
        for (plain, enable) in on_off() {
            if glob_matches(b, enable) && !glob_matches(b, plain) {
                out.push(Cow::Owned(format!("{plain}@{target}")));
            }
        }
        return if out.len() == 1 {
            Patterns::One(out.remove(0))
        } else {
            Patterns::Many(out)
        };
    }
    let b = spelled(b);
    let unknown_on_off = b
        .split_once(':')
        .is_some_and(|(owner, domain)| !domain.contains(':') && types_of(owner, domain).is_none());
    if unknown_on_off {
        return Patterns::Many(vec![
            Cow::Owned(format!("{b}@{target}")),
            Cow::Owned(format!("{b}:ENABLE@{target}")),
        ]);
    }
    Patterns::One(Cow::Owned(format!("{b}@{target}")))
}

fn base(p: &str) -> &str {
    p.split_once('@').map_or(p, |(b, _)| b)
}

/// A spec's declared names that extend the catalogue.
fn declared(extra: &[String]) -> impl Iterator<Item = &str> + Clone {
    extra.iter().map(String::as_str)
}

impl Family for Coveo {
    fn what(&self) -> &'static str {
        "Coveo privilege"
    }

    fn gives<'a>(&self, p: &'a str) -> Patterns<'a> {
        atoms(p)
    }

    fn names<'a>(&self, p: &'a str) -> Patterns<'a> {
        atoms(p)
    }

    fn separator(&self) -> Option<char> {
        Some('@')
    }

    /// One spelling: an on/off privilege without `:ENABLE`, and no `@*`
    /// (every resource is written without a target, as the answers are).
    fn normalize<'a>(&self, name: &'a str) -> Cow<'a, str> {
        let (b, target) = name.split_once('@').unwrap_or((name, "*"));
        let spelled = if b.contains('*') { b } else { spelled(b) };
        if spelled.len() == name.len() {
            return Cow::Borrowed(name);
        }
        match target {
            "*" => Cow::Owned(spelled.to_owned()),
            t => Cow::Owned(format!("{spelled}@{t}")),
        }
    }

    fn show(&self, atom: &str) -> String {
        atom.strip_suffix("@*").unwrap_or(atom).to_owned()
    }

    fn vocabulary(&self) -> Vec<String> {
        names().to_vec()
    }

    fn knows(&self, privilege: &str, extra: &[String]) -> bool {
        let b = spelled(base(privilege));
        names().iter().any(|n| n == b) || declared(extra).any(|e| spelled(e) == b)
    }

    fn validate(&self, name: &str, extra: &[String]) -> Result<(), String> {
        let (b, target) = match name.split_once('@') {
            Some((b, t)) => (b, Some(t)),
            None => (name, None),
        };
        if target.is_some_and(str::is_empty) {
            return Err(format!("`{name}` has an empty target after `@`"));
        }
        if target.is_some_and(|t| t.contains('@')) {
            return Err(format!(
                "`{name}` has two `@`: write OWNER:DOMAIN[:TYPE]@TARGET"
            ));
        }
        if b.contains('*') {
            return glob(name, b, target, extra);
        }
        if declared(extra).any(|e| spelled(e) == spelled(b)) {
            return Ok(());
        }
        literal(name, b, extra)
    }
}

/// A glob must match a privilege the catalogue (or the spec) knows, or it
/// checks nothing; the usual mistake is case (`platform:*`).
fn glob(name: &str, b: &str, target: Option<&str>, extra: &[String]) -> Result<(), String> {
    let known = names().iter().map(String::as_str).chain(declared(extra));
    if known.clone().any(|n| glob_matches(b, n)) {
        return Ok(());
    }
    let with_target = |s: &str| match target {
        Some(t) => format!("{s}@{t}"),
        None => s.to_owned(),
    };
    let upper = b.to_ascii_uppercase();
    let hint = if upper != b && known.clone().any(|n| glob_matches(&upper, n)) {
        format!(
            "did you mean `{}`? Names are upper case",
            with_target(&upper)
        )
    } else {
        let owner_globs: Vec<String> = OWNERS.iter().map(|o| format!("{o}:*")).collect();
        let candidates = known.chain(owner_globs.iter().map(String::as_str));
        match did_you_mean(b, candidates) {
            Some(s) => format!("did you mean `{}`?", with_target(s)),
            None => "write OWNER:DOMAIN[:TYPE] with `*` where any part goes, such as `PLATFORM:*`"
                .to_owned(),
        }
    };
    Err(format!("`{name}` matches no Coveo privilege; {hint}"))
}

/// Owner, domain and type, each against the catalogue.
fn literal(name: &str, b: &str, extra: &[String]) -> Result<(), String> {
    let declare = format!(
        "if the API reports `{b}` and permspec does not know it yet, declare it under \
         `extra_privileges:` at the top of the spec"
    );
    let parts: Vec<&str> = b.split(':').collect();
    let owner = parts[0];
    if !OWNERS.contains(&owner) {
        let hint = match did_you_mean(owner, OWNERS.iter().copied()) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("the owners are {}", OWNERS.join(", ")),
        };
        return Err(format!(
            "`{owner}` in `{name}` is not a Coveo privilege owner; {hint}"
        ));
    }
    let Some(&domain) = parts.get(1) else {
        return Err(format!(
            "`{name}` needs a domain: write OWNER:DOMAIN[:TYPE], such as SEARCH_API:EXECUTE_QUERY"
        ));
    };
    if parts.len() > 3 {
        return Err(format!(
            "`{name}` has too many parts: write OWNER:DOMAIN[:TYPE][@TARGET]"
        ));
    }
    let domains = DOMAINS.iter().filter(|(o, _, _)| *o == owner);
    let Some((_, _, types)) = domains.clone().find(|(_, d, _)| *d == domain) else {
        let mine: Vec<&str> = domains
            .map(|(_, d, _)| *d)
            .chain(declared(extra).filter_map(|e| {
                e.strip_prefix(owner)
                    .and_then(|r| r.strip_prefix(':'))
                    .map(|r| r.split(':').next().unwrap_or(r))
            }))
            .collect();
        let hint = match did_you_mean(domain, mine.iter().copied()) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("its domains are {}", mine.join(", ")),
        };
        return Err(format!(
            "`{domain}` is not a domain of {owner} (in `{name}`); {hint} ({declare})"
        ));
    };
    let on_off = types.is_empty();
    match parts.get(2) {
        None if on_off => Ok(()),
        Some(&"ENABLE") if on_off => Ok(()),
        Some(kind) if on_off => Err(format!(
            "{owner}:{domain} takes no type: it is on or off (`{kind}` in `{name}`); \
             write `{owner}:{domain}`"
        )),
        None => Err(format!(
            "`{name}` needs a type: {} (or `{owner}:{domain}:*` for every type)",
            types.join(", ")
        )),
        Some(kind) if types.contains(kind) => Ok(()),
        Some(kind) => {
            let hint = match did_you_mean(kind, types.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None if TYPES.contains(kind) => {
                    format!("{owner}:{domain} takes {}", types.join(", "))
                }
                None => format!("the types are {}", types.join(", ")),
            };
            Err(format!(
                "`{kind}` in `{name}` is not a type of {owner}:{domain}; {hint} ({declare})"
            ))
        }
    }
}

/// What a name declared under `extra_privileges` must look like.
pub(crate) fn check_declared(name: &str) -> Result<(), String> {
    let parts: Vec<&str> = name.split(':').collect();
    let word = |p: &&str| {
        !p.is_empty()
            && p.chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
    };
    if (2..=3).contains(&parts.len()) && parts.iter().all(word) {
        Ok(())
    } else {
        Err(format!(
            "`{name}` is not a Coveo privilege name: write OWNER:DOMAIN[:TYPE] in upper case, \
             without `*` or `@TARGET`"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::super::{covers, overlap};
    use super::*;
    use crate::compare::compare;
    use crate::plan::Expectations;

    fn passes(granted: &[&str], expect: Expectations) -> bool {
        compare(
            &COVEO,
            &expect,
            &crate::provider::Grant::new(
                granted.iter().map(|g| g.to_string()).collect(),
                Vec::new(),
            ),
            crate::compare::Clock { now: 0, today: 0 },
        )
        .passed()
    }

    fn one(rule: &str, entry: &str) -> Expectations {
        let list = Some(vec![entry.to_owned()]);
        match rule {
            "forbidden" => Expectations {
                forbidden: list,
                ..Default::default()
            },
            "at_most" => Expectations {
                at_most: list,
                ..Default::default()
            },
            _ => Expectations {
                at_least: list,
                ..Default::default()
            },
        }
    }

    /// Only an on/off privilege loses its `:ENABLE`: not a typed domain's,
    /// a glob's, or a name of more parts (mutation testing: each condition
    /// of `spelled` could go unnoticed).
    #[test]
    fn only_an_on_off_privilege_is_spelled_without_enable() {
        assert_eq!(
            spelled("SEARCH_API:IMPERSONATE:ENABLE"),
            "SEARCH_API:IMPERSONATE"
        );
        assert_eq!(spelled("X_OWNER:THING:ENABLE"), "X_OWNER:THING");
        assert_eq!(spelled("SEARCH_API:IMPERSONATE"), "SEARCH_API:IMPERSONATE");
        for kept in [
            "PLATFORM:SOURCE:ENABLE",
            "PLATFORM:*:ENABLE",
            "A:B:C:ENABLE",
        ] {
            assert_eq!(spelled(kept), kept);
        }
    }

    /// What a spec is told about a type: a typed domain needs one, a real
    /// type of another domain is named as such, and a glob already in
    /// upper case is not told to use upper case.
    #[test]
    fn type_errors_name_the_domain_types() {
        let err = COVEO.validate("PLATFORM:SOURCE", &[]).unwrap_err();
        assert!(err.contains("needs a type: CREATE, VIEW, EDIT"), "{err}");
        let err = COVEO.validate("PLATFORM:SOURCE:ENABLE", &[]).unwrap_err();
        assert!(
            err.contains("PLATFORM:SOURCE takes CREATE, VIEW, EDIT"),
            "{err}"
        );
        let err = COVEO.validate("PLATFORM:SOURCE:QQQQQQQQ", &[]).unwrap_err();
        assert!(err.contains("the types are CREATE, VIEW, EDIT"), "{err}");
        let err = COVEO.validate("PLATFORM:QQQQ*", &[]).unwrap_err();
        assert!(!err.contains("upper case"), "{err}");
        // Nor one whose upper-case spelling matches nothing either.
        let err = COVEO.validate("platform:qqqq*", &[]).unwrap_err();
        assert!(!err.contains("upper case"), "{err}");
        let err = COVEO.validate("platform:source:*", &[]).unwrap_err();
        assert!(err.contains("Names are upper case"), "{err}");
    }

    #[test]
    fn every_resource_covers_one_resource() {
        assert!(covers(
            &COVEO,
            "PLATFORM:SOURCE:EDIT",
            "PLATFORM:SOURCE:EDIT@src-1"
        ));
        assert!(!covers(
            &COVEO,
            "PLATFORM:SOURCE:EDIT@src-1",
            "PLATFORM:SOURCE:EDIT"
        ));
        assert!(!covers(
            &COVEO,
            "PLATFORM:SOURCE:EDIT@src-1",
            "PLATFORM:SOURCE:EDIT@src-2"
        ));
        assert!(!covers(
            &COVEO,
            "PLATFORM:SOURCE",
            "PLATFORM:SOURCE:EDIT@src-1"
        ));
        assert!(covers(&COVEO, "PLATFORM:*", "PLATFORM:SOURCE:EDIT@src-1"));
        assert!(covers(&COVEO, "PLATFORM:SOURCE:*", "PLATFORM:SOURCE:VIEW"));
    }

    /// Issue 10, item 1: the untargeted entry is the wider one on both sides.
    #[test]
    fn an_untargeted_entry_means_any_resource_in_every_rule() {
        let on_two = ["PLATFORM:SOURCE:EDIT@src-1", "PLATFORM:SOURCE:EDIT@src-2"];
        assert!(!passes(&on_two, one("forbidden", "PLATFORM:SOURCE:EDIT")));
        assert!(!passes(
            &on_two,
            one("forbidden", "PLATFORM:SOURCE:EDIT@src-1")
        ));
        assert!(!passes(&on_two, one("forbidden", "*:EDIT")));
        assert!(!passes(&on_two, one("forbidden", "PLATFORM:*")));
        assert!(passes(
            &on_two,
            one("forbidden", "PLATFORM:SOURCE:EDIT@src-3")
        ));
        assert!(passes(&on_two, one("at_most", "PLATFORM:SOURCE:EDIT")));
        assert!(!passes(
            &on_two,
            one("at_most", "PLATFORM:SOURCE:EDIT@src-1")
        ));
        assert!(!passes(&on_two, one("at_least", "PLATFORM:SOURCE:EDIT")));
        assert!(passes(
            &on_two,
            one("at_least", "PLATFORM:SOURCE:EDIT@src-2")
        ));
        let everywhere = ["PLATFORM:SOURCE:EDIT"];
        assert!(!passes(
            &everywhere,
            one("forbidden", "PLATFORM:SOURCE:EDIT@src-1")
        ));
        assert!(passes(
            &everywhere,
            one("at_least", "PLATFORM:SOURCE:EDIT@src-1")
        ));
        assert!(!passes(
            &everywhere,
            one("at_most", "PLATFORM:SOURCE:EDIT@src-1")
        ));
        assert_eq!(
            overlap(&COVEO, "PLATFORM:SOURCE:EDIT@src-1", "PLATFORM:SOURCE:EDIT").as_deref(),
            Some("PLATFORM:SOURCE:EDIT@src-1")
        );
        assert_eq!(
            overlap(&COVEO, "PLATFORM:SOURCE:EDIT", "*:EDIT").as_deref(),
            Some("PLATFORM:SOURCE:EDIT")
        );
    }

    #[test]
    fn targeted_globs_name_the_grants_narrowing() {
        for forbidden in ["PLATFORM:SOURCE:*@src-1", "*@src-1", "PLATFORM:*@src-1"] {
            assert_eq!(
                overlap(&COVEO, "PLATFORM:SOURCE:EDIT", forbidden).as_deref(),
                Some("PLATFORM:SOURCE:EDIT@src-1"),
                "{forbidden}"
            );
        }
        assert!(overlap(&COVEO, "PLATFORM:SOURCE:EDIT@src-2", "*@src-1").is_none());
        assert!(overlap(&COVEO, "SEARCH_API:EXECUTE_QUERY", "PLATFORM:*").is_none());
    }

    /// An on/off privilege is one privilege with or without `:ENABLE`, on
    /// either side, through globs too.
    #[test]
    fn on_off_privileges_are_one_with_or_without_enable() {
        let (plain, enable) = ("SEARCH_API:IMPERSONATE", "SEARCH_API:IMPERSONATE:ENABLE");
        assert!(covers(&COVEO, plain, enable) && covers(&COVEO, enable, plain));
        for forbidden in [plain, enable, "*:ENABLE", "*:IMPERSONATE", "SEARCH_API:*"] {
            assert_eq!(
                overlap(&COVEO, plain, forbidden).as_deref(),
                Some(plain),
                "{forbidden}"
            );
        }
        assert_eq!(
            overlap(&COVEO, "SEARCH_API:IMPERSONATE@p1", "*:ENABLE@p1").as_deref(),
            Some("SEARCH_API:IMPERSONATE@p1")
        );
        assert!(overlap(&COVEO, "PLATFORM:SOURCE:EDIT", "*:ENABLE").is_none());
        // A `*` in the privilege never reaches into the target: a grant on
        // every resource does not "end in" `:EDIT` or `:IMPERSONATE`.
        assert!(overlap(&COVEO, "PLATFORM:SOURCE:VIEW", "*:EDIT").is_none());
        assert!(overlap(&COVEO, "SEARCH_API:EXECUTE_QUERY", "*:IMPERSONATE").is_none());
        assert!(!covers(&COVEO, "*:EDIT", "PLATFORM:SOURCE:VIEW"));
        assert!(COVEO.validate("PLATFORM:SOURCE:EDIT@a@b", &[]).is_err());
        // `@*` is every resource: the same name as none.
        assert_eq!(
            COVEO.normalize("PLATFORM:SOURCE:EDIT@*"),
            "PLATFORM:SOURCE:EDIT"
        );
        assert_eq!(COVEO.normalize("PLATFORM:*@*"), "PLATFORM:*");
        // A part missing on one side is `*`: a `*` never crosses the `@`.
        assert!(!super::super::atom_includes(
            Some('@'),
            "*:VIEW",
            "PLATFORM:SOURCE:EDIT@x:VIEW"
        ));
        assert!(covers(&COVEO, "*:ENABLE", plain));
        assert_eq!(COVEO.normalize(enable), plain);
        assert_eq!(
            COVEO.normalize("SEARCH_API:IMPERSONATE:ENABLE@x"),
            "SEARCH_API:IMPERSONATE@x"
        );
        // A typed domain keeps its type; a domain the catalogue does not
        // know is on/off when written with ENABLE (it takes no other type).
        assert_eq!(
            COVEO.normalize("PLATFORM:SOURCE:EDIT"),
            "PLATFORM:SOURCE:EDIT"
        );
        assert_eq!(COVEO.normalize("X_OWNER:THING:ENABLE"), "X_OWNER:THING");
        assert_eq!(COVEO.normalize("X_OWNER:THING:EDIT"), "X_OWNER:THING:EDIT");
        assert!(grant_name("PLATFORM", "SOURCE", None, None).is_err());
        assert!(grant_name("SEARCH_API", "IMPERSONATE", Some("EDIT"), None).is_err());
        assert_eq!(
            grant_name("SEARCH_API", "IMPERSONATE", Some("ENABLE"), Some("*")).unwrap(),
            plain
        );
        assert_eq!(
            grant_name("X_OWNER", "THING", None, None).unwrap(),
            "X_OWNER:THING"
        );
    }

    /// A privilege the spec declares (the catalogue lags) is on/off too
    /// when it has no type: `:ENABLE` or not, in the answer or the spec,
    /// literally or through a glob, it is one privilege.
    #[test]
    fn declared_on_off_privileges_are_one_with_or_without_enable() {
        let extra = vec!["PLATFORM:NEW_THING".to_owned()];
        let declared_enable = vec!["PLATFORM:NEW_THING:ENABLE".to_owned()];
        let from_answer = grant_name("PLATFORM", "NEW_THING", Some("ENABLE"), None).unwrap();
        assert_eq!(from_answer, "PLATFORM:NEW_THING");
        for (granted, forbidden) in [
            ("PLATFORM:NEW_THING", "PLATFORM:NEW_THING"),
            ("PLATFORM:NEW_THING", "PLATFORM:NEW_THING:ENABLE"),
            ("PLATFORM:NEW_THING", "*:ENABLE"),
            ("PLATFORM:NEW_THING", "*:NEW_THING"),
            ("PLATFORM:NEW_THING@p1", "*:ENABLE@p1"),
        ] {
            let entry = COVEO.normalize(forbidden);
            assert!(
                overlap(&COVEO, granted, &entry).is_some(),
                "{granted} vs {forbidden}"
            );
        }
        assert!(COVEO.validate("PLATFORM:NEW_THING:ENABLE", &extra).is_ok());
        assert!(
            COVEO
                .validate("PLATFORM:NEW_THING", &declared_enable)
                .is_ok()
        );
        assert!(COVEO.knows("PLATFORM:NEW_THING", &declared_enable));
        assert!(covers(
            &COVEO,
            "PLATFORM:NEW_THING:ENABLE",
            "PLATFORM:NEW_THING"
        ));
        assert!(!passes(
            &["PLATFORM:NEW_THING"],
            one("forbidden", "PLATFORM:NEW_THING")
        ));
    }

    #[test]
    fn canonical_form() {
        assert_eq!(
            canonical("SEARCH_API", "EXECUTE_QUERY", None, Some("*")),
            "SEARCH_API:EXECUTE_QUERY"
        );
        assert_eq!(
            canonical("PLATFORM", "SOURCE", Some("EDIT"), Some("src-1")),
            "PLATFORM:SOURCE:EDIT@src-1"
        );
        assert_eq!(
            canonical("COVEO_ML", "MODELS", Some("VIEW"), None),
            "COVEO_ML:MODELS:VIEW"
        );
    }

    /// Issue 10, item 2: every part is checked, globs included.
    #[test]
    fn names_are_checked_part_by_part_with_suggestions() {
        let none: &[String] = &[];
        for ok in [
            "SEARCH_API:EXECUTE_QUERY",
            "PLATFORM:SOURCE:EDIT@src-1",
            "PLATFORM:*",
            "*",
            "*:EDIT",
            "COMMERCE:CATALOG:VIEW",
            "COVEO_ML:ALLOW_CONTENT_PREVIEW:ENABLE",
            "PLATFORM:SOURCE:*@src-*",
        ] {
            assert!(COVEO.validate(ok, none).is_ok(), "{ok}");
        }
        let err = |name: &str| COVEO.validate(name, none).unwrap_err();
        assert!(err("PLATFROM:SOURCE:EDIT").contains("did you mean `PLATFORM`?"));
        assert!(err("PLATFORM:SOURCE:EIDT").contains("did you mean `EDIT`?"));
        assert!(err("PLATFORM:SOURCES:EDIT").contains("did you mean `SOURCE`?"));
        assert!(err("ANALYTICS:DATA").contains("the owners are PLATFORM"));
        assert!(err("platform:*").contains("did you mean `PLATFORM:*`?"));
        assert!(err("*:edit").contains("did you mean `*:EDIT`?"));
        assert!(err("PLATFORM:NOTHING_*").contains("matches no Coveo privilege"));
        assert!(err("SEARCH_API:EXECUTE_QUERY:EDIT").contains("takes no type"));
        assert!(err("PLATFORM:SOURCE").contains("needs a type"));
        assert!(err("SEARCH_API").contains("needs a domain"));
        assert!(err("PLATFORM:SOURCE:EDIT@").contains("empty target"));
        assert!(err("PLATFORM:source:EDIT").contains("is not a domain of PLATFORM"));
        let e = err("PLATFORM:QUANTUM_INDEX:EDIT");
        assert!(e.contains("extra_privileges"), "{e}");
        let extra = vec!["PLATFORM:QUANTUM_INDEX:EDIT".to_owned()];
        assert!(
            COVEO
                .validate("PLATFORM:QUANTUM_INDEX:EDIT", &extra)
                .is_ok()
        );
        assert!(COVEO.validate("*:QUANTUM_*", &extra).is_ok());
        assert!(
            COVEO
                .validate("PLATFORM:QUANTUM_INDEX:EDIT@x", &extra)
                .is_ok()
        );
        assert!(COVEO.knows("PLATFORM:SOURCE:EDIT@x", none));
        assert!(!COVEO.knows("PLATFORM:QUANTUM_INDEX:EDIT", none));
        assert!(check_declared("PLATFORM:QUANTUM_INDEX:EDIT").is_ok());
        assert!(check_declared("PLATFORM:*").is_err());
        assert!(check_declared("platform:x").is_err());
    }
}
