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
            maybe: &["write:org", "read:org", "admin:org_hook", "project"],
        },
        scope("repo:status", &[]),
        scope("repo_deployment", &[]),
        Scope {
            name: "public_repo",
            surely: &[],
            // "The `repo` and `public_repo` scopes grant full access to
            // repositories, including repository hooks": of public ones.
            maybe: &["admin:repo_hook"],
        },
        scope("repo:invite", &[]),
        scope("security_events", &[]),
        scope("admin:repo_hook", &["write:repo_hook", "read:repo_hook"]),
        // "read, write, and ping" includes "read and ping".
        scope("write:repo_hook", &["read:repo_hook"]),
        scope("read:repo_hook", &[]),
        scope("admin:org", &["write:org", "read:org"]),
        Scope {
            name: "write:org",
            surely: &[],
            // "Read and write access to organization membership and
            // organization projects"; `read:org` adds team membership.
            maybe: &["read:org"],
        },
        scope("read:org", &[]),
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
    names: &[
        Scope {
            name: "api",
            // "complete read and write access to the API ... Also grants
            // complete read and write access to the registry and repository
            // using Git-over-HTTP"; `full_authentication_abilities`.
            surely: &[
                "read_api",
                "read_user",
                "read_repository",
                "write_repository",
                "read_registry",
                "write_registry",
            ],
            // Every REST route accepts `api`, so the REST side of these
            // scopes too; the docs name the dependency proxy, the code's
            // ability table does not.
            maybe: &[
                "read_virtual_registry",
                "write_virtual_registry",
                "create_runner",
                "manage_runner",
                "k8s_proxy",
                "ai_features",
                "self_rotate",
            ],
        },
        Scope {
            name: "read_api",
            // Every GET: `read_user` and `read_repository` are accepted only
            // on GETs; `read_only_authentication_abilities` reads code and
            // container images.
            surely: &["read_user", "read_repository", "read_registry"],
            maybe: &["read_virtual_registry"],
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
        scope("ai_workflows", &[]),
        scope("read_observability", &[]),
        Scope {
            name: "write_observability",
            surely: &[],
            maybe: &["read_observability"],
        },
        scope("read_service_ping", &[]),
        // Admin scopes: independent of `api` (a `Sudo` request checks only
        // `sudo`).
        scope("sudo", &[]),
        scope("admin_mode", &[]),
        scope("mcp", &[]),
        scope("mcp_orbit", &[]),
        scope("granular", &[]),
        // OpenID Connect scopes of OAuth applications.
        scope("openid", &[]),
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
/// "OAuth 2.0 Scopes for Google APIs". Google documents no scope that
/// includes another (the Drive page describes `drive` as seeing, editing,
/// creating and deleting all files, but never says it includes
/// `drive.readonly`), so every name is its own. The list is long and
/// grows: declare any other scope the API reports under
/// `extra_privileges`.
pub(crate) static GOOGLE: Catalog = Catalog {
    what: "Google OAuth scope",
    source: "developers.google.com, \"OAuth 2.0 Scopes for Google APIs\"",
    names: &[
        scope("openid", &[]),
        scope("email", &[]),
        scope("profile", &[]),
        scope("https://www.googleapis.com/auth/userinfo.email", &[]),
        scope("https://www.googleapis.com/auth/userinfo.profile", &[]),
        scope("https://mail.google.com/", &[]),
        scope("https://www.googleapis.com/auth/gmail.readonly", &[]),
        scope("https://www.googleapis.com/auth/gmail.send", &[]),
        scope("https://www.googleapis.com/auth/gmail.compose", &[]),
        scope("https://www.googleapis.com/auth/gmail.modify", &[]),
        scope("https://www.googleapis.com/auth/gmail.labels", &[]),
        scope("https://www.googleapis.com/auth/gmail.metadata", &[]),
        scope("https://www.googleapis.com/auth/gmail.insert", &[]),
        scope("https://www.googleapis.com/auth/gmail.settings.basic", &[]),
        scope(
            "https://www.googleapis.com/auth/gmail.settings.sharing",
            &[],
        ),
        scope("https://www.googleapis.com/auth/drive", &[]),
        scope("https://www.googleapis.com/auth/drive.readonly", &[]),
        scope("https://www.googleapis.com/auth/drive.file", &[]),
        scope("https://www.googleapis.com/auth/drive.appdata", &[]),
        scope("https://www.googleapis.com/auth/drive.metadata", &[]),
        scope(
            "https://www.googleapis.com/auth/drive.metadata.readonly",
            &[],
        ),
        scope("https://www.googleapis.com/auth/drive.activity", &[]),
        scope(
            "https://www.googleapis.com/auth/drive.activity.readonly",
            &[],
        ),
        scope("https://www.googleapis.com/auth/drive.scripts", &[]),
        scope("https://www.googleapis.com/auth/calendar", &[]),
        scope("https://www.googleapis.com/auth/calendar.readonly", &[]),
        scope("https://www.googleapis.com/auth/calendar.events", &[]),
        scope(
            "https://www.googleapis.com/auth/calendar.events.readonly",
            &[],
        ),
        scope("https://www.googleapis.com/auth/spreadsheets", &[]),
        scope("https://www.googleapis.com/auth/spreadsheets.readonly", &[]),
        scope("https://www.googleapis.com/auth/documents", &[]),
        scope("https://www.googleapis.com/auth/documents.readonly", &[]),
        scope("https://www.googleapis.com/auth/presentations", &[]),
        scope(
            "https://www.googleapis.com/auth/presentations.readonly",
            &[],
        ),
        scope("https://www.googleapis.com/auth/contacts", &[]),
        scope("https://www.googleapis.com/auth/contacts.readonly", &[]),
        scope("https://www.googleapis.com/auth/tasks", &[]),
        scope("https://www.googleapis.com/auth/tasks.readonly", &[]),
        scope("https://www.googleapis.com/auth/forms.body", &[]),
        scope("https://www.googleapis.com/auth/forms.body.readonly", &[]),
        scope(
            "https://www.googleapis.com/auth/forms.responses.readonly",
            &[],
        ),
        scope("https://www.googleapis.com/auth/chat.messages", &[]),
        scope(
            "https://www.googleapis.com/auth/chat.messages.readonly",
            &[],
        ),
        scope("https://www.googleapis.com/auth/chat.spaces", &[]),
        scope("https://www.googleapis.com/auth/chat.spaces.readonly", &[]),
        scope("https://www.googleapis.com/auth/admin.directory.user", &[]),
        scope(
            "https://www.googleapis.com/auth/admin.directory.user.readonly",
            &[],
        ),
        scope("https://www.googleapis.com/auth/admin.directory.group", &[]),
        scope(
            "https://www.googleapis.com/auth/admin.directory.group.readonly",
            &[],
        ),
        scope(
            "https://www.googleapis.com/auth/admin.directory.group.member",
            &[],
        ),
        scope(
            "https://www.googleapis.com/auth/admin.directory.group.member.readonly",
            &[],
        ),
        scope(
            "https://www.googleapis.com/auth/admin.directory.orgunit",
            &[],
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
        scope("https://www.googleapis.com/auth/cloud-platform", &[]),
        scope(
            "https://www.googleapis.com/auth/cloud-platform.read-only",
            &[],
        ),
        scope("https://www.googleapis.com/auth/compute", &[]),
        scope("https://www.googleapis.com/auth/compute.readonly", &[]),
        scope(
            "https://www.googleapis.com/auth/devstorage.full_control",
            &[],
        ),
        scope("https://www.googleapis.com/auth/devstorage.read_write", &[]),
        scope("https://www.googleapis.com/auth/devstorage.read_only", &[]),
        scope("https://www.googleapis.com/auth/bigquery", &[]),
        scope("https://www.googleapis.com/auth/bigquery.readonly", &[]),
        scope("https://www.googleapis.com/auth/pubsub", &[]),
        scope("https://www.googleapis.com/auth/logging.read", &[]),
        scope("https://www.googleapis.com/auth/logging.write", &[]),
        scope("https://www.googleapis.com/auth/monitoring", &[]),
        scope("https://www.googleapis.com/auth/monitoring.read", &[]),
        scope("https://www.googleapis.com/auth/datastore", &[]),
        scope("https://www.googleapis.com/auth/firebase", &[]),
        scope("https://www.googleapis.com/auth/youtube", &[]),
        scope("https://www.googleapis.com/auth/youtube.readonly", &[]),
        scope("https://www.googleapis.com/auth/youtube.upload", &[]),
        scope("https://www.googleapis.com/auth/analytics", &[]),
        scope("https://www.googleapis.com/auth/analytics.readonly", &[]),
        scope("https://www.googleapis.com/auth/webmasters", &[]),
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
        assert!(overlap(&GITLAB, "api", "create_runner").is_some());
        assert!(!covers(&GITLAB, "api", "create_runner"));
    }

    #[test]
    fn slack_and_google_scopes_stand_alone() {
        assert!(!covers(&SLACK, "admin", "admin.users:write"));
        assert!(!covers(&SLACK, "chat:write", "chat:write.public"));
        assert!(SLACK.validate("chat:wirte", &[]).is_err());
        let drive = "https://www.googleapis.com/auth/drive";
        assert!(!covers(&GOOGLE, drive, &format!("{drive}.readonly")));
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
