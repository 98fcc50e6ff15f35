//! Properties of the pure parts of permspec, checked with proptest through
//! the doc-hidden `permspec::fuzzing` entry points (the same ones the fuzz
//! targets under `fuzz/` call):
//!
//! - the comparison rules keep their algebra, for every family of names;
//! - the spec loader and every response parser return on any input;
//! - redaction removes a secret from any text it is embedded in.
//!
//! Case counts are kept modest (256 to 512 per property) so the whole file
//! runs in a few seconds; `PROPTEST_CASES=N` raises them for a longer soak.
//! Failure persistence is off: a failing case is printed, shrunk, and never
//! written into the source tree.

use permspec::fuzzing::{
    covers, decode_jwt, known_names, overlaps, parse_response, passes, plan_spec, probe_explain,
    providers, scrub,
};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use serde_json::Value;

#[path = "support/rules.rs"]
mod rules;
use rules::{config, wildcards};

// ---------------------------------------------------------------------------
// Names per family
// ---------------------------------------------------------------------------

const FAMILIES: &[&str] = &["docspace", "roles", "coveo", "kubernetes", "plain", "vault"];

/// Resource ids for Coveo's targeted privileges (`X@id`).
const TARGETS: &[&str] = &["src-1", "src-2"];

/// The names properties draw from: the family's known names, the wildcard
/// patterns a spec may write for it, and (Coveo) targeted variants.
fn pool(family: &str) -> Vec<String> {
    let mut names: Vec<String> = known_names(family);
    let extra: &[&str] = match family {
        // The catalogs and the generic providers have no built-in names:
        // GitHub-like scopes and the DocSpace catalog names, compared by
        // equality and globs only.
        "plain" => &[
            "repo",
            "workflow",
            "read:org",
            "admin:org",
            "admin:repo_hook",
            "delete_repo",
            "files:read",
            "openid",
            "*",
            "admin:*",
            "read:*",
            "*:org",
        ],
        f => wildcards(f),
    };
    names.extend(extra.iter().map(|s| s.to_string()));
    if family == "coveo" {
        for atom in known_names("coveo") {
            for t in TARGETS {
                names.push(format!("{atom}@{t}"));
            }
        }
    }
    names.sort();
    names.dedup();
    names
}

/// A family and a few lists of its names.
fn family_and_lists(max: usize) -> impl Strategy<Value = (&'static str, Vec<String>, Vec<String>)> {
    select(FAMILIES).prop_flat_map(move |f| {
        let names = pool(f);
        (
            Just(f),
            vec(select(names.clone()), 0..max),
            vec(select(names), 0..max),
        )
    })
}

fn set(list: &[String]) -> std::collections::BTreeSet<&str> {
    list.iter().map(String::as_str).collect()
}

// ---------------------------------------------------------------------------
// The comparison rules' algebra
// ---------------------------------------------------------------------------

