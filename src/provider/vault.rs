//! `provider: vault`: HashiCorp Vault and OpenBao tokens.
//!
//! Two requests per token (see `Provider::steps`), both with the token in
//! `X-Vault-Token`:
//! - `GET /v1/auth/token/lookup-self`: the policies, the expiry. Vault docs,
//!   "Token auth method (API)", "Lookup a token (self)"; the answers of a
//!   real OpenBao 2.7.2 are in `research/openbao-2.7.2.md`.
//! - `POST /v1/sys/capabilities-self {"paths": [...]}`: the capabilities on
//!   each path the spec lists. Vault docs, "/sys/capabilities-self".
//!
//! lookup-self returns the token itself in `data.id`, and its accessor
//! (which can look a token up and revoke it) in `data.accessor`; the stored
//! form keeps only the fields read here ([`project`]), so neither can reach
//! a fixture.

use super::Unread;
use crate::privilege::vault::{path_privilege, policy_privilege};
use crate::provider::{Grant, kind};
use serde_json::{Map, Value, json};

pub(crate) const LOOKUP_PATH: &str = "/v1/auth/token/lookup-self";
pub(crate) const CAPABILITIES_PATH: &str = "/v1/sys/capabilities-self";
/// Where the token goes (Vault docs, "Authentication": "the `X-Vault-Token`
/// header").
pub(crate) const TOKEN_HEADER: &str = "x-vault-token";
/// Vault Enterprise and OpenBao namespaces (Vault docs, "Namespaces").
pub(crate) const NAMESPACE_HEADER: &str = "x-vault-namespace";
/// The names of the two answers in the evidence.
pub(crate) const LOOKUP: &str = "lookup-self";
pub(crate) const CAPABILITIES: &str = "capabilities-self";
/// Vault's token prefixes since 1.10 (`hvs.` service, `hvb.` batch, Vault
/// docs "Tokens", "Token prefixes") and the older ones OpenBao still
/// issues (`s.`, `b.`: research/openbao-2.7.2.md, section 1).
pub(crate) const TOKEN_PREFIXES: &[&str] = &["hvs.", "hvb.", "s.", "b."];

/// The request body capabilities-self is sent.
pub(crate) fn capabilities_body(paths: &[String]) -> Value {
    json!({ "paths": paths })
}

/// The evidence as it is stored: of lookup-self, only `policies`,
/// `identity_policies`, `expire_time` and `ttl`; of capabilities-self, only
/// `data`'s entries for the listed paths. Values are copied as they are,
/// wrong types included, so the stored form is judged as the answer was.
pub(crate) fn project(body: &Value, paths: &[String]) -> Value {
    let pick = |from: Option<&Value>, keys: &mut dyn Iterator<Item = &str>| {
        let mut out = Map::new();
        if let Some(Value::Object(m)) = from {
            for k in keys {
                if let Some(v) = m.get(k) {
                    out.insert(k.to_owned(), v.clone());
                }
            }
        }
        Value::Object(out)
    };
    let lookup = body.get(LOOKUP).and_then(|l| l.get("data"));
    let caps = body.get(CAPABILITIES).and_then(|c| c.get("data"));
    let mut fields = ["policies", "identity_policies", "expire_time", "ttl"].into_iter();
    let mut listed = paths.iter().map(String::as_str);
    json!({
        LOOKUP: { "data": pick(lookup, &mut fields) },
        CAPABILITIES: { "data": pick(caps, &mut listed) },
    })
}

/// Whether a refusal is Vault's answer to a token it does not know
/// (revoked, expired, made up): exactly `{"errors":["permission denied"]}`.
/// A valid token that lacks a capability gets another body, a Go
/// multierror ("1 error occurred: ... permission denied"), which proves
/// nothing about revocation (research/openbao-2.7.2.md, section 5).
pub(crate) fn refuses_token(status: u16, body: &Value) -> bool {
    status == 403 && *body == json!({"errors": ["permission denied"]})
}

