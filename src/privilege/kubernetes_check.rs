//! What a Kubernetes privilege written in a spec may be (`kubernetes.rs`
//! has the grammar and the meaning): known verbs, known core-group
//! resources, and a "did you mean" for the usual mistakes, so a typo in
//! `forbidden` is an error, never an entry that checks nothing.

use super::glob_matches;
use super::kubernetes::{Malformed, Rule, Written, parse};
use crate::escape::text;
use crate::suggest::did_you_mean;

/// The written forms, for messages.
const FORM: &str = "NAMESPACE/RESOURCE[.GROUP][/SUBRESOURCE][#NAME]:VERB";

/// The verbs RBAC rules on resources use (kubernetes.io, "Using RBAC
/// Authorization": the request verbs `get list watch create update patch
/// delete deletecollection`, `proxy` for the proxy subresource, and the
/// special verbs `use`, `bind`, `escalate`, `impersonate`, `approve`,
/// `sign`; `attest` is the ClusterTrustBundle one).
const VERBS: &[&str] = &[
    "get",
    "list",
    "watch",
    "create",
    "update",
    "patch",
    "delete",
    "deletecollection",
    "escalate",
    "bind",
    "impersonate",
    "use",
    "approve",
    "sign",
    "attest",
    "proxy",
];

/// A non-resource request's verb is its HTTP method in lower case (same
/// page, "Determine the request verb").
const URL_VERBS: &[&str] = &["get", "post", "put", "patch", "delete", "head", "options"];

/// The core group's resources (`apiGroups: [""]`), and the three that
/// impersonation checks there: `users`, `groups`, `serviceaccounts`
/// (kubernetes.io, "User impersonation"; its `userextras` and `uids` are in
/// `authentication.k8s.io`, in [`GROUPED`]).
const CORE: &[&str] = &[
    "bindings",
    "componentstatuses",
    "configmaps",
    "endpoints",
    "events",
    "limitranges",
    "namespaces",
    "nodes",
    "persistentvolumeclaims",
    "persistentvolumes",
    "pods",
    "podtemplates",
    "replicationcontrollers",
    "resourcequotas",
    "secrets",
    "serviceaccounts",
    "services",
    "users",
    "groups",
];

/// Well-known resources of named groups, for the hint that a resource
/// written without its group is not in the core group. Not a limit: any
/// resource of a named group is accepted (custom resources).
const GROUPED: &[(&str, &[&str])] = &[
    (
        "apps",
        &[
            "deployments",
            "statefulsets",
            "daemonsets",
            "replicasets",
            "controllerrevisions",
        ],
    ),
    ("batch", &["jobs", "cronjobs"]),
    (
        "rbac.authorization.k8s.io",
        &[
            "roles",
            "rolebindings",
            "clusterroles",
            "clusterrolebindings",
        ],
    ),
    ("networking.k8s.io", &["ingresses", "networkpolicies"]),
    (
        "authorization.k8s.io",
        &[
            "selfsubjectrulesreviews",
            "selfsubjectaccessreviews",
            "subjectaccessreviews",
            "localsubjectaccessreviews",
        ],
    ),
    (
        "authentication.k8s.io",
        &["tokenreviews", "selfsubjectreviews", "userextras", "uids"],
    ),
    ("policy", &["poddisruptionbudgets"]),
    ("autoscaling", &["horizontalpodautoscalers"]),
    ("certificates.k8s.io", &["certificatesigningrequests"]),
    ("coordination.k8s.io", &["leases"]),
    ("storage.k8s.io", &["storageclasses"]),
    ("apiextensions.k8s.io", &["customresourcedefinitions"]),
    (
        "admissionregistration.k8s.io",
        &[
            "validatingwebhookconfigurations",
            "mutatingwebhookconfigurations",
        ],
    ),
];

