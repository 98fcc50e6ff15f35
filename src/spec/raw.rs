//! The spec file as written: serde types that mirror the YAML one to one.
//!
//! Nothing here has a default resolved or a name checked; that is the plan's
//! job. Every field that a later error may point at is `Spanned`, and every
//! struct denies unknown keys so a typo is an error, never a silent no-op.

#[cfg(feature = "schema")]
use schemars::JsonSchema;
use serde::Deserialize;
use serde::de::{self, MapAccess, Visitor};
use std::fmt;

/// A source position, 1-based, as the loader reports it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Pos {
    pub line: u32,
    pub column: u32,
}

impl Pos {
    pub(crate) fn of<T>(spanned: &Spanned<T>) -> Pos {
        spanned.pos
    }
}

impl From<serde_saphyr::Location> for Pos {
    fn from(l: serde_saphyr::Location) -> Pos {
        Pos {
            line: u32::try_from(l.line()).unwrap_or(0),
            column: u32::try_from(l.column()).unwrap_or(0),
        }
    }
}

/// A value and where it was written: the position of the node it came
/// from (for an alias, the alias's own). permspec's own type rather than
/// serde-saphyr's, whose `Location` only serde-saphyr can make, so that a
/// reader other than its deserializer can build a spec (BENCHMARKS.md,
/// issue 15); it deserializes through serde-saphyr's and keeps
/// `referenced`, the position every error showed before.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Spanned<T> {
    pub value: T,
    pub pos: Pos,
}

