//! The documented scope names of GitHub, GitLab, Slack and Google, with
//! what each includes, and where each fact comes from. A name the vendor
//! adds later is reported by the API and shown as unknown; a spec declares
//! it under `extra_privileges` before a rule may name it.

use super::catalog::{Catalog, Scope, scope};

/// GitHub's OAuth scopes, for classic personal access tokens and OAuth
/// tokens. Source: docs.github.com, "Scopes for OAuth apps", the table
/// "Available scopes" (github/docs
/// `content/apps/oauth-apps/building-oauth-apps/scopes-for-oauth-apps.md`):
/// a sub-scope is a row indented under its parent; `user` and
/// `admin:enterprise` say "includes" in words. What a name only may
/// include is marked `maybe`, with the sentence that suggests it.
pub(crate) static GITHUB: Catalog = Catalog {
    what: "GitHub OAuth scope",
    source: "docs.github.com, \"Scopes for OAuth apps\"",
    names: &[
        Scope {
            name: "repo",
            // The indented rows, and the `admin:repo_hook` row: "The `repo`
            // and `public_repo` scopes grant full access to repositories,
            // including repository hooks."
            surely: &[
                "repo:status",
                "repo_deployment",
                "public_repo",
                "repo:invite",
                "security_events",
                "admin:repo_hook",
            ],
            // "the `repo` scope also grants access to manage
            // organization-owned resources including projects, invitations,
            // team memberships and webhooks. This scope also grants the
            // ability to manage projects owned by users." Projects are the
            // `project` scope's (issue 35, item 4).
            // REST "Notifications": "All calls to these endpoints require
            // the `notifications` or `repo` scopes."
            maybe: &[
                "write:org",
                "read:org",
                "admin:org_hook",
                "project",
                "notifications",
            ],
        },
        scope("repo:status", &[]),
        scope("repo_deployment", &[]),
        Scope {
            name: "public_repo",
            surely: &[],
            // "The `repo` and `public_repo` scopes grant full access to
            // repositories, including repository hooks": of public ones.
            // "That includes read/write access to code, commit statuses,
            // repository projects, collaborators, and deployment statuses
            // for public repositories": the status and deployment scopes'
            // rights, on public repositories.
            maybe: &["admin:repo_hook", "repo:status", "repo_deployment"],
        },
        scope("repo:invite", &[]),
        scope("security_events", &[]),
        scope("admin:repo_hook", &["write:repo_hook", "read:repo_hook"]),
        // "read, write, and ping" includes "read and ping".
        scope("write:repo_hook", &["read:repo_hook"]),
        scope("read:repo_hook", &[]),
        // "Fully manage the organization and its teams, projects, and
        // memberships": the organization's projects are `project`'s too.
        Scope {
            name: "admin:org",
            surely: &["write:org", "read:org"],
            maybe: &["project"],
        },
        Scope {
            name: "write:org",
            surely: &[],
            // "Read and write access to organization membership and
            // organization projects"; `read:org` adds team membership.
            maybe: &["read:org", "project"],
        },
        // "Read-only access to organization membership, organization
        // projects, and team membership."
        Scope {
            name: "read:org",
            surely: &[],
            maybe: &["read:project"],
        },
        scope("admin:public_key", &["write:public_key", "read:public_key"]),
        // "Create, list, and view details" includes "List and view details".
        scope("write:public_key", &["read:public_key"]),
        scope("read:public_key", &[]),
        scope("admin:org_hook", &[]),
        scope("gist", &[]),
        scope("notifications", &[]),
        // "Note that this scope includes `user:email` and `user:follow`."
        scope("user", &["read:user", "user:email", "user:follow"]),
        scope("read:user", &[]),
        scope("user:email", &[]),
        scope("user:follow", &[]),
        scope("project", &["read:project"]),
        scope("read:project", &[]),
        scope("delete_repo", &[]),
        // Two rows of their own in the table; uploading may well let a
        // token download, which the docs do not say.
        Scope {
            name: "write:packages",
            surely: &[],
            maybe: &["read:packages"],
        },
        scope("read:packages", &[]),
        scope("delete:packages", &[]),
        scope("admin:gpg_key", &["write:gpg_key", "read:gpg_key"]),
        scope("write:gpg_key", &["read:gpg_key"]),
        scope("read:gpg_key", &[]),
        // REST docs: "need the `codespace` or `codespace:secrets` scope".
        Scope {
            name: "codespace",
            surely: &[],
            maybe: &["codespace:secrets"],
        },
        scope("codespace:secrets", &[]),
        scope("workflow", &[]),
        // "Includes `manage_runners:enterprise`, `manage_billing:enterprise`,
        // and `read:enterprise`."
        scope(
            "admin:enterprise",
            &[
                "manage_runners:enterprise",
                "manage_billing:enterprise",
                "read:enterprise",
            ],
        ),
        scope("manage_runners:enterprise", &[]),
        scope("manage_billing:enterprise", &[]),
        scope("read:enterprise", &[]),
        // The classic-token page offers `audit_log` above `read:audit_log`;
        // the scopes table lists only the latter.
        Scope {
            name: "audit_log",
            surely: &[],
            maybe: &["read:audit_log"],
        },
        scope("read:audit_log", &[]),
        // The REST docs name these three for signing keys; their ladder is
        // not written down.
        Scope {
            name: "admin:ssh_signing_key",
            surely: &[],
            maybe: &["write:ssh_signing_key", "read:ssh_signing_key"],
        },
        Scope {
            name: "write:ssh_signing_key",
            surely: &[],
            maybe: &["read:ssh_signing_key"],
        },
        scope("read:ssh_signing_key", &[]),
        Scope {
            name: "copilot",
            surely: &[],
            maybe: &["manage_billing:copilot"],
        },
        scope("manage_billing:copilot", &[]),
        // Older versions of the table (team discussions).
        scope("write:discussion", &["read:discussion"]),
        scope("read:discussion", &[]),
        // GitHub Enterprise Server only.
        scope("site_admin", &[]),
    ],
};

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