/// Names for generated tests: one of each shape.
pub(super) const VOCABULARY: &[&str] = &[
    "ci/pods:get",
    "ci/pods:list",
    "ci/pods#web:get",
    "ci/pods/exec:create",
    "ci/pods/log:get",
    "ci/secrets:get",
    "ci/secrets:list",
    "ci/configmaps#app-config:get",
    "ci/serviceaccounts/token:create",
    "ci/users:impersonate",
    "ci/deployments.apps:update",
    "ci/deployments.apps/scale:update",
    "ci/roles.rbac.authorization.k8s.io:escalate",
    "ci/rolebindings.rbac.authorization.k8s.io:bind",
    "ci/selfsubjectrulesreviews.authorization.k8s.io:create",
    "ci/widgets.example.com:get",
    "default/pods:get",
    "default/secrets:get",
    "default/deployments.apps:update",
    "/healthz:get",
    "/api:get",
    "/apis/apps/v1:get",
    "/metrics:get",
];

/// What the spec's `extra_privileges` add: the verbs they use (or are),
/// and the resources they put in the core group.
struct Declared {
    verbs: Vec<String>,
    core: Vec<String>,
}

impl Declared {
    fn of(extra: &[String]) -> Declared {
        let mut d = Declared {
            verbs: Vec::new(),
            core: Vec::new(),
        };
        for e in extra {
            match parse(e) {
                Ok(Written::Resource(r)) => {
                    if r.group.is_none() && !r.every_resource() {
                        d.core.push(r.resource);
                    }
                    d.verbs.push(r.verb);
                }
                Ok(Written::NonResource { verb, .. }) => d.verbs.push(verb),
                _ if !e.contains(['/', ':', '*']) => d.verbs.push(e.clone()),
                _ => {}
            }
        }
        d
    }
}

pub(super) fn validate(name: &str, extra: &[String]) -> Result<(), String> {
    if extra.iter().any(|e| e == name) {
        return Ok(());
    }
    let shown = text(name);
    // The atoms' own characters are control characters: no spec name may
    // hold one (nor any character that changes how text reads).
    if name.chars().any(crate::escape::hostile) {
        return Err(format!(
            "`{shown}` holds a control or invisible character: no Kubernetes name does"
        ));
    }
    let declared = Declared::of(extra);
    match parse(name) {
        Ok(Written::All) => Ok(()),
        Ok(Written::Resource(rule)) => resource(&shown, &rule, &declared),
        Ok(Written::NonResource { url, verb }) => non_resource(&shown, &url, &verb, &declared),
        Err(Malformed::NoVerb) => Err(format!(
            "`{shown}` has no verb: write {FORM}, such as `{shown}:get` (`:*` for every verb), \
             or /PATH:VERB for a non-resource URL"
        )),
        Err(Malformed::NoNamespace) => Err(format!(
            "`{shown}` has no namespace: write {FORM}, such as `*/{shown}` for every namespace, \
             or /PATH:VERB for a non-resource URL"
        )),
    }
}

fn lower_word(s: &str, extra: &[char]) -> bool {
    s.chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || extra.contains(&c))
}

