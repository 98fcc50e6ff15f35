//! Which API a spec names, and what the plan needs to know about it: its
//! rules, the keys and credential schemes it takes, what it can tell.
//!
//! The enum lives here, in the plan, because planning decides with it;
//! `provider/` adds what each one asks and how it reads the answer
//! (`impl Provider` there), so the plan never imports a later stage.

use crate::privilege::{
    COVEO, DOCSPACE, Family, GITHUB, GITLAB, GOOGLE, KUBERNETES, PLAIN, ROLES, SLACK, VAULT,
};

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
    /// GitHub classic personal access tokens and OAuth tokens.
    GitHub,
    /// GitLab personal, project and group access tokens.
    GitLab,
    /// Slack tokens, through `auth.test`.
    Slack,
    /// Google OAuth access tokens, through tokeninfo.
    Google,
    /// HashiCorp Vault and OpenBao tokens: policies, and capabilities on
    /// the paths the spec lists.
    Vault,
    /// Kubernetes tokens: the RBAC rules in each namespace the spec lists.
    Kubernetes,
    /// No report at all: only the token's probes (GitHub fine-grained
    /// PATs, Stripe restricted keys).
    Probes,
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
        Provider::GitHub,
        Provider::GitLab,
        Provider::Slack,
        Provider::Google,
        Provider::Vault,
        Provider::Kubernetes,
        Provider::Probes,
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
            Provider::GitHub => "github",
            Provider::GitLab => "gitlab",
            Provider::Slack => "slack",
            Provider::Google => "google",
            Provider::Vault => "vault",
            Provider::Kubernetes => "kubernetes",
            Provider::Probes => "probes",
        }
    }

    /// The rules its privileges follow, unless the spec says `scopes:`.
    pub(crate) fn family(self) -> &'static dyn Family {
        match self {
            Provider::DocSpace => &DOCSPACE,
            Provider::DocSpaceAccount => &ROLES,
            Provider::Coveo => &COVEO,
            Provider::GitHub => &GITHUB,
            Provider::GitLab => &GITLAB,
            Provider::Slack => &SLACK,
            Provider::Google => &GOOGLE,
            Provider::Vault => &VAULT,
            Provider::Kubernetes => &KUBERNETES,
            Provider::DocSpacePermissions
            | Provider::DocSpaceScopes
            | Provider::OAuth2Introspection
            | Provider::Jwt
            | Provider::Http
            | Provider::Probes => &PLAIN,
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

    /// Whether the API says when a token expires (`expires_within`). For
    /// these, no expiry in the answer means the token never expires.
    pub(crate) fn reports_expiry(self) -> bool {
        // GitHub sends its expiry header only for a token that expires;
        // GitLab's `expires_at` is null for one that never does.
        matches!(
            self,
            Provider::DocSpace
                | Provider::OAuth2Introspection
                | Provider::Jwt
                | Provider::GitHub
                | Provider::GitLab
                | Provider::Google
                | Provider::Vault
        )
    }

    /// Whether the API says if a token is active (`expect: { active: ... }`).
    pub(crate) fn reports_active(self) -> bool {
        matches!(
            self,
            Provider::DocSpace
                | Provider::OAuth2Introspection
                | Provider::GitHub
                | Provider::GitLab
                | Provider::Slack
                | Provider::Google
                | Provider::Vault
                | Provider::Kubernetes
        )
    }

    /// Whether a token of this provider may have `probes:`: its API is the
    /// one at `base_url`, and the credential goes in a header as it is
    /// (not a catalogue, an introspection endpoint, an offline decode, or
    /// Google's tokeninfo, which is not where the token is used).
    pub(crate) fn takes_probes(self) -> bool {
        matches!(
            self,
            Provider::DocSpace
                | Provider::DocSpaceAccount
                | Provider::Coveo
                | Provider::Http
                | Provider::GitHub
                | Provider::GitLab
                | Provider::Slack
                | Provider::Vault
                | Provider::Kubernetes
                | Provider::Probes
        )
    }

    /// The statuses that mean a probe was denied, when the spec does not
    /// say: GitHub hides a private resource from a token that may not see
    /// it with 404, and answers 403 for one it may see but not change
    /// (MORE-PROVIDERS.md, "GitHub"); a 404 then proves a denial only with
    /// a witness that the resource exists. Never 401: it says the
    /// credential was not accepted, not what it may do (issue 35, item 3).
    pub(crate) fn denied_statuses(self) -> &'static [u16] {
        match self {
            Provider::GitHub => &[403, 404],
            _ => &[403],
        }
    }

    /// How the API refuses inside a 2xx answer, when it is built in
    /// (Slack); `provider: http` and `probes` may say so in the spec
    /// (`refused_when:`).
    pub(crate) fn refuses_in_body(self) -> Option<super::BodyRule> {
        (self == Provider::Slack).then_some(super::BodyRule::Slack)
    }

    /// Whether a spec may declare its API's names (`vocabulary:`): the
    /// family takes any name, and the provider has rules to check.
    pub(crate) fn takes_vocabulary(self) -> bool {
        self != Provider::Probes && !self.family().checks_names()
    }

    /// Whether a spec may say how its API refuses in a 2xx answer.
    pub(crate) fn takes_refused_when(self) -> bool {
        matches!(self, Provider::Http | Provider::Probes)
    }

    /// The probes `probes: auto` derives, for a provider with a table.
    pub(crate) fn auto_probes(self) -> Option<super::AutoTable> {
        match self {
            Provider::DocSpace => Some(super::probes::DOCSPACE_AUTO),
            _ => None,
        }
    }

    /// The default `base_url`, for APIs with one public address.
    pub(crate) fn default_base_url(self) -> Option<&'static str> {
        match self {
            Provider::GitHub => Some("https://api.github.com"),
            Provider::GitLab => Some("https://gitlab.com"),
            Provider::Slack => Some("https://slack.com/api"),
            Provider::Google => Some("https://oauth2.googleapis.com"),
            _ => None,
        }
    }

    /// An address of the kind `base_url` holds for this provider, for a
    /// hint: a DocSpace portal's, a Vault server's, or any API's (issue
    /// 39: a spec never gets another provider's example).
    pub(crate) fn example_address(self) -> &'static str {
        match self {
            p if p.is_docspace() => "https://portal.example.com",
            Provider::Coveo => "https://platform.cloud.coveo.com",
            Provider::GitHub => "https://ghe.example.com/api/v3",
            Provider::GitLab => "https://gitlab.example.com",
            Provider::Vault => "https://vault.example.com:8200",
            Provider::Kubernetes => "https://k8s.example.com:6443",
            p => p.default_base_url().unwrap_or("https://api.example.com"),
        }
    }

    /// The providers with a property, by name, for hints ("`active` works
    /// with docspace, ...").
    pub(crate) fn names_where(has: impl Fn(Provider) -> bool) -> String {
        let names: Vec<&str> = Provider::ALL
            .iter()
            .copied()
            .filter(|p| has(*p))
            .map(Provider::name)
            .collect();
        names.join(", ")
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
            Provider::GitHub => Some(
                "provider `github` asks /user with the token as `Authorization: Bearer`, the \
                 only way its scopes header describes the token",
            ),
            Provider::GitLab => Some(
                "provider `gitlab` asks /personal_access_tokens/self with the token as \
                 `Authorization: Bearer`",
            ),
            Provider::Slack => Some("provider `slack` calls auth.test with the token as Bearer"),
            Provider::Google => {
                Some("provider `google` sends the token itself in tokeninfo's query string")
            }
            Provider::Vault => Some("provider `vault` sends the token itself as `X-Vault-Token`"),
            Provider::Kubernetes => {
                Some("provider `kubernetes` sends the token as `Authorization: Bearer`")
            }
            _ => None,
        }
    }
}