/// Slack's scopes. Slack documents no scope that includes another
/// (`chat:write.public` *needs* `chat:write`; `admin` does not include the
/// `admin.*` scopes), so every name is its own. Sources: docs.slack.dev,
/// "Scopes" (bot, user and configuration tokens), as scraped into
/// slackapi/node-slack-sdk `packages/web-api/src/types/request/manifest.ts`,
/// and the legacy names of `slack_web_openapi_v2.json`.
pub(crate) static SLACK: Catalog = Catalog {
    what: "Slack scope",
    source: "docs.slack.dev, \"Scopes\"",
    names: &[
        scope("admin", &[]),
        scope("admin.analytics:read", &[]),
        scope("admin.app_activities:read", &[]),
        scope("admin.apps:read", &[]),
        scope("admin.apps:write", &[]),
        scope("admin.barriers:read", &[]),
        scope("admin.barriers:write", &[]),
        scope("admin.chat:read", &[]),
        scope("admin.chat:write", &[]),
        scope("admin.conversations:manage_objects", &[]),
        scope("admin.conversations:read", &[]),
        scope("admin.conversations:write", &[]),
        scope("admin.invites:read", &[]),
        scope("admin.invites:write", &[]),
        scope("admin.roles:read", &[]),
        scope("admin.roles:write", &[]),
        scope("admin.teams:read", &[]),
        scope("admin.teams:write", &[]),
        scope("admin.usergroups:read", &[]),
        scope("admin.usergroups:write", &[]),
        scope("admin.users:read", &[]),
        scope("admin.users:write", &[]),
        scope("admin.workflows:read", &[]),
        scope("admin.workflows:write", &[]),
        scope("app_configurations:read", &[]),
        scope("app_configurations:write", &[]),
        scope("app_mentions:read", &[]),
        scope("assistant:write", &[]),
        scope("auditlogs:read", &[]),
        scope("authorizations:read", &[]),
        scope("bookmarks:read", &[]),
        scope("bookmarks:write", &[]),
        scope("bot", &[]),
        scope("calls:read", &[]),
        scope("calls:write", &[]),
        scope("canvases:read", &[]),
        scope("canvases:write", &[]),
        scope("channels:history", &[]),
        scope("channels:join", &[]),
        scope("channels:manage", &[]),
        scope("channels:read", &[]),
        scope("channels:write", &[]),
        scope("channels:write.invites", &[]),
        scope("channels:write.topic", &[]),
        scope("chat:write", &[]),
        scope("chat:write.customize", &[]),
        scope("chat:write.public", &[]),
        scope("chat:write:bot", &[]),
        scope("chat:write:user", &[]),
        scope("commands", &[]),
        scope("connections:write", &[]),
        scope("conversations.connect:manage", &[]),
        scope("conversations.connect:read", &[]),
        scope("conversations.connect:write", &[]),
        scope("datastore:read", &[]),
        scope("datastore:write", &[]),
        scope("dnd:read", &[]),
        scope("dnd:write", &[]),
        scope("email", &[]),
        scope("emoji:read", &[]),
        scope("files:read", &[]),
        scope("files:write", &[]),
        scope("files:write:user", &[]),
        scope("groups:history", &[]),
        scope("groups:read", &[]),
        scope("groups:write", &[]),
        scope("groups:write.invites", &[]),
        scope("groups:write.topic", &[]),
        scope("identity.avatar", &[]),
        scope("identity.basic", &[]),
        scope("identity.email", &[]),
        scope("identity.team", &[]),
        scope("im:history", &[]),
        scope("im:read", &[]),
        scope("im:write", &[]),
        scope("im:write.topic", &[]),
        scope("incoming-webhook", &[]),
        scope("links.embed:write", &[]),
        scope("links:read", &[]),
        scope("links:write", &[]),
        scope("metadata.message:read", &[]),
        scope("mpim:history", &[]),
        scope("mpim:read", &[]),
        scope("mpim:write", &[]),
        scope("mpim:write.invites", &[]),
        scope("mpim:write.topic", &[]),
        scope("none", &[]),
        scope("openid", &[]),
        scope("pins:read", &[]),
        scope("pins:write", &[]),
        scope("profile", &[]),
        scope("reactions:read", &[]),
        scope("reactions:write", &[]),
        scope("reminders:read", &[]),
        scope("reminders:write", &[]),
        scope("remote_files:read", &[]),
        scope("remote_files:share", &[]),
        scope("remote_files:write", &[]),
        scope("search:read", &[]),
        scope("search:read.enterprise", &[]),
        scope("search:read.files", &[]),
        scope("search:read.im", &[]),
        scope("search:read.mpim", &[]),
        scope("search:read.private", &[]),
        scope("search:read.public", &[]),
        scope("stars:read", &[]),
        scope("stars:write", &[]),
        scope("team.billing:read", &[]),
        scope("team.preferences:read", &[]),
        scope("team:read", &[]),
        scope("tokens.basic", &[]),
        scope("triggers:read", &[]),
        scope("triggers:write", &[]),
        scope("usergroups:read", &[]),
        scope("usergroups:write", &[]),
        scope("users.profile:read", &[]),
        scope("users.profile:write", &[]),
        scope("users:read", &[]),
        scope("users:read.email", &[]),
        scope("users:write", &[]),
        scope("workflow.steps:execute", &[]),
    ],
};