fn resource(shown: &str, r: &Rule, declared: &Declared) -> Result<(), String> {
    if r.stray_colon {
        return Err(format!(
            "`{shown}` has more than one `:` outside its #NAME: the verb follows the last one; \
             write one verb per entry, {FORM}"
        ));
    }
    let ns = r.namespace.as_str();
    let label = ns.len() <= 63 && !ns.starts_with('-') && !ns.ends_with('-') && lower_word(ns, &[]);
    if ns.is_empty() || !(label || ns.contains('*') && lower_word(ns, &['*'])) {
        return Err(format!(
            "`{}` in `{shown}` is not a namespace: a namespace is a DNS label (lower-case \
             letters, digits and `-`), or a glob such as `*` for every namespace",
            text(ns)
        ));
    }
    let res = r.resource.as_str();
    if res.is_empty() {
        return Err(format!("`{shown}` names no resource: write {FORM}"));
    }
    if !lower_word(res, &['*']) {
        let lower = res.to_ascii_lowercase();
        let hint = if lower != res && lower_word(&lower, &['*']) {
            format!("did you mean `{lower}`? Resources are lower-case plurals")
        } else {
            "a resource is a lower-case plural such as `pods`, or a glob".to_owned()
        };
        return Err(format!(
            "`{}` in `{shown}` is not a resource; {hint}",
            text(res)
        ));
    }
    match r.group.as_deref() {
        Some(g) if !lower_word(g, &['.', '*']) => {
            return Err(format!(
                "`{}` in `{shown}` is not an API group: a group is a lower-case DNS name such \
                 as `apps` or `rbac.authorization.k8s.io`, or a glob",
                text(g)
            ));
        }
        None | Some("") if !r.every_resource() => core(shown, res, declared)?,
        _ => {}
    }
    if let Some(sub) = &r.sub
        && (sub.is_empty() || sub.contains('/'))
    {
        return Err(format!(
            "`{shown}` has an empty or a second subresource after `/`: write {FORM}"
        ));
    }
    if r.name.as_deref() == Some("") {
        return Err(format!(
            "`{shown}` has an empty name after `#`: leave `#NAME` out for every name"
        ));
    }
    verb(shown, &r.verb, VERBS, declared, "resource")
}

/// A resource written without a group (or with `.` alone) must be one of
/// the core group, or the rule names nothing: `deployments` is
/// `deployments.apps`.
fn core(shown: &str, res: &str, declared: &Declared) -> Result<(), String> {
    let known = CORE
        .iter()
        .copied()
        .chain(declared.core.iter().map(String::as_str));
    if res.contains('*') {
        if known.clone().any(|c| glob_matches(res, c)) {
            return Ok(());
        }
        return Err(format!(
            "`{res}` in `{shown}` matches no core-group resource, so the entry names nothing; \
             write `{res}.GROUP` for a named group, or `{res}.*` for every group"
        ));
    }
    if known.clone().any(|c| c == res) {
        return Ok(());
    }
    let group_of = |res: &str| {
        GROUPED
            .iter()
            .find(|(_, rs)| rs.contains(&res))
            .map(|(g, _)| *g)
    };
    if let Some(g) = group_of(res) {
        return Err(format!(
            "`{res}` is not in the core group; did you mean `{res}.{g}`? (in `{shown}`)"
        ));
    }
    let all = known.chain(GROUPED.iter().flat_map(|(_, rs)| rs.iter().copied()));
    let hint = match did_you_mean(res, all) {
        Some(s) => match group_of(s) {
            Some(g) => format!("did you mean `{s}.{g}`?"),
            None => format!("did you mean `{s}`?"),
        },
        None => format!(
            "write `{res}.GROUP` for a resource of a named group (custom resources too), or \
             declare the name under `extra_privileges` if the API reports it in the core group"
        ),
    };
    Err(format!(
        "`{res}` in `{shown}` is not a core-group resource; {hint}"
    ))
}

fn non_resource(shown: &str, url: &str, verb_: &str, declared: &Declared) -> Result<(), String> {
    let first = url[1..].split('/').next().unwrap_or_default();
    let resource = CORE.contains(&first) || GROUPED.iter().any(|(_, rs)| rs.contains(&first));
    if resource {
        return Err(format!(
            "`{shown}` starts with `/`, so it is a non-resource URL, and `{first}` is a \
             resource: write {FORM}, such as `*{shown}` for every namespace"
        ));
    }
    verb(shown, verb_, URL_VERBS, declared, "non-resource")
}