impl<T> Spanned<T> {
    /// The value turned into another, at the same place.
    pub(crate) fn map<U>(self, f: impl FnOnce(T) -> U) -> Spanned<U> {
        Spanned {
            value: f(self.value),
            pos: self.pos,
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Spanned<T> {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = serde_saphyr::Spanned::<T>::deserialize(deserializer)?;
        Ok(Spanned {
            value: s.value,
            pos: s.referenced.into(),
        })
    }
}

/// Deserializes an optional key that, when written, must have a value.
///
/// `forbidden:` with nothing after it (or `~`, or `null`) would otherwise
/// read as "no such rule", and a spec that means to forbid something would
/// forbid nothing (issue 10). Only a missing key is absent.
fn present<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: de::Deserializer<'de>,
    T: Deserialize<'de>,
{
    match Option::<T>::deserialize(deserializer)? {
        Some(value) => Ok(Some(value)),
        None => Err(de::Error::custom(
            "this key has no value (an empty value is not the same as leaving the key out)",
        )),
    }
}

#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSpec {
    /// Which API answers.
    #[cfg_attr(feature = "schema", schemars(with = "ProviderName"))]
    pub provider: Spanned<String>,
    /// The API's address; `${VAR}` is read from the environment in live and
    /// record modes only.
    #[serde(default, deserialize_with = "present")]
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub base_url: Option<Spanned<String>>,
    /// Coveo: the organization id.
    #[serde(default, deserialize_with = "present")]
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub organization: Option<Spanned<String>>,
    /// Coveo: us, eu, au, ca or hipaa, instead of `base_url`.
    #[serde(default, deserialize_with = "present")]
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub region: Option<Spanned<String>>,
    /// Coveo: the token that calls the endpoint, when not the inspected one.
    #[serde(default, deserialize_with = "present")]
    #[cfg_attr(feature = "schema", schemars(with = "RawCredentialMap"))]
    pub caller: Option<Spanned<RawCredential>>,
    /// oauth2-introspection: the RFC 7662 endpoint ...
    #[serde(default, deserialize_with = "present")]
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub introspection_url: Option<Spanned<String>>,
    /// ... or the discovery document that names it.
    #[serde(default, deserialize_with = "present")]
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub discovery: Option<Spanned<String>>,
    /// oauth2-introspection: the client allowed to introspect.
    #[serde(default, deserialize_with = "present")]
    #[cfg_attr(feature = "schema", schemars(with = "RawClient"))]
    pub client: Option<Spanned<RawClient>>,
    /// oauth2-introspection and jwt: `docspace` applies DocSpace's covers rules.
    #[serde(default, deserialize_with = "present")]
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub scopes: Option<Spanned<String>>,
    /// jwt: the claims that hold the privileges (default: every one of
    /// `scope`, `scp` and `roles` the token has).
    #[serde(default, deserialize_with = "present")]
    #[cfg_attr(feature = "schema", schemars(with = "Vec<String>"))]
    pub claims: Option<Spanned<Vec<Spanned<String>>>>,
    /// http: what to ask.
    #[serde(default, deserialize_with = "present")]
    #[cfg_attr(feature = "schema", schemars(with = "RawHttpRequest"))]
    pub request: Option<Spanned<RawHttpRequest>>,
    /// http: where the answer lists the privileges.
    #[serde(default, deserialize_with = "present")]
    #[cfg_attr(feature = "schema", schemars(with = "RawPrivilegeSource"))]
    pub privileges: Option<Spanned<RawPrivilegeSource>>,
    /// vault: the Vault namespace asked, sent as `X-Vault-Namespace`.
    #[serde(default, deserialize_with = "present")]
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub namespace: Option<Spanned<String>>,
    /// vault: the paths whose capabilities are asked (`PATH:CAPABILITY`).
    #[serde(default, deserialize_with = "present")]
    #[cfg_attr(feature = "schema", schemars(with = "Vec<String>"))]
    pub paths: Option<Spanned<Vec<Spanned<String>>>>,
    /// kubernetes: the namespaces whose rules are asked.
    #[serde(default, deserialize_with = "present")]
    #[cfg_attr(feature = "schema", schemars(with = "Vec<String>"))]
    pub namespaces: Option<Spanned<Vec<Spanned<String>>>>,
    /// A replayed fixture older than this (`30d`) fails as stale.
    #[serde(default, deserialize_with = "present")]
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub max_fixture_age: Option<Spanned<String>>,
    /// A PEM file of CA certificates to trust for this API, besides the
    /// system's (relative to this spec file).
    #[serde(default, deserialize_with = "present")]
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub ca_file: Option<Spanned<String>>,
    /// Privilege names the API reports that permspec's catalogue lacks, to
    /// accept in rules as written.
    #[serde(default, deserialize_with = "present")]
    #[cfg_attr(feature = "schema", schemars(with = "Vec<String>"))]
    pub extra_privileges: Option<Spanned<Vec<Spanned<String>>>>,
    /// The statuses that mean a probe was denied (default: 403; GitHub's
    /// 403 and 404, since it hides private resources with 404, a denial
    /// only with a witness). Never 401: the credential was not accepted.
    #[serde(default, deserialize_with = "present")]
    #[cfg_attr(feature = "schema", schemars(with = "Vec<u16>"))]
    pub denied_statuses: Option<Spanned<Vec<Spanned<u16>>>>,
    /// http, jwt and oauth2-introspection: every privilege name the API
    /// can report; rule entries are then checked against it, with "did
    /// you mean" (the vocabulary is otherwise open).
    #[serde(default, deserialize_with = "present")]
    #[cfg_attr(feature = "schema", schemars(with = "Vec<String>"))]
    pub vocabulary: Option<Spanned<Vec<Spanned<String>>>>,
    /// http and probes: how the API refuses inside a 2xx answer.
    #[serde(default, deserialize_with = "present")]
    #[cfg_attr(feature = "schema", schemars(with = "RawRefusedWhen"))]
    pub refused_when: Option<Spanned<RawRefusedWhen>>,
    /// The named tokens: letters, digits, '-', '_' and '.'.
    #[cfg_attr(
        feature = "schema",
        schemars(with = "std::collections::BTreeMap<String, RawToken>")
    )]
    pub tokens: Spanned<TokenMap>,
}

/// `refused_when:`: where a 2xx answer says the request was refused.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRefusedWhen {
    /// A JSON pointer: a 2xx answer with a value there (not null, false or
    /// empty) is a refusal, such as GraphQL's /errors.
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub json: Spanned<String>,
    /// A JSON pointer to the refusal's reason (default: `json`), such as
    /// /errors/0/type.
    #[serde(default, deserialize_with = "present")]
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub reason: Option<Spanned<String>>,
    /// The reasons that mean a permission was denied, such as FORBIDDEN;
    /// any other refusal proves nothing.
    #[serde(default, deserialize_with = "present")]
    #[cfg_attr(feature = "schema", schemars(with = "Vec<String>"))]
    pub denied: Option<Spanned<Vec<Spanned<String>>>>,
}