proptest! {
    #![proptest_config(config(512))]

    /// `exactly` is literal set equality, and equality is within both
    /// `at_least` (each listed privilege covers itself) and `at_most`.
    #[test]
    fn exactly_implies_at_least_and_at_most(
        (family, granted, other) in family_and_lists(7),
        order in any::<prop::sample::Index>(),
        dup in any::<bool>(),
    ) {
        // A listing of the granted set in another order, maybe with a duplicate.
        let mut listed = granted.clone();
        if !listed.is_empty() {
            let k = order.index(listed.len());
            listed.rotate_left(k);
            if dup {
                listed.push(listed[0].clone());
            }
        }
        prop_assert!(passes(family, "exactly", &listed, &granted));
        prop_assert!(passes(family, "at_least", &listed, &granted));
        prop_assert!(passes(family, "at_most", &listed, &granted));
        // An unrelated list: whenever it passes exactly, it is the granted
        // set and passes the other two.
        if passes(family, "exactly", &other, &granted) {
            prop_assert_eq!(set(&other), set(&granted));
            prop_assert!(passes(family, "at_least", &other, &granted));
            prop_assert!(passes(family, "at_most", &other, &granted));
        } else {
            prop_assert_ne!(set(&other), set(&granted));
        }
    }

    /// Forbidding something that is granted always fails.
    #[test]
    fn forbidding_a_granted_privilege_fails(
        (family, granted, _) in family_and_lists(7),
        pick in any::<prop::sample::Index>(),
    ) {
        prop_assume!(!granted.is_empty());
        let g = &granted[pick.index(granted.len())];
        prop_assert!(overlaps(family, g, g));
        prop_assert!(!passes(family, "forbidden", std::slice::from_ref(g), &granted));
    }

    /// The trivial bounds: nothing is always at least granted, and the
    /// granted list is always a ceiling of itself.
    #[test]
    fn trivial_bounds_pass((family, granted, _) in family_and_lists(7)) {
        prop_assert!(passes(family, "at_least", &[], &granted));
        prop_assert!(passes(family, "at_most", &granted, &granted));
        prop_assert!(passes(family, "forbidden", &[], &granted));
        prop_assert!(passes(family, "exactly", &granted, &granted));
    }

    /// Each rule is the documented statement over `covers` / `overlaps`,
    /// so the relation tests below carry over to whole lists.
    #[test]
    fn rules_agree_with_covers_and_overlaps((family, listed, granted) in family_and_lists(5)) {
        let at_least = listed.iter().all(|l| granted.iter().any(|g| covers(family, g, l)));
        prop_assert_eq!(passes(family, "at_least", &listed, &granted), at_least);
        let at_most = granted.iter().all(|g| listed.iter().any(|l| covers(family, l, g)));
        prop_assert_eq!(passes(family, "at_most", &listed, &granted), at_most);
        let clean = !granted.iter().any(|g| listed.iter().any(|f| overlaps(family, g, f)));
        prop_assert_eq!(passes(family, "forbidden", &listed, &granted), clean);
    }

    /// Widening a ceiling or narrowing a requirement never turns a pass
    /// into a failure; neither does granting less under `forbidden`.
    #[test]
    fn rules_are_monotone((family, listed, granted) in family_and_lists(6), more in vec(any::<prop::sample::Index>(), 0..3)) {
        let names = pool(family);
        let mut wider = listed.clone();
        wider.extend(more.iter().map(|i| names[i.index(names.len())].clone()));
        if passes(family, "at_most", &listed, &granted) {
            prop_assert!(passes(family, "at_most", &wider, &granted));
        }
        if passes(family, "at_least", &wider, &granted) {
            prop_assert!(passes(family, "at_least", &listed, &granted));
        }
        if passes(family, "forbidden", &wider, &granted) {
            prop_assert!(passes(family, "forbidden", &listed, &granted));
        }
        let fewer: Vec<String> = granted.iter().skip(1).cloned().collect();
        if passes(family, "forbidden", &listed, &granted) {
            prop_assert!(passes(family, "forbidden", &listed, &fewer));
        }
    }

    /// `covers`, `overlaps` and `passes` are total: any strings at all,
    /// including ones that look like globs, return without panicking, and
    /// covers is reflexive on them too.
    #[test]
    fn relations_are_total_on_arbitrary_strings(
        family in select(FAMILIES),
        p in "[*a-z:.@_-]{0,12}|\\PC{0,12}",
        q in "[*a-z:.@_-]{0,12}|\\PC{0,12}",
    ) {
        prop_assert!(covers(family, &p, &p));
        let _ = covers(family, &p, &q);
        let _ = overlaps(family, &p, &q);
        let _ = passes(family, "forbidden", std::slice::from_ref(&q), std::slice::from_ref(&p));
    }
}

