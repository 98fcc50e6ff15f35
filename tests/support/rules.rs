//! Shared by the rule properties (`tests/properties.rs`) and the reference
//! model (`tests/model.rs`): the proptest settings and the globs a spec may
//! write for each family. Included with `#[path]`, not through `mod
//! support`, so neither test links the binary helpers.

use proptest::prelude::ProptestConfig;

/// `cases` cases, or `PROPTEST_CASES`; failures are printed and shrunk,
/// never written into the source tree.
pub fn config(cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(cases);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// The wildcard patterns a spec may write for `family`, beside its names.
pub fn wildcards(family: &str) -> &'static [&'static str] {
    match family {
        "docspace" => &[
            "*",
            "*:read",
            "*:write",
            "*:*",
            "files:*",
            "rooms:*",
            "accounts:*",
            "accounts.self:*",
            "f*:read",
        ],
        "roles" => &["*", "role:*", "auth:*", "role:*admin"],
        "coveo" => &[
            "*",
            "PLATFORM:*",
            "SEARCH_API:*",
            "PLATFORM:SOURCE:*",
            "*:EDIT",
            "*:ENABLE",
            "*:IMPERSONATE",
            "PLATFORM:SOURCE:*@src-1",
            "PLATFORM:SOURCE:EDIT@src-*",
            "*@src-1",
            "PLATFORM:*@*",
        ],
        "vault" => &[
            "*",
            "policy:*",
            "*:sudo",
            "*:*",
            "sys/*:*",
            "secret/*:read",
            "sys/mounts:root",
            "policy:root",
        ],
        "kubernetes" => &[
            "*",
            "*/*:*",
            "ci/*:*",
            "ci/*:get",
            "ci/*.:get",
            "ci/*.apps:*",
            "*/secrets:*",
            "*/pods:get",
            "ci/pods/*:*",
            "ci/pods#web:*",
            "ci/*/scale:update",
            "*/*:escalate",
            "c*/*:get",
            "/api/*:get",
            "/*:*",
        ],
        "plain" => &["*", "read*", "*:user", "r*d", "*e*"],
        "github" => &["*", "admin:*", "read:*", "*:org"],
        "gitlab" => &["*", "read_*", "*_repository"],
        _ => &["*"],
    }
}
