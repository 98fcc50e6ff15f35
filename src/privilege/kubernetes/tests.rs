use super::super::{covers, overlap, surely_gives};
use super::*;
use crate::compare::{Clock, compare};
use crate::plan::Expectations;
use crate::provider::Grant;

const K: &Kubernetes = &KUBERNETES;

fn passes(rule: &str, entries: &[&str], granted: &[&str]) -> bool {
    let list = Some(entries.iter().map(|s| s.to_string()).collect());
    let mut expect = Expectations::default();
    match rule {
        "forbidden" => expect.forbidden = list,
        "at_most" => expect.at_most = list,
        _ => expect.at_least = list,
    }
    let grant = Grant::new(granted.iter().map(|s| s.to_string()).collect(), Vec::new());
    compare(K, &expect, &grant, Clock { now: 0, today: 0 }).passed()
}

#[test]
fn a_wildcard_verb_covers_each_verb_of_its_resource_only() {
    assert!(covers(
        K,
        "ci/deployments.apps:*",
        "ci/deployments.apps:update"
    ));
    assert!(!covers(
        K,
        "ci/deployments.apps:*",
        "ci/deployments.apps/scale:update"
    ));
    assert!(!covers(
        K,
        "ci/deployments.apps:*",
        "ci/deployments.extensions:update"
    ));
    assert!(!covers(
        K,
        "ci/deployments.apps:*",
        "prod/deployments.apps:update"
    ));
    assert!(!covers(
        K,
        "ci/deployments.apps:update",
        "ci/deployments.apps:*"
    ));
}

/// `ResourceNameMatches`: no names is every name; `ResourceMatches`:
/// `pods` is not `pods/exec`.
#[test]
fn a_resource_covers_its_names_but_not_its_subresources() {
    assert!(covers(K, "ci/pods:get", "ci/pods#web:get"));
    assert!(!covers(K, "ci/pods#web:get", "ci/pods:get"));
    assert!(!covers(K, "ci/pods#web:get", "ci/pods#db:get"));
    assert!(!covers(K, "ci/pods:get", "ci/pods/exec:get"));
    assert!(!covers(K, "ci/pods:get", "ci/pods:list"));
    // A glob over subresources is not the resource itself, nor is a glob
    // over resources any subresource.
    assert!(covers(K, "ci/pods/*:get", "ci/pods/exec:get"));
    assert!(!covers(K, "ci/pods/*:get", "ci/pods:get"));
    assert!(!covers(K, "ci/pod*:get", "ci/pods/exec:get"));
    assert!(covers(K, "ci/pod*:get", "ci/pods:get"));
}

/// The bare `*` is every resource and subresource of every group; `*.` is
/// the core group's.
#[test]
fn a_bare_star_is_every_group_and_a_trailing_dot_the_core_group() {
    for q in [
        "ci/pods/exec:create",
        "ci/roles.rbac.authorization.k8s.io:escalate",
        "ci/pods#web:get",
        "ci/widgets.example.com/status:patch",
    ] {
        assert!(covers(K, "ci/*:*", q), "{q}");
        assert!(covers(K, "ci/*.*:*", q), "{q}");
    }
    assert!(!covers(K, "ci/*:*", "prod/pods:get"));
    assert!(!covers(K, "ci/*.:get", "ci/deployments.apps:get"));
    assert!(covers(K, "ci/*.:get", "ci/pods:get"));
    assert!(covers(K, "ci/*.:get", "ci/pods/log:get"));
    assert!(covers(K, "ci/*:get", "ci/*.:get"));
    assert!(!covers(K, "ci/*.:get", "ci/*:get"));
    assert!(covers(K, "ci/*.apps:get", "ci/deployments.apps/scale:get"));
    // A careless forbidden entry still names grouped resources.
    assert_eq!(
        overlap(
            K,
            "ns/roles.rbac.authorization.k8s.io:escalate",
            "*/*:escalate"
        )
        .as_deref(),
        Some("ns/roles.rbac.authorization.k8s.io:escalate")
    );
    // Impersonating users is a core-group rule (`apiGroups: [""]`).
    assert_eq!(
        overlap(K, "ci/users:impersonate", "*/*:impersonate").as_deref(),
        Some("ci/users:impersonate")
    );
}

