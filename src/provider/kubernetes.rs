//! `provider: kubernetes`: service account and user tokens.
//!
//! One `SelfSubjectRulesReview` per namespace the spec lists (see
//! `Provider::steps`): `POST /apis/authorization.k8s.io/v1/selfsubjectrulesreviews`
//! with `spec.namespace`; the answer's `status` lists the resource and
//! non-resource rules that apply to the caller there (Kubernetes API
//! reference, "SelfSubjectRulesReview v1"; `kubectl auth can-i --list`
//! asks the same). Cluster-wide rules appear in every namespace's review.
//!
//! The review is a lower bound when `status.incomplete` is true or
//! `status.evaluationError` is set: an authorizer (a webhook, Node, ABAC)
//! could not enumerate its rules, "most likely because it does not support
//! rules evaluation" (the API reference). Then `Grant::partial` says so, and
//! compare fails the rules that need the whole grant.

use super::Unread;
use crate::privilege::kubernetes::{non_resource_privilege, resource_privilege};
use crate::provider::{Grant, kind};
use serde_json::{Map, Value, json};

pub(crate) const PATH: &str = "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews";
/// A bound service account token is a JWT (`eyJ...`: base64 of `{"`);
/// Kubernetes docs, "Service account tokens".
pub(crate) const TOKEN_PREFIXES: &[&str] = &["eyJ"];

/// The review asked for one namespace.
pub(crate) fn review_body(namespace: &str) -> Value {
    json!({
        "apiVersion": "authorization.k8s.io/v1",
        "kind": "SelfSubjectRulesReview",
        "spec": { "namespace": namespace },
    })
}

/// Whether a refusal is the API server's answer to a token no
/// authenticator accepts: 401 with a `Status` whose reason is
/// `Unauthorized` (API conventions, "Response Status Kind").
pub(crate) fn refuses_token(status: u16, body: &Value) -> bool {
    status == 401
        && body.get("kind").and_then(Value::as_str) == Some("Status")
        && body.get("reason").and_then(Value::as_str) == Some("Unauthorized")
}

/// The stored form: per namespace, `kind`, `spec` and `status` (the rules,
/// `incomplete`, `evaluationError`); `metadata` and the rest are dropped.
pub(crate) fn project(body: &Value, namespaces: &[String]) -> Value {
    let mut out = Map::new();
    for ns in namespaces {
        let Some(Value::Object(review)) = body.get(ns) else {
            continue;
        };
        let kept: Map<String, Value> = review
            .iter()
            .filter(|(k, _)| matches!(k.as_str(), "kind" | "spec" | "status"))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        out.insert(ns.clone(), Value::Object(kept));
    }
    Value::Object(out)
}

/// Reads `{namespace: review}` for every listed namespace.
pub(crate) fn parse(body: &Value, namespaces: &[String]) -> Result<Grant, Unread> {
    let mut privileges = Vec::new();
    let mut partial = Vec::new();
    // In name order, not the spec's: the list is a set (issue 39), and what
    // is said of an incomplete review must not change with its order.
    let mut sorted: Vec<&String> = namespaces.iter().collect();
    sorted.sort();
    for ns in sorted {
        let review = body
            .get(ns)
            .ok_or_else(|| format!("there is no review of namespace `{ns}`"))?;
        if review.get("kind").and_then(Value::as_str) != Some("SelfSubjectRulesReview") {
            return Err(Unread::from(format!(
                "the answer for namespace `{ns}` is not a SelfSubjectRulesReview"
            )));
        }
        // The server echoes the spec: an answer about another namespace is
        // not evidence about this one.
        let about = review.pointer("/spec/namespace").and_then(Value::as_str);
        if about != Some(ns.as_str()) {
            return Err(Unread::from(format!(
                "the review asked for namespace `{ns}` answers about {}",
                about.map_or_else(|| "no namespace".to_owned(), |a| format!("`{a}`"))
            )));
        }
        let status = review
            .get("status")
            .and_then(Value::as_object)
            .ok_or_else(|| format!("the review of `{ns}` has no `status`"))?;
        // `incomplete` is required in the API (no omitempty): absent, the
        // answer cannot say the list is whole.
        match status.get("incomplete") {
            Some(Value::Bool(false)) => {}
            Some(Value::Bool(true)) => partial.push(format!("`{ns}`: the review is incomplete")),
            other => {
                return Err(Unread::from(format!(
                    "the review of `{ns}` has {} for `incomplete`, not true or false",
                    other.map_or("nothing", kind)
                )));
            }
        }
        match status.get("evaluationError") {
            None | Some(Value::Null) => {}
            Some(Value::String(e)) if e.is_empty() => {}
            Some(Value::String(e)) => partial.push(format!("`{ns}`: {e}")),
            Some(other) => {
                return Err(Unread::from(format!(
                    "the review of `{ns}` has {} for `evaluationError`",
                    kind(other)
                )));
            }
        }
        for rule in rules(status, "resourceRules", ns)? {
            let verbs = strings(rule, "verbs", ns, true)?;
            let groups = strings(rule, "apiGroups", ns, false)?;
            let resources = strings(rule, "resources", ns, false)?;
            let names = strings(rule, "resourceNames", ns, false)?;
            for g in &groups {
                for r in &resources {
                    for v in &verbs {
                        if names.is_empty() {
                            privileges.push(resource_privilege(ns, g, r, None, v));
                        }
                        for n in &names {
                            privileges.push(resource_privilege(ns, g, r, Some(n), v));
                        }
                    }
                }
            }
        }
        for rule in rules(status, "nonResourceRules", ns)? {
            let verbs = strings(rule, "verbs", ns, true)?;
            for url in strings(rule, "nonResourceURLs", ns, false)? {
                for v in &verbs {
                    privileges.push(non_resource_privilege(url, v));
                }
            }
        }
    }
    let mut grant = Grant::new(privileges, Vec::new());
    if !partial.is_empty() {
        grant.notes.push(format!(
            "the rules listed are a lower bound: {}",
            partial.join("; ")
        ));
        grant.partial = Some(partial.join("; "));
    }
    grant.active = Some(true);
    Ok(grant)
}