/// Google's OAuth scopes that permspec knows: the sign-in scopes and the
/// common Workspace and Cloud ones, from developers.google.com,
/// "OAuth 2.0 Scopes for Google APIs". No Google page says in words that
/// one scope includes another; its discovery documents do say, per
/// method, which scopes authorize a call. A scope surely includes another
/// where its description covers the other's and every method that takes
/// the other takes it too (`drive` and `drive.readonly`); it may, where
/// the words suggest it but some method does not (issue 35;
/// docs/inclusions/google.md). The list is long and grows: declare any
/// other scope the API reports under `extra_privileges`.
pub(crate) static GOOGLE: Catalog = Catalog {
    what: "Google OAuth scope",
    source: "developers.google.com, \"OAuth 2.0 Scopes for Google APIs\"",
    // What each scope includes, from Google's discovery documents (each
    // scope's description, and every method's list of the scopes that
    // authorize it): docs/inclusions/google.md, row by row.
    names: &[
        Scope {
            name: "openid",
            surely: &[],
            maybe: &["profile"],
        },
        Scope {
            name: "email",
            surely: &[],
            maybe: &["https://www.googleapis.com/auth/userinfo.email"],
        },
        scope("profile", &[]),
        scope("https://www.googleapis.com/auth/userinfo.email", &[]),
        scope("https://www.googleapis.com/auth/userinfo.profile", &[]),
        scope(
            "https://mail.google.com/",
            &["https://www.googleapis.com/auth/gmail.modify"],
        ),
        Scope {
            name: "https://www.googleapis.com/auth/gmail.readonly",
            surely: &["https://www.googleapis.com/auth/gmail.metadata"],
            maybe: &[
                "https://www.googleapis.com/auth/gmail.settings.basic",
                "https://www.googleapis.com/auth/gmail.settings.sharing",
            ],
        },
        scope("https://www.googleapis.com/auth/gmail.send", &[]),
        scope(
            "https://www.googleapis.com/auth/gmail.compose",
            &["https://www.googleapis.com/auth/gmail.send"],
        ),
        scope(
            "https://www.googleapis.com/auth/gmail.modify",
            &[
                "https://www.googleapis.com/auth/gmail.readonly",
                "https://www.googleapis.com/auth/gmail.compose",
                "https://www.googleapis.com/auth/gmail.labels",
                "https://www.googleapis.com/auth/gmail.insert",
            ],
        ),
        scope("https://www.googleapis.com/auth/gmail.labels", &[]),
        scope("https://www.googleapis.com/auth/gmail.metadata", &[]),
        scope("https://www.googleapis.com/auth/gmail.insert", &[]),
        scope("https://www.googleapis.com/auth/gmail.settings.basic", &[]),
        scope(
            "https://www.googleapis.com/auth/gmail.settings.sharing",
            &[],
        ),
        Scope {
            name: "https://www.googleapis.com/auth/drive",
            surely: &[
                "https://www.googleapis.com/auth/drive.readonly",
                "https://www.googleapis.com/auth/drive.file",
                "https://www.googleapis.com/auth/drive.metadata",
                "https://www.googleapis.com/auth/spreadsheets",
                "https://www.googleapis.com/auth/documents",
                "https://www.googleapis.com/auth/presentations",
                "https://www.googleapis.com/auth/forms.body",
                "https://www.googleapis.com/auth/forms.responses.readonly",
            ],
            maybe: &["https://www.googleapis.com/auth/drive.scripts"],
        },
        scope(
            "https://www.googleapis.com/auth/drive.readonly",
            &[
                "https://www.googleapis.com/auth/drive.metadata.readonly",
                "https://www.googleapis.com/auth/spreadsheets.readonly",
                "https://www.googleapis.com/auth/documents.readonly",
                "https://www.googleapis.com/auth/presentations.readonly",
                "https://www.googleapis.com/auth/forms.body.readonly",
            ],
        ),
        scope("https://www.googleapis.com/auth/drive.file", &[]),
        scope("https://www.googleapis.com/auth/drive.appdata", &[]),
        scope(
            "https://www.googleapis.com/auth/drive.metadata",
            &["https://www.googleapis.com/auth/drive.metadata.readonly"],
        ),
        scope(
            "https://www.googleapis.com/auth/drive.metadata.readonly",
            &[],
        ),
        scope(
            "https://www.googleapis.com/auth/drive.activity",
            &["https://www.googleapis.com/auth/drive.activity.readonly"],
        ),
        scope(
            "https://www.googleapis.com/auth/drive.activity.readonly",
            &[],
        ),
        scope("https://www.googleapis.com/auth/drive.scripts", &[]),
        scope(
            "https://www.googleapis.com/auth/calendar",
            &[
                "https://www.googleapis.com/auth/calendar.readonly",
                "https://www.googleapis.com/auth/calendar.events",
            ],
        ),
        scope(
            "https://www.googleapis.com/auth/calendar.readonly",
            &["https://www.googleapis.com/auth/calendar.events.readonly"],
        ),
        scope(
            "https://www.googleapis.com/auth/calendar.events",
            &["https://www.googleapis.com/auth/calendar.events.readonly"],
        ),
        scope(
            "https://www.googleapis.com/auth/calendar.events.readonly",
            &[],
        ),
        scope(
            "https://www.googleapis.com/auth/spreadsheets",
            &["https://www.googleapis.com/auth/spreadsheets.readonly"],
        ),
        scope("https://www.googleapis.com/auth/spreadsheets.readonly", &[]),
        scope(
            "https://www.googleapis.com/auth/documents",
            &["https://www.googleapis.com/auth/documents.readonly"],
        ),
        scope("https://www.googleapis.com/auth/documents.readonly", &[]),
        scope(
            "https://www.googleapis.com/auth/presentations",
            &["https://www.googleapis.com/auth/presentations.readonly"],
        ),
        scope(
            "https://www.googleapis.com/auth/presentations.readonly",
            &[],
        ),
        scope(
            "https://www.googleapis.com/auth/contacts",
            &["https://www.googleapis.com/auth/contacts.readonly"],
        ),
        scope("https://www.googleapis.com/auth/contacts.readonly", &[]),
        scope(
            "https://www.googleapis.com/auth/tasks",
            &["https://www.googleapis.com/auth/tasks.readonly"],
        ),
        scope("https://www.googleapis.com/auth/tasks.readonly", &[]),
        scope(
            "https://www.googleapis.com/auth/forms.body",
            &["https://www.googleapis.com/auth/forms.body.readonly"],
        ),
        scope("https://www.googleapis.com/auth/forms.body.readonly", &[]),
        scope(
            "https://www.googleapis.com/auth/forms.responses.readonly",
            &[],
        ),
        scope(
            "https://www.googleapis.com/auth/chat.messages",
            &["https://www.googleapis.com/auth/chat.messages.readonly"],
        ),
        scope(
            "https://www.googleapis.com/auth/chat.messages.readonly",
            &[],
        ),
        scope(
            "https://www.googleapis.com/auth/chat.spaces",
            &["https://www.googleapis.com/auth/chat.spaces.readonly"],
        ),
        scope("https://www.googleapis.com/auth/chat.spaces.readonly", &[]),
        scope(
            "https://www.googleapis.com/auth/admin.directory.user",
            &["https://www.googleapis.com/auth/admin.directory.user.readonly"],
        ),
        scope(
            "https://www.googleapis.com/auth/admin.directory.user.readonly",
            &[],
        ),
        scope(
            "https://www.googleapis.com/auth/admin.directory.group",
            &[
                "https://www.googleapis.com/auth/admin.directory.group.readonly",
                "https://www.googleapis.com/auth/admin.directory.group.member",
            ],
        ),
        scope(
            "https://www.googleapis.com/auth/admin.directory.group.readonly",
            &["https://www.googleapis.com/auth/admin.directory.group.member.readonly"],
        ),
        scope(
            "https://www.googleapis.com/auth/admin.directory.group.member",
            &["https://www.googleapis.com/auth/admin.directory.group.member.readonly"],
        ),
        scope(
            "https://www.googleapis.com/auth/admin.directory.group.member.readonly",
            &[],
        ),
        scope(
            "https://www.googleapis.com/auth/admin.directory.orgunit",
            &["https://www.googleapis.com/auth/admin.directory.orgunit.readonly"],
        ),
        scope(
            "https://www.googleapis.com/auth/admin.directory.orgunit.readonly",
            &[],
        ),
        scope(
            "https://www.googleapis.com/auth/admin.directory.device.chromeos",
            &[],
        ),
        scope(
            "https://www.googleapis.com/auth/admin.directory.device.mobile",
            &[],
        ),
        scope(
            "https://www.googleapis.com/auth/admin.directory.domain.readonly",
            &[],
        ),
        scope(
            "https://www.googleapis.com/auth/admin.reports.audit.readonly",
            &[],
        ),
        scope(
            "https://www.googleapis.com/auth/admin.reports.usage.readonly",
            &[],
        ),
        scope("https://www.googleapis.com/auth/apps.licensing", &[]),
        Scope {
            name: "https://www.googleapis.com/auth/cloud-platform",
            surely: &[
                "https://www.googleapis.com/auth/cloud-platform.read-only",
                "https://www.googleapis.com/auth/compute",
                "https://www.googleapis.com/auth/devstorage.full_control",
                "https://www.googleapis.com/auth/bigquery",
                "https://www.googleapis.com/auth/pubsub",
                "https://www.googleapis.com/auth/logging.read",
                "https://www.googleapis.com/auth/logging.write",
                "https://www.googleapis.com/auth/monitoring",
                "https://www.googleapis.com/auth/datastore",
            ],
            maybe: &["https://www.googleapis.com/auth/firebase"],
        },
        Scope {
            name: "https://www.googleapis.com/auth/cloud-platform.read-only",
            surely: &[
                "https://www.googleapis.com/auth/bigquery.readonly",
                "https://www.googleapis.com/auth/logging.read",
            ],
            maybe: &[
                "https://www.googleapis.com/auth/compute.readonly",
                "https://www.googleapis.com/auth/devstorage.read_only",
                "https://www.googleapis.com/auth/monitoring.read",
            ],
        },
        scope(
            "https://www.googleapis.com/auth/compute",
            &["https://www.googleapis.com/auth/compute.readonly"],
        ),
        scope("https://www.googleapis.com/auth/compute.readonly", &[]),
        scope(
            "https://www.googleapis.com/auth/devstorage.full_control",
            &[
                "https://www.googleapis.com/auth/devstorage.read_write",
                "https://www.googleapis.com/auth/devstorage.read_only",
            ],
        ),
        Scope {
            name: "https://www.googleapis.com/auth/devstorage.read_write",
            surely: &[],
            maybe: &["https://www.googleapis.com/auth/devstorage.read_only"],
        },
        scope("https://www.googleapis.com/auth/devstorage.read_only", &[]),
        scope(
            "https://www.googleapis.com/auth/bigquery",
            &["https://www.googleapis.com/auth/bigquery.readonly"],
        ),
        scope("https://www.googleapis.com/auth/bigquery.readonly", &[]),
        scope("https://www.googleapis.com/auth/pubsub", &[]),
        scope("https://www.googleapis.com/auth/logging.read", &[]),
        scope("https://www.googleapis.com/auth/logging.write", &[]),
        scope(
            "https://www.googleapis.com/auth/monitoring",
            &["https://www.googleapis.com/auth/monitoring.read"],
        ),
        scope("https://www.googleapis.com/auth/monitoring.read", &[]),
        scope("https://www.googleapis.com/auth/datastore", &[]),
        scope("https://www.googleapis.com/auth/firebase", &[]),
        scope(
            "https://www.googleapis.com/auth/youtube",
            &[
                "https://www.googleapis.com/auth/youtube.readonly",
                "https://www.googleapis.com/auth/youtube.upload",
            ],
        ),
        scope("https://www.googleapis.com/auth/youtube.readonly", &[]),
        scope("https://www.googleapis.com/auth/youtube.upload", &[]),
        Scope {
            name: "https://www.googleapis.com/auth/analytics",
            surely: &[],
            maybe: &["https://www.googleapis.com/auth/analytics.readonly"],
        },
        scope("https://www.googleapis.com/auth/analytics.readonly", &[]),
        scope(
            "https://www.googleapis.com/auth/webmasters",
            &["https://www.googleapis.com/auth/webmasters.readonly"],
        ),
        scope("https://www.googleapis.com/auth/webmasters.readonly", &[]),
        scope("https://www.googleapis.com/auth/script.projects", &[]),
        scope(
            "https://www.googleapis.com/auth/photoslibrary.readonly",
            &[],
        ),
    ],
};