#[test]
fn witnesses_are_written_as_privileges() {
    assert_eq!(
        overlap(K, "ci/*.*:*", "*/secrets:*").as_deref(),
        Some("ci/secrets:*")
    );
    assert_eq!(
        overlap(K, "ci/*/scale:update", "*/deployments.apps/scale:update").as_deref(),
        Some("ci/deployments.apps/scale:update")
    );
    assert_eq!(
        overlap(K, "ci/*/scale:update", "*/deployments.apps:update"),
        None
    );
    assert_eq!(
        overlap(K, "ci/*:get", "*/*.:get").as_deref(),
        Some("ci/*.:get")
    );
    assert!(surely_gives(K, "ci/*.*:*", "ci/secrets:*"));
    assert!(!surely_gives(K, "ci/pods:*", "ci/secrets:*"));
}

/// A `*` of one part never reaches into another: text globs would match
/// `configmaps#x/secrets:get` with `*/secrets:*`.
#[test]
fn a_star_stays_in_its_part() {
    let odd = resource_privilege("ci", "", "configmaps", Some("x/secrets"), "get");
    assert_eq!(overlap(K, &odd, "*/secrets:*"), None);
    assert_eq!(overlap(K, "ci/pods#get:list", "*/pods:get"), None);
    assert_eq!(
        overlap(K, "ci/pods:list", "*/*:*t"),
        Some("ci/pods:list".into())
    );
    assert_eq!(
        overlap(K, "ci/pods:get", "c*:get"),
        None,
        "not a privilege: named by `*` only"
    );
}

/// Resource and non-resource rules never meet, but through `*` alone.
#[test]
fn non_resource_urls_are_their_own_kind() {
    assert_eq!(overlap(K, "/healthz:get", "*/*:get"), None);
    assert_eq!(overlap(K, "/healthz:get", "*/*:*"), None);
    assert_eq!(overlap(K, "ci/pods:get", "/*:*"), None);
    assert_eq!(
        overlap(K, "/healthz:get", "*").as_deref(),
        Some("/healthz:get")
    );
    assert_eq!(
        overlap(K, "ci/pods:get", "*").as_deref(),
        Some("ci/pods:get")
    );
    assert!(covers(K, "/api/*:get", "/api/v1:get"));
    assert!(!covers(K, "/api/*:get", "/api:get"));
    assert!(!covers(K, "/api/*:get", "/apis/apps:get"));
    assert!(!covers(K, "*/*:*", "/healthz:get"));
    assert!(covers(K, "*", "/healthz:get") && covers(K, "*", "ci/pods/exec:create"));
    assert!(super::super::allows_everything(K, &["*".to_owned()]));
    assert!(!super::super::allows_everything(
        K,
        &["*/*:*".to_owned(), "/*:*".to_owned()]
    ));
}

/// The rules through the indexed comparison: glob keys (`*/...`), keyed
/// namespaces and the non-resource kind.
#[test]
fn rules_hold_through_the_index() {
    let granted = ["ci/pods:get", "ci/pods/exec:create", "/healthz:get"];
    assert!(!passes("forbidden", &["*/*/exec:*"], &granted));
    assert!(!passes("forbidden", &["ci/pods:*"], &granted));
    assert!(!passes("forbidden", &["/health*:*"], &granted));
    assert!(passes(
        "forbidden",
        &["*/secrets:*", "prod/*:*", "*/*:list"],
        &granted
    ));
    assert!(passes(
        "at_most",
        &["ci/pods:get", "ci/*/exec:*", "/*:get"],
        &granted
    ));
    assert!(!passes("at_most", &["ci/pods:*", "/*:get"], &granted));
    assert!(passes(
        "at_least",
        &["ci/pods#web:get", "/healthz:get"],
        &granted
    ));
    assert!(!passes("at_least", &["ci/pods:list"], &granted));
}

