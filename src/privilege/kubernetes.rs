//! Kubernetes RBAC privileges, as a `SelfSubjectRulesReview` reports them
//! per namespace, written
//!
//! - `NAMESPACE/RESOURCE[.GROUP][/SUBRESOURCE][#NAME]:VERB` for a resource
//!   rule (`ci/deployments.apps:update`, `ci/pods/exec:create`,
//!   `ci/configmaps#app-config:get`, `*/secrets:*`);
//! - `/PATH:VERB` for a non-resource rule (`/healthz:get`, `/api/*:get`);
//! - `*` for everything.
//!
//! The verb follows the last `:` (a name may hold `:`, a verb never does).
//! RESOURCE has no dot: GROUP is all that follows the first dot
//! (`roles.rbac.authorization.k8s.io`). Without `.GROUP` a resource is in
//! the core group `""`, but for one case: a bare `*` resource means every
//! resource of every group, so a careless `forbidden: ["*/*:escalate"]`
//! still names `ns/roles.rbac.authorization.k8s.io:escalate`. The core
//! group's `*` is written `*.` (a trailing dot: group `""`).
//!
//! The meaning is RBAC's, from `pkg/apis/rbac/v1/evaluation_helpers.go`
//! (kubernetes/kubernetes at 03bf11a3): `VerbMatches` and
//! `APIGroupMatches` read `*` as every verb and every group;
//! `ResourceMatches` reads `*` as every resource *and* subresource, `*/x`
//! as subresource `x` of every resource, and anything else exactly, so
//! `pods` is not `pods/exec`; `ResourceNameMatches` reads no names as every
//! name; `NonResourceURLMatches` reads `*` as every URL and a trailing `*`
//! as a prefix, which a `*` glob is. Everywhere else RBAC reads `*` as a
//! character: that `*` is written `\*` (and `\` as `\\`), so
//! [`resource_privilege`] and [`non_resource_privilege`] turn every rule
//! into a name that means exactly what RBAC grants.
//!
//! An atom holds six parts, compared one by one ([`super::Split`]) so a
//! `*` of one never reaches into another: the namespace (behind a kind
//! tag), group, resource, subresource, name and verb. The parts are joined
//! by a control character, which spec names cannot hold (`validate`
//! rejects them); where a value from an answer holds one of the atoms' own
//! characters, another control character takes its place, which only a
//! glob's `*` matches, as it matched the original. A name that does not
//! parse is an atom of its own kind, which only `*` names.

use super::kubernetes_check;
use super::{Family, Patterns};
use std::borrow::Cow;

pub(crate) struct Kubernetes;

pub(crate) static KUBERNETES: Kubernetes = Kubernetes;

/// Between the parts of an atom.
const SEP: char = '\u{1f}';
/// A `*` RBAC reads as a character (written `\*`), so a glob's `*` matches
/// it and nothing else does: no spec name holds a control character.
const STAR: char = '\u{1a}';
/// What a value's own [`SEP`] or [`STAR`] becomes: a control character
/// too, which only a glob's `*` matches, as it matched the original.
const OTHER: char = '\u{1e}';
/// Kind tag + namespace, group, resource, subresource, name, verb. Atoms
/// of the other kinds are padded to six parts, so every atom is literal
/// unless it holds a `*`, and the [`super::Index`] keys it by the first.
const FIELDS: usize = 6;

/// How a written name failed to parse.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Malformed {
    NoVerb,
    NoNamespace,
}

/// A privilege as written, its values in atom spelling: escapes resolved,
/// a `*` RBAC reads as a character held as [`STAR`].
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Written {
    All,
    Resource(Rule),
    NonResource { url: String, verb: String },
}

/// The parts of a resource rule as written (`None`: left out).
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Rule {
    pub namespace: String,
    pub resource: String,
    pub group: Option<String>,
    pub sub: Option<String>,
    pub name: Option<String>,
    pub verb: String,
    /// A `:` before the verb's and outside `#NAME`: two verbs, or a typo.
    pub stray_colon: bool,
}

impl Rule {
    /// The bare `*` of `ResourceMatches`: every resource, and (unless a
    /// `/SUBRESOURCE` follows) every subresource, of every group unless a
    /// `.GROUP` follows.
    pub(super) fn every_resource(&self) -> bool {
        self.resource == "*"
    }

    fn atom(&self) -> String {
        let all = self.every_resource();
        let group = self.group.as_deref().unwrap_or(if all { "*" } else { "" });
        // The subresource part is `""` for none and `/x` for `x`, so the
        // glob `pods/*` (`/*`) names every subresource of pods but not
        // pods itself; only the bare `*` has `*`, none or any.
        let sub = match &self.sub {
            Some(s) => Cow::Owned(format!("/{s}")),
            None if all => Cow::Borrowed("*"),
            None => Cow::Borrowed(""),
        };
        let name = self.name.as_deref().unwrap_or("*");
        resource_atom(
            &self.namespace,
            group,
            &self.resource,
            &sub,
            name,
            &self.verb,
        )
    }
}

