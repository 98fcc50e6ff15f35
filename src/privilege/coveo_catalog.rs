//! The Coveo privileges permspec knows: owner, target domain and the types
//! each domain takes.
//!
//! Sources (read 2026-11; where they differ, the union is kept, so a name
//! any of them documents is accepted):
//!
//! - D1: Coveo, "Valid privilege owner, targetDomain, and type
//!   combinations", <https://docs.coveo.com/en/159/>. Owners
//!   `USAGE_ANALYTICS`, `COVEO_ML`, `PLATFORM`, `SEARCH_API`; types
//!   `CREATE`, `VIEW`, `EDIT`; on/off domains have no type.
//! - D2: the 2017 edition of the same page, kept in
//!   `fbeaudoincoveo/cloudv2-docs-site`,
//!   `_ccv2-dev/Valid_Privilege_owner,_targetDomain,_and_type_Combinations.md`
//!   (commit d6a0b2b2): the full table of that time (`VIEW`, `EDIT`).
//! - D3: Coveo's OpenAPI specifications for platform.cloud.coveo.com (each
//!   operation's `x-required-privilege`), mirrored in `api-evangelist/coveo`,
//!   `openapi/_original/*.yml` (commit 09dd2103): adds `COMMERCE` and the
//!   newer `PLATFORM` domains, and the type `ENABLE` for on/off domains.
//! - D4: `coveo/cli`, `packages/cli/commons/src/preconditions/platformPrivilege.ts`
//!   (commit fbabc47e): the privileges Coveo's own CLI checks.
//! - API-FACTS.md ("Coveo Platform"): what the privileges endpoint answers.
//!
//! Coveo's own client types the three fields as free strings
//! (`coveo/platform-client`, `BaseInterfaces.ts`), and Coveo adds domains
//! over time. A name the API reports that is missing here is shown as such
//! in a failure, and a spec declares it under `extra_privileges:` to name it
//! in a rule (README, "Coveo").

/// The types of a domain that takes `CREATE`, `VIEW` and `EDIT`.
const CVE: &[&str] = &["CREATE", "VIEW", "EDIT"];
const VE: &[&str] = &["VIEW", "EDIT"];
const V: &[&str] = &["VIEW"];
/// An on/off domain: no type, or `ENABLE` (D3).
pub(super) const ON_OFF: &[&str] = &[];

pub(super) const OWNERS: &[&str] = &[
    "PLATFORM",
    "SEARCH_API",
    "USAGE_ANALYTICS",
    "COVEO_ML",
    "COMMERCE",
];

pub(super) const TYPES: &[&str] = &["VIEW", "EDIT", "CREATE", "ENABLE"];