#[test]
fn names_have_one_spelling() {
    for (written, one) in [
        ("ci/*.*:get", "ci/*:get"),
        ("ci/pods.:get", "ci/pods:get"),
        ("ci/pods#*:get", "ci/pods:get"),
        ("ci/*.*/scale:update", "ci/*/scale:update"),
        ("ci/p\\ods:get", "ci/pods:get"),
        ("ci/*.:get", "ci/*.:get"),
        ("ci/pods.*:get", "ci/pods.*:get"),
        ("*", "*"),
        ("/api/*:get", "/api/*:get"),
    ] {
        assert_eq!(K.normalize(written), one, "{written}");
        assert!(
            covers(K, written, one) && covers(K, one, written),
            "{written}"
        );
    }
}

/// RBAC's matching (`evaluation_helpers.go`), for one rule and one request
/// in the rule's namespace, to hold the names to.
fn rbac(rule: (&str, &str, &[&str], &str), req: (&str, &str, &str, &str, &str)) -> bool {
    let (group, resource, names, verb) = rule;
    let (rg, rr, rs, rn, rv) = req;
    let combined = if rs.is_empty() {
        rr.to_owned()
    } else {
        format!("{rr}/{rs}")
    };
    let res = resource == "*"
        || resource == combined
        || (!rs.is_empty()
            && resource.len() == rs.len() + 2
            && resource.starts_with("*/")
            && resource.ends_with(rs));
    (verb == "*" || verb == rv)
        && (group == "*" || group == rg)
        && res
        && (names.is_empty() || names.contains(&rn))
}

/// Every rule a review can report reads back as exactly what RBAC grants:
/// the name covers a request's name when RBAC matches the request.
#[test]
fn reported_names_mean_what_rbac_grants() {
    let rules: &[(&str, &str, &[&str], &str, &str)] = &[
        ("", "pods", &[], "get", "ci/pods:get"),
        ("", "*", &[], "get", "ci/*.:get"),
        ("*", "*", &[], "*", "ci/*:*"),
        ("apps", "*", &[], "list", "ci/*.apps:list"),
        ("", "pods/exec", &[], "create", "ci/pods/exec:create"),
        ("*", "*/scale", &[], "update", "ci/*/scale:update"),
        ("", "*/scale", &[], "update", "ci/*./scale:update"),
        (
            "apps",
            "deployments",
            &["web"],
            "patch",
            "ci/deployments.apps#web:patch",
        ),
        ("*", "pods", &[], "get", "ci/pods.*:get"),
        ("", "pods/*", &[], "get", "ci/pods/\\*:get"),
        ("", "*/*", &[], "get", "ci/*./\\*:get"),
        ("", "configmaps", &["a*b"], "get", "ci/configmaps#a\\*b:get"),
        ("", "secrets", &[""], "get", "ci/secrets#:get"),
        ("", "pods", &[], "g*t", "ci/pods:g\\*t"),
        (
            "rbac.authorization.k8s.io",
            "clusterroles",
            &["system:admin"],
            "bind",
            "ci/clusterroles.rbac.authorization.k8s.io#system:admin:bind",
        ),
        (
            "a/b#c",
            "x.y",
            &["n\\m"],
            "v:w",
            "ci/x\\.y.a\\/b\\#c#n\\\\m:v\\:w",
        ),
    ];
    let requests: &[(&str, &str, &str, &str, &str)] = &[
        ("", "pods", "", "web", "get"),
        ("", "pods", "", "", "list"),
        ("", "pods", "exec", "web", "create"),
        ("", "pods", "*", "web", "get"),
        ("", "*", "", "", "get"),
        ("apps", "deployments", "", "web", "patch"),
        ("apps", "deployments", "scale", "web", "update"),
        ("", "replicationcontrollers", "scale", "x", "update"),
        ("", "configmaps", "", "a*b", "get"),
        ("", "configmaps", "", "axb", "get"),
        ("", "secrets", "", "", "get"),
        ("", "secrets", "", "s", "get"),
        ("", "pods", "", "p", "g*t"),
        ("", "pods", "", "p", "gat"),
        (
            "rbac.authorization.k8s.io",
            "clusterroles",
            "",
            "system:admin",
            "bind",
        ),
        ("a/b#c", "x.y", "", "n\\m", "v:w"),
    ];
    for &(group, resource, names, verb, written) in rules {
        let named: Vec<String> = match names {
            [] => vec![resource_privilege("ci", group, resource, None, verb)],
            ns => ns
                .iter()
                .map(|n| resource_privilege("ci", group, resource, Some(n), verb))
                .collect(),
        };
        assert_eq!(named[0], written, "the rule's name");
        assert_eq!(
            K.normalize(&named[0]),
            named[0],
            "reported names are in the one spelling"
        );
        for &(rg, rr, rs, rn, rv) in requests {
            let combined = if rs.is_empty() {
                rr.to_owned()
            } else {
                format!("{rr}/{rs}")
            };
            for ns in ["ci", "prod"] {
                let request = resource_privilege(ns, rg, &combined, Some(rn), rv);
                let want = ns == "ci" && rbac((group, resource, names, verb), (rg, rr, rs, rn, rv));
                let got = named.iter().any(|n| covers(K, n, &request));
                assert_eq!(got, want, "{written} vs {request}");
            }
        }
    }
    // The namespace reviewed; none (or `*`, which no namespace is called)
    // is every namespace, and any other `*` a character.
    assert_eq!(
        resource_privilege("", "", "pods", None, "get"),
        "*/pods:get"
    );
    assert_eq!(
        resource_privilege("*", "", "pods", None, "get"),
        "*/pods:get"
    );
    let odd = resource_privilege("c*", "", "pods", None, "get");
    assert_eq!(odd, "c\\*/pods:get");
    assert!(covers(K, "*/pods:get", &odd) && !covers(K, "ci/pods:get", &odd));
}

