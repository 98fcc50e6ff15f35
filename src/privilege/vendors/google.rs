use super::{Catalog, Scope, scope};

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