/// (owner, domain, types); `ON_OFF` domains take no type or `ENABLE`.
pub(super) const DOMAINS: &[(&str, &str, &[&str])] = &[
    // USAGE_ANALYTICS: D1 (CREATE where it lists it), D2, D3.
    ("USAGE_ANALYTICS", "ADMINISTRATE", ON_OFF),
    ("USAGE_ANALYTICS", "ANALYTICS_DATA", VE),
    ("USAGE_ANALYTICS", "CUSTOM_DIMENSIONS", CVE),
    ("USAGE_ANALYTICS", "DELETE_USER_ANALYTICS_DATA", ON_OFF),
    ("USAGE_ANALYTICS", "EXPORTS", CVE),
    ("USAGE_ANALYTICS", "IMPERSONATE", ON_OFF),
    ("USAGE_ANALYTICS", "INCOHERENT_EVENTS", V),
    ("USAGE_ANALYTICS", "METRIC_ALERTS", VE),
    ("USAGE_ANALYTICS", "NAMED_FILTERS", CVE),
    ("USAGE_ANALYTICS", "PERMISSION_FILTERS", CVE),
    ("USAGE_ANALYTICS", "REPORTS", CVE),
    ("USAGE_ANALYTICS", "QUERY_SUGGEST", ON_OFF),
    ("USAGE_ANALYTICS", "VIEW_ALL_REPORTS", ON_OFF),
    ("USAGE_ANALYTICS", "TRACKING_ID", VE),
    // COVEO_ML: D1 names the owner; domains from D3 and API-FACTS.md.
    ("COVEO_ML", "MODELS", CVE),
    ("COVEO_ML", "AGENT_CONFIGURATION", CVE),
    ("COVEO_ML", "ALLOW_CONTENT_PREVIEW", ON_OFF),
    // COMMERCE: D3.
    ("COMMERCE", "CATALOG", VE),
    ("COMMERCE", "MERCHANDISING_HUB", VE),
    // PLATFORM: D2, D3, D4.
    ("PLATFORM", "ACTIVITIES", VE),
    ("PLATFORM", "API_KEY", CVE),
    ("PLATFORM", "CONNECTIVITY_DIAGNOSTIC_LOGS", V),
    ("PLATFORM", "CRAWLING_MODULE", VE),
    ("PLATFORM", "CRAWLING_MODULE_LOG_REQUEST", CVE),
    ("PLATFORM", "FIELD", CVE),
    ("PLATFORM", "GROUP", CVE),
    ("PLATFORM", "INDEXING_PIPELINE_EXTENSION", CVE),
    ("PLATFORM", "LINK", CVE),
    ("PLATFORM", "ON_PREMISE_ADMINISTRATION", VE),
    ("PLATFORM", "ORGANIZATION", VE),
    ("PLATFORM", "PROJECTS", CVE),
    ("PLATFORM", "SAML_IDENTITY_PROVIDER", CVE),
    ("PLATFORM", "SECURITY_CACHE", VE),
    ("PLATFORM", "SECURITY_PROVIDER", CVE),
    ("PLATFORM", "SNAPSHOTS", CVE),
    ("PLATFORM", "SOURCE", CVE),
    ("PLATFORM", "SOURCE_METADATA", V),
    ("PLATFORM", "SUBSCRIPTION", CVE),
    ("PLATFORM", "TEMPORARY_ACCESS", VE),
    ("PLATFORM", "VAULT_ENTRY", CVE),
    // SEARCH_API: D2, D3, D4.
    ("SEARCH_API", "AUTHENTICATION_EDITOR", ON_OFF),
    ("SEARCH_API", "EXECUTE_QUERY", ON_OFF),
    ("SEARCH_API", "EXPRESSION_VALIDATION_RESULT", V),
    ("SEARCH_API", "IMPERSONATE", ON_OFF),
    ("SEARCH_API", "IMPERSONATE_SEARCH_API", ON_OFF),
    ("SEARCH_API", "QUERY_PIPELINE", CVE),
    ("SEARCH_API", "REPLAY_ANY_QUERY", V),
    ("SEARCH_API", "SALESFORCE_AUTHENTICATION", VE),
    ("SEARCH_API", "SEARCH_PAGES", CVE),
    ("SEARCH_API", "SEARCH_USAGE_METRICS", V),
    ("SEARCH_API", "VIEW_ALL_CONTENT", ON_OFF),
];

/// The types of a domain the catalogue knows (empty: on or off).
pub(super) fn types_of(owner: &str, domain: &str) -> Option<&'static [&'static str]> {
    DOMAINS
        .iter()
        .find(|(o, d, _)| *o == owner && *d == domain)
        .map(|(_, _, types)| *types)
}

/// Every canonical name the catalogue allows: `OWNER:DOMAIN` for on/off
/// domains (and `OWNER:DOMAIN:ENABLE`), `OWNER:DOMAIN:TYPE` for the others.
pub(super) fn names() -> &'static [String] {
    static NAMES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    NAMES.get_or_init(|| {
        let mut out = Vec::new();
        for (owner, domain, types) in DOMAINS {
            if types.is_empty() {
                out.push(format!("{owner}:{domain}"));
                out.push(format!("{owner}:{domain}:ENABLE"));
            }
            out.extend(types.iter().map(|t| format!("{owner}:{domain}:{t}")));
        }
        out
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalogue_is_consistent() {
        for (owner, domain, types) in DOMAINS {
            assert!(OWNERS.contains(owner), "{owner}");
            assert!(
                domain.chars().all(|c| c.is_ascii_uppercase() || c == '_'),
                "{domain}"
            );
            assert!(types.iter().all(|t| TYPES.contains(t)), "{domain}");
        }
        let mut pairs: Vec<_> = DOMAINS.iter().map(|(o, d, _)| (o, d)).collect();
        pairs.sort();
        let n = pairs.len();
        pairs.dedup();
        assert_eq!(pairs.len(), n, "each (owner, domain) once");
        // API-FACTS.md's examples are all in it.
        for example in [
            "SEARCH_API:EXECUTE_QUERY",
            "SEARCH_API:IMPERSONATE",
            "SEARCH_API:QUERY_PIPELINE:VIEW",
            "USAGE_ANALYTICS:ANALYTICS_DATA:EDIT",
            "USAGE_ANALYTICS:ADMINISTRATE",
            "PLATFORM:SOURCE:CREATE",
            "PLATFORM:API_KEY:EDIT",
            "PLATFORM:ORGANIZATION:VIEW",
            "COVEO_ML:MODELS:CREATE",
            "COVEO_ML:ALLOW_CONTENT_PREVIEW:ENABLE",
        ] {
            assert!(names().iter().any(|n| n == example), "{example}");
        }
    }
}
