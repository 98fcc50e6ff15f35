use super::{Catalog, Scope, scope};

/// GitLab's token scopes. Sources: gitlab-org/gitlab `lib/gitlab/auth.rb`
/// (the scope constants, and `abilities_for_scopes`: what each scope may
/// do over Git and the container registry), `lib/api/api.rb` (`api` is
/// accepted on every REST route, `read_api` on every GET and HEAD), and
/// `doc/user/profile/personal_access_tokens.md` ("Personal access token
/// scopes").
pub(crate) static GITLAB: Catalog = Catalog {
    what: "GitLab token scope",
    source: "gitlab-org/gitlab lib/gitlab/auth.rb",
    // Each inclusion, with the vendor's words: docs/inclusions/gitlab.md.
    names: &[
        Scope {
            name: "api",
            // "complete read and write access to the API ... Also grants
            // complete read and write access to the registry and repository
            // using Git-over-HTTP"; `full_authentication_abilities`. Every
            // REST route accepts `api` (lib/api/api.rb,
            // `allow_access_with_scope :api`), so the REST scopes whose
            // routes inherit that rule too: the runner, Duo and rotation
            // scopes, and the dependency proxy's ("Includes the container
            // registry, the dependency proxy, and the package registry").
            surely: &[
                "read_api",
                "read_user",
                "read_repository",
                "write_repository",
                "read_registry",
                "write_registry",
                "read_virtual_registry",
                "write_virtual_registry",
                "create_runner",
                "manage_runner",
                "ai_features",
                "self_rotate",
            ],
            // A GET route under the root rule whose own text asks for its
            // scope; an endpoint one page says accepts `api`. (Not
            // `k8s_proxy`: the agent requires that scope literally.)
            maybe: &["read_service_ping", "mcp_orbit"],
        },
        Scope {
            name: "read_api",
            // Every GET: `read_user` and `read_repository` are accepted only
            // on GETs; `read_only_authentication_abilities` reads code and
            // container images.
            surely: &["read_user", "read_repository", "read_registry"],
            maybe: &["read_virtual_registry", "read_service_ping", "mcp_orbit"],
        },
        scope("read_user", &[]),
        scope("read_repository", &[]),
        // `write_repository: %i[download_code push_code]`.
        scope("write_repository", &["read_repository"]),
        scope("read_registry", &[]),
        // `write_registry: %i[create_container_image]`: push only, no pull.
        scope("write_registry", &[]),
        scope("read_virtual_registry", &[]),
        // "Grants read and write access (pull, push, and delete)".
        scope("write_virtual_registry", &["read_virtual_registry"]),
        scope("create_runner", &[]),
        scope("manage_runner", &[]),
        scope("k8s_proxy", &[]),
        scope("self_rotate", &[]),
        scope("ai_features", &[]),
        // `ai_workflows: %i[push_code download_code]`, the abilities of
        // `write_repository`; the MCP endpoint accepts it.
        Scope {
            name: "ai_workflows",
            surely: &["write_repository"],
            maybe: &["mcp_orbit"],
        },
        scope("read_observability", &[]),
        // "Grants write access to GitLab Observability": nothing more.
        scope("write_observability", &[]),
        scope("read_service_ping", &[]),
        // Admin scopes: independent of `api` (a `Sudo` request checks only
        // `sudo`).
        scope("sudo", &[]),
        scope("admin_mode", &[]),
        // `allow_access_with_scope [:mcp_orbit, :mcp]`.
        Scope {
            name: "mcp",
            surely: &[],
            maybe: &["mcp_orbit"],
        },
        scope("mcp_orbit", &[]),
        // Fine-grained tokens: what one reaches depends on the permissions
        // chosen for it ("A fine-grained personal access token can access
        // only the resources and permissions you grant it"), so each only
        // may; never pushing images.
        Scope {
            name: "granular",
            surely: &[],
            maybe: &[
                "read_api",
                "read_repository",
                "write_repository",
                "read_registry",
                "read_virtual_registry",
                "mcp",
            ],
        },
        // OpenID Connect scopes of OAuth applications. `openid`: "Also gives
        // read-only access to the user's profile and group memberships."
        scope("openid", &["profile"]),
        scope("profile", &[]),
        scope("email", &[]),
    ],
};