#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct RawClient {
    /// Where the client id comes from.
    #[cfg_attr(feature = "schema", schemars(with = "RawSourceMap"))]
    pub id: Spanned<RawSource>,
    /// Where the client secret comes from.
    #[cfg_attr(feature = "schema", schemars(with = "RawSourceMap"))]
    pub secret: Spanned<RawSource>,
    /// client_secret_basic (default) or client_secret_post.
    #[serde(default, deserialize_with = "present")]
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub auth_method: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct RawHttpRequest {
    /// GET (default), POST or HEAD.
    #[serde(default, deserialize_with = "present")]
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub method: Option<Spanned<String>>,
    /// Appended to base_url, such as /user.
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub path: Spanned<String>,
    /// Extra request headers (never Authorization).
    #[serde(default, deserialize_with = "present")]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "std::collections::BTreeMap<String, String>")
    )]
    pub headers: Option<std::collections::BTreeMap<String, String>>,
    /// Send the token in this query parameter instead of `Authorization`.
    #[serde(default, deserialize_with = "present")]
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub token_query: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPrivilegeSource {
    /// A response header listing the privileges, split on commas and spaces.
    #[serde(default, deserialize_with = "present")]
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub header: Option<Spanned<String>>,
    /// A JSON pointer to the privileges in the response body.
    #[serde(default, deserialize_with = "present")]
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub json: Option<Spanned<String>>,
    /// With json: the member naming each privilege when entries are objects.
    #[serde(default, deserialize_with = "present")]
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub field: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct RawToken {
    /// What the token is for; printed in failures and the audit.
    #[serde(default, deserialize_with = "present")]
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub description: Option<String>,
    /// Where the secret comes from: `{ env: NAME }` or `{ file: PATH }`, never the secret itself.
    #[serde(default, deserialize_with = "present")]
    #[cfg_attr(feature = "schema", schemars(with = "RawCredentialMap"))]
    pub credential: Option<Spanned<RawCredential>>,
    /// What the token must, may and must never hold.
    #[serde(default, deserialize_with = "present")]
    #[cfg_attr(feature = "schema", schemars(with = "RawExpect"))]
    pub expect: Option<Spanned<RawExpect>>,
    /// Requests the token must be allowed or denied, or `auto` (docspace:
    /// one read probe per permission, checked against what the key reports).
    #[serde(default, deserialize_with = "present")]
    #[cfg_attr(feature = "schema", schemars(with = "ProbesEntry"))]
    pub probes: Option<Spanned<RawProbes>>,
}

/// `probes:`: a list, or a word (`auto`; the plan checks which).
#[derive(Debug)]
pub(crate) enum RawProbes {
    Word(String),
    List(Vec<Spanned<RawProbe>>),
}

impl<'de> Deserialize<'de> for RawProbes {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ProbesVisitor;
        impl<'de> Visitor<'de> for ProbesVisitor {
            type Value = RawProbes;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of probes, or `auto`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawProbes, E> {
                Ok(RawProbes::Word(v.to_owned()))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<RawProbes, A::Error> {
                Vec::deserialize(de::value::SeqAccessDeserializer::new(seq)).map(RawProbes::List)
            }
        }
        deserializer.deserialize_any(ProbesVisitor)
    }
}

/// One probe: exactly one method key with the path, what the answer must
/// be, and, for a method that could change something, why it cannot.
#[derive(Debug, Default, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct RawProbe {
    /// GET this path (relative to `base_url`).
    #[serde(default, deserialize_with = "present")]
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub get: Option<Spanned<String>>,
    /// HEAD this path.
    #[serde(default, deserialize_with = "present")]
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub head: Option<Spanned<String>>,
    /// OPTIONS this path.
    #[serde(default, deserialize_with = "present")]
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub options: Option<Spanned<String>>,
    /// POST to this path (needs `unsafe:`).
    #[serde(default, deserialize_with = "present")]
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub post: Option<Spanned<String>>,
    /// PUT to this path (needs `unsafe:`).
    #[serde(default, deserialize_with = "present")]
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub put: Option<Spanned<String>>,
    /// PATCH this path (needs `unsafe:`).
    #[serde(default, deserialize_with = "present")]
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub patch: Option<Spanned<String>>,
    /// DELETE this path (needs `unsafe:`).
    #[serde(default, deserialize_with = "present")]
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub delete: Option<Spanned<String>>,
    /// `allowed` (a 2xx answer) or `denied` (one of `denied_statuses`).
    #[serde(default, deserialize_with = "present")]
    #[cfg_attr(feature = "schema", schemars(with = "ProbeOutcome"))]
    pub expect: Option<Spanned<String>>,
    /// Why this request cannot change anything (any method but get, head
    /// and options).
    #[serde(default, rename = "unsafe", deserialize_with = "present")]
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub unsafe_reason: Option<Spanned<String>>,
    /// With `unsafe:`: statuses that mean the write was authorized and only
    /// its deliberately invalid payload refused (e.g. [404, 422]).
    #[serde(default, deserialize_with = "present")]
    #[cfg_attr(feature = "schema", schemars(with = "Vec<u16>"))]
    pub allowed_statuses: Option<Spanned<Vec<Spanned<u16>>>>,
    /// A JSON body to send (only with `unsafe:`; e.g. a deliberately
    /// invalid payload).
    #[serde(default, deserialize_with = "present")]
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub body: Option<Spanned<String>>,
}