/// Reads both answers: `{LOOKUP: lookup-self's body, CAPABILITIES: ...}`.
pub(crate) fn parse(body: &Value, paths: &[String]) -> Result<Grant, Unread> {
    let lookup = body
        .get(LOOKUP)
        .and_then(|l| l.get("data"))
        .and_then(Value::as_object)
        .ok_or("lookup-self's answer has no `data` object")?;
    let mut privileges = Vec::new();
    let mut notes = Vec::new();
    let names = |key: &str, v: &Value| -> Result<Vec<String>, String> {
        let list = v
            .as_array()
            .ok_or_else(|| format!("lookup-self's `{key}` is {}, not a list", kind(v)))?;
        list.iter()
            .map(|p| match p.as_str() {
                Some(s) if !s.is_empty() => Ok(s.to_owned()),
                _ => Err(format!(
                    "lookup-self's `{key}` holds {}, not a name",
                    kind(p)
                )),
            })
            .collect()
    };
    // `policies` is always there; `identity_policies` only for a token with
    // an entity (research, section 3): absent means none, but present it
    // must be a list.
    let own = names(
        "policies",
        lookup
            .get("policies")
            .ok_or("lookup-self's answer has no `policies`")?,
    )?;
    let inherited = match lookup.get("identity_policies") {
        None => Vec::new(),
        Some(v) => names("identity_policies", v)?,
    };
    if own.is_empty() && inherited.is_empty() {
        // Every token Vault answers about holds a policy (`default`, or
        // the one that lets it call lookup-self): an empty list is no
        // evidence.
        return Err(Unread::from(
            "lookup-self lists no policy at all, which Vault never does for a token it answers \
             about"
                .to_owned(),
        ));
    }
    if !inherited.is_empty() {
        notes.push(format!(
            "policies from the token's entity and groups: {}",
            inherited.join(", ")
        ));
    }
    if own.iter().chain(&inherited).any(|p| p == "root") {
        notes.push("policy `root`: the token may do anything".to_owned());
    }
    privileges.extend(own.iter().chain(&inherited).map(|p| policy_privilege(p)));

    let caps = body
        .get(CAPABILITIES)
        .and_then(|c| c.get("data"))
        .and_then(Value::as_object)
        .ok_or("capabilities-self's answer has no `data` object")?;
    for path in paths {
        // `data[path]`, never `capabilities`: that key appears only when
        // one path is asked (research, section 4).
        let list = caps.get(path).ok_or_else(|| {
            format!("capabilities-self says nothing about `{path}`, which it was asked about")
        })?;
        let list = list
            .as_array()
            .filter(|l| !l.is_empty())
            .ok_or_else(|| format!("capabilities-self's `{path}` is not a list of capabilities"))?;
        let mut held = Vec::with_capacity(list.len());
        for c in list {
            match c.as_str() {
                Some(c) if !c.is_empty() => held.push(c),
                _ => {
                    return Err(Unread::from(format!(
                        "capabilities-self's `{path}` holds {}, not a capability",
                        kind(c)
                    )));
                }
            }
        }
        // `deny` is how Vault says "none", and it stands alone: with any
        // other capability the answer contradicts itself.
        if held.contains(&"deny") {
            if held.len() > 1 {
                return Err(Unread::from(format!(
                    "capabilities-self's `{path}` holds `deny` and other capabilities"
                )));
            }
            continue;
        }
        privileges.extend(held.into_iter().map(|c| path_privilege(path, c)));
    }

    let mut grant = Grant::new(privileges, notes);
    grant.active = Some(true);
    // `expire_time` is null only for a token that never expires, which
    // then has `ttl` 0 (research, section 3); anything else is no evidence.
    grant.expires_at = match (lookup.get("expire_time"), lookup.get("ttl")) {
        (Some(Value::String(t)), _) => {
            Some(crate::time::parse_timestamp(t).ok_or_else(|| {
                format!("lookup-self's `expire_time` is not an RFC 3339 time: {t}")
            })?)
        }
        (None | Some(Value::Null), Some(ttl)) if ttl.as_i64() == Some(0) => None,
        _ => {
            return Err(Unread::from(
                "lookup-self's `expire_time` is missing or null while `ttl` is not 0: when the \
                 token expires is unknown"
                    .to_owned(),
            ));
        }
    };
    Ok(grant)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(lookup: Value, caps: Value) -> Value {
        json!({ LOOKUP: { "data": lookup }, CAPABILITIES: { "data": caps } })
    }

    fn paths(p: &[&str]) -> Vec<String> {
        p.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn reads_policies_capabilities_and_expiry() {
        let body = answer(
            json!({"policies": ["app-read", "default"], "identity_policies": ["sudoer"],
                   "expire_time": "2026-11-24T19:03:54.742363748Z", "ttl": 86359,
                   "id": "s.secret", "accessor": "acc"}),
            json!({"secret/data/app": ["list", "read"], "sys/mounts": ["deny"]}),
        );
        let g = parse(&body, &paths(&["secret/data/app", "sys/mounts"]))
            .ok()
            .unwrap();
        assert_eq!(
            g.privileges,
            [
                "policy:app-read",
                "policy:default",
                "policy:sudoer",
                "secret/data/app:list",
                "secret/data/app:read"
            ]
        );
        assert_eq!(g.expires_at, Some(1_795_547_034));
        assert_eq!(
            g.notes,
            ["policies from the token's entity and groups: sudoer"]
        );
        assert_eq!(g.active, Some(true));
        // The stored form holds neither the token nor its accessor.
        let stored = project(&body, &paths(&["secret/data/app", "sys/mounts"]));
        let text = stored.to_string();
        assert!(
            !text.contains("s.secret") && !text.contains("acc"),
            "{text}"
        );
        let again = parse(&stored, &paths(&["secret/data/app", "sys/mounts"]))
            .ok()
            .unwrap();
        assert_eq!(again, g);
    }

    #[test]
    fn missing_or_contradictory_evidence_is_an_error() {
        let p = paths(&["a/b"]);
        let ok_lookup = json!({"policies": ["default"], "expire_time": null, "ttl": 0});
        let err = |body: Value| parse(&body, &p).err().map(|e| e.why);
        // A listed path without an answer is never "no capability".
        assert!(err(answer(ok_lookup.clone(), json!({}))).is_some());
        assert!(err(answer(ok_lookup.clone(), json!({"a/b": []}))).is_some());
        assert!(err(answer(ok_lookup.clone(), json!({"a/b": ["deny", "read"]}))).is_some());
        // Only `capabilities` (the one-path form) is not read.
        assert!(err(answer(ok_lookup.clone(), json!({"capabilities": ["read"]}))).is_some());
        assert!(
            err(answer(
                json!({"expire_time": null, "ttl": 0}),
                json!({"a/b": ["read"]})
            ))
            .is_some()
        );
        assert!(
            err(answer(
                json!({"policies": [], "ttl": 0}),
                json!({"a/b": ["read"]})
            ))
            .is_some()
        );
        assert!(
            err(answer(
                json!({"policies": ["x"], "identity_policies": null, "ttl": 0}),
                json!({"a/b": ["read"]})
            ))
            .is_some()
        );
        // A null expiry with time left is not "never".
        assert!(
            err(answer(
                json!({"policies": ["x"], "expire_time": null, "ttl": 60}),
                json!({"a/b": ["read"]})
            ))
            .is_some()
        );
        assert!(err(answer(json!({"policies": ["x"]}), json!({"a/b": ["read"]}))).is_some());
        // An empty name is no policy, an empty string no capability.
        assert!(
            err(answer(
                json!({"policies": [""], "ttl": 0}),
                json!({"a/b": ["read"]})
            ))
            .is_some()
        );
        assert!(err(answer(ok_lookup.clone(), json!({"a/b": [""]}))).is_some());
        let root = parse(
            &answer(
                json!({"policies": ["root"], "ttl": 0}),
                json!({"a/b": ["root"]}),
            ),
            &p,
        )
        .ok()
        .unwrap();
        assert_eq!(root.notes, ["policy `root`: the token may do anything"]);
        let never = parse(&answer(ok_lookup, json!({"a/b": ["root"]})), &p)
            .ok()
            .unwrap();
        assert_eq!(never.expires_at, None);
        assert_eq!(never.privileges, ["a/b:root", "policy:default"]);
    }

    #[test]
    fn only_the_unknown_token_refusal_proves_revocation() {
        assert!(refuses_token(
            403,
            &json!({"errors": ["permission denied"]})
        ));
        assert!(!refuses_token(
            403,
            &json!({"errors": ["1 error occurred:\n\t* permission denied\n\n"]})
        ));
        assert!(!refuses_token(403, &Value::Null));
        assert!(!refuses_token(
            401,
            &json!({"errors": ["permission denied"]})
        ));
    }
}