fn verb(
    shown: &str,
    verb: &str,
    known: &[&str],
    declared: &Declared,
    kind: &str,
) -> Result<(), String> {
    if verb.is_empty() {
        return Err(format!("`{shown}` has no verb after `:`: write {FORM}"));
    }
    let all = known
        .iter()
        .copied()
        .chain(declared.verbs.iter().map(String::as_str));
    if verb.contains('*') {
        if all.clone().any(|v| glob_matches(verb, v)) {
            return Ok(());
        }
        return Err(format!(
            "`{}` in `{shown}` matches no {kind} verb ({})",
            text(verb),
            known.join(", ")
        ));
    }
    if all.clone().any(|v| v == verb) {
        return Ok(());
    }
    let hint = match did_you_mean(verb, all) {
        Some(s) => format!("did you mean `{s}`?"),
        None if kind == "resource" && URL_VERBS.contains(&verb) => format!(
            "`{verb}` is an HTTP method, which only non-resource URLs take as a verb \
             (/PATH:{verb}); the resource verbs are {}",
            known.join(", ")
        ),
        None => format!(
            "the {kind} verbs are {}; declare another under `extra_privileges` if the API \
             reports it",
            known.join(", ")
        ),
    };
    Err(format!(
        "`{}` in `{shown}` is not a {kind} verb; {hint}",
        text(verb)
    ))
}

#[cfg(test)]
mod tests {
    use super::super::{Family, KUBERNETES};
    use super::*;

    fn err(name: &str) -> String {
        KUBERNETES.validate(name, &[]).unwrap_err()
    }

    #[test]
    fn well_formed_names_pass() {
        for ok in [
            "*",
            "ci/pods:get",
            "*/secrets:*",
            "ci/*:*",
            "ci/*.:get",
            "ci/*.*:get",
            "*/*:escalate",
            "ci/*/scale:update",
            "ci/deployments.apps:update",
            "ci/widgets.example.com/status:patch",
            "ci/pods/exec:create",
            "ci/pods/*:*",
            "ci/pod*:get",
            "c*/pods:g*",
            "ci/configmaps#app-config:get",
            "ci/clusterroles.rbac.authorization.k8s.io#system:admin:bind",
            "ci/users:impersonate",
            "ci/userextras.authentication.k8s.io/scopes:impersonate",
            "/healthz:get",
            "/api/*:get",
            "/*:*",
        ] {
            assert_eq!(KUBERNETES.validate(ok, &[]), Ok(()), "{ok}");
            assert!(KUBERNETES.knows(ok, &[]), "{ok}");
        }
        for name in VOCABULARY {
            assert_eq!(KUBERNETES.validate(name, &[]), Ok(()), "{name}");
        }
    }

