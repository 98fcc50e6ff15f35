//! The spec file as written: serde types that mirror the YAML one to one.
//!
//! Nothing here has a default resolved or a name checked; that is the plan's
//! job. Every field that a later error may point at is `Spanned`, and every
//! struct denies unknown keys so a typo is an error, never a silent no-op.

use serde::Deserialize;
use serde::de::{self, MapAccess, Visitor};
use serde_saphyr::Spanned;
use std::fmt;

/// A source position, 1-based, as the loader reports it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Pos {
    pub line: u32,
    pub column: u32,
}

impl Pos {
    pub(crate) fn of<T>(spanned: &Spanned<T>) -> Pos {
        Pos {
            line: u32::try_from(spanned.referenced.line()).unwrap_or(0),
            column: u32::try_from(spanned.referenced.column()).unwrap_or(0),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSpec {
    pub provider: Spanned<String>,
    #[serde(default)]
    pub base_url: Option<Spanned<String>>,
    /// Coveo: the organization id.
    #[serde(default)]
    pub organization: Option<Spanned<String>>,
    /// Coveo: us, eu, au, ca or hipaa, instead of `base_url`.
    #[serde(default)]
    pub region: Option<Spanned<String>>,
    /// Coveo: the token that calls the endpoint, when not the inspected one.
    #[serde(default)]
    pub caller: Option<Spanned<RawCredential>>,
    /// oauth2-introspection: the RFC 7662 endpoint ...
    #[serde(default)]
    pub introspection_url: Option<Spanned<String>>,
    /// ... or the discovery document that names it.
    #[serde(default)]
    pub discovery: Option<Spanned<String>>,
    /// oauth2-introspection: the client allowed to introspect.
    #[serde(default)]
    pub client: Option<Spanned<RawClient>>,
    /// oauth2-introspection and jwt: `docspace` applies DocSpace's covers rules.
    #[serde(default)]
    pub scopes: Option<Spanned<String>>,
    /// jwt: the claim that holds the privileges (default `scope`, then `scp`).
    #[serde(default)]
    pub claim: Option<Spanned<String>>,
    /// http: what to ask.
    #[serde(default)]
    pub request: Option<Spanned<RawHttpRequest>>,
    /// http: where the answer lists the privileges.
    #[serde(default)]
    pub privileges: Option<Spanned<RawPrivilegeSource>>,
    /// A replayed fixture older than this (`30d`) fails as stale.
    #[serde(default)]
    pub max_fixture_age: Option<Spanned<String>>,
    pub tokens: Spanned<TokenMap>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawClient {
    pub id: Spanned<RawSource>,
    pub secret: Spanned<RawSource>,
    #[serde(default)]
    pub auth_method: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawHttpRequest {
    #[serde(default)]
    pub method: Option<Spanned<String>>,
    pub path: Spanned<String>,
    #[serde(default)]
    pub headers: Option<std::collections::BTreeMap<String, String>>,
    /// Send the token in this query parameter instead of `Authorization`.
    #[serde(default)]
    pub token_query: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPrivilegeSource {
    #[serde(default)]
    pub header: Option<Spanned<String>>,
    #[serde(default)]
    pub json: Option<Spanned<String>>,
    #[serde(default)]
    pub field: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawToken {
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub credential: Option<Spanned<RawCredential>>,
    #[serde(default)]
    pub expect: Option<Spanned<RawExpect>>,
}

/// `{ env: NAME }`, `{ file: PATH }`, optionally with `scheme:`, or
/// `{ scheme: basic|login, username: {...}, password: {...} }`. Every key is
/// optional here so the plan can say which one is missing, or which two
/// clash, at the mapping's own position.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCredential {
    #[serde(default)]
    pub env: Option<Spanned<String>>,
    #[serde(default)]
    pub file: Option<Spanned<String>>,
    #[serde(default)]
    pub scheme: Option<Spanned<String>>,
    #[serde(default)]
    pub username: Option<Spanned<RawSource>>,
    #[serde(default)]
    pub password: Option<Spanned<RawSource>>,
}

/// Where one secret value comes from: `{ env: NAME }` or `{ file: PATH }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSource {
    #[serde(default)]
    pub env: Option<Spanned<String>>,
    #[serde(default)]
    pub file: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawExpect {
    #[serde(default)]
    pub exactly: Option<Vec<Spanned<RawPrivilege>>>,
    #[serde(default)]
    pub at_least: Option<Vec<Spanned<RawPrivilege>>>,
    #[serde(default)]
    pub at_most: Option<Vec<Spanned<RawPrivilege>>>,
    #[serde(default)]
    pub forbidden: Option<Vec<Spanned<RawPrivilege>>>,
    /// Whether the token must be active (`false`: must stay revoked).
    #[serde(default)]
    pub active: Option<Spanned<bool>>,
    /// The token must expire within this long from now (`90d`).
    #[serde(default)]
    pub expires_within: Option<Spanned<String>>,
}

/// One entry of a rule's list: a name (`files:read`), or a mapping: Coveo's
/// own form `{owner, targetDomain, type, targetId}`, or a justified
/// exception `{privilege, reason, ticket, review_by}` (at_most, exactly).
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum RawPrivilege {
    Name(String),
    Map(RawPrivilegeMap),
}

#[derive(Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPrivilegeMap {
    #[serde(default)]
    pub owner: Option<String>,
    #[serde(default, rename = "targetDomain")]
    pub target_domain: Option<String>,
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    #[serde(default, rename = "targetId")]
    pub target_id: Option<String>,
    #[serde(default)]
    pub privilege: Option<String>,
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub ticket: Option<String>,
    #[serde(default)]
    pub review_by: Option<String>,
}

impl<'de> Deserialize<'de> for RawPrivilege {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EntryVisitor;
        impl<'de> Visitor<'de> for EntryVisitor {
            type Value = RawPrivilege;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a privilege name, or a mapping with owner and targetDomain")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawPrivilege, E> {
                Ok(RawPrivilege::Name(v.to_owned()))
            }
            // YAML reads `1` or `true` as a number or boolean; keep them as
            // names so the plan can say they are not privileges.
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawPrivilege, E> {
                Ok(RawPrivilege::Name(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawPrivilege, E> {
                Ok(RawPrivilege::Name(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<RawPrivilege, E> {
                Ok(RawPrivilege::Name(v.to_string()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<RawPrivilege, E> {
                Ok(RawPrivilege::Name(v.to_string()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawPrivilege, A::Error> {
                RawPrivilegeMap::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(RawPrivilege::Map)
            }
        }
        deserializer.deserialize_any(EntryVisitor)
    }
}

/// The `tokens:` mapping in file order, duplicates kept, so the plan can
/// point at the second occurrence of a name.
#[derive(Debug, Default)]
pub(crate) struct TokenMap(pub Vec<(Spanned<String>, Spanned<RawToken>)>);

impl<'de> Deserialize<'de> for TokenMap {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MapVisitor;
        impl<'de> Visitor<'de> for MapVisitor {
            type Value = TokenMap;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a mapping of token names to tokens")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<TokenMap, A::Error> {
                let mut out = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    out.push(entry);
                }
                Ok(TokenMap(out))
            }
        }
        deserializer.deserialize_map(MapVisitor)
    }
}
