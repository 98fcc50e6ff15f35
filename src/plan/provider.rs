//! Which API a spec names, and what the plan needs to know about it: its
//! rules, the keys and credential schemes it takes, what it can tell.
//!
//! The enum lives here, in the plan, because planning decides with it;
//! `provider/` adds what each one asks and how it reads the answer
//! (`impl Provider` there), so the plan never imports a later stage.

use crate::privilege::{COVEO, DOCSPACE, Family, PLAIN, ROLES};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Provider {
    /// The permissions of a DocSpace API key.
    DocSpace,
    /// The role of the DocSpace account behind a credential.
    DocSpaceAccount,
    /// DocSpace's catalog of API key permission names.
    DocSpacePermissions,
    /// DocSpace's catalog of OAuth scopes.
    DocSpaceScopes,
    /// The privileges of a Coveo access token.
    Coveo,
    /// Any OAuth 2.0 server's token introspection (RFC 7662).
    OAuth2Introspection,
    /// The scope claims of a JWT access token, decoded offline.
    Jwt,
    /// Any HTTP API that reports scopes in a header or a JSON member.
    Http,
}

impl Provider {
    pub(crate) const ALL: &'static [Provider] = &[
        Provider::DocSpace,
        Provider::DocSpaceAccount,
        Provider::DocSpacePermissions,
        Provider::DocSpaceScopes,
        Provider::Coveo,
        Provider::OAuth2Introspection,
        Provider::Jwt,
        Provider::Http,
    ];

    pub(crate) fn from_name(name: &str) -> Option<Provider> {
        Provider::ALL.iter().copied().find(|p| p.name() == name)
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Provider::DocSpace => "docspace",
            Provider::DocSpaceAccount => "docspace-account",
            Provider::DocSpacePermissions => "docspace-permissions",
            Provider::DocSpaceScopes => "docspace-scopes",
            Provider::Coveo => "coveo",
            Provider::OAuth2Introspection => "oauth2-introspection",
            Provider::Jwt => "jwt",
            Provider::Http => "http",
        }
    }

    /// The rules its privileges follow, unless the spec says `scopes:`.
    pub(crate) fn family(self) -> &'static dyn Family {
        match self {
            Provider::DocSpace => &DOCSPACE,
            Provider::DocSpaceAccount => &ROLES,
            Provider::Coveo => &COVEO,
            Provider::DocSpacePermissions
            | Provider::DocSpaceScopes
            | Provider::OAuth2Introspection
            | Provider::Jwt
            | Provider::Http => &PLAIN,
        }
    }

    pub(crate) fn is_coveo(self) -> bool {
        self == Provider::Coveo
    }

    pub(crate) fn is_docspace(self) -> bool {
        matches!(
            self,
            Provider::DocSpace
                | Provider::DocSpaceAccount
                | Provider::DocSpacePermissions
                | Provider::DocSpaceScopes
        )
    }

    /// Whether DocSpace's sign-in (`scheme: login`) goes with it.
    pub(crate) fn has_login(self) -> bool {
        self.is_docspace()
    }

    /// The status with which the API refuses a revoked credential, where
    /// that is its only way to say so (a disabled DocSpace key gets 401 with
    /// an empty body). Under `active: false` this answer passes, and is
    /// recorded, when the request could have succeeded (see `fetch`).
    pub(crate) fn inactive_status(self) -> Option<u16> {
        (self == Provider::DocSpace).then_some(401)
    }

    /// Whether the API says when a token expires (`expires_within`). For
    /// these, no expiry in the answer means the token never expires.
    pub(crate) fn reports_expiry(self) -> bool {
        matches!(
            self,
            Provider::DocSpace | Provider::OAuth2Introspection | Provider::Jwt
        )
    }

    /// Whether the API says if a token is active (`expect: { active: ... }`).
    pub(crate) fn reports_active(self) -> bool {
        matches!(self, Provider::DocSpace | Provider::OAuth2Introspection)
    }

    /// How the token reaches the endpoint, where only a plain token can:
    /// any other scheme would ask something the endpoint cannot answer, and
    /// its refusal would prove nothing (issue 10, item 6). `None`: every
    /// scheme works.
    pub(crate) fn plain_token_only(self) -> Option<&'static str> {
        match self {
            Provider::DocSpace => Some(
                "provider `docspace` asks /api/2.0/keys/@self, which takes an API key as \
                 `Authorization: Bearer`",
            ),
            Provider::Coveo => Some(
                "provider `coveo` inspects an access token, sent in the query string \
                 (`caller:` sends `Authorization: Bearer`)",
            ),
            Provider::OAuth2Introspection => {
                Some("provider `oauth2-introspection` sends the token itself in the form body")
            }
            Provider::Jwt => Some("provider `jwt` decodes the token itself"),
            _ => None,
        }
    }
}
