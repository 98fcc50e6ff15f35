use super::{Catalog, Scope, scope};

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