impl Written {
    fn atom(&self) -> Cow<'static, str> {
        match self {
            Written::All => Cow::Borrowed("*"),
            Written::Resource(rule) => Cow::Owned(rule.atom()),
            Written::NonResource { url, verb } => Cow::Owned(join(&["n", url, verb, "", "", ""])),
        }
    }
}

fn join(parts: &[&str; FIELDS]) -> String {
    parts.join(&SEP.to_string())
}

fn resource_atom(ns: &str, group: &str, res: &str, sub: &str, name: &str, verb: &str) -> String {
    join(&[&format!("r{ns}"), group, res, sub, name, verb])
}

/// The atom of a name that does not parse: itself, which only `*` names
/// (the kind tag `?` is no other kind's), and which a report lists as a
/// name permspec does not know.
fn opaque(p: &str) -> String {
    let raw: String = p
        .chars()
        .map(|c| if c == '*' { STAR } else { plain(c) })
        .collect();
    join(&[&format!("?{raw}"), "", "", "", "", ""])
}

fn plain(c: char) -> char {
    if c == SEP || c == STAR { OTHER } else { c }
}

/// Reads a written name. `\c` is the character `c`, never a delimiter or
/// a glob's `*`.
pub(super) fn parse(s: &str) -> Result<Written, Malformed> {
    if s == "*" {
        return Ok(Written::All);
    }
    let mut t: Vec<(char, bool)> = Vec::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => t.push((chars.next().unwrap_or('\\'), true)),
            c => t.push((c, false)),
        }
    }
    let at = |t: &[(char, bool)], c: char| t.iter().position(|x| *x == (c, false));
    let value = |t: &[(char, bool)]| -> String {
        t.iter()
            .map(|&(c, escaped)| if escaped && c == '*' { STAR } else { plain(c) })
            .collect()
    };
    let colon = t.iter().rposition(|x| *x == (':', false));
    let Some(colon) = colon else {
        return Err(Malformed::NoVerb);
    };
    let (head, verb) = (&t[..colon], value(&t[colon + 1..]));
    if head.first() == Some(&('/', false)) {
        let url = value(head);
        return Ok(Written::NonResource { url, verb });
    }
    let slash = at(head, '/').ok_or(Malformed::NoNamespace)?;
    let rest = &head[slash + 1..];
    let (left, name) = match at(rest, '#') {
        Some(i) => (&rest[..i], Some(value(&rest[i + 1..]))),
        None => (rest, None),
    };
    let stray_colon = at(&head[..slash + 1 + left.len()], ':').is_some();
    let (resgroup, sub) = match at(left, '/') {
        Some(i) => (&left[..i], Some(value(&left[i + 1..]))),
        None => (left, None),
    };
    let (resource, group) = match at(resgroup, '.') {
        Some(i) => (value(&resgroup[..i]), Some(value(&resgroup[i + 1..]))),
        None => (value(resgroup), None),
    };
    Ok(Written::Resource(Rule {
        namespace: value(&head[..slash]),
        resource,
        group,
        sub,
        name,
        verb,
        stray_colon,
    }))
}

/// The atom of any string: its meaning if it parses, else [`opaque`].
fn atom(p: &str) -> Cow<'_, str> {
    match parse(p) {
        Ok(Written::All) => Cow::Borrowed(p),
        Ok(w) => w.atom(),
        Err(_) => Cow::Owned(opaque(p)),
    }
}

