//! The documented scope names of GitHub, GitLab, Slack and Google, with
//! what each includes, and where each fact comes from. A name the vendor
//! adds later is reported by the API and shown as unknown; a spec declares
//! it under `extra_privileges` before a rule may name it.

mod github;
mod gitlab;
mod google;
mod slack;

use super::catalog::{Catalog, Scope, scope};
pub(crate) use github::GITHUB;
pub(crate) use gitlab::GITLAB;
pub(crate) use google::GOOGLE;
pub(crate) use slack::SLACK;

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