#[cfg(test)]
mod tests {
    use super::super::{Family, covers, overlap};
    use super::*;

    #[test]
    fn github_ladders_from_the_scopes_page() {
        assert!(covers(&GITHUB, "admin:org", "read:org"));
        assert!(covers(&GITHUB, "repo", "public_repo"));
        assert!(covers(&GITHUB, "user", "user:email"));
        assert!(covers(&GITHUB, "admin:enterprise", "read:enterprise"));
        // `repo` does not surely read the org (gh's own test: "missing
        // required scope 'read:org'"), but forbidding `read:org` fails it.
        assert!(!covers(&GITHUB, "repo", "read:org"));
        assert!(overlap(&GITHUB, "repo", "read:org").is_some());
        // `admin:org` is more than `repo` may give.
        assert!(overlap(&GITHUB, "repo", "admin:org").is_none());
        assert!(overlap(&GITHUB, "gist", "repo").is_none());
        // The typo is an error at load.
        let e = GITHUB.validate("worflow", &[]).unwrap_err();
        assert!(e.contains("did you mean `workflow`"), "{e}");
    }

    #[test]
    fn gitlab_scopes_from_auth_rb() {
        assert!(covers(&GITLAB, "api", "read_api"));
        assert!(covers(&GITLAB, "api", "write_repository"));
        assert!(covers(&GITLAB, "write_repository", "read_repository"));
        assert!(!covers(&GITLAB, "write_registry", "read_registry"));
        assert!(!covers(&GITLAB, "api", "sudo"));
        assert!(!covers(&GITLAB, "api", "admin_mode"));
        assert!(!covers(&GITLAB, "read_api", "write_repository"));
        // Every REST route takes `api` (docs/inclusions/gitlab.md).
        assert!(covers(&GITLAB, "api", "create_runner"));
        // Only may: the page's own text asks for the scope.
        assert!(overlap(&GITLAB, "api", "read_service_ping").is_some());
        assert!(!covers(&GITLAB, "api", "read_service_ping"));
        // The agent asks for `k8s_proxy` itself.
        assert!(overlap(&GITLAB, "api", "k8s_proxy").is_none());
    }