/// What a probe's answer must be (for the schema).
#[cfg(feature = "schema")]
#[derive(JsonSchema)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)]
pub(crate) enum ProbeOutcome {
    /// A 2xx answer.
    Allowed,
    /// One of `denied_statuses`.
    Denied,
}

/// `probes:` (for the schema; see [`RawProbes`]).
#[cfg(feature = "schema")]
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
pub(crate) enum ProbesEntry {
    /// `auto`: docspace only.
    Auto(AutoWord),
    List(Vec<RawProbe>),
}

/// The word `auto`.
#[cfg(feature = "schema")]
#[derive(JsonSchema)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)]
pub(crate) enum AutoWord {
    Auto,
}

/// `{ env: NAME }`, `{ file: PATH }`, optionally with `scheme:`, or
/// `{ scheme: basic|login, username: {...}, password: {...} }`. Every key is
/// optional here so the plan can say which one is missing, or which two
/// clash, at the mapping's own position.
#[derive(Debug, Default, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCredentialMap {
    /// The environment variable that holds the secret.
    #[serde(default, deserialize_with = "present")]
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub env: Option<Spanned<String>>,
    /// A file that holds the secret (relative paths start at the working directory).
    #[serde(default, deserialize_with = "present")]
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub file: Option<Spanned<String>>,
    /// How it is sent: bearer (default), raw, basic, or login (DocSpace sign-in).
    #[serde(default, deserialize_with = "present")]
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub scheme: Option<Spanned<String>>,
    /// basic and login: where the user name comes from.
    #[serde(default, deserialize_with = "present")]
    #[cfg_attr(feature = "schema", schemars(with = "RawSourceMap"))]
    pub username: Option<Spanned<RawSource>>,
    /// basic and login: where the password comes from.
    #[serde(default, deserialize_with = "present")]
    #[cfg_attr(feature = "schema", schemars(with = "RawSourceMap"))]
    pub password: Option<Spanned<RawSource>>,
}

/// Where one secret value comes from: `{ env: NAME }` or `{ file: PATH }`.
#[derive(Debug, Default, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSourceMap {
    /// The environment variable that holds the value.
    #[serde(default, deserialize_with = "present")]
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub env: Option<Spanned<String>>,
    /// A file that holds the value.
    #[serde(default, deserialize_with = "present")]
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub file: Option<Spanned<String>>,
}

/// A value written where a source belongs (`credential: sk-...`): an
/// error, and perhaps a leaked secret. The value itself is kept only when
/// it is a variable's name (`credential: DOCSPACE_KEY`), for the hint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Pasted {
    pub looks_secret: bool,
    pub variable: Option<String>,
}

impl Pasted {
    pub(super) fn of(value: &str) -> Pasted {
        let variable = !value.is_empty()
            && value
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
            && !value.starts_with(|c: char| c.is_ascii_digit());
        Pasted {
            looks_secret: !variable,
            variable: variable.then(|| value.to_owned()),
        }
    }
}

/// A credential: its source, or a value pasted in its place.
#[derive(Debug)]
pub(crate) enum RawCredential {
    Source(Box<RawCredentialMap>),
    Pasted(Pasted),
}