/// Reflexive and transitive over every triple of the generated names:
/// exhaustive, so stronger than sampling (the pools are small).
#[test]
fn covers_is_a_preorder_over_the_generated_names() {
    let mut failures = Vec::new();
    for family in FAMILIES {
        let names = pool(family);
        for a in &names {
            if !covers(family, a, a) {
                failures.push(format!("{family}: `{a}` does not cover itself"));
            }
            for b in names.iter().filter(|b| covers(family, a, b)) {
                for c in names.iter().filter(|c| covers(family, b, c)) {
                    if !covers(family, a, c) {
                        failures.push(format!(
                            "{family}: `{a}` covers `{b}` covers `{c}`, but `{a}` does not cover `{c}`"
                        ));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The least-privilege promise of `forbidden`: a grant that covers another
/// one is caught by every forbidden entry that catches the other. (Holding
/// more can never make a token escape a `forbidden` it would fail with less.)
/// Exhaustive over the generated names, with grants as APIs report them:
/// any DocSpace catalog name (`*` and `*:read` are real grants), any
/// Kubernetes name (an RBAC rule may hold `*`), and only concrete names
/// elsewhere (Coveo, roles and scopes are never globs).
fn wider_grants_escaping_forbidden(family: &str) -> Vec<String> {
    let names = pool(family);
    let grantable: Vec<&String> = names
        .iter()
        .filter(|n| family == "docspace" || family == "kubernetes" || !n.contains('*'))
        .collect();
    let mut failures = Vec::new();
    for a in &grantable {
        for b in grantable.iter().filter(|b| covers(family, a, b)) {
            for f in names.iter().filter(|f| overlaps(family, b, f)) {
                if !overlaps(family, a, f) {
                    failures.push(format!(
                        "{family}: granted `{b}` hits forbidden `{f}`, but `{a}` (which covers `{b}`) does not"
                    ));
                }
            }
        }
    }
    failures
}

#[test]
fn a_wider_grant_never_escapes_a_forbidden_entry() {
    let failures: Vec<String> = ["docspace", "roles", "kubernetes", "plain"]
        .iter()
        .flat_map(|f| wider_grants_escaping_forbidden(f))
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_wider_coveo_grant_never_escapes_a_forbidden_entry() {
    let failures = wider_grants_escaping_forbidden("coveo");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The minimal case behind the Coveo failure above, at the level of a spec
/// rule. The guide (docs/src/providers/coveo.md): "A privilege without
/// `@TARGET` is on every resource ...: `PLATFORM:SOURCE:EDIT` fails
/// `forbidden: [PLATFORM:SOURCE:EDIT@src-1]`". Written as a glob over one
/// resource, the same entry lets the every-resource grant through.
#[test]
fn coveo_every_resource_grant_fails_a_targeted_glob_forbidden() {
    let every = ["PLATFORM:SOURCE:EDIT".to_owned()];
    let one = ["PLATFORM:SOURCE:EDIT@src-1".to_owned()];
    // The literal form works as documented.
    assert!(!passes("coveo", "forbidden", &one, &every));
    for entry in ["PLATFORM:SOURCE:*@src-1", "*@src-1", "PLATFORM:*@src-1"] {
        let forbidden = [entry.to_owned()];
        assert!(!passes("coveo", "forbidden", &forbidden, &one), "{entry}");
        assert!(
            !passes("coveo", "forbidden", &forbidden, &every),
            "PLATFORM:SOURCE:EDIT (every source, src-1 included) passes forbidden [{entry}]"
        );
    }
}

// ---------------------------------------------------------------------------
// The loader and the parsers return on any input
// ---------------------------------------------------------------------------

/// Every spec the repository ships, valid and deliberately broken: the
/// seeds that mutations start from.
const SPECS: &[&str] = &[
    include_str!("../specs/coveo.yaml"),
    include_str!("../specs/docspace-account.yaml"),
    include_str!("../specs/docspace-jwt.yaml"),
    include_str!("../specs/docspace-oauth.yaml"),
    include_str!("../specs/docspace-permissions.yaml"),
    include_str!("../specs/docspace-scopes.yaml"),
    include_str!("../specs/docspace.yaml"),
    include_str!("../specs/github.yaml"),
    include_str!("../specs/gitlab.yaml"),
    include_str!("ui/specs/docspace.yaml"),
    include_str!("ui/specs/errors/bad-yaml.yaml"),
    include_str!("ui/specs/errors/duplicate-token.yaml"),
    include_str!("ui/specs/errors/list-expected.yaml"),
    include_str!("ui/specs/errors/unknown-key.yaml"),
];

/// Fragments that mean something to YAML or to the spec format.
fn yaml_fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        select(vec![
            ":",
            ": ",
            "- ",
            "-",
            "? ",
            "{",
            "}",
            "[",
            "]",
            ",",
            "&a ",
            "*a",
            "<<: *a",
            "!!str ",
            "!!binary ",
            "!tag ",
            "|",
            ">-",
            "\t",
            "\n",
            "\n  ",
            "\n    ",
            "---\n",
            "...\n",
            "%YAML 1.2\n",
            "#",
            "'",
            "\"",
            "\\",
            "${",
            "${X}",
            "}",
            "\u{0}",
            "\u{feff}",
            "\r",
            "~",
            "null",
            "true",
            "1e309",
            "-0",
            "0x1F",
            "@",
            "*",
            "\"*:write\"",
            "files:read",
            "role:owner",
            "PLATFORM:*",
            "{ env: K }",
            "{ file: /dev/null }",
            "[]",
            "{}",
            "exactly: ",
            "at_least: ",
            "at_most: ",
            "forbidden: ",
            "active: false",
            "credential: ",
            "scheme: login",
            "provider: ",
            "tokens:\n",
            "base_url: ",
            "http://127.0.0.1:1",
            "scopes: docspace",
            "claim: ",
            "privileges: { json: / }",
        ])
        .prop_map(str::to_owned),
        "\\PC{0,8}",
        "[ -~]{0,8}",
    ]
}

/// A valid spec with random edits: insertions, deletions, and a duplicated
/// slice, each at a char boundary.
fn mutated_spec() -> impl Strategy<Value = String> {
    (
        select(SPECS),
        vec(
            (
                any::<prop::sample::Index>(),
                yaml_fragment(),
                0usize..3,
                any::<prop::sample::Index>(),
            ),
            1..6,
        ),
    )
        .prop_map(|(spec, edits)| {
            let mut text = spec.to_owned();
            for (at, fragment, op, len) in edits {
                let bounds: Vec<usize> = text
                    .char_indices()
                    .map(|(i, _)| i)
                    .chain([text.len()])
                    .collect();
                let i = bounds[at.index(bounds.len())];
                let j = bounds
                    [(bounds.partition_point(|b| *b < i) + len.index(8)).min(bounds.len() - 1)];
                match op {
                    0 => text.insert_str(i, &fragment),
                    1 => text.replace_range(i..j, &fragment),
                    _ => {
                        let slice = text[i..j].to_owned();
                        text.insert_str(j, &slice);
                    }
                }
            }
            text
        })
}

/// Arbitrary JSON, biased towards the keys and values the providers read.
fn json_value() -> impl Strategy<Value = Value> {
    let key = prop_oneof![
        3 => select(vec![
            "response", "permissions", "isActive", "expiresAt", "status", "statusCode",
            "owner", "targetDomain", "type", "targetId", "targetIds", "level", "global",
            "active", "scope", "scp", "exp", "client_id", "iss", "scopes", "name", "group",
            "isOwner", "isAdmin", "isRoomAdmin", "isCollaborator", "isVisitor", "isLDAP",
            "isSSO", "email", "userName", "token", "tfa", "error", "message", "claims", "header",
        ])
        .prop_map(str::to_owned),
        1 => "\\PC{0,6}",
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from), // NaN and infinities become null
        timestamp().prop_map(Value::String),
        select(vec![
            "files:read",
            "*",
            "*:write",
            "",
            "PLATFORM",
            "SOURCE",
            "EDIT",
            "*",
            "src-1",
            "files:read rooms:write",
            "a,b c",
        ])
        .prop_map(Value::from),
        "\\PC{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(5, 96, 8, move |inner| {
        prop_oneof![
            vec(inner.clone(), 0..8).prop_map(Value::Array),
            vec((key.clone(), inner), 0..8).prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

/// Strings shaped like the RFC 3339 timestamps the providers read
/// (`expiresAt`): mostly valid dates and clocks, and some fully random digit
/// runs, with UTC offsets of any length (long ones once overflowed:
/// `docspace_expiry_with_any_offset_returns`).
fn timestamp() -> impl Strategy<Value = String> {
    prop_oneof![
        "20[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])([Tt ]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?(\\.[0-9]{0,7})?([Zz]|[+-][0-9]{1,20}:[0-9]{1,20})?)?",
        "[0-9]{4}-[0-9]{2}-[0-9]{2}([Tt ][0-9]{1,3}:[0-9]{1,3}(:[0-9]{1,20})?(\\.[0-9]{0,7})?([Zz]|[+-][0-9]{1,20}:[0-9]{1,20})?)?",
    ]
}

/// Bodies the providers expect, with arbitrary values in the places they read.
fn shaped_body() -> impl Strategy<Value = Value> {
    (json_value(), json_value(), timestamp()).prop_flat_map(|(a, b, ts)| {
        select(vec![
            serde_json::json!({"response": a}),
            serde_json::json!({"response": {"permissions": a, "isActive": b, "expiresAt": ts}}),
            serde_json::json!({"response": {"permissions": ["files:read"], "expiresAt": ts}}),
            serde_json::json!({"response": {"isOwner": a, "isLDAP": b, "email": "x"}}),
            serde_json::json!([{"owner": "PLATFORM", "targetDomain": "SOURCE", "type": a, "targetIds": b}]),
            serde_json::json!([{"owner": a, "targetDomain": b, "targetId": "*"}]),
            serde_json::json!({"active": true, "scope": a, "exp": b, "client_id": "c"}),
            serde_json::json!({"active": a, "scope": "x y"}),
            serde_json::json!({"scopes": a}),
            serde_json::json!({"scopes": [{"name": a}, b]}),
            serde_json::json!({"header": {}, "claims": {"scope": a, "exp": b, "iss": "i"}}),
            a,
        ])
    })
}

fn base64url(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for c in bytes.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        for i in 0..=c.len() {
            out.push(char::from(A[(n >> (18 - 6 * i)) as usize & 63]));
        }
    }
    out
}

/// One JWT part: base64url of JSON (often an object), of random bytes, or
/// random base64url-alphabet text (which need not decode to whole bytes).
fn jwt_part() -> impl Strategy<Value = String> {
    prop_oneof![
        json_value().prop_map(|v| base64url(v.to_string().as_bytes())),
        shaped_body().prop_map(|v| base64url(v.to_string().as_bytes())),
        vec(any::<u8>(), 0..64).prop_map(|b| base64url(&b)),
        "[A-Za-z0-9_+/=-]{0,40}",
    ]
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn plan_spec_returns_on_arbitrary_bytes(bytes in vec(any::<u8>(), 0..512)) {
        let _ = plan_spec(&bytes);
    }

    #[test]
    fn plan_spec_returns_on_mutated_specs(text in mutated_spec()) {
        // Every file yields at least one entry: its cases, or one broken case.
        prop_assert!(plan_spec(text.as_bytes()) >= 1, "{text}");
    }

    #[test]
    fn every_parser_returns_on_arbitrary_bytes(bytes in vec(any::<u8>(), 0..256)) {
        for provider in providers() {
            let _ = parse_response(provider, &bytes);
        }
    }

    #[test]
    fn every_parser_returns_on_arbitrary_json(value in json_value()) {
        let body = value.to_string();
        for provider in providers() {
            let _ = parse_response(provider, body.as_bytes());
        }
    }

    #[test]
    fn every_parser_returns_on_shaped_json(value in shaped_body()) {
        let body = value.to_string();
        for provider in providers() {
            let _ = parse_response(provider, body.as_bytes());
        }
    }

    #[test]
    fn decode_jwt_returns_on_arbitrary_strings(token in "\\PC{0,64}|[A-Za-z0-9._-]{0,64}") {
        let _ = decode_jwt(&token);
    }

    #[test]
    fn decode_jwt_returns_on_three_base64url_parts(
        header in jwt_part(),
        claims in jwt_part(),
        signature in jwt_part(),
    ) {
        let _ = decode_jwt(&format!("{header}.{claims}.{signature}"));
    }
}

proptest! {
    #![proptest_config(config(256))]

    /// A DocSpace key's `expiresAt`, always with a clock and a UTC offset,
    /// whose fields may be any length: the parser reads the offset's hours
    /// and minutes as numbers and must not overflow on long ones. An offset
    /// that is not a time is an error, never "no expiry".
    #[test]
    fn docspace_expiry_with_any_offset_returns(
        ts in "20[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,7})?[+-][0-9]{1,20}:[0-9]{1,20}",
    ) {
        let body = serde_json::json!({"response": {"permissions": ["files:read"], "expiresAt": ts}});
        let parsed = parse_response("docspace", body.to_string().as_bytes());
        prop_assert!(
            parsed.is_ok() || parsed.as_ref().is_err_and(|e| e.contains("is not a timestamp")),
            "{parsed:?}"
        );
    }
}

/// The provider names round-trip, and an unknown one is an error, not a panic.
#[test]
fn providers_are_the_documented_ones() {
    let names = providers();
    for p in [
        "docspace",
        "docspace-account",
        "docspace-permissions",
        "docspace-scopes",
        "coveo",
        "oauth2-introspection",
        "jwt",
        "http",
    ] {
        assert!(names.contains(&p), "{p} missing from {names:?}");
    }
    assert!(parse_response("no-such-provider", b"{}").is_err());
}

// ---------------------------------------------------------------------------
// Redaction
// ---------------------------------------------------------------------------

const MARKER: &str = "[REDACTED]";

/// Whether `secret` can be found in a scrubbed text without any of it
/// being left over: when it is part of the marker itself ("RED", "]"),
/// contains the marker, or straddles a marker's edge (a secret `D]q` before
/// the text `q` becomes `[REDACTED]q`, which contains `D]q` again). In those
/// cases "the output does not contain the secret" cannot hold for any
/// scrubber that writes `[REDACTED]`, so the strict property skips them and
/// the weaker one below (every occurrence touches a marker) covers them.
fn can_touch_marker(secret: &str) -> bool {
    if MARKER.contains(secret) || secret.contains(MARKER) {
        return true;
    }
    let s = secret.as_bytes();
    let m = MARKER.as_bytes();
    (1..s.len().min(m.len())).any(|k| s[s.len() - k..] == m[..k] || s[..k] == m[m.len() - k..])
}

/// Non-empty secrets: API-key-like, regex and JSON specials, unicode.
fn secret() -> impl Strategy<Value = String> {
    prop_oneof![
        "sk-[a-f0-9]{8,40}",
        "[.*+?()|{}^$\\\\\\[\\]\"'/]{1,8}",
        "\\PC{1,12}",
        "[a-z]{1,3}",
        select(vec![
            ".*", "\\d+", "$1", "\\", "\"", "\\\"", "\\u0041", "%s", "{}", "a.b", "[x]", "ü", "🔑",
            "e\u{301}", "\u{0}", "\n", "RED", "]", "D]", "[R",
        ])
        .prop_map(str::to_owned),
    ]
}

fn text() -> impl Strategy<Value = String> {
    "\\PC{0,16}|[ -~]{0,16}"
}

proptest! {
    #![proptest_config(config(512))]

    /// The strict property: no occurrence of the secret survives.
    #[test]
    fn scrub_removes_every_occurrence(
        secret in secret().prop_filter("cannot touch the marker", |s| !can_touch_marker(s)),
        (prefix, middle, suffix) in (text(), text(), text()),
    ) {
        let out = scrub(&format!("{prefix}{secret}{middle}{secret}{suffix}"), &secret);
        prop_assert!(!out.contains(&secret), "{secret:?} in {out:?}");
        prop_assert!(out.contains(MARKER));
    }

    /// For every secret, including those that can touch the marker: each
    /// occurrence left in the output overlaps a `[REDACTED]`, so no byte of
    /// the secret that came from the input is left standing next to it.
    #[test]
    fn scrub_leaves_the_secret_only_inside_markers(
        secret in secret(),
        (prefix, middle, suffix) in (text(), text(), text()),
    ) {
        let out = scrub(&format!("{prefix}{secret}{middle}{secret}{suffix}"), &secret);
        let markers: Vec<(usize, usize)> = out
            .match_indices(MARKER)
            .map(|(i, m)| (i, i + m.len()))
            .collect();
        prop_assert!(!markers.is_empty());
        let starts = out
            .char_indices()
            .map(|(i, _)| i)
            .filter(|i| out[*i..].starts_with(secret.as_str()));
        for start in starts {
            let end = start + secret.len();
            prop_assert!(
                markers.iter().any(|(ms, me)| *ms < end && start < *me),
                "{secret:?} at {start} in {out:?} overlaps no marker"
            );
        }
    }
}

#[test]
fn the_marker_edge_is_what_the_filter_says() {
    assert!(can_touch_marker("RED"));
    assert!(can_touch_marker("D]q"));
    assert!(can_touch_marker("q[RE"));
    assert!(can_touch_marker("x[REDACTED]y"));
    assert!(!can_touch_marker("sk-123"));
    assert!(!can_touch_marker("[abc"));
    assert!(!can_touch_marker(".*"));
    // The reason for the filter, shown on the scrubber itself.
    assert_eq!(scrub("D]qq", "D]q"), "[REDACTED]q");
    assert!(scrub("D]qq", "D]q").contains("D]q"));
}

// ---------------------------------------------------------------------------
// Probe refusals
// ---------------------------------------------------------------------------

proptest! {
    #![proptest_config(config(512))]

    /// Whatever a server says in a refusal, what a fixture keeps of it is
    /// one line of at most 200 characters (and an ellipsis).
    #[test]
    fn a_refusal_is_explained_in_one_short_line(
        body in prop_oneof![
            any::<String>(),
            any::<String>().prop_map(|m| serde_json::json!({"message": m}).to_string()),
            any::<String>().prop_map(|m| serde_json::json!({"error": {"message": m}}).to_string()),
        ],
        header in proptest::option::of(any::<String>()),
    ) {
        let (message, needs) = probe_explain(&body, header.as_deref());
        for line in message.iter().chain(needs.iter()) {
            prop_assert!(line.chars().count() <= 201);
            prop_assert!(!line.chars().any(char::is_control));
        }
    }
}