/// A value in written spelling: `\` and [`STAR`] escaped, and the
/// characters that would end it where it stands.
fn esc(v: &str, specials: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for c in v.chars() {
        match c {
            STAR => out.push_str("\\*"),
            '\\' => out.push_str("\\\\"),
            c if specials.contains(c) => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// The written form of an atom: the one spelling of its meaning, which
/// [`parse`] reads back to the same atom.
fn show(atom: &str) -> String {
    let parts: Vec<&str> = atom.splitn(FIELDS, SEP).collect();
    let part = |i: usize| parts.get(i).copied().unwrap_or("*");
    let first = parts[0];
    if let Some(ns) = first.strip_prefix('r') {
        return show_resource([ns, part(1), part(2), part(3), part(4), part(5)]);
    }
    if first == "n" {
        return format!("{}:{}", esc(part(1), ""), esc(part(2), ":"));
    }
    if let Some(raw) = first.strip_prefix('?') {
        return raw.replace(STAR, "*");
    }
    // `*` alone, or the meeting of two `*`: every part is `*`.
    first.to_owned()
}

fn show_resource([ns, group, res, sub, name, verb]: [&str; FIELDS]) -> String {
    let all = res == "*";
    let mut s = esc(ns, "/");
    s.push('/');
    s.push_str(&esc(res, "/.#"));
    match group {
        "*" if all => {}
        "" if !all => {}
        g => {
            s.push('.');
            s.push_str(&esc(g, "/#"));
        }
    }
    // Only the bare `*` has the subresource part `*` (its atom, see
    // `Rule::atom`; a meeting of two atoms keeps that); `resource_privilege`
    // gives it `""`. Either is written as none.
    match sub {
        "*" if all => {}
        "" => {}
        sub => {
            s.push('/');
            s.push_str(&esc(sub.strip_prefix('/').unwrap_or(sub), "#"));
        }
    }
    if name != "*" {
        s.push('#');
        s.push_str(&esc(name, ""));
    }
    s.push(':');
    s.push_str(&esc(verb, ":"));
    s
}

/// A value RBAC compares exactly, in atom spelling: its `*` is a
/// character.
fn literal(v: &str) -> String {
    v.chars()
        .map(|c| if c == '*' { STAR } else { plain(c) })
        .collect()
}

/// The privilege one resource rule of a `SelfSubjectRulesReview` of
/// `namespace` grants, for one group, resource, name (`None`: the rule
/// lists no `resourceNames`, so every name) and verb, each as the answer
/// holds it: `group` `""` is the core group and `*` every group;
/// `resource` is `pods`, `pods/exec`, `*` or `*/scale`; `verb` `*` is
/// every verb. Every other `*` is a character to RBAC, and written `\*`.
/// `namespace` is the one reviewed; empty or `*` (no namespace has either
/// name: a review of no namespace sees the cluster-wide bindings, which
/// hold in every namespace) is every namespace, `*`, so no `forbidden`
/// entry of a namespace misses it.
pub(crate) fn resource_privilege(
    namespace: &str,
    group: &str,
    resource: &str,
    name: Option<&str>,
    verb: &str,
) -> String {
    let ns = if namespace.is_empty() || namespace == "*" {
        "*".to_owned()
    } else {
        literal(namespace)
    };
    let (res, sub) = match resource.split_once('/') {
        Some((r, s)) => (r, Some(s)),
        None => (resource, None),
    };
    let all = res == "*";
    let res = if all { "*".to_owned() } else { literal(res) };
    // No subresource is written as none, for every resource: the bare `*`
    // reads back with the subresource part `*` (see `Rule::atom`).
    let sub = sub.map(|s| format!("/{}", literal(s))).unwrap_or_default();
    let group = if group == "*" {
        "*".to_owned()
    } else {
        literal(group)
    };
    let name = name.map_or_else(|| "*".to_owned(), literal);
    let verb = if verb == "*" {
        "*".to_owned()
    } else {
        literal(verb)
    };
    show_resource([&ns, &group, &res, &sub, &name, &verb])
}

/// The privilege one non-resource rule grants: `url` as the answer holds
/// it (`*` every URL, a trailing `*` a prefix), for one `verb`. A request
/// path starts with `/`, so `*` is written `/*`; a URL that starts with
/// neither matches no request, and its name is written so that it does
/// not parse: only `*` names it, and a report lists it as unknown.
pub(crate) fn non_resource_privilege(url: &str, verb: &str) -> String {
    let verb = if verb == "*" {
        "*".to_owned()
    } else {
        literal(verb)
    };
    let url = if url == "*" {
        "/*".to_owned()
    } else if url.starts_with('/') {
        // `NonResourceURLMatches` trims every trailing `*` and matches the
        // rest as a prefix: the language of one glob `*`.
        let stem = url.trim_end_matches('*');
        let prefix = if stem.len() < url.len() { "*" } else { "" };
        format!("{}{prefix}", literal(stem))
    } else {
        return format!("{}:{}", esc(&literal(url), "/:"), esc(&verb, ":"));
    };
    show(&join(&["n", &url, &verb, "", "", ""]))
}

/// The workloads whose create or edit makes pods: pods themselves and the
/// built-in controllers of the `apps` and `batch` groups.
const WORKLOADS: &[(&str, &str)] = &[
    ("", "pods"),
    ("", "replicationcontrollers"),
    ("apps", "deployments"),
    ("apps", "replicasets"),
    ("apps", "statefulsets"),
    ("apps", "daemonsets"),
    ("batch", "jobs"),
    ("batch", "cronjobs"),
];

/// What a rule's atom may lead to beyond what it names, each from
/// Kubernetes' own documentation (docs/inclusions/kubernetes.md, issue 35):
///
/// - `get` on `pods/exec`, `pods/attach` or `pods/portforward` may open
///   them: the WebSocket handshake is a `GET`, authorized as `create`
///   only from 1.35 (`AuthorizePodWebsocketUpgradeCreatePermission`: "a
///   security gap caused by the protocol transition");
/// - `list` or `watch` on secrets reveals them ("`list` on `secrets` will
///   still reveal the `data` attributes");
/// - creating or editing pods, directly or through a controller, reaches
///   every secret and configmap of the namespace and its service accounts
///   ("Escalation paths": "Mounting arbitrary secrets in that namespace",
///   "... configmaps ...", "Using arbitrary Service Accounts");
/// - a literal `*` among a rule's names means every name to other
///   authorizers ("\"*\" means all", SelfSubjectRulesReview).
fn may_lead_to(atom: &str) -> Vec<String> {
    let parts: Vec<&str> = atom.splitn(FIELDS, SEP).collect();
    let (Some(ns), [_, group, res, sub, name, verb]) =
        (parts[0].strip_prefix('r'), parts.as_slice())
    else {
        return Vec::new();
    };
    let can = |pattern: &str, value: &str| super::glob_matches(pattern, value);
    let mut out = Vec::new();
    if can(group, "") && can(res, "pods") && can(verb, "get") {
        for s in ["/exec", "/attach", "/portforward"] {
            if can(sub, s) {
                out.push(resource_atom(ns, "", "pods", s, name, "create"));
            }
        }
    }
    if can(group, "")
        && can(res, "secrets")
        && can(sub, "")
        && (can(verb, "list") || can(verb, "watch"))
    {
        out.push(resource_atom(ns, "", "secrets", "", name, "get"));
    }
    let edits = ["create", "update", "patch"].iter().any(|v| can(verb, v));
    if edits && can(sub, "") && WORKLOADS.iter().any(|(g, r)| can(group, g) && can(res, r)) {
        for (res, verb) in [
            ("secrets", "get"),
            ("configmaps", "get"),
            ("serviceaccounts", "impersonate"),
        ] {
            out.push(resource_atom(ns, "", res, "", "*", verb));
        }
    }
    if name.chars().eq([STAR]) {
        out.push(resource_atom(ns, group, res, sub, "*", verb));
    }
    out
}

impl Family for Kubernetes {
    fn what(&self) -> &'static str {
        "Kubernetes privilege"
    }

    fn validate(&self, name: &str, extra: &[String]) -> Result<(), String> {
        kubernetes_check::validate(name, extra)
    }

    /// Whether a reported name is well formed, with a known verb and, for
    /// the core group, a known resource (or declared).
    fn knows(&self, privilege: &str, extra: &[String]) -> bool {
        kubernetes_check::validate(privilege, extra).is_ok()
    }

    fn vocabulary(&self) -> Vec<String> {
        kubernetes_check::VOCABULARY
            .iter()
            .map(|s| s.to_string())
            .collect()
    }

    /// What holding `p` may give: its atom, and what Kubernetes' own words
    /// say it may lead to ([`may_lead_to`]). These count against a grant
    /// (a `forbidden` entry they name fails it), never for it.
    fn gives<'a>(&self, p: &'a str) -> Patterns<'a> {
        let own = atom(p);
        let more = may_lead_to(&own);
        if more.is_empty() {
            return Patterns::One(own);
        }
        let mut all = vec![own];
        all.extend(more.into_iter().map(Cow::Owned));
        Patterns::Many(all)
    }

    /// One atom per name: RBAC has no verb or resource that includes
    /// another, beyond its `*`s.
    fn surely_gives<'a>(&self, p: &'a str) -> Patterns<'a> {
        Patterns::One(atom(p))
    }

    fn names<'a>(&self, p: &'a str) -> Patterns<'a> {
        Patterns::One(atom(p))
    }

    fn separator(&self) -> Option<char> {
        Some(SEP)
    }

    fn fields(&self) -> usize {
        FIELDS
    }

    fn show(&self, atom: &str) -> String {
        show(atom)
    }

    fn unshow<'a>(&self, shown: &'a str) -> Cow<'a, str> {
        atom(shown)
    }

    /// The one spelling of the meaning: `*.*` is `*`, `pods.` is `pods`,
    /// `#*` goes, escapes only where needed. A name that does not parse
    /// stays as written (`validate` has refused it).
    fn normalize<'a>(&self, name: &'a str) -> Cow<'a, str> {
        match parse(name) {
            Ok(w) => {
                let shown = show(&w.atom());
                if shown == name {
                    Cow::Borrowed(name)
                } else {
                    Cow::Owned(shown)
                }
            }
            Err(_) => Cow::Borrowed(name),
        }
    }
}

#[cfg(test)]
mod tests;