/// One secret's source, or a value pasted in its place.
#[derive(Debug)]
pub(crate) enum RawSource {
    Source(RawSourceMap),
    Pasted(Pasted),
}

/// Deserializes a mapping into `M`, or keeps only whether a scalar looked
/// like a secret.
fn map_or_pasted<'de, D, M, T>(
    deserializer: D,
    map: fn(M) -> T,
    pasted: fn(Pasted) -> T,
) -> Result<T, D::Error>
where
    D: de::Deserializer<'de>,
    M: Deserialize<'de>,
{
    struct SourceVisitor<M, T> {
        map: fn(M) -> T,
        pasted: fn(Pasted) -> T,
    }
    impl<'de, M: Deserialize<'de>, T> Visitor<'de> for SourceVisitor<M, T> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("`{ env: NAME }` or `{ file: PATH }`")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
            Ok((self.pasted)(Pasted::of(v)))
        }
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<T, E> {
            Ok((self.pasted)(Pasted::of("0")))
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<T, E> {
            Ok((self.pasted)(Pasted::of("0")))
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<T, E> {
            Ok((self.pasted)(Pasted::of("0")))
        }
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<T, E> {
            Ok((self.pasted)(Pasted::of("0")))
        }
        fn visit_map<A: MapAccess<'de>>(self, access: A) -> Result<T, A::Error> {
            M::deserialize(de::value::MapAccessDeserializer::new(access)).map(self.map)
        }
    }
    deserializer.deserialize_any(SourceVisitor { map, pasted })
}

impl<'de> Deserialize<'de> for RawCredential {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        map_or_pasted(
            deserializer,
            |m| RawCredential::Source(Box::new(m)),
            RawCredential::Pasted,
        )
    }
}

impl<'de> Deserialize<'de> for RawSource {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        map_or_pasted(deserializer, RawSource::Source, RawSource::Pasted)
    }
}