/// `NonResourceURLMatches`: `*` every URL, a trailing `*` a prefix, and
/// any other `*` a character.
#[test]
fn reported_urls_mean_what_rbac_grants() {
    let rules = [
        ("/healthz", "get", "/healthz:get"),
        ("*", "get", "/*:get"),
        ("/api/*", "*", "/api/*:*"),
        ("/api**", "get", "/api*:get"),
        ("/a*b", "get", "/a\\*b:get"),
        ("/a*b*", "get", "/a\\*b*:get"),
        ("/x:y", "get", "/x:y:get"),
    ];
    let requests = [
        "/healthz", "/api", "/api/v1", "/apis", "/a*b", "/axb", "/a*bc", "/x:y", "/",
    ];
    for (url, verb, written) in rules {
        let name = non_resource_privilege(url, verb);
        assert_eq!(name, written);
        assert_eq!(K.normalize(&name), name);
        for req in requests {
            for rv in ["get", "post"] {
                let stem = url.trim_end_matches('*');
                let want = (verb == "*" || verb == rv)
                    && (url == "*" || url == req || (url.ends_with('*') && req.starts_with(stem)));
                let got = covers(K, &name, &non_resource_privilege(req, rv));
                assert_eq!(got, want, "{name} vs {req}:{rv}");
            }
        }
    }
    // No request path lacks the leading `/`: such a rule grants nothing,
    // and its name only `*` names.
    let none = non_resource_privilege("healthz", "get");
    assert!(parse(&none).is_err(), "{none}");
    assert_eq!(overlap(K, &none, "/*:*"), None);
    assert_eq!(overlap(K, &none, "*/*:*"), None);
    assert!(overlap(K, &none, "*").is_some());
    assert!(!K.knows(&none, &[]));
    assert!(parse(&non_resource_privilege("a/b:c", "get")).is_err());
}

/// A value holding the characters atoms are made of still reads as one
/// privilege of six parts, which globs name as before.
#[test]
fn hostile_values_stay_in_their_part() {
    let name = format!("x{SEP}y{STAR}z");
    let p = resource_privilege("ci", "", "secrets", Some(&name), "get");
    assert_eq!(overlap(K, &p, "*/secrets:*").as_deref(), Some(p.as_str()));
    assert_eq!(
        overlap(K, &p, "*/secrets#x*:get").as_deref(),
        Some(p.as_str())
    );
    assert!(!covers(K, "ci/secrets#x*y\\*z:get", &p));
    assert!(K.validate(&p, &[]).is_err());
    let ns = resource_privilege(&format!("c{SEP}i"), "", "pods", None, "get");
    assert_eq!(
        K.gives(&ns).iter().next().map(|a| a.matches(SEP).count()),
        Some(5)
    );
}