    #[test]
    fn mistakes_are_named_with_the_fix() {
        let e = err("ci/deployments:get");
        assert!(
            e.contains("`deployments` is not in the core group; did you mean `deployments.apps`?"),
            "{e}"
        );
        let e = err("ci/pods:gett");
        assert!(
            e.contains("`gett`") && e.contains("did you mean `get`?"),
            "{e}"
        );
        let e = err("ci/pods");
        assert!(
            e.contains("has no verb") && e.contains("`ci/pods:get`"),
            "{e}"
        );
        let e = err("pods:get");
        assert!(
            e.contains("has no namespace") && e.contains("`*/pods:get`"),
            "{e}"
        );
        let e = err("ci/pods:get:x");
        assert!(e.contains("more than one `:`"), "{e}");
        // A `:` that ends the resource part, just before `#NAME`.
        let e = err("ci/pods:#web:get");
        assert!(e.contains("more than one `:`"), "{e}");
        let e = err("/pods:get");
        assert!(
            e.contains("non-resource URL") && e.contains("`*/pods:get`"),
            "{e}"
        );
        let e = err("ci/pods:post");
        assert!(
            e.contains("not a resource verb") && e.contains("HTTP method"),
            "{e}"
        );
        let e = err("/healthz:list");
        assert!(e.contains("not a non-resource verb"), "{e}");
        // The HTTP-method hint is for a resource given a method, only.
        for (name, list) in [
            ("/healthz:zzzzzz", "the non-resource verbs are"),
            ("ci/pods:zzzzzz", "the resource verbs are"),
        ] {
            let e = err(name);
            assert!(e.contains(list) && !e.contains("HTTP method"), "{e}");
        }
        let e = err("Ci/pods:get");
        assert!(e.contains("is not a namespace"), "{e}");
        // A glob is a namespace only when the rest of it is one.
        let e = err("C*/pods:get");
        assert!(e.contains("is not a namespace"), "{e}");
        // No "did you mean" when lower case would not make it a resource.
        let e = err("ci/Pod_s:get");
        assert!(
            e.contains("a resource is a lower-case plural") && !e.contains("did you mean"),
            "{e}"
        );
        let e = err("ci/Pods:get");
        assert!(e.contains("did you mean `pods`?"), "{e}");
        let e = err("ci/pod:get");
        assert!(e.contains("did you mean `pods`?"), "{e}");
        let e = err("ci/deploymnets:get");
        assert!(e.contains("did you mean `deployments.apps`?"), "{e}");
        let e = err("ci/userextras/scopes:impersonate");
        assert!(e.contains("`userextras.authentication.k8s.io`"), "{e}");
        let e = err("ci/widgets:get");
        assert!(e.contains("`widgets.GROUP`"), "{e}");
        let e = err("ci/deploy*:get");
        assert!(e.contains("matches no core-group resource"), "{e}");
        let e = err("ci/pods:g*x");
        assert!(e.contains("matches no resource verb"), "{e}");
        assert!(err("ci/pods#:get").contains("empty name"));
        assert!(err("ci/pods/:get").contains("subresource"));
        assert!(err("ci/:get").contains("names no resource"));
        assert!(err("ci/pods:").contains("no verb after"));
        assert!(err("ci/pods.Apps:get").contains("not an API group"));
        let e = err("ci/pods:get\n");
        assert!(e.contains("control") && !e.contains('\n'), "{e}");
        assert!(err("ci/pods\u{202e}:get").contains("invisible"));
    }

    /// `extra_privileges` declare verbs and core resources the tables lack,
    /// as full names or as bare verbs.
    #[test]
    fn declared_names_extend_the_tables() {
        let extra = vec!["ci/widgets:frobnicate".to_owned(), "twiddle".to_owned()];
        for ok in [
            "ci/widgets:frobnicate",
            "*/widgets:get",
            "ci/pods:frob*",
            "ci/gadgets.example.com:twiddle",
            "/healthz:twiddle",
        ] {
            assert_eq!(KUBERNETES.validate(ok, &extra), Ok(()), "{ok}");
        }
        assert!(KUBERNETES.validate("ci/widgets:frobnicate", &[]).is_err());
        assert!(!KUBERNETES.knows("ci/pods:frobnicate", &[]));
        assert!(KUBERNETES.knows("ci/pods:frobnicate", &extra));
        // A declaration admits itself and what it declares, nothing else.
        assert!(KUBERNETES.validate("ci/pods:gett", &extra).is_err());
        // A non-resource URL declares its verb.
        let url = vec!["/metrics:purge".to_owned()];
        assert_eq!(KUBERNETES.validate("/healthz:purge", &url), Ok(()));
        assert_eq!(KUBERNETES.validate("ci/pods:purge", &url), Ok(()));
        // A resource of a named group does not join the core group.
        let grouped = vec!["ci/widgets.example.com:get".to_owned()];
        let e = KUBERNETES.validate("ci/widgets:get", &grouped).unwrap_err();
        assert!(e.contains("`widgets.GROUP`"), "{e}");
        // A malformed declaration declares no verb.
        let broken = vec!["ci/pods".to_owned()];
        assert!(KUBERNETES.validate("/healthz:ci/pods", &broken).is_err());
    }
}