/// A status' list of rules. Both lists are required in the API; a missing
/// or null one is not "no rules".
fn rules<'a>(
    status: &'a Map<String, Value>,
    key: &str,
    ns: &str,
) -> Result<&'a Vec<Value>, Unread> {
    status
        .get(key)
        .and_then(Value::as_array)
        .ok_or_else(|| Unread::from(format!("the review of `{ns}` has no list `{key}`")))
}

/// A rule's list of strings. `required` lists (verbs) must be there and
/// not empty; the others may be left out (`omitempty`), which grants
/// nothing in RBAC (a rule with no resource matches no request).
fn strings<'a>(
    rule: &'a Value,
    key: &str,
    ns: &str,
    required: bool,
) -> Result<Vec<&'a str>, Unread> {
    let bad = |what: &str| {
        Unread::from(format!(
            "a rule in the review of `{ns}` has {what} for `{key}`"
        ))
    };
    let list = match rule.get(key) {
        None | Some(Value::Null) if !required => return Ok(Vec::new()),
        None | Some(Value::Null) => return Err(bad("nothing")),
        Some(Value::Array(l)) if required && l.is_empty() => return Err(bad("an empty list")),
        Some(Value::Array(l)) => l,
        Some(other) => return Err(bad(kind(other))),
    };
    list.iter()
        .map(|v| match v.as_str() {
            // RBAC's names (verbs, groups, resources, object names, URLs)
            // hold no white space; one that does is no answer of the API's.
            Some(s) if s.contains(char::is_whitespace) => Err(bad("an entry holding white space")),
            // The core group is "", so an empty string is a name there.
            Some(s) if !s.is_empty() || key == "apiGroups" => Ok(s),
            _ => Err(bad(&format!("an entry that is {}", kind(v)))),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn review(ns: &str, status: Value) -> Value {
        json!({"kind": "SelfSubjectRulesReview", "apiVersion": "authorization.k8s.io/v1",
               "metadata": {"creationTimestamp": null}, "spec": {"namespace": ns},
               "status": status})
    }

    fn namespaces(n: &[&str]) -> Vec<String> {
        n.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn reads_every_combination_of_a_rule() {
        let body = json!({"ci": review("ci", json!({
            "resourceRules": [
                {"verbs": ["get", "update"], "apiGroups": ["apps"], "resources": ["deployments"]},
                {"verbs": ["get"], "apiGroups": [""], "resources": ["configmaps"], "resourceNames": ["app"]},
            ],
            "nonResourceRules": [{"verbs": ["get"], "nonResourceURLs": ["/healthz"]}],
            "incomplete": false,
        }))});
        let g = parse(&body, &namespaces(&["ci"])).ok().unwrap();
        let expected = [
            resource_privilege("ci", "apps", "deployments", None, "get"),
            resource_privilege("ci", "apps", "deployments", None, "update"),
            resource_privilege("ci", "", "configmaps", Some("app"), "get"),
            non_resource_privilege("/healthz", "get"),
        ];
        for e in &expected {
            assert!(g.privileges.contains(e), "{e} in {:?}", g.privileges);
        }
        assert_eq!(g.privileges.len(), 4);
        assert_eq!(g.partial, None);
        let stored = project(&body, &namespaces(&["ci"]));
        assert!(stored.pointer("/ci/metadata").is_none());
        assert_eq!(parse(&stored, &namespaces(&["ci"])).ok().unwrap(), g);
    }

    #[test]
    fn an_incomplete_review_is_a_lower_bound() {
        let status = json!({"resourceRules": [], "nonResourceRules": [], "incomplete": true,
                            "evaluationError": "webhook authorizer does not support rules"});
        let g = parse(&json!({"ci": review("ci", status)}), &namespaces(&["ci"]))
            .ok()
            .unwrap();
        let why = g.partial.expect("partial");
        assert!(
            why.contains("incomplete") && why.contains("webhook"),
            "{why}"
        );
    }

    /// Issue 39: the namespaces are a set; in any order, the same grant,
    /// and the same words for what an incomplete review lacks.
    #[test]
    fn the_grant_does_not_depend_on_the_order_of_the_namespaces() {
        let status = |e: &str| {
            json!({"resourceRules": [{"verbs": ["get"], "apiGroups": [""], "resources": ["pods"]}],
                   "nonResourceRules": [], "incomplete": true, "evaluationError": e})
        };
        let body =
            json!({"ci": review("ci", status("one")), "default": review("default", status("two"))});
        let a = parse(&body, &namespaces(&["ci", "default"])).ok().unwrap();
        let b = parse(&body, &namespaces(&["default", "ci"])).ok().unwrap();
        assert_eq!(a, b);
        assert_eq!(
            a.partial.as_deref(),
            Some(
                "`ci`: the review is incomplete; `ci`: one; `default`: the review is incomplete; `default`: two"
            )
        );
    }

    #[test]
    fn the_core_group_is_an_empty_name() {
        let status = json!({"resourceRules": [{"verbs": ["get"], "apiGroups": [""], "resources": ["pods"]}],
                            "nonResourceRules": [], "incomplete": false});
        let g = parse(&json!({"ci": review("ci", status)}), &namespaces(&["ci"]))
            .ok()
            .unwrap();
        assert_eq!(
            g.privileges,
            [resource_privilege("ci", "", "pods", None, "get")]
        );
    }

    #[test]
    fn an_empty_evaluation_error_is_no_error() {
        let status = json!({"resourceRules": [], "nonResourceRules": [], "incomplete": false,
                            "evaluationError": ""});
        let g = parse(&json!({"ci": review("ci", status)}), &namespaces(&["ci"]))
            .ok()
            .unwrap();
        assert_eq!(g.partial, None);
    }

    #[test]
    fn missing_evidence_is_an_error() {
        let ns = namespaces(&["ci", "default"]);
        let ok = json!({"resourceRules": [], "nonResourceRules": [], "incomplete": false});
        let err = |body: Value| parse(&body, &ns).is_err();
        // A namespace without its review.
        assert!(err(json!({"ci": review("ci", ok.clone())})));
        // An answer about another namespace.
        assert!(err(
            json!({"ci": review("ci", ok.clone()), "default": review("ci", ok.clone())})
        ));
        for status in [
            json!({"resourceRules": [], "nonResourceRules": []}),
            json!({"resourceRules": null, "nonResourceRules": [], "incomplete": false}),
            json!({"nonResourceRules": [], "incomplete": false}),
            json!({"resourceRules": [{"apiGroups": [""], "resources": ["pods"]}], "nonResourceRules": [], "incomplete": false}),
            json!({"resourceRules": [{"verbs": "get", "apiGroups": [""], "resources": ["pods"]}], "nonResourceRules": [], "incomplete": false}),
            json!({"resourceRules": [], "nonResourceRules": [], "incomplete": "no"}),
            json!({"resourceRules": [{"verbs": [], "apiGroups": [""], "resources": ["pods"]}], "nonResourceRules": [], "incomplete": false}),
            json!({"resourceRules": [{"verbs": ["get"], "apiGroups": [""], "resources": [""]}], "nonResourceRules": [], "incomplete": false}),
            json!({"resourceRules": [{"verbs": [""], "apiGroups": [""], "resources": ["pods"]}], "nonResourceRules": [], "incomplete": false}),
        ] {
            let body = json!({"ci": review("ci", ok.clone()), "default": review("default", status.clone())});
            assert!(err(body), "{status}");
        }
    }

    #[test]
    fn only_an_unauthorized_status_proves_revocation() {
        let status = json!({"kind": "Status", "apiVersion": "v1", "metadata": {},
                            "status": "Failure", "message": "Unauthorized",
                            "reason": "Unauthorized", "code": 401});
        assert!(refuses_token(401, &status));
        assert!(!refuses_token(403, &status));
        assert!(!refuses_token(401, &Value::Null));
        assert!(!refuses_token(401, &json!({"message": "Unauthorized"})));
    }
}