#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct RawExpect {
    /// The granted set equals this list (literal, order-insensitive).
    #[serde(default, deserialize_with = "present")]
    #[cfg_attr(feature = "schema", schemars(with = "Vec<PrivilegeEntry>"))]
    pub exactly: Option<Spanned<Vec<Spanned<RawPrivilege>>>>,
    /// Every listed privilege is granted, or covered by one granted.
    #[serde(default, deserialize_with = "present")]
    #[cfg_attr(feature = "schema", schemars(with = "Vec<PrivilegeEntry>"))]
    pub at_least: Option<Spanned<Vec<Spanned<RawPrivilege>>>>,
    /// Every granted privilege is covered by a listed one (a ceiling).
    #[serde(default, deserialize_with = "present")]
    #[cfg_attr(feature = "schema", schemars(with = "Vec<PrivilegeEntry>"))]
    pub at_most: Option<Spanned<Vec<Spanned<RawPrivilege>>>>,
    /// No granted privilege gives anything a listed entry names.
    #[serde(default, deserialize_with = "present")]
    #[cfg_attr(feature = "schema", schemars(with = "Vec<PrivilegeEntry>"))]
    pub forbidden: Option<Spanned<Vec<Spanned<RawPrivilege>>>>,
    /// Whether the token must be active (`false`: must stay revoked).
    #[serde(default, deserialize_with = "present")]
    #[cfg_attr(feature = "schema", schemars(with = "bool"))]
    pub active: Option<Spanned<bool>>,
    /// The token must expire within this long from now (`90d`).
    #[serde(default, deserialize_with = "present")]
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
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
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPrivilegeMap {
    /// Coveo: PLATFORM, SEARCH_API, USAGE_ANALYTICS, COVEO_ML or COMMERCE.
    #[serde(default, deserialize_with = "present")]
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub owner: Option<String>,
    /// Coveo: the domain, such as SOURCE.
    #[serde(default, rename = "targetDomain", deserialize_with = "present")]
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub target_domain: Option<String>,
    /// Coveo: VIEW, EDIT, CREATE or ENABLE.
    #[serde(default, rename = "type", deserialize_with = "present")]
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub kind: Option<String>,
    /// Coveo: one resource; `*` or absent for every resource.
    #[serde(default, rename = "targetId", deserialize_with = "present")]
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub target_id: Option<String>,
    /// An exception: the privilege it allows.
    #[serde(default, deserialize_with = "present")]
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub privilege: Option<String>,
    /// An exception: why it is allowed.
    #[serde(default, deserialize_with = "present")]
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub reason: Option<String>,
    /// An exception: the ticket that tracks it.
    #[serde(default, deserialize_with = "present")]
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub ticket: Option<String>,
    /// An exception: YYYY-MM-DD; after that day the case fails.
    #[serde(default, deserialize_with = "present")]
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
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

/// The providers, for the schema (the loader checks names itself, with a
/// suggestion for typos).
#[cfg(feature = "schema")]
#[derive(JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[allow(dead_code)]
pub(crate) enum ProviderName {
    /// DocSpace API key permissions (`GET /api/2.0/keys/@self`).
    Docspace,
    /// The role of the DocSpace account behind a credential.
    DocspaceAccount,
    /// DocSpace's catalog of API key permission names.
    DocspacePermissions,
    /// DocSpace's catalog of OAuth scopes.
    DocspaceScopes,
    /// The privileges of a Coveo access token.
    Coveo,
    /// Any OAuth 2.0 server's token introspection (RFC 7662).
    Oauth2Introspection,
    /// The scope claim of a JWT access token, decoded offline.
    Jwt,
    /// Any HTTP API that reports scopes in a header or a JSON member.
    Http,
    /// GitHub classic personal access tokens and OAuth tokens (`GET /user`).
    Github,
    /// GitLab personal, project and group access tokens.
    Gitlab,
    /// Slack tokens (`auth.test`).
    Slack,
    /// Google OAuth access tokens (tokeninfo).
    Google,
    /// HashiCorp Vault and OpenBao tokens (lookup-self, capabilities-self).
    Vault,
    /// Kubernetes tokens (a SelfSubjectRulesReview per namespace).
    Kubernetes,
    /// Only the token's probes: for tokens that cannot report their own
    /// permissions (GitHub fine-grained PATs, Stripe restricted keys).
    Probes,
}

/// A privilege: a name such as `files:read`, a Coveo mapping, or a
/// justified exception (for the schema; see [`RawPrivilege`]).
#[cfg(feature = "schema")]
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
pub(crate) enum PrivilegeEntry {
    Name(String),
    Map(RawPrivilegeMap),
}

/// Every key any mapping of the spec format accepts, read from the field
/// lists serde's derive gives each mapping's type, so no list is kept by
/// hand (and none needs the schema generator). A type added to the format
/// is added here; the test `every_key_is_every_key_of_the_schema` checks
/// the list against the generated schema.
pub(crate) fn every_key() -> impl Iterator<Item = &'static str> {
    [
        fields::<RawSpec>(),
        fields::<RawClient>(),
        fields::<RawHttpRequest>(),
        fields::<RawPrivilegeSource>(),
        fields::<RawRefusedWhen>(),
        fields::<RawToken>(),
        fields::<RawProbe>(),
        fields::<RawCredentialMap>(),
        fields::<RawSourceMap>(),
        fields::<RawExpect>(),
        fields::<RawPrivilegeMap>(),
    ]
    .into_iter()
    .flatten()
    .copied()
}

/// The field names `T`'s derived `Deserialize` asks for: it hands them to
/// `deserialize_struct`, which this deserializer keeps, and fails.
pub(super) fn fields<'de, T: Deserialize<'de>>() -> &'static [&'static str] {
    use serde::de::{Error, Visitor};
    use std::fmt;

    #[derive(Debug)]
    struct Kept(&'static [&'static str]);
    impl fmt::Display for Kept {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("field names kept")
        }
    }
    impl std::error::Error for Kept {}
    impl Error for Kept {
        fn custom<M: fmt::Display>(_: M) -> Self {
            Kept(&[])
        }
    }

    struct Fields;
    impl<'de> serde::Deserializer<'de> for Fields {
        type Error = Kept;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Kept> {
            Err(Kept(&[]))
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Kept> {
            Err(Kept(fields))
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
            bytes byte_buf option unit unit_struct newtype_struct seq tuple
            tuple_struct map enum identifier ignored_any
        }
    }
    match T::deserialize(Fields) {
        Err(Kept(fields)) => fields,
        Ok(_) => &[],
    }
}