    #[test]
    fn slack_scopes_stand_alone_and_google_follows_its_discovery_documents() {
        assert!(!covers(&SLACK, "admin", "admin.users:write"));
        assert!(!covers(&SLACK, "chat:write", "chat:write.public"));
        assert!(SLACK.validate("chat:wirte", &[]).is_err());
        let drive = "https://www.googleapis.com/auth/drive";
        assert!(covers(&GOOGLE, drive, &format!("{drive}.readonly")));
        assert!(!covers(&GOOGLE, &format!("{drive}.readonly"), drive));
        // "excluding the Application Data folder".
        assert!(overlap(&GOOGLE, drive, &format!("{drive}.appdata")).is_none());
        assert!(GOOGLE.validate(&format!("{drive}.readonyl"), &[]).is_err());
        assert!(
            GOOGLE
                .validate("https://www.googleapis.com/auth/*", &[])
                .is_ok()
        );
    }

    #[test]
    fn every_included_name_is_itself_a_known_name() {
        for catalog in [&GITHUB, &GITLAB, &SLACK, &GOOGLE] {
            let names: Vec<&str> = catalog.names.iter().map(|s| s.name).collect();
            let mut seen = std::collections::HashSet::new();
            for s in catalog.names {
                assert!(seen.insert(s.name), "{} twice", s.name);
                for n in s.surely.iter().chain(s.maybe) {
                    assert!(names.contains(n), "{} includes unknown {n}", s.name);
                }
            }
        }
    }
}
